/* keys: the global key bindings (a table; the help view is drawn from it). */
#include "keys.h"

#include <string.h>

#include "screen.h"

static unsigned act_quit(struct ui *ui, uint64_t now_ns)
{
	(void)ui;
	(void)now_ns;
	return R_QUIT;
}

static unsigned go(struct ui *ui, enum screen_id id)
{
	if (id >= SCR_DETAIL && ui->screen < SCR_DETAIL)
		ui->back = ui->screen;
	ui->screen = id;
	return R_REDRAW;
}

static unsigned act_conn(struct ui *ui, uint64_t now_ns)
{
	(void)now_ns;
	return go(ui, SCR_CONN);
}

static unsigned act_listen(struct ui *ui, uint64_t now_ns)
{
	(void)now_ns;
	return go(ui, SCR_LISTEN);
}

static unsigned act_states(struct ui *ui, uint64_t now_ns)
{
	(void)now_ns;
	return go(ui, SCR_STATES);
}

static unsigned act_counters(struct ui *ui, uint64_t now_ns)
{
	(void)now_ns;
	return go(ui, SCR_COUNTERS);
}

static unsigned act_findings(struct ui *ui, uint64_t now_ns)
{
	(void)now_ns;
	return go(ui, SCR_FINDINGS);
}

/* Tab walks the four tab views; from a detail/help view it continues from where it came. */
static unsigned cycle(struct ui *ui, int dir)
{
	int cur = ui->screen < SCR_DETAIL ? (int)ui->screen : (int)ui->back;

	cur = (cur + dir + SCR_DETAIL) % SCR_DETAIL;
	return go(ui, (enum screen_id)cur);
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
		return go(ui, ui->back);
	ui->scroll[SCR_HELP].top = 0;
	return go(ui, SCR_HELP);
}

static unsigned act_back(struct ui *ui, uint64_t now_ns)
{
	(void)now_ns;
	if (ui->screen >= SCR_DETAIL)
		return go(ui, ui->back);
	return 0;
}

static unsigned act_detail(struct ui *ui, uint64_t now_ns)
{
	const struct row *r = ui_selected(ui);

	(void)now_ns;
	if (ui->screen != SCR_CONN || !r)
		return 0;
	ui->detail_cookie = r->c->cookie;
	ui->scroll[SCR_DETAIL].top = 0;
	return go(ui, SCR_DETAIL) | R_SELECT;
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
	ui->pick_mode = PICK_SORT;
	ui->scroll[SCR_PICK].sel = screen_pick_position(ui->sort->id);
	ui->scroll[SCR_PICK].top = 0;
	return go(ui, SCR_PICK);
}

static unsigned act_columns(struct ui *ui, uint64_t now_ns)
{
	(void)now_ns;
	ui->pick_mode = PICK_COLUMNS;
	ui->scroll[SCR_PICK].sel = 0;
	ui->scroll[SCR_PICK].top = 0;
	return go(ui, SCR_PICK);
}

static unsigned act_reverse(struct ui *ui, uint64_t now_ns)
{
	ui->reverse = !ui->reverse;
	return ui_resort(ui, now_ns);
}

static unsigned act_pause(struct ui *ui, uint64_t now_ns)
{
	ui->paused = !ui->paused;
	ui_message(ui, false, now_ns, "%s",
		   ui->paused ? "paused: the data is frozen, keys work" : "running");
	return R_REDRAW;
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

static unsigned act_interval(struct ui *ui, uint64_t now_ns)
{
	(void)now_ns;
	return open_prompt(ui, PROMPT_INTERVAL, NULL);
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

static unsigned act_snapshot(struct ui *ui, uint64_t now_ns)
{
	(void)ui;
	(void)now_ns;
	return R_SNAPSHOT;
}

static unsigned act_redraw(struct ui *ui, uint64_t now_ns)
{
	(void)ui;
	(void)now_ns;
	return R_REDRAW;
}

static const struct keybind table[] = {
	{ 'q', "q F10", "quit", act_quit },
	{ K_F10, NULL, "quit", act_quit },
	{ K_TAB, "Tab S-Tab", "next / previous view", act_next },
	{ K_BTAB, NULL, "previous view", act_prev },
	{ '1', "1", "connections", act_conn },
	{ '2', "2", "listeners: accept and SYN queues, drops", act_listen },
	{ '3', "3", "TCP states: histogram, TIME-WAIT and CLOSE-WAIT breakdown", act_states },
	{ '4', "4", "counters (TcpExt, Tcp) with their change", act_counters },
	{ '5', "5", "findings: what is wrong, most severe first, with its numbers", act_findings },
	{ K_ENTER, "Enter", "details of the selected connection", act_detail },
	{ '\r', NULL, "details", act_detail },
	{ K_ESC, "Esc", "back from details, help or a menu", act_back },
	{ 'h', "h ? F1", "this help", act_help },
	{ '?', NULL, "help", act_help },
	{ K_F1, NULL, "help", act_help },
	{ '<', "< >", "sort by the previous / next visible column", act_sort_prev },
	{ '>', NULL, "sort by the next column", act_sort_next },
	{ ',', NULL, "sort by the previous column", act_sort_prev },
	{ '.', NULL, "sort by the next column", act_sort_next },
	{ K_F6, "F6", "choose the sort column from a list", act_sort_menu },
	{ 'r', "r", "reverse the sort order", act_reverse },
	{ ' ', "Space", "pause: the data freezes, keys keep working", act_pause },
	{ '/', "/ F4", "filter (Enter applies, Esc cancels, empty clears)", act_filter },
	{ K_F4, NULL, "filter", act_filter },
	{ 'd', "d", "set the refresh interval", act_interval },
	{ 's', "s", "write exactly this screen to a text file", act_snapshot },
	{ 'c', "c F2", "choose the connection columns", act_columns },
	{ 'p', "p", "process attribution on/off (the Process column)", act_procs },
	{ K_F2, NULL, "columns", act_columns },
	{ K_CTRL('l'), "^L", "redraw the screen", act_redraw },
};

unsigned keys_dispatch(struct ui *ui, int key, uint64_t now_ns)
{
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
