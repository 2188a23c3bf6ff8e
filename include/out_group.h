/* SPDX-License-Identifier: GPL-2.0-or-later */
/* out_group: batch output of grouped connections (--group-by), as text and as JSON lines. */
#ifndef TCPTOP_OUT_GROUP_H
#define TCPTOP_OUT_GROUP_H

#include "frame.h"
#include "out.h"
#include "strbuf.h"
#include "view.h"

/*
 * One line per group (enum group_key key) of the filtered connections, the
 * most troubled first: sockets, sockets with a warn/crit finding, TX/RX
 * sums (bits/s), Send-Q/Recv-Q sums (bytes), the worst finding. Names are
 * never cut. v is scratch (the filtered order).
 */
void out_group_text(const struct frame *f, const struct out_ctx *ctx, int key, struct view *v,
		    struct strbuf *sb);
/* The same as one JSON object and a newline: {"time",...,"group_by","groups":[...]}. */
void out_group_json(const struct frame *f, const struct out_ctx *ctx, int key, struct view *v,
		    struct strbuf *sb);

#endif
