/* SPDX-License-Identifier: GPL-2.0-or-later */
/* screen_help: every key and what every column means, drawn from the key and column tables. */
#include <stdio.h>

#include "diagnose.h"
#include "keys.h"
#include "screen.h"
#include "widgets.h"

/* Keys handled inside particular views (not in the global table). */
static const struct {
	const char *label;
	const char *help;
} view_keys[] = {
	{ "Up Down j k", "move the selection (rows keep their place while you move)" },
	{ "PgUp PgDn Home End", "page, first, last" },
	{ "mouse", "click a header: sort by it (again: reverse); a row: select; wheel: scroll" },
	{ "< > r", "groups view: sort the groups; Enter: its connections" },
	{ "z", "counters view: only counters that are set" },
	{ "Space", "column chooser: show or hide the column" },
	{ "Enter", "column chooser / sort menu: apply" },
};

static void draw_all(struct scrollwin *sw)
{
	size_t nk;
	const struct keybind *k = keys_table(&nk);
	int y;

	if ((y = sw_next(sw)) >= 0)
		canvas_put(sw->c, y, 0, -1, AT_HEADER, "Keys");
	/* the views' hotkeys come from the screen table */
	for (int i = 0; i < SCR_N; i++) {
		const struct screen *s = screen_get(i);

		if (!s->hotkey || (y = sw_next(sw)) < 0)
			continue;
		canvas_printf(sw->c, y, 2, 20, AT_KEY, "%c", s->hotkey);
		canvas_put(sw->c, y, 24, -1, AT_NORMAL, s->help);
	}
	for (size_t i = 0; i < nk; i++) {
		if (!k[i].label || (y = sw_next(sw)) < 0)
			continue;
		canvas_printf(sw->c, y, 2, 20, AT_KEY, "%s", k[i].label);
		canvas_put(sw->c, y, 24, -1, AT_NORMAL, k[i].help);
	}
	for (size_t i = 0; i < sizeof(view_keys) / sizeof(view_keys[0]); i++) {
		if ((y = sw_next(sw)) < 0)
			continue;
		canvas_printf(sw->c, y, 2, 20, AT_KEY, "%s", view_keys[i].label);
		canvas_put(sw->c, y, 24, -1, AT_NORMAL, view_keys[i].help);
	}
	sw_next(sw);
	/* the FLAGS column's codes, from the diagnosis's own descriptors */
	if ((y = sw_next(sw)) >= 0)
		canvas_put(sw->c, y, 0, -1, AT_HEADER,
			   "Findings (FLAGS column, view 5; crit/warn/info is the usual severity)");
	for (unsigned code = 0; code < DX_N; code++) {
		const struct diag_code_def *d = diagnose_code(code);

		if (!d || !d->name || (y = sw_next(sw)) < 0)
			continue;
		canvas_printf(sw->c, y, 2, 20,
			      d->severity == DS_CRIT   ? AT_ALARM
			      : d->severity == DS_WARN ? AT_WARN
						       : AT_KEY,
			      "%s", d->name);
		canvas_printf(sw->c, y, 24, -1, AT_NORMAL, "%s [%s]", d->title,
			      diagnose_severity_name(d->severity));
	}
	sw_next(sw);
	if ((y = sw_next(sw)) >= 0)
		canvas_put(sw->c, y, 0, -1, AT_HEADER,
			   "Columns (rates in bits/s, queues in bytes; dim '-': not reported)");
	for (int i = 0; i < COL_N; i++) {
		const struct column *col = column_get(i);

		if ((y = sw_next(sw)) < 0)
			continue;
		canvas_printf(sw->c, y, 2, 20, AT_KEY, "%s", col->header);
		canvas_printf(sw->c, y, 24, -1, AT_NORMAL, "%s  [%s]", col->help, col->name);
	}
}

static long help_rows(const struct ui *ui)
{
	struct scrollwin sw;
	struct canvas c = { 0 };

	(void)ui;
	sw_begin(&sw, &c, 0, 0, 0);
	draw_all(&sw);
	return sw.n;
}

static void help_draw(struct ui *ui, struct canvas *c, int y, int h)
{
	struct scrollwin sw;

	ui->body_h = h;
	widget_scroll_fit(&ui->scroll[SCR_HELP], help_rows(ui), h, false);
	sw_begin(&sw, c, y, h, ui->scroll[SCR_HELP].top);
	draw_all(&sw);
}

const struct screen screen_help = {
	.id = SCR_HELP,
	.name = "help",
	.title = "Help",
	.help = "this help",
	.draw = help_draw,
	.nrows = help_rows,
};
