# SPDX-License-Identifier: GPL-2.0-or-later
# t_privileges: as user nobody with no capability or only some, what works, and every refusal names the privilege it needs.
. "$(dirname "$0")/../lib.sh"

if ! need_root "running as nobody with chosen capabilities (setpriv)"; then done_testing; exit; fi
if ! command -v setpriv >/dev/null; then
	skip "privileges" "setpriv (util-linux) is not installed"
	done_testing; exit
fi

NOBODY=$(id -u nobody)
# as CAPS CMD...: runs CMD as nobody holding only CAPS ("" or "sys_ptrace,+dac_read_search")
as() {
	local caps=${1:+,+$1}; shift
	setpriv --reuid="$NOBODY" --regid="$(id -g nobody)" --clear-groups \
		--inh-caps=-all"$caps" --ambient-caps=-all"$caps" "$@"
}
# in_ns CAPS ARGS...: tcptop as nobody inside $NS (entered as root first)
in_ns() { local caps=$1; shift; ip netns exec "$NS" setpriv --reuid="$NOBODY" \
	--regid="$(id -g nobody)" --clear-groups --inh-caps=-all${caps:+,+$caps} \
	--ambient-caps=-all${caps:+,+$caps} "$TCPTOP" "$@"; }

chmod 711 "$T_TMP" # nobody passes through, lists nothing
ns_new && scen "$NS" -p 5311 bulk || { not_ok "bulk scenario starts"; done_testing; exit; }

# own_netns PID: PID is in a network namespace of its own (for wait_for: read each time).
own_netns() { [ "$(readlink "/proc/$1/ns/net")" != "$(readlink /proc/self/ns/net)" ]; }

t_sock_diag() {
	local out=$T_TMP/diag.json
	in_ns "" -b -n 2 -d 0.2 -o json >"$out" 2>"$out.err"
	eq "no capability: the batch runs, exit 0" "$?" 0
	gt "no capability: root's sockets are dumped" "$(jqv "$out" '[.connections[] | select(.uid == 0)] | length')" 2
	gt "no capability: tcp_info comes with them (rtt)" \
		"$(jqv "$out" '[.connections[] | select(.rtt_us != null)] | length')" 0
	gt "no capability: skmem comes with them" \
		"$(jqv "$out" '[.connections[] | select(.skmem.rb != null)] | length')" 0
	check "--version as nobody: the destroy groups (closed connections) need no capability" \
		grep -q "destroy events *yes" <(as "" "$TCPTOP" --version)
}

t_processes() {
	local out=$T_TMP/p.json note
	in_ns "" -b -n 1 -p -o json >"$out" 2>/dev/null
	eq "no capability: attribution is partial" "$(jqv "$out" .attribution)" partial
	note=$(jqv "$out" .attribution_note)
	check "no capability: the note gives the root hint" grep -q "not root" <<<"$note"
	eq "no capability: root's scenario sockets have no process" \
		"$(jqv "$out" '[.connections[] | select(.process.comm != null)] | length')" 0
	check "no capability: the note names CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH" \
		grep -q "CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH" <<<"$note"
	in_ns sys_ptrace,+dac_read_search -b -n 1 -p -o json >"$out" 2>/dev/null
	eq "CAP_SYS_PTRACE + CAP_DAC_READ_SEARCH: every scenario socket is attributed to sockscen" \
		"$(jqv "$out" '[.connections[] | select(.process.comm != "sockscen")] | length')" 0
	check "CAP_SYS_PTRACE + CAP_DAC_READ_SEARCH: the note does not blame root" \
		grep -vq "not root" <<<"$(jqv "$out" .attribution_note)"
}

t_filters() {
	local err
	err=$(in_ns sys_ptrace,+dac_read_search -b -n 1 -f "proc sockscen" 2>&1 >/dev/null)
	eq "with both capabilities a proc filter has nothing to warn about" "$err" ""
	err=$(in_ns "" -b -n 1 -f "proc sockscen or pid 1" 2>&1 >/dev/null)
	eq "no capability: a proc/pid filter says it matches only your own processes" "$err" \
		"tcptop: warning: proc and pid can match only your own processes' sockets: other users' processes need CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH (run as root)"
	err=$(in_ns "" -b -n 1 -f "port 5311" 2>&1 >/dev/null)
	eq "no capability: a port filter has nothing to warn about" "$err" ""
}

t_netns() {
	local err out=$T_TMP/ns.json
	err=$(as "" "$TCPTOP" -b -n 1 -N "$NS" 2>&1 >/dev/null)
	eq "-N NAME, no capability: exit 2" "$?" 2
	check "-N NAME, no capability: says CAP_SYS_ADMIN" grep -q "needs CAP_SYS_ADMIN" <<<"$err"
	as sys_admin "$TCPTOP" -b -n 1 -N "$NS" -o json >"$out" 2>/dev/null
	gt "-N NAME with CAP_SYS_ADMIN alone: its sockets" "$(jqv "$out" .sockets)" 2
	err=$(as "" "$TCPTOP" -b -n 1 -N "pid:$SCEN_PID" 2>&1 >/dev/null)
	eq "-N pid:PID of root's process, no capability: exit 2" "$?" 2
	check "-N pid:PID, no capability: says CAP_SYS_PTRACE opens it, CAP_SYS_ADMIN enters it" \
		grep -q "CAP_SYS_PTRACE to open it, CAP_SYS_ADMIN to enter it" <<<"$err"
	err=$(as sys_ptrace "$TCPTOP" -b -n 1 -N "pid:$SCEN_PID" 2>&1 >/dev/null)
	check "-N pid:PID with CAP_SYS_PTRACE: opened, entering says CAP_SYS_ADMIN" \
		grep -q "cannot enter network namespace 'pid:$SCEN_PID'.*needs CAP_SYS_ADMIN" <<<"$err"
	as sys_admin,+sys_ptrace "$TCPTOP" -b -n 1 -N "pid:$SCEN_PID" -o json >"$out" 2>/dev/null
	gt "-N pid:PID with CAP_SYS_ADMIN + CAP_SYS_PTRACE: its sockets" "$(jqv "$out" .sockets)" 2
	as "" "$TCPTOP" -b -n 1 -N all -o json >"$out" 2>/dev/null
	check "-N all, no capability: the status says which namespaces need CAP_SYS_ADMIN" \
		grep -q "needs CAP_SYS_ADMIN" <<<"$(jqv "$out" .status)"
	# a namespace that only a process of root's holds (no /run/netns name)
	unshare -n sleep 30 &
	T_PIDS+=("$!")
	wait_for 5 own_netns "$!"
	as sys_admin "$TCPTOP" -b -n 1 -N all -o json >"$out" 2>/dev/null
	check "-N all with CAP_SYS_ADMIN only: the status says namespaces are missing, naming CAP_SYS_PTRACE" \
		grep -q "need CAP_SYS_PTRACE): namespaces only they hold are missing" <<<"$(jqv "$out" .status)"
	as sys_admin,+sys_ptrace "$TCPTOP" -b -n 1 -N all -o json >"$out" 2>/dev/null
	eq "-N all with CAP_SYS_ADMIN + CAP_SYS_PTRACE: every namespace read, no warning" \
		"$(jqv "$out" .status)" null
}

t_files() {
	local d=$T_TMP/rootdir err rec
	mkdir -m 755 "$d"
	echo precious >"$d/old.rec"
	chmod 600 "$d/old.rec"
	err=$(in_ns "" -b -n 1 --record "$d/x.rec" 2>&1 >/dev/null)
	eq "--record into root's directory: exit 1" "$?" 1
	eq "--record into root's directory: one line naming what it needs" "$err" \
		"tcptop: cannot open $d/x.rec: Permission denied (needs write access to the file or its directory, or root: CAP_DAC_OVERRIDE)"
	err=$(in_ns "" -b -n 1 --record "$d/old.rec" 2>&1 >/dev/null)
	check "--record over root's 0600 file: refused naming CAP_DAC_OVERRIDE" \
		grep -q "Permission denied (needs .*CAP_DAC_OVERRIDE)" <<<"$err"
	eq "root's file is untouched" "$(cat "$d/old.rec")" precious
	in_ns dac_override -b -n 1 -o json --record "$d/x.rec" >/dev/null 2>&1
	eq "--record with CAP_DAC_OVERRIDE: written, nobody's, 0600" \
		"$(stat -c '%U %a' "$d/x.rec" 2>&1)" "nobody 600"
	err=$(in_ns "" -b -n 1 --textfile "$d" 2>&1 >/dev/null)
	eq "--textfile into root's directory: one line naming what it needs" "$err" \
		"tcptop: --textfile $d: cannot write there: Permission denied (needs write access to it, or root: CAP_DAC_OVERRIDE)"
	err=$(in_ns "" -b -n 1 --textfile /root/none 2>&1 >/dev/null)
	check "--textfile below a directory nobody may search: names CAP_DAC_OVERRIDE" \
		grep -q "Permission denied (needs write access to it, or root: CAP_DAC_OVERRIDE)" <<<"$err"
	rec=$T_TMP/root.rec
	tt "$NS" -b -n 2 -d 0.1 -o json --record "$rec" >/dev/null 2>&1
	err=$(as "" "$TCPTOP" -b --replay "$rec" -o json 2>&1 >/dev/null)
	check "--replay of root's 0600 recording: names CAP_DAC_READ_SEARCH" \
		grep -q "Permission denied (needs read access to it, or root: CAP_DAC_READ_SEARCH)" <<<"$err"
}

t_sock_diag
t_processes
t_filters
t_netns
t_files
done_testing
