/* SPDX-License-Identifier: GPL-2.0-or-later */
/* counters: /proc/net/netstat and /proc/net/snmp as named values, and their per-refresh deltas. */
#ifndef TCPTOP_COUNTERS_H
#define TCPTOP_COUNTERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "terr.h"

/* nstat names: group and field joined ("TcpExtListenOverflows", "TcpRetransSegs"). */
#define CTR_NAME_MAX 64

enum {
	CTR_DELTA = 1 << 0, /* delta is valid (there was a previous value) */
	CTR_RESET = 1 << 1, /* the value went backwards: reset or namespace change */
	CTR_GAUGE = 1 << 2, /* a level, not a counter (CurrEstab, MaxConn...): no delta */
	CTR_NEG = 1 << 3,   /* value is negative (MaxConn -1); `value` holds it two's complement */
};

struct counter {
	char name[CTR_NAME_MAX];
	uint64_t value;
	uint64_t delta;
	uint8_t flags;
};

/* A snapshot of every counter of both files, in file order; owns its arrays. */
struct counters {
	struct counter *v;
	size_t n, cap;
	uint32_t *index; /* hash of names to v[] positions + 1; 0 = empty */
	size_t index_cap;
};

/*
 * Parses a netstat/snmp style text (pairs of "Group: names..." and "Group:
 * values..." lines) and appends the counters to c. Values are matched to
 * names by position within their own header line, never by a fixed layout.
 * Tolerant: a value line shorter than its header leaves the missing names
 * out (unavailable); extra values are ignored; a value that is not a number
 * is skipped. Returns the number of problems found (0 = clean) and describes
 * the first in e. Pure.
 */
int counters_parse(struct counters *c, const char *text, size_t len, struct terr *e);

/* Rebuilds the name index after parsing (counters_find needs it). */
void counters_index(struct counters *c);
/* The counter with this nstat name, or NULL. */
const struct counter *counters_find(const struct counters *c, const char *name);
/* The named counter's delta this refresh; 0 when absent or without one (first refresh, a gauge). */
uint64_t counters_delta(const struct counters *c, const char *name);

/* Fills delta/flags of cur from prev (matched by name). */
void counters_diff(struct counters *cur, const struct counters *prev);

void counters_reset(struct counters *c);
void counters_free(struct counters *c);
/* Deep copy (for keeping the previous snapshot). */
void counters_copy(struct counters *dst, const struct counters *src);

#endif
