/* SPDX-License-Identifier: GPL-2.0-or-later */
/* column: the column table and the generic format/compare/JSON that follow from it. */
#include "column.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "diag.h"
#include "diagnose.h"
#include "fmt.h"
#include "procmap.h"

#define NEED_INFO DIAG_EXT_INFO
#define NEED_SKMEM DIAG_EXT_SKMEM
#define NEED_CONG DIAG_EXT_CONG

/* The kernel's "no slow-start threshold yet" value. */
#define TCP_INFINITE_SSTHRESH 0x7fffffffu

static void set_u64(struct cval *v, uint64_t x)
{
	v->kind = CV_U64;
	v->u = x;
}

static void set_str(struct cval *v, const char *s)
{
	v->kind = CV_STR;
	v->s = s;
}

/*
 * One getter per tcp_info field column: unavailable unless the kernel sent
 * it, and for LISTEN sockets, whose tcp_info describes no flow (tcpi_unacked
 * is the accept queue there; the listener columns show that).
 */
#define INFO_GETTER(fn, field)                                                                     \
	static void fn(const struct row *r, struct cval *v)                                        \
	{                                                                                          \
		uint64_t x;                                                                        \
		if (r->c->state != TS_LISTEN && CONN_INFO(r->c, field, &x))                        \
			set_u64(v, x);                                                             \
	}

INFO_GETTER(get_cwnd, snd_cwnd)
INFO_GETTER(get_mss, snd_mss)
INFO_GETTER(get_rwnd, snd_wnd)
INFO_GETTER(get_rcvwnd, rcv_wnd)
INFO_GETTER(get_rcvspace, rcv_space)
INFO_GETTER(get_unacked, unacked)
INFO_GETTER(get_retrans_out, retrans)
INFO_GETTER(get_total_retrans, total_retrans)
INFO_GETTER(get_lost, lost)
INFO_GETTER(get_bytes_acked, bytes_acked)
INFO_GETTER(get_bytes_received, bytes_received)
INFO_GETTER(get_bytes_sent, bytes_sent)
INFO_GETTER(get_bytes_retrans, bytes_retrans)
INFO_GETTER(get_busy, busy_time)
INFO_GETTER(get_rwnd_limited, rwnd_limited)
INFO_GETTER(get_sndbuf_limited, sndbuf_limited)
INFO_GETTER(get_notsent, notsent_bytes)
INFO_GETTER(get_rcv_rtt, rcv_rtt)

static bool is_listener(const struct row *r)
{
	return r->c->state == TS_LISTEN;
}

/* The kernel reports rtt 0 until the first sample (ss shows none then either). */
static bool rtt_measured(const struct row *r)
{
	uint64_t x;

	return !is_listener(r) && CONN_INFO(r->c, rtt, &x) && x > 0;
}

static void get_rtt(const struct row *r, struct cval *v)
{
	uint64_t x;

	if (rtt_measured(r) && CONN_INFO(r->c, rtt, &x))
		set_u64(v, x);
}

static void get_rttvar(const struct row *r, struct cval *v)
{
	uint64_t x;

	if (rtt_measured(r) && CONN_INFO(r->c, rttvar, &x))
		set_u64(v, x);
}

/* min_rtt is ~0U until the first sample. */
static void get_minrtt(const struct row *r, struct cval *v)
{
	uint64_t x;

	if (!is_listener(r) && CONN_INFO(r->c, min_rtt, &x) && x > 0 && x != UINT32_MAX)
		set_u64(v, x);
}

static void get_cookie(const struct row *r, struct cval *v)
{
	set_u64(v, r->c->cookie);
}

static void get_ep(struct cval *v, const struct conn *c, const uint8_t *addr, uint16_t port)
{
	v->kind = CV_EP;
	v->family = c->family;
	memcpy(v->addr, addr, 16);
	v->port = port;
}

static void get_local(const struct row *r, struct cval *v)
{
	get_ep(v, r->c, conn_src(r->c), r->c->sport);
}

static void get_remote(const struct row *r, struct cval *v)
{
	get_ep(v, r->c, conn_dst(r->c), r->c->dport);
}

static void get_state(const struct row *r, struct cval *v)
{
	set_str(v, conn_state_name(r->c->state));
}

static void get_recvq(const struct row *r, struct cval *v)
{
	set_u64(v, r->c->rqueue);
}

static void get_sendq(const struct row *r, struct cval *v)
{
	set_u64(v, r->c->wqueue);
}

static void get_rx(const struct row *r, struct cval *v)
{
	if ((r->flags & ROW_RATES) && !is_listener(r)) {
		v->kind = CV_F64;
		v->f = r->rx_bps;
	}
}

static void get_tx(const struct row *r, struct cval *v)
{
	if ((r->flags & ROW_RATES) && !is_listener(r)) {
		v->kind = CV_F64;
		v->f = r->tx_bps;
	}
}

static void get_rate(const struct row *r, struct cval *v)
{
	if ((r->flags & ROW_RATES) && !is_listener(r)) {
		v->kind = CV_F64;
		v->f = r->tx_bps + r->rx_bps;
	}
}

static void get_ssthresh(const struct row *r, struct cval *v)
{
	uint64_t x;

	if (is_listener(r) || !CONN_INFO(r->c, snd_ssthresh, &x))
		return;
	if (x >= TCP_INFINITE_SSTHRESH)
		set_str(v, "inf"); /* still in slow start: no threshold yet */
	else
		set_u64(v, x);
}

static void get_retrans(const struct row *r, struct cval *v)
{
	if ((r->flags & ROW_D_RETRANS) && !is_listener(r))
		set_u64(v, r->d_retrans);
}

static void get_skmem(const struct row *r, struct cval *v)
{
	static const int part[4] = { SKM_RMEM_ALLOC, SKM_RCVBUF, SKM_WMEM_ALLOC, SKM_SNDBUF };
	uint32_t m[4], queued = 0;
	size_t at = 0;

	if (!conn_skmem(r->c, SKM_SNDBUF, &m[3]))
		return;
	for (int i = 0; i < 3; i++)
		conn_skmem(r->c, part[i], &m[i]);
	/*
	 * "%s/%s %s/%s" without printf (a cell per socket), each part written in
	 * place: four parts of at most 6 bytes ("1023Ki") and 3 separators fit
	 */
	_Static_assert(sizeof(v->buf) >= 4 * 8 + 3 + 1, "skmem cell");
	for (int i = 0; i < 4; i++) {
		at += fmt_ibytes_n(m[i], v->buf + at, 8);
		if (i < 3)
			v->buf[at++] = i == 1 ? ' ' : '/';
	}
	v->buf[at] = '\0';
	set_str(v, v->buf);
	/* sorts by total memory held */
	conn_skmem(r->c, SKM_WMEM_QUEUED, &queued);
	v->u = (uint64_t)m[0] + queued;
}

static void json_skmem(const struct row *r, struct json *j, const char *key)
{
	static const char *const names[SKM_N] = { "r", "rb", "t", "tb", "f", "w", "o", "bl", "d" };

	if (!(r->c->have & CONN_HAS_SKMEM)) {
		json_null(j, key);
		return;
	}
	json_obj_begin(j, key);
	for (int i = 0; i < SKM_N; i++) {
		uint32_t x;

		if (conn_skmem(r->c, i, &x))
			json_u64(j, names[i], x);
		else
			json_null(j, names[i]);
	}
	json_obj_end(j);
}

static void get_cong(const struct row *r, struct cval *v)
{
	const char *s = conn_cong(r->c);

	if (s)
		set_str(v, s);
}

static void get_castate(const struct row *r, struct cval *v)
{
	static const char *const names[] = { "open", "disorder", "cwr", "recovery", "loss" };
	uint64_t x;

	if (CONN_INFO(r->c, ca_state, &x) && !is_listener(r))
		set_str(v, x < 5 ? names[x] : "?");
}

static void get_timer(const struct row *r, struct cval *v)
{
	const struct conn *c = r->c;

	if (c->timer == TIMER_NONE) {
		set_str(v, "-");
		v->u = 0;
		return;
	}
	{
		/* "%s,%ums,%u" without printf (every TIME-WAIT row has one); at most 27 of 40 bytes */
		const char *name = conn_timer_name(c->timer);
		size_t n = strlen(name);

		_Static_assert(sizeof(v->buf) >= 9 + 1 + 10 + 3 + 3 + 1, "timer cell");
		memcpy(v->buf, name, n);
		v->buf[n++] = ',';
		n += (size_t)fmt_u64(c->expires_ms, v->buf + n, sizeof(v->buf) - n);
		memcpy(v->buf + n, "ms,", 3);
		n += 3;
		fmt_u64(c->retrans, v->buf + n, sizeof(v->buf) - n);
	}
	set_str(v, v->buf);
	v->u = c->expires_ms;
}

static void json_timer(const struct row *r, struct json *j, const char *key)
{
	const struct conn *c = r->c;

	if (c->timer == TIMER_NONE) {
		json_null(j, key);
		return;
	}
	json_obj_begin(j, key);
	json_str(j, "name", conn_timer_name(c->timer));
	json_u64(j, "expires_ms", c->expires_ms);
	json_u64(j, "retrans", c->retrans);
	json_obj_end(j);
}

static void get_shutdown(const struct row *r, struct cval *v)
{
	static const char *const names[] = { "-", "rd", "wr", "rdwr" };

	if (r->c->have & CONN_HAS_SHUTDOWN)
		set_str(v, names[r->c->shutdown & 3]);
}

static void json_shutdown(const struct row *r, struct json *j, const char *key)
{
	if (!(r->c->have & CONN_HAS_SHUTDOWN)) {
		json_null(j, key);
		return;
	}
	json_obj_begin(j, key);
	json_bool(j, "rd", r->c->shutdown & 1);
	json_bool(j, "wr", r->c->shutdown & 2);
	json_obj_end(j);
}

/*
 * pacing_rate and delivery_rate are bytes/s in tcp_info; shown as bits/s.
 * A pacing rate of ~0 is the kernel's "no limit" (sk_pacing_rate's initial
 * value): "unlim" in the cell, sorting above every rate, null in JSON.
 */
static void get_pacing(const struct row *r, struct cval *v)
{
	uint64_t x;

	if (!CONN_INFO(r->c, pacing_rate, &x) || is_listener(r))
		return;
	if (x == UINT64_MAX) {
		set_str(v, "unlim");
		v->u = UINT64_MAX;
		return;
	}
	v->kind = CV_F64;
	v->f = (double)x * 8;
}

static void get_delivery(const struct row *r, struct cval *v)
{
	uint64_t x;

	if (CONN_INFO(r->c, delivery_rate, &x) && !is_listener(r)) {
		v->kind = CV_F64;
		v->f = (double)x * 8;
	}
}

static void get_uid(const struct row *r, struct cval *v)
{
	if (r->c->have & CONN_HAS_UID)
		set_u64(v, r->c->uid);
}

static void get_inode(const struct row *r, struct cval *v)
{
	if (r->c->inode)
		set_u64(v, r->c->inode);
}

static void get_acceptq(const struct row *r, struct cval *v)
{
	const struct listener *l = row_lst(r);

	if (l)
		set_u64(v, l->accept_q);
}

static void get_acceptmax(const struct row *r, struct cval *v)
{
	const struct listener *l = row_lst(r);

	if (l)
		set_u64(v, l->accept_max);
}

/* "q/max": the accept queue as the listen view shows it; sorts by fill ratio. */
static void get_accept_fill(const struct row *r, struct cval *v)
{
	const struct listener *l = row_lst(r);

	if (!l)
		return;
	snprintf(v->buf, sizeof(v->buf), "%u/%u", l->accept_q, l->accept_max);
	set_str(v, v->buf);
	v->u = l->accept_max ? (uint64_t)l->accept_q * 1000000u / l->accept_max : 0;
}

static void get_synq(const struct row *r, struct cval *v)
{
	const struct listener *l = row_lst(r);

	if (l)
		set_u64(v, l->syn_q);
}

/* 0 is "not known" (an old kernel, or not derived): unavailable, never a limit of 0. */
static void get_synmax(const struct row *r, struct cval *v)
{
	const struct listener *l = row_lst(r);

	if (l && l->syn_max)
		set_u64(v, l->syn_max);
}

/* "depth/limit", or the depth alone when the limit is not known; sorts by fill, then depth. */
static void get_syn_fill(const struct row *r, struct cval *v)
{
	const struct listener *l = row_lst(r);

	if (!l)
		return;
	if (l->syn_max) {
		snprintf(v->buf, sizeof(v->buf), "%u/%u", l->syn_q, l->syn_max);
		v->u = (uint64_t)l->syn_q * 1000000u / l->syn_max;
	} else {
		snprintf(v->buf, sizeof(v->buf), "%u", l->syn_q);
		v->u = l->syn_q;
	}
	set_str(v, v->buf);
}

/* A SYN queue at its limit drops SYNs or answers with cookies. */
static enum attr attr_syn_fill(const struct row *r)
{
	const struct listener *l = row_lst(r);

	if (!l || !l->syn_max)
		return AT_NORMAL;
	return l->syn_q >= l->syn_max             ? AT_ALARM
	       : l->syn_q * 4u >= l->syn_max * 3u ? AT_WARN
						  : AT_NORMAL;
}

static void get_drops(const struct row *r, struct cval *v)
{
	const struct listener *l = row_lst(r);

	if (l && (l->flags & LST_DROPS))
		set_u64(v, l->drops);
}

static void get_drops_delta(const struct row *r, struct cval *v)
{
	const struct listener *l = row_lst(r);

	if (l && (l->flags & LST_DROPS_DELTA))
		set_u64(v, l->drops_delta);
}

static void get_reuseport(const struct row *r, struct cval *v)
{
	const struct listener *l = row_lst(r);

	if (l)
		set_u64(v, l->shared);
}

/*
 * The process holding the socket: "pid/comm", "+N" when N more share it, "?"
 * when attribution is partial and nobody we may look at holds it. The text
 * is sanitised (procmap); sorting groups by pid, unknown after known.
 */
static void get_proc(const struct row *r, struct cval *v)
{
	if (!row_proc(r))
		return;
	set_str(v, row_proc(r)->text);
	v->u = procinfo_known(row_proc(r)) ? (uint64_t)row_proc(r)->pid : UINT64_MAX;
}

/* {pid, comm, count}; unknown: all three null; no process: null. comm raw, escaped by json.c. */
static void json_proc(const struct row *r, struct json *j, const char *key)
{
	const struct procinfo *p = row_proc(r);

	if (!p) {
		json_null(j, key);
		return;
	}
	json_obj_begin(j, key);
	if (procinfo_known(p)) {
		json_u64(j, "pid", (uint64_t)p->pid);
		json_str(j, "comm", p->comm);
		json_u64(j, "count", p->count);
	} else {
		json_null(j, "pid");
		json_null(j, "comm");
		json_null(j, "count");
	}
	json_obj_end(j);
}

static enum attr attr_proc(const struct row *r)
{
	return procinfo_known(row_proc(r)) ? AT_NORMAL : AT_DIM;
}

static void get_pid(const struct row *r, struct cval *v)
{
	if (procinfo_known(row_proc(r)))
		set_u64(v, (uint64_t)row_proc(r)->pid);
}

/* The name of the socket's uid (the kernel's owner, as ss -e shows it), sanitised. */
static void get_user(const struct row *r, struct cval *v)
{
	if (row_user(r))
		set_str(v, row_user(r)->text);
}

/* The raw name, or null when the uid has no name (or on a replay). */
static void json_user(const struct row *r, struct json *j, const char *key)
{
	json_str(j, key, row_user(r) ? row_user(r)->name : NULL);
}

/*
 * -N all: the socket's namespace ("blue", "docker:0123456789ab",
 * "net:[4026532..]"; sanitised by nsset). Sorting groups a namespace's
 * sockets together by its name.
 */
static void get_netns(const struct row *r, struct cval *v)
{
	if (row_ns(r))
		set_str(v, row_ns(r)->name);
}

/* Only a -N all frame has it: a frame of one namespace names it once, at the top ("netns"). */
static void json_netns(const struct row *r, struct json *j, const char *key)
{
	if (row_ns(r))
		json_str(j, key, row_ns(r)->name);
}

/* Full (the kernel drops at ack_backlog > max, so q == max is the last free slot). */
static enum attr attr_accept(const struct row *r)
{
	const struct listener *l = row_lst(r);

	if (!l || !l->accept_max)
		return AT_NORMAL;
	if (l->accept_q > l->accept_max)
		return AT_ALARM;
	return l->accept_q * 4 >= l->accept_max * 3 ? AT_WARN : AT_NORMAL;
}

static enum attr attr_drops_delta(const struct row *r)
{
	const struct listener *l = row_lst(r);

	return l && (l->flags & LST_DROPS_DELTA) && l->drops_delta ? AT_ALARM : AT_NORMAL;
}

static enum attr attr_state(const struct row *r)
{
	static const enum attr by_state[TS_MAX] = {
		[TS_ESTABLISHED] = AT_ST_ESTAB,
		[TS_SYN_SENT] = AT_ST_SYN,
		[TS_SYN_RECV] = AT_ST_SYN,
		[TS_FIN_WAIT1] = AT_ST_CLOSING,
		[TS_FIN_WAIT2] = AT_ST_CLOSING,
		[TS_TIME_WAIT] = AT_ST_TW,
		[TS_CLOSE] = AT_DIM,
		[TS_CLOSE_WAIT] = AT_ST_CLOSING,
		[TS_LAST_ACK] = AT_ST_CLOSING,
		[TS_LISTEN] = AT_ST_LISTEN,
		[TS_CLOSING] = AT_ST_CLOSING,
	};

	return r->c->state < TS_MAX ? by_state[r->c->state] : AT_NORMAL;
}

/* The peer's window is zero while we have data for it: the receiver is stuck. */
static enum attr attr_rwnd(const struct row *r)
{
	uint64_t w;

	if (r->c->state == TS_ESTABLISHED && CONN_INFO(r->c, snd_wnd, &w) && w == 0)
		return AT_ALARM;
	return AT_NORMAL;
}

static enum attr attr_retrans(const struct row *r)
{
	return (r->flags & ROW_D_RETRANS) && r->d_retrans ? AT_WARN : AT_NORMAL;
}

/* A listener's accept queue beyond its limit drops SYNs. */
static enum attr attr_recvq(const struct row *r)
{
	if (r->c->state == TS_LISTEN && r->c->wqueue && r->c->rqueue >= r->c->wqueue)
		return AT_ALARM;
	return AT_NORMAL;
}

static enum attr attr_timer(const struct row *r)
{
	if (r->c->timer == TIMER_PERSIST)
		return AT_ALARM;
	if (r->c->timer == TIMER_RETRANS && r->c->retrans > 1)
		return AT_WARN;
	return AT_NORMAL;
}

/*
 * LIMIT sorts the specific limits (window, buffer) first, then cwnd, app,
 * idle, each by its share: the connections to look at come first.
 */
static void get_limit(const struct row *r, struct cval *v)
{
	static const uint8_t rank[DL_N] = { [DL_RWND] = 5, [DL_SNDBUF] = 5, [DL_DELACK] = 4,
					    [DL_CWND] = 3, [DL_APP] = 2,    [DL_IDLE] = 1 };

	if (r->limited_by == DL_NONE || r->limited_by >= DL_N)
		return;
	diagnose_limit_str(r, v->buf, sizeof(v->buf));
	set_str(v, v->buf);
	v->u = (uint64_t)rank[r->limited_by] * 1000 + r->limited_pct;
}

static void json_limit(const struct row *r, struct json *j, const char *key)
{
	const char *name = diagnose_limit_name(r->limited_by);

	(void)key;
	if (name)
		json_str(j, "limited_by", name);
	else
		json_null(j, "limited_by");
	if (name && r->limit_basis != DB_STATE)
		json_u64(j, "limited_pct", r->limited_pct);
	else
		json_null(j, "limited_pct");
	if (name)
		json_str(j, "limited_basis", diagnose_basis_name(r->limit_basis));
	else
		json_null(j, "limited_basis");
}

/* Highlighted only when a finding makes the limit a problem, not for every window-bound moment. */
static enum attr attr_limit(const struct row *r)
{
	return r->findings & diagnose_problem_mask() ? AT_WARN : AT_NORMAL;
}

/* Sorts by the most severe code, then by how many. */
static void get_flags(const struct row *r, struct cval *v)
{
	unsigned worst = 0, n = 0;

	if (!r->findings) { /* most sockets: nothing to join or rank */
		v->buf[0] = '\0';
		set_str(v, v->buf);
		v->u = 0;
		return;
	}

	diagnose_flags_str(r, v->buf, sizeof(v->buf));
	set_str(v, v->buf);
	for (unsigned code = 0; code < DX_CONN_N; code++) {
		if (r->findings & (1u << code)) {
			n++;
			if (diagnose_code(code)->severity + 1u > worst)
				worst = diagnose_code(code)->severity + 1u;
		}
	}
	v->u = (uint64_t)worst * 100 + n;
}

static void json_flags(const struct row *r, struct json *j, const char *key)
{
	json_arr_begin(j, key);
	for (unsigned code = 0; r->findings && code < DX_CONN_N; code++)
		if (r->findings & (1u << code))
			json_str(j, NULL, diagnose_code(code)->name);
	json_arr_end(j);
}

static enum attr attr_flags(const struct row *r)
{
	enum attr a = AT_NORMAL;

	for (unsigned code = 0; r->findings && code < DX_CONN_N; code++) {
		if (!(r->findings & (1u << code)))
			continue;
		if (diagnose_code(code)->severity >= DS_WARN)
			return AT_ALARM;
		a = AT_WARN;
	}
	return a;
}

/*
 * The worst severity among the row's findings that make it a problem (warn
 * and crit; info findings are context, not problems): 0 none, then
 * DS_WARN, DS_CRIT. Read from the code descriptors, so new codes count.
 */
static unsigned worst_problem(const struct row *r)
{
	unsigned worst = 0;

	for (unsigned code = 0; r->findings && code < DX_CONN_N; code++) {
		unsigned sev;

		if (!(r->findings & (1u << code)))
			continue;
		sev = diagnose_code(code)->severity;
		if (sev >= DS_WARN && sev > worst)
			worst = sev;
	}
	return worst;
}

/* The cell, if shown: the worst problem's severity ("crit", "warn"), empty for none. */
static void get_problems(const struct row *r, struct cval *v)
{
	unsigned worst = worst_problem(r);

	set_str(v, worst ? diagnose_severity_name(worst) : "");
	v->u = worst;
}

/*
 * A listener's own findings (accept-overflow, synq-overflow...) are frame
 * findings naming its row, with their severity as judged (escalated). Only
 * listeners are looked up: a few rows, against at most FRAME_FINDINGS_MAX.
 */
static unsigned listener_problem(const struct frame *f, const struct row *r)
{
	unsigned worst = 0;
	uint32_t idx;

	if (!f || !is_listener(r) || r < f->rows || r >= f->rows + frame_nrows(f))
		return 0;
	idx = (uint32_t)(r - f->rows);
	for (uint32_t i = 0; i < f->nfindings; i++) {
		const struct finding *x = &f->findings[i];

		if (x->code >= DX_CONN_N && x->row == idx && x->severity >= DS_WARN &&
		    x->severity > worst)
			worst = x->severity;
	}
	return worst;
}

/*
 * The default order: problems first, the most severe first, then by TX+RX
 * rate; a row without a rate (first sample, listener) follows the rated
 * ones of its rank instead of falling behind every healthy row.
 */
static void key_problems(const struct frame *f, const struct row *r, struct sortkey *k)
{
	unsigned lst = listener_problem(f, r);

	k->rank = (uint8_t)worst_problem(r);
	if (lst > k->rank)
		k->rank = (uint8_t)lst;
	if ((r->flags & ROW_RATES) && !is_listener(r))
		k->num = r->tx_bps + r->rx_bps;
	else
		k->none = 1;
}

static enum attr attr_problems(const struct row *r)
{
	unsigned worst = worst_problem(r);

	return worst >= DS_CRIT ? AT_ALARM : worst ? AT_WARN : AT_NORMAL;
}

static void get_bdp(const struct row *r, struct cval *v)
{
	uint64_t bdp = dx_row_bdp(r);

	if (bdp)
		set_u64(v, bdp);
}

#define L ALIGN_LEFT
#define R ALIGN_RIGHT

static const struct column columns[COL_N] = {
	[COL_COOKIE] = { .id = COL_COOKIE,
			 .name = "cookie",
			 .json = "cookie",
			 .header = "Cookie",
			 .help = "socket cookie: the kernel's unique id of the socket",
			 .width = 8,
			 .align = R,
			 .fmt = CF_COUNT,
			 .prio = 9,
			 .flags = COLF_ASC,
			 .get = get_cookie },
	[COL_LOCAL] = { .id = COL_LOCAL,
			.name = "local",
			.json = "local",
			.header = "Local Addr:Port",
			.help = "local address and port",
			.width = 21,
			.maxwidth = 47,
			.align = L,
			.fmt = CF_ENDPOINT,
			.prio = 1,
			.flags = COLF_DEFAULT | COLF_ASC | COLF_FLEX,
			.get = get_local },
	[COL_REMOTE] = { .id = COL_REMOTE,
			 .name = "remote",
			 .json = "remote",
			 .header = "Peer Addr:Port",
			 .help = "peer address and port",
			 .width = 21,
			 .maxwidth = 47,
			 .align = L,
			 .fmt = CF_ENDPOINT,
			 .prio = 1,
			 .flags = COLF_DEFAULT | COLF_ASC | COLF_FLEX,
			 .get = get_remote },
	[COL_STATE] = { .id = COL_STATE,
			.name = "state",
			.json = "state",
			.header = "State",
			.help = "TCP state (ss names)",
			.width = 10,
			.align = L,
			.fmt = CF_TEXT,
			.prio = 1,
			.flags = COLF_DEFAULT | COLF_ASC | COLF_FIT,
			.get = get_state,
			.attr = attr_state },
	[COL_RECVQ] = { .id = COL_RECVQ,
			.name = "recv_q",
			.json = "recv_q",
			.header = "Recv-Q",
			.help = "bytes not yet read by the application (Ki, Mi: binary); LISTEN: "
				"accept "
				"queue length",
			.width = 6,
			.align = R,
			.fmt = CF_BYTES,
			.prio = 3,
			.flags = COLF_DEFAULT,
			.get = get_recvq,
			.attr = attr_recvq },
	[COL_SENDQ] = { .id = COL_SENDQ,
			.name = "send_q",
			.json = "send_q",
			.header = "Send-Q",
			.help = "bytes not yet acknowledged or sent (Ki, Mi: binary); LISTEN: "
				"accept queue "
				"limit",
			.width = 6,
			.align = R,
			.fmt = CF_BYTES,
			.prio = 3,
			.flags = COLF_DEFAULT,
			.get = get_sendq },
	[COL_RX] = { .id = COL_RX,
		     .name = "rx",
		     .json = "rx_bps",
		     .header = "RX b/s",
		     .help = "receive rate in the last interval, bits/s (bytes_received)",
		     .width = 6,
		     .align = R,
		     .fmt = CF_BITRATE,
		     .prio = 1,
		     .needs = NEED_INFO,
		     .flags = COLF_DEFAULT,
		     .get = get_rx },
	[COL_TX] = { .id = COL_TX,
		     .name = "tx",
		     .json = "tx_bps",
		     .header = "TX b/s",
		     .help = "send rate in the last interval, bits/s (bytes_acked)",
		     .width = 6,
		     .align = R,
		     .fmt = CF_BITRATE,
		     .prio = 1,
		     .needs = NEED_INFO,
		     .flags = COLF_DEFAULT,
		     .get = get_tx },
	[COL_RATE] = { .id = COL_RATE,
		       .name = "rate",
		       .header = "Rate",
		       .help = "TX + RX in the last interval, bits/s",
		       .width = 6,
		       .align = R,
		       .fmt = CF_BITRATE,
		       .prio = 4,
		       .needs = NEED_INFO,
		       .get = get_rate },
	[COL_RTT] = { .id = COL_RTT,
		      .name = "rtt",
		      .json = "rtt_us",
		      .header = "RTT ms",
		      .help = "smoothed round-trip time, ms",
		      .width = 7,
		      .align = R,
		      .fmt = CF_USEC_MS,
		      .prio = 4,
		      .needs = NEED_INFO,
		      .flags = COLF_DEFAULT,
		      .get = get_rtt },
	[COL_RTTVAR] = { .id = COL_RTTVAR,
			 .name = "rttvar",
			 .json = "rttvar_us",
			 .header = "RTTvar",
			 .help = "round-trip time variation, ms",
			 .width = 6,
			 .align = R,
			 .fmt = CF_USEC_MS,
			 .prio = 7,
			 .needs = NEED_INFO,
			 .flags = COLF_DEFAULT,
			 .get = get_rttvar },
	[COL_MINRTT] = { .id = COL_MINRTT,
			 .name = "min_rtt",
			 .json = "min_rtt_us",
			 .header = "minRTT",
			 .help = "lowest round-trip time seen, ms (4.6+)",
			 .width = 6,
			 .align = R,
			 .fmt = CF_USEC_MS,
			 .prio = 6,
			 .needs = NEED_INFO,
			 .get = get_minrtt },
	[COL_CWND] = { .id = COL_CWND,
		       .name = "cwnd",
		       .json = "cwnd",
		       .header = "Cwnd",
		       .help = "congestion window, segments",
		       .width = 5,
		       .align = R,
		       .fmt = CF_COUNT,
		       .prio = 4,
		       .needs = NEED_INFO,
		       .flags = COLF_DEFAULT,
		       .get = get_cwnd },
	[COL_SSTHRESH] = { .id = COL_SSTHRESH,
			   .name = "ssthresh",
			   .json = "ssthresh",
			   .header = "Ssthr",
			   .help = "slow-start threshold, segments (inf: none yet; JSON null)",
			   .width = 5,
			   .align = R,
			   .fmt = CF_COUNT,
			   .prio = 8,
			   .needs = NEED_INFO,
			   .flags = COLF_DEFAULT,
			   .get = get_ssthresh },
	[COL_MSS] = { .id = COL_MSS,
		      .name = "mss",
		      .json = "mss",
		      .header = "MSS",
		      .help = "send maximum segment size, bytes",
		      .width = 5,
		      .align = R,
		      .fmt = CF_COUNT,
		      .prio = 8,
		      .needs = NEED_INFO,
		      .get = get_mss },
	[COL_RWND] = { .id = COL_RWND,
		       .name = "rwnd",
		       .json = "rwnd",
		       .header = "RWnd",
		       .help = "the peer's advertised receive window, bytes (tcpi_snd_wnd, 5.4+)",
		       .width = 6,
		       .align = R,
		       .fmt = CF_BYTES,
		       .prio = 4,
		       .needs = NEED_INFO,
		       .flags = COLF_DEFAULT,
		       .get = get_rwnd,
		       .attr = attr_rwnd },
	[COL_RCVWND] = { .id = COL_RCVWND,
			 .name = "rcv_wnd",
			 .json = "rcv_wnd",
			 .header = "OurWnd",
			 .help = "the window we advertise, bytes (6.2+)",
			 .width = 6,
			 .align = R,
			 .fmt = CF_BYTES,
			 .prio = 7,
			 .needs = NEED_INFO,
			 .get = get_rcvwnd },
	[COL_RCVSPACE] = { .id = COL_RCVSPACE,
			   .name = "rcv_space",
			   .json = "rcv_space",
			   .header = "RcvSpc",
			   .help = "receive-buffer autotuning estimate, bytes",
			   .width = 6,
			   .align = R,
			   .fmt = CF_BYTES,
			   .prio = 7,
			   .needs = NEED_INFO,
			   .flags = COLF_DEFAULT,
			   .get = get_rcvspace },
	[COL_UNACKED] = { .id = COL_UNACKED,
			  .name = "unacked",
			  .json = "unacked",
			  .header = "Unack",
			  .help = "segments sent and not yet acknowledged",
			  .width = 5,
			  .align = R,
			  .fmt = CF_COUNT,
			  .prio = 5,
			  .needs = NEED_INFO,
			  .flags = COLF_DEFAULT,
			  .get = get_unacked },
	[COL_RETRANS] = { .id = COL_RETRANS,
			  .name = "retrans",
			  .json = "retrans_delta",
			  .header = "Rtx",
			  .help = "segments retransmitted in the last interval",
			  .width = 4,
			  .align = R,
			  .fmt = CF_COUNT,
			  .prio = 4,
			  .needs = NEED_INFO,
			  .flags = COLF_DEFAULT,
			  .get = get_retrans,
			  .attr = attr_retrans },
	[COL_RETRANS_OUT] = { .id = COL_RETRANS_OUT,
			      .name = "retrans_out",
			      .json = "retrans",
			      .header = "RtxOut",
			      .help = "retransmitted segments not yet acknowledged",
			      .width = 6,
			      .align = R,
			      .fmt = CF_COUNT,
			      .prio = 8,
			      .needs = NEED_INFO,
			      .get = get_retrans_out },
	[COL_TOTAL_RETRANS] = { .id = COL_TOTAL_RETRANS,
				.name = "total_retrans",
				.json = "total_retrans",
				.header = "TotRtx",
				.help = "segments retransmitted over the connection's life",
				.width = 6,
				.align = R,
				.fmt = CF_COUNT,
				.prio = 8,
				.needs = NEED_INFO,
				.get = get_total_retrans },
	[COL_LOST] = { .id = COL_LOST,
		       .name = "lost",
		       .json = "lost",
		       .header = "Lost",
		       .help = "segments presumed lost",
		       .width = 5,
		       .align = R,
		       .fmt = CF_COUNT,
		       .prio = 8,
		       .needs = NEED_INFO,
		       .get = get_lost },
	[COL_SKMEM] = { .id = COL_SKMEM,
			.name = "skmem",
			.json = "skmem",
			.header = "Mem r/rb t/tb",
			.help = "socket memory: receive used/buffer, send used/buffer, bytes (Ki, "
				"Mi)",
			.width = 19,
			.align = L,
			.fmt = CF_TEXT,
			.prio = 6,
			.needs = NEED_SKMEM,
			.flags = COLF_DEFAULT | COLF_SORTNUM,
			.get = get_skmem,
			.json_emit = json_skmem },
	[COL_CONG] = { .id = COL_CONG,
		       .name = "cong",
		       .json = "cong",
		       .header = "CC",
		       .help = "congestion control algorithm",
		       .width = 6,
		       .align = L,
		       .fmt = CF_TEXT,
		       .prio = 8,
		       .needs = NEED_CONG,
		       .flags = COLF_DEFAULT | COLF_ASC,
		       .get = get_cong },
	[COL_CASTATE] = { .id = COL_CASTATE,
			  .name = "ca_state",
			  .json = "ca_state",
			  .header = "CA",
			  .help = "congestion-avoidance state: open, disorder, cwr, recovery, loss",
			  .width = 8,
			  .align = L,
			  .fmt = CF_TEXT,
			  .prio = 8,
			  .needs = NEED_INFO,
			  .flags = COLF_ASC,
			  .get = get_castate },
	[COL_TIMER] = { .id = COL_TIMER,
			.name = "timer",
			.json = "timer",
			.header = "Timer",
			.help = "running timer, ms left, retransmits or probes sent (persist: "
				"zero-window "
				"probing)",
			.width = 14,
			.align = L,
			.fmt = CF_TEXT,
			.prio = 8,
			.flags = COLF_ASC | COLF_SORTNUM,
			.get = get_timer,
			.json_emit = json_timer,
			.attr = attr_timer },
	[COL_SHUTDOWN] = { .id = COL_SHUTDOWN,
			   .name = "shutdown",
			   .json = "shutdown",
			   .header = "Shut",
			   .help = "shut down directions: rd (receive), wr (send)",
			   .width = 4,
			   .align = L,
			   .fmt = CF_TEXT,
			   .prio = 9,
			   .flags = COLF_ASC,
			   .get = get_shutdown,
			   .json_emit = json_shutdown },
	[COL_BYTES_ACKED] = { .id = COL_BYTES_ACKED,
			      .name = "bytes_acked",
			      .json = "bytes_acked",
			      .header = "Acked",
			      .help = "bytes sent and acknowledged (4.1+)",
			      .width = 6,
			      .align = R,
			      .fmt = CF_BYTES,
			      .prio = 8,
			      .needs = NEED_INFO,
			      .get = get_bytes_acked },
	[COL_BYTES_RECEIVED] = { .id = COL_BYTES_RECEIVED,
				 .name = "bytes_received",
				 .json = "bytes_received",
				 .header = "Rcvd",
				 .help = "bytes received (4.1+)",
				 .width = 6,
				 .align = R,
				 .fmt = CF_BYTES,
				 .prio = 8,
				 .needs = NEED_INFO,
				 .get = get_bytes_received },
	[COL_BYTES_SENT] = { .id = COL_BYTES_SENT,
			     .name = "bytes_sent",
			     .json = "bytes_sent",
			     .header = "Sent",
			     .help = "bytes sent, retransmissions included (4.19+)",
			     .width = 6,
			     .align = R,
			     .fmt = CF_BYTES,
			     .prio = 8,
			     .needs = NEED_INFO,
			     .get = get_bytes_sent },
	[COL_BYTES_RETRANS] = { .id = COL_BYTES_RETRANS,
				.name = "bytes_retrans",
				.json = "bytes_retrans",
				.header = "RtxB",
				.help = "bytes retransmitted (4.19+)",
				.width = 6,
				.align = R,
				.fmt = CF_BYTES,
				.prio = 8,
				.needs = NEED_INFO,
				.get = get_bytes_retrans },
	[COL_BUSY] = { .id = COL_BUSY,
		       .name = "busy",
		       .json = "busy_us",
		       .header = "Busy",
		       .help = "time with data in flight over the connection's life (4.10+)",
		       .width = 6,
		       .align = R,
		       .fmt = CF_USEC_S,
		       .prio = 8,
		       .needs = NEED_INFO,
		       .get = get_busy },
	[COL_RWND_LIMITED] = { .id = COL_RWND_LIMITED,
			       .name = "rwnd_limited",
			       .json = "rwnd_limited_us",
			       .header = "RwndLim",
			       .help = "time limited by the peer's receive window, lifetime "
				       "(4.10+)",
			       .width = 7,
			       .align = R,
			       .fmt = CF_USEC_S,
			       .prio = 8,
			       .needs = NEED_INFO,
			       .get = get_rwnd_limited },
	[COL_SNDBUF_LIMITED] = { .id = COL_SNDBUF_LIMITED,
				 .name = "sndbuf_limited",
				 .json = "sndbuf_limited_us",
				 .header = "SbufLim",
				 .help = "time limited by the send buffer, lifetime (4.10+)",
				 .width = 7,
				 .align = R,
				 .fmt = CF_USEC_S,
				 .prio = 8,
				 .needs = NEED_INFO,
				 .get = get_sndbuf_limited },
	[COL_PACING] = { .id = COL_PACING,
			 .name = "pacing",
			 .json = "pacing_rate_bps",
			 .header = "Pacing",
			 .help = "pacing rate, bits/s (unlim: no pacing limit, JSON null)",
			 .width = 6,
			 .align = R,
			 .fmt = CF_BITRATE,
			 .prio = 8,
			 .needs = NEED_INFO,
			 .get = get_pacing },
	[COL_DELIVERY] = { .id = COL_DELIVERY,
			   .name = "delivery",
			   .json = "delivery_rate_bps",
			   .header = "Deliv",
			   .help = "delivery rate measured by the kernel, bits/s (4.9+)",
			   .width = 6,
			   .align = R,
			   .fmt = CF_BITRATE,
			   .prio = 8,
			   .needs = NEED_INFO,
			   .get = get_delivery },
	[COL_NOTSENT] = { .id = COL_NOTSENT,
			  .name = "notsent",
			  .json = "notsent_bytes",
			  .header = "NotSent",
			  .help = "bytes queued and not yet sent (4.6+)",
			  .width = 7,
			  .align = R,
			  .fmt = CF_BYTES,
			  .prio = 8,
			  .needs = NEED_INFO,
			  .get = get_notsent },
	[COL_RCV_RTT] = { .id = COL_RCV_RTT,
			  .name = "rcv_rtt",
			  .json = "rcv_rtt_us",
			  .header = "RcvRTT",
			  .help = "receiver-side RTT estimate, ms",
			  .width = 6,
			  .align = R,
			  .fmt = CF_USEC_MS,
			  .prio = 8,
			  .needs = NEED_INFO,
			  .get = get_rcv_rtt },
	[COL_UID] = { .id = COL_UID,
		      .name = "uid",
		      .json = "uid",
		      .header = "UID",
		      .help = "owner user id",
		      .width = 6,
		      .align = R,
		      .fmt = CF_COUNT,
		      .prio = 9,
		      .get = get_uid },
	[COL_INODE] = { .id = COL_INODE,
			.name = "inode",
			.json = "inode",
			.header = "Inode",
			.help = "socket inode",
			.width = 8,
			.align = R,
			.fmt = CF_COUNT,
			.prio = 9,
			.get = get_inode },
	[COL_ACCEPTQ] = { .id = COL_ACCEPTQ,
			  .name = "accept_queue",
			  .json = "accept_queue",
			  .header = "AcceptQ",
			  .help = "connections waiting in the accept queue",
			  .width = 7,
			  .align = R,
			  .fmt = CF_COUNT,
			  .prio = 2,
			  .flags = COLF_LISTEN,
			  .get = get_acceptq,
			  .attr = attr_accept },
	[COL_ACCEPTMAX] = { .id = COL_ACCEPTMAX,
			    .name = "accept_max",
			    .json = "accept_max",
			    .header = "Limit",
			    .help = "accept queue limit: min(listen backlog, somaxconn)",
			    .width = 6,
			    .align = R,
			    .fmt = CF_COUNT,
			    .prio = 3,
			    .flags = COLF_LISTEN,
			    .get = get_acceptmax },
	[COL_ACCEPT_FILL] = { .id = COL_ACCEPT_FILL,
			      .name = "accept",
			      .header = "Accept Q",
			      .help = "accept queue as current/limit; it holds limit+1 before "
				      "dropping",
			      .width = 11,
			      .align = R,
			      .fmt = CF_TEXT,
			      .prio = 1,
			      .flags = COLF_LISTEN | COLF_SORTNUM,
			      .get = get_accept_fill,
			      .attr = attr_accept },
	[COL_SYNQ] = { .id = COL_SYNQ,
		       .name = "syn_queue",
		       .json = "syn_queue",
		       .header = "SYN-Q",
		       .help = "SYN-RECV request sockets owned by this listener (the SYN queue)",
		       .width = 6,
		       .align = R,
		       .fmt = CF_COUNT,
		       .prio = 1,
		       .flags = COLF_LISTEN,
		       .get = get_synq },
	[COL_SYN_MAX] = { .id = COL_SYN_MAX,
			  .name = "syn_max",
			  .json = "syn_max",
			  .header = "SynMax",
			  .help = "the SYN queue's limit (listen backlog and tcp_max_syn_backlog; "
				  "see "
				  "DIAGNOSIS)",
			  .width = 6,
			  .align = R,
			  .fmt = CF_COUNT,
			  .prio = 3,
			  .flags = COLF_LISTEN,
			  .get = get_synmax },
	[COL_SYN_FILL] = { .id = COL_SYN_FILL,
			   .name = "syn",
			   .header = "SYN Q",
			   .help = "SYN queue as current/limit (request sockets in SYN-RECV); the "
				   "depth "
				   "alone when the limit is not known",
			   .width = 9,
			   .align = R,
			   .fmt = CF_TEXT,
			   .prio = 1,
			   .flags = COLF_LISTEN | COLF_SORTNUM,
			   .get = get_syn_fill,
			   .attr = attr_syn_fill },
	[COL_DROPS] = { .id = COL_DROPS,
			.name = "drops",
			.json = "drops",
			.header = "Drops",
			.help = "SYNs this listener dropped, lifetime (skmem d)",
			.width = 6,
			.align = R,
			.fmt = CF_COUNT,
			.prio = 2,
			.needs = NEED_SKMEM,
			.flags = COLF_LISTEN,
			.get = get_drops },
	[COL_DROPS_DELTA] = { .id = COL_DROPS_DELTA,
			      .name = "drops_delta",
			      .json = "drops_delta",
			      .header = "Drops+",
			      .help = "SYNs this listener dropped in the last interval",
			      .width = 6,
			      .align = R,
			      .fmt = CF_COUNT,
			      .prio = 1,
			      .needs = NEED_SKMEM,
			      .flags = COLF_LISTEN,
			      .get = get_drops_delta,
			      .attr = attr_drops_delta },
	[COL_REUSEPORT] = { .id = COL_REUSEPORT,
			    .name = "reuseport",
			    .json = "reuseport_group",
			    .header = "Group",
			    .help = "listeners sharing this address and port (SO_REUSEPORT)",
			    .width = 5,
			    .align = R,
			    .fmt = CF_COUNT,
			    .prio = 4,
			    .flags = COLF_LISTEN,
			    .get = get_reuseport },
	[COL_PROC] = { .id = COL_PROC,
		       .name = "proc",
		       .json = "process",
		       .header = "Process",
		       .help = "process holding the socket: pid/command, +N: N more share it, ?: "
			       "not "
			       "allowed to look (not root)",
		       .width = 16,
		       .maxwidth = 30,
		       .minwidth = 10,
		       .align = L,
		       .fmt = CF_TEXT,
		       .prio = 2,
		       .flags = COLF_DEFAULT | COLF_ASC | COLF_FLEX | COLF_SORTNUM | COLF_PROCS |
				COLF_CUTEND,
		       .get = get_proc,
		       .json_emit = json_proc,
		       .attr = attr_proc },
	[COL_PID] = { .id = COL_PID,
		      .name = "pid",
		      .json = "pid",
		      .header = "PID",
		      .help = "pid of the process holding the socket (the lowest when shared)",
		      .width = 7,
		      .align = R,
		      .fmt = CF_COUNT,
		      .prio = 9,
		      .flags = COLF_ASC | COLF_PROCS,
		      .get = get_pid },
	[COL_USER] = { .id = COL_USER,
		       .name = "user",
		       .json = "user",
		       .header = "User",
		       .help = "name of the socket's owner (uid)",
		       .width = 8,
		       .align = L,
		       .fmt = CF_TEXT,
		       .prio = 9,
		       .flags = COLF_ASC,
		       .get = get_user,
		       .json_emit = json_user },
	[COL_NETNS] = { .id = COL_NETNS,
			.name = "netns",
			.json = "netns",
			.header = "Netns",
			.help = "network namespace of the socket (-N all): its /run/netns name, "
				"the container or pod holding it, or net:[INODE]",
			.width = 14,
			.maxwidth = 24,
			.minwidth = 8,
			.align = L,
			.fmt = CF_TEXT,
			.prio = 2,
			.flags = COLF_ASC | COLF_FLEX | COLF_CUTEND,
			.get = get_netns,
			.json_emit = json_netns },
	[COL_LIMIT] = { .id = COL_LIMIT,
			.name = "limit",
			.json = "limited_by",
			.header = "Limit",
			.help = "what limited sending in the interval and for what share: rwnd, "
				"sndbuf, "
				"cwnd, app, idle (~: cause from the socket's state, ?: no interval "
				"times)",
			.width = 11,
			.align = L,
			.fmt = CF_TEXT,
			.prio = 1,
			.needs = NEED_INFO | NEED_SKMEM,
			.flags = COLF_DEFAULT | COLF_SORTNUM | COLF_FIT,
			.get = get_limit,
			.json_emit = json_limit,
			.attr = attr_limit },
	[COL_FLAGS] = { .id = COL_FLAGS,
			.name = "flags",
			.json = "findings",
			.header = "Flags",
			.help = "the connection's findings (sndbuf<BDP, rwnd<BDP, zwin, "
				"rcvq-full...; see "
				"DIAGNOSIS)",
			.width = 12,
			.maxwidth = 40,
			.minwidth = 12,
			.align = L,
			.fmt = CF_TEXT,
			.prio = 1,
			.needs = NEED_INFO | NEED_SKMEM,
			.flags = COLF_DEFAULT | COLF_SORTNUM | COLF_FLEX | COLF_CUTEND,
			.get = get_flags,
			.json_emit = json_flags,
			.attr = attr_flags },
	[COL_BDP] = { .id = COL_BDP,
		      .name = "bdp",
		      .json = "bdp_bytes",
		      .header = "BDP",
		      .help = "estimated bandwidth-delay product, bytes: delivery (or pacing) rate "
			      "x min "
			      "RTT",
		      .width = 6,
		      .align = R,
		      .fmt = CF_BYTES,
		      .prio = 7,
		      .needs = NEED_INFO,
		      .get = get_bdp },
	[COL_PROBLEMS] = { .id = COL_PROBLEMS,
			   .name = "problems",
			   .header = "Sev",
			   .help = "the worst connection finding's severity (crit, warn); as the "
				   "sort (the default): problems first, listeners by their own "
				   "findings too, then TX+RX rate",
			   .width = 4,
			   .align = L,
			   .fmt = CF_TEXT,
			   .prio = 9,
			   .needs = NEED_INFO | NEED_SKMEM,
			   .flags = COLF_SORTNUM | COLF_FIT,
			   .get = get_problems,
			   .attr = attr_problems,
			   .sortkey = key_problems },
};

#undef L
#undef R

/* LIMIT right after the rates it explains; FLAGS last, where it may take spare width. */
const enum col_id column_default_view[] = {
	COL_LOCAL,   COL_REMOTE,  COL_STATE,  COL_RECVQ, COL_SENDQ,    COL_RX,   COL_TX,
	COL_LIMIT,   COL_RTT,     COL_RTTVAR, COL_CWND,  COL_SSTHRESH, COL_RWND, COL_RCVSPACE,
	COL_UNACKED, COL_RETRANS, COL_SKMEM,  COL_CONG,  COL_FLAGS,    COL_PROC,
};
const size_t column_default_view_len = sizeof(column_default_view) / sizeof(column_default_view[0]);

const enum col_id column_listen_view[] = {
	COL_LOCAL, COL_ACCEPT_FILL, COL_SYN_FILL, COL_DROPS_DELTA,
	COL_DROPS, COL_REUSEPORT,   COL_PROC,
};
const size_t column_listen_view_len = sizeof(column_listen_view) / sizeof(column_listen_view[0]);

const struct column *column_get(enum col_id id)
{
	return (unsigned)id < COL_N ? &columns[id] : NULL;
}

const struct column *column_by_name(const char *name)
{
	for (int i = 0; i < COL_N; i++) {
		if (!strcasecmp(columns[i].name, name) ||
		    (columns[i].json && !strcasecmp(columns[i].json, name)))
			return &columns[i];
	}
	return NULL;
}

uint8_t column_needs(const enum col_id *cols, size_t n)
{
	uint8_t needs = 0;

	for (size_t i = 0; i < n; i++)
		needs |= columns[cols[i]].needs;
	return needs;
}

size_t column_format_n(const struct column *col, const struct row *r, int width, char *buf,
		       size_t len)
{
	struct cval v;
	size_t n;

	/* only what every getter relies on: a cell per socket, no 80-byte clear each */
	v.kind = CV_NONE;
	v.u = 0;
	col->get(r, &v);
	if (!len)
		return 0;
	switch (v.kind) {
	case CV_NONE:
		if (len < 2) {
			buf[0] = '\0';
			return 0;
		}
		memcpy(buf, "-", 2); /* no printf per cell: this runs for every cell */
		return 1;
	case CV_STR:
		n = strnlen(v.s, len - 1);
		memcpy(buf, v.s, n);
		buf[n] = '\0';
		return n;
	case CV_EP:
		endpoint_str(v.family, v.addr, v.port, buf, len);
		break;
	case CV_F64:
		if (col->fmt == CF_BITRATE)
			fmt_bits(v.f, buf, len);
		else
			snprintf(buf, len, "%.3g", v.f);
		break;
	case CV_U64:
		switch (col->fmt) {
		case CF_BYTES: {
			int k = fmt_u64(v.u, buf, len);

			if (k > width)
				return fmt_ibytes_n(v.u, buf, len);
			return (size_t)k < len ? (size_t)k : len - 1;
		}
		case CF_USEC_MS:
			fmt_usec_ms(v.u, buf, len);
			break;
		case CF_USEC_S:
			fmt_secs((double)v.u / 1e6, buf, len);
			break;
		case CF_BITRATE:
			fmt_bits((double)v.u, buf, len);
			break;
		default: {
			int k = fmt_u64(v.u, buf, len);

			if (width > 0 && k > width)
				fmt_count(v.u, width, buf, len);
			else
				return (size_t)k < len ? (size_t)k : len - 1;
			break;
		}
		}
		break;
	default:
		snprintf(buf, len, "?");
		break;
	}
	return strlen(buf);
}

/* Decimal digits of an octet or a port. */
static size_t ndig(unsigned v)
{
	return v >= 10000 ? 5 : v >= 1000 ? 4 : v >= 100 ? 3 : v >= 10 ? 2 : 1;
}

size_t column_text_len(const struct column *col, const struct row *r, int width, size_t len)
{
	char buf[160];
	struct cval v;

	/* an IPv4 endpoint's length from its digits: every row's two, to size the columns */
	if (col->fmt == CF_ENDPOINT && len >= 22) {
		v.kind = CV_NONE;
		v.u = 0;
		col->get(r, &v);
		if (v.kind == CV_EP && addr_family(v.family, v.addr) == AF_INET &&
		    (v.family == AF_INET || v.family == AF_INET6)) {
			const uint8_t *a = v.family == AF_INET6 ? v.addr + 12 : v.addr;
			size_t n = 4; /* three dots and the colon */

			for (int i = 0; i < 4; i++)
				n += ndig(a[i]);
			return n +
			       (v.port == 0 && addr_is_any(v.family, v.addr) ? 1 : ndig(v.port));
		}
	}
	return column_format_n(col, r, width, buf, len < sizeof(buf) ? len : sizeof(buf));
}

char *column_format(const struct column *col, const struct row *r, int width, char *buf, size_t len)
{
	column_format_n(col, r, width, buf, len);
	return buf;
}

void column_json(const struct column *col, const struct row *r, struct json *j)
{
	struct cval v;
	char buf[ENDPOINT_STRLEN];

	if (!col->json)
		return;
	if (col->json_emit) {
		col->json_emit(r, j, col->json);
		return;
	}
	/* what every getter relies on, as in column_format_n: tens of values per socket */
	v.kind = CV_NONE;
	v.u = 0;
	col->get(r, &v);
	switch (v.kind) {
	case CV_U64:
		json_u64(j, col->json, v.u);
		break;
	case CV_F64:
		json_f64(j, col->json, round(v.f));
		break;
	case CV_STR:
		/* "inf" ssthresh and similar markers are not numbers: null in JSON */
		if (col->fmt == CF_TEXT)
			json_str(j, col->json, v.s);
		else
			json_null(j, col->json);
		break;
	case CV_EP:
		json_str(j, col->json, endpoint_str(v.family, v.addr, v.port, buf, sizeof(buf)));
		break;
	default:
		json_null(j, col->json);
		break;
	}
}

enum attr column_attr(const struct column *col, const struct row *r)
{
	struct cval v = { 0 };

	col->get(r, &v);
	if (v.kind == CV_NONE)
		return AT_DIM;
	return col->attr ? col->attr(r) : AT_NORMAL;
}

bool column_is_numeric(const struct column *col)
{
	return (col->fmt != CF_TEXT && col->fmt != CF_ENDPOINT) || (col->flags & COLF_SORTNUM);
}

bool column_sort_desc(const struct column *col)
{
	return !(col->flags & COLF_ASC);
}

void column_sortkey(const struct column *col, const struct frame *f, const struct row *r,
		    uint32_t idx, struct sortkey *k)
{
	struct cval v = { 0 };

	memset(k, 0, sizeof(*k));
	k->cookie = r->c->cookie;
	k->idx = idx;
	if (col->sortkey) {
		col->sortkey(f, r, k);
		return;
	}
	col->get(r, &v);
	switch (v.kind) {
	case CV_NONE:
		k->none = 1;
		break;
	case CV_U64:
		k->num = (double)v.u;
		break;
	case CV_F64:
		k->num = v.f;
		break;
	case CV_STR:
		/* text columns with a numeric meaning (skmem, timer) sort by it */
		k->num = (double)v.u;
		snprintf((char *)k->bytes, sizeof(k->bytes), "%s", v.s);
		break;
	case CV_EP: {
		/* family, then address bytes, then port (big-endian): numeric order */
		int fam = addr_family(v.family, v.addr);
		const uint8_t *a = fam == AF_INET && v.family == AF_INET6 ? v.addr + 12 : v.addr;

		k->bytes[0] = (uint8_t)(fam == AF_INET ? 4 : 6);
		memcpy(k->bytes + 1, a, fam == AF_INET ? 4 : 16);
		k->bytes[17] = (uint8_t)(v.port >> 8);
		k->bytes[18] = (uint8_t)v.port;
		break;
	}
	default:
		k->none = 1;
		break;
	}
}

int column_sortkey_cmp(const struct sortkey *a, const struct sortkey *b, bool numeric, bool desc)
{
	int c = 0;

	if (a->rank != b->rank)
		return (a->rank < b->rank) == desc ? 1 : -1;
	if (a->none != b->none)
		return a->none ? 1 : -1;
	if (!a->none) {
		if (numeric)
			c = a->num < b->num ? -1 : a->num > b->num ? 1 : 0;
		else
			c = memcmp(a->bytes, b->bytes, sizeof(a->bytes));
		if (desc)
			c = -c;
	}
	if (c)
		return c;
	return a->cookie < b->cookie ? -1 : a->cookie > b->cookie ? 1 : 0;
}
