/* app: the interactive program: terminal, collector thread, keys, signals. */
#ifndef TCPTOP_APP_H
#define TCPTOP_APP_H

#include "collector.h"
#include "opts.h"
#include "ui.h"

/* What main prepared; borrowed. */
struct app_cfg {
	const struct opts *opts;
	struct collector_cfg collector;
	ui_filter_fn apply_filter; /* NULL: no filter support */
	ui_match_fn match;         /* user-space matcher of the initial filter */
	void *filter_ctx;
	/* the kernel request to use after the filter changed (called on R_FILTER) */
	void (*filter_req)(void *ctx, struct diag_req *req);
	const char *netns; /* display name, or NULL */
};

/* Runs until q or a signal; returns the exit status. */
int app_run(const struct app_cfg *cfg);

#endif
