# SPDX-License-Identifier: GPL-2.0-or-later
# t_signals: every signal that ends the interactive view gives the terminal back; Ctrl-Z suspends and fg resumes.
. "$(dirname "$0")/../lib.sh"

if ! command -v tmux >/dev/null; then skip "signals in the TUI" "tmux is not installed"; done_testing; exit; fi

export XDG_CONFIG_HOME=$T_TMP/xdg-home
unset TCPTOPRC
TM="tmux -L tcptop-sig-$$ -f /dev/null"
cleanup_tmux() { $TM kill-server 2>/dev/null; t_cleanup; }
trap cleanup_tmux EXIT

screen() { $TM capture-pane -p -t sig; }
shows() { wait_for "${2:-5}" sh -c "$TM capture-pane -p -t sig | grep -qF -- \"\$1\"" _ "$1"; }
key() { $TM send-keys -t sig "$@"; }
pane() { $TM display -p -t sig "$1"; }

$TM new-session -d -s sig -x 120 -y 30 "env LANG=C.UTF-8 PS1='$ ' bash --norc --noprofile"
sleep 0.3
key "stty -g > $T_TMP/stty.before" Enter

# run_tui TAG: starts tcptop in the pane, waits for its first screen, sets TUI_PID. In the
# foreground from the start: sh writes its pid and execs tcptop (a job started with & and
# then fg'd could stop on SIGTTOU when its terminal set-up raced the fg, under load).
run_tui() {
	rm -f "$T_TMP/pid"
	TUI_PID=
	key "clear; sh -c 'echo \$\$ > $T_TMP/pid; exec $TCPTOP --no-config --no-processes -d 0.5'; echo END-$1=\$?" Enter
	wait_for 10 test -s "$T_TMP/pid" && TUI_PID=$(cat "$T_TMP/pid")
	shows "1 Connections" 10 && return 0
	# not up: end it, so the next run does not type into it
	[ -n "${TUI_PID:-}" ] && kill -KILL "$TUI_PID" 2>/dev/null
	shows "END-$1=" 5
	return 1
}

# restored TAG: the shell is back with the modes it had, main screen, cursor shown
restored() {
	shows "END-$1=" 5 || return 1
	key "stty -g > $T_TMP/stty.after" Enter
	wait_for 3 test -s "$T_TMP/stty.after" || return 1
	cmp -s "$T_TMP/stty.before" "$T_TMP/stty.after" || {
		diag "stty before: $(cat "$T_TMP/stty.before")"
		diag "stty after:  $(cat "$T_TMP/stty.after")"
		rm -f "$T_TMP/stty.after"
		return 1
	}
	rm -f "$T_TMP/stty.after"
	[ "$(pane '#{alternate_on}')" = 0 ] && [ "$(pane '#{cursor_flag}')" = 1 ]
}

for sig in QUIT USR1 USR2 ALRM VTALRM PROF XCPU XFSZ TERM HUP INT; do
	if ! run_tui "$sig"; then
		not_ok "SIG$sig: tcptop started" "$(screen | head -5)"
		continue
	fi
	kill -s "$sig" "$TUI_PID"
	if restored "$sig"; then
		ok "SIG$sig ends tcptop with the terminal restored (modes, main screen, cursor)"
	else
		not_ok "SIG$sig ends tcptop with the terminal restored (modes, main screen, cursor)" \
			"alternate_on=$(pane '#{alternate_on}') cursor=$(pane '#{cursor_flag}')" \
			"$(screen | tail -5)"
	fi
done

# SIGPIPE is ignored: a write to a closed pipe is an error to report, not the end
if run_tui PIPE; then
	kill -s PIPE "$TUI_PID"
	sleep 0.5
	if kill -0 "$TUI_PID" 2>/dev/null && [ "$(pane '#{alternate_on}')" = 1 ]; then
		ok "SIGPIPE leaves the interactive view running"
	else
		not_ok "SIGPIPE leaves the interactive view running" "$(screen | tail -5)"
	fi
	key q
	if restored PIPE; then ok "q after SIGPIPE quits cleanly"; else not_ok "q after SIGPIPE quits cleanly" "$(screen | tail -5)"; fi
else
	not_ok "SIGPIPE: tcptop started" "$(screen | head -5)"
fi

# Ctrl-Z: the shell gets the terminal back in its own modes; fg redraws the view
if run_tui TSTP; then
	key C-z
	if shows "Stopped" 5 && [ "$(pane '#{alternate_on}')" = 0 ] && [ "$(pane '#{cursor_flag}')" = 1 ]; then
		ok "Ctrl-Z suspends with the terminal restored"
	else
		not_ok "Ctrl-Z suspends with the terminal restored" "$(screen | tail -5)"
	fi
	key clear Enter
	key fg Enter
	if shows "1 Connections" 5 && [ "$(pane '#{alternate_on}')" = 1 ]; then
		ok "fg resumes and redraws the whole view"
	else
		not_ok "fg resumes and redraws the whole view" "$(screen | head -5)"
	fi
	key 2
	if shows "Accept Q" 5; then ok "keys work after resuming"; else not_ok "keys work after resuming" "$(screen | head -8)"; fi
	key q
	# the stop ended the shell's command list at once (bash printed END-TSTP then): ask again
	wait_for 5 sh -c '! kill -0 "$1" 2>/dev/null' _ "$TUI_PID"
	key "echo END-TSTPQ=\$?" Enter
	if restored TSTPQ; then ok "q after resuming quits cleanly"; else not_ok "q after resuming quits cleanly" "$(screen | tail -5)"; fi
else
	not_ok "Ctrl-Z: tcptop started" "$(screen | head -5)"
fi

done_testing
