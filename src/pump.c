/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pump: the collector thread and the frame hand-over. */
#include "pump.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "fatal.h"
#include "filter.h"
#include "monotime.h"

#define NFRAMES 3
#define PUMP_NICE 5

struct pump {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct collector *col;
	struct frame frames[NFRAMES];
	struct frame *free_list[NFRAMES];
	int nfree;
	struct frame *ready; /* newest finished frame, not yet taken */
	struct frame *shown; /* the frame the UI holds */
	/*
	 * Live, --low-memory: one frame. At each refresh the thread asks for
	 * the shown one back (lend_asked, notified) and waits for pump_lend().
	 */
	bool lean;
	bool lend_asked;
	int fds[2]; /* notification pipe: thread writes, UI polls */
	/* requests, guarded by mu */
	double interval;
	struct diag_req req;
	bool req_changed;
	/*
	 * Filter bytecode, copied: the UI may free its filter while a dump is
	 * running with the old program. The UI fills `pending`; only the thread
	 * swaps it with `applied`, between dumps.
	 */
	unsigned char *bc_pending, *bc_applied;
	size_t bc_pending_len, bc_applied_len;
	uint64_t selected;
	int procs; /* -1: no request; 0/1: switch attribution off/on */
	int allns; /* -1: no request; 0/1: this namespace / every namespace */
	/* the UI's order: sort, direction, filter, and its generation */
	const struct column *sort;
	bool reverse;
	char *filter_text;
	bool filter_changed;
	uint64_t view_gen;
	struct filter *filter;       /* the thread's own parse of filter_text */
	struct view views[NFRAMES];  /* the order of each frame, built by the thread */
	uint64_t views_gen[NFRAMES]; /* 0: not built */
	bool kick;
	bool quit;
	bool ui_paused; /* live: the UI leaves frames untaken on purpose (pump_set_paused) */
	int status;
	/* replay control, guarded by mu */
	const struct source_pos *pos; /* the source's (thread only); NULL: live */
	struct pump_replay rp;        /* the player's state (index: of `shown`) */
	size_t index_of[NFRAMES];     /* the refresh each frame holds */
	size_t want;                  /* a goto asked for: NO_WANT none, PUMP_LAST */
	size_t inflight;    /* the goto being read (mu unlocked meanwhile): NO_WANT none */
	long after_last;    /* steps pressed while a jump to the last is unresolved */
	size_t next;        /* the refresh the next collector_step gives; NO_WANT unknown */
	size_t published;   /* the refresh of the newest frame handed over; NO_WANT none */
	struct frame *held; /* read ahead, handed over when due */
	struct timespec published_at; /* when the newest frame was handed over */
	uint64_t published_mono;      /* its recorded monotonic time */
};

#define NO_WANT ((size_t)-2)

static struct frame *take_free(struct pump *p)
{
	if (p->nfree == 0)
		fatal("pump: no free frame (invariant broken)");
	return p->free_list[--p->nfree];
}

static void give_free(struct pump *p, struct frame *f)
{
	p->free_list[p->nfree++] = f;
}

static size_t slot(const struct pump *p, const struct frame *f)
{
	return (size_t)(f - p->frames);
}

/* Sorts a finished frame the way the UI wants it (called with mu held; unlocks meanwhile). */
static void order_frame(struct pump *p, struct frame *f)
{
	const struct column *sort = p->sort;
	bool reverse = p->reverse;
	uint64_t gen = p->view_gen;
	size_t i = slot(p, f);
	struct terr e;

	p->views_gen[i] = 0;
	if (!sort)
		return;
	if (p->filter_changed) {
		filter_free(p->filter);
		p->filter = filter_parse(p->filter_text, &e); /* the UI already checked it */
		p->filter_changed = false;
	}
	pthread_mutex_unlock(&p->mu);
	view_build(&p->views[i], f, sort, reverse, p->filter ? filter_view_match : NULL, p->filter);
	pthread_mutex_lock(&p->mu);
	p->views_gen[i] = gen;
}

/* ---- replay: the recording at its recorded pace, under the UI's commands ---- */

static void notify(struct pump *p)
{
	if (write(p->fds[1], "", 1) < 0 && errno != EAGAIN)
		fatal("pump: cannot notify the UI: %s", strerror(errno));
}

static void refuse(struct pump *p, const char *msg)
{
	snprintf(p->rp.refused, sizeof(p->rp.refused), "%s", msg);
	p->rp.refused_seq++;
	notify(p);
}

/* A step or jump past the last refresh (mu held). */
static void refuse_past_end(struct pump *p)
{
	char msg[160];

	snprintf(msg, sizeof(msg), "end of recording: refresh %zu is the last", p->rp.seen);
	refuse(p, msg);
}

/* What the source says, copied where the UI reads it (mu held). */
static void sync_pos(struct pump *p)
{
	p->rp.seen = p->pos->seen;
	p->rp.all_seen = p->pos->all_seen;
	p->rp.can_go_back = p->pos->can_go_back;
	snprintf(p->rp.note, sizeof(p->rp.note), "%s", p->pos->note ? p->pos->note : "");
	snprintf(p->rp.damage, sizeof(p->rp.damage), "%s", p->pos->damage);
}

/* Hands a finished frame over to the UI (mu held). */
static void publish(struct pump *p, struct frame *f, size_t index)
{
	order_frame(p, f);
	if (p->ready)
		give_free(p, p->ready); /* the UI skipped it */
	p->ready = f;
	p->index_of[slot(p, f)] = index;
	p->published = index;
	p->published_mono = f->mono_ns;
	clock_gettime(CLOCK_MONOTONIC, &p->published_at);
	notify(p);
}

static void drop_held(struct pump *p)
{
	if (p->held)
		give_free(p, p->held);
	p->held = NULL;
}

/*
 * Reads refresh `index` into a free frame (mu held; unlocked meanwhile):
 * the frame, or NULL at the end, on damage or when the recording cannot go
 * there (the reason refused or in rp.damage).
 */
static struct frame *read_refresh(struct pump *p, size_t index)
{
	struct terr e = { { 0 } };
	struct frame *f;
	int rc = 0;

	if (p->rp.all_seen && index >= p->rp.seen) {
		p->rp.at_end = true;
		return NULL;
	}
	if (index != p->next) {
		pthread_mutex_unlock(&p->mu);
		rc = collector_seek(p->col, index, &e);
		pthread_mutex_lock(&p->mu);
		sync_pos(p);
		if (rc < 0) {
			/* a refusal leaves the source where it was; anything else moved it */
			if (p->pos->can_go_back || index > p->next)
				p->next = NO_WANT;
			if (!(p->rp.all_seen && index >= p->rp.seen))
				refuse(p, e.msg);
			else
				p->rp.at_end = true;
			return NULL;
		}
		p->next = index;
	}
	f = take_free(p);
	pthread_mutex_unlock(&p->mu);
	rc = collector_step(p->col, f);
	pthread_mutex_lock(&p->mu);
	p->status = rc;
	sync_pos(p);
	if (rc == 1 || (rc < 0 && p->pos->at_end)) {
		/* the end, or damage in the refresh: the shown frame stays */
		give_free(p, f);
		p->next = rc == 1 ? p->pos->seen : NO_WANT;
		p->rp.at_end = true;
		notify(p);
		return NULL;
	}
	p->next = p->pos->shown + 1;
	p->index_of[slot(p, f)] = p->pos->shown;
	return f;
}

/* Sleeps until woken (a command, a kick, quit) or `due` (NULL: no time limit). */
static void wait_for_work(struct pump *p, const struct timespec *due)
{
	if (p->quit || p->kick || p->want != NO_WANT)
		return;
	if (due)
		pthread_cond_timedwait(&p->cv, &p->mu, due);
	else
		pthread_cond_wait(&p->cv, &p->mu);
}

/* One turn of the replay loop (mu held). */
static void replay_turn(struct pump *p)
{
	struct timespec now, due;

	p->kick = false;
	if (p->want != NO_WANT) {
		size_t want = p->want;
		struct frame *f;

		p->want = NO_WANT;
		p->inflight = want; /* a step pressed while it is read counts from it */
		if (want == PUMP_LAST && !p->rp.all_seen) {
			if (!p->pos->can_go_back) {
				p->inflight = NO_WANT;
				refuse(p,
				       "a stream's end is not known until it is read: Right steps "
				       "forward");
				return;
			}
			/* read to the end once: then its length is known */
			read_refresh(p, NO_WANT - 1);
			p->rp.refused[0] = '\0';
		}
		if (want == PUMP_LAST) {
			size_t last = p->rp.seen ? p->rp.seen - 1 : 0;
			long d = p->after_last;

			/* steps pressed before the end was known count from it */
			p->after_last = 0;
			want = d < 0 && (size_t)-d > last ? 0 : d > 0 ? last : last - (size_t)-d;
			if (d > 0)
				refuse_past_end(p);
		}
		p->inflight = want;
		if (p->held && p->index_of[slot(p, p->held)] == want) {
			f = p->held;
			p->held = NULL;
		} else {
			drop_held(p);
			f = read_refresh(p, want);
		}
		if (f) {
			p->rp.at_end = false;
			publish(p, f, want);
		} else if (p->rp.all_seen && want >= p->rp.seen && p->published != NO_WANT) {
			p->rp.at_end = p->published + 1 >= p->rp.seen;
			refuse_past_end(p);
		}
		p->inflight = NO_WANT;
		notify(p);
		return;
	}
	/* paused, the first refresh still comes: there is something to look at */
	if ((p->rp.paused && p->published != NO_WANT) || p->rp.at_end) {
		wait_for_work(p, NULL);
		return;
	}
	if (!p->held) {
		p->held = read_refresh(p, p->published == NO_WANT ? 0 : p->published + 1);
		if (!p->held) {
			wait_for_work(p, NULL);
			return;
		}
		if (p->published == NO_WANT) {
			/* the first refresh at once */
			publish(p, p->held, p->index_of[slot(p, p->held)]);
			p->held = NULL;
			return;
		}
	}
	/* shown when the recorded gap, at this speed, has passed since the last one */
	{
		uint64_t gap = p->held->mono_ns > p->published_mono
				       ? p->held->mono_ns - p->published_mono
				       : 0;

		due = monotime_after(&p->published_at, (double)gap / 1e9 / p->rp.speed);
	}
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (!monotime_before(&now, &due)) {
		struct frame *f = p->held;

		p->held = NULL;
		publish(p, f, p->index_of[slot(p, f)]);
		return;
	}
	wait_for_work(p, &due);
}

static void *run(void *arg)
{
	struct pump *p = arg;
	struct timespec start, due, now;
	bool ended = false;

	/*
	 * Collecting is background work: on a busy host (or two cores) the UI
	 * thread must get the CPU first to answer keys. Linux nice is per thread.
	 * Lean, the UI waits for the refresh to end before it reads a key: the
	 * refresh keeps the process's priority.
	 */
	if (!p->lean && setpriority(PRIO_PROCESS, (id_t)gettid(), PUMP_NICE) < 0) {
		/* not fatal: keys are answered, only later under load */
	}

	pthread_mutex_lock(&p->mu);
	while (!p->quit) {
		struct frame *f;
		int rc = 1;

		clock_gettime(CLOCK_MONOTONIC, &start);
		if (p->req_changed) {
			unsigned char *t = p->bc_applied;

			p->bc_applied = p->bc_pending;
			p->bc_applied_len = p->bc_pending_len;
			p->bc_pending = t;
			p->req.bc = p->bc_applied_len ? p->bc_applied : NULL;
			p->req.bclen = p->bc_applied_len;
			collector_set_req(p->col, &p->req);
			p->req_changed = false;
		}
		collector_select(p->col, p->selected);
		if (p->procs >= 0) {
			collector_set_procs(p->col, p->procs == 1);
			p->procs = -1;
		}
		if (p->allns >= 0) {
			collector_set_allns(p->col, p->allns == 1);
			p->allns = -1;
		}
		if (p->pos) {
			replay_turn(p);
			continue;
		}
		p->kick = false;
		if (!ended && p->lean && !p->ready && p->shown) {
			/*
			 * One frame: the UI gives back the one it shows (a paused
			 * one keeps it: no refresh until it resumes).
			 */
			p->lend_asked = true;
			notify(p);
			while (p->shown && !p->quit)
				pthread_cond_wait(&p->cv, &p->mu);
			p->lend_asked = false;
			if (p->quit)
				break;
		}
		if (!ended) {
			/*
			 * A frame a paused UI did not take is refilled: a live view
			 * never fills more than the one it shows and this one (the
			 * third is the replay's read-ahead). Lean, the free frame
			 * taken is the one the UI just lent (the free list is a
			 * stack): the arrays it grew are reused.
			 */
			f = p->ready ? p->ready : take_free(p);
			p->ready = NULL;
			pthread_mutex_unlock(&p->mu);
			rc = collector_step(p->col, f);
			pthread_mutex_lock(&p->mu);
			p->status = rc;
			if (rc == 1 && !p->lean) {
				/*
				 * end of a recording: keep showing the last frame (a
				 * refilled one the UI never took was emptied already)
				 */
				give_free(p, f);
				ended = true;
			} else {
				/*
				 * Lean, a recording read without the player (tests; a
				 * live source does not end) ends with the frame it
				 * emptied handed over: the UI lent its own and is
				 * never left without one.
				 */
				ended = rc == 1;
				order_frame(p, f);
				p->ready = f;
			}
			notify(p);
		}
		/* the end of a recording read without the player: nothing more to do */
		while (ended && !p->quit)
			pthread_cond_wait(&p->cv, &p->mu);
		/* Sleep until the next tick, a kick, a new interval or quit. */
		for (;;) {
			due = monotime_after(&start, p->interval);
			clock_gettime(CLOCK_MONOTONIC, &now);
			if (p->quit || p->kick || !monotime_before(&now, &due))
				break;
			pthread_cond_timedwait(&p->cv, &p->mu, &due);
		}
		/*
		 * A frame the UI has not taken yet waits for it: refilling it would
		 * throw away a refresh the UI never saw, and a refresh slower than
		 * the interval (a million sockets, a loaded host, -d 0.05) would take
		 * back every frame it finished before the UI could take it, so the
		 * view would never change. Refreshes then come as fast as they are
		 * made. A kick (a new filter, p, a) waits too: the UI takes the
		 * frame within a poll, and the kicked refresh starts right after.
		 * Only a paused UI leaves frames untaken on purpose: its frame is
		 * refilled at every tick, so the view resumes with a fresh one.
		 */
		while (p->ready && !p->ui_paused && !p->quit)
			pthread_cond_wait(&p->cv, &p->mu);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

struct pump *pump_start(struct collector *c, double interval, const struct source_pos *pos,
			bool lean, struct terr *e)
{
	struct pump *p = xcalloc(1, sizeof(*p));
	pthread_condattr_t ca;

	p->col = c;
	p->interval = interval;
	p->pos = pos && collector_is_replay(c) ? pos : NULL;
	p->lean = lean && !p->pos;
	p->rp.active = p->pos != NULL;
	p->rp.speed = 1.0;
	p->rp.can_go_back = p->pos && p->pos->can_go_back;
	p->want = NO_WANT;
	p->inflight = NO_WANT;
	p->next = 0;
	p->published = NO_WANT;
	p->procs = -1;
	p->allns = -1;
	for (int i = 0; i < NFRAMES; i++)
		give_free(p, &p->frames[i]);
	if (pipe2(p->fds, O_CLOEXEC | O_NONBLOCK) < 0) {
		terr_set(e, "pipe: %s", strerror(errno));
		free(p);
		return NULL;
	}
	pthread_mutex_init(&p->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&p->cv, &ca);
	pthread_condattr_destroy(&ca);
	if (pthread_create(&p->thread, NULL, run, p) != 0) {
		terr_set(e, "cannot start the collector thread");
		close(p->fds[0]);
		close(p->fds[1]);
		free(p);
		return NULL;
	}
	return p;
}

int pump_stop(struct pump *p, struct terr *e)
{
	int ret;

	pthread_mutex_lock(&p->mu);
	p->quit = true;
	pthread_cond_signal(&p->cv);
	pthread_mutex_unlock(&p->mu);
	pthread_join(p->thread, NULL);
	ret = collector_close(p->col, e);
	for (int i = 0; i < NFRAMES; i++)
		frame_free(&p->frames[i]);
	close(p->fds[0]);
	close(p->fds[1]);
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->cv);
	free(p->bc_pending);
	free(p->bc_applied);
	for (int i = 0; i < NFRAMES; i++)
		view_free(&p->views[i]);
	filter_free(p->filter);
	free(p->filter_text);
	free(p);
	return ret;
}

int pump_fd(const struct pump *p)
{
	return p->fds[0];
}

void pump_drain(struct pump *p)
{
	char buf[64];

	while (read(p->fds[0], buf, sizeof(buf)) > 0)
		;
}

const struct frame *pump_take(struct pump *p)
{
	struct frame *f = NULL;

	pump_drain(p);
	pthread_mutex_lock(&p->mu);
	if (p->ready) {
		if (p->shown)
			give_free(p, p->shown);
		p->shown = p->ready;
		p->ready = NULL;
		f = p->shown;
		pthread_cond_signal(&p->cv); /* a thread waiting for it to be taken */
	}
	pthread_mutex_unlock(&p->mu);
	return f;
}

bool pump_lend(struct pump *p)
{
	bool lent = false;

	pthread_mutex_lock(&p->mu);
	if (p->lend_asked && p->shown && !p->ready) {
		give_free(p, p->shown);
		p->shown = NULL;
		lent = true;
		pthread_cond_signal(&p->cv);
	}
	pthread_mutex_unlock(&p->mu);
	return lent;
}

void pump_set_paused(struct pump *p, bool paused)
{
	pthread_mutex_lock(&p->mu);
	p->ui_paused = paused;
	pthread_cond_signal(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

int pump_status(struct pump *p)
{
	int s;

	pthread_mutex_lock(&p->mu);
	s = p->status;
	pthread_mutex_unlock(&p->mu);
	return s;
}

void pump_set_interval(struct pump *p, double seconds)
{
	pthread_mutex_lock(&p->mu);
	p->interval = seconds;
	pthread_cond_signal(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

void pump_set_req(struct pump *p, const struct diag_req *req)
{
	pthread_mutex_lock(&p->mu);
	p->req = *req;
	p->bc_pending = xrealloc(p->bc_pending, req->bclen ? req->bclen : 1);
	if (req->bclen)
		memcpy(p->bc_pending, req->bc, req->bclen);
	p->bc_pending_len = req->bclen;
	p->req_changed = true;
	pthread_mutex_unlock(&p->mu);
}

void pump_select(struct pump *p, uint64_t cookie)
{
	pthread_mutex_lock(&p->mu);
	p->selected = cookie;
	pthread_mutex_unlock(&p->mu);
}

void pump_set_procs(struct pump *p, bool on)
{
	pthread_mutex_lock(&p->mu);
	p->procs = on ? 1 : 0;
	pthread_mutex_unlock(&p->mu);
}

void pump_set_allns(struct pump *p, bool on)
{
	pthread_mutex_lock(&p->mu);
	p->allns = on ? 1 : 0;
	pthread_mutex_unlock(&p->mu);
}

void pump_set_view(struct pump *p, uint64_t gen, const struct column *sort, bool reverse,
		   const char *filter_text)
{
	pthread_mutex_lock(&p->mu);
	p->view_gen = gen;
	p->sort = sort;
	p->reverse = reverse;
	if (strcmp(filter_text ? filter_text : "", p->filter_text ? p->filter_text : "") != 0) {
		free(p->filter_text);
		p->filter_text = filter_text ? xstrdup(filter_text) : NULL;
		p->filter_changed = true;
	}
	pthread_mutex_unlock(&p->mu);
}

struct view *pump_order(struct pump *p, uint64_t *gen)
{
	struct view *v = NULL;

	pthread_mutex_lock(&p->mu);
	*gen = 0;
	if (p->shown) {
		*gen = p->views_gen[slot(p, p->shown)];
		v = &p->views[slot(p, p->shown)];
		/* the caller takes it: 12 bytes a row not copied, nor kept twice */
		p->views_gen[slot(p, p->shown)] = 0;
	}
	pthread_mutex_unlock(&p->mu);
	return v;
}

void pump_kick(struct pump *p)
{
	pthread_mutex_lock(&p->mu);
	p->kick = true;
	pthread_cond_signal(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

void pump_replay_pause(struct pump *p, bool paused)
{
	pthread_mutex_lock(&p->mu);
	if (p->rp.paused && !paused)
		/* the next refresh comes its recorded gap after now, not at once */
		clock_gettime(CLOCK_MONOTONIC, &p->published_at);
	p->rp.paused = paused;
	pthread_cond_signal(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

void pump_replay_speed(struct pump *p, double speed)
{
	pthread_mutex_lock(&p->mu);
	p->rp.speed = speed < PUMP_SPEED_MIN   ? PUMP_SPEED_MIN
		      : speed > PUMP_SPEED_MAX ? PUMP_SPEED_MAX
					       : speed;
	pthread_cond_signal(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

void pump_replay_goto(struct pump *p, size_t index)
{
	pthread_mutex_lock(&p->mu);
	p->want = index;
	if (index != PUMP_LAST)
		p->after_last = 0; /* steps before it were relative to an end no longer asked */
	pthread_cond_signal(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

void pump_replay_step(struct pump *p, long delta)
{
	size_t base;

	pthread_mutex_lock(&p->mu);
	/* from a step or jump still pending or being read, so that quick presses add up */
	if (p->want != NO_WANT && p->want != PUMP_LAST)
		base = p->want;
	else if (p->inflight != NO_WANT && p->inflight != PUMP_LAST)
		base = p->inflight;
	else
		base = p->published != NO_WANT ? p->published : 0;
	p->rp.paused = true;
	if (p->want == PUMP_LAST || (p->want == NO_WANT && p->inflight == PUMP_LAST)) {
		/* the end is not known yet: the jump applies the step once it is */
		p->after_last += delta;
		pthread_mutex_unlock(&p->mu);
		return;
	}
	if (delta < 0 && base == 0)
		refuse(p, "this is the first refresh of the recording");
	else if (delta < 0 && (size_t)-delta > base)
		p->want = 0;
	else
		p->want = (size_t)((long)base + delta);
	pthread_cond_signal(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

void pump_replay_state(struct pump *p, struct pump_replay *out)
{
	pthread_mutex_lock(&p->mu);
	*out = p->rp;
	out->shown = p->shown != NULL;
	out->index = p->shown ? p->index_of[slot(p, p->shown)] : 0;
	/* at the end only once the last frame is the one on the screen */
	out->at_end = p->shown && p->ready == NULL &&
		      (p->rp.at_end || (p->rp.all_seen && out->index + 1 >= p->rp.seen));
	pthread_mutex_unlock(&p->mu);
}
