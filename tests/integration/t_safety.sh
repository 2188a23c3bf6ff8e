# SPDX-License-Identifier: GPL-2.0-or-later
# t_safety: recordings survive signals and cuts, files never replace devices or follow planted links, stdout failures are errors.
. "$(dirname "$0")/../lib.sh"

if ! need_root "recording and file safety"; then done_testing; exit; fi

# refreshes FILE: how many frames a replay prints (the first refresh only primes the rates).
refreshes() { "$TCPTOP" -b --replay "$1" -n 0 -o json 2>/dev/null | wc -l; }
# replays FILE N: FILE already replays N refreshes or more (for wait_for: it asks each time).
replays() { [ "$(refreshes "$1")" -ge "$2" ]; }

# record_until_signal SIG: records at 0.1 s until 3 frames replay, sends SIG; sets REC, RC.
record_until_signal() {
	local sig=$1
	REC=$T_TMP/sig-$sig.rec
	# not through tt: $! must be tcptop itself (ip netns exec and env exec it), not a
	# subshell; env undoes the ignored INT and QUIT a script's background job starts
	# with, and any signal whoever runs the tests ignores (tcptop keeps an ignored one)
	ip netns exec "$NS" env --default-signal "$TCPTOP" -b -n 0 -d 0.1 -o json \
		--record "$REC" >/dev/null 2>"$REC.err" &
	local pid=$!
	wait_for 10 replays "$REC" 3
	kill -"$sig" "$pid"
	wait_pid 20 "$pid" 2>/dev/null
	RC=$?
}

t_signals() {
	local sig n err
	ns_new && scen "$NS" -p 5301 bulk || { not_ok "bulk scenario starts"; return; }
	for sig in INT TERM HUP; do
		record_until_signal $sig
		eq "$sig: exit status 128 + signal" "$RC" $((128 + $(kill -l $sig)))
		err=$("$TCPTOP" -b --replay "$REC" -n 0 -o json 2>&1 >/dev/null)
		eq "$sig: the recording is closed cleanly (replay says nothing)" "$err" ""
		gt "$sig: every refresh replays" "$(refreshes "$REC")" 2
	done
	for sig in KILL QUIT USR1 ALRM; do
		record_until_signal $sig
		eq "$sig: the signal's own end" "$RC" $((128 + $(kill -l $sig)))
		err=$("$TCPTOP" -b --replay "$REC" -n 0 -o json 2>&1 >/dev/null)
		check "$sig: the replay says the recording was not closed" grep -q "not closed" <<<"$err"
		gt "$sig: its whole refreshes replay" "$(refreshes "$REC")" 2
	done
	check "a new recording is 0600" test "$(stat -c %a "$REC")" = 600
	# nohup's ignored HUP stays ignored: the recorder keeps going
	ip netns exec "$NS" env --default-signal nohup "$TCPTOP" -b -n 0 -d 0.1 -o json \
		--record "$T_TMP/nohup.rec" >/dev/null 2>&1 &
	local pid=$!
	wait_for 10 replays "$T_TMP/nohup.rec" 1
	kill -HUP "$pid"
	sleep 0.3
	check "under nohup, HUP does not stop the recording" kill -0 "$pid"
	kill -TERM "$pid"
	wait_pid 20 "$pid"
	eq "under nohup, TERM still does (128 + 15)" "$?" 143
}

t_cut_and_corrupt() {
	local rec=$T_TMP/cut.rec size cut n prev=-1 bad=0 err rc i
	ns_new && scen "$NS" -p 5302 bulk || { not_ok "bulk scenario starts"; return; }
	tt "$NS" -b -n 8 -d 0.1 -o json --record "$rec" >/dev/null
	size=$(stat -c %s "$rec")
	for cut in 17 100 $((size / 4)) $((size / 2)) $((size * 3 / 4)) $((size - 5)); do
		head -c "$cut" "$rec" >"$T_TMP/c.rec"
		n=$(refreshes "$T_TMP/c.rec")
		err=$("$TCPTOP" -b --replay "$T_TMP/c.rec" -n 0 -o json 2>&1 >/dev/null)
		[ "$n" -ge "$prev" ] || bad=1
		prev=$n
		case $err in *"ends inside refresh"* | *"no complete refresh"*) ;; *) bad=1; diag "cut $cut: $err" ;; esac
	done
	eq "a recording cut at 6 offsets replays its whole refreshes and says where it ends" "$bad" 0
	head -c 100 "$rec" >"$T_TMP/c.rec"
	err=$("$TCPTOP" -b --replay "$T_TMP/c.rec" -n 0 -o json 2>&1 >/dev/null)
	eq "cut inside its first refresh: exit 1, one line saying so and where" "$? $err" \
		"1 tcptop: the recording holds no complete refresh (recording ends inside refresh 1 at offset 100)"
	gt "the cut 5 bytes before the end still replays most refreshes" "$prev" 5
	bad=0
	# anywhere past the 16-byte magic, from a seed a failure names (T_SEED=N repeats it)
	local seed=${T_SEED:-$$}
	RANDOM=$seed
	local byte off
	for i in $(seq 1 40); do
		cp "$rec" "$T_TMP/x.rec"
		# drawn here: a pipeline's subshells reseed RANDOM, and the seed would repeat nothing
		byte=$((RANDOM % 256)) off=$((16 + (RANDOM * 32768 + RANDOM) % (size - 16)))
		printf "\\x$(printf %02x $byte)" |
			dd of="$T_TMP/x.rec" bs=1 seek=$off conv=notrunc 2>/dev/null
		"$TCPTOP" -b --replay "$T_TMP/x.rec" -n 0 -o json >/dev/null 2>"$T_TMP/x.err"
		rc=$?
		if [ "$rc" -gt 1 ] || [ "$(grep -vc '^tcptop: warning' "$T_TMP/x.err")" -gt 1 ]; then
			bad=1; diag "corruption $i (T_SEED=$seed): exit $rc: $(head -c 300 "$T_TMP/x.err")"
		fi
	done
	eq "40 randomly corrupted recordings: replay or one line, never a crash" "$bad" 0
}

t_streams() {
	local out err n
	ns_new && scen "$NS" -p 5303 bulk || { not_ok "bulk scenario starts"; return; }
	tt "$NS" -b -n 2 -d 0.1 --record /dev/null >/dev/null
	check "--record /dev/null leaves /dev/null a character device" test -c /dev/null
	# the frames go to /dev/null, the recording into the pipe
	n=$( (tt "$NS" -b -n 3 -d 0.1 -o json --record /dev/stderr 2>&1 >/dev/null) |
		"$TCPTOP" -b --replay - -n 0 -o json 2>/dev/null | wc -l)
	eq "--record /dev/stderr piped into --replay - replays every refresh" "$n" 3
	n=$( (tt "$NS" -b -n 3 -d 0.1 -o json --record /dev/fd/3 3>&1 >/dev/null) |
		"$TCPTOP" -b --replay - -n 0 -o json 2>/dev/null | wc -l)
	eq "--record /dev/fd/3 (root's and our own links to a pipe) replays every refresh" "$n" 3
	mkfifo "$T_TMP/fifo"
	"$TCPTOP" -b --replay "$T_TMP/fifo" -n 0 -o json >"$T_TMP/fifo.out" 2>&1 &
	local pid=$!
	# the recorder refuses a FIFO no one reads yet ("no process is reading it"), and the
	# reader above may not have opened it yet: the shell holds it open meanwhile (read and
	# write: such an open never waits), and closes it once the recorder is done
	exec 9<>"$T_TMP/fifo"
	tt "$NS" -b -n 3 -d 0.1 -o json --record "$T_TMP/fifo" >/dev/null
	eq "--record FIFO: exit 0" "$?" 0
	exec 9>&-
	wait_pid 20 "$pid"
	eq "a FIFO replays as a stream" "$(wc -l <"$T_TMP/fifo.out")" 3
	# a replay waits for a FIFO's writer, and for a stalled one's next bytes; INT, TERM
	# and HUP end the wait as they end any run (their handlers restart a blocked read)
	local sig rc
	# the signal must come while it waits, not before its handlers are there (the default
	# action would look the same): batch mode installs them before it opens the replay
	holds() { ls -l "/proc/$1/fd" 2>/dev/null | grep -qF -- "$2"; }
	for sig in INT TERM HUP; do
		env --default-signal "$TCPTOP" -b --replay "$T_TMP/fifo" -n 0 -o json \
			>/dev/null 2>"$T_TMP/fifo.err" &
		pid=$!
		wait_for 5 holds "$pid" "$T_TMP/fifo" || diag "$sig: the replay never opened the FIFO"
		sleep 0.2
		kill -"$sig" "$pid"
		wait_pid 5 "$pid"
		rc=$?
		eq "$sig while a replay waits for a FIFO's writer: 128 + signal, no message" \
			"$rc $(cat "$T_TMP/fifo.err")" "$((128 + $(kill -l $sig))) "
	done
	# a writer that sent the first half of a recording, then stalls (holding the FIFO open)
	tt "$NS" -b -n 4 -d 0.1 -o json --record "$T_TMP/four.rec" >/dev/null
	env --default-signal "$TCPTOP" -b --replay "$T_TMP/fifo" -n 0 -o json \
		>/dev/null 2>"$T_TMP/fifo.err" &
	pid=$!
	exec 9<>"$T_TMP/fifo" # read and write: never waits, even if the replay is gone
	head -c $(($(stat -c %s "$T_TMP/four.rec") / 2)) "$T_TMP/four.rec" >&9
	wait_for 5 holds "$pid" "$T_TMP/fifo" || diag "the replay never opened the FIFO"
	sleep 0.3
	kill -TERM "$pid"
	wait_pid 5 "$pid"
	rc=$?
	exec 9>&-
	eq "TERM while a replay waits for a stalled writer's next bytes: 143, no message" \
		"$rc $(cat "$T_TMP/fifo.err")" "143 "
	# a reader that keeps the FIFO open and stops reading: once the pipe is full the recorder
	# waits for room, and TERM still ends it (the handlers restart a blocked write)
	scen "$NS" -p 5304 idle 1500 || { not_ok "idle scenario starts"; return; }
	mkfifo "$T_TMP/full.fifo"
	exec 8<>"$T_TMP/full.fifo"
	ip netns exec "$NS" env --default-signal "$TCPTOP" -b -n 0 -d 0.05 -o json \
		--record "$T_TMP/full.fifo" >/dev/null 2>"$T_TMP/full.err" &
	pid=$!
	sleep 2
	kill -TERM "$pid"
	wait_pid 5 "$pid"
	rc=$?
	exec 8>&-
	eq "TERM while the recorder waits for a FIFO no one reads: it ends, exit 1" "$rc" 1
	eq "... with one line naming the FIFO and why" "$(cat "$T_TMP/full.err")" \
		"tcptop: cannot write $T_TMP/full.fifo: its reader stopped reading, and tcptop was told to stop"
	# the same in the interactive view: q ends it (the recording thread stops waiting)
	if command -v tmux >/dev/null; then
		local tm="tmux -L tcptop-safety-rec-$$ -f /dev/null"
		mkfifo "$T_TMP/tui.fifo"
		exec 8<>"$T_TMP/tui.fifo"
		$tm new-session -d -s r -x 120 -y 30 "ip netns exec $NS $TCPTOP --no-config -d 0.05 \
			--record $T_TMP/tui.fifo 2>$T_TMP/tui-rec.err; echo EXIT=\$? >$T_TMP/tui-rec.exit"
		sleep 3 # the pipe is full by then (1,500 sockets a refresh)
		$tm send-keys -t r q
		wait_for 8 test -s "$T_TMP/tui-rec.exit"
		eq "q while the view's recorder waits for a FIFO no one reads: it ends, exit 1" \
			"$(cat "$T_TMP/tui-rec.exit" 2>/dev/null)" "EXIT=1"
		check "... and says why" grep -q "its reader stopped reading" "$T_TMP/tui-rec.err"
		$tm kill-server 2>/dev/null
		exec 8>&-
	fi
	for fmt in text json; do
		err=$(tt "$NS" -b -n 1 -o $fmt 2>&1 >/dev/full)
		eq "$fmt to /dev/full: exit 1" "$?" 1
		eq "$fmt to /dev/full: one line" "$err" "tcptop: cannot write the output: No space left on device"
		err=$(tt "$NS" -b -n 1 -o $fmt 2>&1 >&-)
		eq "$fmt to a closed stdout: exit 1" "$?" 1
		eq "$fmt to a closed stdout: one line" "$err" \
			"tcptop: cannot write the output: standard output is closed"
	done
}

t_planted_links() {
	local d=$T_TMP/shared err
	mkdir -m 1777 "$d"
	echo precious >"$T_TMP/victim"
	ln -s "$T_TMP/victim" "$d/rec"
	chown -h nobody "$d/rec"
	err=$(tt "$NS" -b -n 1 --record "$d/rec" 2>&1 >/dev/null)
	eq "a symlink someone else planted at the target: refused, exit 1" "$?" 1
	check "the refusal names the link's owner" grep -q "owned by uid $(id -u nobody)" <<<"$err"
	eq "the link's target is untouched" "$(cat "$T_TMP/victim")" precious
	mkdir "$T_TMP/real"
	ln -s "$T_TMP/real" "$d/dir"
	chown -h nobody "$d/dir"
	err=$(tt "$NS" -b -n 1 --record "$d/dir/x.rec" 2>&1 >/dev/null)
	eq "a symlink someone else owns in a parent: refused" "$?" 1
	check "nothing was written through it" test ! -e "$T_TMP/real/x.rec"
	err=$(tt "$NS" -b -n 1 --record "$T_TMP" 2>&1 >/dev/null)
	check "a directory target is refused with one line" grep -qx "tcptop: .*: a directory, not replaced" <<<"$err"
}

# Option values refused whole at once (issue 13): the length named, empty paths, --batch=VALUE.
t_option_values() {
	local long err
	long=$(head -c 10000 /dev/zero | tr '\0' 1)
	err=$("$TCPTOP" -b -d "$long" 2>&1 >/dev/null)
	eq "a 10,000-character value: exit 2" "$?" 2
	eq "a 10,000-character value: refused whole, its length named" "$err" \
		"tcptop: -d: a value of 10000 bytes is too long (at most 4096)"
	err=$("$TCPTOP" -b --filter="port $long" 2>&1 >/dev/null)
	eq "a 10,005-character --filter=: named as typed, with its length" "$err" \
		"tcptop: --filter: a value of 10005 bytes is too long (at most 4096)"
	for o in --record= --replay= --textfile= --write=; do
		err=$("$TCPTOP" -b -n 1 "$o" 2>&1 >/dev/null)
		eq "$o with an empty path: refused before anything runs (exit 2, one line)" "$? $err" \
			"2 tcptop: ${o%=}: an empty path"
	done
	err=$("$TCPTOP" --batch=1 2>&1 >/dev/null)
	eq "--batch=1: exit 2 naming --batch" "$? $err" "2 tcptop: --batch takes no value (see tcptop --help)"
}

# The settings file holds no secrets: new ones 0644 masked by the umask, an existing one keeps its mode.
t_settings_mode() {
	local rc=$T_TMP/rc/tcptoprc tm="tmux -L tcptop-safety-$$ -f /dev/null" i
	if ! command -v tmux >/dev/null; then skip "settings file mode" "tmux is not installed"; return; fi
	pane_has() { $tm capture-pane -p -t s | grep -q "$1"; }
	# run_once UMASK: the interactive view, one sort change, q; the file is written on quit
	run_once() {
		$tm new-session -d -s s -x 120 -y 30 \
			"umask $1; TCPTOPRC=$rc ip netns exec $NS $TCPTOP -d 0.3; echo EXIT=\$? >$T_TMP/tui.exit"
		wait_for 10 pane_has "sort:" || diag "the view did not start: $($tm capture-pane -p -t s)"
		$tm send-keys -t s '>'
		sleep 0.5
		$tm send-keys -t s q
		wait_for 10 test -s "$T_TMP/tui.exit"
		$tm kill-server 2>/dev/null
		rm -f "$T_TMP/tui.exit"
	}
	ns_new || { not_ok "namespace"; return; }
	mkdir -p "$T_TMP/rc"
	run_once 027
	eq "a new settings file under umask 027 is 0640" "$(stat -c %a "$rc" 2>&1)" 640
	rm -f "$rc"
	run_once 022
	eq "a new settings file under umask 022 is 0644" "$(stat -c %a "$rc" 2>&1)" 644
	chmod 600 "$rc"
	chown nobody "$rc"
	i=$(stat -c %i "$rc")
	run_once 022
	check "the settings file was written again (replaced)" test "$(stat -c %i "$rc")" != "$i"
	eq "an existing settings file keeps its owner and mode" "$(stat -c '%U %a' "$rc")" "nobody 600"
}

run_case t_option_values
run_case t_settings_mode
run_case t_signals
run_case t_cut_and_corrupt
run_case t_streams
run_case t_planted_links
done_testing
