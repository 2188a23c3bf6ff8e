/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_out_text: the text snapshot's header never passes system strings to the terminal raw. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "out.h"
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(header_escapes_hostname_kernel_and_filter),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
