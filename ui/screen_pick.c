/* SPDX-License-Identifier: GPL-2.0-or-later */
/* screen_pick: the column chooser and the sort menu (one list of every connection column). */
#include <string.h>

#include "screen.h"
#include "widgets.h"

/* Connection columns in table order (listener-only ones are not pickable). */
static int pickable(enum col_id out[COL_N])
{
	int n = 0;

	for (int i = 0; i < COL_N; i++)
		if (!(column_get(i)->flags & COLF_LISTEN))
			out[n++] = (enum col_id)i;
	return n;
}

static long pick_position(enum col_id id);

struct pick_state {
	enum pick_mode mode;
};

unsigned screen_pick_open(struct ui *ui, enum pick_mode mode)
{
	struct pick_state *st = screen_state(ui, SCR_PICK);

	st->mode = mode;
	ui->scroll[SCR_PICK].sel = mode == PICK_SORT ? pick_position(ui->sort->id) : 0;
	ui->scroll[SCR_PICK].top = 0;
	return ui_go(ui, SCR_PICK);
}

static int shown_at(const struct ui *ui, enum col_id id)
{
	for (size_t i = 0; i < ui->ncols; i++)
		if (ui->cols[i] == id)
			return (int)i;
	return -1;
}

static long pick_position(enum col_id id)
{
	enum col_id ids[COL_N];
	int n = pickable(ids);

	for (int i = 0; i < n; i++)
		if (ids[i] == id)
			return i;
	return 0;
}

static long pick_rows(const struct ui *ui)
{
	enum col_id ids[COL_N];

	(void)ui;
	return pickable(ids);
}

static int pick_key(struct ui *ui, int key, uint64_t now_ns)
{
	const struct pick_state *st = screen_state(ui, SCR_PICK);
	enum col_id ids[COL_N];
	int n = pickable(ids);
	long sel = ui->scroll[SCR_PICK].sel;
	int at;

	if (sel < 0 || sel >= n)
		return -1;
	if (st->mode == PICK_SORT && (key == K_ENTER || key == '\r')) {
		ui->sort = column_get(ids[sel]);
		ui->reverse = false;
		ui_back(ui);
		ui_message(ui, false, now_ns, "sorted by %s", ui->sort->name);
		return (int)(ui_resort(ui, now_ns) | R_SELECT);
	}
	if (st->mode == PICK_COLUMNS && key == ' ') {
		at = shown_at(ui, ids[sel]);
		if (at >= 0 && ui->ncols > 1) {
			memmove(&ui->cols[at], &ui->cols[at + 1],
				(ui->ncols - (size_t)at - 1) * sizeof(ui->cols[0]));
			ui->ncols--;
		} else if (at < 0) {
			ui->cols[ui->ncols++] = ids[sel];
		}
		return R_REDRAW | R_COLUMNS;
	}
	if (st->mode == PICK_COLUMNS && (key == K_ENTER || key == '\r')) {
		return (int)(ui_back(ui) | R_REDRAW);
	}
	return -1;
}

static void pick_draw(struct ui *ui, struct canvas *c, int y, int h)
{
	const struct pick_state *st = screen_state(ui, SCR_PICK);
	enum col_id ids[COL_N];
	int n = pickable(ids), rows = h - 1;
	struct ui_scroll *s = &ui->scroll[SCR_PICK];

	canvas_fill(c, y, 0, c->w, ' ', AT_HEADER);
	canvas_put(c, y, 0, -1, AT_HEADER,
		   st->mode == PICK_SORT ? " Sort by: Enter chooses, Esc cancels"
					 : " Columns: Space shows/hides (shown ones keep "
					   "their order), Enter/Esc done");
	ui->body_h = rows;
	widget_scroll_fit(s, n, rows, true);
	for (int i = 0; i < rows && s->top + i < n; i++) {
		const struct column *col = column_get(ids[s->top + i]);
		int ry = y + 1 + i;
		const char *mark;

		if (st->mode == PICK_SORT)
			mark = col == ui->sort ? "(*)" : "( )";
		else
			mark = shown_at(ui, col->id) >= 0 ? "[x]" : "[ ]";
		canvas_printf(c, ry, 1, -1, AT_NORMAL, "%s %-15s %-14s %s", mark, col->name,
			      col->header, col->help);
		if (s->top + i == s->sel)
			canvas_attr(c, ry, 0, c->w, AT_SELECTED);
	}
}

const struct screen screen_pick = {
	.id = SCR_PICK,
	.name = "columns",
	.title = "Columns",
	.help = "the column chooser and the sort menu",
	.selectable = true,
	.state_size = sizeof(struct pick_state),
	.draw = pick_draw,
	.nrows = pick_rows,
	.key = pick_key,
};
