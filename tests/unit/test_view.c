/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_view: the radix-sorted order is the one column_sortkey_cmp defines (ties by cookie, then row). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "diagnose.h"
#include "model.h"
#include "testutil.h"
#include "view.h"

/* xorshift: the same pseudo-random frame on every run */
static uint64_t next(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/*
 * n sockets with values drawn from few choices, so that ranks, "no value"
 * and equal values (ties broken by cookie) all occur; some cookies repeat
 * (ties then broken by row).
 */
static void build(struct frame *f, struct model *m, size_t n, uint64_t seed)
{
	static const double rates[] = { 0, 0, 0, 8, 8e3, 1.5e6, 1e9, 3.25e11 };
	uint64_t s = seed;

	frame_reset(f);
	f->mono_ns = 1000000000ull;
	for (size_t i = 0; i < n; i++) {
		struct conn *c = sample_push(&f->sample);

		memset(c, 0, sizeof(*c));
		c->cookie = next(&s) % 16 == 0 ? 7 : (next(&s) >> (next(&s) % 40));
		c->state = next(&s) % 5 == 0 ? TS_TIME_WAIT : TS_ESTABLISHED;
		c->family = AF_INET;
		tu_addrs(c, &f->sample.arena, "10.0.0.1", "10.0.0.2");
		c->sport = (uint16_t)(40000 + i % 20000);
		c->dport = 443;
		c->rqueue = (uint32_t)(next(&s) % 3) * 1000;
		c->wqueue = (uint32_t)(next(&s) % 4 == 0 ? 0 : next(&s) % 100000);
	}
	model_update(m, f);
	for (size_t i = 0; i < n; i++) {
		struct row *r = &f->rows[i];

		/* a repeated cookie is a tie to break here, not the kernel sending a socket twice */
		r->flags &= (uint16_t)~ROW_DUP;
		r->flags |= next(&s) % 7 ? ROW_RATES : 0;
		r->tx_bps = rates[next(&s) % 8];
		r->rx_bps = rates[next(&s) % 8];
		r->findings = next(&s) % 9 == 0   ? 1u << DX_ZWIN
			      : next(&s) % 9 == 0 ? 1u << DX_NO_WSCALE
						  : 0;
	}
}

struct ref_ctx {
	bool numeric, desc;
};

static int ref_cmp(const void *a, const void *b, void *arg)
{
	const struct sortkey *p = a, *q = b;
	const struct ref_ctx *ctx = arg;
	int c = column_sortkey_cmp(p, q, ctx->numeric, ctx->desc);

	return c ? c : p->idx < q->idx ? -1 : p->idx > q->idx;
}

/* The order by definition: every key compared with column_sortkey_cmp, then the row. */
static void reference(const struct frame *f, const struct column *col, bool reverse,
		      const uint32_t *rows, size_t n, uint32_t *out)
{
	struct sortkey *k = calloc(n ? n : 1, sizeof(*k));
	struct ref_ctx ctx = { column_is_numeric(col), column_sort_desc(col) != reverse };

	for (size_t i = 0; i < n; i++)
		column_sortkey(col, f, &f->rows[rows[i]], rows[i], &k[i]);
	qsort_r(k, n, sizeof(*k), ref_cmp, &ctx);
	for (size_t i = 0; i < n; i++)
		out[i] = k[i].idx;
	free(k);
}

static void check(const struct frame *f, const struct view *v, const struct column *col,
		  bool reverse, const uint32_t *rows, size_t n)
{
	uint32_t *want = calloc(n ? n : 1, sizeof(*want));

	assert_int_equal(v->n, n);
	reference(f, col, reverse, rows, n, want);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(v->order[i], want[i]);
		assert_true(v->cookies[i] == f->rows[v->order[i]].c->cookie);
	}
	free(want);
}

static void numeric_orders_match_column_sortkey_cmp_both_ways(void **state)
{
	static const enum col_id cols[] = { COL_PROBLEMS, COL_TX, COL_RECVQ, COL_SENDQ };
	struct frame f = { 0 };
	struct model *m = model_new();
	struct view v = { 0 };
	size_t sizes[] = { 0, 1, 2, 300, 5000 };
	uint32_t *all = calloc(5000, sizeof(*all));

	(void)state;
	for (size_t i = 0; i < 5000; i++)
		all[i] = (uint32_t)i;
	for (size_t z = 0; z < sizeof(sizes) / sizeof(sizes[0]); z++) {
		build(&f, m, sizes[z], 0x9e3779b97f4a7c15ull + z);
		for (size_t c = 0; c < sizeof(cols) / sizeof(cols[0]); c++) {
			for (int rev = 0; rev < 2; rev++) {
				view_build(&v, &f, column_get(cols[c]), rev, NULL, NULL);
				check(&f, &v, column_get(cols[c]), rev, all, sizes[z]);
			}
		}
	}
	view_free(&v);
	free(all);
	frame_free(&f);
	model_free(m);
}

/* view_sort of an order not in row order: ties by row still, not by where they stood. */
static void resorting_a_shuffled_order_breaks_ties_by_row(void **state)
{
	struct frame f = { 0 };
	struct model *m = model_new();
	struct view v = { 0 };
	uint32_t *rows;
	uint64_t s = 42;

	(void)state;
	build(&f, m, 2000, 7);
	view_build(&v, &f, column_get(COL_TX), false, NULL, NULL);
	for (size_t i = v.n - 1; i > 0; i--) {
		size_t j = next(&s) % (i + 1);
		uint32_t t = v.order[i];

		v.order[i] = v.order[j];
		v.order[j] = t;
	}
	rows = calloc(v.n, sizeof(*rows));
	memcpy(rows, v.order, v.n * sizeof(*rows));
	view_sort(&v, &f, column_get(COL_PROBLEMS), true);
	check(&f, &v, column_get(COL_PROBLEMS), true, rows, v.n);
	assert_true(view_find(&v, &f, f.rows[v.order[17]].c->cookie) <= 17);
	assert_int_equal(view_find(&v, &f, 0xdeadbeefull << 40), -1);
	free(rows);
	view_free(&v);
	frame_free(&f);
	model_free(m);
}

/* Value generators for hard key sets: row i of n, s a random state. */
static double v_mostly_zero(size_t i, size_t n, uint64_t *s)
{
	(void)i, (void)n;
	/* 90% alike, as TIME-WAIT or idle rows at rate 0 */
	return next(s) % 10 ? 0.0 : (double)(next(s) % 100000) * 8.0;
}

static double v_equal(size_t i, size_t n, uint64_t *s)
{
	(void)i, (void)n, (void)s;
	return 5e6;
}

static double v_ascending(size_t i, size_t n, uint64_t *s)
{
	(void)n, (void)s;
	return (double)i * 3.0;
}

static double v_descending(size_t i, size_t n, uint64_t *s)
{
	(void)s;
	return (double)(n - i) * 1e3;
}

/* Powers of two of either sign: only the sign and exponent bits, the key's high bytes, vary. */
static double v_high_bytes(size_t i, size_t n, uint64_t *s)
{
	(void)i, (void)n;
	return ldexp(next(s) % 2 ? 1.0 : -1.0, (int)(next(s) % 2000) - 1000);
}

/* Steps of one ulp above 1: only the low bytes of the mantissa vary. */
static double v_low_bytes(size_t i, size_t n, uint64_t *s)
{
	(void)i, (void)n;
	return 1.0 + (double)(next(s) % 70000) * DBL_EPSILON;
}

/* The values at the edges of the flattening: both zeros, infinities, subnormals, extremes. */
static double v_edges(size_t i, size_t n, uint64_t *s)
{
	static const double edge[] = { -0.0,   0.0,     -1.5,    1.5,      -INFINITY, INFINITY,
				       5e-324, -5e-324, DBL_MIN, -DBL_MIN, DBL_MAX,   -DBL_MAX,
				       1e-300, -1e300,  0.0,     -0.0 };

	(void)i, (void)n;
	return edge[next(s) % (sizeof(edge) / sizeof(edge[0]))];
}

/* Any bit pattern that is a number (NaN keys take the qsort path). */
static double v_random_bits(size_t i, size_t n, uint64_t *s)
{
	uint64_t b = next(s);
	double d;

	(void)i, (void)n;
	memcpy(&d, &b, sizeof(d));
	return isnan(d) ? -0.0 : d;
}

enum cookies {
	CK_UNIQUE, /* shuffled over the rows, as in a dump */
	CK_FEW,    /* eight values: ties go on to the row */
	CK_SAME,   /* one value: with equal values, only the row orders them */
};

struct keyset {
	const char *name;
	double (*value)(size_t i, size_t n, uint64_t *s);
	enum cookies cookies;
	unsigned none_pct; /* rows without a value (no rates): "unavailable", last */
	bool ranked;       /* sorted by problems, with findings: the rank before the value */
};

static const struct keyset keysets[] = {
	{ .name = "mostly-zero", .value = v_mostly_zero, .cookies = CK_UNIQUE, .none_pct = 5 },
	{ .name = "mostly-zero-ranked",
	  .value = v_mostly_zero,
	  .cookies = CK_UNIQUE,
	  .none_pct = 5,
	  .ranked = true },
	{ .name = "mostly-zero-few-cookies", .value = v_mostly_zero, .cookies = CK_FEW },
	{ .name = "all-equal", .value = v_equal, .cookies = CK_UNIQUE },
	{ .name = "all-equal-one-cookie", .value = v_equal, .cookies = CK_SAME },
	{ .name = "all-equal-one-cookie-some-none",
	  .value = v_equal,
	  .cookies = CK_SAME,
	  .none_pct = 30 },
	{ .name = "ascending", .value = v_ascending, .cookies = CK_UNIQUE },
	{ .name = "descending", .value = v_descending, .cookies = CK_FEW },
	{ .name = "high-bytes", .value = v_high_bytes, .cookies = CK_UNIQUE, .none_pct = 10 },
	{ .name = "low-bytes", .value = v_low_bytes, .cookies = CK_FEW, .ranked = true },
	{ .name = "edges", .value = v_edges, .cookies = CK_FEW, .none_pct = 20 },
	{ .name = "random-bits", .value = v_random_bits, .cookies = CK_UNIQUE, .none_pct = 50 },
};

static void build_keyset(struct frame *f, struct model *m, size_t n, const struct keyset *ks,
			 uint64_t seed)
{
	uint64_t s = seed, *cookie = calloc(n ? n : 1, sizeof(*cookie));

	for (size_t i = 0; i < n; i++)
		cookie[i] = ks->cookies == CK_SAME  ? 77
			    : ks->cookies == CK_FEW ? 1000 + next(&s) % 8
						    : (next(&s) << 24 >> 24) + 1;
	frame_reset(f);
	f->mono_ns = 1000000000ull;
	for (size_t i = 0; i < n; i++) {
		struct conn *c = sample_push(&f->sample);

		memset(c, 0, sizeof(*c));
		c->cookie = cookie[i];
		c->state = TS_ESTABLISHED;
		c->family = AF_INET;
		tu_addrs(c, &f->sample.arena, "10.0.0.1", "10.0.0.2");
		c->sport = (uint16_t)(1024 + i % 60000);
		c->dport = 443;
	}
	model_update(m, f);
	for (size_t i = 0; i < n; i++) {
		struct row *r = &f->rows[i];

		r->flags &= (uint16_t)~ROW_DUP; /* repeated cookies: ties, as in build() */
		r->flags = (uint16_t)(next(&s) % 100 < ks->none_pct ? r->flags & ~ROW_RATES
								    : r->flags | ROW_RATES);
		r->tx_bps = ks->value(i, n, &s);
		r->rx_bps = 0;
		r->findings = !ks->ranked         ? 0
			      : next(&s) % 4 == 0 ? 1u << DX_ZWIN
			      : next(&s) % 4 == 0 ? 1u << DX_NO_WSCALE
						  : 0;
	}
	free(cookie);
}

/* Every direction, from rows in order and from a shuffled order (a re-sort). */
static void check_keyset(struct frame *f, struct model *m, size_t n, const struct keyset *ks,
			 uint64_t seed)
{
	const struct column *col = column_get(ks->ranked ? COL_PROBLEMS : COL_TX);
	uint32_t *rows = calloc(n ? n : 1, sizeof(*rows));
	struct view v = { 0 };
	uint64_t s = seed ^ 0x5bd1e995;

	build_keyset(f, m, n, ks, seed);
	for (size_t i = 0; i < n; i++)
		rows[i] = (uint32_t)i;
	for (int rev = 0; rev < 2; rev++) {
		view_build(&v, f, col, rev, NULL, NULL);
		check(f, &v, col, rev, rows, n);
		for (size_t i = n; i > 1; i--) {
			size_t j = next(&s) % i;
			uint32_t t = v.order[i - 1];

			v.order[i - 1] = v.order[j];
			v.order[j] = t;
		}
		for (size_t i = 0; i < n; i++)
			rows[i] = v.order[i];
		view_sort(&v, f, col, rev);
		check(f, &v, col, rev, rows, n);
		for (size_t i = 0; i < n; i++)
			rows[i] = (uint32_t)i;
	}
	view_free(&v);
	free(rows);
}

/*
 * Sizes around the sort's thresholds (insertion sort, the copied bucket) and
 * random ones up to 5000, over value sets that are hard for a radix sort:
 * heavy ties, one value, runs, bytes that never vary, signed zeros.
 */
static void hard_key_sets_sort_as_column_sortkey_cmp_orders(void **state)
{
	static const size_t fixed[] = { 0,   1,   2,   3,    7,    47,   48,   49,   64,   65,
					255, 256, 257, 1023, 1024, 1025, 1026, 2049, 4097, 5000 };
	struct frame f = { 0 };
	struct model *m = model_new();
	uint64_t s = 2026;

	(void)state;
	for (size_t k = 0; k < sizeof(keysets) / sizeof(keysets[0]); k++) {
		for (size_t z = 0; z < sizeof(fixed) / sizeof(fixed[0]); z++)
			check_keyset(&f, m, fixed[z], &keysets[k], k * 1000 + z + 1);
		for (int r = 0; r < 6; r++)
			check_keyset(&f, m, next(&s) % 5001, &keysets[k], next(&s));
	}
	frame_free(&f);
	model_free(m);
}

/* 200,000 rows: buckets too big for the copy are split by swapping in place. */
static void a_200k_row_frame_sorts_as_column_sortkey_cmp_orders(void **state)
{
	static const char *const names[] = { "mostly-zero-ranked", "all-equal-one-cookie-some-none",
					     "random-bits" };
	struct frame f = { 0 };
	struct model *m = model_new();

	(void)state;
	for (size_t k = 0; k < sizeof(keysets) / sizeof(keysets[0]); k++)
		for (size_t j = 0; j < sizeof(names) / sizeof(names[0]); j++)
			if (!strcmp(keysets[k].name, names[j]))
				check_keyset(&f, m, 200000, &keysets[k], 99 + k);
	frame_free(&f);
	model_free(m);
}

/*
 * A view holds its order and cookies from one refresh to the next: sized to
 * the rows, not to the next power of two (just past 2^17 that would be
 * 262,144 places for 140,000 rows).
 */
static void a_views_arrays_are_sized_to_its_rows(void **state)
{
	static const enum col_id cols[] = { COL_TX, COL_STATE };
	const size_t n = 140000, most = n + n / 32 + 16;
	struct frame f = { 0 };
	struct model *m = model_new();
	struct view v = { 0 };
	uint32_t *all = calloc(n, sizeof(*all));

	(void)state;
	for (size_t i = 0; i < n; i++)
		all[i] = (uint32_t)i;
	build(&f, m, n, 42);
	for (size_t c = 0; c < sizeof(cols) / sizeof(cols[0]); c++) {
		view_build(&v, &f, column_get(cols[c]), false, NULL, NULL);
		check(&f, &v, column_get(cols[c]), false, all, n);
		assert_true(v.cap >= n && v.cap <= most);
		assert_true(v.cookies_cap >= n && v.cookies_cap <= most);
		/* the sort's keys are not kept */
		assert_null(v.keys);
		/* a view that follows its order across refreshes: the same bounds */
		view_follow(&v, &f, column_get(cols[c]), false, NULL, NULL);
		assert_int_equal(v.n, n);
		assert_true(v.cap >= n && v.cap <= most);
		assert_true(v.cookies_cap >= n && v.cookies_cap <= most);
		view_free(&v);
	}
	free(all);
	frame_free(&f);
	model_free(m);
}

/* A socket the kernel sent twice in one dump (ROW_DUP) is in no view's order, built or followed. */
static void a_socket_sent_twice_is_shown_once(void **state)
{
	struct frame f = { 0 };
	struct model *m = model_new();
	struct view v = { 0 };
	uint64_t cookies[] = { 11, 12, 11, 13, 12 };
	size_t dups = 0;

	(void)state;
	frame_reset(&f);
	f.mono_ns = 1000000000ull;
	for (size_t i = 0; i < 5; i++) {
		struct conn *c = sample_push(&f.sample);

		memset(c, 0, sizeof(*c));
		c->cookie = cookies[i];
		c->state = TS_ESTABLISHED;
		c->family = AF_INET;
	}
	model_update(m, &f);
	for (size_t i = 0; i < 5; i++)
		dups += (f.rows[i].flags & ROW_DUP) != 0;
	assert_int_equal(dups, 2);
	assert_true(f.rows[2].flags & ROW_DUP);
	assert_true(f.rows[4].flags & ROW_DUP);
	for (int follow = 0; follow < 2; follow++) {
		if (follow)
			view_follow(&v, &f, column_get(COL_TX), false, NULL, NULL);
		else
			view_build(&v, &f, column_get(COL_TX), false, NULL, NULL);
		assert_int_equal(v.n, 3);
		for (size_t i = 0; i < v.n; i++)
			assert_true(v.order[i] == 0 || v.order[i] == 1 || v.order[i] == 3);
	}
	view_free(&v);
	frame_free(&f);
	model_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(numeric_orders_match_column_sortkey_cmp_both_ways),
		cmocka_unit_test(resorting_a_shuffled_order_breaks_ties_by_row),
		cmocka_unit_test(hard_key_sets_sort_as_column_sortkey_cmp_orders),
		cmocka_unit_test(a_200k_row_frame_sorts_as_column_sortkey_cmp_orders),
		cmocka_unit_test(a_views_arrays_are_sized_to_its_rows),
		cmocka_unit_test(a_socket_sent_twice_is_shown_once),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
