/* SPDX-License-Identifier: GPL-2.0-or-later */
/* model: cookie-keyed connection table, deltas, listeners and states. */
#include "model.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "fatal.h"
#include "hash.h"

/* Entry.have bits: which remembered values are valid. */
enum {
	ME_BYTES = 1,
	ME_RETRANS = 2,
	ME_LIMITS = 4,
	ME_DROPS = 8,
	ME_SKMEM = 16,
	ME_NOTSENT = 32,
	ME_BACKOFF = 64,
	ME_SND_WND = 128,
	ME_RCV_WND = 256,
};

struct entry {
	uint64_t cookie;
	uint64_t mono_ns;
	uint64_t bytes_acked;
	uint64_t bytes_received;
	uint64_t busy;
	uint64_t rwnd;
	uint64_t sndbuf;
	uint32_t total_retrans;
	uint32_t drops;
	uint32_t hist; /* history slot + 1; 0 = none */
	/* for the diagnosis: buffers that never grow, queues that keep growing, backoff */
	uint64_t state_since_ns;
	uint64_t first_ns; /* first refresh that saw it; 0: it was there when tcptop started */
	uint32_t tb, rb;   /* skmem sndbuf, rcvbuf */
	uint32_t rqueue, notsent;
	uint32_t snd_wnd, rcv_wnd;
	uint8_t state, timer, backoff;
	uint8_t rq_grew, notsent_grew;
	uint16_t have;
	uint8_t used;
};

/* Open addressing, linear probing; rebuilt every refresh (the sweep). */
struct table {
	struct entry *v;
	size_t cap; /* power of two */
	size_t n;
};

#define HIST_SLOTS 4096

struct ring {
	uint8_t head; /* next write position */
	uint8_t n;
	float v[HIST_N][HIST_LEN];
};

struct model {
	struct table cur, prev;
	struct ring *rings; /* HIST_SLOTS, allocated on first use */
	uint32_t *free_slots;
	size_t nfree;
	uint64_t selected;
	uint64_t last_mono_ns;
	uint64_t seq;
	uint32_t last_states[TS_MAX];
	bool have_last;
	struct counters prev_counters;
	bool have_prev_counters;
	/* scratch for the listener pass, reused */
	struct lkey *lkeys;
	size_t lkeys_cap;
};

struct model *model_new(void)
{
	struct model *m = xcalloc(1, sizeof(*m));

	m->rings = xcalloc(HIST_SLOTS, sizeof(*m->rings));
	m->free_slots = xmalloc(HIST_SLOTS * sizeof(*m->free_slots));
	for (size_t i = 0; i < HIST_SLOTS; i++)
		m->free_slots[i] = (uint32_t)(HIST_SLOTS - i);
	m->nfree = HIST_SLOTS;
	return m;
}

void model_free(struct model *m)
{
	if (!m)
		return;
	free(m->cur.v);
	free(m->prev.v);
	free(m->rings);
	free(m->free_slots);
	free(m->lkeys);
	counters_free(&m->prev_counters);
	free(m);
}

void model_select(struct model *m, uint64_t cookie)
{
	m->selected = cookie;
}

size_t model_size(const struct model *m)
{
	return m->cur.n;
}

static void table_prepare(struct table *t, size_t n)
{
	size_t cap = 1024;

	while (cap < n * 2)
		cap *= 2;
	if (cap != t->cap) {
		free(t->v);
		t->v = xmalloc(cap * sizeof(*t->v));
		t->cap = cap;
	}
	memset(t->v, 0, cap * sizeof(*t->v));
	t->n = 0;
}

static struct entry *table_find(const struct table *t, uint64_t cookie)
{
	size_t i;

	if (!t->cap)
		return NULL;
	for (i = hash_u64(cookie) & (t->cap - 1); t->v[i].used; i = (i + 1) & (t->cap - 1))
		if (t->v[i].cookie == cookie)
			return &t->v[i];
	return NULL;
}

/* Inserts or returns the existing entry (a cookie seen twice in one dump). */
static struct entry *table_insert(struct table *t, uint64_t cookie, bool *dup)
{
	size_t i;

	for (i = hash_u64(cookie) & (t->cap - 1); t->v[i].used; i = (i + 1) & (t->cap - 1)) {
		if (t->v[i].cookie == cookie) {
			*dup = true;
			return &t->v[i];
		}
	}
	*dup = false;
	t->v[i].used = 1;
	t->v[i].cookie = cookie;
	t->n++;
	return &t->v[i];
}

static uint32_t slot_alloc(struct model *m)
{
	return m->nfree ? m->free_slots[--m->nfree] : 0;
}

static void slot_release(struct model *m, uint32_t slot)
{
	struct ring *r = &m->rings[slot - 1];

	r->head = r->n = 0;
	m->free_slots[m->nfree++] = slot;
}

static void ring_push(struct ring *r, const float v[HIST_N])
{
	for (int k = 0; k < HIST_N; k++)
		r->v[k][r->head] = v[k];
	r->head = (uint8_t)((r->head + 1) % HIST_LEN);
	if (r->n < HIST_LEN)
		r->n++;
}

static void ring_copy(const struct ring *r, struct hist *h)
{
	int start = (r->head + HIST_LEN - r->n) % HIST_LEN;

	h->n = r->n;
	for (int k = 0; k < HIST_N; k++)
		for (int i = 0; i < r->n; i++)
			h->v[k][i] = r->v[k][(start + i) % HIST_LEN];
}

static void remember(struct entry *e, const struct conn *c, uint64_t mono_ns)
{
	uint64_t v64;
	uint32_t v32;

	e->mono_ns = mono_ns;
	e->have = 0;
	if (CONN_INFO(c, bytes_acked, &v64) && CONN_INFO(c, bytes_received, &e->bytes_received)) {
		e->bytes_acked = v64;
		e->have |= ME_BYTES;
	}
	if (CONN_INFO(c, total_retrans, &v32)) {
		e->total_retrans = v32;
		e->have |= ME_RETRANS;
	}
	if (CONN_INFO(c, busy_time, &e->busy) && CONN_INFO(c, rwnd_limited, &e->rwnd) &&
	    CONN_INFO(c, sndbuf_limited, &e->sndbuf))
		e->have |= ME_LIMITS;
	if (c->skmem && c->skmem_n > SKM_DROPS) {
		e->drops = c->skmem[SKM_DROPS];
		e->have |= ME_DROPS;
	}
	if (c->skmem && c->skmem_n > SKM_SNDBUF) {
		e->tb = c->skmem[SKM_SNDBUF];
		e->rb = c->skmem[SKM_RCVBUF];
		e->have |= ME_SKMEM;
	}
	if (CONN_INFO(c, notsent_bytes, &e->notsent))
		e->have |= ME_NOTSENT;
	if (CONN_INFO(c, backoff, &e->backoff))
		e->have |= ME_BACKOFF;
	if (CONN_INFO(c, snd_wnd, &e->snd_wnd))
		e->have |= ME_SND_WND;
	if (CONN_INFO(c, rcv_wnd, &e->rcv_wnd))
		e->have |= ME_RCV_WND;
	e->state = c->state;
	e->timer = c->timer;
	e->rqueue = c->rqueue;
}

/* A streak of consecutive growth, saturating. */
static uint8_t grew(uint8_t streak, uint32_t now, uint32_t before)
{
	return now > before ? (uint8_t)(streak < UINT8_MAX ? streak + 1 : streak) : 0;
}

/* What the diagnosis compares across refreshes; O(1), no allocation. */
static void carry(struct row *r, struct entry *now, const struct entry *was)
{
	struct row_prev *p = &r->prev;

	p->sndbuf = was->tb;
	p->rcvbuf = was->rb;
	p->rqueue = was->rqueue;
	p->notsent = was->notsent;
	p->snd_wnd = was->snd_wnd;
	p->rcv_wnd = was->rcv_wnd;
	p->state = was->state;
	p->timer = was->timer;
	p->backoff = was->backoff;
	p->have = (uint8_t)(((was->have & ME_SKMEM) ? PREV_SKMEM : 0) |
			    ((was->have & ME_NOTSENT) ? PREV_NOTSENT : 0) |
			    ((was->have & ME_BACKOFF) ? PREV_BACKOFF : 0) |
			    ((was->have & ME_SND_WND) ? PREV_SND_WND : 0) |
			    ((was->have & ME_RCV_WND) ? PREV_RCV_WND : 0));
	r->flags |= ROW_PREV;
	now->state_since_ns = was->state == now->state ? was->state_since_ns : now->mono_ns;
	now->rq_grew = was->state == now->state ? grew(was->rq_grew, now->rqueue, was->rqueue) : 0;
	now->notsent_grew = (now->have & was->have & ME_NOTSENT)
				    ? grew(was->notsent_grew, now->notsent, was->notsent)
				    : 0;
}

/* Counter deltas with wrap and reset treated as "no value". */
static bool delta64(uint64_t now, uint64_t before, uint64_t *d)
{
	if (now < before)
		return false;
	*d = now - before;
	return true;
}

static void derive(struct row *r, const struct entry *now, const struct entry *was)
{
	uint64_t a, b, c;

	if (now->mono_ns <= was->mono_ns)
		return;
	r->dt = (double)(now->mono_ns - was->mono_ns) / 1e9;
	if ((now->have & was->have & ME_BYTES) && delta64(now->bytes_acked, was->bytes_acked, &a) &&
	    delta64(now->bytes_received, was->bytes_received, &b)) {
		r->tx_bps = (double)a * 8.0 / r->dt;
		r->rx_bps = (double)b * 8.0 / r->dt;
		r->flags |= ROW_RATES;
	}
	if ((now->have & was->have & ME_RETRANS) && now->total_retrans >= was->total_retrans) {
		r->d_retrans = now->total_retrans - was->total_retrans;
		r->flags |= ROW_D_RETRANS;
	}
	if ((now->have & was->have & ME_LIMITS) && delta64(now->busy, was->busy, &a) &&
	    delta64(now->rwnd, was->rwnd, &b) && delta64(now->sndbuf, was->sndbuf, &c)) {
		r->d_busy_us = a;
		r->d_rwnd_us = b;
		r->d_sndbuf_us = c;
		r->flags |= ROW_D_LIMITS;
	}
}

static void push_history(struct model *m, const struct entry *e, const struct row *r)
{
	float v[HIST_N];
	uint32_t x;

	v[HIST_RTT] = CONN_INFO(r->c, rtt, &x) ? (float)x / 1000.0f : NAN;
	v[HIST_CWND] = CONN_INFO(r->c, snd_cwnd, &x) ? (float)x : NAN;
	v[HIST_TX] = (r->flags & ROW_RATES) ? (float)r->tx_bps : NAN;
	v[HIST_RX] = (r->flags & ROW_RATES) ? (float)r->rx_bps : NAN;
	ring_push(&m->rings[e->hist - 1], v);
}

static void update_rows(struct model *m, struct frame *f)
{
	size_t n = f->sample.n;
	struct table t;

	/* The previous table becomes the lookup side; the one before is reused. */
	t = m->prev;
	m->prev = m->cur;
	m->cur = t;
	table_prepare(&m->cur, n);
	f->rows = xgrow(f->rows, &f->rows_cap, n, sizeof(*f->rows));
	for (size_t i = 0; i < n; i++) {
		const struct conn *c = &f->sample.conns[i];
		struct row *r = &f->rows[i];
		struct entry *e, *was;
		bool dup;

		memset(r, 0, sizeof(*r));
		r->c = c;
		if (c->state < TS_MAX)
			f->states[c->state]++;
		e = table_insert(&m->cur, c->cookie, &dup);
		if (dup)
			continue; /* the same socket twice in one dump: keep the first */
		remember(e, c, f->mono_ns);
		e->state_since_ns = f->mono_ns;
		was = table_find(&m->prev, c->cookie);
		if (was) {
			derive(r, e, was);
			carry(r, e, was);
			e->hist = was->hist;
			e->first_ns = was->first_ns;
			was->hist = 0; /* moved: not released in the sweep */
		} else {
			r->flags |= ROW_NEW;
			e->first_ns = m->have_last ? f->mono_ns : 0;
			if (c->info && c->state != TS_LISTEN)
				e->hist = slot_alloc(m);
		}
		if (!e->hist && c->cookie == m->selected && c->info)
			e->hist = slot_alloc(m);
		if (e->hist)
			push_history(m, e, r);
		if (e->hist && c->cookie == m->selected) {
			f->hist.cookie = c->cookie;
			ring_copy(&m->rings[e->hist - 1], &f->hist);
		}
		r->state_since_ns = e->state_since_ns;
		r->rq_grew = e->rq_grew;
		r->notsent_grew = e->notsent_grew;
	}
	/* Sweep: sockets that did not come back give their history slots back. */
	for (size_t i = 0; i < m->prev.cap; i++)
		if (m->prev.v[i].used && m->prev.v[i].hist)
			slot_release(m, m->prev.v[i].hist);
}

/* Listener address key: the address as IPv6 (IPv4 mapped) and the port. */
struct lkey {
	uint32_t ns; /* -N all: the namespace (frame.nsv index); a request is only its own's */
	uint8_t addr[16];
	uint16_t port;
	uint8_t wildcard;
	uint8_t v4ok; /* accepts IPv4 (an IPv4 socket or a dual-stack IPv6 one) */
	uint8_t v6ok;
	uint32_t listener; /* index into f->listeners */
};

static void key_of(const struct conn *c, uint8_t addr[16])
{
	if (c->family == AF_INET) {
		memset(addr, 0, 10);
		addr[10] = addr[11] = 0xff;
		memcpy(addr + 12, c->src, 4);
	} else {
		memcpy(addr, c->src, 16);
	}
}

static int cmp_lkey(const void *a, const void *b)
{
	const struct lkey *x = a, *y = b;

	if (x->ns != y->ns)
		return x->ns < y->ns ? -1 : 1;
	if (x->port != y->port)
		return x->port < y->port ? -1 : 1;
	return memcmp(x->addr, y->addr, 16);
}

/* First key with this namespace and port in the sorted keys (n if none). */
static size_t port_start(const struct lkey *lk, size_t n, uint32_t ns, uint16_t port)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (lk[mid].ns < ns || (lk[mid].ns == ns && lk[mid].port < port))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * The listener a request socket belongs to: one bound to its exact local
 * address, else a wildcard one on its port that takes its family. Keys are
 * sorted by port, so this is a binary search plus the listeners of one port.
 */
static const struct lkey *owner(const struct lkey *lk, size_t n, uint32_t ns,
				const struct conn *req)
{
	uint8_t addr[16];
	const struct lkey *wild = NULL;
	bool v4 = addr_family(req->family, req->src) == AF_INET;

	key_of(req, addr);
	for (size_t i = port_start(lk, n, ns, req->sport);
	     i < n && lk[i].ns == ns && lk[i].port == req->sport; i++) {
		if (!(v4 ? lk[i].v4ok : lk[i].v6ok))
			continue;
		if (!memcmp(lk[i].addr, addr, 16))
			return &lk[i];
		if (lk[i].wildcard && (!wild || (v4 && wild->v6ok && !lk[i].v6ok)))
			wild = &lk[i]; /* an IPv4 wildcard beats a dual-stack one for IPv4 */
	}
	return wild;
}

bool model_kernel_version(const char *release, int *major, int *minor)
{
	char *end;
	long a, b;

	if (!release)
		return false;
	a = strtol(release, &end, 10);
	if (end == release || *end != '.' || a <= 0 || a > 1000)
		return false;
	release = end + 1;
	b = strtol(release, &end, 10);
	if (end == release || b < 0 || b > 1000)
		return false;
	*major = (int)a;
	*minor = (int)b;
	return true;
}

static uint32_t pow2_at_least(uint64_t v)
{
	uint64_t p = 1;

	while (p < v && p < (1u << 31))
		p <<= 1;
	return (uint32_t)p;
}

uint32_t model_syn_max(int major, int minor, uint32_t backlog, int64_t max_syn_backlog,
		       int64_t syncookies)
{
	bool rework = major > 4 || (major == 4 && minor >= 4);
	uint64_t lim = backlog;

	if (major <= 0 || backlog == 0)
		return 0;
	if (!rework) {
		uint64_t nr;

		if (max_syn_backlog <= 0)
			return 0;
		nr = backlog < (uint64_t)max_syn_backlog ? backlog : (uint64_t)max_syn_backlog;
		lim = pow2_at_least((nr < 8 ? 8 : nr) + 1);
	}
	if (syncookies == 0) {
		uint64_t unproven;

		if (max_syn_backlog <= 0)
			return 0;
		unproven = (uint64_t)max_syn_backlog - ((uint64_t)max_syn_backlog >> 2);
		if (unproven < lim)
			lim = unproven;
	} else if (syncookies < 0 && !rework) {
		return 0;
	}
	return lim > UINT32_MAX ? UINT32_MAX : (uint32_t)lim;
}

/*
 * -N all: the index in f->nsv of the namespace whose rows hold row i (the
 * last entry starting at or before it: an empty namespace starts where the
 * next does). 0 for a frame of one namespace.
 */
static uint32_t ns_at(const struct frame *f, size_t i)
{
	size_t lo = 0, hi = f->nns;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (f->nsv[mid].first <= i)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo ? (uint32_t)(lo - 1) : 0;
}

/* The sysctls a listener's SYN queue limit follows: its namespace's own under -N all. */
static const struct tunables *tun_at(const struct frame *f, uint32_t ns)
{
	if (ns < f->nns && f->nsv[ns].have_files && f->nsv[ns].kind != NSK_HOST)
		return &f->nsv[ns].tun;
	return &f->tun;
}

static void update_listeners(struct model *m, struct frame *f)
{
	size_t n = f->sample.n, nl = 0;
	int major = 0, minor = 0;

	if (!model_kernel_version(f->kernel, &major, &minor))
		major = 0;

	for (size_t i = 0; i < n; i++) {
		const struct conn *c = f->rows[i].c;
		struct listener *l;
		struct lkey *k;
		const struct entry *e;

		if (c->state != TS_LISTEN)
			continue;
		f->listeners =
			xgrow(f->listeners, &f->listeners_cap, nl + 1, sizeof(*f->listeners));
		m->lkeys = xgrow(m->lkeys, &m->lkeys_cap, nl + 1, sizeof(*m->lkeys));
		l = &f->listeners[nl];
		memset(l, 0, sizeof(*l));
		l->row = (uint32_t)i;
		l->accept_q = c->rqueue;
		l->accept_max = c->wqueue;
		k = &m->lkeys[nl];
		k->ns = ns_at(f, i);
		l->syn_max = model_syn_max(major, minor, l->accept_max,
					   tunables_get(tun_at(f, k->ns), TUN_MAX_SYN_BACKLOG, -1),
					   tunables_get(tun_at(f, k->ns), TUN_SYNCOOKIES, -1));
		l->shared = 1;
		if (c->skmem && c->skmem_n > SKM_DROPS) {
			l->drops = c->skmem[SKM_DROPS];
			l->flags |= LST_DROPS;
			e = table_find(&m->prev, c->cookie);
			if (e && (e->have & ME_DROPS) && c->skmem[SKM_DROPS] >= e->drops) {
				l->drops_delta = c->skmem[SKM_DROPS] - e->drops;
				l->flags |= LST_DROPS_DELTA;
			}
		}
		key_of(c, k->addr);
		k->port = c->sport;
		k->wildcard = addr_is_any(c->family, c->src);
		if (addr_family(c->family, c->src) == AF_INET) {
			k->v4ok = 1;
			k->v6ok = 0;
		} else {
			/* [::] takes IPv4 too unless IPV6_V6ONLY (unknown: Linux's default, no). */
			k->v4ok = k->wildcard && !c->v6only;
			k->v6ok = 1;
		}
		k->listener = (uint32_t)nl;
		nl++;
	}
	f->nlisteners = nl;
	if (!nl)
		return;
	/* Pointers only now: the array may have moved while it grew. */
	for (size_t i = 0; i < nl; i++)
		f->rows[f->listeners[i].row].lst = &f->listeners[i];
	qsort(m->lkeys, nl, sizeof(*m->lkeys), cmp_lkey);
	for (size_t i = 0; i < n; i++) {
		const struct conn *c = f->rows[i].c;
		const struct lkey *k;

		if (c->state != TS_SYN_RECV)
			continue;
		k = owner(m->lkeys, nl, ns_at(f, i), c);
		if (k) {
			struct listener *l = &f->listeners[k->listener];

			l->syn_q++;
			/* idiag_retrans of a request socket: its SYN-ACK retransmits */
			if (c->retrans) {
				l->syn_retrying++;
				if (c->retrans > l->syn_retries)
					l->syn_retries = c->retrans;
			}
		}
	}
	/* SO_REUSEPORT groups: the kernel does not say which member owns a request. */
	for (size_t i = 0; i < nl;) {
		size_t j = i + 1;
		uint32_t syn = f->listeners[m->lkeys[i].listener].syn_q;

		uint32_t retrying = f->listeners[m->lkeys[i].listener].syn_retrying;
		uint8_t retries = f->listeners[m->lkeys[i].listener].syn_retries;

		while (j < nl && !cmp_lkey(&m->lkeys[i], &m->lkeys[j])) {
			const struct listener *o = &f->listeners[m->lkeys[j++].listener];

			syn += o->syn_q;
			retrying += o->syn_retrying;
			if (o->syn_retries > retries)
				retries = o->syn_retries;
		}
		for (size_t k = i; j - i > 1 && k < j; k++) {
			struct listener *l = &f->listeners[m->lkeys[k].listener];

			l->shared = (uint16_t)(j - i);
			l->syn_q = syn;
			l->syn_retrying = retrying;
			l->syn_retries = retries;
		}
		i = j;
	}
}

static void update_aggregates(struct model *m, struct frame *f)
{
	/* Request sockets are dumped as SYN-RECV; nothing reports NEW_SYN_RECV. */
	if (m->have_last) {
		for (int s = 0; s < TS_MAX; s++)
			f->states_delta[s] = (int64_t)f->states[s] - (int64_t)m->last_states[s];
		f->has_states_delta = true;
	}
	memcpy(m->last_states, f->states, sizeof(m->last_states));
	m->have_last = true;

	counters_diff(&f->counters, m->have_prev_counters ? &m->prev_counters : NULL);
	counters_copy(&m->prev_counters, &f->counters);
	m->have_prev_counters = f->counters.n > 0;
}

void model_update(struct model *m, struct frame *f)
{
	memset(f->states, 0, sizeof(f->states));
	f->hist.cookie = 0;
	f->hist.n = 0;
	f->seq = ++m->seq;
	f->interval = m->last_mono_ns && f->mono_ns > m->last_mono_ns
			      ? (double)(f->mono_ns - m->last_mono_ns) / 1e9
			      : 0;
	m->last_mono_ns = f->mono_ns;
	update_rows(m, f);
	update_listeners(m, f);
	update_aggregates(m, f);
}

bool model_first_seen(const struct model *m, uint64_t cookie, uint64_t *first_ns)
{
	const struct entry *e = table_find(&m->cur, cookie);

	if (!e)
		return false;
	*first_ns = e->first_ns;
	return true;
}
