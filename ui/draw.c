/* SPDX-License-Identifier: GPL-2.0-or-later */
/* draw: the summary header, the view tabs and the status line around every view. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "diagnose.h"
#include "fmt.h"
#include "group.h"
#include "screen.h"
#include "summary.h"
#include "ui.h"
#include "widgets.h"

/* The findings count: the one thing the title must keep at any width. */
static void findings_text(const struct frame *f, char *v, size_t n, enum attr *a)
{
	unsigned worst = 0, crit = 0;

	for (uint32_t i = 0; i < f->nfindings; i++) {
		if (f->findings[i].severity > worst)
			worst = f->findings[i].severity;
		crit += f->findings[i].severity == DS_CRIT;
	}
	if (crit)
		snprintf(v, n, "%u (%u crit)", f->nfindings + f->findings_dropped, crit);
	else
		snprintf(v, n, "%u", f->nfindings + f->findings_dropped);
	*a = worst == DS_CRIT ? AT_ALARM : worst == DS_WARN ? AT_WARN : AT_NORMAL;
}

static void title_line(struct ui *ui, struct canvas *c)
{
	const struct frame *f = ui->frame;
	char t[32], iv[32], fv[48];
	enum attr fa = AT_NORMAL;
	int x = 0, w = c->w, keep = 0;
	/*
	 * live refreshes slower than the interval (they are late, never skipped):
	 * the time the rates really span, as a warning
	 */
	bool late = !ui->replay && f && f->interval > ui->interval * 1.25;

	canvas_fill(c, 0, 0, w, ' ', AT_NORMAL);
	/* what must stay is measured first; the rest fills what is left, whole pairs only */
	if (f && f->nfindings) {
		findings_text(f, fv, sizeof(fv), &fa);
		keep += (int)strlen("findings ") + (int)strlen(fv) + 2;
	}
	if (ui->paused)
		keep += 8;
	if (ui->replay)
		keep += 8;
	x += canvas_printf(c, 0, x, w - x, AT_TITLE, "tcptop %s", TCPTOP_VERSION);
	x += canvas_put(c, 0, x, w - x, AT_NORMAL, "  ");
	if (f && f->netns)
		x = widget_pair_whole(c, 0, x, w - keep, "netns", f->netns,
				      strcmp(f->netns, "host") ? AT_WARN : AT_NORMAL);
	else if (ui->netns)
		x = widget_pair_whole(c, 0, x, w - keep, "netns", ui->netns, AT_WARN);
	x = widget_pair_whole(c, 0, x, w - keep, "host", ui->hostname, AT_NORMAL);
	if (f && f->attribution == ATTR_PARTIAL)
		/* as root only sandboxed processes refuse: a note; as a user, most are hidden */
		x = widget_pair_whole(c, 0, x, w - keep, "procs", "partial",
				      ui->root ? AT_DIM : AT_WARN);
	else if (f && f->attribution == ATTR_OFF)
		x = widget_pair_whole(c, 0, x, w - keep, "procs", "off", AT_DIM);
	/* an alarm only: why closed connections are not watched is the Closed view's first line */
	if (f && f->closed_lost_total) {
		char cl[32];

		snprintf(cl, sizeof(cl), "%llu lost", (unsigned long long)f->closed_lost_total);
		x = widget_pair_whole(c, 0, x, w - keep, "closed", cl, AT_ALARM);
	}
	if (f)
		x = widget_pair_whole(c, 0, x, w - keep, "at",
				      fmt_time(f->real_ns, t, sizeof(t)) + 11, AT_NORMAL);
	/* a replay goes at its recorded pace: the interval is the recording's */
	if (ui->replay && f && f->interval > 0)
		snprintf(iv, sizeof(iv), "%.3gs", f->interval);
	else if (late)
		snprintf(iv, sizeof(iv), f->interval < 10 ? "%gs (%.2gs)" : "%gs (%.0fs)",
			 ui->interval, f->interval);
	else
		snprintf(iv, sizeof(iv), "%gs", ui->interval);
	x = widget_pair_whole(c, 0, x, w - keep, "every", iv, late ? AT_WARN : AT_NORMAL);
	/* why keys wait while a refresh is made */
	if (ui->low_memory && !ui->replay)
		x = widget_pair_whole(c, 0, x, w - keep, "mode", "low-memory", AT_DIM);
	x = widget_pair_whole(c, 0, x, w - keep, "Linux", ui->kernel, AT_NORMAL);
	if (f && f->nfindings)
		x = widget_pair(c, 0, x, w, "findings", fv, fa);
	if (ui->paused)
		x += canvas_put(c, 0, x, w - x, AT_ALARM, "PAUSED  ");
	if (ui->replay)
		canvas_put(c, 0, x, w - x, AT_WARN, "REPLAY");
}

/* The states that matter in an incident always; the others when present. */
static void states_line(struct ui *ui, struct canvas *c, int y)
{
	static const unsigned always[] = { TS_ESTABLISHED, TS_TIME_WAIT, TS_CLOSE_WAIT, TS_LISTEN };
	const struct frame *f = ui->frame;
	char v[32];
	int x = 0;

	x = widget_pair(c, y, x, c->w, "Sockets", fmt_count(frame_nrows(f), 9, v, sizeof(v)),
			AT_NORMAL);
	for (unsigned s = 1; s <= TS_USER_LAST; s++) {
		bool show = f->states[s] > 0;
		enum attr a = AT_NORMAL;

		for (size_t i = 0; i < sizeof(always) / sizeof(always[0]); i++)
			show |= always[i] == s;
		if (!show)
			continue;
		/* a growing CLOSE-WAIT count is an application that does not close */
		if (s == TS_CLOSE_WAIT && f->states[s] &&
		    (f->has_states_delta && f->states_delta[s] > 0))
			a = AT_WARN;
		x = widget_pair(c, y, x, c->w, conn_state_name(s),
				fmt_count(f->states[s], 9, v, sizeof(v)), a);
	}
}

/* Counters whose growth means trouble for someone. */
static enum attr counter_attr(const char *name, uint64_t d)
{
	if (!d)
		return AT_NORMAL;
	if (strstr(name, "Listen") || strstr(name, "Drop") || strstr(name, "Overflow"))
		return AT_ALARM;
	return AT_WARN;
}

static void rates_line(struct ui *ui, struct canvas *c, int y)
{
	const struct frame *f = ui->frame;
	int x = 0;

	x += canvas_put(c, y, x, c->w - x, AT_TITLE, "per s ");
	for (size_t i = 0; i < summary_ncounters; i++) {
		const struct key_counter *k = &summary_counters[i];
		uint64_t d;
		char v[32];

		if (!summary_delta(f, k->counter, &d) || f->interval <= 0) {
			x = widget_pair(c, y, x, c->w, k->label, "-", AT_DIM);
			continue;
		}
		snprintf(v, sizeof(v), "%.*f", d && (double)d / f->interval < 10 ? 1 : 0,
			 (double)d / f->interval);
		x = widget_pair(c, y, x, c->w, k->label, v, counter_attr(k->counter, d));
	}
}

/*
 * "2026-12-01T10:55:13.250Z": a recording is read in UTC, whatever the
 * reader's zone; milliseconds tell refreshes under a second apart.
 */
static void utc_time(int64_t real_ns, char *buf, size_t n)
{
	time_t t = (time_t)(real_ns / 1000000000);
	struct tm tm;
	char s[32];

	if (!gmtime_r(&t, &tm) || !strftime(s, sizeof(s), "%Y-%m-%dT%H:%M:%S", &tm))
		snprintf(buf, n, "?");
	else
		snprintf(buf, n, "%s.%03dZ", s, (int)(real_ns % 1000000000 / 1000000));
}

/*
 * A replay's position: "refresh 12 of 240 · recorded 2026-12-01T10:55:13.250Z
 * · 2x · paused", "of ≥40" while the end is not read yet, and how it ends
 * (the end of the recording, the note of one cut short, damage).
 */
static void replay_line(struct ui *ui, struct canvas *c, int y)
{
	const struct pump_replay *rp = &ui->rp;
	const char *dot = c->utf8 ? " \u00b7 " : " | ";
	char t[40], of[48];
	enum attr a = AT_NORMAL;
	int x = 0;

	canvas_fill(c, y, 0, c->w, ' ', AT_NORMAL);
	if (rp->all_seen)
		snprintf(of, sizeof(of), "%zu", rp->seen);
	else
		snprintf(of, sizeof(of), "%s%zu", c->utf8 ? "\u2265" : ">=", rp->seen);
	utc_time(ui->frame->real_ns, t, sizeof(t));
	x += canvas_printf(c, y, x, c->w - x, AT_TITLE, "refresh %zu of %s", rp->index + 1, of);
	x += canvas_printf(c, y, x, c->w - x, AT_NORMAL, "%srecorded %s%s%gx", dot, t, dot,
			   rp->speed);
	if (rp->paused)
		x += canvas_printf(c, y, x, c->w - x, AT_ALARM, "%spaused", dot);
	if (!rp->can_go_back)
		x += canvas_printf(c, y, x, c->w - x, AT_DIM, "%sa stream: no going back", dot);
	if (!rp->at_end)
		return;
	if (rp->damage[0])
		a = AT_ERROR;
	else if (rp->note[0])
		a = AT_WARN;
	canvas_printf(c, y, x, c->w - x, a, "%send of recording%s%s", dot,
		      rp->damage[0] || rp->note[0] ? ": " : "",
		      rp->damage[0] ? rp->damage : rp->note);
}

/* Cells a UTF-8 string takes (the tab line's texts are narrow characters). */
static int cells(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

/* "sort: rate v" (whatever the key is called), the filter, and shown/total rows. */
static void tabs_right(struct ui *ui, const struct canvas *c, bool brief, char *buf, size_t n)
{
	const struct screen *s = screen_get(ui->screen);
	char n1[16], n2[16], lab[64], sort[80] = "";

	if (s->sort_label) {
		s->sort_label(ui, c->utf8, lab, sizeof(lab));
		snprintf(sort, sizeof(sort), "sort: %s  ", lab);
	}
	snprintf(buf, n, " %s%s%s%s%s/%s ", sort,
		 ui->filter_text ? (brief ? "filtered" : "filter: ") : "",
		 ui->filter_text && !brief ? ui->filter_text : "", ui->filter_text ? "  " : "",
		 fmt_count(ui->view.n, 9, n1, sizeof(n1)),
		 fmt_count(ui->frame ? frame_nrows(ui->frame) : 0, 9, n2, sizeof(n2)));
}

static void tabs_line(struct ui *ui, struct canvas *c, int y)
{
	char right[512];
	int x = 0, rl, full = 0;
	enum screen_id tab = ui_tab(ui);

	canvas_fill(c, y, 0, c->w, ' ', AT_HEADER);
	tabs_right(ui, c, false, right, sizeof(right));
	rl = cells(right);
	/* the filter yields to the sort and the row count only when the narrow tabs need the room */
	if (rl > c->w - 26 && ui->filter_text) {
		/* a long filter yields to the sort and the row count */
		tabs_right(ui, c, true, right, sizeof(right));
		rl = cells(right);
	}
	for (int i = 0; i < SCR_N; i++) {
		const struct screen *s = screen_get(i);

		if (s->tab && s->hotkey)
			full += 4 + (int)strlen(s->title);
	}
	if (ui->screen != tab)
		full += 4 + (int)strlen(screen_get(ui->screen)->title);
	for (int i = 0; i < SCR_N; i++) {
		const struct screen *s = screen_get(i);
		bool cur = tab == s->id;

		if (!s->tab || !s->hotkey)
			continue;
		ui->tab_x[i][0] = x;
		/* narrow: the current tab keeps its name, the others their hotkey */
		if (full + rl <= c->w || cur)
			x += canvas_printf(c, y, x, c->w - x, cur ? AT_SELECTED : AT_HEADER,
					   " %c %s ", s->hotkey, s->title);
		else
			x += canvas_printf(c, y, x, c->w - x, AT_HEADER, " %c", s->hotkey);
		ui->tab_x[i][1] = x;
	}
	if (ui->screen != tab && x + 4 + (int)strlen(screen_get(ui->screen)->title) + rl <= c->w)
		x += canvas_printf(c, y, x, c->w - x, AT_SELECTED, " > %s ",
				   screen_get(ui->screen)->title);
	canvas_put(c, y, c->w - rl > x ? c->w - rl : x, -1, AT_HEADER, right);
}

static const struct {
	const char *key;
	const char *what;
} hints[] = {
	{ "h", "help" },    { "Enter", "detail" }, { "/", "filter" },    { "F3", "search" },
	{ "g", "group" },   { "<>", "sort" },      { "Space", "pause" }, { "s", "snapshot" },
	{ "c", "columns" }, { "q", "quit" },
};

/* A message in w cells: whole words, and "..." where the rest was left out (never mid-word). */
static void put_words(struct canvas *c, int y, int x, int w, enum attr a, const char *msg)
{
	char buf[1024];
	size_t n = strlen(msg);

	if (w <= 0)
		return;
	if ((int)n <= w) {
		canvas_put(c, y, x, w, a, msg);
		return;
	}
	n = (size_t)(w > 3 ? w - 3 : 0);
	while (n > 0 && msg[n] != ' ')
		n--;
	while (n > 0 && msg[n - 1] == ' ')
		n--;
	if (n == 0)
		n = (size_t)(w > 3 ? w - 3 : 0); /* one long word: it cannot be kept whole */
	snprintf(buf, sizeof(buf), "%.*s...", (int)n, msg);
	canvas_put(c, y, x, w, a, buf);
}

/*
 * A message too long for the rest of the status line, wrapped at words over
 * up to MSG_LINES lines just above it (the body's last lines), so the end of
 * a filter error ("at column 12") stays; only what still does not fit is
 * shortened, at a word.
 */
#define MSG_LINES 3
static void wrap_above(struct canvas *c, int y, enum attr a, const char *msg)
{
	const char *start[MSG_LINES];
	int len[MSG_LINES], n = 0;
	const char *p = msg;

	while (*p && n < MSG_LINES) {
		int take = (int)strlen(p);

		if (take > c->w) {
			take = c->w;
			while (take > 0 && p[take] != ' ')
				take--;
			if (take == 0)
				take = c->w; /* one word wider than the screen */
		}
		start[n] = p;
		len[n++] = take;
		p += take;
		while (*p == ' ')
			p++;
	}
	for (int i = 0; i < n; i++) {
		char line[1024];
		int row = y - n + i;

		snprintf(line, sizeof(line), "%.*s", len[i], start[i]);
		canvas_fill(c, row, 0, c->w, ' ', a);
		if (i == n - 1 && *p)
			put_words(c, row, 0, c->w, a, start[i]); /* still more: shorten the last */
		else
			canvas_put(c, row, 0, c->w, a, line);
	}
}

static void status_line(struct ui *ui, struct canvas *c, int y, uint64_t now_ns)
{
	int x = 0;

	canvas_fill(c, y, 0, c->w, ' ', AT_NORMAL);
	if (ui->prompt != PROMPT_NONE) {
		const char *label = ui->prompt == PROMPT_FILTER   ? "Filter: "
				    : ui->prompt == PROMPT_SEARCH ? "Search: "
								  : "Interval (s): ";

		x += canvas_put(c, y, 0, -1, AT_TITLE, label);
		x += canvas_put(c, y, x, -1, AT_NORMAL, ui->prompt_buf);
		canvas_fill(c, y, x, 1, ' ', AT_SELECTED); /* the cursor */
		if (ui->prompt_err[0] && (int)strlen(ui->prompt_err) <= c->w - x - 2)
			canvas_put(c, y, x + 2, -1, AT_ERROR, ui->prompt_err);
		else if (ui->prompt_err[0])
			wrap_above(c, y, AT_ERROR, ui->prompt_err);
		return;
	}
	if (ui->status[0] && now_ns < ui->status_until_ns) {
		/* an error is read whole (wrapped above the line); a note may lose its end */
		if (ui->status_error && (int)strlen(ui->status) > c->w)
			wrap_above(c, y + 1, AT_ERROR, ui->status);
		else
			put_words(c, y, 0, c->w, ui->status_error ? AT_ERROR : AT_STATUS,
				  ui->status);
		return;
	}
	if (ui->frame && ui->frame->status[0]) {
		/* the collector's trouble stays visible while it lasts */
		put_words(c, y, 0, c->w, ui->frame->failed ? AT_ERROR : AT_WARN, ui->frame->status);
		return;
	}
	for (size_t i = 0; i < sizeof(hints) / sizeof(hints[0]); i++) {
		/* whole hints only; in a view opened from another, q goes back */
		const char *what = !strcmp(hints[i].key, "q") && ui->depth ? "back" : hints[i].what;

		if (x + (int)(strlen(hints[i].key) + strlen(what)) + 1 > c->w)
			break;
		x += canvas_put(c, y, x, -1, AT_KEY, hints[i].key);
		x += canvas_printf(c, y, x, -1, AT_STATUS, " %s  ", what);
	}
}

static bool replaying(const struct ui *ui)
{
	return ui->replay && ui->rp.active && ui->rp.shown;
}

/*
 * The header, top to bottom: one row per line, shown when its `when` says
 * so (NULL: always). The tab line stays last: clicks on it find it just
 * above the body. A new line is a function and a row here.
 */
static const struct header_line {
	void (*draw)(struct ui *ui, struct canvas *c, int y);
	bool (*when)(const struct ui *ui);
} header[] = {
	{ .draw = states_line },
	{ .draw = rates_line },
	{ .draw = replay_line, .when = replaying },
	{ .draw = tabs_line },
};

static bool shown(const struct header_line *h, const struct ui *ui)
{
	return !h->when || h->when(ui);
}

int ui_header_lines(const struct ui *ui)
{
	int n = 1; /* the title line */

	for (size_t i = 0; i < sizeof(header) / sizeof(header[0]); i++)
		n += shown(&header[i], ui);
	return n;
}

void ui_draw(struct ui *ui, struct canvas *c, uint64_t now_ns)
{
	const struct screen *s = screen_get(ui->screen);
	int y = 1, top;

	canvas_clear(c);
	if (c->w < UI_MIN_W || c->h < UI_MIN_H) {
		canvas_printf(c, 0, 0, -1, AT_ERROR, "terminal too small (%dx%d, need %dx%d)", c->w,
			      c->h, UI_MIN_W, UI_MIN_H);
		return;
	}
	/* each view sets body_h to the height of the part it scrolls */
	top = ui->frame ? ui_header_lines(ui) : UI_HEADER_LINES;
	ui->body_h = c->h - top - 1;
	ui->body_y = top;
	ui->body_w = c->w;
	title_line(ui, c);
	if (!ui->frame && ui->replay && (ui->rp.all_seen || ui->rp.damage[0])) {
		/* nothing will come: say why rather than wait */
		canvas_put(c, 2, 0, -1, AT_ERROR, "the recording holds no whole refresh");
		canvas_put(c, 3, 0, -1, AT_ERROR,
			   ui->rp.damage[0] ? ui->rp.damage
			   : ui->rp.note[0] ? ui->rp.note
					    : "");
		status_line(ui, c, c->h - 1, now_ns);
		return;
	}
	if (!ui->frame) {
		canvas_put(c, 2, 0, -1, AT_DIM, "collecting the first sample...");
		status_line(ui, c, c->h - 1, now_ns);
		return;
	}
	for (size_t i = 0; i < sizeof(header) / sizeof(header[0]); i++)
		if (shown(&header[i], ui))
			header[i].draw(ui, c, y++);
	s->draw(ui, c, top, c->h - top - 1);
	status_line(ui, c, c->h - 1, now_ns);
}
