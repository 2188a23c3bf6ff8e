/* strbuf: a growable byte string, for output writers and file reads. */
#ifndef TCPTOP_STRBUF_H
#define TCPTOP_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

/* The buffer owns `s`; it is always NUL-terminated once anything was added. */
struct strbuf {
	char *s;
	size_t len;
	size_t cap;
};

#define STRBUF_INIT                                                                                \
	{                                                                                          \
		NULL, 0, 0                                                                         \
	}

void sb_reset(struct strbuf *sb);
void sb_free(struct strbuf *sb);
void sb_add(struct strbuf *sb, const char *data, size_t n);
void sb_puts(struct strbuf *sb, const char *s);
void sb_putc(struct strbuf *sb, char c);
void sb_printf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_vprintf(struct strbuf *sb, const char *fmt, va_list ap);
/* Appends n copies of c. */
void sb_fill(struct strbuf *sb, char c, size_t n);
/* The contents as a C string ("" when empty); borrowed from sb. */
const char *sb_str(const struct strbuf *sb);

#endif
