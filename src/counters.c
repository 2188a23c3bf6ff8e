/* SPDX-License-Identifier: GPL-2.0-or-later */
/* counters: /proc/net/{netstat,snmp} parsing and deltas. */
#include "counters.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "fatal.h"
#include "hash.h"

/* Levels and constants in /proc/net/snmp: their change is not a rate. */
static const char *const gauges[] = {
	"TcpRtoAlgorithm", "TcpRtoMin",    "TcpRtoMax",    "TcpMaxConn",
	"TcpCurrEstab",    "IpForwarding", "IpDefaultTTL",
};

static bool is_gauge(const char *name)
{
	for (size_t i = 0; i < sizeof(gauges) / sizeof(gauges[0]); i++)
		if (!strcmp(name, gauges[i]))
			return true;
	return false;
}

struct line {
	const char *p;
	size_t len;
};

static bool next_line(const char **p, const char *end, struct line *l)
{
	const char *nl;

	if (*p >= end)
		return false;
	nl = memchr(*p, '\n', (size_t)(end - *p));
	l->p = *p;
	l->len = nl ? (size_t)(nl - *p) : (size_t)(end - *p);
	*p = nl ? nl + 1 : end;
	return true;
}

/* The "Group:" prefix length including the colon, or 0. */
static size_t prefix_len(const struct line *l)
{
	for (size_t i = 0; i < l->len && i < 32; i++) {
		if (l->p[i] == ':')
			return i ? i + 1 : 0;
		if (!isalnum((unsigned char)l->p[i]))
			return 0;
	}
	return 0;
}

/* Next whitespace-separated token in [*p, end): returns its length, 0 at the end. */
static size_t token(const char **p, const char *end, const char **tok)
{
	const char *s = *p;

	while (s < end && (*s == ' ' || *s == '\t' || *s == '\r'))
		s++;
	*tok = s;
	while (s < end && *s != ' ' && *s != '\t' && *s != '\r')
		s++;
	*p = s;
	return (size_t)(s - *tok);
}

/* Parses [-]digits; false if anything else or overflow. */
static bool parse_value(const char *t, size_t n, uint64_t *v, bool *neg)
{
	uint64_t x = 0;
	size_t i = 0;

	*neg = false;
	if (n && t[0] == '-') {
		*neg = true;
		i = 1;
	}
	if (i == n)
		return false;
	for (; i < n; i++) {
		if (t[i] < '0' || t[i] > '9' || x > (UINT64_MAX - 9) / 10)
			return false;
		x = x * 10 + (uint64_t)(t[i] - '0');
	}
	*v = *neg ? (uint64_t)(-(int64_t)x) : x;
	return true;
}

/* Counts a problem; the first one is described as "what: <up to 40 bytes of the input>". */
static void problem(int *nbad, struct terr *e, const char *what, const char *a, size_t alen)
{
	if ((*nbad)++ == 0)
		terr_set(e, "%s: %.*s", what, (int)(alen > 40 ? 40 : alen), a);
}

static void parse_pair(struct counters *c, const struct line *hdr, const struct line *val,
		       size_t plen, int *nbad, struct terr *e)
{
	const char *hp = hdr->p + plen, *hend = hdr->p + hdr->len;
	const char *vp = val->p + plen, *vend = val->p + val->len;
	const char *name, *num;
	size_t gl = plen - 1;
	size_t nl, vl;

	while ((nl = token(&hp, hend, &name)) > 0) {
		uint64_t v;
		bool neg;
		struct counter *ct;

		vl = token(&vp, vend, &num);
		if (vl == 0) {
			problem(nbad, e, "value line ends before its header", hdr->p, gl);
			return;
		}
		if (gl + nl >= CTR_NAME_MAX) {
			problem(nbad, e, "counter name too long", name, nl);
			continue;
		}
		if (!parse_value(num, vl, &v, &neg)) {
			problem(nbad, e, "not a number", num, vl);
			continue;
		}
		c->v = xgrow(c->v, &c->cap, c->n + 1, sizeof(*c->v));
		ct = &c->v[c->n++];
		memcpy(ct->name, hdr->p, gl);
		memcpy(ct->name + gl, name, nl);
		ct->name[gl + nl] = '\0';
		ct->value = v;
		ct->delta = 0;
		ct->flags = (uint8_t)((neg ? CTR_NEG : 0) | (is_gauge(ct->name) ? CTR_GAUGE : 0));
	}
}

int counters_parse(struct counters *c, const char *text, size_t len, struct terr *e)
{
	const char *p = text, *end = text + len;
	struct line hdr, val;
	int nbad = 0;

	while (next_line(&p, end, &hdr)) {
		size_t plen = prefix_len(&hdr);

		if (hdr.len == 0)
			continue;
		if (!plen) {
			problem(&nbad, e, "line without a \"Group:\" prefix", hdr.p, hdr.len);
			continue;
		}
		if (!next_line(&p, end, &val)) {
			problem(&nbad, e, "header line has no value line", hdr.p, plen - 1);
			break;
		}
		if (prefix_len(&val) != plen || memcmp(hdr.p, val.p, plen) != 0) {
			problem(&nbad, e, "header line not followed by its values", hdr.p,
				plen - 1);
			/* The "value" line may be the next header: reconsider it. */
			p = val.p;
			continue;
		}
		parse_pair(c, &hdr, &val, plen, &nbad, e);
	}
	counters_index(c);
	return nbad;
}

static uint32_t hash_name(const char *s)
{
	return hash_bytes(s, strlen(s));
}

void counters_index(struct counters *c)
{
	size_t cap = 64;

	while (cap < c->n * 2)
		cap *= 2;
	if (cap != c->index_cap) {
		free(c->index);
		c->index = xmalloc(cap * sizeof(*c->index));
		c->index_cap = cap;
	}
	memset(c->index, 0, cap * sizeof(*c->index));
	for (size_t i = 0; i < c->n; i++) {
		size_t h = hash_name(c->v[i].name) & (cap - 1);

		while (c->index[h]) {
			/* Duplicate names (a kernel quirk): the first one wins. */
			if (!strcmp(c->v[c->index[h] - 1].name, c->v[i].name))
				break;
			h = (h + 1) & (cap - 1);
		}
		if (!c->index[h])
			c->index[h] = (uint32_t)i + 1;
	}
}

const struct counter *counters_find(const struct counters *c, const char *name)
{
	size_t h;

	if (!c->index_cap)
		return NULL;
	h = hash_name(name) & (c->index_cap - 1);
	while (c->index[h]) {
		const struct counter *ct = &c->v[c->index[h] - 1];

		if (!strcmp(ct->name, name))
			return ct;
		h = (h + 1) & (c->index_cap - 1);
	}
	return NULL;
}

void counters_diff(struct counters *cur, const struct counters *prev)
{
	for (size_t i = 0; i < cur->n; i++) {
		struct counter *ct = &cur->v[i];
		const struct counter *p;

		ct->flags &= (uint8_t) ~(CTR_DELTA | CTR_RESET);
		ct->delta = 0;
		if (ct->flags & CTR_GAUGE)
			continue;
		/* Same kernel, same order: try the same position before hashing. */
		if (prev && i < prev->n && !strcmp(prev->v[i].name, ct->name))
			p = &prev->v[i];
		else
			p = prev ? counters_find(prev, ct->name) : NULL;
		if (!p)
			continue;
		if (ct->value < p->value) {
			ct->flags |= CTR_RESET;
		} else {
			ct->delta = ct->value - p->value;
			ct->flags |= CTR_DELTA;
		}
	}
}

void counters_reset(struct counters *c)
{
	c->n = 0;
	if (c->index)
		memset(c->index, 0, c->index_cap * sizeof(*c->index));
}

void counters_free(struct counters *c)
{
	free(c->v);
	free(c->index);
	memset(c, 0, sizeof(*c));
}

void counters_copy(struct counters *dst, const struct counters *src)
{
	dst->v = xgrow(dst->v, &dst->cap, src->n, sizeof(*dst->v));
	if (src->n)
		memcpy(dst->v, src->v, src->n * sizeof(*src->v));
	dst->n = src->n;
	/* the same names at the same positions: the index carries over (-N all copies one per namespace) */
	if (src->index_cap) {
		if (dst->index_cap != src->index_cap) {
			free(dst->index);
			dst->index = xmalloc(src->index_cap * sizeof(*dst->index));
			dst->index_cap = src->index_cap;
		}
		memcpy(dst->index, src->index, src->index_cap * sizeof(*dst->index));
	} else {
		counters_index(dst);
	}
}

uint64_t counters_delta(const struct counters *c, const char *name)
{
	const struct counter *v = counters_find(c, name);

	return v && (v->flags & CTR_DELTA) ? v->delta : 0;
}
