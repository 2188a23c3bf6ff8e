/* SPDX-License-Identifier: GPL-2.0-or-later */
/* term: the terminal (ncurses): the only module that talks to it. */
#ifndef TCPTOP_TERM_H
#define TCPTOP_TERM_H

#include <stdbool.h>

#include "canvas.h"
#include "terr.h"

/*
 * curses is process-wide state by nature; this module owns it, plus a copy
 * of the terminal modes taken before curses changed them, so that a crash
 * handler can put the terminal back with async-signal-safe calls only.
 */
int term_open(bool color, struct terr *e);
/* Leaves curses mode; safe to call twice. */
void term_close(void);
/* Async-signal-safe restore: saved termios, leave the alternate screen, show the cursor. */
void term_emergency_restore(void);
/* After a stop (Ctrl-Z) and SIGCONT: curses takes the terminal back and redraws all. */
void term_resume(void);
void term_size(int *w, int *h);
/* Re-reads the window size after SIGWINCH. */
void term_resize(void);
bool term_utf8(void);
/* Shows the canvas (curses computes the minimal update). */
void term_blit(const struct canvas *c);
/* The next key as K_* / a character, or -1 when none is waiting. Never blocks. */
int term_getkey(void);
/* The event behind the last K_MOUSE: a MOUSE_* kind and the cell (0-based). */
bool term_mouse(int *kind, int *y, int *x);

#endif
