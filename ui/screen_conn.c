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

void screen_conn_draw(struct ui *ui, struct canvas *c, int y, int h)
{
	struct ui_scroll *s = &ui->scroll[SCR_CONN];
	struct layout l;
	int rows = h - 1;

	layout_fit(&l, ui->cols, ui->ncols, c->w);
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
