/* SPDX-License-Identifier: GPL-2.0-or-later */
/* parfmt: text made in chunks by several threads and handed on in order. */
#ifndef TCPTOP_PARFMT_H
#define TCPTOP_PARFMT_H

#include <stddef.h>

#include "strbuf.h"

/*
 * Makes the text of items [from, to) into out. Called on any of the
 * threads, so it reads shared data and writes only out (or a place of its
 * own for the range): no static buffer, nothing shared that changes.
 */
typedef void (*parfmt_fn)(void *arg, size_t from, size_t to, struct strbuf *out);

#define PARFMT_MAX_THREADS 4

struct parfmt_cfg {
	int threads;      /* at most; 0: one per CPU there is to run on (up to the max) */
	size_t chunk;     /* items a thread makes at a time (at least 1) */
	size_t min_items; /* fewer than this: all made in the calling thread */
};

/*
 * A snapshot's rows: chunks of 1,024 rows (~200 KB of text), and only for
 * 16,384 rows or more, where a thread's start (~50 µs) is lost in the gain.
 */
extern const struct parfmt_cfg parfmt_defaults;

/*
 * Appends the text of items [0, n) to sb, exactly as fn(arg, 0, n, sb)
 * would: the calling thread makes every `threads`-th chunk straight into
 * sb (whose flush hook streams it), each helper thread makes its chunks
 * into two buffers of its own that the caller appends in turn, with a
 * flush point after each. A helper is at most two chunks ahead, so the
 * text held at once is bounded (2 x helpers x a chunk), never the whole.
 * Without a thread to help (one CPU, pthread_create failing, n small) it
 * is fn(arg, 0, n, sb). cfg NULL: parfmt_defaults.
 */
void parfmt_run(const struct parfmt_cfg *cfg, size_t n, parfmt_fn fn, void *arg, struct strbuf *sb);

/* The threads parfmt_run would use for n items: 1 when it would make them all itself. */
int parfmt_threads(const struct parfmt_cfg *cfg, size_t n);

#endif
