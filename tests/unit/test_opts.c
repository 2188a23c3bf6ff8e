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
	assert_string_equal(o.sort->name, "rate");
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
	assert_string_equal(e.msg, "-o: 'xml' is not an output format (text or json)");
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
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(defaults),
		cmocka_unit_test(every_option_is_understood),
		cmocka_unit_test(bad_interval_names_the_option_and_the_value),
		cmocka_unit_test(bad_values_and_unknown_options),
		cmocka_unit_test(columns_replace_or_edit_the_default_list),
		cmocka_unit_test(remaining_words_are_the_filter),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
