/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ui: the interactive view's state: frames in, keys in, a drawn canvas out. */
#include "ui.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fatal.h"
#include "keys.h"
#include "opts.h"
#include "screen.h"
#include "widgets.h"

#define MESSAGE_NS (4ull * 1000000000ull)
/* After a movement key, rows keep their places this long (no re-sort under the cursor). */
#define NAV_HOLD_NS (3ull * 1000000000ull)

void ui_init(struct ui *ui, const enum col_id *cols, size_t ncols, const struct column *sort,
	     bool reverse, double interval)
{
	memset(ui, 0, sizeof(*ui));
	memcpy(ui->cols, cols, ncols * sizeof(*cols));
	ui->ncols = ncols;
	ui->sort = sort;
	ui->reverse = reverse;
	ui->interval = interval;
	ui->screen = SCR_CONN;
	ui->hostname = "?";
	ui->kernel = "?";
	ui->body_h = 20; /* until the first draw tells */
	ui->body_y = UI_HEADER_LINES;
	for (int i = 0; i < SCR_N; i++) {
		const struct screen *s = screen_get(i);

		if (s->state_size)
			ui->state[i] = xcalloc(1, s->state_size);
		if (s->init)
			s->init(ui, ui->state[i]);
	}
}

void ui_free(struct ui *ui)
{
	for (int i = 0; i < SCR_N; i++) {
		const struct screen *s = screen_get(i);

		if (s->free && ui->state[i])
			s->free(ui->state[i]);
		free(ui->state[i]);
		ui->state[i] = NULL;
	}
	view_free(&ui->view);
	free(ui->filter_text);
	ui->filter_text = NULL;
}

void ui_message(struct ui *ui, bool error, uint64_t now_ns, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ui->status, sizeof(ui->status), fmt, ap);
	va_end(ap);
	ui->status_error = error;
	ui->status_until_ns = now_ns + MESSAGE_NS;
}

const struct row *ui_selected(const struct ui *ui)
{
	long sel = ui->scroll[SCR_CONN].sel;

	if (!ui->frame || sel < 0 || (size_t)sel >= ui->view.n)
		return NULL;
	return &ui->frame->rows[ui->view.order[sel]];
}

uint64_t ui_history_cookie(const struct ui *ui)
{
	const struct screen *s = screen_get(ui->screen);
	uint64_t c = s->cookie ? s->cookie(ui) : 0;

	return c ? c : ui->sel_cookie;
}

unsigned ui_go(struct ui *ui, enum screen_id id)
{
	if (id == ui->screen)
		return R_REDRAW;
	if (screen_get(id)->tab) {
		ui->depth = 0;
	} else {
		/* a view already on the way back is returned to, not stacked again */
		for (int i = 0; i < ui->depth; i++) {
			if (ui->stack[i] == id) {
				ui->depth = i;
				ui->screen = id;
				return R_REDRAW | R_SELECT;
			}
		}
		if (ui->depth < UI_STACK)
			ui->stack[ui->depth++] = ui->screen;
		else
			ui->stack[UI_STACK - 1] = ui->screen;
	}
	ui->screen = id;
	return R_REDRAW | R_SELECT;
}

unsigned ui_back(struct ui *ui)
{
	if (ui->depth == 0)
		return 0;
	ui->screen = ui->stack[--ui->depth];
	return R_REDRAW | R_SELECT;
}

enum screen_id ui_tab(const struct ui *ui)
{
	return ui->depth ? ui->stack[0] : ui->screen;
}

/* Selection and scrolling after the order changed. */
static unsigned settle(struct ui *ui)
{
	struct ui_scroll *s = &ui->scroll[SCR_CONN];
	uint64_t before = ui->sel_cookie;
	long at;

	ui->order_seq = ui->frame->seq;
	/* the selection follows its socket; if it is gone, the row now under the cursor */
	at = ui->chosen && ui->sel_cookie ? view_find(&ui->view, ui->frame, ui->sel_cookie) : -1;
	if (at >= 0)
		s->sel = at;
	else if (!ui->chosen)
		s->sel = 0; /* nothing chosen yet: the busiest connection, like top */
	widget_scroll_fit(s, (long)ui->view.n, ui->body_h, true);
	if (s->sel >= 0 && (size_t)s->sel < ui->view.n)
		ui->sel_cookie = ui->frame->rows[ui->view.order[s->sel]].c->cookie;
	else
		ui->sel_cookie = 0;
	return ui->sel_cookie != before ? R_SELECT : 0;
}

/* Rebuilds the connection order for the current frame, sort, filter and hold. */
static unsigned rebuild(struct ui *ui, uint64_t now_ns, bool hold)
{
	(void)now_ns;
	if (!ui->frame)
		return 0;
	if (hold && ui->view.n)
		view_follow(&ui->view, ui->frame, ui->sort, ui->reverse, ui->match, ui->filter_ctx);
	else
		view_build(&ui->view, ui->frame, ui->sort, ui->reverse, ui->match, ui->filter_ctx);
	return settle(ui);
}

/* Views that keep what frames carry (the Closed view) see every frame, shown or not. */
static void frame_hooks(struct ui *ui, const struct frame *f)
{
	for (int i = 0; i < SCR_N; i++)
		if (screen_get((enum screen_id)i)->frame)
			screen_get((enum screen_id)i)->frame(ui, f);
}

void ui_set_frame(struct ui *ui, const struct frame *f, uint64_t now_ns)
{
	ui->frame = f;
	frame_hooks(ui, f);
	rebuild(ui, now_ns, now_ns < ui->hold_until_ns);
}

unsigned ui_set_frame_ordered(struct ui *ui, const struct frame *f, struct view *order,
			      uint64_t gen, uint64_t now_ns)
{
	ui->frame = f;
	frame_hooks(ui, f);
	if (!order || gen != ui->view_gen || now_ns < ui->hold_until_ns)
		return rebuild(ui, now_ns, now_ns < ui->hold_until_ns);
	/*
	 * the thread sorted it already: take its order (no copy) and free ours.
	 * Handing ours back to it instead would keep a third order (12 bytes a
	 * row) idle in the shown frame's slot for a whole refresh, beside ours
	 * and the one the thread builds for the next frame.
	 */
	view_free(&ui->view);
	ui->view = *order;
	*order = (struct view){ 0 };
	return settle(ui);
}

void ui_lend_frame(struct ui *ui, uint64_t now_ns)
{
	ui->frame = NULL;
	/* 12 bytes a row while the next frame is made and sorted: only a held order is needed */
	if (now_ns >= ui->hold_until_ns)
		view_free(&ui->view);
}

/* Re-sort now (sort column, direction or filter changed). */
static unsigned resort(struct ui *ui, uint64_t now_ns)
{
	ui->hold_until_ns = 0;
	ui->view_gen++;
	return rebuild(ui, now_ns, false) | R_REDRAW;
}

/* The cursor moved by the user: on the connections, rows hold still and the selection follows. */
static unsigned moved(struct ui *ui, uint64_t now_ns)
{
	if (ui->screen == SCR_CONN) {
		const struct row *sel = ui_selected(ui);
		uint64_t was = ui->sel_cookie;

		ui->hold_until_ns = now_ns + NAV_HOLD_NS;
		ui->chosen = true;
		ui->sel_cookie = sel ? sel->c->cookie : 0;
		return R_REDRAW | (ui->sel_cookie != was ? R_SELECT : 0);
	}
	return R_REDRAW;
}

/* Case-insensitive substring (the search box, like htop's). */
static bool contains(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; *hay; hay++)
		if (!strncasecmp(hay, needle, n))
			return true;
	return n == 0;
}

unsigned ui_search(struct ui *ui, int dir, uint64_t now_ns)
{
	const struct screen *s = screen_get(ui->screen);
	struct ui_scroll *sc = &ui->scroll[ui->screen];
	long n, from;
	char text[1024];

	if (!ui->search[0]) {
		ui_message(ui, false, now_ns, "no search yet: F3 starts one");
		return R_REDRAW;
	}
	if (!s->row_text || !s->nrows || !s->selectable) {
		ui_message(ui, true, now_ns, "this view has no rows to search");
		return R_REDRAW;
	}
	n = s->nrows(ui);
	from = sc->sel;
	for (long k = 1; k <= n; k++) {
		long i = ((from + dir * k) % n + n) % n;

		if (s->row_text(ui, i, text, sizeof(text)) && contains(text, ui->search)) {
			sc->sel = i;
			widget_scroll_fit(sc, n, ui->body_h, true);
			if (i == from)
				ui_message(ui, false, now_ns, "\"%s\": the only match", ui->search);
			return moved(ui, now_ns) | R_REDRAW;
		}
	}
	ui_message(ui, true, now_ns, "\"%s\" not found", ui->search);
	return R_REDRAW;
}

/* Search as you type (htop's F3): from where the prompt opened, the first row that matches. */
static unsigned search_live(struct ui *ui, uint64_t now_ns)
{
	unsigned r;

	snprintf(ui->search, sizeof(ui->search), "%s", ui->prompt_buf);
	ui->scroll[ui->screen].sel = ui->search_from;
	if (!ui->search[0])
		return R_REDRAW;
	ui->scroll[ui->screen].sel--; /* the row under the cursor may be the match */
	r = ui_search(ui, 1, now_ns);
	if (ui->status_error) {
		/* said in the prompt, where the eyes are */
		snprintf(ui->prompt_err, sizeof(ui->prompt_err), "not found");
		ui->status[0] = '\0';
		ui->scroll[ui->screen].sel = ui->search_from;
	}
	return r | R_REDRAW;
}

static unsigned prompt_key(struct ui *ui, int key, uint64_t now_ns)
{
	struct terr e = { { 0 } };
	bool search = ui->prompt == PROMPT_SEARCH;

	switch (key) {
	case K_ESC:
		/* a cancelled search puts the cursor back */
		if (search)
			ui->scroll[ui->screen].sel = ui->search_from;
		ui->prompt = PROMPT_NONE;
		return R_REDRAW | (search ? moved(ui, now_ns) : 0);
	case K_BACKSPACE:
	case 8:
		if (ui->prompt_len)
			ui->prompt_buf[--ui->prompt_len] = '\0';
		ui->prompt_err[0] = '\0';
		return search ? search_live(ui, now_ns) : R_REDRAW;
	case K_CTRL('u'):
		ui->prompt_len = 0;
		ui->prompt_buf[0] = '\0';
		ui->prompt_err[0] = '\0';
		return search ? search_live(ui, now_ns) : R_REDRAW;
	case K_ENTER:
	case '\r':
		break;
	default:
		if (key >= 0x20 && key < 0x7f && ui->prompt_len + 1 < sizeof(ui->prompt_buf)) {
			ui->prompt_buf[ui->prompt_len++] = (char)key;
			ui->prompt_buf[ui->prompt_len] = '\0';
			ui->prompt_err[0] = '\0';
			if (search)
				return search_live(ui, now_ns);
		}
		return R_REDRAW;
	}
	if (search) {
		/* the cursor is on the match already; n and N go on from it */
		ui->prompt = PROMPT_NONE;
		if (ui->prompt_err[0]) {
			ui_message(ui, true, now_ns, "\"%s\" not found", ui->search);
			ui->prompt_err[0] = '\0';
		}
		return R_REDRAW;
	}
	if (ui->prompt == PROMPT_INTERVAL) {
		double v;

		if (opts_parse_interval(ui->prompt_buf, &v, &e) < 0) {
			snprintf(ui->prompt_err, sizeof(ui->prompt_err), "%s", e.msg);
			return R_REDRAW;
		}
		ui->interval = v;
		ui->prompt = PROMPT_NONE;
		ui_message(ui, false, now_ns, "refresh every %g s", v);
		return R_REDRAW | R_INTERVAL;
	}
	/* PROMPT_FILTER: an empty line clears; a bad one keeps the old filter */
	if (!ui->apply_filter) {
		snprintf(ui->prompt_err, sizeof(ui->prompt_err), "filters are not available");
		return R_REDRAW;
	}
	if (ui->apply_filter(ui->apply_ctx, ui->prompt_buf, &e) < 0) {
		snprintf(ui->prompt_err, sizeof(ui->prompt_err), "%s", e.msg);
		return R_REDRAW;
	}
	ui->prompt = PROMPT_NONE;
	ui->scroll[SCR_CONN].top = 0;
	return resort(ui, now_ns) | R_FILTER;
}

unsigned ui_key(struct ui *ui, int key, uint64_t now_ns)
{
	const struct screen *s = screen_get(ui->screen);
	int r;

	if (key == K_RESIZE)
		return R_REDRAW;
	if (ui->prompt != PROMPT_NONE)
		return prompt_key(ui, key, now_ns);
	if (s->key) {
		r = s->key(ui, key, now_ns);
		if (r >= 0)
			return (unsigned)r;
	}
	if (s->nrows) {
		long n = s->nrows(ui);

		if (widget_scroll_key(&ui->scroll[ui->screen], key, n, ui->body_h, s->selectable))
			return moved(ui, now_ns);
	}
	return keys_dispatch(ui, key, now_ns);
}

/* Lines a wheel notch moves, as in most terminals' programs. */
#define WHEEL_LINES 3

unsigned ui_mouse(struct ui *ui, int kind, int y, int x, uint64_t now_ns)
{
	const struct screen *s = screen_get(ui->screen);
	struct ui_scroll *sc = &ui->scroll[ui->screen];
	long n = s->nrows ? s->nrows(ui) : 0;
	int r;

	if (ui->prompt != PROMPT_NONE)
		return 0;
	if (kind == MOUSE_WHEEL_UP || kind == MOUSE_WHEEL_DOWN) {
		for (int i = 0; i < WHEEL_LINES; i++)
			widget_scroll_key(sc, kind == MOUSE_WHEEL_UP ? K_UP : K_DOWN, n, ui->body_h,
					  s->selectable);
		return moved(ui, now_ns);
	}
	if (y == ui->body_y - 1) {
		/* the tab line: a click on a tab opens it */
		for (int i = 0; i < SCR_N; i++)
			if (screen_get(i)->tab && x >= ui->tab_x[i][0] && x < ui->tab_x[i][1])
				return ui_go(ui, (enum screen_id)i);
		return 0;
	}
	if (y < ui->body_y || y >= ui->body_y + ui->body_h + 1)
		return 0;
	if (s->click) {
		r = s->click(ui, y - ui->body_y, x, now_ns);
		if (r == -2)
			return moved(ui, now_ns);
		if (r >= 0)
			return (unsigned)r;
	}
	/* a table's rows start under its header line */
	if (s->selectable && y > ui->body_y && sc->top + (y - ui->body_y - 1) < n) {
		sc->sel = sc->top + (y - ui->body_y - 1);
		return moved(ui, now_ns);
	}
	return 0;
}

unsigned ui_resort(struct ui *ui, uint64_t now_ns)
{
	return resort(ui, now_ns);
}
