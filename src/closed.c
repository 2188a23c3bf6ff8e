/* SPDX-License-Identifier: GPL-2.0-or-later */
/* closed: the destroy-multicast watcher: drained each refresh, recorded, replayed, logged. */
#include "closed.h"

#include <errno.h>
#include <stdarg.h>
#include <libmnl/libmnl.h>
#include <linux/sock_diag.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/netlink.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fatal.h"
#include "hash.h"
#include "safefile.h"

#ifndef SO_MEMINFO
#define SO_MEMINFO 55
#endif
#ifndef SK_MEMINFO_DROPS
#define SK_MEMINFO_DROPS 8
#endif

/*
 * The receive buffer asked for. An event costs its skb's truesize in the
 * buffer (about 1.3 KiB with a 6.x tcp_info; see doc/HACKING.md for the
 * measurement), so 10,000 closes in one 1 s interval need ~13 MiB; the
 * kernel doubles what is asked. Memory is only used while events wait.
 */
#define CLOSED_RCVBUF (16 << 20)
#define RECV_BUF 65536
/* what one event takes of the receive buffer (skb truesize), measured on 6.18 */
#define EVENT_TRUESIZE 1300
#define REC_NAME "tcptop/closed"

/* What the last refresh knew of one socket: 16 bytes (cookie, process index, state). */
struct mem_slot {
	uint64_t cookie; /* 0: empty */
	uint32_t proc;   /* index into procs */
	uint8_t state;
	uint8_t pad[3];
};

struct closed_watch {
	bool off;
	bool replay;
	bool recording;
	int fd;         /* the multicast socket; -1 when not watching */
	bool meminfo;   /* SO_MEMINFO gives the drop count */
	uint32_t drops; /* sk_drops at the last drain */
	char note[160]; /* why not watched ("" when watched) */
	uint8_t *rbuf;
	struct arena arena;
	struct strbuf blob;
	struct strbuf logbuf;
	struct safefile log;
	bool have_log;
	char log_error[200]; /* the last write error, shown once per refresh */
	/* the last refresh: listening ports, and cookie -> process while attributed */
	uint64_t listen_ports[65536 / 64];
	struct mem_slot *slots;
	size_t nslots, slots_cap;
	struct proc_holder *procs;
	size_t nprocs, procs_cap;
	uint64_t total[CH_N]; /* since start, by how they ended */
	uint64_t lost_total;
};

_Static_assert(CH_N <= sizeof(((struct frame *)0)->closed_total) / sizeof(uint64_t),
	       "frame.closed_total holds every enum closed_how");

static void __attribute__((format(printf, 2, 3)))
set_note(struct closed_watch *w, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(w->note, sizeof(w->note), fmt, ap);
	va_end(ap);
}

static int wanted_rcvbuf(void)
{
	const char *s = getenv("TCPTOP_CLOSED_RCVBUF");
	char *end;
	long v;

	if (!s || !*s)
		return CLOSED_RCVBUF;
	v = strtol(s, &end, 10);
	return (*end || v < 1024 || v > (1L << 30)) ? CLOSED_RCVBUF : (int)v;
}

static void watch_open(struct closed_watch *w)
{
	static const int groups[] = { SKNLGRP_INET_TCP_DESTROY, SKNLGRP_INET6_TCP_DESTROY };
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_SOCK_DIAG);
	int want = wanted_rcvbuf(), got = 0, joined = 0, err = 0;
	uint32_t mem[SK_MEMINFO_DROPS + 1];
	socklen_t sl = sizeof(got);

	if (fd < 0) {
		set_note(w, "closed connections are not watched: no sock_diag socket (%s)",
			 strerror(errno));
		return;
	}
	/*
	 * bind() with nl_groups, as ss -E does: joining the same groups with
	 * NETLINK_ADD_MEMBERSHIP succeeds here (6.18) but nothing arrives.
	 * Both families at once, else IPv4 alone (a kernel without IPv6).
	 */
	for (size_t i = 0; i < 2 && !joined; i++) {
		struct sockaddr_nl sa = { .nl_family = AF_NETLINK };

		for (size_t k = 0; k < sizeof(groups) / sizeof(groups[0]) - i; k++)
			sa.nl_groups |= 1u << (groups[k] - 1);
		if (bind(fd, (const struct sockaddr *)&sa, sizeof(sa)) == 0)
			joined = 1;
		else if (!err)
			err = errno;
	}
	if (!joined) {
		if (err == EPERM || err == EACCES)
			set_note(w, "%s", "closed connections need CAP_NET_ADMIN");
		else
			set_note(w,
				 "closed connections are not watched: the kernel sends no "
				 "destroy events (%s)",
				 strerror(err));
		close(fd);
		return;
	}
	/* root (CAP_NET_ADMIN, which joining needed) may pass net.core.rmem_max */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &want, sizeof(want)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &want, sizeof(want));
	if (getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &got, &sl) == 0)
		/* the kernel doubles what it grants: less than asked means rmem_max capped it */
		if (got && got / 2 < want)
			set_note(w,
				 "closed: no CAP_NET_ADMIN to pass net.core.rmem_max: about %d "
				 "closes "
				 "fit between refreshes (more are counted as lost)",
				 got / EVENT_TRUESIZE);
	sl = sizeof(mem);
	if (getsockopt(fd, SOL_SOCKET, SO_MEMINFO, mem, &sl) == 0 && sl >= sizeof(mem)) {
		w->meminfo = true;
		w->drops = mem[SK_MEMINFO_DROPS];
	}
	w->fd = fd;
}

struct closed_watch *closed_new(const struct closed_cfg *cfg, struct source *src, struct terr *e)
{
	struct closed_watch *w = xcalloc(1, sizeof(*w));

	w->fd = -1;
	w->off = cfg->off;
	w->replay = source_is_replay(src);
	w->recording = source_recording(src);
	w->log.fd = w->log.dirfd = -1;
	if (cfg->log_path && !w->off) {
		if (safefile_open_kind(&w->log, cfg->log_path, SAFEFILE_LOG, e) < 0) {
			free(w);
			return NULL;
		}
		w->log.stop = cfg->stop;
		w->have_log = true;
	}
	if (w->off)
		set_note(w, "%s", "closed connections are not watched (--no-closed)");
	else if (!w->replay)
		watch_open(w);
	w->rbuf = xmalloc(RECV_BUF);
	return w;
}

void closed_free(struct closed_watch *w)
{
	struct terr e;

	if (!w)
		return;
	if (w->fd >= 0)
		close(w->fd);
	if (w->have_log)
		safefile_commit(&w->log, &e);
	arena_free(&w->arena);
	sb_free(&w->blob);
	sb_free(&w->logbuf);
	free(w->slots);
	free(w->procs);
	free(w->rbuf);
	free(w);
}

/* --- what the last refresh knew ------------------------------------------------------- */

static size_t slot_of(uint64_t cookie, size_t n)
{
	return hash_u64(cookie) % n;
}

static const struct mem_slot *recall(const struct closed_watch *w, uint64_t cookie)
{
	if (!w->nslots)
		return NULL;
	for (size_t i = slot_of(cookie, w->nslots), k = 0; k < w->nslots; k++) {
		const struct mem_slot *s = &w->slots[i];

		if (s->cookie == cookie)
			return s;
		if (!s->cookie)
			return NULL;
		if (++i == w->nslots)
			i = 0;
	}
	return NULL;
}

void closed_remember(struct closed_watch *w, const struct frame *f)
{
	size_t n = frame_nrows(f), held = 0;

	w->nslots = 0;
	w->nprocs = 0;
	if (w->fd < 0) /* nothing watched live: nothing to match events against */
		return;
	memset(w->listen_ports, 0, sizeof(w->listen_ports));
	for (size_t i = 0; i < n; i++) {
		const struct conn *c = f->rows[i].c;

		if (c->state == TS_LISTEN)
			w->listen_ports[c->sport / 64] |= 1ull << (c->sport % 64);
		if (row_proc(&f->rows[i]) && procinfo_known(row_proc(&f->rows[i])))
			held++;
	}
	if (!held || !(f->attribution == ATTR_FULL || f->attribution == ATTR_PARTIAL))
		return;
	/* one slot in five spare keeps linear probing short; the table is reused */
	w->nslots = held + held / 4 + 1;
	if (w->nslots > w->slots_cap) {
		free(w->slots);
		w->slots_cap = w->nslots;
		w->slots = xmalloc(w->slots_cap * sizeof(*w->slots));
	}
	memset(w->slots, 0, w->nslots * sizeof(*w->slots));
	if (f->nprocs > w->procs_cap) {
		w->procs_cap = f->nprocs;
		w->procs = xrealloc(w->procs, w->procs_cap * sizeof(*w->procs));
	}
	for (size_t i = 0; i < f->nprocs; i++) {
		w->procs[i].pid = f->procs[i].pid;
		memcpy(w->procs[i].comm, f->procs[i].comm, PROC_COMM_LEN);
	}
	w->nprocs = f->nprocs;
	for (size_t i = 0; i < n; i++) {
		const struct row *r = &f->rows[i];
		size_t k;

		if (!row_proc(r) || !procinfo_known(row_proc(r)) || !r->c->cookie)
			continue;
		for (k = slot_of(r->c->cookie, w->nslots); w->slots[k].cookie;)
			if (++k == w->nslots)
				k = 0;
		w->slots[k].cookie = r->c->cookie;
		w->slots[k].proc = (uint32_t)(row_proc(r) - f->procs);
		w->slots[k].state = r->c->state;
	}
}

/* --- one refresh ---------------------------------------------------------------------- */

struct take_ctx {
	struct closed_watch *w;
	const struct model *m;
	struct frame *f;
};

static void push(struct frame *f, const struct closed_conn *cc)
{
	if (f->nclosed == f->closed_cap) {
		f->closed_cap = f->closed_cap ? f->closed_cap * 2 : 64;
		f->closed = xrealloc(f->closed, f->closed_cap * sizeof(*f->closed));
	}
	f->closed[f->nclosed++] = *cc;
}

/* What needs the model: lifetime; then how it ended. Same for live and replayed events. */
static void judge(void *ctx, struct closed_conn *cc)
{
	struct take_ctx *t = ctx;
	uint64_t first;

	if (!model_first_seen(t->m, cc->c.cookie, &first))
		cc->life = CL_UNSEEN;
	else if (!first)
		cc->life = CL_BEFORE_START;
	else {
		cc->life = CL_SEEN;
		cc->first_ns = first;
	}
	cc->how = (uint8_t)closed_classify(cc);
	push(t->f, cc);
}

static void take_live(struct take_ctx *t, const struct nlmsghdr *nlh)
{
	struct closed_watch *w = t->w;
	struct closed_conn cc;
	struct terr e = { { 0 } };
	const struct mem_slot *s;
	int r = closed_parse_msg(nlh, &cc, &w->arena, &e);

	arena_reset(&w->arena);
	if (r <= 0)
		return; /* no peer, or not what the kernel sends: nothing to show */
	cc.ended_ns = t->f->mono_ns;
	cc.ended_real = t->f->real_ns;
	if (w->listen_ports[cc.c.sport / 64] & (1ull << (cc.c.sport % 64)))
		cc.flags |= CCF_PASSIVE;
	s = recall(w, cc.c.cookie);
	if (s) {
		cc.last_state = s->state;
		if (s->proc < w->nprocs) {
			cc.holder = w->procs[s->proc];
			cc.flags |= CCF_PROC;
		}
	}
	if (w->recording)
		closed_blob_add(&w->blob, &cc, nlh, nlh->nlmsg_len);
	judge(t, &cc);
}

/* Reads what waits on the socket; returns the ENOBUFS episodes. */
static uint64_t drain(struct take_ctx *t)
{
	struct closed_watch *w = t->w;
	uint64_t overflows = 0;

	for (;;) {
		ssize_t n = recv(w->fd, w->rbuf, RECV_BUF, MSG_DONTWAIT);
		const struct nlmsghdr *nlh;
		int left;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ENOBUFS) {
				overflows++;
				continue;
			}
			if (errno != EAGAIN && !t->f->status[0])
				snprintf(t->f->status, sizeof(t->f->status),
					 "closed connections: %s", strerror(errno));
			return overflows;
		}
		left = (int)n;
		/* mnl_nlmsg_ok takes a length over 2 GiB for a negative one: checked unsigned too */
		for (nlh = (const struct nlmsghdr *)(const void *)w->rbuf;
		     mnl_nlmsg_ok(nlh, left) && nlh->nlmsg_len <= (unsigned)left;
		     nlh = mnl_nlmsg_next(nlh, &left))
			if (nlh->nlmsg_type == SOCK_DIAG_BY_FAMILY)
				take_live(t, nlh);
	}
}

static uint64_t lost_since(struct closed_watch *w, uint64_t overflows)
{
	uint32_t mem[SK_MEMINFO_DROPS + 1];
	socklen_t sl = sizeof(mem);
	uint32_t d;

	/* sk_drops counts every event netlink_overrun() dropped; ENOBUFS only says "some" */
	if (!w->meminfo || getsockopt(w->fd, SOL_SOCKET, SO_MEMINFO, mem, &sl) < 0 ||
	    sl < sizeof(mem))
		return overflows;
	d = mem[SK_MEMINFO_DROPS] - w->drops;
	w->drops = mem[SK_MEMINFO_DROPS];
	return d ? d : overflows;
}

static void replay_collect(struct closed_watch *w, struct take_ctx *t, struct source *src)
{
	struct strbuf sb = { 0 };
	struct terr e = { { 0 } };
	struct closed_blob_head h;

	if (source_read(src, REC_NAME, &sb, &e) < 0) {
		set_note(w, "%s", "the recording holds no closed connections");
		t->f->closed_watched = false;
	} else if (closed_blob_read(sb.s, sb.len, &h, &w->arena, judge, t, &e) < 0) {
		t->f->closed_watched = false;
		snprintf(w->note, sizeof(w->note), "%.150s", e.msg);
	} else {
		t->f->closed_watched = h.watched;
		t->f->closed_lost = h.lost;
		snprintf(w->note, sizeof(w->note), "%s", h.note);
	}
	sb_free(&sb);
}

static void write_log(struct closed_watch *w, struct frame *f, size_t from)
{
	struct terr e = { { 0 } };
	struct json j;

	if (!w->have_log || from == f->nclosed)
		return;
	sb_reset(&w->logbuf);
	for (size_t i = from; i < f->nclosed; i++) {
		json_init(&j, &w->logbuf);
		closed_json(&f->closed[i], &j);
		sb_putc(&w->logbuf, '\n');
	}
	if (safefile_write_all(&w->log, w->logbuf.s, w->logbuf.len, &e) < 0 && !f->status[0])
		snprintf(f->status, sizeof(f->status), "--closed-log: %.400s", e.msg);
}

void closed_collect(struct closed_watch *w, struct source *src, const struct model *m,
		    struct frame *f)
{
	struct take_ctx t = { .w = w, .m = m, .f = f };
	struct closed_blob_head h = { 0 };
	size_t from = f->nclosed;
	uint64_t lost = 0;

	if (w->replay && !w->off) {
		replay_collect(w, &t, src);
	} else if (w->fd >= 0) {
		/* this refresh's dump is done: its listeners count too (one that started since) */
		for (size_t i = 0; i < f->sample.n; i++)
			if (f->sample.conns[i].state == TS_LISTEN)
				w->listen_ports[f->sample.conns[i].sport / 64] |=
					1ull << (f->sample.conns[i].sport % 64);
		f->closed_watched = true;
		h.watched = true;
		if (w->recording)
			closed_blob_begin(&w->blob, &h);
		lost = lost_since(w, drain(&t));
		f->closed_lost = lost;
	} else {
		f->closed_watched = false;
	}
	/* watched, the note is a caveat (a capped buffer); not watched, it says why */
	snprintf(f->closed_note, sizeof(f->closed_note), "%s", w->note);
	if (w->recording && !w->replay) {
		if (w->fd < 0) {
			h.watched = false;
			snprintf(h.note, sizeof(h.note), "%s", w->note);
			closed_blob_begin(&w->blob, &h);
		}
		closed_blob_finish(&w->blob, (uint32_t)(f->nclosed - from), lost);
		source_record_file(src, REC_NAME, w->blob.s, w->blob.len);
	}
	for (size_t i = from; i < f->nclosed; i++)
		w->total[f->closed[i].how < CH_N ? f->closed[i].how : CH_UNKNOWN]++;
	w->lost_total += f->closed_lost;
	memset(f->closed_total, 0, sizeof(f->closed_total));
	memcpy(f->closed_total, w->total, sizeof(w->total));
	f->closed_lost_total = w->lost_total;
	write_log(w, f, from);
}
