/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sample: every socket of one sock_diag dump, with the memory that backs them. */
#ifndef TCPTOP_SAMPLE_H
#define TCPTOP_SAMPLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "conn.h"

/* Counts of what a dump saw besides sockets, for the status line. */
struct dump_stats {
	uint32_t malformed;   /* messages skipped because they did not parse */
	uint32_t interrupted; /* dumps restarted after NLM_F_DUMP_INTR */
	uint32_t bytes;       /* netlink bytes received */
	uint32_t buffers;     /* recv() calls that returned data */
	uint8_t partial;      /* still inconsistent after the retries */
};

/*
 * Owns conns[] and the arena their info pointers (tcp_info and skmem) point into. The
 * whole tcp_info is kept for one socket only, the one keep_cookie names
 * (the selected connection, for the detail view): `kept` says whether the
 * dump had it with a tcp_info, kept_ti holds it (zero past kept_len).
 */
struct sample {
	struct conn *conns;
	size_t n;
	size_t cap;
	struct arena arena;
	struct dump_stats stats;
	uint64_t keep_cookie; /* set before the dump; 0: none */
	bool kept;
	uint16_t kept_len;
	struct tcpi kept_ti;
};

/* Appends a zeroed conn and returns it; the pointer is valid until the next append. */
struct conn *sample_push(struct sample *s);
/* Drops the conns from index `n` on (used to restart an interrupted dump). */
void sample_truncate(struct sample *s, size_t n);
void sample_reset(struct sample *s);
void sample_free(struct sample *s);

#endif
