/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_replay_ui: the replay's position line and keys on the text canvas (the player itself: tests/e2e/t_replay.sh). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "keys.h"
#include "screen.h"
#include "testutil.h"
#include "ui.h"
#include "widgets.h"

static struct frame fr[2];

static int setup(void **state)
{
	(void)state;
	tu_frames("ipv4_bulk.rec", fr, 2);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	frame_free(&fr[0]);
	frame_free(&fr[1]);
	return 0;
}

static void replay_ui(struct ui *ui)
{
	ui_init(ui, column_default_view, column_default_view_len, column_get(COL_PROBLEMS), false,
		1.0);
	ui->hostname = "testhost";
	ui->kernel = "6.18.0";
	ui->replay = true;
	ui->rp = (struct pump_replay){ .active = true,
				       .shown = true,
				       .index = 2,
				       .seen = 5,
				       .speed = 2,
				       .paused = true,
				       .can_go_back = true };
	ui_set_frame(ui, &fr[1], 0);
}

/* Line y of the screen drawn at w x h. */
static char *line_of(struct ui *ui, int w, int h, bool utf8, int y)
{
	struct canvas c;
	struct strbuf sb = STRBUF_INIT;
	char *at, *end, *out;

	canvas_init(&c, w, h, utf8);
	ui_draw(ui, &c, 0);
	canvas_to_text(&c, &sb);
	canvas_free(&c);
	at = sb.s;
	for (int i = 0; i < y && at; i++)
		at = strchr(at, '\n') ? strchr(at, '\n') + 1 : NULL;
	assert_non_null(at);
	end = strchr(at, '\n');
	out = strndup(at, end ? (size_t)(end - at) : strlen(at));
	sb_free(&sb);
	return out;
}

static void the_position_line_says_which_refresh_when_and_how_fast(void **state)
{
	struct ui ui;
	char *l, want[128], t[40];
	time_t secs = (time_t)(fr[1].real_ns / 1000000000);
	struct tm tm;

	(void)state;
	replay_ui(&ui);
	gmtime_r(&secs, &tm);
	strftime(t, sizeof(t), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(want, sizeof(want),
		 "refresh 3 of \u22655 \u00b7 recorded %s.%03dZ \u00b7 2x \u00b7 paused", t,
		 (int)(fr[1].real_ns % 1000000000 / 1000000));
	l = line_of(&ui, 120, 30, true, 3);
	if (strncmp(l, want, strlen(want)))
		fail_msg("line 4 is '%s', not '%s'", l, want);
	free(l);
	/* the body starts one line lower: the tab line is just above it */
	l = line_of(&ui, 120, 30, true, 4);
	assert_non_null(strstr(l, "1 Connections"));
	free(l);
	assert_int_equal(ui.body_y, UI_HEADER_LINES + 1);
	assert_int_equal(ui_header_lines(&ui), UI_HEADER_LINES + 1);
	ui_free(&ui);
}

static void a_known_length_and_ascii_terminals(void **state)
{
	struct ui ui;
	char *l;

	(void)state;
	replay_ui(&ui);
	ui.rp.all_seen = true;
	ui.rp.paused = false;
	l = line_of(&ui, 120, 30, false, 3);
	assert_non_null(strstr(l, "refresh 3 of 5 | recorded "));
	assert_non_null(strstr(l, "Z | 2x"));
	assert_null(strstr(l, "paused"));
	free(l);
	ui_free(&ui);
}

static void the_end_says_so_with_the_note_or_the_damage(void **state)
{
	struct ui ui;
	char *l;

	(void)state;
	replay_ui(&ui);
	ui.rp.at_end = true;
	ui.rp.index = 4;
	l = line_of(&ui, 200, 30, true, 3);
	assert_non_null(strstr(l, "refresh 5 of"));
	assert_non_null(strstr(l, "\u00b7 end of recording"));
	free(l);
	snprintf(ui.rp.note, sizeof(ui.rp.note), "recording ends inside refresh 6 at offset 900");
	l = line_of(&ui, 200, 30, true, 3);
	assert_non_null(
		strstr(l, "end of recording: recording ends inside refresh 6 at offset 900"));
	free(l);
	snprintf(ui.rp.damage, sizeof(ui.rp.damage), "x.rec: corrupt compressed data at offset 77");
	l = line_of(&ui, 200, 30, true, 3);
	assert_non_null(strstr(l, "end of recording: x.rec: corrupt compressed data at offset 77"));
	free(l);
	ui_free(&ui);
}

static void a_stream_says_it_cannot_go_back(void **state)
{
	struct ui ui;
	char *l;

	(void)state;
	replay_ui(&ui);
	ui.rp.can_go_back = false;
	l = line_of(&ui, 200, 30, true, 3);
	assert_non_null(strstr(l, "a stream: no going back"));
	free(l);
	ui_free(&ui);
}

static void live_frames_have_no_position_line(void **state)
{
	struct ui ui;
	char *l;

	(void)state;
	replay_ui(&ui);
	ui.replay = false;
	l = line_of(&ui, 120, 30, true, 3);
	assert_non_null(strstr(l, "1 Connections"));
	free(l);
	assert_int_equal(ui_header_lines(&ui), UI_HEADER_LINES);
	ui_free(&ui);
}

static void the_replay_keys_become_player_commands(void **state)
{
	static const struct {
		int key;
		enum rp_cmd cmd;
		long arg;
	} want[] = {
		{ K_RIGHT, RPC_STEP, 1 }, { K_LEFT, RPC_STEP, -1 }, { '[', RPC_GOTO, 0 },
		{ ']', RPC_GOTO, -1 },    { '+', RPC_SPEED, 0 },    { '-', RPC_SPEED, 0 },
	};
	struct ui ui;

	(void)state;
	replay_ui(&ui);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		unsigned r;

		ui.rp.speed = 2;
		ui.rp_cmd = RPC_NONE;
		ui.paused = false;
		r = ui_key(&ui, want[i].key, 0);
		assert_true(r & R_REPLAY);
		assert_int_equal(ui.rp_cmd, want[i].cmd);
		if (want[i].cmd != RPC_SPEED)
			assert_int_equal(ui.rp_arg, want[i].arg);
		/* a step is looked at: it pauses */
		assert_int_equal(ui.paused, want[i].cmd == RPC_STEP);
	}
	ui.rp.speed = 2;
	ui_key(&ui, '+', 0);
	assert_close(ui.rp_speed, 4, 1e-9);
	ui_key(&ui, '-', 0);
	ui_key(&ui, '-', 0);
	assert_close(ui.rp_speed, 1, 1e-9);
	ui.paused = false;
	assert_true(ui_key(&ui, ' ', 0) & R_REPLAY);
	assert_int_equal(ui.rp_cmd, RPC_PAUSE);
	assert_true(ui.paused);
	ui_free(&ui);
}

static void speed_stays_between_a_quarter_and_sixteen(void **state)
{
	struct ui ui;

	(void)state;
	replay_ui(&ui);
	ui.rp.speed = PUMP_SPEED_MAX;
	assert_false(ui_key(&ui, '+', 0) & R_REPLAY);
	assert_non_null(strstr(ui.status, "stays 16x"));
	ui.rp.speed = PUMP_SPEED_MIN;
	assert_false(ui_key(&ui, '-', 0) & R_REPLAY);
	assert_non_null(strstr(ui.status, "stays 0.25x"));
	ui_free(&ui);
}

static void live_the_replay_keys_say_what_they_are_for(void **state)
{
	static const int k[] = { K_RIGHT, K_LEFT, '[', ']', '+', '-' };
	struct ui ui;

	(void)state;
	replay_ui(&ui);
	ui.replay = false;
	for (size_t i = 0; i < sizeof(k) / sizeof(k[0]); i++) {
		ui.status[0] = '\0';
		assert_false(ui_key(&ui, k[i], 0) & R_REPLAY);
		assert_non_null(strstr(ui.status, "not a replay"));
	}
	/* Space stays the live pause */
	assert_false(ui_key(&ui, ' ', 0) & R_REPLAY);
	assert_true(ui.paused);
	ui_free(&ui);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_position_line_says_which_refresh_when_and_how_fast),
		cmocka_unit_test(a_known_length_and_ascii_terminals),
		cmocka_unit_test(the_end_says_so_with_the_note_or_the_damage),
		cmocka_unit_test(a_stream_says_it_cannot_go_back),
		cmocka_unit_test(live_frames_have_no_position_line),
		cmocka_unit_test(the_replay_keys_become_player_commands),
		cmocka_unit_test(speed_stays_between_a_quarter_and_sixteen),
		cmocka_unit_test(live_the_replay_keys_say_what_they_are_for),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
