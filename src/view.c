/* view: filter and deterministic sort of a frame's rows. */
#include "view.h"

#include <stdlib.h>

#include "fatal.h"

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
		column_sortkey(sort, &f->rows[v->order[i]], v->order[i], &v->keys[i]);
	qsort_r(v->keys, v->n, sizeof(*v->keys), cmp_keys, &ctx);
	for (size_t i = 0; i < v->n; i++)
		v->order[i] = v->keys[i].idx;
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
	v->order = NULL;
	v->keys = NULL;
	v->n = v->cap = v->keys_cap = 0;
}
