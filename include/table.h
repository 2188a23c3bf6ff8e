/* SPDX-License-Identifier: GPL-2.0-or-later */
/* table: laying out columns in a width, and formatting header and row cells. */
#ifndef TCPTOP_TABLE_H
#define TCPTOP_TABLE_H

#include <stddef.h>
#include <stdint.h>

#include "column.h"
#include "frame.h"
#include "strbuf.h"

/* The columns chosen for a width, in display order, with their cell widths. */
struct layout {
	const struct column *col[COL_N];
	int width[COL_N];
	int n;
	int total;   /* cells used, separators included */
	int dropped; /* wanted columns that did not fit */
	/*
	 * The cell of a process column (COLF_PROCS) for a row without a
	 * process while attribution is off or unavailable ("off", "n/a");
	 * NULL: attribution ran, so an empty cell means nobody holds it ("-").
	 */
	const char *procs_note;
};

/* Says in the process cells why they are empty (frame.attribution, enum attribution). */
void layout_set_attribution(struct layout *l, unsigned attribution);

/*
 * Fits the wanted columns into `avail` cells (one space between columns):
 * while they do not fit, the one with the largest prio number goes (the
 * rightmost among equals); spare cells widen flexible columns (addresses) up
 * to their maximum.
 */
void layout_fit(struct layout *l, const enum col_id *want, size_t nwant, int avail);
/*
 * The same, with the natural width of flexible and fitted columns taken from
 * the data (`natural[id]`, 0 = the column's own width): short addresses and
 * states leave room for more columns.
 */
void layout_fit_data(struct layout *l, const enum col_id *want, size_t nwant, int avail,
		     const uint8_t natural[COL_N]);
/* The widest value of each flexible or fitted column among rows `order` (into natural[]);
 * costs a format per such column and row: callers bound n. */
void layout_measure(const struct frame *f, const uint32_t *order, size_t n, uint8_t natural[COL_N]);

/*
 * Every wanted column; flexible ones (addresses) as wide as their widest
 * value among rows `order` (text snapshots: nothing is cut).
 */
void layout_all(struct layout *l, const enum col_id *want, size_t nwant, const struct frame *f,
		const uint32_t *order, size_t n);

/* Header text of column i, aligned in its width. */
void table_header_cell(const struct layout *l, int i, char *buf, size_t len);
/* Cell text of column i for a row, aligned and cut to its width. */
void table_cell(const struct layout *l, int i, const struct row *r, char *buf, size_t len);
/* Whole lines (no trailing newline) for text output. */
void table_header_line(const struct layout *l, struct strbuf *sb);
void table_row_line(const struct layout *l, const struct row *r, struct strbuf *sb);

/* Aligns s into exactly w cells; cuts in the middle with '~' when too long. */
void table_fit_text(const char *s, int w, int align, char *buf, size_t len);

#endif
