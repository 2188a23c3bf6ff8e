/* SPDX-License-Identifier: GPL-2.0-or-later */
/* batch: N snapshots on standard output. */
#include "batch.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "column.h"
#include "diagnose.h"
#include "group.h"
#include "monotime.h"
#include "out_group.h"
#include "out.h"
#include "outfmt.h"
#include "sanitize.h"
#include "sigs.h"
#include "stdfds.h"
#include "strbuf.h"
#include "textfile.h"

/* The writer for these options (opts refused the combinations without one). */
static const struct outfmt *writer_of(const struct opts *o)
{
	return outfmt_find(o->out, o->group_by != GROUP_NONE);
}

uint8_t batch_needs(const struct opts *o)
{
	return outfmt_needs(writer_of(o), o->cols, o->ncols, o->sort, 0);
}

/*
 * Sleeps until t, or until INT, TERM or HUP asks the loop to stop. Refreshes
 * keep to the grid of intervals from the first; one more than a quarter
 * interval late (a refresh slower than the interval, a process stopped and
 * continued) moves the grid to now: that refresh is late, and no burst of
 * refreshes a few ms apart follows it to catch up (none is ever less than
 * 3/4 of an interval after the one before).
 */
static void sleep_until(struct timespec *t, double interval)
{
	struct timespec now;

	while (!sigs_exit_signal() &&
	       clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, t, NULL) == EINTR)
		;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (monotime_secs(t, &now) > interval / 4)
		*t = now;
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

/* The writers hand finished rows on (sb_flush_point): straight to the output. */
static int flush_rows(const char *s, size_t n, void *arg)
{
	errno = 0;
	return fwrite(s, 1, n, arg) == n ? 0 : -1;
}

/* One frame to the output; 0, or -1 after one line on err (EPIPE, ENOSPC, ...). */
static int emit(FILE *out, FILE *err, const struct strbuf *sb)
{
	errno = sb->flush_errno;
	if (sb->flush_errno || fwrite(sb->s, 1, sb->len, out) != sb->len || fflush(out) != 0) {
		fprintf(err, "tcptop: cannot write the output: %s\n",
			errno ? strerror(errno) : "write error");
		return -1;
	}
	return 0;
}

int batch_run(const struct batch_cfg *cfg, FILE *out, FILE *err)
{
	const struct opts *o = cfg->opts;
	/* one frame, reused: the model keeps what the rates need of the previous refresh */
	struct frame fr = { 0 };
	struct frame *cur = &fr;
	struct view v = { 0 };
	struct strbuf sb = STRBUF_INIT;
	struct out_ctx ctx;
	struct timespec next;
	struct collector *c;
	struct terr e = { { 0 } };
	const struct outfmt *w = writer_of(o);
	struct outfmt_args args;
	struct textfile tf = { 0 };
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
	/* before the collector: a wrong directory is one line, with nothing started */
	if (o->textfile_dir && textfile_open(&tf, o->textfile_dir, &e) < 0) {
		say(err, "", e.msg);
		return 1;
	}
	c = collector_new(&cfg->collector, &e);
	if (!c) {
		/* a signal while a stream's first bytes were awaited: stopped, not failed */
		status = sigs_exit_signal() ? 128 + sigs_exit_signal() : 1;
		if (status == 1)
			say(err, "", e.msg);
		textfile_close(&tf);
		return status;
	}
	ctx = (struct out_ctx){ collector_hostname(c),
				collector_kernel(c),
				o->cols,
				o->ncols,
				o->sort,
				o->reverse,
				o->filter,
				cfg->match,
				cfg->match_ctx,
				NULL };
	args = (struct outfmt_args){ &ctx, o->group_by, o->prom_top };
	clock_gettime(CLOCK_MONOTONIC, &next);
	/* The first sample only primes the rates: every printed frame has them (no diagnosis). */
	r = collector_prime(c, cur);
	if (r < 0 && sigs_exit_signal())
		goto stopped;
	if (r < 0 || r == 1) {
		char why[sizeof(cur->status) + 64];

		/* one line: a recording cut inside its first refresh says where */
		snprintf(why, sizeof(why), "the recording holds no complete refresh%s%.*s%s",
			 cur->status[0] ? " (" : "", (int)sizeof(cur->status), cur->status,
			 cur->status[0] ? ")" : "");
		status = fail(c, err, r == 1 ? why : cur->status);
		goto out;
	}
	for (long i = 0; todo == 0 || i < todo; i++) {
		if (!collector_is_replay(c)) {
			next = monotime_after(&next, o->interval);
			sleep_until(&next, o->interval);
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
		if (r < 0 && sigs_exit_signal())
			break; /* a stream's wait, given up for the signal */
		if (r < 0) {
			status = fail(c, err, cur->status);
			goto out;
		}
		/* the last frame: nothing will be compared with it, its sort need not stack on that */
		if (todo && i + 1 == todo)
			collector_forget(c);
		sb_reset(&sb);
		/* a stream gets rows as they are made; a textfile is renamed whole */
		if (!tf.path)
			sb_set_flush(&sb, 1 << 16, flush_rows, out);
		w->write(cur, &args, &v, &sb);
		if (tf.path) {
			if (textfile_write(&tf, sb.s, sb.len, &e) < 0) {
				say(err, "", e.msg);
				status = 1;
				break;
			}
		} else {
			if (todo == 0 || i + 1 < todo)
				sb_puts(&sb, w->sep);
			if (emit(out, err, &sb) < 0) {
				status = 1;
				break;
			}
		}
	}
stopped:
	if (collector_close(c, &e) < 0) {
		say(err, "", e.msg);
		status = 1;
	}
	/* stopped by a signal: the files are closed; the status says which one */
	if (status == 0 && sigs_exit_signal())
		status = 128 + sigs_exit_signal();
out:
	textfile_close(&tf);
	frame_free(&fr);
	view_free(&v);
	sb_free(&sb);
	return status;
}
