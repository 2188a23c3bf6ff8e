/* SPDX-License-Identifier: GPL-2.0-or-later */
/* settings: parsing and writing the tcptoprc file, "key=value" lines with a format version (pure). */
#include "settings.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "group.h"
#include "opts.h"

/* A line's key and value, trimmed; false for blank and comment lines. */
static bool split(char *line, char **key, char **val)
{
	char *eq, *end;

	while (*line == ' ' || *line == '\t')
		line++;
	if (!*line || *line == '#')
		return false;
	eq = strchr(line, '=');
	*key = line;
	*val = eq ? eq + 1 : NULL;
	if (!eq)
		return true;
	for (end = eq; end > line && (end[-1] == ' ' || end[-1] == '\t'); end--)
		;
	*end = '\0';
	while (**val == ' ' || **val == '\t')
		(*val)++;
	end = *val + strlen(*val);
	while (end > *val && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
		end--;
	*end = '\0';
	return true;
}

static int parse_bool(const char *v, bool *out)
{
	if (!strcmp(v, "1") || !strcmp(v, "yes") || !strcmp(v, "true")) {
		*out = true;
		return 0;
	}
	if (!strcmp(v, "0") || !strcmp(v, "no") || !strcmp(v, "false")) {
		*out = false;
		return 0;
	}
	return -1;
}

/* One key; -1 with e set (without the line number) when its value is bad. */
static int apply(struct settings *s, const char *key, const char *val, struct terr *e)
{
	if (!strcmp(key, "version")) {
		char *end;
		long v = strtol(val, &end, 10);

		if (!*val || *end || v < 1 || v > 1000000) {
			terr_set(e, "version: '%s' is not a format version", val);
			return -1;
		}
		s->version = (int)v;
		return 0;
	}
	if (!strcmp(key, "columns")) {
		if (opts_parse_columns(val, s->cols, &s->ncols, e) < 0 || !s->ncols) {
			if (!terr_isset(e))
				terr_set(e, "columns: the list is empty");
			return -1;
		}
		s->have |= SET_COLUMNS;
		return 0;
	}
	if (!strcmp(key, "sort")) {
		s->sort = column_by_name(val);
		if (!s->sort) {
			terr_set(e, "sort: no column is called '%s'", val);
			return -1;
		}
		s->have |= SET_SORT;
		return 0;
	}
	if (!strcmp(key, "reverse")) {
		if (parse_bool(val, &s->reverse) < 0) {
			terr_set(e, "reverse: '%s' is not 0 or 1", val);
			return -1;
		}
		s->have |= SET_REVERSE;
		return 0;
	}
	if (!strcmp(key, "interval")) {
		if (opts_parse_interval(val, &s->interval, e) < 0)
			return -1;
		s->have |= SET_INTERVAL;
		return 0;
	}
	if (!strcmp(key, "view")) {
		size_t n = strlen(val);

		if (!n || n >= sizeof(s->view) || strspn(val, "abcdefghijklmnopqrstuvwxyz") != n) {
			terr_set(e, "view: '%s' is not a view name", val);
			return -1;
		}
		memcpy(s->view, val, n + 1);
		s->have |= SET_VIEW;
		return 0;
	}
	if (!strcmp(key, "group")) {
		s->group = group_key_by_name(val);
		if (s->group < 0) {
			terr_set(e, "group: '%s' is not none, process, remote, port or state", val);
			return -1;
		}
		s->have |= SET_GROUP;
		return 0;
	}
	/* a key of a later version 1 file would be a damaged file: say so, keep the defaults */
	terr_set(e, "unknown setting '%s'", key);
	return -1;
}

int settings_parse(const char *text, size_t len, struct settings *s, struct terr *e)
{
	struct settings got;
	size_t at = 0;
	int lineno = 0;

	memset(s, 0, sizeof(*s));
	memset(&got, 0, sizeof(got));
	while (at < len) {
		const char *nl = memchr(text + at, '\n', len - at);
		size_t n = nl ? (size_t)(nl - (text + at)) : len - at;
		char line[1024], *key, *val;

		lineno++;
		if (n >= sizeof(line)) {
			terr_set(e, "line %d: longer than %zu bytes", lineno, sizeof(line) - 1);
			return -1;
		}
		memcpy(line, text + at, n);
		line[n] = '\0';
		at += n + (nl ? 1 : 0);
		if (memchr(line, '\0', n)) {
			terr_set(e, "line %d: a NUL byte (not a text file)", lineno);
			return -1;
		}
		if (!split(line, &key, &val))
			continue;
		if (!val) {
			terr_set(e, "line %d: expected key=value", lineno);
			return -1;
		}
		/* the version comes first: what follows is read by its rules */
		if (!got.version && strcmp(key, "version")) {
			terr_set(e, "line %d: no 'version=' line before the settings", lineno);
			return -1;
		}
		if (got.version > SETTINGS_VERSION) {
			terr_set(
				e,
				"written by a newer tcptop (format %d; this one reads %d): ignored",
				got.version, SETTINGS_VERSION);
			return 1;
		}
		if (apply(&got, key, val, e) < 0) {
			terr_prefix(e, "line %d", lineno);
			return -1;
		}
	}
	if (got.version > SETTINGS_VERSION) {
		terr_set(e, "written by a newer tcptop (format %d; this one reads %d): ignored",
			 got.version, SETTINGS_VERSION);
		return 1;
	}
	if (!got.version) {
		terr_set(e, "no 'version=' line");
		return -1;
	}
	*s = got;
	return 0;
}

void settings_format(const struct settings *s, struct strbuf *out)
{
	sb_puts(out, "# tcptop settings: written when you quit after changing them.\n"
		     "# Command-line options win; --no-config ignores this file.\n");
	sb_printf(out, "version=%d\n", SETTINGS_VERSION);
	if (s->have & SET_COLUMNS) {
		sb_puts(out, "columns=");
		for (size_t i = 0; i < s->ncols; i++)
			sb_printf(out, "%s%s", i ? "," : "", column_get(s->cols[i])->name);
		sb_putc(out, '\n');
	}
	if ((s->have & SET_SORT) && s->sort)
		sb_printf(out, "sort=%s\n", s->sort->name);
	if (s->have & SET_REVERSE)
		sb_printf(out, "reverse=%d\n", s->reverse ? 1 : 0);
	if (s->have & SET_INTERVAL)
		sb_printf(out, "interval=%.15g\n", s->interval);
	if ((s->have & SET_VIEW) && s->view[0])
		sb_printf(out, "view=%s\n", s->view);
	if ((s->have & SET_GROUP) && group_key_name(s->group))
		sb_printf(out, "group=%s\n", group_key_name(s->group));
}

int settings_path(const char *tcptoprc, const char *xdg, const char *home, char *buf, size_t n)
{
	int w;

	if (tcptoprc && *tcptoprc)
		w = snprintf(buf, n, "%s", tcptoprc);
	else if (xdg && *xdg == '/') /* the XDG spec: a relative value is ignored */
		w = snprintf(buf, n, "%s/tcptop/tcptoprc", xdg);
	else if (home && *home)
		w = snprintf(buf, n, "%s/.config/tcptop/tcptoprc", home);
	else
		return -1;
	return w < 0 || (size_t)w >= n ? -1 : 0;
}

bool settings_differ(const struct settings *a, const struct settings *b)
{
	unsigned have = a->have | b->have;

	if (a->have != b->have)
		return true;
	if ((have & SET_COLUMNS) &&
	    (a->ncols != b->ncols || memcmp(a->cols, b->cols, a->ncols * sizeof(a->cols[0]))))
		return true;
	if ((have & SET_SORT) && a->sort != b->sort)
		return true;
	if ((have & SET_REVERSE) && a->reverse != b->reverse)
		return true;
	if ((have & SET_INTERVAL) && fabs(a->interval - b->interval) > 1e-12 * fabs(a->interval))
		return true;
	if ((have & SET_VIEW) && strcmp(a->view, b->view))
		return true;
	return (have & SET_GROUP) && a->group != b->group;
}
