/* SPDX-License-Identifier: GPL-2.0-or-later */
/* canvas: an in-memory grid of cells that screens draw on; the TUI blits it, snapshots print it. */
#ifndef TCPTOP_CANVAS_H
#define TCPTOP_CANVAS_H

#include <stdbool.h>
#include <stdint.h>

#include "strbuf.h"

/* Semantic attributes: what a cell means, not its colour (the curses canvas maps them). */
enum attr {
	AT_NORMAL,
	AT_TITLE,  /* summary header labels */
	AT_HEADER, /* table column headers */
	AT_SORTED, /* the header of the sort column */
	AT_DIM,    /* unavailable values, idle rows */
	AT_SELECTED,
	AT_STATUS, /* status/message line */
	AT_ERROR,
	AT_GOOD,
	AT_WARN,
	AT_ALARM,
	AT_ST_ESTAB,
	AT_ST_LISTEN,
	AT_ST_SYN,
	AT_ST_CLOSING, /* CLOSE-WAIT, LAST-ACK, FIN-WAIT, CLOSING */
	AT_ST_TW,
	AT_BAR,
	AT_KEY, /* key names in help and the footer */
	AT_N
};

struct cell {
	uint32_t ch; /* Unicode code point; 0 = continuation of a wide cell (never written) */
	uint8_t attr;
};

/* Owns its cells. utf8 says whether screens may use non-ASCII glyphs. */
struct canvas {
	int w, h;
	struct cell *cells;
	bool utf8;
};

void canvas_init(struct canvas *c, int w, int h, bool utf8);
void canvas_resize(struct canvas *c, int w, int h);
void canvas_free(struct canvas *c);
void canvas_clear(struct canvas *c);
/* Writes ASCII/UTF-8 text at (y, x), clipped to the canvas and to maxw cells (-1: no limit). Returns cells written. */
int canvas_put(struct canvas *c, int y, int x, int maxw, enum attr a, const char *s);
int canvas_printf(struct canvas *c, int y, int x, int maxw, enum attr a, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
/* Repeats a code point n times. */
void canvas_fill(struct canvas *c, int y, int x, int n, uint32_t ch, enum attr a);
/* Sets the attribute of n cells, keeping their text. */
void canvas_attr(struct canvas *c, int y, int x, int n, enum attr a);
const struct cell *canvas_at(const struct canvas *c, int y, int x);
/* Appends the canvas as UTF-8 text, one line per row, trailing blanks trimmed. */
void canvas_to_text(const struct canvas *c, struct strbuf *out);

#endif
