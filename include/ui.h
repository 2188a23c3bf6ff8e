/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ui: the interactive view's state, key handling and drawing onto a canvas (no curses here). */
#ifndef TCPTOP_UI_H
#define TCPTOP_UI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "canvas.h"
#include "column.h"
#include "frame.h"
#include "pump.h"
#include "terr.h"
#include "view.h"

/* Keys, independent of curses (the curses canvas translates). Printable keys are themselves. */
enum {
	K_ESC = 27,
	K_ENTER = '\n',
	K_TAB = '\t',
	K_BACKSPACE = 0x7f,
	K_UP = 0x1000,
	K_DOWN,
	K_LEFT,
	K_RIGHT,
	K_PGUP,
	K_PGDN,
	K_HOME,
	K_END,
	K_BTAB,
	K_DEL,
	K_RESIZE,
	K_F1,
	K_F2,
	K_F3,
	K_F4,
	K_F5,
	K_F6,
	K_F7,
	K_F8,
	K_F9,
	K_F10,
	K_MOUSE, /* a mouse event: the terminal says which (term_mouse) */
};

/* Mouse events the UI acts on. */
enum { MOUSE_CLICK, MOUSE_WHEEL_UP, MOUSE_WHEEL_DOWN };
#define K_CTRL(c) ((c)&0x1f)

enum screen_id {
	SCR_CONN,
	SCR_LISTEN,
	SCR_STATES,
	SCR_COUNTERS,
	SCR_FINDINGS,
	SCR_CLOSED, /* connections that ended (issue 11) */
	SCR_GROUP,  /* connections folded by process, host, port or state (the g key) */
	SCR_DETAIL,
	SCR_HELP,
	SCR_PICK, /* column picker / sort menu */
	SCR_N
};

enum prompt_kind { PROMPT_NONE, PROMPT_FILTER, PROMPT_INTERVAL, PROMPT_SEARCH };
enum pick_mode { PICK_COLUMNS, PICK_SORT };

/* What a key asks the app loop to do besides redrawing (bits). */
enum {
	R_REDRAW = 1 << 0,
	R_QUIT = 1 << 1,
	R_INTERVAL = 1 << 2,     /* ui.interval changed: tell the collector */
	R_FILTER = 1 << 3,       /* the filter changed: new kernel request, refresh now */
	R_SNAPSHOT = 1 << 4,     /* write the screen to a file */
	R_SELECT = 1 << 5,       /* the selected connection changed: history follows it */
	R_COLUMNS = 1 << 6,      /* visible columns changed: kernel extensions may change */
	R_PROCS = 1 << 7,        /* ui.procs changed: switch process attribution */
	R_SNAPSHOT_ALL = 1 << 8, /* with R_SNAPSHOT: the whole view, not just the visible lines */
	R_ALLNS = 1 << 9,        /* ui.allns changed: every namespace, or this one */
	R_REPLAY = 1 << 10,      /* ui.rp_cmd: a command for the replay's player */
};

/* What a replay key asks of the player (pump_replay_*). */
enum rp_cmd { RPC_NONE, RPC_PAUSE, RPC_STEP, RPC_GOTO, RPC_SPEED };

/* How deep views opened from views nest (connections > group > detail > help). */
#define UI_STACK 8

/*
 * Applies a filter typed at the prompt: returns 0 (ui.filter_text updated by
 * the callee), or -1 with e set (the old filter stays). NULL = no filter support.
 */
typedef int (*ui_filter_fn)(void *ctx, const char *text, struct terr *e);
typedef bool (*ui_match_fn)(const struct row *r, void *ctx);

struct ui_scroll {
	long top; /* first row shown */
	long sel; /* selected row (screens with a selection) */
};

/* Owns its strings and view; borrows the frame. */
struct ui {
	const struct frame *frame;
	struct view view;   /* connection rows in display order */
	uint64_t order_seq; /* frame seq the view was built for */
	uint64_t view_gen;  /* bumped when the sort or the filter changes */

	enum screen_id screen;
	/* where q/Esc return to: the views this one was opened from (empty at a tab) */
	enum screen_id stack[UI_STACK];
	int depth;
	struct ui_scroll scroll[SCR_N];
	void *state[SCR_N]; /* each view's private state (screen.h), owned */

	enum col_id cols[COL_N];
	size_t ncols;
	const struct column *sort;
	bool reverse;
	int group;           /* enum group_key: what the grouping view folds by */
	uint64_t sel_cookie; /* the selection follows the socket, not the row */
	bool chosen;         /* the user moved the selection: follow it (until then: the top row) */
	char search[256];    /* the last search (F3, n, N); "" = none */
	long search_from;    /* the cursor when the search prompt opened (Esc goes back there) */
	uint64_t hold_until_ns; /* no re-sorting while the user navigates */

	bool paused;
	bool low_memory; /* --low-memory: one frame, lent to the pump (the title says so) */
	bool procs;      /* process attribution wanted (the p key) */
	bool allns;      /* every network namespace (-N all, the a key) */
	double interval;
	char *filter_text; /* owned; NULL = none */
	ui_filter_fn apply_filter;
	void *apply_ctx;   /* apply_filter's context */
	ui_match_fn match; /* user-space matcher of the current filter (NULL: none) */
	void *filter_ctx;  /* match's context */

	enum prompt_kind prompt;
	char prompt_buf[256];
	size_t prompt_len;
	char prompt_err[512];

	char status[512]; /* a message for the status line */
	uint64_t status_until_ns;
	bool status_error;

	int body_h;          /* rows of the view body at the last draw (paging) */
	int body_y;          /* canvas row of the body's first line at the last draw (mouse) */
	int body_w;          /* canvas width at the last draw */
	int tab_x[SCR_N][2]; /* cells [from, to) of each tab's label in the tab line (mouse) */

	const char *hostname; /* borrowed */
	const char *kernel;
	const char *netns; /* display name of the watched namespace, or NULL */
	bool replay;
	bool root; /* running as root: a partial attribution is a note, not a warning */
	/* a replay: where it is (copied from the pump by the app loop), and the key's command */
	struct pump_replay rp;
	enum rp_cmd rp_cmd;
	long rp_arg;     /* RPC_STEP: +1/-1; RPC_GOTO: the refresh (PUMP_LAST as (long)-1) */
	double rp_speed; /* RPC_SPEED: the new factor */
};

/* Defaults: connection screen, default columns, sort by rate. */
void ui_init(struct ui *ui, const enum col_id *cols, size_t ncols, const struct column *sort,
	     bool reverse, double interval);
void ui_free(struct ui *ui);

/* A new frame to show (ignored while paused; the caller keeps it alive until the next). */
void ui_set_frame(struct ui *ui, const struct frame *f, uint64_t now_ns);
/*
 * The frame is lent to the pump (--low-memory) until the next
 * ui_set_frame_ordered: forgets it, and the order built for it unless the
 * user is navigating (a new frame then keeps that order). Not drawn meanwhile.
 */
void ui_lend_frame(struct ui *ui, uint64_t now_ns);
/*
 * The same with an order already built for it (by the collector thread) for
 * view generation `gen`: taken when it matches and rows are not held, by
 * swapping it with the UI's own view (`order` then holds the UI's previous
 * buffers, no order of anything). Returns R_SELECT when the selected socket
 * changed.
 */
unsigned ui_set_frame_ordered(struct ui *ui, const struct frame *f, struct view *order,
			      uint64_t gen, uint64_t now_ns);
/*
 * All navigation goes through these: ui_go opens a view (a tab resets the
 * way back; any other view remembers where it came from), ui_back returns
 * (false at a tab: nothing to return to). R_* bits.
 */
unsigned ui_go(struct ui *ui, enum screen_id id);
unsigned ui_back(struct ui *ui);
/* The tab the current view belongs to (itself, or the tab it was opened from). */
enum screen_id ui_tab(const struct ui *ui);

/* Moves the cursor to the next (dir 1) or previous (-1) row containing ui.search; R_* bits. */
unsigned ui_search(struct ui *ui, int dir, uint64_t now_ns);

/* A click or wheel turn at canvas cell (y, x): header clicks sort, row clicks select; R_* bits. */
unsigned ui_mouse(struct ui *ui, int kind, int y, int x, uint64_t now_ns);

/* Handles one key; returns R_* bits. */
unsigned ui_key(struct ui *ui, int key, uint64_t now_ns);
/* Draws the whole screen. */
void ui_draw(struct ui *ui, struct canvas *c, uint64_t now_ns);
/* Lines above the body: UI_HEADER_LINES, and one more while a replay shows where it is. */
int ui_header_lines(const struct ui *ui);
/* Shows a message in the status line for a few seconds. */
void ui_message(struct ui *ui, bool error, uint64_t now_ns, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Re-sorts the connections now (sort, direction or filter changed); R_* bits. */
unsigned ui_resort(struct ui *ui, uint64_t now_ns);

/* The socket whose history the collector should keep for us (detail, else selection). */
uint64_t ui_history_cookie(const struct ui *ui);

/* The connection shown as selected, or NULL. */
const struct row *ui_selected(const struct ui *ui);

/* Screen size below which only a "terminal too small" line is drawn. */
#define UI_MIN_W 40
#define UI_MIN_H 10

#endif
