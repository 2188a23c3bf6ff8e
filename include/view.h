/* SPDX-License-Identifier: GPL-2.0-or-later */
/* view: which rows of a frame are shown and in what order (filter, then deterministic sort). */
#ifndef TCPTOP_VIEW_H
#define TCPTOP_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "column.h"
#include "frame.h"

typedef bool (*view_match_fn)(const struct row *r, void *ctx);

/*
 * The result (order[]) and the cookies that carry it to the next frame;
 * reused across refreshes. The sort's keys are freed when it ends;
 * view_follow's cookie index is its own, freed before it returns.
 */
struct view {
	uint32_t *order; /* row indices, sorted */
	size_t n;
	size_t cap;
	uint64_t *cookies; /* cookie of each order[] entry: survives the frame */
	size_t cookies_cap;
	struct sortkey *keys; /* during view_sort only */
	size_t keys_cap;
};

/*
 * Keeps the rows `match` accepts (NULL: all) and sorts them by `sort`, in its
 * natural direction (numbers largest first), flipped by `reverse`.
 * Unavailable values sort last (within their rank, for a column with one:
 * `problems` ranks by the worst finding first); ties are broken by cookie, so
 * the order is the same on every run. O(n log n) on keys precomputed once
 * per row.
 */
void view_build(struct view *v, const struct frame *f, const struct column *sort, bool reverse,
		view_match_fn match, void *ctx);
/* Re-sorts only the rows already in v->order (the same frame). */
void view_sort(struct view *v, const struct frame *f, const struct column *sort, bool reverse);
/*
 * Like view_build, but keeps the previous order: sockets still present (and
 * matching) keep their place by cookie, new ones follow in sort order, gone
 * ones drop out. Used while the user navigates, so rows do not jump.
 */
void view_follow(struct view *v, const struct frame *f, const struct column *sort, bool reverse,
		 view_match_fn match, void *ctx);
/* Position of the row with this cookie in v->order, or -1. */
long view_find(const struct view *v, const struct frame *f, uint64_t cookie);
void view_free(struct view *v);

#endif
