# SPDX-License-Identifier: GPL-2.0-or-later
# t_lowmem: the interactive view with --low-memory (one frame, lent to the collector at each refresh) over real sockets.
. "$(dirname "$0")/../lib.sh"

if ! need_root "interactive view over namespace sockets"; then done_testing; exit; fi
if ! command -v tmux >/dev/null; then skip "interactive view" "tmux is not installed"; done_testing; exit; fi

export XDG_CONFIG_HOME=$T_TMP/xdg-home
unset TCPTOPRC
TM="tmux -L tcptop-lowmem-$$ -f /dev/null"
cleanup_tmux() { $TM kill-server 2>/dev/null; t_cleanup; }
trap cleanup_tmux EXIT

ns_new && ns=$NS || { not_ok "namespace"; done_testing; exit; }
scen "$ns" -p 5001 bulk || { not_ok "bulk scenario"; done_testing; exit; }
scen "$ns" -p 5002 closewait 2

screen() { $TM capture-pane -p -t lm; }
shows() { wait_for "${2:-5}" sh -c "$TM capture-pane -p -t lm | grep -qF -- \"\$1\"" _ "$1"; }
key() { $TM send-keys -t lm "$@"; }
expect() { # expect NAME TEXT [SECS]
	if shows "$2" "${3:-5}"; then ok "$1"; else not_ok "$1" "screen lacks '$2'" "$(screen | sed 's/^/| /')"; fi
}
# the title's clock, to the second: it moves only when a new frame is drawn
clock() { screen | head -1 | grep -oE 'at [0-9]{2}:[0-9]{2}:[0-9]{2}'; }

$TM new-session -d -s lm -x 170 -y 40 "env LANG=C.UTF-8 PS1='$ ' bash --norc --noprofile"
sleep 0.3
key "stty -g > $T_TMP/stty.before; ip netns exec $ns $TCPTOP --no-config --low-memory -d 0.3; echo EXIT=\$?" Enter

expect "--low-memory starts in the connection view" "1 Connections"
expect "the bulk connection is listed" "127.0.0.1:5001"
expect "the title says why keys may wait" "mode low-memory"
client_tx_has_rate() {
	screen | grep -E '^127\.0\.0\.1:[0-9]+ +127\.0\.0\.1:5001 +ESTAB' | awk '{print $7}' |
		grep -qE '^[0-9.]+[kMG]$'
}
# a rate needs the previous refresh: the one frame was refilled and shown again
if wait_for 5 client_tx_has_rate; then ok "rates from the second refresh: the lent frame comes back"
else not_ok "rates from the second refresh: the lent frame comes back" "$(screen | head -12)"; fi
c1=$(clock)
if wait_for 5 sh -c '[ "$1" != "$(eval "$2")" ]' _ "$c1" "$TM capture-pane -p -t lm | head -1 | grep -oE 'at [0-9]{2}:[0-9]{2}:[0-9]{2}'"; then
	ok "refreshes keep reaching the screen"
else
	not_ok "refreshes keep reaching the screen" "$(screen | head -2)"
fi

# keys are read between refreshes (those pressed during one wait for it)
key r
expect "r is answered: the order reverses" "rate▲"
key / "dport 5001 and state established" Enter
expect "a filter typed between refreshes applies" "filter: dport 5001 and state established"
only_5001() {
	local rows
	rows=$(screen | sed -n '6,38p' | grep -E '^[0-9\[]')
	[ -n "$rows" ] && ! printf '%s\n' "$rows" | grep -vqE '^[^ ]+ +[^ ]+:5001 +ESTAB'
}
if wait_for 5 only_5001; then ok "the filter leaves only matching rows"; else not_ok "the filter leaves only matching rows" "$(screen | head -12)"; fi
key / C-u Enter
expect "clearing it brings every socket back" "CLOSE-WAIT"
key 3
expect "3: the states view" "TIME-WAIT"
key 1
expect "1: back to the connections" "Local Addr:Port"
# moving keeps the order while a frame is lent and refilled (the held order survives the lend)
key Down Down Up
expect "navigation is answered" "Local Addr:Port"
key Enter
expect "Enter opens the detail view" "tcp_info: "
key Escape

key Space
expect "space pauses (the frame is kept, no refresh is made)" "PAUSED"
p1=$(clock)
sleep 2.2
p2=$(clock)
if [ -n "$p1" ] && [ "$p1" = "$p2" ]; then ok "paused, the screen stays on its frame"
else not_ok "paused, the screen stays on its frame" "$p1 then $p2"; fi
key Space
if wait_for 3 sh -c "! $TM capture-pane -p -t lm | head -1 | grep -q PAUSED"; then ok "space resumes"; else not_ok "space resumes"; fi
if wait_for 5 sh -c '[ "$1" != "$(eval "$2")" ]' _ "$p2" "$TM capture-pane -p -t lm | head -1 | grep -oE 'at [0-9]{2}:[0-9]{2}:[0-9]{2}'"; then
	ok "and refreshes come again"
else
	not_ok "and refreshes come again" "$(screen | head -2)"
fi

key q
expect "q quits with status 0" "EXIT=0"
key "stty -g | cmp - $T_TMP/stty.before && echo MODES-RESTORED" Enter
expect "the terminal modes are restored" "MODES-RESTORED"

# a signal while the frame may be lent: it ends at once, the terminal restored
key "ip netns exec $ns $TCPTOP --no-config --low-memory -d 0.05; echo EXIT=\$?" Enter
expect "a second run starts" "1 Connections"
sleep 1
pkill -TERM -f -- "--low-memory -d 0.05"
expect "SIGTERM ends it with status 143" "EXIT=143"
key "stty -g | cmp - $T_TMP/stty.before && echo MODES-RESTORED-TERM" Enter
expect "the terminal modes are restored after SIGTERM" "MODES-RESTORED-TERM"

done_testing
