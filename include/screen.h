/* screen: the table of the interactive views; each view is its own module under ui/. */
#ifndef TCPTOP_SCREEN_H
#define TCPTOP_SCREEN_H

#include <stdbool.h>
#include <stdint.h>

#include "canvas.h"
#include "ui.h"

struct screen {
	enum screen_id id;
	const char *title; /* tab label */
	int hotkey;        /* '1'..'4' for tabs, 0 otherwise */
	bool selectable;   /* rows can be selected (else the view only scrolls) */
	/* draws the body: canvas rows [y, y + h) */
	void (*draw)(struct ui *ui, struct canvas *c, int y, int h);
	/* rows the body scrolls over (for paging) */
	long (*nrows)(const struct ui *ui);
	/* view-specific keys: R_* bits when handled, -1 when not */
	int (*key)(struct ui *ui, int key, uint64_t now_ns);
};

const struct screen *screen_get(enum screen_id id);

void screen_conn_draw(struct ui *ui, struct canvas *c, int y, int h);
long screen_conn_rows(const struct ui *ui);
int screen_conn_key(struct ui *ui, int key, uint64_t now_ns);
void screen_listen_draw(struct ui *ui, struct canvas *c, int y, int h);
long screen_listen_rows(const struct ui *ui);
int screen_listen_key(struct ui *ui, int key, uint64_t now_ns);
void screen_states_draw(struct ui *ui, struct canvas *c, int y, int h);
long screen_states_rows(const struct ui *ui);
void screen_states_free(struct ui *ui);
void screen_counters_draw(struct ui *ui, struct canvas *c, int y, int h);
long screen_counters_rows(const struct ui *ui);
int screen_counters_key(struct ui *ui, int key, uint64_t now_ns);
void screen_findings_draw(struct ui *ui, struct canvas *c, int y, int h);
long screen_findings_rows(const struct ui *ui);
int screen_findings_key(struct ui *ui, int key, uint64_t now_ns);
void screen_detail_draw(struct ui *ui, struct canvas *c, int y, int h);
long screen_detail_rows(const struct ui *ui);
void screen_help_draw(struct ui *ui, struct canvas *c, int y, int h);
long screen_help_rows(const struct ui *ui);
void screen_pick_draw(struct ui *ui, struct canvas *c, int y, int h);
long screen_pick_rows(const struct ui *ui);
/* The line of a column in the picker list. */
long screen_pick_position(enum col_id id);
int screen_pick_key(struct ui *ui, int key, uint64_t now_ns);

struct layout;
/* A table header line; the sort column (may be NULL) stands out. */
void screen_table_header(struct ui *ui, struct canvas *c, int y, const struct layout *l,
			 const struct column *sorted);
/* A table row: each cell in its column's attribute, reversed when selected. */
void screen_table_row(struct canvas *c, int y, const struct layout *l, const struct row *r,
		      bool selected);

/* The listener rows (LISTEN sockets passing the filter) by local address; owned by the caller. */
size_t screen_listen_order(const struct ui *ui, struct view *v);

#endif
