# SPDX-License-Identifier: GPL-2.0-or-later
# t_prom: -o prom passes promtool, --textfile feeds a real node_exporter whole files only, and leaves nothing else behind.
. "$(dirname "$0")/../lib.sh"

if ! need_root "Prometheus output"; then done_testing; exit; fi
PROMTOOL=$(command -v promtool)
NODE_EXPORTER=$(command -v prometheus-node-exporter || command -v node_exporter)
# the last family out_prom writes: a file holding it was written whole
LAST=tcptop_connection_receive_queue_bytes

# series NAME FILE: how many samples of family NAME the exposition in FILE holds.
series() { grep -c "^$1[{ ]" "$2"; }

t_promtool() {
	local out=$T_TMP/one.prom
	ns_new && scen "$NS" -p 5401 bulk && scen "$NS" -p 5402 idle 4 &&
		scen "$NS" -p 5403 -b 4 listen 10 ||
		{ not_ok "scenarios start"; return; }
	tt "$NS" -b -o prom --prom-top 3 >"$out" 2>"$out.err"
	eq "-o prom exits 0" "$?" 0
	if [ -n "$PROMTOOL" ]; then
		check "promtool check metrics passes" "$PROMTOOL" check metrics <"$out"
	else
		not_ok "promtool check metrics passes" "promtool not installed (scripts/deps.sh test)"
	fi
	eq "every family has HELP and TYPE" "$(grep -c '^# HELP' "$out")" "$(grep -c '^# TYPE' "$out")"
	gt "established sockets counted, in node_exporter's spelling" \
		"$(sed -n 's/^tcptop_sockets{state="established"} //p' "$out")" 5
	eq "every state is a series, time_wait as tcpstat writes it" "$(series tcptop_sockets "$out")" 11
	# the codes as the finding table names them (tcptop-gen writes the man page test's lists)
	eq "every finding code is a series, 0 when absent" \
		"$(sed -n 's/^tcptop_findings{code="\([^"]*\)".*/\1/p' "$out" | sort | tr '\n' ' ')" \
		"$("$TOP/$BUILD/completion/tcptop-gen" names | sed -n 's/^code //p' | sort | tr '\n' ' ')"
	check "a finding code with no socket is 0, not missing" \
		grep -q '^tcptop_findings{code="syncookies",severity="[a-z]*"} 0$' "$out"
	check "the full accept queue is a listener series" \
		grep -Eq '^tcptop_listen_accept_queue\{local="127.0.0.1:5403",process="[^"]*"\} [1-9]' "$out"
	check "its limit is the backlog" \
		grep -Eq '^tcptop_listen_accept_queue_limit\{local="127.0.0.1:5403",process="[^"]*"\} 4$' "$out"
	check "listener drops are a counter" grep -q '^# TYPE tcptop_listen_drops_total counter' "$out"
	check "connections by LIMIT cause" grep -q '^tcptop_connections_limited{by="rwnd"} ' "$out"
	eq "--prom-top 3: three connections' sent bytes" \
		"$(series tcptop_connection_sent_bytes_total "$out")" 3
	check "the busiest is the bulk connection" \
		grep -Eq '^tcptop_connection_sent_bytes_total\{local="127.0.0.1:[0-9]+",remote="127.0.0.1:5401"' "$out"
	tt "$NS" -b -o prom --prom-top 1 >"$out"
	eq "--prom-top 1: one series per connection family" "$(series $LAST "$out")" 1
	tt "$NS" -b -o prom >"$out"
	eq "by default no per-connection series" "$(grep -c '^tcptop_connection_' "$out")" 0
	tt "$NS" -b -o prom state listen >"$out"
	eq "the filter applies: only listeners" \
		"$(sed -n 's/^tcptop_sockets{state="established"} //p' "$out")" 0
}

t_hostile_name() {
	local out=$T_TMP/evil.prom
	# a quote, a backslash and a newline in the process name (comm): 9 bytes
	ns_new && scen "$NS" -p 5411 --name $'ev"il\\x\ny' bulk || { not_ok "named scenario starts"; return; }
	tt "$NS" -b -p -o prom --prom-top 2 >"$out"
	if [ -n "$PROMTOOL" ]; then
		check "promtool accepts the hostile name's series" "$PROMTOOL" check metrics <"$out"
	fi
	# sanitised as in the table (ev"il\\x\x0ay), then escaped for the exposition format
	check "the name is escaped: quote, backslash, newline as \\x0a" \
		grep -qF 'process="ev\"il\\\\x\\x0ay"' "$out"
	eq "no sample line is broken by the name" "$(grep -vc -e '^#' -e '^tcptop_[a-z_]*[{ ]' "$out")" 0
}

# scrape URL: the node_exporter's page, or nothing.
scrape() { curl -s --max-time 2 "$1"; }

t_textfile() {
	local dir=$T_TMP/textfile url=http://127.0.0.1:19100/metrics page=$T_TMP/page bad=0 torn=0 i
	local ne pid rc
	mkdir -p "$dir"
	ns_new && scen "$NS" -p 5421 bulk && scen "$NS" -p 5422 idle 3 || { not_ok "scenarios start"; return; }
	ip netns exec "$NS" env --default-signal "$TCPTOP" --textfile "$dir" -d 0.1 --prom-top 2 \
		>"$T_TMP/tf.out" 2>"$T_TMP/tf.err" &
	pid=$!
	T_PIDS+=("$pid")
	check "the textfile appears" wait_for 10 test -s "$dir/tcptop.prom"
	eq "nothing on standard output" "$(wc -c <"$T_TMP/tf.out")" 0
	eq "mode 0644 (umask 022)" "$(stat -c %a "$dir/tcptop.prom")" 644
	# read it while it is rewritten every 0.1 s: always whole
	for i in $(seq 200); do
		cp "$dir/tcptop.prom" "$T_TMP/copy" 2>/dev/null || continue
		grep -q "^# TYPE $LAST gauge" "$T_TMP/copy" && [ "$(tail -c 1 "$T_TMP/copy" | od -An -c | tr -d ' ')" = '\n' ] ||
			torn=$((torn + 1))
	done
	eq "200 reads during rewrites: never half a file" "$torn" 0
	if [ -z "$NODE_EXPORTER" ]; then
		not_ok "node_exporter serves the metrics" "prometheus-node-exporter not installed (scripts/deps.sh test)"
	else
		"$NODE_EXPORTER" --web.listen-address=127.0.0.1:19100 --collector.disable-defaults \
			--collector.textfile --collector.textfile.directory="$dir" >"$T_TMP/ne.log" 2>&1 &
		ne=$!
		T_PIDS+=("$ne")
		check "node_exporter answers on 127.0.0.1:19100" wait_for 10 curl -sf --max-time 2 -o /dev/null "$url"
		for i in $(seq 30); do
			scrape "$url" >"$page"
			grep -q '^node_textfile_scrape_error 0$' "$page" &&
				grep -q '^tcptop_sockets{state="established"} ' "$page" &&
				grep -q "^$LAST{" "$page" || { bad=$((bad + 1)); cp "$page" "$T_TMP/badpage"; }
			sleep 0.05
		done
		eq "30 scrapes while tcptop rewrites: no scrape error, tcptop_ series whole" "$bad" 0
		[ "$bad" -eq 0 ] || diag "$(grep -E 'textfile|error' "$T_TMP/badpage" | head -5)"
		check "node_exporter keeps tcptop's HELP" grep -q '^# HELP tcptop_findings ' "$page"
		kill "$ne"; wait "$ne" 2>/dev/null
	fi
	kill -INT "$pid"; wait_pid 20 "$pid"; rc=$?
	eq "INT: exit status 130" "$rc" 130
	eq "INT: nothing but tcptop.prom left in the directory" "$(ls -A "$dir")" tcptop.prom
	eq "INT: no message" "$(cat "$T_TMP/tf.err")" ""
}

t_signals_leave_nothing() {
	local dir=$T_TMP/sig sig pid rc
	ns_new && scen "$NS" idle 50 || { not_ok "scenario starts"; return; }
	for sig in TERM HUP; do
		rm -rf "$dir"; mkdir "$dir"
		ip netns exec "$NS" env --default-signal "$TCPTOP" --textfile "$dir" -d 0.05 2>/dev/null &
		pid=$!
		wait_for 10 test -s "$dir/tcptop.prom"
		sleep 0.3
		kill -"$sig" "$pid"; wait_pid 20 "$pid"; rc=$?
		eq "$sig: exit status 128 + signal" "$rc" $((128 + $(kill -l $sig)))
		eq "$sig: nothing but tcptop.prom left" "$(ls -A "$dir")" tcptop.prom
	done
	# a SIGKILLed run's temp file is taken away by the next run
	: >"$dir/.tcptop.prom.tmp-abc123"
	tt "$NS" --textfile "$dir" -n 1 -d 0.05
	eq "a stale temp file is removed at start" "$(ls -A "$dir")" tcptop.prom
}

t_dir_rules() {
	local dir=$T_TMP/rules err
	mkdir -p "$dir/real"
	err=$("$TCPTOP" --textfile "$dir/none" -n 1 2>&1)
	eq "a missing directory: exit 1" "$?" 1
	check "it says so" grep -q "textfile .*/none: No such file or directory" <<<"$err"
	: >"$dir/file"
	err=$("$TCPTOP" --textfile "$dir/file" -n 1 2>&1)
	check "a file is not a directory" grep -q "not a directory" <<<"$err"
	# a symlink owned by someone else is never followed
	ln -s "$dir/real" "$dir/link"
	chown -h nobody "$dir/link"
	err=$("$TCPTOP" --textfile "$dir/link" -n 1 -d 0.05 2>&1)
	eq "a symlinked directory owned by another user: exit 1" "$?" 1
	eq "nothing was written through it" "$(ls -A "$dir/real")" ""
	diag "$err"
	(umask 077 && "$TCPTOP" --textfile "$dir/real" -n 1 -d 0.05)
	eq "a new file's mode follows the umask (077: 0600)" "$(stat -c %a "$dir/real/tcptop.prom")" 600
	chmod 640 "$dir/real/tcptop.prom"
	"$TCPTOP" --textfile "$dir/real" -n 1 -d 0.05
	eq "an existing file keeps its mode" "$(stat -c %a "$dir/real/tcptop.prom")" 640
}

# with --textfile nothing else is on stdout: a recording may go there, and replays whole
t_record_to_stdout() {
	local dir=$T_TMP/rec err
	mkdir -p "$dir"
	ns_new && scen "$NS" idle 3 || { not_ok "scenario starts"; return; }
	tt "$NS" --textfile "$dir" -n 3 -d 0.1 --record - >"$T_TMP/out.rec"
	eq "--textfile with --record -: exit 0" "$?" 0
	eq "the recording on stdout replays its refreshes" \
		"$("$TCPTOP" -b --replay "$T_TMP/out.rec" -n 0 -o json | wc -l)" 3
	err=$("$TCPTOP" -b --record - 2>&1 >/dev/null)
	eq "in plain batch mode --record - is refused: exit 2" "$?" 2
	check "with one line saying why" grep -q "would mix the recording with the output" <<<"$err"
}

# a full disk: one line, exit 1, the previous file kept, no temp file left
t_disk_full() {
	local dir=$T_TMP/full err
	mkdir -p "$dir"
	mount -t tmpfs -o size=16k tmpfs "$dir" || { skip "disk full" "cannot mount a tmpfs"; return; }
	"$TCPTOP" --textfile "$dir" -n 1 -d 0.05 && cp "$dir/tcptop.prom" "$T_TMP/before"
	head -c 65536 /dev/zero >"$dir/fill" 2>/dev/null
	err=$("$TCPTOP" --textfile "$dir" -n 1 -d 0.05 2>&1)
	eq "a full disk: exit 1" "$?" 1
	check "one line naming the file and the cause" \
		grep -qx "tcptop: cannot write $dir/tcptop.prom: No space left on device" <<<"$err"
	eq "no temp file left, the old file kept" "$(ls -A "$dir" | tr '\n' ' ')" "fill tcptop.prom "
	check "the old file is whole" cmp -s "$dir/tcptop.prom" "$T_TMP/before"
	umount "$dir"
}

# Connections that end are counters by how they ended, kept across refreshes.
t_closed_counters() {
	local dir=$T_TMP/closed.d f out
	mkdir -p "$dir"
	f=$dir/tcptop.prom
	ns_new && scen "$NS" shortconns 30 || { not_ok "closed counters: scenario"; return; }
	out=$SCEN_OUT
	ip netns exec "$NS" "$TCPTOP" --textfile "$dir" -d 0.5 -n 6 &
	T_PIDS+=($!)
	wait_for 10 test -s "$f" || { not_ok "closed counters: the textfile is written"; return; }
	scen_start "$out"
	wait "$!"
	eq "closed counters: 60 normal ends counted, kept to the last refresh" \
		"$(sed -n 's/^tcptop_closed_total{how="normal"} //p' "$f")" 60
	eq "closed counters: a series for every way to end" "$(series tcptop_closed_total "$f")" 7
	eq "closed counters: none lost" "$(sed -n 's/^tcptop_closed_lost_total //p' "$f")" 0
	if [ -n "$PROMTOOL" ]; then
		check "closed counters: promtool check metrics passes" "$PROMTOOL" check metrics <"$f"
	fi
	"$TCPTOP" --no-closed -b -o prom >"$T_TMP/nc.prom"
	eq "closed counters: absent when not watched" "$(series tcptop_closed_total "$T_TMP/nc.prom")" 0
}

run_case t_promtool
run_case t_closed_counters
run_case t_hostile_name
run_case t_disk_full
run_case t_record_to_stdout
run_case t_textfile
run_case t_signals_leave_nothing
run_case t_dir_rules
done_testing
