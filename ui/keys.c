/* SPDX-License-Identifier: GPL-2.0-or-later */
/* keys: the global key bindings (a table; the help view is drawn from it). */
#include "keys.h"

#include <string.h>

#include "group.h"
#include "screen.h"

/* q quits at a tab; in a view opened from another it returns there (like htop's panels). */
static unsigned act_quit(struct ui *ui, uint64_t now_ns)
{
	(void)now_ns;
	return ui->depth ? ui_back(ui) : R_QUIT;
}

static unsigned act_quit_now(struct ui *ui, uint64_t now_ns)
{
	(void)ui;
	(void)now_ns;
	return R_QUIT;
}

/* Tab walks the tab views; from a view opened from one it continues from that tab. */
static unsigned cycle(struct ui *ui, int dir)
{
	int cur = (int)ui_tab(ui);

	for (int k = 0; k < SCR_N; k++) {
		cur = (cur + dir + SCR_N) % SCR_N;
		if (screen_get(cur)->tab)
			return ui_go(ui, (enum screen_id)cur);
	}
	return 0;
}

static unsigned act_next(struct ui *ui, uint64_t now_ns)
{
	(void)now_ns;
	return cycle(ui, 1);
}

static unsigned act_prev(struct ui *ui, uint64_t now_ns)
{
	(void)now_ns;
	return cycle(ui, -1);
}

static unsigned act_help(struct ui *ui, uint64_t now_ns)
{
	(void)now_ns;
	if (ui->screen == SCR_HELP)
		return ui_back(ui);
	ui->scroll[SCR_HELP].top = 0;
	return ui_go(ui, SCR_HELP);
}

static unsigned act_back(struct ui *ui, uint64_t now_ns)
{
	(void)now_ns;
	return ui_back(ui);
}

static unsigned act_detail(struct ui *ui, uint64_t now_ns)
{
	const struct row *r = ui_selected(ui);

	(void)now_ns;
	if (ui->screen != SCR_CONN || !r)
		return 0;
	return screen_detail_open(ui, r->c->cookie);
}

/*
 * g: none, process, remote host, local service port, state, namespace (only
 * when the frames are of -N all: of one namespace it is a single line), and
 * round again.
 */
static unsigned act_group(struct ui *ui, uint64_t now_ns)
{
	ui->group = (ui->group + 1) % GROUP_N;
	if (ui->group == GROUP_NETNS && !(ui->frame && ui->frame->nns))
		ui->group = (ui->group + 1) % GROUP_N;
	ui->scroll[SCR_GROUP].sel = ui->scroll[SCR_GROUP].top = 0;
	if (ui->group == GROUP_NONE) {
		ui_message(ui, false, now_ns, "grouping off");
		return ui->screen == SCR_GROUP ? ui_back(ui) | R_REDRAW : R_REDRAW;
	}
	ui_message(ui, false, now_ns, "grouped by %s (g: next grouping, Enter: its connections)",
		   group_key_name(ui->group));
	return ui_go(ui, SCR_GROUP);
}

static unsigned act_search(struct ui *ui, uint64_t now_ns);

static unsigned act_search_next(struct ui *ui, uint64_t now_ns)
{
	return ui_search(ui, 1, now_ns);
}

static unsigned act_search_prev(struct ui *ui, uint64_t now_ns)
{
	return ui_search(ui, -1, now_ns);
}

/* The sort column moves through the visible columns, like htop's < and >. */
static unsigned sort_step(struct ui *ui, int dir, uint64_t now_ns)
{
	int at = -1;

	for (size_t i = 0; i < ui->ncols; i++)
		if (ui->cols[i] == ui->sort->id)
			at = (int)i;
	if (at < 0)
		at = dir > 0 ? -1 : (int)ui->ncols;
	at = (at + dir + (int)ui->ncols) % (int)ui->ncols;
	ui->sort = column_get(ui->cols[at]);
	ui->reverse = false;
	ui_message(ui, false, now_ns, "sorted by %s (%s)", ui->sort->name, ui->sort->help);
	return ui_resort(ui, now_ns);
}

static unsigned act_sort_prev(struct ui *ui, uint64_t now_ns)
{
	return sort_step(ui, -1, now_ns);
}

static unsigned act_sort_next(struct ui *ui, uint64_t now_ns)
{
	return sort_step(ui, 1, now_ns);
}

static unsigned act_sort_menu(struct ui *ui, uint64_t now_ns)
{
	(void)now_ns;
	return screen_pick_open(ui, PICK_SORT);
}

static unsigned act_columns(struct ui *ui, uint64_t now_ns)
{
	(void)now_ns;
	return screen_pick_open(ui, PICK_COLUMNS);
}

static unsigned act_reverse(struct ui *ui, uint64_t now_ns)
{
	ui->reverse = !ui->reverse;
	return ui_resort(ui, now_ns);
}

static unsigned act_pause(struct ui *ui, uint64_t now_ns)
{
	ui->paused = !ui->paused;
	if (ui->replay) {
		/* the recording stops where it is; the step keys still move it */
		ui->rp_cmd = RPC_PAUSE;
		ui->rp.paused = ui->paused;
		ui_message(ui, false, now_ns, "%s",
			   ui->paused ? "replay paused: Right/Left step, Space plays"
				      : "replay playing");
		return R_REDRAW | R_REPLAY;
	}
	ui_message(ui, false, now_ns, "%s",
		   ui->paused ? "paused: the data is frozen, keys work" : "running");
	return R_REDRAW;
}

/* The replay keys: a command for the player, or a word on why there is none. */
static unsigned replay_cmd(struct ui *ui, enum rp_cmd cmd, long arg, uint64_t now_ns)
{
	if (!ui->replay) {
		ui_message(ui, true, now_ns,
			   "not a replay: this key steps through a recording "
			   "(--replay FILE)");
		return R_REDRAW;
	}
	ui->rp_cmd = cmd;
	ui->rp_arg = arg;
	if (cmd == RPC_STEP)
		ui->paused = true; /* a step is looked at, not run past */
	return R_REDRAW | R_REPLAY;
}

static unsigned act_step_fwd(struct ui *ui, uint64_t now_ns)
{
	return replay_cmd(ui, RPC_STEP, 1, now_ns);
}

static unsigned act_step_back(struct ui *ui, uint64_t now_ns)
{
	return replay_cmd(ui, RPC_STEP, -1, now_ns);
}

static unsigned act_first(struct ui *ui, uint64_t now_ns)
{
	return replay_cmd(ui, RPC_GOTO, 0, now_ns);
}

static unsigned act_last(struct ui *ui, uint64_t now_ns)
{
	return replay_cmd(ui, RPC_GOTO, -1, now_ns);
}

/* Speed by halving and doubling, 0.25x to 16x. */
static unsigned speed_by(struct ui *ui, double f, uint64_t now_ns)
{
	double s = (ui->rp.speed > 0 ? ui->rp.speed : 1.0) * f;
	unsigned r;

	if (s < PUMP_SPEED_MIN || s > PUMP_SPEED_MAX) {
		if (ui->replay)
			ui_message(ui, false, now_ns, "replay speed stays %gx (%gx to %gx)",
				   ui->rp.speed, PUMP_SPEED_MIN, PUMP_SPEED_MAX);
		return replay_cmd(ui, RPC_NONE, 0, now_ns) & ~R_REPLAY;
	}
	r = replay_cmd(ui, RPC_SPEED, 0, now_ns);
	if (r & R_REPLAY) {
		ui->rp_speed = s;
		ui->rp.speed = s;
		ui_message(ui, false, now_ns, "replay at %gx the recorded pace", s);
	}
	return r;
}

static unsigned act_faster(struct ui *ui, uint64_t now_ns)
{
	return speed_by(ui, 2.0, now_ns);
}

static unsigned act_slower(struct ui *ui, uint64_t now_ns)
{
	return speed_by(ui, 0.5, now_ns);
}

static unsigned open_prompt(struct ui *ui, enum prompt_kind kind, const char *initial)
{
	ui->prompt = kind;
	ui->prompt_err[0] = '\0';
	ui->prompt_len = 0;
	ui->prompt_buf[0] = '\0';
	if (initial) {
		size_t n = strlen(initial);

		if (n >= sizeof(ui->prompt_buf))
			n = sizeof(ui->prompt_buf) - 1;
		memcpy(ui->prompt_buf, initial, n);
		ui->prompt_buf[n] = '\0';
		ui->prompt_len = n;
	}
	return R_REDRAW;
}

static unsigned act_filter(struct ui *ui, uint64_t now_ns)
{
	(void)now_ns;
	return open_prompt(ui, PROMPT_FILTER, ui->filter_text);
}

static unsigned act_search(struct ui *ui, uint64_t now_ns)
{
	(void)now_ns;
	ui->search_from = ui->scroll[ui->screen].sel;
	return open_prompt(ui, PROMPT_SEARCH, ui->search);
}

static unsigned act_interval(struct ui *ui, uint64_t now_ns)
{
	if (ui->replay) {
		ui_message(ui, true, now_ns,
			   "a replay keeps its recorded intervals: + and - change the speed");
		return R_REDRAW;
	}
	return open_prompt(ui, PROMPT_INTERVAL, NULL);
}

/* a: every network namespace, or back to the one tcptop watches (-N all and its opposite). */
static unsigned act_allns(struct ui *ui, uint64_t now_ns)
{
	if (ui->replay) {
		ui_message(ui, true, now_ns, "a recording holds what was recorded");
		return R_REDRAW;
	}
	ui->allns = !ui->allns;
	ui_message(ui, false, now_ns, "%s (from the next refresh)",
		   ui->allns ? "every network namespace" : "this network namespace only");
	/* rows of many namespaces need to say whose they are: Netns first, as -N all does */
	if (ui->allns && ui->ncols < COL_N) {
		for (size_t i = 0; i < ui->ncols; i++)
			if (ui->cols[i] == COL_NETNS)
				return R_REDRAW | R_ALLNS;
		memmove(&ui->cols[1], &ui->cols[0], ui->ncols * sizeof(ui->cols[0]));
		ui->cols[0] = COL_NETNS;
		ui->ncols++;
		return R_REDRAW | R_ALLNS | R_COLUMNS;
	}
	return R_REDRAW | R_ALLNS;
}

static unsigned act_procs(struct ui *ui, uint64_t now_ns)
{
	if (ui->replay) {
		ui_message(ui, true, now_ns, "a recording holds no process data");
		return R_REDRAW;
	}
	ui->procs = !ui->procs;
	ui_message(ui, false, now_ns, "process attribution %s",
		   ui->procs ? "on (from the next refresh)" : "off");
	return R_REDRAW | R_PROCS;
}

/* A tall view (detail, help) is written whole, not just the lines that fit. */
static unsigned act_snapshot(struct ui *ui, uint64_t now_ns)
{
	(void)now_ns;
	return R_SNAPSHOT | (screen_get(ui->screen)->tab ? 0 : R_SNAPSHOT_ALL);
}

static unsigned act_redraw(struct ui *ui, uint64_t now_ns)
{
	(void)ui;
	(void)now_ns;
	return R_REDRAW;
}

static const struct keybind table[] = {
	{ 'q', "q", "quit; in detail, help or a menu: back", act_quit },
	{ K_F10, "F10", "quit from anywhere", act_quit_now },
	{ K_ESC, "Esc Backspace", "back to where this view was opened from", act_back },
	{ K_BACKSPACE, NULL, "back", act_back },
	{ 8, NULL, "back", act_back },
	{ K_TAB, "Tab S-Tab", "next / previous view", act_next },
	{ K_BTAB, NULL, "previous view", act_prev },
	{ K_ENTER, "Enter", "details of the selected connection", act_detail },
	{ '\r', NULL, "details", act_detail },
	{ 'g', "g", "group: none, process, remote host, port, state", act_group },
	{ K_F3, "F3 n N", "search the rows' text (moves, not filters); next/prev", act_search },
	{ 'n', NULL, "next match", act_search_next },
	{ 'N', NULL, "previous match", act_search_prev },
	{ 'h', "h ? F1", "this help", act_help },
	{ '?', NULL, "help", act_help },
	{ K_F1, NULL, "help", act_help },
	{ '<', "< >", "sort by the previous / next visible column", act_sort_prev },
	{ '>', NULL, "sort by the next column", act_sort_next },
	{ ',', NULL, "sort by the previous column", act_sort_prev },
	{ '.', NULL, "sort by the next column", act_sort_next },
	{ K_F6, "F6", "choose the sort column from a list", act_sort_menu },
	{ 'r', "r", "reverse the sort order", act_reverse },
	{ ' ', "Space", "pause: the data freezes, keys work (replay: pause/play)", act_pause },
	{ '/', "/ F4", "filter (Enter applies, Esc cancels, empty clears)", act_filter },
	{ K_F4, NULL, "filter", act_filter },
	{ 'd', "d", "set the refresh interval", act_interval },
	{ 's', "s", "write this view to a new file (detail, help: whole)", act_snapshot },
	{ 'c', "c F2", "choose the connection columns", act_columns },
	{ 'p', "p", "process attribution on/off (the Process column)", act_procs },
	{ 'a', "a", "every network namespace / this one (-N all)", act_allns },
	{ K_F2, NULL, "columns", act_columns },
	{ K_CTRL('l'), "^L", "redraw the screen", act_redraw },
	/* --replay FILE: the player (Space pauses it); the position line is in the header */
	{ K_RIGHT, "Right Left", "replay: step one refresh forward / back (pauses)", act_step_fwd },
	{ K_LEFT, NULL, "replay: one refresh back", act_step_back },
	{ '[', "[ ]", "replay: first / last refresh", act_first },
	{ ']', NULL, "replay: last refresh", act_last },
	{ '+', "+ -", "replay: twice / half as fast (0.25x to 16x)", act_faster },
	{ '=', NULL, "replay: faster", act_faster },
	{ '-', NULL, "replay: slower", act_slower },
};

unsigned keys_dispatch(struct ui *ui, int key, uint64_t now_ns)
{
	/* a tab's hotkey comes from the screen table, not from a second list */
	for (int i = 0; i < SCR_N; i++)
		if (screen_get(i)->hotkey && screen_get(i)->hotkey == key)
			return ui_go(ui, (enum screen_id)i);
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (table[i].key == key)
			return table[i].action(ui, now_ns);
	return 0;
}

const struct keybind *keys_table(size_t *n)
{
	*n = sizeof(table) / sizeof(table[0]);
	return table;
}
