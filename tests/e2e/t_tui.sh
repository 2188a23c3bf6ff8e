# SPDX-License-Identifier: GPL-2.0-or-later
# t_tui: the interactive view driven through tmux (send-keys, capture-pane) over real sockets in a namespace.
. "$(dirname "$0")/../lib.sh"

if ! need_root "interactive view over namespace sockets"; then done_testing; exit; fi
if ! command -v tmux >/dev/null; then skip "interactive view" "tmux is not installed"; done_testing; exit; fi

# tcptop keeps its settings on quit: never in the tester's own ~/.config (and each run here
# starts from the defaults: --no-config; t_incident tests the settings)
export XDG_CONFIG_HOME=$T_TMP/xdg-home
unset TCPTOPRC
TM="tmux -L tcptop-e2e-$$ -f /dev/null"
cleanup_tmux() { $TM kill-server 2>/dev/null; t_cleanup; }
trap cleanup_tmux EXIT

ns_new && ns=$NS || { not_ok "namespace"; done_testing; exit; }
scen "$ns" -p 5001 bulk || { not_ok "bulk scenario"; done_testing; exit; }
scen "$ns" -p 5002 closewait 2
scen "$ns" -p 5003 -b 2 listen 5
scen "$ns" -p 5004 timewait 3

screen() { $TM capture-pane -p -t e2e; }
# shows TEXT [SECS]: polls the screen until TEXT appears
shows() { wait_for "${2:-5}" sh -c "$TM capture-pane -p -t e2e | grep -qF -- \"\$1\"" _ "$1"; }
key() { $TM send-keys -t e2e "$@"; }
expect() { # expect NAME TEXT [SECS]
	if shows "$2" "${3:-5}"; then ok "$1"; else not_ok "$1" "screen lacks '$2'" "$(screen | sed 's/^/| /')"; fi
}

# A shell in the pane, so the terminal modes can be compared after tcptop exits.
$TM new-session -d -s e2e -x 170 -y 40 "env LANG=C.UTF-8 PS1='$ ' bash --norc --noprofile"
sleep 0.3
key "stty -g > $T_TMP/stty.before; ip netns exec $ns $TCPTOP --no-config -d 0.5 -w $T_TMP/snap.txt; echo EXIT=\$?" Enter

expect "starts in the connection view" "1 Connections"
expect "the header counts sockets by state" "TIME-WAIT 3"
expect "the bulk connection is listed" "127.0.0.1:5001"
# the client's row (peer :5001): ESTAB, Recv-Q, Send-Q, RX, then a TX rate with an SI unit
client_tx_has_rate() {
	screen | grep -E '^127\.0\.0\.1:[0-9]+ +127\.0\.0\.1:5001 +ESTAB' | awk '{print $7}' |
		grep -qE '^[0-9.]+[kMG]$'
}
if wait_for 5 client_tx_has_rate; then
	ok "the sender's row shows its TX rate in bits/s from the second refresh"
else
	not_ok "the sender's row shows its TX rate in bits/s from the second refresh" "$(screen | head -12)"
fi

key 2
expect "2: the listen view shows the accept queue over its limit" "3/2"
expect "2: the listen view shows the host's listen counters" "ListenOverflows"
key 3
expect "3: the states view has the histogram" "CLOSE-WAIT"
expect "3: TIME-WAIT is broken down by remote endpoint" "127.0.0.1:5004"
expect "3: TIME-WAIT is measured against tcp_max_tw_buckets" "of tcp_max_tw_buckets"
key 4
expect "4: the counters view lists TcpExt counters with explanations" "SYNs dropped by listeners for any reason"
key Tab
expect "Tab goes on to the findings" "Sev   Finding"
# accept-overflow is in the intervals that hold a SYN retry (1, 3, 7, 15 s after the
# connects): wait past the 8 s between two of them
expect "5: the overflowing listener is a critical finding" "accept-overflow    127.0.0.1:5003" 9
expect "5: the selected finding is explained with its numbers" "accept_queue 3  accept_max 2"
expect "the header counts the findings from any view" "findings"
key Enter
expect "Enter on a finding opens its socket" "127.0.0.1:5003  ->  0.0.0.0:*   LISTEN"
expect "the detail view explains the listener's finding" "accept-overflow: the accept queue overflows" 9
key Escape
expect "Esc returns to the findings" "Sev   Finding"
key Tab
expect "Tab goes on to the closed connections" "of the last"
key Tab
expect "Tab wraps around to the connections" "RX b/s"

expect "the Process column names the owner" "/sockscen"
key p
expect "p switches process attribution off" "process attribution off"
if wait_for 5 sh -c "! $TM capture-pane -p -t e2e | grep -q '/sockscen'"; then ok "with it off, no process names"
else not_ok "with it off, no process names" "$(screen | head -8)"; fi
key p
expect "p switches it back on" "/sockscen"

key '>'
expect "> sorts by the next visible column" "sort: local"
key r
expect "r reverses the order" "sort: local▼"
key F6
expect "F6 opens the sort menu" "Sort by: Enter chooses"
key Escape

key Space
expect "space pauses" "PAUSED"
key s
expect "s writes a snapshot and says where" "snapshot written to $T_TMP/snap.txt"
if [ -f "$T_TMP/snap.txt" ]; then
	# the same screen: everything but the status line that announced the snapshot
	screen | head -n 39 | sed 's/ *$//' >"$T_TMP/screen.txt"
	head -n 39 "$T_TMP/snap.txt" | sed 's/ *$//' >"$T_TMP/snap39.txt"
	if cmp -s "$T_TMP/screen.txt" "$T_TMP/snap39.txt"; then ok "the snapshot is exactly the screen"
	else not_ok "the snapshot is exactly the screen" "$(diff "$T_TMP/screen.txt" "$T_TMP/snap39.txt" | head)"; fi
else
	not_ok "the snapshot is exactly the screen" "no file"
fi
key Space
if wait_for 3 sh -c "! $TM capture-pane -p -t e2e | head -1 | grep -q PAUSED"; then ok "space resumes"; else not_ok "space resumes"; fi

key /
expect "/ opens the filter prompt" "Filter:"
key Escape
if wait_for 3 sh -c "! $TM capture-pane -p -t e2e | grep -q 'Filter:'"; then ok "Esc cancels the prompt"; else not_ok "Esc cancels the prompt"; fi
key / "dport 5001 and state established" Enter
expect "a filter shows in the header" "filter: dport 5001 and state established"
only_5001() { # every connection row has peer port 5001
	local rows
	rows=$(screen | sed -n '6,38p' | grep -E '^[0-9\[]' )
	[ -n "$rows" ] && ! printf '%s\n' "$rows" | grep -vqE '^[^ ]+ +[^ ]+:5001 +ESTAB'
}
if wait_for 5 only_5001; then ok "the filter leaves only matching rows"; else not_ok "the filter leaves only matching rows" "$(screen | head -12)"; fi
key / C-u "dport 99999" Enter
expect "a bad filter gets an inline error with its column" "port out of range at column 7"
key Escape
expect "and the old filter stays" "filter: dport 5001 and state established"
key / C-u Enter
if wait_for 5 sh -c "! $TM capture-pane -p -t e2e | grep -q 'filter:'"; then ok "an empty filter clears it"; else not_ok "an empty filter clears it" "$(screen | head -5)"; fi
expect "and every socket is back" "CLOSE-WAIT"

key d 0 . 2 5 Enter
expect "d sets the interval" "every 0.25s"

# sort by TX through the menu (from local: six rows down); the sender is the top row
key F6 Down Down Down Down Down Down Enter
expect "F6 then Enter sorts by the chosen column" "sort: tx▼"
key Enter
expect "Enter opens the detail view of the top row (the sender)" "127.0.0.1:5001   ESTAB"
expect "the detail view lists the tcp_info the kernel gave" "tcp_info: 280 bytes from the kernel"
expect "the detail view draws history sparklines" "ms" 5
if shows "▁" 8 || shows "█" 8; then ok "sparklines appear after a few refreshes"; else not_ok "sparklines appear after a few refreshes" "$(screen)"; fi
key Escape
expect "Esc returns from the detail view" "Local Addr:Port"
key h
expect "h shows the help with every key" "write this view to a new file"
key Escape

$TM resize-window -t e2e -x 60 -y 15
# width in cells, not bytes: the sort arrow is one cell of three UTF-8 bytes
if wait_for 5 sh -c "$TM capture-pane -p -t e2e | grep -q 'RX b/s' && [ \$($TM capture-pane -p -t e2e | LC_ALL=C.UTF-8 wc -L) -le 60 ]"; then
	ok "a resize re-lays out at once: 60 columns keep the rates"
else
	not_ok "a resize re-lays out at once: 60 columns keep the rates" "$(screen)"
fi
$TM resize-window -t e2e -x 30 -y 8
expect "below 40x10 a clear 'too small' line" "terminal too small"
$TM resize-window -t e2e -x 170 -y 40
expect "back to a normal size" "Local Addr:Port"

key q
expect "q quits with status 0" "EXIT=0"
key "stty -g | cmp - $T_TMP/stty.before && echo MODES-RESTORED" Enter
expect "the terminal modes are restored after q" "MODES-RESTORED"

# Signals: SIGTERM and SIGHUP also restore the terminal.
for sig in TERM HUP; do
	key clear Enter
	key "ip netns exec $ns $TCPTOP --no-config -d 0.5; echo EXIT=\$?" Enter
	shows "1 Connections" 5
	pkill -"$sig" -f "$TCPTOP --no-config -d 0.5\$"
	code=$((128 + $(kill -l "$sig")))
	expect "SIG$sig ends it with status $code" "EXIT=$code"
	key "stty -g | cmp - $T_TMP/stty.before && echo MODES-RESTORED-$sig" Enter
	expect "the terminal modes are restored after SIG$sig" "MODES-RESTORED-$sig"
done

# A crash (SIGSEGV) restores the terminal too.
key clear Enter
key "ip netns exec $ns $TCPTOP --no-config -d 0.5; echo EXIT=\$?" Enter
shows "1 Connections" 5
pkill -SEGV -f "$TCPTOP --no-config -d 0.5\$"
expect "a crash still ends the program" "EXIT=139"
key "stty -g | cmp - $T_TMP/stty.before && echo MODES-RESTORED-SEGV" Enter
expect "the terminal modes are restored after a crash" "MODES-RESTORED-SEGV"

# No colour when asked: no SGR colour sequences at all.
key clear Enter
key "NO_COLOR=1 ip netns exec $ns $TCPTOP --no-config -d 0.5" Enter
shows "1 Connections" 5
if $TM capture-pane -e -p -t e2e | grep -q $'\e\[3[0-7]m'; then
	not_ok "NO_COLOR: no colours"
else
	ok "NO_COLOR: no colours"
fi
key q


# A monochrome terminal (vt100 has no colours) still works.
key clear Enter
key "TERM=vt100 ip netns exec $ns $TCPTOP --no-config -d 0.5" Enter
shows "1 Connections" 5
if $TM capture-pane -e -p -t e2e | grep -q $'\e\[3[0-7]m'; then
	not_ok "a monochrome terminal gets no colours"
else
	ok "a monochrome terminal gets no colours"
fi
key 3
expect "monochrome: the states view still draws" "TIME-WAIT by remote endpoint"
key q

# The C locale: ASCII bars and no UTF-8 at all.
key clear Enter
key "LANG=C LC_ALL=C ip netns exec $ns $TCPTOP --no-config -d 0.5" Enter
shows "1 Connections" 5
key 3
expect "C locale: bars are ASCII" "###"
if screen | LC_ALL=C grep -q $'[\x80-\xff]'; then not_ok "C locale: nothing but ASCII on the screen"
else ok "C locale: nothing but ASCII on the screen"; fi
key q

# A /proc file that disappears: the status line says so and the view keeps running.
fake=$T_TMP/proc
mkdir -p "$fake/net" "$fake/sys/net/core" "$fake/sys/net/ipv4"
ip netns exec "$ns" sh -c "cat /proc/net/netstat > $fake/net/netstat; cat /proc/net/snmp > $fake/net/snmp"
echo 4096 >"$fake/sys/net/core/somaxconn"
key clear Enter
key "PROC_ROOT=$fake ip netns exec $ns $TCPTOP --no-config -d 0.3; echo EXIT=\$?" Enter
shows "1 Connections" 5
mv "$fake/net/netstat" "$fake/net/netstat.away"
expect "a failing /proc read shows in the status line" "cannot read $fake/net/netstat"
expect "the view keeps running through it" "127.0.0.1:5001"
mv "$fake/net/netstat.away" "$fake/net/netstat"
if wait_for 5 sh -c "! $TM capture-pane -p -t e2e | grep -q 'cannot read'"; then ok "the message goes when the file is back"
else not_ok "the message goes when the file is back" "$(screen | tail -2)"; fi
key q
expect "and it still quits cleanly" "EXIT=0"

done_testing
