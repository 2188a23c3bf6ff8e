/* SPDX-License-Identifier: GPL-2.0-or-later */
/* view: filter and deterministic sort of a frame's rows. */
#include "view.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fatal.h"
#include "hash.h"

struct sort_ctx {
	bool numeric;
	bool desc;
};

static int cmp_keys(const void *a, const void *b, void *arg)
{
	const struct sort_ctx *ctx = arg;

	return column_sortkey_cmp(a, b, ctx->numeric, ctx->desc);
}

/*
 * A numeric sort key flattened to integers that compare as column_sortkey_cmp
 * orders the keys: (rank, unavailable) in one word, the value's bits mapped
 * to an unsigned order in the next (both flipped for a descending sort), then
 * the cookie. The row index ends ties the way the stable qsort did (rows come
 * in ascending index): the order is the same, without a callback per
 * comparison.
 */
struct flatkey {
	uint64_t num, cookie;
	uint32_t idx;
	uint16_t cls; /* compared first; 24 bytes, not 32: a row's key is the sort's peak */
};
/* The order: cls, then num, cookie and idx, each ascending (flat_sort). */

/* false for a NaN value: it compares equal to everything, which no integer does */
static bool flatten(const struct sortkey *k, bool desc, struct flatkey *out)
{
	uint64_t bits = 0;

	if (!k->none) {
		double d = k->num == 0 ? 0.0 : k->num; /* -0 and 0 are equal */

		if (isnan(d))
			return false;
		memcpy(&bits, &d, sizeof(bits));
		bits = (bits >> 63) ? ~bits : bits | (1ull << 63);
		if (desc)
			bits = ~bits;
	}
	out->cls = (uint16_t)((desc ? 255u - k->rank : k->rank) << 1 | (k->none ? 1u : 0u));
	out->num = bits;
	out->cookie = k->cookie;
	out->idx = k->idx;
	return true;
}

/* Byte b of a key, counted from the least significant: idx 0-3, cookie 4-11, num 12-19, cls 20-21. */
#define KEY_BYTES 22
/* Buckets this small are finished by insertion sort: splitting one costs 256 buckets' upkeep. */
#define FLAG_SMALL 48
/* Buckets up to this many keys are split through a copy (24 KB, whatever the number of rows). */
#define FLAG_BUF 1024

/* Where byte b of a key lies in memory: a byte is then one load, whichever field holds it. */
static uint8_t byte_offset(unsigned b)
{
	static const struct {
		uint8_t from, size, at;
	} fields[] = {
		{ .from = 0, .size = 4, .at = offsetof(struct flatkey, idx) },
		{ .from = 4, .size = 8, .at = offsetof(struct flatkey, cookie) },
		{ .from = 12, .size = 8, .at = offsetof(struct flatkey, num) },
		{ .from = 20, .size = 2, .at = offsetof(struct flatkey, cls) },
	};
	unsigned f = b < 4 ? 0 : b < 12 ? 1 : b < 20 ? 2 : 3, j = b - fields[f].from;

#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	j = fields[f].size - 1u - j;
#endif
	return (uint8_t)(fields[f].at + j);
}

static inline unsigned key_byte(const struct flatkey *k, unsigned off)
{
	return ((const unsigned char *)k)[off];
}

static inline bool key_less(const struct flatkey *a, const struct flatkey *b)
{
	if (a->cls != b->cls)
		return a->cls < b->cls;
	if (a->num != b->num)
		return a->num < b->num;
	if (a->cookie != b->cookie)
		return a->cookie < b->cookie;
	return a->idx < b->idx;
}

static void insertion_sort(struct flatkey *a, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		struct flatkey t = a[i];
		size_t j = i;

		for (; j > 0 && key_less(&t, &a[j - 1]); j--)
			a[j] = a[j - 1];
		a[j] = t;
	}
}

/* What flag_sort works with besides the keys: one allocation for a sort, ~80 KB. */
struct flag_scratch {
	size_t ends[KEY_BYTES][256]; /* per level: where each byte value's bucket ends */
	size_t lim[256];             /* the bucket being split: counts, then where each ends */
	size_t hist[4][256];         /* counts of every fourth key */
	struct flatkey buf[FLAG_BUF];
};

/* s->lim: how many of the n keys have each value of the byte at offset o. */
static void count_byte(const struct flatkey *a, size_t n, unsigned o, struct flag_scratch *s)
{
	size_t *lim = s->lim, i = 0;

	memset(lim, 0, sizeof(s->lim));
	if (n <= FLAG_BUF) {
		for (; i < n; i++)
			lim[key_byte(&a[i], o)]++;
		return;
	}
	/*
	 * Four tallies, summed at the end: most keys of a big bucket share a
	 * byte value (idle rates), and one tally would wait on its own
	 * increment at each key.
	 */
	memset(s->hist, 0, sizeof(s->hist));
	for (; i + 4 <= n; i += 4) {
		s->hist[0][key_byte(&a[i], o)]++;
		s->hist[1][key_byte(&a[i + 1], o)]++;
		s->hist[2][key_byte(&a[i + 2], o)]++;
		s->hist[3][key_byte(&a[i + 3], o)]++;
	}
	for (; i < n; i++)
		lim[key_byte(&a[i], o)]++;
	for (unsigned v = 0; v < 256; v++)
		lim[v] += s->hist[0][v] + s->hist[1][v] + s->hist[2][v] + s->hist[3][v];
}

/*
 * Moves each key into its bucket (ends[v]: where bucket v starts, lim[v]:
 * where it ends), in place: each key at a bucket's next unchecked place is
 * swapped with the next free place of the bucket it belongs to, which it then
 * holds. A key swapped back is looked at on the next round, so no step waits
 * on the one before: following each displaced key to its place instead (the
 * classic cycle of American flag sort) waits on a cache miss and a branch
 * that goes either way at every key of a bucket bigger than the caches.
 */
static void place_swapping(struct flatkey *a, unsigned o, size_t *ends, const size_t *lim)
{
	uint8_t rem[256]; /* the buckets with keys not yet in place */
	unsigned nrem = 0;

	for (unsigned v = 0; v < 256; v++)
		if (ends[v] != lim[v])
			rem[nrem++] = (uint8_t)v;
	/* the last bucket with keys left holds only its own */
	while (nrem > 1) {
		unsigned keep = 0;

		for (unsigned r = 0; r < nrem; r++) {
			unsigned v = rem[r];

			for (size_t i = ends[v], hi = lim[v]; i < hi; i++) {
				size_t to = ends[key_byte(&a[i], o)]++;
				struct flatkey t = a[i];

				a[i] = a[to];
				a[to] = t;
			}
			if (ends[v] != lim[v])
				rem[keep++] = (uint8_t)v;
		}
		nrem = keep;
	}
	memcpy(ends, lim, 256 * sizeof(*ends));
}

/*
 * Sorts n keys that agree on every byte before off[0] (off[]: the offsets of
 * the nb bytes left that vary, most significant first): an in-place MSD
 * radix sort (American flag sort). A byte's counts give each value's bucket,
 * the keys are moved into their buckets, and each bucket is sorted by the
 * next byte. A level takes at least one byte, so the recursion is at most
 * KEY_BYTES deep, each level with its own ends[].
 */
static void flag_sort(struct flatkey *a, size_t n, const uint8_t *off, unsigned nb,
		      struct flag_scratch *s, unsigned depth)
{
	size_t *ends = s->ends[depth], *lim = s->lim, at = 0;
	unsigned o;

	for (;;) {
		if (nb == 0) {
			/* keys equal in every byte left: one key (the row index is in it) */
			insertion_sort(a, n);
			return;
		}
		o = off[0];
		count_byte(a, n, o, s);
		if (lim[key_byte(&a[0], o)] != n)
			break;
		off++, nb--; /* every key has this byte: on to the next, at the same level */
	}
	for (unsigned v = 0; v < 256; v++) {
		size_t c = lim[v];

		ends[v] = at;
		at += c;
		lim[v] = at;
	}
	if (n <= FLAG_BUF) {
		/* a bucket that fits the copy: one pass that never waits (the LSD way) */
		memcpy(s->buf, a, n * sizeof(*a));
		for (size_t i = 0; i < n; i++)
			a[ends[key_byte(&s->buf[i], o)]++] = s->buf[i];
	} else {
		place_swapping(a, o, ends, lim);
	}
	at = 0;
	for (unsigned v = 0; v < 256; v++) {
		size_t m = ends[v] - at;

		if (m > FLAG_SMALL)
			flag_sort(a + at, m, off + 1, nb - 1, s, depth + 1);
		else if (m > 1)
			insertion_sort(a + at, m);
		at = ends[v];
	}
}

/*
 * Sorts n keys in place into the order above, by their bytes from the most
 * significant, skipping the bytes every key shares (a rank, idle rates, the
 * high bytes of cookies and row indices): a refresh of mostly idle sockets
 * splits on a few bytes, where a merge sort took log2(n) passes, each with
 * a branch per key that could go either way. In place: the keys are the
 * sort's only array (24 bytes a row at the snapshot's peak, not 48 as the
 * two arrays of the LSD radix sort it replaced), plus a fixed ~80 KB. Not
 * stable, and need not be: no two keys are equal, the row index is part of
 * each (its bytes are reached only by keys equal in all the rest).
 */
static void flat_sort(struct flatkey *a, size_t n)
{
	uint64_t num_or = 0, num_and = ~0ull, ck_or = 0, ck_and = ~0ull;
	uint32_t idx_or = 0, idx_and = ~0u;
	unsigned cls_or = 0, cls_and = ~0u, nb = 0;
	uint8_t off[KEY_BYTES];
	struct flag_scratch *s;

	if (n <= FLAG_SMALL) {
		insertion_sort(a, n);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		num_or |= a[i].num, num_and &= a[i].num;
		ck_or |= a[i].cookie, ck_and &= a[i].cookie;
		idx_or |= a[i].idx, idx_and &= a[i].idx;
		cls_or |= a[i].cls, cls_and &= a[i].cls;
	}
	for (unsigned b = KEY_BYTES; b-- > 0;) {
		uint64_t diff = b < 4    ? (uint64_t)(idx_or ^ idx_and) >> (8 * b)
				: b < 12 ? (ck_or ^ ck_and) >> (8 * (b - 4))
				: b < 20 ? (num_or ^ num_and) >> (8 * (b - 12))
					 : (uint64_t)(cls_or ^ cls_and) >> (8 * (b - 20));

		if (diff & 0xff)
			off[nb++] = byte_offset(b);
	}
	s = xmalloc(sizeof(*s));
	flag_sort(a, n, off, nb, s, 0);
	free(s);
}

/*
 * The numeric sort without qsort's callbacks, and without keeping a 56-byte
 * key per row between refreshes: each key is flattened as it is made (24
 * bytes, sorted in place, freed at once). False if a key cannot be
 * flattened (a NaN value).
 */
static bool sort_flat(struct view *v, const struct frame *f, const struct column *sort, bool desc)
{
	struct flatkey *k = xmalloc(v->n * sizeof(*k));
	bool ok = true;

	uint64_t some = 0; /* a value key's number */
	bool have = false;

	for (size_t i = 0; i < v->n && ok; i++) {
		struct sortkey key;

		column_sortkey(sort, f, &f->rows[v->order[i]], v->order[i], &key);
		ok = flatten(&key, desc, &k[i]);
		if (!key.none && !have)
			some = k[i].num, have = true;
	}
	/*
	 * An unavailable value's number is never compared (cls sets those keys
	 * apart): one a value key has leaves the radix sort fewer bytes that vary.
	 */
	for (size_t i = 0; i < v->n && ok; i++)
		if (k[i].cls & 1)
			k[i].num = some;
	if (!ok) {
		free(k);
		return false;
	}
	flat_sort(k, v->n);
	/*
	 * The cookies overwrite the keys they are read from (cookie i's 8 bytes
	 * end at or before key i's start, past the first, read before written),
	 * and the keys' block shrinks to them: the sort's peak is the keys, not
	 * the keys and a cookie array beside them.
	 */
	{
		uint64_t *ck = (uint64_t *)(void *)k;

		for (size_t i = 0; i < v->n; i++) {
			struct flatkey t = k[i];

			v->order[i] = t.idx;
			ck[i] = t.cookie;
		}
		free(v->cookies);
		v->cookies = xrealloc(ck, v->n * sizeof(*v->cookies));
		v->cookies_cap = v->n;
	}
	return true;
}

void view_sort(struct view *v, const struct frame *f, const struct column *sort, bool reverse)
{
	struct sort_ctx ctx = { column_is_numeric(sort), column_sort_desc(sort) != reverse };

	if (v->n == 0)
		return;
	/* the cookies come with the keys: no second walk through rows and sockets in sorted order */
	if (ctx.numeric && sort_flat(v, f, sort, ctx.desc))
		return;
	v->cookies = xreserve(v->cookies, &v->cookies_cap, v->n, sizeof(*v->cookies));
	v->keys = xreserve(v->keys, &v->keys_cap, v->n, sizeof(*v->keys));
	for (size_t i = 0; i < v->n; i++)
		column_sortkey(sort, f, &f->rows[v->order[i]], v->order[i], &v->keys[i]);
	qsort_r(v->keys, v->n, sizeof(*v->keys), cmp_keys, &ctx);
	for (size_t i = 0; i < v->n; i++) {
		v->order[i] = v->keys[i].idx;
		v->cookies[i] = v->keys[i].cookie;
	}
	/* 56 bytes a row, kept by each of the pump's views: not between refreshes */
	free(v->keys);
	v->keys = NULL;
	v->keys_cap = 0;
}

static void keep_cookies(struct view *v, const struct frame *f)
{
	v->cookies = xreserve(v->cookies, &v->cookies_cap, v->n, sizeof(*v->cookies));
	for (size_t i = 0; i < v->n; i++)
		v->cookies[i] = f->rows[v->order[i]].c->cookie;
}

/* Whether row i belongs in a view: the filter's, and never a socket's second row in one dump. */
static bool wanted(const struct frame *f, size_t i, view_match_fn match, void *ctx)
{
	return !(f->rows[i].flags & ROW_DUP) && (!match || match(&f->rows[i], ctx));
}

void view_build(struct view *v, const struct frame *f, const struct column *sort, bool reverse,
		view_match_fn match, void *ctx)
{
	size_t n = frame_nrows(f);

	v->order = xreserve(v->order, &v->cap, n, sizeof(*v->order));
	v->n = 0;
	for (size_t i = 0; i < n; i++)
		if (wanted(f, i, match, ctx))
			v->order[v->n++] = (uint32_t)i;
	view_sort(v, f, sort, reverse);
}

void view_follow(struct view *v, const struct frame *f, const struct column *sort, bool reverse,
		 view_match_fn match, void *ctx)
{
	size_t n = frame_nrows(f), cap = 16, kept = 0, old = v->n;
	unsigned char *placed;
	uint32_t *index; /* cookie hash -> row + 1; scratch for this call, 8-16 bytes a row */

	while (cap < n * 2)
		cap *= 2;
	index = xcalloc(cap, sizeof(*index));
	for (size_t i = 0; i < n; i++) {
		size_t h = hash_u64(f->rows[i].c->cookie) & (cap - 1);

		while (index[h])
			h = (h + 1) & (cap - 1);
		index[h] = (uint32_t)i + 1;
	}
	v->order = xreserve(v->order, &v->cap, n > old ? n : old, sizeof(*v->order));
	placed = xcalloc(n ? n : 1, 1);
	/* 1. the old order, for sockets still here and matching */
	for (size_t k = 0; k < old; k++) {
		size_t h = hash_u64(v->cookies[k]) & (cap - 1);

		for (; index[h]; h = (h + 1) & (cap - 1)) {
			uint32_t i = index[h] - 1;

			if (f->rows[i].c->cookie != v->cookies[k])
				continue;
			if (!placed[i] && wanted(f, i, match, ctx)) {
				placed[i] = 1;
				v->order[kept++] = i;
			}
			break;
		}
	}
	/* 2. newcomers, sorted among themselves, after them */
	v->n = 0;
	{
		struct view fresh = { 0 };

		fresh.order = xmalloc((n ? n : 1) * sizeof(*fresh.order));
		fresh.cap = n;
		for (size_t i = 0; i < n; i++)
			if (!placed[i] && wanted(f, i, match, ctx))
				fresh.order[fresh.n++] = (uint32_t)i;
		view_sort(&fresh, f, sort, reverse);
		memcpy(v->order + kept, fresh.order, fresh.n * sizeof(*v->order));
		v->n = kept + fresh.n;
		view_free(&fresh);
	}
	free(placed);
	free(index);
	keep_cookies(v, f);
}

long view_find(const struct view *v, const struct frame *f, uint64_t cookie)
{
	/* cookies[] mirrors order[]: a sequential scan, not a row and a socket per entry */
	(void)f;
	for (size_t i = 0; i < v->n; i++)
		if (v->cookies[i] == cookie)
			return (long)i;
	return -1;
}

void view_free(struct view *v)
{
	free(v->order);
	free(v->keys);
	free(v->cookies);
	memset(v, 0, sizeof(*v));
}
