/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_parfmt: chunks made by several threads come out whole, in order, and streamed with bounded lag. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parfmt.h"

struct numbers {
	size_t chunk;
	atomic_size_t furthest; /* the highest chunk begun so far, plus one */
};

/* Item i is its number and a newline; a flush point after each, as a row. */
static void numbers(void *arg, size_t from, size_t to, struct strbuf *out)
{
	struct numbers *nb = arg;
	size_t k = from / nb->chunk + 1, seen = atomic_load(&nb->furthest);

	while (k > seen && !atomic_compare_exchange_weak(&nb->furthest, &seen, k))
		;
	for (size_t i = from; i < to; i++) {
		sb_printf(out, "%zu\n", i);
		sb_flush_point(out);
	}
}

static void serial_text(size_t n, struct strbuf *sb)
{
	struct numbers nb = { .chunk = 1 };

	numbers(&nb, 0, n, sb);
}

static void same_text_for_any_threads_and_chunk(void **state)
{
	static const size_t ns[] = { 0, 1, 2, 999, 1000, 1001, 100000 };
	static const size_t chunks[] = { 1, 7, 1000, 4096 };

	(void)state;
	for (size_t a = 0; a < sizeof(ns) / sizeof(ns[0]); a++) {
		struct strbuf want = STRBUF_INIT;

		serial_text(ns[a], &want);
		for (int t = 1; t <= PARFMT_MAX_THREADS + 1; t++) {
			for (size_t c = 0; c < sizeof(chunks) / sizeof(chunks[0]); c++) {
				struct parfmt_cfg cfg = { .threads = t, .chunk = chunks[c] };
				struct numbers nb = { .chunk = chunks[c] };
				struct strbuf got = STRBUF_INIT;

				parfmt_run(&cfg, ns[a], numbers, &nb, &got);
				assert_int_equal(got.len, want.len);
				if (want.len)
					assert_memory_equal(got.s, want.s, want.len);
				sb_free(&got);
			}
		}
		sb_free(&want);
	}
}

struct sink {
	struct strbuf all;
	struct numbers *nb;
	size_t flushes;
	size_t most_ahead; /* chunks begun beyond the last one handed on, at most */
};

static int take(const char *s, size_t n, void *arg)
{
	struct sink *k = arg;
	size_t begun = atomic_load(&k->nb->furthest), here;
	const char *p;

	sb_add(&k->all, s, n);
	k->flushes++;
	/* a flush ends after an item: the last line's number says which chunk is handed on */
	p = k->all.s + k->all.len - 1;
	while (p > k->all.s && p[-1] != '\n')
		p--;
	here = (size_t)strtoul(p, NULL, 10) / k->nb->chunk + 1;
	if (begun > here && begun - here > k->most_ahead)
		k->most_ahead = begun - here;
	return 0;
}

/*
 * The text is handed on while it is made, not held whole, and the helpers
 * run no more than two chunks each ahead of what was handed on.
 */
static void streams_with_bounded_lag(void **state)
{
	enum { N = 200000, CHUNK = 100, THREADS = 3 };
	struct numbers nb = { .chunk = CHUNK };
	struct sink k = { .all = STRBUF_INIT, .nb = &nb };
	struct parfmt_cfg cfg = { .threads = THREADS, .chunk = CHUNK };
	struct strbuf sb = STRBUF_INIT, want = STRBUF_INIT;

	(void)state;
	sb_set_flush(&sb, 4096, take, &k);
	parfmt_run(&cfg, N, numbers, &nb, &sb);
	sb_add(&k.all, sb.s ? sb.s : "", sb.len);
	serial_text(N, &want);
	assert_int_equal(k.all.len, want.len);
	assert_memory_equal(k.all.s, want.s, want.len);
	/* ~1.3 MB of text in 4 KB pieces: handed on from the start */
	assert_true(k.flushes > 100);
	/* a helper holds two chunks at most: its second is a round (THREADS chunks) further */
	assert_true(k.most_ahead <= 2 * THREADS);
	assert_true(k.most_ahead >= 1); /* and they did run ahead */
	sb_free(&sb);
	sb_free(&want);
	sb_free(&k.all);
}

static void threads_only_where_they_help(void **state)
{
	struct parfmt_cfg two = { .threads = 2, .chunk = 10, .min_items = 100 };
	struct parfmt_cfg one = { .threads = 1, .chunk = 10 };
	struct parfmt_cfg many = { .threads = 64, .chunk = 10 };

	(void)state;
	assert_int_equal(parfmt_threads(&two, 99), 1);
	assert_int_equal(parfmt_threads(&two, 100), 2);
	assert_int_equal(parfmt_threads(&one, 1000000), 1);
	/* no more threads than chunks, nor than the most */
	assert_int_equal(parfmt_threads(&many, 25), 3);
	assert_int_equal(parfmt_threads(&many, 1000000), PARFMT_MAX_THREADS);
	/* the defaults leave small snapshots to one thread */
	assert_int_equal(parfmt_threads(NULL, parfmt_defaults.min_items - 1), 1);
	assert_true(parfmt_threads(NULL, parfmt_defaults.min_items) >= 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(same_text_for_any_threads_and_chunk),
		cmocka_unit_test(streams_with_bounded_lag),
		cmocka_unit_test(threads_only_where_they_help),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
