# t_churn: thousands of connections opened and closed per second around 20,000 steady ones, refreshed every 0.1 s under ASan.
. "$(dirname "$0")/../lib.sh"

# The sanitizer build (make test builds it) unless TCPTOP is given; CHURN_SECONDS long (make soak sets it).
SAN=${TCPTOP_SAN:-$TOP/build-san/tcptop}
CHURN=${CHURN:-$TOP/$BUILD/helpers/churn}
SECS=${CHURN_SECONDS:-20}
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
	want=$((SECS * 10))
	# abort_on_error: a report ends the run with a non-zero status as well as its text
	ASAN_OPTIONS=abort_on_error=0:halt_on_error=1:detect_leaks=1 \
		UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		ip netns exec "$NS" "$SAN" -b -o json -d 0.1 -n "$want" >"$out" 2>"$err"
	eq "tcptop under ASan exits 0" "$?" 0
	eq "no sanitizer report, no warning on stderr" "$(head -c 2000 "$err")" ""
	n=$(wc -l <"$out")
	# a refresh of 20k sockets under ASan may take longer than 0.1 s: frames are then
	# late, never skipped
	eq "every frame is printed ($want)" "$n" "$want"
	bad=$(jq -c 'select((.states | add) != .sockets) | {seq, sockets, sum: (.states | add)}' "$out" | head -3)
	eq "every frame's state counts add up to its total" "$bad" ""
	bad=$(jq -s '[.[].seq] as $s | [range(1; $s | length) | select($s[.] != $s[. - 1] + 1)] | length' "$out")
	eq "no frame is missing (seq has no gap)" "$bad" 0
	gt "the steady connections are seen (both ends)" \
		"$(jq -s 'map(.states.ESTAB) | min' "$out")" $((STEADY * 2 - 1))
	gt "the churn ran meanwhile (connections per second)" \
		"$(( $(tail -n 1 "$log.err" | awk '{print $2}') / (SECS + 1) ))" $((RATE / 4))
}

t_churn
done_testing
