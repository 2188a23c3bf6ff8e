/* SPDX-License-Identifier: GPL-2.0-or-later */
/* diagnose_int: what the diagnosis files share (thresholds, socket readers, the code descriptors). */
#ifndef TCPTOP_DIAGNOSE_INT_H
#define TCPTOP_DIAGNOSE_INT_H

#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "diagnose.h"

/* Thresholds, in one place. Each says why it is where it is; doc/DIAGNOSIS.md
 * repeats them for users. */
struct dx_thresholds {
	/*
	 * A specific limit (peer window, send buffer) is named once it held
	 * sending back for a quarter of the interval, even when the remaining
	 * busy time is larger: that remainder is a catch-all (cwnd, pacing, TSQ)
	 * and a buffer- or window-capped connection inflates it itself, because
	 * its capped delivery rate makes the pacer (BBR) or the small queue
	 * wait. Measured on 6.18 with BBR: a 32 KiB send buffer on a 20 ms path
	 * shows 41% sndbuf-limited and 59% other busy time.
	 */
	double limit_share;
	/*
	 * A limiting window or buffer is "smaller than the BDP" only while it is
	 * below this multiple of the BDP estimate. A limited connection's rate is
	 * capped by the limit, so its estimate comes out near the limit (measured:
	 * 18.8 KiB window, 17.5 KiB estimate); a window many times the estimate
	 * limited because the receiver was slow to read or queueing inflated the
	 * RTT (a healthy loopback transfer: 1.5 MiB window, 16 KiB estimate), not
	 * because of its size. 2 leaves room for pacing-gain phases and delayed ACKs.
	 */
	double bdp_ratio;
	/* Below this busy share with nothing acknowledged, a connection is idle, not app-limited. */
	double idle_busy;
	/*
	 * Receive side: the data arriving per round trip fills at least this
	 * share of the window we advertise: the window sets the pace. A sender
	 * that is not window-limited keeps well below it (healthy transfers on
	 * a 20 ms path measured 0.24; a 32 KiB buffer 0.89).
	 */
	double rcvwin_fill;
	/* rcv_rtt above this multiple of srtt (or min_rtt) is the sender's pace, not the path. */
	unsigned rcv_rtt_ratio;
	/* ...while the application keeps up: unread data below this share of rb. */
	double rcvq_reading;
	/* rmem_alloc over rb that means "full" when the kernel does not report rcv_wnd (< 6.2). */
	double rcvq_full;
	/*
	 * Recv-Q and notsent "piling up": grew in this many consecutive
	 * intervals, in the last one by at least this share of the bytes
	 * received (sent) meanwhile, i.e. the application reads a quarter
	 * slower (writes a quarter faster) than the connection moves data, and holds at
	 * least queue_min. A full buffer at the autotuning ceiling wobbles up
	 * by a few percent of the traffic (measured: +65 KB while sending
	 * 2.5 MB), a real backlog by half of it.
	 */
	unsigned grow_streak;
	double grow_share;
	uint32_t queue_min;
	/* RTO backoff: two timeouts in a row without progress (~600 ms at the 200 ms minimum RTO)... */
	unsigned backoff_min;
	/* ...and this many (32x: several seconds without an ACK) is critical. */
	unsigned backoff_crit;
	/*
	 * CLOSE-WAIT: a socket seen in the state across a refresh this long is
	 * not being closed (a close after EOF takes microseconds). The observed
	 * age only bounds the real one from below and a 1 s refresh comes back
	 * after 0.999 s as often as after 1.001 s: 0.9 s means "one default refresh".
	 */
	double cw_hold_s;
	/* ...and this many held on one port or toward one peer is a leak, not a slow close. */
	unsigned cw_min;
	/* TIME-WAIT sockets at this share of tcp_max_tw_buckets: overflow is near. */
	double tw_share;
	/* Ephemeral ports toward one destination: warn and critical shares of the range. */
	double ports_warn, ports_crit;
	/* An accept queue limit this many times below somaxconn is the application's choice. */
	unsigned backlog_ratio;
	/*
	 * Nagle + delayed ACK: srtt at least this far above min_rtt (the path
	 * answers in min_rtt, the peer's ACK timer takes 40 ms or more, srtt
	 * smooths the two), with a small segment in flight and a sub-MSS
	 * remainder held behind it. Measured on loopback (6.18): the two-write
	 * client shows srtt 20.5 ms against a min_rtt of 5 us, unacked 1,
	 * notsent 60, 23 requests/s; 10 ms is a quarter of the minimum ATO.
	 */
	uint32_t dack_excess_us;
	/* SYN-SENT sockets with this many SYN retransmits (1 s, 3 s, 7 s...): warn, then critical. */
	unsigned syn_retry_min, syn_retry_crit;
	/* Request sockets retransmitting their SYN-ACK this many times. */
	unsigned synack_retry_min;
	/* FIN-WAIT-1 orphans holding data, seen across a refresh, per local port. */
	unsigned fw1_min;
	/* FIN-WAIT-2 orphans toward one remote endpoint: info from fw2_min, warn from fw2_warn. */
	unsigned fw2_min, fw2_warn;
	/* Orphans at these shares of tcp_max_orphans: warn (penalised orphans die at 1/4), crit. */
	double orphans_warn, orphans_crit;
	/* TCP memory: critical at this share of tcp_mem's third value (allocations fail there). */
	double mem_crit;
	/* The largest window without scaling. */
	uint32_t unscaled_max;
	/*
	 * A delivery-rate sample is only a BDP when the interval's own rate is at
	 * least this share of it: a connection that sends one segment now and then
	 * measures the burst of one segment (37 Gbit/s on loopback for a 9 kbit/s
	 * connection).
	 */
	double bdp_use;
};

extern const struct dx_thresholds dx_th;

/* ---- reading a socket ---- */

static inline uint32_t skm(const struct conn *c, int i)
{
	uint32_t v;

	return conn_skmem(c, i, &v) ? v : 0;
}

static inline bool has_skmem(const struct conn *c)
{
	return c->skmem_n > SKM_WMEM_QUEUED;
}

/* The path's round trip without queueing, µs: min_rtt, else srtt; 0 when unknown. */
static inline uint32_t base_rtt_us(const struct conn *c)
{
	uint32_t v;

	if (CONN_INFO(c, min_rtt, &v) && v > 0 && v != UINT32_MAX)
		return v;
	if (CONN_INFO(c, rtt, &v) && v > 0)
		return v;
	return 0;
}

/* Bytes queued and not yet sent: notsent_bytes (4.6+), else Send-Q minus what is in flight. */
static inline uint64_t unsent_bytes(const struct conn *c)
{
	uint32_t v;
	uint64_t inflight;

	if (CONN_INFO(c, notsent_bytes, &v))
		return v;
	inflight = (uint64_t)CONN_TI(c, unacked) * CONN_TI(c, snd_mss);
	return c->wqueue > inflight ? c->wqueue - inflight : 0;
}

/* States in which the socket may still send: the ones LIMIT speaks about. */
static inline bool may_send(const struct conn *c)
{
	static const bool sending[TS_MAX] = {
		[TS_ESTABLISHED] = true, [TS_CLOSE_WAIT] = true, [TS_FIN_WAIT1] = true,
		[TS_FIN_WAIT2] = true,   [TS_CLOSING] = true,    [TS_LAST_ACK] = true,
	};

	return conn_has_info(c) && c->state < TS_MAX && sending[c->state];
}

/*
 * The peer advertises a zero window while we have data for it. snd_wnd
 * (5.4+) says so directly. The persist timer is only a stand-in for older
 * kernels: the kernel arms it whenever nothing is in flight and nothing can
 * be sent (tcp_check_probe_timer), which a local qdisc dropping every packet
 * also causes, with the window open.
 */
static inline bool zero_window(const struct conn *c)
{
	uint32_t w;

	if (CONN_INFO(c, snd_wnd, &w))
		return w == 0 && c->wqueue > 0;
	return c->timer == TIMER_PERSIST;
}

/* A byte count from a rate product; saturates (a recording can hold any value). */
static inline uint64_t bytes_of(double v)
{
	return v <= 0 ? 0 : v >= 9.2e18 ? (uint64_t)INT64_MAX : (uint64_t)v;
}

static inline uint8_t pct(double share)
{
	double p = round(share * 100.0);

	return (uint8_t)(p < 0 ? 0 : p > 100 ? 100 : p);
}

static inline double share_of(uint64_t us, double dt)
{
	double s = (double)us / (dt * 1e6);

	return s > 1 ? 1 : s;
}

/* Highest value of a three-value sysctl (tcp_wmem's max); 0 when unknown. */
static inline int64_t tun_max(const struct tunables *t, enum tun_id id)
{
	return t->n[id] == 3 ? t->v[id][2] : 0;
}

/* Our receive window and the data arriving per round trip; false when unknown. */
static inline bool rcv_window(const struct row *r, uint32_t *wnd, double *per_rtt, uint32_t *rtt)
{
	const struct conn *c = r->c;
	uint32_t w, rr = 0;

	if (!(r->flags & ROW_RATES) || r->rx_bps <= 0)
		return false;
	/* rcv_wnd (6.2+) is what we advertised last; rcv_ssthresh bounds it on older kernels */
	if (!CONN_INFO(c, rcv_wnd, &w) && !CONN_INFO(c, rcv_ssthresh, &w))
		return false;
	if (!CONN_INFO(c, rcv_rtt, &rr) || rr == 0)
		rr = base_rtt_us(c);
	/*
	 * rcv_rtt is the time one window of data took to arrive: from a sender
	 * that sends little it is the sender's pace, not the path (29 s measured
	 * for a 23 requests/s client on loopback), and "the window arrives every
	 * round trip" would hold by construction. Capped by what srtt/min_rtt say.
	 */
	{
		uint32_t s = 0, ref = base_rtt_us(c);

		if (CONN_INFO(c, rtt, &s) && s > ref)
			ref = s;
		if (ref && rr > dx_th.rcv_rtt_ratio * ref)
			rr = ref;
	}
	if (!rr)
		return false;
	*wnd = w;
	*rtt = rr;
	*per_rtt = r->rx_bps / 8 * rr / 1e6;
	return true;
}

static inline uint8_t backoff_of(const struct conn *c)
{
	uint8_t b;

	return CONN_INFO(c, backoff, &b) ? b : c->retrans;
}

/* Whether a socket was closed by its application and is held by TCP alone (inode 0). */
static inline bool orphan(const struct conn *c)
{
	return c->inode == 0;
}

/* ---- text ---- */

/* A line being written: the buffer, its size, how much is used. */
struct text {
	char *buf;
	size_t len, off;
};

/* Appends, never past the end (a long line is cut). */
void dx_put(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* dx_put(t, "%s", s) and dx_put(t, "%u", v) without printf: the cells of every socket use them. */
void dx_puts(struct text *t, const char *s);
void dx_putu(struct text *t, unsigned v);

/* ---- findings ---- */

struct gkey {
	uint32_t ns; /* -N all: the row's namespace (index in frame.nsv): groups never span two */
	uint8_t a[16], b[16];
	uint16_t port;
	uint32_t row;
};

struct diagnoser {
	struct finding *v; /* staging: every finding of the frame, before sorting */
	size_t n, cap;
	struct gkey *keys;
	size_t keys_cap;
};

/*
 * One descriptor per finding code. Connection codes have detect (sets the
 * row's bit), evidence (the example connection's numbers), explain (the
 * detail view's line); the others are raised by a frame detector
 * (dx_frame_detectors) and have message (the line from the evidence).
 */
struct dx_code {
	struct diag_code_def def;
	bool (*detect)(const struct frame *f, const struct row *r);
	uint8_t (*severity)(const struct row *r); /* escalation; NULL: def.severity */
	void (*evidence)(const struct frame *f, const struct row *r, struct finding *x);
	void (*explain)(const struct row *r, struct text *t);
	void (*message)(const struct finding *x, struct text *t);
};

extern const struct dx_code dx_codes[DX_N];

/* Frame detectors, each raising the findings of one concern; NULL-terminated. */
extern void (*const dx_frame_detectors[])(struct diagnoser *d, const struct frame *f);

struct finding *dx_add(struct diagnoser *d, unsigned code, unsigned severity, const char *subject);
void dx_ev(struct finding *x, const char *key, int64_t v);
/* A counter's delta in this frame; 0 when unavailable. */
uint64_t dx_cdelta(const struct frame *f, const char *name);

/* ---- namespaces (-N all; doc/DIAGNOSIS.md, "Namespaces") ---- */

/*
 * Where a namespace-wide judgement is made: one network namespace's
 * counters, sysctls and rows. A frame of one namespace is one scope (the
 * frame's own); under -N all each namespace read is one. The host's
 * namespace uses the frame's counters and sysctls (the same namespace, and
 * they carry the host-only sysctls too).
 */
struct dx_scope {
	const struct counters *ctr;
	const struct tunables *tun;
	const struct frame_ns *ns; /* NULL: a frame of one namespace */
	const char *name;          /* its findings' subject: "host" or the namespace's name */
	uint32_t first, n;         /* its rows */
};
/* How many scopes to try: 1, or f->nns. */
size_t dx_nscopes(const struct frame *f);
/* Scope i into s; false when namespace i has nothing to judge (not entered, no files). */
bool dx_scope(const struct frame *f, size_t i, struct dx_scope *s);
/* A counter's delta within a scope; 0 when unavailable. */
uint64_t dx_scope_cdelta(const struct dx_scope *s, const char *name);
/*
 * A host-wide total of a per-namespace counter: under -N all the sum over
 * every namespace read (the kernel counts each namespace's MIB apart).
 */
uint64_t dx_cdelta_all(const struct frame *f, const char *name);
/* Under -N all: evidence netns_inode, so a namespace-wide finding says whose it is. */
void dx_ev_scope(struct finding *x, const struct dx_scope *s);

/* The sysctls that judge a socket: its own namespace's under -N all, else the frame's. */
static inline const struct tunables *dx_tun(const struct frame *f, const struct row *r)
{
	const struct frame_ns *ns = r ? row_ns(r) : NULL;

	return ns && ns->have_files && ns->kind != NSK_HOST ? &ns->tun : &f->tun;
}
uint8_t dx_conn_severity(const struct row *r, unsigned code);

static inline bool ev_get(const struct finding *x, const char *key, int64_t *v)
{
	for (int i = 0; i < x->nev; i++) {
		if (!strcmp(x->ev[i].key, key)) {
			*v = x->ev[i].v;
			return true;
		}
	}
	return false;
}

static inline int64_t evd(const struct finding *x, const char *key)
{
	int64_t v = 0;

	ev_get(x, key, &v);
	return v;
}

/* diagnose_conn.c */
void dx_classify(const struct frame *f, struct row *r);
void dx_estimate_bdp(struct row *r);
void dx_qualify(const struct frame *f, struct row *r);
bool dx_nagle_wait(const struct row *r);
#define DX_CONN_FN(n)                                                                              \
	bool dx_detect_##n(const struct frame *f, const struct row *r);                            \
	void dx_evidence_##n(const struct frame *f, const struct row *r, struct finding *x);       \
	void dx_explain_##n(const struct row *r, struct text *t);
DX_CONN_FN(sndbuf_bdp)
DX_CONN_FN(sndbuf_fixed)
DX_CONN_FN(rwnd_bdp)
DX_CONN_FN(rcvbuf_bdp)
DX_CONN_FN(rcvbuf_fixed)
DX_CONN_FN(zwin)
DX_CONN_FN(rcvq_full)
DX_CONN_FN(recvq_growing)
DX_CONN_FN(unsent_growing)
DX_CONN_FN(rto_backoff)
DX_CONN_FN(delayed_ack)
DX_CONN_FN(no_wscale)
#undef DX_CONN_FN
uint8_t dx_severity_rto_backoff(const struct row *r);

/* diagnose_group.c: frame detectors */
void dx_summarise_connections(struct diagnoser *d, const struct frame *f);
void dx_listener_findings(struct diagnoser *d, const struct frame *f);
void dx_close_wait_findings(struct diagnoser *d, const struct frame *f);
void dx_time_wait_findings(struct diagnoser *d, const struct frame *f);
void dx_port_findings(struct diagnoser *d, const struct frame *f);
void dx_syn_retry_findings(struct diagnoser *d, const struct frame *f);
void dx_fin_wait_findings(struct diagnoser *d, const struct frame *f);
void dx_memory_findings(struct diagnoser *d, const struct frame *f);
/*
 * -N all: puts "[NAMESPACE] " before the subject of every finding about a
 * socket, so a listener, port or group names the namespace it was judged in.
 * The last frame detector.
 */
void dx_namespace_subjects(struct diagnoser *d, const struct frame *f);

/* diagnose_text.c: the messages of frame findings */
#define DX_MSG_FN(n) void dx_message_##n(const struct finding *x, struct text *t);
DX_MSG_FN(accept_overflow)
DX_MSG_FN(accept_full)
DX_MSG_FN(backlog_small)
DX_MSG_FN(synq_overflow)
DX_MSG_FN(listen_drops)
DX_MSG_FN(synack_retry)
DX_MSG_FN(syn_retry)
DX_MSG_FN(fin_wait1)
DX_MSG_FN(fin_wait2)
DX_MSG_FN(syncookies)
DX_MSG_FN(abort_on_overflow)
DX_MSG_FN(close_wait)
DX_MSG_FN(time_wait)
DX_MSG_FN(ports)
DX_MSG_FN(orphans)
DX_MSG_FN(tcp_mem)
#undef DX_MSG_FN

#endif
