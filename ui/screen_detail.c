/* SPDX-License-Identifier: GPL-2.0-or-later */
/* screen_detail: one socket in full: every tcp_info field the kernel gave, memory, timers, history. */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "diagnose.h"
#include "fmt.h"
#include "diag.h"
#include "procmap.h"
#include "sanitize.h"
#include "screen.h"
#include "widgets.h"

struct detail_state {
	uint64_t cookie; /* the socket shown */
	/* its fd in the owning process, looked up by the app (I/O stays out of the views) */
	uint64_t fd_cookie; /* the socket fd is for; 0: not looked up */
	int32_t fd_pid;
	int fd; /* -1: not found */
	int w;  /* canvas width at the last draw: line wrapping depends on it */
};

uint64_t screen_detail_cookie(const struct ui *ui)
{
	const struct detail_state *st = screen_state(ui, SCR_DETAIL);

	return st->cookie;
}

unsigned screen_detail_open(struct ui *ui, uint64_t cookie)
{
	struct detail_state *st = screen_state(ui, SCR_DETAIL);

	st->cookie = cookie;
	ui->scroll[SCR_DETAIL].top = 0;
	return ui_go(ui, SCR_DETAIL) | R_SELECT;
}

static const struct row *subject(const struct ui *ui)
{
	return ui->frame ? frame_find(ui->frame, screen_detail_cookie(ui)) : NULL;
}

bool screen_detail_wants_fd(const struct ui *ui, int32_t *pid, uint32_t *inode)
{
	const struct detail_state *st = screen_state(ui, SCR_DETAIL);
	const struct row *r = ui->screen == SCR_DETAIL ? subject(ui) : NULL;

	if (!r || !procinfo_known(row_proc(r)) || !r->c->inode)
		return false;
	if (st->fd_cookie == st->cookie && st->fd_pid == row_proc(r)->pid)
		return false;
	*pid = row_proc(r)->pid;
	*inode = r->c->inode;
	return true;
}

void screen_detail_set_fd(struct ui *ui, int32_t pid, int fd)
{
	struct detail_state *st = screen_state(ui, SCR_DETAIL);

	st->fd_cookie = st->cookie;
	st->fd_pid = pid;
	st->fd = fd;
}

static void draw_all(const struct ui *ui, struct scrollwin *sw, const struct row *r);

/* Lines the detail body has (for scrolling): the same drawing, counted off-canvas. */
static long detail_rows(const struct ui *ui)
{
	const struct row *r = subject(ui);
	struct scrollwin sw;
	struct canvas c = { 0 };

	if (!r)
		return 1;
	c.w = ((const struct detail_state *)screen_state(ui, SCR_DETAIL))->w;
	c.w = c.w > 0 ? c.w : 80;
	sw_begin(&sw, &c, 0, 0, 0);
	draw_all(ui, &sw, r);
	return sw.n;
}

static void spark_line(struct scrollwin *sw, const struct hist *h, int k, const char *label,
		       const char *now)
{
	int y = sw_next(sw), w = sw->c->w - 30;

	if (y < 0)
		return;
	canvas_printf(sw->c, y, 0, 8, AT_TITLE, "%s", label);
	if (w > HIST_LEN)
		w = HIST_LEN;
	if (w > 4 && h->n)
		widget_spark(sw->c, y, 8, w, h->v[k], h->n, AT_BAR);
	canvas_put(sw->c, y, 8 + (w > 0 ? w : 0) + 2, -1, AT_NORMAL, now);
}

static void history(const struct ui *ui, struct scrollwin *sw, const struct row *r)
{
	const struct hist *h = &ui->frame->hist;
	char a[32], b[32];

	if (h->cookie != r->c->cookie || h->n == 0) {
		int y = sw_next(sw);

		if (y >= 0)
			canvas_put(sw->c, y, 0, -1, AT_DIM,
				   "history: collecting (the last 60 refreshes appear here)");
		return;
	}
	snprintf(a, sizeof(a), "%.3f ms", h->v[HIST_RTT][h->n - 1]);
	spark_line(sw, h, HIST_RTT, "rtt", a);
	snprintf(a, sizeof(a), "%.0f seg", h->v[HIST_CWND][h->n - 1]);
	spark_line(sw, h, HIST_CWND, "cwnd", a);
	snprintf(b, sizeof(b), "%s b/s",
		 isfinite(h->v[HIST_TX][h->n - 1]) ? fmt_bits(h->v[HIST_TX][h->n - 1], a, sizeof(a))
						   : "-");
	spark_line(sw, h, HIST_TX, "TX", b);
	snprintf(b, sizeof(b), "%s b/s",
		 isfinite(h->v[HIST_RX][h->n - 1]) ? fmt_bits(h->v[HIST_RX][h->n - 1], a, sizeof(a))
						   : "-");
	spark_line(sw, h, HIST_RX, "RX", b);
}

static void summary_lines(const struct ui *ui, struct scrollwin *sw, const struct row *r)
{
	const struct conn *c = r->c;
	char l[ENDPOINT_STRLEN], p[ENDPOINT_STRLEN], a[32], b[32];
	int y;

	(void)ui;
	if ((y = sw_next(sw)) >= 0)
		canvas_printf(sw->c, y, 0, -1, AT_TITLE, "%s  ->  %s   %s",
			      endpoint_str(c->family, conn_src(c), c->sport, l, sizeof(l)),
			      endpoint_str(c->family, conn_dst(c), c->dport, p, sizeof(p)),
			      conn_state_name(c->state));
	if ((y = sw_next(sw)) >= 0) {
		int x = 0;

		snprintf(a, sizeof(a), "%llu", (unsigned long long)c->cookie);
		x = widget_pair(sw->c, y, x, sw->c->w, "cookie", a, AT_NORMAL);
		if (c->have & CONN_HAS_UID) {
			snprintf(a, sizeof(a), "%u", c->uid);
			x = widget_pair(sw->c, y, x, sw->c->w, "uid", a, AT_NORMAL);
		}
		if (c->inode) {
			snprintf(a, sizeof(a), "%u", c->inode);
			x = widget_pair(sw->c, y, x, sw->c->w, "inode", a, AT_NORMAL);
		}
		if (conn_cong(c))
			x = widget_pair(sw->c, y, x, sw->c->w, "cc", conn_cong(c), AT_NORMAL);
		snprintf(a, sizeof(a), "%u", c->rqueue);
		x = widget_pair(sw->c, y, x, sw->c->w, "recv-q", a, AT_NORMAL);
		snprintf(a, sizeof(a), "%u", c->wqueue);
		widget_pair(sw->c, y, x, sw->c->w, "send-q", a, AT_NORMAL);
	}
	if ((y = sw_next(sw)) >= 0) {
		int x = 0;

		if (c->timer)
			/* idiag_retrans: retransmits (or probes) of the running timer */
			snprintf(a, sizeof(a), "%s %ums retransmits %u", conn_timer_name(c->timer),
				 c->expires_ms, c->retrans);
		else
			snprintf(a, sizeof(a), "none");
		x = widget_pair(sw->c, y, x, sw->c->w, "timer", a,
				c->timer == TIMER_PERSIST ? AT_ALARM : AT_NORMAL);
		if (c->have & CONN_HAS_SHUTDOWN)
			x = widget_pair(sw->c, y, x, sw->c->w, "shutdown",
					(const char *[]){ "none", "receive", "send",
							  "both" }[c->shutdown & 3],
					AT_NORMAL);
		if (r->flags & ROW_RATES) {
			snprintf(b, sizeof(b), "%s b/s", fmt_bits(r->tx_bps, a, sizeof(a)));
			x = widget_pair(sw->c, y, x, sw->c->w, "TX", b, AT_NORMAL);
			snprintf(b, sizeof(b), "%s b/s", fmt_bits(r->rx_bps, a, sizeof(a)));
			x = widget_pair(sw->c, y, x, sw->c->w, "RX", b, AT_NORMAL);
		}
		if (r->flags & ROW_D_RETRANS) {
			snprintf(a, sizeof(a), "%llu", (unsigned long long)r->d_retrans);
			widget_pair(sw->c, y, x, sw->c->w, "retrans/interval", a,
				    r->d_retrans ? AT_WARN : AT_NORMAL);
		}
	}
	if ((y = sw_next(sw)) >= 0) {
		static const char *const names[SKM_N] = { "r", "rb", "t",  "tb", "f",
							  "w", "o",  "bl", "d" };
		int x = widget_pair(sw->c, y, 0, sw->c->w, "skmem", "", AT_NORMAL);
		uint32_t v;

		if (!(c->have & CONN_HAS_SKMEM))
			canvas_put(sw->c, y, x, -1, AT_DIM, "not reported");
		for (int i = 0; conn_skmem(c, i, &v); i++) {
			snprintf(a, sizeof(a), "%u", v);
			x = widget_pair(sw->c, y, x, sw->c->w, names[i], a, AT_NORMAL);
		}
	}
	if ((r->flags & ROW_D_LIMITS) && row_dt(ui->frame, r) > 0 && c->state != TS_LISTEN &&
	    (y = sw_next(sw)) >= 0) {
		/* shares of the last interval: busy includes both limited times */
		double t = row_dt(ui->frame, r) * 1e6;

		canvas_printf(
			sw->c, y, 0, -1, AT_NORMAL,
			"last interval: busy %.0f%%  rwnd-limited %.0f%%  sndbuf-limited %.0f%%",
			100.0 * (double)r->d_busy_us / t, 100.0 * (double)r->d_rwnd_us / t,
			100.0 * (double)r->d_sndbuf_us / t);
	}
	sw_next(sw);
}

/* Who holds the socket: the incident's next question is which process to look at. */
static void owner_lines(const struct ui *ui, struct scrollwin *sw, const struct row *r)
{
	const struct detail_state *st = screen_state(ui, SCR_DETAIL);
	const struct frame *f = ui->frame;
	const struct procinfo *p = row_proc(r);
	char comm[PROC_COMM_LEN * 4 + 1], a[64];
	int y, x = 0;

	if ((y = sw_next(sw)) < 0)
		return;
	x = widget_pair(sw->c, y, x, sw->c->w, "process", "", AT_NORMAL);
	if (f->attribution == ATTR_OFF || f->attribution == ATTR_UNAVAILABLE) {
		canvas_put(sw->c, y, x, -1, AT_DIM,
			   f->attribution == ATTR_OFF ? "attribution off (p turns it on)"
						      : "not in a recording");
	} else if (!p) {
		canvas_put(sw->c, y, x, -1, AT_DIM,
			   r->c->inode ? "no process holds it" : "none (no inode: kernel-held)");
	} else if (!procinfo_known(p)) {
		canvas_put(sw->c, y, x, -1, AT_DIM, "unknown (its owner's fds are not readable)");
	} else {
		snprintf(a, sizeof(a), "%d", p->pid);
		x = widget_pair(sw->c, y, x, sw->c->w, "pid", a, AT_NORMAL);
		sanitize_text(comm, sizeof(comm), p->comm, strlen(p->comm));
		x = widget_pair(sw->c, y, x, sw->c->w, "command", comm, AT_NORMAL);
		if (st->fd_cookie == st->cookie && st->fd_pid == p->pid) {
			snprintf(a, sizeof(a), "%d", st->fd);
			x = widget_pair(sw->c, y, x, sw->c->w, "fd", st->fd >= 0 ? a : "?",
					AT_NORMAL);
		}
		if (p->count > 1) {
			snprintf(a, sizeof(a), "%u processes", p->count);
			x = widget_pair(sw->c, y, x, sw->c->w, "held by", a, AT_NORMAL);
		}
	}
	if (row_user(r))
		x = widget_pair(sw->c, y, x, sw->c->w, "user", row_user(r)->text, AT_NORMAL);
	(void)x;
	/* every holder when several share the socket (a fork, a passed fd) */
	for (uint32_t i = 0; p && p->holders && p->count > 1 && i < p->count && i < 8; i++) {
		if ((y = sw_next(sw)) < 0)
			continue;
		sanitize_text(comm, sizeof(comm), p->holders[i].comm, strlen(p->holders[i].comm));
		canvas_printf(sw->c, y, 2, -1, AT_NORMAL, "pid %d  %s", p->holders[i].pid, comm);
	}
}

/* A listener's two queues against their limits: the backlog question in one line. */
static void listener_lines(struct scrollwin *sw, const struct row *r)
{
	const struct listener *l = row_lst(r);
	char a[48];
	int y, x = 0;

	if (!l || (y = sw_next(sw)) < 0)
		return;
	snprintf(a, sizeof(a), "%u/%u", l->accept_q, l->accept_max);
	x = widget_pair(sw->c, y, x, sw->c->w, "accept queue", a,
			l->accept_q > l->accept_max ? AT_ALARM : AT_NORMAL);
	if (l->syn_max)
		snprintf(a, sizeof(a), "%u/%u", l->syn_q, l->syn_max);
	else
		snprintf(a, sizeof(a), "%u/?", l->syn_q);
	x = widget_pair(sw->c, y, x, sw->c->w, "SYN queue", a,
			l->syn_max && l->syn_q >= l->syn_max ? AT_ALARM : AT_NORMAL);
	if (l->flags & LST_DROPS) {
		snprintf(a, sizeof(a), "%llu", (unsigned long long)l->drops);
		x = widget_pair(sw->c, y, x, sw->c->w, "drops", a, AT_NORMAL);
	}
	if (l->shared > 1) {
		snprintf(a, sizeof(a), "%u", l->shared);
		widget_pair(sw->c, y, x, sw->c->w, "reuseport group", a, AT_NORMAL);
	}
}

/* Findings about this socket as a listener (they live in the frame's list). */
static bool listener_findings(const struct frame *f, const struct row *r)
{
	for (uint32_t i = 0; i < f->nfindings; i++)
		if (f->findings[i].cookie == r->c->cookie && f->findings[i].code >= DX_CONN_N)
			return true;
	return false;
}

/* What limited this connection, and every finding on it, each with what to check. */
static void diagnosis(const struct frame *f, struct scrollwin *sw, const struct row *r)
{
	char buf[1024];
	int y;

	if (r->limited_by == DL_NONE && !r->findings && !listener_findings(f, r))
		return;
	if ((y = sw_next(sw)) >= 0)
		canvas_put(sw->c, y, 0, -1, AT_HEADER, "diagnosis");
	if (r->limited_by != DL_NONE)
		sw_wrap(sw, 2, AT_NORMAL, diagnose_explain_limit(r, buf, sizeof(buf)));
	for (unsigned code = 0; code < DX_CONN_N; code++) {
		const struct diag_code_def *d = diagnose_code(code);

		if (!(r->findings & (1u << code)))
			continue;
		if ((y = sw_next(sw)) >= 0)
			canvas_printf(sw->c, y, 2, -1, d->severity == DS_CRIT ? AT_ALARM : AT_WARN,
				      "%s: %s", d->name, d->title);
		sw_wrap(sw, 4, AT_NORMAL, diagnose_explain(r, code, buf, sizeof(buf)));
	}
	for (uint32_t i = 0; i < f->nfindings; i++) {
		const struct finding *x = &f->findings[i];
		const struct diag_code_def *d = diagnose_code(x->code);

		if (x->cookie != r->c->cookie || x->code < DX_CONN_N)
			continue;
		if ((y = sw_next(sw)) >= 0)
			canvas_printf(sw->c, y, 2, -1, x->severity == DS_CRIT ? AT_ALARM : AT_WARN,
				      "%s: %s", d->name, d->title);
		sw_wrap(sw, 4, AT_NORMAL, diagnose_message(f, x, buf, sizeof(buf)));
	}
	sw_next(sw);
}

/*
 * Every tcp_info field. Frames keep the whole tcp_info only of the selected
 * connection (the rest keep what columns and the diagnosis read): a socket
 * selected since this frame was collected has it from the next refresh.
 */
static void fields(const struct ui *ui, struct scrollwin *sw, const struct row *r)
{
	const struct conn *c = r->c;
	int y, col = 0, colw = sw->c->w / 2 > 38 ? sw->c->w / 2 : sw->c->w;
	int percol = colw == sw->c->w ? 1 : 2;
	size_t len = 0;
	const struct tcpi *ti = frame_full_info(ui->frame, c->cookie, &len);

	if (!ti) {
		if ((y = sw_next(sw)) >= 0)
			canvas_put(sw->c, y, 0, -1, AT_DIM,
				   "tcp_info: every field from the next refresh");
		return;
	}
	if ((y = sw_next(sw)) >= 0)
		canvas_printf(sw->c, y, 0, -1, AT_HEADER,
			      "tcp_info: %u bytes from the kernel (%zu known), %s", c->info_len,
			      sizeof(struct tcpi),
			      c->info_len < sizeof(struct tcpi) ? "fields past it unavailable"
								: "every field");
	y = -1;
	for (size_t i = 0; i < tcpi_nfields; i++) {
		const struct tcpi_field *fd = &tcpi_fields[i];
		char v[64];

		if ((size_t)fd->off + fd->size > c->info_len)
			continue; /* not sent by this kernel */
		if (col == 0)
			y = sw_next(sw);
		if (y >= 0) {
			tcpinfo_format(fd, ti, v, sizeof(v));
			canvas_printf(sw->c, y, col * colw, colw - 1, AT_TITLE, "%-22s", fd->name);
			canvas_put(sw->c, y, col * colw + 23, colw - 24, AT_NORMAL, v);
		}
		col = (col + 1) % percol;
	}
}

static void draw_all(const struct ui *ui, struct scrollwin *sw, const struct row *r)
{
	int y;

	summary_lines(ui, sw, r);
	owner_lines(ui, sw, r);
	listener_lines(sw, r);
	sw_next(sw);
	diagnosis(ui->frame, sw, r);
	history(ui, sw, r);
	sw_next(sw);
	if (conn_has_info(r->c))
		fields(ui, sw, r);
	else if ((y = sw_next(sw)) >= 0)
		canvas_put(sw->c, y, 0, -1, AT_DIM,
			   "no tcp_info: the kernel sends none for TIME-WAIT and request sockets");
}

static void detail_draw(struct ui *ui, struct canvas *c, int y, int h)
{
	const struct row *r = subject(ui);
	struct scrollwin sw;

	ui->body_h = h;
	((struct detail_state *)screen_state(ui, SCR_DETAIL))->w = c->w;
	if (!r) {
		canvas_put(c, y + 1, 1, -1, AT_DIM,
			   "this socket is gone (closed since). q or Esc goes back.");
		return;
	}
	widget_scroll_fit(&ui->scroll[SCR_DETAIL], detail_rows(ui), h, false);
	sw_begin(&sw, c, y, h, ui->scroll[SCR_DETAIL].top);
	draw_all(ui, &sw, r);
}

const struct screen screen_detail = {
	.id = SCR_DETAIL,
	.name = "detail",
	.title = "Detail",
	.help = "one socket in full: owner, queues, diagnosis, tcp_info",
	.state_size = sizeof(struct detail_state),
	.needs = DIAG_EXT_INFO | DIAG_EXT_SKMEM | DIAG_EXT_CONG,
	.draw = detail_draw,
	.nrows = detail_rows,
	.cookie = screen_detail_cookie,
	.sort_label = screen_conn_sort_label,
};
