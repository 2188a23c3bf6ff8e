/* SPDX-License-Identifier: GPL-2.0-or-later */
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
#include "outfmt.h"
#include "terr.h"

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
	char *filter;   /* filter expression (-f or the remaining arguments); owned, NULL if none */
	int group_by;   /* --group-by: an enum group_key (GROUP_NONE when not given) */
	bool no_config; /* --no-config: ignore the settings file */
	const char *textfile_dir; /* --textfile: keep DIR/tcptop.prom current; NULL if not given */
	size_t prom_top;          /* --prom-top: per-connection series for this many (0: none) */
	const char *closed_log;   /* --closed-log: append each closed connection as JSON */
	bool no_closed;           /* --no-closed: do not watch connections that end */
	bool low_memory;          /* --low-memory: the view holds one frame, not two */
	uint32_t
		given; /* OPTS_GIVEN_*: what the command line set (it wins over the settings file) */
};

/* opts.given bits. */
enum {
	OPTS_GIVEN_SORT = 1 << 0,    /* -s */
	OPTS_GIVEN_REVERSE = 1 << 1, /* -r */
	OPTS_GIVEN_COLUMNS = 1 << 2, /* -c */
	OPTS_GIVEN_DELAY = 1 << 3,   /* -d */
	OPTS_GIVEN_GROUP = 1 << 4,   /* --group-by */
	OPTS_GIVEN_OUTPUT = 1 << 5,  /* -o */
	OPTS_GIVEN_FRAMES = 1 << 6,  /* -n */
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
/* --prom-top's limit: per-connection series are for the few that matter, not a dump */
#define OPTS_MAX_PROM_TOP 1000
/* The longest option value taken; a longer one is refused, never cut. */
#define OPTS_MAX_VALUE 4096

/* What a shell completes for an option's value. */
enum opt_complete {
	OC_NONE,        /* no value */
	OC_WORD,        /* free text or a number: nothing to offer */
	OC_FILE,        /* a file path */
	OC_DIR,         /* a directory (--textfile) */
	OC_COLUMN,      /* one column name (-s) */
	OC_COLUMN_LIST, /* comma-separated column names, +COL/-COL edits (-c) */
	OC_FORMAT,      /* an output format (-o) */
	OC_NETNS,       /* a name under /run/netns, a path, pid:PID (-N) */
	OC_GROUP,       /* a group key (--group-by) */
	OC_FILTER,      /* a filter expression (-f) */
	OC_N
};

/* opt_def.flags */
enum {
	OPTF_ALIAS = 1 << 0, /* another spelling of the row before: not in --help, not completed */
	OPTF_PATH = 1 << 1,  /* the value is a path: an empty one is refused */
	OPTF_REPEAT =
		1 << 2, /* may be given again and the values add up (-f); else the last wins */
};

/*
 * One row per option: getopt_long's table, the usage text and the shell
 * completions are all made from these rows (tools/tcptop-gen.c).
 */
struct opt_def {
	const char *name;    /* long name without "--" */
	char shortopt;       /* 0: long only */
	const char *metavar; /* NULL: takes no value */
	const char *help;    /* usage text; '\n' starts an indented continuation line */
	enum opt_complete complete;
	unsigned flags; /* OPTF_* */
	/* Sets o from the value (NULL without one); -1 with e set. */
	int (*apply)(struct opts *o, const char *arg, struct terr *e);
};

/* The option table, in --help order. */
const struct opt_def *opts_table(size_t *n);
/* The output formats -o takes, in order ("text", "json", "prom"); NULL past the end. */
const char *opts_format_name(int i);

#endif
