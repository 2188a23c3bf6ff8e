/* SPDX-License-Identifier: GPL-2.0-or-later */
/* frame: one refresh's data. */
#include "frame.h"

#include <stdlib.h>
#include <string.h>

#include "fatal.h"
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
	memset(f, 0, sizeof(*f));
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
			f->rows[k].ns = ns;
	}
}

const char *frame_row_ns(const struct frame *f, uint32_t row)
{
	if (!f->nns || row >= f->sample.n || !f->rows[row].ns)
		return NULL;
	return f->rows[row].ns->name;
}
