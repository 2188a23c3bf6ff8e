/* SPDX-License-Identifier: GPL-2.0-or-later */
/* out_group: batch output of grouped connections (--group-by), as text and as JSON lines. */
#include "out_group.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "diagnose.h"
#include "fmt.h"
#include "group.h"
#include "json.h"

static void build(const struct frame *f, const struct out_ctx *ctx, int key, struct view *v,
		  struct group_set *gs)
{
	view_build(v, f, ctx->sort, ctx->reverse, ctx->match, ctx->match_ctx);
	group_build(gs, f, v->order, v->n, (enum group_key)key);
	group_sort(gs, GS_PROBLEMS, false);
}

void out_group_text(const struct frame *f, const struct out_ctx *ctx, int key, struct view *v,
		    struct strbuf *sb)
{
	struct group_set gs = { 0 };
	int namew = (int)strlen(group_key_title(key));
	char t[32];

	build(f, ctx, key, v, &gs);
	for (size_t i = 0; i < gs.n; i++)
		if ((int)strlen(gs.v[i].name) > namew)
			namew = (int)strlen(gs.v[i].name);
	sb_printf(sb, "tcptop %s  host %s  at %s  grouped by %s%s%s  %zu/%zu sockets\n",
		  TCPTOP_VERSION, ctx->hostname, fmt_time(f->real_ns, t, sizeof(t)),
		  group_key_name(key), ctx->filter ? "  filter " : "",
		  ctx->filter ? ctx->filter : "", v->n, frame_nrows(f));
	sb_printf(sb, "%-*s %8s %8s %10s %10s %10s %10s %s\n", namew, group_key_title(key),
		  "Sockets", "Problems", "TX b/s", "RX b/s", "Send-Q", "Recv-Q", "Worst");
	for (size_t i = 0; i < gs.n; i++) {
		const struct group *g = &gs.v[i];
		char tx[16], rx[16], sq[16], rq[16];

		sb_printf(sb, "%-*s %8u %8u %10s %10s %10s %10s %s\n", namew, g->name, g->count,
			  g->problems, fmt_bits(g->tx_bps, tx, sizeof(tx)),
			  fmt_bits(g->rx_bps, rx, sizeof(rx)), fmt_ibytes(g->sendq, sq, sizeof(sq)),
			  fmt_ibytes(g->recvq, rq, sizeof(rq)),
			  g->worst >= 0 ? diagnose_code((unsigned)g->worst)->name : "-");
	}
	group_free(&gs);
}

void out_group_json(const struct frame *f, const struct out_ctx *ctx, int key, struct view *v,
		    struct strbuf *sb)
{
	struct group_set gs = { 0 };
	struct json j;

	build(f, ctx, key, v, &gs);
	json_init(&j, sb);
	json_obj_begin(&j, NULL);
	json_fixed(&j, "time", (double)(f->real_ns / 1000000) / 1e3, 3);
	json_f64(&j, "interval", round(f->interval * 1e6) / 1e6);
	json_u64(&j, "seq", f->seq);
	json_str(&j, "host", ctx->hostname);
	json_str(&j, "kernel", ctx->kernel);
	json_str(&j, "filter", ctx->filter);
	json_str(&j, "group_by", group_key_name(key));
	json_u64(&j, "sockets", frame_nrows(f));
	json_u64(&j, "matched", v->n);
	json_arr_begin(&j, "groups");
	for (size_t i = 0; i < gs.n; i++) {
		const struct group *g = &gs.v[i];

		json_obj_begin(&j, NULL);
		json_str(&j, "name", g->name);
		json_str(&j, "filter", g->filter[0] ? g->filter : NULL);
		json_u64(&j, "sockets", g->count);
		json_u64(&j, "problems", g->problems);
		json_f64(&j, "tx_bps", round(g->tx_bps));
		json_f64(&j, "rx_bps", round(g->rx_bps));
		json_u64(&j, "send_q", g->sendq);
		json_u64(&j, "recv_q", g->recvq);
		if (g->worst >= 0) {
			json_str(&j, "worst", diagnose_code((unsigned)g->worst)->name);
			json_str(&j, "worst_severity", diagnose_severity_name(g->worst_sev));
		} else {
			json_null(&j, "worst");
		}
		json_obj_end(&j);
	}
	json_arr_end(&j);
	json_obj_end(&j);
	sb_putc(sb, '\n');
	group_free(&gs);
}
