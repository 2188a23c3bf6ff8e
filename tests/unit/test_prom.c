/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_prom: the prom writer's exposition parses back (HELP, TYPE, labels, values), labels are escaped, series are bounded. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "column.h"
#include "diagnose.h"
#include "out_prom.h"
#include "outfmt.h"
#include "procmap.h"
#include "testutil.h"
#include "view.h"

/* What a strict reading of the exposition found. */
struct parsed {
	size_t families, samples;
	size_t per_family[64];
	char names[64][96];
	char *series[4096]; /* "name{labels}" of every sample: no two alike */
};

/* Reads one label value up to its closing quote; only \\, \" and \n may be escaped. */
static const char *label_value(const char *p, char *out, size_t n)
{
	size_t at = 0;

	for (; *p && *p != '"'; p++) {
		char c = *p;

		if (c == '\n')
			return NULL;
		if (c == '\\') {
			p++;
			if (*p != '\\' && *p != '"' && *p != 'n')
				return NULL;
			c = *p == 'n' ? '\n' : *p;
		}
		if (at + 1 < n)
			out[at++] = c;
	}
	out[at] = '\0';
	return *p == '"' ? p + 1 : NULL;
}

static int is_name(const char *s, size_t n)
{
	if (!n || !(isalpha((unsigned char)s[0]) || s[0] == '_'))
		return 0;
	for (size_t i = 1; i < n; i++)
		if (!(isalnum((unsigned char)s[i]) || s[i] == '_'))
			return 0;
	return 1;
}

/* Fails the test at the first line the text format does not allow. */
static void parse(const char *text, struct parsed *p)
{
	char *copy = strdup(text), *save = NULL;
	char type[64] = "";

	memset(p, 0, sizeof(*p));
	assert_true(text[0] && text[strlen(text) - 1] == '\n');
	for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(l, "# HELP ", 7)) {
			char *name = l + 7;
			size_t n = strcspn(name, " ");

			assert_true(is_name(name, n));
			assert_true(p->families < 64);
			/* a family is announced once, and before its samples */
			for (size_t i = 0; i < p->families; i++)
				assert_false(strlen(p->names[i]) == n &&
					     !strncmp(p->names[i], name, n));
			snprintf(p->names[p->families++], sizeof(p->names[0]), "%.*s", (int)n,
				 name);
			type[0] = '\0';
			continue;
		}
		if (!strncmp(l, "# TYPE ", 7)) {
			const char *cur = p->names[p->families - 1];

			assert_true(p->families > 0);
			assert_int_equal(strncmp(l + 7, cur, strlen(cur)), 0);
			snprintf(type, sizeof(type), "%s", l + 7 + strlen(cur) + 1);
			assert_true(!strcmp(type, "gauge") || !strcmp(type, "counter"));
			/* counters are named _total */
			if (!strcmp(type, "counter"))
				assert_non_null(strstr(cur, "_total"));
			continue;
		}
		assert_true(l[0] != '#');
		{
			const char *cur = p->names[p->families - 1];
			size_t n = strcspn(l, "{ ");
			const char *q = l + n;
			char *end, key[256], val[1024], series[2048];
			double v;

			assert_true(type[0]); /* TYPE before the samples */
			assert_int_equal(n, strlen(cur));
			assert_int_equal(strncmp(l, cur, n), 0);
			assert_true(is_name(l, n));
			if (*q == '{') {
				q++;
				while (*q != '}') {
					size_t kn = strcspn(q, "=");

					assert_true(is_name(q, kn));
					snprintf(key, sizeof(key), "%.*s", (int)kn, q);
					q += kn;
					assert_true(q[0] == '=' && q[1] == '"');
					q = label_value(q + 2, val, sizeof(val));
					assert_non_null(q);
					if (*q == ',')
						q++;
					else
						assert_true(*q == '}');
				}
				q++;
			}
			assert_true(*q == ' ');
			v = strtod(q + 1, &end);
			assert_true(*end == '\0' && end != q + 1);
			assert_true(isfinite(v) && v >= 0);
			snprintf(series, sizeof(series), "%.*s", (int)(q - l), l);
			for (size_t i = 0; i < p->samples; i++)
				assert_string_not_equal(p->series[i], series);
			assert_true(p->samples < 4096);
			p->series[p->samples++] = strdup(series);
			p->per_family[p->families - 1]++;
		}
	}
	free(copy);
}

static void parsed_free(struct parsed *p)
{
	for (size_t i = 0; i < p->samples; i++)
		free(p->series[i]);
}

static size_t count_of(const struct parsed *p, const char *family)
{
	for (size_t i = 0; i < p->families; i++)
		if (!strcmp(p->names[i], family))
			return p->per_family[i];
	fail_msg("no family %s", family);
	return 0;
}

static const struct out_ctx ctx = { .hostname = "h", .kernel = "6.1.0", .sort = NULL };

static void write_frame(const struct frame *f, size_t top, struct strbuf *sb)
{
	struct out_ctx c = ctx;
	struct view v = { 0 };

	c.sort = column_get(COL_PROBLEMS);
	sb_reset(sb);
	out_prom_frame(f, &c, top, &v, sb);
	view_free(&v);
}

static void every_family_has_help_and_type_and_parses_back(void **state)
{
	struct frame fr[2];
	struct strbuf sb = STRBUF_INIT;
	struct parsed p;
	size_t nfam = 0;

	(void)state;
	tu_frames("ipv4_bulk.rec", fr, 2);
	write_frame(&fr[1], 5, &sb);
	parse(sb.s, &p);
	while (out_prom_family(nfam))
		nfam++;
	assert_int_equal(p.families, nfam);
	for (size_t i = 0; i < nfam; i++) {
		assert_string_equal(p.names[i], out_prom_family(i));
		assert_int_equal(strncmp(p.names[i], "tcptop_", 7), 0);
	}
	/* every state node_exporter's tcpstat names, every finding code, every LIMIT cause */
	assert_int_equal(count_of(&p, "tcptop_sockets"), 11);
	assert_int_equal(count_of(&p, "tcptop_findings"), DX_N);
	assert_int_equal(count_of(&p, "tcptop_connections_limited"), DL_N - 1);
	assert_non_null(strstr(sb.s, "\ntcptop_sockets{state=\"time_wait\"} "));
	assert_non_null(strstr(sb.s, "\ntcptop_sockets{state=\"established\"} 2\n"));
	parsed_free(&p);
	sb_free(&sb);
	frame_free(&fr[0]);
	frame_free(&fr[1]);
}

static void prom_top_bounds_the_connection_series(void **state)
{
	struct frame fr[2];
	struct strbuf sb = STRBUF_INIT;
	struct parsed p;
	size_t conns = 0;

	(void)state;
	tu_frames("states.rec", fr, 2);
	for (size_t i = 0; i < frame_nrows(&fr[1]); i++) {
		struct row *r = &fr[1].rows[i];

		if (row_lst(r) || r->c->state == TS_TIME_WAIT)
			continue;
		r->flags |= ROW_RATES;
		r->tx_bps = (double)(i + 1) * 1000;
		conns++;
	}
	assert_true(conns >= 3);
	write_frame(&fr[1], 0, &sb);
	parse(sb.s, &p);
	assert_int_equal(count_of(&p, "tcptop_connection_send_queue_bytes"), 0);
	parsed_free(&p);
	write_frame(&fr[1], 2, &sb);
	parse(sb.s, &p);
	assert_int_equal(count_of(&p, "tcptop_connection_send_queue_bytes"), 2);
	assert_int_equal(count_of(&p, "tcptop_connection_receive_queue_bytes"), 2);
	parsed_free(&p);
	write_frame(&fr[1], 1000, &sb);
	parse(sb.s, &p);
	assert_int_equal(count_of(&p, "tcptop_connection_send_queue_bytes"), conns);
	parsed_free(&p);
	sb_free(&sb);
	frame_free(&fr[0]);
	frame_free(&fr[1]);
}

static void listeners_carry_their_queues_and_limits(void **state)
{
	struct frame fr[2];
	struct strbuf sb = STRBUF_INIT;
	struct parsed p;

	(void)state;
	tu_frames("listen_overflow.rec", fr, 2);
	write_frame(&fr[1], 0, &sb);
	parse(sb.s, &p);
	assert_true(count_of(&p, "tcptop_listen_accept_queue") >= 1);
	/* the recording: accept queue 3 over its limit 2 */
	assert_non_null(strstr(sb.s, ",process=\"\"} 3\n"));
	assert_non_null(strstr(sb.s, "# TYPE tcptop_listen_drops_total counter\n"));
	assert_true(count_of(&p, "tcptop_findings") == DX_N);
	/* its finding counted, the codes it does not have at 0 */
	assert_non_null(
		strstr(sb.s, "tcptop_findings{code=\"accept-full\",severity=\"warn\"} 1\n"));
	assert_non_null(strstr(sb.s, "tcptop_findings{code=\"zwin\",severity=\"warn\"} 0\n"));
	parsed_free(&p);
	sb_free(&sb);
	frame_free(&fr[0]);
	frame_free(&fr[1]);
}

static void labels_are_sanitised_then_escaped(void **state)
{
	char b[OUT_PROM_LABEL_SIZE(32)];

	(void)state;
	assert_string_equal(out_prom_label(b, sizeof(b), "nginx", 5), "nginx");
	/* a quote, a backslash, a newline, an escape sequence, UTF-8 */
	assert_string_equal(out_prom_label(b, sizeof(b), "ev\"il\\x\ny", 9),
			    "ev\\\"il\\\\\\\\x\\\\x0ay");
	assert_string_equal(out_prom_label(b, sizeof(b), "\x1b[31m", 5), "\\\\x1b[31m");
	assert_string_equal(out_prom_label(b, sizeof(b), "caf\xc3\xa9", 5), "caf\\\\xc3\\\\xa9");
	/* cut only between escapes */
	assert_string_equal(out_prom_label(b, 6, "\"\"\"\"", 4), "\\\"\\\"");
	assert_string_equal(out_prom_label(b, 1, "abc", 3), "");
}

static void the_writer_table_has_one_row_per_format_and_grouping(void **state)
{
	(void)state;
	assert_string_equal(outfmt_name(OUT_TEXT), "text");
	assert_string_equal(outfmt_name(OUT_JSON), "json");
	assert_string_equal(outfmt_name(OUT_PROM), "prom");
	assert_null(outfmt_name(OUT_FMT_N));
	assert_int_equal(outfmt_by_name("prom"), OUT_PROM);
	assert_int_equal(outfmt_by_name("xml"), -1);
	assert_non_null(outfmt_find(OUT_TEXT, true));
	assert_non_null(outfmt_find(OUT_JSON, true));
	assert_null(outfmt_find(OUT_PROM, true));
	assert_true(outfmt_find(OUT_TEXT, false)->flags & OUTF_STREAM);
	assert_false(outfmt_find(OUT_PROM, false)->flags & OUTF_STREAM);
	for (int i = 0; i < OUT_FMT_N; i++)
		assert_non_null(outfmt_find((enum out_fmt)i, false)->write);
}

static void one_rule_decides_what_the_kernel_sends(void **state)
{
	const struct column *sort = column_get(COL_PROBLEMS);
	enum col_id local = COL_LOCAL;
	uint8_t all = DIAG_EXT_INFO | DIAG_EXT_SKMEM | DIAG_EXT_CONG;

	(void)state;
	/* JSON writes every column; text and prom what they show plus the diagnosis */
	assert_int_equal(outfmt_needs(outfmt_find(OUT_JSON, false), &local, 1, sort, 0), all);
	assert_int_equal(outfmt_needs(outfmt_find(OUT_TEXT, false), &local, 1, sort, 0) &
				 DIAGNOSE_NEEDS,
			 DIAGNOSE_NEEDS);
	assert_int_equal(
		outfmt_needs(outfmt_find(OUT_PROM, false), &local, 1, sort, 0) & DIAG_EXT_CONG, 0);
	/* the interactive table (no writer) adds its view's needs */
	assert_int_equal(outfmt_needs(NULL, &local, 1, sort, DIAG_EXT_CONG) & DIAG_EXT_CONG,
			 DIAG_EXT_CONG);
}

/* doc/METRICS.md describes every family, one section each. */
static void every_family_is_documented(void **state)
{
	char *doc = tu_read("doc/METRICS.md", NULL);

	(void)state;
	for (size_t i = 0; out_prom_family(i); i++) {
		char head[128];

		snprintf(head, sizeof(head), "### `%s`", out_prom_family(i));
		if (!strstr(doc, head))
			fail_msg("doc/METRICS.md has no section %s", head);
	}
	free(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_family_has_help_and_type_and_parses_back),
		cmocka_unit_test(prom_top_bounds_the_connection_series),
		cmocka_unit_test(listeners_carry_their_queues_and_limits),
		cmocka_unit_test(labels_are_sanitised_then_escaped),
		cmocka_unit_test(the_writer_table_has_one_row_per_format_and_grouping),
		cmocka_unit_test(one_rule_decides_what_the_kernel_sends),
		cmocka_unit_test(every_family_is_documented),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
