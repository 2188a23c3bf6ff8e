/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_view: the radix-sorted order is the one column_sortkey_cmp defines (ties by cookie, then row). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "diagnose.h"
#include "model.h"
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
		inet_pton(AF_INET, "10.0.0.1", c->src);
		inet_pton(AF_INET, "10.0.0.2", c->dst);
		c->sport = (uint16_t)(40000 + i % 20000);
		c->dport = 443;
		c->rqueue = (uint32_t)(next(&s) % 3) * 1000;
		c->wqueue = (uint32_t)(next(&s) % 4 == 0 ? 0 : next(&s) % 100000);
	}
	model_update(m, f);
	for (size_t i = 0; i < n; i++) {
		struct row *r = &f->rows[i];

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(numeric_orders_match_column_sortkey_cmp_both_ways),
		cmocka_unit_test(resorting_a_shuffled_order_breaks_ties_by_row),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
