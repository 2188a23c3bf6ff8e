/* SPDX-License-Identifier: GPL-2.0-or-later */
/* frame: one refresh's data. */
#include "frame.h"

#include <stdlib.h>
#include <string.h>

#include "fatal.h"
#include "hash.h"
#include "model.h"

void frame_reset(struct frame *f)
{
	/* the last moment its sample is the one the rows were made from */
	if (f->model)
		model_commit(f->model, f);
	sample_reset(&f->sample);
	counters_reset(&f->counters);
	f->nlisteners = 0;
	f->status[0] = '\0';
	f->failed = false;
	f->interval = 0;
	f->has_states_delta = false;
	memset(f->states, 0, sizeof(f->states));
	memset(f->states_delta, 0, sizeof(f->states_delta));
	memset(&f->tun, 0, sizeof(f->tun));
	memset(&f->sockstat, 0, sizeof(f->sockstat));
	f->hist.cookie = 0;
	f->hist.n = 0;
	f->attribution = ATTR_OFF;
	f->attribution_note[0] = '\0';
	f->attribution_secs = -1;
	f->nprocs = 0;
	f->nholders = 0;
	f->nns = 0;
	f->nclosed = 0;
	f->closed_lost = 0;
	f->closed_watched = false;
	f->closed_note[0] = '\0';
	arena_reset(&f->who_arena);
	if (f->nwho)
		memset(f->who_idx, 0, f->who_cap * sizeof(*f->who_idx));
	f->nwho = 0;
	f->who_last = NULL;
}

void frame_free(struct frame *f)
{
	if (f->model)
		model_commit(f->model, f);
	sample_free(&f->sample);
	counters_free(&f->counters);
	free(f->rows);
	free(f->listeners);
	free(f->procs);
	free(f->holders);
	free(f->closed);
	for (size_t i = 0; i < f->nns_cap; i++)
		counters_free(&f->nsv[i].counters);
	free(f->nsv);
	arena_free(&f->who_arena);
	free(f->who_idx);
	memset(f, 0, sizeof(*f));
}

static size_t who_hash(const struct row_who *w)
{
	return hash_u64((uint64_t)(uintptr_t)w->lst ^ (uint64_t)(uintptr_t)w->proc * 31 ^
			(uint64_t)(uintptr_t)w->user * 961 ^ (uint64_t)(uintptr_t)w->ns * 29791);
}

static bool who_same(const struct row_who *a, const struct row_who *b)
{
	return a->lst == b->lst && a->proc == b->proc && a->user == b->user && a->ns == b->ns;
}

static void who_grow(struct frame *f)
{
	size_t cap = f->who_cap ? f->who_cap * 2 : 64;
	const struct row_who **idx = xcalloc(cap, sizeof(*idx));

	for (size_t i = 0; i < f->who_cap; i++) {
		size_t k;

		if (!f->who_idx[i])
			continue;
		for (k = who_hash(f->who_idx[i]) & (cap - 1); idx[k]; k = (k + 1) & (cap - 1))
			;
		idx[k] = f->who_idx[i];
	}
	free(f->who_idx);
	f->who_idx = idx;
	f->who_cap = cap;
}

/* The frame's one record of w (made now if it has none); NULL for nothing at all. */
static const struct row_who *who_of(struct frame *f, const struct row_who *w)
{
	struct row_who *n;
	size_t k;

	if (!w->lst && !w->proc && !w->user && !w->ns)
		return NULL;
	if (f->who_last && who_same(f->who_last, w))
		return f->who_last;
	if ((f->nwho + 1) * 2 > f->who_cap)
		who_grow(f);
	for (k = who_hash(w) & (f->who_cap - 1); f->who_idx[k]; k = (k + 1) & (f->who_cap - 1))
		if (who_same(f->who_idx[k], w))
			return f->who_last = f->who_idx[k];
	n = arena_alloc(&f->who_arena, sizeof(*n));
	*n = *w;
	f->who_idx[k] = n;
	f->nwho++;
	return f->who_last = n;
}

/* Gives r the record of what it had with `member` set to v. */
#define SET_WHO(f, r, member, v)                                                                   \
	do {                                                                                       \
		struct row_who w_ = (r)->who ? *(r)->who : (struct row_who){ 0 };                  \
		w_.member = (v);                                                                   \
		(r)->who = who_of((f), &w_);                                                       \
	} while (0)

void frame_set_lst(struct frame *f, struct row *r, const struct listener *l)
{
	SET_WHO(f, r, lst, l);
}

void frame_set_proc(struct frame *f, struct row *r, const struct procinfo *p)
{
	SET_WHO(f, r, proc, p);
}

void frame_set_user(struct frame *f, struct row *r, const struct username *u)
{
	SET_WHO(f, r, user, u);
}

void frame_set_ns(struct frame *f, struct row *r, const struct frame_ns *ns)
{
	SET_WHO(f, r, ns, ns);
}

const struct tcpi *frame_full_info(const struct frame *f, uint64_t cookie, size_t *len)
{
	if (!cookie || !f->sample.kept || f->sample.keep_cookie != cookie)
		return NULL;
	*len = f->sample.kept_len;
	return &f->sample.kept_ti;
}

const struct row *frame_find(const struct frame *f, uint64_t cookie)
{
	for (size_t i = 0; i < f->sample.n; i++)
		if (f->rows[i].c->cookie == cookie)
			return &f->rows[i];
	return NULL;
}

struct frame_ns *frame_ns_push(struct frame *f)
{
	struct frame_ns *ns;
	struct counters keep;

	if (f->nns == f->nns_cap) {
		size_t cap = f->nns_cap ? f->nns_cap * 2 : 16;

		f->nsv = xrealloc(f->nsv, cap * sizeof(*f->nsv));
		memset(f->nsv + f->nns_cap, 0, (cap - f->nns_cap) * sizeof(*f->nsv));
		f->nns_cap = cap;
	}
	ns = &f->nsv[f->nns++];
	keep = ns->counters;
	memset(ns, 0, sizeof(*ns));
	ns->counters = keep;
	counters_reset(&ns->counters);
	return ns;
}

void frame_ns_link(struct frame *f)
{
	for (size_t i = 0; i < f->nns; i++) {
		const struct frame_ns *ns = &f->nsv[i];

		for (uint32_t k = ns->first; k < ns->first + ns->n && k < f->sample.n; k++)
			frame_set_ns(f, &f->rows[k], ns);
	}
}

const char *frame_row_ns(const struct frame *f, uint32_t row)
{
	if (!f->nns || row >= f->sample.n || !row_ns(&f->rows[row]))
		return NULL;
	return row_ns(&f->rows[row])->name;
}
