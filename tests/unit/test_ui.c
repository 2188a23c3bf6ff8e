/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_ui: every view rendered on the text canvas (golden files), and the keys' effects on the UI state. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "group.h"
#include "model.h"
#include "procfd.h"
#include "screen.h"
#include "testutil.h"
#include "widgets.h"
#include "ui.h"

#define SEC 1000000000ull

static void setup_ui(struct ui *ui)
{
	ui_init(ui, column_default_view, column_default_view_len, column_get(COL_PROBLEMS), false,
		1.0);
	ui->hostname = "testhost";
	ui->kernel = "6.18.0";
}

static char *render(struct ui *ui, int w, int h, bool utf8)
{
	struct canvas c;
	struct strbuf sb = STRBUF_INIT;

	canvas_init(&c, w, h, utf8);
	ui_draw(ui, &c, 0);
	canvas_to_text(&c, &sb);
	canvas_free(&c);
	return sb.s;
}

/*
 * The frames again, keeping the whole tcp_info of `cookie` as frames do
 * once the UI has selected it (the rest keep only the fields columns read).
 */
static void reselect(struct ui *ui, const char *fixture, struct frame *fr, size_t n,
		     uint64_t cookie)
{
	for (size_t i = 0; i < n; i++)
		frame_free(&fr[i]);
	tu_frames_keep(fixture, fr, n, cookie);
	ui_set_frame(ui, &fr[n - 1], 0);
}

/* Renders a view of a recording at a size and compares with tests/golden/ui-NAME.txt. */
static void golden_view(const char *fixture, enum screen_id scr, int w, int h, bool utf8,
			const char *name)
{
	struct frame fr[2];
	struct ui ui;
	char path[256], *text;

	tu_frames(fixture, fr, 2);
	setup_ui(&ui);
	ui_set_frame(&ui, &fr[1], 0);
	if (scr == SCR_DETAIL) {
		uint64_t cookie = ui_selected(&ui)->c->cookie; /* the busiest connection */

		reselect(&ui, fixture, fr, 2, cookie);
		screen_detail_open(&ui, cookie);
	} else
		ui.screen = scr;
	text = render(&ui, w, h, utf8);
	snprintf(path, sizeof(path), "tests/golden/ui-%s.txt", name);
	assert_true(tu_golden(path, text));
	free(text);
	ui_free(&ui);
	frame_free(&fr[0]);
	frame_free(&fr[1]);
}

/*
 * A frame keeps every tcp_info field of the selected connection only: the
 * detail view of another one says when they come instead of showing zeros.
 */
static void detail_lists_every_field_only_of_the_kept_connection(void **state)
{
	struct frame fr[2];
	struct ui ui;
	char *text;
	uint64_t cookie;
	size_t len = 0;

	(void)state;
	tu_frames("ipv4_bulk.rec", fr, 2);
	setup_ui(&ui);
	ui_set_frame(&ui, &fr[1], 0);
	cookie = ui_selected(&ui)->c->cookie;
	assert_null(frame_full_info(&fr[1], cookie, &len));
	screen_detail_open(&ui, cookie);
	text = render(&ui, 120, 60, true);
	assert_non_null(strstr(text, "tcp_info: every field from the next refresh"));
	assert_null(strstr(text, "snd_cwnd"));
	free(text);

	reselect(&ui, "ipv4_bulk.rec", fr, 2, cookie);
	assert_non_null(frame_full_info(&fr[1], cookie, &len));
	assert_int_equal(len, ui_selected(&ui)->c->info_len);
	assert_null(frame_full_info(&fr[1], cookie + 1, &len));
	text = render(&ui, 120, 60, true);
	assert_null(strstr(text, "from the next refresh"));
	assert_non_null(strstr(text, "snd_cwnd"));
	free(text);
	ui_free(&ui);
	frame_free(&fr[0]);
	frame_free(&fr[1]);
}

static void connections_view_at_80x24_and_200x50(void **state)
{
	(void)state;
	golden_view("ipv4_bulk.rec", SCR_CONN, 80, 24, true, "conn-80x24");
	golden_view("listen_overflow.rec", SCR_CONN, 200, 50, true, "conn-200x50");
}

/* A note wider than the screen loses whole words at its end, never half a word; an error wraps. */
static void long_messages_shorten_at_a_word(void **state)
{
	struct frame fr[2];
	struct ui ui;
	char *text, *last;

	(void)state;
	tu_frames("states.rec", fr, 2);
	setup_ui(&ui);
	ui_set_frame(&ui, &fr[1], 0);
	ui_message(&ui, false, 0,
		   "expected a primitive (sport, dport, port, src, dst, host, state, proc, pid) "
		   "at column 12 of the filter you typed");
	text = render(&ui, 80, 24, true);
	last = strstr(text, "expected a primitive");
	assert_non_null(last);
	if (strchr(last, '\n'))
		*strchr(last, '\n') = '\0';
	/* it ends in "...", right after a whole word of the message */
	assert_non_null(strstr(last, "state, proc, pid)..."));
	free(text);
	/* an error is not shortened: it wraps above the status line, whole */
	ui_message(&ui, true, 0,
		   "expected a primitive (sport, dport, port, src, dst, host, state, proc, pid) "
		   "at column 12 of the filter you typed");
	text = render(&ui, 80, 24, true);
	assert_non_null(strstr(text, "column 12 of the filter you typed"));
	free(text);
	ui_free(&ui);
	frame_free(&fr[0]);
	frame_free(&fr[1]);
}

static void type(struct ui *ui, const char *s);

/* A filter error too long for the prompt line wraps above it and keeps its end (the column). */
static void a_long_filter_error_wraps_and_keeps_its_column(void **state)
{
	struct frame fr[2];
	struct ui ui;
	char *text;

	(void)state;
	tu_frames("states.rec", fr, 2);
	setup_ui(&ui);
	ui_set_frame(&ui, &fr[1], 0);
	ui_key(&ui, '/', 0);
	type(&ui, "sport 80 and");
	snprintf(ui.prompt_err, sizeof(ui.prompt_err), "%s",
		 "expected a primitive (sport, dport, port, src, dst, host, state, proc, pid, or a "
		 "bare port, address or process name) at column 13");
	text = render(&ui, 80, 24, true);
	assert_non_null(strstr(text, "at column 13"));
	assert_non_null(strstr(text, "Filter: sport 80 and"));
	free(text);
	ui_free(&ui);
	frame_free(&fr[0]);
	frame_free(&fr[1]);
}

static void connections_view_at_120x40(void **state)
{
	(void)state;
	golden_view("listen_overflow.rec", SCR_CONN, 120, 40, true, "conn-120x40");
}

/* A listener's detail: both queues against their limits ("?" for an unknown SYN limit). */
static void listener_detail_shows_its_queues(void **state)
{
	struct frame fr[2];
	struct ui ui;
	char *text;
	uint64_t cookie = 0;

	(void)state;
	tu_frames("listen_overflow.rec", fr, 2);
	setup_ui(&ui);
	ui_set_frame(&ui, &fr[1], 0);
	for (size_t i = 0; i < frame_nrows(&fr[1]); i++)
		if (row_lst(&fr[1].rows[i]))
			cookie = fr[1].rows[i].c->cookie;
	assert_true(cookie != 0);
	reselect(&ui, "listen_overflow.rec", fr, 2, cookie);
	screen_detail_open(&ui, cookie);
	text = render(&ui, 120, 40, true);
	assert_non_null(strstr(text, "accept queue "));
	assert_non_null(strstr(text, "SYN queue "));
	assert_true(tu_golden("tests/golden/ui-detail-listener-120x40.txt", text));
	free(text);
	ui_free(&ui);
	frame_free(&fr[0]);
	frame_free(&fr[1]);
}

static void listen_view_at_80x24_and_200x50(void **state)
{
	(void)state;
	golden_view("listen_overflow.rec", SCR_LISTEN, 80, 24, true, "listen-80x24");
	golden_view("listen_overflow.rec", SCR_LISTEN, 200, 50, true, "listen-200x50");
}

static void states_view_at_80x24_and_200x50(void **state)
{
	(void)state;
	golden_view("states.rec", SCR_STATES, 80, 24, true, "states-80x24");
	golden_view("states.rec", SCR_STATES, 200, 50, true, "states-200x50");
}

/* The states view's filter in the test below: odd cookies only. */
static bool odd_cookie(const struct row *r, void *ctx)
{
	(void)ctx;
	return r->c->cookie & 1;
}

struct oracle_key {
	uint8_t key[19];
	uint32_t n;
	size_t first; /* earliest place in the view */
};

static int oracle_cmp(const void *a, const void *b)
{
	const struct oracle_key *x = a, *y = b;

	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	return memcmp(x->key, y->key, 19);
}

/* The view's rows in `state` counted by the remote key, the states view's way, in the view's order. */
static size_t oracle_remote(const struct ui *ui, unsigned state, struct oracle_key *ok)
{
	size_t nk = 0;

	for (size_t i = 0; i < ui->view.n; i++) {
		const struct row *r = &ui->frame->rows[ui->view.order[i]];
		uint8_t k[19] = { 0 };
		size_t j;

		if (r->c->state != state)
			continue;
		if (state == TS_CLOSE_WAIT) {
			int32_t pid = procinfo_known(row_proc(r)) ? row_proc(r)->pid : -1;

			k[0] = 0xff;
			memcpy(k + 1, &pid, sizeof(pid));
		} else {
			k[0] = r->c->family;
			memcpy(k + 1, conn_dst(r->c), conn_addr_len(r->c)); /* k is zeroed */
			k[17] = (uint8_t)(r->c->dport >> 8);
			k[18] = (uint8_t)r->c->dport;
		}
		for (j = 0; j < nk && memcmp(ok[j].key, k, 19); j++)
			;
		if (j == nk) {
			memcpy(ok[nk].key, k, 19);
			ok[nk].n = 0;
			ok[nk++].first = ui->view.order[i];
		}
		ok[j].n++;
	}
	qsort(ok, nk, sizeof(*ok), oracle_cmp);
	return nk;
}

/*
 * TIME-WAIT by remote endpoint and CLOSE-WAIT by process: the ten largest,
 * ties in key order, each process named by the socket earliest in the view
 * (its "+N" is that socket's), of the filtered rows; rows whose own order
 * differs from the view's. n sockets, their peers among eps endpoints (v6:
 * IPv6 peers of one /64 that differ only in bytes 13-14, the ones a weak
 * hash would put on one slot; more than a thousand make the tallies grow).
 */
static void states_case(size_t n, unsigned eps, bool v6)
{
	enum { PIDS = 17 };
	static struct procinfo procs[PIDS][2];
	struct frame f = { 0 };
	struct model *m = model_new();
	struct oracle_key *ok = calloc(n, sizeof(*ok));
	struct ui ui;
	unsigned seed = 12345;
	char *text, line[256];

	for (int p = 0; p < PIDS; p++)
		for (int h = 0; h < 2; h++) {
			procs[p][h] =
				(struct procinfo){ .pid = 100 + p, .count = (uint32_t)(1 + h) };
			snprintf(procs[p][h].text, sizeof(procs[p][h].text),
				 h ? "%d/app%d+1" : "%d/app%d", 100 + p, p);
		}
	frame_reset(&f);
	f.mono_ns = SEC;
	for (size_t i = 0; i < n; i++) {
		struct conn *c = sample_push(&f.sample);
		unsigned ep;

		seed = seed * 1103515245u + 12345u;
		ep = (seed >> 8) % eps;
		/* cookies shuffled: the view (sorted, ties by cookie) is not the rows' order */
		c->cookie = (uint64_t)((i * 7919) % n) + 1;
		c->state = (seed >> 4) % 3 ? TS_TIME_WAIT : TS_CLOSE_WAIT;
		c->family = v6 ? AF_INET6 : AF_INET;
		if (v6) {
			uint8_t a[16], b[16];

			inet_pton(AF_INET6, "2001:db8::1", a);
			memcpy(b, a, sizeof(b));
			b[13] = (uint8_t)(ep >> 8);
			b[14] = (uint8_t)ep;
			conn_set_addrs(c, &f.sample.arena, a, b);
		} else {
			uint8_t b[4] = { 10, 0, 0, (uint8_t)ep };

			conn_set_addrs(c, NULL, (const uint8_t[4]){ 10, 0, 0, 1 }, b);
		}
		c->sport = 80;
		c->dport = 40000;
	}
	model_update(m, &f);
	f.attribution = ATTR_FULL;
	for (size_t i = 0; i < n; i++) {
		seed = seed * 1103515245u + 12345u;
		if (f.rows[i].c->state == TS_CLOSE_WAIT && (seed >> 16) % 8)
			frame_set_proc(&f, &f.rows[i], &procs[(seed >> 8) % PIDS][(seed >> 4) & 1]);
	}
	setup_ui(&ui);
	ui.match = odd_cookie;
	ui.filter_text = strdup("odd");
	ui_set_frame(&ui, &f, 0);
	ui.screen = SCR_STATES;
	text = render(&ui, 120, 60, true);
	for (unsigned st = TS_TIME_WAIT; st; st = st == TS_TIME_WAIT ? TS_CLOSE_WAIT : 0) {
		size_t nk = oracle_remote(&ui, st, ok), total = 0;
		const char *at = strstr(text, st == TS_TIME_WAIT ? "TIME-WAIT by remote endpoint"
								 : "CLOSE-WAIT by process");
		bool tie = false;

		assert_non_null(at);
		assert_true(nk > 10);
		for (size_t j = 0; j < nk; j++)
			total += ok[j].n;
		/* equal counts among the ten shown: their order goes by key */
		for (size_t j = 0; j < 10; j++)
			tie |= ok[j].n == ok[j + 1].n;
		assert_true(tie);
		for (size_t j = 0; j < 10; j++) {
			char name[PROCINFO_TEXT_LEN + ENDPOINT_STRLEN];
			const char *nl;

			at = strchr(at, '\n') + 1;
			if (st == TS_CLOSE_WAIT) {
				const struct procinfo *p = row_proc(&f.rows[ok[j].first]);

				snprintf(name, sizeof(name), "%s",
					 procinfo_known(p) ? p->text : "(no process known)");
			} else {
				endpoint_str(ok[j].key[0], ok[j].key + 1, 40000, name,
					     sizeof(name));
			}
			snprintf(line, sizeof(line), "%7u  %s", ok[j].n, name);
			nl = strchr(at, '\n');
			assert_non_null(nl);
			assert_true(strncmp(at + 2, line, strlen(line)) == 0);
			assert_true(at + 2 + strlen(line) == nl || at[2 + strlen(line)] == ' ');
			if (j == 0) {
				/* every socket's service is the local :80 (the peers' ports are ephemeral) */
				snprintf(line, sizeof(line), "%7zu  :80", total);
				assert_true(strncmp(at + 60 + 2, line, strlen(line)) == 0);
			}
		}
	}
	free(text);
	free(ok);
	ui_free(&ui);
	frame_free(&f);
	model_free(m);
}

static void states_view_tops_are_the_largest_of_the_filtered_rows(void **state)
{
	(void)state;
	states_case(3000, 23, false);
	states_case(8000, 2600, true);
}

static void counters_view_at_80x24_and_200x50(void **state)
{
	(void)state;
	golden_view("listen_overflow.rec", SCR_COUNTERS, 80, 24, true, "counters-80x24");
	golden_view("listen_overflow.rec", SCR_COUNTERS, 200, 50, true, "counters-200x50");
}

static void detail_view_at_80x24_and_200x50(void **state)
{
	(void)state;
	golden_view("ipv4_bulk.rec", SCR_DETAIL, 80, 24, true, "detail-80x24");
	golden_view("ipv4_bulk.rec", SCR_DETAIL, 200, 50, true, "detail-200x50");
}

/* The counters view opens with TCP memory and orphans (sockstat) and ends with the sysctls. */
static void counters_view_shows_tcp_memory_and_the_sysctls(void **state)
{
	struct frame fr[3];
	struct ui ui;
	char *text;

	(void)state;
	tu_frames("diag_dack.rec", fr, 3);
	setup_ui(&ui);
	ui_set_frame(&ui, &fr[2], 0);
	ui.screen = SCR_COUNTERS;
	ui_key(&ui, 'z', 0);
	ui_key(&ui, K_END, 0);
	text = render(&ui, 120, 40, true);
	assert_non_null(strstr(text, "host: TCP memory "));
	assert_non_null(strstr(text, "net.ipv4.tcp_syn_retries"));
	assert_non_null(strstr(text, "net.ipv4.tcp_window_scaling"));
	assert_true(tu_golden("tests/golden/ui-counters-sysctls-120x40.txt", text));
	free(text);
	ui_free(&ui);
	for (int i = 0; i < 3; i++)
		frame_free(&fr[i]);
}

/* Frame 3 of a diagnosis recording: the first with interval deltas on both sides. */
static void golden_diag(const char *fixture, enum screen_id scr, int w, int h, const char *name,
			bool detail_of_flagged)
{
	struct frame fr[3];
	struct ui ui;
	char path[256], *text;

	tu_frames(fixture, fr, 3);
	setup_ui(&ui);
	ui_set_frame(&ui, &fr[2], 0);
	ui.screen = scr;
	if (detail_of_flagged) {
		uint64_t cookie = 0;

		for (size_t i = 0; i < frame_nrows(&fr[2]); i++)
			if (fr[2].rows[i].findings)
				cookie = fr[2].rows[i].c->cookie;
		assert_true(cookie != 0);
		reselect(&ui, fixture, fr, 3, cookie);
		ui.screen = SCR_CONN;
		screen_detail_open(&ui, cookie);
	}
	text = render(&ui, w, h, true);
	snprintf(path, sizeof(path), "tests/golden/ui-%s.txt", name);
	assert_true(tu_golden(path, text));
	free(text);
	ui_free(&ui);
	for (int i = 0; i < 3; i++)
		frame_free(&fr[i]);
}

static void findings_view_at_80x24_and_200x50(void **state)
{
	(void)state;
	golden_diag("diag_accept.rec", SCR_FINDINGS, 80, 24, "findings-80x24", false);
	golden_diag("diag_zwin.rec", SCR_FINDINGS, 200, 50, "findings-200x50", false);
}

static void detail_view_explains_the_findings(void **state)
{
	(void)state;
	golden_diag("diag_sndbuf.rec", SCR_DETAIL, 120, 40, "detail-sndbuf-120x40", true);
}

static void findings_enter_opens_the_socket_and_the_cursor_follows_the_finding(void **state)
{
	struct frame fr[3];
	struct ui ui;
	struct finding tmp;
	char *text;

	(void)state;
	tu_frames("diag_zwin.rec", fr, 3);
	setup_ui(&ui);
	ui_set_frame(&ui, &fr[2], 0);
	ui_key(&ui, '5', 0);
	assert_int_equal(ui.screen, SCR_FINDINGS);
	text = render(&ui, 120, 30, true);
	free(text);
	assert_true(fr[2].nfindings >= 2);
	ui_key(&ui, K_DOWN, 0);
	assert_int_equal(ui.scroll[SCR_FINDINGS].sel, 1);
	/* the next refresh lists the two the other way round: the cursor goes with its finding */
	tmp = fr[2].findings[0];
	fr[2].findings[0] = fr[2].findings[1];
	fr[2].findings[1] = tmp;
	text = render(&ui, 120, 30, true);
	free(text);
	assert_int_equal(ui.scroll[SCR_FINDINGS].sel, 0);
	assert_true(ui_key(&ui, K_ENTER, 0) & R_SELECT);
	assert_int_equal(ui.screen, SCR_DETAIL);
	assert_int_equal(screen_detail_cookie(&ui), fr[2].findings[0].cookie);
	ui_key(&ui, K_ESC, 0);
	assert_int_equal(ui.screen, SCR_FINDINGS);
	/* q in the detail view returns too; only at a tab does it quit */
	ui_key(&ui, K_ENTER, 0);
	assert_int_equal(ui.screen, SCR_DETAIL);
	assert_false(ui_key(&ui, 'q', 0) & R_QUIT);
	assert_int_equal(ui.screen, SCR_FINDINGS);
	ui_free(&ui);
	for (int i = 0; i < 3; i++)
		frame_free(&fr[i]);
}

static void help_view_at_80x24(void **state)
{
	(void)state;
	golden_view("states.rec", SCR_HELP, 80, 24, true, "help-80x24");
}

static void ascii_fallback_has_no_utf8(void **state)
{
	struct frame fr[2];
	struct ui ui;
	char *text;

	(void)state;
	golden_view("states.rec", SCR_STATES, 80, 24, false, "states-80x24-ascii");
	tu_frames("listen_overflow.rec", fr, 2);
	setup_ui(&ui);
	ui_set_frame(&ui, &fr[1], 0);
	for (int s = SCR_CONN; s <= SCR_COUNTERS; s++) {
		ui.screen = (enum screen_id)s;
		text = render(&ui, 120, 40, false);
		for (const char *p = text; *p; p++)
			assert_true((unsigned char)*p < 0x80);
		free(text);
	}
	ui_free(&ui);
	frame_free(&fr[0]);
	frame_free(&fr[1]);
}

static void tiny_terminal_gets_one_clear_line(void **state)
{
	struct frame fr[2];
	struct ui ui;
	char *text;

	(void)state;
	tu_frames("states.rec", fr, 2);
	setup_ui(&ui);
	ui_set_frame(&ui, &fr[1], 0);
	text = render(&ui, 39, 9, true);
	assert_string_equal(text, "terminal too small (39x9, need 40x10)\n\n\n\n\n\n\n\n\n");
	free(text);
	/* 40x10 is enough for the real thing */
	text = render(&ui, 40, 10, true);
	assert_non_null(strstr(text, "Sockets 17"));
	free(text);
	ui_free(&ui);
	frame_free(&fr[0]);
	frame_free(&fr[1]);
}

/* Synthetic frames whose order changes: rates decide the rate sort. */
static void fill(struct frame *f, struct model *m, uint64_t t, const uint64_t *bytes, int n)
{
	frame_reset(f);
	f->mono_ns = t;
	for (int i = 0; i < n; i++) {
		struct conn *c = sample_push(&f->sample);
		struct tcpc *ti = conn_block(c, &f->sample.arena, 0, NULL, 0);

		memset(ti, 0, sizeof(*ti));
		c->cookie = (uint64_t)i + 1;
		c->state = TS_ESTABLISHED;
		c->family = AF_INET;
		tu_addrs(c, &f->sample.arena, "10.0.0.1", "10.0.0.2");
		c->sport = (uint16_t)(1000 + i);
		c->dport = 80;
		ti->bytes_acked = bytes[i];
		c->info_len = sizeof(struct tcpi);
	}
	model_update(m, f);
}

static uint64_t cookie_at(const struct ui *ui, size_t pos)
{
	return ui->frame->rows[ui->view.order[pos]].c->cookie;
}

static void selection_follows_its_socket_after_the_user_picks_it(void **state)
{
	struct model *m = model_new();
	struct frame f[3] = { 0 };
	struct ui ui;
	uint64_t b0[4] = { 0, 0, 0, 0 }, b1[4] = { 100, 400, 300, 200 },
		 b2[4] = { 200, 500, 1300, 300 };
	uint64_t picked;

	(void)state;
	setup_ui(&ui);
	fill(&f[0], m, SEC, b0, 4);
	fill(&f[1], m, 2 * SEC, b1, 4);
	ui_set_frame(&ui, &f[1], 0);
	/* rate order: 2 (400), 3 (300), 4 (200), 1 (100); the cursor is on the top row */
	assert_int_equal(cookie_at(&ui, 0), 2);
	assert_int_equal(ui.sel_cookie, 2);
	ui_key(&ui, K_DOWN, 0);
	picked = ui.sel_cookie;
	assert_int_equal(picked, 3);
	/* next refresh, after the hold: cookie 3 is now the busiest; the cursor went with it */
	fill(&f[2], m, 3 * SEC, b2, 4);
	ui_set_frame(&ui, &f[2], 10 * SEC);
	assert_int_equal(cookie_at(&ui, 0), 3);
	assert_int_equal(ui.scroll[SCR_CONN].sel, 0);
	assert_int_equal(ui.sel_cookie, picked);
	ui_free(&ui);
	for (int i = 0; i < 3; i++)
		frame_free(&f[i]);
	model_free(m);
}

static void rows_hold_their_places_while_the_user_navigates(void **state)
{
	struct model *m = model_new();
	struct frame f[3] = { 0 };
	struct ui ui;
	uint64_t b0[4] = { 0 }, b1[4] = { 100, 400, 300, 200 }, b2[4] = { 1100, 500, 400, 300 };

	(void)state;
	setup_ui(&ui);
	fill(&f[0], m, SEC, b0, 4);
	fill(&f[1], m, 2 * SEC, b1, 4);
	ui_set_frame(&ui, &f[1], 0);
	ui_key(&ui, K_DOWN, 5 * SEC); /* navigating: hold for a while */
	fill(&f[2], m, 3 * SEC, b2, 4);
	ui_set_frame(&ui, &f[2], 5 * SEC + SEC / 2);
	/* cookie 1 is now the busiest but the order is held */
	assert_int_equal(cookie_at(&ui, 0), 2);
	assert_int_equal(cookie_at(&ui, 3), 1);
	/* the hold ends; the same frame sorts again */
	ui_set_frame(&ui, &f[2], 60 * SEC);
	assert_int_equal(cookie_at(&ui, 0), 1);
	ui_free(&ui);
	for (int i = 0; i < 3; i++)
		frame_free(&f[i]);
	model_free(m);
}

/* The collector thread's order is taken when built for the current sort, else rebuilt. */
static void an_order_built_elsewhere_is_used_only_for_the_current_sort(void **state)
{
	struct model *m = model_new();
	struct frame f[2] = { 0 };
	struct ui ui;
	struct view other = { 0 };
	uint64_t b0[4] = { 0 }, b1[4] = { 100, 400, 300, 200 };
	const uint32_t *built;

	(void)state;
	setup_ui(&ui);
	fill(&f[0], m, SEC, b0, 4);
	fill(&f[1], m, 2 * SEC, b1, 4);
	/* an order by local address, tagged with the UI's generation: taken as is */
	view_build(&other, &f[1], column_get(COL_LOCAL), false, NULL, NULL);
	built = other.order;
	ui_set_frame_ordered(&ui, &f[1], &other, ui.view_gen, 0);
	assert_int_equal(cookie_at(&ui, 0), 1);
	/* taken, not copied: the UI holds those very buffers, the thread's view none of its order */
	assert_ptr_equal(ui.view.order, built);
	assert_ptr_not_equal(other.order, built);
	assert_int_equal(other.n, 0);
	/* the user re-sorts: the generation moves on, an old order is not used */
	ui_key(&ui, 'r', 0);
	ui_set_frame_ordered(&ui, &f[1], &other, ui.view_gen - 1, 0);
	assert_int_equal(cookie_at(&ui, 0), 1); /* rate, reversed: the slowest (cookie 1) first */
	assert_int_equal(cookie_at(&ui, 3), 2);
	ui.reverse = false;
	ui_resort(&ui, 0);
	ui_set_frame_ordered(&ui, &f[1], &other, ui.view_gen - 1, 0);
	assert_int_equal(cookie_at(&ui, 0), 2); /* by rate, not the stale local order */
	view_free(&other);
	ui_free(&ui);
	frame_free(&f[0]);
	frame_free(&f[1]);
	model_free(m);
}

static void sort_keys_cycle_columns_and_reverse(void **state)
{
	struct frame fr[2];
	struct ui ui;
	unsigned r;

	(void)state;
	tu_frames("states.rec", fr, 2);
	setup_ui(&ui);
	ui_set_frame(&ui, &fr[1], 0);
	ui.sort = column_get(COL_RTT);
	r = ui_key(&ui, '>', 0);
	assert_true(r & R_REDRAW);
	assert_int_equal(ui.sort->id, COL_RTTVAR); /* the next visible column */
	ui_key(&ui, '<', 0);
	ui_key(&ui, '<', 0);
	assert_int_equal(ui.sort->id, COL_LIMIT); /* the column before RTT */
	ui.sort = column_get(COL_LOCAL);
	ui_resort(&ui, 0);
	assert_true(ui.frame->rows[ui.view.order[0]].c->sport <=
		    ui.frame->rows[ui.view.order[ui.view.n - 1]].c->sport);
	ui_key(&ui, 'r', 0);
	assert_true(ui.reverse);
	assert_true(ui.frame->rows[ui.view.order[0]].c->sport >=
		    ui.frame->rows[ui.view.order[ui.view.n - 1]].c->sport);
	/* F6 opens the sort menu; Enter picks the highlighted column */
	ui_key(&ui, K_F6, 0);
	assert_int_equal(ui.screen, SCR_PICK);
	ui_key(&ui, K_DOWN, 0);
	ui_key(&ui, K_ENTER, 0);
	assert_int_equal(ui.screen, SCR_CONN);
	assert_int_equal(ui.sort->id, COL_REMOTE);
	ui_free(&ui);
	frame_free(&fr[0]);
	frame_free(&fr[1]);
}

static void views_switch_by_tab_and_number_and_back_with_esc(void **state)
{
	struct ui ui;

	(void)state;
	setup_ui(&ui);
	ui_key(&ui, K_TAB, 0);
	assert_int_equal(ui.screen, SCR_LISTEN);
	ui_key(&ui, K_TAB, 0);
	ui_key(&ui, K_TAB, 0);
	assert_int_equal(ui.screen, SCR_COUNTERS);
	ui_key(&ui, K_TAB, 0);
	assert_int_equal(ui.screen, SCR_FINDINGS);
	ui_key(&ui, K_TAB, 0);
	assert_int_equal(ui.screen, SCR_CLOSED);
	ui_key(&ui, K_TAB, 0);
	assert_int_equal(ui.screen, SCR_CONN);
	ui_key(&ui, K_BTAB, 0);
	assert_int_equal(ui.screen, SCR_CLOSED);
	ui_key(&ui, '3', 0);
	assert_int_equal(ui.screen, SCR_STATES);
	ui_key(&ui, 'h', 0);
	assert_int_equal(ui.screen, SCR_HELP);
	ui_key(&ui, K_ESC, 0);
	assert_int_equal(ui.screen, SCR_STATES);
	ui_key(&ui, K_F1, 0);
	ui_key(&ui, '?', 0);
	assert_int_equal(ui.screen, SCR_STATES);
	/* q and Backspace in help go back to the view it was opened from */
	ui_key(&ui, 'h', 0);
	assert_false(ui_key(&ui, 'q', 0) & R_QUIT);
	assert_int_equal(ui.screen, SCR_STATES);
	ui_key(&ui, 'h', 0);
	ui_key(&ui, K_BACKSPACE, 0);
	assert_int_equal(ui.screen, SCR_STATES);
	/* Esc at a tab stays; q there quits */
	ui_key(&ui, K_ESC, 0);
	assert_int_equal(ui.screen, SCR_STATES);
	assert_true(ui_key(&ui, 'q', 0) & R_QUIT);
	assert_true(ui_key(&ui, K_F10, 0) & R_QUIT);
	ui_free(&ui);
}

static void enter_opens_the_selected_connection_and_a_gone_one_says_so(void **state)
{
	struct frame fr[2];
	struct ui ui;
	char *text;

	(void)state;
	tu_frames("ipv4_bulk.rec", fr, 2);
	setup_ui(&ui);
	ui_set_frame(&ui, &fr[1], 0);
	assert_true(ui_key(&ui, K_ENTER, 0) & R_SELECT);
	assert_int_equal(ui.screen, SCR_DETAIL);
	assert_int_equal(screen_detail_cookie(&ui), ui.sel_cookie);
	assert_int_equal(ui_history_cookie(&ui), screen_detail_cookie(&ui));
	screen_detail_open(&ui, 999999999);
	text = render(&ui, 80, 24, true);
	assert_non_null(strstr(text, "this socket is gone"));
	free(text);
	ui_key(&ui, K_ESC, 0);
	assert_int_equal(ui.screen, SCR_CONN);
	ui_free(&ui);
	frame_free(&fr[0]);
	frame_free(&fr[1]);
}

/* A stand-in filter: accepts "port N", refuses anything else. */
static int fake_filter(void *ctx, const char *text, struct terr *e)
{
	struct ui *ui = ctx;

	if (*text && strncmp(text, "port ", 5) != 0) {
		terr_set(e, "%s: expected a primitive at column 1", text);
		return -1;
	}
	free(ui->filter_text);
	ui->filter_text = *text ? strdup(text) : NULL;
	return 0;
}

static void type(struct ui *ui, const char *s)
{
	for (; *s; s++)
		ui_key(ui, *s, 0);
}

static void filter_prompt_applies_keeps_old_on_error_and_cancels(void **state)
{
	struct ui ui;
	char *text;

	(void)state;
	setup_ui(&ui);
	ui.apply_filter = fake_filter;
	ui.apply_ctx = &ui;
	ui_key(&ui, '/', 0);
	assert_int_equal(ui.prompt, PROMPT_FILTER);
	type(&ui, "port 443");
	assert_true(ui_key(&ui, K_ENTER, 0) & R_FILTER);
	assert_string_equal(ui.filter_text, "port 443");
	assert_int_equal(ui.prompt, PROMPT_NONE);
	/* a bad one: inline error, the old filter stays, the prompt stays open */
	ui_key(&ui, '/', 0);
	assert_string_equal(ui.prompt_buf, "port 443"); /* starts from the current filter */
	ui_key(&ui, K_CTRL('u'), 0);
	type(&ui, "bogus");
	assert_false(ui_key(&ui, K_ENTER, 0) & R_FILTER);
	assert_int_equal(ui.prompt, PROMPT_FILTER);
	assert_non_null(strstr(ui.prompt_err, "expected a primitive"));
	text = render(&ui, 100, 24, true);
	assert_non_null(strstr(text, "expected a primitive at column 1"));
	free(text);
	assert_string_equal(ui.filter_text, "port 443");
	/* Esc cancels */
	ui_key(&ui, K_ESC, 0);
	assert_int_equal(ui.prompt, PROMPT_NONE);
	assert_string_equal(ui.filter_text, "port 443");
	/* empty clears */
	ui_key(&ui, '/', 0);
	ui_key(&ui, K_CTRL('u'), 0);
	assert_true(ui_key(&ui, K_ENTER, 0) & R_FILTER);
	assert_null(ui.filter_text);
	ui_free(&ui);
}

static void interval_prompt_validates(void **state)
{
	struct ui ui;

	(void)state;
	setup_ui(&ui);
	ui_key(&ui, 'd', 0);
	type(&ui, "0.25");
	assert_true(ui_key(&ui, K_ENTER, 0) & R_INTERVAL);
	assert_true(ui.interval == 0.25);
	ui_key(&ui, 'd', 0);
	type(&ui, "-3");
	assert_false(ui_key(&ui, K_ENTER, 0) & R_INTERVAL);
	assert_non_null(strstr(ui.prompt_err, "out of range"));
	assert_true(ui.interval == 0.25);
	ui_free(&ui);
}

/* The title's "every" for a frame INTERVAL s after the one before, with -d 1; its attribute at '('. */
static char *title_every(double interval, enum attr *paren)
{
	struct frame fr[2];
	struct canvas c;
	struct strbuf sb = STRBUF_INIT;
	struct ui ui;
	char *every, *end;

	tu_frames("ipv4_bulk.rec", fr, 2);
	fr[1].interval = interval;
	setup_ui(&ui);
	ui_set_frame(&ui, &fr[1], 0);
	canvas_init(&c, 200, 50, true);
	ui_draw(&ui, &c, 0);
	canvas_to_text(&c, &sb);
	every = strstr(sb.s, "every ");
	assert_non_null(every);
	assert_true(every < strchr(sb.s, '\n')); /* on the title line */
	*paren = AT_NORMAL;
	for (int x = 0; x < c.w; x++)
		if (c.cells[x].ch == '(')
			*paren = (enum attr)c.cells[x].attr;
	end = strstr(every, "  ");
	if (end)
		*end = '\0';
	every = strdup(every);
	canvas_free(&c);
	free(sb.s);
	ui_free(&ui);
	frame_free(&fr[0]);
	frame_free(&fr[1]);
	return every;
}

/*
 * A live refresh slower than its interval comes late (the pump never skips
 * one): the title says how far apart the last two really were, as a warning,
 * from a quarter over the interval on.
 */
static void a_late_refresh_shows_its_real_interval_in_the_title(void **state)
{
	enum attr a;
	char *t;

	(void)state;
	t = title_every(2.04, &a);
	assert_string_equal(t, "every 1s (2s)");
	assert_int_equal(a, AT_WARN);
	free(t);
	t = title_every(150.4, &a);
	assert_string_equal(t, "every 1s (150s)");
	free(t);
	t = title_every(1.2, &a);
	assert_string_equal(t, "every 1s");
	free(t);
	t = title_every(0.35, &a);
	assert_string_equal(t, "every 1s");
	free(t);
}

/* --low-memory says so in the title, after the interval (keys wait while a refresh is made) */
static void the_title_names_the_low_memory_mode(void **state)
{
	struct frame fr[2];
	struct canvas c;
	struct strbuf sb = STRBUF_INIT;
	struct ui ui;
	char *nl;

	(void)state;
	tu_frames("ipv4_bulk.rec", fr, 2);
	setup_ui(&ui);
	ui_set_frame(&ui, &fr[1], 0);
	canvas_init(&c, 200, 50, true);
	ui_draw(&ui, &c, 0);
	canvas_to_text(&c, &sb);
	assert_null(strstr(sb.s, "low-memory"));
	ui.low_memory = true;
	sb.len = 0;
	ui_draw(&ui, &c, 0);
	canvas_to_text(&c, &sb);
	nl = strchr(sb.s, '\n');
	assert_non_null(nl);
	*nl = '\0';
	assert_non_null(strstr(sb.s, "every 1s  mode low-memory  Linux"));
	canvas_free(&c);
	free(sb.s);
	ui_free(&ui);
	frame_free(&fr[0]);
	frame_free(&fr[1]);
}

static void space_pauses_and_resumes(void **state)
{
	struct ui ui;

	(void)state;
	setup_ui(&ui);
	ui_key(&ui, ' ', 0);
	assert_true(ui.paused);
	ui_key(&ui, ' ', 0);
	assert_false(ui.paused);
	assert_true(ui_key(&ui, 's', 0) & R_SNAPSHOT);
	ui_free(&ui);
}

static void column_chooser_shows_and_hides_columns(void **state)
{
	struct ui ui;
	size_t n;

	(void)state;
	setup_ui(&ui);
	n = ui.ncols;
	ui_key(&ui, 'c', 0);
	assert_int_equal(ui.screen, SCR_PICK);
	/* the first pickable column is the cookie, hidden by default */
	assert_true(ui_key(&ui, ' ', 0) & R_COLUMNS);
	assert_int_equal(ui.ncols, n + 1);
	assert_int_equal(ui.cols[n], COL_COOKIE);
	ui_key(&ui, ' ', 0);
	assert_int_equal(ui.ncols, n);
	ui_key(&ui, K_DOWN, 0); /* local: shown, hide it */
	ui_key(&ui, ' ', 0);
	assert_int_equal(ui.ncols, n - 1);
	assert_int_not_equal(ui.cols[0], COL_LOCAL);
	ui_key(&ui, K_ENTER, 0);
	assert_int_equal(ui.screen, SCR_CONN);
	ui_free(&ui);
}

static void f3_search_moves_the_cursor_to_a_match_and_n_goes_on(void **state)
{
	struct frame fr[2];
	struct ui ui;
	const struct row *r;

	(void)state;
	tu_frames("states.rec", fr, 2);
	setup_ui(&ui);
	ui_set_frame(&ui, &fr[1], 0);
	ui_key(&ui, K_F3, 0);
	assert_int_equal(ui.prompt, PROMPT_SEARCH);
	type(&ui, "5004");
	/* as you type, like htop: the cursor is on a match before Enter */
	r = ui_selected(&ui);
	assert_true(r->c->sport == 5004 || r->c->dport == 5004);
	ui_key(&ui, K_ENTER, 0);
	assert_int_equal(ui.prompt, PROMPT_NONE);
	r = ui_selected(&ui);
	assert_non_null(r);
	assert_true(r->c->sport == 5004 || r->c->dport == 5004);
	/* the search moves the cursor; it does not filter */
	assert_int_equal(ui.view.n, frame_nrows(&fr[1]));
	{
		long first = ui.scroll[SCR_CONN].sel;

		ui_key(&ui, 'n', 0);
		r = ui_selected(&ui);
		assert_true(r->c->sport == 5004 || r->c->dport == 5004);
		assert_true(ui.scroll[SCR_CONN].sel != first);
		ui_key(&ui, 'N', 0);
		assert_int_equal(ui.scroll[SCR_CONN].sel, first);
	}
	ui_key(&ui, K_F3, 0);
	ui_key(&ui, K_CTRL('u'), 0);
	type(&ui, "no-such-text");
	assert_string_equal(ui.prompt_err, "not found");
	ui_key(&ui, K_ENTER, 0);
	assert_non_null(strstr(ui.status, "not found"));
	/* Esc puts the cursor back where the search started */
	{
		ui_key(&ui, K_HOME, 0);
		ui_key(&ui, K_F3, 0);
		ui_key(&ui, K_CTRL('u'), 0);
		type(&ui, "5004");
		r = ui_selected(&ui);
		assert_true(r->c->sport == 5004 || r->c->dport == 5004);
		ui_key(&ui, K_ESC, 0);
		assert_int_equal(ui.scroll[SCR_CONN].sel, 0);
	}
	ui_free(&ui);
	frame_free(&fr[0]);
	frame_free(&fr[1]);
}

static void g_cycles_the_groupings_and_a_group_view_renders(void **state)
{
	struct frame fr[2];
	struct ui ui;
	char *text;

	(void)state;
	tu_frames("states.rec", fr, 2);
	setup_ui(&ui);
	ui_set_frame(&ui, &fr[1], 0);
	ui_key(&ui, 'g', 0);
	assert_int_equal(ui.screen, SCR_GROUP);
	assert_int_equal(ui.group, GROUP_PROCESS);
	ui_key(&ui, 'g', 0);
	assert_int_equal(ui.group, GROUP_REMOTE);
	text = render(&ui, 80, 24, true);
	assert_true(tu_golden("tests/golden/ui-group-remote-80x24.txt", text));
	free(text);
	ui_key(&ui, 'g', 0);
	ui_key(&ui, 'g', 0);
	assert_int_equal(ui.group, GROUP_STATE);
	text = render(&ui, 120, 40, true);
	assert_true(tu_golden("tests/golden/ui-group-state-120x40.txt", text));
	assert_non_null(strstr(text, "TIME-WAIT"));
	free(text);
	ui_key(&ui, 'g', 0);
	assert_int_equal(ui.group, GROUP_NONE);
	ui_key(&ui, 'g', 0);
	ui_key(&ui, 'g', 0);
	ui_key(&ui, 'g', 0);
	assert_int_equal(ui.group, GROUP_PORT);
	text = render(&ui, 200, 50, true);
	assert_true(tu_golden("tests/golden/ui-group-port-200x50.txt", text));
	free(text);
	ui_key(&ui, 'g', 0);
	/* q returns to the connections; g after state turns grouping off */
	assert_false(ui_key(&ui, 'q', 0) & R_QUIT);
	assert_int_equal(ui.screen, SCR_CONN);
	ui_key(&ui, 'g', 0);
	assert_int_equal(ui.group, GROUP_NONE);
	assert_int_equal(ui.screen, SCR_CONN);
	ui_free(&ui);
	frame_free(&fr[0]);
	frame_free(&fr[1]);
}

static void a_header_click_sorts_a_row_click_selects_the_wheel_scrolls(void **state)
{
	struct frame fr[2];
	struct ui ui;
	char *text, *line, *at;
	int x;

	(void)state;
	tu_frames("states.rec", fr, 2);
	setup_ui(&ui);
	ui_set_frame(&ui, &fr[1], 0);
	text = render(&ui, 120, 30, true);
	/* the header is the body's first line; find the State column in it */
	line = text;
	for (int i = 0; i < UI_HEADER_LINES; i++)
		line = strchr(line, '\n') + 1;
	at = strstr(line, "State");
	assert_non_null(at);
	x = (int)(at - line);
	free(text);
	ui_mouse(&ui, MOUSE_CLICK, UI_HEADER_LINES, x + 1, 0);
	assert_int_equal(ui.sort->id, COL_STATE);
	assert_false(ui.reverse);
	ui_mouse(&ui, MOUSE_CLICK, UI_HEADER_LINES, x + 1, 0);
	assert_true(ui.reverse); /* again: the other way */
	/* the third row of the table */
	assert_true(ui_mouse(&ui, MOUSE_CLICK, UI_HEADER_LINES + 3, 2, 0) & R_REDRAW);
	assert_int_equal(ui.scroll[SCR_CONN].sel, 2);
	assert_true(ui.chosen);
	ui_mouse(&ui, MOUSE_WHEEL_DOWN, 10, 10, 0);
	assert_int_equal(ui.scroll[SCR_CONN].sel, 5);
	ui_mouse(&ui, MOUSE_WHEEL_UP, 10, 10, 0);
	assert_int_equal(ui.scroll[SCR_CONN].sel, 2);
	/* a click on a tab opens it */
	text = render(&ui, 120, 30, true);
	line = text;
	for (int i = 0; i < UI_HEADER_LINES - 1; i++)
		line = strchr(line, '\n') + 1;
	at = strstr(line, "Findings");
	assert_non_null(at);
	free(text);
	ui_mouse(&ui, MOUSE_CLICK, UI_HEADER_LINES - 1, (int)(at - line), 0);
	assert_int_equal(ui.screen, SCR_FINDINGS);
	ui_free(&ui);
	frame_free(&fr[0]);
	frame_free(&fr[1]);
}

/* The fd that holds a socket, found in /proc the way the detail view's app side does. */
static void procfd_finds_the_fd_of_a_socket(void **state)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct stat st;

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	assert_int_equal(procfd_find(NULL, getpid(), (uint32_t)st.st_ino), fd);
	assert_int_equal(procfd_find("/proc", getpid(), 1), -1); /* no such socket */
	assert_int_equal(procfd_find("/nonexistent", getpid(), (uint32_t)st.st_ino), -1);
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(connections_view_at_80x24_and_200x50),
		cmocka_unit_test(listen_view_at_80x24_and_200x50),
		cmocka_unit_test(states_view_at_80x24_and_200x50),
		cmocka_unit_test(states_view_tops_are_the_largest_of_the_filtered_rows),
		cmocka_unit_test(counters_view_at_80x24_and_200x50),
		cmocka_unit_test(counters_view_shows_tcp_memory_and_the_sysctls),
		cmocka_unit_test(detail_view_at_80x24_and_200x50),
		cmocka_unit_test(detail_lists_every_field_only_of_the_kept_connection),
		cmocka_unit_test(findings_view_at_80x24_and_200x50),
		cmocka_unit_test(detail_view_explains_the_findings),
		cmocka_unit_test(
			findings_enter_opens_the_socket_and_the_cursor_follows_the_finding),
		cmocka_unit_test(help_view_at_80x24),
		cmocka_unit_test(ascii_fallback_has_no_utf8),
		cmocka_unit_test(tiny_terminal_gets_one_clear_line),
		cmocka_unit_test(selection_follows_its_socket_after_the_user_picks_it),
		cmocka_unit_test(rows_hold_their_places_while_the_user_navigates),
		cmocka_unit_test(an_order_built_elsewhere_is_used_only_for_the_current_sort),
		cmocka_unit_test(sort_keys_cycle_columns_and_reverse),
		cmocka_unit_test(views_switch_by_tab_and_number_and_back_with_esc),
		cmocka_unit_test(enter_opens_the_selected_connection_and_a_gone_one_says_so),
		cmocka_unit_test(filter_prompt_applies_keeps_old_on_error_and_cancels),
		cmocka_unit_test(interval_prompt_validates),
		cmocka_unit_test(space_pauses_and_resumes),
		cmocka_unit_test(a_late_refresh_shows_its_real_interval_in_the_title),
		cmocka_unit_test(the_title_names_the_low_memory_mode),
		cmocka_unit_test(column_chooser_shows_and_hides_columns),
		cmocka_unit_test(f3_search_moves_the_cursor_to_a_match_and_n_goes_on),
		cmocka_unit_test(g_cycles_the_groupings_and_a_group_view_renders),
		cmocka_unit_test(connections_view_at_120x40),
		cmocka_unit_test(long_messages_shorten_at_a_word),
		cmocka_unit_test(a_long_filter_error_wraps_and_keeps_its_column),
		cmocka_unit_test(procfd_finds_the_fd_of_a_socket),
		cmocka_unit_test(listener_detail_shows_its_queues),
		cmocka_unit_test(a_header_click_sorts_a_row_click_selects_the_wheel_scrolls),
	};

	setenv("TZ", "UTC", 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
