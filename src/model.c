/* SPDX-License-Identifier: GPL-2.0-or-later */
/* model: cookie-keyed connection table, deltas, listeners and states. */
#include "model.h"

#include <assert.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
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
	ME_WIDE = 512, /* the counters are in model.wide[entry.acked], not in the entry */
	ME_BITS = 10,
	/*
	 * The bits of the values the diagnosis compares with (struct row_prev):
	 * from model_update to model_commit they are still the previous refresh's.
	 */
	ME_PREV = ME_SKMEM | ME_NOTSENT | ME_BACKOFF | ME_SND_WND | ME_RCV_WND,
};

/*
 * The counters whose deltas the next refresh needs, at full width. Most
 * sockets' values fit the entry's u32 fields (under 4 GiB moved, under 71
 * minutes busy, no drops); a socket with one that does not keeps all of
 * them here, so every delta and every "went back: no value" is computed
 * from the exact 64-bit values, as the kernel sent them.
 */
struct wide {
	uint64_t acked, received;
	uint64_t busy, rwnd, sndbuf; /* tcpi busy_time, rwnd_limited, sndbuf_limited (us) */
	uint32_t drops;              /* skmem drops: a listener's previous drops */
	uint32_t next_free;          /* free list link (index + 1; 0: end) */
};

/*
 * What the next refresh's deltas and the diagnosis' comparisons need of a
 * socket, and nothing else: 72 bytes. Every entry was seen by the last
 * refresh (the sweep deletes the others), so its sample time is the model's
 * last_mono_ns and is not kept. The u32 counters hold the value itself when
 * all of them fit (see struct wide), else acked is the wide record's index.
 * state_since is an index into model.times (the refresh times some socket
 * still counts its state from: few distinct values, shared by many).
 * The values struct row_prev reports (tb, rb, rqueue, notsent, snd_wnd,
 * rcv_wnd, state, timer, backoff and their ME_PREV bits) are written by
 * model_commit, after the diagnosis: until then they are the previous
 * refresh's, and the diagnosis reads them here (model_past), not in a copy.
 */
struct entry {
	uint64_t cookie;
	uint32_t acked, received;
	uint32_t busy, rwnd, sndbuf;
	uint32_t total_retrans;
	uint32_t tb, rb; /* skmem sndbuf, rcvbuf: buffers that never grow */
	uint32_t rqueue, notsent;
	uint32_t snd_wnd, rcv_wnd;
	uint32_t first_ms; /* first seen, ms after the model's first refresh (>= 1); 0: at it */
	uint32_t since;    /* model.times index of the refresh it was first seen in this state */
	/*
	 * history slot + 1 (13 bits, <= HIST_SLOTS; 0: none), have (ME_BITS), the
	 * refresh parity that last saw it (model.gen, 1 bit), rq_grew (8 bits):
	 * packed by hand, written by model_update and, for have's ME_PREV bits,
	 * by model_commit
	 */
	uint32_t bits;
	uint8_t state, timer, backoff, notsent_grew; /* notsent_grew: saturating, as the row's u8 */
};

_Static_assert(sizeof(struct entry) == 72, "entry stays 72 bytes");

#define EB_HAVE_SHIFT 13
#define EB_GEN_SHIFT (EB_HAVE_SHIFT + ME_BITS)
#define EB_GREW_SHIFT (EB_GEN_SHIFT + 1)
_Static_assert(EB_GREW_SHIFT + 8 == 32, "entry.bits is full");

static inline unsigned e_hist(const struct entry *e)
{
	return e->bits & ((1u << EB_HAVE_SHIFT) - 1);
}

static inline unsigned e_have(const struct entry *e)
{
	return (e->bits >> EB_HAVE_SHIFT) & ((1u << ME_BITS) - 1);
}

static inline unsigned e_gen(const struct entry *e)
{
	return (e->bits >> EB_GEN_SHIFT) & 1u;
}

static inline uint8_t e_rq_grew(const struct entry *e)
{
	return (uint8_t)(e->bits >> EB_GREW_SHIFT);
}

static inline uint32_t e_bits(unsigned hist, unsigned have, unsigned gen, uint8_t rq_grew)
{
	return hist | have << EB_HAVE_SHIFT | gen << EB_GEN_SHIFT |
	       (uint32_t)rq_grew << EB_GREW_SHIFT;
}

/*
 * One table: the entries in a dense array (no holes; a deletion moves the
 * last entry into the hole) and an open-addressing index of their slot
 * numbers (linear probing, backward-shift deletion, no tombstones, load <=
 * 3/4). The index costs 4 bytes a slot where a slot of entries would cost
 * 72; the entries stay in about the dump's order, so a refresh reads them
 * nearly in sequence.
 */
struct table {
	struct entry *v;
	size_t n, cap;
	uint32_t *idx; /* entry slot + 1; 0: empty */
	/*
	 * per index position, its distance from the home of the entry it holds
	 * (DIST_FAR: that far or farther, look at the entry): a deletion shifts
	 * the cluster back without reading the entries themselves
	 */
	uint8_t *dist;
	size_t icap;
};

#define DIST_FAR UINT8_MAX

/* A refresh time entries count their state from, and how many do. */
struct tslot {
	uint64_t ns;
	uint32_t refs;
	uint32_t next_free; /* free list link (index + 1; 0: end) */
};

#define HIST_SLOTS 4096
#define INDEX_MIN 1024
#define DENSE_MIN 256
#define PREFETCH_AHEAD 8 /* sockets: about one cache miss's latency of work */

_Static_assert(HIST_SLOTS < (1 << 13), "a history slot + 1 fits entry.hist");

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
	uint8_t gen; /* 0 or 1: a refresh stamps what it sees, the sweep deletes the rest */
	struct wide *wide;
	size_t nwide, wide_cap;
	uint32_t wide_free;
	struct tslot *times;
	size_t ntimes, times_cap;
	uint32_t times_free;
	uint32_t now_t;     /* during update_rows: this refresh's model.times index */
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
	/*
	 * From model_update to model_commit: the frame whose rows were made
	 * (its sample is what the commit writes into the entries), the number of
	 * rows and their conns' array then (asserted unchanged). Each row's
	 * `mslot` is the slot of its entry (SLOT_NONE: a duplicate of an earlier
	 * row) until then: in the row's tail, no array beside the rows.
	 */
	struct frame *pending;
	size_t pending_n;
	const struct conn *pending_conns;
};

#define SLOT_NONE UINT32_MAX

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
	/* a frame never committed: it no longer has a model to commit to */
	if (m->pending && m->pending->model == m)
		m->pending->model = NULL;
	if (m->t.v)
		munmap(m->t.v, m->t.cap * sizeof(*m->t.v));
	free(m->t.idx);
	free(m->t.dist);
	free(m->wide);
	free(m->times);
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

void model_mem(const struct model *m, struct model_mem *mm)
{
	mm->entries = m->t.n;
	mm->entry_cap = m->t.cap;
	mm->index_cap = m->t.icap;
	mm->wide = m->nwide;
	mm->times = m->ntimes;
	mm->bytes = m->t.cap * sizeof(*m->t.v) + m->t.icap * (sizeof(*m->t.idx) + 1) +
		    m->wide_cap * sizeof(*m->wide) + m->times_cap * sizeof(*m->times);
}

static size_t home_of(size_t icap, uint64_t cookie)
{
	return hash_u64(cookie) % icap;
}

static size_t next_of(size_t icap, size_t i)
{
	return i + 1 == icap ? 0 : i + 1;
}

/* How far position j is past position h, going forward (the index wraps). */
static size_t dist_of(size_t icap, size_t h, size_t j)
{
	return j >= h ? j - h : j + icap - h;
}

static uint8_t dist_byte(size_t d)
{
	return d < DIST_FAR ? (uint8_t)d : DIST_FAR;
}

/* The index capacity that holds n entries at load 2/3, leaving room to grow to 3/4. */
static size_t cap_for(size_t n)
{
	size_t cap = n + n / 2;

	return cap < INDEX_MIN ? INDEX_MIN : cap;
}

/* A new index of capacity icap (> n / 0.75) over the entries, built from them. */
static void index_build(struct table *t, size_t icap)
{
	free(t->idx);
	free(t->dist);
	t->idx = xcalloc(icap, sizeof(*t->idx));
	t->dist = xmalloc(icap); /* read only where idx is set */
	t->icap = icap;
	for (size_t s = 0; s < t->n; s++) {
		size_t h = home_of(icap, t->v[s].cookie), j = h;

		while (t->idx[j])
			j = next_of(icap, j);
		t->idx[j] = (uint32_t)(s + 1);
		t->dist[j] = dist_byte(dist_of(icap, h, j));
	}
}

/* Index room for `more` entries beyond the n there are, at load <= 3/4. */
static void index_reserve(struct table *t, size_t more)
{
	size_t need = t->n + more;

	if (need * 4 > t->icap * 3 || !t->icap)
		index_build(t, cap_for(need > t->n + t->n / 4 ? need : t->n + t->n / 4));
}

/*
 * The entries in a mapping of their own: it grows and shrinks by remapping
 * (never a copy, which would hold old and new at once at the peak), and only
 * the pages of entries written are ever resident.
 */
static void dense_resize(struct table *t, size_t cap)
{
	size_t bytes = cap * sizeof(*t->v);
	void *p = t->v ? mremap(t->v, t->cap * sizeof(*t->v), bytes, MREMAP_MAYMOVE)
		       : mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
			      0);

	if (p == MAP_FAILED)
		fatal("out of memory growing the socket table to %zu bytes", bytes);
	t->v = p;
	t->cap = cap;
}

/* Entry room for `need` entries: exactly that the first time, then 1.25x steps. */
static void dense_reserve(struct table *t, size_t need)
{
	size_t cap = t->cap + t->cap / 4;

	if (need <= t->cap)
		return;
	if (cap < need)
		cap = need;
	if (cap < DENSE_MIN)
		cap = DENSE_MIN;
	if (cap > UINT32_MAX - 1)
		fatal("more than %u sockets", UINT32_MAX - 1);
	dense_resize(t, cap);
}

/* The index position holding entry slot s (which must be indexed). */
static size_t index_pos(const struct table *t, size_t s)
{
	size_t j = home_of(t->icap, t->v[s].cookie);

	while (t->idx[j] != s + 1)
		j = next_of(t->icap, j);
	return j;
}

/*
 * The entry of cookie, probing from its home: only an entry with the same
 * home (the same distance at this position) can be it, so the others are
 * passed without reading them (a new socket's probe reads next to none).
 * NULL, and *end the empty position the probe stopped at, if none.
 */
static inline struct entry *probe(const struct table *t, uint64_t cookie, size_t home, size_t *end)
{
	size_t i = home, d = 0;
	uint32_t s;

	for (; (s = t->idx[i]); i = next_of(t->icap, i), d++)
		if (t->dist[i] == dist_byte(d) && t->v[s - 1].cookie == cookie)
			return &t->v[s - 1];
	*end = i;
	return NULL;
}

static struct entry *table_find(const struct table *t, uint64_t cookie)
{
	size_t end;

	return t->icap ? probe(t, cookie, home_of(t->icap, cookie), &end) : NULL;
}

/*
 * The entry of cookie (home: its index home), or a new one at the end of
 * the entries, its contents left to the caller (*fresh set). The arrays
 * grow here when a refresh brings more new sockets than they had room for.
 */
static struct entry *table_slot(struct table *t, uint64_t cookie, size_t home, bool *fresh)
{
	size_t i;
	struct entry *e = probe(t, cookie, home, &i);

	*fresh = !e;
	if (e)
		return e;
	if (t->n == t->cap || (t->n + 1) * 4 > t->icap * 3) {
		dense_reserve(t, t->n + 1);
		index_reserve(t, 1);
		home = home_of(t->icap, cookie);
		for (i = home; t->idx[i]; i = next_of(t->icap, i))
			;
	}
	t->idx[i] = (uint32_t)(t->n + 1);
	t->dist[i] = dist_byte(dist_of(t->icap, home, i));
	return &t->v[t->n++];
}

/*
 * Deletes entry slot s: empties its index position i and shifts back the
 * index values after it that may move (those whose home is not in (i, j]:
 * at least as far from it as j is from i), so that every probe sequence
 * stays unbroken; then the last entry moves into slot s and its index
 * value follows it.
 */
static void table_delete(struct table *t, size_t s)
{
	size_t i = index_pos(t, s), last = t->n - 1;

	for (size_t j = next_of(t->icap, i); t->idx[j]; j = next_of(t->icap, j)) {
		size_t d = t->dist[j], gap = dist_of(t->icap, i, j);

		if (d == DIST_FAR)
			d = dist_of(t->icap, home_of(t->icap, t->v[t->idx[j] - 1].cookie), j);
		if (d < gap)
			continue;
		t->idx[i] = t->idx[j];
		t->dist[i] = dist_byte(d - gap);
		i = j;
	}
	t->idx[i] = 0;
	if (s != last) {
		t->idx[index_pos(t, last)] = (uint32_t)(s + 1);
		t->v[s] = t->v[last];
		/* the vacated slot says where its entry went (sweep_moved: the rows' slots follow) */
		t->v[last].since = (uint32_t)s;
	}
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

static uint32_t wide_alloc(struct model *m)
{
	uint32_t w;

	if (m->wide_free) {
		w = m->wide_free - 1;
		m->wide_free = m->wide[w].next_free;
	} else {
		m->wide = xgrow(m->wide, &m->wide_cap, m->nwide + 1, sizeof(*m->wide));
		w = (uint32_t)m->nwide;
	}
	m->nwide++;
	return w;
}

static void wide_release(struct model *m, uint32_t w)
{
	m->wide[w].next_free = m->wide_free;
	m->wide_free = w + 1;
	m->nwide--;
}

/* A slot for the time ns, counted by nobody yet. */
static uint32_t time_new(struct model *m, uint64_t ns)
{
	uint32_t k;

	if (m->times_free) {
		k = m->times_free - 1;
		m->times_free = m->times[k].next_free;
	} else {
		m->times = xgrow(m->times, &m->times_cap, m->ntimes + 1, sizeof(*m->times));
		k = (uint32_t)m->ntimes;
	}
	m->ntimes++;
	m->times[k] = (struct tslot){ .ns = ns };
	return k;
}

static void time_release(struct model *m, uint32_t k)
{
	if (--m->times[k].refs)
		return;
	m->times[k].next_free = m->times_free;
	m->times_free = k + 1;
	m->ntimes--;
}

/* This refresh's time, one more entry counting from it. */
static inline uint32_t time_now(struct model *m)
{
	m->times[m->now_t].refs++;
	return m->now_t;
}

/* What a deleted entry gives back: its history slot, wide record and time. */
static void forget(struct model *m, const struct entry *e)
{
	if (e_hist(e))
		slot_release(m, e_hist(e));
	if (e_have(e) & ME_WIDE)
		wide_release(m, e->acked);
	time_release(m, e->since);
}

/*
 * The rows' entry slots after the sweep: an entry it moved went from a slot
 * at or past `seen` (the last one then) to one below it (the stale one it
 * deleted: every slot below the scan is a seen entry's), once, and its old
 * slot, never written again, says where (table_delete).
 */
static void sweep_moved(struct model *m, struct row *rows, size_t nrows, size_t seen)
{
	for (size_t i = 0; i < nrows; i++)
		if (rows[i].mslot != SLOT_NONE && rows[i].mslot >= seen)
			rows[i].mslot = m->t.v[rows[i].mslot].since;
}

/*
 * Deletes the entries the refresh of parity gen did not see (the rows'
 * slots follow the entries that move), then fits the arrays to the rest.
 */
static void sweep(struct model *m, uint8_t gen, size_t seen, struct row *rows, size_t nrows)
{
	struct table *t = &m->t;
	uint32_t mask = 1u << EB_GEN_SHIFT, want = (uint32_t)gen << EB_GEN_SHIFT;
	bool moved = t->n > seen;

	for (size_t s = 0; t->n > seen; s++) {
		while ((t->v[s].bits & mask) == want)
			s++; /* stops: there is a stale entry at s or after it */
		do {
			forget(m, &t->v[s]);
			table_delete(t, s); /* the last entry is in s now: look at it again */
		} while (t->n > seen && s < t->n && (t->v[s].bits & mask) != want);
	}
	/* before the mapping shrinks: the vacated slots are read */
	if (moved)
		sweep_moved(m, rows, nrows, seen);
	/* arrays far too big for what is left: shrink them (hysteresis: index below 1/4) */
	if (t->icap > INDEX_MIN && t->n * 4 < t->icap)
		index_build(t, cap_for(t->n));
	if (t->cap > DENSE_MIN && t->n * 2 < t->cap)
		dense_resize(t, t->n + t->n / 8 < DENSE_MIN ? DENSE_MIN : t->n + t->n / 8);
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

/*
 * Fills e's total_retrans (0 in e) and the full-width counters w from the
 * socket's sample: what the next refresh's deltas need. Returns the have
 * bits (ME_* outside ME_PREV).
 */
static inline unsigned remember(struct entry *e, struct wide *w, const struct conn *c)
{
	unsigned have = 0;

	w->acked = w->received = w->busy = w->rwnd = w->sndbuf = 0;
	w->drops = 0;
	if (conn_has_info(c)) {
		if (CONN_INFO(c, bytes_acked, &w->acked) &&
		    CONN_INFO(c, bytes_received, &w->received))
			have |= ME_BYTES;
		if (CONN_INFO(c, total_retrans, &e->total_retrans))
			have |= ME_RETRANS;
		if (CONN_INFO(c, busy_time, &w->busy) && CONN_INFO(c, rwnd_limited, &w->rwnd) &&
		    CONN_INFO(c, sndbuf_limited, &w->sndbuf))
			have |= ME_LIMITS;
	}
	if (conn_skmem(c, SKM_DROPS, &w->drops))
		have |= ME_DROPS;
	return have;
}

_Static_assert(offsetof(struct tcpi, rcv_wnd) > offsetof(struct tcpi, snd_wnd) &&
		       offsetof(struct tcpi, rcv_wnd) > offsetof(struct tcpi, notsent_bytes) &&
		       offsetof(struct tcpi, rcv_wnd) > offsetof(struct tcpi, backoff),
	       "rcv_wnd is the newest of the values remember_prev reads");

/*
 * Writes the values the diagnosis compares with (struct row_prev) into e
 * from the socket's sample, zero where it has none: model_commit's part.
 * Returns their have bits (ME_PREV).
 */
static inline unsigned remember_prev(struct entry *e, const struct conn *c)
{
	unsigned have = 0;

	e->tb = e->rb = e->notsent = e->snd_wnd = e->rcv_wnd = 0;
	e->backoff = 0;
	if (conn_has_info(c) && TCPI_HAS(c->info_len, rcv_wnd)) {
		/* the newest of the four (6.2) was sent: so were the others */
		e->notsent = CONN_TI(c, notsent_bytes);
		e->backoff = CONN_TI(c, backoff);
		e->snd_wnd = CONN_TI(c, snd_wnd);
		e->rcv_wnd = CONN_TI(c, rcv_wnd);
		have = ME_NOTSENT | ME_BACKOFF | ME_SND_WND | ME_RCV_WND;
	} else if (conn_has_info(c)) {
		if (CONN_INFO(c, notsent_bytes, &e->notsent))
			have |= ME_NOTSENT;
		if (CONN_INFO(c, backoff, &e->backoff))
			have |= ME_BACKOFF;
		if (CONN_INFO(c, snd_wnd, &e->snd_wnd))
			have |= ME_SND_WND;
		if (CONN_INFO(c, rcv_wnd, &e->rcv_wnd))
			have |= ME_RCV_WND;
	}
	if (conn_skmem(c, SKM_SNDBUF, &e->tb) && conn_skmem(c, SKM_RCVBUF, &e->rb))
		have |= ME_SKMEM;
	e->state = c->state;
	e->timer = c->timer;
	e->rqueue = c->rqueue;
	return have;
}

/*
 * Stores w in e: in its own u32 fields when every counter fits (and drops
 * are 0), else in a wide record (was_w: the one the entry had, or -1).
 * Returns ME_WIDE or 0.
 */
static inline unsigned store_counts(struct model *m, struct entry *e, const struct wide *w,
				    int64_t was_w)
{
	if (!((w->acked | w->received | w->busy | w->rwnd | w->sndbuf) >> 32) && !w->drops) {
		if (was_w >= 0)
			wide_release(m, (uint32_t)was_w);
		e->acked = (uint32_t)w->acked;
		e->received = (uint32_t)w->received;
		e->busy = (uint32_t)w->busy;
		e->rwnd = (uint32_t)w->rwnd;
		e->sndbuf = (uint32_t)w->sndbuf;
		return 0;
	}
	e->acked = was_w >= 0 ? (uint32_t)was_w : wide_alloc(m);
	m->wide[e->acked] = *w;
	return ME_WIDE;
}

/* A streak of consecutive growth, saturating. */
static uint8_t grew(uint8_t streak, uint32_t now, uint32_t before)
{
	return now > before ? (uint8_t)(streak < UINT8_MAX ? streak + 1 : streak) : 0;
}

/*
 * What carries over from the previous sample (was, with have bits
 * was_have) to the socket's sample c: the time it entered its state and the
 * growth streaks; O(1), no allocation. Returns rq_grew.
 */
static uint8_t carry(struct model *m, struct row *r, struct entry *now, const struct conn *c,
		     const struct entry *was, unsigned was_have)
{
	uint8_t rq_grew;
	uint32_t notsent;

	r->flags |= ROW_PREV;
	if (was->state == c->state) {
		now->since = was->since;
		rq_grew = grew(e_rq_grew(was), c->rqueue, was->rqueue);
	} else {
		time_release(m, was->since);
		now->since = time_now(m);
		rq_grew = 0;
	}
	now->notsent_grew = (was_have & ME_NOTSENT) && CONN_INFO(c, notsent_bytes, &notsent)
				    ? grew(was->notsent_grew, notsent, was->notsent)
				    : 0;
	return rq_grew;
}

/* Counter deltas with wrap and reset treated as "no value". */
static bool delta64(uint64_t now, uint64_t before, uint64_t *d)
{
	if (now < before)
		return false;
	*d = now - before;
	return true;
}

/*
 * Rates and deltas between was (its counters in ww when wide, else in its
 * own fields) and now (counters nw), dt seconds later (0: none to rate).
 */
static void derive(struct row *r, const struct entry *now, unsigned have, const struct wide *nw,
		   double dt, const struct entry *was, unsigned was_have, const struct wide *ww)
{
	uint64_t a, b, c;
	unsigned both = have & was_have;

	if (dt <= 0)
		return;
	if ((both & ME_BYTES) && delta64(nw->acked, ww ? ww->acked : was->acked, &a) &&
	    delta64(nw->received, ww ? ww->received : was->received, &b)) {
		r->tx_bps = (double)a * 8.0 / dt;
		r->rx_bps = (double)b * 8.0 / dt;
		r->flags |= ROW_RATES;
	}
	if ((both & ME_RETRANS) && now->total_retrans >= was->total_retrans) {
		r->d_retrans = now->total_retrans - was->total_retrans;
		r->flags |= ROW_D_RETRANS;
	}
	if ((both & ME_LIMITS) && delta64(nw->busy, ww ? ww->busy : was->busy, &a) &&
	    delta64(nw->rwnd, ww ? ww->rwnd : was->rwnd, &b) &&
	    delta64(nw->sndbuf, ww ? ww->sndbuf : was->sndbuf, &c) && a <= UINT32_MAX &&
	    b <= UINT32_MAX && c <= UINT32_MAX) {
		r->d_busy_us = (uint32_t)a;
		r->d_rwnd_us = (uint32_t)b;
		r->d_sndbuf_us = (uint32_t)c;
		r->flags |= ROW_D_LIMITS;
	}
}

static void push_history(struct model *m, unsigned hist, const struct row *r)
{
	float v[HIST_N];
	uint32_t x;

	v[HIST_RTT] = CONN_INFO(r->c, rtt, &x) ? (float)x / 1000.0f : NAN;
	v[HIST_CWND] = CONN_INFO(r->c, snd_cwnd, &x) ? (float)x : NAN;
	v[HIST_TX] = (r->flags & ROW_RATES) ? (float)r->tx_bps : NAN;
	v[HIST_RX] = (r->flags & ROW_RATES) ? (float)r->rx_bps : NAN;
	ring_push(&m->rings[hist - 1], v);
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
	} else if (was && (e_have(was) & ME_DROPS)) {
		/* drops other than 0 make an entry wide */
		d->drops = (e_have(was) & ME_WIDE) ? m->wide[was->acked].drops : 0;
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

static void update_rows(struct model *m, struct frame *f)
{
	struct table *t = &m->t;
	size_t n = f->sample.n, seen = 0;
	unsigned gen = m->gen ^ 1u;
	size_t homes[PREFETCH_AHEAD], hcap;

	m->gen = (uint8_t)gen;
	m->now_t = time_new(m, f->mono_ns);
	m->nldrops = 0;
	m->nsrows = 0;
	/* a steady refresh sees the sockets it knows: room for as many as the larger */
	index_reserve(t, n > t->n ? n - t->n : 0);
	dense_reserve(t, n);
	/* a block this large grows by remapping, not copying */
	f->rows = xreserve(f->rows, &f->rows_cap, n, sizeof(*f->rows));
	hcap = t->icap;
	for (size_t i = 0; i < PREFETCH_AHEAD && i < n; i++)
		homes[i] = home_of(hcap, f->sample.conns[i].cookie);
	for (size_t i = 0; i < n; i++) {
		const struct conn *c = &f->sample.conns[i];
		struct row *r = &f->rows[i];
		struct entry *e;
		struct wide nw;
		size_t home = homes[i % PREFETCH_AHEAD];
		unsigned have, hist = 0;
		uint8_t rq_grew = 0;
		bool fresh, dup;

		/* the index is larger than the caches: ask for a later socket's position now */
		if (i + PREFETCH_AHEAD < n) {
			size_t h = home_of(hcap, f->sample.conns[i + PREFETCH_AHEAD].cookie);

			homes[i % PREFETCH_AHEAD] = h;
			__builtin_prefetch(&t->idx[h]);
			__builtin_prefetch(&t->dist[h]);
		}
		memset(r, 0, sizeof(*r));
		r->c = c;
		if (c->state < TS_MAX)
			f->states[c->state]++;
		e = table_slot(t, c->cookie, home, &fresh);
		if (hcap != t->icap) {
			/* the index grew: the homes ahead with it */
			hcap = t->icap;
			for (size_t k = i + 1; k <= i + PREFETCH_AHEAD && k < n; k++)
				homes[k % PREFETCH_AHEAD] =
					home_of(hcap, f->sample.conns[k].cookie);
		}
		dup = !fresh && e_gen(e) == gen;
		if (c->state == TS_LISTEN)
			note_ldrop(m, i, c->cookie, fresh || dup ? NULL : e, dup);
		if (c->state == TS_SYN_RECV && !dup) {
			m->srows = xgrow(m->srows, &m->srows_cap, m->nsrows + 1, sizeof(*m->srows));
			m->srows[m->nsrows++] = (uint32_t)i;
		}
		if (dup) {
			/* the same socket twice in one dump: keep the first; views and diagnosis skip this */
			r->flags = ROW_DUP;
			r->mslot = SLOT_NONE;
			continue;
		}
		r->mslot = (uint32_t)(e - t->v);
		seen++;
		/*
		 * A fresh record each refresh, as if the table were rebuilt: only
		 * hist, first_ms and, until the commit, the values the diagnosis
		 * compares with (and their have bits) stay.
		 */
		if (!fresh) {
			struct entry was = *e;
			unsigned was_have = e_have(&was);
			bool was_wide = was_have & ME_WIDE;

			hist = e_hist(&was);
			*e = (struct entry){ .cookie = c->cookie,
					     .first_ms = was.first_ms,
					     .tb = was.tb,
					     .rb = was.rb,
					     .rqueue = was.rqueue,
					     .notsent = was.notsent,
					     .snd_wnd = was.snd_wnd,
					     .rcv_wnd = was.rcv_wnd,
					     .state = was.state,
					     .timer = was.timer,
					     .backoff = was.backoff };
			have = remember(e, &nw, c);
			derive(r, e, have, &nw, f->rows_dt, &was, was_have,
			       was_wide ? &m->wide[was.acked] : NULL);
			rq_grew = carry(m, r, e, c, &was, was_have);
			have |= store_counts(m, e, &nw, was_wide ? (int64_t)was.acked : -1);
			have |= was_have & ME_PREV;
		} else {
			/* the values the diagnosis compares with: none (0) until the commit */
			*e = (struct entry){ .cookie = c->cookie };
			have = remember(e, &nw, c);
			r->flags |= ROW_NEW;
			e->since = time_now(m);
			e->first_ms = m->have_last ? ms_since(f->mono_ns, m->first_mono_ns) : 0;
			have |= store_counts(m, e, &nw, -1);
			if (conn_has_info(c) && c->state != TS_LISTEN)
				hist = slot_alloc(m);
		}
		if (!hist && c->cookie == m->selected && conn_has_info(c))
			hist = slot_alloc(m);
		e->bits = e_bits(hist, have, gen, rq_grew);
		if (hist) {
			push_history(m, hist, r);
			if (c->cookie == m->selected) {
				f->hist.cookie = c->cookie;
				ring_copy(&m->rings[hist - 1], &f->hist);
			}
		}
		r->rq_grew = rq_grew;
		r->notsent_grew = e->notsent_grew;
	}
	/* a refresh time nobody counts from (no new socket, no state change) goes again */
	if (!m->times[m->now_t].refs) {
		m->times[m->now_t].refs = 1;
		time_release(m, m->now_t);
	}
	/* Sweep: sockets that did not come back are forgotten and give their history slots back. */
	sweep(m, (uint8_t)gen, seen, f->rows, n);
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
	bool v4 = addr_family(req->family, conn_src(req)) == AF_INET;

	conn_addr_mapped(req, false, addr);
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
		uint32_t drops;

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
		if (conn_skmem(c, SKM_DROPS, &drops)) {
			l->drops = drops;
			l->flags |= LST_DROPS;
			if (d->have && drops >= d->drops) {
				l->drops_delta = drops - d->drops;
				l->flags |= LST_DROPS_DELTA;
			}
		}
		conn_addr_mapped(c, false, k->addr);
		k->port = c->sport;
		k->wildcard = addr_is_any(c->family, conn_src(c));
		if (addr_family(c->family, conn_src(c)) == AF_INET) {
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
		frame_set_lst(f, &f->rows[f->listeners[i].row], &f->listeners[i]);
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

	/*
	 * The previous refresh not committed yet: a frame never reset since
	 * (frame_reset commits first), so its sample is still the one its rows
	 * were made from. Not this frame: refilled without frame_reset, its
	 * sample would not be.
	 */
	assert(m->pending != f);
	if (m->pending)
		model_commit(m, m->pending);
	/* nor a frame another model has not committed */
	assert(!f->model);
	memset(f->states, 0, sizeof(f->states));
	f->hist.cookie = 0;
	f->hist.n = 0;
	f->seq = ++m->seq;
	f->interval = m->last_mono_ns && f->mono_ns > m->last_mono_ns
			      ? (double)(f->mono_ns - m->last_mono_ns) / 1e9
			      : 0;
	was_ns = m->last_mono_ns;
	f->rows_dt = f->mono_ns > was_ns ? (double)(f->mono_ns - was_ns) / 1e9 : 0;
	if (!m->have_last)
		m->first_mono_ns = f->mono_ns;
	m->last_mono_ns = f->mono_ns;
	update_rows(m, f);
	update_listeners(m, f);
	update_aggregates(m, f);
	m->pending = f;
	m->pending_n = f->sample.n;
	m->pending_conns = f->sample.conns;
	f->model = m;
}

void model_commit(struct model *m, struct frame *f)
{
	struct table *t = &m->t;

	assert(m->pending == f && f->model == m);
	/* the rows' sample, as model_update saw it */
	assert(f->sample.n == m->pending_n && f->sample.conns == m->pending_conns);
	for (size_t i = 0; i < m->pending_n; i++) {
		struct entry *e;
		unsigned have;

		if (f->rows[i].mslot == SLOT_NONE)
			continue;
		e = &t->v[f->rows[i].mslot];
		have = remember_prev(e, &f->sample.conns[i]);
		e->bits = (e->bits & ~((uint32_t)ME_PREV << EB_HAVE_SHIFT)) |
			  (uint32_t)have << EB_HAVE_SHIFT;
	}
	m->pending = NULL;
	m->pending_n = 0;
	m->pending_conns = NULL;
	f->model = NULL;
}

struct row_past model_past(const struct frame *f, const struct row *r)
{
	const struct model *m = f->model;
	struct row_past p = { 0 };
	const struct entry *e;
	uint32_t s;
	unsigned have;

	assert(m != NULL);
	assert(m->pending == f);
	s = r->mslot;
	if (s == SLOT_NONE)
		return p; /* a duplicate row: nothing (as the first of its cookie was the socket) */
	e = &m->t.v[s];
	p.state_since_ns = m->times[e->since].ns;
	if (!(r->flags & ROW_PREV))
		return p;
	have = e_have(e);
	p.prev.sndbuf = e->tb;
	p.prev.rcvbuf = e->rb;
	p.prev.rqueue = e->rqueue;
	p.prev.notsent = e->notsent;
	p.prev.snd_wnd = e->snd_wnd;
	p.prev.rcv_wnd = e->rcv_wnd;
	p.prev.state = e->state;
	p.prev.timer = e->timer;
	p.prev.backoff = e->backoff;
	p.prev.have = (uint8_t)(((have & ME_SKMEM) ? PREV_SKMEM : 0) |
				((have & ME_NOTSENT) ? PREV_NOTSENT : 0) |
				((have & ME_BACKOFF) ? PREV_BACKOFF : 0) |
				((have & ME_SND_WND) ? PREV_SND_WND : 0) |
				((have & ME_RCV_WND) ? PREV_RCV_WND : 0));
	return p;
}

bool model_first_seen(const struct model *m, uint64_t cookie, uint64_t *first_ns)
{
	const struct entry *e = table_find(&m->t, cookie);

	if (!e)
		return false;
	*first_ns = e->first_ms ? m->first_mono_ns + (uint64_t)e->first_ms * 1000000u : 0;
	return true;
}
