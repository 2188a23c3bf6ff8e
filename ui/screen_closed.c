/* SPDX-License-Identifier: GPL-2.0-or-later */
/* screen_closed: connections that ended, most recent first, kept across refreshes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "closed.h"
#include "fmt.h"
#include "screen.h"
#include "widgets.h"

/* Ends kept across refreshes: enough for a burst, about 2 MiB. */
#define RING_N 4096
/* Lines under the list for the selected one in full (Enter). */
#define DETAIL_LINES 7

struct closed_state {
	struct closed_conn *ring; /* RING_N, oldest overwritten first */
	size_t head, n;           /* next slot to write; how many are kept */
	uint64_t taken;           /* ends taken into the ring, ever */
	uint64_t seq;             /* the last frame taken */
	uint64_t mono_ns;         /* and its time */
	bool have_seq;
	uint64_t last_total; /* frame.closed_total summed at that frame */
	uint64_t missed;     /* ends in refreshes this view never got (paused, skipped) */
	uint64_t lost;       /* ends the kernel dropped, over the frames taken */
	unsigned sort;       /* index into sorts[] */
	bool reverse;
	bool detail;         /* Enter: the selected one in full */
	uint64_t sel_cookie; /* the one the cursor was put on (0: none yet) */
	uint32_t *order;     /* ring slots in display order */
	size_t norder;
};

/* --- sort keys: one row each ----------------------------------------------------------- */

static int cmp_u64(uint64_t a, uint64_t b)
{
	return a < b ? -1 : a > b;
}

static int by_ended(const struct closed_conn *a, const struct closed_conn *b)
{
	return cmp_u64(a->ended_ns, b->ended_ns);
}

static int by_how(const struct closed_conn *a, const struct closed_conn *b)
{
	return strcmp(closed_how_name(a->how), closed_how_name(b->how));
}

/* The local or remote addresses in 16 bytes, IPv4 zero-padded: both families in one order. */
static int cmp_addr(const struct closed_conn *a, const struct closed_conn *b, bool remote)
{
	uint8_t p[16] = { 0 }, q[16] = { 0 };

	memcpy(p, remote ? closed_dst(a) : closed_src(a), conn_addr_len(&a->c));
	memcpy(q, remote ? closed_dst(b) : closed_src(b), conn_addr_len(&b->c));
	return memcmp(p, q, sizeof(p));
}

static int by_remote(const struct closed_conn *a, const struct closed_conn *b)
{
	int r = cmp_addr(a, b, true);

	return r ? r : cmp_u64(a->c.dport, b->c.dport);
}

static int by_local(const struct closed_conn *a, const struct closed_conn *b)
{
	int r = cmp_addr(a, b, false);

	return r ? r : cmp_u64(a->c.sport, b->c.sport);
}

static int by_lived(const struct closed_conn *a, const struct closed_conn *b)
{
	double x = a->life == CL_BEFORE_START ? 1e18 : closed_lifetime(a);
	double y = b->life == CL_BEFORE_START ? 1e18 : closed_lifetime(b);

	return x < y ? -1 : x > y;
}

static int by_sent(const struct closed_conn *a, const struct closed_conn *b)
{
	return cmp_u64(a->ti.bytes_acked, b->ti.bytes_acked);
}

static int by_recv(const struct closed_conn *a, const struct closed_conn *b)
{
	return cmp_u64(a->ti.bytes_received, b->ti.bytes_received);
}

static int by_retrans(const struct closed_conn *a, const struct closed_conn *b)
{
	return cmp_u64(a->ti.total_retrans, b->ti.total_retrans);
}

static int by_rtt(const struct closed_conn *a, const struct closed_conn *b)
{
	return cmp_u64(a->ti.rtt, b->ti.rtt);
}

static int by_proc(const struct closed_conn *a, const struct closed_conn *b)
{
	return strcmp((a->flags & CCF_PROC) ? a->holder.comm : "",
		      (b->flags & CCF_PROC) ? b->holder.comm : "");
}

static const struct closed_sort {
	const char *name;
	bool desc; /* largest (latest) first by default */
	int (*cmp)(const struct closed_conn *a, const struct closed_conn *b);
} sorts[] = {
	{ .name = "ended", .desc = true, .cmp = by_ended },
	{ .name = "how", .cmp = by_how },
	{ .name = "local", .cmp = by_local },
	{ .name = "remote", .cmp = by_remote },
	{ .name = "lived", .desc = true, .cmp = by_lived },
	{ .name = "sent", .desc = true, .cmp = by_sent },
	{ .name = "received", .desc = true, .cmp = by_recv },
	{ .name = "retrans", .desc = true, .cmp = by_retrans },
	{ .name = "rtt", .desc = true, .cmp = by_rtt },
	{ .name = "process", .cmp = by_proc },
};
#define NSORTS (sizeof(sorts) / sizeof(sorts[0]))

/* --- the ring ---------------------------------------------------------------------------- */

static void closed_init(struct ui *ui, void *state)
{
	struct closed_state *st = state;

	(void)ui;
	st->ring = calloc(RING_N, sizeof(*st->ring));
	st->order = calloc(RING_N, sizeof(*st->order));
	if (!st->ring || !st->order) {
		free(st->ring);
		free(st->order);
		st->ring = NULL;
		st->order = NULL;
	}
}

static void closed_free_state(void *state)
{
	struct closed_state *st = state;

	free(st->ring);
	free(st->order);
}

static uint64_t frame_total(const struct frame *f)
{
	uint64_t t = 0;

	for (unsigned h = 0; h < CH_N; h++)
		t += f->closed_total[h];
	return t;
}

/* Takes a frame's ends once; a refresh this view did not get is counted, not hidden. */
static void take(struct closed_state *st, const struct frame *f)
{
	uint64_t total = frame_total(f);

	if (!st->ring || (st->have_seq && f->seq == st->seq && f->mono_ns == st->mono_ns))
		return;
	/*
	 * A replay that jumped (its model starts again, or time went back): the
	 * ends kept are of another stretch of the recording. Start over from here.
	 */
	if (st->have_seq && (f->seq < st->seq || f->mono_ns < st->mono_ns)) {
		st->head = st->n = 0;
		st->have_seq = false;
		st->missed = st->lost = 0;
		st->norder = 0;
	}
	if (st->have_seq && total > st->last_total + f->nclosed)
		st->missed += total - st->last_total - f->nclosed;
	st->have_seq = true;
	st->seq = f->seq;
	st->mono_ns = f->mono_ns;
	st->last_total = total;
	st->lost += f->closed_lost;
	for (size_t i = 0; i < f->nclosed; i++) {
		st->ring[st->head] = f->closed[i];
		st->head = (st->head + 1) % RING_N;
		if (st->n < RING_N)
			st->n++;
		st->taken++;
	}
}

static int cmp_slots(const void *a, const void *b, void *ctx)
{
	const struct closed_state *sort_st = ctx;
	const struct closed_sort *s = &sorts[sort_st->sort % NSORTS];
	const struct closed_conn *x = &sort_st->ring[*(const uint32_t *)a];
	const struct closed_conn *y = &sort_st->ring[*(const uint32_t *)b];
	int r = s->cmp(x, y);

	if (s->desc != sort_st->reverse)
		r = -r;
	/* ties: the most recent first, then by cookie, so the order is stable */
	if (!r)
		r = -cmp_u64(x->ended_ns, y->ended_ns);
	return r ? r : cmp_u64(x->c.cookie, y->c.cookie);
}

static void build(const struct ui *ui, struct closed_state *st)
{
	st->norder = 0;
	if (!st->ring)
		return;
	for (size_t i = 0; i < st->n; i++) {
		uint32_t slot = (uint32_t)((st->head + RING_N - 1 - i) % RING_N);
		struct closed_row tmp;

		if (ui->match && !ui->match(closed_row(&st->ring[slot], &tmp), ui->filter_ctx))
			continue;
		st->order[st->norder++] = slot;
	}
	qsort_r(st->order, st->norder, sizeof(*st->order), cmp_slots, st);
}

/* The cursor stays on the connection it was on as new ones arrive above it. */
static void follow(struct ui *ui, struct closed_state *st)
{
	if (!st->sel_cookie)
		return;
	for (size_t i = 0; i < st->norder; i++)
		if (st->ring[st->order[i]].c.cookie == st->sel_cookie) {
			ui->scroll[SCR_CLOSED].sel = (long)i;
			return;
		}
}

/* --- hooks ------------------------------------------------------------------------------- */

static struct closed_state *state(const struct ui *ui)
{
	return screen_state(ui, SCR_CLOSED);
}

void screen_closed_frame(struct ui *ui, const struct frame *f)
{
	take(state(ui), f);
}

static long closed_rows(const struct ui *ui)
{
	return (long)state(ui)->norder;
}

static const struct closed_conn *selected_conn(const struct ui *ui)
{
	const struct closed_state *st = state(ui);
	long sel = ui->scroll[SCR_CLOSED].sel;

	if (sel < 0 || (size_t)sel >= st->norder)
		return NULL;
	return &st->ring[st->order[sel]];
}

static int closed_key(struct ui *ui, int key, uint64_t now_ns)
{
	struct closed_state *st = state(ui);

	(void)now_ns;
	if (widget_scroll_key(&ui->scroll[SCR_CLOSED], key, closed_rows(ui), ui->body_h, true)) {
		const struct closed_conn *cc = selected_conn(ui);

		st->sel_cookie = cc ? cc->c.cookie : 0;
		return R_REDRAW;
	}
	switch (key) {
	case '>':
	case '.':
		st->sort = (st->sort + 1) % NSORTS;
		return R_REDRAW;
	case '<':
	case ',':
		st->sort = (st->sort + NSORTS - 1) % NSORTS;
		return R_REDRAW;
	case 'r':
		st->reverse = !st->reverse;
		return R_REDRAW;
	case K_ENTER:
	case '\r':
		st->detail = !st->detail;
		return R_REDRAW;
	default:
		return -1;
	}
}

static enum attr how_attr(unsigned how)
{
	if (closed_how_never_connected(how))
		return AT_ALARM;
	if (how == CH_RESET || how == CH_TIMEOUT)
		return AT_WARN;
	return how == CH_UNKNOWN ? AT_DIM : AT_NORMAL;
}

static void endpoint(const struct closed_conn *cc, bool local, char *buf, size_t n)
{
	if (local) {
		endpoint_str(cc->c.family, closed_src(cc), cc->c.sport, buf, n);
		return;
	}
	endpoint_str(cc->c.family, closed_dst(cc), cc->c.dport, buf, n);
	/* the kernel cleared the port (tcp_disconnect): say it is not known */
	if (cc->flags & CCF_PEER_CLEARED) {
		char *colon = strrchr(buf, ':');

		if (colon && (size_t)(colon - buf) + 2 < n)
			strcpy(colon + 1, "?");
	}
}

static void hhmmss(int64_t real_ns, char *buf, size_t n)
{
	time_t t = (time_t)(real_ns / 1000000000);
	struct tm tm;

	if (!localtime_r(&t, &tm) || !strftime(buf, n, "%H:%M:%S", &tm))
		snprintf(buf, n, "?");
}

static void row_line(struct canvas *c, int y, const struct closed_conn *cc, bool sel)
{
	char when[16], lo[ENDPOINT_STRLEN], re[ENDPOINT_STRLEN], lived[24], tx[16], rx[16], rtt[16];
	bool info = cc->c.info_len > 0;

	hhmmss(cc->ended_real, when, sizeof(when));
	endpoint(cc, true, lo, sizeof(lo));
	endpoint(cc, false, re, sizeof(re));
	closed_lifetime_str(cc, lived, sizeof(lived));
	fmt_ibytes(cc->ti.bytes_acked, tx, sizeof(tx));
	fmt_ibytes(cc->ti.bytes_received, rx, sizeof(rx));
	if (info && cc->ti.rtt)
		fmt_usec_ms(cc->ti.rtt, rtt, sizeof(rtt));
	else
		snprintf(rtt, sizeof(rtt), "-");
	canvas_printf(c, y, 0, -1, AT_NORMAL, "%-8s", when);
	canvas_printf(c, y, 9, -1, how_attr(cc->how), "%-10s", closed_how_name(cc->how));
	canvas_printf(c, y, 20, -1, AT_NORMAL, "%-21.21s %-21.21s %12s %6s %6s %4u %7s ", lo, re,
		      lived, info ? tx : "-", info ? rx : "-", (unsigned)cc->ti.total_retrans, rtt);
	if (cc->flags & CCF_PROC) {
		struct closed_row tmp;

		/* "pid/comm" as the filter sees it: the name sanitised */
		closed_row(cc, &tmp);
		canvas_printf(c, y, 104, -1, AT_NORMAL, "%s", tmp.p.text);
	}
	if (sel)
		canvas_attr(c, y, 0, c->w, AT_SELECTED);
}

static void detail(const struct ui *ui, struct canvas *c, int y, int h,
		   const struct closed_conn *cc)
{
	struct scrollwin sw;
	char line[512], lo[ENDPOINT_STRLEN], re[ENDPOINT_STRLEN], lived[24], a[24], b[24];
	int ly;

	(void)ui;
	canvas_fill(c, y, 0, c->w, c->utf8 ? 0x2500 : '-', AT_DIM);
	sw_begin(&sw, c, y + 1, h - 1, 0);
	endpoint(cc, true, lo, sizeof(lo));
	endpoint(cc, false, re, sizeof(re));
	if ((ly = sw_next(&sw)) >= 0)
		canvas_printf(c, ly, 0, -1, how_attr(cc->how), "%s -> %s: %s", lo, re,
			      closed_how_name(cc->how));
	sw_wrap(&sw, 2, AT_NORMAL, closed_how_help(cc->how));
	closed_lifetime_str(cc, lived, sizeof(lived));
	snprintf(line, sizeof(line), "%s side, last seen %s, lived %s, cookie %llu",
		 (cc->flags & CCF_PASSIVE) ? "accepting" : "connecting",
		 cc->last_state ? conn_state_name(cc->last_state) : "never", lived,
		 (unsigned long long)cc->c.cookie);
	sw_wrap(&sw, 2, AT_NORMAL, line);
	snprintf(line, sizeof(line),
		 "bytes acked %llu, received %llu, sent %llu (retransmitted %llu); "
		 "%u segments retransmitted; rtt %s ms, min %s ms",
		 (unsigned long long)cc->ti.bytes_acked, (unsigned long long)cc->ti.bytes_received,
		 (unsigned long long)cc->ti.bytes_sent, (unsigned long long)cc->ti.bytes_retrans,
		 (unsigned)cc->ti.total_retrans, fmt_usec_ms(cc->ti.rtt, a, sizeof(a)),
		 fmt_usec_ms(cc->ti.min_rtt, b, sizeof(b)));
	sw_wrap(&sw, 2, AT_NORMAL, line);
	if (cc->flags & CCF_PROC) {
		struct closed_row tmp;

		closed_row(cc, &tmp);
		snprintf(line, sizeof(line), "held by %s at the refresh before it ended",
			 tmp.p.text);
		sw_wrap(&sw, 2, AT_NORMAL, line);
	} else {
		sw_wrap(&sw, 2, AT_DIM,
			"process not known (not attributed, or it lived less than a "
			"refresh)");
	}
}

static void closed_draw(struct ui *ui, struct canvas *c, int y, int h)
{
	struct closed_state *st = state(ui);
	struct ui_scroll *s = &ui->scroll[SCR_CLOSED];
	const struct frame *f = ui->frame;
	int list, x;

	if (f)
		take(st, f);
	build(ui, st);
	follow(ui, st);
	/* the summary: what is kept, what was lost, why nothing comes */
	x = canvas_printf(c, y, 0, -1, AT_TITLE, "%zu of the last %zu ended", st->norder, st->n);
	if (st->lost)
		x += canvas_printf(c, y, x, -1, AT_ALARM, "  closed: %llu lost",
				   (unsigned long long)st->lost);
	if (st->missed)
		x += canvas_printf(c, y, x, -1, AT_WARN, "  %llu in refreshes not shown (paused)",
				   (unsigned long long)st->missed);
	if (f && f->closed_note[0])
		canvas_printf(c, y, x, -1, f->closed_watched ? AT_DIM : AT_WARN, "  %s",
			      f->closed_note);
	canvas_fill(c, y + 1, 0, c->w, ' ', AT_HEADER);
	canvas_printf(c, y + 1, 0, -1, AT_HEADER, "%-8s %-10s %-21s %-21s %12s %6s %6s %4s %7s %s",
		      "Ended", "How", "Local Addr:Port", "Peer Addr:Port", "Lived", "Sent", "Recv",
		      "Rtx", "RTT", "Process");
	list = h - 2 - (st->detail ? DETAIL_LINES : 0);
	if (list < 1)
		list = 1;
	ui->body_h = list;
	if (!st->norder) {
		canvas_put(c, y + 2, 1, -1, AT_DIM,
			   st->n ? "none matches the filter" : "no connection has ended yet");
		return;
	}
	widget_scroll_fit(s, (long)st->norder, list, true);
	for (int i = 0; i < list && s->top + i < (long)st->norder; i++)
		row_line(c, y + 2 + i, &st->ring[st->order[s->top + i]], s->top + i == s->sel);
	if (st->detail && selected_conn(ui))
		detail(ui, c, y + 2 + list, DETAIL_LINES, selected_conn(ui));
}

static bool closed_row_text(const struct ui *ui, long i, char *buf, size_t n)
{
	const struct closed_state *st = state(ui);
	const struct closed_conn *cc;
	char lo[ENDPOINT_STRLEN], re[ENDPOINT_STRLEN];

	if (i < 0 || (size_t)i >= st->norder)
		return false;
	cc = &st->ring[st->order[i]];
	endpoint(cc, true, lo, sizeof(lo));
	endpoint(cc, false, re, sizeof(re));
	snprintf(buf, n, "%s %s %s %s", closed_how_name(cc->how), lo, re,
		 (cc->flags & CCF_PROC) ? cc->holder.comm : "");
	return true;
}

static void closed_sort_label(const struct ui *ui, bool utf8, char *buf, size_t n)
{
	const struct closed_state *st = state(ui);
	bool desc = sorts[st->sort % NSORTS].desc != st->reverse;

	snprintf(buf, n, "%s%s", sorts[st->sort % NSORTS].name,
		 desc ? (utf8 ? "\u25bc" : "v") : (utf8 ? "\u25b2" : "^"));
}

const struct screen screen_closed = {
	.id = SCR_CLOSED,
	.name = "closed",
	.title = "Closed",
	.help = "closed: connections that ended and how (< > sort, Enter: in full)",
	.hotkey = '6',
	.tab = true,
	.selectable = true,
	.state_size = sizeof(struct closed_state),
	.init = closed_init,
	.free = closed_free_state,
	.draw = closed_draw,
	.nrows = closed_rows,
	.key = closed_key,
	.row_text = closed_row_text,
	.sort_label = closed_sort_label,
	.frame = screen_closed_frame,
};
