/* canvas: an in-memory grid of cells that screens draw on; the TUI blits it, snapshots print it. */
#ifndef TCPTOP_CANVAS_H
#define TCPTOP_CANVAS_H

#include <stdbool.h>
#include <stdint.h>

#include "strbuf.h"

/* Semantic attributes: what a cell means, not its colour (the curses canvas maps them). */
enum attr {
	A_NORMAL,
	A_TITLE,  /* summary header labels */
	A_HEADER, /* table column headers */
	A_SORTED, /* the header of the sort column */
	A_DIM,    /* unavailable values, idle rows */
	A_SELECTED,
	A_STATUS, /* status/message line */
	A_ERROR,
	A_GOOD,
	A_WARN,
	A_ALARM,
	A_ST_ESTAB,
	A_ST_LISTEN,
	A_ST_SYN,
	A_ST_CLOSING, /* CLOSE-WAIT, LAST-ACK, FIN-WAIT, CLOSING */
	A_ST_TW,
	A_BAR,
	A_KEY, /* key names in help and the footer */
	A_N
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
