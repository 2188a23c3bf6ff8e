/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_netns: -N specs name the right namespace file, and bad ones get one clear line. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <unistd.h>

#include <string.h>

#include "netns.h"

static void a_name_is_looked_up_under_run_netns(void **state)
{
	char p[256];
	struct terr e;

	(void)state;
	assert_int_equal(netns_path("blue", p, sizeof(p), &e), 0);
	assert_string_equal(p, "/run/netns/blue");
}

static void anything_with_a_slash_is_a_path(void **state)
{
	char p[256];
	struct terr e;

	(void)state;
	assert_int_equal(netns_path("/var/run/docker/netns/abc", p, sizeof(p), &e), 0);
	assert_string_equal(p, "/var/run/docker/netns/abc");
	assert_int_equal(netns_path("./ns", p, sizeof(p), &e), 0);
	assert_string_equal(p, "./ns");
}

static void pid_spec_names_that_process_namespace(void **state)
{
	char p[256];
	struct terr e;

	(void)state;
	assert_int_equal(netns_path("pid:4242", p, sizeof(p), &e), 0);
	assert_string_equal(p, "/proc/4242/ns/net");
}

static void a_bad_pid_spec_is_one_line_naming_it(void **state)
{
	char p[256];
	struct terr e;

	(void)state;
	assert_int_equal(netns_path("pid:abc", p, sizeof(p), &e), -1);
	assert_string_equal(e.msg, "-N pid:abc: 'abc' is not a process id (write pid:1234)");
	assert_int_equal(netns_path("pid:", p, sizeof(p), &e), -1);
	assert_int_equal(netns_path("pid:-3", p, sizeof(p), &e), -1);
	assert_int_equal(netns_path("pid:12x", p, sizeof(p), &e), -1);
}

static void dot_names_are_not_namespaces(void **state)
{
	char p[256];
	struct terr e;

	(void)state;
	assert_int_equal(netns_path("..", p, sizeof(p), &e), -1);
	assert_string_equal(e.msg, "-N ..: '..' is not a network namespace name");
	assert_int_equal(netns_path(".", p, sizeof(p), &e), -1);
}

static void a_missing_name_says_where_it_looked(void **state)
{
	struct terr e;

	(void)state;
	assert_int_equal(netns_enter("tcptop-no-such-ns", &e), -1);
	assert_string_equal(e.msg, "no network namespace 'tcptop-no-such-ns' under /run/netns");
}

static void a_file_that_is_no_namespace_is_refused(void **state)
{
	struct terr e;

	(void)state;
	assert_int_equal(netns_enter("/etc/hostname", &e), -1);
	assert_string_equal(e.msg, "'/etc/hostname' is not a network namespace");
}

static void the_given_spec_is_the_display_name(void **state)
{
	char b[64];

	(void)state;
	netns_describe("pid:1", b, sizeof(b));
	assert_string_equal(b, "pid:1");
	netns_describe(NULL, b, sizeof(b));
	assert_true(strlen(b) > 0); /* "host" or a name, depending on where the test runs */
}

/* The host's descriptors are opened even when the namespace cannot be entered. */
static void host_sysctls_are_kept_whatever_the_spec(void **state)
{
	struct tunables_host h;
	struct terr e;

	(void)state;
	assert_int_equal(netns_enter_keeping_host("tcptop-no-such-ns", NULL, &h, &e), -1);
	if (access("/proc/sys/net/ipv4/tcp_mem", R_OK) == 0)
		assert_true(h.fd[TUN_TCP_MEM] >= 0);
	assert_true(h.fd[TUN_SOMAXCONN] < 0);
	tunables_host_close(&h);
	assert_true(h.fd[TUN_TCP_MEM] < 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_name_is_looked_up_under_run_netns),
		cmocka_unit_test(anything_with_a_slash_is_a_path),
		cmocka_unit_test(pid_spec_names_that_process_namespace),
		cmocka_unit_test(a_bad_pid_spec_is_one_line_naming_it),
		cmocka_unit_test(dot_names_are_not_namespaces),
		cmocka_unit_test(a_missing_name_says_where_it_looked),
		cmocka_unit_test(a_file_that_is_no_namespace_is_refused),
		cmocka_unit_test(the_given_spec_is_the_display_name),
		cmocka_unit_test(host_sysctls_are_kept_whatever_the_spec),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
