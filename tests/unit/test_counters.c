/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_counters: /proc/net/netstat and snmp parsing by header names, and deltas. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "counters.h"
#include "testutil.h"
#include "sockstat.h"
#include "tunables.h"

static const struct counter *find(const struct counters *c, const char *name)
{
	return counters_find(c, name);
}

static int parse_str(struct counters *c, const char *text, struct terr *e)
{
	return counters_parse(c, text, strlen(text), e);
}

static void real_netstat_and_snmp_parse_cleanly(void **state)
{
	struct replay *r = tu_replay("listen_overflow.rec");
	const struct rec_frame *f = replay_frame(r, 1);
	const struct rec_blob *ns = replay_file(f, "net/netstat");
	const struct rec_blob *snmp = replay_file(f, "net/snmp");
	struct counters c = { 0 };
	struct terr e = { { 0 } };

	(void)state;
	assert_non_null(ns);
	assert_non_null(snmp);
	assert_int_equal(counters_parse(&c, ns->data, ns->len, &e), 0);
	assert_int_equal(counters_parse(&c, snmp->data, snmp->len, &e), 0);
	counters_index(&c);
	assert_true(c.n > 200);
	assert_non_null(find(&c, "TcpExtListenOverflows"));
	assert_true(find(&c, "TcpExtListenOverflows")->value > 0);
	assert_non_null(find(&c, "TcpRetransSegs"));
	assert_non_null(find(&c, "IpExtInOctets"));
	/* MaxConn is -1 in /proc/net/snmp */
	assert_true(find(&c, "TcpMaxConn")->flags & CTR_NEG);
	assert_int_equal((int64_t)find(&c, "TcpMaxConn")->value, -1);
	assert_true(find(&c, "TcpCurrEstab")->flags & CTR_GAUGE);
	counters_free(&c);
	replay_free(r);
}

static void values_match_names_by_header_position_not_fixed_layout(void **state)
{
	struct counters a = { 0 }, b = { 0 };
	struct terr e;

	(void)state;
	assert_int_equal(parse_str(&a,
				   "TcpExt: ListenOverflows ListenDrops TW\n"
				   "TcpExt: 5 7 9\n",
				   &e),
			 0);
	assert_int_equal(parse_str(&b,
				   "TcpExt: TW ListenDrops ListenOverflows\n"
				   "TcpExt: 9 7 5\n",
				   &e),
			 0);
	assert_int_equal(find(&a, "TcpExtListenOverflows")->value, 5);
	assert_int_equal(find(&b, "TcpExtListenOverflows")->value, 5);
	assert_int_equal(find(&b, "TcpExtTW")->value, 9);
	counters_free(&a);
	counters_free(&b);
}

static void groups_in_any_order_and_unknown_counters_are_kept(void **state)
{
	struct counters c = { 0 };
	struct terr e;

	(void)state;
	assert_int_equal(parse_str(&c,
				   "MPTcpExt: MPCapableSYNRX\nMPTcpExt: 3\n"
				   "TcpExt: BrandNewCounter2031\nTcpExt: 42\n",
				   &e),
			 0);
	assert_int_equal(find(&c, "TcpExtBrandNewCounter2031")->value, 42);
	assert_int_equal(find(&c, "MPTcpExtMPCapableSYNRX")->value, 3);
	counters_free(&c);
}

static void missing_values_leave_counters_unavailable(void **state)
{
	struct counters c = { 0 };
	struct terr e = { { 0 } };

	(void)state;
	assert_int_equal(parse_str(&c, "TcpExt: A B C\nTcpExt: 1 2\n", &e), 1);
	assert_non_null(strstr(e.msg, "ends before its header"));
	assert_int_equal(find(&c, "TcpExtB")->value, 2);
	assert_null(find(&c, "TcpExtC"));
	counters_free(&c);
}

static void extra_values_are_ignored(void **state)
{
	struct counters c = { 0 };
	struct terr e;

	(void)state;
	assert_int_equal(parse_str(&c, "TcpExt: A B\nTcpExt: 1 2 3 4\n", &e), 0);
	assert_int_equal(c.n, 2);
	assert_int_equal(find(&c, "TcpExtB")->value, 2);
	counters_free(&c);
}

static void garbage_is_reported_and_the_rest_kept(void **state)
{
	struct counters c = { 0 };
	struct terr e = { { 0 } };

	(void)state;
	assert_true(parse_str(&c,
			      "TcpExt: A B C\nTcpExt: 1 x2 3\n"
			      "this is not a counter line\n"
			      "Tcp: RetransSegs\nTcp: 99999999999999999999999\n"
			      "IpExt: InOctets\nIpExt: 77\n",
			      &e) >= 3);
	assert_non_null(strstr(e.msg, "not a number"));
	assert_int_equal(find(&c, "TcpExtA")->value, 1);
	assert_null(find(&c, "TcpExtB"));
	assert_int_equal(find(&c, "TcpExtC")->value, 3);
	assert_null(find(&c, "TcpRetransSegs")); /* overflows u64 */
	assert_int_equal(find(&c, "IpExtInOctets")->value, 77);
	counters_free(&c);
}

static void header_without_its_value_line_is_reported(void **state)
{
	struct counters c = { 0 };
	struct terr e = { { 0 } };

	(void)state;
	assert_int_equal(parse_str(&c, "TcpExt: A B\nIpExt: C\nIpExt: 5\n", &e), 1);
	assert_non_null(strstr(e.msg, "not followed by its values"));
	assert_int_equal(find(&c, "IpExtC")->value, 5);
	assert_null(find(&c, "TcpExtA"));
	counters_free(&c);
}

static void empty_and_unterminated_input(void **state)
{
	struct counters c = { 0 };
	struct terr e;

	(void)state;
	assert_int_equal(parse_str(&c, "", &e), 0);
	assert_int_equal(c.n, 0);
	assert_int_equal(parse_str(&c, "TcpExt: A\nTcpExt: 12", &e), 0); /* no final newline */
	assert_int_equal(find(&c, "TcpExtA")->value, 12);
	counters_free(&c);
}

static void delta_is_the_difference_by_name(void **state)
{
	struct counters prev = { 0 }, cur = { 0 };
	struct terr e;

	(void)state;
	parse_str(&prev, "TcpExt: A B\nTcpExt: 10 20\n", &e);
	parse_str(&cur, "TcpExt: B A New\nTcpExt: 25 10 1\n", &e);
	counters_diff(&cur, &prev);
	assert_true(find(&cur, "TcpExtA")->flags & CTR_DELTA);
	assert_int_equal(find(&cur, "TcpExtA")->delta, 0);
	assert_int_equal(find(&cur, "TcpExtB")->delta, 5);
	/* a counter the previous read lacked has no delta */
	assert_false(find(&cur, "TcpExtNew")->flags & CTR_DELTA);
	counters_free(&prev);
	counters_free(&cur);
}

static void counter_going_backwards_is_a_reset_not_a_huge_delta(void **state)
{
	struct counters prev = { 0 }, cur = { 0 };
	struct terr e;

	(void)state;
	parse_str(&prev, "TcpExt: A\nTcpExt: 1000\n", &e);
	parse_str(&cur, "TcpExt: A\nTcpExt: 3\n", &e);
	counters_diff(&cur, &prev);
	assert_true(find(&cur, "TcpExtA")->flags & CTR_RESET);
	assert_false(find(&cur, "TcpExtA")->flags & CTR_DELTA);
	assert_int_equal(find(&cur, "TcpExtA")->delta, 0);
	counters_free(&prev);
	counters_free(&cur);
}

static void gauges_have_no_delta(void **state)
{
	struct counters prev = { 0 }, cur = { 0 };
	struct terr e;

	(void)state;
	parse_str(&prev, "Tcp: CurrEstab\nTcp: 10\n", &e);
	parse_str(&cur, "Tcp: CurrEstab\nTcp: 4\n", &e);
	counters_diff(&cur, &prev);
	assert_false(find(&cur, "TcpCurrEstab")->flags & (CTR_DELTA | CTR_RESET));
	counters_free(&prev);
	counters_free(&cur);
}

static void sysctl_values_parse_one_or_three_numbers(void **state)
{
	int64_t v[3];

	(void)state;
	assert_int_equal(tunables_parse_value("4096\n", v), 1);
	assert_int_equal(v[0], 4096);
	assert_int_equal(tunables_parse_value("4096\t131072\t6291456\n", v), 3);
	assert_int_equal(v[2], 6291456);
	assert_int_equal(tunables_parse_value("32768\t60999\n", v), 2);
	assert_int_equal(tunables_parse_value("abc\n", v), 0);
	assert_int_equal(tunables_parse_value("", v), 0);
}

static void sockstat_tcp_lines_parse_and_other_protocols_are_skipped(void **state)
{
	static const char v4[] = "sockets: used 14\n"
				 "TCP: inuse 5 orphan 2 tw 7 alloc 9 mem 22\n"
				 "UDP: inuse 3 mem 4\n"
				 "FRAG: inuse 0 memory 0\n";
	static const char v6[] = "TCP6: inuse 4\nUDP6: inuse 1\n";
	struct sockstat ss = { 0 };
	struct terr e = { { 0 } };

	(void)state;
	assert_int_equal(sockstat_parse(&ss, v4, strlen(v4), &e), 0);
	assert_int_equal(sockstat_parse(&ss, v6, strlen(v6), &e), 0);
	assert_int_equal(ss.inuse, 5);
	assert_int_equal(ss.inuse6, 4);
	assert_int_equal(ss.orphan, 2);
	assert_int_equal(ss.tw, 7);
	assert_int_equal(ss.alloc, 9);
	assert_int_equal(ss.mem, 22);
	assert_int_equal(ss.have, SOCKSTAT_INUSE | SOCKSTAT_INUSE6 | SOCKSTAT_ORPHAN | SOCKSTAT_TW |
					  SOCKSTAT_ALLOC | SOCKSTAT_MEM);
	assert_false(terr_isset(&e));
}

static void sockstat_unknown_keys_are_skipped_and_missing_ones_unavailable(void **state)
{
	static const char t[] = "TCP: inuse 1 newthing 3 mem 8";
	struct sockstat ss = { 0 };
	struct terr e = { { 0 } };

	(void)state;
	assert_int_equal(sockstat_parse(&ss, t, strlen(t), &e), 0);
	assert_int_equal(ss.have, SOCKSTAT_INUSE | SOCKSTAT_MEM);
	assert_int_equal(ss.mem, 8);
	ss = (struct sockstat){ 0 };
	assert_int_equal(sockstat_parse(&ss, "", 0, &e), 0);
	assert_int_equal(ss.have, 0);
}

static void sockstat_garbage_names_the_token(void **state)
{
	static const char t[] = "TCP: inuse 1 orphan x tw 3\n";
	struct sockstat ss = { 0 };
	struct terr e = { { 0 } };

	(void)state;
	assert_int_equal(sockstat_parse(&ss, t, strlen(t), &e), -1);
	assert_string_equal(e.msg, "TCP line: \"orphan\" has no number after it");
	assert_int_equal(ss.inuse, 1); /* what came before is kept */
	assert_int_equal(sockstat_parse(&ss, "TCP: inuse", 10, &e), -1);
}

/* Host-only sysctls are read through descriptors opened before -N; others are left alone. */
static void host_only_sysctls_are_read_through_kept_descriptors(void **state)
{
	char dir[] = "/tmp/tcptop-tun.XXXXXX", path[256];
	struct tunables_host h;
	struct tunables t = { 0 };
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/sys", dir);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/sys/net", dir);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/sys/net/ipv4", dir);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/sys/net/ipv4/tcp_mem", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("1000\t5000\t10000\n", f);
	fclose(f);
	assert_true(tunable_def(TUN_TCP_MEM)->host_only);
	assert_true(tunable_def(TUN_MAX_ORPHANS)->host_only);
	assert_false(tunable_def(TUN_SYN_RETRIES)->host_only);
	tunables_host_open(&h, dir);
	assert_true(h.fd[TUN_TCP_MEM] >= 0);
	assert_true(h.fd[TUN_MAX_ORPHANS] < 0); /* missing: stays unknown */
	assert_true(h.fd[TUN_SOMAXCONN] < 0);   /* per namespace: not kept */
	/* the descriptor outlives the path, as it outlives setns */
	unlink(path);
	assert_true(tunables_host_read(&h, TUN_TCP_MEM, &t));
	assert_int_equal(t.n[TUN_TCP_MEM], 3);
	assert_int_equal(t.v[TUN_TCP_MEM][2], 10000);
	assert_true(t.from_host[TUN_TCP_MEM]);
	assert_false(tunables_host_read(&h, TUN_MAX_ORPHANS, &t));
	assert_int_equal(t.n[TUN_MAX_ORPHANS], 0);
	tunables_host_close(&h);
	snprintf(path, sizeof(path), "rm -rf %s", dir);
	assert_int_equal(system(path), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(real_netstat_and_snmp_parse_cleanly),
		cmocka_unit_test(values_match_names_by_header_position_not_fixed_layout),
		cmocka_unit_test(groups_in_any_order_and_unknown_counters_are_kept),
		cmocka_unit_test(missing_values_leave_counters_unavailable),
		cmocka_unit_test(extra_values_are_ignored),
		cmocka_unit_test(garbage_is_reported_and_the_rest_kept),
		cmocka_unit_test(header_without_its_value_line_is_reported),
		cmocka_unit_test(empty_and_unterminated_input),
		cmocka_unit_test(delta_is_the_difference_by_name),
		cmocka_unit_test(counter_going_backwards_is_a_reset_not_a_huge_delta),
		cmocka_unit_test(gauges_have_no_delta),
		cmocka_unit_test(sysctl_values_parse_one_or_three_numbers),
		cmocka_unit_test(sockstat_tcp_lines_parse_and_other_protocols_are_skipped),
		cmocka_unit_test(sockstat_unknown_keys_are_skipped_and_missing_ones_unavailable),
		cmocka_unit_test(sockstat_garbage_names_the_token),
		cmocka_unit_test(host_only_sysctls_are_read_through_kept_descriptors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
