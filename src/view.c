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

static bool flat_less(const struct flatkey *a, const struct flatkey *b)
{
	if (a->cls != b->cls)
		return a->cls < b->cls;
	if (a->num != b->num)
		return a->num < b->num;
	if (a->cookie != b->cookie)
		return a->cookie < b->cookie;
	return a->idx < b->idx;
}

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

/* Bottom-up merge sort of n keys, tmp as large. */
static void flat_sort(struct flatkey *a, struct flatkey *tmp, size_t n)
{
	struct flatkey *src = a, *dst = tmp;

	for (size_t w = 1; w < n; w *= 2) {
		for (size_t lo = 0; lo < n; lo += 2 * w) {
			size_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
			size_t i = lo, j = mid, k = lo;

			while (i < mid && j < hi)
				dst[k++] = flat_less(&src[j], &src[i]) ? src[j++] : src[i++];
			while (i < mid)
				dst[k++] = src[i++];
			while (j < hi)
				dst[k++] = src[j++];
		}
		struct flatkey *t = src;

		src = dst;
		dst = t;
	}
	if (src != a)
		memcpy(a, src, n * sizeof(*a));
}

/*
 * The numeric sort without qsort's callbacks, and without keeping a 56-byte
 * key per row between refreshes: each key is flattened as it is made (24
 * bytes, twice for the merge, freed at once). False if a key cannot be
 * flattened (a NaN value).
 */
static bool sort_flat(struct view *v, const struct frame *f, const struct column *sort, bool desc)
{
	struct flatkey *k = xmalloc(2 * v->n * sizeof(*k));
	bool ok = true;

	for (size_t i = 0; i < v->n && ok; i++) {
		struct sortkey key;

		column_sortkey(sort, f, &f->rows[v->order[i]], v->order[i], &key);
		ok = flatten(&key, desc, &k[i]);
	}
	if (ok) {
		flat_sort(k, k + v->n, v->n);
		for (size_t i = 0; i < v->n; i++)
			v->order[i] = k[i].idx;
	}
	free(k);
	return ok;
}

void view_sort(struct view *v, const struct frame *f, const struct column *sort, bool reverse)
{
	struct sort_ctx ctx = { column_is_numeric(sort), column_sort_desc(sort) != reverse };

	if (v->n == 0)
		return;
	if (ctx.numeric && sort_flat(v, f, sort, ctx.desc))
		return;
	v->keys = xgrow(v->keys, &v->keys_cap, v->n, sizeof(*v->keys));
	for (size_t i = 0; i < v->n; i++)
		column_sortkey(sort, f, &f->rows[v->order[i]], v->order[i], &v->keys[i]);
	qsort_r(v->keys, v->n, sizeof(*v->keys), cmp_keys, &ctx);
	for (size_t i = 0; i < v->n; i++)
		v->order[i] = v->keys[i].idx;
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
	keep_cookies(v, f);
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
	for (size_t i = 0; i < v->n; i++)
		if (f->rows[v->order[i]].c->cookie == cookie)
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
