/* SPDX-License-Identifier: GPL-2.0-or-later */
/* arena: chunked bump allocation. */
#include "arena.h"

#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>

#include "fatal.h"

#define CHUNK_SIZE (256u * 1024u)

struct arena_chunk {
	struct arena_chunk *next;
	size_t size;
	size_t used;
	alignas(8) unsigned char data[];
};

static struct arena_chunk *chunk_new(size_t size)
{
	struct arena_chunk *c = xmalloc(sizeof(*c) + size);

	c->next = NULL;
	c->size = size;
	c->used = 0;
	return c;
}

void *arena_alloc(struct arena *a, size_t n)
{
	struct arena_chunk *c;

	n = (n + 7u) & ~(size_t)7u;
	if (!a->head)
		a->head = a->cur = chunk_new(n > CHUNK_SIZE ? n : CHUNK_SIZE);
	c = a->cur;
	while (c->size - c->used < n) {
		if (!c->next)
			c->next = chunk_new(n > CHUNK_SIZE ? n : CHUNK_SIZE);
		c = c->next;
		c->used = 0;
	}
	a->cur = c;
	c->used += n;
	return c->data + c->used - n;
}

void arena_reset(struct arena *a)
{
	a->cur = a->head;
	if (a->head)
		a->head->used = 0;
}

void arena_free(struct arena *a)
{
	struct arena_chunk *c = a->head;

	while (c) {
		struct arena_chunk *next = c->next;

		free(c);
		c = next;
	}
	a->head = a->cur = NULL;
}

size_t arena_reserved(const struct arena *a)
{
	size_t n = 0;

	for (const struct arena_chunk *c = a->head; c; c = c->next)
		n += sizeof(*c) + c->size;
	return n;
}
