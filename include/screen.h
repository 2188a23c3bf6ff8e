/* SPDX-License-Identifier: GPL-2.0-or-later */
/* screen: the table of the interactive views; each view is one module under ui/ with its own state. */
#ifndef TCPTOP_SCREEN_H
#define TCPTOP_SCREEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "canvas.h"
#include "ui.h"

/*
 * One view, as a set of hooks (like tmux's window modes): the ui core knows
 * only this table, and each view keeps its private state in a block of
 * `state_size` bytes that ui_init zeroes (screen_state() finds it).
 */
struct screen {
	enum screen_id id;
	const char *name;  /* in the settings file ("connections") */
	const char *title; /* tab label */
	const char *help;  /* one line for the help view */
	int hotkey;        /* '1'..'9' for tabs, 0 otherwise */
	bool tab; /* a top-level view (Tab walks them; others return to where they came from) */
	bool selectable;   /* rows can be selected (else the view only scrolls) */
	size_t state_size; /* bytes of private state (0: none) */
	uint8_t needs;     /* kernel extensions (DIAG_EXT_*) the view needs while shown */
	void (*init)(struct ui *ui, void *state);
	void (*free)(void *state);
	/* draws the body: canvas rows [y, y + h) */
	void (*draw)(struct ui *ui, struct canvas *c, int y, int h);
	/* rows the body scrolls over (for paging) */
	long (*nrows)(const struct ui *ui);
	/* view-specific keys: R_* bits when handled, -1 when not */
	int (*key)(struct ui *ui, int key, uint64_t now_ns);
	/* the visible text of row i (search: F3, n, N); false past the end. NULL: no search */
	bool (*row_text)(const struct ui *ui, long i, char *buf, size_t n);
	/* the socket whose history the view wants (0: the selection's) */
	uint64_t (*cookie)(const struct ui *ui);
	/* what the rows are sorted by, for the tab line ("rate v"); NULL: no sort shown */
	void (*sort_label)(const struct ui *ui, bool utf8, char *buf, size_t n);
	/*
	 * a click at body line y (0: the header line), column x: R_* bits, -1 when
	 * not handled, -2 when it moved the cursor (the core applies its selection rules)
	 */
	int (*click)(struct ui *ui, int y, int x, uint64_t now_ns);
	/* every new frame, shown or not (a view that keeps what frames carry, like Closed) */
	void (*frame)(struct ui *ui, const struct frame *f);
};

const struct screen *screen_get(enum screen_id id);
/* The screen whose settings name is `name`, or NULL. */
const struct screen *screen_by_name(const char *name);
/* The view's private state (NULL if it has none). */
void *screen_state(const struct ui *ui, enum screen_id id);

/* Each view's table row (defined in its file). */
extern const struct screen screen_conn, screen_listen, screen_states, screen_counters,
	screen_findings, screen_closed, screen_group, screen_detail, screen_help, screen_pick;

/* The connection sort as the tab line shows it: the key's name and its direction. */
void screen_conn_sort_label(const struct ui *ui, bool utf8, char *buf, size_t n);

/* Opens the detail view on one socket (from any view); R_* bits. */
unsigned screen_detail_open(struct ui *ui, uint64_t cookie);
/* The socket the detail view shows. */
uint64_t screen_detail_cookie(const struct ui *ui);
/* True (with the owner's pid and the socket's inode) when the detail view needs its fd. */
bool screen_detail_wants_fd(const struct ui *ui, int32_t *pid, uint32_t *inode);
/* The fd the app found (-1: none) for the shown socket in process pid. */
void screen_detail_set_fd(struct ui *ui, int32_t pid, int fd);
/* Opens the column chooser or the sort menu; R_* bits. */
unsigned screen_pick_open(struct ui *ui, enum pick_mode mode);

struct layout;
/* A table header line; the sort column (may be NULL) stands out. */
void screen_table_header(struct ui *ui, struct canvas *c, int y, const struct layout *l,
			 const struct column *sorted);
/* A table row: each cell in its column's attribute, reversed when selected. */
void screen_table_row(struct canvas *c, int y, const struct layout *l, const struct row *r,
		      bool selected);
/* The column whose header cell covers x in layout l, or NULL. */
const struct column *screen_table_column_at(const struct layout *l, int x);

/* Closed view: takes a frame's ended connections (its .frame hook; drawing calls it too). */
void screen_closed_frame(struct ui *ui, const struct frame *f);

/* The listener rows (LISTEN sockets passing the filter) by local address; owned by the caller. */
size_t screen_listen_order(const struct ui *ui, struct view *v);

#endif
