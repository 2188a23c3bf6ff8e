/* SPDX-License-Identifier: GPL-2.0-or-later */
/* canvas: the cell grid behind every screen. */
#include "canvas.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fatal.h"

void canvas_init(struct canvas *c, int w, int h, bool utf8)
{
	c->cells = NULL;
	c->w = c->h = 0;
	c->utf8 = utf8;
	canvas_resize(c, w, h);
}

void canvas_resize(struct canvas *c, int w, int h)
{
	if (w < 1)
		w = 1;
	if (h < 1)
		h = 1;
	free(c->cells);
	c->cells = xcalloc((size_t)w * (size_t)h, sizeof(*c->cells));
	c->w = w;
	c->h = h;
	canvas_clear(c);
}

void canvas_free(struct canvas *c)
{
	free(c->cells);
	c->cells = NULL;
	c->w = c->h = 0;
}

void canvas_clear(struct canvas *c)
{
	for (int i = 0; i < c->w * c->h; i++) {
		c->cells[i].ch = ' ';
		c->cells[i].attr = AT_NORMAL;
	}
}

/* Decodes one UTF-8 sequence; bad bytes become '?'. Advances *s. */
static uint32_t next_cp(const char **s)
{
	const unsigned char *p = (const unsigned char *)*s;
	uint32_t cp;
	int n;

	if (p[0] < 0x80) {
		*s += 1;
		return p[0];
	}
	if ((p[0] & 0xe0) == 0xc0) {
		n = 1;
		cp = p[0] & 0x1fu;
	} else if ((p[0] & 0xf0) == 0xe0) {
		n = 2;
		cp = p[0] & 0x0fu;
	} else if ((p[0] & 0xf8) == 0xf0) {
		n = 3;
		cp = p[0] & 0x07u;
	} else {
		*s += 1;
		return '?';
	}
	for (int i = 1; i <= n; i++) {
		if ((p[i] & 0xc0) != 0x80) {
			*s += i;
			return '?';
		}
		cp = cp << 6 | (p[i] & 0x3fu);
	}
	*s += n + 1;
	return cp;
}

int canvas_put(struct canvas *c, int y, int x, int maxw, enum attr a, const char *s)
{
	int n = 0;

	if (y < 0 || y >= c->h)
		return 0;
	while (*s && (maxw < 0 || n < maxw)) {
		uint32_t cp = next_cp(&s);

		/* Control characters never reach the terminal, whatever the caller passed. */
		if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0))
			cp = '?';
		if (x + n >= c->w)
			break;
		if (x + n >= 0) {
			struct cell *cl = &c->cells[y * c->w + x + n];

			cl->ch = cp;
			cl->attr = (uint8_t)a;
		}
		n++;
	}
	return n;
}

int canvas_printf(struct canvas *c, int y, int x, int maxw, enum attr a, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return canvas_put(c, y, x, maxw, a, buf);
}

void canvas_fill(struct canvas *c, int y, int x, int n, uint32_t ch, enum attr a)
{
	if (y < 0 || y >= c->h)
		return;
	for (int i = 0; i < n; i++) {
		if (x + i < 0 || x + i >= c->w)
			continue;
		c->cells[y * c->w + x + i].ch = ch;
		c->cells[y * c->w + x + i].attr = (uint8_t)a;
	}
}

void canvas_attr(struct canvas *c, int y, int x, int n, enum attr a)
{
	if (y < 0 || y >= c->h)
		return;
	for (int i = 0; i < n; i++)
		if (x + i >= 0 && x + i < c->w)
			c->cells[y * c->w + x + i].attr = (uint8_t)a;
}

const struct cell *canvas_at(const struct canvas *c, int y, int x)
{
	if (y < 0 || y >= c->h || x < 0 || x >= c->w)
		return NULL;
	return &c->cells[y * c->w + x];
}

static void put_utf8(struct strbuf *out, uint32_t cp)
{
	char b[4];

	if (cp < 0x80) {
		sb_putc(out, (char)cp);
	} else if (cp < 0x800) {
		b[0] = (char)(0xc0 | cp >> 6);
		b[1] = (char)(0x80 | (cp & 0x3f));
		sb_add(out, b, 2);
	} else if (cp < 0x10000) {
		b[0] = (char)(0xe0 | cp >> 12);
		b[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		b[2] = (char)(0x80 | (cp & 0x3f));
		sb_add(out, b, 3);
	} else {
		b[0] = (char)(0xf0 | cp >> 18);
		b[1] = (char)(0x80 | (cp >> 12 & 0x3f));
		b[2] = (char)(0x80 | (cp >> 6 & 0x3f));
		b[3] = (char)(0x80 | (cp & 0x3f));
		sb_add(out, b, 4);
	}
}

void canvas_to_text(const struct canvas *c, struct strbuf *out)
{
	for (int y = 0; y < c->h; y++) {
		int end = c->w;

		while (end > 0 && c->cells[y * c->w + end - 1].ch == ' ')
			end--;
		for (int x = 0; x < end; x++)
			if (c->cells[y * c->w + x].ch)
				put_utf8(out, c->cells[y * c->w + x].ch);
		sb_putc(out, '\n');
	}
}
