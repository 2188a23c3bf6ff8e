/* SPDX-License-Identifier: GPL-2.0-or-later */
/* diagnose_text: the diagnosis in words: LIMIT and FLAGS cells, explanations, finding messages. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "diagnose_int.h"
#include "fmt.h"

void dx_put(struct text *t, const char *fmt, ...)
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

void dx_puts(struct text *t, const char *s)
{
	size_t n, room;

	if (t->off >= t->len)
		return;
	room = t->len - t->off - 1;
	n = strlen(s);
	if (n > room)
		n = room;
	memcpy(t->buf + t->off, s, n);
	t->off += n;
	t->buf[t->off] = '\0';
}

void dx_putu(struct text *t, unsigned v)
{
	char d[12], *p = d + sizeof(d) - 1;

	*p = '\0';
	do
		*--p = (char)('0' + v % 10);
	while (v /= 10);
	dx_puts(t, p);
}

/* Bytes/s as prose bits/s ("15.3 Mbit/s"), from fmt.c like every unit here. */
static const char *bitrate(double bytes_per_s, char *buf, size_t len)
{
	return fmt_rate(bytes_per_s * 8, buf, len);
}

/* "rwnd 87%", "cwnd~40%", "sndbuf?" or "": a cell of every socket, so no printf */
char *diagnose_limit_str(const struct row *r, char *buf, size_t len)
{
	const char *name = diagnose_limit_name(r->limited_by);
	struct text t = { buf, len, 0 };

	if (len)
		buf[0] = '\0';
	if (!name)
		return buf;
	dx_puts(&t, name);
	if (r->limit_basis == DB_STATE) {
		dx_puts(&t, "?");
	} else {
		dx_puts(&t, r->limit_basis == DB_MIXED ? "~" : " ");
		dx_putu(&t, r->limited_pct);
		dx_puts(&t, "%");
	}
	return buf;
}

char *diagnose_flags_str(const struct row *r, char *buf, size_t len)
{
	struct text t = { buf, len, 0 };

	if (len)
		buf[0] = '\0';
	for (unsigned code = 0; code < DX_CONN_N; code++)
		if (r->findings & (1u << code)) {
			if (t.off)
				dx_puts(&t, ",");
			dx_puts(&t, dx_codes[code].def.name);
		}
	return buf;
}

/* How the limit was measured, for the explanations. */
static void put_limit_share(const struct row *r, struct text *t)
{
	if (r->limit_basis == DB_INTERVAL)
		dx_put(t, "%u%% of the interval", r->limited_pct);
	else if (r->limit_basis == DB_MIXED)
		dx_put(t,
		       "%u%% of the interval (busy time the kernel did not attribute; at the "
		       "sample "
		       "the socket was bound by it)",
		       r->limited_pct);
	else
		dx_put(t, "at the sample (no interval times from this kernel yet)");
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
	uint64_t bdp = dx_row_bdp(r);

	if (!bdp || !rtt)
		return;
	fmt_size(bdp, b, sizeof(b));
	bitrate((double)bdp * 1e6 / rtt, rate, sizeof(rate));
	fmt_duration_us(rtt, rt, sizeof(rt));
	if (limit && bdp < limit && (r->dflags & ROWD_BDP_MIN))
		dx_put(t,
		       "; the measured %s x %s = %s is capped by this limit itself, the path takes "
		       "more",
		       rate, rt, b);
	else
		dx_put(t, "; BDP %s%s (%s x %s)", r->dflags & ROWD_BDP_MIN ? ">= " : "", b, rate,
		       rt);
}

char *diagnose_explain_limit(const struct row *r, char *buf, size_t len)
{
	static const char *const what[DL_N] = {
		[DL_RWND] = "the peer's receive window",
		[DL_SNDBUF] = "its own send buffer",
		[DL_CWND] = "the congestion window or pacing (the network)",
		[DL_APP] = "the application: it had nothing more to send",
		[DL_DELACK] = "Nagle waiting for the peer's delayed ACK: a small write is held "
			      "until the previous one is acknowledged",
		[DL_IDLE] = "nothing: it sent nothing",
	};
	struct text t = { buf, len, 0 };

	if (r->limited_by == DL_NONE || r->limited_by >= DL_N) {
		snprintf(buf, len, "no sending limit applies to this socket");
		return buf;
	}
	dx_put(&t, "sending was limited by %s, ", what[r->limited_by]);
	put_limit_share(r, &t);
	put_bdp(r, 0, &t);
	return buf;
}

/* ---- one text per code ---- */

/* " of namespace NAME" for a socket of another namespace than the host's under -N all; else "". */
static const char *in_ns(const struct row *r, char *buf, size_t len)
{
	if (!row_ns(r) || row_ns(r)->kind == NSK_HOST)
		return "";
	snprintf(buf, len, " of namespace %s", row_ns(r)->name);
	return buf;
}

void dx_explain_sndbuf_bdp(const struct row *r, struct text *t)
{
	const struct conn *c = r->c;
	char a[24], b[24], ns[FRAME_NS_NAME + 16];

	dx_put(t, "send buffer %s held sending back ", fmt_size(skm(c, SKM_SNDBUF), a, sizeof(a)));
	put_limit_share(r, t);
	dx_put(t, ": all of it in flight, the congestion window allowed more");
	put_bdp(r, skm(c, SKM_SNDBUF), t);
	if (r->findings & (1u << DX_SNDBUF_FIXED))
		dx_put(t,
		       "; the application sets SO_SNDBUF (%s, doubled): remove it or raise "
		       "it, see net.core.wmem_max",
		       fmt_size(skm(c, SKM_SNDBUF) / 2, b, sizeof(b)));
	else if (r->dflags & ROWD_SNDBUF_AT_MAX)
		dx_put(t, "; autotuning reached the net.ipv4.tcp_wmem maximum%s: raise it",
		       in_ns(r, ns, sizeof(ns)));
	else
		dx_put(t, "; check net.ipv4.tcp_wmem and memory pressure");
}

void dx_explain_sndbuf_fixed(const struct row *r, struct text *t)
{
	const struct conn *c = r->c;
	char a[24], b[24];

	dx_put(t,
	       "send buffer %s did not grow while it limited sending: the application fixed "
	       "it with SO_SNDBUF %s (the kernel doubles it and turns autotuning off); remove "
	       "the setsockopt or raise it, see net.core.wmem_max",
	       fmt_size(skm(c, SKM_SNDBUF), a, sizeof(a)),
	       fmt_size(skm(c, SKM_SNDBUF) / 2, b, sizeof(b)));
}

void dx_explain_rwnd_bdp(const struct row *r, struct text *t)
{
	const struct conn *c = r->c;
	char a[24];
	uint32_t wnd = 0;

	CONN_INFO(c, snd_wnd, &wnd);
	dx_put(t, "the peer's receive window %s held sending back ", fmt_size(wnd, a, sizeof(a)));
	put_limit_share(r, t);
	dx_put(t, " while the congestion window allowed more");
	put_bdp(r, wnd, t);
	dx_put(t, "; the receiver's buffer is too small for this path (its SO_RCVBUF, "
		  "net.ipv4.tcp_rmem) or it reads slowly");
}

void dx_explain_rcvbuf_bdp(const struct row *r, struct text *t)
{
	const struct conn *c = r->c;
	char a[24], b[24], e[24], u[24], ns[FRAME_NS_NAME + 16];
	uint32_t wnd = 0, rtt = 0;
	double per_rtt = 0;

	rcv_window(r, &wnd, &per_rtt, &rtt);
	dx_put(t,
	       "our receive window %s (buffer %s) is filled every round trip (%s per %s) "
	       "while the application keeps up: the window sets the pace",
	       fmt_size(wnd, a, sizeof(a)), fmt_size(skm(c, SKM_RCVBUF), b, sizeof(b)),
	       fmt_size(bytes_of(per_rtt), e, sizeof(e)), fmt_duration_us(rtt, u, sizeof(u)));
	if (r->findings & (1u << DX_RCVBUF_FIXED))
		dx_put(t,
		       "; the application sets SO_RCVBUF (%s, doubled): remove it or raise "
		       "it, see net.core.rmem_max",
		       fmt_size(skm(c, SKM_RCVBUF) / 2, a, sizeof(a)));
	else if (r->dflags & ROWD_RCVBUF_AT_MAX)
		dx_put(t, "; autotuning reached the net.ipv4.tcp_rmem maximum%s: raise it",
		       in_ns(r, ns, sizeof(ns)));
	else
		dx_put(t, "; check net.ipv4.tcp_rmem and tcp_moderate_rcvbuf");
}

void dx_explain_rcvbuf_fixed(const struct row *r, struct text *t)
{
	const struct conn *c = r->c;
	char a[24], b[24];

	dx_put(t,
	       "receive buffer %s does not grow although its window is full every round trip: "
	       "the application fixed it with SO_RCVBUF %s (doubled, autotuning off); remove "
	       "the setsockopt or raise it, see net.core.rmem_max",
	       fmt_size(skm(c, SKM_RCVBUF), a, sizeof(a)),
	       fmt_size(skm(c, SKM_RCVBUF) / 2, b, sizeof(b)));
}

void dx_explain_zwin(const struct row *r, struct text *t)
{
	const struct conn *c = r->c;
	char a[24];

	dx_put(t, "the peer advertises a zero window with %s waiting to be sent",
	       fmt_size(c->wqueue, a, sizeof(a)));
	if (c->timer == TIMER_PERSIST && c->retrans)
		dx_put(t, ", %u zero-window probes unanswered", c->retrans);
	dx_put(t, ": the receiving application is not reading; look at its Recv-Q");
}

void dx_explain_rcvq_full(const struct row *r, struct text *t)
{
	const struct conn *c = r->c;
	char a[24], b[24], e[24];

	dx_put(t,
	       "receive queue full: %s unread, %s of the %s buffer used, we advertise a zero "
	       "window; the application on this socket is not reading",
	       fmt_size(c->rqueue, a, sizeof(a)), fmt_size(skm(c, SKM_RMEM_ALLOC), b, sizeof(b)),
	       fmt_size(skm(c, SKM_RCVBUF), e, sizeof(e)));
}

void dx_explain_recvq_growing(const struct row *r, struct text *t)
{
	const struct conn *c = r->c;
	char a[24], b[24];

	dx_put(t,
	       "unread data grew %u intervals in a row to %s (buffer %s): the application "
	       "reads slower than data arrives",
	       r->rq_grew, fmt_size(c->rqueue, a, sizeof(a)),
	       fmt_size(skm(c, SKM_RCVBUF), b, sizeof(b)));
}

void dx_explain_unsent_growing(const struct row *r, struct text *t)
{
	const struct conn *c = r->c;
	char a[24];

	dx_put(t,
	       "unsent data grew %u intervals in a row to %s: the application writes faster "
	       "than the connection sends, which adds latency; TCP_NOTSENT_LOWAT "
	       "(net.ipv4.tcp_notsent_lowat) bounds it",
	       r->notsent_grew, fmt_size(unsent_bytes(c), a, sizeof(a)));
}

void dx_explain_rto_backoff(const struct row *r, struct text *t)
{
	const struct conn *c = r->c;
	char a[24];

	if (c->timer == TIMER_PERSIST)
		dx_put(t,
		       "nothing gets sent although the peer's window is open: the probe timer "
		       "backed off %u times (next in %u ms); a local qdisc or firewall rule "
		       "drops the transmissions",
		       backoff_of(c), c->expires_ms);
	else
		dx_put(t,
		       "retransmission timeout backed off %u times (RTO %s, next in %u ms): "
		       "nothing acknowledged; check that the peer is reachable and nothing "
		       "drops its packets",
		       backoff_of(c), fmt_duration_us(CONN_TI(c, rto), a, sizeof(a)),
		       c->expires_ms);
}

void dx_message_accept_overflow(const struct finding *x, struct text *t)
{
	int64_t v;

	dx_put(t,
	       "accept queue overflowing: %lld connection attempts dropped in the interval, "
	       "queue %lld/%lld (TcpExtListenOverflows +%lld); the application accepts too "
	       "slowly",
	       (long long)evd(x, "drops_delta"), (long long)evd(x, "accept_queue"),
	       (long long)evd(x, "accept_max"), (long long)evd(x, "listen_overflows_delta"));
	if (ev_get(x, "somaxconn", &v) && v == evd(x, "accept_max"))
		dx_put(t, "; the limit is net.core.somaxconn (%lld)", (long long)v);
}

void dx_message_accept_full(const struct finding *x, struct text *t)
{
	dx_put(t,
	       "accept queue full (%lld/%lld): the next connections will be dropped; the "
	       "application is not accepting",
	       (long long)evd(x, "accept_queue"), (long long)evd(x, "accept_max"));
}

void dx_message_backlog_small(const struct finding *x, struct text *t)
{
	dx_put(t,
	       "listen() backlog %lld is far below net.core.somaxconn %lld while the queue "
	       "fills: raise the backlog the application passes to listen()",
	       (long long)evd(x, "accept_max"), (long long)evd(x, "somaxconn"));
}

void dx_message_synq_overflow(const struct finding *x, struct text *t)
{
	if (x->row == UINT32_MAX)
		dx_put(t,
		       "SYN queues overflowing with syncookies off: TcpExtTCPReqQFullDrop "
		       "+%lld in the interval",
		       (long long)evd(x, "reqqfull_drop_delta"));
	else
		dx_put(t,
		       "SYN queue full (%lld/%lld) with syncookies off: %lld SYNs dropped in "
		       "the interval (TcpExtTCPReqQFullDrop +%lld)",
		       (long long)evd(x, "syn_queue"), (long long)evd(x, "accept_max"),
		       (long long)evd(x, "drops_delta"), (long long)evd(x, "reqqfull_drop_delta"));
	dx_put(t, "; a SYN flood or handshakes that never complete: enable "
		  "net.ipv4.tcp_syncookies or raise the backlog");
}

void dx_message_listen_drops(const struct finding *x, struct text *t)
{
	dx_put(t,
	       "%lld connection attempts dropped by this listener in the interval (accept "
	       "queue %lld/%lld, SYN queue %lld)",
	       (long long)evd(x, "drops_delta"), (long long)evd(x, "accept_queue"),
	       (long long)evd(x, "accept_max"), (long long)evd(x, "syn_queue"));
}

void dx_message_syncookies(const struct finding *x, struct text *t)
{
	int64_t v;

	dx_put(t,
	       "SYN queue overflowing: %lld syncookies sent in the interval "
	       "(TcpExtTCPReqQFullDoCookies +%lld)",
	       (long long)evd(x, "syncookies_sent_delta"),
	       (long long)evd(x, "reqqfull_docookies_delta"));
	if (ev_get(x, "syn_queue", &v))
		dx_put(t, ", SYN queue %lld/%lld", (long long)v, (long long)evd(x, "accept_max"));
	dx_put(t, "; a SYN flood, or a listen() backlog too small for the connection rate");
}

void dx_message_abort_on_overflow(const struct finding *x, struct text *t)
{
	dx_put(t,
	       "net.ipv4.tcp_abort_on_overflow is 1 while accept queues are full (%lld full, "
	       "+%lld overflows and %lld resets sent in the interval): a client whose handshake "
	       "completes while the queue is full gets a reset instead of a retry; 0 lets it "
	       "retry",
	       (long long)evd(x, "full_accept_queues"), (long long)evd(x, "listen_overflows_delta"),
	       (long long)evd(x, "out_rsts_delta"));
}

void dx_message_close_wait(const struct finding *x, struct text *t)
{
	dx_put(t,
	       "%lld connections in CLOSE-WAIT on %s, %lld of them since the previous refresh "
	       "or longer",
	       (long long)evd(x, "close_wait"), x->subject, (long long)evd(x, "held"));
	if (evd(x, "new") > 0)
		dx_put(t, ", %lld new in the interval", (long long)evd(x, "new"));
	dx_put(t, ": the peer closed and the application never called close(); a descriptor "
		  "leak");
}

void dx_message_time_wait(const struct finding *x, struct text *t)
{
	if (evd(x, "tw_overflow_delta") > 0)
		dx_put(t,
		       "TIME-WAIT table overflowing: %lld connections closed without "
		       "TIME-WAIT in the interval (TcpExtTCPTimeWaitOverflow), %lld in "
		       "TIME-WAIT, net.ipv4.tcp_max_tw_buckets %lld",
		       (long long)evd(x, "tw_overflow_delta"), (long long)evd(x, "time_wait"),
		       (long long)evd(x, "max_tw_buckets"));
	else
		dx_put(t, "%lld sockets in TIME-WAIT, %.0f%% of net.ipv4.tcp_max_tw_buckets %lld",
		       (long long)evd(x, "time_wait"),
		       100.0 * (double)evd(x, "time_wait") /
			       (double)(evd(x, "max_tw_buckets") ? evd(x, "max_tw_buckets") : 1),
		       (long long)evd(x, "max_tw_buckets"));
	dx_put(t, ": many short connections; reuse them (keep-alive, pooling)");
}

void dx_message_ports(const struct finding *x, struct text *t)
{
	dx_put(t,
	       "%lld of %lld ephemeral ports (%lld-%lld) in use for %s, %lld in TIME-WAIT: "
	       "new connections to it fail with EADDRNOTAVAIL when they run out; reuse "
	       "connections or widen net.ipv4.ip_local_port_range",
	       (long long)evd(x, "used"), (long long)evd(x, "range_size"),
	       (long long)evd(x, "range_lo"), (long long)evd(x, "range_hi"), x->subject,
	       (long long)evd(x, "time_wait"));
	if (evd(x, "tcp_tw_reuse") == 0)
		dx_put(t, " (net.ipv4.tcp_tw_reuse is 0)");
}

void dx_explain_delayed_ack(const struct row *r, struct text *t)
{
	const struct conn *c = r->c;
	char a[24], b[24];
	uint32_t srtt = 0;

	CONN_INFO(c, rtt, &srtt);
	dx_put(t,
	       "small writes wait for the peer's delayed ACK: srtt %s against a path minimum of "
	       "%s, %u segment(s) unacknowledged and %llu bytes held back (below one MSS, %u): "
	       "Nagle sends a small segment only when the previous one is acknowledged, and the "
	       "peer delays that ACK (40 ms or more); ",
	       fmt_duration_us(srtt, a, sizeof(a)), fmt_duration_us(base_rtt_us(c), b, sizeof(b)),
	       (unsigned)CONN_TI(c, unacked), (unsigned long long)unsent_bytes(c),
	       (unsigned)CONN_TI(c, snd_mss));
	if (r->limit_basis != DB_STATE)
		dx_put(t, "waiting %u%% of the interval; ", r->limited_pct);
	dx_put(t, "set TCP_NODELAY, or write each request at once (writev, TCP_CORK), or have "
		  "the peer ACK at once (TCP_QUICKACK)");
}

void dx_explain_no_wscale(const struct row *r, struct text *t)
{
	const struct conn *c = r->c;
	char a[24];
	uint32_t wnd = 0;

	if (r->limited_by == DL_RWND) {
		CONN_INFO(c, snd_wnd, &wnd);
		dx_put(t,
		       "no window scaling on this connection: the peer's window %s cannot pass "
		       "64 KiB and held sending back ",
		       fmt_size(wnd, a, sizeof(a)));
		put_limit_share(r, t);
	} else {
		dx_put(t, "no window scaling on this connection: our receive window cannot pass "
			  "64 KiB and is full every round trip");
	}
	put_bdp(r, dx_th.unscaled_max, t);
	dx_put(t, "; window scaling is negotiated in the handshake: check "
		  "net.ipv4.tcp_window_scaling on both ends and middleboxes stripping the option");
}

void dx_message_synack_retry(const struct finding *x, struct text *t)
{
	int64_t v;

	dx_put(t,
	       "%lld of %lld request sockets retransmitted their SYN-ACK (up to %lld times): the "
	       "clients' final ACK does not arrive; a firewall dropping it, asymmetric routing or "
	       "spoofed SYNs (a flood)",
	       (long long)evd(x, "retrying"), (long long)evd(x, "syn_queue"),
	       (long long)evd(x, "max_retries"));
	if (ev_get(x, "syn_max", &v))
		dx_put(t, "; SYN queue %lld/%lld", (long long)evd(x, "syn_queue"), (long long)v);
	if (ev_get(x, "tcp_synack_retries", &v) && v >= 0)
		dx_put(t, "; each request is dropped after net.ipv4.tcp_synack_retries %lld",
		       (long long)v);
}

void dx_message_syn_retry(const struct finding *x, struct text *t)
{
	char a[24];
	int64_t v;

	dx_put(t,
	       "%lld connects to %s retry their SYN (up to %lld retransmits, the oldest waiting "
	       "%s): nothing answers",
	       (long long)evd(x, "sockets"), x->subject, (long long)evd(x, "max_retries"),
	       fmt_secs((double)evd(x, "oldest_ms") / 1000, a, sizeof(a)));
	if (ev_get(x, "gives_up_ms", &v))
		dx_put(t,
		       "; the kernel gives up (ETIMEDOUT) in %s, after net.ipv4.tcp_syn_retries "
		       "%lld",
		       fmt_secs((double)v / 1000, a, sizeof(a)),
		       (long long)evd(x, "tcp_syn_retries"));
	dx_put(t,
	       "; in the interval TcpExtTCPSynRetrans +%lld, TcpAttemptFails +%lld, "
	       "TCPAbortOnTimeout +%lld: check that the destination is up and no firewall drops "
	       "its SYNs",
	       (long long)evd(x, "syn_retrans_delta"), (long long)evd(x, "attempt_fails_delta"),
	       (long long)evd(x, "abort_on_timeout_delta"));
}

void dx_message_fin_wait1(const struct finding *x, struct text *t)
{
	char a[24];
	int64_t r = evd(x, "tcp_orphan_retries");

	dx_put(t,
	       "%lld closed sockets on %s stuck in FIN-WAIT-1 holding %s unsent or unacknowledged, "
	       "%lld behind a zero window (up to %lld probes): the application closed them, their "
	       "FIN cannot leave until the peer reads or answers",
	       (long long)evd(x, "orphans"), x->subject,
	       fmt_size((uint64_t)evd(x, "bytes"), a, sizeof(a)), (long long)evd(x, "zero_window"),
	       (long long)evd(x, "max_probes"));
	if (r >= 0)
		dx_put(t, "; net.ipv4.tcp_orphan_retries %lld%s bounds the probes", (long long)r,
		       r == 0 ? " (0 means 8)" : "");
}

void dx_message_fin_wait2(const struct finding *x, struct text *t)
{
	int64_t v = evd(x, "tcp_fin_timeout");

	dx_put(t,
	       "%lld closed sockets toward %s wait in FIN-WAIT-2 (%lld since the previous refresh "
	       "or longer): the peer acknowledged our FIN and never sent its own",
	       (long long)evd(x, "orphans"), x->subject + (x->subject[0] == '-' ? 3 : 0),
	       (long long)evd(x, "held"));
	if (v >= 0)
		dx_put(t, "; each lasts net.ipv4.tcp_fin_timeout (%lld s)", (long long)v);
}

void dx_message_orphans(const struct finding *x, struct text *t)
{
	int64_t max;

	if (ev_get(x, "tcp_max_orphans", &max))
		dx_put(t, "%lld orphaned sockets, %.0f%% of net.ipv4.tcp_max_orphans %lld",
		       (long long)evd(x, "orphans"),
		       100.0 * (double)evd(x, "orphans") / (double)max, (long long)max);
	else
		dx_put(t,
		       "%lld orphaned sockets (net.ipv4.tcp_max_orphans unknown: only the "
		       "initial namespace has it)",
		       (long long)evd(x, "orphans"));
	if (evd(x, "abort_on_memory_delta") > 0)
		dx_put(t,
		       "; the kernel killed %lld in the interval (TcpExtTCPAbortOnMemory: too "
		       "many orphans or out of memory)",
		       (long long)evd(x, "abort_on_memory_delta"));
	else
		dx_put(t, "; past a quarter of the limit the kernel kills orphans that time out");
	dx_put(t, ": find what holds them (fin-wait-1, peers not reading)");
}

void dx_message_tcp_mem(const struct finding *x, struct text *t)
{
	char a[24];
	int64_t p;

	dx_put(t, "TCP memory %lld pages (%s)", (long long)evd(x, "mem_pages"),
	       fmt_size((uint64_t)evd(x, "mem_pages") * 4096, a, sizeof(a)));
	if (ev_get(x, "tcp_mem_pressure", &p))
		dx_put(t, ", net.ipv4.tcp_mem %lld %lld %lld pages: %s",
		       (long long)evd(x, "tcp_mem_min"), (long long)p,
		       (long long)evd(x, "tcp_mem_max"),
		       x->severity == DS_CRIT ? "near the limit, where allocations fail"
		       : evd(x, "mem_pages") > p
			       ? "past the pressure threshold: receive buffers are pruned and "
				 "clamped"
			       : "below the pressure threshold now");
	else
		dx_put(t, " (net.ipv4.tcp_mem unknown: only the initial namespace has it)");
	if (evd(x, "memory_pressures_delta") > 0)
		dx_put(t,
		       "; TcpExtTCPMemoryPressures +%lld, %lld ms under pressure in the interval",
		       (long long)evd(x, "memory_pressures_delta"),
		       (long long)evd(x, "memory_pressure_ms_delta"));
	dx_put(t, "; find the sockets holding memory (Recv-Q, Send-Q, orphans) before raising "
		  "tcp_mem");
}

char *diagnose_explain(const struct row *r, unsigned code, char *buf, size_t len)
{
	struct text t = { buf, len, 0 };

	buf[0] = '\0';
	if (code >= DX_CONN_N || !(r->findings & (1u << code))) {
		snprintf(buf, len, "%s: not found on this connection",
			 code < DX_N ? dx_codes[code].def.name : "?");
		return buf;
	}
	dx_codes[code].explain(r, &t);
	return buf;
}

char *diagnose_message(const struct frame *f, const struct finding *x, char *buf, size_t len)
{
	struct text t = { buf, len, 0 };

	buf[0] = '\0';
	if (x->code >= DX_N)
		return buf;
	if (x->code >= DX_CONN_N) {
		dx_codes[x->code].message(x, &t);
		return buf;
	}
	if (x->row < frame_nrows(f)) {
		if (x->count > 1)
			dx_put(&t, "%u connections, e.g. this one: ", x->count);
		diagnose_explain(&f->rows[x->row], x->code, buf + t.off, len - t.off);
	}
	return buf;
}
