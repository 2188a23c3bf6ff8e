/* SPDX-License-Identifier: GPL-2.0-or-later */
/* out: batch writers of a frame as text (a snapshot) or JSON (one line per frame). */
#ifndef TCPTOP_OUT_H
#define TCPTOP_OUT_H

#include <stdbool.h>
#include <stddef.h>

#include "column.h"
#include "frame.h"
#include "parfmt.h"
#include "strbuf.h"
#include "view.h"

/* What to write and how; everything borrowed. */
struct out_ctx {
	const char *hostname;
	const char *kernel;
	const enum col_id *cols; /* connection columns (text) */
	size_t ncols;
	const struct column *sort;
	bool reverse;
	const char *filter; /* as the user wrote it; NULL if none */
	view_match_fn match;
	void *match_ctx;
	/* how many threads make a text snapshot's rows; NULL: parfmt_defaults */
	const struct parfmt_cfg *par;
};

/* Summary, connection table (filtered, sorted, nothing cut), listeners. */
void out_text_frame(const struct frame *f, const struct out_ctx *ctx, struct view *v,
		    struct strbuf *sb);
/* One JSON object and a newline (see the README for the schema). */
void out_json_frame(const struct frame *f, const struct out_ctx *ctx, struct view *v,
		    struct strbuf *sb);

#endif
