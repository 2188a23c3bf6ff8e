#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# run-one.sh FUZZER: replays the seed corpus, then fuzzes for FUZZ_SMOKE_SECONDS (default 15); TAP.
# scripts/fuzz.sh does the run (its limits, and a timeout counts only if it reproduces).
set -u
f=$1
name=$(basename "$f")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
secs=${FUZZ_SMOKE_SECONDS:-15}
if FUZZ_SECONDS=$secs FUZZ_WORK="$work" scripts/fuzz.sh "$f" >"$work/out" 2>&1; then
	echo "ok 1 - $name: seed corpus and $secs s of fuzzing without a finding"
	grep -E 'not reproduced' "$work/out" | sed 's/^ */# /'
else
	echo "not ok 1 - $name found a crash, leak or timeout"
	sed 's/^/#   /' "$work/out" | tail -n 40
	for a in "$work/findings-$name"/*; do
		[ -f "$a" ] && cp "$a" . && echo "#   input saved as ./$(basename "$a")"
	done
fi
echo "1..1"
