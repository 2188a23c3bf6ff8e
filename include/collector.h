/* collector: one refresh end to end: source -> sample, counters, tunables -> model -> frame. */
#ifndef TCPTOP_COLLECTOR_H
#define TCPTOP_COLLECTOR_H

#include <stdbool.h>
#include <stdint.h>

#include "diag.h"
#include "frame.h"
#include "source.h"
#include "terr.h"

struct collector_cfg {
	struct source_cfg src;
	struct diag_req req; /* states, extensions, filter bytecode (borrowed) */
};

struct collector; /* opaque: the source and the model */

struct collector *collector_new(const struct collector_cfg *cfg, struct terr *e);
/* Finishes a recording; -1 with e set if it could not be written. */
int collector_close(struct collector *c, struct terr *e);

/*
 * Fills f (reset first) with one refresh. Returns 0 when complete (f->status
 * may still carry a warning: malformed messages skipped, a partial dump), 1 at
 * the end of a replay, -1 when an input failed: f->status names the cause and
 * f holds what could be read.
 */
int collector_step(struct collector *c, struct frame *f);

/* Changes what the next refresh asks the kernel for (the request is copied, bc borrowed). */
void collector_set_req(struct collector *c, const struct diag_req *req);
/* Which connection's history frames should carry. */
void collector_select(struct collector *c, uint64_t cookie);

bool collector_is_replay(const struct collector *c);
const char *collector_hostname(const struct collector *c);
const char *collector_kernel(const struct collector *c);

#endif
