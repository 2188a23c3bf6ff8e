#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# snapshot_pair.sh: two builds' one-shot snapshots alternating with ss on one fresh load, inside its TIME-WAIT lifetime.
# Root (a private namespace). The load's TIME-WAIT sockets expire 60 s after it is built, and
# `ss -tanpH` is ~25% faster without them, so every figure here comes from within that minute:
# A and B alternate (-p, three rounds), ss -tanpH once, three rounds more; then the CPU side
# (--no-processes text and JSON against ss -tinmHa). Wall, CPU (user+system) and peak RSS from
# /usr/bin/time. Quote ratios from one run of this, not absolute times.
# usage: bench/snapshot_pair.sh A_TCPTOP B_TCPTOP [SOCKETS]
set -u
cd "$(dirname "$0")/.."
A=${1:?usage: bench/snapshot_pair.sh A_TCPTOP B_TCPTOP [SOCKETS]}
B=${2:?usage: bench/snapshot_pair.sh A_TCPTOP B_TCPTOP [SOCKETS]}
N=${3:-200000}
BUILD=${BUILD:-build}
if [ "$(id -u)" -ne 0 ]; then
	echo "bench/snapshot_pair.sh: skipped (needs root for a private network namespace)"
	exit 0
fi
out=$(mktemp)
trap 'kill $holder 2>/dev/null; rm -f "$out"' EXIT
$BUILD/bench/bench_snapshot --hold "$N" >"$out" &
holder=$!
for _ in $(seq 600); do grep -q '^ready' "$out" && break; sleep 0.1; done
grep -q '^ready' "$out" || { echo "bench/snapshot_pair.sh: the sockets were not built"; exit 1; }
pid=$(sed -n 's/^ready pid=//p' "$out")
head -1 "$out"

one() { # label, command...
	local label=$1
	shift
	/usr/bin/time -f "$label wall=%e cpu=%U+%S rss=%M" nsenter -t "$pid" -n "$@" >/dev/null
}
rounds() {
	for _ in 1 2 3; do
		one "A -p" "$A" --no-config -b -n 1 -p
		one "B -p" "$B" --no-config -b -n 1 -p
	done
}
rounds
one "ss -tanpH" ss -tanpH
rounds
for _ in 1 2; do
	one "A text" "$A" --no-config -b -n 1 --no-processes
	one "B text" "$B" --no-config -b -n 1 --no-processes
	one "A json" "$A" --no-config -b -n 1 --no-processes -o json
	one "B json" "$B" --no-config -b -n 1 --no-processes -o json
	one "ss -tinmHa" ss -tinmHa
done
echo "sockets at the end: $(nsenter -t "$pid" -n ss -tanH | awk '{print $1}' | sort | uniq -c | tr -s ' \n' ' ')"
