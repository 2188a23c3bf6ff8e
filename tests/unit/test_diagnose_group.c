/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_diagnose_group: frame findings that group sockets: ports per destination, CLOSE-WAIT by port and peer. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>

#include "diagnose.h"
#include "model.h"
#include "testutil.h"

struct spec {
	const char *dst;
	uint16_t dport;
	unsigned state;
	int n;
};

/* Sockets from 10.0.0.1, each spec's from ephemeral port 40000 up; no tcp_info. */
static void build(struct frame *f, struct model *m, const struct spec *s, int ns, uint64_t t)
{
	uint64_t cookie = 1;

	frame_reset(f);
	f->mono_ns = t;
	for (int i = 0; i < ns; i++) {
		for (int k = 0; k < s[i].n; k++) {
			struct conn *c = sample_push(&f->sample);

			memset(c, 0, sizeof(*c));
			c->cookie = cookie++;
			c->state = (uint8_t)s[i].state;
			c->family = AF_INET;
			tu_addrs(c, &f->sample.arena, "10.0.0.1", s[i].dst);
			c->sport = (uint16_t)(40000 + k);
			c->dport = s[i].dport;
		}
	}
	f->tun.n[TUN_LOCAL_PORT_RANGE] = 2;
	f->tun.v[TUN_LOCAL_PORT_RANGE][0] = 40000;
	f->tun.v[TUN_LOCAL_PORT_RANGE][1] = 40199; /* 200 ports: warn at 100, crit at 180 */
	f->tun.n[TUN_MAX_TW_BUCKETS] = 1;
	f->tun.v[TUN_MAX_TW_BUCKETS][0] = 100000;
	model_update(m, f);
}

static const struct finding *nth(const struct frame *f, unsigned code, int n)
{
	for (uint32_t i = 0; i < f->nfindings; i++)
		if (f->findings[i].code == code && n-- == 0)
			return &f->findings[i];
	return NULL;
}

static int64_t ev(const struct finding *x, const char *key)
{
	for (unsigned i = 0; i < x->nev; i++)
		if (!strcmp(x->ev[i].key, key))
			return x->ev[i].v;
	return -1;
}

/*
 * Port 443 is used 210 times, but by two destinations: only the one with 120
 * (at least half the range) runs out. 99 toward port 80 cannot, and 101
 * toward 10.0.0.4:8443 can (with its TIME-WAITs counted).
 */
static void ports_are_judged_per_destination_not_per_port(void **state)
{
	static const struct spec s[] = {
		{ "10.0.0.2", 443, TS_TIME_WAIT, 60 },  { "10.0.0.3", 443, TS_TIME_WAIT, 90 },
		{ "10.0.0.2", 443, TS_SYN_SENT, 60 },   { "10.0.0.2", 80, TS_TIME_WAIT, 99 },
		{ "10.0.0.4", 8443, TS_TIME_WAIT, 51 }, { "10.0.0.4", 8443, TS_SYN_SENT, 50 },
	};
	struct frame f = { 0 };
	struct model *m = model_new();
	struct diagnoser *d = diagnose_new();
	const struct finding *x;

	(void)state;
	build(&f, m, s, 6, 1000000000ull);
	diagnose_frame(d, &f);
	x = nth(&f, DX_PORTS, 0);
	assert_non_null(x);
	assert_string_equal(x->subject, "10.0.0.1 -> 10.0.0.2:443");
	assert_int_equal(ev(x, "used"), 120);
	assert_int_equal(ev(x, "time_wait"), 60);
	assert_int_equal(x->severity, DS_WARN);
	x = nth(&f, DX_PORTS, 1);
	assert_non_null(x);
	assert_string_equal(x->subject, "10.0.0.1 -> 10.0.0.4:8443");
	assert_int_equal(ev(x, "used"), 101);
	assert_int_equal(ev(x, "time_wait"), 51);
	assert_null(nth(&f, DX_PORTS, 2));
	diagnose_free(d);
	frame_free(&f);
	model_free(m);
}

/* CLOSE-WAIT held past the threshold is found again once the frame has some; none: nothing. */
static void close_wait_groups_appear_only_with_close_wait_sockets(void **state)
{
	static const struct spec none[] = { { "10.0.0.2", 443, TS_TIME_WAIT, 20 } };
	static const struct spec some[] = {
		{ "10.0.0.2", 443, TS_TIME_WAIT, 20 },
		{ "10.0.0.5", 5432, TS_CLOSE_WAIT, 40 },
	};
	struct frame f = { 0 };
	struct model *m = model_new();
	struct diagnoser *d = diagnose_new();
	const struct finding *x;

	(void)state;
	build(&f, m, none, 1, 1000000000ull);
	diagnose_frame(d, &f);
	assert_null(nth(&f, DX_CLOSE_WAIT, 0));
	/* the same sockets seen for minutes: held CLOSE-WAIT toward one peer */
	for (uint64_t t = 2; t < 400; t += 60) {
		build(&f, m, some, 2, t * 1000000000ull);
		diagnose_frame(d, &f);
	}
	x = nth(&f, DX_CLOSE_WAIT, 0);
	assert_non_null(x);
	assert_string_equal(x->subject, "-> 10.0.0.5:5432");
	assert_int_equal(ev(x, "close_wait"), 40);
	assert_int_equal(ev(x, "held"), 40);
	diagnose_free(d);
	frame_free(&f);
	model_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ports_are_judged_per_destination_not_per_port),
		cmocka_unit_test(close_wait_groups_appear_only_with_close_wait_sockets),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
