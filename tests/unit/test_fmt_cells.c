/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_fmt_cells: the printf-free cell paths (integers, endpoints, JSON keys, rows) print what printf and the table print. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "arena.h"
#include "column.h"
#include "conn.h"
#include "fmt.h"
#include "json.h"
#include "out.h"
#include "table.h"
#include "testutil.h"

static uint64_t xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Every value up to 20 s (every tie of every decimal count), then random ones up to 2^52. */
static void usec_ms_in_integers_prints_what_printf_prints(void **state)
{
	uint64_t seed = 0x51f15e;
	char a[32], b[32];

	(void)state;
	for (uint64_t us = 0; us <= 20000000; us += us < 2000000 ? 1 : 7) {
		tu_ref_usec_ms(us, b, sizeof(b));
		assert_string_equal(fmt_usec_ms(us, a, sizeof(a)), b);
	}
	for (int i = 0; i < 200000; i++) {
		uint64_t us = xorshift(&seed) >> (12 + xorshift(&seed) % 52);

		if (i & 1)
			us = us / 10 * 10 + 5; /* a tie in the last digit shown or dropped */
		tu_ref_usec_ms(us, b, sizeof(b));
		assert_string_equal(fmt_usec_ms(us, a, sizeof(a)), b);
		tu_ref_usec_ms(us, b, 5);
		assert_string_equal(fmt_usec_ms(us, a, 5), b);
	}
}

static void ref_ibytes(uint64_t u, char *buf, size_t len)
{
	static const char *const suf[] = { "", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei", NULL };
	double v = (double)u;
	int i = 0;

	while (v >= 1024.0 * 0.9995 && suf[i + 1]) {
		v /= 1024.0;
		i++;
	}
	if (i == 0)
		snprintf(buf, len, "%.0f%s", v, suf[0]);
	else if (v < 9.995)
		snprintf(buf, len, "%.1f%s", v, suf[i]);
	else
		snprintf(buf, len, "%.0f%s", v, suf[i]);
}

/* Exact halves (k * 2^(10i) / 20: printf's ties to even) and neighbours, at every prefix. */
static void ibytes_in_integers_rounds_ties_as_printf(void **state)
{
	uint64_t seed = 0xb17e5;
	char a[32], b[32];

	(void)state;
	for (int i = 1; i <= 6; i++) {
		for (uint64_t k = 0; k < 20480; k++) {
			uint64_t base = i == 6 ? UINT64_C(1) << 52 : UINT64_C(1) << (10 * i);
			uint64_t v = k * (base / 20) + (k % 3) - 1;

			for (int d = 0; d < 2; d++, v++) {
				ref_ibytes(v, b, sizeof(b));
				assert_string_equal(fmt_ibytes(v, a, sizeof(a)), b);
				assert_int_equal(fmt_ibytes_n(v, a, sizeof(a)), strlen(b));
			}
		}
	}
	for (int i = 0; i < 300000; i++) {
		uint64_t v = xorshift(&seed) >> (xorshift(&seed) % 64);

		ref_ibytes(v, b, sizeof(b));
		assert_int_equal(fmt_ibytes_n(v, a, sizeof(a)), strlen(b));
		assert_string_equal(a, b);
		ref_ibytes(v, b, 4);
		assert_string_equal(fmt_ibytes(v, a, 4), b);
		ref_ibytes(v, b, 8); /* the skmem cell's room per part */
		assert_int_equal(fmt_ibytes_n(v, a, 8), strlen(b));
		assert_string_equal(a, b);
	}
}

/* Digits written in place: every length, every buffer size snprintf may cut at. */
static void u64_digits_in_place_match_printf_at_every_length(void **state)
{
	uint64_t seed = 0xd161;
	char a[32], b[32];

	(void)state;
	for (int i = 0; i < 100000; i++) {
		uint64_t v = xorshift(&seed) >> (xorshift(&seed) % 64);
		size_t len = (size_t)(i % 23);
		int n = snprintf(b, sizeof(b), "%llu", (unsigned long long)v);

		memset(a, 'x', sizeof(a));
		assert_int_equal(fmt_u64(v, a, len), n);
		if (len) {
			snprintf(b, len, "%llu", (unsigned long long)v);
			assert_string_equal(a, b);
		}
		assert_int_equal(a[len], len ? a[len] : 'x'); /* nothing past len */
	}
	for (uint64_t v = 1; v; v *= 10) {
		snprintf(b, sizeof(b), "%llu", (unsigned long long)(v - 1));
		assert_int_equal(fmt_u64(v - 1, a, sizeof(a)), strlen(b));
		assert_string_equal(a, b);
		if (v > UINT64_MAX / 10)
			break;
	}
}

/* The reference: inet_ntop and the "%s:%s" / "[%s]:%s" formulas endpoint_str stands for. */
static void ref_endpoint(int family, const uint8_t *a, uint16_t port, char *buf, size_t len)
{
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	static const uint8_t zero[16];
	char ab[INET6_ADDRSTRLEN], pb[8];
	bool v4 = family == AF_INET || !memcmp(a, mapped, 12);
	const uint8_t *a4 = family == AF_INET ? a : a + 12;
	bool any = v4 ? !memcmp(a4, zero, 4) : !memcmp(a, zero, 16);

	if (port == 0 && any)
		snprintf(pb, sizeof(pb), "*");
	else
		snprintf(pb, sizeof(pb), "%u", port);
	if (v4) {
		inet_ntop(AF_INET, a4, ab, sizeof(ab));
		snprintf(buf, len, "%s:%s", ab, pb);
	} else {
		inet_ntop(AF_INET6, a, ab, sizeof(ab));
		snprintf(buf, len, "[%s]:%s", ab, pb);
	}
}

static void endpoints_in_place_print_what_inet_ntop_prints(void **state)
{
	uint64_t seed = 0xe9d;
	char a[ENDPOINT_STRLEN], b[ENDPOINT_STRLEN];

	(void)state;
	for (int i = 0; i < 200000; i++) {
		uint8_t addr[16] = { 0 };
		uint64_t r1 = xorshift(&seed), r2 = xorshift(&seed);
		uint16_t port = (uint16_t)(i % 5 == 0 ? 0 : xorshift(&seed));
		int family = i % 3 ? AF_INET : AF_INET6;
		size_t len =
			i % 7 == 0 ? (size_t)(xorshift(&seed) % ENDPOINT_STRLEN) + 1 : sizeof(a);

		memcpy(addr, &r1, 8);
		memcpy(addr + 8, &r2, 8);
		if (i % 11 == 0)
			memset(addr, 0, sizeof(addr));  /* any: 0.0.0.0 and [::] */
		if (family == AF_INET6 && i % 4 == 0) { /* v4-mapped */
			memset(addr, 0, 10);
			addr[10] = addr[11] = 0xff;
			if (i % 8 == 0)
				memset(addr + 12, 0, 4);
		}
		if (family == AF_INET && i % 13 == 0) /* every octet width in every place */
			for (int k = 0; k < 4; k++)
				addr[k] = (uint8_t)(i % 2 ? 9 : i % 5 ? 99 : 255);
		ref_endpoint(family, addr, port, b, len);
		assert_string_equal(endpoint_str(family, addr, port, a, len), b);
	}
}

/* The endpoint columns' lengths counted from the digits are the formatted text's. */
static void endpoint_lengths_counted_match_the_text(void **state)
{
	uint64_t seed = 0x1e9;
	char buf[ENDPOINT_STRLEN];
	struct arena arena = { 0 };

	(void)state;
	for (int i = 0; i < 100000; i++) {
		struct conn c = { 0 };
		struct row r = { 0 };
		uint64_t r1 = xorshift(&seed), r2 = xorshift(&seed);
		uint8_t a[16];

		r.c = &c;
		c.family = i % 3 ? AF_INET : AF_INET6;
		memcpy(a, &r1, 8);
		memcpy(a + 8, &r2, 8);
		if (i % 7 == 0)
			memset(a, 0, sizeof(a));
		if (c.family == AF_INET6 && i % 2) { /* v4-mapped, sometimes any */
			memset(a, 0, 10);
			a[10] = a[11] = 0xff;
			if (i % 4 == 1)
				memset(a + 12, 0, 4);
		}
		if (c.family == AF_INET && i % 5 == 0)
			for (int k = 0; k < 4; k++)
				a[k] = (uint8_t)(i % 2 ? 7 : i % 3 ? 42 : 200);
		c.sport = (uint16_t)(i % 4 == 0 ? 0 : xorshift(&seed) >> (xorshift(&seed) % 16));
		arena_reset(&arena);
		conn_set_addrs(&c, &arena, a, a);
		c.dport = c.sport;
		for (int col = COL_LOCAL; col <= COL_REMOTE; col++) {
			const struct column *cl = column_get(col);

			column_format(cl, &r, 64, buf, sizeof(buf));
			assert_int_equal(column_text_len(cl, &r, 64, sizeof(buf)), strlen(buf));
		}
	}
	arena_free(&arena);
}

/*
 * Keys remembered by address still come out escaped, a remembered key's
 * text is the same each time, and more keys than the groups hold (evicted
 * and checked again) change nothing: with and without remembering.
 */
static void json_keys_are_escaped_and_remembered(void **state)
{
	static const char *const odd[] = { "plain",
					   "with\"quote",
					   "back\\slash",
					   "tab\t",
					   "caf\xc3\xa9",
					   "",
					   "a-key-longer-than-the-32-bytes-kept" };
	static char many[3000][16];
	struct strbuf sb = STRBUF_INIT, ref = STRBUF_INIT;
	struct json_keys *kc = malloc(sizeof(*kc));
	struct json j;

	(void)state;
	assert_non_null(kc);
	for (size_t i = 0; i < 3000; i++)
		snprintf(many[i], sizeof(many[i]), "k%zu", i * 7919 % 3000);
	for (int remember = 0; remember < 2; remember++) {
		size_t nth = 0;

		sb_reset(&sb);
		sb_reset(&ref);
		json_init(&j, &sb);
		if (remember)
			json_remember_keys(&j, kc);
		json_obj_begin(&j, NULL);
		sb_puts(&ref, "{");
		for (int round = 0; round < 3; round++) {
			for (size_t i = 0; i < 3000 + sizeof(odd) / sizeof(odd[0]); i++, nth++) {
				/* every other key one of 60 (remembered), the rest evict */
				const char *k = i >= 3000 ? odd[i - 3000]
						: i & 1   ? many[(i / 2) % 60]
							  : many[(i * 31 + (size_t)round) % 3000];

				json_u64(&j, k, nth);
				if (nth)
					sb_putc(&ref, ',');
				json_quote(&ref, k, strlen(k));
				sb_printf(&ref, ":%zu", nth);
			}
		}
		json_obj_end(&j);
		sb_puts(&ref, "}");
		assert_string_equal(sb_str(&sb), sb_str(&ref));
		assert_non_null(strstr(sb_str(&sb), "\"with\\\"quote\":"));
	}
	free(kc);
	sb_free(&sb);
	sb_free(&ref);
}

/*
 * out_text writes each cell in place; table_row_line is the reference for
 * every row of every recorded frame, with every column.
 */
static void text_rows_match_table_row_line(void **state)
{
	static const char *const recs[] = { "states.rec",      "ipv4_bulk.rec",
					    "ipv6_bulk.rec",   "listen_overflow.rec",
					    "diag_sndbuf.rec", "diag_zwin.rec" };
	enum col_id all[COL_N];

	(void)state;
	for (int i = 0; i < COL_N; i++)
		all[i] = (enum col_id)i;
	for (size_t k = 0; k < sizeof(recs) / sizeof(recs[0]); k++) {
		struct frame fr[2];
		struct view v = { 0 };
		struct strbuf sb = STRBUF_INIT, ref = STRBUF_INIT;
		struct out_ctx ctx = { "h",   "k",  all,  COL_N, column_get(COL_LOCAL),
				       false, NULL, NULL, NULL,  NULL };
		struct layout l;
		const char *rows;

		tu_frames(recs[k], fr, 2);
		out_text_frame(&fr[1], &ctx, &v, &sb);
		layout_all(&l, all, COL_N, &fr[1], v.order, v.n);
		layout_set_attribution(&l, fr[1].attribution);
		for (size_t i = 0; i < v.n; i++) {
			table_row_line(&l, &fr[1].rows[v.order[i]], &ref);
			sb_putc(&ref, '\n');
		}
		assert_true(v.n > 0);
		rows = strstr(sb_str(&sb), sb_str(&ref));
		assert_non_null(rows);
		view_free(&v);
		sb_free(&sb);
		sb_free(&ref);
		frame_free(&fr[0]);
		frame_free(&fr[1]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(usec_ms_in_integers_prints_what_printf_prints),
		cmocka_unit_test(ibytes_in_integers_rounds_ties_as_printf),
		cmocka_unit_test(u64_digits_in_place_match_printf_at_every_length),
		cmocka_unit_test(endpoints_in_place_print_what_inet_ntop_prints),
		cmocka_unit_test(endpoint_lengths_counted_match_the_text),
		cmocka_unit_test(json_keys_are_escaped_and_remembered),
		cmocka_unit_test(text_rows_match_table_row_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
