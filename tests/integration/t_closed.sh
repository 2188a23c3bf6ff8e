#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# t_closed: connections that end, from sock_diag's destroy groups, against the real kernel.
. "$(dirname "$0")/../lib.sh"

# start_tt NS OUT LOG N [ARGS...]: tcptop -b -o json -d 1 -n N in NS with --closed-log LOG,
# in the background (TT_PID); returns once its first frame is out.
start_tt() {
	local ns=$1 out=$2 log=$3 n=$4
	shift 4
	ip netns exec "$ns" "$TCPTOP" -b -o json -d 1 -n "$n" --closed-log "$log" "$@" >"$out" \
		2>"$out.err" &
	TT_PID=$!
	T_PIDS+=("$TT_PID")
	wait_for 10 grep -q '"seq"' "$out"
}

# go: the last scenario started (scen sets SCEN_OUT) does its part and says "done".
go() {
	scen_start "$SCEN_OUT"
	wait_for 60 grep -q '^done' "$SCEN_OUT"
}

# 1,000 connections opened and closed between two refreshes: every one in the log,
# with the bytes the scenario sent and received.
t_thousand() {
	local out=$T_TMP/th.json log=$T_TMP/th.log want=$T_TMP/th.want got=$T_TMP/th.got
	ns_new || return
	scen "$NS" shortconns 1000 || { not_ok "thousand: scenario"; return; }
	start_tt "$NS" "$out" "$log" 4 || { not_ok "thousand: tcptop starts" "$(cat "$out.err")"; return; }
	go || { not_ok "thousand: the scenario finishes"; return; }
	wait "$TT_PID"
	sed -n 's/^conn lport=\([0-9]*\) sent=\([0-9]*\) recv=\([0-9]*\)$/\1 \2 \3/p' "$SCEN_OUT" |
		sort >"$want"
	eq "thousand: the scenario made 1000 connections" "$(wc -l <"$want")" 1000
	# bytes_acked counts sequence space: the SYN, the payload and the FIN; bytes_received
	# counts the peer's FIN when it came in FIN-WAIT-1 (not when the socket was in FIN-WAIT-2)
	jq -r --arg p "127.0.0.1:$SCEN_PORT" \
		'select(.remote == $p) | "\(.local | sub(".*:"; "")) \(.bytes_sent) \(.bytes_received) \(.bytes_acked - .bytes_sent) \(.how)"' \
		"$log" | sort >"$got"
	eq "thousand: all 1000 client ends are in the log" "$(wc -l <"$got")" 1000
	eq "thousand: each with the bytes sent and received, acked = sent + SYN + FIN, normal" \
		"$(join "$want" "$got" |
			awk '$2 == $4 && ($5 == $3 || $5 == $3 + 1) && $6 == 2 && $7 == "normal"' | wc -l)" 1000
	eq "thousand: the accepting ends too, on the listener's side" \
		"$(jq -r --arg p "127.0.0.1:$SCEN_PORT" 'select(.local == $p and .side == "accepted" and .how == "normal") | .remote' "$log" | sort -u | wc -l)" 1000
	eq "thousand: the frames count 2000 closed, none lost" \
		"$(jq -s 'map(.closed) | add' "$out") $(jq -s 'map(.closed_lost) | add' "$out")" "2000 0"
	eq "thousand: JSON frames carry no note while watched" "$(jqv "$out" .closed_note)" null
}

# A normal close, a reset, a refused connect, a SYN nobody answers, a connection that times
# out: told apart.
t_ends() {
	local out=$T_TMP/ends.json log=$T_TMP/ends.log how lp rec
	ns_new || return
	ip netns exec "$NS" sysctl -qw net.ipv4.tcp_syn_retries=1
	# port 9 answers nothing; on 7777 only the SYN arrives: data goes unanswered (dropped on
	# input, so the sender's retransmits leave, as over a real network)
	ip netns exec "$NS" nft -f - <<-EOF || { not_ok "ends: nftables rules"; return; }
		table inet t {
			chain o {
				type filter hook input priority 0;
				tcp dport 9 drop
				tcp dport 7777 tcp flags & syn == 0 drop
			}
		}
	EOF
	scen "$NS" --unanswered-port 9 --stall-port 7777 ends || { not_ok "ends: scenario"; return; }
	start_tt "$NS" "$out" "$log" 8 || { not_ok "ends: tcptop starts"; return; }
	go || { not_ok "ends: the scenario finishes" "$(cat "$SCEN_OUT")"; return; }
	wait "$TT_PID"
	while read -r how lp; do
		rec=$(jq -c --arg l "127.0.0.1:$lp" 'select(.local == $l)' "$log")
		eq "ends: the $how connection ended as $how" "$(jq -r .how <<<"$rec")" "$how"
		case $how in
		refused | unanswered)
			eq "ends: $how never connected" "$(jq -r .never_connected <<<"$rec")" true ;;
		*)
			eq "ends: $how was connected" "$(jq -r .never_connected <<<"$rec")" false ;;
		esac
	done < <(sed -n 's/^end how=\([a-z]*\) lport=\([0-9]*\)$/\1 \2/p' "$SCEN_OUT")
	eq "ends: the unanswered SYN lived its retries (seen, about 3 s)" \
		"$(jq -r 'select(.how == "unanswered") | .lifetime_from + " " + ((.lifetime_s >= 2) | tostring)' "$log")" "seen true"
	eq "ends: the process that held it is named" \
		"$(jq -r 'select(.how == "unanswered") | .process.comm' "$log")" sockscen
	eq "ends: the server end of the reset is a reset too" \
		"$(jq -r --arg p "127.0.0.1:$SCEN_PORT" 'select(.local == $p and .how == "reset") | .side' "$log")" accepted
}

# A burst into a buffer too small: what is lost is counted, every event accounted for.
t_overflow() {
	local out=$T_TMP/ov.json log=$T_TMP/ov.log shown lost
	ns_new || return
	scen "$NS" shortconns 300 || { not_ok "overflow: scenario"; return; }
	TCPTOP_CLOSED_RCVBUF=4096 start_tt "$NS" "$out" "$log" 4 ||
		{ not_ok "overflow: tcptop starts"; return; }
	go || { not_ok "overflow: the scenario finishes"; return; }
	wait "$TT_PID"
	shown=$(jq -s 'map(.closed) | add' "$out")
	lost=$(jq -s 'map(.closed_lost) | add' "$out")
	gt "overflow: lost events are counted" "$lost" 0
	eq "overflow: shown + lost = the 600 ends of 300 connections" "$((shown + lost))" 600
	eq "overflow: the log has every one shown" "$(wc -l <"$log")" "$shown"
}

# Without CAP_NET_ADMIN: sock_diag's groups are open to every user (NL_CFG_F_NONROOT_RECV),
# but the buffer cannot pass net.core.rmem_max: events still arrive, a note says how many fit.
t_unprivileged() {
	local out=$T_TMP/np.json log=$T_TMP/np.log
	ns_new || return
	scen "$NS" shortconns 20 || { not_ok "unprivileged: scenario"; return; }
	# root without CAP_NET_ADMIN: out of the bounding set, so exec does not give it back
	ip netns exec "$NS" setpriv --bounding-set -net_admin --inh-caps -net_admin \
		"$TCPTOP" -b -o json -d 1 -n 3 --closed-log "$log" >"$out" 2>"$out.err" &
	T_PIDS+=($!)
	wait_for 10 grep -q '"seq"' "$out" || { not_ok "unprivileged: tcptop starts"; return; }
	go || { not_ok "unprivileged: the scenario finishes"; return; }
	wait $!
	eq "unprivileged: tcptop runs" "$?" 0
	eq "unprivileged: the 40 ends still arrive" "$(jq -s 'map(.closed) | add' "$out")" 40
	eq "unprivileged: the note names the privilege and what fits" \
		"$(jqv "$out" '.closed_note | test("no CAP_NET_ADMIN .* about [0-9]+ closes fit")')" true
	gt "unprivileged: the sockets are still there" "$(jqv "$out" .sockets)" 0
}

# --no-closed turns it off and says so.
t_off() {
	local out=$T_TMP/off.json
	ns_new || return
	tt "$NS" -b -o json -n 1 --no-closed >"$out"
	eq "off: --no-closed says so" "$(jqv "$out" .closed_note)" \
		"closed connections are not watched (--no-closed)"
	tt "$NS" -b -o json -n 1 --no-closed --closed-log "$T_TMP/x.log" >/dev/null 2>"$out.err"
	eq "off: --closed-log with --no-closed is refused (exit 2)" "$?" 2
}

# The log is appended to, never through a symlink or into a device.
t_log_file() {
	local log=$T_TMP/keep.log
	ns_new || return
	echo '{"old":1}' >"$log"
	tt "$NS" -b -o json -n 1 --closed-log "$log" >/dev/null
	eq "log: what was there is kept" "$(head -n 1 "$log")" '{"old":1}'
	eq "log: a new log is mode 0600" \
		"$(tt "$NS" -b -o json -n 1 --closed-log "$T_TMP/new.log" >/dev/null; stat -c %a "$T_TMP/new.log")" 600
	ln -s "$log" "$T_TMP/link.log"
	tt "$NS" -b -o json -n 1 --closed-log "$T_TMP/link.log" >/dev/null 2>"$T_TMP/link.err"
	eq "log: a symlink to a file is refused" "$?" 1
	mkdir "$T_TMP/dir.log"
	tt "$NS" -b -o json -n 1 --closed-log "$T_TMP/dir.log" >/dev/null 2>"$T_TMP/dir.err"
	eq "log: a directory is refused with one line" "$(wc -l <"$T_TMP/dir.err")" 1
}

# Recorded with its events, replayed: the same frames' closed fields, the same log.
t_replay() {
	local out=$T_TMP/rl.json log=$T_TMP/rl.log rec=$T_TMP/rl.rec rep=$T_TMP/rp.json
	ns_new || return
	scen "$NS" shortconns 50 || { not_ok "replay: scenario"; return; }
	start_tt "$NS" "$out" "$log" 3 --record "$rec" || { not_ok "replay: tcptop starts"; return; }
	go || { not_ok "replay: the scenario finishes"; return; }
	wait "$TT_PID"
	"$TCPTOP" -b -o json -n 0 --replay "$rec" --closed-log "$T_TMP/rp.log" >"$rep" ||
		{ not_ok "replay: the recording replays"; return; }
	eq "replay: the same closed, closed_lost and closed_note in every frame" \
		"$(jq -c '[.seq, .closed, .closed_lost, .closed_note]' "$rep")" \
		"$(jq -c '[.seq, .closed, .closed_lost, .closed_note]' "$out")"
	eq "replay: 100 ends replayed" "$(jq -s 'map(.closed) | add' "$rep")" 100
	eq "replay: the replayed log is the live one" "$(md5sum <"$T_TMP/rp.log")" "$(md5sum <"$log")"
	# the text snapshot says it too, frame by frame: the same 100, none lost
	"$TCPTOP" -b -n 0 --replay "$rec" >"$T_TMP/rp.txt" 2>/dev/null
	eq "replay: the text header counts the same 100 ends" \
		"$(sed -n 's/^closed: \([0-9]*\) in the interval, 0 lost$/\1/p' "$T_TMP/rp.txt" |
			awk '{ s += $1 } END { print s + 0 }')" 100
}

# A log that is a FIFO whose reader stopped reading: once the pipe is full the view's refresh
# thread waits for room, and q still ends tcptop (the log's wait gives up 2 s after q).
t_log_fifo_q() {
	local fifo=$T_TMP/closed.fifo tm="tmux -L tcptop-closed-$$ -f /dev/null" t0
	if ! command -v tmux >/dev/null; then skip "log FIFO and q" "tmux is not installed"; return; fi
	ns_new || return
	scen "$NS" shortconns 1000 || { not_ok "log FIFO: scenario"; return; }
	mkfifo "$fifo"
	exec 8<>"$fifo" # holds the FIFO open for reading and never reads it
	$tm new-session -d -s c -x 120 -y 30 "ip netns exec $NS $TCPTOP --no-config -d 0.2 \
		--closed-log $fifo 2>$T_TMP/fifo-q.err; echo EXIT=\$? >$T_TMP/fifo-q.exit"
	sleep 1
	go || diag "the scenario did not finish"
	sleep 1.5 # 2,000 closed connections as JSON lines are far more than a pipe holds
	t0=$(date +%s)
	$tm send-keys -t c q
	wait_for 10 test -s "$T_TMP/fifo-q.exit"
	check "log FIFO: q ends the view while the log waits for its reader" test -s "$T_TMP/fifo-q.exit"
	check "... within 5 s" test $(($(date +%s) - t0)) -le 5
	$tm kill-server 2>/dev/null
	exec 8>&-
}

need_root "closed connections" || { done_testing; exit; }
t_thousand
t_ends
t_overflow
t_unprivileged
t_off
t_log_file
t_replay
t_log_fifo_q
done_testing
