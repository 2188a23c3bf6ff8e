# SPDX-License-Identifier: GPL-2.0-or-later
# t_threads: tcptop's threads (the pump, procmap's scanners, parfmt's row makers) under ThreadSanitizer, over 20,000 churning sockets.
. "$(dirname "$0")/../lib.sh"

# The TSan build (make test builds it) unless TCPTOP_TSAN is given.
TSAN=${TCPTOP_TSAN:-$TOP/build-tsan/tcptop}
CHURN=${CHURN:-$TOP/$BUILD/helpers/churn}

if ! need_root "tcptop's threads under ThreadSanitizer"; then done_testing; exit; fi
if [ ! -x "$TSAN" ]; then
	skip "tcptop's threads under ThreadSanitizer" "no $TSAN (make test builds it; or set TCPTOP_TSAN)"
	done_testing
	exit
fi
# TSan's runtime cannot start on some kernels' address layouts: a skip that says so
if ! out=$("$TSAN" --version 2>&1 >/dev/null) && grep -q 'FATAL: ThreadSanitizer' <<<"$out"; then
	skip "tcptop's threads under ThreadSanitizer" "TSan cannot run here: $(head -n 1 <<<"$out")"
	done_testing
	exit
fi
if ! command -v tmux >/dev/null; then skip "the interactive view under TSan" "tmux is not installed"; done_testing; exit; fi

export XDG_CONFIG_HOME=$T_TMP/xdg-home
unset TCPTOPRC
# a report goes to $T_TMP/tsan.PID (the TUI's stderr is the terminal); halt: the run fails
TSAN_LOG=$T_TMP/tsan
export TSAN_OPTIONS="halt_on_error=1:exitcode=66:second_deadlock_stack=1:log_path=$TSAN_LOG"
TM="tmux -L tcptop-tsan-$$ -f /dev/null"
cleanup_tmux() { $TM kill-server 2>/dev/null; t_cleanup; }
trap cleanup_tmux EXIT

# no_reports NAME: no TSan report was written; else the first lines of each
no_reports() {
	local f reports=()
	for f in "$TSAN_LOG".*; do [ -e "$f" ] && reports+=("$f"); done
	if [ ${#reports[@]} -eq 0 ]; then
		ok "$1"
	else
		not_ok "$1" "$(head -n 40 "${reports[@]}")"
		rm -f "${reports[@]}"
	fi
}

ns_new || { not_ok "namespace"; done_testing; exit; }
ns=$NS
ip netns exec "$ns" sysctl -qw net.ipv4.ip_local_port_range="1024 65000"
# 9,000 steady connections (18,000 sockets: past parfmt's 16,384 rows) and 300 opened
# and closed a second, so sockets and their owners' fds come and go under the scans
ip netns exec "$ns" "$CHURN" -s 9000 -r 300 >"$T_TMP/churn.log" 2>"$T_TMP/churn.err" &
T_PIDS+=("$!")
if ! wait_for 60 grep -q '^ready' "$T_TMP/churn.log"; then
	not_ok "churn helper gets ready" "$(tail -n 3 "$T_TMP/churn.err")"
	done_testing
	exit
fi

t_batch() {
	local out=$T_TMP/snap.txt err=$T_TMP/snap.err rows rc
	# text rows by parfmt's threads, processes by procmap's scanners
	ip netns exec "$ns" "$TSAN" --no-config -b -n 2 -d 0.3 -p >"$out" 2>"$err"
	rc=$?
	eq "a -p text snapshot of 18,000 rows under TSan exits 0" "$rc" 0
	eq "nothing on its stderr" "$(head -c 2000 "$err")" ""
	rows=$(grep -c ' ESTAB ' "$out")
	gt "both frames have the steady connections' rows (parfmt's threads ran)" "$rows" $((2 * 16384))
	gt "the connections are attributed to the churn helper" "$(grep -c 'churn' "$out")" 16384
	no_reports "no data race or lock-order report from the snapshot's threads"
}

t_tui() { # t_tui [OPTION]: --low-memory lends the one frame to the pump at every refresh
	local k status opt=${1:-} in=${1:+ with $1}
	$TM kill-session -t tsan 2>/dev/null
	rm -f "$T_TMP/tui.exit"
	# the pump refreshes every 0.2 s while the keys below change what it sorts, filters
	# and asks for; -p: procmap's scanners on the pump's thread
	$TM new-session -d -s tsan -x 160 -y 45 \
		"ip netns exec $ns $TSAN --no-config -d 0.2 -p $opt; echo EXIT=\$? >$T_TMP/tui.exit; sleep 30"
	if ! wait_for 60 sh -c "$TM capture-pane -p -t tsan | grep -q 'ESTAB'"; then
		not_ok "the interactive view under TSan$in shows the connections" \
			"$($TM capture-pane -p -t tsan | head -20)"
		return
	fi
	ok "the interactive view under TSan$in shows the connections"
	# sort changes, reverse, a filter, pause, the views, detail, attribution off and on,
	# groups: each reorders, refilters or re-requests while refreshes run
	for k in '>' '>' r '<' / 'sport 30002 or dport 30002' Enter Space Space 2 3 1 Enter Escape \
		p p g g g g g 6 1 / Enter d 0.1 Enter '>' r; do
		$TM send-keys -t tsan -- "$k"
		sleep 0.4
	done
	sleep 2
	# still tcptop (no key above quits it), at the interval the keys set
	if $TM capture-pane -p -t tsan | head -n 1 | grep -q 'every 0.1s'; then
		ok "the keys reached tcptop, which is still running (every 0.1s)"
	else
		not_ok "the keys reached tcptop, which is still running (every 0.1s)" \
			"$($TM capture-pane -p -t tsan | head -5)"
	fi
	$TM send-keys -t tsan F10
	if wait_for 60 test -s "$T_TMP/tui.exit"; then
		status=$(cat "$T_TMP/tui.exit")
	else
		status="(still running)"
	fi
	eq "the interactive view under TSan$in quits with 0" "$status" "EXIT=0"
	no_reports "no data race or lock-order report from the pump and the UI$in"
}

t_batch
t_tui
t_tui --low-memory
done_testing
