/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_sanitize: untrusted names become printable ASCII with visible, uncut escapes. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "sanitize.h"

static const char *safe(const char *s, size_t n)
{
	static char buf[256];

	sanitize_text(buf, sizeof(buf), s, n);
	return buf;
}

static void printable_ascii_is_kept(void **state)
{
	(void)state;
	assert_string_equal(safe("nginx: worker", 13), "nginx: worker");
	assert_string_equal(safe("a~b!{}", 6), "a~b!{}");
}

static void escape_sequences_and_controls_become_visible_escapes(void **state)
{
	(void)state;
	assert_string_equal(safe("\x1b[31mevil\a", 10), "\\x1b[31mevil\\x07");
	assert_string_equal(safe("a\nb\rc\td", 7), "a\\x0ab\\x0dc\\x09d");
	assert_string_equal(safe("\x7f", 1), "\\x7f");
	/* C1 controls as UTF-8 (U+009B CSI) and as raw bytes */
	assert_string_equal(safe("\xc2\x9b", 2), "\\xc2\\x9b");
	assert_string_equal(safe("\x9b"
				 "2J",
				 3),
			    "\\x9b2J");
}

static void a_nul_byte_inside_the_input_is_escaped(void **state)
{
	(void)state;
	assert_string_equal(safe("a\0b", 3), "a\\x00b");
}

static void backslash_is_doubled_so_escapes_are_unambiguous(void **state)
{
	(void)state;
	/* a name that spells an escape must not look like the byte it spells */
	assert_string_equal(safe("\\x1b", 4), "\\\\x1b");
	assert_string_equal(safe("\x1b", 1), "\\x1b");
}

static void non_ascii_and_invalid_utf8_are_escaped_bytewise(void **state)
{
	(void)state;
	assert_string_equal(safe("caf\xc3\xa9", 5), "caf\\xc3\\xa9");
	assert_string_equal(safe("\xff\xfe", 2), "\\xff\\xfe");
}

static void a_short_buffer_never_gets_half_an_escape(void **state)
{
	char buf[8];

	(void)state;
	/* 8 bytes hold "ab", the whole "\x1b" and "c" (7 + NUL); then nothing more */
	assert_int_equal(sanitize_text(buf, sizeof(buf),
				       "ab\x1b"
				       "cd",
				       5),
			 7);
	assert_string_equal(buf, "ab\\x1bc");
	/* 5 bytes cannot take "ab" and a whole escape: the escape is left out, not cut */
	assert_int_equal(sanitize_text(buf, 5, "ab\x1b", 3), 2);
	assert_string_equal(buf, "ab");
	assert_int_equal(sanitize_text(buf, 1, "abc", 3), 0);
	assert_string_equal(buf, "");
	assert_int_equal(sanitize_text(buf, 0, "abc", 3), 0);
}

static void the_largest_process_name_fits_its_bound(void **state)
{
	char buf[SANITIZE_SIZE(15)];
	char worst[15];

	(void)state;
	memset(worst, 0x1b, sizeof(worst));
	assert_int_equal(sanitize_text(buf, sizeof(buf), worst, sizeof(worst)), 60);
}

/* Any input, any cut of the output: only printable ASCII ever comes out. */
static void random_bytes_give_only_printable_ascii(void **state)
{
	char in[64], out[SANITIZE_SIZE(64)];
	unsigned seed = 12345;

	(void)state;
	for (int round = 0; round < 20000; round++) {
		size_t n = (size_t)(round % 64), room = (size_t)(round % (int)sizeof(out)) + 1;
		size_t len;

		for (size_t i = 0; i < n; i++) {
			seed = seed * 1103515245u + 12345u;
			in[i] = (char)(seed >> 16);
		}
		len = sanitize_text(out, room, in, n);
		assert_true(len < room);
		assert_int_equal(strlen(out), len);
		for (size_t i = 0; i < len; i++)
			assert_true(out[i] >= 0x20 && out[i] < 0x7f);
	}
}

static void a_message_line_loses_its_controls_and_survives_a_second_pass(void **state)
{
	char once[128], twice[128];

	(void)state;
	sanitize_line(once, sizeof(once), "bad \x1b]0;x\x07 \\x1b caf\xc3\xa9\n");
	assert_string_equal(once, "bad \\x1b]0;x\\x07 \\x1b caf\\xc3\\xa9\\x0a");
	sanitize_line(twice, sizeof(twice), once);
	assert_string_equal(twice, once);
	/* cut whole: never half an escape */
	sanitize_line(once, 7, "ab\x1b\x1b");
	assert_string_equal(once, "ab\\x1b");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(printable_ascii_is_kept),
		cmocka_unit_test(a_message_line_loses_its_controls_and_survives_a_second_pass),
		cmocka_unit_test(escape_sequences_and_controls_become_visible_escapes),
		cmocka_unit_test(a_nul_byte_inside_the_input_is_escaped),
		cmocka_unit_test(backslash_is_doubled_so_escapes_are_unambiguous),
		cmocka_unit_test(non_ascii_and_invalid_utf8_are_escaped_bytewise),
		cmocka_unit_test(a_short_buffer_never_gets_half_an_escape),
		cmocka_unit_test(the_largest_process_name_fits_its_bound),
		cmocka_unit_test(random_bytes_give_only_printable_ascii),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
