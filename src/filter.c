/* SPDX-License-Identifier: GPL-2.0-or-later */
/* filter: tokenizer, recursive-descent parser, primitive table, user-space matcher, canonical form. */
#include "filter.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "fatal.h"
#include "filter_ast.h"
#include "procmap.h"

enum tok_type { T_END, T_WORD, T_LPAREN, T_RPAREN, T_NOT, T_AND, T_OR, T_CMP };
enum cmp { CMP_EQ, CMP_NE, CMP_GT, CMP_LT, CMP_GE, CMP_LE };

struct tok {
	uint8_t type;
	uint8_t cmp;
	size_t pos, len;
};

struct parser {
	const char *s;
	size_t len;
	size_t at; /* where the lexer continues */
	struct tok tok;
	struct fast *ast;
	int depth;
	struct terr *e;
	bool failed;
	bool procs; /* a proc/pid primitive was parsed */
};

/* Punctuation, longest first so "&&" is not read as two "&". */
static const struct {
	const char *text;
	uint8_t type, cmp;
} symbols[] = {
	{ "&&", T_AND, 0 },      { "||", T_OR, 0 },       { "!=", T_CMP, CMP_NE },
	{ "==", T_CMP, CMP_EQ }, { ">=", T_CMP, CMP_GE }, { "<=", T_CMP, CMP_LE },
	{ "&", T_AND, 0 },       { "|", T_OR, 0 },        { "!", T_NOT, 0 },
	{ "=", T_CMP, CMP_EQ },  { ">", T_CMP, CMP_GT },  { "<", T_CMP, CMP_LT },
	{ "(", T_LPAREN, 0 },    { ")", T_RPAREN, 0 },
};

/* Words that are operators (ss spells comparisons as words too). */
static const struct {
	const char *word;
	uint8_t type, cmp;
} keywords[] = {
	{ "and", T_AND, 0 },      { "or", T_OR, 0 },       { "not", T_NOT, 0 },
	{ "eq", T_CMP, CMP_EQ },  { "ne", T_CMP, CMP_NE }, { "neq", T_CMP, CMP_NE },
	{ "gt", T_CMP, CMP_GT },  { "lt", T_CMP, CMP_LT }, { "ge", T_CMP, CMP_GE },
	{ "geq", T_CMP, CMP_GE }, { "le", T_CMP, CMP_LE }, { "leq", T_CMP, CMP_LE },
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static const char word_stops[] = "()&|!=<>";

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static void next(struct parser *p)
{
	const char *s = p->s;
	size_t i = p->at;

	while (i < p->len && is_space(s[i]))
		i++;
	p->tok = (struct tok){ T_END, 0, i, 0 };
	if (i >= p->len) {
		p->at = i;
		return;
	}
	for (size_t k = 0; k < NELEM(symbols); k++) {
		size_t n = strlen(symbols[k].text);

		if (n <= p->len - i && !memcmp(s + i, symbols[k].text, n)) {
			p->tok = (struct tok){ symbols[k].type, symbols[k].cmp, i, n };
			p->at = i + n;
			return;
		}
	}
	size_t j = i;
	while (j < p->len && !is_space(s[j]) && !strchr(word_stops, s[j]))
		j++;
	p->tok = (struct tok){ T_WORD, 0, i, j - i };
	p->at = j;
	for (size_t k = 0; k < NELEM(keywords); k++) {
		if (strlen(keywords[k].word) == j - i &&
		    !strncasecmp(s + i, keywords[k].word, j - i)) {
			p->tok.type = keywords[k].type;
			p->tok.cmp = keywords[k].cmp;
			break;
		}
	}
}

/*
 * Records the first error as "<text up to `end`>: <what> at column N<suffix>",
 * N = col + 1. The quoted text is cut from the left and made printable so the
 * message stays one line.
 */
static void verr(struct parser *p, size_t col, size_t end, const char *suffix, const char *fmt,
		 va_list ap) __attribute__((format(printf, 5, 0)));
static void verr(struct parser *p, size_t col, size_t end, const char *suffix, const char *fmt,
		 va_list ap)
{
	enum { SHOW = 24 }; /* with the rest, a message stays under FILTER_MSG_MAX */
	char what[256], shown[SHOW + 4];
	size_t start = 0, k = 0;

	if (p->failed)
		return;
	p->failed = true;
	if (end > p->len)
		end = p->len;
	while (end > 0 && is_space(p->s[end - 1]))
		end--;
	while (start < end && is_space(p->s[start]))
		start++;
	if (end - start > SHOW) {
		start = end - (SHOW - 3);
		memcpy(shown, "...", 3);
		k = 3;
	}
	for (size_t i = start; i < end; i++)
		shown[k++] = isprint((unsigned char)p->s[i]) ? p->s[i] : '?';
	shown[k] = '\0';
	vsnprintf(what, sizeof(what), fmt, ap);
	terr_set(p->e, "%s%s%s at column %zu%s", shown, k ? ": " : "", what, col + 1,
		 suffix ? suffix : "");
}

/* An error about the text at [pos, pos + len). */
static void perr(struct parser *p, size_t pos, size_t len, const char *suffix, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
static void perr(struct parser *p, size_t pos, size_t len, const char *suffix, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verr(p, pos, pos + len, suffix, fmt, ap);
	va_end(ap);
}

/* An error about column `col` found only at the end (an unclosed parenthesis). */
static void perr_end(struct parser *p, size_t col, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void perr_end(struct parser *p, size_t col, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verr(p, col, p->len, NULL, fmt, ap);
	va_end(ap);
}

/* A token as the user wrote it, for messages: at most 16 printable characters. */
static const char *tok_text(const struct parser *p, const struct tok *t, char *buf, size_t len)
{
	size_t n = t->len < 16 ? t->len : 16, k = 0;

	if (t->type == T_END)
		return "end of filter";
	for (size_t i = 0; i < n && k + 1 < len; i++)
		buf[k++] = isprint((unsigned char)p->s[t->pos + i]) ? p->s[t->pos + i] : '?';
	buf[k] = '\0';
	return buf;
}

int32_t fast_add(struct fast *a, uint8_t type)
{
	a->v = xgrow(a->v, &a->cap, a->n + 1, sizeof(*a->v));
	memset(&a->v[a->n], 0, sizeof(a->v[a->n]));
	a->v[a->n].type = type;
	a->v[a->n].kid = -1;
	a->v[a->n].next = -1;
	return (int32_t)a->n++;
}

void fast_free(struct fast *a)
{
	free(a->v);
	a->v = NULL;
	a->n = a->cap = 0;
}

/* ---- primitives ------------------------------------------------------- */

struct fprim {
	const char *name;
	enum fkernel kernel;
	uint8_t shape;
	uint8_t side;
	int32_t (*parse)(struct parser *p, uint8_t prim);
	/* r is NULL when only a conn is matched (no process data then) */
	bool (*match)(const struct fleaf *l, const struct conn *c, const struct row *r);
	void (*describe)(const struct fleaf *l, const char *name, struct strbuf *sb);
};

static int32_t parse_port(struct parser *p, uint8_t prim);
static int32_t parse_host(struct parser *p, uint8_t prim);
static int32_t parse_state(struct parser *p, uint8_t prim);
static int32_t parse_proc(struct parser *p, uint8_t prim);
static int32_t parse_pid(struct parser *p, uint8_t prim);
static bool match_port(const struct fleaf *l, const struct conn *c, const struct row *r);
static bool match_host(const struct fleaf *l, const struct conn *c, const struct row *r);
static bool match_state(const struct fleaf *l, const struct conn *c, const struct row *r);
static bool match_proc(const struct fleaf *l, const struct conn *c, const struct row *r);
static void describe_port(const struct fleaf *l, const char *name, struct strbuf *sb);
static void describe_host(const struct fleaf *l, const char *name, struct strbuf *sb);
static void describe_state(const struct fleaf *l, const char *name, struct strbuf *sb);
static void describe_proc(const struct fleaf *l, const char *name, struct strbuf *sb);
static int32_t parse_netns(struct parser *p, uint8_t prim);
static bool match_netns(const struct fleaf *l, const struct conn *c, const struct row *r);
static void describe_netns(const struct fleaf *l, const char *name, struct strbuf *sb);

/*
 * The primitive table. `kernel` says what the kernel can do with the
 * primitive; a user-space-only primitive (FK_NONE) needs nothing else: the
 * bytecode compiler treats it as "maybe" and the state mask as "any state".
 */
enum { P_PORT, P_SPORT, P_DPORT, P_SRC, P_DST, P_HOST, P_STATE, P_PROC, P_PID, P_NETNS };
static const struct fprim prims[] = {
	[P_PORT] = { "port", FK_BYTECODE, FS_PORT, FSIDE_BOTH, parse_port, match_port,
		     describe_port },
	[P_SPORT] = { "sport", FK_BYTECODE, FS_PORT, FSIDE_SRC, parse_port, match_port,
		      describe_port },
	[P_DPORT] = { "dport", FK_BYTECODE, FS_PORT, FSIDE_DST, parse_port, match_port,
		      describe_port },
	[P_SRC] = { "src", FK_BYTECODE, FS_HOST, FSIDE_SRC, parse_host, match_host, describe_host },
	[P_DST] = { "dst", FK_BYTECODE, FS_HOST, FSIDE_DST, parse_host, match_host, describe_host },
	[P_HOST] = { "host", FK_BYTECODE, FS_HOST, FSIDE_BOTH, parse_host, match_host,
		     describe_host },
	[P_STATE] = { "state", FK_STATES, FS_STATE, 0, parse_state, match_state, describe_state },
	/* process attribution (procmap): user space only, "maybe" for the kernel */
	[P_PROC] = { "proc", FK_NONE, FS_PROC, 0, parse_proc, match_proc, describe_proc },
	[P_PID] = { "pid", FK_NONE, FS_PROC, 0, parse_pid, match_proc, describe_proc },
	/* the kernel dumps one namespace per socket: it cannot tell them apart ("maybe") */
	[P_NETNS] = { "netns", FK_NONE, FS_NETNS, 0, parse_netns, match_netns, describe_netns },
};

enum fkernel filter_leaf_kernel(const struct fleaf *l)
{
	return l->prim < NELEM(prims) ? prims[l->prim].kernel : FK_NONE;
}

static int32_t new_leaf(struct parser *p, uint8_t prim)
{
	int32_t i = fast_add(p->ast, FN_LEAF);
	struct fleaf *l = &p->ast->v[i].leaf;

	l->prim = prim;
	l->shape = prims[prim].shape;
	l->side = prims[prim].side;
	l->port = -1;
	return i;
}

/* Gives node i its height; false (error at column `start`) when that is too deep. */
static bool set_height(struct parser *p, int32_t i, size_t start)
{
	struct fast *a = p->ast;
	uint16_t h = 0;

	for (int32_t k = a->v[i].kid; k >= 0; k = a->v[k].next)
		if (a->v[k].height > h)
			h = a->v[k].height;
	a->v[i].height = (uint16_t)(h + 1);
	if (a->v[i].height > FILTER_MAX_DEPTH) {
		perr_end(p, start, "expression nested too deeply (more than %d levels)",
			 FILTER_MAX_DEPTH);
		return false;
	}
	return true;
}

static int32_t new_not(struct parser *p, int32_t kid, size_t start)
{
	int32_t i = fast_add(p->ast, FN_NOT);

	p->ast->v[i].kid = kid;
	return set_height(p, i, start) ? i : -1;
}

/*
 * What may start an operand, for messages. Short on purpose: a message is
 * one line that must fit a status line whole (the primitives are listed in
 * doc/FILTERS.md and by filter_keyword()).
 */
#define EXPECTED_OPERAND "a port, address, name, keyword or '('"

/* ---- ports ------------------------------------------------------------ */

#define PORT_BAD (-1)
#define PORT_RANGE (-2)

/* A decimal port at s[0..n): its value, PORT_BAD if not a number, PORT_RANGE if above 65535. */
static long port_value(const char *s, size_t n)
{
	long v = 0;

	if (n == 0)
		return PORT_BAD;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return PORT_BAD;
		if (v <= 65535)
			v = v * 10 + (s[i] - '0');
	}
	return v > 65535 ? PORT_RANGE : v;
}

/* Reads the port at word[off..off+n); reports a bad one. */
static bool read_port(struct parser *p, size_t pos, size_t n, long *out)
{
	long v = port_value(p->s + pos, n);

	if (v == PORT_BAD) {
		perr(p, pos, n, NULL, "expected a port number");
		return false;
	}
	if (v == PORT_RANGE) {
		perr(p, pos, n, NULL, "port out of range");
		return false;
	}
	*out = v;
	return true;
}

static int32_t port_leaf(struct parser *p, uint8_t prim, long lo, long hi)
{
	int32_t i = new_leaf(p, prim);

	p->ast->v[i].leaf.lo = (uint16_t)lo;
	p->ast->v[i].leaf.hi = (uint16_t)hi;
	return i;
}

/* [CMP] PORT, PORT-PORT, or ss's ":PORT" forms of both. */
static int32_t parse_port(struct parser *p, uint8_t prim)
{
	uint8_t cmp = CMP_EQ;
	struct tok w;
	const char *dash;
	size_t off;
	long a, b;

	if (p->tok.type == T_CMP) {
		cmp = p->tok.cmp;
		next(p);
	}
	w = p->tok;
	if (w.type != T_WORD) {
		perr(p, w.pos, w.len, NULL, "expected a port number");
		return -1;
	}
	next(p);
	off = p->s[w.pos] == ':';
	dash = memchr(p->s + w.pos + off, '-', w.len - off);
	if (dash) {
		size_t d = (size_t)(dash - p->s);

		if (cmp != CMP_EQ) {
			perr(p, w.pos, w.len, NULL, "a port range takes no comparison");
			return -1;
		}
		if (!read_port(p, w.pos + off, d - w.pos - off, &a) ||
		    !read_port(p, d + 1, w.pos + w.len - d - 1, &b))
			return -1;
		if (a > b) {
			perr(p, w.pos, w.len, NULL, "port range %ld-%ld is empty", a, b);
			return -1;
		}
		return port_leaf(p, prim, a, b);
	}
	if (!read_port(p, w.pos + off, w.len - off, &a))
		return -1;
	switch (cmp) {
	case CMP_NE:
		/* "port != 22": neither end is 22, the negation of "port 22". */
		return new_not(p, port_leaf(p, prim, a, a), w.pos);
	case CMP_GE:
		return port_leaf(p, prim, a, 65535);
	case CMP_LE:
		return port_leaf(p, prim, 0, a);
	case CMP_GT:
		if (a == 65535) {
			perr(p, w.pos, w.len, NULL, "no port is above 65535");
			return -1;
		}
		return port_leaf(p, prim, a + 1, 65535);
	case CMP_LT:
		if (a == 0) {
			perr(p, w.pos, w.len, NULL, "no port is below 0");
			return -1;
		}
		return port_leaf(p, prim, 0, a - 1);
	default:
		return port_leaf(p, prim, a, a);
	}
}

static bool port_in(const struct fleaf *l, unsigned port)
{
	return port >= l->lo && port <= l->hi;
}

static bool match_port(const struct fleaf *l, const struct conn *c, const struct row *r)
{
	(void)r;
	return ((l->side & FSIDE_SRC) && port_in(l, c->sport)) ||
	       ((l->side & FSIDE_DST) && port_in(l, c->dport));
}

static void describe_port(const struct fleaf *l, const char *name, struct strbuf *sb)
{
	if (l->lo == l->hi)
		sb_printf(sb, "%s %u", name, l->lo);
	else if (l->lo == 0)
		sb_printf(sb, "%s <= %u", name, l->hi);
	else if (l->hi == 65535)
		sb_printf(sb, "%s >= %u", name, l->lo);
	else
		sb_printf(sb, "%s %u-%u", name, l->lo, l->hi);
}

/* ---- addresses -------------------------------------------------------- */

/*
 * Dotted decimal with 1 to 4 parts ("10", "10.1", "10.1.2.3"); missing parts
 * are zero, which only makes sense with a prefix length (`partial_ok`).
 */
static bool parse_v4(const char *s, size_t n, bool partial_ok, uint8_t *out)
{
	size_t i = 0;
	int parts = 0;

	memset(out, 0, 16);
	while (parts < 4) {
		unsigned v = 0;
		size_t digits = 0;

		while (i < n && s[i] >= '0' && s[i] <= '9' && digits < 4) {
			v = v * 10 + (unsigned)(s[i++] - '0');
			digits++;
		}
		if (digits == 0 || digits > 3 || v > 255)
			return false;
		out[parts++] = (uint8_t)v;
		if (i == n)
			break;
		if (s[i++] != '.')
			return false;
		if (i == n)
			return false;
	}
	return i == n && (parts == 4 || partial_ok);
}

static bool parse_v6(const char *s, size_t n, uint8_t *out)
{
	char buf[INET6_ADDRSTRLEN + 1];

	if (n == 0 || n >= sizeof(buf))
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return inet_pton(AF_INET6, buf, out) == 1;
}

/*
 * ADDR, ADDR/LEN, [V6], [V6]/LEN, each optionally followed by :PORT; *, *:PORT
 * and :PORT for any address. A bare IPv6 address takes no port (it would be
 * ambiguous): brackets give one.
 */
static bool parse_hostspec(struct parser *p, size_t pos, size_t n, struct fleaf *l)
{
	const char *w = p->s + pos;
	size_t a = 0, alen = 0, rest = 0; /* address text w[a..a+alen), then w[rest..] */
	bool has_addr = true;
	const char *slash;

	l->family = AF_UNSPEC;
	l->plen = 0;
	l->port = -1;
	if (w[0] == '*' || (w[0] == ':' && (n == 1 || w[1] != ':'))) {
		has_addr = false;
		rest = w[0] == '*';
	} else if (w[0] == '[') {
		const char *close = memchr(w, ']', n);

		if (!close) {
			perr(p, pos, n, NULL, "missing ']' after the address");
			return false;
		}
		a = 1;
		alen = (size_t)(close - w) - 1;
		rest = alen + 2;
	} else if ((slash = memchr(w, '/', n))) {
		alen = (size_t)(slash - w);
		rest = alen;
	} else {
		const char *colon = memchr(w, ':', n);

		alen = n;
		/* Exactly one colon: a.b.c.d:port. More: a bare IPv6 address. */
		if (colon && !memchr(colon + 1, ':', n - (size_t)(colon - w) - 1))
			alen = (size_t)(colon - w);
		rest = alen;
	}
	if (has_addr) {
		bool prefixed = rest < n && w[rest] == '/';

		if (parse_v4(w + a, alen, prefixed, l->addr)) {
			l->family = AF_INET;
			l->plen = 32;
		} else if (parse_v6(w + a, alen, l->addr)) {
			l->family = AF_INET6;
			l->plen = 128;
		} else {
			bool digits = alen && strspn(w + a, "0123456789") >= alen;

			perr(p, pos + a, alen, digits ? "; a port alone is :PORT" : NULL,
			     "expected an address (10.0.0.1, 10.0.0.0/8, [::1])");
			return false;
		}
	}
	if (rest < n && w[rest] == '/') {
		size_t d = rest + 1, e = d;
		unsigned max = l->family == AF_INET ? 32 : 128;
		long v;

		if (!has_addr) {
			perr(p, pos + rest, n - rest, NULL, "a prefix length needs an address");
			return false;
		}
		while (e < n && w[e] != ':')
			e++;
		v = port_value(w + d, e - d); /* same digits rule; PORT_RANGE is far above 128 */
		if (v == PORT_BAD) {
			perr(p, pos + d, e - d, NULL, "expected a prefix length");
			return false;
		}
		if (v == PORT_RANGE || v > (long)max) {
			perr(p, pos + d, e - d, NULL, "prefix length out of range (0-%u)", max);
			return false;
		}
		l->plen = (uint8_t)v;
		rest = e;
	}
	if (rest < n && w[rest] == ':') {
		long v;

		if (rest + 2 == n && w[rest + 1] == '*')
			return true;
		if (!read_port(p, pos + rest + 1, n - rest - 1, &v))
			return false;
		l->port = (int32_t)v;
		rest = n;
	}
	if (rest != n) {
		perr(p, pos + rest, n - rest, NULL, "unexpected '%.*s' after the address",
		     (int)(n - rest < 16 ? n - rest : 16), w + rest);
		return false;
	}
	return true;
}

/* [= | == | eq | != | ne] HOST */
static int32_t parse_host(struct parser *p, uint8_t prim)
{
	bool negate = false;
	struct tok w;
	int32_t i;

	if (p->tok.type == T_CMP) {
		if (p->tok.cmp != CMP_EQ && p->tok.cmp != CMP_NE) {
			perr(p, p->tok.pos, p->tok.len, NULL,
			     "an address compares with = or != only");
			return -1;
		}
		negate = p->tok.cmp == CMP_NE;
		next(p);
	}
	w = p->tok;
	if (w.type != T_WORD) {
		perr(p, w.pos, w.len, NULL, "expected an address");
		return -1;
	}
	next(p);
	i = new_leaf(p, prim);
	if (!parse_hostspec(p, w.pos, w.len, &p->ast->v[i].leaf))
		return -1;
	return negate ? new_not(p, i, w.pos) : i;
}

/*
 * The kernel's test (inet_diag_bc_run): a port of -1 matches any; an IPv4
 * prefix also matches the IPv4 part of a v4-mapped IPv6 address; otherwise
 * the families must agree.
 */
static bool prefix_match(const uint8_t *a, const uint8_t *b, unsigned bits)
{
	unsigned bytes = bits / 8, rem = bits % 8;

	if (memcmp(a, b, bytes))
		return false;
	if (rem) {
		uint8_t mask = (uint8_t)(0xff << (8 - rem));

		return ((a[bytes] ^ b[bytes]) & mask) == 0;
	}
	return true;
}

static bool host_side(const struct fleaf *l, int family, const uint8_t *addr, unsigned port)
{
	if (l->port >= 0 && (unsigned)l->port != port)
		return false;
	if (l->family == AF_UNSPEC)
		return true;
	if (l->family != family) {
		return l->family == AF_INET && family == AF_INET6 && addr_is_v4mapped(addr) &&
		       prefix_match(addr + 12, l->addr, l->plen);
	}
	return prefix_match(addr, l->addr, l->plen);
}

static bool match_host(const struct fleaf *l, const struct conn *c, const struct row *r)
{
	(void)r;
	return ((l->side & FSIDE_SRC) && host_side(l, c->family, conn_src(c), c->sport)) ||
	       ((l->side & FSIDE_DST) && host_side(l, c->family, conn_dst(c), c->dport));
}

static void describe_host(const struct fleaf *l, const char *name, struct strbuf *sb)
{
	char buf[INET6_ADDRSTRLEN];

	sb_printf(sb, "%s ", name);
	if (l->family == AF_INET)
		sb_printf(sb, "%s/%u", inet_ntop(AF_INET, l->addr, buf, sizeof(buf)), l->plen);
	else if (l->family == AF_INET6)
		sb_printf(sb, "[%s]/%u", inet_ntop(AF_INET6, l->addr, buf, sizeof(buf)), l->plen);
	else
		sb_putc(sb, '*');
	if (l->port >= 0)
		sb_printf(sb, ":%d", l->port);
}

/* ---- states ----------------------------------------------------------- */

#define SB(s) (1u << (s))

/* ss's groups (misc/ss.c scan_state) and its other spellings of single states. */
static const struct {
	const char *name;
	uint32_t states;
} state_words[] = {
	{ "connected", FILTER_ALL_STATES & ~(SB(TS_CLOSE) | SB(TS_LISTEN)) },
	{ "synchronized", FILTER_ALL_STATES & ~(SB(TS_CLOSE) | SB(TS_LISTEN) | SB(TS_SYN_SENT)) },
	{ "bucket", SB(TS_SYN_RECV) | SB(TS_TIME_WAIT) },
	{ "big", FILTER_ALL_STATES & ~(SB(TS_SYN_RECV) | SB(TS_TIME_WAIT)) },
	{ "all", FILTER_ALL_STATES },
	{ "closed", SB(TS_CLOSE) },
	{ "unconnected", SB(TS_CLOSE) },
	{ "syn-rcv", SB(TS_SYN_RECV) },
	{ "listening", SB(TS_LISTEN) },
};

static uint32_t state_lookup(const char *s, size_t n)
{
	char buf[32];
	unsigned st;

	if (n >= sizeof(buf))
		return 0;
	memcpy(buf, s, n);
	buf[n] = '\0';
	for (size_t i = 0; i < NELEM(state_words); i++)
		if (!strcasecmp(buf, state_words[i].name))
			return state_words[i].states;
	st = conn_state_from_name(buf);
	return st ? SB(st) : 0;
}

/*
 * The hint after an unknown state: the state it starts (or the one
 * starting it: "estab" -> established), else a few examples. Not the whole
 * list: that made the message longer than a status line.
 */
static const char *known_states(const char *w, size_t n, char *buf, size_t len)
{
	const char *match = NULL;
	int matches = 0;

	for (unsigned s = 1; s <= TS_USER_LAST + NELEM(state_words); s++) {
		const char *k = s <= TS_USER_LAST ? conn_state_keyword(s)
						  : state_words[s - TS_USER_LAST - 1].name;

		if (n && n < strlen(k) && !strncasecmp(w, k, n)) {
			match = k;
			matches++;
		}
	}
	if (matches == 1)
		snprintf(buf, len, " (did you mean %s?)", match);
	else
		snprintf(buf, len, " (e.g. established, listen, time-wait, or all)");
	return buf;
}

static int32_t parse_state(struct parser *p, uint8_t prim)
{
	char known[256], tb[40];
	struct tok w = p->tok;
	uint32_t states;
	int32_t i;

	if (w.type != T_WORD) {
		perr(p, w.pos, w.len, known_states("", 0, known, sizeof(known)),
		     "expected a state name");
		return -1;
	}
	states = state_lookup(p->s + w.pos, w.len);
	if (!states) {
		perr(p, w.pos, w.len, known_states(p->s + w.pos, w.len, known, sizeof(known)),
		     "unknown state '%s'", tok_text(p, &w, tb, sizeof(tb)));
		return -1;
	}
	next(p);
	i = new_leaf(p, prim);
	p->ast->v[i].leaf.states = states;
	return i;
}

static bool match_state(const struct fleaf *l, const struct conn *c, const struct row *r)
{
	(void)r;
	return c->state < 32 && (l->states & SB(c->state));
}

static void describe_state(const struct fleaf *l, const char *name, struct strbuf *sb)
{
	int n = 0;

	for (size_t i = 0; i < 5; i++) {
		if (l->states == state_words[i].states) {
			sb_printf(sb, "%s %s", name, state_words[i].name);
			return;
		}
	}
	for (unsigned s = 1; s <= TS_USER_LAST; s++)
		n += (l->states & SB(s)) != 0;
	if (n != 1)
		sb_putc(sb, '(');
	n = 0;
	for (unsigned s = 1; s <= TS_USER_LAST; s++)
		if (l->states & SB(s))
			sb_printf(sb, "%s%s %s", n++ ? " or " : "", name, conn_state_keyword(s));
	if (n != 1)
		sb_putc(sb, ')');
}

/* ---- processes ---------------------------------------------------------- */

/* `proc NAME`: the kernel keeps 15 bytes of a command name, so a longer one is cut to match. */
static int32_t parse_proc(struct parser *p, uint8_t prim)
{
	struct tok w = p->tok;
	int32_t i;

	if (w.type != T_WORD) {
		perr(p, w.pos, w.len, NULL, "expected a process name");
		return -1;
	}
	next(p);
	i = new_leaf(p, prim);
	snprintf(p->ast->v[i].leaf.comm, sizeof(p->ast->v[i].leaf.comm), "%.*s",
		 (int)(w.len < 15 ? w.len : 15), p->s + w.pos);
	p->procs = true;
	return i;
}

/* `pid N`: 1 to 4194304, the kernel's PID_MAX_LIMIT. */
static int32_t parse_pid(struct parser *p, uint8_t prim)
{
	struct tok w = p->tok;
	char tb[40];
	long v = 0;
	int32_t i;

	if (w.type != T_WORD) {
		perr(p, w.pos, w.len, NULL, "expected a process id");
		return -1;
	}
	for (size_t k = 0; k < w.len; k++) {
		char ch = p->s[w.pos + k];

		if (ch < '0' || ch > '9' || v > 4194304) {
			perr(p, w.pos, w.len, NULL, "'%s' is not a process id",
			     tok_text(p, &w, tb, sizeof(tb)));
			return -1;
		}
		v = v * 10 + (ch - '0');
	}
	if (v < 1 || v > 4194304) {
		perr(p, w.pos, w.len, NULL, "process id out of range");
		return -1;
	}
	next(p);
	i = new_leaf(p, prim);
	p->ast->v[i].leaf.pid = (int32_t)v;
	p->procs = true;
	return i;
}

/* Any holder of a shared socket matches, not only the one shown. */
static bool match_proc(const struct fleaf *l, const struct conn *c, const struct row *r)
{
	(void)c;
	if (!r)
		return false;
	return l->pid ? procinfo_has_pid(row_proc(r), l->pid)
		      : procinfo_has_comm(row_proc(r), l->comm);
}

static void describe_proc(const struct fleaf *l, const char *name, struct strbuf *sb)
{
	if (l->pid)
		sb_printf(sb, "%s %d", name, l->pid);
	else
		sb_printf(sb, "%s %s", name, l->comm);
}

/* ---- network namespaces ------------------------------------------------- */

/* `netns NAME`: the Netns column's text ("blue", "docker:0123456789ab", "net:[4026532280]"). */
static int32_t parse_netns(struct parser *p, uint8_t prim)
{
	struct tok w = p->tok;
	int32_t i;

	if (w.type != T_WORD) {
		perr(p, w.pos, w.len, NULL, "expected a network namespace name");
		return -1;
	}
	if (w.len >= sizeof(p->ast->v[0].leaf.netns)) {
		perr(p, w.pos, w.len, NULL, "a network namespace name is at most %zu bytes",
		     sizeof(p->ast->v[0].leaf.netns) - 1);
		return -1;
	}
	next(p);
	i = new_leaf(p, prim);
	snprintf(p->ast->v[i].leaf.netns, sizeof(p->ast->v[i].leaf.netns), "%.*s", (int)w.len,
		 p->s + w.pos);
	return i;
}

/*
 * The name as shown; a container's also by a longer id ("docker:" and
 * more of the 64 digits than the 12 shown). Without -N all no socket has
 * a namespace entry, so nothing matches.
 */
static bool match_netns(const struct fleaf *l, const struct conn *c, const struct row *r)
{
	size_t n;

	(void)c;
	if (!r || !row_ns(r))
		return false;
	if (!strcmp(l->netns, row_ns(r)->name))
		return true;
	n = strlen(row_ns(r)->name);
	return row_ns(r)->kind == NSK_CONTAINER && !strncmp(l->netns, row_ns(r)->name, n);
}

static void describe_netns(const struct fleaf *l, const char *name, struct strbuf *sb)
{
	sb_printf(sb, "%s %s", name, l->netns);
}

/* ---- expressions ------------------------------------------------------ */

static int32_t parse_or(struct parser *p);

static bool starts_unary(const struct parser *p)
{
	return p->tok.type == T_WORD || p->tok.type == T_NOT || p->tok.type == T_LPAREN;
}

/* The error for a token that cannot start an operand. */
static void expected_operand(struct parser *p, const struct tok *after)
{
	char tb[40];
	const struct tok *t = &p->tok;

	if (t->type == T_RPAREN && !after) {
		perr(p, t->pos, t->len, NULL, "unbalanced ')'");
		return;
	}
	if (after)
		perr(p, t->pos, t->len, NULL, "expected " EXPECTED_OPERAND " after '%s'",
		     tok_text(p, after, tb, sizeof(tb)));
	else
		perr(p, t->pos, t->len, NULL, "expected " EXPECTED_OPERAND);
}

/* A number or a number range: a port, as `port N` (either end). */
static bool bare_port(const char *w, size_t n)
{
	size_t digits = strspn(w, "0123456789");

	if (digits == 0 || digits > n)
		return false;
	if (digits == n)
		return true;
	return w[digits] == '-' && digits + 1 < n &&
	       strspn(w + digits + 1, "0123456789") >= n - digits - 1;
}

/*
 * An address, a prefix or an endpoint, as `host ...`: only the characters
 * of addresses ([0-9a-f.:/[]*]) and at least one that a name would not
 * need (a dot, colon, slash, bracket or '*'). "10.0.0.1", "10/8", "::1",
 * "fe80::/10", "[::1]:22", "*:80" are hosts; "cafe" and "python3.11" are
 * names. A near-miss such as "10.0.0.300" is a host with an error, not a
 * process name that matches nothing.
 */
static bool bare_host(const char *w, size_t n)
{
	bool marked = false;

	for (size_t i = 0; i < n; i++) {
		char ch = w[i];

		if (strchr(".:/[]*", ch))
			marked = true;
		else if (!isxdigit((unsigned char)ch))
			return false;
	}
	return marked;
}

/*
 * A keyword one slip away from `w` (a letter changed, two swapped or one
 * left out: "sprt", "prot", "stat"), or NULL. A letter added is not counted:
 * "procd" and "hostd" are daemons, not typos.
 */
static const char *near_keyword(const char *w, size_t n)
{
	static const char *const words[] = { "port", "sport", "dport", "src", "dst",
					     "host", "state", "pid",   "and", "not" };

	if (n < 3)
		return NULL;
	for (size_t k = 0; k < NELEM(words); k++) {
		const char *kw = words[k];
		size_t m = strlen(kw), i = 0;

		while (i < n && i < m && tolower((unsigned char)w[i]) == kw[i])
			i++;
		if (n == m && i < n) {
			/* one substitution, or two neighbours swapped */
			if (!strncasecmp(w + i + 1, kw + i + 1, n - i - 1))
				return kw;
			if (i + 1 < n && tolower((unsigned char)w[i]) == kw[i + 1] &&
			    tolower((unsigned char)w[i + 1]) == kw[i] &&
			    !strncasecmp(w + i + 2, kw + i + 2, n - i - 2))
				return kw;
		} else if (n + 1 == m && !strncasecmp(w + i, kw + i + 1, n - i)) {
			return kw; /* one letter left out */
		}
	}
	return NULL;
}

/* A primitive keyword glued to its operand ("dport80", "src10.0.0.1"), or NULL. */
static const char *glued_keyword(const char *w, size_t n, size_t *kwlen)
{
	for (size_t k = 0; k < NELEM(prims); k++) {
		size_t m = strlen(prims[k].name);

		/* proc takes any name: "proc1" may well be one */
		if (k == P_PROC || n <= m || strncasecmp(w, prims[k].name, m))
			continue;
		if (isdigit((unsigned char)w[m]) || w[m] == '[' || w[m] == ':') {
			*kwlen = m;
			return prims[k].name;
		}
	}
	return NULL;
}

/*
 * Words the way people type them (doc/FILTERS.md, "Bare words"): a number
 * is a port, an address or prefix a host, anything else a process name.
 * Called only when the word is no keyword: keywords always win. A word that
 * is a keyword mistyped would silently become a process matching nothing:
 * it is an error with the likely keyword instead (`proc NAME` still takes it).
 */
static int32_t parse_bare(struct parser *p)
{
	const struct tok w = p->tok;
	const char *s = p->s + w.pos, *kw;
	size_t kwlen = 0;
	int32_t i;

	if (bare_port(s, w.len))
		return parse_port(p, P_PORT);
	if ((kw = glued_keyword(s, w.len, &kwlen))) {
		perr(p, w.pos, w.len, NULL, "did you mean '%s %.*s'?", kw,
		     (int)(w.len - kwlen < 24 ? w.len - kwlen : 24), s + kwlen);
		return -1;
	}
	if (!bare_host(s, w.len) && (kw = near_keyword(s, w.len))) {
		perr(p, w.pos, w.len, "; a process name is written proc NAME", "did you mean '%s'?",
		     kw);
		return -1;
	}
	if (!bare_host(s, w.len))
		return parse_proc(p, P_PROC);
	next(p);
	i = new_leaf(p, P_HOST);
	return parse_hostspec(p, w.pos, w.len, &p->ast->v[i].leaf) ? i : -1;
}

static int32_t parse_primitive(struct parser *p)
{
	const struct tok w = p->tok;

	/* ss's ":443": either end ("::1" is an address) */
	if (p->s[w.pos] == ':' && !(w.len > 1 && p->s[w.pos + 1] == ':'))
		return parse_port(p, P_PORT);
	for (size_t i = 0; i < NELEM(prims); i++) {
		if (strlen(prims[i].name) == w.len &&
		    !strncasecmp(p->s + w.pos, prims[i].name, w.len)) {
			next(p);
			return prims[i].parse(p, (uint8_t)i);
		}
	}
	return parse_bare(p);
}

static int32_t parse_unary(struct parser *p)
{
	struct tok t = p->tok;
	int32_t kid;

	if (t.type != T_NOT && t.type != T_LPAREN) {
		if (t.type != T_WORD) {
			expected_operand(p, NULL);
			return -1;
		}
		return parse_primitive(p);
	}
	/* Bounds the recursion; the depth that counts is the tree's (set_height). */
	if (++p->depth > FILTER_MAX_PARENS) {
		perr(p, t.pos, t.len, NULL, "more than %d nested parentheses and 'not's",
		     FILTER_MAX_PARENS);
		return -1;
	}
	next(p);
	if (!starts_unary(p)) {
		expected_operand(p, &t);
		return -1;
	}
	if (t.type == T_NOT) {
		kid = parse_unary(p);
		p->depth--;
		return kid < 0 ? -1 : new_not(p, kid, t.pos);
	}
	kid = parse_or(p);
	if (kid < 0)
		return -1;
	if (p->tok.type != T_RPAREN) {
		char tb[40];

		if (p->tok.type == T_END)
			perr_end(p, t.pos, "unbalanced '('");
		else
			perr(p, p->tok.pos, p->tok.len, NULL, "unexpected '%s', expected ')'",
			     tok_text(p, &p->tok, tb, sizeof(tb)));
		return -1;
	}
	next(p);
	p->depth--;
	return kid;
}

/* A run of operands joined by `type` (and: also by juxtaposition) as one n-ary node. */
static int32_t parse_list(struct parser *p, uint8_t type)
{
	size_t start = p->tok.pos;
	int32_t first = type == FN_OR ? parse_list(p, FN_AND) : parse_unary(p);
	int32_t node = -1, last = first;
	uint8_t op = type == FN_OR ? T_OR : T_AND;

	if (first < 0)
		return -1;
	for (;;) {
		struct tok t = p->tok;
		int32_t k;

		if (t.type == op) {
			next(p);
			if (!starts_unary(p)) {
				expected_operand(p, &t);
				return -1;
			}
		} else if (type == FN_OR || !starts_unary(p)) {
			break;
		}
		k = type == FN_OR ? parse_list(p, FN_AND) : parse_unary(p);
		if (k < 0)
			return -1;
		if (node < 0) {
			node = fast_add(p->ast, type);
			p->ast->v[node].kid = first;
		}
		p->ast->v[last].next = k;
		last = k;
	}
	if (node >= 0 && !set_height(p, node, start))
		return -1;
	return node < 0 ? first : node;
}

static int32_t parse_or(struct parser *p)
{
	return parse_list(p, FN_OR);
}

struct filter *filter_parse(const char *text, struct terr *e)
{
	struct filter *f;
	struct parser p = { .s = text ? text : "", .e = e };
	struct fast ast = { 0 };

	terr_clear(e);
	p.len = strlen(p.s);
	p.ast = &ast;
	if (p.len > FILTER_MAX_TEXT) {
		perr(&p, FILTER_MAX_TEXT, 0, NULL, "filter longer than %d characters",
		     FILTER_MAX_TEXT);
		return NULL;
	}
	next(&p);
	if (p.tok.type == T_END)
		return NULL; /* blank: no filter */
	ast.root = parse_or(&p);
	if (ast.root >= 0 && p.tok.type != T_END) {
		char tb[40];

		if (p.tok.type == T_RPAREN)
			perr(&p, p.tok.pos, p.tok.len, NULL, "unbalanced ')'");
		else
			perr(&p, p.tok.pos, p.tok.len, NULL, "unexpected '%s'",
			     tok_text(&p, &p.tok, tb, sizeof(tb)));
	}
	if (p.failed) {
		fast_free(&ast);
		return NULL;
	}
	f = xcalloc(1, sizeof(*f));
	f->text = xstrdup(p.s);
	f->ast = ast;
	f->procs = p.procs;
	filter_compile(f);
	return f;
}

void filter_free(struct filter *f)
{
	if (!f)
		return;
	free(f->text);
	fast_free(&f->ast);
	free(f->bc);
	free(f);
}

static bool eval(const struct fast *a, int32_t i, const struct conn *c, const struct row *r)
{
	const struct fnode *n = &a->v[i];

	switch (n->type) {
	case FN_LEAF:
		return prims[n->leaf.prim].match(&n->leaf, c, r);
	case FN_AND:
		for (int32_t k = n->kid; k >= 0; k = a->v[k].next)
			if (!eval(a, k, c, r))
				return false;
		return true;
	case FN_OR:
		for (int32_t k = n->kid; k >= 0; k = a->v[k].next)
			if (eval(a, k, c, r))
				return true;
		return false;
	case FN_NOT:
		return !eval(a, n->kid, c, r);
	default:
		return n->type == FN_TRUE;
	}
}

bool filter_match_conn(const struct filter *f, const struct conn *c)
{
	return !f || eval(&f->ast, f->ast.root, c, NULL);
}

bool filter_match(const struct filter *f, const struct row *r)
{
	return !f || eval(&f->ast, f->ast.root, r->c, r);
}

bool filter_needs_procs(const struct filter *f)
{
	return f && f->procs;
}

const char *filter_privilege_note(const struct filter *f, bool all_procs)
{
	if (!filter_needs_procs(f) || all_procs)
		return NULL;
	return "proc and pid can match only your own processes' sockets: other users' "
	       "processes need CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH (run as root)";
}

bool filter_view_match(const struct row *r, void *ctx)
{
	return filter_match(ctx, r);
}

const char *filter_text(const struct filter *f)
{
	return f ? f->text : NULL;
}

static void describe(const struct fast *a, int32_t i, struct strbuf *sb)
{
	const struct fnode *n = &a->v[i];

	switch (n->type) {
	case FN_LEAF:
		prims[n->leaf.prim].describe(&n->leaf, prims[n->leaf.prim].name, sb);
		break;
	case FN_AND:
	case FN_OR:
		sb_putc(sb, '(');
		for (int32_t k = n->kid; k >= 0; k = a->v[k].next) {
			describe(a, k, sb);
			if (a->v[k].next >= 0)
				sb_puts(sb, n->type == FN_AND ? " and " : " or ");
		}
		sb_putc(sb, ')');
		break;
	case FN_NOT:
		sb_puts(sb, "not ");
		describe(a, n->kid, sb);
		break;
	default:
		/* Not produced by the parser; a form that parses to the same truth value. */
		sb_puts(sb, n->type == FN_TRUE ? "port >= 0" : "not port >= 0");
		break;
	}
}

void filter_describe(const struct filter *f, struct strbuf *sb)
{
	if (f)
		describe(&f->ast, f->ast.root, sb);
}

/*
 * The keywords, from the tables the parser reads: primitives, operator
 * words, state keywords, then ss's state groups and spellings.
 */
struct filter_word filter_keyword(size_t i)
{
	if (i < NELEM(prims))
		return (struct filter_word){ prims[i].name, FW_PRIMITIVE };
	i -= NELEM(prims);
	if (i < NELEM(keywords))
		return (struct filter_word){ keywords[i].word,
					     keywords[i].type == T_CMP ? FW_COMPARE : FW_LOGIC };
	i -= NELEM(keywords);
	if (i < TS_USER_LAST)
		return (struct filter_word){ conn_state_keyword((unsigned)i + 1), FW_STATE };
	i -= TS_USER_LAST;
	if (i < NELEM(state_words))
		return (struct filter_word){ state_words[i].name, FW_STATE };
	return (struct filter_word){ NULL, 0 };
}
