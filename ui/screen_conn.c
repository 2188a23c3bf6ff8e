/* screen_conn: the connection table, sorted, filtered, with a selection that follows its socket. */
#include <stdio.h>

#include "screen.h"
#include "table.h"
#include "widgets.h"

long screen_conn_rows(const struct ui *ui)
{
	return (long)ui->view.n;
}

int screen_conn_key(struct ui *ui, int key, uint64_t now_ns)
{
	(void)ui;
	(void)key;
	(void)now_ns;
	return -1;
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

void screen_conn_draw(struct ui *ui, struct canvas *c, int y, int h)
{
	struct ui_scroll *s = &ui->scroll[SCR_CONN];
	uint8_t natural[COL_N];
	struct layout l;
	int rows = h - 1;

	widget_scroll_fit(s, (long)ui->view.n, rows, true);
	measure(ui, s->top, rows, natural);
	layout_fit_data(&l, ui->cols, ui->ncols, c->w, natural);
	screen_table_header(ui, c, y, &l, ui->sort);
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
