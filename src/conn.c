/* SPDX-License-Identifier: GPL-2.0-or-later */
/* conn: TCP state and congestion control names, address formatting, skmem for hand-built conns. */
#include "conn.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "arena.h"
#include "fmt.h"

struct state_name {
	const char *name;    /* ss style, shown to users and in JSON */
	const char *keyword; /* filter language */
};

static const struct state_name states[TS_MAX] = {
	[TS_ESTABLISHED] = { "ESTAB", "established" },
	[TS_SYN_SENT] = { "SYN-SENT", "syn-sent" },
	[TS_SYN_RECV] = { "SYN-RECV", "syn-recv" },
	[TS_FIN_WAIT1] = { "FIN-WAIT-1", "fin-wait-1" },
	[TS_FIN_WAIT2] = { "FIN-WAIT-2", "fin-wait-2" },
	[TS_TIME_WAIT] = { "TIME-WAIT", "time-wait" },
	[TS_CLOSE] = { "CLOSE", "close" },
	[TS_CLOSE_WAIT] = { "CLOSE-WAIT", "close-wait" },
	[TS_LAST_ACK] = { "LAST-ACK", "last-ack" },
	[TS_LISTEN] = { "LISTEN", "listen" },
	[TS_CLOSING] = { "CLOSING", "closing" },
	[TS_NEW_SYN_RECV] = { "SYN-RECV", NULL },
	[TS_BOUND_INACTIVE] = { "BOUND", NULL },
};

const char *conn_state_name(unsigned state)
{
	if (state < TS_MAX && states[state].name)
		return states[state].name;
	return "UNKNOWN";
}

const char *conn_state_keyword(unsigned state)
{
	return state < TS_MAX ? states[state].keyword : NULL;
}

unsigned conn_state_from_name(const char *name)
{
	for (unsigned s = 1; s <= TS_USER_LAST; s++) {
		if (!strcasecmp(name, states[s].keyword) || !strcasecmp(name, states[s].name))
			return s;
	}
	return 0;
}

static const char *const timer_names[] = {
	[TIMER_NONE] = "off",          [TIMER_RETRANS] = "on",      [TIMER_KEEPALIVE] = "keepalive",
	[TIMER_TIMEWAIT] = "timewait", [TIMER_PERSIST] = "persist", [TIMER_DELACK] = "delack",
};

const char *conn_timer_name(unsigned timer)
{
	if (timer < sizeof(timer_names) / sizeof(timer_names[0]))
		return timer_names[timer];
	return "unknown";
}

void conn_set_addrs(struct conn *c, struct arena *a, const void *src, const void *dst)
{
	if (c->family == AF_INET6) {
		uint8_t *v6 = arena_alloc(a, 32);

		memcpy(v6, src, 16);
		memcpy(v6 + 16, dst, 16);
		c->addr.v6 = v6;
		return;
	}
	memcpy(c->addr.v4, src, 4);
	memcpy(c->addr.v4 + 4, dst, 4);
}

void conn_addr_mapped(const struct conn *c, bool dst, uint8_t out[16])
{
	const uint8_t *a = dst ? conn_dst(c) : conn_src(c);

	if (c->family == AF_INET6) {
		memcpy(out, a, 16);
		return;
	}
	memset(out, 0, 10);
	out[10] = out[11] = 0xff;
	memcpy(out + 12, a, 4);
}

bool addr_is_v4mapped(const uint8_t *a)
{
	static const uint8_t prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

	return memcmp(a, prefix, sizeof(prefix)) == 0;
}

bool addr_is_any(int family, const uint8_t *a)
{
	static const uint8_t zero[16];

	if (family == AF_INET6 && addr_is_v4mapped(a))
		return memcmp(a + 12, zero, 4) == 0;
	return memcmp(a, zero, family == AF_INET ? 4 : 16) == 0;
}

int addr_family(int family, const uint8_t *a)
{
	return family == AF_INET6 && addr_is_v4mapped(a) ? AF_INET : family;
}

char *addr_str(int family, const uint8_t *a, char *buf, size_t len)
{
	if (family == AF_INET6 && addr_is_v4mapped(a))
		return addr_str(AF_INET, a + 12, buf, len);
	if (family == AF_INET)
		return fmt_ipv4(a, buf, len); /* inet_ntop has a printf inside: a cell per socket */
	if ((family != AF_INET && family != AF_INET6) || !inet_ntop(family, a, buf, (socklen_t)len))
		snprintf(buf, len, "?");
	return buf;
}

/* "a.b.c.d:port" (":*" for star) written at buf, which has room for 22 bytes. */
static void endpoint4(const uint8_t *a, uint16_t port, bool star, char *buf)
{
	char *p = buf;

	for (int i = 0; i < 4; i++) {
		unsigned o = a[i];

		if (o >= 100) {
			*p++ = (char)('0' + o / 100);
			*p++ = (char)('0' + o / 10 % 10);
		} else if (o >= 10) {
			*p++ = (char)('0' + o / 10);
		}
		*p++ = (char)('0' + o % 10);
		*p++ = i < 3 ? '.' : ':';
	}
	if (star)
		memcpy(p, "*", 2);
	else
		fmt_u64(port, p, 6); /* "65535" and its NUL */
}

char *endpoint_str(int family, const uint8_t *a, uint16_t port, char *buf, size_t len)
{
	char ab[ADDR_STRLEN];
	int eff = addr_family(family, a);
	char pb[8];
	size_t np;
	/* a listener's peer: any address, no port, as ss shows it */
	bool star = port == 0 && addr_is_any(family, a);

	/* the common case, a cell per socket: no printf, no copy ("255.255.255.255:65535" is 21) */
	if (eff == AF_INET && len >= 22) {
		endpoint4(family == AF_INET6 ? a + 12 : a, port, star, buf);
		return buf;
	}
	if (star) {
		memcpy(pb, "*", 2);
		np = 1;
	} else {
		np = (size_t)fmt_u64(port, pb, sizeof(pb));
	}
	if (family == AF_INET6 && addr_is_any(family, a) && !addr_is_v4mapped(a))
		snprintf(buf, len, "[::]:%s", pb);
	else if (eff == AF_INET6)
		snprintf(buf, len, "[%s]:%s", addr_str(family, a, ab, sizeof(ab)), pb);
	else {
		/* "%s:%s" */
		size_t n = strlen(addr_str(family, a, ab, sizeof(ab)));

		if (len && n + 1 + np < len) {
			memcpy(buf, ab, n);
			buf[n] = ':';
			memcpy(buf + n + 1, pb, np + 1);
		} else {
			snprintf(buf, len, "%s:%s", ab, pb);
		}
	}
	return buf;
}

/*
 * The kernel's own congestion controls (net/ipv4/tcp_*.c): cong_id i is
 * known_cong[i - 1], so these cost a socket no bytes beyond its id.
 */
#define CC(s)                                                                                      \
	{                                                                                          \
		s, sizeof(s) - 1                                                                   \
	}
static const struct {
	const char *name;
	size_t len;
} known_cong[] = {
	CC("cubic"),    CC("reno"),  CC("bbr"),       CC("bbr2"),     CC("bbr3"),
	CC("dctcp"),    CC("htcp"),  CC("westwood"),  CC("vegas"),    CC("veno"),
	CC("illinois"), CC("hybla"), CC("highspeed"), CC("scalable"), CC("yeah"),
	CC("lp"),       CC("bic"),   CC("cdg"),       CC("nv"),
};
#undef CC
#define N_KNOWN_CONG (sizeof(known_cong) / sizeof(known_cong[0]))
_Static_assert(N_KNOWN_CONG < CONN_CONG_OTHER, "cong ids 1..n must stay below CONN_CONG_OTHER");

unsigned conn_cong_id(const char *name, size_t len)
{
	for (size_t k = 0; k < N_KNOWN_CONG; k++)
		if (known_cong[k].len == len && !memcmp(name, known_cong[k].name, len))
			return (unsigned)k + 1;
	return 0;
}

/* Another name: after the values in the socket's block. */
static const char *other_cong(const struct conn *c)
{
	return c->info ? sockblk_name(c->info, c->skmem_n) : NULL;
}

const char *conn_cong(const struct conn *c)
{
	if (c->cong_id == CONN_CONG_OTHER)
		return other_cong(c);
	if (c->cong_id == 0 || c->cong_id > N_KNOWN_CONG)
		return NULL;
	return known_cong[c->cong_id - 1].name;
}

struct tcpc *conn_block(struct conn *c, struct arena *a, size_t n, const char *other, size_t olen)
{
	struct tcpc *tc = sockblk_plain(a, n, other, olen, &c->info);

	c->skmem_n = (uint8_t)n;
	return tc;
}

uint32_t *conn_attach_skmem(struct conn *c, struct arena *a, const uint32_t *m, size_t n)
{
	const struct sockblk *was = c->info;
	const char *other = c->cong_id == CONN_CONG_OTHER ? other_cong(c) : NULL;
	struct tcpc *tc;
	uint32_t *dst;

	if (n > SKM_N)
		n = SKM_N;
	/* the old block stays in the arena: its tcpc and name are copied from there */
	tc = conn_block(c, a, n, other, other ? strlen(other) : 0);
	if (was)
		sockblk_tcpc(was, tc);
	else
		memset(tc, 0, sizeof(*tc));
	dst = (uint32_t *)(void *)(tc + 1);
	memcpy(dst, m, n * sizeof(uint32_t));
	c->have |= CONN_HAS_SKMEM;
	return dst;
}
