/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_out_text: the text snapshot's header never passes system strings to the terminal raw; rows by threads. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "out.h"
#include "parfmt.h"
#include "testutil.h"

/* A recording's host name, kernel release and the filter are anybody's bytes (issue 13). */
static void header_escapes_hostname_kernel_and_filter(void **state)
{
	struct frame fr[2];
	struct view v = { 0 };
	struct strbuf sb = STRBUF_INIT;
	struct out_ctx ctx = { "evil\x1b]0;pwned\x07",
			       "6.18\x1b[2J",
			       column_default_view,
			       column_default_view_len,
			       column_get(COL_RATE),
			       false,
			       "port 80\x1b[31m",
			       NULL,
			       NULL,
			       NULL };

	(void)state;
	tu_frames("states.rec", fr, 2);
	out_text_frame(&fr[1], &ctx, &v, &sb);
	assert_null(strchr(sb.s, '\x1b'));
	assert_null(strchr(sb.s, '\x07'));
	assert_non_null(strstr(sb.s, "host evil\\x1b]0;pwned\\x07  Linux 6.18\\x1b[2J"));
	assert_non_null(strstr(sb.s, "(filter: port 80\\x1b[31m)"));
	sb_free(&sb);
	view_free(&v);
	frame_free(&fr[0]);
	frame_free(&fr[1]);
}

typedef void (*writer_fn)(const struct frame *f, const struct out_ctx *ctx, struct view *v,
			  struct strbuf *sb);

static void text_of(writer_fn w, const struct frame *f, const struct parfmt_cfg *par,
		    struct strbuf *sb)
{
	struct view v = { 0 };
	struct out_ctx ctx = { .hostname = "h",
			       .kernel = "k",
			       .cols = column_default_view,
			       .ncols = column_default_view_len,
			       .sort = column_get(COL_PROBLEMS),
			       .par = par };

	w(f, &ctx, &v, sb);
	view_free(&v);
}

/*
 * Rows made by several threads, a chunk at a time (the widths counted the
 * same way), are the rows made by one: every fixture, every chunk size from
 * one row up, two to four threads.
 */
static void same_output_by_threads(writer_fn w)
{
	static const char *const fixtures[] = { "states.rec",         "diag_synq.rec",
						"diag_timewait.rec",  "diag_accept.rec",
						"diag_closewait.rec", "listen_overflow.rec" };

	for (size_t i = 0; i < sizeof(fixtures) / sizeof(fixtures[0]); i++) {
		struct frame fr[2];
		struct strbuf one = STRBUF_INIT;
		struct parfmt_cfg serial = { .threads = 1, .chunk = 1, .min_items = 0 };

		tu_frames(fixtures[i], fr, 2);
		text_of(w, &fr[1], &serial, &one);
		assert_true(frame_nrows(&fr[1]) > 3);
		for (int t = 2; t <= PARFMT_MAX_THREADS; t++) {
			for (size_t chunk = 1; chunk <= 5; chunk++) {
				struct parfmt_cfg par = { .threads = t,
							  .chunk = chunk,
							  .min_items = 0 };
				struct strbuf many = STRBUF_INIT;

				assert_true(parfmt_threads(&par, frame_nrows(&fr[1])) > 1);
				text_of(w, &fr[1], &par, &many);
				assert_string_equal(many.s, one.s);
				sb_free(&many);
			}
		}
		sb_free(&one);
		frame_free(&fr[0]);
		frame_free(&fr[1]);
	}
}

static void rows_by_threads_are_the_rows_by_one(void **state)
{
	(void)state;
	same_output_by_threads(out_text_frame);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(header_escapes_hostname_kernel_and_filter),
		cmocka_unit_test(rows_by_threads_are_the_rows_by_one),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
