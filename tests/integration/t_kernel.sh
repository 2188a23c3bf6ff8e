# SPDX-License-Identifier: GPL-2.0-or-later
# t_kernel: tcptop -b -o json against real sockets in private network namespaces, ss and nstat as oracles.
. "$(dirname "$0")/../lib.sh"

if ! need_root "kernel scenarios"; then done_testing; exit; fi

# The client side of a scenario: its remote port is the listener's.
client_conn() { jq -c --arg p ":$2" 'first(.connections[] | select(.state == "ESTAB" and (.remote | endswith($p))))' "$1"; }

# The extensions each dump of a run asked the kernel for (strace's decoding), one line per dump.
dump_exts() { grep -o 'idiag_ext=[^,]*' "$1" | sed 's/idiag_ext=//'; }

# A bounded snapshot's first dump only primes the rates: tcp_info and skmem, not the
# congestion name (the kernel's dearest extra per socket). The printed dump has it, and a
# recording keeps its first dump whole, since a replay shows it.
t_prime_dump() {
	local ns tr=$T_TMP/prime.strace exts n first second cc
	if ! command -v strace >/dev/null; then
		skip "prime: the dumps' requests" "needs strace (make deps-test installs it)"
		return
	fi
	ns_new && ns=$NS && scen "$ns" idle 1 || { not_ok "prime: idle scenario starts"; return; }
	ip netns exec "$ns" strace -f -qq -e trace=sendto -o "$tr" \
		"$TCPTOP" --no-config --no-processes -b -n 1 -d 0.2 -o json >"$T_TMP/prime.json"
	# one request per dump, or one per family where the kernel refuses the one-walk dump
	exts=$(dump_exts "$tr")
	n=$(wc -l <<<"$exts")
	first=$(head -n $((n / 2)) <<<"$exts")
	second=$(tail -n $((n / 2)) <<<"$exts")
	check "prime: two dumps (as many requests each)" test "$n" -ge 2 -a $((n % 2)) -eq 0
	eq "prime: the first asks for tcp_info and skmem" \
		"$(grep -c 'INET_DIAG_INFO.*INET_DIAG_SKMEMINFO' <<<"$first")" $((n / 2))
	eq "prime: the first does not ask for the congestion name" \
		"$(grep -c INET_DIAG_CONG <<<"$first")" 0
	eq "prime: the printed dump asks for it" "$(grep -c INET_DIAG_CONG <<<"$second")" $((n / 2))
	cc=$(ip netns exec "$ns" sysctl -n net.ipv4.tcp_congestion_control)
	eq "prime: every established socket printed has its congestion name" \
		"$(jq -r --arg cc "$cc" '[.connections[] | select(.state == "ESTAB") | .cong == $cc] | unique | tostring' \
			"$T_TMP/prime.json")" '[true]'
	ip netns exec "$ns" strace -f -qq -e trace=sendto -o "$tr" \
		"$TCPTOP" --no-config --no-processes -b -n 1 -d 0.2 --record "$T_TMP/prime.rec" >/dev/null
	eq "prime: recorded, both dumps ask for the congestion name" \
		"$(dump_exts "$tr" | grep -c INET_DIAG_CONG)" "$n"
}

t_established_pair() {
	local ns out c
	ns_new && ns=$NS && scen "$ns" bulk || { not_ok "bulk scenario starts"; return; }
	out=$T_TMP/bulk.json
	tt "$ns" -b -o json -d 0.5 >"$out"
	c=$(tail -n 1 "$out" | client_conn /dev/stdin "$SCEN_PORT")
	check "bulk: the client connection is in the dump" test -n "$c"
	gt "bulk: rtt_us is present" "$(jq -r .rtt_us <<<"$c")" 0
	gt "bulk: cwnd is present" "$(jq -r .cwnd <<<"$c")" 0
	gt "bulk: bytes_acked is present" "$(jq -r .bytes_acked <<<"$c")" 0
	gt "bulk: TX rate > 0 in the first printed frame (second sample)" \
		"$(jq -r '.tx_bps | floor' <<<"$c")" 0
	gt "bulk: the server side has an RX rate" "$(tail -n 1 "$out" | jq -r --arg p ":$SCEN_PORT" \
		'[.connections[] | select(.state == "ESTAB" and (.local | endswith($p))) | .rx_bps] | max | floor')" 0
	eq "bulk: the frame's interval is the -d value" "$(jqv "$out" '.interval * 10 | round')" 5
}

t_ipv6_pair() {
	local ns out c
	ns_new && ns=$NS && scen "$ns" -6 bulk || { not_ok "IPv6 bulk scenario starts"; return; }
	out=$T_TMP/bulk6.json
	tt "$ns" -b -o json -d 0.3 >"$out"
	c=$(tail -n 1 "$out" | client_conn /dev/stdin "$SCEN_PORT")
	eq "ipv6: the peer prints as [::1]:port" "$(jq -r .remote <<<"$c")" "[::1]:$SCEN_PORT"
	gt "ipv6: rtt_us is present" "$(jq -r .rtt_us <<<"$c")" 0
	gt "ipv6: TX rate > 0" "$(jq -r '.tx_bps | floor' <<<"$c")" 0
}

t_v4_mapped() {
	local ns out
	ns_new && ns=$NS && scen "$ns" -a :: -C 127.0.0.1 idle 1 || { not_ok "dual-stack scenario starts"; return; }
	out=$T_TMP/mapped.json
	tt "$ns" -b -o json -d 0.1 >"$out"
	eq "v4-mapped: the [::] listener's accepted socket prints its address as IPv4" \
		"$(jq -r --arg p "127.0.0.1:$SCEN_PORT" '[.connections[] | select(.local == $p)] | length' "$out")" 1
	eq "v4-mapped: no ::ffff: form anywhere in the output" "$(grep -c 'ffff:' "$out")" 0
}

t_accept_overflow() {
	local ns out l
	ns_new && ns=$NS && scen "$ns" -b 2 listen 8 || { not_ok "listen scenario starts"; return; }
	out=$T_TMP/listen.json
	# SYNs beyond the queue are dropped and retried after 1 s and 3 s: three frames see some.
	# The text run looks at the same seconds (the next retry is not before 7 s).
	ip netns exec "$ns" "$TCPTOP" -b -n 3 -d 1 -c local,state >"$T_TMP/listen.txt" &
	local text_pid=$!
	tt "$ns" -b -o json -n 3 -d 1 >"$out"
	wait_pid 20 "$text_pid"
	l=$(tail -n 1 "$out" | jq -c --arg p ":$SCEN_PORT" '.listeners[] | select(.local | endswith($p))')
	eq "accept overflow: accept queue 3 (limit+1 fit)" "$(jq -r .accept_queue <<<"$l")" 3
	eq "accept overflow: accept queue limit 2" "$(jq -r .accept_max <<<"$l")" 2
	gt "accept overflow: the listener's drops grew in an interval" \
		"$(jq -r --arg p ":$SCEN_PORT" '.listeners[] | select(.local | endswith($p)) | .drops_delta' "$out" | sort -n | tail -1)" 0
	gt "accept overflow: TcpExtListenOverflows grew" \
		"$(jq -s '[.[].counters.TcpExtListenOverflows.delta] | add' "$out")" 0
	check "accept overflow: text output with few columns still lists the finding" \
		grep -q accept-overflow "$T_TMP/listen.txt"
	# the dump and /proc/net/netstat are read a moment apart: a retried SYN dropped in
	# between makes them differ by one in that frame, so a few frames are asked
	local i drops total
	for i in 1 2 3 4 5; do
		tt "$ns" -b -o json -n 1 -d 0.2 >"$out"
		drops=$(jqv "$out" --arg p ":$SCEN_PORT" '.listeners[] | select(.local | endswith($p)) | .drops')
		total=$(jqv "$out" '.counters.TcpExtListenDrops.total')
		[ "$drops" = "$total" ] && break
	done
	eq "accept overflow: the listener's lifetime drops equal ListenDrops" "$drops" "$total"
}

t_close_wait_time_wait() {
	local ns out
	ns_new || return; ns=$NS
	scen "$ns" closewait 5 && scen "$ns" timewait 7 || { not_ok "close/time-wait scenarios start"; return; }
	out=$T_TMP/states.json
	tt "$ns" -b -o json -d 0.1 >"$out"
	eq "states: exactly 5 CLOSE-WAIT" "$(jqv "$out" '.states["CLOSE-WAIT"]')" 5
	eq "states: exactly 7 TIME-WAIT" "$(jqv "$out" '.states["TIME-WAIT"]')" 7
	eq "states: CLOSE-WAIT agrees with ss" "$(jqv "$out" '.states["CLOSE-WAIT"]')" \
		"$(ip netns exec "$ns" ss -tanH state close-wait | wc -l)"
	eq "states: TIME-WAIT agrees with ss" "$(jqv "$out" '.states["TIME-WAIT"]')" \
		"$(ip netns exec "$ns" ss -tanH state time-wait | wc -l)"
	eq "states: TIME-WAIT sockets have no tcp_info (rtt null)" \
		"$(jqv "$out" '[.connections[] | select(.state == "TIME-WAIT") | .rtt_us] | unique | tostring')" "[null]"
	eq "states: TIME-WAIT sockets carry the timewait timer" \
		"$(jqv "$out" '[.connections[] | select(.state == "TIME-WAIT") | .timer.name] | unique | tostring')" '["timewait"]'
}

t_syn_recv() {
	local ns out
	ns_new || return; ns=$NS
	# on the clients' input: on output the kernel would forget each request after 1 s
	drop_synacks "$ns" input
	scen "$ns" synrecv 4 || { not_ok "synrecv scenario starts"; return; }
	out=$T_TMP/synrecv.json
	wait_for 5 sh -c "[ \$(ip netns exec $ns ss -tanH state syn-recv | wc -l) -eq 4 ]"
	tt "$ns" -b -o json -d 0.1 >"$out"
	eq "syn queue: the listener owns 4 SYN-RECV requests" \
		"$(jqv "$out" --arg p ":$SCEN_PORT" '.listeners[] | select(.local | endswith($p)) | .syn_queue')" 4
	eq "syn queue: 4 SYN-RECV in the state counts" "$(jqv "$out" '.states["SYN-RECV"]')" 4
	eq "syn queue: 4 SYN-SENT clients" "$(jqv "$out" '.states["SYN-SENT"]')" 4
	eq "syn queue: still counted when the filter asks for listeners only" \
		"$(tt "$ns" -b -o json -d 0.1 state listen | jq -r --arg p ":$SCEN_PORT" '.listeners[] | select(.local | endswith($p)) | .syn_queue')" 4
	eq "syn queue: request sockets have no uid (null)" \
		"$(jqv "$out" '[.connections[] | select(.state == "SYN-RECV") | .uid] | unique | tostring')" "[null]"
}

t_oracles() {
	local ns out
	ns_new || return; ns=$NS
	scen "$ns" bulk && scen "$ns" closewait 3 && scen "$ns" timewait 4 && scen "$ns" -6 idle 2 &&
		scen "$ns" -b 1 listen 3 || { not_ok "mixed scenario starts"; return; }
	out=$T_TMP/mixed.json
	tt "$ns" -b -o json -d 0.2 >"$out"
	eq "oracle: socket count equals ss -tanH | wc -l" "$(jqv "$out" .sockets)" \
		"$(ip netns exec "$ns" ss -tanH | wc -l)"
	eq "oracle: per-state counts equal ss's" \
		"$(jqv "$out" '[.states | to_entries[] | select(.value > 0) | "\(.key)=\(.value)"] | sort | join(" ")')" \
		"$(ip netns exec "$ns" ss -tanH | awk '{s[$1]++} END {for (k in s) print k "=" s[k]}' | sort | tr '\n' ' ' | sed 's/ $//')"
}

# nstat reads the same files: in a namespace with no traffic every shared counter must match.
t_nstat() {
	local ns out shared diff
	ns_new || return; ns=$NS
	scen "$ns" closewait 3 && scen "$ns" timewait 4 && scen "$ns" -6 idle 2 ||
		{ not_ok "static scenario starts"; return; }
	out=$T_TMP/static.json
	for attempt in 1 2 3; do
		sleep 0.3 # delayed ACKs settle
		ip netns exec "$ns" nstat -asz | awk 'NR > 1 && NF >= 2 {print $1, $2}' | sort >"$T_TMP/n1"
		tt "$ns" -b -o json -d 0.1 >"$out"
		ip netns exec "$ns" nstat -asz | awk 'NR > 1 && NF >= 2 {print $1, $2}' | sort >"$T_TMP/n2"
		cmp -s "$T_TMP/n1" "$T_TMP/n2" && break
	done
	jq -r '.counters | to_entries[] | "\(.key) \(.value.total)"' "$out" | sort >"$T_TMP/ours"
	shared=$(join "$T_TMP/ours" "$T_TMP/n2" | wc -l)
	diff=$(join "$T_TMP/ours" "$T_TMP/n2" | awk '$2 != $3')
	eq "oracle: every counter total equals nstat -az's" "$diff" ""
	gt "oracle: the comparison covered the Tcp and TcpExt counters" "$shared" 100
	eq "oracle: tcptop has every Tcp/TcpExt counter nstat has" \
		"$(awk '$1 ~ /^Tcp/ {print $1}' "$T_TMP/n2" | join -v 1 - "$T_TMP/ours" | tr '\n' ' ')" ""
}

run_case t_established_pair
run_case t_prime_dump
run_case t_ipv6_pair
run_case t_v4_mapped
run_case t_accept_overflow
run_case t_close_wait_time_wait
run_case t_syn_recv
run_case t_oracles
run_case t_nstat
done_testing
