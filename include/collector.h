/* SPDX-License-Identifier: GPL-2.0-or-later */
/* collector: one refresh end to end: source -> sample, counters, tunables -> model -> frame. */
#ifndef TCPTOP_COLLECTOR_H
#define TCPTOP_COLLECTOR_H

#include <stdbool.h>
#include <stdint.h>

#include "diag.h"
#include "closed.h"
#include "frame.h"
#include "source.h"
#include "terr.h"

/*
 * Process attribution (which pid/comm holds each socket). AUTO: on, but
 * turned off when the process scan costs more than a quarter of the refresh
 * interval on two refreshes in a row (the frame says so). ON: never turned
 * off. A replay never has it (recordings hold no process data).
 */
enum procs_mode { PROCS_AUTO, PROCS_ON, PROCS_OFF };

struct collector_cfg {
	struct source_cfg src;
	struct diag_req req;   /* states, extensions, filter bytecode (borrowed) */
	enum procs_mode procs; /* live only */
	const char *netns;     /* name of the namespace watched, for frames (borrowed); or NULL */
	/*
	 * Under -N: the host-only sysctls (tcp_mem, tcp_max_orphans) through
	 * descriptors opened before entering the namespace (borrowed); NULL:
	 * read them from the proc root like the rest (absent in a namespace).
	 */
	const struct tunables_host *host;
	/*
	 * -N all: every network namespace each refresh (nsset.c), live only;
	 * the frame's counters and tunables stay those of the namespace tcptop
	 * runs in (the host's), each namespace's own are in frame.nsv.
	 */
	bool allns;
	struct closed_cfg closed; /* connections that end (issue 11) */
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
/*
 * A refresh that only primes the rates (the first one of -b): everything
 * collector_step does but the diagnosis, which nobody reads. The process
 * scan stays: done here, its full first pass is hidden in the interval.
 */
int collector_prime(struct collector *c, struct frame *f);

/* Changes what the next refresh asks the kernel for (the request is copied, bc borrowed). */
void collector_set_req(struct collector *c, const struct diag_req *req);
/* Which connection's history and whole tcp_info frames should carry. */
void collector_select(struct collector *c, uint64_t cookie);
/* Only the whole tcp_info (frame_full_info), from the next refresh; 0: none. */
void collector_keep_info(struct collector *c, uint64_t cookie);

/*
 * Turns process attribution on (and keeps it on, whatever it costs) or off
 * from the next refresh; the TUI's `p` key. No effect on a replay.
 */
void collector_set_procs(struct collector *c, bool on);
/* Whether the next refresh attributes sockets to processes. */
bool collector_procs(const struct collector *c);

/* -N all on or off from the next refresh (the TUI's key); no effect on a replay. */
void collector_set_allns(struct collector *c, bool on);
bool collector_allns(const struct collector *c);

/*
 * Forgets what the next refresh would compare with (the model's table: ~80
 * bytes a socket). A bounded batch run calls it before writing its last
 * frame, so that the writer's sort does not stack on it. A later step knows
 * no socket (no rates, everything new), as the first one.
 */
void collector_forget(struct collector *c);

bool collector_is_replay(const struct collector *c);
/*
 * A replay only: the next collector_step gives refresh `index` (0-based) of
 * the recording, with its rates computed from refresh index - 1 as when it
 * was recorded. -1 with e set when the recording cannot seek there.
 */
int collector_seek(struct collector *c, size_t index, struct terr *e);
const char *collector_hostname(const struct collector *c);
const char *collector_kernel(const struct collector *c);

#endif
