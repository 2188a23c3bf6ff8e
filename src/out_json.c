/* SPDX-License-Identifier: GPL-2.0-or-later */
/* out_json: a frame as one JSON object per line. */
#include "out.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "diagnose.h"
#include "json.h"
#include "nsset.h"
#include "sockstat.h"
#include "tunables.h"

static void states(const struct frame *f, struct json *j)
{
	json_obj_begin(j, "states");
	for (unsigned s = 1; s <= TS_USER_LAST; s++)
		json_u64(j, conn_state_name(s), f->states[s]);
	json_obj_end(j);
	json_obj_begin(j, "states_delta");
	for (unsigned s = 1; s <= TS_USER_LAST; s++) {
		if (f->has_states_delta)
			json_i64(j, conn_state_name(s), f->states_delta[s]);
		else
			json_null(j, conn_state_name(s));
	}
	json_obj_end(j);
}

static void counters(const struct frame *f, struct json *j)
{
	json_obj_begin(j, "counters");
	for (size_t i = 0; i < f->counters.n; i++) {
		const struct counter *c = &f->counters.v[i];

		json_obj_begin(j, c->name);
		if (c->flags & CTR_NEG)
			json_i64(j, "total", (int64_t)c->value);
		else
			json_u64(j, "total", c->value);
		if (c->flags & CTR_DELTA)
			json_u64(j, "delta", c->delta);
		else
			json_null(j, "delta");
		if (c->flags & CTR_RESET)
			json_bool(j, "reset", true);
		json_obj_end(j);
	}
	json_obj_end(j);
}

static void tunables(const struct frame *f, struct json *j)
{
	json_obj_begin(j, "tunables");
	for (int i = 0; i < TUN_N; i++) {
		const char *name = tunable_def(i)->name;

		if (f->tun.n[i] == 0) {
			json_null(j, name);
		} else if (f->tun.n[i] == 1) {
			json_i64(j, name, f->tun.v[i][0]);
		} else {
			json_arr_begin(j, name);
			for (int k = 0; k < f->tun.n[i]; k++)
				json_i64(j, NULL, f->tun.v[i][k]);
			json_arr_end(j);
		}
	}
	json_obj_end(j);
}

/*
 * /proc/net/sockstat{,6}: inuse is IPv4 + IPv6, mem in pages (tcp_mem's
 * unit, as the kernel has it). orphan, alloc and mem are host-wide whichever
 * namespace is watched; inuse and tw are the namespace's. null: not read.
 */
static void sockstat(const struct frame *f, struct json *j)
{
	static const struct {
		const char *key;
		uint8_t bit;
		size_t off;
	} keys[] = {
		{ "orphan", SOCKSTAT_ORPHAN, offsetof(struct sockstat, orphan) },
		{ "tw", SOCKSTAT_TW, offsetof(struct sockstat, tw) },
		{ "alloc", SOCKSTAT_ALLOC, offsetof(struct sockstat, alloc) },
		{ "mem", SOCKSTAT_MEM, offsetof(struct sockstat, mem) },
	};
	const struct sockstat *ss = &f->sockstat;

	if (!ss->have) {
		json_null(j, "sockstat");
		return;
	}
	json_obj_begin(j, "sockstat");
	if (ss->have & (SOCKSTAT_INUSE | SOCKSTAT_INUSE6))
		json_i64(j, "inuse", ss->inuse + ss->inuse6);
	else
		json_null(j, "inuse");
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		int64_t v;

		memcpy(&v, (const char *)ss + keys[i].off, sizeof(v));
		if (ss->have & keys[i].bit)
			json_i64(j, keys[i].key, v);
		else
			json_null(j, keys[i].key);
	}
	json_str(j, "mem_unit", "pages");
	json_arr_begin(j, "host_wide");
	json_str(j, NULL, "orphan");
	json_str(j, NULL, "alloc");
	json_str(j, NULL, "mem");
	json_arr_end(j);
	json_obj_end(j);
}

/* The host-only sysctls read from the initial namespace through descriptors kept from before -N. */
static void tunables_host(const struct frame *f, struct json *j)
{
	bool any = false;

	for (int i = 0; i < TUN_N; i++)
		any |= f->tun.from_host[i];
	if (!any) {
		json_null(j, "tunables_from_host");
		return;
	}
	json_arr_begin(j, "tunables_from_host");
	for (int i = 0; i < TUN_N; i++)
		if (f->tun.from_host[i])
			json_str(j, NULL, tunable_def(i)->name);
	json_arr_end(j);
}

/* Whether "process" fields were filled, and how completely (see doc/PROCESSES.md). */
static void attribution(const struct frame *f, struct json *j)
{
	static const char *const names[] = {
		[ATTR_OFF] = "off",
		[ATTR_FULL] = "full",
		[ATTR_PARTIAL] = "partial",
		[ATTR_UNAVAILABLE] = "unavailable",
	};

	json_str(j, "attribution", f->attribution < 4 ? names[f->attribution] : "off");
	json_str(j, "attribution_note", f->attribution_note[0] ? f->attribution_note : NULL);
	if (f->attribution_secs >= 0)
		json_f64(j, "attribution_ms", round(f->attribution_secs * 1e4) / 10);
	else
		json_null(j, "attribution_ms");
}

/*
 * Connections that ended in the interval (sock_diag destroy events): how
 * many, how many the kernel dropped; the note says why not when they are
 * not watched, and what limits them when they are (a capped buffer).
 */
static void closed(const struct frame *f, struct json *j)
{
	if (!f->closed_watched) {
		json_null(j, "closed");
		json_null(j, "closed_lost");
		json_str(j, "closed_note", f->closed_note[0] ? f->closed_note : "not watched");
		return;
	}
	json_u64(j, "closed", f->nclosed);
	json_u64(j, "closed_lost", f->closed_lost);
	json_str(j, "closed_note", f->closed_note[0] ? f->closed_note : NULL);
}

/* The frame's findings, most severe first, each with the numbers it rests on. */
static void findings(const struct frame *f, struct json *j)
{
	char msg[1024];

	json_arr_begin(j, "findings");
	for (uint32_t i = 0; i < f->nfindings; i++) {
		const struct finding *x = &f->findings[i];

		json_obj_begin(j, NULL);
		json_str(j, "code", diagnose_code(x->code)->name);
		json_str(j, "severity", diagnose_severity_name(x->severity));
		json_str(j, "subject", x->subject);
		if (f->nns)
			json_str(j, "netns", diagnose_finding_netns(f, x));
		json_u64(j, "count", x->count);
		if (x->cookie)
			json_u64(j, "cookie", x->cookie);
		else
			json_null(j, "cookie");
		json_str(j, "message", diagnose_message(f, x, msg, sizeof(msg)));
		json_obj_begin(j, "evidence");
		for (int k = 0; k < x->nev; k++)
			json_i64(j, x->ev[k].key, x->ev[k].v);
		json_obj_end(j);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_u64(j, "findings_dropped", f->findings_dropped);
}

static void listener(const struct row *r, struct json *j)
{
	json_obj_begin(j, NULL);
	column_json(column_get(COL_LOCAL), r, j);
	for (int i = 0; i < COL_N; i++)
		if (column_get(i)->flags & COLF_LISTEN)
			column_json(column_get(i), r, j);
	column_json(column_get(COL_PROC), r, j); /* which service listens */
	column_json(column_get(COL_NETNS), r, j);
	json_u64(j, "cookie", r->c->cookie);
	json_obj_end(j);
}

/* The columns of a connection object, in table order: looked up once per frame. */
struct conn_cols {
	const struct column *col[COL_N];
	int n;
};

static void conn_cols_init(struct conn_cols *cc)
{
	cc->n = 0;
	for (int i = 0; i < COL_N; i++)
		if (!(column_get(i)->flags & COLF_LISTEN) && column_get(i)->json)
			cc->col[cc->n++] = column_get(i);
}

static void connection(const struct conn_cols *cc, const struct row *r, struct json *j)
{
	json_obj_begin(j, NULL);
	for (int i = 0; i < cc->n; i++)
		column_json(cc->col[i], r, j);
	json_obj_end(j);
}

void out_json_frame(const struct frame *f, const struct out_ctx *ctx, struct view *v,
		    struct strbuf *sb)
{
	struct conn_cols cc;
	struct json_keys keys;
	struct json j;

	view_build(v, f, ctx->sort, ctx->reverse, ctx->match, ctx->match_ctx);
	json_init(&j, sb);
	json_remember_keys(&j,
			   &keys); /* every key here is a literal or a table's or frame's name */
	json_obj_begin(&j, NULL);
	json_timestamp(&j, f->real_ns);
	json_f64(&j, "interval", round(f->interval * 1e6) / 1e6);
	json_u64(&j, "seq", f->seq);
	json_str(&j, "host", ctx->hostname);
	json_str(&j, "kernel", ctx->kernel);
	json_str(&j, "netns", f->netns);
	json_str(&j, "filter", ctx->filter);
	json_str(&j, "status", f->status[0] ? f->status : NULL);
	json_u64(&j, "sockets", frame_nrows(f));
	json_u64(&j, "matched", v->n);
	attribution(f, &j);
	closed(f, &j);
	findings(f, &j);
	states(f, &j);
	counters(f, &j);
	tunables(f, &j);
	tunables_host(f, &j);
	sockstat(f, &j);
	nsset_json(f, &j);
	json_arr_begin(&j, "listeners");
	for (size_t i = 0; i < v->n; i++)
		if (row_lst(&f->rows[v->order[i]]))
			listener(&f->rows[v->order[i]], &j);
	json_arr_end(&j);
	json_arr_begin(&j, "connections");
	conn_cols_init(&cc);
	for (size_t i = 0; i < v->n; i++) {
		connection(&cc, &f->rows[v->order[i]], &j);
		sb_flush_point(sb);
	}
	json_arr_end(&j);
	json_obj_end(&j);
	sb_putc(sb, '\n');
}
