/* SPDX-License-Identifier: GPL-2.0-or-later */
/* canvas_curses: the curses side of the canvas seam (the only file that includes curses). */
#define _XOPEN_SOURCE_EXTENDED 1
#include <curses.h>
#include <langinfo.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>
#include <wchar.h>

#include "fatal.h"
#include "term.h"
#include "ui.h"

static struct termios saved_modes;
static bool have_saved;
static bool is_open;
static bool utf8;
static attr_t style[AT_N];
/*
 * The cells as last handed to curses (stdscr holds them): a blit writes only
 * what changed. Writing all 10,000 cells of a 200x50 screen through curses
 * each refresh cost as much as drawing it; curses itself only compares.
 */
static struct cell *shown;
static int shown_w, shown_h;

/* After a resize stdscr is new: the next blit writes every cell. */
static void forget_shown(void)
{
	free(shown);
	shown = NULL;
	shown_w = shown_h = 0;
}

static bool same_cell(const struct cell *a, const struct cell *b)
{
	return a->ch == b->ch && a->attr == b->attr;
}

/* What each meaning looks like: colour pair (fg, bg; -1 = default) and attributes. */
static const struct {
	short fg, bg;
	attr_t with_color;
	attr_t mono;
} looks[AT_N] = {
	[AT_NORMAL] = { -1, -1, A_NORMAL, A_NORMAL },
	[AT_TITLE] = { COLOR_CYAN, -1, A_BOLD, A_BOLD },
	[AT_HEADER] = { COLOR_BLACK, COLOR_GREEN, A_NORMAL, A_REVERSE },
	[AT_SORTED] = { COLOR_BLACK, COLOR_CYAN, A_BOLD, A_REVERSE | A_BOLD | A_UNDERLINE },
	/* missing values and notes recede: dim in the default colour, never bold blue */
	[AT_DIM] = { -1, -1, A_DIM, A_DIM },
	[AT_SELECTED] = { COLOR_BLACK, COLOR_CYAN, A_NORMAL, A_REVERSE },
	[AT_STATUS] = { -1, -1, A_NORMAL, A_NORMAL },
	[AT_ERROR] = { COLOR_WHITE, COLOR_RED, A_BOLD, A_REVERSE | A_BOLD },
	[AT_GOOD] = { COLOR_GREEN, -1, A_NORMAL, A_NORMAL },
	[AT_WARN] = { COLOR_YELLOW, -1, A_BOLD, A_BOLD },
	[AT_ALARM] = { COLOR_RED, -1, A_BOLD, A_BOLD | A_UNDERLINE },
	[AT_ST_ESTAB] = { COLOR_GREEN, -1, A_NORMAL, A_NORMAL },
	[AT_ST_LISTEN] = { COLOR_CYAN, -1, A_NORMAL, A_NORMAL },
	[AT_ST_SYN] = { COLOR_YELLOW, -1, A_NORMAL, A_NORMAL },
	[AT_ST_CLOSING] = { COLOR_MAGENTA, -1, A_NORMAL, A_NORMAL },
	[AT_ST_TW] = { COLOR_BLUE, -1, A_NORMAL, A_DIM },
	[AT_BAR] = { COLOR_GREEN, -1, A_NORMAL, A_NORMAL },
	[AT_KEY] = { COLOR_BLACK, COLOR_CYAN, A_NORMAL, A_REVERSE },
};

static void setup_styles(bool color)
{
	bool defaults = false;

	if (color && has_colors() && start_color() == OK) {
		defaults = use_default_colors() == OK;
		for (int i = 0; i < AT_N; i++) {
			short fg = looks[i].fg, bg = looks[i].bg;

			if (!defaults) {
				fg = fg < 0 ? COLOR_WHITE : fg;
				bg = bg < 0 ? COLOR_BLACK : bg;
			}
			init_pair((short)(i + 1), fg, bg);
			style[i] = COLOR_PAIR(i + 1) | looks[i].with_color;
		}
		return;
	}
	for (int i = 0; i < AT_N; i++)
		style[i] = looks[i].mono;
}

#define MOUSE_EVENTS (BUTTON1_PRESSED | BUTTON1_CLICKED | BUTTON4_PRESSED | BUTTON5_PRESSED)

int term_open(bool color, struct terr *e)
{
	const char *cs = nl_langinfo(CODESET);

	utf8 = cs && (!strcmp(cs, "UTF-8") || !strcmp(cs, "utf8"));
	if (tcgetattr(STDIN_FILENO, &saved_modes) == 0)
		have_saved = true;
	/* Esc must answer at once, not after curses' default second */
	set_escdelay(25);
	if (!newterm(NULL, stdout, stdin)) {
		terr_set(e, "cannot initialise the terminal (TERM=%s)",
			 getenv("TERM") ? getenv("TERM") : "unset");
		return -1;
	}
	is_open = true;
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	intrflush(stdscr, FALSE);
	curs_set(0);
	setup_styles(color);
	/* clicks and the wheel, like htop; at once, without waiting to tell a click from a press */
	mouseinterval(0);
	mousemask(MOUSE_EVENTS, NULL);
	return 0;
}

void term_resume(void)
{
	if (!is_open)
		return;
	/* the stop restored the terminal behind curses' back: leave and re-enter program mode */
	endwin();
	refresh();
	clearok(stdscr, TRUE);
	curs_set(0);
	mousemask(MOUSE_EVENTS, NULL);
}

void term_close(void)
{
	if (!is_open)
		return;
	is_open = false;
	curs_set(1);
	endwin();
	forget_shown();
}

void term_emergency_restore(void)
{
	/* attributes off, cursor on, mouse reporting off, main screen back */
	static const char seq[] = "\033[0m\033[?25h\033[?1000l\033[?1006l\033[?1049l\r\n";

	if (have_saved)
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_modes);
	if (write(STDOUT_FILENO, seq, sizeof(seq) - 1) < 0)
		return;
}

void term_size(int *w, int *h)
{
	getmaxyx(stdscr, *h, *w);
}

void term_resize(void)
{
	struct winsize ws;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row && ws.ws_col)
		resize_term(ws.ws_row, ws.ws_col);
	clearok(stdscr, TRUE);
	forget_shown();
}

bool term_utf8(void)
{
	return utf8;
}

static void put_cell(int y, int x, const struct cell *cl)
{
	attr_t a = style[cl->attr < AT_N ? cl->attr : AT_NORMAL];

	if (cl->ch < 0x80) {
		mvaddch(y, x, (chtype)cl->ch | a);
	} else {
		wchar_t wc[2] = { (wchar_t)cl->ch, 0 };
		cchar_t cc;

		setcchar(&cc, wc, a, PAIR_NUMBER(a), NULL);
		mvadd_wch(y, x, &cc);
	}
}

void term_blit(const struct canvas *c)
{
	int w, h;
	bool all = !shown || shown_w != c->w || shown_h != c->h;

	getmaxyx(stdscr, h, w);
	for (int y = 0; y < c->h && y < h; y++) {
		const struct cell *row = &c->cells[y * c->w];
		int n = c->w < w ? c->w : w, from = 0, to = n;

		if (!all) {
			const struct cell *old = &shown[y * c->w];

			while (from < n && same_cell(&row[from], &old[from]))
				from++;
			if (from == n)
				continue;
			while (same_cell(&row[to - 1], &old[to - 1]))
				to--;
			/* a changed span starts at a whole glyph and takes its continuation cells */
			while (from > 0 && row[from].ch == 0)
				from--;
			while (to < n && row[to].ch == 0)
				to++;
		}
		for (int x = from; x < to; x++)
			put_cell(y, x, &row[x]);
	}
	if (all) {
		forget_shown();
		shown = xmalloc((size_t)c->w * (size_t)c->h * sizeof(*shown));
		shown_w = c->w;
		shown_h = c->h;
	}
	memcpy(shown, c->cells, (size_t)c->w * (size_t)c->h * sizeof(*shown));
	refresh();
}

/* curses key codes to ours (a table, not a switch). */
static const struct {
	int curses;
	int ours;
} keymap[] = {
	{ KEY_UP, K_UP },
	{ KEY_DOWN, K_DOWN },
	{ KEY_LEFT, K_LEFT },
	{ KEY_RIGHT, K_RIGHT },
	{ KEY_PPAGE, K_PGUP },
	{ KEY_NPAGE, K_PGDN },
	{ KEY_HOME, K_HOME },
	{ KEY_END, K_END },
	{ KEY_BTAB, K_BTAB },
	{ KEY_DC, K_DEL },
	{ KEY_RESIZE, K_RESIZE },
	{ KEY_ENTER, K_ENTER },
	{ KEY_BACKSPACE, K_BACKSPACE },
	{ '\r', K_ENTER },
	{ KEY_F(1), K_F1 },
	{ KEY_F(2), K_F2 },
	{ KEY_F(3), K_F3 },
	{ KEY_F(4), K_F4 },
	{ KEY_F(5), K_F5 },
	{ KEY_F(6), K_F6 },
	{ KEY_F(7), K_F7 },
	{ KEY_F(8), K_F8 },
	{ KEY_F(9), K_F9 },
	{ KEY_F(10), K_F10 },
};

static struct {
	int kind, y, x;
} last_mouse;

bool term_mouse(int *kind, int *y, int *x)
{
	*kind = last_mouse.kind;
	*y = last_mouse.y;
	*x = last_mouse.x;
	return true;
}

/* A mouse report as our event; false for the ones we do not use (releases, moves). */
static bool read_mouse(void)
{
	MEVENT ev;

	if (getmouse(&ev) != OK)
		return false;
	if (ev.bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED))
		last_mouse.kind = MOUSE_CLICK;
	else if (ev.bstate & BUTTON4_PRESSED)
		last_mouse.kind = MOUSE_WHEEL_UP;
	else if (ev.bstate & BUTTON5_PRESSED)
		last_mouse.kind = MOUSE_WHEEL_DOWN;
	else
		return false;
	last_mouse.y = ev.y;
	last_mouse.x = ev.x;
	return true;
}

int term_getkey(void)
{
	int k = getch();

	if (k == ERR)
		return -1;
	if (k == KEY_MOUSE)
		return read_mouse() ? K_MOUSE : 0;
	for (size_t i = 0; i < sizeof(keymap) / sizeof(keymap[0]); i++)
		if (keymap[i].curses == k)
			return keymap[i].ours;
	return k >= KEY_MIN ? 0 : k;
}
