/* SPDX-License-Identifier: GPL-2.0-or-later */
/* outfmt: the table of batch output formats (one row per writer) and what each asks of the kernel. */
#include "outfmt.h"

#include <string.h>

#include "diagnose.h"
#include "group.h"
#include "out_group.h"
#include "out_prom.h"

static void w_text(const struct frame *f, const struct outfmt_args *a, struct view *v,
		   struct strbuf *sb)
{
	out_text_frame(f, a->ctx, v, sb);
}

static void w_json(const struct frame *f, const struct outfmt_args *a, struct view *v,
		   struct strbuf *sb)
{
	out_json_frame(f, a->ctx, v, sb);
}

static void w_prom(const struct frame *f, const struct outfmt_args *a, struct view *v,
		   struct strbuf *sb)
{
	out_prom_frame(f, a->ctx, a->prom_top, v, sb);
}

static void w_group_text(const struct frame *f, const struct outfmt_args *a, struct view *v,
			 struct strbuf *sb)
{
	out_group_text(f, a->ctx, a->group_by, v, sb);
}

static void w_group_json(const struct frame *f, const struct outfmt_args *a, struct view *v,
			 struct strbuf *sb)
{
	out_group_json(f, a->ctx, a->group_by, v, sb);
}

/* Every extension a writer of all columns may show. */
#define ALL_EXT (DIAG_EXT_INFO | DIAG_EXT_SKMEM | DIAG_EXT_CONG)

/* A new format is one row here (and its name in the man page). */
static const struct outfmt writers[] = {
	{ .fmt = OUT_TEXT,
	  .name = "text",
	  .help = "a snapshot table: summary, connections, listeners, findings",
	  .flags = OUTF_STREAM,
	  .sep = "\n",
	  .write = w_text },
	{ .fmt = OUT_JSON,
	  .name = "json",
	  .help = "one JSON object per refresh and line (JSON Lines), every column",
	  .flags = OUTF_ALL_COLUMNS | OUTF_STREAM,
	  .sep = "",
	  .write = w_json },
	{ .fmt = OUT_PROM,
	  .name = "prom",
	  .help = "the Prometheus text exposition format, one refresh (doc/METRICS.md)",
	  /* the top connections' RTT and bytes, the listeners' drops */
	  .needs = DIAG_EXT_INFO | DIAG_EXT_SKMEM,
	  .sep = "",
	  .write = w_prom },
	{ .fmt = OUT_TEXT,
	  .name = "text",
	  .help = "one line per group",
	  .flags = OUTF_STREAM | OUTF_GROUPED,
	  .sep = "\n",
	  .write = w_group_text },
	{ .fmt = OUT_JSON,
	  .name = "json",
	  .help = "one JSON object of groups per refresh and line",
	  .flags = OUTF_STREAM | OUTF_GROUPED,
	  /* the groups' sums: rates from tcp_info, queues */
	  .needs = DIAG_EXT_INFO,
	  .sep = "",
	  .write = w_group_json },
};

#define NWRITERS (sizeof(writers) / sizeof(writers[0]))

const struct outfmt *outfmt_find(enum out_fmt fmt, bool grouped)
{
	for (size_t i = 0; i < NWRITERS; i++)
		if (writers[i].fmt == fmt && !!(writers[i].flags & OUTF_GROUPED) == grouped)
			return &writers[i];
	return NULL;
}

const char *outfmt_name(int i)
{
	const struct outfmt *w =
		i >= 0 && i < OUT_FMT_N ? outfmt_find((enum out_fmt)i, false) : NULL;

	return w ? w->name : NULL;
}

int outfmt_by_name(const char *name)
{
	for (int i = 0; outfmt_name(i); i++)
		if (!strcmp(name, outfmt_name(i)))
			return i;
	return -1;
}

uint8_t outfmt_needs(const struct outfmt *w, const enum col_id *cols, size_t ncols,
		     const struct column *sort, uint8_t extra)
{
	uint8_t n = column_needs(cols, ncols) | sort->needs |
		    column_needs(column_listen_view, column_listen_view_len) | DIAGNOSE_NEEDS |
		    extra;

	if (w) {
		n |= w->needs;
		if (w->flags & OUTF_ALL_COLUMNS)
			n |= ALL_EXT;
	}
	return n;
}
