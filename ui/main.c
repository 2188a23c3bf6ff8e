/* SPDX-License-Identifier: GPL-2.0-or-later */
/* main: parses the command line and starts batch mode or the interactive view. */
#include <curses.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app.h"
#include "batch.h"
#include "column.h"
#include "conn.h"
#include "filter.h"
#include "netns.h"
#include "opts.h"
#include "privs.h"
#include "sanitize.h"
#include "stdfds.h"
#include "terr.h"
#include "tunables.h"
#include "version.h"

/* One line on stderr: messages quote what the user typed and what the system said. */
static void complain(const char *msg)
{
	char safe[sizeof(((struct terr *)0)->msg) * 4 + 1];

	fprintf(stderr, "tcptop: %s\n", sanitize_line(safe, sizeof(safe), msg));
}

int main(int argc, char **argv)
{
	struct opts o;
	struct terr e = { { 0 } };
	struct batch_cfg bc = { 0 };
	char nsname[NETNS_NAME_LEN];
	struct filter *flt;
	struct tunables_host host;
	bool keep_host = false;
	int status;

	/* before anything opens a file or a socket, so none can take fd 0, 1 or 2 */
	if (stdfds_reserve() < 0) {
		fputs("tcptop: cannot open /dev/null to hold a closed standard descriptor\n",
		      stderr);
		return 1;
	}
	if (opts_parse(&o, argc, argv, &e) < 0) {
		complain(e.msg);
		opts_free(&o);
		return 2;
	}
	if (o.action == OPTS_HELP) {
		opts_usage(stdout);
		opts_free(&o);
		return stdfds_finish(stdout) < 0 ? 1 : 0;
	}
	if (o.action == OPTS_VERSION) {
		struct version_probe vp;

		version_probe(&vp);
		version_write(stdout, &vp, curses_version());
		opts_free(&o);
		return stdfds_finish(stdout) < 0 ? 1 : 0;
	}
	/* NULL without an error: no filter (none given, or blank). */
	flt = filter_parse(o.filter, &e);
	if (!flt && terr_isset(&e)) {
		complain(e.msg);
		opts_free(&o);
		return 2;
	}
	if (!flt) {
		/* blank text is no filter: outputs say null, not "   " */
		free(o.filter);
		o.filter = NULL;
	}
	/* proc and pid match the process attribution: it must exist and stay on */
	if (filter_needs_procs(flt)) {
		const char *why = o.replay_path          ? "a recording holds no process data"
				  : o.procs == PROCS_OFF ? "--no-processes turns it off"
							 : NULL;

		if (why) {
			fprintf(stderr,
				"tcptop: the filter's proc/pid need process attribution: %s\n",
				why);
			filter_free(flt);
			opts_free(&o);
			return 2;
		}
		o.procs = PROCS_ON;
		/* not an error: the user's own processes still match (the TUI says it on its status line) */
		const char *note = filter_privilege_note(flt, privs_read_all_procs());

		if (note && o.batch)
			fprintf(stderr, "tcptop: warning: %s\n", note);
	}
	/* -N all stays where it is and enters each namespace from the collector */
	if (o.netns && !strcmp(o.netns, "all")) {
		bc.collector.allns = true;
		o.netns = NULL;
		/* which namespace a socket is in is the first question then: Netns leads */
		if (!(o.given & OPTS_GIVEN_COLUMNS) && o.ncols < COL_N) {
			memmove(o.cols + 1, o.cols, o.ncols * sizeof(o.cols[0]));
			o.cols[0] = COL_NETNS;
			o.ncols++;
		}
	}
	/*
	 * Before anything opens a socket or starts a thread: setns moves only
	 * the calling thread, and the netlink socket belongs to the namespace
	 * it was created in.
	 */
	if (o.netns) {
		/* tcp_mem and tcp_max_orphans exist only in the host's /proc/sys: keep it open */
		keep_host = true;
		if (netns_enter_keeping_host(o.netns, getenv("PROC_ROOT"), &host, &e) < 0) {
			complain(e.msg);
			tunables_host_close(&host);
			filter_free(flt);
			opts_free(&o);
			return 2;
		}
		bc.collector.host = &host;
	}
	bc.opts = &o;
	if (bc.collector.allns) {
		snprintf(nsname, sizeof(nsname), "all");
		bc.collector.netns = nsname;
	} else if (!o.replay_path) {
		netns_describe(o.netns, nsname, sizeof(nsname));
		bc.collector.netns = nsname;
	}
	bc.collector.procs = o.procs;
	bc.collector.src.proc_root = getenv("PROC_ROOT");
	bc.collector.src.replay_path = o.replay_path;
	bc.collector.src.record_path = o.record_path;
	bc.collector.closed.off = o.no_closed;
	bc.collector.closed.log_path = o.closed_log;
	bc.collector.req.states = TS_ALL_MASK;
	bc.collector.req.ext = batch_needs(&o);
	filter_kernel_req(flt, &bc.collector.req);
	if (flt) {
		bc.match = filter_view_match;
		bc.match_ctx = flt;
	}
	/* interactive only on a terminal, like top */
	if (!o.batch && isatty(STDIN_FILENO) && isatty(STDOUT_FILENO)) {
		struct app_cfg ac = { 0 };

		setlocale(LC_ALL, "");
		ac.opts = &o;
		ac.collector = bc.collector;
		ac.filter = flt; /* the app owns it now: the user may replace it */
		status = app_run(&ac);
	} else {
		status = batch_run(&bc, stdout, stderr);
		filter_free(flt);
	}
	if (keep_host)
		tunables_host_close(&host);
	opts_free(&o);
	return status;
}
