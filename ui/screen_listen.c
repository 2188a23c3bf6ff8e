/* SPDX-License-Identifier: GPL-2.0-or-later */
/* screen_listen: listeners with accept- and SYN-queue depth and drops, and the host's listen counters. */
#include <stdio.h>
#include <string.h>

#include "procmap.h"
#include "screen.h"
#include "summary.h"
#include "table.h"
#include "tunables.h"
#include "widgets.h"

/* Host-wide counters of listen trouble, with what each one means. */
static const struct {
	const char *counter;
	const char *label;
} listen_counters[] = {
	{ "TcpExtListenOverflows", "ListenOverflows" },
	{ "TcpExtListenDrops", "ListenDrops" },
	{ "TcpExtTCPReqQFullDrop", "ReqQFullDrop" },
	{ "TcpExtTCPReqQFullDoCookies", "ReqQFullDoCookies" },
	{ "TcpExtSyncookiesSent", "SyncookiesSent" },
};

static const enum tun_id listen_tunables[] = {
	TUN_SOMAXCONN,         TUN_MAX_SYN_BACKLOG, TUN_SYNCOOKIES,
	TUN_ABORT_ON_OVERFLOW, TUN_SYNACK_RETRIES,
};

#define BAR_W 12

struct lmatch {
	ui_match_fn match;
	void *ctx;
};

static bool is_listener(const struct row *r, void *arg)
{
	const struct lmatch *m = arg;

	return row_lst(r) && (!m->match || m->match(r, m->ctx));
}

size_t screen_listen_order(const struct ui *ui, struct view *v)
{
	struct lmatch m = { ui->match, ui->filter_ctx };

	if (!ui->frame)
		return 0;
	view_build(v, ui->frame, column_get(COL_LOCAL), false, is_listener, &m);
	return v->n;
}

static long listen_rows(const struct ui *ui)
{
	struct view v = { 0 };
	long n = (long)screen_listen_order(ui, &v);

	view_free(&v);
	return n;
}

static int listen_key(struct ui *ui, int key, uint64_t now_ns)
{
	struct view v = { 0 };
	long sel = ui->scroll[SCR_LISTEN].sel;
	unsigned r = R_REDRAW;

	(void)now_ns;
	if (key != K_ENTER && key != '\r')
		return -1;
	/* Enter: the listener socket's details */
	if (screen_listen_order(ui, &v) && sel >= 0 && (size_t)sel < v.n)
		r = screen_detail_open(ui, ui->frame->rows[v.order[sel]].c->cookie);
	view_free(&v);
	return (int)r;
}

/* Search: the listener's cells (address, queues, owner). */
static bool listen_row_text(const struct ui *ui, long i, char *buf, size_t n)
{
	struct view v = { 0 };
	struct layout l;
	size_t at = 0;
	bool ok = false;

	if (screen_listen_order(ui, &v) && i >= 0 && (size_t)i < v.n) {
		const struct row *r = &ui->frame->rows[v.order[i]];
		char cell[256];

		layout_fit(&l, column_listen_view, column_listen_view_len, 4000);
		layout_set_attribution(&l, ui->frame->attribution);
		buf[0] = '\0';
		for (int k = 0; k < l.n && at + 1 < n; k++) {
			table_cell(&l, k, r, cell, sizeof(cell));
			at += (size_t)snprintf(buf + at, n - at, "%s ", cell);
		}
		if (row_proc(r) && at + 1 < n)
			snprintf(buf + at, n - at, "%s", row_proc(r)->text);
		ok = true;
	}
	view_free(&v);
	return ok;
}

/* "Name total (+delta)" items flowed over as many lines as the width needs. */
static int counters_block(struct ui *ui, struct canvas *c, int y, int maxy)
{
	const struct frame *f = ui->frame;
	int x = 0;

	canvas_put(c, y, 0, -1, AT_TITLE, "Listen counters (total, +last interval):");
	y++;
	for (size_t i = 0; i < sizeof(listen_counters) / sizeof(listen_counters[0]); i++) {
		const struct counter *ct = counters_find(&f->counters, listen_counters[i].counter);
		char item[96];
		enum attr a = AT_NORMAL;
		int n;

		if (!ct)
			snprintf(item, sizeof(item), "%s -", listen_counters[i].label);
		else if (ct->flags & CTR_DELTA)
			snprintf(item, sizeof(item), "%s %llu (+%llu)", listen_counters[i].label,
				 (unsigned long long)ct->value, (unsigned long long)ct->delta);
		else
			snprintf(item, sizeof(item), "%s %llu", listen_counters[i].label,
				 (unsigned long long)ct->value);
		if (ct && (ct->flags & CTR_DELTA) && ct->delta)
			a = AT_ALARM;
		n = (int)strlen(item);
		if (x && x + n + 3 > c->w) {
			x = 0;
			y++;
		}
		if (y >= maxy)
			return y;
		canvas_put(c, y, x + 2, -1, a, item);
		x += n + 3;
	}
	y++;
	x = 2;
	for (size_t i = 0; i < sizeof(listen_tunables) / sizeof(listen_tunables[0]); i++) {
		const struct tunable_def *d = tunable_def(listen_tunables[i]);
		const char *name = strrchr(d->name, '.') + 1;
		char v[32];

		if (f->tun.n[listen_tunables[i]])
			snprintf(v, sizeof(v), "%lld", (long long)f->tun.v[listen_tunables[i]][0]);
		else
			snprintf(v, sizeof(v), "-");
		if (x + (int)strlen(name) + (int)strlen(v) + 3 > c->w) {
			x = 2;
			y++;
		}
		if (y >= maxy)
			return y;
		x = widget_pair(c, y, x, c->w, name, v, AT_NORMAL);
	}
	return y + 2;
}

static void listen_draw(struct ui *ui, struct canvas *c, int y, int h)
{
	struct ui_scroll *s = &ui->scroll[SCR_LISTEN];
	struct view v = { 0 };
	struct layout l;
	int top = counters_block(ui, c, y, y + h), rows;

	layout_fit(&l, column_listen_view, column_listen_view_len, c->w - BAR_W - 1);
	layout_set_attribution(&l, ui->frame->attribution);
	rows = y + h - top - 1;
	if (rows < 1)
		return;
	/* the header, with room for the fill bar after the accept queue */
	canvas_fill(c, top, 0, c->w, ' ', AT_HEADER);
	for (int i = 0, x = 0; i < l.n; i++) {
		char buf[160];

		table_header_cell(&l, i, buf, sizeof(buf));
		canvas_put(c, top, x, l.width[i], AT_HEADER, buf);
		x += l.width[i] + 1;
		if (l.col[i]->id == COL_ACCEPT_FILL) {
			canvas_put(c, top, x, BAR_W, AT_HEADER, "fill");
			x += BAR_W;
		}
	}
	ui->body_h = rows;
	screen_listen_order(ui, &v);
	widget_scroll_fit(s, (long)v.n, rows, true);
	if (v.n == 0)
		canvas_put(c, top + 1, 1, -1, AT_DIM, "no listening sockets");
	for (int i = 0; i < rows && s->top + i < (long)v.n; i++) {
		const struct row *r = &ui->frame->rows[v.order[s->top + i]];
		int ry = top + 1 + i, x = 0;
		char buf[160];

		for (int k = 0; k < l.n; k++) {
			table_cell(&l, k, r, buf, sizeof(buf));
			canvas_put(c, ry, x, l.width[k], column_attr(l.col[k], r), buf);
			x += l.width[k] + 1;
			if (l.col[k]->id == COL_ACCEPT_FILL) {
				/* the queue holds limit + 1 before the kernel drops SYNs */
				const struct listener *lst = row_lst(r);
				double ratio = lst->accept_max
						       ? (double)lst->accept_q / lst->accept_max
						       : 0;

				widget_bar(c, ry, x, BAR_W - 1, ratio,
					   ratio > 1       ? AT_ALARM
					   : ratio >= 0.75 ? AT_WARN
							   : AT_BAR);
				x += BAR_W;
			}
		}
		if (s->top + i == s->sel)
			canvas_attr(c, ry, 0, c->w, AT_SELECTED);
	}
	view_free(&v);
}

const struct screen screen_listen = {
	.id = SCR_LISTEN,
	.name = "listen",
	.title = "Listen",
	.help = "listeners: accept and SYN queues, drops",
	.hotkey = '2',
	.tab = true,
	.selectable = true,
	.draw = listen_draw,
	.nrows = listen_rows,
	.key = listen_key,
	.row_text = listen_row_text,
};
