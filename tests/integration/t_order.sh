# SPDX-License-Identifier: GPL-2.0-or-later
# t_order: problems first: a stalled connection and a full listener among a thousand idle pairs and a fast one top the problems order, in JSON and text.
. "$(dirname "$0")/../lib.sh"

if ! need_root "order of real sockets"; then done_testing; exit; fi

IDLE=${ORDER_IDLE:-1000}

# The rank of each connection in the order printed: its worst problem (2 crit, 1 warn,
# 0 none; info findings are no problem) from the frame's own code severities; a
# listener's from the findings naming it (by cookie); and its rate.
ranks() {
	tail -n 1 "$1" | jq -r '
		def lvl: if . == "crit" then 2 elif . == "warn" then 1 else 0 end;
		(reduce .findings[] as $f ({}; .[$f.code] = $f.severity)) as $sev
		| (reduce (.findings[] | select(.cookie != null)) as $f ({};
			.[$f.cookie | tostring] = ([.[$f.cookie | tostring] // 0, ($f.severity | lvl)] | max))) as $bycookie
		| .connections[]
		| [ (if .state == "LISTEN" then ($bycookie[.cookie | tostring] // 0)
		     else (.findings | map($sev[.] // "info" | lvl) | max // 0) end),
		    (if .tx_bps == null then -1 else .tx_bps + .rx_bps end),
		    .local, .remote, (.findings | join(",")) ] | @tsv'
}

# ordered FILE: problems before the rest, the most severe first, each rank by rate
# (unrated rows last within their rank).
ordered() {
	ranks "$1" | awk -F'\t' 'NR > 1 && ($1 > r || ($1 == r && $2 > t && t != -1)) { bad = NR }
		{ r = $1; t = $2 } END { exit bad ? 1 : 0 }'
}

t_problems_first() {
	local out=$T_TMP/order.json txt=$T_TMP/order.txt rate=$T_TMP/rate.json stalled first
	ns_new || { not_ok "namespace"; return; }
	scen "$NS" idle "$IDLE" || { not_ok "idle pairs start"; return; }
	scen "$NS" bulk || { not_ok "fast sender starts"; return; }
	local fast=$SCEN_PORT
	scen "$NS" --rcvbuf 16384 --read-rate 0 bulk || { not_ok "stalled sender starts"; return; }
	stalled=$SCEN_PORT
	scen "$NS" -b 2 listen 5 || { not_ok "overflowing listener starts"; return; }
	local lport=$SCEN_PORT
	tt "$NS" -b -o json -n 3 -d 1 -s problems >"$out" || { not_ok "tcptop runs"; return; }
	gt "a thousand idle pairs around it" "$(tail -n 1 "$out" | jq '.connections | length')" "$((IDLE * 2))"
	first=$(ranks "$out" | head -n 1)
	check "the first row has a warn or crit finding" test "${first%%$'\t'*}" -ge 1
	ranks "$out" >"$T_TMP/ranks"
	# the first three: the stalled pair (sender zwin, receiver rcvq-full, both warn, 0 b/s) and
	# the listener (warn when full, crit when it drops: then it is first)
	check "the stalled sender (zwin) is in the first three rows" \
		grep -q "127.0.0.1:$stalled"$'\t'".*zwin" <(head -n 3 "$T_TMP/ranks")
	check "problems come first, the most severe first, then by rate" ordered "$out"
	# a listener's own findings (accept-full, accept-overflow) rank its row too
	ranks "$out" | awk -F'\t' -v l="127.0.0.1:$lport" '$3 == l && $4 == "0.0.0.0:*" { print NR; exit }' \
		>"$T_TMP/lrow"
	awk -F'\t' '$1 >= 1 { n++ } END { print n + 0 }' "$T_TMP/ranks" >"$T_TMP/nprob"
	check "the listener with a full accept queue is among the problems (row $(cat "$T_TMP/lrow") of $(cat "$T_TMP/nprob"))" \
		test "$(cat "$T_TMP/lrow")" -ge 1 -a "$(cat "$T_TMP/lrow")" -le "$(cat "$T_TMP/nprob")"
	# either end of the fast connection: the sender's TX equals the receiver's RX
	eq "the fast connection leads the rows without problems" \
		"$(ranks "$out" | awk -F'\t' '$1 == 0' | head -n 1 | cut -f3,4 | grep -c ":$fast\b")" 1
	# a pure column sort ignores the findings: by rate the fast sender is first
	tt "$NS" -b -o json -n 2 -d 1 -s rate >"$rate" || { not_ok "tcptop -s rate runs"; return; }
	if ordered "$rate"; then
		not_ok "-s rate: ... which is not the problems order (the check has teeth)"
	else
		ok "-s rate: ... which is not the problems order (the check has teeth)"
	fi
	eq "-s rate: the fast connection first" "$(tail -n 1 "$rate" | jq -r '.connections[0].remote, .connections[0].local' | grep -c ":$fast\$")" 1
	# the text snapshot has the same order
	tt "$NS" -b -n 2 -d 1 -s problems >"$txt" || { not_ok "tcptop text runs"; return; }
	check "text: the stalled sender is on the first page" \
		sh -c "sed -n '/^Local Addr/,\$p' '$txt' | head -n 5 | grep -q '127.0.0.1:$stalled.*zwin'"
}

t_problems_first
done_testing
