/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_filter: the filter language: every primitive, precedence, errors, matching, and the kernel part against a model and the real kernel. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <linux/inet_diag.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "diag.h"
#include "filter.h"
#include "strbuf.h"
#include "testutil.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define SB(s) (1u << (s))

/* Parses text that must be valid and returns its canonical form (static buffer). */
static const char *canon(const char *text)
{
	static char out[1024];
	struct strbuf sb = STRBUF_INIT;
	struct terr e;
	struct filter *f = filter_parse(text, &e);

	if (!f)
		fail_msg("'%s' did not parse: %s", text, e.msg);
	filter_describe(f, &sb);
	snprintf(out, sizeof(out), "%s", sb_str(&sb));
	sb_free(&sb);
	filter_free(f);
	return out;
}

/* The error message of text that must be invalid (static buffer). */
static const char *error_of(const char *text)
{
	static struct terr e;
	struct filter *f = filter_parse(text, &e);

	if (f) {
		filter_free(f);
		fail_msg("'%s' parsed but should not have", text);
	}
	if (!terr_isset(&e))
		fail_msg("'%s' gave no filter and no error", text);
	return e.msg;
}

struct canon_case {
	const char *in, *out;
};

static void check_canon(const struct canon_case *cases, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *got = canon(cases[i].in);

		if (strcmp(got, cases[i].out))
			fail_msg("'%s' parsed as '%s', want '%s'", cases[i].in, got, cases[i].out);
		/* The canonical form parses back to itself. */
		if (strcmp(canon(cases[i].out), cases[i].out))
			fail_msg("'%s' does not parse back to itself", cases[i].out);
	}
}

static void every_port_primitive_and_comparison(void **state)
{
	static const struct canon_case cases[] = {
		{ "port 80", "port 80" },
		{ "sport 22", "sport 22" },
		{ "dport 5432", "dport 5432" },
		{ "dport 0", "dport 0" },
		{ "dport 65535", "dport 65535" },
		{ "sport 1000-2000", "sport 1000-2000" },
		{ "port 1-1", "port 1" },
		{ "dport >= 1024", "dport >= 1024" },
		{ "dport > 1023", "dport >= 1024" },
		{ "dport <= 1023", "dport <= 1023" },
		{ "dport < 1024", "dport <= 1023" },
		{ "dport = 80", "dport 80" },
		{ "dport == 80", "dport 80" },
		{ "dport != 80", "not dport 80" },
		{ "port != 22", "not port 22" },
		{ "dport eq 80", "dport 80" },
		{ "dport ne 80", "not dport 80" },
		{ "dport gt 80", "dport >= 81" },
		{ "dport lt 80", "dport <= 79" },
		{ "dport ge 80", "dport >= 80" },
		{ "dport le 80", "dport <= 80" },
		{ "dport geq 80", "dport >= 80" },
		{ "dport leq 80", "dport <= 80" },
		{ "dport neq 80", "not dport 80" },
		{ "dport>=1024", "dport >= 1024" },
		{ "dport = :443", "dport 443" },
		{ "sport :443", "sport 443" },
		{ ":443", "port 443" },
		{ "dport >= 0", "dport <= 65535" },
		{ "DPORT 1", "dport 1" },
	};

	(void)state;
	check_canon(cases, NELEM(cases));
}

static void every_address_form(void **state)
{
	static const struct canon_case cases[] = {
		{ "src 10.0.0.1", "src 10.0.0.1/32" },
		{ "dst 10.0.0.0/8", "dst 10.0.0.0/8" },
		{ "dst 10/8", "dst 10.0.0.0/8" },
		{ "dst 192.168/16", "dst 192.168.0.0/16" },
		{ "dst 0.0.0.0/0", "dst 0.0.0.0/0" },
		{ "src 10.0.0.1:80", "src 10.0.0.1/32:80" },
		{ "src 10.0.0.0/8:80", "src 10.0.0.0/8:80" },
		{ "src 10.0.0.1:*", "src 10.0.0.1/32" },
		{ "src ::1", "src [::1]/128" },
		{ "src [::1]", "src [::1]/128" },
		{ "src [::1]:22", "src [::1]/128:22" },
		{ "dst fe80::/10", "dst [fe80::]/10" },
		{ "dst [fe80::]/10:443", "dst [fe80::]/10:443" },
		{ "dst [2001:db8::1]/64", "dst [2001:db8::1]/64" },
		{ "src [10.0.0.1]:80", "src 10.0.0.1/32:80" },
		{ "src [::ffff:10.0.0.1]", "src [::ffff:10.0.0.1]/128" },
		{ "host 10.1.2.3", "host 10.1.2.3/32" },
		{ "host [::1]:80", "host [::1]/128:80" },
		{ "src *", "src *" },
		{ "src *:80", "src *:80" },
		{ "src :80", "src *:80" },
		{ "src = 10.0.0.1", "src 10.0.0.1/32" },
		{ "src == 10.0.0.1", "src 10.0.0.1/32" },
		{ "src eq 10.0.0.1", "src 10.0.0.1/32" },
		{ "src != 10.0.0.1", "not src 10.0.0.1/32" },
		{ "dst ne [::1]", "not dst [::1]/128" },
	};

	(void)state;
	check_canon(cases, NELEM(cases));
}

static void every_state_name_and_group(void **state)
{
	static const struct canon_case cases[] = {
		{ "state established", "state established" },
		{ "state syn-sent", "state syn-sent" },
		{ "state syn-recv", "state syn-recv" },
		{ "state fin-wait-1", "state fin-wait-1" },
		{ "state fin-wait-2", "state fin-wait-2" },
		{ "state time-wait", "state time-wait" },
		{ "state close", "state close" },
		{ "state close-wait", "state close-wait" },
		{ "state last-ack", "state last-ack" },
		{ "state listen", "state listen" },
		{ "state closing", "state closing" },
		{ "state ESTAB", "state established" },
		{ "STATE Time-Wait", "state time-wait" },
		{ "state listening", "state listen" },
		{ "state closed", "state close" },
		{ "state unconnected", "state close" },
		{ "state syn-rcv", "state syn-recv" },
		{ "state connected", "state connected" },
		{ "state synchronized", "state synchronized" },
		{ "state bucket", "state bucket" },
		{ "state big", "state big" },
		{ "state all", "state all" },
	};

	(void)state;
	check_canon(cases, NELEM(cases));
}

/* proc and pid match the process attribution, in user space only. */
static void process_primitives_parse_and_stay_out_of_the_kernel(void **state)
{
	static const struct canon_case cases[] = {
		{ "proc nginx", "proc nginx" },
		{ "pid 812", "pid 812" },
		{ "proc a-very-long-command-name", "proc a-very-long-com" }, /* comm: 15 bytes */
		{ "dport 80 and proc nginx", "(dport 80 and proc nginx)" },
	};
	struct terr e = { { 0 } };
	struct filter *f;
	struct diag_req req = { 0 };

	(void)state;
	check_canon(cases, sizeof(cases) / sizeof(cases[0]));
	assert_null(filter_parse("pid 0", &e));
	assert_string_equal(e.msg, "pid 0: process id out of range at column 5");
	assert_null(filter_parse("pid x1", &e));
	assert_string_equal(e.msg, "pid x1: 'x1' is not a process id at column 5");
	assert_null(filter_parse("proc", &e));
	assert_string_equal(e.msg, "proc: expected a process name at column 5");
	/* the kernel part: a process primitive is "maybe"; the port still narrows */
	f = filter_parse("dport 80 and proc nginx", &e);
	assert_non_null(f);
	assert_true(filter_needs_procs(f));
	filter_kernel_req(f, &req);
	assert_non_null(req.bc);
	filter_free(f);
	f = filter_parse("proc nginx", &e);
	req = (struct diag_req){ 0 };
	filter_kernel_req(f, &req);
	assert_null(req.bc); /* nothing for the kernel to test */
	filter_free(f);
	f = filter_parse("dport 80", &e);
	assert_false(filter_needs_procs(f));
	filter_free(f);
	/* a conn alone carries no process: proc never matches it, not proc always does */
	{
		struct conn c = { 0 };

		f = filter_parse("proc nginx", &e);
		assert_false(filter_match_conn(f, &c));
		filter_free(f);
		f = filter_parse("not proc nginx", &e);
		assert_true(filter_match_conn(f, &c));
		filter_free(f);
	}
}

/* netns NAME: user space only (a dump is of one namespace); matches the row's namespace by name. */
static void netns_primitive_matches_the_rows_namespace_only(void **state)
{
	static const struct canon_case cases[] = {
		{ "netns blue", "netns blue" },
		{ "netns net:[4026532280] or dport 80", "(netns net:[4026532280] or dport 80)" },
	};
	struct frame_ns blue = { .kind = NSK_NAMED, .name = "blue" };
	struct frame_ns dock = { .kind = NSK_CONTAINER, .name = "docker:0123456789ab" };
	struct conn c = { .state = TS_ESTABLISHED, .dport = 80 };
	struct row r = { .c = &c };
	struct frame fr = { 0 };
	struct diag_req req = { 0 };
	struct terr e = { { 0 } };
	struct filter *f;

	(void)state;
	check_canon(cases, sizeof(cases) / sizeof(cases[0]));
	assert_null(filter_parse("netns", &e));
	assert_string_equal(e.msg, "netns: expected a network namespace name at column 6");
	f = filter_parse("netns blue", &e);
	assert_non_null(f);
	assert_false(filter_needs_procs(f));
	filter_kernel_req(f, &req);
	assert_null(req.bc); /* the kernel cannot tell namespaces apart: it passes them all */
	assert_false(filter_match(f, &r)); /* no -N all: no namespace */
	frame_set_ns(&fr, &r, &blue);
	assert_true(filter_match(f, &r));
	frame_set_ns(&fr, &r, &dock);
	assert_false(filter_match(f, &r));
	filter_free(f);
	/* a container also by more of its id than the 12 digits shown */
	f = filter_parse("netns docker:0123456789abcdef", &e);
	assert_true(filter_match(f, &r));
	filter_free(f);
	f = filter_parse("netns docker:0123", &e);
	assert_false(filter_match(f, &r));
	filter_free(f);
	/* with a port the kernel still narrows the dump */
	f = filter_parse("netns blue and dport 80", &e);
	req = (struct diag_req){ 0 };
	filter_kernel_req(f, &req);
	assert_non_null(req.bc);
	filter_free(f);
	frame_free(&fr);
}

static void not_binds_tighter_than_and_and_tighter_than_or(void **state)
{
	static const struct canon_case cases[] = {
		{ "sport 1 or sport 2 and sport 3", "(sport 1 or (sport 2 and sport 3))" },
		{ "sport 1 and sport 2 or sport 3", "((sport 1 and sport 2) or sport 3)" },
		{ "not sport 1 and sport 2", "(not sport 1 and sport 2)" },
		{ "not sport 1 or sport 2", "(not sport 1 or sport 2)" },
		{ "not (sport 1 or sport 2)", "not (sport 1 or sport 2)" },
		{ "sport 1 sport 2", "(sport 1 and sport 2)" },
		{ "sport 1 sport 2 or sport 3", "((sport 1 and sport 2) or sport 3)" },
		{ "(sport 1 or sport 2) sport 3", "((sport 1 or sport 2) and sport 3)" },
		{ "sport 1 and sport 2 and sport 3", "(sport 1 and sport 2 and sport 3)" },
		{ "sport 1 or sport 2 or sport 3", "(sport 1 or sport 2 or sport 3)" },
		{ "! sport 1 && sport 2 || sport 3", "((not sport 1 and sport 2) or sport 3)" },
		{ "!sport 1&sport 2|sport 3", "((not sport 1 and sport 2) or sport 3)" },
		{ "not not sport 1", "not not sport 1" },
		{ "((sport 1))", "sport 1" },
		{ "(sport 1 or sport 2) and (dport 3 or dport 4)",
		  "((sport 1 or sport 2) and (dport 3 or dport 4))" },
		{ "NOT sport 1 AND sport 2 OR sport 3", "((not sport 1 and sport 2) or sport 3)" },
		{ "dst 10.0.0.0/8 and state established",
		  "(dst 10.0.0.0/8 and state established)" },
		{ "port 443 and not src 127.0.0.1", "(port 443 and not src 127.0.0.1/32)" },
	};

	(void)state;
	check_canon(cases, NELEM(cases));
}

static void errors_name_the_column_and_what_was_expected(void **state)
{
	static const struct canon_case cases[] = {
		{ "dport 99999", "dport 99999: port out of range at column 7" },
		{ "dport", "dport: expected a port number at column 6" },
		{ "dport abc", "dport abc: expected a port number at column 7" },
		{ "sport 2000-1000", "sport 2000-1000: port range 2000-1000 is empty at column 7" },
		{ "sport 10-", "sport 10-: expected a port number at column 10" },
		{ "sport 10-70000", "sport 10-70000: port out of range at column 10" },
		{ "dport >= 10-20",
		  "dport >= 10-20: a port range takes no comparison at column 10" },
		{ "dport > 65535", "dport > 65535: no port is above 65535 at column 9" },
		{ "dport < 0", "dport < 0: no port is below 0 at column 9" },
		{ "state foo", "state foo: unknown state 'foo' at column 7 (e.g. established, "
			       "listen, time-wait, or all)" },
		{ "state establ",
		  "state establ: unknown state 'establ' at column 7 (did you mean established?)" },
		{ "state fin", "state fin: unknown state 'fin' at column 7 (e.g. established, "
			       "listen, time-wait, or all)" },
		{ "port 80 and (sport 1 or dport 2))",
		  "...(sport 1 or dport 2)): unbalanced ')' at column 33" },
		{ "port 80 and (sport 1", "port 80 and (sport 1: unbalanced '(' at column 13" },
		{ ")", "): unbalanced ')' at column 1" },
		{ "=", "=: expected a port, address, name, keyword or '(' at column 1" },
		{ "port 80 and",
		  "port 80 and: expected a port, address, name, keyword or '(' after 'and' at "
		  "column 12" },
		{ "port 80 or or port 1",
		  "port 80 or or: expected a port, address, name, keyword or '(' after 'or' at "
		  "column 12" },
		{ "not", "not: expected a port, address, name, keyword or '(' after 'not' at "
			 "column 4" },
		{ "()",
		  "(): expected a port, address, name, keyword or '(' after '(' at column 2" },
		{ "port 80 = 3", "port 80 =: unexpected '=' at column 9" },
		{ "src", "src: expected an address at column 4" },
		{ "src 80", "src 80: expected an address (10.0.0.1, 10.0.0.0/8, [::1]) at column "
			    "5; a port alone is :PORT" },
		{ "src bogus",
		  "src bogus: expected an address (10.0.0.1, 10.0.0.0/8, [::1]) at column 5" },
		{ "src 10.0.0",
		  "src 10.0.0: expected an address (10.0.0.1, 10.0.0.0/8, [::1]) at column 5" },
		{ "src 10.0.0.256", "src 10.0.0.256: expected an address (10.0.0.1, 10.0.0.0/8, "
				    "[::1]) at column 5" },
		{ "src 10.0.0.0/33",
		  "src 10.0.0.0/33: prefix length out of range (0-32) at column 14" },
		{ "src [::1]/129",
		  "src [::1]/129: prefix length out of range (0-128) at column 11" },
		{ "src 10.0.0.0/", "src 10.0.0.0/: expected a prefix length at column 14" },
		{ "src *:/8", "src *:/8: expected a port number at column 7" },
		{ "src */8", "src */8: a prefix length needs an address at column 6" },
		{ "src [::1", "src [::1: missing ']' after the address at column 5" },
		{ "src [::1]x", "src [::1]x: unexpected 'x' after the address at column 10" },
		{ "src 1.2.3.4:99999", "src 1.2.3.4:99999: port out of range at column 13" },
		{ "src > 1.2.3.4", "src >: an address compares with = or != only at column 5" },
		{ "state", "state: expected a state name at column 6 (e.g. established, listen, "
			   "time-wait, or all)" },
		/* bare words: errors of the primitive they stand for */
		{ "99999", "99999: port out of range at column 1" },
		{ "7002-7001", "7002-7001: port range 7002-7001 is empty at column 1" },
		{ "10.0.0.300",
		  "10.0.0.300: expected an address (10.0.0.1, 10.0.0.0/8, [::1]) at column 1" },
		{ "10.0.0.0/40", "10.0.0.0/40: prefix length out of range (0-32) at column 10" },
	};

	(void)state;
	for (size_t i = 0; i < NELEM(cases); i++) {
		const char *got = error_of(cases[i].in);

		if (strcmp(got, cases[i].out))
			fail_msg("'%s':\n got  %s\n want %s", cases[i].in, got, cases[i].out);
	}
}

static void a_long_expression_is_quoted_from_its_end(void **state)
{
	const char *got = error_of("port 1 or port 2 or port 3 or port 4 or port 5 or port 99999");

	(void)state;
	assert_string_equal(got, "... port 5 or port 99999: port out of range at column 56");
}

/*
 * Every message is complete within FILTER_MSG_MAX characters, however long
 * the expression or its bad word: a status line shows it whole (it was cut
 * at 160 columns, mid-word, "at colu").
 */
static void every_error_fits_in_a_status_line(void **state)
{
	static const char *const tails[] = {
		"state xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
		"src 80",
		"src 10.0.0.1xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
		"src [::1]/129",
		"port 1 = xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
		"(port 1 or",
		"port 1 and and",
		"src [::1]xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
		"sport 65536-70000000000000000000000",
		"pid 99999999999999999999999999999999",
		"state",
		"10.0.0.3000000000000000000000000000000000000",
		"dport99999999999999999999999999999999999999999999",
		"sprt",
	};
	char buf[FILTER_MAX_TEXT];

	(void)state;
	for (size_t i = 0; i < NELEM(tails); i++) {
		for (int prefix = 0; prefix < 2; prefix++) {
			size_t k = 0;
			const char *msg;

			/* a long expression before the bad part: the column has four digits */
			while (prefix && k < 3000)
				k += (size_t)snprintf(buf + k, sizeof(buf) - k, "port 1 or ");
			snprintf(buf + k, sizeof(buf) - k, "%s", tails[i]);
			msg = error_of(buf);
			if (strlen(msg) > FILTER_MSG_MAX)
				fail_msg("%zu characters: %s", strlen(msg), msg);
			assert_non_null(strstr(msg, " at column "));
		}
	}
}

static void bare_words_are_ports_hosts_and_process_names(void **state)
{
	static const struct canon_case cases[] = {
		{ "7002", "port 7002" },
		{ "7000-7010", "port 7000-7010" },
		{ "10.0.0.1", "host 10.0.0.1/32" },
		{ "10.0.0.0/8", "host 10.0.0.0/8" },
		{ "10/8", "host 10.0.0.0/8" },
		{ "::1", "host [::1]/128" },
		{ "[::1]:22", "host [::1]/128:22" },
		{ "fe80::/10", "host [fe80::]/10" },
		{ "10.0.0.1:80", "host 10.0.0.1/32:80" },
		{ "*:80", "host *:80" },
		{ "python", "proc python" },
		{ "python3.11", "proc python3.11" },
		{ "cafe", "proc cafe" }, /* hex letters alone are a name */
		{ "kworker/0:1", "proc kworker/0:1" },
		{ "python 7002", "(proc python and port 7002)" },
		{ "not 22 and 10.0.0.0/8", "(not port 22 and host 10.0.0.0/8)" },
		{ "7002 or 7003", "(port 7002 or port 7003)" },
		/* keywords still win; the language itself is unchanged */
		{ "port 7002", "port 7002" },
		{ ":7002", "port 7002" },
		{ "state listen", "state listen" },
		{ "host ::1", "host [::1]/128" },
		{ "Not 22", "not port 22" },
	};
	struct terr e;
	struct filter *f;

	(void)state;
	check_canon(cases, NELEM(cases));
	/* a bare name is `proc NAME`: it needs process attribution, as `proc` does */
	f = filter_parse("python", &e);
	assert_true(filter_needs_procs(f));
	filter_free(f);
	f = filter_parse("7002", &e);
	assert_false(filter_needs_procs(f));
	filter_free(f);
	/* and they match as the primitives they stand for */
	{
		struct conn c = { .family = AF_INET, .sport = 7002, .dport = 40000 };

		tu_addrs(&c, NULL, "10.1.2.3", "192.0.2.1");
		f = filter_parse("7002 10/8", &e);
		assert_true(filter_match_conn(f, &c));
		filter_free(f);
		f = filter_parse("40000 192.0.2.0/24", &e);
		assert_true(filter_match_conn(f, &c));
		filter_free(f);
		f = filter_parse("7003", &e);
		assert_false(filter_match_conn(f, &c));
		filter_free(f);
	}
}

/* A mistyped keyword is not silently a process that matches nothing. */
static void mistyped_keywords_are_errors_with_the_likely_keyword(void **state)
{
	static const struct canon_case errors[] = {
		{ "sprt 80", "sprt: did you mean 'sport'? at column 1; a process name is written "
			     "proc NAME" },
		{ "prot 80", "prot: did you mean 'port'? at column 1; a process name is written "
			     "proc NAME" },
		{ "stat listen", "stat: did you mean 'state'? at column 1; a process name is "
				 "written proc NAME" },
		{ "port 1 adn port 2", "port 1 adn: did you mean 'and'? at column 8; a process "
				       "name is written proc NAME" },
		{ "dport80", "dport80: did you mean 'dport 80'? at column 1" },
		{ "src10.0.0.1", "src10.0.0.1: did you mean 'src 10.0.0.1'? at column 1" },
		{ "host[::1]", "host[::1]: did you mean 'host [::1]'? at column 1" },
	};
	static const struct canon_case names[] = {
		/* a letter added is a daemon's name, not a typo; proc takes any name */
		{ "procd", "proc procd" },          { "hostd", "proc hostd" },
		{ "proc1", "proc proc1" },          { "sshd", "proc sshd" },
		{ "ports", "proc ports" },          { "proc sprt", "proc sprt" },
		{ "proc dport80", "proc dport80" },
	};

	(void)state;
	for (size_t i = 0; i < NELEM(errors); i++) {
		const char *got = error_of(errors[i].in);

		if (strcmp(got, errors[i].out))
			fail_msg("'%s':\n got  %s\n want %s", errors[i].in, got, errors[i].out);
	}
	check_canon(names, NELEM(names));
}

static void the_keyword_list_names_every_primitive_operator_and_state(void **state)
{
	static const char *const must[] = { "port",   "sport",     "dport",       "src",
					    "dst",    "host",      "state",       "proc",
					    "pid",    "netns",     "and",         "or",
					    "not",    "eq",        "established", "time-wait",
					    "listen", "connected", "all" };
	size_t n = 0;

	(void)state;
	for (size_t i = 0; filter_keyword(i).word; i++) {
		struct filter_word w = filter_keyword(i);

		assert_true(w.kind == FW_PRIMITIVE || w.kind == FW_LOGIC || w.kind == FW_COMPARE ||
			    w.kind == FW_STATE);
		n++;
	}
	assert_true(n > 20);
	for (size_t k = 0; k < NELEM(must); k++) {
		bool found = false;

		for (size_t i = 0; filter_keyword(i).word; i++)
			found |= !strcmp(filter_keyword(i).word, must[k]);
		if (!found)
			fail_msg("'%s' is not in filter_keyword()", must[k]);
	}
	/* every primitive listed parses as one, every state as a state */
	for (size_t i = 0; filter_keyword(i).word; i++) {
		struct filter_word w = filter_keyword(i);
		char text[64];
		struct terr e;
		struct filter *f;

		if (w.kind != FW_STATE)
			continue;
		snprintf(text, sizeof(text), "state %s", w.word);
		f = filter_parse(text, &e);
		if (!f)
			fail_msg("'%s': %s", text, e.msg);
		filter_free(f);
	}
}

static void blank_text_is_no_filter(void **state)
{
	static const char *blanks[] = { "", " ", "\t \n", NULL };
	struct terr e;

	(void)state;
	for (size_t i = 0; i < NELEM(blanks); i++) {
		strcpy(e.msg, "stale");
		assert_null(filter_parse(blanks[i], &e));
		assert_false(terr_isset(&e));
	}
	/* NULL is "no filter" everywhere. */
	struct conn c = { .state = TS_LISTEN };
	struct row r = { .c = &c };
	struct diag_req req = { 0 };

	assert_true(filter_match(NULL, &r));
	filter_kernel_req(NULL, &req);
	assert_int_equal(req.states, TS_ALL_MASK);
	assert_null(req.bc);
	assert_int_equal(req.bclen, 0);
	assert_null(filter_text(NULL));
}

static void nesting_and_length_are_limited(void **state)
{
	char buf[FILTER_MAX_TEXT + 64];
	size_t k = 0;

	(void)state;
	/* 64 levels of `not` are fine, 65 are not. */
	for (int i = 0; i < FILTER_MAX_DEPTH; i++)
		k += (size_t)sprintf(buf + k, "not ");
	sprintf(buf + k, "port 1");
	assert_non_null(strstr(canon(buf), "not not port 1"));
	sprintf(buf + k, "not port 1");
	assert_string_equal(error_of(buf), "...ot not not not port 1: expression nested too "
					   "deeply (more than 64 levels) at column 1");

	/* and/or groups count as levels, as the canonical form writes them. */
	k = 0;
	for (int i = 0; i < 33; i++) /* two levels each: or, and */
		k += (size_t)sprintf(buf + k, "(port %d or port 2 port 3 and ", i);
	k += (size_t)sprintf(buf + k, "port 1");
	for (int i = 0; i < 33; i++)
		buf[k++] = ')';
	buf[k] = '\0';
	assert_non_null(strstr(error_of(buf), "expression nested too deeply (more than 64 levels) "
					      "at column 1"));

	/* Parentheses that group nothing new are free, up to a bound on the recursion. */
	k = 0;
	for (int i = 0; i < FILTER_MAX_PARENS; i++)
		buf[k++] = '(';
	k += (size_t)sprintf(buf + k, "port 1");
	for (int i = 0; i < FILTER_MAX_PARENS; i++)
		buf[k++] = ')';
	buf[k] = '\0';
	assert_string_equal(canon(buf), "port 1");
	memmove(buf + 1, buf, k + 1);
	buf[0] = '(';
	assert_non_null(strstr(error_of(buf), "more than 256 nested parentheses and 'not's at "
					      "column 257"));

	memset(buf, ' ', FILTER_MAX_TEXT + 1);
	memcpy(buf, "port 1", 6);
	buf[FILTER_MAX_TEXT + 1] = '\0';
	assert_non_null(strstr(error_of(buf), "filter longer than 4096 characters at column 4097"));
}

static void the_filter_keeps_its_text(void **state)
{
	char text[] = "dport 5432";
	struct terr e;
	struct filter *f = filter_parse(text, &e);

	(void)state;
	text[0] = 'X';
	assert_string_equal(filter_text(f), "dport 5432");
	filter_free(f);
}

/* ---- matching --------------------------------------------------------- */

static struct conn mk(const char *src, unsigned sport, const char *dst, unsigned dport,
		      unsigned state)
{
	struct conn c = { 0 };

	c.family = strchr(src, ':') ? AF_INET6 : AF_INET;
	assert_int_equal(tu_addrs(&c, NULL, src, dst), 1);
	c.sport = (uint16_t)sport;
	c.dport = (uint16_t)dport;
	c.state = (uint8_t)state;
	return c;
}

static bool matches(const char *text, const struct conn *c)
{
	struct terr e;
	struct filter *f = filter_parse(text, &e);
	bool m;

	if (!f)
		fail_msg("'%s': %s", text, e.msg);
	m = filter_match_conn(f, c);
	filter_free(f);
	return m;
}

static void ports_match_their_side_or_either(void **state)
{
	struct conn c = mk("10.0.0.1", 5432, "10.0.0.2", 40000, TS_ESTABLISHED);

	(void)state;
	assert_true(matches("sport 5432", &c));
	assert_false(matches("dport 5432", &c));
	assert_true(matches("port 5432", &c));
	assert_true(matches("port 40000", &c));
	assert_true(matches(":40000", &c));
	assert_false(matches("port 22", &c));
	assert_true(matches("port != 22", &c));
	assert_false(matches("port != 5432", &c)); /* neither end may be 5432 */
	assert_true(matches("sport 5000-6000", &c));
	assert_true(matches("sport 5432-5432", &c));
	assert_false(matches("sport 5433-6000", &c));
	assert_true(matches("dport >= 40000", &c));
	assert_false(matches("dport > 40000", &c));
	assert_true(matches("dport <= 40000", &c));
	assert_false(matches("dport < 40000", &c));
	assert_true(matches("port > 39999 and port < 5433", &c));
}

static void addresses_match_prefixes_of_their_family(void **state)
{
	struct conn v4 = mk("10.1.2.3", 443, "192.168.1.9", 50000, TS_ESTABLISHED);
	struct conn v6 = mk("fd00::5", 443, "2001:db8::9", 50000, TS_ESTABLISHED);

	(void)state;
	assert_true(matches("src 10.0.0.0/8", &v4));
	assert_true(matches("src 10.1.2.3", &v4));
	assert_false(matches("src 10.1.2.4", &v4));
	assert_true(matches("src 10.1.2.2/31", &v4));
	assert_false(matches("src 10.1.2.0/31", &v4));
	assert_true(matches("src 10.1.2.0/30", &v4));
	assert_true(matches("src 0.0.0.0/1", &v4));
	assert_false(matches("src 128.0.0.0/1", &v4));
	assert_true(matches("dst 192.168.0.0/16", &v4));
	assert_false(matches("dst 10.0.0.0/8", &v4));
	assert_true(matches("host 192.168.1.9", &v4));
	assert_true(matches("host 10.1.2.3", &v4));
	assert_true(matches("src 10.1.2.3:443", &v4));
	assert_false(matches("src 10.1.2.3:444", &v4));
	assert_true(matches("src *:443", &v4));
	assert_true(matches("src *", &v4));
	assert_true(matches("dst 0.0.0.0/0", &v4));
	assert_false(matches("src [::ffff:10.1.2.3]", &v4)); /* a v6 prefix needs a v6 socket */
	assert_false(matches("src [fd00::]/8", &v4));

	assert_true(matches("src [fd00::]/8", &v6));
	assert_true(matches("src fd00::5", &v6));
	assert_true(matches("dst [2001:db8::]/32:50000", &v6));
	assert_false(matches("dst [2001:db8::]/32:50001", &v6));
	assert_false(matches("dst 0.0.0.0/0", &v6)); /* as the kernel: families must agree */
	assert_false(matches("src 10.0.0.0/8", &v6));
	assert_true(matches("src *", &v6));
}

static void v4_mapped_addresses_match_ipv4_prefixes(void **state)
{
	struct conn m = mk("::ffff:10.1.2.3", 80, "::ffff:127.0.0.1", 40000, TS_ESTABLISHED);

	(void)state;
	assert_true(matches("src 10.0.0.0/8", &m));
	assert_true(matches("src 10.1.2.3", &m));
	assert_true(matches("src 10.1.2.3:80", &m));
	assert_true(matches("dst 127.0.0.1", &m));
	assert_true(matches("host 127.0.0.0/8", &m));
	assert_true(matches("dst 0.0.0.0/0", &m));
	assert_false(matches("src 11.0.0.0/8", &m));
	/* ...and the v6 spelling still matches it as IPv6, as ss and the kernel do. */
	assert_true(matches("src [::ffff:10.1.2.3]", &m));
	assert_true(matches("src [::ffff:0:0]/96", &m));
	assert_false(matches("src [::1]", &m));
}

static void states_and_groups_are_ss_sets(void **state)
{
	static const struct {
		const char *group;
		uint32_t want;
	} groups[] = {
		{ "connected", SB(TS_ESTABLISHED) | SB(TS_SYN_SENT) | SB(TS_SYN_RECV) |
				       SB(TS_FIN_WAIT1) | SB(TS_FIN_WAIT2) | SB(TS_TIME_WAIT) |
				       SB(TS_CLOSE_WAIT) | SB(TS_LAST_ACK) | SB(TS_CLOSING) },
		{ "synchronized", SB(TS_ESTABLISHED) | SB(TS_SYN_RECV) | SB(TS_FIN_WAIT1) |
					  SB(TS_FIN_WAIT2) | SB(TS_TIME_WAIT) | SB(TS_CLOSE_WAIT) |
					  SB(TS_LAST_ACK) | SB(TS_CLOSING) },
		{ "bucket", SB(TS_SYN_RECV) | SB(TS_TIME_WAIT) },
		{ "big", SB(TS_ESTABLISHED) | SB(TS_SYN_SENT) | SB(TS_FIN_WAIT1) |
				 SB(TS_FIN_WAIT2) | SB(TS_CLOSE) | SB(TS_CLOSE_WAIT) |
				 SB(TS_LAST_ACK) | SB(TS_LISTEN) | SB(TS_CLOSING) },
		{ "all", 0xffeu },
	};
	char text[64];

	(void)state;
	for (unsigned s = 1; s <= TS_USER_LAST; s++) {
		struct conn c = mk("10.0.0.1", 1, "10.0.0.2", 2, s);

		snprintf(text, sizeof(text), "state %s", conn_state_keyword(s));
		for (unsigned t = 1; t <= TS_USER_LAST; t++) {
			struct conn d = mk("10.0.0.1", 1, "10.0.0.2", 2, t);

			assert_int_equal(matches(text, &d), s == t);
		}
		for (size_t g = 0; g < NELEM(groups); g++) {
			snprintf(text, sizeof(text), "state %s", groups[g].group);
			if (matches(text, &c) != ((groups[g].want & SB(s)) != 0))
				fail_msg("state %s in group %s: want %d", conn_state_keyword(s),
					 groups[g].group, (groups[g].want & SB(s)) != 0);
		}
	}
}

/* ---- the kernel part -------------------------------------------------- */

struct kpart {
	uint32_t states;
	size_t bclen;
};

static struct kpart kernel_part(const char *text)
{
	struct terr e;
	struct filter *f = filter_parse(text, &e);
	struct diag_req req = { 0 };
	struct kpart k;

	if (!f)
		fail_msg("'%s': %s", text, e.msg);
	filter_kernel_req(f, &req);
	k.states = req.states;
	k.bclen = req.bclen;
	if (req.bclen)
		assert_true(filter_bc_valid(req.bc, req.bclen));
	else
		assert_null(req.bc);
	filter_free(f);
	return k;
}

static void the_state_mask_is_a_superset(void **state)
{
	static const struct {
		const char *text;
		uint32_t states;
	} cases[] = {
		{ "state listen", SB(TS_LISTEN) },
		{ "state established or state listen", SB(TS_ESTABLISHED) | SB(TS_LISTEN) },
		{ "state established and state listen", 0 },
		{ "not state listen", TS_ALL_MASK & ~SB(TS_LISTEN) },
		{ "not not state listen", SB(TS_LISTEN) },
		{ "state listen and port 80", SB(TS_LISTEN) },
		{ "state listen or port 80", TS_ALL_MASK },
		{ "not (state listen and port 80)", TS_ALL_MASK },
		{ "not (state listen or port 80)", TS_ALL_MASK & ~SB(TS_LISTEN) },
		{ "port 80", TS_ALL_MASK },
		{ "state bucket", SB(TS_SYN_RECV) | SB(TS_TIME_WAIT) },
		/* A FIN_WAIT2 orphan is a TIME_WAIT socket to some kernels. */
		{ "state fin-wait-2", SB(TS_FIN_WAIT2) | SB(TS_TIME_WAIT) },
	};

	(void)state;
	for (size_t i = 0; i < NELEM(cases); i++) {
		struct kpart k = kernel_part(cases[i].text);

		if (k.states != cases[i].states)
			fail_msg("'%s': states %#x, want %#x", cases[i].text, k.states,
				 cases[i].states);
	}
}

static void states_alone_need_no_bytecode(void **state)
{
	(void)state;
	assert_int_equal(kernel_part("state listen").bclen, 0);
	assert_int_equal(kernel_part("not state listen").bclen, 0);
	assert_int_equal(kernel_part("state listen or port 80").bclen, 0);
	assert_int_equal(kernel_part("src *").bclen, 0);
	assert_int_equal(kernel_part("dport >= 0").bclen, 0);
	assert_true(kernel_part("state listen and port 80").bclen > 0);
	assert_true(kernel_part("port 80").bclen > 0);
}

static void bytecode_of_one_port_is_one_host_condition(void **state)
{
	struct terr e;
	struct filter *f = filter_parse("dport 5432", &e);
	struct diag_req req = { 0 };
	struct inet_diag_bc_op op;
	struct inet_diag_hostcond hc;

	(void)state;
	filter_kernel_req(f, &req);
	assert_int_equal(req.bclen, sizeof(op) + sizeof(hc));
	memcpy(&op, req.bc, sizeof(op));
	memcpy(&hc, (const char *)req.bc + sizeof(op), sizeof(hc));
	assert_int_equal(op.code, INET_DIAG_BC_D_COND);
	assert_int_equal(op.yes, 12);    /* go on: past the end, accept */
	assert_int_equal(op.no, 12 + 4); /* jump past the end + 4: reject */
	assert_int_equal(hc.family, AF_UNSPEC);
	assert_int_equal(hc.prefix_len, 0);
	assert_int_equal(hc.port, 5432);
	filter_free(f);
}

/* Without the privileges to read other users' processes, proc and pid say what they miss. */
static void process_filters_say_what_they_cannot_match_without_privilege(void **state)
{
	static const char *const procs[] = { "proc nginx", "pid 1", "port 80 or python" };
	static const char *const others[] = { "port 80", "state listen", "netns 1" };
	struct terr e;

	(void)state;
	for (size_t i = 0; i < NELEM(procs); i++) {
		struct filter *f = filter_parse(procs[i], &e);
		const char *note = filter_privilege_note(f, false);

		assert_non_null(f);
		assert_non_null(note);
		assert_non_null(strstr(note, "only your own processes"));
		assert_non_null(strstr(note, "CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH"));
		assert_null(filter_privilege_note(f, true));
		filter_free(f);
	}
	for (size_t i = 0; i < NELEM(others); i++) {
		struct filter *f = filter_parse(others[i], &e);

		assert_non_null(f);
		assert_null(filter_privilege_note(f, false));
		filter_free(f);
	}
	assert_null(filter_privilege_note(NULL, false));
}

static void a_too_long_program_falls_back_to_user_space(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct terr e;
	struct filter *f;
	struct diag_req req = { 0 };
	struct conn c = mk("::1", 2999, "::1", 1, TS_ESTABLISHED);

	(void)state;
	/* 200 ports of 12 bytes each, and 4 per "or": beyond FILTER_BC_MAX. */
	for (int i = 0; i < 200; i++)
		sb_printf(&sb, "%ssport %d", i ? " or " : "", 2800 + i);
	f = filter_parse(sb_str(&sb), &e);
	assert_non_null(f);
	filter_kernel_req(f, &req);
	assert_null(req.bc);
	assert_int_equal(req.states, TS_ALL_MASK);
	assert_true(filter_match_conn(f, &c));
	filter_free(f);
	sb_free(&sb);
}

/* ---- the superset property, on random expressions and sockets --------- */

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static unsigned rnd(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

static const char *const leaves[] = {
	"sport 80",
	"dport 443",
	"port 22",
	"sport 1000-2000",
	"dport >= 1024",
	"dport < 100",
	"port != 80",
	"sport > 65534",
	":443",
	"src 10.0.0.0/8",
	"dst 10.1.2.3",
	"src 127.0.0.1",
	"host [::1]",
	"src [fd00::]/8",
	"dst [::ffff:10.1.2.3]",
	"dst 0.0.0.0/0",
	"src *:80",
	"dst 10.0.0.0/8:443",
	"host 192.168.0.0/16",
	"src [::]/0",
	"src 0.0.0.0",
	"state established",
	"state listen",
	"state time-wait",
	"state fin-wait-2",
	"state connected",
	"state bucket",
	"state synchronized",
	"state syn-recv",
	"dst [fd00::1]/128:22",
};

static void gen(struct strbuf *sb, int depth)
{
	unsigned k = depth > 3 ? 0 : rnd(6);

	switch (k) {
	case 0:
	case 1:
		sb_puts(sb, leaves[rnd(NELEM(leaves))]);
		break;
	case 2:
		sb_puts(sb, "not ");
		gen(sb, depth + 1);
		break;
	default:
		sb_putc(sb, '(');
		gen(sb, depth + 1);
		sb_puts(sb, k == 3 ? " and " : k == 4 ? " or " : " ");
		gen(sb, depth + 1);
		sb_putc(sb, ')');
		break;
	}
}

static const char *const v4_pool[] = { "10.1.2.3",    "10.200.0.1", "127.0.0.1",
				       "192.168.7.7", "0.0.0.0",    "11.0.0.1" };
static const char *const v6_pool[] = {
	"::1", "fd00::1", "fd12::9", "::ffff:10.1.2.3", "::ffff:127.0.0.1", "::", "2001:db8::1"
};
static const unsigned port_pool[] = { 0, 22, 80, 99, 443, 1000, 1500, 2000, 2001, 50000, 65535 };

static struct conn random_conn(void)
{
	bool v6 = rnd(2);
	const char *const *pool = v6 ? v6_pool : v4_pool;
	size_t n = v6 ? NELEM(v6_pool) : NELEM(v4_pool);

	return mk(pool[rnd((unsigned)n)], port_pool[rnd(NELEM(port_pool))], pool[rnd((unsigned)n)],
		  port_pool[rnd(NELEM(port_pool))], 1 + rnd(TS_USER_LAST));
}

static bool has_state(const char *text)
{
	return strstr(text, "state") != NULL;
}

static void the_kernel_part_never_rejects_a_match(void **state)
{
	struct conn conns[200];
	int exact_checked = 0, rejected = 0;

	(void)state;
	for (size_t i = 0; i < NELEM(conns); i++)
		conns[i] = random_conn();
	for (int t = 0; t < 1500; t++) {
		struct strbuf sb = STRBUF_INIT;
		struct terr e;
		struct filter *f;
		struct diag_req req = { 0 };

		gen(&sb, 0);
		f = filter_parse(sb_str(&sb), &e);
		if (!f)
			fail_msg("'%s': %s", sb_str(&sb), e.msg);
		filter_kernel_req(f, &req);
		if (req.bc && !filter_bc_valid(req.bc, req.bclen))
			fail_msg("'%s': the kernel would refuse the bytecode", sb_str(&sb));
		for (size_t i = 0; i < NELEM(conns); i++) {
			bool m = filter_match_conn(f, &conns[i]);
			bool k = (req.states & SB(conns[i].state)) &&
				 (!req.bc || filter_bc_run(req.bc, req.bclen, &conns[i]));

			if (m && !k)
				fail_msg("'%s': the kernel part rejects a match (conn %zu)",
					 sb_str(&sb), i);
			/* Addresses and ports alone compile exactly. */
			if (!has_state(sb_str(&sb))) {
				if (m != k)
					fail_msg("'%s': bytecode not exact (conn %zu)", sb_str(&sb),
						 i);
				exact_checked++;
			}
			rejected += !k;
		}
		filter_free(f);
		sb_free(&sb);
	}
	/* The property is not vacuous: both kinds of checks ran and the kernel part filters. */
	assert_true(exact_checked > 5000);
	assert_true(rejected > 5000);
}

/* ---- against the real kernel, in a private network namespace ---------- */

struct kfix {
	int fds[64];
	int nfds;
	unsigned ports[4]; /* listener ports */
};

static int up_loopback(void)
{
	struct ifreq ifr = { 0 };
	int fd = socket(AF_INET, SOCK_DGRAM, 0), r;

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
	r = ioctl(fd, SIOCGIFFLAGS, &ifr);
	ifr.ifr_flags |= IFF_UP;
	if (r == 0)
		r = ioctl(fd, SIOCSIFFLAGS, &ifr);
	close(fd);
	return r;
}

static socklen_t sa(int family, const char *addr, unsigned port, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
		inet_pton(AF_INET, addr, &s4->sin_addr);
		return sizeof(*s4);
	}
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

	s6->sin6_family = AF_INET6;
	s6->sin6_port = htons((uint16_t)port);
	inet_pton(AF_INET6, addr, &s6->sin6_addr);
	return sizeof(*s6);
}

static unsigned listen_on(struct kfix *k, int family, const char *addr, unsigned port)
{
	struct sockaddr_storage ss;
	socklen_t len = sa(family, addr, port, &ss);
	int fd = socket(family, SOCK_STREAM, 0), zero = 0;

	if (family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
	assert_int_equal(bind(fd, (struct sockaddr *)&ss, len), 0);
	assert_int_equal(listen(fd, 64), 0);
	k->fds[k->nfds++] = fd;
	return port;
}

static void connect_to(struct kfix *k, int family, const char *addr, unsigned port, int lfd)
{
	struct sockaddr_storage ss;
	socklen_t len = sa(family, addr, port, &ss);
	int fd = socket(family, SOCK_STREAM, 0);

	assert_int_equal(connect(fd, (struct sockaddr *)&ss, len), 0);
	k->fds[k->nfds++] = fd;
	k->fds[k->nfds++] = accept(lfd, NULL, NULL);
}

static int kernel_setup(void **state)
{
	static struct kfix k;

	if (geteuid() != 0 || unshare(CLONE_NEWNET) < 0 || up_loopback() < 0) {
		*state = NULL;
		return 0;
	}
	memset(&k, 0, sizeof(k));
	/* Below the ephemeral range, so no client port falls among them. */
	k.ports[0] = listen_on(&k, AF_INET, "127.0.0.1", 20001);
	k.ports[1] = listen_on(&k, AF_INET, "127.0.0.1", 20002);
	k.ports[2] = listen_on(&k, AF_INET6, "::1", 20003);
	k.ports[3] =
		listen_on(&k, AF_INET6, "::", 20004); /* dual stack: v4 clients are v4-mapped */
	for (int i = 0; i < 3; i++) {
		connect_to(&k, AF_INET, "127.0.0.1", k.ports[0], k.fds[0]);
		connect_to(&k, AF_INET6, "::1", k.ports[2], k.fds[2]);
		connect_to(&k, AF_INET, "127.0.0.1", k.ports[3], k.fds[3]);
	}
	connect_to(&k, AF_INET, "127.0.0.1", k.ports[1], k.fds[1]);
	*state = &k;
	return 0;
}

static int kernel_teardown(void **state)
{
	struct kfix *k = *state;

	for (int i = 0; k && i < k->nfds; i++)
		close(k->fds[i]);
	return 0;
}

/* Both families through the diag module, as the collector dumps them. */
static void dump(struct diag *d, const struct diag_req *req, struct sample *s, struct terr *e)
{
	sample_reset(s);
	terr_clear(e);
	assert_int_equal(diag_dump(d, AF_INET, req, s, e), 0);
	assert_int_equal(diag_dump(d, AF_INET6, req, s, e), 0);
}

static bool has_cookie(const struct sample *s, uint64_t cookie)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->conns[i].cookie == cookie)
			return true;
	return false;
}

static void the_kernel_returns_exactly_the_matches(void **state)
{
	const struct kfix *k = *state;
	struct diag_req all = { TS_ALL_MASK, 0, NULL, 0 };
	struct sample every = { 0 }, got = { 0 };
	struct terr e;
	struct diag *d;
	char texts[12][96];

	if (!k)
		skip();
	snprintf(texts[0], 96, "sport %u", k->ports[0]);
	snprintf(texts[1], 96, "dport %u", k->ports[0]);
	snprintf(texts[2], 96, "port %u", k->ports[1]);
	snprintf(texts[3], 96, "src [::1] and dport %u", k->ports[2]);
	snprintf(texts[4], 96, "dst 127.0.0.1:%u", k->ports[3]);
	snprintf(texts[5], 96, "src 127.0.0.0/8 and sport %u", k->ports[3]); /* v4-mapped */
	snprintf(texts[6], 96, "not port %u and not port %u", k->ports[0], k->ports[3]);
	snprintf(texts[7], 96, "sport %u-%u", k->ports[0], k->ports[1]);
	snprintf(texts[8], 96, "state listen");
	snprintf(texts[9], 96, "state established and dport > %u", k->ports[2] - 1);
	snprintf(texts[10], 96, "state listen or dport %u", k->ports[1]);
	snprintf(texts[11], 96, "src [::ffff:127.0.0.1]");

	d = diag_open(&e);
	assert_non_null(d);
	dump(d, &all, &every, &e);
	assert_int_equal(every.n, 4 + 2 * 10);
	for (size_t t = 0; t < NELEM(texts); t++) {
		struct filter *f = filter_parse(texts[t], &e);
		struct diag_req req = all;
		size_t want = 0;

		assert_non_null(f);
		filter_kernel_req(f, &req);
		dump(d, &req, &got, &e);
		assert_false(terr_isset(&e));
		for (size_t i = 0; i < every.n; i++) {
			bool m = filter_match_conn(f, &every.conns[i]);

			want += m;
			if (m && !has_cookie(&got, every.conns[i].cookie))
				fail_msg("'%s': the kernel dropped a match", texts[t]);
		}
		/* Without `or state`, the kernel's answer is exact: it really filters. */
		if (t != 10 && got.n != want)
			fail_msg("'%s': the kernel returned %zu sockets, %zu match", texts[t],
				 got.n, want);
		if (want == 0 || want >= every.n)
			fail_msg("'%s' is not selective (%zu of %zu)", texts[t], want, every.n);
		filter_free(f);
	}
	sample_free(&every);
	sample_free(&got);
	diag_close(d);
}

static void refused_bytecode_falls_back_to_a_full_dump_once(void **state)
{
	const struct kfix *k = *state;
	/* An op the kernel does not know: what an older kernel says of a newer op. */
	static const struct inet_diag_bc_op bogus[2] = { { 200, 8, 12 }, { 0, 0, 0 } };
	struct diag_req bad = { TS_ALL_MASK, 0, bogus, sizeof(bogus) };
	struct diag_req all = { TS_ALL_MASK, 0, NULL, 0 };
	struct sample s = { 0 }, every = { 0 };
	struct terr e;
	struct diag *d;

	if (!k)
		skip();
	d = diag_open(&e);
	dump(d, &all, &every, &e);
	sample_reset(&s);
	terr_clear(&e);
	assert_int_equal(diag_dump(d, AF_INET, &bad, &s, &e), 0);
	assert_string_equal(e.msg, "the kernel refused the filter's bytecode (Invalid argument): "
				   "filtering in user space only");
	terr_clear(&e);
	assert_int_equal(diag_dump(d, AF_INET6, &bad, &s, &e), 0);
	assert_false(terr_isset(&e)); /* said once */
	assert_int_equal(s.n, every.n);
	dump(d, &bad, &s, &e);
	assert_false(terr_isset(&e));
	assert_int_equal(s.n, every.n);
	sample_free(&s);
	sample_free(&every);
	diag_close(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_port_primitive_and_comparison),
		cmocka_unit_test(netns_primitive_matches_the_rows_namespace_only),
		cmocka_unit_test(every_address_form),
		cmocka_unit_test(every_state_name_and_group),
		cmocka_unit_test(process_primitives_parse_and_stay_out_of_the_kernel),
		cmocka_unit_test(not_binds_tighter_than_and_and_tighter_than_or),
		cmocka_unit_test(errors_name_the_column_and_what_was_expected),
		cmocka_unit_test(a_long_expression_is_quoted_from_its_end),
		cmocka_unit_test(every_error_fits_in_a_status_line),
		cmocka_unit_test(bare_words_are_ports_hosts_and_process_names),
		cmocka_unit_test(mistyped_keywords_are_errors_with_the_likely_keyword),
		cmocka_unit_test(the_keyword_list_names_every_primitive_operator_and_state),
		cmocka_unit_test(blank_text_is_no_filter),
		cmocka_unit_test(nesting_and_length_are_limited),
		cmocka_unit_test(the_filter_keeps_its_text),
		cmocka_unit_test(ports_match_their_side_or_either),
		cmocka_unit_test(addresses_match_prefixes_of_their_family),
		cmocka_unit_test(v4_mapped_addresses_match_ipv4_prefixes),
		cmocka_unit_test(states_and_groups_are_ss_sets),
		cmocka_unit_test(the_state_mask_is_a_superset),
		cmocka_unit_test(states_alone_need_no_bytecode),
		cmocka_unit_test(bytecode_of_one_port_is_one_host_condition),
		cmocka_unit_test(process_filters_say_what_they_cannot_match_without_privilege),
		cmocka_unit_test(a_too_long_program_falls_back_to_user_space),
		cmocka_unit_test(the_kernel_part_never_rejects_a_match),
	};
	const struct CMUnitTest kernel[] = {
		cmocka_unit_test(the_kernel_returns_exactly_the_matches),
		cmocka_unit_test(refused_bytecode_falls_back_to_a_full_dump_once),
	};
	int failed = cmocka_run_group_tests_name("filter", tests, NULL, NULL);

	/* Last: it moves the process into a new network namespace. */
	return failed | cmocka_run_group_tests_name("filter against the kernel", kernel,
						    kernel_setup, kernel_teardown);
}
