# SPDX-License-Identifier: GPL-2.0-or-later
# t_closed_view: the Closed view (key 6) driven through tmux over connections that end for real.
. "$(dirname "$0")/../lib.sh"

if ! need_root "closed view over namespace sockets"; then done_testing; exit; fi
if ! command -v tmux >/dev/null; then skip "closed view" "tmux is not installed"; done_testing; exit; fi

export XDG_CONFIG_HOME=$T_TMP/xdg-home
unset TCPTOPRC
TM="tmux -L tcptop-closed-$$ -f /dev/null"
cleanup_tmux() { $TM kill-server 2>/dev/null; t_cleanup; }
trap cleanup_tmux EXIT

ns_new && ns=$NS || { not_ok "namespace"; done_testing; exit; }
scen "$ns" ends || { not_ok "ends scenario"; done_testing; exit; }
out=$SCEN_OUT

screen() { $TM capture-pane -p -t e2e; }
shows() { wait_for "${2:-5}" sh -c "$TM capture-pane -p -t e2e | grep -qF -- \"\$1\"" _ "$1"; }
key() { $TM send-keys -t e2e "$@"; }
expect() { # expect NAME TEXT [SECS]
	if shows "$2" "${3:-5}"; then ok "$1"; else not_ok "$1" "screen lacks '$2'" "$(screen | sed 's/^/| /')"; fi
}
# the row of the connection from local port P
row_of() { screen | grep -E "^[0-9:]{8} +[a-z]+ +127\.0\.0\.1:$1 "; }

$TM new-session -d -s e2e -x 160 -y 30 "env LANG=C.UTF-8 TZ=UTC ip netns exec $ns $TCPTOP --no-config -d 0.5"
expect "starts" "1 Connections"
key 6
expect "6 opens the Closed view" "Peer Addr:Port"
expect "before anything ends it says so" "no connection has ended yet"
scen_start "$out"
wait_for 10 grep -q '^done' "$out" || not_ok "the scenario finishes"
for how in normal reset refused; do
	lp=$(sed -n "s/^end how=$how lport=\([0-9]*\)$/\1/p" "$out")
	if wait_for 5 sh -c "$TM capture-pane -p -t e2e | grep -qE '^[0-9:]{8} +$how +127\.0\.0\.1:$lp '"; then
		ok "the $how connection is listed as $how"
	else
		not_ok "the $how connection is listed as $how" "$(screen | sed 's/^/| /')"
	fi
done
expect "five ends of three connections are kept" "5 of the last 5 ended"
expect "the tab line shows the sort" "sort: ended"
key '>'
expect "> sorts by the next key" "sort: how"
key '/'
key "dport $SCEN_PORT" Enter
expect "a filter keeps the client ends to the listener's port" "2 of the last 5 ended"
key '/'
key BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace Enter
expect "an empty filter shows all again" "5 of the last 5 ended"
key Enter
expect "Enter shows the selected one in full" "side, last seen"
key q
done_testing
