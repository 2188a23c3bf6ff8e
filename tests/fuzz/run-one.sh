#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# run-one.sh FUZZER: replays the seed corpus, then fuzzes for FUZZ_SMOKE_SECONDS (default 15); TAP.
set -u
f=$1
name=$(basename "$f")
seeds=tests/fuzz/seeds/${name#fuzz_}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$seeds"/* "$work"/ 2>/dev/null
if "$f" -max_total_time="${FUZZ_SMOKE_SECONDS:-15}" -timeout=10 -rss_limit_mb=2048 \
	-artifact_prefix="$work/" "$work" >"$work/log" 2>&1; then
	echo "ok 1 - $name: seed corpus and ${FUZZ_SMOKE_SECONDS:-15} s of fuzzing without a finding"
else
	echo "not ok 1 - $name found a crash, leak or timeout"
	tail -n 40 "$work/log" | sed 's/^/#   /'
	for a in "$work"/crash-* "$work"/leak-* "$work"/timeout-*; do
		[ -f "$a" ] && cp "$a" . && echo "#   input saved as ./$(basename "$a")"
	done
fi
echo "1..1"
