# SPDX-License-Identifier: GPL-2.0-or-later
# t_filter: tcptop's filter against ss's on thousands of varied sockets, and proof that the kernel does the filtering.
. "$(dirname "$0")/../lib.sh"

if ! need_root "filter equivalence with ss"; then done_testing; exit; fi

SOCKMANY=${SOCKMANY:-$TOP/$BUILD/helpers/sockmany}
B=20000          # sockmany's first port; see tests/helpers/sockmany.c for the layout
PER=${FILTER_PER_LISTENER:-150}

# fixture: a namespace with extra loopback addresses, nftables rules that hold
# connections half open, and sockmany's sockets in it. Sets NS.
fixture() {
	ns_new || return 1
	ip -n "$NS" addr add 10.1.0.1/32 dev lo && ip -n "$NS" addr add 10.1.0.2/32 dev lo &&
		ip -n "$NS" -6 addr add fd00::1/128 dev lo nodad &&
		ip -n "$NS" -6 addr add fd00::2/128 dev lo nodad || return 1
	# Half-open connections must outlive the test: retry for minutes, not one.
	ip netns exec "$NS" sysctl -qw net.ipv4.tcp_synack_retries=8 net.ipv4.tcp_syn_retries=8
	ip netns exec "$NS" nft -f - <<-EOF || return 1
	table inet t_filter {
		# On input: a drop on output fails the sender's retransmission, and
		# the kernel then forgets the request socket (the set would churn).
		chain in {
			type filter hook input priority 0;
			tcp sport { $((B + 10)), $((B + 11)) } tcp flags & (syn | ack) == (syn | ack) drop
			tcp dport $((B + 12)) tcp flags & (syn | ack) == syn drop
		}
	}
	EOF
	local out=$T_TMP/sockmany.out
	ip netns exec "$NS" "$SOCKMANY" -x -n "$PER" -p "$B" >"$out" 2>"$out.err" &
	T_PIDS+=("$!")
	if ! wait_for 60 grep -q '^ready' "$out"; then
		diag "sockmany did not get ready: $(cat "$out.err")"
		return 1
	fi
}

# ss's names of the states its `state` argument takes.
declare -A SS_NAME=([established]=ESTAB [syn-sent]=SYN-SENT [syn-recv]=SYN-RECV
	[fin-wait-1]=FIN-WAIT-1 [fin-wait-2]=FIN-WAIT-2 [time-wait]=TIME-WAIT [close]=CLOSE
	[close-wait]=CLOSE-WAIT [last-ack]=LAST-ACK [listening]=LISTEN [closing]=CLOSING)

# ss's view in tcptop's spelling: "STATE LOCAL PEER", sorted. ss writes a
# dual-stack wildcard as "*" (a listener's peer port "*" is spelled alike),
# v4-mapped addresses in brackets, CLOSE as UNCONN, and leaves the State column out when the query
# asks for one state only: then it is that state ("?" if that is not known).
ss_lines() {
	local one=? a n=0
	for a in "$@"; do [ "$a" = state ] && n=$((n + 1)); done
	if [ "$n" -eq 1 ]; then
		for a in "$@"; do [ -n "${SS_NAME[$a]:-}" ] && one=${SS_NAME[$a]}; done
	fi
	ip netns exec "$NS" ss -tanH "$@" |
		awk -v one="$one" '$1 ~ /^[0-9]+$/ {print one, $3, $4; next} {print $1, $4, $5}' |
		sed -E \
		-e 's/^UNCONN /CLOSE /' \
		-e 's/ \*:/ [::]:/g' \
		-e 's/\[::ffff:([0-9.]+)\]/\1/g'
}

# ss_union "ARGS" ["ARGS"...]: the multiset union of several ss runs.
ss_union() {
	local a words
	for a in "$@"; do
		read -r -a words <<<"$a"
		ss_lines "${words[@]}"
	done | sort
}

# tcptop's view: every socket and the kernel/matched counters of the frame.
tt_json() { tt "$NS" -b -o json -d 0.05 "$@"; }
tt_lines() { jq -r '.connections[] | "\(.state) \(.local) \(.remote)"' "$1" | sort; }

all_lines() { ss_lines | sort; }

# Each row: a tcptop expression => the ss arguments giving the same set
# (++ joins several ss runs whose union it is). ss evaluates and/or left to
# right, so its side is parenthesised; ss takes states only before the
# expression, so a state inside an `or` becomes a union.
TABLE=$(cat <<EOF
dport $B => -a dport = :$B
sport $B => -a sport = :$B
port $((B + 6)) => -a ( sport = :$((B + 6)) or dport = :$((B + 6)) )
:$((B + 4)) => -a ( sport = :$((B + 4)) or dport = :$((B + 4)) )
dport = :$((B + 2)) => -a dport = :$((B + 2))
dport == $((B + 2)) => -a dport eq :$((B + 2))
sport 1000-2000 => -a ( sport >= :1000 and sport <= :2000 )
dport >= $((B + 5)) => -a dport >= :$((B + 5))
dport > $((B + 5)) => -a dport > :$((B + 5))
dport < $((B + 3)) => -a dport < :$((B + 3))
dport le $((B + 3)) => -a dport <= :$((B + 3))
sport != $B => -a sport != :$B
port != $B => -a ! ( sport = :$B or dport = :$B )
sport > 32767 => -a sport > :32767
src 127.0.0.2 => -a src 127.0.0.2
src 127.0.0.0/8 => -a src 127.0.0.0/8
dst 127.0.0.3 => -a dst 127.0.0.3
dst 10.0.0.0/8 => -a dst 10.0.0.0/8
src 10.1.0.1/32 => -a src 10.1.0.1/32
dst 0.0.0.0/0 => -a dst 0.0.0.0/0
src [::1] => -a src [::1]
src ::1 => -a src [::1]
dst [fd00::]/8 => -a dst fd00::/8
src fd00::/16 => -a src fd00::/16
host 127.0.0.3 => -a ( src 127.0.0.3 or dst 127.0.0.3 )
host [::1] => -a ( src [::1] or dst [::1] )
src 127.0.0.1:$((B + 6)) => -a src 127.0.0.1:$((B + 6))
dst 127.0.0.1:$((B + 6)) => -a dst 127.0.0.1:$((B + 6))
src 127.0.0.1 and sport $((B + 6)) => -a ( src 127.0.0.1 and sport = :$((B + 6)) )
src [::ffff:127.0.0.1] => -a src [::ffff:127.0.0.1]
src *:$((B + 3)) => -a src *:$((B + 3))
dst [::1]:$((B + 11)) => -a dst [::1]:$((B + 11))
state established => state established
state listen => state listening
state time-wait => state time-wait
state fin-wait-1 => state fin-wait-1
state fin-wait-2 => state fin-wait-2
state close-wait => state close-wait
state last-ack => state last-ack
state syn-sent => state syn-sent
state syn-recv => state syn-recv
state connected => state connected
state synchronized => state synchronized
state bucket => state bucket
state big => state big
state all => state all
not state listen => exclude listening
state established or state time-wait => state established state time-wait
state syn-recv or state syn-sent => state syn-recv state syn-sent
not (state listen or state time-wait) => exclude listening exclude time-wait
dst 127.0.0.0/8 and state established => state established ( dst 127.0.0.0/8 )
state fin-wait-2 and src 127.0.0.0/8 => state fin-wait-2 ( src 127.0.0.0/8 )
port $B and not src 127.0.0.1 => -a ( ( sport = :$B or dport = :$B ) and ! src 127.0.0.1 )
state listen or dport $B => state listening ++ -a dport = :$B
dport $B-$((B + 3)) and not state time-wait => exclude time-wait ( dport >= :$B and dport <= :$((B + 3)) )
(src [::1] or src 127.0.0.2) and dport >= $B => -a ( ( src [::1] or src 127.0.0.2 ) and dport >= :$B )
sport $((B + 1)) or sport $((B + 5)) and state close-wait => -a sport = :$((B + 1)) ++ state close-wait ( sport = :$((B + 5)) )
src 127.0.0.3 dport $B => -a ( src 127.0.0.3 and dport = :$B )
!dport $B && state established => state established ( ! dport = :$B )
host 10.1.0.1 or host fd00::1 => -a ( src 10.1.0.1 or dst 10.1.0.1 or src [fd00::1] or dst [fd00::1] )
not (src 127.0.0.0/8 or src [::1]) => -a ! ( src 127.0.0.0/8 or src [::1] )
sport $((B + 10)) => -a sport = :$((B + 10))
$((B + 6)) => -a ( sport = :$((B + 6)) or dport = :$((B + 6)) )
$B-$((B + 3)) => -a ( ( sport >= :$B and sport <= :$((B + 3)) ) or ( dport >= :$B and dport <= :$((B + 3)) ) )
127.0.0.3 => -a ( src 127.0.0.3 or dst 127.0.0.3 )
10.1.0.0/24 => -a ( src 10.1.0.0/24 or dst 10.1.0.0/24 )
::1 => -a ( src [::1] or dst [::1] )
[::1]:$((B + 11)) => -a ( src [::1]:$((B + 11)) or dst [::1]:$((B + 11)) )
$((B + 4)) and not 127.0.0.1 => -a ( ( sport = :$((B + 4)) or dport = :$((B + 4)) ) and ! ( src 127.0.0.1 or dst 127.0.0.1 ) )
EOF
)

# compare EXPR SSARGS: one row, retried when the sockets changed under it
# (a TIME-WAIT expiring); the comparison itself is never loosened.
compare() {
	local expr=$1 ssargs=$2 try want got before after json n
	local -a runs=()
	local rest=$ssargs
	while [[ $rest == *" ++ "* ]]; do runs+=("${rest%% ++ *}"); rest=${rest#* ++ }; done
	runs+=("$rest")
	json=$T_TMP/row.json
	for try in 1 2 3; do
		before=$(all_lines | md5sum)
		want=$(ss_union "${runs[@]}")
		tt_json "$expr" >"$json" || { not_ok "'$expr' runs" "tcptop failed"; return; }
		got=$(tt_lines "$json")
		after=$(all_lines | md5sum)
		[ "$before" = "$after" ] && break
		diag "sockets changed during '$expr'; again"
	done
	n=$(printf '%s' "$want" | grep -c .)
	if [ "$want" = "$got" ]; then
		ok "'$expr' matches ss ($n sockets)"
	else
		not_ok "'$expr' matches ss" "ss: $(printf '%s\n' "${runs[@]}" | paste -sd '+')" \
			"only ss:     $(comm -23 <(echo "$want") <(echo "$got") | head -5 | paste -sd ';')" \
			"only tcptop: $(comm -13 <(echo "$want") <(echo "$got") | head -5 | paste -sd ';')"
	fi
	ROWS=$((ROWS + 1))
	[ "$n" -gt 0 ] && NONEMPTY=$((NONEMPTY + 1))
	# Without states, the kernel's answer (.sockets) is already exact.
	if [[ $expr != *state* ]]; then
		eq "'$expr': the kernel returned only matches" \
			"$(jq -r '.sockets == .matched' "$json")" true
	fi
}

t_equivalence() {
	local line
	ROWS=0 NONEMPTY=0
	while IFS= read -r line; do
		compare "${line%% => *}" "${line#* => }"
	done <<<"$TABLE"
	gt "the table has 40+ expressions" "$ROWS" 39
	eq "every expression matched some sockets" "$NONEMPTY" "$ROWS"
}

t_fixture_variety() {
	local json=$T_TMP/all.json
	tt_json >"$json"
	gt "fixture: thousands of sockets" "$(jq .sockets "$json")" 1999
	eq "fixture: every state but CLOSING and CLOSE" \
		"$(jq -r '[.connections[].state] | unique | join(" ")' "$json")" \
		"CLOSE-WAIT ESTAB FIN-WAIT-1 FIN-WAIT-2 LAST-ACK LISTEN SYN-RECV SYN-SENT TIME-WAIT"
	gt "fixture: v4-mapped sockets" \
		"$(jq '[.connections[] | select(.local | endswith(":'$((B + 6))'")) | select(.local | startswith("127."))] | length' "$json")" 0
	gt "fixture: orphaned FIN-WAIT-2 (TIME-WAIT sockets reporting FIN-WAIT-2)" \
		"$(jq '[.connections[] | select(.state == "FIN-WAIT-2" and .timer.name == "timewait")] | length' "$json")" 0
	gt "fixture: FIN-WAIT-2 sockets still open" \
		"$(jq '[.connections[] | select(.state == "FIN-WAIT-2" and .timer.name != "timewait")] | length' "$json")" 0
}

# The kernel, not user space, drops what does not match: compare what the
# kernel returned (.sockets) with the unfiltered dump.
t_kernel_filters() {
	local all=$T_TMP/k-all.json one=$T_TMP/k-one.json total
	tt_json >"$all"
	total=$(jq .sockets "$all")
	tt_json "dport $B" >"$one"
	gt "kernel: the unfiltered dump has every socket" "$total" 1999
	eq "kernel: bytecode returns only dport $B's sockets" "$(jq .sockets "$one")" "$(jq .matched "$one")"
	gt "kernel: ... which are a small part of all" "$((total / 10))" "$(jq .sockets "$one")"
	tt_json "state listen" >"$one"
	# listeners come with their SYN-RECV request sockets (their SYN queues), nothing else
	eq "kernel: the state mask alone returns only listeners and their requests" \
		"$(jq .sockets "$one")" \
		"$(jq '[.connections[] | select(.state == "LISTEN" or .state == "SYN-RECV")] | length' "$all")"
	eq "kernel: ... of which the filter shows the listeners" "$(jq .matched "$one")" \
		"$(jq '[.connections[] | select(.state == "LISTEN")] | length' "$all")"
	tt_json "state listen or dport $B" >"$one"
	eq "kernel: an 'or' across a state asks for everything (superset)" "$(jq .sockets "$one")" "$total"
	tt_json "state fin-wait-2" >"$one"
	eq "kernel: fin-wait-2 also asks for TIME-WAIT, user space keeps FIN-WAIT-2" \
		"$(jq -r '[.connections[].state] | unique | join(" ")' "$one")" "FIN-WAIT-2"
}

t_command_line() {
	local err
	err=$(tt "$NS" -b 'dport 99999' 2>&1 >/dev/null)
	eq "a bad filter exits with status 2" "$?" 2
	eq "... and says where" "$err" "tcptop: dport 99999: port out of range at column 7"
	tt "$NS" -b -o json -d 0.05 -f "dport $B" "and state established" >"$T_TMP/f.json"
	eq "-f and the remaining words form one filter" "$(jq -r .filter "$T_TMP/f.json")" \
		"dport $B and state established"
	eq "... that is applied" "$(jq -r '[.connections[].state] | unique | join(" ")' "$T_TMP/f.json")" "ESTAB"
	tt "$NS" -b -o json -d 0.05 "   " >"$T_TMP/blank.json"
	eq "a blank filter is no filter" "$(jq -r '.sockets == .matched' "$T_TMP/blank.json")" true
	err=$(tt "$NS" -b '99999' 2>&1 >/dev/null)
	eq "a bare number out of range exits with status 2" "$?" 2
	eq "... and says it is a port" "$err" "tcptop: 99999: port out of range at column 1"
}

# A bare name is `proc NAME`: the same sockets, found through the process attribution.
t_bare_name() {
	local bare=$T_TMP/bare.json proc=$T_TMP/proc.json
	tt_json sockmany >"$bare"
	tt_json "proc sockmany" >"$proc"
	gt "a bare name matches its process's sockets" "$(jq .matched "$bare")" 0
	eq "... the same as proc NAME" "$(tt_lines "$bare")" "$(tt_lines "$proc")"
	eq "... and only that process's" \
		"$(jq -r '[.connections[].process.comm] | unique | join(" ")' "$bare")" sockmany
}

if fixture; then
	t_fixture_variety
	# before the long table: its checks compare dumps seconds apart, and the fixture's
	# TIME-WAIT and orphaned sockets expire 60 s after it started
	t_kernel_filters
	t_equivalence
	t_command_line
	t_bare_name
else
	not_ok "the filter fixture starts"
fi
done_testing
