/* screen_help: every key and what every column means, drawn from the key and column tables. */
#include <stdio.h>

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
	if ((y = sw_next(sw)) >= 0)
		canvas_put(sw->c, y, 0, -1, AT_HEADER,
			   "Columns (rates in bits/s; '-' = the kernel did not report it)");
	for (int i = 0; i < COL_N; i++) {
		const struct column *col = column_get(i);

		if ((y = sw_next(sw)) < 0)
			continue;
		canvas_printf(sw->c, y, 2, 20, AT_KEY, "%s", col->header);
		canvas_printf(sw->c, y, 24, -1, AT_NORMAL, "%s  [%s]", col->help, col->name);
	}
}

long screen_help_rows(const struct ui *ui)
{
	struct scrollwin sw;
	struct canvas c = { 0 };

	(void)ui;
	sw_begin(&sw, &c, 0, 0, 0);
	draw_all(&sw);
	return sw.n;
}

void screen_help_draw(struct ui *ui, struct canvas *c, int y, int h)
{
	struct scrollwin sw;

	ui->body_h = h;
	widget_scroll_fit(&ui->scroll[SCR_HELP], screen_help_rows(ui), h, false);
	sw_begin(&sw, c, y, h, ui->scroll[SCR_HELP].top);
	draw_all(&sw);
}
