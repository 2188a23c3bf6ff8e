/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sanitize: untrusted bytes (process and user names) turned into text that is safe on a terminal. */
#ifndef TCPTOP_SANITIZE_H
#define TCPTOP_SANITIZE_H

#include <stddef.h>

/*
 * The rule: printable ASCII (0x20..0x7e) is kept, a backslash becomes "\\",
 * and every other byte (C0 controls, DEL, anything >= 0x80, so also C1
 * controls, escape sequences and all of UTF-8) becomes a visible "\xHH".
 * The output is plain printable ASCII, so one byte is one cell: it stays safe
 * when a table cuts it anywhere (no control byte, no half of a multi-byte
 * character can reach the terminal) and its width is its length. The escapes
 * are unambiguous, so two different names never look alike.
 *
 * A process name (comm) is at most 15 bytes: SANITIZE_SIZE(15) always holds it.
 */
#define SANITIZE_SIZE(nbytes) ((nbytes)*4 + 1)

/*
 * Writes the safe form of src[0..srclen) into dst (always NUL-terminated when
 * dstlen > 0). An escape that does not fit whole is left out, never cut.
 * Returns the length written. Pure.
 */
size_t sanitize_text(char *dst, size_t dstlen, const char *src, size_t srclen);

/*
 * For a message line on its way to stderr or a terminal: every byte outside
 * printable ASCII becomes "\xHH", but a backslash is kept, so the pass can
 * run twice (a message holding an already sanitised name, then the sink)
 * without changing anything the second time. Messages only: names that must
 * stay unambiguous use sanitize_text. Returns dst (always NUL-terminated
 * when dstlen > 0).
 */
const char *sanitize_line(char *dst, size_t dstlen, const char *s);

#endif
