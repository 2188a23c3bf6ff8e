/* SPDX-License-Identifier: GPL-2.0-or-later */
/* diagnose_conn: per-connection classification: LIMIT, BDP, and one detector per connection code. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "diagnose_int.h"
#include "model.h"

/*
 * ...and it already was at the previous sample. A zero window is a stall
 * when it lasts a refresh: on a busy host a starved reader closes its window
 * for a moment (seen in a healthy loopback transfer on a shared 2-core box).
 */
static bool zero_window_held(const struct frame *f, const struct row *r)
{
	struct row_prev p;

	if (!zero_window(r->c) || !(r->flags & ROW_PREV))
		return false;
	p = model_past(f, r).prev;
	if (p.have & PREV_SND_WND)
		return p.snd_wnd == 0;
	return p.timer == TIMER_PERSIST;
}

/*
 * tcp_tso_should_defer holding a send for more window: the window leaves
 * less room than cwnd does, less than a third (tcp_tso_win_divisor's
 * default) of the smaller of the two, and less than the data waiting. The
 * kernel counts that wait as rwnd-limited, yet the socket shows a segment
 * or more of room: a window-bound sender over a real path sits there most
 * of the time between ACKs (seen: 44 segments in flight of a 64 KiB
 * window, cwnd 110, 1.3 segments of room).
 */
static bool window_defers(uint32_t mss, uint32_t unacked, uint32_t cwnd, uint64_t unsent,
			  uint32_t wnd)
{
	uint64_t inflight = (uint64_t)unacked * mss, cwnd_bytes = (uint64_t)cwnd * mss, room;

	if (!mss || unacked >= cwnd || inflight >= wnd)
		return false;
	room = wnd - inflight;
	return room < (uint64_t)(cwnd - unacked) * mss && room < unsent &&
	       room * 3 < (wnd < cwnd_bytes ? (uint64_t)wnd : cwnd_bytes);
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
	uint32_t mss = (uint32_t)CONN_TI(c, snd_mss), unacked = (uint32_t)CONN_TI(c, unacked),
		 cwnd = (uint32_t)CONN_TI(c, snd_cwnd);
	uint64_t unsent = unsent_bytes(c), inflight = (uint64_t)unacked * mss;
	uint32_t wnd = 0;
	bool has_wnd = CONN_INFO(c, snd_wnd, &wnd);

	if (zero_window(c))
		return DL_RWND;
	if (has_wnd && unsent >= mss && inflight + mss > wnd)
		return DL_RWND;
	if (has_wnd && window_defers(mss, unacked, cwnd, unsent, wnd))
		return DL_RWND;
	if (has_skmem(c) && skm(c, SKM_WMEM_QUEUED) >= skm(c, SKM_SNDBUF) && unsent < mss &&
	    unacked < cwnd)
		return DL_SNDBUF;
	if (!any)
		return DL_NONE;
	if (unacked >= cwnd || unsent >= mss)
		return DL_CWND;
	return c->wqueue ? DL_APP : DL_IDLE;
}

/*
 * LIMIT from the interval's chrono times. The kernel runs one chronograph
 * at a time (tcp_chrono_start: the higher type wins) and reports busy_time
 * as the sum of all three, so rwnd and sndbuf are parts of busy and the rest
 * of busy is "cwnd": data in flight or queued with neither limit. 1 - busy
 * is time with nothing to send.
 */
static void classify_interval(struct row *r, double dt)
{
	double rw = share_of(r->d_rwnd_us, dt), sb = share_of(r->d_sndbuf_us, dt);
	double busy = share_of(r->d_busy_us, dt);
	double other = busy - rw - sb, idle = 1 - busy;
	unsigned st;

	if (other < 0)
		other = 0;
	r->limit_basis = DB_INTERVAL;
	if (rw >= dx_th.limit_share || sb >= dx_th.limit_share) {
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

		r->limited_by = busy < dx_th.idle_busy && !sent ? DL_IDLE : DL_APP;
		r->limited_pct = pct(idle);
	}
}

/*
 * Nagle waiting for the peer's delayed ACK, by the socket's state at the
 * sample: less than one MSS in flight (a small segment), a sub-MSS
 * remainder held back (tcp_nagle_check: a partial segment waits while an
 * earlier small one is unacknowledged), cwnd not full, and srtt at least
 * dx_th.dack_excess_us above the path's minimum: the ACK took a timer, not a
 * round trip. A write-write-read client spends nearly all its time so (one
 * ATO per request), so one sample finds it; TCP_NODELAY, bulk senders and
 * writers that do not outpace the ACKs never show a held sub-MSS remainder
 * behind a small segment with an inflated srtt.
 */
bool dx_nagle_wait(const struct row *r)
{
	const struct conn *c = r->c;
	uint32_t srtt, minrtt, notsent, mss, unacked;
	uint64_t inflight;

	if (!c->info || c->state != TS_ESTABLISHED || !CONN_INFO(c, rtt, &srtt) ||
	    !CONN_INFO(c, min_rtt, &minrtt) || !CONN_INFO(c, notsent_bytes, &notsent))
		return false;
	if (!minrtt || minrtt == UINT32_MAX || srtt < minrtt + dx_th.dack_excess_us)
		return false;
	mss = (uint32_t)CONN_TI(c, snd_mss);
	unacked = (uint32_t)CONN_TI(c, unacked);
	if (!mss || notsent == 0 || notsent >= mss || unacked == 0 ||
	    unacked >= CONN_TI(c, snd_cwnd) || zero_window(c))
		return false;
	inflight = c->wqueue > notsent ? c->wqueue - notsent : 0;
	return inflight > 0 && inflight < mss;
}

void dx_classify(const struct frame *f, struct row *r)
{
	double dt = row_dt(f, r);

	r->dflags = 0;
	r->limited_by = DL_NONE;
	r->limited_pct = 0;
	r->limit_basis = DB_NONE;
	if (!may_send(r->c))
		return;
	if ((r->flags & ROW_D_LIMITS) && dt > 0)
		classify_interval(r, dt);
	else {
		r->limited_by = (uint8_t)state_limit(r, true);
		r->limit_basis = DB_STATE;
	}
	/*
	 * The kernel counts the wait for the ACK as busy time (data queued, no
	 * window or buffer limit): what the interval calls cwnd (or, with the
	 * ACK timer's share small, app) is the delayed ACK. The share is kept.
	 */
	if ((r->limited_by == DL_CWND || r->limited_by == DL_APP) && dx_nagle_wait(r)) {
		if (r->limited_by == DL_APP && r->limit_basis != DB_STATE)
			r->limited_pct = pct(share_of(r->d_busy_us, dt));
		r->limited_by = DL_DELACK;
	}
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
static uint64_t estimate(const struct row *r, bool *lower_bound)
{
	const struct conn *c = r->c;
	uint64_t del = 0, pace = 0;
	double rate = 0;
	uint32_t rtt = base_rtt_us(c);
	bool moved = !(r->flags & ROW_RATES) || r->tx_bps > 0 || r->rx_bps > 0;

	*lower_bound = false;
	if (!rtt || !moved || c->state == TS_LISTEN)
		return 0;
	if (CONN_INFO(c, pacing_rate, &pace) && pace == UINT64_MAX)
		pace = 0; /* ~0: no pacing rate set */
	if (CONN_INFO(c, delivery_rate, &del) && del > 0 &&
	    (!(r->flags & ROW_RATES) || r->tx_bps > 0)) {
		bool app_limited = CONN_TI(c, flags8) & 1;
		bool by_sndbuf = r->limited_by == DL_SNDBUF;

		/*
		 * One small segment's burst is no measure of the path (see
		 * dx_th.bdp_use). Not for a window- or buffer-bound connection:
		 * its findings read an unknown BDP as "below", and its rate is
		 * its limit's, never a trickle.
		 */
		if (app_limited && !by_sndbuf && r->limited_by != DL_RWND &&
		    (r->flags & ROW_RATES) && r->tx_bps / 8 < dx_th.bdp_use * (double)del)
			return 0;

		rate = (double)(app_limited && by_sndbuf && pace > del ? pace : del);
		*lower_bound = app_limited;
		/*
		 * Held by its own window or buffer, the path carried at least
		 * the interval's mean rate: a floor steadier than one delivery
		 * sample, which dips below it now and then (a 64 KiB buffer on
		 * a 20 ms path: 43-68 kB from samples, once under 32 kB).
		 */
		if ((by_sndbuf || r->limited_by == DL_RWND) && (r->flags & ROW_RATES) &&
		    r->tx_bps / 8 > rate) {
			rate = r->tx_bps / 8;
			*lower_bound = true;
		}
	} else if ((r->flags & ROW_RATES) && r->rx_bps > 0) {
		rate = r->rx_bps / 8;
	} else if (!TCPI_HAS(c->info_len, delivery_rate) && (r->flags & ROW_RATES) &&
		   r->tx_bps > 0) {
		rate = (double)pace; /* before 4.9 */
	}
	return bytes_of(rate * rtt / 1e6);
}

/*
 * Kept in no field: a function of the row's socket, rates and LIMIT, all
 * fixed once the diagnosis has classified the row (8 bytes a row saved).
 */
uint64_t dx_row_bdp(const struct row *r)
{
	bool lower;

	return (r->flags & ROW_DIAGNOSED) ? estimate(r, &lower) : 0;
}

void dx_estimate_bdp(struct row *r)
{
	bool lower;

	r->flags |= ROW_DIAGNOSED;
	(void)estimate(r, &lower);
	if (lower)
		r->dflags |= ROWD_BDP_MIN;
}

/*
 * We advertise a zero window with data unread (rcv_wnd, 6.2+), now and at
 * the previous sample (see zero_window_held). Older kernels: the buffer
 * nearly full, with unread data at the previous sample too.
 */
static bool rcvq_full(const struct frame *f, const struct row *r)
{
	const struct conn *c = r->c;
	struct row_prev p;
	uint32_t w;

	if (c->rqueue == 0 || !(r->flags & ROW_PREV))
		return false;
	p = model_past(f, r).prev;
	if (CONN_INFO(c, rcv_wnd, &w))
		return w == 0 && (p.have & PREV_RCV_WND) && p.rcv_wnd == 0;
	return has_skmem(c) && skm(c, SKM_RCVBUF) && p.rqueue > 0 &&
	       skm(c, SKM_RMEM_ALLOC) >= dx_th.rcvq_full * skm(c, SKM_RCVBUF);
}

/* A limit of `bytes` is about the path's BDP or below (see dx_th.bdp_ratio); unknown BDP: yes. */
static bool below_bdp(const struct row *r, uint64_t bytes)
{
	uint64_t bdp = dx_row_bdp(r);

	return !bdp || (double)bytes < dx_th.bdp_ratio * (double)bdp;
}

/*
 * The qualifiers detectors and texts read: a window or buffer limit caps the
 * delivery rate (the BDP is a lower bound), and whether a limiting buffer
 * sits at its sysctl maximum (then autotuning cannot grow it further).
 * tcp_wmem and tcp_rmem are per namespace: the socket's own namespace's.
 */
void dx_qualify(const struct frame *f, struct row *r)
{
	const struct conn *c = r->c;
	const struct tunables *tun = dx_tun(f, r);
	int64_t wmax = tun_max(tun, TUN_TCP_WMEM), rmax = tun_max(tun, TUN_TCP_RMEM);

	if (!may_send(c))
		return;
	if (r->limited_by == DL_RWND || r->limited_by == DL_SNDBUF)
		r->dflags |= ROWD_BDP_MIN;
	if (r->limited_by == DL_SNDBUF && wmax > 0 && skm(c, SKM_SNDBUF) >= wmax)
		r->dflags |= ROWD_SNDBUF_AT_MAX;
	if (rmax > 0 && skm(c, SKM_RCVBUF) >= rmax && dx_detect_rcvbuf_bdp(f, r))
		r->dflags |= ROWD_RCVBUF_AT_MAX;
}

static bool prev_skmem(const struct frame *f, const struct row *r)
{
	return (r->flags & ROW_PREV) && (model_past(f, r).prev.have & PREV_SKMEM);
}

/* Detectors, one per connection code; a handshake in progress has no window yet (snd_wnd 0 in SYN-SENT). */

bool dx_detect_sndbuf_bdp(const struct frame *f, const struct row *r)
{
	(void)f;
	return may_send(r->c) && r->limited_by == DL_SNDBUF && below_bdp(r, skm(r->c, SKM_SNDBUF));
}

/*
 * Autotuning grows a buffer that limits sending (tcp_new_space ->
 * tcp_sndbuf_expand) unless SO_SNDBUF locked it or it is at the tcp_wmem
 * maximum: one interval without growth is enough.
 */
bool dx_detect_sndbuf_fixed(const struct frame *f, const struct row *r)
{
	uint32_t tb = skm(r->c, SKM_SNDBUF);

	return may_send(r->c) && r->limited_by == DL_SNDBUF && !(r->dflags & ROWD_SNDBUF_AT_MAX) &&
	       prev_skmem(f, r) && tb && model_past(f, r).prev.sndbuf == tb;
}

bool dx_detect_zwin(const struct frame *f, const struct row *r)
{
	return may_send(r->c) && zero_window(r->c) && zero_window_held(f, r);
}

bool dx_detect_rwnd_bdp(const struct frame *f, const struct row *r)
{
	uint32_t wnd;

	(void)f;
	return may_send(r->c) && !zero_window(r->c) && r->limited_by == DL_RWND &&
	       (!CONN_INFO(r->c, snd_wnd, &wnd) || below_bdp(r, wnd));
}

bool dx_detect_rcvq_full(const struct frame *f, const struct row *r)
{
	return may_send(r->c) && rcvq_full(f, r);
}

bool dx_detect_recvq_growing(const struct frame *f, const struct row *r)
{
	const struct conn *c = r->c;

	return may_send(c) && !rcvq_full(f, r) && r->rq_grew >= dx_th.grow_streak &&
	       c->rqueue >= dx_th.queue_min && (r->flags & ROW_RATES) &&
	       c->rqueue - model_past(f, r).prev.rqueue >=
		       dx_th.grow_share * r->rx_bps / 8 * row_dt(f, r);
}

/* Our advertised window filled every round trip while the application keeps up, the buffer not growing. */
bool dx_detect_rcvbuf_bdp(const struct frame *f, const struct row *r)
{
	const struct conn *c = r->c;
	uint32_t wnd, rtt;
	double per_rtt;

	/* the previous sample last: the table's entry is read only for a window that filled */
	return may_send(c) && has_skmem(c) && (r->flags & ROW_PREV) &&
	       rcv_window(r, &wnd, &per_rtt, &rtt) && wnd > 0 &&
	       per_rtt >= dx_th.rcvwin_fill * wnd &&
	       skm(c, SKM_RMEM_ALLOC) < dx_th.rcvq_reading * skm(c, SKM_RCVBUF) &&
	       prev_skmem(f, r) && skm(c, SKM_RCVBUF) <= model_past(f, r).prev.rcvbuf;
}

bool dx_detect_rcvbuf_fixed(const struct frame *f, const struct row *r)
{
	return dx_detect_rcvbuf_bdp(f, r) && !(r->dflags & ROWD_RCVBUF_AT_MAX) &&
	       skm(r->c, SKM_RCVBUF) == model_past(f, r).prev.rcvbuf;
}

/*
 * A writer blocked on a full send buffer is woken only once a third of it is
 * free (sk_stream_write_space: free space at least half of wmem_queued), so a
 * bulk sender's queue swings between two thirds full and full, and notsent
 * with it: up by a third of tb between wake-ups, in pieces as in-flight data
 * is acknowledged or the window shrinks. Over two thirds full, notsent rising
 * is that refill, not an application outpacing the connection (t_diagnose's
 * rate-limited sender: +650 kB of notsent in a second of 2.5 MB sent, queue
 * at 92% of tb).
 */
static bool writer_refills(const struct conn *c)
{
	return has_skmem(c) &&
	       3 * (uint64_t)skm(c, SKM_WMEM_QUEUED) > 2 * (uint64_t)skm(c, SKM_SNDBUF);
}

/* Unsent data piling up into free buffer space that does not grow, and no window explains it. */
bool dx_detect_unsent_growing(const struct frame *f, const struct row *r)
{
	const struct conn *c = r->c;
	struct row_prev p;

	if (!(may_send(c) && r->notsent_grew >= dx_th.grow_streak &&
	      unsent_bytes(c) >= dx_th.queue_min && (r->flags & ROW_RATES)))
		return false;
	p = model_past(f, r).prev;
	return unsent_bytes(c) - p.notsent >= dx_th.grow_share * r->tx_bps / 8 * row_dt(f, r) &&
	       !zero_window(c) && r->limited_by != DL_RWND && (p.have & PREV_SKMEM) &&
	       skm(c, SKM_SNDBUF) <= p.sndbuf && !writer_refills(c);
}

/*
 * icsk_backoff counts consecutive timeouts without progress (an ACK of new
 * data resets it), so two or more under a running timer is the backoff
 * rising; between two samples a doubling does not always fire, so growth
 * since the last sample is not required. Also the probe timer backing off
 * with the window open: transmissions fail locally (a qdisc or netfilter
 * drops them), nothing gets in flight, and the kernel probes as it would a
 * zero window.
 */
bool dx_detect_rto_backoff(const struct frame *f, const struct row *r)
{
	const struct conn *c = r->c;

	(void)f;
	return may_send(c) &&
	       (c->timer == TIMER_RETRANS || (c->timer == TIMER_PERSIST && !zero_window(c))) &&
	       backoff_of(c) >= dx_th.backoff_min;
}

uint8_t dx_severity_rto_backoff(const struct row *r)
{
	return backoff_of(r->c) >= dx_th.backoff_crit ? DS_CRIT : DS_WARN;
}

bool dx_detect_delayed_ack(const struct frame *f, const struct row *r)
{
	(void)f;
	return r->limited_by == DL_DELACK;
}

/*
 * No window scaling (TCPI_OPT_WSCALE missing) while a window limits the
 * connection: the peer's window that held sending back, or ours filled
 * every round trip, cannot pass 64 KiB whatever the buffers say.
 */
bool dx_detect_no_wscale(const struct frame *f, const struct row *r)
{
	const struct conn *c = r->c;
	uint32_t wnd;

	if (!may_send(c) || c->state != TS_ESTABLISHED || (CONN_TI(c, options) & TCPI_OPT_WSCALE))
		return false;
	if (r->limited_by == DL_RWND && !zero_window(c))
		return !CONN_INFO(c, snd_wnd, &wnd) || wnd <= dx_th.unscaled_max;
	return dx_detect_rcvbuf_bdp(f, r);
}

/* The numbers behind each connection code, as JSON evidence (those of the example connection). */
/* The row's BDP in a finding's evidence, when known. */
static void ev_bdp(const struct row *r, struct finding *x)
{
	uint64_t bdp = dx_row_bdp(r);

	if (bdp)
		dx_ev(x, "bdp_bytes", (int64_t)bdp);
}

void dx_evidence_sndbuf_bdp(const struct frame *f, const struct row *r, struct finding *x)
{
	(void)f;
	dx_ev(x, "sndbuf", skm(r->c, SKM_SNDBUF));
	dx_ev(x, "wmem_queued", skm(r->c, SKM_WMEM_QUEUED));
	if (r->limit_basis != DB_STATE)
		dx_ev(x, "limited_pct", r->limited_pct);
	ev_bdp(r, x);
	dx_ev(x, "min_rtt_us", base_rtt_us(r->c));
	if (r->dflags & ROWD_SNDBUF_AT_MAX) /* the maximum it reached: its namespace's */
		dx_ev(x, "tcp_wmem_max", tun_max(dx_tun(f, r), TUN_TCP_WMEM));
}

void dx_evidence_sndbuf_fixed(const struct frame *f, const struct row *r, struct finding *x)
{
	dx_evidence_sndbuf_bdp(f, r, x);
	if (tun_max(dx_tun(f, r), TUN_TCP_WMEM))
		dx_ev(x, "tcp_wmem_max", tun_max(dx_tun(f, r), TUN_TCP_WMEM));
}

void dx_evidence_rwnd_bdp(const struct frame *f, const struct row *r, struct finding *x)
{
	uint32_t wnd;

	(void)f;
	if (CONN_INFO(r->c, snd_wnd, &wnd))
		dx_ev(x, "rwnd", wnd);
	if (r->limit_basis != DB_STATE)
		dx_ev(x, "limited_pct", r->limited_pct);
	ev_bdp(r, x);
	dx_ev(x, "min_rtt_us", base_rtt_us(r->c));
}

void dx_evidence_rcvbuf_bdp(const struct frame *f, const struct row *r, struct finding *x)
{
	uint32_t wnd, rtt;
	double per_rtt;

	(void)f;
	dx_ev(x, "rcvbuf", skm(r->c, SKM_RCVBUF));
	if (rcv_window(r, &wnd, &per_rtt, &rtt)) {
		dx_ev(x, "rcv_wnd", wnd);
		dx_ev(x, "bytes_per_rtt", (int64_t)bytes_of(per_rtt));
		dx_ev(x, "rtt_us", rtt);
	}
	if (r->dflags & ROWD_RCVBUF_AT_MAX)
		dx_ev(x, "tcp_rmem_max", tun_max(dx_tun(f, r), TUN_TCP_RMEM));
}

void dx_evidence_rcvbuf_fixed(const struct frame *f, const struct row *r, struct finding *x)
{
	dx_evidence_rcvbuf_bdp(f, r, x);
	if (tun_max(dx_tun(f, r), TUN_TCP_RMEM))
		dx_ev(x, "tcp_rmem_max", tun_max(dx_tun(f, r), TUN_TCP_RMEM));
}

void dx_evidence_zwin(const struct frame *f, const struct row *r, struct finding *x)
{
	(void)f;
	dx_ev(x, "rwnd", 0);
	dx_ev(x, "send_q", r->c->wqueue);
	if (r->c->timer == TIMER_PERSIST)
		dx_ev(x, "probes", r->c->retrans);
}

void dx_evidence_rcvq_full(const struct frame *f, const struct row *r, struct finding *x)
{
	uint32_t wnd;

	dx_ev(x, "recv_q", r->c->rqueue);
	if (r->flags & ROW_PREV)
		dx_ev(x, "recv_q_prev", model_past(f, r).prev.rqueue);
	dx_ev(x, "rmem_alloc", skm(r->c, SKM_RMEM_ALLOC));
	dx_ev(x, "rcvbuf", skm(r->c, SKM_RCVBUF));
	if (CONN_INFO(r->c, rcv_wnd, &wnd))
		dx_ev(x, "rcv_wnd", wnd);
}

void dx_evidence_unsent_growing(const struct frame *f, const struct row *r, struct finding *x)
{
	dx_ev(x, "notsent", (int64_t)unsent_bytes(r->c));
	dx_ev(x, "notsent_prev", model_past(f, r).prev.notsent);
	dx_ev(x, "intervals", r->notsent_grew);
	dx_ev(x, "sndbuf", skm(r->c, SKM_SNDBUF));
	dx_ev(x, "wmem_queued", skm(r->c, SKM_WMEM_QUEUED));
}

void dx_evidence_rto_backoff(const struct frame *f, const struct row *r, struct finding *x)
{
	dx_ev(x, "backoff", backoff_of(r->c));
	if ((r->flags & ROW_PREV) && (model_past(f, r).prev.have & PREV_BACKOFF))
		dx_ev(x, "backoff_prev", model_past(f, r).prev.backoff);
	dx_ev(x, "rto_us", CONN_TI(r->c, rto));
	dx_ev(x, "timer_ms", r->c->expires_ms);
}

void dx_evidence_recvq_growing(const struct frame *f, const struct row *r, struct finding *x)
{
	dx_evidence_rcvq_full(f, r, x);
}

void dx_evidence_delayed_ack(const struct frame *f, const struct row *r, struct finding *x)
{
	const struct conn *c = r->c;
	uint32_t v;

	if (CONN_INFO(c, rtt, &v))
		dx_ev(x, "srtt_us", v);
	dx_ev(x, "min_rtt_us", base_rtt_us(c));
	dx_ev(x, "unacked", CONN_TI(c, unacked));
	dx_ev(x, "notsent", (int64_t)unsent_bytes(c));
	dx_ev(x, "mss", CONN_TI(c, snd_mss));
	if (r->limit_basis != DB_STATE)
		dx_ev(x, "limited_pct", r->limited_pct);
	/*
	 * The receiver's counter: ours only when both ends are on this host;
	 * under -N all the peer may be in any namespace, so every namespace's sum.
	 */
	dx_ev(x, "delayed_acks_delta", (int64_t)dx_cdelta_all(f, "TcpExtDelayedACKs"));
}

void dx_evidence_no_wscale(const struct frame *f, const struct row *r, struct finding *x)
{
	const struct conn *c = r->c;
	uint32_t wnd = 0, rtt;
	double per_rtt;

	if (r->limited_by == DL_RWND)
		CONN_INFO(c, snd_wnd, &wnd);
	else
		rcv_window(r, &wnd, &per_rtt, &rtt);
	dx_ev(x, "window", wnd);
	if (r->limit_basis != DB_STATE && r->limited_by == DL_RWND)
		dx_ev(x, "limited_pct", r->limited_pct);
	ev_bdp(r, x);
	dx_ev(x, "min_rtt_us", base_rtt_us(c));
	dx_ev(x, "tcp_window_scaling", tunables_get(dx_tun(f, r), TUN_WINDOW_SCALING, -1));
}
