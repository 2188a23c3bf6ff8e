/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_filter: arbitrary text as a filter: no crash, a short one-line error or a canonical form that parses back, and a kernel part that never rejects a match. */
#include <arpa/inet.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "arena.h"
#include "filter.h"
#include "strbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond))                                                                       \
			__builtin_trap();                                                          \
	} while (0)

static struct conn conns[64];
static struct arena arena; /* the IPv6 conns' addresses, for the whole run */
static size_t nconns;

/* Sockets of both families, v4-mapped ones, wildcards, edge ports, every state. */
static void make_conns(void)
{
	static const char *const addrs[] = { "10.1.2.3",        "127.0.0.1", "0.0.0.0",
					     "192.168.255.255", "::1",       "fd00::1",
					     "::ffff:10.1.2.3", "::",        "fe80::1" };
	static const unsigned ports[] = { 0, 1, 22, 80, 443, 1023, 1024, 20000, 65534, 65535 };

	for (size_t i = 0; i < sizeof(conns) / sizeof(conns[0]); i++) {
		struct conn *c = &conns[i];
		const char *a = addrs[i % 9], *b = addrs[(i * 5 + 3) % 9];
		uint8_t sa[16] = { 0 }, da[16] = { 0 };

		c->family = strchr(a, ':') ? AF_INET6 : AF_INET;
		if ((strchr(b, ':') != NULL) != (c->family == AF_INET6))
			b = a;
		inet_pton(c->family, a, sa);
		inet_pton(c->family, b, da);
		conn_set_addrs(c, &arena, sa, da);
		c->sport = (uint16_t)ports[i % 10];
		c->dport = (uint16_t)ports[(i * 7 + 1) % 10];
		c->state = (uint8_t)(1 + i % TS_USER_LAST);
		c->cookie = i;
	}
	nconns = sizeof(conns) / sizeof(conns[0]);
}

static bool blank(const char *s)
{
	return strspn(s, " \t\n\r\v\f") == strlen(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	struct strbuf d1 = STRBUF_INIT, d2 = STRBUF_INIT;
	struct filter *f, *g;
	struct diag_req req = { 0 };
	struct terr e;

	if (!nconns)
		make_conns();
	memcpy(text, data, size);
	text[size] = '\0';
	f = filter_parse(text, &e);
	if (!f) {
		/* An error is one short line (a status line shows it whole); none only for blank text. */
		CHECK(terr_isset(&e) ? strchr(e.msg, '\n') == NULL : blank(text));
		CHECK(strlen(e.msg) <= FILTER_MSG_MAX);
		free(text);
		return 0;
	}
	/* The canonical form parses back to itself (spelling `!` as `not` may make it too long). */
	filter_describe(f, &d1);
	g = filter_parse(sb_str(&d1), &e);
	CHECK(g != NULL || d1.len > FILTER_MAX_TEXT);
	if (g) {
		filter_describe(g, &d2);
		CHECK(strcmp(sb_str(&d1), sb_str(&d2)) == 0);
	}

	filter_kernel_req(f, &req);
	CHECK(req.bclen <= FILTER_BC_MAX);
	CHECK(!req.bc || filter_bc_valid(req.bc, req.bclen));
	for (size_t i = 0; i < nconns; i++) {
		bool m = filter_match_conn(f, &conns[i]);

		CHECK(!g || m == filter_match_conn(g, &conns[i]));
		if (m) {
			CHECK(req.states & (1u << conns[i].state));
			CHECK(!req.bc || filter_bc_run(req.bc, req.bclen, &conns[i]));
		}
	}
	filter_free(g);
	filter_free(f);
	sb_free(&d1);
	sb_free(&d2);
	free(text);
	return 0;
}
