/* SPDX-License-Identifier: GPL-2.0-or-later */
/* screen_conn: the connection table, sorted, filtered, with a selection that follows its socket. */
#include <stdio.h>
#include <string.h>

#include "procmap.h"
#include "screen.h"
#include "table.h"
#include "widgets.h"

/* What the last draw laid out: the mouse maps header cells to columns with it. */
struct conn_state {
	struct layout l;
	bool drawn;
	/* the unnarrowed layout search reads cells with, for the columns it was made for */
	struct layout search;
	enum col_id search_cols[COL_N];
	size_t search_n;
};

static long conn_rows(const struct ui *ui)
{
	return (long)ui->view.n;
}

/* The text a row shows in every visible column, and its owner (search). */
static bool conn_row_text(const struct ui *ui, long i, char *buf, size_t n)
{
	struct conn_state *st = screen_state(ui, SCR_CONN);
	const struct row *r;
	const struct layout *l;
	size_t at = 0;
	char cell[256];

	if (!ui->frame || i < 0 || (size_t)i >= ui->view.n)
		return false;
	r = &ui->frame->rows[ui->view.order[i]];
	if (st->search_n != ui->ncols ||
	    memcmp(st->search_cols, ui->cols, ui->ncols * sizeof(ui->cols[0]))) {
		layout_fit(&st->search, ui->cols, ui->ncols, 4000);
		memcpy(st->search_cols, ui->cols, ui->ncols * sizeof(ui->cols[0]));
		st->search_n = ui->ncols;
	}
	l = &st->search;
	buf[0] = '\0';
	for (int k = 0; k < l->n && at + 1 < n; k++) {
		table_cell(l, k, r, cell, sizeof(cell));
		at += (size_t)snprintf(buf + at, n - at, "%s ", cell);
	}
	if (row_proc(r) && at + 1 < n)
		snprintf(buf + at, n - at, "%s", row_proc(r)->text);
	return true;
}

void screen_table_header(struct ui *ui, struct canvas *c, int y, const struct layout *l,
			 const struct column *sorted)
{
	char buf[160];
	int x = 0;

	(void)ui;
	canvas_fill(c, y, 0, c->w, ' ', AT_HEADER);
	for (int i = 0; i < l->n; i++) {
		table_header_cell(l, i, buf, sizeof(buf));
		canvas_put(c, y, x, l->width[i], l->col[i] == sorted ? AT_SORTED : AT_HEADER, buf);
		x += l->width[i] + 1;
	}
}

void screen_table_row(struct canvas *c, int y, const struct layout *l, const struct row *r,
		      bool selected)
{
	char buf[160];
	int x = 0;

	for (int i = 0; i < l->n; i++) {
		table_cell(l, i, r, buf, sizeof(buf));
		canvas_put(c, y, x, l->width[i], column_attr(l->col[i], r), buf);
		x += l->width[i] + 1;
	}
	if (selected) {
		canvas_attr(c, y, 0, c->w, AT_SELECTED);
	}
}

/* Most rows a draw measures: the top of the order and the visible window, not all 200,000. */
#define MEASURE_TOP 1000

/* Address columns as wide as the addresses the user sees and will see first. */
static void measure(const struct ui *ui, long top, int rows, uint8_t natural[COL_N])
{
	uint8_t more[COL_N];
	size_t n = ui->view.n < MEASURE_TOP ? ui->view.n : MEASURE_TOP;

	layout_measure(ui->frame, ui->view.order, n, natural);
	if (top < (long)ui->view.n && top + rows > (long)n) {
		size_t from = (size_t)top > n ? (size_t)top : n;
		size_t to = (size_t)(top + rows) < ui->view.n ? (size_t)(top + rows) : ui->view.n;

		layout_measure(ui->frame, ui->view.order + from, to - from, more);
		for (int i = 0; i < COL_N; i++)
			if (more[i] > natural[i])
				natural[i] = more[i];
	}
}

/* Sort keys that order by a second key among equals, and what that is (the tab line says both). */
static const struct {
	const char *key, *then;
} sort_then[] = {
	{ "problems", "rate" },
};

void screen_conn_sort_label(const struct ui *ui, bool utf8, char *buf, size_t n)
{
	bool desc = ui->reverse != column_sort_desc(ui->sort);
	const char *then = NULL;

	for (size_t i = 0; i < sizeof(sort_then) / sizeof(sort_then[0]); i++)
		if (!strcmp(sort_then[i].key, ui->sort->name))
			then = sort_then[i].then;
	snprintf(buf, n, "%s%s%s%s", ui->sort->name, then ? " > " : "", then ? then : "",
		 desc ? (utf8 ? "\u25bc" : "v") : (utf8 ? "\u25b2" : "^"));
}

const struct column *screen_table_column_at(const struct layout *l, int x)
{
	for (int i = 0, at = 0; i < l->n; i++) {
		if (x >= at && x < at + l->width[i] + 1)
			return l->col[i];
		at += l->width[i] + 1;
	}
	return NULL;
}

/* A header click sorts by that column (again: reverses), a row click selects. */
static int conn_click(struct ui *ui, int y, int x, uint64_t now_ns)
{
	struct conn_state *st = screen_state(ui, SCR_CONN);
	struct ui_scroll *s = &ui->scroll[SCR_CONN];

	if (!st->drawn)
		return -1;
	if (y == 0) {
		const struct column *col = screen_table_column_at(&st->l, x);

		if (!col)
			return -1;
		if (col == ui->sort)
			ui->reverse = !ui->reverse;
		else
			ui->sort = col, ui->reverse = false;
		ui_message(ui, false, now_ns, "sorted by %s (%s)", col->name, col->help);
		return (int)ui_resort(ui, now_ns);
	}
	if (s->top + y - 1 >= (long)ui->view.n)
		return R_REDRAW;
	s->sel = s->top + y - 1;
	return -2; /* the cursor moved: the core's selection rules apply */
}

static void conn_draw(struct ui *ui, struct canvas *c, int y, int h)
{
	struct conn_state *st = screen_state(ui, SCR_CONN);
	struct ui_scroll *s = &ui->scroll[SCR_CONN];
	uint8_t natural[COL_N];
	struct layout l;
	int rows = h - 1;

	widget_scroll_fit(s, (long)ui->view.n, rows, true);
	measure(ui, s->top, rows, natural);
	layout_fit_data(&l, ui->cols, ui->ncols, c->w, natural);
	layout_set_attribution(&l, ui->frame->attribution);
	screen_table_header(ui, c, y, &l, ui->sort);
	st->l = l;
	st->drawn = true;
	ui->body_h = rows;
	widget_scroll_fit(s, (long)ui->view.n, rows, true);
	if (ui->view.n == 0) {
		canvas_put(c, y + 1, 1, -1, AT_DIM,
			   ui->filter_text ? "no socket matches the filter" : "no sockets");
		return;
	}
	for (int i = 0; i < rows && s->top + i < (long)ui->view.n; i++) {
		long at = s->top + i;

		screen_table_row(c, y + 1 + i, &l, &ui->frame->rows[ui->view.order[at]],
				 at == s->sel);
	}
}

const struct screen screen_conn = {
	.id = SCR_CONN,
	.name = "connections",
	.title = "Connections",
	.help = "connections: sorted, filtered, one selected",
	.hotkey = '1',
	.tab = true,
	.selectable = true,
	.state_size = sizeof(struct conn_state),
	.draw = conn_draw,
	.nrows = conn_rows,
	.row_text = conn_row_text,
	.click = conn_click,
	.sort_label = screen_conn_sort_label,
};
