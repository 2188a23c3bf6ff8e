# SPDX-License-Identifier: GPL-2.0-or-later
# t_churn: thousands of connections opened and closed per second around 20,000 steady ones, refreshed every 0.1 s under ASan.
. "$(dirname "$0")/../lib.sh"

# The sanitizer build (make test builds it) unless TCPTOP is given; CHURN_SECONDS long (make soak sets it).
SAN=${TCPTOP_SAN:-$TOP/build-san/tcptop}
CHURN=${CHURN:-$TOP/$BUILD/helpers/churn}
SECS=${CHURN_SECONDS:-25}
STEADY=${CHURN_STEADY:-20000}
RATE=${CHURN_RATE:-2000}

if ! need_root "churn"; then done_testing; exit; fi
if [ ! -x "$SAN" ]; then
	skip "churn under ASan" "no $SAN (make test builds it; or set TCPTOP_SAN)"
	done_testing
	exit
fi

t_churn() {
	local out=$T_TMP/churn.json err=$T_TMP/churn.err log=$T_TMP/churn.log n want bad
	ns_new || { not_ok "namespace"; return; }
	ip netns exec "$NS" sysctl -qw net.ipv4.ip_local_port_range="1024 65000"
	ip netns exec "$NS" "$CHURN" -s "$STEADY" -r "$RATE" >"$log" 2>"$log.err" &
	T_PIDS+=("$!")
	if ! wait_for 60 grep -q '^ready' "$log"; then
		not_ok "churn helper gets ready" "$(tail -n 3 "$log.err")"
		return
	fi
	# The filter keeps the output small (the listeners) while the kernel still sends
	# every socket: "or dport 1" cannot be told to the kernel, and sockets/states
	# count what the kernel sent (doc/FILTERS.md). A refresh of 40k sockets under ASan
	# takes longer than 0.1 s: frames are then late, never skipped. Stopped by TERM
	# after SECS, as a user would, so the run stays short whatever the machine.
	ASAN_OPTIONS=halt_on_error=1:detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		ip netns exec "$NS" "$SAN" -b -o json -d 0.1 -n 0 -f 'state listen or dport 1' \
		>"$out" 2>"$err" &
	local pid=$!
	sleep "$SECS"
	kill -TERM "$pid"
	wait_pid 60 "$pid"
	eq "tcptop under ASan stops on TERM with 128 + 15 (no crash, no report)" "$?" 143
	eq "no sanitizer report, no warning on stderr" "$(head -c 2000 "$err")" ""
	n=$(wc -l <"$out")
	gt "frames were printed meanwhile" "$n" 4
	eq "every frame is whole JSON" "$(jq -c . "$out" 2>&1 | grep -vc '^{')" 0
	bad=$(jq -c 'select((.states | add) != .sockets) | {seq, sockets, sum: (.states | add)}' "$out" | head -3)
	eq "every frame's state counts add up to its total" "$bad" ""
	bad=$(jq -s '[.[].seq] as $s | [range(1; $s | length) | select($s[.] != $s[. - 1] + 1)] | length' "$out")
	eq "no frame is missing (seq has no gap)" "$bad" 0
	# The kernel's dump is not a snapshot: it resumes each read at a position in a hash
	# chain, so a socket that closes ahead of that position between two reads hides the
	# next one from that dump (net/ipv4 inet_diag/tcp_diag, "num < s_num"; ss alike).
	# Under this churn a frame can thus miss a steady socket now and then, never a
	# message's worth: a read lost or cut in tcptop would drop a whole 32 KB buffer,
	# some 70 established sockets with tcp_info and skmem.
	want=$((STEADY * 2))
	gt "the steady connections are seen in almost every frame (both ends, 9 in 10)" \
		"$(jq -s --argjson w "$want" 'map(select(.states.ESTAB >= $w)) | length * 10' "$out")" \
		$(((n * 9) - 1))
	gt "no frame misses more steady connections than the kernel's dump can skip (< 16)" \
		"$(jq -s 'map(.states.ESTAB) | min' "$out")" $((want - 16))
	gt "the sockets counted are the kernel's, not just the matched listeners" \
		"$(jq -s 'map(.sockets) | min' "$out")" $((STEADY * 2 - 1))
	gt "the churn ran meanwhile (connections per second)" \
		"$(( $(tail -n 1 "$log.err" | awk '{print $2}') / (SECS + 1) ))" $((RATE / 4))
}

t_churn
done_testing
