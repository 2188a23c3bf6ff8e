/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sample: the sockets of one dump. */
#include "sample.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fatal.h"

/*
 * Room for one more conn: by a quarter at a time, not doubling, and past
 * 64k conns (6.5 MiB) by a sixteenth, so that at 200,000 sockets at most
 * a sixteenth of the array is left unused, not a third. realloc of a block
 * that large remaps its pages, it does not copy them: small steps are cheap.
 */
static void grow(struct sample *s)
{
	size_t cap;

	if (s->n < s->cap)
		return;
	cap = s->cap < 256 ? 256 : s->cap + (s->cap < 65536 ? s->cap / 4 : s->cap / 16);
	if (cap > SIZE_MAX / sizeof(*s->conns))
		fatal("array size overflow (%zu conns)", cap);
	s->conns = xrealloc(s->conns, cap * sizeof(*s->conns));
	s->cap = cap;
}

struct conn *sample_push(struct sample *s)
{
	struct conn *c;

	grow(s);
	c = &s->conns[s->n++];
	memset(c, 0, sizeof(*c));
	return c;
}

void sample_truncate(struct sample *s, size_t n)
{
	if (n < s->n)
		s->n = n;
}

void sample_reset(struct sample *s)
{
	s->n = 0;
	s->kept = false;
	arena_reset(&s->arena);
	memset(&s->stats, 0, sizeof(s->stats));
}

void sample_free(struct sample *s)
{
	free(s->conns);
	arena_free(&s->arena);
	memset(s, 0, sizeof(*s));
}
