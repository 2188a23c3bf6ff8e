/* SPDX-License-Identifier: GPL-2.0-or-later */
/* diagnose_group: findings of the frame: connection codes summarised, listeners, groups, the host. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "diagnose_int.h"
#include "model.h"
#include "fatal.h"

struct finding *dx_add(struct diagnoser *d, unsigned code, unsigned severity, const char *subject)
{
	struct finding *x;

	d->v = xgrow(d->v, &d->cap, d->n + 1, sizeof(*d->v));
	x = &d->v[d->n++];
	memset(x, 0, sizeof(*x));
	x->code = (uint8_t)code;
	x->severity = (uint8_t)severity;
	x->count = 1;
	x->row = UINT32_MAX;
	snprintf(x->subject, sizeof(x->subject), "%s", subject);
	return x;
}

void dx_ev(struct finding *x, const char *key, int64_t v)
{
	if (x->nev < FINDING_EVIDENCE_MAX)
		x->ev[x->nev++] = (struct evidence){ key, v };
}

uint64_t dx_cdelta(const struct frame *f, const char *name)
{
	return counters_delta(&f->counters, name);
}

/* The index of the row's namespace in f->nsv (0 when not -N all): groups are judged within one. */
static uint32_t ns_index(const struct frame *f, uint32_t row)
{
	const struct frame_ns *ns = row < frame_nrows(f) ? row_ns(&f->rows[row]) : NULL;

	return ns ? (uint32_t)(ns - f->nsv) : 0;
}

/* The sysctls a socket's namespace has: its own under -N all, else the frame's. */
static const struct tunables *tun_of(const struct frame *f, uint32_t row)
{
	return dx_tun(f, row < frame_nrows(f) ? &f->rows[row] : NULL);
}

size_t dx_nscopes(const struct frame *f)
{
	return f->nns ? f->nns : 1;
}

bool dx_scope(const struct frame *f, size_t i, struct dx_scope *s)
{
	const struct frame_ns *ns;
	bool host;

	if (!f->nns) {
		*s = (struct dx_scope){ .ctr = &f->counters,
					.tun = &f->tun,
					.name = "host",
					.n = (uint32_t)frame_nrows(f) };
		return i == 0;
	}
	if (i >= f->nns)
		return false;
	ns = &f->nsv[i];
	host = ns->kind == NSK_HOST;
	/* one that could not be entered has no counters: nothing to judge it by */
	if (!host && !ns->have_files)
		return false;
	*s = (struct dx_scope){ .ctr = host ? &f->counters : &ns->counters,
				.tun = host ? &f->tun : &ns->tun,
				.ns = ns,
				.name = ns->name,
				.first = ns->first,
				.n = ns->n };
	return true;
}

uint64_t dx_scope_cdelta(const struct dx_scope *s, const char *name)
{
	return counters_delta(s->ctr, name);
}

uint64_t dx_cdelta_all(const struct frame *f, const char *name)
{
	uint64_t sum = 0;
	struct dx_scope s;

	for (size_t i = 0; i < dx_nscopes(f); i++)
		if (dx_scope(f, i, &s))
			sum += dx_scope_cdelta(&s, name);
	return sum;
}

void dx_ev_scope(struct finding *x, const struct dx_scope *s)
{
	if (s->ns)
		dx_ev(x, "netns_inode", (int64_t)s->ns->inode);
}

static bool in_scope(const struct dx_scope *s, uint32_t row)
{
	return row >= s->first && row - s->first < s->n;
}

/* A counter's delta in the socket's namespace: its own under -N all, else the frame's. */
static const struct counters *counters_of(const struct frame *f, uint32_t row)
{
	const struct frame_ns *ns = row < frame_nrows(f) ? row_ns(&f->rows[row]) : NULL;

	bool own = ns && ns->have_files && ns->kind != NSK_HOST;

	return own ? &ns->counters : &f->counters;
}

static uint64_t cdelta_of(const struct frame *f, uint32_t row, const char *name)
{
	return counters_delta(counters_of(f, row), name);
}

/*
 * The connection attempts a listener dropped in the interval. Its drops
 * (skmem d, sk_drops) also count a retransmitted SYN or a stray ACK that
 * reaches a request still in its SYN queue (tcp_check_req re-sends the
 * SYN-ACK, tcp_v4_rcv discards the segment): nothing is lost, the attempt is
 * still queued. A dropped attempt also counts in ListenDrops
 * (tcp_listendrop), so a listener drops no more attempts than its
 * namespace's ListenDrops rose, when that delta is known.
 */
static uint64_t attempts_dropped(const struct frame *f, const struct listener *l)
{
	const struct counter *ld = counters_find(counters_of(f, l->row), "TcpExtListenDrops");
	uint64_t drops = (l->flags & LST_DROPS_DELTA) ? l->drops_delta : 0;

	return ld && (ld->flags & CTR_DELTA) && ld->delta < drops ? ld->delta : drops;
}

void dx_namespace_subjects(struct diagnoser *d, const struct frame *f)
{
	for (size_t i = 0; f->nns && i < d->n; i++) {
		struct finding *x = &d->v[i];
		const char *ns = x->row != UINT32_MAX ? frame_row_ns(f, x->row) : NULL;
		char subj[FINDING_SUBJECT_MAX];

		if (!ns)
			continue;
		snprintf(subj, sizeof(subj), "%s", x->subject);
		snprintf(x->subject, sizeof(x->subject), "[%.40s] %.80s", ns, subj);
	}
}

static void conn_subject(const struct row *r, char *buf, size_t len)
{
	char a[ENDPOINT_STRLEN], b[ENDPOINT_STRLEN];

	snprintf(buf, len, "%s -> %s",
		 endpoint_str(r->c->family, conn_src(r->c), r->c->sport, a, sizeof(a)),
		 endpoint_str(r->c->family, conn_dst(r->c), r->c->dport, b, sizeof(b)));
}

/*
 * One finding per connection code: how many connections have it, and the
 * busiest as example. One pass over the rows, visiting only the codes a row
 * has (most rows have none): each code still sees its rows in row order, so
 * the count, severity and example are those of a pass per code.
 */
_Static_assert(DX_CONN_N < 32, "connection codes are bits of row.findings");

void dx_summarise_connections(struct diagnoser *d, const struct frame *f)
{
	size_t n = frame_nrows(f);
	const struct row *best[DX_CONN_N] = { 0 };
	uint32_t count[DX_CONN_N] = { 0 }, best_i[DX_CONN_N] = { 0 };
	uint8_t sev[DX_CONN_N];

	memset(sev, DS_INFO, sizeof(sev));
	for (size_t i = 0; i < n; i++) {
		const struct row *r = &f->rows[i];
		uint32_t bits = r->findings & ((1u << DX_CONN_N) - 1);
		double w = (r->flags & ROW_RATES) ? r->tx_bps + r->rx_bps : 0;

		for (; bits; bits &= bits - 1) {
			unsigned code = (unsigned)__builtin_ctz(bits);
			const struct row *b = best[code];
			double bw = b && (b->flags & ROW_RATES) ? b->tx_bps + b->rx_bps : 0;

			count[code]++;
			if (dx_conn_severity(r, code) > sev[code])
				sev[code] = dx_conn_severity(r, code);
			if (!b || w > bw || (w == bw && r->c->cookie < b->c->cookie)) {
				best[code] = r;
				best_i[code] = (uint32_t)i;
			}
		}
	}
	for (unsigned code = 0; code < DX_CONN_N; code++) {
		struct finding *x;
		char subj[FINDING_SUBJECT_MAX];

		if (!best[code])
			continue;
		conn_subject(best[code], subj, sizeof(subj));
		x = dx_add(d, code, sev[code], subj);
		x->count = count[code];
		x->row = best_i[code];
		x->cookie = best[code]->c->cookie;
		dx_ev(x, "connections", count[code]);
		dx_codes[code].evidence(f, best[code], x);
	}
}

static void listener_subject(const struct frame *f, const struct listener *l, char *buf, size_t len)
{
	const struct conn *c = f->rows[l->row].c;

	endpoint_str(c->family, conn_src(c), c->sport, buf, len);
}

static struct finding *add_listener(struct diagnoser *d, const struct frame *f,
				    const struct listener *l, unsigned code)
{
	char subj[FINDING_SUBJECT_MAX];
	struct finding *x;

	listener_subject(f, l, subj, sizeof(subj));
	x = dx_add(d, code, dx_codes[code].def.severity, subj);
	x->row = l->row;
	x->cookie = f->rows[l->row].c->cookie;
	return x;
}

/*
 * A listener's dropped attempts (attempts_dropped) are: accept queue full
 * (ListenOverflows), SYN queue full without syncookies (TCPReqQFullDrop),
 * and the rest of ListenDrops. The queues at the sample and the host
 * counters say which.
 */
static void listener_queue_findings(struct diagnoser *d, const struct frame *f)
{
	for (size_t i = 0; i < f->nlisteners; i++) {
		const struct listener *l = &f->listeners[i];
		const struct tunables *tun = tun_of(f, l->row);
		/* under -N all the listener's own namespace's counters */
		uint64_t ovf = cdelta_of(f, l->row, "TcpExtListenOverflows");
		uint64_t qfull = cdelta_of(f, l->row, "TcpExtTCPReqQFullDrop");
		int64_t somaxconn = tunables_get(tun, TUN_SOMAXCONN, 0);
		uint64_t drops = attempts_dropped(f, l);
		bool full = l->accept_max && l->accept_q >= l->accept_max;
		bool synfull = l->accept_max && l->syn_q >= l->accept_max;
		bool overflowing = false;
		struct finding *x;

		if (drops && (full || (ovf && !synfull))) {
			x = add_listener(d, f, l, DX_ACCEPT_OVERFLOW);
			dx_ev(x, "drops_delta", (int64_t)drops);
			dx_ev(x, "accept_queue", l->accept_q);
			dx_ev(x, "accept_max", l->accept_max);
			dx_ev(x, "listen_overflows_delta", (int64_t)ovf);
			if (somaxconn)
				dx_ev(x, "somaxconn", somaxconn);
			overflowing = true;
		} else if (drops && (synfull || qfull)) {
			x = add_listener(d, f, l, DX_SYNQ_OVERFLOW);
			dx_ev(x, "drops_delta", (int64_t)drops);
			dx_ev(x, "syn_queue", l->syn_q);
			dx_ev(x, "accept_max", l->accept_max);
			if (l->syn_max)
				dx_ev(x, "syn_max", l->syn_max);
			dx_ev(x, "reqqfull_drop_delta", (int64_t)qfull);
			dx_ev(x, "tcp_syncookies", tunables_get(tun, TUN_SYNCOOKIES, -1));
		} else if (drops) {
			x = add_listener(d, f, l, DX_LISTEN_DROPS);
			dx_ev(x, "drops_delta", (int64_t)drops);
			dx_ev(x, "accept_queue", l->accept_q);
			dx_ev(x, "accept_max", l->accept_max);
			dx_ev(x, "syn_queue", l->syn_q);
		} else if (full) {
			x = add_listener(d, f, l, DX_ACCEPT_FULL);
			dx_ev(x, "accept_queue", l->accept_q);
			dx_ev(x, "accept_max", l->accept_max);
			overflowing = true;
		}
		/*
		 * Request sockets retransmitting their SYN-ACK: the client's final
		 * ACK did not come within the first RTO (1 s). A SYN flood shows
		 * the same, with spoofed clients that never answer.
		 */
		if (l->syn_retrying && l->syn_retries >= dx_th.synack_retry_min) {
			x = add_listener(d, f, l, DX_SYNACK_RETRY);
			x->count = l->syn_retrying;
			dx_ev(x, "syn_queue", l->syn_q);
			dx_ev(x, "retrying", l->syn_retrying);
			dx_ev(x, "max_retries", l->syn_retries);
			if (l->syn_max)
				dx_ev(x, "syn_max", l->syn_max);
			dx_ev(x, "tcp_synack_retries", tunables_get(tun, TUN_SYNACK_RETRIES, -1));
			dx_ev(x, "syn_retrans_delta",
			      (int64_t)cdelta_of(f, l->row, "TcpExtTCPSynRetrans"));
		}
		if (overflowing && somaxconn > 0 &&
		    (int64_t)l->accept_max * dx_th.backlog_ratio <= somaxconn) {
			x = add_listener(d, f, l, DX_BACKLOG_SMALL);
			dx_ev(x, "accept_max", l->accept_max);
			dx_ev(x, "somaxconn", somaxconn);
			dx_ev(x, "accept_queue", l->accept_q);
		}
	}
}

/*
 * The namespace-wide listener findings, judged within each namespace by its
 * own counters and sysctls (tcp_syncookies, tcp_abort_on_overflow and the
 * MIB counters are per namespace), and named by it.
 */
static void scope_listen_findings(struct diagnoser *d, const struct frame *f,
				  const struct dx_scope *s)
{
	uint64_t ovf = dx_scope_cdelta(s, "TcpExtListenOverflows");
	uint64_t qfull = dx_scope_cdelta(s, "TcpExtTCPReqQFullDrop");
	uint64_t cookies = dx_scope_cdelta(s, "TcpExtTCPReqQFullDoCookies");
	uint64_t sent = dx_scope_cdelta(s, "TcpExtSyncookiesSent");
	bool synq_named = false;
	uint32_t full = 0;
	struct finding *x;

	/* a listener of this namespace already has the SYN-queue finding */
	for (size_t i = 0; i < d->n; i++)
		synq_named |= d->v[i].code == DX_SYNQ_OVERFLOW && d->v[i].row != UINT32_MAX &&
			      in_scope(s, d->v[i].row);
	if (qfull && !synq_named) {
		x = dx_add(d, DX_SYNQ_OVERFLOW, DS_CRIT, s->name);
		dx_ev(x, "reqqfull_drop_delta", (int64_t)qfull);
		dx_ev(x, "tcp_syncookies", tunables_get(s->tun, TUN_SYNCOOKIES, -1));
		dx_ev_scope(x, s);
	}
	if (cookies || sent) {
		const struct listener *l = NULL;

		/*
		 * The listener with the most request sockets, at least half its
		 * limit: the kernel sends cookies only for a full SYN queue, and
		 * between a flood's retries it prunes old requests, so at the dump
		 * the queue that was full may be short of its limit (syn_queue in
		 * the evidence). A few ordinary handshakes name no one.
		 */
		for (size_t i = 0; i < f->nlisteners; i++)
			if (in_scope(s, f->listeners[i].row) && f->listeners[i].accept_max &&
			    f->listeners[i].syn_q * 2u >= f->listeners[i].accept_max &&
			    (!l || f->listeners[i].syn_q > l->syn_q))
				l = &f->listeners[i];
		x = l ? add_listener(d, f, l, DX_SYNCOOKIES)
		      : dx_add(d, DX_SYNCOOKIES, DS_WARN, s->name);
		dx_ev(x, "syncookies_sent_delta", (int64_t)sent);
		dx_ev(x, "reqqfull_docookies_delta", (int64_t)cookies);
		/* ACKs whose cookie did not check out: a flood's spoofed ACKs, or cookies too old */
		dx_ev(x, "syncookies_failed_delta",
		      (int64_t)dx_scope_cdelta(s, "TcpExtSyncookiesFailed"));
		if (l) {
			dx_ev(x, "syn_queue", l->syn_q);
			dx_ev(x, "accept_max", l->accept_max);
		} else {
			dx_ev_scope(x, s);
		}
	}
	/*
	 * The sysctl acts whenever an accept queue is full: overflows come in
	 * bursts (SYN retries after 1 s, 3 s...), a full queue is there between.
	 */
	for (size_t i = 0; i < f->nlisteners; i++)
		full += in_scope(s, f->listeners[i].row) && f->listeners[i].accept_max &&
			f->listeners[i].accept_q >= f->listeners[i].accept_max;
	if ((ovf || full) && tunables_get(s->tun, TUN_ABORT_ON_OVERFLOW, 0) == 1) {
		x = dx_add(d, DX_ABORT_ON_OVERFLOW, DS_WARN, s->name);
		dx_ev(x, "tcp_abort_on_overflow", 1);
		dx_ev(x, "listen_overflows_delta", (int64_t)ovf);
		dx_ev(x, "full_accept_queues", full);
		dx_ev(x, "out_rsts_delta", (int64_t)dx_scope_cdelta(s, "TcpOutRsts"));
		dx_ev_scope(x, s);
	}
}

static int cmp_gkey(const void *x, const void *y)
{
	const struct gkey *p = x, *q = y;
	int c = p->ns == q->ns ? memcmp(p->a, q->a, 16) : p->ns < q->ns ? -1 : 1;

	if (!c)
		c = memcmp(p->b, q->b, 16);
	if (!c && p->port != q->port)
		c = p->port < q->port ? -1 : 1;
	if (!c && p->row != q->row)
		c = p->row < q->row ? -1 : 1;
	return c;
}

static bool same_group(const struct gkey *p, const struct gkey *q)
{
	return p->ns == q->ns && !memcmp(p->a, q->a, 16) && !memcmp(p->b, q->b, 16) &&
	       p->port == q->port;
}

/* keys is NULL until the first group: qsort must not see it then. */
static void sort_keys(struct diagnoser *d, size_t n)
{
	if (n > 1)
		qsort(d->keys, n, sizeof(*d->keys), cmp_gkey);
}

static size_t collect(struct diagnoser *d, const struct frame *f, unsigned state,
		      bool (*pick)(const struct frame *f, const struct row *r), bool by_remote);

static bool close_wait(const struct frame *f, const struct row *r)
{
	(void)f;
	return r->c->state == TS_CLOSE_WAIT;
}

/*
 * CLOSE-WAIT grouped twice: by local port (a server that does not close
 * what its clients closed) and by remote endpoint (a client that does not
 * close what its server closed). Each connection sits in one large group
 * and in many single ones, so groups above the threshold do not overlap.
 */
void dx_close_wait_findings(struct diagnoser *d, const struct frame *f)
{
	for (int by_remote = 0; by_remote < 2; by_remote++) {
		size_t k = collect(d, f, TS_CLOSE_WAIT, close_wait, by_remote);

		for (size_t i = 0; i < k;) {
			size_t j = i;
			uint32_t held = 0, fresh = 0;

			for (; j < k && same_group(&d->keys[i], &d->keys[j]); j++) {
				const struct row *r = &f->rows[d->keys[j].row];

				const struct row_past p = model_past(f, r);

				if ((double)(f->mono_ns - p.state_since_ns) / 1e9 >=
					    dx_th.cw_hold_s &&
				    (r->flags & ROW_PREV))
					held++;
				if (!(r->flags & ROW_PREV) || p.prev.state != TS_CLOSE_WAIT)
					fresh++;
			}
			if (held >= dx_th.cw_min) {
				const struct row *r0 = &f->rows[d->keys[i].row];
				char subj[FINDING_SUBJECT_MAX], ep[ENDPOINT_STRLEN];
				struct finding *x;

				if (by_remote)
					snprintf(subj, sizeof(subj), "-> %s",
						 endpoint_str(r0->c->family, conn_dst(r0->c),
							      r0->c->dport, ep, sizeof(ep)));
				else
					snprintf(subj, sizeof(subj), "port %u", r0->c->sport);
				x = dx_add(d, DX_CLOSE_WAIT, DS_WARN, subj);
				/* an example socket: the Findings view names the process that leaks */
				x->row = d->keys[i].row;
				x->count = (uint32_t)(j - i);
				dx_ev(x, "close_wait", (int64_t)(j - i));
				dx_ev(x, "held", held);
				dx_ev(x, "new", fresh);
				if (f->has_states_delta)
					dx_ev(x, "close_wait_delta_host",
					      f->states_delta[TS_CLOSE_WAIT]);
			}
			i = j;
		}
	}
}

/*
 * tcp_max_tw_buckets and TcpExtTCPTimeWaitOverflow are per namespace: each
 * namespace's TIME-WAIT sockets against its own limit, named by it.
 */
void dx_time_wait_findings(struct diagnoser *d, const struct frame *f)
{
	struct dx_scope s;

	for (size_t i = 0; i < dx_nscopes(f); i++) {
		uint64_t ovf;
		int64_t max;
		uint32_t tw = 0;
		struct finding *x;

		if (!dx_scope(f, i, &s))
			continue;
		ovf = dx_scope_cdelta(&s, "TcpExtTCPTimeWaitOverflow");
		max = tunables_get(s.tun, TUN_MAX_TW_BUCKETS, 0);
		if (!s.ns)
			tw = f->states[TS_TIME_WAIT];
		else
			for (uint32_t k = s.first; k < s.first + s.n; k++)
				tw += f->rows[k].c->state == TS_TIME_WAIT;
		if (!ovf && !(max > 0 && tw >= dx_th.tw_share * (double)max))
			continue;
		x = dx_add(d, DX_TIME_WAIT, ovf ? DS_CRIT : DS_WARN, s.name);
		x->count = tw;
		dx_ev(x, "time_wait", tw);
		if (max > 0)
			dx_ev(x, "max_tw_buckets", max);
		dx_ev(x, "tw_overflow_delta", (int64_t)ovf);
		dx_ev_scope(x, &s);
	}
}

/*
 * Ephemeral ports per (source address, destination): connect() needs a free
 * local port per 4-tuple, so each destination has the whole range to itself,
 * and TIME-WAIT sockets hold theirs (unless tcp_tw_reuse lets connect take
 * them over). ip_local_port_range and tcp_tw_reuse are per namespace, and
 * so is the port space: each namespace's sockets against its own range.
 */
static bool port_candidate(const struct conn *c, int64_t lo, int64_t hi)
{
	return c->state != TS_LISTEN && c->sport >= lo && c->sport <= hi && c->dport != 0;
}

/*
 * Which destination ports can hold a group at the warning threshold: a
 * group is one (source, destination address, port), so it is no larger than
 * the count of its port. Only the rows of those ports are sorted into
 * groups: the same groups as sorting every candidate, without sorting
 * tens of thousands of keys into groups of a few each (the common case).
 * Returns how many rows qualify; `ok` gets one bit per port.
 */
static size_t port_prefilter(const struct frame *f, const struct dx_scope *s, int64_t lo,
			     int64_t hi, double need, uint64_t *ok)
{
	uint32_t *count = xcalloc(65536, sizeof(*count)), most = 0;
	size_t rows = 0;

	for (size_t i = s->first; i < (size_t)s->first + s->n; i++) {
		const struct conn *c = f->rows[i].c;

		if (port_candidate(c, lo, hi) && ++count[c->dport] > most)
			most = count[c->dport];
	}
	for (size_t p = 0; p < 65536 && (double)most >= need; p++) {
		if (count[p] && (double)count[p] >= need) {
			ok[p / 64] |= 1ull << (p % 64);
			rows += count[p];
		}
	}
	free(count);
	return rows;
}

static void port_scope(struct diagnoser *d, const struct frame *f, const struct dx_scope *s)
{
	size_t k = 0;
	int64_t lo, hi, size;
	uint64_t ok[65536 / 64] = { 0 };

	if (s->tun->n[TUN_LOCAL_PORT_RANGE] < 2)
		return;
	lo = s->tun->v[TUN_LOCAL_PORT_RANGE][0];
	hi = s->tun->v[TUN_LOCAL_PORT_RANGE][1];
	size = hi - lo + 1;
	if (size <= 0)
		return;
	if (!port_prefilter(f, s, lo, hi, dx_th.ports_warn * (double)size, ok))
		return;
	for (size_t i = s->first; i < (size_t)s->first + s->n; i++) {
		const struct conn *c = f->rows[i].c;
		struct gkey *g;

		if (!port_candidate(c, lo, hi) || !(ok[c->dport / 64] & (1ull << (c->dport % 64))))
			continue;
		d->keys = xgrow(d->keys, &d->keys_cap, k + 1, sizeof(*d->keys));
		g = &d->keys[k++];
		memset(g, 0, sizeof(*g));
		conn_addr_mapped(c, false, g->a);
		conn_addr_mapped(c, true, g->b);
		g->port = c->dport;
		g->row = (uint32_t)i;
		g->ns = ns_index(f, (uint32_t)i);
	}
	sort_keys(d, k);
	for (size_t i = 0; i < k;) {
		size_t j = i;
		uint32_t tw = 0;

		for (; j < k && same_group(&d->keys[i], &d->keys[j]); j++)
			tw += f->rows[d->keys[j].row].c->state == TS_TIME_WAIT;
		if ((double)(j - i) >= dx_th.ports_warn * (double)size) {
			const struct conn *c0 = f->rows[d->keys[i].row].c;
			char subj[FINDING_SUBJECT_MAX], a[ADDR_STRLEN], ep[ENDPOINT_STRLEN];
			bool crit = (double)(j - i) >= dx_th.ports_crit * (double)size;
			struct finding *x;

			snprintf(subj, sizeof(subj), "%s -> %s",
				 addr_str(c0->family, conn_src(c0), a, sizeof(a)),
				 endpoint_str(c0->family, conn_dst(c0), c0->dport, ep, sizeof(ep)));
			x = dx_add(d, DX_PORTS, crit ? DS_CRIT : DS_WARN, subj);
			if (f->nns) /* an example: names the namespace under -N all */
				x->row = d->keys[i].row;
			x->count = (uint32_t)(j - i);
			dx_ev(x, "used", (int64_t)(j - i));
			dx_ev(x, "range_size", size);
			dx_ev(x, "range_lo", lo);
			dx_ev(x, "range_hi", hi);
			dx_ev(x, "time_wait", tw);
			dx_ev(x, "tcp_tw_reuse", tunables_get(s->tun, TUN_TW_REUSE, -1));
		}
		i = j;
	}
}

void dx_port_findings(struct diagnoser *d, const struct frame *f)
{
	struct dx_scope s;

	for (size_t i = 0; i < dx_nscopes(f); i++)
		if (dx_scope(f, i, &s))
			port_scope(d, f, &s);
}

void dx_listener_findings(struct diagnoser *d, const struct frame *f)
{
	struct dx_scope s;

	listener_queue_findings(d, f);
	for (size_t i = 0; i < dx_nscopes(f); i++)
		if (dx_scope(f, i, &s))
			scope_listen_findings(d, f, &s);
}

/*
 * One group key per row in `state` that `pick` selects: a = an address,
 * port = a port; then sorted. Each pick is about one state: the frame's
 * state counts (the model's, over every row) say when no row is in it, and
 * the rows are not walked then (CLOSE-WAIT, SYN-SENT and orphans are few
 * or none on most hosts; four walks of every row each refresh were not).
 */
static size_t collect(struct diagnoser *d, const struct frame *f, unsigned state,
		      bool (*pick)(const struct frame *f, const struct row *r), bool by_remote)
{
	size_t n = frame_nrows(f), k = 0;

	if (state < TS_MAX && f->states[state] == 0)
		return 0;
	for (size_t i = 0; i < n; i++) {
		const struct conn *c = f->rows[i].c;
		struct gkey *g;

		if (c->state != state || (f->rows[i].flags & ROW_DUP) || !pick(f, &f->rows[i]))
			continue;
		d->keys = xgrow(d->keys, &d->keys_cap, k + 1, sizeof(*d->keys));
		g = &d->keys[k++];
		memset(g, 0, sizeof(*g));
		if (by_remote) {
			conn_addr_mapped(c, true, g->a);
			g->port = c->dport;
		} else {
			g->port = c->sport;
		}
		g->row = (uint32_t)i;
		g->ns = ns_index(f, (uint32_t)i);
	}
	sort_keys(d, k);
	return k;
}

/* Seconds the row has been seen in its state, and whether since the previous refresh or longer. */
static bool held(const struct frame *f, const struct row *r)
{
	struct row_past p;

	if (!(r->flags & ROW_PREV))
		return false;
	p = model_past(f, r);
	return p.prev.state == r->c->state &&
	       (double)(f->mono_ns - p.state_since_ns) / 1e9 >= dx_th.cw_hold_s;
}

static bool syn_sent(const struct frame *f, const struct row *r)
{
	(void)f;
	return r->c->state == TS_SYN_SENT;
}

/*
 * Time a connect has waited, from its SYN retransmits: the first RTO is 1 s
 * (TCP_TIMEOUT_INIT) and doubles, so after k retransmits the next timer fires
 * (2^(k+1) - 1) s after the first SYN; idiag_expires says how far off it is.
 * Never less than the time tcptop has seen the socket in SYN-SENT.
 */
static int64_t syn_waited_ms(const struct frame *f, const struct row *r)
{
	unsigned k = r->c->retrans < 20 ? r->c->retrans : 20;
	int64_t next = ((INT64_C(1) << (k + 1)) - 1) * 1000;
	int64_t w = next - (int64_t)r->c->expires_ms;
	int64_t seen = (int64_t)((f->mono_ns - model_past(f, r).state_since_ns) / 1000000);

	if (w < 0)
		w = 0;
	return w > seen ? w : seen;
}

/*
 * A listener of this frame that takes connections to c's destination and is
 * dropping SYNs itself (accept queue full, drops): the listener's own
 * finding names the cause, a syn-retry saying "nothing answers" would not.
 */
static bool dropped_by_local_listener(const struct frame *f, const struct conn *c)
{
	for (size_t i = 0; i < f->nlisteners; i++) {
		const struct listener *l = &f->listeners[i];
		const struct conn *lc = f->rows[l->row].c;
		uint8_t a[16], b[16];

		if (lc->sport != c->dport)
			continue;
		conn_addr_mapped(lc, false, a);
		conn_addr_mapped(c, true, b);
		if (memcmp(a, b, 16) && !addr_is_any(lc->family, conn_src(lc)))
			continue;
		if ((l->accept_max && l->accept_q >= l->accept_max) || attempts_dropped(f, l))
			return true;
	}
	return false;
}

/*
 * Connects toward one destination (address:port) that retry their SYN: each
 * retransmit means a second or more without a SYN-ACK, so a destination
 * whose connects all retry is not answering. The kernel gives up after
 * tcp_syn_retries retransmits, (2^(n+1) - 1) s after the first SYN.
 */
void dx_syn_retry_findings(struct diagnoser *d, const struct frame *f)
{
	size_t k = collect(d, f, TS_SYN_SENT, syn_sent, true);

	for (size_t i = 0; i < k;) {
		/* tcp_syn_retries of the connects' own namespace (groups never span two) */
		int64_t retries = tunables_get(tun_of(f, d->keys[i].row), TUN_SYN_RETRIES, -1);
		size_t j = i;
		uint32_t retrying = 0;
		unsigned most = 0;
		int64_t oldest = 0;

		for (; j < k && same_group(&d->keys[i], &d->keys[j]); j++) {
			const struct row *r = &f->rows[d->keys[j].row];

			if (r->c->retrans < dx_th.syn_retry_min)
				continue;
			retrying++;
			if (r->c->retrans > most)
				most = r->c->retrans;
			if (syn_waited_ms(f, r) > oldest)
				oldest = syn_waited_ms(f, r);
		}
		if (retrying && !dropped_by_local_listener(f, f->rows[d->keys[i].row].c)) {
			const struct conn *c0 = f->rows[d->keys[i].row].c;
			char subj[FINDING_SUBJECT_MAX];
			struct finding *x;

			endpoint_str(c0->family, conn_dst(c0), c0->dport, subj, sizeof(subj));
			x = dx_add(d, DX_SYN_RETRY,
				   most >= dx_th.syn_retry_crit ? DS_CRIT : DS_WARN, subj);
			if (f->nns) /* an example: names the namespace under -N all */
				x->row = d->keys[i].row;
			x->count = retrying;
			dx_ev(x, "sockets", retrying);
			dx_ev(x, "max_retries", most);
			dx_ev(x, "oldest_ms", oldest);
			if (retries >= 0) {
				int64_t total =
					((INT64_C(1) << (retries < 30 ? retries + 1 : 31)) - 1) *
					1000;

				dx_ev(x, "gives_up_ms", total > oldest ? total - oldest : 0);
				dx_ev(x, "tcp_syn_retries", retries);
			}
			dx_ev(x, "syn_retrans_delta",
			      (int64_t)cdelta_of(f, d->keys[i].row, "TcpExtTCPSynRetrans"));
			dx_ev(x, "attempt_fails_delta",
			      (int64_t)cdelta_of(f, d->keys[i].row, "TcpAttemptFails"));
			dx_ev(x, "abort_on_timeout_delta",
			      (int64_t)cdelta_of(f, d->keys[i].row, "TcpExtTCPAbortOnTimeout"));
		}
		i = j;
	}
}

static bool fin_wait1_orphan(const struct frame *f, const struct row *r)
{
	return r->c->state == TS_FIN_WAIT1 && orphan(r->c) && r->c->wqueue > 0 && held(f, r);
}

static bool fin_wait2_orphan(const struct frame *f, const struct row *r)
{
	(void)f;
	return r->c->state == TS_FIN_WAIT2 && orphan(r->c);
}

/*
 * FIN-WAIT-1 orphans by local port: closed by the application with data (or
 * the FIN) unacknowledged since the previous refresh: a FIN cannot leave
 * while unsent data waits behind a zero window, and the kernel probes up to
 * tcp_orphan_retries times (0 means 8) while the socket holds its buffer.
 * FIN-WAIT-2 orphans by remote endpoint: the peer acknowledged our FIN and
 * never sent its own; each lasts tcp_fin_timeout.
 */
void dx_fin_wait_findings(struct diagnoser *d, const struct frame *f)
{
	size_t k = collect(d, f, TS_FIN_WAIT1, fin_wait1_orphan, false);

	for (size_t i = 0; i < k;) {
		size_t j = i;
		uint64_t bytes = 0;
		uint32_t zw = 0;
		unsigned probes = 0;

		for (; j < k && same_group(&d->keys[i], &d->keys[j]); j++) {
			const struct conn *c = f->rows[d->keys[j].row].c;

			bytes += c->wqueue;
			zw += zero_window(c);
			if (c->retrans > probes)
				probes = c->retrans;
		}
		if (j - i >= dx_th.fw1_min) {
			char subj[FINDING_SUBJECT_MAX];
			struct finding *x;

			snprintf(subj, sizeof(subj), "port %u", f->rows[d->keys[i].row].c->sport);
			x = dx_add(d, DX_FIN_WAIT1, DS_WARN, subj);
			if (f->nns)
				x->row = d->keys[i].row;
			x->count = (uint32_t)(j - i);
			dx_ev(x, "orphans", (int64_t)(j - i));
			dx_ev(x, "bytes", (int64_t)bytes);
			dx_ev(x, "zero_window", zw);
			dx_ev(x, "max_probes", probes);
			dx_ev(x, "tcp_orphan_retries",
			      tunables_get(tun_of(f, d->keys[i].row), TUN_ORPHAN_RETRIES, -1));
		}
		i = j;
	}
	k = collect(d, f, TS_FIN_WAIT2, fin_wait2_orphan, true);
	for (size_t i = 0; i < k;) {
		size_t j = i;
		uint32_t nheld = 0;

		for (; j < k && same_group(&d->keys[i], &d->keys[j]); j++)
			nheld += held(f, &f->rows[d->keys[j].row]);
		if (nheld >= dx_th.fw2_min) {
			const struct conn *c0 = f->rows[d->keys[i].row].c;
			char subj[FINDING_SUBJECT_MAX], ep[ENDPOINT_STRLEN];
			struct finding *x;

			snprintf(subj, sizeof(subj), "-> %s",
				 endpoint_str(c0->family, conn_dst(c0), c0->dport, ep, sizeof(ep)));
			x = dx_add(d, DX_FIN_WAIT2, j - i >= dx_th.fw2_warn ? DS_WARN : DS_INFO,
				   subj);
			if (f->nns)
				x->row = d->keys[i].row;
			x->count = (uint32_t)(j - i);
			dx_ev(x, "orphans", (int64_t)(j - i));
			dx_ev(x, "held", nheld);
			dx_ev(x, "tcp_fin_timeout",
			      tunables_get(tun_of(f, d->keys[i].row), TUN_FIN_TIMEOUT, -1));
		}
		i = j;
	}
}

/*
 * The host's orphans against tcp_max_orphans: an orphan that hits a timeout
 * is killed once orphans x 2^shift pass the limit, shift up to 2 for one that
 * has not sent for long or got an ICMP error, so at a quarter of the limit
 * the kernel already kills some (TCPAbortOnMemory counts them, with those
 * killed for memory). TCP memory (sockstat mem, pages) against tcp_mem:
 * above the second value the stack is under pressure (buffers pruned and
 * clamped, TCPMemoryPressures), at the third allocations fail.
 * Host-wide: orphans, TCP memory and both sysctls are global, whichever
 * namespace reads them; the counters are kept per namespace, so under -N all
 * their sum over every namespace is the host's.
 */
void dx_memory_findings(struct diagnoser *d, const struct frame *f)
{
	const struct sockstat *ss = &f->sockstat;
	int64_t maxo = tunables_get(&f->tun, TUN_MAX_ORPHANS, -1);
	uint64_t abort_mem = dx_cdelta_all(f, "TcpExtTCPAbortOnMemory");
	uint64_t pressures = dx_cdelta_all(f, "TcpExtTCPMemoryPressures");
	const char *subject = f->nns ? "host (all namespaces)" : "host";
	struct finding *x;

	if (ss->have & SOCKSTAT_ORPHAN) {
		double share = maxo > 0 ? (double)ss->orphan / (double)maxo : 0;
		int sev = abort_mem                     ? DS_CRIT
			  : share >= dx_th.orphans_crit ? DS_CRIT
			  : share >= dx_th.orphans_warn ? DS_WARN
							: -1;

		if (sev >= 0) {
			x = dx_add(d, DX_ORPHANS, (unsigned)sev, subject);
			x->count = (uint32_t)ss->orphan;
			dx_ev(x, "orphans", ss->orphan);
			if (maxo > 0)
				dx_ev(x, "tcp_max_orphans", maxo);
			dx_ev(x, "abort_on_memory_delta", (int64_t)abort_mem);
		}
	}
	if (ss->have & SOCKSTAT_MEM) {
		bool known = f->tun.n[TUN_TCP_MEM] == 3;
		const int64_t *m = f->tun.v[TUN_TCP_MEM];
		int sev = known && ss->mem >= dx_th.mem_crit * (double)m[2] ? DS_CRIT
			  : (known && ss->mem > m[1]) || pressures          ? DS_WARN
									    : -1;

		if (sev >= 0) {
			x = dx_add(d, DX_TCP_MEM, (unsigned)sev, subject);
			dx_ev(x, "mem_pages", ss->mem);
			if (known) {
				dx_ev(x, "tcp_mem_min", m[0]);
				dx_ev(x, "tcp_mem_pressure", m[1]);
				dx_ev(x, "tcp_mem_max", m[2]);
			}
			dx_ev(x, "memory_pressures_delta", (int64_t)pressures);
			dx_ev(x, "memory_pressure_ms_delta",
			      (int64_t)dx_cdelta_all(f, "TcpExtTCPMemoryPressuresChrono"));
		}
	}
}
