# SPDX-License-Identifier: GPL-2.0-or-later
# t_pace: a batch run stopped and continued (SIGSTOP, SIGCONT) goes on one interval at a time: late, never a burst of refreshes to catch up.
. "$(dirname "$0")/../lib.sh"

if ! need_root "batch pace after a stop"; then done_testing; exit; fi

t_stopped_and_continued() {
	local out=$T_TMP/pace.json pid gaps
	ns_new || { not_ok "namespace"; return; }
	ip netns exec "$NS" "$TCPTOP" --no-config -b -o json -n 0 -d 0.2 >"$out" &
	pid=$!
	sleep 1
	kill -STOP "$pid"
	sleep 2
	kill -CONT "$pid"
	sleep 1.5
	kill -TERM "$pid"
	wait_pid 10 "$pid"
	eq "stopped by TERM (128 + 15)" "$?" 143
	# the intervals after the one that spans the stop
	gaps=$(jq -s '[.[].interval] | (map(. > 1.5) | index(true)) as $i
		| if $i == null then "no stop seen" else .[$i + 1:] end' "$out")
	if [ "$gaps" = '"no stop seen"' ]; then
		not_ok "one frame's interval spans the 2 s stop" "$(jq -c .interval "$out" | tr '\n' ' ')"
		return
	fi
	ok "one frame's interval spans the 2 s stop"
	gt "frames came after it" "$(jq 'length' <<<"$gaps")" 3
	# the grid moves at a quarter interval late (0.15 s apart at least, where
	# tcptop wakes); a burst to catch up came a few ms apart
	eq "none of them less than half an interval (0.1 s) after the one before" \
		"$(jq 'map(select(. < 0.1)) | length' <<<"$gaps")" 0
}

run_case t_stopped_and_continued
done_testing
