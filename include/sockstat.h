/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sockstat: /proc/net/sockstat and sockstat6: the kernel's TCP socket counts and TCP memory. */
#ifndef TCPTOP_SOCKSTAT_H
#define TCPTOP_SOCKSTAT_H

#include <stddef.h>
#include <stdint.h>

#include "terr.h"

/* sockstat.have: which values the files carried. */
enum {
	SOCKSTAT_INUSE = 1 << 0, /* "TCP: inuse" (IPv4) */
	SOCKSTAT_ORPHAN = 1 << 1,
	SOCKSTAT_TW = 1 << 2,
	SOCKSTAT_ALLOC = 1 << 3,
	SOCKSTAT_MEM = 1 << 4,
	SOCKSTAT_INUSE6 = 1 << 5, /* "TCP6: inuse" */
};

/*
 * The "TCP:" line of sockstat and the "TCP6:" line of sockstat6. inuse and
 * tw belong to the reading network namespace; orphan, alloc and mem are the
 * host's (global counters, whichever namespace reads them).
 */
struct sockstat {
	int64_t inuse;  /* IPv4 TCP sockets in use */
	int64_t inuse6; /* IPv6 TCP sockets in use */
	int64_t orphan; /* sockets closed by their application that TCP still holds */
	int64_t tw;     /* TIME-WAIT sockets */
	int64_t alloc;  /* TCP sockets allocated */
	int64_t mem;    /* TCP memory in pages, as tcp_mem counts it */
	uint8_t have;   /* SOCKSTAT_* */
};

/*
 * Adds what one file's text says to s: the "TCP:" and "TCP6:" lines (other
 * protocols are skipped). Returns 0, or -1 with e naming the bad token; the
 * values before it are kept. Pure.
 */
int sockstat_parse(struct sockstat *s, const char *text, size_t len, struct terr *e);

#endif
