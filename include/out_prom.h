/* SPDX-License-Identifier: GPL-2.0-or-later */
/* out_prom: one frame in the Prometheus text exposition format (doc/METRICS.md). */
#ifndef TCPTOP_OUT_PROM_H
#define TCPTOP_OUT_PROM_H

#include <stddef.h>

#include "frame.h"
#include "out.h"
#include "strbuf.h"
#include "view.h"

/*
 * Every metric family of doc/METRICS.md with its HELP and TYPE, over the
 * rows the filter keeps; per-connection series for the `top` connections
 * with the most throughput (0: none). v is scratch.
 */
void out_prom_frame(const struct frame *f, const struct out_ctx *ctx, size_t top, struct view *v,
		    struct strbuf *sb);

/*
 * A label value from untrusted bytes: made printable ASCII first (sanitize_text's
 * "\xHH" escapes), then escaped as the exposition format wants (\\ and \").
 * Always NUL-terminated; an escape that does not fit is left out. Returns dst.
 */
const char *out_prom_label(char *dst, size_t dstlen, const char *src, size_t srclen);
/* Room out_prom_label needs for srclen bytes. */
#define OUT_PROM_LABEL_SIZE(srclen) ((srclen)*8 + 1)

/* The metric families' names, in output order; NULL past the end (docs and tests). */
const char *out_prom_family(size_t i);

#endif
