/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_output: JSON escaping, number formats, column layout, sorting and the text snapshot. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "diagnose.h"
#include "fmt.h"
#include "json.h"
#include "out.h"
#include "procmap.h"
#include "table.h"
#include "testutil.h"
#include "view.h"

/*
 * The collector's frames, diagnosed, are committed: the model's table took
 * their samples, so no frame is tied to the previous one's values (the
 * view and the writers never read them). The findings that needed them
 * are there.
 */
static void collected_frames_are_committed_after_the_diagnosis(void **state)
{
	struct frame fr[3];

	(void)state;
	tu_frames("diag_closewait.rec", fr, 3);
	for (int i = 0; i < 3; i++)
		assert_null(fr[i].model);
	assert_true(fr[2].nfindings > 0);
	for (int i = 0; i < 3; i++)
		frame_free(&fr[i]);
}

static void json_strings_are_escaped(void **state)
{
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	json_quote(&sb, "a\"b\\c\n\t\x01\x1b[31m", 13);
	assert_string_equal(sb.s, "\"a\\\"b\\\\c\\n\\t\\u0001\\u001b[31m\"");
	sb_reset(&sb);
	json_quote(&sb, "caf\xc3\xa9 \xff\xfe x", 10); /* valid UTF-8 kept, invalid replaced */
	assert_string_equal(sb.s, "\"caf\xc3\xa9 \\ufffd\\ufffd x\"");
	sb_reset(&sb);
	json_quote(&sb, "\xc0\xaf", 2); /* overlong '/' */
	assert_string_equal(sb.s, "\"\\ufffd\\ufffd\"");
	sb_free(&sb);
}

static void json_objects_and_arrays_get_their_commas(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct json j;

	(void)state;
	json_init(&j, &sb);
	json_obj_begin(&j, NULL);
	json_u64(&j, "a", 1);
	json_arr_begin(&j, "b");
	json_i64(&j, NULL, -2);
	json_null(&j, NULL);
	json_arr_end(&j);
	json_f64(&j, "c", 1.0 / 0.0);
	json_fixed(&j, "t", 12.3456, 3);
	json_obj_end(&j);
	assert_string_equal(sb.s, "{\"a\":1,\"b\":[-2,null],\"c\":null,\"t\":12.346}");
	sb_free(&sb);
}

/*
 * The cell formatters write digits without printf: they must print exactly
 * what the printf formulas they replaced print, on every value. The
 * references below are those formulas.
 */
static void ref_scaled(double v, double base, const char *suffixes, char *buf, size_t len)
{
	int i = 0;

	while (v >= base * 0.9995 && suffixes[i + 1]) {
		v /= base;
		i++;
	}
	if (i == 0)
		snprintf(buf, len, "%.0f", v);
	else if (v < 9.995)
		snprintf(buf, len, "%.1f%c", v, suffixes[i]);
	else
		snprintf(buf, len, "%.0f%c", v, suffixes[i]);
}

static void ref_ibytes(uint64_t u, const char *const *suffixes, const char *sep, char *buf,
		       size_t len)
{
	double v = (double)u;
	int i = 0;

	while (v >= 1024.0 * 0.9995 && suffixes[i + 1]) {
		v /= 1024.0;
		i++;
	}
	if (i == 0)
		snprintf(buf, len, "%.0f%s%s", v, sep, suffixes[0]);
	else if (v < 9.995)
		snprintf(buf, len, "%.1f%s%s", v, sep, suffixes[i]);
	else
		snprintf(buf, len, "%.0f%s%s", v, sep, suffixes[i]);
}

static void ref_bits(double bps, char *buf, size_t len)
{
	if (bps < 1000) {
		snprintf(buf, len, "%.0f", bps);
		return;
	}
	if (bps < 100e3 || (bps >= 1e6 && bps < 100e6) || (bps >= 1e9 && bps < 100e9)) {
		static const char suf[] = " kMGT";
		int i = 0;

		while (bps >= 999.95 && suf[i + 1]) {
			bps /= 1000.0;
			i++;
		}
		snprintf(buf, len, bps < 99.95 ? "%.1f%c" : "%.0f%c", bps, suf[i]);
		return;
	}
	ref_scaled(bps, 1000.0, " kMGTP", buf, len);
}

static void ref_count(uint64_t v, int width, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%llu", (unsigned long long)v);

	if (width > 0 && n > width)
		ref_scaled((double)v, 1000.0, " kMGTPE", buf, len);
}

static uint64_t xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* One value through every formatter and its reference, at a full and a short buffer. */
static void same_as_printf(uint64_t u, double d)
{
	static const char *const iec[] = { "", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei", NULL };
	static const char *const size[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB", NULL };
	static const size_t lens[] = { 32, 4 };
	char a[32], b[32];

	for (size_t k = 0; k < sizeof(lens) / sizeof(lens[0]); k++) {
		size_t len = lens[k];

		tu_ref_usec_ms(u, b, len);
		assert_string_equal(fmt_usec_ms(u, a, len), b);
		ref_count(u, 6, b, len);
		assert_string_equal(fmt_count(u, 6, a, len), b);
		ref_ibytes(u, iec, "", b, len);
		assert_string_equal(fmt_ibytes(u, a, len), b);
		ref_ibytes(u, size, " ", b, len);
		assert_string_equal(fmt_size(u, a, len), b);
		if (u < 1024)
			snprintf(b, len, "%llu", (unsigned long long)u);
		else
			ref_scaled((double)u, 1024.0, " KMGTPE", b, len);
		assert_string_equal(fmt_bytes(u, a, len), b);
		ref_bits(d, b, len);
		assert_string_equal(fmt_bits(d, a, len), b);
		for (int dec = 0; dec <= 3 && (u & 3) == 0; dec++) { /* a quarter: time */
			snprintf(b, len, "%.*f", dec, d);
			assert_string_equal(fmt_fixed(d, dec, a, len), b);
			snprintf(b, len, "%.*f", dec, -d);
			assert_string_equal(fmt_fixed(-d, dec, a, len), b);
		}
	}
}

/* Dotted quads as inet_ntop writes them (it has a printf inside): every octet in every place. */
static void ipv4_addresses_print_what_inet_ntop_prints(void **state)
{
	uint64_t seed = 0x1234567;
	char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN], small[6];

	(void)state;
	for (int i = 0; i < 256 * 4 + 20000; i++) {
		uint8_t ip[4];
		uint64_t r = xorshift(&seed);

		memcpy(ip, &r, 4);
		if (i < 256 * 4) { /* each octet value alone in each position */
			memset(ip, 0, 4);
			ip[i / 256] = (uint8_t)(i % 256);
		}
		assert_non_null(inet_ntop(AF_INET, ip, b, sizeof(b)));
		assert_string_equal(fmt_ipv4(ip, a, sizeof(a)), b);
	}
	assert_string_equal(fmt_ipv4((const uint8_t[4]){ 127, 0, 0, 1 }, small, sizeof(small)),
			    "127.0"); /* cut as snprintf cuts */
}

/* JSON numbers: json_i64/u64 and an integral json_f64 as "%lld", "%llu", "%.0f" print them. */
static void json_numbers_print_what_printf_prints(void **state)
{
	static const double f[] = { 0.0, -0.0, 1.0, -1.0, 999999999999999.0, -123456789.0, 4096.0 };
	struct strbuf sb = STRBUF_INIT;
	uint64_t seed = 0x2545f4914f6cdd1dull;
	char want[64];
	struct json j;

	(void)state;
	for (int i = 0; i < 20000; i++) {
		uint64_t u = xorshift(&seed) >> (xorshift(&seed) % 64);
		int64_t v = (int64_t)xorshift(&seed) >> (xorshift(&seed) % 64);

		sb_reset(&sb);
		json_init(&j, &sb);
		json_u64(&j, NULL, u);
		json_i64(&j, NULL, v);
		json_i64(&j, NULL, INT64_MIN + (i == 0 ? 0 : INT64_MAX));
		snprintf(want, sizeof(want), "%llu,%lld,%lld", (unsigned long long)u, (long long)v,
			 (long long)(INT64_MIN + (i == 0 ? 0 : INT64_MAX)));
		assert_string_equal(sb_str(&sb), want);
	}
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		sb_reset(&sb);
		json_init(&j, &sb);
		json_f64(&j, NULL, f[i]);
		snprintf(want, sizeof(want), "%.0f", f[i]);
		assert_string_equal(sb_str(&sb), want);
	}
	/* json_fixed at every magnitude, up to numbers longer than any cell (the fuzzer's 1e45) */
	for (int e = -8; e <= 300; e++) {
		for (int k = 0; k < 4; k++) {
			double d = pow(10.0, e) * (1.0 + (double)(xorshift(&seed) % 1000) / 997.0);
			struct strbuf ref = STRBUF_INIT;

			for (int dec = 0; dec <= 4; dec++) {
				sb_reset(&sb);
				sb_reset(&ref);
				json_init(&j, &sb);
				json_fixed(&j, NULL, k & 1 ? -d : d, dec);
				sb_printf(&ref, "%.*f", dec, k & 1 ? -d : d);
				assert_string_equal(sb_str(&sb), sb_str(&ref));
			}
			sb_free(&ref);
		}
	}
	sb_free(&sb);
}

static void cell_formatters_print_what_printf_prints(void **state)
{
	uint64_t seed = 0x9e3779b97f4a7c15ull;

	(void)state;
	/* every microsecond count to 1.1 s: all the rounding ties of %.2f, %.1f, %.0f */
	for (uint64_t u = 0; u <= 1100000; u++)
		same_as_printf(u, (double)u / 2.0); /* bits: every .5 tie up to a million */
	/* values around every scale step, and random ones of every magnitude */
	for (int e = 0; e < 64; e++) {
		uint64_t p = 1ull << e;

		for (uint64_t k = 0; k < 64; k++) {
			double d = (double)p * (0.999 + (double)k * 0.00005);

			same_as_printf(p - 1 + k, d);
			same_as_printf((uint64_t)d, d / 1000.0);
		}
	}
	for (int i = 0; i < 150000; i++) {
		uint64_t r = xorshift(&seed);
		int shift = (int)(r % 64);
		uint64_t u = xorshift(&seed) >> shift;
		double d = (double)(xorshift(&seed) >> (11 + shift % 40)) /
			   (double)(1ull << (xorshift(&seed) % 20));

		same_as_printf(u, d);
	}
}

/* Keys take a short path when plain: one that needs escaping, or a long one, is quoted in full. */
static void json_keys_are_escaped_like_strings(void **state)
{
	static const char *const keys[] = {
		"plain_key",
		"a\"b",
		"back\\slash",
		"tab\there",
		"caf\xc3\xa9",
		"",
		"a_key_that_is_longer_than_the_sixty_two_bytes_of_the_short_path_x"
	};
	struct strbuf sb = STRBUF_INIT, want = STRBUF_INIT;
	struct json j;

	(void)state;
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		sb_reset(&sb);
		sb_reset(&want);
		json_init(&j, &sb);
		json_obj_begin(&j, NULL);
		json_u64(&j, keys[i], 1);
		json_obj_end(&j);
		sb_putc(&want, '{');
		json_quote(&want, keys[i], strlen(keys[i]));
		sb_puts(&want, ":1}");
		assert_string_equal(sb_str(&sb), sb_str(&want));
	}
	sb_free(&sb);
	sb_free(&want);
}

static void numbers_are_formatted_for_narrow_columns(void **state)
{
	char b[32];

	(void)state;
	assert_string_equal(fmt_bytes(512, b, sizeof(b)), "512");
	assert_string_equal(fmt_bytes(1536, b, sizeof(b)), "1.5K");
	assert_string_equal(fmt_bytes(131072, b, sizeof(b)), "128K");
	assert_string_equal(fmt_bytes(4u << 20, b, sizeof(b)), "4.0M");
	assert_string_equal(fmt_bits(0, b, sizeof(b)), "0");
	assert_string_equal(fmt_bits(812000, b, sizeof(b)), "812k");
	assert_string_equal(fmt_bits(94.2e6, b, sizeof(b)), "94.2M");
	assert_string_equal(fmt_bits(1.25e9, b, sizeof(b)), "1.2G");
	assert_string_equal(fmt_count(12345, 6, b, sizeof(b)), "12345");
	assert_string_equal(fmt_count(12345678, 6, b, sizeof(b)), "12M");
	assert_string_equal(fmt_usec_ms(51, b, sizeof(b)), "0.051");
	assert_string_equal(fmt_usec_ms(20000, b, sizeof(b)), "20.00");
	assert_string_equal(fmt_usec_ms(1234567, b, sizeof(b)), "1235");
	assert_string_equal(fmt_secs(75, b, sizeof(b)), "75s");
	assert_string_equal(fmt_secs(7300, b, sizeof(b)), "2h01m");
}

static void bytes_are_binary_and_say_so_rates_are_bits(void **state)
{
	char b[32];

	(void)state;
	assert_string_equal(fmt_ibytes(512, b, sizeof(b)), "512");
	assert_string_equal(fmt_ibytes(1536, b, sizeof(b)), "1.5Ki");
	assert_string_equal(fmt_ibytes(2936012, b, sizeof(b)), "2.8Mi");
	assert_string_equal(fmt_ibytes(1023u << 10, b, sizeof(b)), "1023Ki");
	assert_string_equal(fmt_ibytes(UINT64_MAX, b, sizeof(b)), "16Ei");
	assert_string_equal(fmt_size(0, b, sizeof(b)), "0 B");
	assert_string_equal(fmt_size(65535, b, sizeof(b)), "64 KiB");
	assert_string_equal(fmt_size(32u << 10, b, sizeof(b)), "32 KiB");
	assert_string_equal(fmt_size(3u << 20, b, sizeof(b)), "3.0 MiB");
	assert_string_equal(fmt_rate(0, b, sizeof(b)), "0 bit/s");
	assert_string_equal(fmt_rate(9100, b, sizeof(b)), "9.1 kbit/s");
	assert_string_equal(fmt_rate(37.4e9, b, sizeof(b)), "37.4 Gbit/s");
	assert_string_equal(fmt_rate(812e3, b, sizeof(b)), "812 kbit/s");
}

static void queue_columns_show_bytes_with_binary_suffixes(void **state)
{
	struct conn c = { .state = TS_ESTABLISHED, .wqueue = 2936012, .rqueue = 100 };
	struct row r = { .c = &c };
	char b[32];

	(void)state;
	assert_int_equal(column_get(COL_SENDQ)->fmt, CF_BYTES);
	assert_int_equal(column_get(COL_RECVQ)->fmt, CF_BYTES);
	assert_string_equal(column_format(column_get(COL_SENDQ), &r, 6, b, sizeof(b)), "2.8Mi");
	assert_string_equal(column_format(column_get(COL_RECVQ), &r, 6, b, sizeof(b)), "100");
}

static void pacing_of_all_ones_is_unlimited(void **state)
{
	struct arena a = { 0 };
	struct tcpi ti = { .pacing_rate = UINT64_MAX }; /* two words of the packed block */
	struct conn c = { .state = TS_ESTABLISHED,
			  .info = sockblk_pack(&a, &ti, NULL, 0, NULL, 0),
			  .info_len = sizeof(struct tcpi) };
	struct row r = { .c = &c };
	struct sortkey k, k2;
	char b[32];

	(void)state;
	assert_string_equal(column_format(column_get(COL_PACING), &r, 6, b, sizeof(b)), "unlim");
	column_sortkey(column_get(COL_PACING), NULL, &r, 0, &k);
	ti.pacing_rate = 125000000000ull; /* 1 Tbit/s */
	c.info = sockblk_pack(&a, &ti, NULL, 0, NULL, 0);
	assert_string_equal(column_format(column_get(COL_PACING), &r, 6, b, sizeof(b)), "1.0T");
	column_sortkey(column_get(COL_PACING), NULL, &r, 1, &k2);
	assert_true(column_sortkey_cmp(&k, &k2, true, true) < 0); /* unlimited sorts first */
	arena_free(&a);
}

static void syn_queue_shows_depth_over_limit_when_known(void **state)
{
	struct conn c = { .state = TS_LISTEN };
	struct listener l = { .syn_q = 3, .syn_max = 128 };
	struct row_who w = { .lst = &l };
	struct row r = { .c = &c, .who = &w };
	char b[32];

	(void)state;
	assert_string_equal(column_format(column_get(COL_SYN_FILL), &r, 9, b, sizeof(b)), "3/128");
	assert_string_equal(column_format(column_get(COL_SYN_MAX), &r, 6, b, sizeof(b)), "128");
	assert_int_equal(column_attr(column_get(COL_SYN_FILL), &r), AT_NORMAL);
	l.syn_q = 128;
	assert_int_equal(column_attr(column_get(COL_SYN_FILL), &r), AT_ALARM);
	l.syn_max = 0; /* not known: no limit is made up */
	assert_string_equal(column_format(column_get(COL_SYN_FILL), &r, 9, b, sizeof(b)), "128");
	assert_string_equal(column_format(column_get(COL_SYN_MAX), &r, 6, b, sizeof(b)), "-");
	assert_int_equal(column_attr(column_get(COL_SYN_MAX), &r), AT_DIM);
	assert_string_equal(column_by_name("syn_max")->json, "syn_max");
	assert_true(column_by_name("syn_max")->flags & COLF_LISTEN);
}

/* A cell without its padding. */
static const char *trim(char *s)
{
	size_t n = strlen(s);

	while (n && s[n - 1] == ' ')
		s[--n] = '\0';
	return s;
}

static void process_cells_say_when_attribution_is_off(void **state)
{
	static const enum col_id cols[] = { COL_STATE, COL_PROC };
	struct conn c = { .state = TS_TIME_WAIT };
	struct row r = { .c = &c };
	struct layout l;
	char b[64];

	(void)state;
	layout_fit(&l, cols, 2, 80);
	table_cell(&l, 1, &r, b, sizeof(b));
	assert_string_equal(trim(b), "-"); /* attribution ran: nobody holds it */
	layout_set_attribution(&l, ATTR_FULL);
	table_cell(&l, 1, &r, b, sizeof(b));
	assert_string_equal(trim(b), "-");
	layout_set_attribution(&l, ATTR_OFF);
	table_cell(&l, 1, &r, b, sizeof(b));
	assert_string_equal(trim(b), "off");
	layout_set_attribution(&l, ATTR_UNAVAILABLE);
	table_cell(&l, 1, &r, b, sizeof(b));
	assert_string_equal(trim(b), "n/a");
	table_cell(&l, 0, &r, b, sizeof(b)); /* other columns are untouched */
	assert_string_equal(trim(b), "TIME-WAIT");
}

static void long_text_is_cut_in_the_middle(void **state)
{
	char b[64];

	(void)state;
	table_fit_text("[2001:db8:1:2:3:4:5:6]:443", 16, ALIGN_LEFT, b, sizeof(b));
	assert_string_equal(b, "[2001:d~5:6]:443");
	table_fit_text("42", 5, ALIGN_RIGHT, b, sizeof(b));
	assert_string_equal(b, "   42");
}

static void narrow_screens_drop_columns_by_priority(void **state)
{
	struct layout l;
	int wide, narrow;

	(void)state;
	layout_fit(&l, column_default_view, column_default_view_len, 400);
	wide = l.n;
	assert_int_equal(wide, (int)column_default_view_len);
	assert_true(l.width[0] > column_get(COL_LOCAL)->width); /* spare width to addresses */
	layout_fit(&l, column_default_view, column_default_view_len, 80);
	narrow = l.n;
	assert_true(narrow < wide);
	assert_true(l.total <= 80);
	/* the priority-1 columns stay */
	for (int want = COL_LOCAL; want <= COL_STATE; want++) {
		bool found = false;

		for (int i = 0; i < l.n; i++)
			found |= l.col[i]->id == (enum col_id)want;
		assert_true(found);
	}
	/* order is kept */
	for (int i = 1; i < l.n; i++) {
		int a = -1, b = -1;

		for (size_t k = 0; k < column_default_view_len; k++) {
			if (column_default_view[k] == l.col[i - 1]->id)
				a = (int)k;
			if (column_default_view[k] == l.col[i]->id)
				b = (int)k;
		}
		assert_true(a < b);
	}
}

/* The first connection code with this severity, from the descriptors; -1 if none. */
static int code_with_severity(unsigned sev)
{
	for (unsigned code = 0; code < DX_CONN_N; code++)
		if (diagnose_code(code)->severity == sev)
			return (int)code;
	return -1;
}

static bool in_layout(const struct layout *l, enum col_id id)
{
	for (int i = 0; i < l->n; i++)
		if (l->col[i]->id == id)
			return true;
	return false;
}

static void problems_sort_first_by_severity_then_by_rate(void **state)
{
	struct frame fr[2];
	struct view v = { 0 };
	int crit = code_with_severity(DS_CRIT), warn = code_with_severity(DS_WARN);
	int info = code_with_severity(DS_INFO);
	size_t n, quiet = SIZE_MAX;

	(void)state;
	assert_true(warn >= 0);
	if (crit < 0)
		crit = warn; /* no connection code is crit by default (yet): warn stands in */
	tu_frames("states.rec", fr, 2);
	n = frame_nrows(&fr[1]);
	assert_true(n >= 6);
	for (size_t i = 0; i < n; i++) {
		fr[1].rows[i].findings = 0;
		fr[1].rows[i].flags |= ROW_RATES;
		fr[1].rows[i].tx_bps = (double)(i + 1) * 1000;
		fr[1].rows[i].rx_bps = 0;
	}
	/* the slowest rows have the problems: rate alone would put them last */
	fr[1].rows[0].findings = 1u << warn;
	fr[1].rows[1].findings = 1u << crit;
	fr[1].rows[2].findings = 1u << warn;
	if (info >= 0)
		fr[1].rows[3].findings = 1u << info; /* context, not a problem */
	view_build(&v, &fr[1], column_get(COL_PROBLEMS), false, NULL, NULL);
	assert_int_equal(v.n, n);
	if (crit != warn) {
		assert_int_equal(v.order[0], 1);
		assert_int_equal(v.order[1], 2); /* warn rows by rate: 3 kb/s before 1 kb/s */
		assert_int_equal(v.order[2], 0);
	} else {
		assert_int_equal(v.order[0], 2); /* by rate among equals */
		assert_int_equal(v.order[1], 1);
		assert_int_equal(v.order[2], 0);
	}
	/* the rest by rate, listeners (no rate) last */
	for (size_t i = 4; i < v.n; i++) {
		const struct row *p = &fr[1].rows[v.order[i - 1]], *r = &fr[1].rows[v.order[i]];

		if (r->c->state == TS_LISTEN) {
			quiet = i;
			continue;
		}
		assert_true(quiet == SIZE_MAX);
		if (i > 3 && p->c->state != TS_LISTEN)
			assert_true(p->tx_bps >= r->tx_bps);
	}
	/* -r reverses it: healthy rows first, the problems after them */
	view_build(&v, &fr[1], column_get(COL_PROBLEMS), true, NULL, NULL);
	{
		bool seen_problem = false;

		for (size_t i = 0; i < v.n; i++) {
			uint32_t f = fr[1].rows[v.order[i]].findings;
			bool problem = f && f != (info >= 0 ? 1u << info : 0);

			assert_false(seen_problem && !problem);
			seen_problem |= problem;
		}
		assert_true(seen_problem);
	}
	/* a pure column sort ignores the findings */
	view_build(&v, &fr[1], column_get(COL_TX), false, NULL, NULL);
	assert_int_not_equal(v.order[0], 1);
	view_free(&v);
	frame_free(&fr[0]);
	frame_free(&fr[1]);
}

/* A listener's own findings (frame findings naming its row) rank it like a connection's. */
static void a_listener_with_a_full_accept_queue_sorts_first(void **state)
{
	struct frame fr[2];
	struct view v = { 0 };
	bool problem = false;

	(void)state;
	tu_frames("listen_overflow.rec", fr, 2);
	for (uint32_t i = 0; i < fr[1].nfindings; i++)
		problem |= fr[1].findings[i].code >= DX_CONN_N &&
			   fr[1].findings[i].severity >= DS_WARN &&
			   fr[1].rows[fr[1].findings[i].row].c->state == TS_LISTEN;
	assert_true(problem); /* the recording: accept queue 3, over its limit 2 */
	view_build(&v, &fr[1], column_get(COL_PROBLEMS), false, NULL, NULL);
	assert_int_equal(fr[1].rows[v.order[0]].c->state, TS_LISTEN);
	/* by rate it has none, so it is last */
	view_build(&v, &fr[1], column_get(COL_RATE), false, NULL, NULL);
	assert_int_equal(fr[1].rows[v.order[v.n - 1]].c->state, TS_LISTEN);
	view_free(&v);
	frame_free(&fr[0]);
	frame_free(&fr[1]);
}

static void problems_is_a_sort_key_by_name(void **state)
{
	const struct column *c = column_by_name("problems");

	(void)state;
	assert_non_null(c);
	assert_int_equal(c->id, COL_PROBLEMS);
	assert_true(column_is_numeric(c));
	assert_true(column_sort_desc(c));
	assert_null(c->json); /* the findings are in JSON already */
}

static void at_80_columns_limit_flags_and_process_stay(void **state)
{
	static const enum col_id asked[] = { COL_LOCAL, COL_REMOTE, COL_STATE,
					     COL_LIMIT, COL_FLAGS,  COL_PROC };
	struct frame fr[2];
	struct view v = { 0 };
	uint8_t natural[COL_N];
	struct layout l;

	(void)state;
	tu_frames("states.rec", fr, 2);
	view_build(&v, &fr[1], column_get(COL_PROBLEMS), false, NULL, NULL);
	layout_measure(&fr[1], v.order, v.n, natural);
	layout_fit_data(&l, column_default_view, column_default_view_len, 80, natural);
	assert_true(l.total <= 80);
	assert_true(in_layout(&l, COL_LIMIT));
	assert_true(in_layout(&l, COL_FLAGS));
	assert_true(in_layout(&l, COL_PROC));
	assert_false(in_layout(&l, COL_RTT));
	assert_false(in_layout(&l, COL_CWND));
	/* -c local,remote,state,limit,flags,proc: nothing asked for is dropped */
	layout_fit_data(&l, asked, sizeof(asked) / sizeof(asked[0]), 80, natural);
	assert_int_equal(l.n, 6);
	assert_int_equal(l.dropped, 0);
	assert_true(l.total <= 80);
	/* with a real process name and a finding, Process is narrowed before it would go */
	{
		struct procinfo p = { .pid = 123456, .count = 1, .comm = "postgres" };
		int zwin = diagnose_code_by_name("zwin");
		char cell[64];

		snprintf(p.text, sizeof(p.text), "123456/postgres");
		for (size_t i = 0; i < frame_nrows(&fr[1]); i++)
			frame_set_proc(&fr[1], &fr[1].rows[i], &p);
		assert_true(zwin >= 0);
		fr[1].rows[v.order[0]].findings = 1u << zwin;
		layout_measure(&fr[1], v.order, v.n, natural);
		layout_fit_data(&l, column_default_view, column_default_view_len, 80, natural);
		assert_true(l.total <= 80);
		assert_true(in_layout(&l, COL_LIMIT));
		assert_true(in_layout(&l, COL_FLAGS));
		/*
		 * CLOSE-WAIT rows make State 10 wide: the answer leaves less than
		 * Process's minimum at 80. Eight cells more and it is there, narrowed.
		 */
		layout_fit_data(&l, column_default_view, column_default_view_len, 88, natural);
		assert_true(l.total <= 88);
		assert_true(in_layout(&l, COL_FLAGS));
		assert_true(in_layout(&l, COL_PROC));
		assert_false(in_layout(&l, COL_RTT));
		for (int i = 0; i < l.n; i++) {
			if (l.col[i]->id != COL_PROC)
				continue;
			table_cell(&l, i, &fr[1].rows[v.order[0]], cell, sizeof(cell));
			assert_true(l.width[i] >= column_get(COL_PROC)->minwidth);
			/* cut at its end: the pid and the start of the name stay */
			assert_memory_equal(cell, "123456/", 7);
		}
		for (size_t i = 0; i < frame_nrows(&fr[1]); i++)
			frame_set_proc(&fr[1], &fr[1].rows[i], NULL);
	}
	view_free(&v);
	frame_free(&fr[0]);
	frame_free(&fr[1]);
}

static void a_dropped_column_comes_back_when_a_wider_one_went(void **state)
{
	/* CC (prio 8, 6 wide) goes first, then Mem (prio 6, 19 wide): then CC fits again */
	static const enum col_id want[] = { COL_STATE, COL_CONG, COL_SKMEM };
	struct layout l;

	(void)state;
	layout_fit(&l, want, 3, 20);
	assert_true(in_layout(&l, COL_STATE));
	assert_true(in_layout(&l, COL_CONG));
	assert_false(in_layout(&l, COL_SKMEM));
	assert_int_equal(l.dropped, 1);
	assert_true(l.total <= 20);
}

/* Narrowing the answer or Process is for each other, never for a secondary column. */
static void process_is_not_narrowed_for_a_secondary_column(void **state)
{
	static const enum col_id want[] = { COL_LOCAL, COL_PROC, COL_CONG };
	struct conn c = { .family = AF_INET, .state = TS_ESTABLISHED, .sport = 40000 };
	struct procinfo p = { .pid = 123456, .count = 1, .comm = "postgres" };
	struct row_who w = { .proc = &p };
	struct row r = { .c = &c, .who = &w };
	struct frame f = { 0 };
	uint8_t natural[COL_N];
	uint32_t order = 0;
	struct layout l;

	(void)state;
	snprintf(p.text, sizeof(p.text), "123456/postgres");
	f.rows = &r;
	f.sample.n = 1;
	tu_addrs(&c, NULL, "10.0.0.1", "0.0.0.0");
	layout_measure(&f, &order, 1, natural);
	/* room for the address and Process as they are, not for CC too */
	layout_fit_data(&l, want, 3, natural[COL_LOCAL] + 1 + natural[COL_PROC] + 3, natural);
	assert_true(in_layout(&l, COL_PROC));
	assert_false(in_layout(&l, COL_CONG));
	for (int i = 0; i < l.n; i++)
		assert_int_equal(l.width[i], natural[l.col[i]->id]);
}

static void sorting_is_deterministic_and_unavailable_sorts_last(void **state)
{
	struct frame fr[2];
	struct view v = { 0 };
	const struct column *rtt = column_get(COL_RTT);

	(void)state;
	tu_frames("states.rec", fr, 2);
	for (int rev = 0; rev < 2; rev++) {
		bool seen_none = false;

		view_build(&v, &fr[1], rtt, rev, NULL, NULL);
		assert_int_equal(v.n, frame_nrows(&fr[1]));
		for (size_t i = 0; i < v.n; i++) {
			const struct row *r = &fr[1].rows[v.order[i]];
			bool none = r->c->info == NULL;

			assert_false(seen_none && !none); /* TIME-WAIT (no rtt) only at the end */
			seen_none |= none;
			if (i && !none) {
				const struct row *p = &fr[1].rows[v.order[i - 1]];

				if (rev)
					assert_true(CONN_TI(p->c, rtt) <= CONN_TI(r->c, rtt));
				else
					assert_true(CONN_TI(p->c, rtt) >= CONN_TI(r->c, rtt));
				if (CONN_TI(p->c, rtt) == CONN_TI(r->c, rtt))
					assert_true(p->c->cookie < r->c->cookie);
			}
		}
		assert_true(seen_none);
	}
	view_free(&v);
	frame_free(&fr[0]);
	frame_free(&fr[1]);
}

/* The reference order: column_sortkey_cmp, equal keys in row order (a stable sort). */
static void reference_order(const struct frame *f, const struct column *col, bool reverse,
			    uint32_t *out)
{
	size_t n = frame_nrows(f);
	struct sortkey *k = calloc(n, sizeof(*k));
	bool desc = column_sort_desc(col) != reverse;

	for (size_t i = 0; i < n; i++) {
		size_t j = i;

		column_sortkey(col, f, &f->rows[i], (uint32_t)i, &k[i]);
		/* insertion: the new key goes after every key not greater than it */
		struct sortkey cur = k[i];

		while (j > 0 &&
		       column_sortkey_cmp(&k[j - 1], &cur, column_is_numeric(col), desc) > 0) {
			k[j] = k[j - 1];
			j--;
		}
		k[j] = cur;
	}
	for (size_t i = 0; i < n; i++)
		out[i] = k[i].idx;
	free(k);
}

/*
 * Numeric sorts run on flattened integer keys: on every column, both
 * directions, over 2,000 rows with many equal values, equal cookies and
 * unavailable values, the order is the one the comparator defines.
 */
static void every_column_sorts_as_its_comparator_orders(void **state)
{
	static const double rates[] = { 0, 0, 1e3, 5e5, 5e5, 1e9, -0.0 };
	struct frame fr[2], big;
	struct view v = { 0 };
	size_t n = 2000;
	struct row *rows;
	uint32_t *want = calloc(n, sizeof(*want));
	uint64_t seed = 77;

	(void)state;
	tu_frames("states.rec", fr, 2);
	rows = calloc(n, sizeof(*rows));
	for (size_t i = 0; i < n; i++) {
		rows[i] = fr[1].rows[i % frame_nrows(&fr[1])]; /* same conn: same cookie */
		rows[i].tx_bps = rates[xorshift(&seed) % 7];
		rows[i].rx_bps = rates[xorshift(&seed) % 7];
		if (xorshift(&seed) % 5 == 0)
			rows[i].flags &= (uint16_t)~ROW_RATES;
	}
	big = fr[1];
	big.rows = rows;
	big.sample.n = n;
	for (int id = 0; id < COL_N; id++) {
		const struct column *col = column_get(id);

		for (int rev = 0; rev < 2; rev++) {
			view_build(&v, &big, col, rev, NULL, NULL);
			reference_order(&big, col, rev, want);
			assert_int_equal(v.n, n);
			assert_memory_equal(v.order, want, n * sizeof(*want));
		}
	}
	view_free(&v);
	free(rows);
	free(want);
	frame_free(&fr[0]);
	frame_free(&fr[1]);
}

static void endpoints_sort_numerically(void **state)
{
	struct frame fr[2];
	struct view v = { 0 };

	(void)state;
	tu_frames("states.rec", fr, 2);
	view_build(&v, &fr[1], column_get(COL_LOCAL), false, NULL, NULL);
	for (size_t i = 1; i < v.n; i++)
		assert_true(fr[1].rows[v.order[i - 1]].c->sport <= fr[1].rows[v.order[i]].c->sport);
	view_free(&v);
	frame_free(&fr[0]);
	frame_free(&fr[1]);
}

static int collect(const char *s, size_t n, void *arg)
{
	sb_add(arg, s, n);
	return 0;
}

static int refuse(const char *s, size_t n, void *arg)
{
	(void)s;
	(void)n;
	(void)arg;
	errno = ENOSPC;
	return -1;
}

/* A failed flush is kept (to be reported once) and the text after it is not held. */
static void a_failed_flush_is_kept_and_stops_holding_text(void **state)
{
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	sb_set_flush(&sb, 4, refuse, NULL);
	sb_puts(&sb, "ab");
	sb_flush_point(&sb);
	assert_int_equal(sb.len, 2); /* below the threshold: held */
	sb_puts(&sb, "cdef");
	sb_flush_point(&sb);
	assert_int_equal(sb.flush_errno, ENOSPC);
	assert_int_equal(sb.len, 0);
	assert_int_equal(sb.flushed, 0);
	sb_free(&sb);
}

static void render(const char *fixture,
		   void (*writer)(const struct frame *, const struct out_ctx *, struct view *,
				  struct strbuf *),
		   const char *golden)
{
	struct frame fr[2];
	struct view v = { 0 };
	struct strbuf sb = STRBUF_INIT;
	struct out_ctx ctx = { "testhost",
			       "6.18.0",
			       column_default_view,
			       column_default_view_len,
			       column_get(COL_PROBLEMS), /* the default order (opts.c) */
			       false,
			       NULL,
			       NULL,
			       NULL,
			       NULL };
	char path[256];

	struct strbuf out = STRBUF_INIT;

	tu_frames(fixture, fr, 2);
	writer(&fr[1], &ctx, &v, &sb);
	snprintf(path, sizeof(path), "tests/golden/%s", golden);
	assert_true(tu_golden(path, sb.s));
	/* streamed (handed on at every row, as batch mode writes it): the same bytes */
	sb_reset(&sb);
	sb_set_flush(&sb, 1, collect, &out);
	writer(&fr[1], &ctx, &v, &sb);
	assert_true(sb.flushed > 0);
	sb_add(&out, sb.s, sb.len);
	assert_int_equal(sb.flushed + sb.len, out.len);
	assert_true(tu_golden(path, out.s));
	sb_free(&out);
	sb_free(&sb);
	view_free(&v);
	frame_free(&fr[0]);
	frame_free(&fr[1]);
}

/*
 * The connection table of a recorded zero-window stall fitted to a terminal
 * width, in the default order: what the Connections view draws (without the
 * screen's frame). At 80 the stalled sender is the first row and its FLAGS
 * (zwin) and LIMIT are on screen; wider terminals add the numbers back.
 */
static void fitted_table(int width, const char *golden)
{
	struct frame fr[3];
	struct view v = { 0 };
	struct strbuf sb = STRBUF_INIT;
	uint8_t natural[COL_N];
	struct layout l;
	char path[256];

	tu_frames("diag_zwin.rec", fr, 3);
	view_build(&v, &fr[2], column_get(COL_PROBLEMS), false, NULL, NULL);
	layout_measure(&fr[2], v.order, v.n, natural);
	layout_fit_data(&l, column_default_view, column_default_view_len, width, natural);
	layout_set_attribution(&l, fr[2].attribution);
	assert_true(l.total <= width);
	table_header_line(&l, &sb);
	sb_putc(&sb, '\n');
	for (size_t i = 0; i < v.n; i++) {
		table_row_line(&l, &fr[2].rows[v.order[i]], &sb);
		sb_putc(&sb, '\n');
	}
	snprintf(path, sizeof(path), "tests/golden/%s", golden);
	assert_true(tu_golden(path, sb.s));
	sb_free(&sb);
	view_free(&v);
	for (int i = 0; i < 3; i++)
		frame_free(&fr[i]);
}

static void zero_window_stall_leads_the_table_at_80_120_and_200(void **state)
{
	(void)state;
	fitted_table(80, "table-zwin-80.txt");
	fitted_table(120, "table-zwin-120.txt");
	fitted_table(200, "table-zwin-200.txt");
}

static void text_snapshot_of_recorded_states_matches_golden(void **state)
{
	(void)state;
	render("states.rec", out_text_frame, "states.txt");
}

static void text_snapshot_of_recorded_listener_matches_golden(void **state)
{
	(void)state;
	render("listen_overflow.rec", out_text_frame, "listen_overflow.txt");
}

static void json_of_recorded_bulk_transfer_matches_golden(void **state)
{
	(void)state;
	render("ipv4_bulk.rec", out_json_frame, "ipv4_bulk.json");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(collected_frames_are_committed_after_the_diagnosis),
		cmocka_unit_test(json_strings_are_escaped),
		cmocka_unit_test(json_objects_and_arrays_get_their_commas),
		cmocka_unit_test(numbers_are_formatted_for_narrow_columns),
		cmocka_unit_test(cell_formatters_print_what_printf_prints),
		cmocka_unit_test(json_numbers_print_what_printf_prints),
		cmocka_unit_test(json_keys_are_escaped_like_strings),
		cmocka_unit_test(ipv4_addresses_print_what_inet_ntop_prints),
		cmocka_unit_test(a_failed_flush_is_kept_and_stops_holding_text),
		cmocka_unit_test(bytes_are_binary_and_say_so_rates_are_bits),
		cmocka_unit_test(queue_columns_show_bytes_with_binary_suffixes),
		cmocka_unit_test(pacing_of_all_ones_is_unlimited),
		cmocka_unit_test(syn_queue_shows_depth_over_limit_when_known),
		cmocka_unit_test(process_cells_say_when_attribution_is_off),
		cmocka_unit_test(long_text_is_cut_in_the_middle),
		cmocka_unit_test(narrow_screens_drop_columns_by_priority),
		cmocka_unit_test(sorting_is_deterministic_and_unavailable_sorts_last),
		cmocka_unit_test(endpoints_sort_numerically),
		cmocka_unit_test(every_column_sorts_as_its_comparator_orders),
		cmocka_unit_test(problems_sort_first_by_severity_then_by_rate),
		cmocka_unit_test(a_listener_with_a_full_accept_queue_sorts_first),
		cmocka_unit_test(problems_is_a_sort_key_by_name),
		cmocka_unit_test(at_80_columns_limit_flags_and_process_stay),
		cmocka_unit_test(a_dropped_column_comes_back_when_a_wider_one_went),
		cmocka_unit_test(process_is_not_narrowed_for_a_secondary_column),
		cmocka_unit_test(zero_window_stall_leads_the_table_at_80_120_and_200),
		cmocka_unit_test(text_snapshot_of_recorded_states_matches_golden),
		cmocka_unit_test(text_snapshot_of_recorded_listener_matches_golden),
		cmocka_unit_test(json_of_recorded_bulk_transfer_matches_golden),
	};

	/* the snapshot header shows local time */
	setenv("TZ", "UTC", 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
