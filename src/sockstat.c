/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sockstat: parser of /proc/net/sockstat{,6} ("TCP: inuse 5 orphan 0 tw 2 alloc 7 mem 3"). */
#include "sockstat.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

struct key {
	const char *name;
	uint8_t bit;
	size_t off;
};

static const struct key tcp_keys[] = {
	{ "inuse", SOCKSTAT_INUSE, offsetof(struct sockstat, inuse) },
	{ "orphan", SOCKSTAT_ORPHAN, offsetof(struct sockstat, orphan) },
	{ "tw", SOCKSTAT_TW, offsetof(struct sockstat, tw) },
	{ "alloc", SOCKSTAT_ALLOC, offsetof(struct sockstat, alloc) },
	{ "mem", SOCKSTAT_MEM, offsetof(struct sockstat, mem) },
	{ NULL, 0, 0 },
};

static const struct key tcp6_keys[] = {
	{ "inuse", SOCKSTAT_INUSE6, offsetof(struct sockstat, inuse6) },
	{ NULL, 0, 0 },
};

static bool is_space(char c)
{
	return c == ' ' || c == '\t';
}

/* The next space-separated token of [*p, end): false at the end. */
static bool token(const char **p, const char *end, const char **t, size_t *n)
{
	while (*p < end && is_space(**p))
		(*p)++;
	if (*p >= end)
		return false;
	*t = *p;
	while (*p < end && !is_space(**p))
		(*p)++;
	*n = (size_t)(*p - *t);
	return true;
}

static bool number(const char *t, size_t n, int64_t *v)
{
	char buf[24], *endp;
	long long x;

	if (n == 0 || n >= sizeof(buf))
		return false;
	memcpy(buf, t, n);
	buf[n] = '\0';
	errno = 0;
	x = strtoll(buf, &endp, 10);
	if (errno || *endp)
		return false;
	*v = x;
	return true;
}

/* "name value" pairs of one line; unknown names are skipped (newer kernels may add some). */
static int parse_pairs(struct sockstat *s, const struct key *keys, const char *p, const char *end,
		       const char *proto, struct terr *e)
{
	const char *t, *vt;
	size_t n, vn;

	while (token(&p, end, &t, &n)) {
		int64_t v;

		if (!token(&p, end, &vt, &vn) || !number(vt, vn, &v)) {
			terr_set(e, "%s line: \"%.*s\" has no number after it", proto, (int)n, t);
			return -1;
		}
		for (const struct key *k = keys; k->name; k++) {
			if (strlen(k->name) == n && !memcmp(k->name, t, n)) {
				memcpy((char *)s + k->off, &v, sizeof(v));
				s->have |= k->bit;
			}
		}
	}
	return 0;
}

int sockstat_parse(struct sockstat *s, const char *text, size_t len, struct terr *e)
{
	const char *p = text, *end = text + len;

	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *le = eol ? eol : end;

		if ((size_t)(le - p) >= 4 && !memcmp(p, "TCP:", 4)) {
			if (parse_pairs(s, tcp_keys, p + 4, le, "TCP", e) < 0)
				return -1;
		} else if ((size_t)(le - p) >= 5 && !memcmp(p, "TCP6:", 5)) {
			if (parse_pairs(s, tcp6_keys, p + 5, le, "TCP6", e) < 0)
				return -1;
		}
		p = eol ? eol + 1 : end;
	}
	return 0;
}
