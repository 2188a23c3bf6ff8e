/* SPDX-License-Identifier: GPL-2.0-or-later */
/* batch: the non-interactive mode: N snapshots on standard output (text, JSON, prom) or a textfile. */
#ifndef TCPTOP_BATCH_H
#define TCPTOP_BATCH_H

#include <stdio.h>

#include "collector.h"
#include "opts.h"
#include "view.h"

/* Borrowed pieces main has prepared: the collector config and the user-space matcher. */
struct batch_cfg {
	const struct opts *opts;
	struct collector_cfg collector;
	view_match_fn match;
	void *match_ctx;
};

/*
 * Takes a first sample, waits one interval, then prints a frame per interval
 * (each with rates against the sample before it). Returns the exit status:
 * 0, or 1 after one line on `err` when the kernel or /proc failed.
 */
int batch_run(const struct batch_cfg *cfg, FILE *out, FILE *err);

/* The extensions the kernel must send for these options. */
uint8_t batch_needs(const struct opts *o);

#endif
