/* SPDX-License-Identifier: GPL-2.0-or-later */
/* diagnose: the finding codes' descriptors, and one frame's diagnosis in order. */
#include "diagnose.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diagnose_int.h"
#include "fatal.h"

/* Each threshold's reason is at its field (diagnose_int.h); doc/DIAGNOSIS.md repeats them. */
const struct dx_thresholds dx_th = {
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
	.dack_excess_us = 10000,
	.rcv_rtt_ratio = 4,
	.syn_retry_min = 1,
	.syn_retry_crit = 2,
	.synack_retry_min = 1,
	.fw1_min = 1,
	.fw2_min = 4,
	.fw2_warn = 256,
	.orphans_warn = 0.25,
	.orphans_crit = 0.5,
	.mem_crit = 0.9,
	.unscaled_max = 65535,
	.bdp_use = 0.01,
};

_Static_assert(DX_CONN_N <= 32, "connection codes are bits of the 32-bit row.findings");
_Static_assert(DX_N <= 256, "finding.code is a uint8_t");

#define CONN_CODE(fn)                                                                              \
	.detect = dx_detect_##fn, .evidence = dx_evidence_##fn, .explain = dx_explain_##fn

const struct dx_code dx_codes[DX_N] = {
	[DX_SNDBUF_BDP] = { .def = { .name = "sndbuf<BDP",
				     .severity = DS_WARN,
				     .scope = DSC_CONN,
				     .problem = true,
				     .title = "the send buffer limits sending: smaller than the "
					      "path's bandwidth-delay product",
				     .check = "remove or raise SO_SNDBUF in the application; "
					      "net.ipv4.tcp_wmem, net.core.wmem_max",
				     .evidence = "connections,sndbuf,wmem_queued,limited_pct,bdp_"
						 "bytes,min_rtt_us,tcp_wmem_max" },
			    CONN_CODE(sndbuf_bdp) },
	[DX_SNDBUF_FIXED] = { .def = { .name = "sndbuf-fixed",
				       .severity = DS_INFO,
				       .scope = DSC_CONN,
				       .title = "the limiting send buffer is fixed by the "
						"application (SO_SNDBUF): no autotuning",
				       .check = "remove the SO_SNDBUF setsockopt or raise it "
						"(net.core.wmem_max caps it)",
				       .evidence = "connections,sndbuf,wmem_queued,limited_pct,bdp_"
						   "bytes,min_rtt_us,tcp_wmem_max" },
			      CONN_CODE(sndbuf_fixed) },
	[DX_RWND_BDP] = { .def = { .name = "rwnd<BDP",
				   .severity = DS_WARN,
				   .scope = DSC_CONN,
				   .problem = true,
				   .title = "the peer's receive window limits sending",
				   .check = "the receiver's SO_RCVBUF and net.ipv4.tcp_rmem, and "
					    "whether it reads promptly",
				   .evidence =
					   "connections,rwnd,limited_pct,bdp_bytes,min_rtt_us" },
			  CONN_CODE(rwnd_bdp) },
	[DX_RCVBUF_BDP] = { .def = { .name = "rcvbuf<BDP",
				     .severity = DS_WARN,
				     .scope = DSC_CONN,
				     .title = "our receive window is full every round trip: "
					      "smaller than the path's bandwidth-delay product",
				     .check = "remove or raise SO_RCVBUF in the application; "
					      "net.ipv4.tcp_rmem, net.core.rmem_max",
				     .evidence = "connections,rcvbuf,rcv_wnd,bytes_per_rtt,rtt_"
						 "us,tcp_rmem_max" },
			    CONN_CODE(rcvbuf_bdp) },
	[DX_RCVBUF_FIXED] = { .def = { .name = "rcvbuf-fixed",
				       .severity = DS_INFO,
				       .scope = DSC_CONN,
				       .title = "the limiting receive buffer is fixed by the "
						"application (SO_RCVBUF): no autotuning",
				       .check = "remove the SO_RCVBUF setsockopt or raise it "
						"(net.core.rmem_max caps it)",
				       .evidence = "connections,rcvbuf,rcv_wnd,bytes_per_rtt,rtt_"
						   "us,tcp_rmem_max" },
			      CONN_CODE(rcvbuf_fixed) },
	[DX_ZWIN] = { .def = { .name = "zwin",
			       .severity = DS_WARN,
			       .scope = DSC_CONN,
			       .problem = true,
			       .title = "the peer advertises a zero window: sending is stalled",
			       .check = "the receiving application: it is not reading (its Recv-Q "
					"is full)",
			       .evidence = "connections,rwnd,send_q,probes" },
		      CONN_CODE(zwin) },
	[DX_RCVQ_FULL] = { .def = { .name = "rcvq-full",
				    .severity = DS_WARN,
				    .scope = DSC_CONN,
				    .title =
					    "our receive queue is full: we advertise a zero window",
				    .check = "the application on this socket: it is not reading "
					     "fast enough",
				    .evidence = "connections,recv_q,recv_q_prev,rmem_alloc,rcvbuf,"
						"rcv_wnd" },
			   CONN_CODE(rcvq_full) },
	[DX_RECVQ_GROWING] = { .def = { .name = "recvq-growing",
					.severity = DS_INFO,
					.scope = DSC_CONN,
					.title = "unread data keeps growing",
					.check = "the application on this socket reads slower than "
						 "data arrives",
					.evidence = "connections,recv_q,recv_q_prev,rmem_alloc,"
						    "rcvbuf,rcv_wnd" },
			       CONN_CODE(recvq_growing) },
	[DX_UNSENT_GROWING] = { .def = { .name = "unsent-growing",
					 .severity = DS_INFO,
					 .scope = DSC_CONN,
					 .title = "unsent data keeps piling up in the send buffer",
					 .check = "the application writes faster than the "
						  "connection sends; TCP_NOTSENT_LOWAT, "
						  "net.ipv4.tcp_notsent_lowat",
					 .evidence = "connections,notsent,notsent_prev,intervals,"
						     "sndbuf,wmem_queued" },
				CONN_CODE(unsent_growing) },
	[DX_RTO_BACKOFF] = { .def = { .name = "rto-backoff",
				      .severity = DS_WARN,
				      .scope = DSC_CONN,
				      .title = "timeouts back off: nothing is acknowledged, or "
					       "nothing gets sent",
				      .check = "reachability of the peer, firewalls or a path "
					       "dropping packets",
				      .evidence =
					      "connections,backoff,backoff_prev,rto_us,timer_ms" },
			     CONN_CODE(rto_backoff),
			     .severity = dx_severity_rto_backoff },
	[DX_DELAYED_ACK] = { .def = { .name = "delayed-ack",
				      .severity = DS_WARN,
				      .scope = DSC_CONN,
				      .problem = true,
				      .title = "small writes wait for the peer's delayed ACK "
					       "(Nagle + delayed ACK)",
				      .check = "TCP_NODELAY, or one write per request (writev, "
					       "TCP_CORK); quick ACKs on the peer (TCP_QUICKACK)",
				      .evidence = "connections,srtt_us,min_rtt_us,unacked,notsent,"
						  "mss,limited_pct,ato_us,delayed_acks_delta" },
			     CONN_CODE(delayed_ack) },
	[DX_NO_WSCALE] = { .def = { .name = "no-wscale",
				    .severity = DS_WARN,
				    .scope = DSC_CONN,
				    .problem = true,
				    .title = "no window scaling: the window is capped at 64 KiB, "
					     "below the path's BDP",
				    .check = "net.ipv4.tcp_window_scaling on both ends, and "
					     "middleboxes stripping the option",
				    .evidence = "connections,window,limited_pct,bdp_bytes,min_rtt_"
						"us,tcp_window_scaling" },
			   CONN_CODE(no_wscale) },
	[DX_ACCEPT_OVERFLOW] = { .def = { .name = "accept-overflow",
					  .severity = DS_CRIT,
					  .scope = DSC_LISTENER,
					  .title = "the accept queue overflows: connection "
						   "attempts are dropped",
					  .check = "the application's accept() rate; its listen() "
						   "backlog; net.core.somaxconn",
					  .evidence = "drops_delta,accept_queue,accept_max,listen_"
						      "overflows_delta,somaxconn" },
				 .message = dx_message_accept_overflow },
	[DX_ACCEPT_FULL] = { .def = { .name = "accept-full",
				      .severity = DS_WARN,
				      .scope = DSC_LISTENER,
				      .title = "the accept queue is full: the next connections "
					       "will be dropped",
				      .check = "the application's accept() loop",
				      .evidence = "accept_queue,accept_max" },
			     .message = dx_message_accept_full },
	[DX_BACKLOG_SMALL] = { .def = { .name = "backlog<somaxconn",
					.severity = DS_WARN,
					.scope = DSC_LISTENER,
					.title = "the listen() backlog is far below "
						 "net.core.somaxconn",
					.check = "the backlog argument the application passes to "
						 "listen()",
					.evidence = "accept_max,somaxconn,accept_queue" },
			       .message = dx_message_backlog_small },
	[DX_SYNQ_OVERFLOW] = { .def = { .name = "synq-overflow",
					.severity = DS_CRIT,
					.scope = DSC_LISTENER,
					.title = "the SYN queue overflows with syncookies off: "
						 "SYNs are dropped",
					.check = "a SYN flood or handshakes not completing; "
						 "net.ipv4.tcp_syncookies, the listen() backlog",
					.evidence =
						"drops_delta,syn_queue,accept_max,syn_max,"
						"reqqfull_drop_delta,tcp_syncookies,netns_inode" },
			       .message = dx_message_synq_overflow },
	[DX_LISTEN_DROPS] = { .def = { .name = "listen-drops",
				       .severity = DS_CRIT,
				       .scope = DSC_LISTENER,
				       .title = "the listener drops connection attempts",
				       .check = "TcpExtListenDrops and the listener's queues",
				       .evidence =
					       "drops_delta,accept_queue,accept_max,syn_queue" },
			      .message = dx_message_listen_drops },
	[DX_SYNACK_RETRY] = { .def = { .name = "synack-retry",
				       .severity = DS_WARN,
				       .scope = DSC_LISTENER,
				       .title = "SYN-ACKs are retransmitted: the clients' final "
						"ACK does not arrive",
				       .check = "a firewall dropping the clients' ACKs, asymmetric "
						"routing, or a SYN flood; "
						"net.ipv4.tcp_synack_retries",
				       .evidence = "syn_queue,retrying,max_retries,syn_max,tcp_"
						   "synack_retries,syn_retrans_delta" },
			      .message = dx_message_synack_retry },
	[DX_SYN_RETRY] = { .def = { .name = "syn-retry",
				    .severity = DS_WARN,
				    .scope = DSC_DEST,
				    .title = "connects to this destination retry their SYN: "
					     "nothing answers",
				    .check = "whether the destination is up and reachable: "
					     "firewalls dropping SYNs, routes; "
					     "net.ipv4.tcp_syn_retries",
				    .evidence = "sockets,max_retries,oldest_ms,gives_up_ms,tcp_syn_"
						"retries,syn_retrans_delta,attempt_fails_delta,"
						"abort_on_timeout_delta" },
			   .message = dx_message_syn_retry },
	[DX_FIN_WAIT1] = { .def = { .name = "fin-wait-1",
				    .severity = DS_WARN,
				    .scope = DSC_PORT,
				    .title = "closed sockets (orphans) cannot send their FIN: data "
					     "stuck behind a zero window or unanswered",
				    .check = "the peers that stopped reading or answering; "
					     "net.ipv4.tcp_orphan_retries, tcp_max_orphans",
				    .evidence = "orphans,bytes,zero_window,max_probes,tcp_orphan_"
						"retries" },
			   .message = dx_message_fin_wait1 },
	[DX_FIN_WAIT2] = { .def = { .name = "fin-wait-2",
				    .severity = DS_INFO,
				    .scope = DSC_REMOTE,
				    .title = "closed sockets (orphans) wait for a FIN the peer "
					     "does not send",
				    .check = "the peer application: it does not close its side; "
					     "net.ipv4.tcp_fin_timeout",
				    .evidence = "orphans,held,tcp_fin_timeout" },
			   .message = dx_message_fin_wait2 },
	[DX_SYNCOOKIES] = { .def = { .name = "syncookies",
				     .severity = DS_WARN,
				     .scope = DSC_NETNS,
				     .title = "the SYN queue overflows: syncookies answer SYNs",
				     .check = "a SYN flood, or a listen() backlog too small for "
					      "the connection rate",
				     .evidence = "syncookies_sent_delta,reqqfull_docookies_delta,"
						 "syncookies_failed_delta,syn_queue,accept_max,"
						 "netns_inode" },
			    .message = dx_message_syncookies },
	[DX_ABORT_ON_OVERFLOW] = { .def = { .name = "abort-on-overflow",
					    .severity = DS_WARN,
					    .scope = DSC_NETNS,
					    .title = "accept queues overflow with "
						     "tcp_abort_on_overflow on: clients get resets",
					    .check = "net.ipv4.tcp_abort_on_overflow (0 lets "
						     "clients retry)",
					    .evidence =
						    "tcp_abort_on_overflow,listen_overflows_"
						    "delta,full_accept_queues,out_rsts_delta,netns_"
						    "inode" },
				   .message = dx_message_abort_on_overflow },
	[DX_CLOSE_WAIT] = { .def = { .name = "close-wait",
				     .severity = DS_WARN,
				     .scope = DSC_GROUP,
				     .title = "connections stay in CLOSE-WAIT: the application "
					      "does not close them",
				     .check = "the application: a missing close() after the peer "
					      "closed (a descriptor leak)",
				     .evidence = "close_wait,held,new,close_wait_delta_host" },
			    .message = dx_message_close_wait },
	[DX_TIME_WAIT] = { .def = { .name = "time-wait",
				    .severity = DS_WARN,
				    .scope = DSC_NETNS,
				    .title = "TIME-WAIT sockets near or over "
					     "net.ipv4.tcp_max_tw_buckets",
				    .check = "many short connections: reuse them (keep-alive, "
					     "pooling)",
				    .evidence = "time_wait,max_tw_buckets,tw_overflow_delta,"
						"netns_inode" },
			   .message = dx_message_time_wait },
	[DX_PORTS] = { .def = { .name = "ephemeral-ports",
				.severity = DS_WARN,
				.scope = DSC_DEST,
				.title = "ephemeral ports toward one destination are running out",
				.check = "connection reuse; net.ipv4.ip_local_port_range, "
					 "tcp_tw_reuse",
				.evidence = "used,range_size,range_lo,range_hi,time_wait,tcp_tw_"
					    "reuse" },
		       .message = dx_message_ports },
	[DX_ORPHANS] = { .def = { .name = "orphans",
				  .severity = DS_WARN,
				  .scope = DSC_HOST,
				  .title = "orphaned sockets near net.ipv4.tcp_max_orphans: the "
					   "kernel kills them",
				  .check = "what holds the orphans (fin-wait-1, peers not "
					   "reading); net.ipv4.tcp_max_orphans, tcp_orphan_retries",
				  .evidence = "orphans,tcp_max_orphans,abort_on_memory_delta" },
			 .message = dx_message_orphans },
	[DX_TCP_MEM] = { .def = { .name = "tcp-mem",
				  .severity = DS_WARN,
				  .scope = DSC_HOST,
				  .title = "TCP memory at or past net.ipv4.tcp_mem's pressure "
					   "threshold: buffers are pruned",
				  .check = "which sockets hold memory (Recv-Q, Send-Q, orphans); "
					   "net.ipv4.tcp_mem (pages)",
				  .evidence = "mem_pages,tcp_mem_min,tcp_mem_pressure,tcp_mem_max,"
					      "memory_pressures_delta,memory_pressure_ms_delta" },
			 .message = dx_message_tcp_mem },
};

void (*const dx_frame_detectors[])(struct diagnoser *d, const struct frame *f) = {
	dx_summarise_connections, dx_listener_findings,
	dx_syn_retry_findings,    dx_fin_wait_findings,
	dx_close_wait_findings,   dx_time_wait_findings,
	dx_port_findings,         dx_memory_findings,
	dx_namespace_subjects,    NULL,
};

static const char *const severity_names[] = { "info", "warn", "crit" };
static const char *const limit_names[DL_N] = {
	[DL_RWND] = "rwnd", [DL_SNDBUF] = "sndbuf", [DL_CWND] = "cwnd",
	[DL_APP] = "app",   [DL_DELACK] = "delack", [DL_IDLE] = "idle",
};
static const char *const basis_names[DB_N] = { NULL, "interval", "mixed", "state" };
static const char *const scope_names[DSC_N] = {
	[DSC_CONN] = "connection",         [DSC_LISTENER] = "listener",
	[DSC_DEST] = "destination",        [DSC_PORT] = "local port",
	[DSC_REMOTE] = "remote endpoint",  [DSC_GROUP] = "local port or remote endpoint",
	[DSC_NETNS] = "network namespace", [DSC_HOST] = "host",
};

const char *diagnose_finding_netns(const struct frame *f, const struct finding *x)
{
	int64_t ino;

	if (!f->nns)
		return NULL;
	if (x->row != UINT32_MAX)
		return frame_row_ns(f, x->row);
	if (!ev_get(x, "netns_inode", &ino))
		return NULL;
	for (size_t i = 0; i < f->nns; i++)
		if ((int64_t)f->nsv[i].inode == ino)
			return f->nsv[i].name;
	return NULL;
}

const struct diag_code_def *diagnose_code(unsigned code)
{
	return code < DX_N ? &dx_codes[code].def : NULL;
}

bool diagnose_code_problem(unsigned code)
{
	return code < DX_CONN_N && dx_codes[code].def.problem;
}

uint32_t diagnose_problem_mask(void)
{
	uint32_t m = 0;

	for (unsigned code = 0; code < DX_CONN_N; code++)
		if (dx_codes[code].def.problem)
			m |= 1u << code;
	return m;
}

const char *diagnose_scope_name(unsigned scope)
{
	return scope < DSC_N ? scope_names[scope] : "?";
}

int diagnose_code_by_name(const char *name)
{
	for (int i = 0; i < DX_N; i++)
		if (!strcmp(dx_codes[i].def.name, name))
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

uint8_t dx_conn_severity(const struct row *r, unsigned code)
{
	return dx_codes[code].severity ? dx_codes[code].severity(r) : dx_codes[code].def.severity;
}

int diagnose_row_severity(const struct row *r)
{
	int worst = -1;

	for (unsigned code = 0; code < DX_CONN_N; code++)
		if ((r->findings & (1u << code)) && dx_conn_severity(r, code) > worst)
			worst = dx_conn_severity(r, code);
	return worst;
}

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

/* Each connection's limit, BDP and codes (one detector per code), then the frame's detectors. */
void diagnose_frame(struct diagnoser *d, struct frame *f)
{
	size_t n = frame_nrows(f);

	/* what the rows changed from: in the model's table until the collector commits, after us */
	assert(n == 0 || f->model);

	for (size_t i = 0; i < n; i++) {
		struct row *r = &f->rows[i];
		uint32_t bits = 0;

		if (r->flags & ROW_DUP)
			continue; /* its first row is the socket */
		dx_classify(f, r);
		dx_estimate_bdp(r);
		/*
		 * Every connection code is about a socket that may send (each
		 * detector asks may_send, delayed-ack reads the LIMIT dx_classify
		 * leaves at none otherwise): TIME-WAIT, listeners and handshakes,
		 * a fifth of a busy host's sockets, skip the twelve calls.
		 */
		if (may_send(r->c)) {
			dx_qualify(f, r);
			for (unsigned code = 0; code < DX_CONN_N; code++)
				if (dx_codes[code].detect(f, r))
					bits |= 1u << code;
		}
		r->findings = bits;
	}
	d->n = 0;
	for (size_t i = 0; dx_frame_detectors[i]; i++)
		dx_frame_detectors[i](d, f);
	if (d->n)
		qsort(d->v, d->n, sizeof(*d->v), cmp_finding);
	f->nfindings = (uint32_t)(d->n < FRAME_FINDINGS_MAX ? d->n : FRAME_FINDINGS_MAX);
	f->findings_dropped = (uint32_t)(d->n - f->nfindings);
	if (f->nfindings)
		memcpy(f->findings, d->v, f->nfindings * sizeof(*d->v));
}
