# SPDX-License-Identifier: GPL-2.0-or-later
# t_allns_findings: under -N all each namespace's findings follow its own counters and sysctls, and name it.
. "$(dirname "$0")/../lib.sh"

if ! need_root "per-namespace findings (-N all)"; then done_testing; exit; fi

# Every run: -N all, 3 frames 1 s apart, as JSON Lines. Other suites may run beside this
# one and make namespaces of their own: each assertion looks at this test's namespaces.
# The filter only keeps the connections list short: findings are of the whole frame.
allns() { local out=$1; shift; "$TCPTOP" -N all -b -o json -n 3 -d 1 "$@" >"$out"; }

# subjects OUT CODE: the distinct subjects of CODE findings, over every frame, that name one
# of this test's namespaces (ME: their common prefix), as compact JSON.
ME="tcptop-t$$-"
subjects() {
	jq -s -c --arg c "$2" --arg me "$ME" '[.[].findings[] | select(.code == $c) | .subject
		| select(startswith($me) or startswith("[" + $me))] | unique' "$1"
}
# ev OUT CODE SUBJECT KEY: the largest value of an evidence key of those findings.
ev() {
	jq -s -r --arg c "$2" --arg s "$3" --arg k "$4" '[.[].findings[] | select(.code == $c and
		.subject == $s) | .evidence[$k]] | max // "none"' "$1"
}

# Three namespaces with SYN floods against a backlog-8 listener (SYN-ACKs dropped, so
# request sockets stay): syncookies off in NOCOOKIE, on in COOKIE; PLAIN holds idle ones.
t_syn_queue_per_namespace() {
	local nocookie cookie plain p0 p1 out
	ns_new && nocookie=$NS && ns_new && cookie=$NS && ns_new && plain=$NS || return
	ip netns exec "$nocookie" sysctl -qw net.ipv4.tcp_syncookies=0
	ip netns exec "$cookie" sysctl -qw net.ipv4.tcp_syncookies=1
	drop_synacks "$nocookie" output && drop_synacks "$cookie" output || { not_ok "nft rules load"; return; }
	scen "$plain" idle 2 || { not_ok "idle scenario starts"; return; }
	scen "$nocookie" -b 8 synrecv 40 && p0=$SCEN_PORT &&
		scen "$cookie" -b 8 synrecv 40 && p1=$SCEN_PORT ||
		{ not_ok "SYN-queue scenarios start"; return; }
	out=$T_TMP/synq.json
	allns "$out" "netns $nocookie or netns $cookie or netns $plain"
	eq "synq: synq-overflow for the namespace with syncookies off only, named" \
		"$(subjects "$out" synq-overflow)" "[\"[$nocookie] 127.0.0.1:$p0\"]"
	eq "synq: ... its evidence is that namespace's tcp_syncookies (0)" \
		"$(ev "$out" synq-overflow "[$nocookie] 127.0.0.1:$p0" tcp_syncookies)" 0
	gt "synq: ... and that namespace's own TCPReqQFullDrop delta" \
		"$(ev "$out" synq-overflow "[$nocookie] 127.0.0.1:$p0" reqqfull_drop_delta)" 0
	eq "synq: syncookies for the namespace with them on only, named" \
		"$(subjects "$out" syncookies)" "[\"[$cookie] 127.0.0.1:$p1\"]"
	gt "synq: ... from that namespace's own SyncookiesSent delta" \
		"$(ev "$out" syncookies "[$cookie] 127.0.0.1:$p1" syncookies_sent_delta)" 0
	eq "synq: the idle namespace has no finding" \
		"$(jq -s -c --arg n "$plain" '[.[].findings[] | select(.subject | startswith($n) or startswith("[" + $n + "]"))] | length' "$out")" 0
}

# Two overflowing backlog-2 listeners; tcp_abort_on_overflow=1 in ABORT only.
t_abort_on_overflow_per_namespace() {
	local abort other out
	ns_new && abort=$NS && ns_new && other=$NS || return
	ip netns exec "$abort" sysctl -qw net.ipv4.tcp_abort_on_overflow=1
	scen "$abort" -b 2 listen 8 && scen "$other" -b 2 listen 8 ||
		{ not_ok "overflow scenarios start"; return; }
	out=$T_TMP/abort.json
	allns "$out" "netns $abort or netns $other"
	eq "abort: abort-on-overflow is the namespace with the sysctl on, and only it" \
		"$(subjects "$out" abort-on-overflow)" "[\"$abort\"]"
	eq "abort: ... its evidence carries that namespace's inode" \
		"$(ev "$out" abort-on-overflow "$abort" netns_inode)" \
		"$(stat -L -c %i "/run/netns/$abort")"
	gt "abort: ... and its full accept queue" "$(ev "$out" abort-on-overflow "$abort" full_accept_queues)" 0
	check "abort: the other namespace's listener overflows too (accept-overflow or accept-full)" \
		grep -q "\"\\[$other\\] 127.0.0.1:" <<<"$(subjects "$out" accept-overflow)$(subjects "$out" accept-full)"
}

# 160 connections closed client first, one every 5 ms, in two namespaces: TIGHT has
# tcp_max_tw_buckets 120 and a 200-port range, ROOMY the defaults.
t_time_wait_and_ports_per_namespace() {
	local tight roomy pt out
	ns_new && tight=$NS && ns_new && roomy=$NS || return
	ip netns exec "$tight" sysctl -qw net.ipv4.tcp_max_tw_buckets=120 \
		net.ipv4.ip_local_port_range="40000 40199"
	scen "$tight" --every 5 timewait 160 && pt=$SCEN_PORT && scen "$roomy" --every 5 timewait 160 ||
		{ not_ok "TIME-WAIT scenarios start"; return; }
	out=$T_TMP/tw.json
	allns "$out" "netns $tight or netns $roomy"
	eq "time-wait: raised for the namespace with the small table only, named by it" \
		"$(subjects "$out" time-wait)" "[\"$tight\"]"
	gt "time-wait: ... critical, from that namespace's own TCPTimeWaitOverflow delta" \
		"$(jq -s --arg s "$tight" '[.[].findings[] | select(.code == "time-wait" and .subject == $s and .severity == "crit") | .evidence.tw_overflow_delta] | max // 0' "$out")" 0
	eq "time-wait: ... against its own tcp_max_tw_buckets" "$(ev "$out" time-wait "$tight" max_tw_buckets)" 120
	eq "ports: ephemeral-ports for the namespace with the 200-port range only" \
		"$(subjects "$out" ephemeral-ports)" "[\"[$tight] 127.0.0.1 -> 127.0.0.1:$pt\"]"
	eq "ports: ... judged against that range" \
		"$(ev "$out" ephemeral-ports "[$tight] 127.0.0.1 -> 127.0.0.1:$pt" range_size)" 200
}

# A bulk transfer over a 20 ms, 40 Mbit/s path (BDP ~100 KB) from a namespace whose
# tcp_wmem maximum is 64 KiB: the send buffer is at that namespace's maximum, so it is
# sndbuf<BDP "at the maximum", not sndbuf-fixed (the host's maximum is far above it).
t_send_buffer_at_its_namespaces_max() {
	local out c f a b
	[ -c /dev/net/tun ] || { skip "tcp_wmem per namespace" "no /dev/net/tun"; return; }
	ns_new && a=$NS && ns_new && b=$NS || return
	ip netns exec "$a" sysctl -qw net.ipv4.tcp_wmem="4096 16384 65536"
	scen "$a" --server-ns "/run/netns/$b" --delay-ms 10 link || { not_ok "link starts"; return; }
	ip -n "$a" addr add 10.9.0.1/24 dev tt0 && ip -n "$a" link set tt0 up &&
		ip -n "$b" addr add 10.9.0.2/24 dev tt1 && ip -n "$b" link set tt1 up &&
		ip netns exec "$a" tc qdisc add dev tt0 root tbf rate 40mbit burst 16k latency 100ms ||
		{ not_ok "link addresses"; return; }
	scen "$a" --server-ns "/run/netns/$b" -a 10.9.0.2 bulk || { not_ok "bulk starts"; return; }
	out=$T_TMP/wmem.json
	allns "$out" "netns $a"
	c=$(tail -n 1 "$out" | jq -c --arg p ":$SCEN_PORT" 'first(.connections[] | select(.state == "ESTAB" and (.remote | endswith($p))))')
	eq "wmem: the sender's buffer grew to its namespace's tcp_wmem max (tb 65536)" \
		"$(jq -r .skmem.tb <<<"$c")" 65536
	eq "wmem: it limits sending" "$(jq -r .limited_by <<<"$c")" sndbuf
	check "wmem: flagged sndbuf<BDP" grep -qw 'sndbuf<BDP' <<<"$(jq -r '.findings | join(" ")' <<<"$c")"
	check "wmem: not sndbuf-fixed: at the namespace's maximum autotuning is done, nothing fixed it" \
		sh -c '! grep -q sndbuf-fixed' <<<"$(jq -r '.findings | join(" ")' <<<"$c")"
	f=$(tail -n 1 "$out" | jq -c 'first(.findings[] | select(.code == "sndbuf<BDP"))')
	eq "wmem: the finding's evidence is that namespace's tcp_wmem max" \
		"$(jq -r .evidence.tcp_wmem_max <<<"$f")" 65536
	check "wmem: the message says to raise tcp_wmem in that namespace" \
		grep -q "tcp_wmem maximum of namespace $a: raise it" <<<"$(jq -r .message <<<"$f")"
}

t_syn_queue_per_namespace
t_abort_on_overflow_per_namespace
t_time_wait_and_ports_per_namespace
t_send_buffer_at_its_namespaces_max
done_testing
