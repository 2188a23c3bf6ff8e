#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# fuzz.sh FUZZER...: runs each libFuzzer target in turn for FUZZ_SECONDS, stopping at the first finding with its input saved.
# The growing corpus lives outside the repo (FUZZ_WORK); the small seed corpus in tests/fuzz/seeds/ is only read.
set -u
secs=${FUZZ_SECONDS:-60}
work=${FUZZ_WORK:-${TMPDIR:-/tmp}/tcptop-fuzz}
logs=${FUZZ_LOGS:-$work/logs}
mkdir -p "$logs" || exit 1
for f in "$@"; do
	n=$(basename "$f")
	seeds=tests/fuzz/seeds/${n#fuzz_}
	corpus=$work/corpus-$n
	found=$work/findings-$n
	log=$logs/$n.log
	mkdir -p "$corpus" "$found" || exit 1
	[ -d "$seeds" ] || seeds=
	echo "== $n: $secs s, corpus $corpus, log $log"
	# -timeout: an input taking 10 s is a hang; -rss_limit_mb: a parser that balloons is a finding.
	# shellcheck disable=SC2086 # $seeds is empty or one directory
	if ! "$f" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$found/" "$corpus" $seeds >"$log" 2>&1; then
		echo "$n: FINDING after $(grep -c . "$log") log lines; input(s):"
		find "$found" -type f | sed "s/^/  /"
		grep -m1 -A30 -E 'ERROR: |runtime error|==ERROR' "$log" | head -n 40 | sed 's/^/  | /'
		exit 1
	fi
	last=$(grep -E '^#[0-9]+' "$log" | tail -n 1)
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	echo "$n: clean; execs $execs; $(printf '%s\n' "$last" | grep -oE 'cov: [0-9]+ ft: [0-9]+ corp: [^ ]+')"
done
