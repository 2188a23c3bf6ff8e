/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_closed: destroy events from recorded kernel bytes: parsing, how they ended, blobs, JSON, the view. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <cmocka.h>

#include "canvas.h"
#include "closed.h"
#include "column.h"
#include "diag_parse.h"
#include "screen.h"
#include "testutil.h"
#include "ui.h"

#define FIXTURE "closed_ends.rec"
#define NFRAMES 7

struct got {
	struct closed_conn cc[32];
	size_t n;
};

static void keep(void *ctx, struct closed_conn *cc)
{
	struct got *g = ctx;

	cc->how = (uint8_t)closed_classify(cc);
	if (g->n < 32)
		g->cc[g->n++] = *cc;
}

/* Every recorded event block of the fixture, read as replay reads it. */
static void read_all(struct got *g)
{
	struct replay *r = tu_replay(FIXTURE);
	const struct rec_frame *f;
	struct arena a = { 0 };
	struct terr e = { { 0 } };

	memset(g, 0, sizeof(*g));
	while (replay_next(r, &f, &e) == 1) {
		const struct rec_blob *b = replay_file(f, "tcptop/closed");
		struct closed_blob_head h;

		assert_non_null(b);
		assert_int_equal(closed_blob_read(b->data, b->len, &h, &a, keep, g, &e), 0);
		assert_true(h.watched);
		assert_int_equal(h.lost, 0);
	}
	arena_free(&a);
	replay_free(r);
}

static const struct closed_conn *find_how(const struct got *g, unsigned how, bool passive)
{
	for (size_t i = 0; i < g->n; i++)
		if (g->cc[i].how == how && !!(g->cc[i].flags & CCF_PASSIVE) == passive)
			return &g->cc[i];
	return NULL;
}

/* sockscen ends: normal, reset, refused, unanswered, timeout, told apart from kernel bytes. */
static void recorded_ends_are_told_apart(void **state)
{
	struct got g;
	const struct closed_conn *cc;

	(void)state;
	read_all(&g);
	assert_int_equal(g.n, 7); /* two ends each of normal and reset, three connects */
	cc = find_how(&g, CH_NORMAL, false);
	assert_non_null(cc);
	assert_int_equal(cc->ti.bytes_sent, 1000);
	assert_int_equal(cc->ti.bytes_acked, 1002); /* SYN + payload + FIN */
	assert_non_null(find_how(&g, CH_NORMAL, true));
	cc = find_how(&g, CH_RESET, false);
	assert_non_null(cc);
	assert_int_equal(cc->ti.bytes_acked, 201); /* SYN + payload, never our FIN */
	assert_non_null(find_how(&g, CH_RESET, true));
	cc = find_how(&g, CH_REFUSED, false);
	assert_non_null(cc);
	assert_true(cc->ti.segs_in > 0); /* the reset that answered the SYN */
	cc = find_how(&g, CH_UNANSWERED, false);
	assert_non_null(cc);
	assert_int_equal(cc->c.dport, 9);
	assert_int_equal(cc->last_state, TS_SYN_SENT);
	assert_true(cc->flags & CCF_PROC);
	assert_string_equal(cc->holder.comm, "endscen");
	cc = find_how(&g, CH_TIMEOUT, false);
	assert_non_null(cc);
	assert_int_equal(cc->c.dport, 7777);
	assert_true(cc->ti.total_rto > 0);
	assert_true(cc->ti.bytes_retrans > 0);
}

/* The rule on values made up to hit each branch (the recorded ones above hit them for real). */
static void the_rule_branch_by_branch(void **state)
{
	struct closed_conn cc;

	(void)state;
	memset(&cc, 0, sizeof(cc));
	cc.c.info_len = sizeof(cc.ti);
	cc.ti.segs_in = 1;
	assert_int_equal(closed_classify(&cc), CH_REFUSED);
	cc.ti.segs_in = 0;
	assert_int_equal(closed_classify(&cc), CH_UNANSWERED);
	cc.flags = CCF_PASSIVE; /* an accepted socket always connected */
	assert_int_equal(closed_classify(&cc), CH_RESET);
	cc.flags = 0;
	cc.ti.rtt = 30;
	cc.ti.bytes_sent = 500;
	cc.ti.bytes_retrans = 100;
	cc.ti.bytes_acked = 402; /* SYN + 400 sent once + FIN */
	assert_int_equal(closed_classify(&cc), CH_NORMAL);
	cc.ti.bytes_acked = 401;
	assert_int_equal(closed_classify(&cc), CH_RESET);
	cc.ti.bytes_acked = 1;
	cc.ti.total_rto = 3;
	assert_int_equal(closed_classify(&cc), CH_TIMEOUT);
	cc.flags = CCF_PEER_CLEARED;
	cc.ti.snd_wnd = 65536;
	assert_int_equal(closed_classify(&cc), CH_RESET);
	cc.ti.snd_wnd = 0;
	assert_int_equal(closed_classify(&cc), CH_FAILED);
	cc.flags = 0;
	cc.c.info_len = 100; /* before 4.19: no bytes_sent */
	assert_int_equal(closed_classify(&cc), CH_UNKNOWN);
	assert_true(closed_how_never_connected(CH_FAILED));
	assert_false(closed_how_never_connected(CH_RESET));
	assert_string_equal(closed_how_name(CH_UNANSWERED), "unanswered");
}

/* A recorded event message, with its framing, for the malformed cases. */
static size_t first_event(uint8_t *buf, size_t n)
{
	struct replay *r = tu_replay(FIXTURE);
	const struct rec_frame *f;
	struct terr e = { { 0 } };
	size_t len = 0;

	while (!len && replay_next(r, &f, &e) == 1) {
		const struct rec_blob *b = replay_file(f, "tcptop/closed");
		const uint8_t *p = b->data;
		uint16_t nl, ml;

		memcpy(&nl, p + 6, 2);
		if (b->len > 20u + nl + 44u) {
			memcpy(&ml, p + 20 + nl + 38, 2);
			assert_true(ml <= n);
			memcpy(buf, p + 20 + nl + 44, ml);
			len = ml;
		}
	}
	replay_free(r);
	return len;
}

static void malformed_events_are_errors_with_the_offset(void **state)
{
	uint64_t mbuf[1024];
	uint8_t *buf = (uint8_t *)mbuf;
	struct nlmsghdr *nlh = (struct nlmsghdr *)mbuf;
	struct closed_conn cc;
	struct arena a = { 0 };
	struct terr e = { { 0 } };
	struct closed_blob_head h;
	size_t len = first_event(buf, sizeof(mbuf));

	(void)state;
	assert_true(len > 100);
	assert_int_equal(closed_parse_msg(nlh, &cc, &a, &e), 1);
	nlh->nlmsg_type = 99;
	assert_int_equal(closed_parse_msg(nlh, &cc, &a, &e), -1);
	assert_non_null(strstr(e.msg, "type 99"));
	nlh->nlmsg_type = 20; /* SOCK_DIAG_BY_FAMILY */
	nlh->nlmsg_len = 40;  /* shorter than inet_diag_msg */
	assert_int_equal(closed_parse_msg(nlh, &cc, &a, &e), -1);
	assert_int_equal(closed_blob_read("XXXX", 4, &h, &a, keep, NULL, &e), -1);
	assert_non_null(strstr(e.msg, "not a closed-event block"));
	{
		struct strbuf sb = { 0 };
		struct closed_blob_head hd = { .watched = true };
		struct got g = { .n = 0 };

		nlh->nlmsg_len = (uint32_t)len;
		closed_blob_begin(&sb, &hd);
		memset(&cc, 0, sizeof(cc));
		closed_blob_add(&sb, &cc, buf, len);
		closed_blob_finish(&sb, 1, 0);
		assert_int_equal(closed_blob_read(sb.s, sb.len, &h, &a, keep, &g, &e), 0);
		assert_int_equal(g.n, 1);
		assert_int_equal(closed_blob_read(sb.s, sb.len - 10, &h, &a, keep, &g, &e), -1);
		assert_non_null(strstr(e.msg, "offset"));
		sb.s[4] = 9; /* a version from the future */
		assert_int_equal(closed_blob_read(sb.s, sb.len, &h, &a, keep, &g, &e), -1);
		assert_non_null(strstr(e.msg, "version 9"));
		sb_free(&sb);
	}
	arena_free(&a);
}

/* No peer port: a listener or unused socket is not a connection; a cleared one keeps its address. */
static void sockets_without_a_peer(void **state)
{
	uint64_t mbuf[1024];
	struct nlmsghdr *nlh = (struct nlmsghdr *)mbuf;
	struct inet_diag_msg *m = (struct inet_diag_msg *)(void *)((char *)mbuf + NLMSG_HDRLEN);
	struct closed_conn cc;
	struct arena a = { 0 };
	struct terr e = { { 0 } };

	(void)state;
	assert_true(first_event((uint8_t *)mbuf, sizeof(mbuf)) > 0);
	m->id.idiag_dport = 0;
	assert_int_equal(closed_parse_msg(nlh, &cc, &a, &e), 1);
	assert_true(cc.flags & CCF_PEER_CLEARED);
	memset(m->id.idiag_dst, 0, sizeof(m->id.idiag_dst));
	assert_int_equal(closed_parse_msg(nlh, &cc, &a, &e), 0);
	arena_free(&a);
}

/*
 * An IPv6 socket's addresses stay with its closed_conn: they are copied out
 * of the parser's arena, so a copy (the Closed view's ring) still has them
 * after the arena is reused, in closed_src/closed_dst, the row and JSON.
 */
static void ipv6_ends_keep_their_addresses(void **state)
{
	struct nlmsghdr *nlh = tu_msg_with_state("ipv6_bulk.rec", TS_ESTABLISHED);
	struct closed_conn *cc = malloc(sizeof(*cc)), copy;
	struct arena a = { 0 };
	struct terr e = { { 0 } };
	struct conn live;
	struct closed_row tmp;
	const struct row *r;
	char want_l[ENDPOINT_STRLEN], want_r[ENDPOINT_STRLEN], got[ENDPOINT_STRLEN];
	struct strbuf sb = { 0 };
	struct json j;
	char key[ENDPOINT_STRLEN + 16];

	(void)state;
	assert_int_equal(diag_parse_msg(nlh, &live, &a, NULL, &e), 0);
	assert_int_equal(live.family, AF_INET6);
	endpoint_str(AF_INET6, conn_src(&live), live.sport, want_l, sizeof(want_l));
	endpoint_str(AF_INET6, conn_dst(&live), live.dport, want_r, sizeof(want_r));
	assert_true(strncmp(want_l, "[::1]:", 6) == 0 && strncmp(want_r, "[::1]:", 6) == 0);
	arena_reset(&a);
	assert_int_equal(closed_parse_msg(nlh, cc, &a, &e), 1);
	copy = *cc;
	memset(cc, 0xa5, sizeof(*cc));
	free(cc);
	arena_reset(&a);
	memset(arena_alloc(&a, 4096), 0x5a, 4096); /* where the parser had put them */
	assert_string_equal(
		endpoint_str(AF_INET6, closed_src(&copy), copy.c.sport, got, sizeof(got)), want_l);
	assert_string_equal(
		endpoint_str(AF_INET6, closed_dst(&copy), copy.c.dport, got, sizeof(got)), want_r);
	r = closed_row(&copy, &tmp);
	assert_string_equal(column_format(column_get(COL_LOCAL), r, 64, got, sizeof(got)), want_l);
	assert_string_equal(column_format(column_get(COL_REMOTE), r, 64, got, sizeof(got)), want_r);
	json_init(&j, &sb);
	closed_json(&copy, &j);
	sb_putc(&sb, '\0');
	snprintf(key, sizeof(key), "\"local\":\"%s\"", want_l);
	assert_non_null(strstr(sb.s, key));
	snprintf(key, sizeof(key), "\"remote\":\"%s\"", want_r);
	assert_non_null(strstr(sb.s, key));
	sb_free(&sb);
	arena_free(&a);
	free(nlh);
}

/* The log line: the keys connections[] uses where they mean the same. */
static void json_uses_the_connection_keys(void **state)
{
	struct got g;
	struct strbuf sb = { 0 };
	struct json j;
	const struct closed_conn *cc;

	(void)state;
	read_all(&g);
	cc = find_how(&g, CH_UNANSWERED, false);
	json_init(&j, &sb);
	closed_json(cc, &j);
	sb_putc(&sb, '\0');
	for (const char *const *k =
		     (const char *const[]){ "\"local\":\"127.0.0.1:", "\"remote\":\"127.0.0.1:9\"",
					    "\"how\":\"unanswered\"", "\"never_connected\":true",
					    "\"last_state\":\"SYN-SENT\"", "\"bytes_acked\":0",
					    "\"process\":{", "\"pid\":", "\"lifetime_from\":\"",
					    NULL };
	     *k; k++)
		if (!strstr(sb.s, *k))
			fail_msg("%s not in %s", *k, sb.s);
	sb_free(&sb);
}

/* The Closed view after the recorded refreshes, replayed through the collector. */
static void the_view_renders_the_recorded_ends(void **state)
{
	static struct frame frames[NFRAMES];
	struct ui ui;
	struct canvas c;
	struct strbuf sb = { 0 };

	(void)state;
	setenv("TZ", "UTC", 1);
	tzset();
	tu_frames(FIXTURE, frames, NFRAMES);
	ui_init(&ui, column_default_view, column_default_view_len, column_get(COL_PROBLEMS), false,
		1.0);
	for (int i = 0; i < NFRAMES; i++)
		screen_closed_frame(&ui, &frames[i]);
	ui.frame = &frames[NFRAMES - 1];
	ui.screen = SCR_CLOSED;
	canvas_init(&c, 130, 14, true);
	screen_get(SCR_CLOSED)->draw(&ui, &c, 0, 14);
	canvas_to_text(&c, &sb);
	sb_putc(&sb, '\0');
	assert_true(tu_golden("tests/golden/closed-130x14.txt", sb.s));
	/* Enter: the selected one in full */
	assert_int_equal(screen_get(SCR_CLOSED)->key(&ui, K_ENTER, 0), R_REDRAW);
	canvas_clear(&c);
	screen_get(SCR_CLOSED)->draw(&ui, &c, 0, 14);
	sb_reset(&sb);
	canvas_to_text(&c, &sb);
	sb_putc(&sb, '\0');
	assert_non_null(strstr(sb.s, "side, last seen"));
	sb_free(&sb);
	canvas_free(&c);
	ui_free(&ui);
	for (int i = 0; i < NFRAMES; i++)
		frame_free(&frames[i]);
}

/* A recording made before closed connections were recorded says so, and claims no ends. */
static void an_older_recording_says_it_has_none(void **state)
{
	static struct frame frames[2];

	(void)state;
	tu_frames("diag_healthy.rec", frames, 2);
	assert_false(frames[1].closed_watched);
	assert_int_equal(frames[1].nclosed, 0);
	assert_string_equal(frames[1].closed_note, "the recording holds no closed connections");
	frame_free(&frames[0]);
	frame_free(&frames[1]);
}

/* --write-seeds DIR: the fixture's event blocks and messages as fuzz seeds (record_closed.sh). */
static int write_seeds(const char *dir)
{
	struct replay *r = tu_replay(FIXTURE);
	const struct rec_frame *f;
	struct terr e = { { 0 } };
	int n = 0;

	mkdir(dir, 0755);
	while (replay_next(r, &f, &e) == 1) {
		const struct rec_blob *b = replay_file(f, "tcptop/closed");
		char path[4096];
		FILE *o;

		if (!b || b->len <= 20)
			continue;
		snprintf(path, sizeof(path), "%s/blob-%d", dir, n++);
		o = fopen(path, "wb");
		if (!o || fwrite(b->data, 1, b->len, o) != b->len || fclose(o))
			return 1;
	}
	replay_free(r);
	printf("wrote %d seeds to %s\n", n, dir);
	return 0;
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(recorded_ends_are_told_apart),
		cmocka_unit_test(the_rule_branch_by_branch),
		cmocka_unit_test(malformed_events_are_errors_with_the_offset),
		cmocka_unit_test(sockets_without_a_peer),
		cmocka_unit_test(ipv6_ends_keep_their_addresses),
		cmocka_unit_test(json_uses_the_connection_keys),
		cmocka_unit_test(the_view_renders_the_recorded_ends),
		cmocka_unit_test(an_older_recording_says_it_has_none),
	};

	if (argc == 3 && !strcmp(argv[1], "--write-seeds"))
		return write_seeds(argv[2]);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
