/* SPDX-License-Identifier: GPL-2.0-or-later */
/* app: the interactive program: terminal, collector thread, keys, signals. */
#ifndef TCPTOP_APP_H
#define TCPTOP_APP_H

#include "collector.h"
#include "opts.h"
#include "ui.h"

struct filter;

/* What main prepared; borrowed, except the filter. */
struct app_cfg {
	const struct opts *opts;
	struct collector_cfg collector; /* its request already carries the filter's kernel part */
	struct filter *filter;          /* owned by the app from here on; NULL: none */
	const char *netns;              /* display name, or NULL */
};

/* Runs until q or a signal; returns the exit status. */
int app_run(const struct app_cfg *cfg);

#endif
