#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tui.sh: how fast the interactive view answers keys on a host with N real sockets (default 200,000).
# Root (a private namespace). Prints per-key latencies: key sent -> the screen shows its effect.
# usage: bench/tui.sh [SOCKETS] [KEYS]   (TUI_ARGS: tcptop's options, default --no-processes;
#        TCPTOP: another build's binary, measured on the same kind of load)
set -u
cd "$(dirname "$0")/.."
N=${1:-200000}
KEYS=${2:-30}
BUILD=${BUILD:-build}
TCPTOP=${TCPTOP:-$BUILD/tcptop}
TUI_ARGS=${TUI_ARGS:---no-processes}
if [ "$(id -u)" -ne 0 ]; then
	echo "bench/tui.sh: skipped (needs root for a private network namespace)"
	exit 0
fi
TM="tmux -L tcptop-bench-$$ -f /dev/null"
out=$(mktemp)
trap '$TM kill-server 2>/dev/null; kill $holder 2>/dev/null; rm -f "$out"' EXIT

"$BUILD/bench/bench_filter" --hold "$N" 50 >"$out" &
holder=$!
for _ in $(seq 600); do grep -q '^ready' "$out" && break; sleep 0.1; done
grep -q '^ready' "$out" || { echo "bench/tui.sh: the sockets were not built"; exit 1; }
pid=$(sed -n 's/^ready pid=//p' "$out")
head -1 "$out"

$TM new-session -d -s b -x 160 -y 50 \
	"nsenter --net=/proc/$pid/ns/net env LANG=C.UTF-8 $TCPTOP -d 1 --no-config $TUI_ARGS"
now_ms() { date +%s%3N; }
# wait for the first full frame
for _ in $(seq 300); do $TM capture-pane -p -t b | grep -q "Sockets" && break; sleep 0.1; done
sleep 2

# Each key switches view; the latency is until the screen shows the new view's marker.
lat=()
views=(2 "Listen counters" 3 "State            Count" 4 "Counter   " 1 "Local Addr:Port")
for i in $(seq "$KEYS"); do
	k=${views[$(((i - 1) % 4 * 2))]}
	marker=${views[$(((i - 1) % 4 * 2 + 1))]}
	t0=$(now_ms)
	$TM send-keys -t b "$k"
	while ! $TM capture-pane -p -t b | grep -qF -- "$marker"; do sleep 0.002; done
	lat+=($(($(now_ms) - t0)))
	sleep 0.$((RANDOM % 9 + 1)) # land at random points of the refresh cycle
done
$TM send-keys -t b q

sorted=$(printf '%s\n' "${lat[@]}" | sort -n)
p50=$(echo "$sorted" | awk -v n=${#lat[@]} 'NR == int((n + 1) / 2)')
# nearest rank: the smallest latency with at least that share of keys at or below it
rank() { echo "$sorted" | awk -v n=${#lat[@]} -v q="$1" 'NR == (int(n * q) < n * q ? int(n * q) + 1 : int(n * q))'; }
p90=$(rank 0.9)
p99=$(rank 0.99)
max=$(echo "$sorted" | tail -1)
echo "keys answered on $N sockets ($KEYS view switches, refresh every 1 s, $TUI_ARGS):"
echo "  median ${p50} ms, p90 ${p90} ms, p99 ${p99} ms, max ${max} ms (tmux capture-pane polling included)"
