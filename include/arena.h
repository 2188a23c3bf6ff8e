/* SPDX-License-Identifier: GPL-2.0-or-later */
/* arena: a chunked bump allocator whose pointers stay valid until reset. */
#ifndef TCPTOP_ARENA_H
#define TCPTOP_ARENA_H

#include <stddef.h>

/*
 * A sample keeps the variable parts of its sockets (tcp_info, skmem) here, so
 * a struct conn stays small and a TIME-WAIT socket costs no blob at all.
 * Chunks are kept across arena_reset() and reused: a steady refresh allocates
 * nothing.
 */
struct arena_chunk;
struct arena {
	struct arena_chunk *head; /* first chunk; owned */
	struct arena_chunk *cur;  /* chunk being filled */
};

/* Returns n bytes aligned to 8; never NULL (out of memory is fatal). */
void *arena_alloc(struct arena *a, size_t n);
/* Forgets every allocation, keeps the memory. */
void arena_reset(struct arena *a);
void arena_free(struct arena *a);
/* Bytes reserved by the arena, for memory accounting in benchmarks. */
size_t arena_reserved(const struct arena *a);

#endif
