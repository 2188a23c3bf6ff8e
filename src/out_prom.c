/* SPDX-License-Identifier: GPL-2.0-or-later */
/* out_prom: one frame in the Prometheus text exposition format (doc/METRICS.md). */
#include "out_prom.h"

#include <stdlib.h>
#include <string.h>

#include "closed.h"
#include "conn.h"
#include "diagnose.h"
#include "fatal.h"
#include "procmap.h"
#include "sanitize.h"
#include "tcpinfo.h"

/* node_exporter's tcpstat collector's spelling of each state, so the two join. */
static const char *const state_label[TS_MAX] = {
	[TS_ESTABLISHED] = "established",
	[TS_SYN_SENT] = "syn_sent",
	[TS_SYN_RECV] = "syn_recv",
	[TS_FIN_WAIT1] = "fin_wait1",
	[TS_FIN_WAIT2] = "fin_wait2",
	[TS_TIME_WAIT] = "time_wait",
	[TS_CLOSE] = "close",
	[TS_CLOSE_WAIT] = "close_wait",
	[TS_LAST_ACK] = "last_ack",
	[TS_LISTEN] = "listen",
	[TS_CLOSING] = "closing",
};

const char *out_prom_label(char *dst, size_t dstlen, const char *src, size_t srclen)
{
	char safe[SANITIZE_SIZE(64)];
	size_t at = 0;

	if (!dstlen)
		return dst;
	if (srclen > 64)
		srclen = 64; /* a label is a name, not a payload */
	sanitize_text(safe, sizeof(safe), src, srclen);
	for (const char *p = safe; *p; p++) {
		size_t need = (*p == '\\' || *p == '"') ? 2 : 1;

		if (at + need >= dstlen)
			break;
		if (need == 2)
			dst[at++] = '\\';
		dst[at++] = *p;
	}
	dst[at] = '\0';
	return dst;
}

struct lsum;

/* Everything a family's writer may read; the listeners and the top rows are found once. */
struct prom_in {
	const struct frame *f;
	const struct out_ctx *ctx;
	const struct view *v; /* the rows the filter keeps */
	size_t top;
	struct strbuf *sb;
	struct lsum *lst; /* one per (local, process) */
	size_t nlst;
	uint32_t *top_rows; /* row indices, the most throughput first */
	size_t ntop;
};

/* "local" and "process" of a row, already escaped. */
struct who {
	char local[ENDPOINT_STRLEN];
	char remote[ENDPOINT_STRLEN];
	char process[OUT_PROM_LABEL_SIZE(PROC_COMM_LEN)];
};

static void who_of(const struct row *r, struct who *w)
{
	const struct conn *c = r->c;
	const char *comm = row_proc(r) && row_proc(r)->count ? row_proc(r)->comm : "";

	endpoint_str(c->family, conn_src(c), c->sport, w->local, sizeof(w->local));
	endpoint_str(c->family, conn_dst(c), c->dport, w->remote, sizeof(w->remote));
	out_prom_label(w->process, sizeof(w->process), comm, strnlen(comm, PROC_COMM_LEN));
}

static void states(const struct prom_in *in)
{
	uint64_t n[TS_MAX] = { 0 };

	for (size_t i = 0; i < in->v->n; i++) {
		unsigned s = in->f->rows[in->v->order[i]].c->state;

		if (s < TS_MAX)
			n[s]++;
	}
	for (unsigned s = 0; s < TS_MAX; s++)
		if (state_label[s])
			sb_printf(in->sb, "tcptop_sockets{state=\"%s\"} %llu\n", state_label[s],
				  (unsigned long long)n[s]);
}

/* A listener's numbers; SO_REUSEPORT siblings with the same labels are added up. */
struct lsum {
	struct who w;
	uint64_t accept_q, accept_max, syn_q, syn_max, drops;
	bool syn_known, drops_known;
};

static int lsum_cmp(const void *a, const void *b)
{
	const struct lsum *x = a, *y = b;
	int c = strcmp(x->w.local, y->w.local);

	return c ? c : strcmp(x->w.process, y->w.process);
}

/* The listeners the filter keeps, one entry per (local, process). */
static size_t listeners(const struct prom_in *in, struct lsum **out)
{
	struct lsum *v = NULL;
	size_t n = 0, m = 0;

	for (size_t i = 0; i < in->v->n; i++) {
		const struct row *r = &in->f->rows[in->v->order[i]];

		if (!row_lst(r))
			continue;
		v = xrealloc(v, (n + 1) * sizeof(*v));
		memset(&v[n], 0, sizeof(v[n]));
		who_of(r, &v[n].w);
		v[n].accept_q = row_lst(r)->accept_q;
		v[n].accept_max = row_lst(r)->accept_max;
		v[n].syn_q = row_lst(r)->syn_q;
		v[n].syn_max = row_lst(r)->syn_max;
		v[n].syn_known = row_lst(r)->syn_max > 0;
		v[n].drops = row_lst(r)->drops;
		v[n].drops_known = row_lst(r)->flags & LST_DROPS;
		n++;
	}
	if (n)
		qsort(v, n, sizeof(*v), lsum_cmp);
	for (size_t i = 0; i < n; i++) {
		if (m && !lsum_cmp(&v[m - 1], &v[i])) {
			struct lsum *d = &v[m - 1];

			d->accept_q += v[i].accept_q;
			d->accept_max += v[i].accept_max;
			d->syn_q += v[i].syn_q;
			d->syn_max += v[i].syn_max;
			d->syn_known = d->syn_known && v[i].syn_known;
			d->drops += v[i].drops;
			d->drops_known = d->drops_known && v[i].drops_known;
			continue;
		}
		v[m++] = v[i];
	}
	*out = v;
	return m;
}

enum lfield { LF_ACCEPT, LF_ACCEPT_MAX, LF_SYN, LF_SYN_MAX, LF_DROPS };

static void listener_field(const struct prom_in *in, const char *name, enum lfield fld)
{
	for (size_t i = 0; i < in->nlst; i++) {
		const struct lsum *l = &in->lst[i];
		uint64_t x = fld == LF_ACCEPT       ? l->accept_q
			     : fld == LF_ACCEPT_MAX ? l->accept_max
			     : fld == LF_SYN        ? l->syn_q
			     : fld == LF_SYN_MAX    ? l->syn_max
						    : l->drops;

		/* an unknown value is no sample, never a made-up 0 */
		if ((fld == LF_SYN_MAX && !l->syn_known) || (fld == LF_DROPS && !l->drops_known))
			continue;
		sb_printf(in->sb, "%s{local=\"%s\",process=\"%s\"} %llu\n", name, l->w.local,
			  l->w.process, (unsigned long long)x);
	}
}

static void l_accept(const struct prom_in *in)
{
	listener_field(in, "tcptop_listen_accept_queue", LF_ACCEPT);
}
static void l_accept_max(const struct prom_in *in)
{
	listener_field(in, "tcptop_listen_accept_queue_limit", LF_ACCEPT_MAX);
}
static void l_syn(const struct prom_in *in)
{
	listener_field(in, "tcptop_listen_syn_queue", LF_SYN);
}
static void l_syn_max(const struct prom_in *in)
{
	listener_field(in, "tcptop_listen_syn_queue_limit", LF_SYN_MAX);
}
static void l_drops(const struct prom_in *in)
{
	listener_field(in, "tcptop_listen_drops_total", LF_DROPS);
}

/*
 * Every code, 0 when absent, so a series does not vanish when a problem
 * ends. Connection codes count the kept connections carrying them (exact,
 * whatever the findings list dropped); the others add up their findings'
 * counts. The severity label is the code's usual one: a label that changes
 * would start a new series.
 */
static void findings(const struct prom_in *in)
{
	uint64_t n[DX_N] = { 0 };

	for (size_t i = 0; i < in->v->n; i++) {
		uint32_t bits = in->f->rows[in->v->order[i]].findings;

		for (unsigned c = 0; c < DX_CONN_N; c++)
			if (bits & (1u << c))
				n[c]++;
	}
	for (uint32_t i = 0; i < in->f->nfindings; i++) {
		const struct finding *fd = &in->f->findings[i];

		if (fd->code >= DX_CONN_N && fd->code < DX_N)
			n[fd->code] += fd->count ? fd->count : 1;
	}
	for (unsigned c = 0; c < DX_N; c++) {
		const struct diag_code_def *d = diagnose_code(c);
		char code[OUT_PROM_LABEL_SIZE(32)];

		out_prom_label(code, sizeof(code), d->name, strlen(d->name));
		sb_printf(in->sb, "tcptop_findings{code=\"%s\",severity=\"%s\"} %llu\n", code,
			  diagnose_severity_name(d->severity), (unsigned long long)n[c]);
	}
}

static void limited(const struct prom_in *in)
{
	uint64_t n[DL_N] = { 0 };

	for (size_t i = 0; i < in->v->n; i++) {
		unsigned l = in->f->rows[in->v->order[i]].limited_by;

		if (l < DL_N)
			n[l]++;
	}
	for (unsigned l = 0; l < DL_N; l++) {
		const char *name = diagnose_limit_name(l);

		if (name)
			sb_printf(in->sb, "tcptop_connections_limited{by=\"%s\"} %llu\n", name,
				  (unsigned long long)n[l]);
	}
}

/* A kept row with rates, by throughput; ties by cookie so the choice is stable. */
struct ranked {
	double bps;
	uint64_t cookie;
	uint32_t row;
};

static int ranked_cmp(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;

	if (x->bps != y->bps)
		return x->bps > y->bps ? -1 : 1;
	return x->cookie < y->cookie ? -1 : x->cookie > y->cookie;
}

/* The top connections' row indices (at most in->top), distinct local+remote pairs. */
static size_t top_rows(const struct prom_in *in, uint32_t **out)
{
	struct ranked *r = NULL;
	size_t n = 0;

	*out = NULL;
	if (!in->top)
		return 0;
	for (size_t i = 0; i < in->v->n; i++) {
		uint32_t at = in->v->order[i];
		const struct row *w = &in->f->rows[at];

		if (row_lst(w) || !(w->flags & ROW_RATES) || w->c->state == TS_TIME_WAIT)
			continue;
		r = xrealloc(r, (n + 1) * sizeof(*r));
		r[n++] = (struct ranked){ w->tx_bps + w->rx_bps, w->c->cookie, at };
	}
	if (n)
		qsort(r, n, sizeof(*r), ranked_cmp);
	if (n > in->top)
		n = in->top;
	*out = xmalloc((n ? n : 1) * sizeof(**out));
	for (size_t i = 0; i < n; i++)
		(*out)[i] = r[i].row;
	free(r);
	return n;
}

enum cfield { CF_TX, CF_RX, CF_RETRANS, CF_RTT, CF_SENDQ, CF_RECVQ };

static void conn_field(const struct prom_in *in, const char *name, enum cfield fld)
{
	for (size_t i = 0; i < in->ntop; i++) {
		const struct row *r = &in->f->rows[in->top_rows[i]];
		const struct conn *c = r->c;
		struct who w;

		if (fld == CF_TX || fld == CF_RX || fld == CF_RETRANS || fld == CF_RTT) {
			if (!conn_has_info(c) || !TCPI_HAS(c->info_len, bytes_received))
				continue;
		}
		who_of(r, &w);
		sb_printf(in->sb, "%s{local=\"%s\",remote=\"%s\",process=\"%s\"} ", name, w.local,
			  w.remote, w.process);
		switch (fld) {
		case CF_TX:
			sb_printf(in->sb, "%llu\n", (unsigned long long)CONN_TI(c, bytes_acked));
			break;
		case CF_RX:
			sb_printf(in->sb, "%llu\n", (unsigned long long)CONN_TI(c, bytes_received));
			break;
		case CF_RETRANS:
			sb_printf(in->sb, "%u\n", (unsigned)CONN_TI(c, total_retrans));
			break;
		case CF_RTT:
			sb_printf(in->sb, "%.6f\n", (double)CONN_TI(c, rtt) / 1e6);
			break;
		case CF_SENDQ:
			sb_printf(in->sb, "%u\n", c->wqueue);
			break;
		case CF_RECVQ:
			sb_printf(in->sb, "%u\n", c->rqueue);
			break;
		}
	}
}

static void c_tx(const struct prom_in *in)
{
	conn_field(in, "tcptop_connection_sent_bytes_total", CF_TX);
}
static void c_rx(const struct prom_in *in)
{
	conn_field(in, "tcptop_connection_received_bytes_total", CF_RX);
}
static void c_retrans(const struct prom_in *in)
{
	conn_field(in, "tcptop_connection_retransmits_total", CF_RETRANS);
}
static void c_rtt(const struct prom_in *in)
{
	conn_field(in, "tcptop_connection_rtt_seconds", CF_RTT);
}
static void c_sendq(const struct prom_in *in)
{
	conn_field(in, "tcptop_connection_send_queue_bytes", CF_SENDQ);
}
static void c_recvq(const struct prom_in *in)
{
	conn_field(in, "tcptop_connection_receive_queue_bytes", CF_RECVQ);
}

static void refresh_time(const struct prom_in *in)
{
	sb_printf(in->sb, "tcptop_refresh_timestamp_seconds %.3f\n",
		  (double)(in->f->real_ns / 1000000) / 1e3);
}

/* Counted since tcptop started, every connection (not only what the filter keeps). */
static void closed_total(const struct prom_in *in)
{
	if (!in->f->closed_watched)
		return;
	for (unsigned h = 0; h < CH_N; h++)
		sb_printf(in->sb, "tcptop_closed_total{how=\"%s\"} %llu\n", closed_how_name(h),
			  (unsigned long long)in->f->closed_total[h]);
}

static void closed_lost(const struct prom_in *in)
{
	if (in->f->closed_watched)
		sb_printf(in->sb, "tcptop_closed_lost_total %llu\n",
			  (unsigned long long)in->f->closed_lost_total);
}

static void build_info(const struct prom_in *in)
{
	char kernel[OUT_PROM_LABEL_SIZE(64)];
	const char *k = in->ctx->kernel ? in->ctx->kernel : "";

	out_prom_label(kernel, sizeof(kernel), k, strlen(k));
	sb_printf(in->sb, "tcptop_build_info{version=\"%s\",kernel=\"%s\"} 1\n", TCPTOP_VERSION,
		  kernel);
}

/* One row per metric family, in output order; doc/METRICS.md describes each. */
static const struct family {
	const char *name;
	const char *type;
	const char *help;
	void (*write)(const struct prom_in *in);
} families[] = {
	{ .name = "tcptop_build_info",
	  .type = "gauge",
	  .help = "Always 1; the tcptop version and the watched kernel's release.",
	  .write = build_info },
	{ .name = "tcptop_refresh_timestamp_seconds",
	  .type = "gauge",
	  .help = "When the refresh these values come from was taken (Unix time).",
	  .write = refresh_time },
	{ .name = "tcptop_sockets",
	  .type = "gauge",
	  .help = "TCP sockets by state (those the filter keeps), named as node_exporter's "
		  "tcpstat.",
	  .write = states },
	{ .name = "tcptop_listen_accept_queue",
	  .type = "gauge",
	  .help = "Connections waiting in a listener's accept queue.",
	  .write = l_accept },
	{ .name = "tcptop_listen_accept_queue_limit",
	  .type = "gauge",
	  .help = "The accept queue's limit (listen backlog capped by somaxconn).",
	  .write = l_accept_max },
	{ .name = "tcptop_listen_syn_queue",
	  .type = "gauge",
	  .help = "Handshakes in a listener's SYN queue (SYN-RECV request sockets).",
	  .write = l_syn },
	{ .name = "tcptop_listen_syn_queue_limit",
	  .type = "gauge",
	  .help = "The SYN queue's limit; absent when it is not known.",
	  .write = l_syn_max },
	{ .name = "tcptop_listen_drops_total",
	  .type = "counter",
	  .help = "Connections the listener dropped (skmem drops) since it was created.",
	  .write = l_drops },
	{ .name = "tcptop_findings",
	  .type = "gauge",
	  .help = "Sockets or connections with each finding code (0 when absent).",
	  .write = findings },
	{ .name = "tcptop_connections_limited",
	  .type = "gauge",
	  .help = "Connections by what limited their sending in the last interval.",
	  .write = limited },
	{ .name = "tcptop_closed_total",
	  .type = "counter",
	  .help = "Connections that ended since tcptop started, by how they ended; absent "
		  "when not watched.",
	  .write = closed_total },
	{ .name = "tcptop_closed_lost_total",
	  .type = "counter",
	  .help = "Connection ends the kernel dropped (receive buffer full) since tcptop "
		  "started.",
	  .write = closed_lost },
	{ .name = "tcptop_connection_sent_bytes_total",
	  .type = "counter",
	  .help = "Bytes the peer acknowledged (--prom-top connections only).",
	  .write = c_tx },
	{ .name = "tcptop_connection_received_bytes_total",
	  .type = "counter",
	  .help = "Bytes received (--prom-top connections only).",
	  .write = c_rx },
	{ .name = "tcptop_connection_retransmits_total",
	  .type = "counter",
	  .help = "Segments retransmitted (--prom-top connections only).",
	  .write = c_retrans },
	{ .name = "tcptop_connection_rtt_seconds",
	  .type = "gauge",
	  .help = "Smoothed round-trip time (--prom-top connections only).",
	  .write = c_rtt },
	{ .name = "tcptop_connection_send_queue_bytes",
	  .type = "gauge",
	  .help = "Bytes not yet acknowledged or not yet sent (--prom-top connections only).",
	  .write = c_sendq },
	{ .name = "tcptop_connection_receive_queue_bytes",
	  .type = "gauge",
	  .help = "Bytes received but not read by the application (--prom-top connections only).",
	  .write = c_recvq },
};

#define NFAMILIES (sizeof(families) / sizeof(families[0]))

const char *out_prom_family(size_t i)
{
	return i < NFAMILIES ? families[i].name : NULL;
}

void out_prom_frame(const struct frame *f, const struct out_ctx *ctx, size_t top, struct view *v,
		    struct strbuf *sb)
{
	struct prom_in in = { .f = f, .ctx = ctx, .v = v, .top = top, .sb = sb };

	view_build(v, f, ctx->sort, ctx->reverse, ctx->match, ctx->match_ctx);
	in.nlst = listeners(&in, &in.lst);
	in.ntop = top_rows(&in, &in.top_rows);
	for (size_t i = 0; i < NFAMILIES; i++) {
		sb_printf(sb, "# HELP %s %s\n# TYPE %s %s\n", families[i].name, families[i].help,
			  families[i].name, families[i].type);
		families[i].write(&in);
	}
	free(in.lst);
	free(in.top_rows);
}
