/* SPDX-License-Identifier: GPL-2.0-or-later */
/* widgets: bars, sparklines, scrolling and labels shared by the views. */
#include "widgets.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

void widget_bar(struct canvas *c, int y, int x, int w, double ratio, enum attr a)
{
	/* eighths of a cell in UTF-8, whole cells in ASCII */
	static const uint32_t eighths[] = { ' ',    0x258f, 0x258e, 0x258d,
					    0x258c, 0x258b, 0x258a, 0x2589 };
	bool over = ratio > 1.0;
	int inner = w - (over ? 1 : 0);
	double cells;
	int full;

	if (w <= 0)
		return;
	if (!(ratio >= 0))
		ratio = 0;
	cells = (ratio > 1 ? 1 : ratio) * inner;
	full = (int)cells;
	canvas_fill(c, y, x, full, c->utf8 ? 0x2588 : '#', a);
	if (full < inner) {
		int part = (int)((cells - full) * 8);

		canvas_fill(c, y, x + full, 1, c->utf8 ? eighths[part] : (part >= 4 ? '#' : '.'),
			    a);
		canvas_fill(c, y, x + full + 1, inner - full - 1, c->utf8 ? 0x00b7 : '.', AT_DIM);
	}
	if (over)
		canvas_fill(c, y, x + inner, 1, '!', AT_ALARM);
}

void widget_spark(struct canvas *c, int y, int x, int w, const float *v, int n, enum attr a)
{
	static const uint32_t blocks[] = { 0x2581, 0x2582, 0x2583, 0x2584,
					   0x2585, 0x2586, 0x2587, 0x2588 };
	static const char ascii[] = "_.-:=+*#";
	int start = n > w ? n - w : 0;
	float max = 0;

	for (int i = start; i < n; i++)
		if (isfinite(v[i]) && v[i] > max)
			max = v[i];
	for (int i = start; i < n; i++) {
		int level;

		if (!isfinite(v[i])) {
			canvas_fill(c, y, x + i - start, 1, ' ', a);
			continue;
		}
		level = max > 0 ? (int)lrintf(v[i] / max * 7.0f) : 0;
		if (level < 0)
			level = 0;
		canvas_fill(c, y, x + i - start, 1,
			    c->utf8 ? blocks[level] : (uint32_t)(unsigned char)ascii[level], a);
	}
}

void widget_scroll_fit(struct ui_scroll *s, long nrows, int h, bool selectable)
{
	if (h < 1)
		h = 1;
	if (selectable) {
		if (s->sel >= nrows)
			s->sel = nrows - 1;
		if (s->sel < 0)
			s->sel = 0;
		if (s->sel < s->top)
			s->top = s->sel;
		if (s->sel >= s->top + h)
			s->top = s->sel - h + 1;
	}
	if (s->top > nrows - h)
		s->top = nrows - h;
	if (s->top < 0)
		s->top = 0;
}

bool widget_scroll_key(struct ui_scroll *s, int key, long nrows, int h, bool selectable)
{
	long *pos = selectable ? &s->sel : &s->top;
	long page = h > 1 ? h - 1 : 1;

	switch (key) {
	case K_UP:
	case 'k':
		(*pos)--;
		break;
	case K_DOWN:
	case 'j':
		(*pos)++;
		break;
	case K_PGUP:
		*pos -= page;
		if (selectable)
			s->top -= page;
		break;
	case K_PGDN:
		*pos += page;
		if (selectable)
			s->top += page;
		break;
	case K_HOME:
		*pos = 0;
		break;
	case K_END:
	case 'G':
		*pos = nrows;
		break;
	default:
		return false;
	}
	widget_scroll_fit(s, nrows, h, selectable);
	return true;
}

int widget_pair(struct canvas *c, int y, int x, int maxx, const char *label, const char *value,
		enum attr a)
{
	if (x >= maxx)
		return x;
	x += canvas_put(c, y, x, maxx - x, AT_TITLE, label);
	if (x < maxx)
		x += canvas_put(c, y, x, 1, AT_NORMAL, " ");
	x += canvas_put(c, y, x, maxx - x, a, value);
	if (x < maxx)
		x += canvas_put(c, y, x, maxx - x < 2 ? maxx - x : 2, AT_NORMAL, "  ");
	return x;
}

int widget_pair_whole(struct canvas *c, int y, int x, int maxx, const char *label,
		      const char *value, enum attr a)
{
	if (x + (int)(strlen(label) + 1 + strlen(value)) > maxx)
		return x;
	return widget_pair(c, y, x, maxx, label, value, a);
}

int widget_body_h(const struct canvas *c)
{
	return c->h - UI_HEADER_LINES - 1;
}

void sw_begin(struct scrollwin *sw, struct canvas *c, int y0, int h, long top)
{
	sw->c = c;
	sw->y0 = y0;
	sw->h = h;
	sw->top = top;
	sw->n = 0;
}

int sw_next(struct scrollwin *sw)
{
	long i = sw->n++;

	if (i < sw->top || i >= sw->top + sw->h)
		return -1;
	return sw->y0 + (int)(i - sw->top);
}

void sw_wrap(struct scrollwin *sw, int x, enum attr a, const char *text)
{
	int w = sw->c->w - x;
	const char *p = text;

	if (w < 10)
		w = 10;
	while (*p) {
		size_t n = strlen(p);
		int y;

		if ((int)n > w) {
			/* break at the last space that fits, else cut */
			n = (size_t)w;
			while (n > (size_t)w / 2 && p[n] != ' ')
				n--;
			if (p[n] != ' ')
				n = (size_t)w;
		}
		y = sw_next(sw);
		if (y >= 0) {
			char line[512];

			snprintf(line, sizeof(line), "%.*s", (int)n, p);
			canvas_put(sw->c, y, x, -1, a, line);
		}
		p += n;
		while (*p == ' ')
			p++;
	}
}
