/* opts: the command line: parsing, validation with one-line errors, and the usage text. */
#ifndef TCPTOP_OPTS_H
#define TCPTOP_OPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "collector.h"
#include "column.h"
#include "group.h"
#include "terr.h"

enum out_fmt { OUT_TEXT, OUT_JSON };
enum opts_action { OPTS_RUN, OPTS_HELP, OPTS_VERSION };

struct opts {
	enum opts_action action;
	bool batch;      /* -b given */
	long frames;     /* -n; -1 = not given */
	double interval; /* -d, seconds */
	const struct column *sort;
	bool reverse;
	enum out_fmt out;
	enum col_id cols[COL_N]; /* connection columns, display order */
	size_t ncols;
	const char *write_path;  /* -w */
	const char *record_path; /* --record */
	const char *replay_path; /* --replay */
	bool no_color;
	const char *netns;     /* -N: NAME, /path or pid:PID; NULL: the current namespace */
	enum procs_mode procs; /* -p: PROCS_ON, --no-processes: PROCS_OFF; default PROCS_AUTO */
	char *filter; /* filter expression (-f or the remaining arguments); owned, NULL if none */
	int group_by;   /* --group-by: an enum group_key (GROUP_NONE when not given) */
	bool no_config; /* --no-config: ignore the settings file */
	uint32_t given; /* OPTS_GIVEN_*: what the command line set (it wins over the settings file) */
};

/* opts.given bits. */
enum {
	OPTS_GIVEN_SORT = 1 << 0,    /* -s */
	OPTS_GIVEN_REVERSE = 1 << 1, /* -r */
	OPTS_GIVEN_COLUMNS = 1 << 2, /* -c */
	OPTS_GIVEN_DELAY = 1 << 3,   /* -d */
	OPTS_GIVEN_GROUP = 1 << 4,   /* --group-by */
};

/*
 * Parses argv into o (defaults first). Returns 0, or -1 with e holding one
 * line that names the option and the problem (the caller prints it and exits
 * with status 2). Never prints, never exits.
 */
int opts_parse(struct opts *o, int argc, char **argv, struct terr *e);
void opts_free(struct opts *o);
void opts_usage(FILE *out);

/* Parses a column list ("local,rtt" replaces; "+min_rtt,-skmem" edits the current list). */
int opts_parse_columns(const char *list, enum col_id *cols, size_t *ncols, struct terr *e);
/* Parses an interval in seconds ("1", "0.5"); -1 with e set when not a sane one. */
int opts_parse_interval(const char *s, double *out, struct terr *e);

#define OPTS_MIN_INTERVAL 0.05
#define OPTS_MAX_INTERVAL 86400.0

#endif
