/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sample: the sockets of one dump. */
#include "sample.h"

#include <stdlib.h>
#include <string.h>

#include "fatal.h"

struct conn *sample_push(struct sample *s)
{
	struct conn *c;

	s->conns = xgrow(s->conns, &s->cap, s->n + 1, sizeof(*s->conns));
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
	arena_reset(&s->arena);
	memset(&s->stats, 0, sizeof(s->stats));
}

void sample_free(struct sample *s)
{
	free(s->conns);
	arena_free(&s->arena);
	memset(s, 0, sizeof(*s));
}
