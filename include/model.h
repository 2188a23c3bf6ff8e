/* SPDX-License-Identifier: GPL-2.0-or-later */
/* model: the connection table keyed by socket cookie; turns sample N and N-1 into rates and deltas. */
#ifndef TCPTOP_MODEL_H
#define TCPTOP_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#include "frame.h"

struct model; /* opaque: previous values per cookie, history rings, previous aggregates */

struct model *model_new(void);
void model_free(struct model *m);

/*
 * Completes a frame whose sample, counters, tunables and timestamps are
 * filled: computes rows (rates, deltas), listeners (queues, SYN queue,
 * drops), state counts and their change, counter deltas, and the history of
 * the selected connection. Linear in the number of sockets; a steady refresh
 * allocates nothing new but 4 bytes a row until the commit. Sockets gone
 * since the last call are forgotten.
 *
 * The table keeps what the diagnosis compares with (model_past: the
 * previous sample's queues, buffers, windows, state) until
 * model_commit(m, f), which writes this sample's in: diagnose_frame, then
 * model_commit. Until then f->model is m and f's sample must not change;
 * frame_reset and frame_free commit a frame left uncommitted, and so does
 * the next model_update for another frame (asserted: never for f itself,
 * whose sample would have been refilled without frame_reset, nor for a
 * frame another model has not committed; the commit checks the sample's
 * count and array, not its contents). A second row of a cookie in one dump
 * gets ROW_DUP and nothing else.
 */
void model_update(struct model *m, struct frame *f);

/* Writes f's sample into the table's entries (f: the frame of the last model_update). */
void model_commit(struct model *m, struct frame *f);

/*
 * A row's previous sample (valid with ROW_PREV; zero otherwise) and since
 * when it is in its state (0 for a ROW_DUP row: nothing reads it there),
 * from its table entry: only between model_update(m, f) and model_commit.
 */
struct row_past model_past(const struct frame *f, const struct row *r);

/* Which connection's history the frames should carry (0: none). */
void model_select(struct model *m, uint64_t cookie);

/* A kernel release's major and minor ("4.3.0-1-amd64": 4, 3); false when it does not start so. */
bool model_kernel_version(const char *release, int *major, int *minor);

/*
 * The SYN queue's limit of a listener whose accept queue limit is `backlog`
 * (sk_max_ack_backlog: the listen() backlog capped by somaxconn) on kernel
 * major.minor, with net.ipv4.tcp_max_syn_backlog and tcp_syncookies (< 0:
 * unknown). Since the request-socket rework (4.4) a request is refused once
 * the SYN queue holds backlog of them; before it the queue was a table of
 * roundup_pow_of_two(max(8, min(backlog, tcp_max_syn_backlog)) + 1) entries.
 * In both, with syncookies off, the last quarter of tcp_max_syn_backlog is
 * kept for peers TCP has seen before: unproven clients get at most
 * tcp_max_syn_backlog - tcp_max_syn_backlog / 4. 0: not known.
 */
uint32_t model_syn_max(int major, int minor, uint32_t backlog, int64_t max_syn_backlog,
		       int64_t syncookies);

/*
 * When the last model_update first saw the socket of this cookie (monotonic
 * ns, to the millisecond after the first refresh: the table keeps it as u32
 * ms; 0: it was already there at tcptop's first refresh). False when the
 * last refresh did not have it. Call before the next model_update: the
 * closed-connection events of an interval are about the previous refresh.
 */
bool model_first_seen(const struct model *m, uint64_t cookie, uint64_t *first_ns);
/* Socket entries known: the sockets of the last refresh (for benchmarks and tests). */
size_t model_size(const struct model *m);

/* What the per-socket table holds and what it allocated (for benchmarks and tests). */
struct model_mem {
	size_t entries;   /* = model_size */
	size_t entry_cap; /* entries allocated (the dense array) */
	size_t index_cap; /* index positions (4 bytes each; load <= 3/4) */
	size_t wide;      /* sockets whose counters do not fit 32 bits (or with drops) */
	size_t times;     /* distinct refresh times sockets count their state from */
	size_t bytes;     /* allocated for all of the above */
};
void model_mem(const struct model *m, struct model_mem *mm);

#endif
