/* view: filter and deterministic sort of a frame's rows. */
#include "view.h"

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

void view_sort(struct view *v, const struct frame *f, const struct column *sort, bool reverse)
{
	struct sort_ctx ctx = { column_is_numeric(sort), column_sort_desc(sort) != reverse };

	if (v->n == 0)
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
