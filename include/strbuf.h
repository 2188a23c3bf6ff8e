/* SPDX-License-Identifier: GPL-2.0-or-later */
/* strbuf: a growable byte string, for output writers and file reads. */
#ifndef TCPTOP_STRBUF_H
#define TCPTOP_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

/* Hands finished text on (a write to stdout); 0, or -1 with errno set. */
typedef int (*sb_flush_fn)(const char *s, size_t n, void *arg);

/*
 * The buffer owns `s`; it is always NUL-terminated once anything was added.
 * With a flush hook, writers hand their text on at the points they mark
 * (sb_flush_point: a row's end), so a snapshot of 200,000 sockets is never
 * held whole; what is left is for the caller to write.
 */
struct strbuf {
	char *s;
	size_t len;
	size_t cap;
	sb_flush_fn flush; /* NULL: keep everything */
	void *flush_arg;
	size_t flush_at; /* bytes held before a flush point hands them on */
	int flush_errno; /* set once a flush failed: later text is dropped */
	size_t flushed;  /* bytes handed on so far */
};

#define STRBUF_INIT                                                                                \
	{                                                                                          \
		.s = NULL                                                                          \
	}

void sb_reset(struct strbuf *sb);
void sb_free(struct strbuf *sb);
void sb_add(struct strbuf *sb, const char *data, size_t n);
void sb_puts(struct strbuf *sb, const char *s);
void sb_putc_slow(struct strbuf *sb, char c);
/* Inline: JSON and tables add a character at a time, millions per snapshot. */
static inline void sb_putc(struct strbuf *sb, char c)
{
	if (sb->len + 2 > sb->cap) {
		sb_putc_slow(sb, c);
		return;
	}
	sb->s[sb->len++] = c;
	sb->s[sb->len] = '\0';
}
void sb_printf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_vprintf(struct strbuf *sb, const char *fmt, va_list ap);
/* Appends n copies of c. */
void sb_fill(struct strbuf *sb, char c, size_t n);
/* Room for n more bytes and a NUL at the end; write there, then sb_commit() what was written. */
char *sb_tail(struct strbuf *sb, size_t n);
/* Takes the NUL-terminated text sb_tail's room now holds as added. */
void sb_commit(struct strbuf *sb);
/*
 * Room for n more bytes (and a NUL), not terminated: for writers that know
 * how much they wrote there and take it with sb_advance() (no strlen).
 */
static inline char *sb_room(struct strbuf *sb, size_t n)
{
	if (sb->len + n + 1 > sb->cap)
		return sb_tail(sb, n);
	return sb->s + sb->len;
}
/* Takes n bytes written at sb_room() as added (n no more than the room asked for). */
static inline void sb_advance(struct strbuf *sb, size_t n)
{
	sb->len += n;
	sb->s[sb->len] = '\0';
}
/* From now on, flush points hand on the text once `at` bytes are held. */
void sb_set_flush(struct strbuf *sb, size_t at, sb_flush_fn fn, void *arg);
/* The text so far is final (a row ended): handed to the flush hook when enough is held. */
void sb_flush_point(struct strbuf *sb);
/* The contents as a C string ("" when empty); borrowed from sb. */
const char *sb_str(const struct strbuf *sb);

#endif
