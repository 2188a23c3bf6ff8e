/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pump: runs the collector in its own thread and hands finished frames to the UI. */
#ifndef TCPTOP_PUMP_H
#define TCPTOP_PUMP_H

#include <stdbool.h>
#include <stdint.h>

#include "collector.h"
#include "column.h"
#include "frame.h"
#include "terr.h"
#include "view.h"

/*
 * A refresh of 200,000 sockets takes hundreds of milliseconds in the kernel;
 * the UI must answer keys meanwhile. The pump owns the collector and three
 * frames: the one the UI shows and the newest finished one (live, the next
 * refresh waits until the UI takes it, or refills it while the UI is
 * paused: two frames at most), and a replay's read-ahead. The UI takes
 * frames with pump_take(); a frame it holds is never touched by the thread.
 * pump_fd() becomes readable when a frame is ready.
 */
struct pump;

/*
 * Takes ownership of the collector. Starts the thread. `pos`: for a replay,
 * the source_pos the collector's source keeps (collector_cfg.src.pos; read
 * by the thread only), which makes the pump play the recording at its
 * recorded pace under the pump_replay_* commands; NULL otherwise.
 */
struct pump *pump_start(struct collector *c, double interval, const struct source_pos *pos,
			bool lean, struct terr *e);
/* Stops the thread, frees the frames, closes the collector (-1 + e if a recording failed). */
int pump_stop(struct pump *p, struct terr *e);

/* A file descriptor that polls readable when a new frame is ready. */
int pump_fd(const struct pump *p);
/*
 * Swaps in the newest frame: returns it (the pump will not touch it until the
 * next pump_take), or NULL when nothing new arrived. The previously taken
 * frame goes back to the pump. Drains pump_fd.
 */
const struct frame *pump_take(struct pump *p);
/*
 * Lean (pump_start's `lean`, --low-memory; live only, a replay keeps its
 * read-ahead): the pump holds one frame, the one the UI shows, and asks for
 * it back at every refresh by notifying pump_fd. pump_lend() gives it back
 * if asked (true): from then until pump_take() returns the next frame, the
 * UI must not touch the frame it had (nor its rows, nor an order built for
 * it), so it neither draws nor reads keys meanwhile. False: not asked, keep
 * it. A UI that is paused does not lend: the refresh waits for it.
 */
bool pump_lend(struct pump *p);
/* Empties the notification pipe without taking a frame (while the UI is paused). */
void pump_drain(struct pump *p);
/*
 * Live: whether the UI is paused. A frame the UI has not taken waits for it
 * (the next refresh starts once it is taken, so refreshes slower than the
 * interval still all reach the UI); while paused, the untaken frame is
 * refilled at every tick instead, so the view resumes with a fresh one.
 */
void pump_set_paused(struct pump *p, bool paused);
/* The result of the last refresh: 0, 1 (end of a recording), -1 (failed). */
int pump_status(struct pump *p);

/* Requests applied before the next refresh. */
void pump_set_interval(struct pump *p, double seconds);
/* The next dumps' request; the bytecode is copied (the caller may free it at once). */
void pump_set_req(struct pump *p, const struct diag_req *req);
void pump_select(struct pump *p, uint64_t cookie);
/* Process attribution on or off from the next refresh (the collector belongs to the thread). */
void pump_set_procs(struct pump *p, bool on);
/* Every network namespace (-N all) or the watched one, from the next refresh. */
void pump_set_allns(struct pump *p, bool on);
/*
 * How the UI wants rows ordered (generation `gen`): the thread sorts and
 * filters every new frame this way, so the UI does not spend 50-80 ms on
 * 200,000 rows when a frame arrives. The filter text is parsed again by the
 * thread (its own copy; NULL or "" = none).
 */
void pump_set_view(struct pump *p, uint64_t gen, const struct column *sort, bool reverse,
		   const char *filter_text);
/*
 * The order built for the frame pump_take last returned, and the generation
 * it was built for, for the UI to take (ui_set_frame_ordered swaps it with
 * its own): the thread never touches the shown frame's order, and builds the
 * slot's next one in whatever buffers it then holds. Asking again for the
 * same frame gives generation 0 (taken).
 */
struct view *pump_order(struct pump *p, uint64_t *gen);

/* Refresh now instead of at the next tick (after a filter change). */
void pump_kick(struct pump *p);

/*
 * Replay control. Playing, the thread reads the next refresh ahead and
 * shows it when the recorded time between the two, divided by the speed,
 * has passed; paused or at the end it sleeps until told otherwise. The
 * commands only set a request and wake the thread: they never wait for it.
 */
#define PUMP_SPEED_MIN 0.25
#define PUMP_SPEED_MAX 16.0
#define PUMP_LAST ((size_t)-1) /* pump_replay_goto: the last refresh */
void pump_replay_pause(struct pump *p, bool paused);
/* Speed factor, clamped to [PUMP_SPEED_MIN, PUMP_SPEED_MAX]. */
void pump_replay_speed(struct pump *p, double speed);
/* Shows refresh `index` (0-based; PUMP_LAST: the last) next, with its recorded rates. */
void pump_replay_goto(struct pump *p, size_t index);
/* Shows the refresh `delta` after (before, negative) the one shown or last asked for; pauses. */
void pump_replay_step(struct pump *p, long delta);

/* Where the replay is: the shown frame's place and the player's state. */
struct pump_replay {
	bool active;   /* a replay (the rest is meaningful) */
	bool shown;    /* a frame has been shown: index is its refresh */
	size_t index;  /* 0-based */
	size_t seen;   /* refreshes known to exist */
	bool all_seen; /* the end was found: seen is the number of refreshes */
	bool paused;
	double speed;
	bool at_end;          /* no refresh after the shown one: it stays */
	bool can_go_back;     /* false for a stream (FIFO, stdin) */
	char note[256];       /* how a recording cut short ends; "" = it did not */
	char damage[512];     /* damage found on the way, naming the offset; "" = none */
	char refused[512];    /* why the last command could not be done; "" = it was */
	uint64_t refused_seq; /* bumped with every refusal (shown once) */
};
/* A copy of the state, for the frame pump_take last returned. */
void pump_replay_state(struct pump *p, struct pump_replay *out);

#endif
