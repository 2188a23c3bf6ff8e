/* SPDX-License-Identifier: GPL-2.0-or-later */
/* summary: the host-wide numbers every header shows (key counter deltas, state counts). */
#ifndef TCPTOP_SUMMARY_H
#define TCPTOP_SUMMARY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "frame.h"
#include "strbuf.h"

struct key_counter {
	const char *counter; /* nstat name */
	const char *label;   /* short label for headers */
};

/* Retransmits, listen overflows and drops, SYN drops, zero windows, resets, failed opens. */
extern const struct key_counter summary_counters[];
extern const size_t summary_ncounters;

/* The delta of a counter in this frame; false when unavailable (first frame, reset, missing). */
bool summary_delta(const struct frame *f, const char *name, uint64_t *d);

/* "ESTAB 10  SYN-SENT 0 ..." for all eleven states. */
void summary_states(const struct frame *f, struct strbuf *sb);

/* Sockets in the frame (all states). */
size_t summary_total(const struct frame *f);

#endif
