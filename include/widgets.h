/* SPDX-License-Identifier: GPL-2.0-or-later */
/* widgets: small drawing pieces shared by the views (bars, sparklines, scrolling, labels). */
#ifndef TCPTOP_WIDGETS_H
#define TCPTOP_WIDGETS_H

#include <stdbool.h>
#include <stdint.h>

#include "canvas.h"
#include "ui.h"

/* A fill bar of w cells for ratio 0..1; past 1 it is full and ends in '!'. */
void widget_bar(struct canvas *c, int y, int x, int w, double ratio, enum attr a);
/* The last w of n values as a sparkline scaled to their maximum; NAN leaves a gap. */
void widget_spark(struct canvas *c, int y, int x, int w, const float *v, int n, enum attr a);
/* Keeps the selection (or the top) within [0, nrows) and visible in h rows. */
void widget_scroll_fit(struct ui_scroll *s, long nrows, int h, bool selectable);
/* Arrows, PgUp/PgDn, Home/End on a scroll; true when the key was one of them. */
bool widget_scroll_key(struct ui_scroll *s, int key, long nrows, int h, bool selectable);
/* Writes "label value" pairs: label in AT_TITLE, value in `a`. Returns the x after it. */
int widget_pair(struct canvas *c, int y, int x, int maxx, const char *label, const char *value,
		enum attr a);
/* The same, but only when the whole pair fits before maxx (nothing cut mid-word); else x. */
int widget_pair_whole(struct canvas *c, int y, int x, int maxx, const char *label,
		      const char *value, enum attr a);
/* The body height of the current screen (the canvas minus header and status lines). */
int widget_body_h(const struct canvas *c);

#define UI_HEADER_LINES 4

/*
 * Draws a tall, scrolled body line by line: the caller numbers lines 0..n
 * and sw_y() says where line `i` lands on the canvas, or -1 if scrolled out.
 */
struct scrollwin {
	struct canvas *c;
	int y0, h;
	long top;
	long n; /* lines produced so far */
};
void sw_begin(struct scrollwin *sw, struct canvas *c, int y0, int h, long top);
/* The canvas row of the next line (and counts it); -1 when not visible. */
int sw_next(struct scrollwin *sw);
/* Writes text from column x, wrapped at word boundaries over as many lines as it needs. */
void sw_wrap(struct scrollwin *sw, int x, enum attr a, const char *text);

#endif
