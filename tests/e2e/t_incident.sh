# SPDX-License-Identifier: GPL-2.0-or-later
# t_incident: issue 10 through tmux: the stalled connection among thousands of idle ones, 80x24, grouping, search, detail navigation, settings, mouse.
. "$(dirname "$0")/../lib.sh"

if ! need_root "interactive view over namespace sockets"; then done_testing; exit; fi
if ! command -v tmux >/dev/null; then skip "interactive view" "tmux is not installed"; done_testing; exit; fi

# tcptop keeps its settings on quit: never in the tester's own ~/.config
export XDG_CONFIG_HOME=$T_TMP/xdg-home
unset TCPTOPRC
TM="tmux -L tcptop-inc-$$ -f /dev/null"
cleanup_tmux() { $TM kill-server 2>/dev/null; t_cleanup; }
trap cleanup_tmux EXIT

# 2,000 idle pairs (4,001 sockets), one connection stalled on a zero window (the receiver
# never reads), and an application that leaks CLOSE-WAIT.
ulimit -n 16384
IDLE=2000
ns_new && ns=$NS || { not_ok "namespace"; done_testing; exit; }
scen "$ns" -p 7001 --name idlepool idle $IDLE || { not_ok "idle scenario"; done_testing; exit; }
scen "$ns" -p 7002 --name stalled --rcvbuf 16384 --read-rate 0 bulk || { not_ok "stalled scenario"; done_testing; exit; }
scen "$ns" -p 7003 --name leaky closewait 3 || { not_ok "closewait scenario"; done_testing; exit; }

screen() { $TM capture-pane -p -t inc; }
shows() { wait_for "${2:-5}" sh -c "$TM capture-pane -p -t inc | grep -qF -- \"\$1\"" _ "$1"; }
key() { $TM send-keys -t inc "$@"; }
expect() { # expect NAME TEXT [SECS]
	if shows "$2" "${3:-5}"; then ok "$1"; else not_ok "$1" "screen lacks '$2'" "$(screen | sed 's/^/| /')"; fi
}
# A mouse press at 0-based cell (x, y), X10 encoding (tmux-256color: kmous=\E[M), then the release.
click() {
	local b x y
	b=$(printf "\\$(printf %03o 32)")
	x=$(printf "\\$(printf %03o $((33 + $1)))")
	y=$(printf "\\$(printf %03o $((33 + $2)))")
	$TM send-keys -t inc -l $'\e[M'"$b$x$y"
	$TM send-keys -t inc -l $'\e[M'"#$x$y"
}

XDG=$T_TMP/xdg
RC=$XDG/tcptop/tcptoprc
run() { # run ARGS: tcptop in the pane at 80x24 with a private settings directory
	key "clear; XDG_CONFIG_HOME=$XDG ip netns exec $ns $TCPTOP $*; echo EXIT=\$?" Enter
}
$TM new-session -d -s inc -x 80 -y 24 "env LANG=C.UTF-8 PS1='$ ' bash --norc --noprofile"
sleep 0.3
run -d 0.5 -w "$T_TMP/snap.txt"
expect "tcptop starts at 80x24" "1 Connections" 8

# --- the answer on the first screen
expect "80x24: the title keeps the findings count" "findings" 10
expect "80x24: the tab line shows the sort key by name" "sort: "
# the default order's name, whatever it is, for the settings checks below
default_sort=$(screen | sed -n 4p | grep -o 'sort: [a-z_]*')
if wait_for 5 sh -c "$TM capture-pane -p -t inc | sed -n 4p | grep -qE '[0-9,]+/[0-9,]+ *\$'"; then
	ok "80x24: the tab line shows shown/total rows"
else not_ok "80x24: the tab line shows shown/total rows" "$(screen | sed -n 4p)"; fi
stalled_on_first_page() { screen | sed -n '6,23p' | grep -q ':7002 '; }
if wait_for 8 stalled_on_first_page; then
	ok "the stalled connection is on the first page among $((2 * IDLE)) idle sockets"
else
	not_ok "the stalled connection is on the first page among $((2 * IDLE)) idle sockets" \
		"$(screen | sed 's/^/| /')"
fi
expect "80x24: the FLAGS column survives" "Flags" 3

# --- search: F3 moves the cursor to a process name, it does not filter
key F3
expect "F3 opens the search prompt" "Search:"
key -l leaky
key Enter
key Enter
expect "F3 found the leaking process: Enter opens its socket" "command leaky" 5
# --- the detail view returns with q
expect "the detail view shows the process id" "pid "
if wait_for 5 sh -c "$TM capture-pane -p -t inc | grep -qE 'command leaky +fd [0-9]+'"; then
	ok "the detail view shows the fd that holds the socket"
else not_ok "the detail view shows the fd that holds the socket" "$(screen | sed -n 5,12p)"; fi
key q
expect "q in the detail view returns to the connections" "Local Addr"
if screen | grep -q "EXIT="; then not_ok "q in the detail view does not quit"; else ok "q in the detail view does not quit"; fi
key h
expect "h opens the help" "quit; in detail, help or a menu: back"
key q
expect "q in the help returns" "Local Addr"

# --- the findings view names the process that holds a finding's socket
key 5
expect "5: the findings view" "Sev   Finding"
key F3 C-u
key -l zwin
key Enter
expect "the selected finding names the process holding its socket" "held by "
expect "... the stalled sender" "/stalled"
key 1

# --- the detail view's snapshot is the whole detail and never overwrites
key Enter
shows "tcp_info" 5
# a connection selected just now has every tcp_info field from the refresh its selection asks for
wait_for 5 sh -c "! $TM capture-pane -p -t inc | grep -q 'from the next refresh'"
key s
expect "s in the detail view writes a snapshot" "snapshot written to $T_TMP/snap.txt"
key s
expect "a second snapshot gets a new name" "snapshot written to $T_TMP/snap-2.txt"
if [ -f "$T_TMP/snap.txt" ] && [ "$(wc -l <"$T_TMP/snap.txt")" -gt 24 ] && grep -q "tcp_info" "$T_TMP/snap.txt"; then
	ok "the detail snapshot holds more than the 24 visible lines"
else not_ok "the detail snapshot holds more than the 24 visible lines" "$(wc -l <"$T_TMP/snap.txt" 2>&1)"; fi
# frames keep every tcp_info field only for the selected connection: it was selected a refresh ago
if grep -qE '^ *snd_cwnd +[0-9]+' "$T_TMP/snap.txt" && ! grep -q "from the next refresh" "$T_TMP/snap.txt"; then
	ok "the detail lists every tcp_info field of the selected connection"
else not_ok "the detail lists every tcp_info field of the selected connection" "$(grep -n 'tcp_info\|snd_cwnd' "$T_TMP/snap.txt")"; fi
key Escape
expect "Esc returns from the detail" "Local Addr"

# --- grouping by process, with ss as the oracle for the counts
key g
expect "g groups by process" "Process" 5
want=$(ip netns exec "$ns" ss -tanp | grep -c '"idlepool"')
group_count() { screen | awk -v n="$want" '$1 == "idlepool" && $2 == n { f = 1 } END { exit !f }'; }
if wait_for 5 group_count; then ok "the idlepool group counts its $want sockets, as ss does"
else not_ok "the idlepool group counts its $want sockets, as ss does" "$(screen | sed 's/^/| /')"; fi
leaky_cw=$(ip netns exec "$ns" ss -tanp state close-wait | grep -c '"leaky"')
eq "the leaking process holds its CLOSE-WAIT sockets (ss)" "$leaky_cw" 3
# Enter on a group: its connections under a filter the tab line shows (F3 finds the group)
key F3 C-u
key -l idlepool
key Enter
key Enter
expect "Enter on a group shows its connections as a visible filter" "filter" 5
expect "the filter names the process" "proc idlepool" 5
key / C-u Enter
if wait_for 5 sh -c "! $TM capture-pane -p -t inc | sed -n 4p | grep -q 'filter'"; then ok "the group's filter clears like any filter"
else not_ok "the group's filter clears like any filter" "$(screen | sed -n 4p)"; fi
key g g g g
expect "g after state turns grouping off" "grouping off"

# --- the mouse: a click on a header sorts by it. Paused, so no refresh moves the
# columns (their widths follow the rows shown) between reading the header and clicking.
key Space
expect "Space pauses before the click" "PAUSED" 3
hdr=$(screen | sed -n 5p)
pre=${hdr%%State*}
if [ "$pre" != "$hdr" ]; then
	click "$((${#pre} + 1))" 4
	expect "a click on the State header sorts by state" "sort: state"
else not_ok "a click on the State header sorts by state" "no State header: $hdr"; fi

# --- settings survive a restart
key q
expect "q quits at the top level" "EXIT=0"
if [ -f "$RC" ] && grep -q '^version=1$' "$RC" && grep -q '^sort=state$' "$RC"; then
	ok "quitting after a change writes the settings file"
else not_ok "quitting after a change writes the settings file" "$(cat "$RC" 2>&1)"; fi
run -d 0.5
expect "the sort chosen last time is back after a restart" "sort: state" 8
key q
shows "EXIT=0" 5
run -d 0.5 -s tx
expect "a command-line sort wins over the file" "sort: tx" 8
key q
shows "EXIT=0" 5
grep -q '^sort=state$' "$RC" && ok "an unchanged run leaves the file's sort alone" || not_ok "an unchanged run leaves the file's sort alone" "$(cat "$RC")"
run -d 0.5 --no-config
expect "--no-config ignores the file" "$default_sort" 8
key q
shows "EXIT=0" 5

# --- a detail opened on a socket found just now has every tcp_info field at once: the
# view asks for a refresh instead of waiting the 30 s interval (frames keep them only
# for the selected connection)
run -d 30 --no-config -w "$T_TMP/snap30.txt"
expect "-d 30: tcptop starts" "1 Connections" 8
key F3
key -l leaky
key Enter
key Enter
expect "-d 30: the search opens the leaky socket's detail" "command leaky" 5
sleep 3
key s
shows "snapshot written to $T_TMP/snap30.txt" 5
if grep -qE '^ *snd_cwnd +[0-9]+' "$T_TMP/snap30.txt" 2>/dev/null; then
	ok "-d 30: the detail has every tcp_info field within 3 s, not 30"
else not_ok "-d 30: the detail has every tcp_info field within 3 s, not 30" "$(grep -n 'tcp_info' "$T_TMP/snap30.txt" 2>&1)"; fi
key q
key q
shows "EXIT=0" 5
printf 'version=1\nsort=nosuch\n' >"$RC"
run -d 0.5
expect "a corrupt settings file gives one line naming it" "line 2: sort: no column is called 'nosuch'" 8
expect "and the defaults" "$default_sort" 5
key q
expect "and tcptop still quits cleanly" "EXIT=0"

done_testing
