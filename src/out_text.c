/* SPDX-License-Identifier: GPL-2.0-or-later */
/* out_text: a frame as a plain-text snapshot. */
#include "out.h"

#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "diagnose.h"
#include "fmt.h"
#include "parfmt.h"
#include "sanitize.h"
#include "summary.h"
#include "table.h"

/* Terminal-safe text of an untrusted string; "?" when NULL. */
static const char *safe(char *buf, size_t len, const char *s)
{
	if (!s)
		return "?";
	sanitize_text(buf, len, s, strlen(s));
	return buf;
}

/* sockstat's TCP line, when read: the host-wide figures labelled so. */
static void sockstat_line(const struct frame *f, struct strbuf *sb)
{
	const struct sockstat *ss = &f->sockstat;

	if (!ss->have)
		return;
	sb_printf(sb,
		  "tcp sockets: inuse %lld  tw %lld  orphan %lld (host)  mem %lld pages (host)\n",
		  (long long)(ss->inuse + ss->inuse6), (long long)ss->tw, (long long)ss->orphan,
		  (long long)ss->mem);
}

static void header(const struct frame *f, const struct out_ctx *ctx, const struct view *v,
		   struct strbuf *sb)
{
	char t[32], ns[SANITIZE_SIZE(64)], host[SANITIZE_SIZE(64)], kern[SANITIZE_SIZE(64)];
	char flt[SANITIZE_SIZE(256)];

	/* a recording's host name and release are anybody's bytes; the live ones the admin's */
	sb_printf(sb, "tcptop %s  host %s  Linux %s  %s  interval %.2fs", TCPTOP_VERSION,
		  safe(host, sizeof(host), ctx->hostname), safe(kern, sizeof(kern), ctx->kernel),
		  fmt_time(f->real_ns, t, sizeof(t)), f->interval);
	/* the namespace name comes from the command line or /run/netns: not trusted either */
	if (f->netns)
		sb_printf(sb, "  netns %s",
			  sanitize_text(ns, sizeof(ns), f->netns, strlen(f->netns)) ? ns : "?");
	sb_putc(sb, '\n');
	if (f->status[0])
		sb_printf(sb, "warning: %s\n", f->status);
	if (f->attribution == ATTR_FULL)
		sb_puts(sb, "processes: full\n");
	else
		sb_printf(sb, "processes: %s\n",
			  f->attribution_note[0] ? f->attribution_note : "off");
	/* connections that ended in the interval (the destroy groups); why not, when not */
	if (f->closed_watched)
		sb_printf(sb, "closed: %zu in the interval, %llu lost%s%s\n", f->nclosed,
			  (unsigned long long)f->closed_lost, f->closed_note[0] ? "; " : "",
			  f->closed_note);
	else if (f->closed_note[0])
		sb_printf(sb, "closed: not watched: %s\n", f->closed_note);
	sockstat_line(f, sb);
	sb_printf(sb, "sockets %zu:  ", summary_total(f));
	summary_states(f, sb);
	sb_puts(sb, "\nin the interval:");
	for (size_t i = 0; i < summary_ncounters; i++) {
		uint64_t d;

		if (summary_delta(f, summary_counters[i].counter, &d))
			sb_printf(sb, "  %s %llu", summary_counters[i].label,
				  (unsigned long long)d);
		else
			sb_printf(sb, "  %s -", summary_counters[i].label);
	}
	sb_printf(sb, "\nconnections: %zu shown", v->n);
	if (ctx->filter)
		sb_printf(sb, " (filter: %s)", safe(flt, sizeof(flt), ctx->filter));
	sb_printf(sb, ", sorted by %s%s\n", ctx->sort->name,
		  ctx->reverse == column_sort_desc(ctx->sort) ? " ascending" : " descending");
}

/*
 * One row as table_row_line() writes it, each cell formatted straight into
 * the output and padded there: a snapshot's 100,000 rows x 20 cells. The
 * cells that need cutting or a note (a fixed-width column's long text, a
 * process column without attribution) are rare and go through
 * table_cell(), so the text is the table's in every case.
 */
static void row_line(const struct layout *l, const struct row *r, struct strbuf *sb)
{
	/* table_row_line's room, table_cell's buffer; pads and texts copied in fixed sizes */
	enum { CELL = 160, RAW = 128, PAD = 64, TEXT = 32 };
	static const char spaces[PAD + 1] =
		"                                                                ";
	size_t start = sb->len;
	char raw[RAW] = { 0 }; /* once a row: the fixed-size copy reads past the text */

	_Static_assert(RAW <= CELL && 2 * PAD <= CELL && PAD + TEXT <= CELL, "cell room");
	for (int i = 0; i < l->n; i++) {
		const struct column *col = l->col[i];
		size_t w = (size_t)l->width[i], n = 0;
		char *p = sb_room(sb, CELL + 1);
		bool right = col->align == ALIGN_RIGHT;

		if (i)
			*p++ = ' ';
		/*
		 * Left-aligned text is formatted where it goes, right-aligned text
		 * beside it; the fixed-size copies may write past the cell into
		 * room the next cell (or the line's end) overwrites.
		 */
		if ((l->procs_note && (col->flags & COLF_PROCS) && !row_proc(r)) || w >= CELL ||
		    (n = column_format_n(col, r, l->width[i], right ? raw : p, RAW)) > w) {
			table_cell(l, i, r, p, CELL);
			sb_advance(sb, (size_t)(i ? 1 : 0) + strlen(p));
			continue;
		}
		if (!right && w <= PAD) {
			memcpy(p + n, spaces, PAD);
		} else if (!right) {
			memset(p + n, ' ', w - n);
		} else if (w <= PAD && n <= TEXT) {
			memcpy(p, spaces, PAD);
			memcpy(p + (w - n), raw, TEXT);
		} else {
			memset(p, ' ', w - n);
			memcpy(p + (w - n), raw, n);
		}
		sb_advance(sb, (size_t)(i ? 1 : 0) + w);
	}
	while (sb->len > start && sb->s[sb->len - 1] == ' ')
		sb->s[--sb->len] = '\0';
}

/* The flexible columns' widths over one range of rows, merged into a shared maximum. */
struct widths_job {
	const struct layout *l;
	const struct frame *f;
	const uint32_t *order;
	_Atomic int width[COL_N];
};

static void widths_chunk(void *arg, size_t from, size_t to, struct strbuf *out)
{
	struct widths_job *j = arg;

	(void)out;
	for (int i = 0; i < j->l->n; i++) {
		int w = 0, seen;

		if (!(j->l->col[i]->flags & COLF_FLEX))
			continue;
		for (size_t k = from; k < to; k++) {
			size_t len = column_text_len(j->l->col[i], &j->f->rows[j->order[k]], 64,
						     ENDPOINT_STRLEN);

			if ((int)len > w)
				w = (int)len;
		}
		seen = atomic_load(&j->width[i]);
		while (w > seen && !atomic_compare_exchange_weak(&j->width[i], &seen, w))
			;
	}
}

/*
 * layout_all()'s layout (every column; a flexible one as wide as its widest
 * value, measured as layout_all measures it: width 64, ENDPOINT_STRLEN bytes),
 * with the values' lengths taken from column_text_len: an IPv4 endpoint is
 * counted, not formatted, on every row before the first is written. Many
 * rows are counted by several threads (parfmt), each its own rows.
 */
static void layout_rows(struct layout *l, const enum col_id *want, size_t nwant,
			const struct frame *f, const uint32_t *order, size_t n,
			const struct parfmt_cfg *par)
{
	struct widths_job j = { .l = l, .f = f, .order = order };
	struct strbuf none = STRBUF_INIT;

	layout_all(l, want, nwant, f, order, 0);
	for (int i = 0; i < l->n; i++)
		atomic_init(&j.width[i], l->width[i]);
	parfmt_run(par, n, widths_chunk, &j, &none);
	sb_free(&none);
	l->total = 0;
	for (int i = 0; i < l->n; i++) {
		l->width[i] = atomic_load(&j.width[i]);
		l->total += l->width[i] + (i ? 1 : 0);
	}
}

struct rows_job {
	const struct layout *l;
	const struct frame *f;
	const uint32_t *order;
};

static void rows_chunk(void *arg, size_t from, size_t to, struct strbuf *sb)
{
	const struct rows_job *j = arg;

	for (size_t i = from; i < to; i++) {
		row_line(j->l, &j->f->rows[j->order[i]], sb);
		sb_putc(sb, '\n');
		sb_flush_point(sb);
	}
}

static void connections(const struct frame *f, const struct out_ctx *ctx, const struct view *v,
			struct strbuf *sb)
{
	struct layout l;
	struct rows_job j = { &l, f, v->order };

	layout_rows(&l, ctx->cols, ctx->ncols, f, v->order, v->n, ctx->par);
	layout_set_attribution(&l, f->attribution);
	table_header_line(&l, sb);
	sb_putc(sb, '\n');
	parfmt_run(ctx->par, v->n, rows_chunk, &j, sb);
}

struct listen_match {
	view_match_fn match;
	void *ctx;
};

static bool is_listener(const struct row *r, void *arg)
{
	const struct listen_match *m = arg;

	return row_lst(r) && (!m->match || m->match(r, m->ctx));
}

/* Listeners (of the filtered set) by local address. */
static void listeners(const struct frame *f, const struct out_ctx *ctx, struct strbuf *sb)
{
	struct listen_match m = { ctx->match, ctx->match_ctx };
	struct view lv = { 0 };
	struct layout l;

	view_build(&lv, f, column_get(COL_LOCAL), false, is_listener, &m);
	sb_printf(sb, "\nlisteners: %zu\n", lv.n);
	if (lv.n) {
		layout_all(&l, column_listen_view, column_listen_view_len, f, lv.order, lv.n);
		layout_set_attribution(&l, f->attribution);
		table_header_line(&l, sb);
		sb_putc(sb, '\n');
		for (size_t i = 0; i < lv.n; i++) {
			table_row_line(&l, &f->rows[lv.order[i]], sb);
			sb_putc(sb, '\n');
		}
	}
	view_free(&lv);
}

/* Host, listener and summarised connection findings, most severe first. */
static void findings(const struct frame *f, struct strbuf *sb)
{
	char msg[1024];

	sb_printf(sb, "\nfindings: %u\n", f->nfindings + f->findings_dropped);
	for (uint32_t i = 0; i < f->nfindings; i++) {
		const struct finding *x = &f->findings[i];

		sb_printf(sb, "%-4s %-17s %s: %s\n", diagnose_severity_name(x->severity),
			  diagnose_code(x->code)->name, x->subject,
			  diagnose_message(f, x, msg, sizeof(msg)));
	}
	if (f->findings_dropped)
		sb_printf(sb, "(%u less severe findings not shown)\n", f->findings_dropped);
}

void out_text_frame(const struct frame *f, const struct out_ctx *ctx, struct view *v,
		    struct strbuf *sb)
{
	view_build(v, f, ctx->sort, ctx->reverse, ctx->match, ctx->match_ctx);
	header(f, ctx, v, sb);
	connections(f, ctx, v, sb);
	listeners(f, ctx, sb);
	findings(f, sb);
}
