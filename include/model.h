/* model: the connection table keyed by socket cookie; turns sample N and N-1 into rates and deltas. */
#ifndef TCPTOP_MODEL_H
#define TCPTOP_MODEL_H

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
 * allocates nothing new. Sockets gone since the last call are forgotten.
 */
void model_update(struct model *m, struct frame *f);

/* Which connection's history the frames should carry (0: none). */
void model_select(struct model *m, uint64_t cookie);

/* Socket entries known (for benchmarks and tests). */
size_t model_size(const struct model *m);

#endif
