# SPDX-License-Identifier: GPL-2.0-or-later
# lib.sh: shared helpers for the shell test suites (TAP output, namespaces, polling).
# Sourced by tests/integration/*.sh and tests/e2e/*.sh; each file is one TAP stream.

set -u
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-build}
TCPTOP=${TCPTOP:-$TOP/$BUILD/tcptop}
SOCKSCEN=${SOCKSCEN:-$TOP/$BUILD/helpers/sockscen}
T_N=0
T_FAIL=0
T_NS=()
T_PIDS=()
T_TMP=$(mktemp -d /tmp/tcptop-test.XXXXXX)

t_cleanup() {
	local p ns
	for p in "${T_PIDS[@]}"; do kill -TERM "$p" 2>/dev/null; done
	for p in "${T_PIDS[@]}"; do wait "$p" 2>/dev/null; done
	for ns in "${T_NS[@]}"; do ip netns del "$ns" 2>/dev/null; done
	rm -rf "$T_TMP"
}
trap t_cleanup EXIT

# run_case CASE [ARGS...]: runs a case, then stops the processes it started (scen and the
# rest of T_PIDS): a bulk transfer left running would take the cores from every later
# case's timing (a 2-core machine has nothing to spare).
run_case() {
	local m=${#T_PIDS[@]} p
	"$@"
	for p in "${T_PIDS[@]:m}"; do kill -TERM "$p" 2>/dev/null; done
	for p in "${T_PIDS[@]:m}"; do wait "$p" 2>/dev/null; done
	T_PIDS=("${T_PIDS[@]:0:m}")
}
trap 'exit 130' INT TERM

T_TODO=
ok() { T_N=$((T_N + 1)); echo "ok $T_N - $1${T_TODO:+ # TODO $T_TODO}"; }
not_ok() {
	T_N=$((T_N + 1))
	[ -n "$T_TODO" ] || T_FAIL=$((T_FAIL + 1))
	echo "not ok $T_N - $1${T_TODO:+ # TODO $T_TODO}"
	shift
	local line
	for line in "$@"; do printf '#   %s\n' "$line"; done
}
# todo REASON ... todo_end: the assertions between are TAP TODOs, known to fail until
# REASON is done (a change in a file another branch owns); they print but do not fail.
todo() { T_TODO=$1; }
todo_end() { T_TODO=; }
skip() { T_N=$((T_N + 1)); echo "ok $T_N - $1 # SKIP $2"; }
diag() { printf '# %s\n' "$*"; }
done_testing() { echo "1..$T_N"; [ "$T_FAIL" -eq 0 ]; }

# check NAME CONDITION-COMMAND...: ok if the command succeeds, else not ok with context.
check() {
	local name=$1; shift
	if "$@"; then ok "$name"; else not_ok "$name" "failed: $*"; fi
}

# Root is needed for namespaces; CI is root, users without it get a skip.
need_root() {
	if [ "$(id -u)" -ne 0 ]; then
		skip "$1" "needs root (network namespaces); run as root or in CI"
		return 1
	fi
	return 0
}

# ns_new: a fresh network namespace with loopback up, named in $NS (removed at exit).
ns_new() {
	NS="tcptop-t$$-${#T_NS[@]}"
	ip netns add "$NS" || return 1
	T_NS+=("$NS")
	ip netns exec "$NS" ip link set lo up
}

# drop_synacks NS HOOK: nftables in NS drops every SYN-ACK on HOOK. On output the server's
# first retransmission fails and the kernel forgets the request 1 s after it came; on input
# (the clients' side of loopback) the requests stay queued and are retransmitted.
drop_synacks() {
	ip netns exec "$1" nft -f - <<-EOF
	table inet tcptop_synacks {
		chain c {
			type filter hook $2 priority 0;
			tcp flags & (syn | ack) == (syn | ack) drop
		}
	}
	EOF
}

# scen NS ARGS...: starts sockscen in NS, waits for "ready", sets SCEN_PORT and SCEN_PID.
scen() {
	local ns=$1; shift
	local out="$T_TMP/scen.$RANDOM"
	ip netns exec "$ns" "$SOCKSCEN" "$@" >"$out" 2>"$out.err" &
	local pid=$!
	T_PIDS+=("$pid")
	if ! wait_for 10 grep -q '^ready' "$out"; then
		diag "sockscen $* did not get ready: $(cat "$out.err")"
		return 1
	fi
	SCEN_PORT=$(sed -n 's/^ready port=\([0-9]*\).*/\1/p' "$out")
	SCEN_PID=$pid
	SCEN_OUT=$out
}

# scen_start OUT: a scenario that waits for SIGUSR1 (shortconns, ends) starts; OUT is its
# SCEN_OUT, the pid the one it printed in "ready" (ip netns exec may fork)
scen_start() {
	kill -USR1 "$(sed -n 's/^ready .*pid=\([0-9]*\).*/\1/p' "$1")"
}

# wait_for SECS CMD...: polls CMD every 50 ms until it succeeds or SECS pass.
wait_for() {
	local secs=$1; shift
	local end=$((SECONDS + secs))
	while ! "$@" 2>/dev/null; do
		[ "$SECONDS" -ge "$end" ] && return 1
		sleep 0.05
	done
	return 0
}

# wait_pid SECS PID: `wait PID` (its status), but for SECS at most: a process still running
# then is killed and the status is 124, so a test that would hang fails instead.
wait_pid() {
	local secs=$1 pid=$2
	local end=$((SECONDS + secs))
	# a zombie is done: only its status is left to collect
	while [ -e "/proc/$pid" ] && [ "$(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null | cut -c1)" != Z ]; do
		if [ "$SECONDS" -ge "$end" ]; then
			diag "pid $pid still running after ${secs} s: killed"
			kill -KILL "$pid" 2>/dev/null
			wait "$pid" 2>/dev/null
			return 124
		fi
		sleep 0.05
	done
	wait "$pid"
}

# tt NS ARGS...: runs tcptop in NS.
tt() {
	local ns=$1; shift
	ip netns exec "$ns" "$TCPTOP" "$@"
}

# jqv FILE [JQ-ARGS...] EXPR: a value from the last line of a JSON Lines file.
jqv() { local f=$1; shift; tail -n 1 "$f" | jq -r "$@"; }

# eq NAME GOT WANT
eq() {
	if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1" "got '$2', want '$3'"; fi
}
# gt NAME GOT LIMIT: GOT > LIMIT (integers)
gt() {
	if [ -n "$2" ] && [ "$2" != null ] && [ "$2" -gt "$3" ] 2>/dev/null; then ok "$1"
	else not_ok "$1" "got '$2', want > $3"; fi
}
