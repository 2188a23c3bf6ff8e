/* SPDX-License-Identifier: GPL-2.0-or-later */
/* outfmt: the table of batch output formats (one row per writer) and what each asks of the kernel. */
#ifndef TCPTOP_OUTFMT_H
#define TCPTOP_OUTFMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "column.h"
#include "frame.h"
#include "out.h"
#include "strbuf.h"
#include "view.h"

/* The formats -o takes, by name; each has a plain and possibly a grouped writer. */
enum out_fmt { OUT_TEXT, OUT_JSON, OUT_PROM, OUT_FMT_N };

/* What a writer is given besides the frame. */
struct outfmt_args {
	const struct out_ctx *ctx;
	int group_by;    /* enum group_key; GROUP_NONE for the plain writers */
	size_t prom_top; /* -o prom: per-connection series for this many connections */
};

/* outfmt.flags */
enum {
	OUTF_ALL_COLUMNS = 1 << 0, /* writes every column, whatever -c says (JSON) */
	OUTF_STREAM = 1 << 1,      /* frames follow each other on one output (-n N) */
	OUTF_GROUPED = 1 << 2,     /* the --group-by writer of its format */
};

/* One writer. */
struct outfmt {
	enum out_fmt fmt;
	const char *name; /* -o's word */
	const char *help; /* for the man page and --help, one line */
	uint8_t needs;    /* DIAG_EXT_* it reads beyond the columns it shows */
	unsigned flags;   /* OUTF_* */
	const char *sep;  /* written between two frames of a stream ("" = nothing) */
	void (*write)(const struct frame *f, const struct outfmt_args *a, struct view *v,
		      struct strbuf *sb);
};

/* The writer for a format, plain or grouped; NULL when the format has no grouped writer. */
const struct outfmt *outfmt_find(enum out_fmt fmt, bool grouped);
/* The format -o calls name; -1 if none. */
int outfmt_by_name(const char *name);
/* The name of format i ("text", "json", "prom"); NULL past the end. */
const char *outfmt_name(int i);

/*
 * The one rule for what to ask the kernel: the shown columns, the sort key,
 * the listeners' columns and the diagnosis (computed whatever is shown),
 * what the writer itself reads (w may be NULL: the interactive table), and
 * extra (the interactive view's own needs). A writer of every column asks
 * for every extension.
 */
uint8_t outfmt_needs(const struct outfmt *w, const enum col_id *cols, size_t ncols,
		     const struct column *sort, uint8_t extra);

#endif
