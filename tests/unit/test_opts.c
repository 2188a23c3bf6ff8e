/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_opts: options parse, and every bad one gets one line naming it. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "opts.h"

/* getopt wants char **; the literals are never written through it. */
static int parse(struct terr *e, struct opts *o, int argc, const char **argv)
{
	char *v[32];

	memcpy(v, argv, (size_t)(argc + 1) * sizeof(*v));
	return opts_parse(o, argc, v, e);
}

#define ARGV(...)                                                                                  \
	(const char *[])                                                                           \
	{                                                                                          \
		"tcptop", __VA_ARGS__, NULL                                                        \
	}
#define ARGC(...) ((int)(sizeof((const char *[]){ "tcptop", __VA_ARGS__ }) / sizeof(char *)))
#define PARSE(o, e, ...) parse(e, o, ARGC(__VA_ARGS__), ARGV(__VA_ARGS__))

static void defaults(void **state)
{
	struct opts o;
	struct terr e;
	const char *argv[] = { "tcptop", NULL };

	(void)state;
	assert_int_equal(parse(&e, &o, 1, argv), 0);
	assert_false(o.batch);
	assert_int_equal(o.frames, -1);
	assert_true(o.interval == 1.0);
	assert_string_equal(o.sort->name, "problems");
	assert_int_equal(o.out, OUT_TEXT);
	assert_int_equal(o.ncols, column_default_view_len);
	assert_null(o.filter);
	opts_free(&o);
}

static void every_option_is_understood(void **state)
{
	struct opts o;
	struct terr e;

	(void)state;
	assert_int_equal(PARSE(&o, &e, "-b", "-n", "3", "-d", "0.5", "-s", "rtt", "-r", "-o",
			       "json", "-w", "/tmp/x", "--record", "a.rec", "--no-color"),
			 0);
	assert_true(o.batch);
	assert_int_equal(o.frames, 3);
	assert_true(o.interval == 0.5);
	assert_string_equal(o.sort->name, "rtt");
	assert_true(o.reverse);
	assert_int_equal(o.out, OUT_JSON);
	assert_string_equal(o.write_path, "/tmp/x");
	assert_string_equal(o.record_path, "a.rec");
	assert_true(o.no_color);
	opts_free(&o);
	assert_int_equal(PARSE(&o, &e, "--delay=2", "--sort=min_rtt_us"), 0);
	assert_true(o.interval == 2.0);
	assert_string_equal(o.sort->name, "min_rtt");
	opts_free(&o);
}

static void bad_interval_names_the_option_and_the_value(void **state)
{
	struct opts o;
	struct terr e;

	(void)state;
	assert_int_equal(PARSE(&o, &e, "-d", "abc"), -1);
	assert_string_equal(e.msg, "-d: 'abc' is not a number of seconds");
	opts_free(&o);
	assert_int_equal(PARSE(&o, &e, "--delay", "0"), -1);
	assert_non_null(strstr(e.msg, "--delay: 0 s is out of range"));
	opts_free(&o);
	assert_int_equal(PARSE(&o, &e, "-d", "nan"), -1);
	opts_free(&o);
	assert_int_equal(PARSE(&o, &e, "-d5x"), -1);
	assert_string_equal(e.msg, "-d: '5x' is not a number of seconds");
	opts_free(&o);
}

static void bad_values_and_unknown_options(void **state)
{
	struct opts o;
	struct terr e;

	(void)state;
	assert_int_equal(PARSE(&o, &e, "-n", "-1"), -1);
	assert_string_equal(e.msg, "-n: '-1' is not a count of frames (0 or more)");
	opts_free(&o);
	assert_int_equal(PARSE(&o, &e, "-s", "bogus"), -1);
	assert_string_equal(e.msg, "-s: unknown column 'bogus' (tcptop --help lists them)");
	opts_free(&o);
	assert_int_equal(PARSE(&o, &e, "-o", "xml"), -1);
	assert_string_equal(e.msg, "-o: 'xml' is not an output format (text, json or prom)");
	opts_free(&o);
	assert_int_equal(PARSE(&o, &e, "--frobnicate"), -1);
	assert_string_equal(e.msg, "unknown option '--frobnicate' (see tcptop --help)");
	opts_free(&o);
	assert_int_equal(PARSE(&o, &e, "-Z"), -1);
	assert_string_equal(e.msg, "unknown option '-Z' (see tcptop --help)");
	opts_free(&o);
	assert_int_equal(PARSE(&o, &e, "-d"), -1);
	assert_string_equal(e.msg, "-d needs a value (see tcptop --help)");
	opts_free(&o);
}

static void columns_replace_or_edit_the_default_list(void **state)
{
	struct opts o;
	struct terr e;

	(void)state;
	assert_int_equal(PARSE(&o, &e, "-c", "local,rtt,state"), 0);
	assert_int_equal(o.ncols, 3);
	assert_int_equal(o.cols[1], COL_RTT);
	opts_free(&o);
	assert_int_equal(PARSE(&o, &e, "-c", "+min_rtt,-skmem"), 0);
	assert_int_equal(o.ncols, column_default_view_len);
	assert_int_equal(o.cols[o.ncols - 1], COL_MINRTT);
	opts_free(&o);
	assert_int_equal(PARSE(&o, &e, "-c", "local,nope"), -1);
	assert_string_equal(e.msg, "-c: unknown column 'nope' (tcptop --help lists them)");
	opts_free(&o);
	assert_int_equal(PARSE(&o, &e, "-c", "+rtt,state"), -1);
	opts_free(&o);
}

static void remaining_words_are_the_filter(void **state)
{
	struct opts o;
	struct terr e;

	(void)state;
	assert_int_equal(PARSE(&o, &e, "-b", "dport", "5432", "and", "not", "state", "listen"), 0);
	assert_string_equal(o.filter, "dport 5432 and not state listen");
	opts_free(&o);
	/* -f may be given again (OPTF_REPEAT): the parts join into one expression */
	assert_int_equal(PARSE(&o, &e, "-f", "dport 22", "--filter=or", "sport 22"), 0);
	assert_string_equal(o.filter, "dport 22 or sport 22");
	opts_free(&o);
}

static void long_options_are_named_as_typed(void **state)
{
	struct opts o;
	struct terr e;

	(void)state;
	assert_int_equal(PARSE(&o, &e, "--batch=1"), -1);
	assert_string_equal(e.msg, "--batch takes no value (see tcptop --help)");
	opts_free(&o);
	assert_int_equal(PARSE(&o, &e, "--bat=1"), -1);
	assert_string_equal(e.msg, "--bat takes no value (see tcptop --help)");
	opts_free(&o);
	assert_int_equal(PARSE(&o, &e, "--del=abc"), -1);
	assert_string_equal(e.msg, "--del: 'abc' is not a number of seconds");
	opts_free(&o);
	assert_int_equal(PARSE(&o, &e, "--frames", "x"), -1);
	assert_string_equal(e.msg, "--frames: 'x' is not a count of frames (0 or more)");
	opts_free(&o);
	assert_int_equal(PARSE(&o, &e, "--delay"), -1);
	assert_string_equal(e.msg, "--delay needs a value (see tcptop --help)");
	opts_free(&o);
	assert_int_equal(PARSE(&o, &e, "--record"), -1);
	assert_string_equal(e.msg, "--record needs a value (see tcptop --help)");
	opts_free(&o);
	assert_int_equal(PARSE(&o, &e, "-bd"), -1);
	assert_string_equal(e.msg, "-d needs a value (see tcptop --help)");
	opts_free(&o);
	assert_int_equal(PARSE(&o, &e, "-bZ"), -1);
	assert_string_equal(e.msg, "unknown option '-Z' (see tcptop --help)");
	opts_free(&o);
	assert_int_equal(PARSE(&o, &e, "--no"), -1);
	assert_string_equal(
		e.msg, "'--no' is ambiguous: --no-closed, --no-processes, --no-config, --no-color");
	opts_free(&o);
}

static void a_too_long_value_is_refused_whole(void **state)
{
	static char big[OPTS_MAX_VALUE + 2];
	struct opts o;
	struct terr e;

	(void)state;
	memset(big, 'a', OPTS_MAX_VALUE);
	big[OPTS_MAX_VALUE] = '\0';
	assert_int_equal(PARSE(&o, &e, "-f", big), 0);
	assert_int_equal(strlen(o.filter), OPTS_MAX_VALUE);
	opts_free(&o);
	big[OPTS_MAX_VALUE] = 'a';
	big[OPTS_MAX_VALUE + 1] = '\0';
	assert_int_equal(PARSE(&o, &e, "-f", big), -1);
	assert_string_equal(e.msg, "-f: a value of 4097 bytes is too long (at most 4096)");
	assert_null(o.filter);
	opts_free(&o);
	assert_int_equal(PARSE(&o, &e, "--write", big), -1);
	assert_string_equal(e.msg, "--write: a value of 4097 bytes is too long (at most 4096)");
	opts_free(&o);
}

static void empty_paths_are_refused(void **state)
{
	struct opts o;
	struct terr e;

	(void)state;
	assert_int_equal(PARSE(&o, &e, "-w", ""), -1);
	assert_string_equal(e.msg, "-w: an empty path");
	opts_free(&o);
	assert_int_equal(PARSE(&o, &e, "--record", ""), -1);
	assert_string_equal(e.msg, "--record: an empty path");
	opts_free(&o);
	assert_int_equal(PARSE(&o, &e, "--replay="), -1);
	assert_string_equal(e.msg, "--replay: an empty path");
	opts_free(&o);
	assert_int_equal(PARSE(&o, &e, "-N", ""), -1);
	assert_string_equal(e.msg, "-N: an empty name is not a network namespace");
	opts_free(&o);
}

/* No byte of a message may be a control: it goes to a terminal. */
static void assert_printable(const char *s)
{
	for (; *s; s++)
		assert_true(*s >= 0x20 && *s < 0x7f);
}

static void echoed_values_are_sanitised(void **state)
{
	struct opts o;
	struct terr e;

	(void)state;
	assert_int_equal(PARSE(&o, &e, "-d", "\033]0;x\a"), -1);
	assert_string_equal(e.msg, "-d: '\\x1b]0;x\\x07' is not a number of seconds");
	opts_free(&o);
	assert_int_equal(PARSE(&o, &e, "--sort=\033[2J"), -1);
	assert_string_equal(e.msg, "--sort: unknown column '\\x1b[2J' (tcptop --help lists them)");
	opts_free(&o);
	assert_int_equal(PARSE(&o, &e, "--\033[31mred"), -1);
	assert_printable(e.msg);
	opts_free(&o);
	assert_int_equal(PARSE(&o, &e, "-\033"), -1);
	assert_string_equal(e.msg, "unknown option '-\\x1b' (see tcptop --help)");
	opts_free(&o);
	assert_int_equal(PARSE(&o, &e, "-c", "local,\033]0;x\a"), -1);
	assert_printable(e.msg);
	opts_free(&o);
	assert_int_equal(PARSE(&o, &e, "--group-by",
			       "\x9b"
			       "2J"),
			 -1);
	assert_printable(e.msg);
	opts_free(&o);
}

static void closed_options_set_the_log_and_the_switch(void **state)
{
	struct opts o;
	struct terr e;

	(void)state;
	assert_int_equal(PARSE(&o, &e, "--closed-log", "/tmp/c.log"), 0);
	assert_string_equal(o.closed_log, "/tmp/c.log");
	assert_false(o.no_closed);
	opts_free(&o);
	assert_int_equal(PARSE(&o, &e, "--no-closed"), 0);
	assert_true(o.no_closed);
	opts_free(&o);
	assert_int_equal(PARSE(&o, &e, "--closed-log", ""), -1);
	opts_free(&o);
	assert_int_equal(PARSE(&o, &e, "--closed-log", "x", "--no-closed"), -1);
	assert_string_equal(e.msg, "--closed-log cannot be used with --no-closed");
	opts_free(&o);
}

static void new_options_set_their_fields_and_given_bits(void **state)
{
	struct opts o;
	struct terr e;

	(void)state;
	assert_int_equal(PARSE(&o, &e, "--group-by", "port", "--no-config", "-s", "rtt", "-r", "-c",
			       "local", "-d", "2", "--no-colour", "--no-processes"),
			 0);
	assert_int_equal(o.group_by, GROUP_PORT);
	assert_true(o.no_config);
	assert_true(o.no_color);
	assert_int_equal(o.procs, PROCS_OFF);
	assert_int_equal(o.given, OPTS_GIVEN_GROUP | OPTS_GIVEN_SORT | OPTS_GIVEN_REVERSE |
					  OPTS_GIVEN_COLUMNS | OPTS_GIVEN_DELAY);
	opts_free(&o);
	assert_int_equal(PARSE(&o, &e, "-p", "-N", "pid:1"), 0);
	assert_int_equal(o.procs, PROCS_ON);
	assert_string_equal(o.netns, "pid:1");
	assert_int_equal(o.given, 0);
	opts_free(&o);
	assert_int_equal(PARSE(&o, &e, "--group-by", "nope"), -1);
	assert_string_equal(
		e.msg,
		"--group-by: 'nope' is not a grouping (none, process, remote, port, state, netns)");
	opts_free(&o);
	assert_int_equal(PARSE(&o, &e, "--no-colo"), 0);
	assert_true(o.no_color);
	opts_free(&o);
	assert_int_equal(PARSE(&o, &e, "-b", "--help", "-Z"), 0);
	assert_int_equal(o.action, OPTS_HELP);
	opts_free(&o);
	assert_int_equal(PARSE(&o, &e, "-V"), 0);
	assert_int_equal(o.action, OPTS_VERSION);
	opts_free(&o);
}

/* The table is the one list: names and letters unique, every row complete. */
static void the_option_table_is_consistent(void **state)
{
	size_t n;
	const struct opt_def *t = opts_table(&n);

	(void)state;
	assert_true(n > 10);
	for (size_t i = 0; i < n; i++) {
		assert_non_null(t[i].name);
		assert_non_null(t[i].help);
		assert_non_null(t[i].apply);
		/* a value to complete exactly when there is a value */
		assert_int_equal(t[i].metavar != NULL, t[i].complete != OC_NONE);
		if (t[i].flags & OPTF_ALIAS) {
			assert_true(i > 0);
			assert_ptr_equal(t[i].apply, t[i - 1].apply);
		}
		for (size_t j = 0; j < i; j++) {
			assert_string_not_equal(t[i].name, t[j].name);
			if (t[i].shortopt)
				assert_int_not_equal(t[i].shortopt, t[j].shortopt);
		}
	}
	assert_string_equal(opts_format_name(OUT_TEXT), "text");
	assert_string_equal(opts_format_name(OUT_JSON), "json");
	assert_string_equal(opts_format_name(OUT_PROM), "prom");
	assert_null(opts_format_name(OUT_FMT_N));
}

static void textfile_is_prom_batch_until_interrupted(void **state)
{
	struct opts o;
	struct terr e;

	(void)state;
	assert_int_equal(PARSE(&o, &e, "--textfile", "/tmp", "--prom-top", "7", "-d", "0.5"), 0);
	assert_string_equal(o.textfile_dir, "/tmp");
	assert_int_equal(o.out, OUT_PROM);
	assert_true(o.batch);
	assert_int_equal(o.frames, 0);
	assert_int_equal(o.prom_top, 7);
	opts_free(&o);
	/* -n still counts refreshes (tests, cron) */
	assert_int_equal(PARSE(&o, &e, "--textfile", "/tmp", "-n", "3"), 0);
	assert_int_equal(o.frames, 3);
	opts_free(&o);
	assert_int_equal(PARSE(&o, &e, "-o", "prom", "--textfile", "/tmp"), 0);
	opts_free(&o);
	/* with --textfile stdout carries nothing else: a recording may go there */
	assert_int_equal(PARSE(&o, &e, "--textfile", "/tmp", "--record", "-"), 0);
	opts_free(&o);
	assert_int_equal(PARSE(&o, &e, "-o", "prom"), 0);
	assert_int_equal(o.out, OUT_PROM);
	assert_true(o.batch); /* printed, on a terminal too */
	assert_int_equal(o.prom_top, 0);
	opts_free(&o);
}

static void output_combinations_that_cannot_work_are_refused(void **state)
{
	struct opts o;
	struct terr e;

	(void)state;
	assert_int_equal(PARSE(&o, &e, "--textfile", "/tmp", "-o", "json"), -1);
	assert_string_equal(e.msg,
			    "--textfile writes the prom format (-o json cannot be used with it)");
	opts_free(&o);
	assert_int_equal(PARSE(&o, &e, "-o", "prom", "-n", "3"), -1);
	assert_string_equal(e.msg,
			    "-o prom prints one snapshot (--textfile DIR keeps one current)");
	opts_free(&o);
	assert_int_equal(PARSE(&o, &e, "-o", "prom", "--group-by", "state"), -1);
	assert_string_equal(e.msg, "--group-by cannot be used with -o prom");
	opts_free(&o);
	assert_int_equal(PARSE(&o, &e, "--prom-top", "5"), -1);
	assert_string_equal(e.msg, "--prom-top applies to -o prom and --textfile only");
	opts_free(&o);
	assert_int_equal(PARSE(&o, &e, "-o", "prom", "--prom-top", "1001"), -1);
	assert_string_equal(e.msg, "--prom-top: '1001' is not a number of connections (0 to 1000)");
	opts_free(&o);
	assert_int_equal(PARSE(&o, &e, "-o", "prom", "--prom-top", "-1"), -1);
	opts_free(&o);
	assert_int_equal(PARSE(&o, &e, "--textfile", ""), -1);
	assert_string_equal(e.msg, "--textfile: an empty path");
	opts_free(&o);
	/* snapshots and a recording on the same stdout would be one unreadable stream */
	assert_int_equal(PARSE(&o, &e, "-b", "--record", "-"), -1);
	assert_string_equal(e.msg, "--record - would mix the recording with the output on standard "
				   "output (record to a file, or use it with --textfile)");
	opts_free(&o);
	assert_int_equal(PARSE(&o, &e, "-b", "--record", "-", "-o", "json"), -1);
	opts_free(&o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(defaults),
		cmocka_unit_test(textfile_is_prom_batch_until_interrupted),
		cmocka_unit_test(output_combinations_that_cannot_work_are_refused),
		cmocka_unit_test(every_option_is_understood),
		cmocka_unit_test(bad_interval_names_the_option_and_the_value),
		cmocka_unit_test(bad_values_and_unknown_options),
		cmocka_unit_test(columns_replace_or_edit_the_default_list),
		cmocka_unit_test(remaining_words_are_the_filter),
		cmocka_unit_test(long_options_are_named_as_typed),
		cmocka_unit_test(a_too_long_value_is_refused_whole),
		cmocka_unit_test(empty_paths_are_refused),
		cmocka_unit_test(echoed_values_are_sanitised),
		cmocka_unit_test(new_options_set_their_fields_and_given_bits),
		cmocka_unit_test(closed_options_set_the_log_and_the_switch),
		cmocka_unit_test(the_option_table_is_consistent),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
