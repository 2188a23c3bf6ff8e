/* SPDX-License-Identifier: GPL-2.0-or-later */
/* strbuf: a growable byte string. */
#include "strbuf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fatal.h"

static void reserve(struct strbuf *sb, size_t extra)
{
	size_t need = sb->len + extra + 1;

	if (need > sb->cap)
		sb->s = xgrow(sb->s, &sb->cap, need, 1);
}

void sb_reset(struct strbuf *sb)
{
	sb->len = 0;
	if (sb->s)
		sb->s[0] = '\0';
}

void sb_free(struct strbuf *sb)
{
	free(sb->s);
	sb->s = NULL;
	sb->len = sb->cap = 0;
}

void sb_add(struct strbuf *sb, const char *data, size_t n)
{
	if (n == 0)
		return; /* memcpy from a NULL pointer is undefined even for 0 bytes */
	reserve(sb, n);
	memcpy(sb->s + sb->len, data, n);
	sb->len += n;
	sb->s[sb->len] = '\0';
}

void sb_puts(struct strbuf *sb, const char *s)
{
	sb_add(sb, s, strlen(s));
}

void sb_putc_slow(struct strbuf *sb, char c)
{
	reserve(sb, 1);
	sb->s[sb->len++] = c;
	sb->s[sb->len] = '\0';
}

void sb_fill(struct strbuf *sb, char c, size_t n)
{
	reserve(sb, n);
	memset(sb->s + sb->len, c, n);
	sb->len += n;
	sb->s[sb->len] = '\0';
}

void sb_vprintf(struct strbuf *sb, const char *fmt, va_list ap)
{
	va_list ap2;
	int n;

	va_copy(ap2, ap);
	reserve(sb, 64);
	n = vsnprintf(sb->s + sb->len, sb->cap - sb->len, fmt, ap);
	if (n < 0)
		fatal("vsnprintf failed for format \"%s\"", fmt);
	if ((size_t)n >= sb->cap - sb->len) {
		reserve(sb, (size_t)n);
		vsnprintf(sb->s + sb->len, sb->cap - sb->len, fmt, ap2);
	}
	va_end(ap2);
	sb->len += (size_t)n;
}

void sb_printf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sb_vprintf(sb, fmt, ap);
	va_end(ap);
}

const char *sb_str(const struct strbuf *sb)
{
	return sb->s ? sb->s : "";
}

void sb_set_flush(struct strbuf *sb, size_t at, sb_flush_fn fn, void *arg)
{
	sb->flush = fn;
	sb->flush_arg = arg;
	sb->flush_at = at;
	sb->flush_errno = 0;
}

void sb_flush_point(struct strbuf *sb)
{
	if (!sb->flush || sb->len < sb->flush_at)
		return;
	if (!sb->flush_errno) {
		errno = 0;
		if (sb->flush(sb->s, sb->len, sb->flush_arg) < 0)
			sb->flush_errno = errno ? errno : EIO;
		else
			sb->flushed += sb->len;
	}
	/* after a failure the rest is dropped: the caller reports it once, at the end */
	sb_reset(sb);
}

char *sb_tail(struct strbuf *sb, size_t n)
{
	reserve(sb, n);
	sb->s[sb->len] = '\0';
	return sb->s + sb->len;
}

void sb_commit(struct strbuf *sb)
{
	if (sb->s)
		sb->len += strlen(sb->s + sb->len);
}
