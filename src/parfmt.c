/* SPDX-License-Identifier: GPL-2.0-or-later */
/* parfmt: text made in chunks by several threads and handed on in order. */
#include "parfmt.h"

#include <pthread.h>
#include <stdbool.h>

#include "cpus.h"

const struct parfmt_cfg parfmt_defaults = { .threads = 0, .chunk = 1024, .min_items = 16384 };

/* A helper thread's two buffers: chunk j of its own goes to slot[j % 2]. */
struct helper {
	struct run *run;
	int id; /* 1..threads-1: makes chunks id, id + threads, ... */
	pthread_t tid;
	struct strbuf slot[2];
	size_t made;  /* its chunks made so far (under run->mu) */
	size_t taken; /* of those, appended by the caller (under run->mu) */
};

struct run {
	pthread_mutex_t mu;
	pthread_cond_t ready; /* a helper made a chunk */
	pthread_cond_t freed; /* the caller took one, or the threads may start */
	bool go;              /* every helper there is has started: threads is final */
	int threads;          /* the caller and the helpers that started */
	parfmt_fn fn;
	void *arg;
	size_t n, chunk, nchunks;
	struct helper h[PARFMT_MAX_THREADS]; /* [0] unused: the caller's chunks go to sb */
};

static size_t chunk_end(const struct run *r, size_t k)
{
	size_t end = (k + 1) * r->chunk;

	return end < r->n ? end : r->n;
}

static void *helper_main(void *p)
{
	struct helper *h = p;
	struct run *r = h->run;
	int threads;

	pthread_mutex_lock(&r->mu);
	while (!r->go)
		pthread_cond_wait(&r->freed, &r->mu);
	threads = r->threads;
	pthread_mutex_unlock(&r->mu);
	for (size_t j = 0, k = (size_t)h->id; k < r->nchunks; j++, k += (size_t)threads) {
		struct strbuf *out = &h->slot[j % 2];

		/* both buffers full: wait until the caller took the older one */
		pthread_mutex_lock(&r->mu);
		while (h->made - h->taken >= 2)
			pthread_cond_wait(&r->freed, &r->mu);
		pthread_mutex_unlock(&r->mu);
		sb_reset(out);
		r->fn(r->arg, k * r->chunk, chunk_end(r, k), out);
		pthread_mutex_lock(&r->mu);
		h->made++;
		pthread_cond_broadcast(&r->ready);
		pthread_mutex_unlock(&r->mu);
	}
	return NULL;
}

int parfmt_threads(const struct parfmt_cfg *cfg, size_t n)
{
	int want;
	size_t chunks;

	if (!cfg)
		cfg = &parfmt_defaults;
	if (n < cfg->min_items || cfg->chunk == 0)
		return 1;
	want = cfg->threads > 0 ? cfg->threads : cpus_available(PARFMT_MAX_THREADS);
	if (want > PARFMT_MAX_THREADS)
		want = PARFMT_MAX_THREADS;
	chunks = (n + cfg->chunk - 1) / cfg->chunk;
	if ((size_t)want > chunks)
		want = (int)chunks;
	return want > 1 ? want : 1;
}

/* The caller's part: its own chunks into sb, the helpers' appended, in order. */
static void collect(struct run *r, struct strbuf *sb)
{
	for (size_t k = 0; k < r->nchunks; k++) {
		int t = (int)(k % (size_t)r->threads);
		size_t j = k / (size_t)r->threads;
		struct helper *h = &r->h[t];

		if (t == 0) {
			r->fn(r->arg, k * r->chunk, chunk_end(r, k), sb);
			continue;
		}
		pthread_mutex_lock(&r->mu);
		while (h->made <= j)
			pthread_cond_wait(&r->ready, &r->mu);
		pthread_mutex_unlock(&r->mu);
		sb_add(sb, h->slot[j % 2].s, h->slot[j % 2].len);
		sb_flush_point(sb);
		pthread_mutex_lock(&r->mu);
		h->taken++;
		pthread_cond_broadcast(&r->freed);
		pthread_mutex_unlock(&r->mu);
	}
}

void parfmt_run(const struct parfmt_cfg *cfg, size_t n, parfmt_fn fn, void *arg, struct strbuf *sb)
{
	int want, started = 0;
	struct run r = { .fn = fn, .arg = arg, .n = n };

	if (!cfg)
		cfg = &parfmt_defaults;
	want = parfmt_threads(cfg, n);
	if (want <= 1) {
		fn(arg, 0, n, sb);
		return;
	}
	r.chunk = cfg->chunk;
	r.nchunks = (n + r.chunk - 1) / r.chunk;
	pthread_mutex_init(&r.mu, NULL);
	pthread_cond_init(&r.ready, NULL);
	pthread_cond_init(&r.freed, NULL);
	/* helpers 1..started: one that cannot start leaves its share to the others */
	for (int t = 1; t < want; t++) {
		struct helper *h = &r.h[started + 1];

		h->run = &r;
		h->id = started + 1;
		h->slot[0] = (struct strbuf)STRBUF_INIT;
		h->slot[1] = (struct strbuf)STRBUF_INIT;
		if (pthread_create(&h->tid, NULL, helper_main, h) == 0)
			started++;
	}
	pthread_mutex_lock(&r.mu);
	r.threads = started + 1;
	r.go = true;
	pthread_cond_broadcast(&r.freed);
	pthread_mutex_unlock(&r.mu);
	collect(&r, sb);
	for (int t = 1; t <= started; t++) {
		pthread_join(r.h[t].tid, NULL);
		sb_free(&r.h[t].slot[0]);
		sb_free(&r.h[t].slot[1]);
	}
	pthread_cond_destroy(&r.freed);
	pthread_cond_destroy(&r.ready);
	pthread_mutex_destroy(&r.mu);
}
