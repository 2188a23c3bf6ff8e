/* SPDX-License-Identifier: GPL-2.0-or-later */
/* settings: the tcptoprc file (columns, sort, interval, view, grouping kept across runs, like htoprc). */
#ifndef TCPTOP_SETTINGS_H
#define TCPTOP_SETTINGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "column.h"
#include "strbuf.h"
#include "terr.h"

/* The format this tcptop writes; a file with a higher one is ignored with a note. */
#define SETTINGS_VERSION 1

/* settings.have: which keys the file set. */
enum {
	SET_COLUMNS = 1 << 0,
	SET_SORT = 1 << 1,
	SET_REVERSE = 1 << 2,
	SET_INTERVAL = 1 << 3,
	SET_VIEW = 1 << 4,
	SET_GROUP = 1 << 5,
};

struct settings {
	unsigned have; /* SET_* */
	int version;
	enum col_id cols[COL_N];
	size_t ncols;
	const struct column *sort;
	bool reverse;
	double interval;
	char view
		[32]; /* a view's name ("connections", "listen", "groups"...); the UI resolves it */
	int group;    /* enum group_key */
};

/*
 * Parses a settings file's text. Returns 0 (s filled, have says what was
 * set), 1 when the file is from a newer format and was ignored (e holds the
 * note, s is empty), or -1 when it is damaged: e holds one line naming the
 * line and the problem, and s is empty (the caller keeps its defaults).
 * Pure: no I/O, no globals.
 */
int settings_parse(const char *text, size_t len, struct settings *s, struct terr *e);
/* The file's text for s (every key in have). */
void settings_format(const struct settings *s, struct strbuf *out);
/*
 * Where the file lives: $TCPTOPRC, else $XDG_CONFIG_HOME/tcptop/tcptoprc,
 * else $HOME/.config/tcptop/tcptoprc (arguments are the environment's values
 * or NULL). -1 when none can be made (no HOME), or it does not fit.
 */
int settings_path(const char *tcptoprc, const char *xdg, const char *home, char *buf, size_t n);
/* True when a and b differ in any key either sets. */
bool settings_differ(const struct settings *a, const struct settings *b);

#endif
