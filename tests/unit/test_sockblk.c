/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_sockblk: a packed block reads back every value it was given, and its zeros take no room. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "conn.h"
#include "diag_parse.h"
#include "sockblk.h"
#include "testutil.h"

/* The value of tcpc field k in a plain struct tcpc. */
static uint64_t tcpc_field(const struct tcpc *tc, unsigned k)
{
	switch (k) {
#define CASE(type, field)                                                                          \
	case TCPC_F_##field:                                                                       \
		return tc->field;
		TCPC_FIELDS(CASE)
#undef CASE
	}
	fail_msg("no field %u", k);
	return 0;
}

/* A value of the kinds that matter to the layout: zero, small, 32 bits exactly, wider. */
static uint64_t some_value(unsigned *seed, size_t size)
{
	static const uint64_t edge[] = { 0,
					 1,
					 0xffffffffu,
					 UINT64_C(0x100000000), /* low word zero, high word not */
					 UINT64_C(0xffffffffffffffff),
					 UINT64_C(0x123456789a) };
	unsigned r = (unsigned)rand_r(seed);
	uint64_t v;

	if (r % 3 == 0)
		v = 0;
	else if (r % 3 == 1)
		v = edge[(r >> 4) % (sizeof(edge) / sizeof(edge[0]))];
	else
		v = (uint64_t)rand_r(seed) << 33 ^ (uint64_t)rand_r(seed) >> (r % 31);
	return size == 8 ? v : size == 4 ? (uint32_t)v : (uint8_t)v;
}

/* Every field, skmem value and name packed comes back, one by one and all at once. */
static void every_value_packed_reads_back(void **state)
{
	struct arena a = { 0 };
	unsigned seed = 12345;

	(void)state;
	for (int round = 0; round < 2000; round++) {
		struct tcpi ti;
		struct tcpc want, got;
		uint32_t m[SOCKBLK_NSKMEM];
		size_t n = (size_t)round % (SOCKBLK_NSKMEM + 1);
		bool named = round % 7 == 0, info = round % 11 != 0;
		const struct sockblk *b;

		memset(&ti, 0, sizeof(ti));
#define FILL(type, field) ti.field = (type)some_value(&seed, sizeof(type));
		TCPC_FIELDS(FILL)
#undef FILL
		for (size_t i = 0; i < n; i++)
			m[i] = (uint32_t)some_value(&seed, 4);
		b = sockblk_pack(&a, info ? &ti : NULL, m, n, named ? "mycc" : NULL, 4);
		if (info)
			tcpc_from_tcpi(&want, &ti);
		else
			memset(&want, 0, sizeof(want));
		for (unsigned k = 0; k < TCPC_NF; k++)
			assert_true(sockblk_get(b, k) == tcpc_field(&want, k));
		for (size_t i = 0; i < n; i++)
			assert_int_equal(sockblk_get(b, SOCKBLK_SKMEM + (unsigned)i), m[i]);
		sockblk_tcpc(b, &got);
		assert_memory_equal(&got, &want, sizeof(want));
		if (named)
			assert_string_equal(sockblk_name(b, n), "mycc");
		arena_reset(&a);
	}
	arena_free(&a);
}

/*
 * A zero takes no word, a 64-bit value that fits 32 bits one word, a wider
 * one two; the header is the only fixed cost.
 */
static void zeros_take_no_room_and_narrow_values_one_word(void **state)
{
	struct arena a = { 0 };
	struct tcpi ti = { 0 };
	uint32_t m[SOCKBLK_NSKMEM] = { 0 };

	(void)state;
	assert_int_equal(sockblk_size(sockblk_pack(&a, &ti, m, SOCKBLK_NSKMEM, NULL, 0), 9), 8);
	ti.bytes_acked = 5;
	assert_int_equal(sockblk_size(sockblk_pack(&a, &ti, NULL, 0, NULL, 0), 0), 12);
	ti.bytes_acked = UINT64_C(1) << 32;
	assert_int_equal(sockblk_size(sockblk_pack(&a, &ti, NULL, 0, NULL, 0), 0), 16);
	ti.options = TCPI_OPT_SACK;
	ti.flags8 = 1; /* the u8 fields share one word */
	assert_int_equal(sockblk_size(sockblk_pack(&a, &ti, NULL, 0, NULL, 0), 0), 20);
	m[SKM_SNDBUF] = 87040;
	assert_int_equal(sockblk_size(sockblk_pack(&a, &ti, m, SOCKBLK_NSKMEM, NULL, 0), 9), 24);
	arena_free(&a);
}

/* A plain block (conns built by hand) reads as the packed one of the same values. */
static void a_plain_block_reads_as_a_packed_one(void **state)
{
	struct arena a = { 0 };
	struct tcpi ti = { .rtt = 1500,
			   .snd_cwnd = 10,
			   .bytes_acked = UINT64_C(0x123456789),
			   .options = TCPI_OPT_WSCALE,
			   .backoff = 3 };
	uint32_t m[SKM_N] = { [SKM_SNDBUF] = 16384, [SKM_DROPS] = 2 };
	struct conn plain = { 0 };
	const struct sockblk *packed = sockblk_pack(&a, &ti, m, SKM_N, "mycc", 4);
	struct tcpc *tc = conn_block(&plain, &a, SKM_N, "mycc", 4);

	(void)state;
	tcpc_from_tcpi(tc, &ti);
	memcpy(tc + 1, m, sizeof(m));
	for (unsigned k = 0; k < SOCKBLK_NF; k++)
		assert_true(sockblk_get(plain.info, k) == sockblk_get(packed, k));
	assert_string_equal(sockblk_name(plain.info, SKM_N), sockblk_name(packed, SKM_N));
	arena_free(&a);
}

struct sizes {
	struct arena arena;
	size_t established, bytes;
};

static void add_size(const struct nlmsghdr *nlh, void *arg)
{
	struct sizes *s = arg;
	struct conn c;
	struct terr e = { { 0 } };

	assert_int_equal(diag_parse_msg(nlh, &c, &s->arena, NULL, &e), 0);
	if (c.state != TS_ESTABLISHED || !conn_has_info(&c))
		return;
	s->established++;
	s->bytes += sockblk_size(c.info, c.skmem_n);
}

/*
 * Real sockets, from recordings of loopback test hosts: their established
 * sockets are all busy (bulk flows, window-, buffer- and receiver-bound
 * ones, so most counters are not zero), and still a block takes at most
 * 60% of the plain layout's 188 bytes (header, struct tcpc, nine skmem
 * values) on average. An idle socket's takes less (BENCHMARKS.md).
 */
static void a_recorded_busy_sockets_block_is_well_below_the_plain_size(void **state)
{
	static const char *const recs[] = { "ipv4_bulk.rec",  "ipv6_bulk.rec",   "diag_healthy.rec",
					    "diag_rwnd.rec",  "diag_sndbuf.rec", "diag_zwin.rec",
					    "diag_rcvbuf.rec" };
	struct sizes s = { 0 };
	size_t plain = sizeof(struct sockblk) + sizeof(struct tcpc) + SKM_N * sizeof(uint32_t);

	(void)state;
	for (size_t i = 0; i < sizeof(recs) / sizeof(recs[0]); i++) {
		struct replay *r = tu_replay(recs[i]);

		for (size_t f = 0; replay_frame(r, f); f++)
			tu_each_msg(r, f, add_size, &s);
		replay_free(r);
	}
	print_message("%zu established sockets, %zu bytes a block on average (plain: %zu)\n",
		      s.established, s.bytes / s.established, plain);
	assert_true(s.established >= 20);
	assert_true(s.bytes * 10 <= s.established * plain * 6);
	arena_free(&s.arena);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_value_packed_reads_back),
		cmocka_unit_test(zeros_take_no_room_and_narrow_values_one_word),
		cmocka_unit_test(a_plain_block_reads_as_a_packed_one),
		cmocka_unit_test(a_recorded_busy_sockets_block_is_well_below_the_plain_size),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
