/* SPDX-License-Identifier: GPL-2.0-or-later */
/* closed: TCP connections that ended, from sock_diag's destroy multicast groups. */
#ifndef TCPTOP_CLOSED_H
#define TCPTOP_CLOSED_H

#include <stdbool.h>
#include <stdint.h>

#include "frame.h"
#include "model.h"
#include "source.h"
#include "terr.h"

/*
 * One connection that ended (frame.closed). The closed-connection work
 * (issue 11) defines its fields: addresses, the state it ended in, final
 * bytes, retransmits, rtt, lifetime, process, how it ended.
 */
struct closed_conn {
	uint64_t cookie;
};

struct closed_cfg {
	bool off;             /* do not watch closed connections at all */
	const char *log_path; /* --closed-log: append each as one JSON line; NULL: none */
};

struct closed_watch; /* opaque: the multicast socket, the log, what the last refresh knew */

/*
 * Starts watching (live) or reading recorded events (replay). Never fails
 * for want of privilege or kernel support: the frames say so (closed_note).
 * NULL with e set only for a log that cannot be opened.
 */
struct closed_watch *closed_new(const struct closed_cfg *cfg, struct source *src, struct terr *e);
void closed_free(struct closed_watch *w);

/*
 * Moves the events that arrived since the last call into f (closed,
 * nclosed, closed_lost, closed_watched, closed_note), records them through
 * src or takes the recorded ones on a replay, and appends them to the log.
 * Called before model_update(m, f): m still knows the previous refresh.
 */
void closed_collect(struct closed_watch *w, struct source *src, const struct model *m,
		    struct frame *f);

/* After model_update and attribution: what the next events will be matched against. */
void closed_remember(struct closed_watch *w, const struct frame *f);

#endif
