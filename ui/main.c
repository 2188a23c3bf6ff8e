/* main: parses the command line and starts batch mode or the interactive view. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "batch.h"
#include "conn.h"
#include "filter.h"
#include "opts.h"
#include "terr.h"

int main(int argc, char **argv)
{
	struct opts o;
	struct terr e = { { 0 } };
	struct batch_cfg bc = { 0 };
	struct filter *flt;
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
	/* NULL without an error: no filter (none given, or blank). */
	flt = filter_parse(o.filter, &e);
	if (!flt && terr_isset(&e)) {
		fprintf(stderr, "tcptop: %s\n", e.msg);
		opts_free(&o);
		return 2;
	}
	bc.opts = &o;
	bc.collector.src.proc_root = getenv("PROC_ROOT");
	bc.collector.src.replay_path = o.replay_path;
	bc.collector.src.record_path = o.record_path;
	bc.collector.req.states = TS_ALL_MASK;
	bc.collector.req.ext = batch_needs(&o);
	filter_kernel_req(flt, &bc.collector.req);
	if (flt) {
		bc.match = filter_view_match;
		bc.match_ctx = flt;
	}
	status = batch_run(&bc, stdout, stderr);
	filter_free(flt);
	opts_free(&o);
	return status;
}
