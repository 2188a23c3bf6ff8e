/* main: parses the command line and starts batch mode or the interactive view. */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "app.h"
#include "batch.h"
#include "conn.h"
#include "opts.h"
#include "terr.h"

int main(int argc, char **argv)
{
	struct opts o;
	struct terr e = { { 0 } };
	struct batch_cfg bc = { 0 };
	int status;

	if (opts_parse(&o, argc, argv, &e) < 0) {
		fprintf(stderr, "tcptop: %s\n", e.msg);
		opts_free(&o);
		return 2;
	}
	if (o.action == OPTS_HELP) {
		opts_usage(stdout);
		opts_free(&o);
		return 0;
	}
	if (o.action == OPTS_VERSION) {
		printf("tcptop %s\n", TCPTOP_VERSION);
		opts_free(&o);
		return 0;
	}
	if (o.filter) {
		fprintf(stderr, "tcptop: filters are not supported yet: '%s'\n", o.filter);
		opts_free(&o);
		return 2;
	}
	bc.opts = &o;
	bc.collector.src.proc_root = getenv("PROC_ROOT");
	bc.collector.src.replay_path = o.replay_path;
	bc.collector.src.record_path = o.record_path;
	bc.collector.req.states = TS_ALL_MASK;
	bc.collector.req.ext = batch_needs(&o);
	/* interactive only on a terminal, like top */
	if (!o.batch && isatty(STDIN_FILENO) && isatty(STDOUT_FILENO)) {
		struct app_cfg ac = { 0 };

		setlocale(LC_ALL, "");
		ac.opts = &o;
		ac.collector = bc.collector;
		status = app_run(&ac);
	} else {
		status = batch_run(&bc, stdout, stderr);
	}
	opts_free(&o);
	return status;
}
