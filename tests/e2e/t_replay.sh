# SPDX-License-Identifier: GPL-2.0-or-later
# t_replay: a recording of changing sockets stepped through in the TUI (tmux send-keys, capture-pane), checked against batch replay.
. "$(dirname "$0")/../lib.sh"

if ! need_root "recording sockets in a namespace"; then done_testing; exit; fi
if ! command -v tmux >/dev/null; then skip "replay keys" "tmux is not installed"; done_testing; exit; fi

export XDG_CONFIG_HOME=$T_TMP/xdg-home
unset TCPTOPRC
TM="tmux -L tcptop-replay-$$ -f /dev/null"
cleanup_tmux() { $TM kill-server 2>/dev/null; t_cleanup; }
trap cleanup_tmux EXIT

ns_new && ns=$NS || { not_ok "namespace"; done_testing; exit; }
scen "$ns" -p 5003 -b 2 listen 5 || { not_ok "listen scenario"; done_testing; exit; }
# TIME-WAIT sockets appear one every 80 ms while the recording runs: each refresh differs
scen "$ns" -p 5004 --every 80 timewait 60 || { not_ok "timewait scenario"; done_testing; exit; }

REC=$T_TMP/live.rec
ip netns exec "$ns" "$TCPTOP" -b -n 15 -d 0.25 --record "$REC" -o json >/dev/null
# batch replay prints refresh 2 onwards (the first only primes the rates): seq = refresh number
"$TCPTOP" --replay "$REC" -b -o json -n 0 >"$T_TMP/frames.json"
N=$(($(wc -l <"$T_TMP/frames.json") + 1))
eq "the recording holds the 16 refreshes of -n 15" "$N" 16

screen() { $TM capture-pane -p -t rp; }
shows() { wait_for "${2:-5}" sh -c "$TM capture-pane -p -t rp | grep -qF -- \"\$1\"" _ "$1"; }
key() { $TM send-keys -t rp "$@"; }
expect() { # expect NAME TEXT [SECS]
	if shows "$2" "${3:-5}"; then ok "$1"; else not_ok "$1" "screen lacks '$2'" "$(screen | sed 's/^/| /')"; fi
}
# the position line's refresh number, and the recorded time it shows
position() { screen | sed -n 's/^refresh \([0-9]*\) of.*/\1/p' | head -1; }
recorded() { screen | sed -n 's/^refresh .* recorded \([^ ]*\) .*/\1/p' | head -1; }
header_count() { screen | grep -m1 '^Sockets' | grep -oE "$1 [0-9]+" | awk '{print $NF}'; }
# matches NAME: the screen shows what batch replay says of the refresh on it
matches() {
	local i t want_t want_s want_tw
	i=$(position)
	t=$(recorded)
	if [ -z "$i" ] || [ "$i" -lt 2 ]; then
		not_ok "$1" "no refresh >= 2 on the screen ($i)" "$(screen | head -6)"
		return
	fi
	want_t=$(jq -r "select(.seq == $i) | .timestamp" "$T_TMP/frames.json")
	want_s=$(jq -r "select(.seq == $i) | .sockets" "$T_TMP/frames.json")
	want_tw=$(jq -r "select(.seq == $i) | .states[\"TIME-WAIT\"]" "$T_TMP/frames.json")
	if [ "$t" = "$want_t" ] && [ "$(header_count Sockets)" = "$want_s" ] &&
		[ "$(header_count TIME-WAIT)" = "$want_tw" ]; then
		ok "$1"
	else
		not_ok "$1" "refresh $i: screen $t sockets $(header_count Sockets) tw $(header_count TIME-WAIT); batch $want_t $want_s $want_tw" "$(screen | head -6)"
	fi
}
at() { # at NAME I: the position line reaches refresh I
	if wait_for 5 sh -c "$TM capture-pane -p -t rp | grep -q '^refresh $2 of'"; then ok "$1"
	else not_ok "$1" "not at refresh $2" "$(screen | head -6)"; fi
}

$TM new-session -d -s rp -x 170 -y 40 "env LANG=C.UTF-8 PS1='$ ' bash --norc --noprofile"
sleep 0.3
key "stty -g > $T_TMP/stty.before; $TCPTOP --no-config --replay $REC; echo EXIT=\$?" Enter
expect "the replay shows where it is" "refresh 1 of"
key Space
expect "space pauses the replay" "· paused"
i=$(position)
sleep 1.5
if [ "$(position)" = "$i" ]; then ok "a paused replay stays on refresh $i"
else not_ok "a paused replay stays on refresh $i" "now at $(position)"; fi
if [ "$i" -lt 2 ]; then key Right; i=$((i + 1)); at "Right steps to refresh 2" "$i"; fi
matches "the paused refresh shows what batch replay says of it"

if [ "$i" -ge "$N" ]; then key Left; i=$((i - 1)); at "Left steps back" "$i"; fi
key Right
at "Right steps one refresh forward" $((i + 1))
matches "the next refresh's sockets and time match batch replay"
key Left
at "Left steps one refresh back" "$i"
matches "back again: the same values as before"

key '['
at "[ jumps to the first refresh" 1
key Right Right Right
at "three Right presses add up" 4
matches "refresh 4 after a jump has its recorded values"

key ']'
at "] jumps to the last refresh" "$N"
expect "the last refresh says it is the end" "end of recording"
expect "and the length is known" "refresh $N of $N"
matches "the last refresh matches batch replay's last frame"
key Right
expect "Right at the end says so and stays" "refresh $N is the last"
at "still on the last refresh" "$N"
key Left
at "Left steps back from the end" $((N - 1))
matches "the refresh before the end matches"

# Paused, the detail of a connection selected only now: the frame kept the whole tcp_info
# of the one selected when it was read, so the refresh is decoded again for this one.
key / "state estab" Enter
expect "a filter while paused keeps the replay where it is" "refresh $((N - 1)) of"
key Down Enter
expect "the detail of a connection selected while paused lists every tcp_info field" \
	"bytes from the kernel"
key Escape / C-u Enter
at "Esc and an empty filter: back on the same refresh" $((N - 1))

key +
expect "+ doubles the speed" "· 2x"
key - - -
expect "- halves it down to 0.25x" "· 0.25x"
key -
expect "below 0.25x it stays" "replay speed stays 0.25x"
key + + + + + + +
expect "+ doubles up to 16x" "· 16x"
expect "above 16x it stays" "replay speed stays 16x"

key '[' Space
expect "space plays again" "replay playing"
# 15 gaps of 0.25 s at 16x: well under a second to the end
at "playing at 16x reaches the last refresh" "$N"
expect "and stays there, saying so" "end of recording"
sleep 1
at "it stays on the last refresh" "$N"

key q
expect "q quits with status 0" "EXIT=0"
key "stty -g | cmp - $T_TMP/stty.before && echo MODES-RESTORED" Enter
expect "the terminal modes are restored" "MODES-RESTORED"

# A recording cut short (the recorder killed mid-write): every whole refresh, and where it ends.
size=$(stat -c %s "$REC")
head -c $((size * 6 / 10)) "$REC" >"$T_TMP/cut.rec"
"$TCPTOP" --replay "$T_TMP/cut.rec" -b -o json -n 0 >"$T_TMP/cut.json" 2>"$T_TMP/cut.err"
K=$(($(wc -l <"$T_TMP/cut.json") + 1))
gt "batch replay of the cut file keeps some refreshes" "$K" 1
key clear Enter
key "$TCPTOP --no-config --replay $T_TMP/cut.rec; echo EXIT=\$?" Enter
expect "the cut recording replays" "refresh 1 of"
key ']'
at "] stops at the last whole refresh of the cut file" "$K"
expect "the position line says where the recording ends" "end of recording: recording ends inside refresh $((K + 1))"
key Left
at "and steps back from there" $((K - 1))
key q
expect "q quits the cut replay" "EXIT=0"

# Damage after the first refreshes (the first, with every sysctl, is the largest: the
# later ones are in the file's last fifth): one line naming the offset, the TUI keeps running.
cp "$REC" "$T_TMP/bad.rec"
printf '\377\377\377\377\377\377\377\377\377\377\377\377' |
	dd of="$T_TMP/bad.rec" bs=1 seek=$((size * 92 / 100)) conv=notrunc 2>/dev/null
key clear Enter
key "$TCPTOP --no-config --replay $T_TMP/bad.rec; echo EXIT=\$?" Enter
expect "the damaged recording replays" "refresh 1 of"
key ']'
expect "stepping into damage names the offset" "offset"
j=$(position)
key Left
at "the TUI keeps running: Left steps back from the damage" $((j - 1))
key q
expect "q quits the damaged replay" "EXIT=0"

# A FIFO cannot go back: the status says so, forward still works.
mkfifo "$T_TMP/fifo"
key clear Enter
key "(cat $REC > $T_TMP/fifo &); $TCPTOP --no-config --replay $T_TMP/fifo; echo EXIT=\$?" Enter
expect "a FIFO replays" "refresh 1 of"
key Space
expect "the position line says a stream cannot go back" "a stream: no going back"
# the pause lands on refresh 1 or, slower than its 0.25 s on screen, on 2
j=$(position)
[ -n "$j" ] || { not_ok "the paused stream shows its position" "$(screen | head -6)"; j=1; }
key Right
at "Right steps forward on a stream" $((j + 1))
j=$(position)
key Left
expect "Left on a stream says why not" "is a stream: it cannot go back"
key Right
at "Right still steps forward after that" $((j + 1))
key q
expect "q quits the FIFO replay" "EXIT=0"

# Nothing to show: a recording with no whole refresh says so instead of waiting.
head -c 16 "$REC" >"$T_TMP/empty.rec"
key clear Enter
key "$TCPTOP --no-config --replay $T_TMP/empty.rec; echo EXIT=\$?" Enter
expect "a recording without a whole refresh says so" "the recording holds no whole refresh"
key q
expect "q quits it" "EXIT=0"
# Damage in the first block (where the META chunks are): one line naming the offset, exit 1.
cp "$REC" "$T_TMP/bad0.rec"
printf '\377\377\377\377\377\377\377\377' | dd of="$T_TMP/bad0.rec" bs=1 seek=40 conv=notrunc 2>/dev/null
key clear Enter
key "$TCPTOP --no-config --replay $T_TMP/bad0.rec; echo EXIT=\$?" Enter
expect "damage at the start is one error naming the offset" "corrupt compressed data at offset"
expect "and exit status 1" "EXIT=1"
# A FIFO whose writer sent the first half of the recording and stalls, holding it open:
# the view shows what came, and q quits at once (the thread reading it stops waiting).
mkfifo "$T_TMP/stall.fifo"
key clear Enter
key "$TCPTOP --no-config --replay $T_TMP/stall.fifo; echo EXIT=\$?" Enter
exec 9<>"$T_TMP/stall.fifo" # read and write: never waits, even if the view is gone
head -c $(($(stat -c %s "$REC") / 2)) "$REC" >&9
expect "a stalled FIFO's refreshes so far are shown" "Sockets"
sleep 4 # played at their recorded pace (0.25 s each): the reader then waits for more
key q
expect "q quits while the writer stalls" "EXIT=0" 3
exec 9>&-

# A FIFO no one writes to yet: the view cannot start before the recording's header, so the
# terminal says what it waits for; the replay starts when a writer comes.
mkfifo "$T_TMP/wait.fifo"
key clear Enter
key "$TCPTOP --no-config --replay $T_TMP/wait.fifo; echo EXIT=\$?" Enter
expect "a FIFO with no writer yet says what it waits for" \
	"waiting for $T_TMP/wait.fifo: nothing written to it yet (Ctrl-C quits)" 3
cat "$REC" >"$T_TMP/wait.fifo" &
T_PIDS+=("$!")
expect "the replay starts when the writer comes" "refresh 1 of"
key q
expect "q quits it" "EXIT=0"
# Ctrl-C while it waits: it ends (the shell's prompt then abandons the rest of the line)
key clear Enter
key "$TCPTOP --no-config --replay $T_TMP/wait.fifo" Enter
expect "it waits again for a new writer" "nothing written to it yet" 3
key C-c
gone() { ! pgrep -f -- "--replay $T_TMP/wait.fifo" >/dev/null; }
if wait_for 3 gone; then ok "Ctrl-C ends a wait for a writer"; else not_ok "Ctrl-C ends a wait for a writer" "still running"; fi

done_testing
