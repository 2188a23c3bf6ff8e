/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_pump: the replay player in the collector thread: pace, pause, steps, jumps and the end, over a real recording. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "pump.h"
#include "testutil.h"

#define NREF 12
#define GAP_NS 100000000ull /* 100 ms between recorded refreshes */

static char path[64];

/* NREF copies of a fixture's first refresh (real kernel bytes), GAP_NS apart. */
static int setup(void **state)
{
	struct replay *r = tu_replay("ipv4_bulk.rec");
	const struct rec_frame *f = replay_frame(r, 0);
	struct recorder *w;
	struct terr e;

	(void)state;
	snprintf(path, sizeof(path), "/tmp/tcptop-pump.XXXXXX");
	close(mkstemp(path));
	unlink(path);
	w = recorder_open(path, &e);
	if (!w || !f)
		return -1;
	recorder_meta(w, "hostname", "box");
	for (int i = 0; i < NREF; i++) {
		recorder_frame(w, f->mono_ns + (uint64_t)i * GAP_NS,
			       f->real_ns + i * (int64_t)GAP_NS);
		for (size_t k = 0; k < f->nnetlink; k++)
			recorder_netlink(w, f->netlink[k].family, f->netlink[k].data,
					 f->netlink[k].len);
		for (size_t k = 0; k < f->nfiles; k++)
			recorder_file(w, f->files[k].name, f->files[k].data, f->files[k].len,
				      f->files[k].err);
		recorder_end(w);
	}
	replay_free(r);
	return recorder_close(w, &e);
}

static int teardown(void **state)
{
	(void)state;
	return unlink(path);
}

struct player {
	struct source_pos pos;
	struct pump *p;
	uint64_t t0;
};

static uint64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static void start(struct player *pl, bool paused)
{
	struct collector_cfg cfg = { 0 };
	struct collector *c;
	struct terr e;

	memset(pl, 0, sizeof(*pl));
	cfg.src.replay_path = path;
	cfg.src.pos = &pl->pos;
	c = collector_new(&cfg, &e);
	assert_non_null(c);
	pl->p = pump_start(c, 1.0, &pl->pos, false, &e);
	assert_non_null(pl->p);
	if (paused)
		pump_replay_pause(pl->p, true);
	pl->t0 = now_ns();
}

static void stop(struct player *pl)
{
	struct terr e;

	assert_int_equal(pump_stop(pl->p, &e), 0);
}

/*
 * Waits up to ms for a frame: the refresh index it holds, or -1. The state
 * after it in *st.
 */
static long next_frame(struct player *pl, int ms, struct pump_replay *st, const struct frame **out)
{
	uint64_t until = now_ns() + (uint64_t)ms * 1000000u;

	for (;;) {
		struct pollfd fd = { pump_fd(pl->p), POLLIN, 0 };
		uint64_t now = now_ns();
		const struct frame *f;

		if (now >= until)
			return -1;
		if (poll(&fd, 1, (int)((until - now) / 1000000u) + 1) < 0)
			return -1;
		f = pump_take(pl->p);
		pump_replay_state(pl->p, st);
		if (f) {
			if (out)
				*out = f;
			return (long)st->index;
		}
	}
}

/*
 * The state once the thread has answered: the end reached (refused_seq ==
 * ANY_SEQ), or a refusal after the one numbered refused_seq. Up to 5 s: a
 * loaded machine can take long to schedule the thread, and a fixed sleep
 * made this fail there.
 */
#define ANY_SEQ UINT64_MAX
static void state_when(struct player *pl, uint64_t refused_seq, struct pump_replay *st)
{
	uint64_t until = now_ns() + 5000000000u;

	for (;;) {
		pump_take(pl->p);
		pump_replay_state(pl->p, st);
		if (refused_seq == ANY_SEQ ? st->at_end : st->refused_seq != refused_seq)
			return;
		if (now_ns() >= until)
			return;
		usleep(10000);
	}
}

static uint64_t refusals(struct player *pl)
{
	struct pump_replay st;

	pump_replay_state(pl->p, &st);
	return st.refused_seq;
}

static void playing_keeps_the_recorded_pace(void **state)
{
	struct player pl;
	struct pump_replay st;
	long i, last = -1;
	uint64_t t_first = 0, t_fifth = 0;

	(void)state;
	start(&pl, false);
	while ((i = next_frame(&pl, 3000, &st, NULL)) >= 0) {
		assert_true(i > last); /* in order (a slow taker may skip one: the newest wins) */
		if (i == 0)
			t_first = now_ns();
		if (i >= 5 && !t_fifth)
			t_fifth = now_ns();
		last = i;
		if (i == NREF - 1)
			break;
	}
	assert_int_equal(last, NREF - 1);
	/* never faster than recorded: five gaps take at least (almost) five gaps */
	assert_true(t_first && t_fifth);
	assert_true(t_fifth - t_first >= 5 * GAP_NS - GAP_NS / 4);
	state_when(&pl, ANY_SEQ, &st);
	assert_true(st.at_end);
	assert_true(st.all_seen);
	assert_int_equal(st.seen, NREF);
	assert_int_equal(st.index, NREF - 1);
	stop(&pl);
}

static void a_paused_replay_sends_nothing_until_stepped(void **state)
{
	struct player pl;
	struct pump_replay st;
	const struct frame *f;

	(void)state;
	start(&pl, true);
	/* the first refresh comes at once, then nothing while paused */
	assert_int_equal(next_frame(&pl, 5000, &st, NULL), 0);
	assert_int_equal(next_frame(&pl, 300, &st, NULL), -1);
	assert_true(st.paused);
	pump_replay_step(pl.p, 1);
	assert_int_equal(next_frame(&pl, 5000, &st, &f), 1);
	assert_int_equal(next_frame(&pl, 200, &st, NULL), -1);
	stop(&pl);
}

static void steps_and_jumps_land_on_the_refresh_with_its_recorded_rates(void **state)
{
	struct player pl;
	struct pump_replay st;
	const struct frame *f = NULL;
	uint64_t mono0, seq;

	(void)state;
	start(&pl, true);
	assert_int_equal(next_frame(&pl, 5000, &st, &f), 0);
	mono0 = f->mono_ns;
	pump_replay_goto(pl.p, 7);
	assert_int_equal(next_frame(&pl, 5000, &st, &f), 7);
	assert_int_equal(f->mono_ns, mono0 + 7 * GAP_NS);
	/* the rates are those of refresh 7 against 6, as recorded */
	assert_close(f->interval, (double)GAP_NS / 1e9, 1e-6);
	assert_false(st.all_seen);
	pump_replay_step(pl.p, -1);
	assert_int_equal(next_frame(&pl, 5000, &st, &f), 6);
	assert_int_equal(f->mono_ns, mono0 + 6 * GAP_NS);
	assert_close(f->interval, (double)GAP_NS / 1e9, 1e-6);
	pump_replay_goto(pl.p, 0);
	assert_int_equal(next_frame(&pl, 5000, &st, &f), 0);
	assert_int_equal(f->mono_ns, mono0);
	pump_replay_goto(pl.p, PUMP_LAST);
	assert_int_equal(next_frame(&pl, 5000, &st, &f), NREF - 1);
	assert_true(st.all_seen);
	assert_int_equal(st.seen, NREF);
	assert_true(st.at_end);
	/* past the end: refused, it stays */
	seq = refusals(&pl);
	pump_replay_step(pl.p, 1);
	state_when(&pl, seq, &st);
	assert_non_null(strstr(st.refused, "end of recording: refresh 12 is the last"));
	assert_int_equal(st.index, NREF - 1);
	/* and back from the end */
	pump_replay_step(pl.p, -1);
	assert_int_equal(next_frame(&pl, 5000, &st, &f), NREF - 2);
	/* before the first: refused */
	pump_replay_goto(pl.p, 0);
	assert_int_equal(next_frame(&pl, 5000, &st, &f), 0);
	seq = refusals(&pl);
	pump_replay_step(pl.p, -1);
	state_when(&pl, seq, &st);
	assert_non_null(strstr(st.refused, "first refresh"));
	stop(&pl);
}

static void quick_steps_add_up(void **state)
{
	struct player pl;
	struct pump_replay st;
	long i, last = 0;

	(void)state;
	start(&pl, true);
	assert_int_equal(next_frame(&pl, 5000, &st, NULL), 0);
	pump_replay_step(pl.p, 1);
	pump_replay_step(pl.p, 1);
	pump_replay_step(pl.p, 1);
	/* each frame within 5 s (a loaded machine), then nothing past the third step */
	while (last < 3 && (i = next_frame(&pl, 5000, &st, NULL)) >= 0)
		last = i;
	assert_int_equal(last, 3);
	assert_int_equal(next_frame(&pl, 300, &st, NULL), -1);
	stop(&pl);
}

/*
 * Jumps to `to` and, 0 to 2 ms later (before the thread takes the jump, or
 * while it reads it), steps by `delta`: frames come until refresh
 * `to + delta`, and none after it.
 */
static void jump_then_step_lands(struct player *pl, size_t to, long delta, long want, int k)
{
	struct pump_replay st;
	long i;

	pump_replay_goto(pl->p, to);
	usleep((useconds_t)(k % 5) * 500);
	pump_replay_step(pl->p, delta);
	while ((i = next_frame(pl, 5000, &st, NULL)) >= 0 && i != want)
		;
	assert_int_equal(i, want);
	assert_int_equal(next_frame(pl, 30, &st, NULL), -1);
}

/*
 * A step pressed right after a jump counts from the jump, even once the
 * thread has taken the jump and is reading it (the mutex is released
 * meanwhile): `[` then Right lands on the second refresh, every time.
 */
static void a_step_right_after_a_jump_counts_from_the_jump(void **state)
{
	struct player pl;
	struct pump_replay st;

	(void)state;
	start(&pl, true);
	assert_int_equal(next_frame(&pl, 5000, &st, NULL), 0);
	for (int k = 0; k < 60; k++) {
		size_t to = k % 2 ? 9 : 3;

		jump_then_step_lands(&pl, to, 1, (long)to + 1, k);
	}
	stop(&pl);
}

/*
 * The first `]` reads the recording to its end to learn its length; a Left
 * pressed meanwhile counts from that end (`]` then Left: the one before the
 * last), whichever moment of the read it comes at.
 */
static void a_step_right_after_the_first_jump_to_the_end_counts_from_the_end(void **state)
{
	struct player pl;
	struct pump_replay st;

	(void)state;
	for (int k = 0; k < 20; k++) {
		start(&pl, true);
		assert_int_equal(next_frame(&pl, 5000, &st, NULL), 0);
		jump_then_step_lands(&pl, PUMP_LAST, -1, NREF - 2, k);
		stop(&pl);
	}
}

static void speed_is_clamped_to_a_quarter_and_sixteen(void **state)
{
	struct player pl;
	struct pump_replay st;

	(void)state;
	start(&pl, true);
	pump_replay_speed(pl.p, 100);
	pump_replay_state(pl.p, &st);
	assert_close(st.speed, PUMP_SPEED_MAX, 1e-9);
	pump_replay_speed(pl.p, 0.01);
	pump_replay_state(pl.p, &st);
	assert_close(st.speed, PUMP_SPEED_MIN, 1e-9);
	stop(&pl);
}

/*
 * The live loop (a recording without the player: one refresh per interval)
 * with a UI that pauses, waits about three refreshes and resumes, as the app
 * does (pump_set_paused, then a take): the frames it did not take meanwhile
 * were refilled, and no more than two frames are ever handed out.
 */
static void a_ui_that_stops_taking_frames_is_sent_two_frames_at_most(void **state)
{
	struct collector_cfg cfg = { 0 };
	struct source_pos pos = { 0 };
	const struct frame *seen[NREF] = { 0 };
	uint64_t mono[NREF] = { 0 };
	struct collector *c;
	struct pump *p;
	struct terr e;
	size_t nseen = 0, distinct = 0;

	(void)state;
	cfg.src.replay_path = path;
	cfg.src.pos = &pos;
	c = collector_new(&cfg, &e);
	assert_non_null(c);
	p = pump_start(c, 0.01, NULL, false, &e);
	assert_non_null(p);
	while (nseen < 3) {
		struct pollfd pfd = { .fd = pump_fd(p), .events = POLLIN };
		const struct frame *f = NULL;

		pump_set_paused(p, true);
		usleep(35000); /* about three refreshes not taken */
		pump_drain(p);
		pump_set_paused(p, false);
		/*
		 * resumed, a take at once as the app's (the frame drained above
		 * waits for it), else at the next notification; none once the
		 * recording ended
		 */
		f = pump_take(p);
		while (!f && poll(&pfd, 1, 2000) == 1)
			f = pump_take(p);
		if (!f)
			break;
		mono[nseen] = f->mono_ns;
		seen[nseen++] = f;
	}
	assert_true(nseen >= 2);
	/* refreshes were refilled unseen: the ones taken are further apart than one */
	assert_true(mono[nseen - 1] - mono[0] > (uint64_t)(nseen - 1) * GAP_NS);
	for (size_t i = 0; i < nseen; i++) {
		bool again = false;

		for (size_t j = 0; j < i; j++)
			again |= seen[j] == seen[i];
		distinct += !again;
	}
	assert_int_equal(distinct, 2);
	assert_int_equal(pump_stop(p, &e), 0);
}

/*
 * A refresh that takes longer than the interval (a million sockets, a loaded
 * host, -d 0.05): the thread must not take back each frame it finished before
 * the UI could take it, or the view would never change. An interval of 1 ns:
 * every refresh is late. A UI that takes a frame every 20 ms, and kicks
 * a refresh before each, gets every refresh in turn: none is refilled unseen.
 */
static void refreshes_slower_than_the_interval_all_reach_the_ui(void **state)
{
	struct collector_cfg cfg = { 0 };
	struct source_pos pos = { 0 };
	struct collector *c;
	struct pump *p;
	struct terr e;
	uint64_t first = 0;

	(void)state;
	cfg.src.replay_path = path;
	cfg.src.pos = &pos;
	c = collector_new(&cfg, &e);
	assert_non_null(c);
	p = pump_start(c, 1e-9, NULL, false, &e);
	assert_non_null(p);
	for (uint64_t i = 0; i < 4; i++) {
		struct pollfd pfd = { .fd = pump_fd(p), .events = POLLIN };
		const struct frame *f;

		usleep(10000);
		pump_kick(p); /* a new filter, p, a: the kicked refresh waits its turn too */
		usleep(10000);
		assert_int_equal(poll(&pfd, 1, 3000), 1);
		f = pump_take(p);
		assert_non_null(f);
		if (i == 0)
			first = f->mono_ns;
		/*
		 * the next recorded refresh: the thread made one, then waited for
		 * the UI to take it instead of refilling it unseen
		 */
		assert_int_equal(f->mono_ns - first, i * GAP_NS);
	}
	assert_int_equal(pump_stop(p, &e), 0);
}

/*
 * --low-memory: the live loop with one frame. Every refresh after the first
 * asks for the shown frame back (pump_fd readable, nothing to take); a UI
 * that keeps it gets nothing more, one that lends it gets the next recorded
 * refresh in that same frame. No second frame is ever handed out.
 */
static void a_lean_pump_refills_the_one_frame_the_ui_lends_it(void **state)
{
	struct collector_cfg cfg = { 0 };
	struct source_pos pos = { 0 };
	struct pollfd pfd;
	struct collector *c;
	const struct frame *first, *f;
	struct pump *p;
	struct terr e;
	uint64_t mono0;

	(void)state;
	cfg.src.replay_path = path;
	cfg.src.pos = &pos;
	c = collector_new(&cfg, &e);
	assert_non_null(c);
	p = pump_start(c, 0.01, NULL, true, &e);
	assert_non_null(p);
	pfd = (struct pollfd){ .fd = pump_fd(p), .events = POLLIN };
	assert_int_equal(poll(&pfd, 1, 3000), 1);
	first = pump_take(p);
	assert_non_null(first);
	mono0 = first->mono_ns;
	/* not lent, nothing comes: the thread asks (a notification) and waits */
	assert_int_equal(poll(&pfd, 1, 3000), 1);
	usleep(60000); /* six intervals */
	assert_null(pump_take(p));
	assert_int_equal(first->mono_ns, mono0); /* the shown frame was not touched */
	for (uint64_t i = 1; i <= 4; i++) {
		if (i > 1)
			assert_int_equal(poll(&pfd, 1, 3000), 1); /* the next ask */
		assert_true(pump_lend(p));
		assert_false(pump_lend(p)); /* lent once; the next ask is for the next frame */
		f = NULL;
		while (!f && poll(&pfd, 1, 3000) == 1)
			f = pump_take(p);
		assert_ptr_equal(f, first);
		/* the next refresh, not one refilled unseen: each waits for the lend */
		assert_int_equal(f->mono_ns - mono0, i * GAP_NS);
	}
	assert_int_equal(pump_stop(p, &e), 0);
}

/* Quitting while the thread waits for a frame the UI will not lend: it stops at once. */
static void a_lean_pump_waiting_for_its_frame_stops(void **state)
{
	struct collector_cfg cfg = { 0 };
	struct source_pos pos = { 0 };
	struct pollfd pfd;
	struct collector *c;
	struct pump *p;
	struct terr e;

	(void)state;
	cfg.src.replay_path = path;
	cfg.src.pos = &pos;
	c = collector_new(&cfg, &e);
	assert_non_null(c);
	p = pump_start(c, 0.01, NULL, true, &e);
	assert_non_null(p);
	pfd = (struct pollfd){ .fd = pump_fd(p), .events = POLLIN };
	assert_int_equal(poll(&pfd, 1, 3000), 1);
	assert_non_null(pump_take(p));
	usleep(30000);
	assert_int_equal(pump_stop(p, &e), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(playing_keeps_the_recorded_pace),
		cmocka_unit_test(a_paused_replay_sends_nothing_until_stepped),
		cmocka_unit_test(steps_and_jumps_land_on_the_refresh_with_its_recorded_rates),
		cmocka_unit_test(quick_steps_add_up),
		cmocka_unit_test(a_step_right_after_a_jump_counts_from_the_jump),
		cmocka_unit_test(a_step_right_after_the_first_jump_to_the_end_counts_from_the_end),
		cmocka_unit_test(speed_is_clamped_to_a_quarter_and_sixteen),
		cmocka_unit_test(a_lean_pump_refills_the_one_frame_the_ui_lends_it),
		cmocka_unit_test(a_lean_pump_waiting_for_its_frame_stops),
		cmocka_unit_test(a_ui_that_stops_taking_frames_is_sent_two_frames_at_most),
		cmocka_unit_test(refreshes_slower_than_the_interval_all_reach_the_ui),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
