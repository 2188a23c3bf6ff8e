/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fatal: tier-one errors and allocation that cannot fail. */
#include "fatal.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static fatal_cleanup_fn cleanup_hook;

void fatal_set_cleanup(fatal_cleanup_fn fn)
{
	cleanup_hook = fn;
}

void fatal(const char *fmt, ...)
{
	va_list ap;

	if (cleanup_hook)
		cleanup_hook();
	fputs("tcptop: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		fatal("out of memory allocating %zu bytes", n);
	return p;
}

void *xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);

	if (!p)
		fatal("out of memory allocating %zu x %zu bytes", nmemb, size);
	return p;
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q)
		fatal("out of memory growing to %zu bytes", n);
	return q;
}

void *xgrow(void *p, size_t *cap, size_t need, size_t size)
{
	size_t c = *cap;

	if (need <= c)
		return p;
	if (c < 16)
		c = 16;
	while (c < need) {
		if (c > SIZE_MAX / 2)
			fatal("array size overflow (%zu elements)", need);
		c *= 2;
	}
	if (c > SIZE_MAX / size)
		fatal("array size overflow (%zu x %zu)", c, size);
	*cap = c;
	return xrealloc(p, c * size);
}

void *xreserve(void *p, size_t *cap, size_t need, size_t size)
{
	size_t c;

	if (need <= *cap)
		return p;
	if (need > (SIZE_MAX - 16) / 2)
		fatal("array size overflow (%zu elements)", need);
	c = need + need / 32 + 16;
	if (c > SIZE_MAX / size)
		fatal("array size overflow (%zu x %zu)", c, size);
	*cap = c;
	return xrealloc(p, c * size);
}

char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = xmalloc(n);

	memcpy(d, s, n);
	return d;
}
