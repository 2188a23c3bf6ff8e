/* SPDX-License-Identifier: GPL-2.0-or-later */
/* collector: one refresh end to end. */
#include "collector.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "counters.h"
#include "diagnose.h"
#include "fatal.h"
#include "model.h"
#include "nsset.h"
#include "privs.h"
#include "procmap.h"
#include "sockstat.h"
#include "strbuf.h"
#include "tunables.h"

/* Auto-off: the scan may take this share of the interval ... */
#define PROCS_BUDGET 0.25
/* ... and is turned off after this many refreshes in a row over it. */
#define PROCS_OVER_MAX 2

struct collector {
	struct source *src;
	struct model *model;
	struct diagnoser *diagnoser;
	struct diag_req req;
	struct strbuf buf; /* file reads, reused */

	char *proc_root;
	const char *netns;
	const struct tunables_host *host;
	struct procmap *procmap; /* created on first use */
	bool allns;
	uint64_t selected;   /* its whole tcp_info is kept (sample.kept_ti) */
	bool replay_allns;   /* the recording being replayed is of -N all */
	struct nsset *nsset; /* -N all: created on first use, in the collector's thread */
	char nsset_error[160];
	enum procs_mode procs;
	bool procs_auto_off; /* AUTO turned it off: it could not keep up */
	bool procs_fresh;    /* the next scan reads everything: not held against the budget */
	int procs_over;      /* refreshes in a row over the budget */
	char procs_off_why[128];
	char procs_error[160]; /* /proc could not be opened */
	struct closed_watch *closed;
	bool primed; /* after a seek: the next step first replays the refresh before */
};

/*
 * A listener's SYN queue is counted from its SYN-RECV request sockets: when
 * listeners are asked for (a filter like "state listen"), ask for those too.
 * They only add to the dump; the user-space matcher still hides them.
 */
static struct diag_req with_requests(const struct diag_req *req)
{
	struct diag_req r = *req;

	if (r.states & (1u << TS_LISTEN))
		r.states |= 1u << TS_SYN_RECV;
	return r;
}

struct collector *collector_new(const struct collector_cfg *cfg, struct terr *e)
{
	struct collector *c = xcalloc(1, sizeof(*c));
	struct closed_cfg ccfg;

	c->src = source_open(&cfg->src, e);
	if (!c->src) {
		free(c);
		return NULL;
	}
	c->model = model_new();
	c->diagnoser = diagnose_new();
	c->req = with_requests(&cfg->req);
	/* the same proc root the source reads its files from */
	c->proc_root =
		xstrdup(cfg->src.proc_root && *cfg->src.proc_root ? cfg->src.proc_root : "/proc");
	c->netns = cfg->netns;
	c->host = cfg->host;
	c->procs = cfg->procs;
	c->procs_fresh = true;
	c->allns = cfg->allns && !source_is_replay(c->src);
	/* the closed-connection log is a stream like the recording: the same stop ends its wait */
	ccfg = cfg->closed;
	if (!ccfg.stop)
		ccfg.stop = cfg->src.stop;
	c->closed = closed_new(&ccfg, c->src, e);
	if (!c->closed) {
		struct terr ce = { { 0 } };

		collector_close(c, &ce);
		return NULL;
	}
	return c;
}

int collector_close(struct collector *c, struct terr *e)
{
	int ret;

	if (!c)
		return 0;
	ret = source_close(c->src, e);
	closed_free(c->closed);
	model_free(c->model);
	procmap_free(c->procmap);
	nsset_free(c->nsset);
	free(c->proc_root);
	diagnose_free(c->diagnoser);
	sb_free(&c->buf);
	free(c);
	return ret;
}

void collector_set_req(struct collector *c, const struct diag_req *req)
{
	c->req = with_requests(req);
}

void collector_select(struct collector *c, uint64_t cookie)
{
	model_select(c->model, cookie);
	collector_keep_info(c, cookie);
}

void collector_keep_info(struct collector *c, uint64_t cookie)
{
	c->selected = cookie;
}

static void note(struct frame *f, const struct terr *e)
{
	if (!f->status[0] && terr_isset(e))
		snprintf(f->status, sizeof(f->status), "%s", e->msg);
}

static int read_counters(struct collector *c, struct frame *f, const char *rel)
{
	struct terr e = { { 0 } };

	if (source_read(c->src, rel, &c->buf, &e) < 0) {
		note(f, &e);
		return -1;
	}
	if (counters_parse(&f->counters, c->buf.s ? c->buf.s : "", c->buf.len, &e) > 0) {
		terr_prefix(&e, "%s", rel);
		note(f, &e);
	}
	return 0;
}

static void read_tunables(struct collector *c, struct frame *f)
{
	for (int i = 0; i < TUN_N; i++) {
		struct terr e;

		if (tunable_def(i)->host_only && c->host && !source_is_replay(c->src)) {
			tunables_host_read(c->host, i, &f->tun);
			continue;
		}
		/* A sysctl an older kernel (or a namespace, for host-only ones) lacks is unavailable. */
		if (source_read(c->src, tunable_def(i)->path, &c->buf, &e) == 0)
			f->tun.n[i] = (uint8_t)tunables_parse_value(sb_str(&c->buf), f->tun.v[i]);
	}
}

/*
 * /proc/net/sockstat and sockstat6 (TCP counts, TCP memory). Like a sysctl,
 * a file that cannot be read leaves its values unknown (JSON null, the
 * memory findings silent) rather than failing the refresh: sockstat6 is
 * missing without IPv6, a recording made before tcptop read them has
 * neither, and a proc root may be a partial copy.
 */
static void read_sockstat(struct collector *c, struct frame *f)
{
	static const char *const files[] = { "net/sockstat", "net/sockstat6" };

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		struct terr e = { { 0 } };

		if (source_read(c->src, files[i], &c->buf, &e) < 0)
			continue;
		if (sockstat_parse(&f->sockstat, sb_str(&c->buf), c->buf.len, &e) < 0) {
			terr_prefix(&e, "%s", files[i]);
			note(f, &e);
		}
	}
}

void collector_set_procs(struct collector *c, bool on)
{
	if (on && !collector_procs(c))
		c->procs_fresh = true;
	c->procs = on ? PROCS_ON : PROCS_OFF;
	c->procs_auto_off = false;
	c->procs_over = 0;
}

bool collector_procs(const struct collector *c)
{
	return !source_is_replay(c->src) && c->procs != PROCS_OFF && !c->procs_auto_off &&
	       !c->procs_error[0];
}

static double now_secs(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* The AUTO rule: a scan that keeps eating the interval is turned off, and the frame says why. */
static void judge_cost(struct collector *c, const struct frame *f, double secs, bool fresh)
{
	if (c->procs != PROCS_AUTO || fresh || f->interval <= 0)
		return;
	if (secs <= PROCS_BUDGET * f->interval) {
		c->procs_over = 0;
		return;
	}
	if (++c->procs_over < PROCS_OVER_MAX)
		return;
	c->procs_auto_off = true;
	snprintf(c->procs_off_why, sizeof(c->procs_off_why),
		 "off: the process scan took %.2f s of a %.2f s interval (p or -p keeps it on)",
		 secs, f->interval);
}

static void attribute(struct collector *c, struct frame *f)
{
	struct procmap_stats st;
	struct terr e = { { 0 } };
	double t0;
	bool fresh;

	if (source_is_replay(c->src)) {
		f->attribution = ATTR_UNAVAILABLE;
		snprintf(f->attribution_note, sizeof(f->attribution_note),
			 "unavailable: a recording holds no process data");
		return;
	}
	if (!c->procmap && !c->procs_error[0]) {
		c->procmap = procmap_new(c->proc_root, &e);
		if (!c->procmap)
			snprintf(c->procs_error, sizeof(c->procs_error), "%.140s", e.msg);
	}
	/* user names need no process scan: always there when live */
	if (c->procmap)
		procmap_users(c->procmap, f);
	if (!collector_procs(c)) {
		f->attribution = ATTR_OFF;
		if (c->procs_error[0])
			snprintf(f->attribution_note, sizeof(f->attribution_note), "off: %.140s",
				 c->procs_error);
		else if (c->procs_auto_off)
			snprintf(f->attribution_note, sizeof(f->attribution_note), "%s",
				 c->procs_off_why);
		else
			snprintf(f->attribution_note, sizeof(f->attribution_note),
				 "off: turned off (p or -p turns it on)");
		return;
	}
	t0 = now_secs();
	fresh = c->procs_fresh;
	c->procs_fresh = false;
	procmap_update(c->procmap, &f->sample, &st);
	procmap_attribute(c->procmap, f);
	f->attribution_secs = now_secs() - t0;
	if (st.denied || st.hidden) {
		f->attribution = ATTR_PARTIAL;
		/* root, or a user given both capabilities (setcap): only protected ones refuse */
		if (privs_read_all_procs())
			snprintf(f->attribution_note, sizeof(f->attribution_note),
				 "partial: %u of %u processes refused to show their fds "
				 "(ptrace checks)",
				 (unsigned)st.denied, (unsigned)st.procs);
		else
			snprintf(f->attribution_note, sizeof(f->attribution_note),
				 "partial: not root, so other users' processes cannot be read "
				 "(%u of %u: needs CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH); "
				 "their sockets show as ?",
				 (unsigned)st.denied, (unsigned)st.procs);
	} else {
		f->attribution = ATTR_FULL;
	}
	judge_cost(c, f, f->attribution_secs, fresh);
}

void collector_set_allns(struct collector *c, bool on)
{
	c->allns = on && !source_is_replay(c->src);
}

bool collector_allns(const struct collector *c)
{
	return c->allns;
}

static void rec_netlink(void *ctx, int family, const void *buf, size_t len)
{
	source_record_netlink(ctx, family, buf, len);
}

static void rec_file(void *ctx, const char *name, const char *buf, size_t len)
{
	source_record_file(ctx, name, buf, len);
}

/* A replay reads what was recorded; a file the refresh does not have is -1, quietly. */
static int replay_read(void *ctx, const char *name, struct strbuf *out)
{
	struct terr e = { { 0 } };

	return source_read(ctx, name, out, &e);
}

/*
 * A replayed refresh of -N all: its namespaces from the recording. A
 * recording of one namespace has no index and leaves the frame as it was.
 */
static void replay_all(struct collector *c, struct frame *f)
{
	struct terr e = { { 0 } };

	if (!c->nsset) {
		struct nsset_hooks h = { .read = replay_read, .ctx = c->src };

		c->nsset = nsset_new_replay();
		nsset_set_hooks(c->nsset, &h);
	}
	if (nsset_replay(c->nsset, f, &e) > 0)
		c->replay_allns = true;
	note(f, &e);
}

/*
 * -N all's dump: every namespace one after the other into the one sample.
 * A namespace that cannot be entered is in the frame with its error, and
 * the first such error is the frame's warning; only the host's own failing
 * fails the refresh (as a plain dump would).
 */
static int dump_all(struct collector *c, const struct diag_req *req, struct frame *f,
		    struct terr *e)
{
	int errors;

	if (!c->nsset && !c->nsset_error[0]) {
		c->nsset = nsset_new(c->proc_root, NULL, e);
		if (!c->nsset) {
			snprintf(c->nsset_error, sizeof(c->nsset_error), "%.150s", e->msg);
		} else if (source_recording(c->src)) {
			struct nsset_hooks h = { .netlink = rec_netlink,
						 .file = rec_file,
						 .ctx = c->src };

			nsset_set_hooks(c->nsset, &h);
		}
	}
	if (!c->nsset) {
		terr_set(e, "-N all: %s", c->nsset_error);
		return -1;
	}
	errors = nsset_collect(c->nsset, req, f);
	for (size_t i = 0; errors && i < f->nns; i++) {
		if (!f->nsv[i].error[0])
			continue;
		terr_set(e, "namespace %s: %s (%d of %zu namespaces not read)", f->nsv[i].name,
			 f->nsv[i].error, errors, f->nns);
		return f->nsv[i].kind == NSK_HOST ? -1 : 0;
	}
	/* with CAP_SYS_PTRACE only protected processes hide one: not worth a warning */
	if (nsset_hidden(c->nsset) && !privs_has(PRIVS_SYS_PTRACE))
		terr_set(e,
			 "-N all: %zu processes' namespaces cannot be looked at (other users' "
			 "need CAP_SYS_PTRACE): namespaces only they hold are missing",
			 nsset_hidden(c->nsset));
	/* each namespace's dump walking the host's shared socket hash: why -N all is slow */
	if (!terr_isset(e)) {
		char note[400];

		if (nsset_hash_note(f, nsset_last_ms(c->nsset), 250, note, sizeof(note)))
			terr_set(e, "%s", note);
	}
	return 0;
}

/* prime: a refresh only the rates of the next one read (collector_prime): no diagnosis */
static int step_once(struct collector *c, struct frame *f, bool prime)
{
	struct terr e = { { 0 } };
	struct diag_req req = c->req;
	int failed = 0, r;

	/*
	 * A prime's rates and the table read tcp_info and skmem, never the
	 * congestion name, which costs the kernel ~15% more a dump; a recording
	 * keeps every refresh whole (a replay shows its first one)
	 */
	if (prime && !source_recording(c->src))
		req.ext &= (uint8_t)~DIAG_EXT_CONG;
	frame_reset(f);
	f->sample.keep_cookie = c->selected;
	r = source_begin(c->src, &f->mono_ns, &f->real_ns, &e);
	if (r != 0) {
		note(f, &e);
		return r;
	}
	if (c->allns ? dump_all(c, &req, f, &e) < 0
		     : source_dump(c->src, &req, &f->sample, &e) < 0) {
		f->failed = true;
		failed = 1;
	}
	note(f, &e);
	if (source_is_replay(c->src))
		replay_all(c, f);
	failed |= read_counters(c, f, "net/netstat") < 0;
	failed |= read_counters(c, f, "net/snmp") < 0;
	counters_index(&f->counters);
	read_tunables(c, f);
	read_sockstat(c, f);
	closed_collect(c->closed, c->src, c->model, f);
	/* the destroy groups are per namespace: one socket watches tcptop's own only */
	if (c->allns && f->closed_watched && !f->closed_note[0])
		snprintf(f->closed_note, sizeof(f->closed_note),
			 "closed: only the namespace tcptop runs in, not every one (-N all)");
	source_end(c->src);
	f->kernel = source_kernel(c->src);
	model_update(c->model, f);
	frame_ns_link(f);
	f->netns = c->allns || c->replay_allns ? "all" : c->netns;
	attribute(c, f);
	closed_remember(c->closed, f);
	if (!prime)
		diagnose_frame(c->diagnoser, f);
	/* the previous sample's values were the diagnosis's: the table takes this sample's */
	model_commit(c->model, f);
	return failed ? -1 : 0;
}

int collector_step(struct collector *c, struct frame *f)
{
	/* after a seek to refresh i: refresh i - 1 first, so that i has its rates */
	if (c->primed) {
		c->primed = false;
		if (step_once(c, f, true) == 1)
			return 1;
	}
	return step_once(c, f, false);
}

int collector_prime(struct collector *c, struct frame *f)
{
	c->primed = false;
	return step_once(c, f, true);
}

int collector_seek(struct collector *c, size_t index, struct terr *e)
{
	if (!source_is_replay(c->src)) {
		terr_set(e, "only a recording can seek");
		return -1;
	}
	/* rates need the refresh before: start from it with a model that knows nothing */
	if (source_seek(c->src, index ? index - 1 : 0, e) < 0)
		return -1;
	collector_forget(c);
	c->primed = index > 0;
	return 0;
}

void collector_forget(struct collector *c)
{
	model_free(c->model);
	c->model = model_new();
}

bool collector_is_replay(const struct collector *c)
{
	return source_is_replay(c->src);
}

const char *collector_hostname(const struct collector *c)
{
	return source_hostname(c->src);
}

const char *collector_kernel(const struct collector *c)
{
	return source_kernel(c->src);
}
