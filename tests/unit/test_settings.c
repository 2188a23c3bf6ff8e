/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_settings: the tcptoprc parser and writer: round trip, versions, damaged files, where the file lives. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "group.h"
#include "settings.h"

static int parse(const char *text, struct settings *s, struct terr *e)
{
	memset(e, 0, sizeof(*e));
	return settings_parse(text, strlen(text), s, e);
}

static void a_full_file_is_read(void **state)
{
	struct settings s;
	struct terr e;

	(void)state;
	assert_int_equal(parse("# mine\n\nversion=1\ncolumns=local,remote,rtt,flags\nsort = rtt \n"
			       "reverse=1\ninterval=0.5\nview=listen\ngroup=process\n",
			       &s, &e),
			 0);
	assert_int_equal(s.have, SET_COLUMNS | SET_SORT | SET_REVERSE | SET_INTERVAL | SET_VIEW |
					 SET_GROUP);
	assert_int_equal(s.ncols, 4);
	assert_int_equal(s.cols[2], COL_RTT);
	assert_ptr_equal(s.sort, column_get(COL_RTT));
	assert_true(s.reverse);
	assert_true(s.interval == 0.5);
	assert_string_equal(s.view, "listen");
	assert_int_equal(s.group, GROUP_PROCESS);
}

static void what_is_written_reads_back_the_same(void **state)
{
	struct settings s, back;
	struct terr e;
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	assert_int_equal(parse("version=1\ncolumns=local,tx\nsort=tx\nreverse=0\ninterval=2\n"
			       "view=groups\ngroup=port\n",
			       &s, &e),
			 0);
	settings_format(&s, &sb);
	assert_non_null(strstr(sb.s, "version=1\n"));
	assert_non_null(strstr(sb.s, "columns=local,tx\n"));
	assert_int_equal(settings_parse(sb.s, sb.len, &back, &e), 0);
	assert_false(settings_differ(&s, &back));
	back.interval = 3;
	assert_true(settings_differ(&s, &back));
	sb_free(&sb);
}

static void a_newer_format_is_ignored_with_a_note(void **state)
{
	struct settings s;
	struct terr e;

	(void)state;
	assert_int_equal(parse("version=7\nsomething=new\n", &s, &e), 1);
	assert_non_null(strstr(e.msg, "newer tcptop"));
	assert_int_equal(s.have, 0);
}

static void a_damaged_file_names_the_line_and_sets_nothing(void **state)
{
	static const struct {
		const char *text;
		const char *says;
	} bad[] = {
		{ "version=1\nsort=nosuch\n", "line 2: sort: no column is called 'nosuch'" },
		{ "version=1\ncolumns=local,bogus\n", "line 2: " },
		{ "version=1\ninterval=0\n", "line 2: " },
		{ "version=1\nreverse=maybe\n", "line 2: reverse" },
		{ "version=1\ngroup=planet\n", "line 2: group" },
		{ "version=1\nview=../../etc\n", "line 2: view" },
		{ "version=1\njust words\n", "line 2: expected key=value" },
		{ "version=1\ncolour=red\n", "line 2: unknown setting 'colour'" },
		{ "sort=rate\nversion=1\n", "line 1: no 'version=' line" },
		{ "version=x\n", "line 1: version" },
		{ "", "no 'version=' line" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct settings s;
		struct terr e;

		assert_int_equal(parse(bad[i].text, &s, &e), -1);
		if (!strstr(e.msg, bad[i].says))
			fail_msg("'%s': got '%s', want '%s'", bad[i].text, e.msg, bad[i].says);
		assert_null(strchr(e.msg, '\n'));
		assert_int_equal(s.have, 0); /* the caller keeps every default */
	}
}

static void the_file_lives_where_the_environment_says(void **state)
{
	char p[256];

	(void)state;
	assert_int_equal(settings_path("/tmp/x.rc", "/xdg", "/home/u", p, sizeof(p)), 0);
	assert_string_equal(p, "/tmp/x.rc");
	assert_int_equal(settings_path(NULL, "/xdg", "/home/u", p, sizeof(p)), 0);
	assert_string_equal(p, "/xdg/tcptop/tcptoprc");
	assert_int_equal(settings_path("", "", "/home/u", p, sizeof(p)), 0);
	assert_string_equal(p, "/home/u/.config/tcptop/tcptoprc");
	/* a relative XDG_CONFIG_HOME is invalid by the spec: HOME's default */
	assert_int_equal(settings_path(NULL, "rel", "/home/u", p, sizeof(p)), 0);
	assert_string_equal(p, "/home/u/.config/tcptop/tcptoprc");
	assert_int_equal(settings_path(NULL, NULL, NULL, p, sizeof(p)), -1);
	assert_int_equal(settings_path(NULL, "/a-long-path", NULL, p, 8), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_full_file_is_read),
		cmocka_unit_test(what_is_written_reads_back_the_same),
		cmocka_unit_test(a_newer_format_is_ignored_with_a_note),
		cmocka_unit_test(a_damaged_file_names_the_line_and_sets_nothing),
		cmocka_unit_test(the_file_lives_where_the_environment_says),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
