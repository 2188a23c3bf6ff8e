# SPDX-License-Identifier: GPL-2.0-or-later
# t_procns: which process holds each socket (real processes, ss -p as the oracle) and watching other namespaces with -N.
. "$(dirname "$0")/../lib.sh"

if ! need_root "process attribution and namespaces"; then done_testing; exit; fi

# conn FILE PORT STATE: the first connection with that local port and state, from the last frame.
conn() { jqv "$1" -c --arg p ":$2" --arg s "$3" 'first(.connections[] | select(.state == $s and (.local | endswith($p))))'; }

# The lowest pid ss -p names for every socket with an inode, as "INODE PID" lines, sorted.
ss_owners() {
	ip netns exec "$1" ss -tanpeH 2>/dev/null | while read -r line; do
		local ino pid
		ino=$(grep -o 'ino:[0-9]*' <<<"$line" | head -1 | cut -d: -f2)
		pid=$(grep -o 'pid=[0-9]*' <<<"$line" | cut -d= -f2 | sort -n | head -1)
		[ -n "$ino" ] && [ "$ino" != 0 ] && echo "$ino ${pid:-none}"
	done | sort
}
tt_owners() { jqv "$1" -r '.connections[] | select(.inode != null) | "\(.inode) \(.process.pid // "none")"' | sort; }

t_known_children() {
	local ns out a b apid bpid
	ns_new && ns=$NS || { not_ok "namespace for named children"; return; }
	scen "$ns" --name tt-alpha bulk && a=$SCEN_PORT apid=$SCEN_PID &&
		scen "$ns" --name tt-beta idle 2 && b=$SCEN_PORT bpid=$SCEN_PID ||
		{ not_ok "named scenarios start"; return; }
	out=$T_TMP/children.json
	tt "$ns" -b -o json -d 0.2 >"$out"
	eq "children: the bulk listener's accepted socket is tt-alpha's" \
		"$(conn "$out" "$a" ESTAB | jq -r .process.comm)" tt-alpha
	eq "children: with tt-alpha's pid" "$(conn "$out" "$a" ESTAB | jq -r .process.pid)" "$apid"
	eq "children: the pid column agrees" "$(conn "$out" "$a" ESTAB | jq -r .pid)" "$apid"
	eq "children: an unshared socket has count 1" "$(conn "$out" "$a" ESTAB | jq -r .process.count)" 1
	eq "children: tt-beta's listener is tt-beta's" \
		"$(jqv "$out" -r --arg p ":$b" '.listeners[] | select(.local | endswith($p)) | .process.comm')" tt-beta
	eq "children: every tt-beta socket (listener, 2 clients, 2 accepted) names its pid" \
		"$(jqv "$out" -r --arg p ":$b" '[.connections[] | select((.local | endswith($p)) or (.remote | endswith($p))) | .process.pid] | unique | join(",")')" "$bpid"
	eq "children: the socket uid's name is in user" "$(conn "$out" "$a" ESTAB | jq -r .user)" root
	eq "children: every socket's owner agrees with ss -p (lowest pid)" "$(tt_owners "$out")" "$(ss_owners "$ns")"
	tt "$ns" -b -d 0.2 -c local,state,proc >"$T_TMP/children.txt"
	check "children: text shows pid/comm" grep -q "$apid/tt-alpha" "$T_TMP/children.txt"
	eq "children: ip netns exec's namespace is named in JSON" "$(jqv "$out" -r .netns)" "$ns"
	check "children: and in the text header" grep -q "netns $ns\$" "$T_TMP/children.txt"
}

t_shared_after_fork() {
	local ns out c
	ns_new && ns=$NS && scen "$ns" --name tt-fork fork 3 || { not_ok "fork scenario starts"; return; }
	out=$T_TMP/fork.json
	tt "$ns" -b -o json -d 0.2 >"$out"
	c=$(conn "$out" "$SCEN_PORT" ESTAB)
	eq "fork: the accepted socket is held by 3 processes" "$(jq -r .process.count <<<"$c")" 3
	eq "fork: it names the lowest pid, the parent" "$(jq -r .process.pid <<<"$c")" "$SCEN_PID"
	eq "fork: and agrees with ss -p" "$(tt_owners "$out")" "$(ss_owners "$ns")"
	tt "$ns" -b -d 0.2 -c local,state,proc >"$T_TMP/fork.txt"
	check "fork: text shows +2 more holders" grep -q "$SCEN_PID/tt-fork+2" "$T_TMP/fork.txt"
}

t_process_exits_between_refreshes() {
	local ns out child pid
	ns_new && ns=$NS && scen "$ns" --name tt-exit fork 3 || { not_ok "fork scenario starts"; return; }
	out=$T_TMP/exit.json
	tt "$ns" -b -o json -n 3 -d 0.5 >"$out" &
	pid=$!
	T_PIDS+=("$pid")
	wait_for 10 test -s "$out" || { not_ok "exit: the first frame arrives"; return; }
	child=$(pgrep -P "$SCEN_PID" | head -1)
	kill -KILL "$child"
	wait "$pid"
	eq "exit: three frames were printed" "$(wc -l <"$out")" 3
	eq "exit: the first frame counts 3 holders" \
		"$(head -1 "$out" | jq -r --arg p ":$SCEN_PORT" 'first(.connections[] | select(.state == "ESTAB" and (.local | endswith($p)))) | .process.count')" 3
	eq "exit: after the child exited, 2" "$(conn "$out" "$SCEN_PORT" ESTAB | jq -r .process.count)" 2
	eq "exit: still named by the parent" "$(conn "$out" "$SCEN_PORT" ESTAB | jq -r .process.pid)" "$SCEN_PID"
}

t_escape_sequences_in_names() {
	local ns out txt
	ns_new && ns=$NS && scen "$ns" --name $'\e[31mevil\a\e]0;x' idle 1 ||
		{ not_ok "escape-name scenario starts"; return; }
	out=$T_TMP/evil.json
	txt=$T_TMP/evil.txt
	tt "$ns" -b -o json -d 0.2 >"$out"
	tt "$ns" -b -d 0.2 -c local,state,proc,pid,user >"$txt"
	eq "evil name: no ESC, BEL or other control byte in the text snapshot" \
		"$(tr -d '\n' <"$txt" | LC_ALL=C grep -c '[[:cntrl:]]')" 0
	check "evil name: the text shows visible escapes" grep -qF "$SCEN_PID/\\x1b[31mevil\\x07\\x1b]0;x" "$txt"
	eq "evil name: no raw control byte in the JSON either" "$(tr -d '\n' <"$out" | LC_ALL=C grep -c '[[:cntrl:]]')" 0
	check "evil name: JSON escapes the raw name" grep -qF '"comm":"\u001b[31mevil\u0007\u001b]0;x"' "$out"
	eq "evil name: JSON decodes back to the exact bytes" \
		"$(conn "$out" "$SCEN_PORT" LISTEN | jq -r .process.comm | od -An -c | tr -s ' ')" \
		"$(printf '\e[31mevil\a\e]0;x\n' | od -An -c | tr -s ' ')"
}

# Another user may dump sockets but not read root's fds: those show as unknown.
t_non_root() {
	local ns out txt bin
	if ! command -v setpriv >/dev/null || ! setpriv --reuid=nobody --regid=nogroup --clear-groups true 2>/dev/null; then
		skip "non-root: attribution is partial" "cannot drop privileges to nobody with setpriv"
		return
	fi
	bin=$T_TMP/bin
	mkdir -p "$bin" && chmod 755 "$T_TMP" "$bin"
	cp "$TCPTOP" "$SOCKSCEN" "$bin/"
	printf '#!/bin/sh\nexec setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"\n' >"$bin/asnobody"
	chmod 755 "$bin"/*
	ns_new && ns=$NS && scen "$ns" --name tt-rootown idle 1 || { not_ok "root scenario starts"; return; }
	local rport=$SCEN_PORT
	SOCKSCEN="$bin/asnobody $bin/sockscen" scen_nobody "$ns" --name tt-nobody idle 1 ||
		{ not_ok "nobody's scenario starts"; return; }
	out=$T_TMP/nobody.json
	txt=$T_TMP/nobody.txt
	ip netns exec "$ns" "$bin/asnobody" "$bin/tcptop" -b -o json -d 0.2 >"$out"
	ip netns exec "$ns" "$bin/asnobody" "$bin/tcptop" -b -d 0.2 -c local,state,proc >"$txt"
	eq "non-root: attribution is partial" "$(jqv "$out" -r .attribution)" partial
	check "non-root: the note says why" grep -q "partial: not root, so other users' processes cannot be read" "$out"
	eq "non-root: root's listener is unknown (pid null)" \
		"$(conn "$out" "$rport" LISTEN | jq -c .process)" '{"pid":null,"comm":null,"count":null}'
	eq "non-root: our own process's listener is named" "$(conn "$out" "$SCEN_PORT" LISTEN | jq -r .process.comm)" tt-nobody
	eq "non-root: everything else works (every socket is dumped)" "$(jqv "$out" .sockets)" \
		"$(ip netns exec "$ns" ss -tanH | wc -l)"
	check "non-root: text shows ? for root's sockets" grep -Eq "127.0.0.1:$rport +LISTEN +\\?\$" "$txt"
	check "non-root: the text header says partial" grep -q '^processes: partial' "$txt"
	local err rc
	err=$(ip netns exec "$ns" "$bin/asnobody" "$bin/tcptop" -N "$ns" -b 2>&1)
	rc=$?
	eq "non-root: -N exits 2" "$rc" 2
	eq "non-root: with one line saying it is not permitted" "$err" \
		"tcptop: cannot enter network namespace '$ns': Operation not permitted (it needs CAP_SYS_ADMIN: run as root)"
}

# scen with a wrapper (SOCKSCEN may hold two words); sets SCEN_PORT and SCEN_PID (the wrapper's = sockscen's: exec).
scen_nobody() {
	local ns=$1; shift
	local out="$T_TMP/scen.$RANDOM"
	# shellcheck disable=SC2086
	ip netns exec "$ns" $SOCKSCEN "$@" >"$out" 2>"$out.err" &
	local pid=$!
	T_PIDS+=("$pid")
	wait_for 10 grep -q '^ready' "$out" || { diag "sockscen: $(cat "$out.err")"; return 1; }
	SCEN_PORT=$(sed -n 's/^ready port=\([0-9]*\).*/\1/p' "$out")
	SCEN_PID=$pid
}

t_netns_by_name_path_and_pid() {
	local ns out spec
	ns_new && ns=$NS && scen "$ns" --name tt-inside idle 1 || { not_ok "namespace scenario starts"; return; }
	# distinctive values only that namespace has
	ip netns exec "$ns" sysctl -qw net.core.somaxconn=1234 net.ipv4.tcp_fin_timeout=17
	for spec in "$ns" "/run/netns/$ns" "pid:$SCEN_PID"; do
		out=$T_TMP/ns.json
		"$TCPTOP" -N "$spec" -b -o json -d 0.2 >"$out"
		eq "-N $spec: the header names it" "$(jqv "$out" -r .netns)" "$spec"
		eq "-N $spec: its sockets are dumped (same count as ss inside)" "$(jqv "$out" .sockets)" \
			"$(ip netns exec "$ns" ss -tanH | wc -l)"
		eq "-N $spec: and attributed to the process inside" \
			"$(conn "$out" "$SCEN_PORT" LISTEN | jq -r .process.comm)" tt-inside
		eq "-N $spec: sysctls are the namespace's (somaxconn)" \
			"$(jqv "$out" '.tunables["net.core.somaxconn"]')" 1234
		eq "-N $spec: sysctls are the namespace's (tcp_fin_timeout)" \
			"$(jqv "$out" '.tunables["net.ipv4.tcp_fin_timeout"]')" 17
		eq "-N $spec: counters are the namespace's (TcpPassiveOpens as nstat sees it)" \
			"$(jqv "$out" .counters.TcpPassiveOpens.total)" \
			"$(ip netns exec "$ns" nstat -az TcpPassiveOpens | awk '/TcpPassiveOpens/ {print $2}')"
	done
	"$TCPTOP" -N "$ns" -b -d 0.2 >"$T_TMP/ns.txt"
	check "-N: the text header names the namespace" grep -q "netns $ns\$" "$T_TMP/ns.txt"
}

t_netns_errors() {
	local err rc
	err=$("$TCPTOP" -N tcptop-no-such-ns -b 2>&1); rc=$?
	eq "-N unknown name: exit 2" "$rc" 2
	eq "-N unknown name: one clear line" "$err" "tcptop: no network namespace 'tcptop-no-such-ns' under /run/netns"
	err=$("$TCPTOP" -N pid:999999999 -b 2>&1); rc=$?
	eq "-N pid of no process: exit 2" "$rc" 2
	eq "-N pid of no process: one clear line" "$err" "tcptop: no process 999999999 (for -N pid:999999999)"
	err=$("$TCPTOP" -N /etc/hostname -b 2>&1); rc=$?
	eq "-N a file that is no namespace: exit 2" "$rc" 2
	eq "-N a file that is no namespace: one clear line" "$err" "tcptop: '/etc/hostname' is not a network namespace"
}

t_off_and_replay() {
	local ns out err rc
	ns_new && ns=$NS && scen "$ns" --name tt-off idle 1 || { not_ok "scenario starts"; return; }
	out=$T_TMP/off.json
	tt "$ns" --no-processes -b -o json -d 0.2 >"$out"
	eq "--no-processes: attribution off" "$(jqv "$out" -r .attribution)" off
	eq "--no-processes: no process on any socket" "$(jqv "$out" '[.connections[].process] | unique | tostring')" "[null]"
	tt "$ns" -p -b -o json -d 0.2 >"$out"
	eq "-p: attribution on" "$(jqv "$out" -r .attribution | grep -cE '^(full|partial)$')" 1
	"$TCPTOP" --replay "$TOP/tests/fixtures/states.rec" -b -o json >"$out"
	eq "--replay: attribution unavailable, not faked" "$(jqv "$out" -r .attribution)" unavailable
	err=$("$TCPTOP" --replay "$TOP/tests/fixtures/states.rec" -p -b 2>&1); rc=$?
	eq "--replay with -p: exit 2" "$rc" 2
	eq "--replay with -p: one clear line" "$err" "tcptop: --processes cannot be used with --replay (a recording holds no process data)"
}

# proc NAME and pid N select by the process holding the socket (any holder of a shared one).
t_filter_by_process() {
	local ns out a apid b child
	ns_new && ns=$NS || { not_ok "namespace for process filters"; return; }
	scen "$ns" --name tt-web bulk && a=$SCEN_PORT apid=$SCEN_PID &&
		scen "$ns" --name tt-db idle 2 && b=$SCEN_PORT ||
		{ not_ok "named scenarios for process filters start"; return; }
	out=$T_TMP/pfilter.json
	tt "$ns" -b -o json -d 0.2 proc tt-web >"$out"
	eq "proc NAME: only tt-web's sockets" \
		"$(jqv "$out" -r '[.connections[].process.comm] | unique | join(",")')" tt-web
	eq "proc NAME: all of them (listener, client, accepted)" "$(jqv "$out" .matched)" \
		"$(tt "$ns" -b -o json -d 0.2 | jq --arg p ":$a" '[.connections[] | select((.local | endswith($p)) or (.remote | endswith($p))) | select(.state != "TIME-WAIT")] | length')"
	tt "$ns" -b -o json -d 0.2 pid "$apid" >"$out"
	eq "pid N: the same sockets by pid" "$(jqv "$out" -r '[.connections[].process.pid] | unique | join(",")')" "$apid"
	tt "$ns" -b -o json -d 0.2 "not proc tt-web and state listen" >"$out"
	eq "not proc NAME, with other primitives" \
		"$(jqv "$out" -r '[.connections[].local] | join(",")')" "127.0.0.1:$b"
	ns_new && ns=$NS && scen "$ns" --name tt-share fork 3 || { not_ok "fork scenario for pid filters"; return; }
	child=$(pgrep -P "$SCEN_PID" | head -1)
	eq "pid N matches a socket shared with that child, not only the one shown" \
		"$(tt "$ns" -b -o json -d 0.2 pid "$child" state established | jq -r '.connections[0].process.count')" 3
	check "proc/pid with --no-processes: exit 2" \
		sh -c "ip netns exec $ns $TCPTOP -b --no-processes proc x 2>/dev/null; [ \$? -eq 2 ]"
	eq "proc/pid with --no-processes: one line saying why" \
		"$(ip netns exec "$ns" "$TCPTOP" -b --no-processes proc x 2>&1)" \
		"tcptop: the filter's proc/pid need process attribution: --no-processes turns it off"
}

run_case t_known_children
run_case t_filter_by_process
run_case t_shared_after_fork
run_case t_process_exits_between_refreshes
run_case t_escape_sequences_in_names
run_case t_non_root
run_case t_netns_by_name_path_and_pid
run_case t_netns_errors
run_case t_off_and_replay
done_testing
