/* diagnose: per-connection limits and findings, listener and host findings, from a frame alone. */
#include "diagnose.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "fatal.h"

/*
 * Thresholds, in one place. Each says why it is where it is; doc/DIAGNOSIS.md
 * repeats them for users.
 */
static const struct {
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
} TH = {
	.limit_share = 0.25,
	.bdp_ratio = 2.0,
	.idle_busy = 0.01,
	.rcvwin_fill = 0.75,
	.rcvq_reading = 0.5,
	.rcvq_full = 0.9,
	.grow_streak = 2,
	.grow_share = 0.25,
	.queue_min = 64 * 1024,
	.backoff_min = 2,
	.backoff_crit = 5,
	.cw_hold_s = 0.9,
	.cw_min = 4,
	.tw_share = 0.8,
	.ports_warn = 0.5,
	.ports_crit = 0.9,
	.backlog_ratio = 4,
};

static const struct diag_code_def codes[DX_N] = {
	[DX_SNDBUF_BDP] = { "sndbuf<BDP", DS_WARN,
			    "the send buffer limits sending: smaller than the path's "
			    "bandwidth-delay product",
			    "remove or raise SO_SNDBUF in the application; net.ipv4.tcp_wmem, "
			    "net.core.wmem_max" },
	[DX_SNDBUF_FIXED] = { "sndbuf-fixed", DS_INFO,
			      "the limiting send buffer is fixed by the application (SO_SNDBUF): "
			      "no autotuning",
			      "remove the SO_SNDBUF setsockopt or raise it (net.core.wmem_max caps "
			      "it)" },
	[DX_RWND_BDP] = { "rwnd<BDP", DS_WARN, "the peer's receive window limits sending",
			  "the receiver's SO_RCVBUF and net.ipv4.tcp_rmem, and whether it reads "
			  "promptly" },
	[DX_RCVBUF_BDP] = { "rcvbuf<BDP", DS_WARN,
			    "our receive window is full every round trip: smaller than the path's "
			    "bandwidth-delay product",
			    "remove or raise SO_RCVBUF in the application; net.ipv4.tcp_rmem, "
			    "net.core.rmem_max" },
	[DX_RCVBUF_FIXED] = { "rcvbuf-fixed", DS_INFO,
			      "the limiting receive buffer is fixed by the application "
			      "(SO_RCVBUF): no autotuning",
			      "remove the SO_RCVBUF setsockopt or raise it (net.core.rmem_max caps "
			      "it)" },
	[DX_ZWIN] = { "zwin", DS_WARN, "the peer advertises a zero window: sending is stalled",
		      "the receiving application: it is not reading (its Recv-Q is full)" },
	[DX_RCVQ_FULL] = { "rcvq-full", DS_WARN,
			   "our receive queue is full: we advertise a zero window",
			   "the application on this socket: it is not reading fast enough" },
	[DX_RECVQ_GROWING] = { "recvq-growing", DS_INFO, "unread data keeps growing",
			       "the application on this socket reads slower than data arrives" },
	[DX_UNSENT_GROWING] = { "unsent-growing", DS_INFO,
				"unsent data keeps piling up in the send buffer",
				"the application writes faster than the connection sends; "
				"TCP_NOTSENT_LOWAT, net.ipv4.tcp_notsent_lowat" },
	[DX_RTO_BACKOFF] = { "rto-backoff", DS_WARN,
			     "timeouts back off: nothing is acknowledged, or nothing gets sent",
			     "reachability of the peer, firewalls or a path dropping packets" },
	[DX_ACCEPT_OVERFLOW] = { "accept-overflow", DS_CRIT,
				 "the accept queue overflows: connection attempts are dropped",
				 "the application's accept() rate; its listen() backlog; "
				 "net.core.somaxconn" },
	[DX_ACCEPT_FULL] = { "accept-full", DS_WARN,
			     "the accept queue is full: the next connections will be dropped",
			     "the application's accept() loop" },
	[DX_BACKLOG_SMALL] = { "backlog<somaxconn", DS_WARN,
			       "the listen() backlog is far below net.core.somaxconn",
			       "the backlog argument the application passes to listen()" },
	[DX_SYNQ_OVERFLOW] = { "synq-overflow", DS_CRIT,
			       "the SYN queue overflows with syncookies off: SYNs are dropped",
			       "a SYN flood or handshakes not completing; net.ipv4.tcp_syncookies, "
			       "the listen() backlog" },
	[DX_LISTEN_DROPS] = { "listen-drops", DS_CRIT, "the listener drops connection attempts",
			      "TcpExtListenDrops and the listener's queues" },
	[DX_SYNCOOKIES] = { "syncookies", DS_WARN,
			    "the SYN queue overflows: syncookies answer SYNs",
			    "a SYN flood, or a listen() backlog too small for the connection "
			    "rate" },
	[DX_ABORT_ON_OVERFLOW] = { "abort-on-overflow", DS_WARN,
				   "accept queues overflow with tcp_abort_on_overflow on: clients "
				   "get resets",
				   "net.ipv4.tcp_abort_on_overflow (0 lets clients retry)" },
	[DX_CLOSE_WAIT] = { "close-wait", DS_WARN,
			    "connections stay in CLOSE-WAIT: the application does not close them",
			    "the application: a missing close() after the peer closed (a "
			    "descriptor leak)" },
	[DX_TIME_WAIT] = { "time-wait", DS_WARN,
			   "TIME-WAIT sockets near or over net.ipv4.tcp_max_tw_buckets",
			   "many short connections: reuse them (keep-alive, pooling)" },
	[DX_PORTS] = { "ephemeral-ports", DS_WARN,
		       "ephemeral ports toward one destination are running out",
		       "connection reuse; net.ipv4.ip_local_port_range, tcp_tw_reuse" },
};

static const char *const severity_names[] = { "info", "warn", "crit" };
static const char *const limit_names[DL_N] = { NULL, "rwnd", "sndbuf", "cwnd", "app", "idle" };
static const char *const basis_names[DB_N] = { NULL, "interval", "mixed", "state" };

const struct diag_code_def *diagnose_code(unsigned code)
{
	return code < DX_N ? &codes[code] : NULL;
}

int diagnose_code_by_name(const char *name)
{
	for (int i = 0; i < DX_N; i++)
		if (!strcmp(codes[i].name, name))
			return i;
	return -1;
}

const char *diagnose_severity_name(unsigned severity)
{
	return severity <= DS_CRIT ? severity_names[severity] : "?";
}

const char *diagnose_limit_name(unsigned limit)
{
	return limit < DL_N ? limit_names[limit] : NULL;
}

const char *diagnose_basis_name(unsigned basis)
{
	return basis < DB_N ? basis_names[basis] : NULL;
}

/* ---- reading a socket ---- */

static uint32_t skm(const struct conn *c, int i)
{
	return c->skmem && c->skmem_n > i ? c->skmem[i] : 0;
}

static bool has_skmem(const struct conn *c)
{
	return c->skmem && c->skmem_n > SKM_WMEM_QUEUED;
}

/* The path's round trip without queueing, µs: min_rtt, else srtt; 0 when unknown. */
static uint32_t base_rtt_us(const struct conn *c)
{
	uint32_t v;

	if (CONN_INFO(c, min_rtt, &v) && v > 0 && v != UINT32_MAX)
		return v;
	if (CONN_INFO(c, rtt, &v) && v > 0)
		return v;
	return 0;
}

/* Bytes queued and not yet sent: notsent_bytes (4.6+), else Send-Q minus what is in flight. */
static uint64_t unsent_bytes(const struct conn *c)
{
	uint32_t v;
	uint64_t inflight;

	if (CONN_INFO(c, notsent_bytes, &v))
		return v;
	inflight = (uint64_t)c->info->unacked * c->info->snd_mss;
	return c->wqueue > inflight ? c->wqueue - inflight : 0;
}

/* States in which the socket may still send: the ones LIMIT speaks about. */
static bool may_send(const struct conn *c)
{
	static const bool sending[TS_MAX] = {
		[TS_ESTABLISHED] = true, [TS_CLOSE_WAIT] = true, [TS_FIN_WAIT1] = true,
		[TS_FIN_WAIT2] = true,   [TS_CLOSING] = true,    [TS_LAST_ACK] = true,
	};

	return c->info && c->state < TS_MAX && sending[c->state];
}

/*
 * The peer advertises a zero window while we have data for it. snd_wnd
 * (5.4+) says so directly. The persist timer is only a stand-in for older
 * kernels: the kernel arms it whenever nothing is in flight and nothing can
 * be sent (tcp_check_probe_timer), which a local qdisc dropping every packet
 * also causes, with the window open.
 */
static bool zero_window(const struct conn *c)
{
	uint32_t w;

	if (CONN_INFO(c, snd_wnd, &w))
		return w == 0 && c->wqueue > 0;
	return c->timer == TIMER_PERSIST;
}

/*
 * ...and it already was at the previous sample. A zero window is a stall
 * when it lasts a refresh: on a busy host a starved reader closes its window
 * for a moment (seen in a healthy loopback transfer on a shared 2-core box).
 */
static bool zero_window_held(const struct row *r)
{
	if (!zero_window(r->c) || !(r->flags & ROW_PREV))
		return false;
	if (r->prev.have & PREV_SND_WND)
		return r->prev.snd_wnd == 0;
	return r->prev.timer == TIMER_PERSIST;
}

/*
 * What holds sending back at the sample instant, by the kernel's own tests:
 * the window (tcp_snd_wnd_test failing with data waiting), or the send
 * buffer (tcp_cwnd_validate's SNDBUF_LIMITED: the buffer is full, everything
 * in it is sent, cwnd is not full). With `any`, also cwnd, app and idle.
 */
static unsigned state_limit(const struct row *r, bool any)
{
	const struct conn *c = r->c;
	const struct tcpi *ti = c->info;
	uint64_t unsent = unsent_bytes(c), inflight = (uint64_t)ti->unacked * ti->snd_mss;
	uint32_t wnd;
	bool has_wnd = CONN_INFO(c, snd_wnd, &wnd);

	if (zero_window(c))
		return DL_RWND;
	if (has_wnd && unsent >= ti->snd_mss && inflight + ti->snd_mss > wnd)
		return DL_RWND;
	if (has_skmem(c) && skm(c, SKM_WMEM_QUEUED) >= skm(c, SKM_SNDBUF) && unsent < ti->snd_mss &&
	    ti->unacked < ti->snd_cwnd)
		return DL_SNDBUF;
	if (!any)
		return DL_NONE;
	if (ti->unacked >= ti->snd_cwnd || unsent >= ti->snd_mss)
		return DL_CWND;
	return c->wqueue ? DL_APP : DL_IDLE;
}

/* A byte count from a rate product; saturates (a recording can hold any value). */
static uint64_t bytes_of(double v)
{
	return v <= 0 ? 0 : v >= 9.2e18 ? (uint64_t)INT64_MAX : (uint64_t)v;
}

static uint8_t pct(double share)
{
	double p = round(share * 100.0);

	return (uint8_t)(p < 0 ? 0 : p > 100 ? 100 : p);
}

static double share_of(uint64_t us, double dt)
{
	double s = (double)us / (dt * 1e6);

	return s > 1 ? 1 : s;
}

/*
 * LIMIT from the interval's chrono times. The kernel runs one chronograph
 * at a time (tcp_chrono_start: the higher type wins) and reports busy_time
 * as the sum of all three, so rwnd and sndbuf are parts of busy and the rest
 * of busy is "cwnd": data in flight or queued with neither limit. 1 - busy
 * is time with nothing to send.
 */
static void classify_interval(struct row *r)
{
	double rw = share_of(r->d_rwnd_us, r->dt), sb = share_of(r->d_sndbuf_us, r->dt);
	double busy = share_of(r->d_busy_us, r->dt);
	double other = busy - rw - sb, idle = 1 - busy;
	unsigned st;

	if (other < 0)
		other = 0;
	r->limit_basis = DB_INTERVAL;
	if (rw >= TH.limit_share || sb >= TH.limit_share) {
		r->limited_by = rw >= sb ? DL_RWND : DL_SNDBUF;
		r->limited_pct = pct(rw >= sb ? rw : sb);
	} else if (other >= idle) {
		r->limited_by = DL_CWND;
		r->limited_pct = pct(other);
		/*
		 * The sndbuf chrono starts only when a send empties the write
		 * queue (a Nagle or autocork tail keeps it from starting), so a
		 * buffer-bound connection can show as busy. When the socket is
		 * plainly window- or buffer-bound at the sample, say so.
		 */
		st = state_limit(r, false);
		if (st != DL_NONE) {
			r->limited_by = (uint8_t)st;
			r->limited_pct = pct(other + (st == DL_RWND ? rw : sb));
			r->limit_basis = DB_MIXED;
		}
	} else {
		bool sent = !(r->flags & ROW_RATES) || r->tx_bps > 0;

		r->limited_by = busy < TH.idle_busy && !sent ? DL_IDLE : DL_APP;
		r->limited_pct = pct(idle);
	}
}

static void classify(struct row *r)
{
	r->dflags = 0;
	r->limited_by = DL_NONE;
	r->limited_pct = 0;
	r->limit_basis = DB_NONE;
	if (!may_send(r->c))
		return;
	if ((r->flags & ROW_D_LIMITS) && r->dt > 0) {
		classify_interval(r);
		return;
	}
	r->limited_by = (uint8_t)state_limit(r, true);
	r->limit_basis = DB_STATE;
}

/*
 * BDP = rate x min_rtt. The rate is the kernel's delivery rate. A sender
 * bound by its send buffer is marked application-limited by the kernel
 * (tcp_rate_check_app_limited: little unsent data, cwnd not full), so its
 * delivery rate shows the buffer, not the path: then the pacing rate, what
 * the congestion control would send at, if higher. Any other app-limited
 * sample is kept as a lower bound: when the application is the limit, the
 * pacing rate (cwnd/srtt x gain) says nothing about the path. A connection
 * that only receives uses its receive rate. Only for connections that moved
 * data in the interval.
 */
static void estimate_bdp(struct row *r)
{
	const struct conn *c = r->c;
	uint64_t del = 0, pace = 0;
	double rate = 0;
	uint32_t rtt = base_rtt_us(c);
	bool moved = !(r->flags & ROW_RATES) || r->tx_bps > 0 || r->rx_bps > 0;

	r->bdp_bytes = 0;
	if (!rtt || !moved || c->state == TS_LISTEN)
		return;
	if (CONN_INFO(c, pacing_rate, &pace) && pace == UINT64_MAX)
		pace = 0; /* ~0: no pacing rate set */
	if (CONN_INFO(c, delivery_rate, &del) && del > 0 &&
	    (!(r->flags & ROW_RATES) || r->tx_bps > 0)) {
		bool app_limited = c->info->flags8 & 1;
		bool by_sndbuf = r->limited_by == DL_SNDBUF;

		rate = (double)(app_limited && by_sndbuf && pace > del ? pace : del);
		if (app_limited)
			r->dflags |= ROWD_BDP_MIN;
	} else if ((r->flags & ROW_RATES) && r->rx_bps > 0) {
		rate = r->rx_bps / 8;
	} else if (!TCPI_HAS(c->info_len, delivery_rate) && (r->flags & ROW_RATES) &&
		   r->tx_bps > 0) {
		rate = (double)pace; /* before 4.9 */
	}
	r->bdp_bytes = bytes_of(rate * rtt / 1e6);
}

/* Highest value of a three-value sysctl (tcp_wmem's max); 0 when unknown. */
static int64_t tun_max(const struct tunables *t, enum tun_id id)
{
	return t->n[id] == 3 ? t->v[id][2] : 0;
}

/* Our receive window and the data arriving per round trip; false when unknown. */
static bool rcv_window(const struct row *r, uint32_t *wnd, double *per_rtt, uint32_t *rtt)
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
	if (!rr)
		return false;
	*wnd = w;
	*rtt = rr;
	*per_rtt = r->rx_bps / 8 * rr / 1e6;
	return true;
}

/*
 * We advertise a zero window with data unread (rcv_wnd, 6.2+), now and at
 * the previous sample (see zero_window_held). Older kernels: the buffer
 * nearly full, with unread data at the previous sample too.
 */
static bool rcvq_full(const struct row *r)
{
	const struct conn *c = r->c;
	uint32_t w;

	if (c->rqueue == 0 || !(r->flags & ROW_PREV))
		return false;
	if (CONN_INFO(c, rcv_wnd, &w))
		return w == 0 && (r->prev.have & PREV_RCV_WND) && r->prev.rcv_wnd == 0;
	return has_skmem(c) && skm(c, SKM_RCVBUF) && r->prev.rqueue > 0 &&
	       skm(c, SKM_RMEM_ALLOC) >= TH.rcvq_full * skm(c, SKM_RCVBUF);
}

/* A limit of `bytes` is about the path's BDP or below (see TH.bdp_ratio); unknown BDP: yes. */
static bool below_bdp(const struct row *r, uint64_t bytes)
{
	return !r->bdp_bytes || (double)bytes < TH.bdp_ratio * (double)r->bdp_bytes;
}

static uint8_t backoff_of(const struct conn *c)
{
	uint8_t b;

	return CONN_INFO(c, backoff, &b) ? b : c->retrans;
}

static void conn_findings(const struct frame *f, struct row *r)
{
	const struct conn *c = r->c;
	uint32_t bits = 0, wnd, rtt;
	double per_rtt;
	bool prev_skmem = (r->flags & ROW_PREV) && (r->prev.have & PREV_SKMEM);

	/* a handshake in progress has no window yet (snd_wnd 0 in SYN-SENT) */
	if (!may_send(c))
		goto out;
	/* a window or buffer limit: the delivery rate is capped by it */
	if (r->limited_by == DL_RWND || r->limited_by == DL_SNDBUF)
		r->dflags |= ROWD_BDP_MIN;
	if (r->limited_by == DL_SNDBUF) {
		int64_t wmax = tun_max(&f->tun, TUN_TCP_WMEM);
		uint32_t tb = skm(c, SKM_SNDBUF);

		if (below_bdp(r, tb))
			bits |= 1u << DX_SNDBUF_BDP;
		/*
		 * Autotuning grows a buffer that limits sending (tcp_new_space ->
		 * tcp_sndbuf_expand) unless SO_SNDBUF locked it or it is at the
		 * tcp_wmem maximum: one interval without growth is enough.
		 */
		if (wmax > 0 && tb >= wmax)
			r->dflags |= ROWD_SNDBUF_AT_MAX;
		else if (prev_skmem && tb && r->prev.sndbuf == tb)
			bits |= 1u << DX_SNDBUF_FIXED;
	}
	if (zero_window(c)) {
		if (zero_window_held(r))
			bits |= 1u << DX_ZWIN;
	} else if (r->limited_by == DL_RWND && (!CONN_INFO(c, snd_wnd, &wnd) || below_bdp(r, wnd)))
		bits |= 1u << DX_RWND_BDP;
	if (rcvq_full(r)) {
		bits |= 1u << DX_RCVQ_FULL;
	} else if (r->rq_grew >= TH.grow_streak && c->rqueue >= TH.queue_min &&
		   (r->flags & ROW_RATES) &&
		   c->rqueue - r->prev.rqueue >= TH.grow_share * r->rx_bps / 8 * r->dt) {
		bits |= 1u << DX_RECVQ_GROWING;
	}
	if (has_skmem(c) && prev_skmem && rcv_window(r, &wnd, &per_rtt, &rtt) && wnd > 0 &&
	    per_rtt >= TH.rcvwin_fill * wnd &&
	    skm(c, SKM_RMEM_ALLOC) < TH.rcvq_reading * skm(c, SKM_RCVBUF) &&
	    skm(c, SKM_RCVBUF) <= r->prev.rcvbuf) {
		int64_t rmax = tun_max(&f->tun, TUN_TCP_RMEM);

		bits |= 1u << DX_RCVBUF_BDP;
		if (rmax > 0 && skm(c, SKM_RCVBUF) >= rmax)
			r->dflags |= ROWD_RCVBUF_AT_MAX;
		else if (skm(c, SKM_RCVBUF) == r->prev.rcvbuf)
			bits |= 1u << DX_RCVBUF_FIXED;
	}
	/* unsent data piling up while the buffer does not grow and no window explains it */
	if (r->notsent_grew >= TH.grow_streak && unsent_bytes(c) >= TH.queue_min &&
	    (r->flags & ROW_RATES) &&
	    unsent_bytes(c) - r->prev.notsent >= TH.grow_share * r->tx_bps / 8 * r->dt &&
	    !zero_window(c) && r->limited_by != DL_RWND && prev_skmem &&
	    skm(c, SKM_SNDBUF) <= r->prev.sndbuf)
		bits |= 1u << DX_UNSENT_GROWING;
	/*
	 * icsk_backoff counts consecutive timeouts without progress (an ACK of
	 * new data resets it), so two or more under a running timer is the
	 * backoff rising; between two samples a doubling does not always fire,
	 * so growth since the last sample is not required. Also the probe timer
	 * backing off with the window open: transmissions fail locally (a qdisc
	 * or netfilter drops them), nothing gets in flight, and the kernel
	 * probes as it would a zero window.
	 */
	if ((c->timer == TIMER_RETRANS || (c->timer == TIMER_PERSIST && !zero_window(c))) &&
	    backoff_of(c) >= TH.backoff_min)
		bits |= 1u << DX_RTO_BACKOFF;
out:
	r->findings = bits;
}

static uint8_t conn_severity(const struct row *r, unsigned code)
{
	if (code == DX_RTO_BACKOFF && backoff_of(r->c) >= TH.backoff_crit)
		return DS_CRIT;
	return codes[code].severity;
}

/* ---- findings list ---- */

struct gkey {
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

struct diagnoser *diagnose_new(void)
{
	return xcalloc(1, sizeof(struct diagnoser));
}

void diagnose_free(struct diagnoser *d)
{
	if (!d)
		return;
	free(d->v);
	free(d->keys);
	free(d);
}

static struct finding *add(struct diagnoser *d, unsigned code, unsigned severity,
			   const char *subject)
{
	struct finding *x;

	d->v = xgrow(d->v, &d->cap, d->n + 1, sizeof(*d->v));
	x = &d->v[d->n++];
	memset(x, 0, sizeof(*x));
	x->code = (uint8_t)code;
	x->severity = (uint8_t)severity;
	x->count = 1;
	x->row = UINT32_MAX;
	snprintf(x->subject, sizeof(x->subject), "%s", subject);
	return x;
}

static void ev(struct finding *x, const char *key, int64_t v)
{
	if (x->nev < FINDING_EVIDENCE_MAX)
		x->ev[x->nev++] = (struct evidence){ key, v };
}

static bool ev_get(const struct finding *x, const char *key, int64_t *v)
{
	for (int i = 0; i < x->nev; i++) {
		if (!strcmp(x->ev[i].key, key)) {
			*v = x->ev[i].v;
			return true;
		}
	}
	return false;
}

static int64_t evd(const struct finding *x, const char *key)
{
	int64_t v = 0;

	ev_get(x, key, &v);
	return v;
}

/* A counter's delta in this frame; 0 when unavailable. */
static uint64_t cdelta(const struct frame *f, const char *name)
{
	const struct counter *c = counters_find(&f->counters, name);

	return c && (c->flags & CTR_DELTA) ? c->delta : 0;
}

static void conn_subject(const struct row *r, char *buf, size_t len)
{
	char a[ENDPOINT_STRLEN], b[ENDPOINT_STRLEN];

	snprintf(buf, len, "%s -> %s",
		 endpoint_str(r->c->family, r->c->src, r->c->sport, a, sizeof(a)),
		 endpoint_str(r->c->family, r->c->dst, r->c->dport, b, sizeof(b)));
}

/* The numbers behind each connection code, as JSON evidence (those of the example connection). */
static void evidence_sndbuf(const struct frame *f, const struct row *r, struct finding *x)
{
	(void)f;
	ev(x, "sndbuf", skm(r->c, SKM_SNDBUF));
	ev(x, "wmem_queued", skm(r->c, SKM_WMEM_QUEUED));
	if (r->limit_basis != DB_STATE)
		ev(x, "limited_pct", r->limited_pct);
	if (r->bdp_bytes)
		ev(x, "bdp_bytes", (int64_t)r->bdp_bytes);
	ev(x, "min_rtt_us", base_rtt_us(r->c));
}

static void evidence_sndbuf_fixed(const struct frame *f, const struct row *r, struct finding *x)
{
	evidence_sndbuf(f, r, x);
	if (tun_max(&f->tun, TUN_TCP_WMEM))
		ev(x, "tcp_wmem_max", tun_max(&f->tun, TUN_TCP_WMEM));
}

static void evidence_rwnd(const struct frame *f, const struct row *r, struct finding *x)
{
	uint32_t wnd;

	(void)f;
	if (CONN_INFO(r->c, snd_wnd, &wnd))
		ev(x, "rwnd", wnd);
	if (r->limit_basis != DB_STATE)
		ev(x, "limited_pct", r->limited_pct);
	if (r->bdp_bytes)
		ev(x, "bdp_bytes", (int64_t)r->bdp_bytes);
	ev(x, "min_rtt_us", base_rtt_us(r->c));
}

static void evidence_rcvbuf(const struct frame *f, const struct row *r, struct finding *x)
{
	uint32_t wnd, rtt;
	double per_rtt;

	(void)f;
	ev(x, "rcvbuf", skm(r->c, SKM_RCVBUF));
	if (rcv_window(r, &wnd, &per_rtt, &rtt)) {
		ev(x, "rcv_wnd", wnd);
		ev(x, "bytes_per_rtt", (int64_t)bytes_of(per_rtt));
		ev(x, "rtt_us", rtt);
	}
}

static void evidence_rcvbuf_fixed(const struct frame *f, const struct row *r, struct finding *x)
{
	evidence_rcvbuf(f, r, x);
	if (tun_max(&f->tun, TUN_TCP_RMEM))
		ev(x, "tcp_rmem_max", tun_max(&f->tun, TUN_TCP_RMEM));
}

static void evidence_zwin(const struct frame *f, const struct row *r, struct finding *x)
{
	(void)f;
	ev(x, "rwnd", 0);
	ev(x, "send_q", r->c->wqueue);
	if (r->c->timer == TIMER_PERSIST)
		ev(x, "probes", r->c->retrans);
}

static void evidence_recvq(const struct frame *f, const struct row *r, struct finding *x)
{
	uint32_t wnd;

	(void)f;
	ev(x, "recv_q", r->c->rqueue);
	if (r->flags & ROW_PREV)
		ev(x, "recv_q_prev", r->prev.rqueue);
	ev(x, "rmem_alloc", skm(r->c, SKM_RMEM_ALLOC));
	ev(x, "rcvbuf", skm(r->c, SKM_RCVBUF));
	if (CONN_INFO(r->c, rcv_wnd, &wnd))
		ev(x, "rcv_wnd", wnd);
}

static void evidence_unsent(const struct frame *f, const struct row *r, struct finding *x)
{
	(void)f;
	ev(x, "notsent", (int64_t)unsent_bytes(r->c));
	ev(x, "notsent_prev", r->prev.notsent);
	ev(x, "intervals", r->notsent_grew);
	ev(x, "sndbuf", skm(r->c, SKM_SNDBUF));
}

static void evidence_rto(const struct frame *f, const struct row *r, struct finding *x)
{
	(void)f;
	ev(x, "backoff", backoff_of(r->c));
	if ((r->flags & ROW_PREV) && (r->prev.have & PREV_BACKOFF))
		ev(x, "backoff_prev", r->prev.backoff);
	ev(x, "rto_us", r->c->info->rto);
	ev(x, "timer_ms", r->c->expires_ms);
}

static void (*const evidence_of[DX_CONN_N])(const struct frame *, const struct row *,
					    struct finding *) = {
	[DX_SNDBUF_BDP] = evidence_sndbuf,
	[DX_SNDBUF_FIXED] = evidence_sndbuf_fixed,
	[DX_RWND_BDP] = evidence_rwnd,
	[DX_RCVBUF_BDP] = evidence_rcvbuf,
	[DX_RCVBUF_FIXED] = evidence_rcvbuf_fixed,
	[DX_ZWIN] = evidence_zwin,
	[DX_RCVQ_FULL] = evidence_recvq,
	[DX_RECVQ_GROWING] = evidence_recvq,
	[DX_UNSENT_GROWING] = evidence_unsent,
	[DX_RTO_BACKOFF] = evidence_rto,
};

/* One finding per connection code: how many connections have it, and the busiest as example. */
static void summarise_connections(struct diagnoser *d, const struct frame *f)
{
	size_t n = frame_nrows(f);

	for (unsigned code = 0; code < DX_CONN_N; code++) {
		const struct row *best = NULL;
		uint32_t count = 0, best_i = 0;
		uint8_t sev = DS_INFO;
		struct finding *x;
		char subj[FINDING_SUBJECT_MAX];

		for (size_t i = 0; i < n; i++) {
			const struct row *r = &f->rows[i];
			double w, bw;

			if (!(r->findings & (1u << code)))
				continue;
			count++;
			if (conn_severity(r, code) > sev)
				sev = conn_severity(r, code);
			w = (r->flags & ROW_RATES) ? r->tx_bps + r->rx_bps : 0;
			bw = best && (best->flags & ROW_RATES) ? best->tx_bps + best->rx_bps : 0;
			if (!best || w > bw || (w == bw && r->c->cookie < best->c->cookie)) {
				best = r;
				best_i = (uint32_t)i;
			}
		}
		if (!best)
			continue;
		conn_subject(best, subj, sizeof(subj));
		x = add(d, code, sev, subj);
		x->count = count;
		x->row = best_i;
		x->cookie = best->c->cookie;
		ev(x, "connections", count);
		evidence_of[code](f, best, x);
	}
}

static void listener_subject(const struct frame *f, const struct listener *l, char *buf, size_t len)
{
	const struct conn *c = f->rows[l->row].c;

	endpoint_str(c->family, c->src, c->sport, buf, len);
}

static struct finding *add_listener(struct diagnoser *d, const struct frame *f,
				    const struct listener *l, unsigned code)
{
	char subj[FINDING_SUBJECT_MAX];
	struct finding *x;

	listener_subject(f, l, subj, sizeof(subj));
	x = add(d, code, codes[code].severity, subj);
	x->row = l->row;
	x->cookie = f->rows[l->row].c->cookie;
	return x;
}

/*
 * A listener's drops (skmem d) count every SYN it dropped: accept queue full
 * (ListenOverflows), SYN queue full without syncookies (TCPReqQFullDrop),
 * and the rest of ListenDrops. The queues at the sample and the host
 * counters say which.
 */
static void listener_findings(struct diagnoser *d, const struct frame *f, bool *synq_named)
{
	int64_t somaxconn = tunables_get(&f->tun, TUN_SOMAXCONN, 0);
	uint64_t ovf = cdelta(f, "TcpExtListenOverflows");
	uint64_t qfull = cdelta(f, "TcpExtTCPReqQFullDrop");

	for (size_t i = 0; i < f->nlisteners; i++) {
		const struct listener *l = &f->listeners[i];
		uint64_t drops = (l->flags & LST_DROPS_DELTA) ? l->drops_delta : 0;
		bool full = l->accept_max && l->accept_q >= l->accept_max;
		bool synfull = l->accept_max && l->syn_q >= l->accept_max;
		bool overflowing = false;
		struct finding *x;

		if (drops && (full || (ovf && !synfull))) {
			x = add_listener(d, f, l, DX_ACCEPT_OVERFLOW);
			ev(x, "drops_delta", (int64_t)drops);
			ev(x, "accept_queue", l->accept_q);
			ev(x, "accept_max", l->accept_max);
			ev(x, "listen_overflows_delta", (int64_t)ovf);
			if (somaxconn)
				ev(x, "somaxconn", somaxconn);
			overflowing = true;
		} else if (drops && (synfull || qfull)) {
			x = add_listener(d, f, l, DX_SYNQ_OVERFLOW);
			ev(x, "drops_delta", (int64_t)drops);
			ev(x, "syn_queue", l->syn_q);
			ev(x, "accept_max", l->accept_max);
			ev(x, "reqqfull_drop_delta", (int64_t)qfull);
			ev(x, "tcp_syncookies", tunables_get(&f->tun, TUN_SYNCOOKIES, -1));
			*synq_named = true;
		} else if (drops) {
			x = add_listener(d, f, l, DX_LISTEN_DROPS);
			ev(x, "drops_delta", (int64_t)drops);
			ev(x, "accept_queue", l->accept_q);
			ev(x, "accept_max", l->accept_max);
			ev(x, "syn_queue", l->syn_q);
		} else if (full) {
			x = add_listener(d, f, l, DX_ACCEPT_FULL);
			ev(x, "accept_queue", l->accept_q);
			ev(x, "accept_max", l->accept_max);
			overflowing = true;
		}
		if (overflowing && somaxconn > 0 &&
		    (int64_t)l->accept_max * TH.backlog_ratio <= somaxconn) {
			x = add_listener(d, f, l, DX_BACKLOG_SMALL);
			ev(x, "accept_max", l->accept_max);
			ev(x, "somaxconn", somaxconn);
			ev(x, "accept_queue", l->accept_q);
		}
	}
}

static void host_listen_findings(struct diagnoser *d, const struct frame *f, bool synq_named)
{
	uint64_t ovf = cdelta(f, "TcpExtListenOverflows");
	uint64_t qfull = cdelta(f, "TcpExtTCPReqQFullDrop");
	uint64_t cookies = cdelta(f, "TcpExtTCPReqQFullDoCookies");
	uint64_t sent = cdelta(f, "TcpExtSyncookiesSent");
	uint32_t full = 0;
	struct finding *x;

	if (qfull && !synq_named) {
		x = add(d, DX_SYNQ_OVERFLOW, DS_CRIT, "host");
		ev(x, "reqqfull_drop_delta", (int64_t)qfull);
		ev(x, "tcp_syncookies", tunables_get(&f->tun, TUN_SYNCOOKIES, -1));
	}
	if (cookies || sent) {
		const struct listener *l = NULL;

		/* the listener whose SYN queue is full, if the dump shows one */
		for (size_t i = 0; i < f->nlisteners; i++)
			if (f->listeners[i].accept_max &&
			    f->listeners[i].syn_q >= f->listeners[i].accept_max &&
			    (!l || f->listeners[i].syn_q > l->syn_q))
				l = &f->listeners[i];
		x = l ? add_listener(d, f, l, DX_SYNCOOKIES)
		      : add(d, DX_SYNCOOKIES, DS_WARN, "host");
		ev(x, "syncookies_sent_delta", (int64_t)sent);
		ev(x, "reqqfull_docookies_delta", (int64_t)cookies);
		if (l) {
			ev(x, "syn_queue", l->syn_q);
			ev(x, "accept_max", l->accept_max);
		}
	}
	/*
	 * The sysctl acts whenever an accept queue is full: overflows come in
	 * bursts (SYN retries after 1 s, 3 s...), a full queue is there between.
	 */
	for (size_t i = 0; i < f->nlisteners; i++)
		full += f->listeners[i].accept_max &&
			f->listeners[i].accept_q >= f->listeners[i].accept_max;
	if ((ovf || full) && tunables_get(&f->tun, TUN_ABORT_ON_OVERFLOW, 0) == 1) {
		x = add(d, DX_ABORT_ON_OVERFLOW, DS_WARN, "host");
		ev(x, "tcp_abort_on_overflow", 1);
		ev(x, "listen_overflows_delta", (int64_t)ovf);
		ev(x, "full_accept_queues", full);
		ev(x, "out_rsts_delta", (int64_t)cdelta(f, "TcpOutRsts"));
	}
}

/* An address as IPv6 (IPv4 mapped), so both families group together. */
static void mapped(const struct conn *c, const uint8_t *a, uint8_t out[16])
{
	if (c->family == AF_INET) {
		memset(out, 0, 10);
		out[10] = out[11] = 0xff;
		memcpy(out + 12, a, 4);
	} else {
		memcpy(out, a, 16);
	}
}

static int cmp_gkey(const void *x, const void *y)
{
	const struct gkey *p = x, *q = y;
	int c = memcmp(p->a, q->a, 16);

	if (!c)
		c = memcmp(p->b, q->b, 16);
	if (!c && p->port != q->port)
		c = p->port < q->port ? -1 : 1;
	if (!c && p->row != q->row)
		c = p->row < q->row ? -1 : 1;
	return c;
}

static bool same_group(const struct gkey *p, const struct gkey *q)
{
	return !memcmp(p->a, q->a, 16) && !memcmp(p->b, q->b, 16) && p->port == q->port;
}

/* keys is NULL until the first group: qsort must not see it then. */
static void sort_keys(struct diagnoser *d, size_t n)
{
	if (n > 1)
		qsort(d->keys, n, sizeof(*d->keys), cmp_gkey);
}

/*
 * CLOSE-WAIT grouped twice: by local port (a server that does not close
 * what its clients closed) and by remote endpoint (a client that does not
 * close what its server closed). Each connection sits in one large group
 * and in many single ones, so groups above the threshold do not overlap.
 */
static void close_wait_findings(struct diagnoser *d, const struct frame *f)
{
	size_t n = frame_nrows(f);

	for (int by_remote = 0; by_remote < 2; by_remote++) {
		size_t k = 0;

		for (size_t i = 0; i < n; i++) {
			const struct conn *c = f->rows[i].c;
			struct gkey *g;

			if (c->state != TS_CLOSE_WAIT)
				continue;
			d->keys = xgrow(d->keys, &d->keys_cap, k + 1, sizeof(*d->keys));
			g = &d->keys[k++];
			memset(g, 0, sizeof(*g));
			if (by_remote) {
				mapped(c, c->dst, g->a);
				g->port = c->dport;
			} else {
				g->port = c->sport;
			}
			g->row = (uint32_t)i;
		}
		sort_keys(d, k);
		for (size_t i = 0; i < k;) {
			size_t j = i;
			uint32_t held = 0, fresh = 0;

			for (; j < k && same_group(&d->keys[i], &d->keys[j]); j++) {
				const struct row *r = &f->rows[d->keys[j].row];

				if ((double)(f->mono_ns - r->state_since_ns) / 1e9 >=
					    TH.cw_hold_s &&
				    (r->flags & ROW_PREV))
					held++;
				if (!(r->flags & ROW_PREV) || r->prev.state != TS_CLOSE_WAIT)
					fresh++;
			}
			if (held >= TH.cw_min) {
				const struct row *r0 = &f->rows[d->keys[i].row];
				char subj[FINDING_SUBJECT_MAX], ep[ENDPOINT_STRLEN];
				struct finding *x;

				if (by_remote)
					snprintf(subj, sizeof(subj), "-> %s",
						 endpoint_str(r0->c->family, r0->c->dst,
							      r0->c->dport, ep, sizeof(ep)));
				else
					snprintf(subj, sizeof(subj), "port %u", r0->c->sport);
				x = add(d, DX_CLOSE_WAIT, DS_WARN, subj);
				x->count = (uint32_t)(j - i);
				ev(x, "close_wait", (int64_t)(j - i));
				ev(x, "held", held);
				ev(x, "new", fresh);
				if (f->has_states_delta)
					ev(x, "close_wait_delta_host",
					   f->states_delta[TS_CLOSE_WAIT]);
			}
			i = j;
		}
	}
}

static void time_wait_findings(struct diagnoser *d, const struct frame *f)
{
	int64_t max = tunables_get(&f->tun, TUN_MAX_TW_BUCKETS, 0);
	uint64_t ovf = cdelta(f, "TcpExtTCPTimeWaitOverflow");
	uint32_t tw = f->states[TS_TIME_WAIT];
	struct finding *x;

	if (!ovf && !(max > 0 && tw >= TH.tw_share * (double)max))
		return;
	x = add(d, DX_TIME_WAIT, ovf ? DS_CRIT : DS_WARN, "host");
	x->count = tw;
	ev(x, "time_wait", tw);
	if (max > 0)
		ev(x, "max_tw_buckets", max);
	ev(x, "tw_overflow_delta", (int64_t)ovf);
}

/*
 * Ephemeral ports per (source address, destination): connect() needs a free
 * local port per 4-tuple, so each destination has the whole range to itself,
 * and TIME-WAIT sockets hold theirs (unless tcp_tw_reuse lets connect take
 * them over).
 */
static void port_findings(struct diagnoser *d, const struct frame *f)
{
	size_t n = frame_nrows(f), k = 0;
	int64_t lo, hi, size;

	if (f->tun.n[TUN_LOCAL_PORT_RANGE] < 2)
		return;
	lo = f->tun.v[TUN_LOCAL_PORT_RANGE][0];
	hi = f->tun.v[TUN_LOCAL_PORT_RANGE][1];
	size = hi - lo + 1;
	if (size <= 0)
		return;
	for (size_t i = 0; i < n; i++) {
		const struct conn *c = f->rows[i].c;
		struct gkey *g;

		if (c->state == TS_LISTEN || c->sport < lo || c->sport > hi || c->dport == 0)
			continue;
		d->keys = xgrow(d->keys, &d->keys_cap, k + 1, sizeof(*d->keys));
		g = &d->keys[k++];
		memset(g, 0, sizeof(*g));
		mapped(c, c->src, g->a);
		mapped(c, c->dst, g->b);
		g->port = c->dport;
		g->row = (uint32_t)i;
	}
	sort_keys(d, k);
	for (size_t i = 0; i < k;) {
		size_t j = i;
		uint32_t tw = 0;

		for (; j < k && same_group(&d->keys[i], &d->keys[j]); j++)
			tw += f->rows[d->keys[j].row].c->state == TS_TIME_WAIT;
		if ((double)(j - i) >= TH.ports_warn * (double)size) {
			const struct conn *c0 = f->rows[d->keys[i].row].c;
			char subj[FINDING_SUBJECT_MAX], a[ADDR_STRLEN], ep[ENDPOINT_STRLEN];
			bool crit = (double)(j - i) >= TH.ports_crit * (double)size;
			struct finding *x;

			snprintf(subj, sizeof(subj), "%s -> %s",
				 addr_str(c0->family, c0->src, a, sizeof(a)),
				 endpoint_str(c0->family, c0->dst, c0->dport, ep, sizeof(ep)));
			x = add(d, DX_PORTS, crit ? DS_CRIT : DS_WARN, subj);
			x->count = (uint32_t)(j - i);
			ev(x, "used", (int64_t)(j - i));
			ev(x, "range_size", size);
			ev(x, "range_lo", lo);
			ev(x, "range_hi", hi);
			ev(x, "time_wait", tw);
			ev(x, "tcp_tw_reuse", tunables_get(&f->tun, TUN_TW_REUSE, -1));
		}
		i = j;
	}
}

/* Most severe first; then by code (the table's order), subject and cookie: deterministic. */
static int cmp_finding(const void *x, const void *y)
{
	const struct finding *p = x, *q = y;
	int c;

	if (p->severity != q->severity)
		return p->severity > q->severity ? -1 : 1;
	if (p->code != q->code)
		return p->code < q->code ? -1 : 1;
	c = strcmp(p->subject, q->subject);
	if (c)
		return c;
	return p->cookie < q->cookie ? -1 : p->cookie > q->cookie;
}

void diagnose_frame(struct diagnoser *d, struct frame *f)
{
	size_t n = frame_nrows(f);
	bool synq_named = false;

	for (size_t i = 0; i < n; i++) {
		struct row *r = &f->rows[i];

		classify(r);
		estimate_bdp(r);
		conn_findings(f, r);
	}
	d->n = 0;
	summarise_connections(d, f);
	listener_findings(d, f, &synq_named);
	host_listen_findings(d, f, synq_named);
	close_wait_findings(d, f);
	time_wait_findings(d, f);
	port_findings(d, f);
	if (d->n)
		qsort(d->v, d->n, sizeof(*d->v), cmp_finding);
	f->nfindings = (uint32_t)(d->n < FRAME_FINDINGS_MAX ? d->n : FRAME_FINDINGS_MAX);
	f->findings_dropped = (uint32_t)(d->n - f->nfindings);
	if (f->nfindings)
		memcpy(f->findings, d->v, f->nfindings * sizeof(*d->v));
}

/* ---- text ---- */

/* A line being written: the buffer, its size, how much is used. */
struct text {
	char *buf;
	size_t len, off;
};

/* Appends, never past the end (a long line is cut). */
static void put(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int w;

	if (t->off >= t->len)
		return;
	va_start(ap, fmt);
	w = vsnprintf(t->buf + t->off, t->len - t->off, fmt, ap);
	va_end(ap);
	if (w > 0)
		t->off = t->off + (size_t)w < t->len ? t->off + (size_t)w : t->len - 1;
}

/* "800 B", "16 KiB", "1.5 MiB". */
static const char *iec(uint64_t v, char *buf, size_t len)
{
	static const char *const unit[] = { "KiB", "MiB", "GiB", "TiB" };
	double x = (double)v;
	int u = -1;

	if (v < 1024) {
		snprintf(buf, len, "%llu B", (unsigned long long)v);
		return buf;
	}
	while (x >= 1024 && u < 3) {
		x /= 1024;
		u++;
	}
	if (x < 10 && fabs(x - round(x)) > 0.05)
		snprintf(buf, len, "%.1f %s", x, unit[u]);
	else
		snprintf(buf, len, "%.0f %s", x, unit[u]);
	return buf;
}

/* "20.1 ms", "45 us". */
static const char *usec(uint64_t us, char *buf, size_t len)
{
	if (us >= 100000)
		snprintf(buf, len, "%.0f ms", (double)us / 1000.0);
	else if (us >= 1000)
		snprintf(buf, len, "%.1f ms", (double)us / 1000.0);
	else
		snprintf(buf, len, "%llu us", (unsigned long long)us);
	return buf;
}

/* Bytes/s as "15.3 Mbit/s". */
static const char *bitrate(double bytes_per_s, char *buf, size_t len)
{
	static const char *const unit[] = { "bit/s", "kbit/s", "Mbit/s", "Gbit/s", "Tbit/s" };
	double x = bytes_per_s * 8;
	int u = 0;

	while (x >= 1000 && u < 4) {
		x /= 1000;
		u++;
	}
	snprintf(buf, len, u ? "%.1f %s" : "%.0f %s", x, unit[u]);
	return buf;
}

char *diagnose_limit_str(const struct row *r, char *buf, size_t len)
{
	const char *name = diagnose_limit_name(r->limited_by);

	if (!name)
		snprintf(buf, len, "%s", "");
	else if (r->limit_basis == DB_STATE)
		snprintf(buf, len, "%s?", name);
	else
		snprintf(buf, len, "%s%s%u%%", name, r->limit_basis == DB_MIXED ? "~" : " ",
			 r->limited_pct);
	return buf;
}

char *diagnose_flags_str(const struct row *r, char *buf, size_t len)
{
	struct text t = { buf, len, 0 };

	buf[0] = '\0';
	for (unsigned code = 0; code < DX_CONN_N; code++)
		if (r->findings & (1u << code))
			put(&t, "%s%s", t.off ? "," : "", codes[code].name);
	return buf;
}

/* How the limit was measured, for the explanations. */
static void put_limit_share(const struct row *r, struct text *t)
{
	if (r->limit_basis == DB_INTERVAL)
		put(t, "%u%% of the interval", r->limited_pct);
	else if (r->limit_basis == DB_MIXED)
		put(t,
		    "%u%% of the interval (busy time the kernel did not attribute; at the sample "
		    "the socket was bound by it)",
		    r->limited_pct);
	else
		put(t, "at the sample (no interval times from this kernel yet)");
}

/*
 * "; BDP >= 72 KiB (29.0 Mbit/s x 20.1 ms)" when known; ">=" when measured
 * while limited. A limit of `limit` bytes caps the rate the estimate comes
 * from, so an estimate below the limit says so instead of reading as
 * "buffer < BDP" with the numbers the other way round.
 */
static void put_bdp(const struct row *r, uint64_t limit, struct text *t)
{
	char b[24], rt[24], rate[32];
	uint32_t rtt = base_rtt_us(r->c);

	if (!r->bdp_bytes || !rtt)
		return;
	iec(r->bdp_bytes, b, sizeof(b));
	bitrate((double)r->bdp_bytes * 1e6 / rtt, rate, sizeof(rate));
	usec(rtt, rt, sizeof(rt));
	if (limit && r->bdp_bytes < limit && (r->dflags & ROWD_BDP_MIN))
		put(t,
		    "; the measured %s x %s = %s is capped by this limit itself, the path takes "
		    "more",
		    rate, rt, b);
	else
		put(t, "; BDP %s%s (%s x %s)", r->dflags & ROWD_BDP_MIN ? ">= " : "", b, rate, rt);
}

char *diagnose_explain_limit(const struct row *r, char *buf, size_t len)
{
	static const char *const what[DL_N] = {
		[DL_RWND] = "the peer's receive window",
		[DL_SNDBUF] = "its own send buffer",
		[DL_CWND] = "the congestion window or pacing (the network)",
		[DL_APP] = "the application: it had nothing more to send",
		[DL_IDLE] = "nothing: it sent nothing",
	};
	struct text t = { buf, len, 0 };

	if (r->limited_by == DL_NONE || r->limited_by >= DL_N) {
		snprintf(buf, len, "no sending limit applies to this socket");
		return buf;
	}
	put(&t, "sending was limited by %s, ", what[r->limited_by]);
	put_limit_share(r, &t);
	put_bdp(r, 0, &t);
	return buf;
}

/* ---- one text per code ---- */

static void explain_sndbuf_bdp(const struct row *r, struct text *t)
{
	const struct conn *c = r->c;
	char a[24], b[24];

	put(t, "send buffer %s held sending back ", iec(skm(c, SKM_SNDBUF), a, sizeof(a)));
	put_limit_share(r, t);
	put(t, ": all of it in flight, the congestion window allowed more");
	put_bdp(r, skm(c, SKM_SNDBUF), t);
	if (r->findings & (1u << DX_SNDBUF_FIXED))
		put(t,
		    "; the application sets SO_SNDBUF (%s, doubled): remove it or raise "
		    "it, see net.core.wmem_max",
		    iec(skm(c, SKM_SNDBUF) / 2, b, sizeof(b)));
	else if (r->dflags & ROWD_SNDBUF_AT_MAX)
		put(t, "; autotuning reached the net.ipv4.tcp_wmem maximum: raise it");
	else
		put(t, "; check net.ipv4.tcp_wmem and memory pressure");
}

static void explain_sndbuf_fixed(const struct row *r, struct text *t)
{
	const struct conn *c = r->c;
	char a[24], b[24];

	put(t,
	    "send buffer %s did not grow while it limited sending: the application fixed "
	    "it with SO_SNDBUF %s (the kernel doubles it and turns autotuning off); remove "
	    "the setsockopt or raise it, see net.core.wmem_max",
	    iec(skm(c, SKM_SNDBUF), a, sizeof(a)), iec(skm(c, SKM_SNDBUF) / 2, b, sizeof(b)));
}

static void explain_rwnd_bdp(const struct row *r, struct text *t)
{
	const struct conn *c = r->c;
	char a[24];
	uint32_t wnd = 0;

	CONN_INFO(c, snd_wnd, &wnd);
	put(t, "the peer's receive window %s held sending back ", iec(wnd, a, sizeof(a)));
	put_limit_share(r, t);
	put(t, " while the congestion window allowed more");
	put_bdp(r, wnd, t);
	put(t, "; the receiver's buffer is too small for this path (its SO_RCVBUF, "
	       "net.ipv4.tcp_rmem) or it reads slowly");
}

static void explain_rcvbuf_bdp(const struct row *r, struct text *t)
{
	const struct conn *c = r->c;
	char a[24], b[24], e[24], u[24];
	uint32_t wnd = 0, rtt = 0;
	double per_rtt = 0;

	rcv_window(r, &wnd, &per_rtt, &rtt);
	put(t,
	    "our receive window %s (buffer %s) is filled every round trip (%s per %s) "
	    "while the application keeps up: the window sets the pace",
	    iec(wnd, a, sizeof(a)), iec(skm(c, SKM_RCVBUF), b, sizeof(b)),
	    iec(bytes_of(per_rtt), e, sizeof(e)), usec(rtt, u, sizeof(u)));
	if (r->findings & (1u << DX_RCVBUF_FIXED))
		put(t,
		    "; the application sets SO_RCVBUF (%s, doubled): remove it or raise "
		    "it, see net.core.rmem_max",
		    iec(skm(c, SKM_RCVBUF) / 2, a, sizeof(a)));
	else if (r->dflags & ROWD_RCVBUF_AT_MAX)
		put(t, "; autotuning reached the net.ipv4.tcp_rmem maximum: raise it");
	else
		put(t, "; check net.ipv4.tcp_rmem and tcp_moderate_rcvbuf");
}

static void explain_rcvbuf_fixed(const struct row *r, struct text *t)
{
	const struct conn *c = r->c;
	char a[24], b[24];

	put(t,
	    "receive buffer %s does not grow although its window is full every round trip: "
	    "the application fixed it with SO_RCVBUF %s (doubled, autotuning off); remove "
	    "the setsockopt or raise it, see net.core.rmem_max",
	    iec(skm(c, SKM_RCVBUF), a, sizeof(a)), iec(skm(c, SKM_RCVBUF) / 2, b, sizeof(b)));
}

static void explain_zwin(const struct row *r, struct text *t)
{
	const struct conn *c = r->c;
	char a[24];

	put(t, "the peer advertises a zero window with %s waiting to be sent",
	    iec(c->wqueue, a, sizeof(a)));
	if (c->timer == TIMER_PERSIST && c->retrans)
		put(t, ", %u zero-window probes unanswered", c->retrans);
	put(t, ": the receiving application is not reading; look at its Recv-Q");
}

static void explain_rcvq_full(const struct row *r, struct text *t)
{
	const struct conn *c = r->c;
	char a[24], b[24], e[24];

	put(t,
	    "receive queue full: %s unread, %s of the %s buffer used, we advertise a zero "
	    "window; the application on this socket is not reading",
	    iec(c->rqueue, a, sizeof(a)), iec(skm(c, SKM_RMEM_ALLOC), b, sizeof(b)),
	    iec(skm(c, SKM_RCVBUF), e, sizeof(e)));
}

static void explain_recvq_growing(const struct row *r, struct text *t)
{
	const struct conn *c = r->c;
	char a[24], b[24];

	put(t,
	    "unread data grew %u intervals in a row to %s (buffer %s): the application "
	    "reads slower than data arrives",
	    r->rq_grew, iec(c->rqueue, a, sizeof(a)), iec(skm(c, SKM_RCVBUF), b, sizeof(b)));
}

static void explain_unsent_growing(const struct row *r, struct text *t)
{
	const struct conn *c = r->c;
	char a[24];

	put(t,
	    "unsent data grew %u intervals in a row to %s: the application writes faster "
	    "than the connection sends, which adds latency; TCP_NOTSENT_LOWAT "
	    "(net.ipv4.tcp_notsent_lowat) bounds it",
	    r->notsent_grew, iec(unsent_bytes(c), a, sizeof(a)));
}

static void explain_rto_backoff(const struct row *r, struct text *t)
{
	const struct conn *c = r->c;
	char a[24];

	if (c->timer == TIMER_PERSIST)
		put(t,
		    "nothing gets sent although the peer's window is open: the probe timer "
		    "backed off %u times (next in %u ms); a local qdisc or firewall rule "
		    "drops the transmissions",
		    backoff_of(c), c->expires_ms);
	else
		put(t,
		    "retransmission timeout backed off %u times (RTO %s, next in %u ms): "
		    "nothing acknowledged; check that the peer is reachable and nothing "
		    "drops its packets",
		    backoff_of(c), usec(c->info->rto, a, sizeof(a)), c->expires_ms);
}

static void message_accept_overflow(const struct finding *x, struct text *t)
{
	int64_t v;

	put(t,
	    "accept queue overflowing: %lld connection attempts dropped in the interval, "
	    "queue %lld/%lld (TcpExtListenOverflows +%lld); the application accepts too "
	    "slowly",
	    (long long)evd(x, "drops_delta"), (long long)evd(x, "accept_queue"),
	    (long long)evd(x, "accept_max"), (long long)evd(x, "listen_overflows_delta"));
	if (ev_get(x, "somaxconn", &v) && v == evd(x, "accept_max"))
		put(t, "; the limit is net.core.somaxconn (%lld)", (long long)v);
}

static void message_accept_full(const struct finding *x, struct text *t)
{
	put(t,
	    "accept queue full (%lld/%lld): the next connections will be dropped; the "
	    "application is not accepting",
	    (long long)evd(x, "accept_queue"), (long long)evd(x, "accept_max"));
}

static void message_backlog_small(const struct finding *x, struct text *t)
{
	put(t,
	    "listen() backlog %lld is far below net.core.somaxconn %lld while the queue "
	    "fills: raise the backlog the application passes to listen()",
	    (long long)evd(x, "accept_max"), (long long)evd(x, "somaxconn"));
}

static void message_synq_overflow(const struct finding *x, struct text *t)
{
	if (x->row == UINT32_MAX)
		put(t,
		    "SYN queues overflowing with syncookies off: TcpExtTCPReqQFullDrop "
		    "+%lld in the interval",
		    (long long)evd(x, "reqqfull_drop_delta"));
	else
		put(t,
		    "SYN queue full (%lld/%lld) with syncookies off: %lld SYNs dropped in "
		    "the interval (TcpExtTCPReqQFullDrop +%lld)",
		    (long long)evd(x, "syn_queue"), (long long)evd(x, "accept_max"),
		    (long long)evd(x, "drops_delta"), (long long)evd(x, "reqqfull_drop_delta"));
	put(t, "; a SYN flood or handshakes that never complete: enable "
	       "net.ipv4.tcp_syncookies or raise the backlog");
}

static void message_listen_drops(const struct finding *x, struct text *t)
{
	put(t,
	    "%lld connection attempts dropped by this listener in the interval (accept "
	    "queue %lld/%lld, SYN queue %lld)",
	    (long long)evd(x, "drops_delta"), (long long)evd(x, "accept_queue"),
	    (long long)evd(x, "accept_max"), (long long)evd(x, "syn_queue"));
}

static void message_syncookies(const struct finding *x, struct text *t)
{
	int64_t v;

	put(t,
	    "SYN queue overflowing: %lld syncookies sent in the interval "
	    "(TcpExtTCPReqQFullDoCookies +%lld)",
	    (long long)evd(x, "syncookies_sent_delta"),
	    (long long)evd(x, "reqqfull_docookies_delta"));
	if (ev_get(x, "syn_queue", &v))
		put(t, ", SYN queue %lld/%lld", (long long)v, (long long)evd(x, "accept_max"));
	put(t, "; a SYN flood, or a listen() backlog too small for the connection rate");
}

static void message_abort_on_overflow(const struct finding *x, struct text *t)
{
	put(t,
	    "net.ipv4.tcp_abort_on_overflow is 1 while accept queues are full (%lld full, "
	    "+%lld overflows and %lld resets sent in the interval): a client whose handshake "
	    "completes while the queue is full gets a reset instead of a retry; 0 lets it "
	    "retry",
	    (long long)evd(x, "full_accept_queues"), (long long)evd(x, "listen_overflows_delta"),
	    (long long)evd(x, "out_rsts_delta"));
}

static void message_close_wait(const struct finding *x, struct text *t)
{
	put(t,
	    "%lld connections in CLOSE-WAIT on %s, %lld of them since the previous refresh "
	    "or longer",
	    (long long)evd(x, "close_wait"), x->subject, (long long)evd(x, "held"));
	if (evd(x, "new") > 0)
		put(t, ", %lld new in the interval", (long long)evd(x, "new"));
	put(t, ": the peer closed and the application never called close(); a descriptor "
	       "leak");
}

static void message_time_wait(const struct finding *x, struct text *t)
{
	if (evd(x, "tw_overflow_delta") > 0)
		put(t,
		    "TIME-WAIT table overflowing: %lld connections closed without "
		    "TIME-WAIT in the interval (TcpExtTCPTimeWaitOverflow), %lld in "
		    "TIME-WAIT, net.ipv4.tcp_max_tw_buckets %lld",
		    (long long)evd(x, "tw_overflow_delta"), (long long)evd(x, "time_wait"),
		    (long long)evd(x, "max_tw_buckets"));
	else
		put(t, "%lld sockets in TIME-WAIT, %.0f%% of net.ipv4.tcp_max_tw_buckets %lld",
		    (long long)evd(x, "time_wait"),
		    100.0 * (double)evd(x, "time_wait") /
			    (double)(evd(x, "max_tw_buckets") ? evd(x, "max_tw_buckets") : 1),
		    (long long)evd(x, "max_tw_buckets"));
	put(t, ": many short connections; reuse them (keep-alive, pooling)");
}

static void message_ports(const struct finding *x, struct text *t)
{
	put(t,
	    "%lld of %lld ephemeral ports (%lld-%lld) in use for %s, %lld in TIME-WAIT: "
	    "new connections to it fail with EADDRNOTAVAIL when they run out; reuse "
	    "connections or widen net.ipv4.ip_local_port_range",
	    (long long)evd(x, "used"), (long long)evd(x, "range_size"),
	    (long long)evd(x, "range_lo"), (long long)evd(x, "range_hi"), x->subject,
	    (long long)evd(x, "time_wait"));
	if (evd(x, "tcp_tw_reuse") == 0)
		put(t, " (net.ipv4.tcp_tw_reuse is 0)");
}

/* Per code: the one-line text, from the row (connection codes) or from the evidence (the rest). */
static const struct {
	void (*explain)(const struct row *r, struct text *t);
	void (*message)(const struct finding *x, struct text *t);
} texts[DX_N] = {
	[DX_SNDBUF_BDP] = { explain_sndbuf_bdp, NULL },
	[DX_SNDBUF_FIXED] = { explain_sndbuf_fixed, NULL },
	[DX_RWND_BDP] = { explain_rwnd_bdp, NULL },
	[DX_RCVBUF_BDP] = { explain_rcvbuf_bdp, NULL },
	[DX_RCVBUF_FIXED] = { explain_rcvbuf_fixed, NULL },
	[DX_ZWIN] = { explain_zwin, NULL },
	[DX_RCVQ_FULL] = { explain_rcvq_full, NULL },
	[DX_RECVQ_GROWING] = { explain_recvq_growing, NULL },
	[DX_UNSENT_GROWING] = { explain_unsent_growing, NULL },
	[DX_RTO_BACKOFF] = { explain_rto_backoff, NULL },
	[DX_ACCEPT_OVERFLOW] = { NULL, message_accept_overflow },
	[DX_ACCEPT_FULL] = { NULL, message_accept_full },
	[DX_BACKLOG_SMALL] = { NULL, message_backlog_small },
	[DX_SYNQ_OVERFLOW] = { NULL, message_synq_overflow },
	[DX_LISTEN_DROPS] = { NULL, message_listen_drops },
	[DX_SYNCOOKIES] = { NULL, message_syncookies },
	[DX_ABORT_ON_OVERFLOW] = { NULL, message_abort_on_overflow },
	[DX_CLOSE_WAIT] = { NULL, message_close_wait },
	[DX_TIME_WAIT] = { NULL, message_time_wait },
	[DX_PORTS] = { NULL, message_ports },
};

char *diagnose_explain(const struct row *r, unsigned code, char *buf, size_t len)
{
	struct text t = { buf, len, 0 };

	buf[0] = '\0';
	if (code >= DX_CONN_N || !(r->findings & (1u << code))) {
		snprintf(buf, len, "%s: not found on this connection",
			 code < DX_N ? codes[code].name : "?");
		return buf;
	}
	texts[code].explain(r, &t);
	return buf;
}

char *diagnose_message(const struct frame *f, const struct finding *x, char *buf, size_t len)
{
	struct text t = { buf, len, 0 };

	buf[0] = '\0';
	if (x->code >= DX_N)
		return buf;
	if (x->code >= DX_CONN_N) {
		texts[x->code].message(x, &t);
		return buf;
	}
	if (x->row < frame_nrows(f)) {
		if (x->count > 1)
			put(&t, "%u connections, e.g. this one: ", x->count);
		diagnose_explain(&f->rows[x->row], x->code, buf + t.off, len - t.off);
	}
	return buf;
}
