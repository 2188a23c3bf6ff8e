/* draw: the summary header, the view tabs and the status line around every view. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "diagnose.h"
#include "fmt.h"
#include "screen.h"
#include "summary.h"
#include "ui.h"
#include "widgets.h"

static void title_line(struct ui *ui, struct canvas *c)
{
	const struct frame *f = ui->frame;
	char t[32], iv[32];
	int x = 0, w = c->w;

	canvas_fill(c, 0, 0, w, ' ', AT_NORMAL);
	x += canvas_printf(c, 0, x, w - x, AT_TITLE, "tcptop %s", TCPTOP_VERSION);
	x += canvas_put(c, 0, x, w - x, AT_NORMAL, "  ");
	x = widget_pair(c, 0, x, w, "host", ui->hostname, AT_NORMAL);
	x = widget_pair(c, 0, x, w, "Linux", ui->kernel, AT_NORMAL);
	if (f && f->netns)
		x = widget_pair(c, 0, x, w, "netns", f->netns,
				strcmp(f->netns, "host") ? AT_WARN : AT_NORMAL);
	else if (ui->netns)
		x = widget_pair(c, 0, x, w, "netns", ui->netns, AT_WARN);
	if (f)
		x = widget_pair(c, 0, x, w, "at", fmt_time(f->real_ns, t, sizeof(t)) + 11,
				AT_NORMAL);
	snprintf(iv, sizeof(iv), "%gs", ui->interval);
	x = widget_pair(c, 0, x, w, "every", iv, AT_NORMAL);
	if (f && f->attribution == ATTR_PARTIAL)
		x = widget_pair(c, 0, x, w, "procs", "partial", AT_WARN);
	else if (f && f->attribution == ATTR_OFF && f->attribution_note[0])
		x = widget_pair(c, 0, x, w, "procs", "off", AT_WARN);
	if (f && f->nfindings) {
		/* visible from every view: the worst finding sets the colour; 5 lists them */
		unsigned worst = 0, crit = 0;
		char v[48];

		for (uint32_t i = 0; i < f->nfindings; i++) {
			if (f->findings[i].severity > worst)
				worst = f->findings[i].severity;
			crit += f->findings[i].severity == DS_CRIT;
		}
		if (crit)
			snprintf(v, sizeof(v), "%u (%u critical)",
				 f->nfindings + f->findings_dropped, crit);
		else
			snprintf(v, sizeof(v), "%u", f->nfindings + f->findings_dropped);
		x = widget_pair(c, 0, x, w, "findings", v,
				worst == DS_CRIT   ? AT_ALARM
				: worst == DS_WARN ? AT_WARN
						   : AT_NORMAL);
	}
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

static void tabs_line(struct ui *ui, struct canvas *c, int y)
{
	char right[256], n1[16], n2[16];
	int x = 0, rl;

	canvas_fill(c, y, 0, c->w, ' ', AT_HEADER);
	for (int i = 0; i < SCR_N; i++) {
		const struct screen *s = screen_get(i);
		bool cur = ui->screen == s->id || (ui->screen >= SCR_DETAIL && ui->back == s->id);

		if (!s->hotkey)
			continue;
		x += canvas_printf(c, y, x, c->w - x, cur ? AT_SELECTED : AT_HEADER, " %c %s ",
				   s->hotkey, s->title);
	}
	snprintf(right, sizeof(right), " sort %s%s  %s%s  %s/%s ", ui->sort->name,
		 ui->reverse == column_sort_desc(ui->sort) ? (c->utf8 ? "\u25b2" : "+")
							   : (c->utf8 ? "\u25bc" : "-"),
		 ui->filter_text ? "filter: " : "", ui->filter_text ? ui->filter_text : "",
		 fmt_count(ui->view.n, 9, n1, sizeof(n1)),
		 fmt_count(ui->frame ? frame_nrows(ui->frame) : 0, 9, n2, sizeof(n2)));
	rl = (int)strlen(right);
	if (x + 1 < c->w - rl || c->w - rl > x)
		canvas_put(c, y, c->w - rl > x ? c->w - rl : x, -1, AT_HEADER, right);
}

static const struct {
	const char *key;
	const char *what;
} hints[] = {
	{ "h", "help" },      { "Enter", "detail" }, { "/", "filter" },  { "<>", "sort" },
	{ "Space", "pause" }, { "s", "snapshot" },   { "c", "columns" }, { "q", "quit" },
};

static void status_line(struct ui *ui, struct canvas *c, int y, uint64_t now_ns)
{
	int x = 0;

	canvas_fill(c, y, 0, c->w, ' ', AT_NORMAL);
	if (ui->prompt != PROMPT_NONE) {
		const char *label = ui->prompt == PROMPT_FILTER ? "Filter: " : "Interval (s): ";

		x += canvas_put(c, y, 0, -1, AT_TITLE, label);
		x += canvas_put(c, y, x, -1, AT_NORMAL, ui->prompt_buf);
		canvas_fill(c, y, x, 1, ' ', AT_SELECTED); /* the cursor */
		if (ui->prompt_err[0])
			canvas_put(c, y, x + 2, -1, AT_ERROR, ui->prompt_err);
		return;
	}
	if (ui->status[0] && now_ns < ui->status_until_ns) {
		canvas_put(c, y, 0, -1, ui->status_error ? AT_ERROR : AT_STATUS, ui->status);
		return;
	}
	if (ui->frame && ui->frame->status[0]) {
		/* the collector's trouble stays visible while it lasts */
		canvas_put(c, y, 0, -1, ui->frame->failed ? AT_ERROR : AT_WARN, ui->frame->status);
		return;
	}
	for (size_t i = 0; i < sizeof(hints) / sizeof(hints[0]) && x < c->w; i++) {
		x += canvas_put(c, y, x, -1, AT_KEY, hints[i].key);
		x += canvas_printf(c, y, x, -1, AT_STATUS, " %s  ", hints[i].what);
	}
}

void ui_draw(struct ui *ui, struct canvas *c, uint64_t now_ns)
{
	const struct screen *s = screen_get(ui->screen);

	canvas_clear(c);
	if (c->w < UI_MIN_W || c->h < UI_MIN_H) {
		canvas_printf(c, 0, 0, -1, AT_ERROR, "terminal too small (%dx%d, need %dx%d)", c->w,
			      c->h, UI_MIN_W, UI_MIN_H);
		return;
	}
	/* each view sets body_h to the height of the part it scrolls */
	ui->body_h = widget_body_h(c);
	title_line(ui, c);
	if (!ui->frame) {
		canvas_put(c, 2, 0, -1, AT_DIM, "collecting the first sample...");
		status_line(ui, c, c->h - 1, now_ns);
		return;
	}
	states_line(ui, c, 1);
	rates_line(ui, c, 2);
	tabs_line(ui, c, 3);
	s->draw(ui, c, UI_HEADER_LINES, widget_body_h(c));
	status_line(ui, c, c->h - 1, now_ns);
}
