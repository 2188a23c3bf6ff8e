#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# fuzz.sh FUZZER...: runs each libFuzzer target in turn for FUZZ_SECONDS, stopping at the first finding with its input saved.
# The growing corpus lives outside the repo (FUZZ_WORK); the small seed corpus in tests/fuzz/seeds/ is only read.
set -u
secs=${FUZZ_SECONDS:-60}
work=${FUZZ_WORK:-${TMPDIR:-/tmp}/tcptop-fuzz}
logs=${FUZZ_LOGS:-$work/logs}
mkdir -p "$logs" || exit 1

# libFuzzer's -timeout is wall-clock: on a loaded machine (or under nice 19) an input can
# wait 10 s for a CPU. A timeout counts only if the input, run again alone, times out again.
real_finding() { # FUZZER DIR: 0 if DIR holds a crash/leak/oom, a timeout that reproduces, or nothing
	any=
	for a in "$2"/*; do
		[ -f "$a" ] || continue
		any=1
		case $(basename "$a") in
		timeout-*)
			if "$1" -timeout=10 -rss_limit_mb=2048 "$a" >"$a.rerun.log" 2>&1; then
				mkdir -p "$2/unreproduced" && mv "$a" "$a.rerun.log" "$2/unreproduced/"
				echo "   timeout not reproduced when run again alone: $2/unreproduced/$(basename "$a")"
				continue
			fi
			return 0 ;;
		*) return 0 ;;
		esac
	done
	# a fuzzer that failed without saving an input (it would not start, say) failed all the same
	[ -z "$any" ]
}

for f in "$@"; do
	n=$(basename "$f")
	seeds=tests/fuzz/seeds/${n#fuzz_}
	corpus=$work/corpus-$n
	found=$work/findings-$n
	log=$logs/$n.log
	mkdir -p "$corpus" "$found" || exit 1
	[ -d "$seeds" ] || seeds=
	echo "== $n: $secs s, corpus $corpus, log $log"
	: >"$log"
	start=$(date +%s) execs=0 left=$secs retries=0
	while [ "$left" -gt 0 ]; do
		# -timeout: an input taking 10 s is a hang; -rss_limit_mb: a parser that balloons is a finding.
		# shellcheck disable=SC2086 # $seeds is empty or one directory
		"$f" -max_total_time="$left" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
			-artifact_prefix="$found/" "$corpus" $seeds >>"$log" 2>&1
		rc=$?
		e=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
		execs=$((execs + ${e:-0}))
		[ "$rc" -eq 0 ] && break
		retries=$((retries + 1))
		# a target that keeps stalling is worth a look even if each input alone is fast
		if real_finding "$f" "$found" || [ "$retries" -gt 5 ]; then
			echo "$n: FINDING; input(s):"
			find "$found" -type f ! -name '*.rerun.log' | sed 's/^/  /'
			# the last report in the log: the one that ended the run
			awk '/ERROR: |runtime error/ { n = NR } { l[NR] = $0 }
				END { for (i = n; n && i < n + 30 && i <= NR; i++) print "  | " l[i] }' "$log"
			exit 1
		fi
		left=$((secs - ($(date +%s) - start)))
	done
	last=$(grep -E '^#[0-9]+' "$log" | tail -n 1)
	echo "$n: clean; $(($(date +%s) - start)) s; execs $execs;" \
		"$(printf '%s\n' "$last" | grep -oE 'cov: [0-9]+ ft: [0-9]+ corp: [^ ]+')"
done
