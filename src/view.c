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
	uint16_t cls; /* compared first; 24 bytes, not 32: two arrays of them at the sort's peak */
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

/* How many keys have each value of byte b (one loop per field, like radix_pass). */
static void count_pass(const struct flatkey *a, size_t n, unsigned b, size_t count[256])
{
	if (b < 4)
		for (size_t i = 0; i < n; i++)
			count[(a[i].idx >> (8 * b)) & 0xff]++;
	else if (b < 12)
		for (size_t i = 0; i < n; i++)
			count[(a[i].cookie >> (8 * (b - 4))) & 0xff]++;
	else if (b < 20)
		for (size_t i = 0; i < n; i++)
			count[(a[i].num >> (8 * (b - 12))) & 0xff]++;
	else
		for (size_t i = 0; i < n; i++)
			count[(a[i].cls >> (8 * (b - 20))) & 0xff]++;
}

/* One stable counting pass by byte b (pos: where each byte value's keys start, advanced). */
static void radix_pass(const struct flatkey *src, struct flatkey *dst, size_t n, unsigned b,
		       size_t pos[256])
{
	/* one loop per field: the byte's place is not worked out again per key */
	if (b < 4)
		for (size_t i = 0; i < n; i++)
			dst[pos[(src[i].idx >> (8 * b)) & 0xff]++] = src[i];
	else if (b < 12)
		for (size_t i = 0; i < n; i++)
			dst[pos[(src[i].cookie >> (8 * (b - 4))) & 0xff]++] = src[i];
	else if (b < 20)
		for (size_t i = 0; i < n; i++)
			dst[pos[(src[i].num >> (8 * (b - 12))) & 0xff]++] = src[i];
	else
		for (size_t i = 0; i < n; i++)
			dst[pos[(src[i].cls >> (8 * (b - 20))) & 0xff]++] = src[i];
}

/*
 * Sorts n keys, tmp as large, into the order above: a stable LSD radix sort
 * by byte, skipping the bytes every key shares (a rank, idle rates, the high
 * bytes of cookies and row indices), so a refresh of mostly idle sockets
 * takes a few passes where a merge sort took log2(n), each with a branch
 * per key that could go either way. The row index is a key byte only when
 * the input is not in ascending row order (stability keeps that order).
 */
static void flat_sort(struct flatkey *a, struct flatkey *tmp, size_t n)
{
	uint64_t num_or = 0, num_and = ~0ull, ck_or = 0, ck_and = ~0ull;
	uint32_t idx_or = 0, idx_and = ~0u;
	unsigned cls_or = 0, cls_and = ~0u, nb = 0;
	bool ascending = true;
	unsigned bytes[KEY_BYTES];
	size_t(*count)[256];
	struct flatkey *src = a, *dst = tmp;

	for (size_t i = 0; i < n; i++) {
		num_or |= a[i].num, num_and &= a[i].num;
		ck_or |= a[i].cookie, ck_and &= a[i].cookie;
		idx_or |= a[i].idx, idx_and &= a[i].idx;
		cls_or |= a[i].cls, cls_and &= a[i].cls;
		ascending &= i == 0 || a[i - 1].idx < a[i].idx;
	}
	for (unsigned b = ascending ? 4 : 0; b < KEY_BYTES; b++) {
		uint64_t diff = b < 4    ? (uint64_t)(idx_or ^ idx_and) >> (8 * b)
				: b < 12 ? (ck_or ^ ck_and) >> (8 * (b - 4))
				: b < 20 ? (num_or ^ num_and) >> (8 * (b - 12))
					 : (uint64_t)(cls_or ^ cls_and) >> (8 * (b - 20));

		if (diff & 0xff)
			bytes[nb++] = b;
	}
	if (nb == 0)
		return;
	count = xcalloc(1, sizeof(*count));
	for (unsigned j = 0; j < nb; j++) {
		struct flatkey *t = src;
		size_t at = 0;

		/* a byte's counts do not depend on the order: taken from the keys as they are */
		memset(count, 0, sizeof(*count));
		count_pass(src, n, bytes[j], count[0]);

		for (unsigned v = 0; v < 256; v++) {
			size_t c = count[0][v];

			count[0][v] = at;
			at += c;
		}
		radix_pass(src, dst, n, bytes[j], count[0]);
		src = dst;
		dst = t;
	}
	free(count);
	if (src != a)
		memcpy(a, src, n * sizeof(*a));
}

/*
 * The numeric sort without qsort's callbacks, and without keeping a 56-byte
 * key per row between refreshes: each key is flattened as it is made (24
 * bytes, twice for the sort, freed at once). False if a key cannot be
 * flattened (a NaN value).
 */
static bool sort_flat(struct view *v, const struct frame *f, const struct column *sort, bool desc)
{
	struct flatkey *k = xmalloc(2 * v->n * sizeof(*k));
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
	if (ok) {
		flat_sort(k, k + v->n, v->n);
		for (size_t i = 0; i < v->n; i++) {
			v->order[i] = k[i].idx;
			v->cookies[i] = k[i].cookie;
		}
	}
	free(k);
	return ok;
}

void view_sort(struct view *v, const struct frame *f, const struct column *sort, bool reverse)
{
	struct sort_ctx ctx = { column_is_numeric(sort), column_sort_desc(sort) != reverse };

	if (v->n == 0)
		return;
	/* the cookies come with the keys: no second walk through rows and sockets in sorted order */
	v->cookies = xgrow(v->cookies, &v->cookies_cap, v->n, sizeof(*v->cookies));
	if (ctx.numeric && sort_flat(v, f, sort, ctx.desc))
		return;
	v->keys = xgrow(v->keys, &v->keys_cap, v->n, sizeof(*v->keys));
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
	v->cookies = xgrow(v->cookies, &v->cookies_cap, v->n, sizeof(*v->cookies));
	for (size_t i = 0; i < v->n; i++)
		v->cookies[i] = f->rows[v->order[i]].c->cookie;
}

void view_build(struct view *v, const struct frame *f, const struct column *sort, bool reverse,
		view_match_fn match, void *ctx)
{
	size_t n = frame_nrows(f);

	v->order = xgrow(v->order, &v->cap, n, sizeof(*v->order));
	v->n = 0;
	for (size_t i = 0; i < n; i++)
		if (!match || match(&f->rows[i], ctx))
			v->order[v->n++] = (uint32_t)i;
	view_sort(v, f, sort, reverse);
}

void view_follow(struct view *v, const struct frame *f, const struct column *sort, bool reverse,
		 view_match_fn match, void *ctx)
{
	size_t n = frame_nrows(f), cap = 16, kept = 0, old = v->n;
	unsigned char *placed;

	while (cap < n * 2)
		cap *= 2;
	v->index = xgrow(v->index, &v->index_cap, cap, sizeof(*v->index));
	memset(v->index, 0, cap * sizeof(*v->index));
	for (size_t i = 0; i < n; i++) {
		size_t h = hash_u64(f->rows[i].c->cookie) & (cap - 1);

		while (v->index[h])
			h = (h + 1) & (cap - 1);
		v->index[h] = (uint32_t)i + 1;
	}
	v->order = xgrow(v->order, &v->cap, n > old ? n : old, sizeof(*v->order));
	placed = xcalloc(n ? n : 1, 1);
	/* 1. the old order, for sockets still here and matching */
	for (size_t k = 0; k < old; k++) {
		size_t h = hash_u64(v->cookies[k]) & (cap - 1);

		for (; v->index[h]; h = (h + 1) & (cap - 1)) {
			uint32_t i = v->index[h] - 1;

			if (f->rows[i].c->cookie != v->cookies[k])
				continue;
			if (!placed[i] && (!match || match(&f->rows[i], ctx))) {
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
			if (!placed[i] && (!match || match(&f->rows[i], ctx)))
				fresh.order[fresh.n++] = (uint32_t)i;
		view_sort(&fresh, f, sort, reverse);
		memcpy(v->order + kept, fresh.order, fresh.n * sizeof(*v->order));
		v->n = kept + fresh.n;
		view_free(&fresh);
	}
	free(placed);
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
	free(v->index);
	memset(v, 0, sizeof(*v));
}
