/* batch: N snapshots on standard output. */
#include "batch.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "column.h"
#include "diagnose.h"
#include "group.h"
#include "out_group.h"
#include "out.h"
#include "sanitize.h"
#include "sigs.h"
#include "stdfds.h"
#include "strbuf.h"

uint8_t batch_needs(const struct opts *o)
{
	uint8_t needs;

	/*
	 * JSON carries every column; text the chosen ones, the sort key, the
	 * listeners, and the findings section (the diagnosis reads tcp_info and
	 * skmem whatever columns are shown).
	 */
	if (o->out == OUT_JSON)
		return DIAG_EXT_INFO | DIAG_EXT_SKMEM | DIAG_EXT_CONG;
	needs = column_needs(o->cols, o->ncols) | DIAGNOSE_NEEDS;
	needs |= column_needs(column_listen_view, column_listen_view_len);
	needs |= o->sort->needs;
	return needs;
}

/* Sleeps until t, or until INT, TERM or HUP asks the loop to stop. */
static void sleep_until(const struct timespec *t)
{
	while (!sigs_exit_signal() &&
	       clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, t, NULL) == EINTR)
		;
}

static void advance(struct timespec *t, double secs)
{
	double whole = floor(secs);

	t->tv_sec += (time_t)whole;
	t->tv_nsec += (long)((secs - whole) * 1e9);
	if (t->tv_nsec >= 1000000000L) {
		t->tv_sec++;
		t->tv_nsec -= 1000000000L;
	}
}

/*
 * One line on err. Messages can quote raw input (a recorded file, a /proc
 * read, a kernel message): sanitised here, at the sink, so no escape reaches
 * the terminal.
 */
static void say(FILE *err, const char *what, const char *msg)
{
	char safe[SANITIZE_SIZE(512)];

	fprintf(err, "tcptop: %s%s\n", what, sanitize_line(safe, sizeof(safe), msg));
}

static int fail(struct collector *c, FILE *err, const char *msg)
{
	struct terr e;

	say(err, "", msg);
	if (collector_close(c, &e) < 0)
		say(err, "", e.msg);
	return 1;
}

/* One frame to the output; 0, or -1 after one line on err (EPIPE, ENOSPC, ...). */
static int emit(FILE *out, FILE *err, const struct strbuf *sb)
{
	errno = 0;
	if (fwrite(sb->s, 1, sb->len, out) != sb->len || fflush(out) != 0) {
		fprintf(err, "tcptop: cannot write the output: %s\n",
			errno ? strerror(errno) : "write error");
		return -1;
	}
	return 0;
}

int batch_run(const struct batch_cfg *cfg, FILE *out, FILE *err)
{
	const struct opts *o = cfg->opts;
	struct frame frames[2];
	struct frame *cur = &frames[0], *prev = &frames[1];
	struct view v = { 0 };
	struct strbuf sb = STRBUF_INIT;
	struct out_ctx ctx;
	struct timespec next;
	struct collector *c;
	struct terr e = { { 0 } };
	long todo = o->frames < 0 ? 1 : o->frames; /* 0: until interrupted */
	int status = 0, r;

	/* INT, TERM, HUP stop the loop so the recording is closed; PIPE becomes EPIPE */
	sigs_install(&(struct sigs_cfg){ .restore = NULL, .wake_fd = -1 });
	/* main does this first thing; again here (a no-op then) so no socket can take fd 1 */
	if (stdfds_reserve() < 0) {
		fprintf(err, "tcptop: cannot open /dev/null: %s\n", strerror(errno));
		return 1;
	}
	if (stdfds_was_closed(fileno(out))) {
		fprintf(err, "tcptop: cannot write the output: standard output is closed\n");
		return 1;
	}
	memset(frames, 0, sizeof(frames));
	c = collector_new(&cfg->collector, &e);
	if (!c) {
		say(err, "", e.msg);
		return 1;
	}
	ctx = (struct out_ctx){ collector_hostname(c),
				collector_kernel(c),
				o->cols,
				o->ncols,
				o->sort,
				o->reverse,
				o->filter,
				cfg->match,
				cfg->match_ctx };
	clock_gettime(CLOCK_MONOTONIC, &next);
	/* The first sample only primes the rates: every printed frame has them. */
	r = collector_step(c, prev);
	if (r < 0 || r == 1) {
		if (r == 1 && prev->status[0])
			say(err, "", prev->status);
		status = fail(c, err,
			      r == 1 ? "the recording holds no complete refresh" : prev->status);
		goto out;
	}
	for (long i = 0; todo == 0 || i < todo; i++) {
		if (!collector_is_replay(c)) {
			advance(&next, o->interval);
			sleep_until(&next);
		}
		if (sigs_exit_signal())
			break;
		r = collector_step(c, cur);
		if (r == 1) {
			/* end of the recording; a cut one says where it ends */
			if (cur->status[0])
				say(err, "warning: ", cur->status);
			break;
		}
		if (r < 0) {
			status = fail(c, err, cur->status);
			goto out;
		}
		sb_reset(&sb);
		if (o->group_by != GROUP_NONE && o->out == OUT_JSON)
			out_group_json(cur, &ctx, o->group_by, &v, &sb);
		else if (o->group_by != GROUP_NONE)
			out_group_text(cur, &ctx, o->group_by, &v, &sb);
		else if (o->out == OUT_JSON)
			out_json_frame(cur, &ctx, &v, &sb);
		else
			out_text_frame(cur, &ctx, &v, &sb);
		if (o->out == OUT_TEXT && (todo == 0 || i + 1 < todo))
			sb_putc(&sb, '\n');
		if (emit(out, err, &sb) < 0) {
			status = 1;
			break;
		}
		struct frame *t = prev;
		prev = cur;
		cur = t;
	}
	if (collector_close(c, &e) < 0) {
		say(err, "", e.msg);
		status = 1;
	}
	/* stopped by a signal: the files are closed; the status says which one */
	if (status == 0 && sigs_exit_signal())
		status = 128 + sigs_exit_signal();
out:
	frame_free(&frames[0]);
	frame_free(&frames[1]);
	view_free(&v);
	sb_free(&sb);
	return status;
}
