/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_version: --version probes the running kernel and names what it found and what is missing. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#include "version.h"

static char *written(const struct version_probe *p, const char *curses)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	version_write(f, p, curses);
	fclose(f);
	return buf;
}

static void the_probe_reads_the_running_kernel(void **state)
{
	struct version_probe p;

	(void)state;
	version_probe(&p);
	assert_true(p.kernel[0] != '\0');
	/* every kernel since 2.6 fills at least the 104 bytes up to pacing_rate */
	assert_true(p.tcp_info_len >= 104);
	assert_true(p.tcp_info_len < 1024);
	/* a feature is there, or says why not */
	assert_true(p.one_walk.ok || p.one_walk.why[0]);
	assert_true(p.destroy.ok || p.destroy.why[0]);
}

/*
 * Destroy events exist since 4.2: unless the kernel refused the groups
 * (EPERM), a closed socket's event must really arrive. An unbound netlink
 * socket joins the groups but never gets one (port id 0 is the sender's).
 */
static void destroy_events_arrive_where_the_groups_can_be_joined(void **state)
{
	struct version_probe p;

	(void)state;
	version_probe(&p);
	if (p.destroy.err == EPERM)
		skip();
	if (!p.destroy.ok)
		fail_msg("destroy events: %s", p.destroy.why);
}

static void the_report_names_version_features_and_libraries(void **state)
{
	struct version_probe p;
	char *s;
	char line[128];

	(void)state;
	version_probe(&p);
	s = written(&p, "ncurses 6.4.20221231");
	assert_true(strncmp(s, "tcptop " TCPTOP_VERSION "\n",
			    strlen("tcptop " TCPTOP_VERSION) + 1) == 0);
	assert_non_null(strstr(s, p.kernel));
	assert_non_null(strstr(s, "one-walk dump"));
	assert_non_null(strstr(s, "destroy events"));
	snprintf(line, sizeof(line), "tcp_info         %d bytes", p.tcp_info_len);
	assert_non_null(strstr(s, line));
	snprintf(line, sizeof(line), "libzstd          %s\n", ZSTD_versionString());
	assert_non_null(strstr(s, line));
	assert_non_null(strstr(s, "libmnl           "));
	assert_null(strstr(s, "libmnl           unknown"));
	assert_non_null(strstr(s, "curses           ncurses 6.4.20221231\n"));
	free(s);
	s = written(&p, NULL);
	assert_null(strstr(s, "curses"));
	free(s);
}

static void a_missing_feature_says_why(void **state)
{
	struct version_probe p = { .kernel = "4.1.0", .tcp_info_len = 104 };
	char *s;

	(void)state;
	snprintf(p.one_walk.why, sizeof(p.one_walk.why), "sock_diag: Operation not supported");
	snprintf(p.destroy.why, sizeof(p.destroy.why),
		 "joining the destroy groups: Operation not permitted (needs CAP_NET_ADMIN)");
	s = written(&p, NULL);
	assert_non_null(strstr(s, "one-walk dump    no: sock_diag: Operation not supported\n"));
	assert_non_null(strstr(s, "destroy events   no: joining the destroy groups: Operation not "
				  "permitted (needs CAP_NET_ADMIN)\n"));
	assert_non_null(strstr(s, "tcp_info         104 bytes (tcptop reads up to 280)\n"));
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_probe_reads_the_running_kernel),
		cmocka_unit_test(destroy_events_arrive_where_the_groups_can_be_joined),
		cmocka_unit_test(the_report_names_version_features_and_libraries),
		cmocka_unit_test(a_missing_feature_says_why),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
