/* SPDX-License-Identifier: GPL-2.0-or-later */
/* screen_group: one line per process, remote host, service port or state, with sums and the worst finding. */
#include <stdio.h>
#include <string.h>

#include "diagnose.h"
#include "fmt.h"
#include "group.h"
#include "screen.h"
#include "widgets.h"

/* Built once per frame (and filter or grouping), not on every key. */
struct group_state {
	struct group_set gs;
	uint64_t seq, gen;
	size_t n;
	int key;
	enum group_sort sort;
	bool reverse;
	bool built;
};

/* Column widths of the table (the name takes the rest). */
static const struct {
	enum group_sort sort;
	int w;
} cols[] = {
	{ GS_COUNT, 7 }, { GS_PROBLEMS, 8 }, { GS_TX, 8 },
	{ GS_RX, 8 },    { GS_SENDQ, 8 },    { GS_RECVQ, 8 },
};
#define WORST_W 14 /* "rcvbuf-fixed" */

static void group_state_free(void *state)
{
	struct group_state *st = state;

	group_free(&st->gs);
}

static struct group_state *current(const struct ui *ui)
{
	struct group_state *st = screen_state(ui, SCR_GROUP);

	if (!ui->frame)
		return st;
	if (!st->built || st->seq != ui->frame->seq || st->gen != ui->view_gen ||
	    st->n != ui->view.n || st->key != ui->group) {
		group_build(&st->gs, ui->frame, ui->view.order, ui->view.n,
			    (enum group_key)ui->group);
		group_sort(&st->gs, st->sort, st->reverse);
		st->seq = ui->frame->seq;
		st->gen = ui->view_gen;
		st->n = ui->view.n;
		st->key = ui->group;
		st->built = true;
	}
	return st;
}

static void resort(struct group_state *st, enum group_sort by, bool reverse)
{
	st->sort = by;
	st->reverse = reverse;
	group_sort(&st->gs, by, reverse);
}

static long group_rows(const struct ui *ui)
{
	return (long)current(ui)->gs.n;
}

static int name_width(int w)
{
	int n = w - WORST_W - 1;

	for (size_t i = 0; i < sizeof(cols) / sizeof(cols[0]); i++)
		n -= cols[i].w + 1;
	return n < 12 ? 12 : n > 48 ? 48 : n;
}

static void line(const struct group *g, int namew, char *buf, size_t n)
{
	char tx[16], rx[16], sq[16], rq[16], pr[16];

	snprintf(pr, sizeof(pr), "%u", g->problems);
	snprintf(buf, n, "%-*.*s %7u %8s %8s %8s %8s %8s %-*s", namew, namew, g->name, g->count,
		 g->problems ? pr : "-", fmt_bits(g->tx_bps, tx, sizeof(tx)),
		 fmt_bits(g->rx_bps, rx, sizeof(rx)), fmt_ibytes(g->sendq, sq, sizeof(sq)),
		 fmt_ibytes(g->recvq, rq, sizeof(rq)), WORST_W,
		 g->worst >= 0 ? diagnose_code((unsigned)g->worst)->name : "");
}

static bool group_row_text(const struct ui *ui, long i, char *buf, size_t n)
{
	const struct group_state *st = current(ui);

	if (i < 0 || (size_t)i >= st->gs.n)
		return false;
	line(&st->gs.v[i], 48, buf, n);
	return true;
}

/* Enter: the group's connections, as a filter the tab line shows (/ and an empty line clear it). */
static unsigned open_group(struct ui *ui, uint64_t now_ns)
{
	struct group_state *st = current(ui);
	long sel = ui->scroll[SCR_GROUP].sel;
	const struct group *g;
	struct terr e = { { 0 } };
	char text[512];

	if (sel < 0 || (size_t)sel >= st->gs.n)
		return R_REDRAW;
	g = &st->gs.v[sel];
	if (!g->filter[0]) {
		ui_message(ui, true, now_ns, "no filter selects the group \"%s\"", g->name);
		return R_REDRAW;
	}
	if (!ui->apply_filter) {
		ui_message(ui, true, now_ns, "filters are not available");
		return R_REDRAW;
	}
	/* within the filter already set, if any */
	if (ui->filter_text)
		snprintf(text, sizeof(text), "(%s) and %s", ui->filter_text, g->filter);
	else
		snprintf(text, sizeof(text), "%s", g->filter);
	if (ui->apply_filter(ui->apply_ctx, text, &e) < 0) {
		ui_message(ui, true, now_ns, "%s", e.msg);
		return R_REDRAW;
	}
	ui->scroll[SCR_CONN].top = ui->scroll[SCR_CONN].sel = 0;
	ui->chosen = false;
	ui_back(ui);
	if (ui->screen != SCR_CONN)
		ui_go(ui, SCR_CONN);
	ui_message(ui, false, now_ns, "filter: %s  (/ then an empty Enter clears it)",
		   ui->filter_text ? ui->filter_text : text);
	return ui_resort(ui, now_ns) | R_FILTER | R_SELECT;
}

static int group_key(struct ui *ui, int key, uint64_t now_ns)
{
	struct group_state *st = current(ui);
	int at = 0, nc = (int)(sizeof(cols) / sizeof(cols[0]));

	for (int i = 0; i < nc; i++)
		if (cols[i].sort == st->sort)
			at = i;
	switch (key) {
	case K_ENTER:
	case '\r':
		return (int)open_group(ui, now_ns);
	case '<':
	case ',':
	case '>':
	case '.':
		at = (at + (key == '<' || key == ',' ? -1 : 1) + nc) % nc;
		resort(st, cols[at].sort, false);
		ui_message(ui, false, now_ns, "groups sorted by %s", group_sort_name(st->sort));
		return R_REDRAW;
	case 'r':
		resort(st, st->sort, !st->reverse);
		return R_REDRAW;
	}
	return -1;
}

/* A header click sorts by that column (again: reverses); a row click selects. */
static int group_click(struct ui *ui, int y, int x, uint64_t now_ns)
{
	struct group_state *st = current(ui);
	struct ui_scroll *s = &ui->scroll[SCR_GROUP];
	int at = name_width(ui->body_w) + 1;

	if (y > 0) {
		if (s->top + y - 1 < (long)st->gs.n)
			s->sel = s->top + y - 1;
		return R_REDRAW;
	}
	if (x < at) {
		resort(st, GS_NAME, st->sort == GS_NAME && !st->reverse);
		return R_REDRAW;
	}
	for (size_t i = 0; i < sizeof(cols) / sizeof(cols[0]); i++) {
		if (x < at + cols[i].w + 1) {
			resort(st, cols[i].sort, st->sort == cols[i].sort && !st->reverse);
			ui_message(ui, false, now_ns, "groups sorted by %s",
				   group_sort_name(st->sort));
			return R_REDRAW;
		}
		at += cols[i].w + 1;
	}
	return -1;
}

static void group_draw(struct ui *ui, struct canvas *c, int y, int h)
{
	struct group_state *st = current(ui);
	struct ui_scroll *s = &ui->scroll[SCR_GROUP];
	int namew = name_width(c->w), rows = h - 1, x;
	char buf[512];

	canvas_fill(c, y, 0, c->w, ' ', AT_HEADER);
	canvas_printf(c, y, 0, namew, st->sort == GS_NAME ? AT_SORTED : AT_HEADER, "%s",
		      group_key_title(ui->group));
	x = namew + 1;
	for (size_t i = 0; i < sizeof(cols) / sizeof(cols[0]); i++) {
		canvas_printf(c, y, x, cols[i].w, st->sort == cols[i].sort ? AT_SORTED : AT_HEADER,
			      "%*s", cols[i].w, group_sort_header(cols[i].sort));
		x += cols[i].w + 1;
	}
	canvas_put(c, y, x, -1, AT_HEADER, "Worst");
	ui->body_h = rows;
	widget_scroll_fit(s, (long)st->gs.n, rows, true);
	if (!st->gs.n) {
		canvas_put(c, y + 1, 1, -1, AT_DIM,
			   ui->filter_text ? "no socket matches the filter" : "no sockets");
		return;
	}
	for (int i = 0; i < rows && s->top + i < (long)st->gs.n; i++) {
		const struct group *g = &st->gs.v[s->top + i];
		int ry = y + 1 + i;

		line(g, namew, buf, sizeof(buf));
		canvas_put(c, ry, 0, -1, AT_NORMAL, buf);
		if (g->worst >= 0)
			canvas_put(c, ry, x, -1, g->worst_sev == DS_CRIT ? AT_ALARM : AT_WARN,
				   diagnose_code((unsigned)g->worst)->name);
		if (s->top + i == s->sel)
			canvas_attr(c, ry, 0, c->w, AT_SELECTED);
	}
}

static void group_sort_label(const struct ui *ui, bool utf8, char *buf, size_t n)
{
	const struct group_state *st = screen_state(ui, SCR_GROUP);

	snprintf(buf, n, "%s%s  by %s", group_sort_name(st->sort),
		 st->sort == GS_NAME
			 ? (st->reverse ? (utf8 ? "\u25bc" : "v") : (utf8 ? "\u25b2" : "^"))
			 : (st->reverse ? (utf8 ? "\u25b2" : "^") : (utf8 ? "\u25bc" : "v")),
		 group_key_name(ui->group));
}

const struct screen screen_group = {
	.id = SCR_GROUP,
	.name = "groups",
	.title = "Groups",
	.help = "connections grouped by process, remote host, port or state",
	.selectable = true,
	.state_size = sizeof(struct group_state),
	.free = group_state_free,
	.draw = group_draw,
	.nrows = group_rows,
	.key = group_key,
	.row_text = group_row_text,
	.click = group_click,
	.sort_label = group_sort_label,
};
