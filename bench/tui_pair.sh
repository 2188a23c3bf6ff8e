#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tui_pair.sh: two builds' interactive views side by side on the same N sockets, with the floor in the same window.
# Root (a private namespace). Both views run at once (each in a 200x50 tmux pane, -d 1), so
# both see the same load from the rest of the machine; bench_floor dumps meanwhile. The load's
# namespace gets its own established hash (tcp_child_ehash_entries, set in an intermediate
# namespace, not the host's): otherwise every dump also walks the sockets of every other
# namespace on the host (other benchmarks' loads), floor and views alike.
# usage: bench/tui_pair.sh A_TCPTOP B_TCPTOP [SOCKETS] [SECONDS]   (TUI_ARGS: default --no-processes)
set -u
cd "$(dirname "$0")/.."
A=${1:?usage: bench/tui_pair.sh A_TCPTOP B_TCPTOP [SOCKETS] [SECONDS]}
B=${2:?usage: bench/tui_pair.sh A_TCPTOP B_TCPTOP [SOCKETS] [SECONDS]}
N=${3:-100000}
SECS=${4:-20}
BUILD=${BUILD:-build}
TUI_ARGS=${TUI_ARGS:---no-processes}
if [ "$(id -u)" -ne 0 ]; then
	echo "bench/tui_pair.sh: skipped (needs root for a private network namespace)"
	exit 0
fi
TM="tmux -L tcptop-pair-$$ -f /dev/null"
out=$(mktemp)
trap '$TM kill-server 2>/dev/null; kill $holder 2>/dev/null; rm -f "$out"' EXIT

unshare -n sh -c "sysctl -qw net.ipv4.tcp_child_ehash_entries=262144 && \
	exec $BUILD/bench/bench_snapshot --hold $N" >"$out" &
holder=$!
for _ in $(seq 600); do grep -q '^ready' "$out" && break; sleep 0.1; done
grep -q '^ready' "$out" || { echo "bench/tui_pair.sh: the sockets were not built"; exit 1; }
pid=$(sed -n 's/^ready pid=//p' "$out")
echo "$(head -1 "$out"); own hash: $(nsenter --net="/proc/$pid/ns/net" sysctl -n net.ipv4.tcp_ehash_entries) buckets"

# user + system ticks of a process (every thread)
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
hwm_kib() { awk '/^VmHWM/ { print $2 }' "/proc/$1/status"; }

$TM new-session -d -s a -x 200 -y 50 \
	"nsenter --net=/proc/$pid/ns/net env TERM=xterm-256color $A -d 1 --no-config $TUI_ARGS"
$TM new-session -d -s b -x 200 -y 50 \
	"nsenter --net=/proc/$pid/ns/net env TERM=xterm-256color $B -d 1 --no-config $TUI_ARGS"
pa=$($TM display -p -t a '#{pane_pid}')
pb=$($TM display -p -t b '#{pane_pid}')
sleep 5
hz=$(getconf CLK_TCK)
a0=$(ticks "$pa")
b0=$(ticks "$pb")
t0=$(date +%s.%N)
floor=()
end=$(($(date +%s) + SECS))
while [ "$(date +%s)" -lt "$end" ]; do
	# CPU per dump of the floor, 5 dumps a run
	f=$( { /usr/bin/time -f '%U %S' nsenter --net="/proc/$pid/ns/net" "$BUILD/bench/bench_floor" 5 >/dev/null; } 2>&1 | tail -1)
	floor+=("$(echo "$f" | awk '{ printf "%.4f", ($1 + $2) / 5 }')")
	sleep 0.5
done
a1=$(ticks "$pa")
b1=$(ticks "$pb")
t1=$(date +%s.%N)
ha=$(hwm_kib "$pa")
hb=$(hwm_kib "$pb")
$TM send-keys -t a q
$TM send-keys -t b q
fmed=$(printf '%s\n' "${floor[@]}" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
echo "$N sockets, $TUI_ARGS, ${SECS} s side by side, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "floor: ${fmed} s CPU per dump (median of ${#floor[@]} runs of 5 dumps)"
for v in "A $A $a0 $a1 $ha" "B $B $b0 $b1 $hb"; do
	set -- $v
	awk -v name="$1 $2" -v c0="$3" -v c1="$4" -v t0="$t0" -v t1="$t1" -v hz="$hz" \
		-v fl="$fmed" -v hwm="$5" -v n="$N" 'BEGIN {
		cpu = (c1 - c0) / hz / (t1 - t0)
		printf "%s: %.3f s CPU per 1 s refresh (%.2fx floor), peak RSS %.1f MiB (%.0f B/socket)\n",
			name, cpu, cpu / fl, hwm / 1024, hwm * 1024 / n }'
done
