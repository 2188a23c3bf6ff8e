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

/*
 * What the next refresh's deltas and the diagnosis' comparisons need of a
 * socket, and nothing else (104 bytes). Every entry in the table was seen
 * by the last refresh (the sweep deletes the others), so its sample time is
 * the model's last_mono_ns and is not kept per entry.
 */
struct entry {
	uint64_t cookie;
	uint64_t bytes_acked;
	uint64_t bytes_received;
	uint64_t busy; /* tcpi busy_time, rwnd_limited, sndbuf_limited (us) */
	uint64_t rwnd;
	uint64_t sndbuf;
	uint64_t state_since_ns;
	uint32_t first_ms; /* first seen, ms after the model's first refresh (>= 1); 0: at it */
	uint32_t total_retrans;
	uint32_t drops;
	/* for the diagnosis: buffers that never grow, queues that keep growing, backoff */
	uint32_t tb, rb; /* skmem sndbuf, rcvbuf */
	uint32_t rqueue, notsent;
	uint32_t snd_wnd, rcv_wnd;
	uint16_t hist; /* history slot + 1; 0 = none */
	uint16_t have;
	uint8_t state, timer, backoff;
	uint8_t rq_grew, notsent_grew;
	uint8_t gen; /* the refresh that last saw it (model.gen); 0: a free slot */
};

/*
 * One table, open addressing with linear probing, updated in place: a
 * refresh stamps the entries it sees with its generation, and the sweep
 * deletes the others by backward shift (no tombstones). Any capacity (a
 * hash modulo cap), kept at load <= 3/4.
 */
struct table {
	struct entry *v;
	size_t cap;
	size_t n;
};

#define HIST_SLOTS 4096
#define TABLE_MIN 1024
#define PREFETCH_AHEAD 8 /* sockets: about one cache miss's latency of work */

struct ring {
	uint8_t head; /* next write position */
	uint8_t n;
	float v[HIST_N][HIST_LEN];
};

/* A LISTEN row and its drops at the previous refresh, for update_listeners (rows in order). */
struct ldrop {
	uint64_t cookie;
	uint32_t row;
	uint32_t drops;
	bool have;
};

struct model {
	struct table t;
	uint8_t gen;
	struct ring *rings; /* HIST_SLOTS, allocated on first use */
	uint32_t *free_slots;
	size_t nfree;
	uint64_t selected;
	uint64_t first_mono_ns; /* the first refresh's time: first_ms counts from it */
	uint64_t last_mono_ns;
	uint64_t seq;
	uint32_t last_states[TS_MAX];
	bool have_last;
	struct counters prev_counters;
	bool have_prev_counters;
	/* scratch for the listener pass, reused */
	struct lkey *lkeys;
	size_t lkeys_cap;
	/* the rows pass lists the LISTEN and SYN-RECV rows: the listener pass reads only those */
	struct ldrop *ldrops;
	size_t nldrops, ldrops_cap;
	uint32_t *srows;
	size_t nsrows, srows_cap;
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
	free(m->t.v);
	free(m->rings);
	free(m->free_slots);
	free(m->lkeys);
	free(m->ldrops);
	free(m->srows);
	counters_free(&m->prev_counters);
	free(m);
}

void model_select(struct model *m, uint64_t cookie)
{
	m->selected = cookie;
}

size_t model_size(const struct model *m)
{
	return m->t.n;
}

static size_t home_of(const struct table *t, uint64_t cookie)
{
	return hash_u64(cookie) % t->cap;
}

static size_t next_of(const struct table *t, size_t i)
{
	return i + 1 == t->cap ? 0 : i + 1;
}

/* The capacity that holds n entries at load 2/3, leaving room to grow to 3/4. */
static size_t cap_for(size_t n)
{
	size_t cap = n + n / 2;

	return cap < TABLE_MIN ? TABLE_MIN : cap;
}

/* Moves every entry into a table of capacity cap (> n / 0.75). */
static void table_rehash(struct table *t, size_t cap)
{
	struct table nt = { xcalloc(cap, sizeof(*t->v)), cap, t->n };

	for (size_t i = 0; i < t->cap; i++) {
		size_t j;

		if (!t->v[i].gen)
			continue;
		for (j = home_of(&nt, t->v[i].cookie); nt.v[j].gen; j = next_of(&nt, j))
			;
		nt.v[j] = t->v[i];
	}
	free(t->v);
	*t = nt;
}

/* Room for `more` entries beyond the n there are, at load <= 3/4. */
static void table_reserve(struct table *t, size_t more)
{
	size_t need = t->n + more;

	if (need * 4 > t->cap * 3 || !t->cap)
		table_rehash(t, cap_for(need > t->n + t->n / 4 ? need : t->n + t->n / 4));
}

static struct entry *table_find(const struct table *t, uint64_t cookie)
{
	size_t i;

	if (!t->cap)
		return NULL;
	for (i = home_of(t, cookie); t->v[i].gen; i = next_of(t, i))
		if (t->v[i].cookie == cookie)
			return &t->v[i];
	return NULL;
}

/* The entry of cookie, or the free (all zero) slot where it goes. */
static struct entry *table_slot(struct table *t, uint64_t cookie)
{
	size_t i;

	table_reserve(t, 1);
	for (i = home_of(t, cookie); t->v[i].gen; i = next_of(t, i))
		if (t->v[i].cookie == cookie)
			return &t->v[i];
	return &t->v[i];
}

/*
 * Empties slot i and shifts back the entries after it that may move (those
 * whose home is not in (i, j]), so that every probe sequence stays unbroken.
 */
static void table_delete_at(struct table *t, size_t i)
{
	for (size_t j = next_of(t, i); t->v[j].gen; j = next_of(t, j)) {
		size_t h = home_of(t, t->v[j].cookie);

		if (i <= j ? (i < h && h <= j) : (i < h || h <= j))
			continue;
		t->v[i] = t->v[j];
		i = j;
	}
	t->v[i] = (struct entry){ 0 }; /* free slots are all zero */
	t->n--;
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

/*
 * Deletes the entries the refresh of generation gen did not see, giving
 * their history slots back. Starts after a free slot, so no cluster wraps
 * past the start and a shifted entry is always one still to be looked at.
 */
static void sweep(struct model *m, uint8_t gen)
{
	struct table *t = &m->t;
	size_t start = 0, i;

	if (!t->cap)
		return;
	while (t->v[start].gen)
		start++;
	i = next_of(t, start);
	for (size_t left = t->cap - 1; left; left--) {
		struct entry *e = &t->v[i];

		while (e->gen && e->gen != gen) {
			if (e->hist)
				slot_release(m, e->hist);
			table_delete_at(t, i);
		}
		i = next_of(t, i);
	}
	/* a table far too big for what is left: shrink it (hysteresis: below 1/4) */
	if (t->cap > TABLE_MIN && t->n * 4 < t->cap)
		table_rehash(t, cap_for(t->n));
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

static void remember(struct entry *e, const struct conn *c)
{
	uint64_t v64;
	uint32_t v32;

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
static void carry(struct row *r, struct entry *now, const struct entry *was, uint64_t mono_ns)
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
	now->state_since_ns = was->state == now->state ? was->state_since_ns : mono_ns;
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

/* Rates and deltas between was (sampled at was_ns) and now (at now_ns). */
static void derive(struct row *r, const struct entry *now, uint64_t now_ns, const struct entry *was,
		   uint64_t was_ns)
{
	uint64_t a, b, c;

	if (now_ns <= was_ns)
		return;
	r->dt = (double)(now_ns - was_ns) / 1e9;
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

/* Remembers a LISTEN row's previous drops (was: its entry before this refresh; NULL: new). */
static void note_ldrop(struct model *m, size_t row, uint64_t cookie, const struct entry *was,
		       bool dup)
{
	struct ldrop *d;

	m->ldrops = xgrow(m->ldrops, &m->ldrops_cap, m->nldrops + 1, sizeof(*m->ldrops));
	d = &m->ldrops[m->nldrops];
	*d = (struct ldrop){ cookie, (uint32_t)row, 0, false };
	if (dup) {
		/* the same listener twice in one dump: both compare with the previous refresh */
		for (size_t k = m->nldrops; k-- > 0;)
			if (m->ldrops[k].cookie == cookie) {
				*d = m->ldrops[k];
				d->row = (uint32_t)row;
				break;
			}
	} else if (was && (was->have & ME_DROPS)) {
		d->drops = was->drops;
		d->have = true;
	}
	m->nldrops++;
}

static uint32_t ms_since(uint64_t now_ns, uint64_t base_ns)
{
	uint64_t ms = now_ns > base_ns ? (now_ns - base_ns) / 1000000u : 0;

	/* 0 is "there from the start" */
	return ms < 1 ? 1 : ms > UINT32_MAX ? UINT32_MAX : (uint32_t)ms;
}

static void update_rows(struct model *m, struct frame *f, uint64_t was_ns)
{
	size_t n = f->sample.n;
	uint8_t gen = (uint8_t)(m->gen == UINT8_MAX ? 1 : m->gen + 1);

	m->gen = gen;
	m->nldrops = 0;
	m->nsrows = 0;
	/* a steady refresh sees the sockets it knows: room for as many as the larger */
	table_reserve(&m->t, n > m->t.n ? n - m->t.n : 0);
	if (n > f->rows_cap) {
		/* sized to the dump (an eighth to spare), not to the next power of two */
		f->rows_cap = n + n / 8;
		f->rows = xrealloc(f->rows, f->rows_cap * sizeof(*f->rows));
	}
	for (size_t i = 0; i < n; i++) {
		const struct conn *c = &f->sample.conns[i];
		struct row *r = &f->rows[i];
		struct entry *e, was;
		bool known, dup;

		/* the table is far larger than the caches: ask for the slot of a later socket now */
		if (i + PREFETCH_AHEAD < n)
			__builtin_prefetch(&m->t.v[home_of(
				&m->t, f->sample.conns[i + PREFETCH_AHEAD].cookie)]);

		memset(r, 0, sizeof(*r));
		r->c = c;
		if (c->state < TS_MAX)
			f->states[c->state]++;
		e = table_slot(&m->t, c->cookie);
		dup = e->gen == gen;
		known = e->gen != 0 && !dup;
		if (c->state == TS_LISTEN)
			note_ldrop(m, i, c->cookie, known ? e : NULL, dup);
		if (c->state == TS_SYN_RECV) {
			m->srows = xgrow(m->srows, &m->srows_cap, m->nsrows + 1, sizeof(*m->srows));
			m->srows[m->nsrows++] = (uint32_t)i;
		}
		if (dup)
			continue; /* the same socket twice in one dump: keep the first */
		/* a fresh record each refresh, as if the table were rebuilt: only hist and first_ms stay */
		was = *e;
		*e = (struct entry){ .cookie = c->cookie,
				     .gen = gen,
				     .state_since_ns = f->mono_ns };
		remember(e, c);
		if (known) {
			e->hist = was.hist;
			e->first_ms = was.first_ms;
			derive(r, e, f->mono_ns, &was, was_ns);
			carry(r, e, &was, f->mono_ns);
		} else {
			m->t.n++;
			r->flags |= ROW_NEW;
			e->first_ms = m->have_last ? ms_since(f->mono_ns, m->first_mono_ns) : 0;
			if (c->info && c->state != TS_LISTEN)
				e->hist = (uint16_t)slot_alloc(m);
		}
		if (!e->hist && c->cookie == m->selected && c->info)
			e->hist = (uint16_t)slot_alloc(m);
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
	/* Sweep: sockets that did not come back are forgotten and give their history slots back. */
	sweep(m, gen);
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
	size_t nl = 0;
	int major = 0, minor = 0;

	if (!model_kernel_version(f->kernel, &major, &minor))
		major = 0;

	for (size_t q = 0; q < m->nldrops; q++) {
		const struct ldrop *d = &m->ldrops[q];
		size_t i = d->row;
		const struct conn *c = f->rows[i].c;
		struct listener *l;
		struct lkey *k;

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
			if (d->have && c->skmem[SKM_DROPS] >= d->drops) {
				l->drops_delta = c->skmem[SKM_DROPS] - d->drops;
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
	for (size_t q = 0; q < m->nsrows; q++) {
		size_t i = m->srows[q];
		const struct conn *c = f->rows[i].c;
		const struct lkey *k;

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
	uint64_t was_ns;

	memset(f->states, 0, sizeof(f->states));
	f->hist.cookie = 0;
	f->hist.n = 0;
	f->seq = ++m->seq;
	f->interval = m->last_mono_ns && f->mono_ns > m->last_mono_ns
			      ? (double)(f->mono_ns - m->last_mono_ns) / 1e9
			      : 0;
	was_ns = m->last_mono_ns;
	if (!m->have_last)
		m->first_mono_ns = f->mono_ns;
	m->last_mono_ns = f->mono_ns;
	update_rows(m, f, was_ns);
	update_listeners(m, f);
	update_aggregates(m, f);
}

bool model_first_seen(const struct model *m, uint64_t cookie, uint64_t *first_ns)
{
	const struct entry *e = table_find(&m->t, cookie);

	if (!e)
		return false;
	*first_ns = e->first_ms ? m->first_mono_ns + (uint64_t)e->first_ms * 1000000u : 0;
	return true;
}
