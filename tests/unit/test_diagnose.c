/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_diagnose: limits, findings and their text, from recorded scenarios and from constructed sockets. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "diagnose.h"
#include "model.h"
#include "out.h"
#include "testutil.h"

#define SEC 1000000000ull
#define NFR 3 /* the diag_*.rec recordings hold three refreshes, 1 s apart */

static void assert_keys_documented(const struct frame *f);

/* ---- recordings (tests/fixtures/record_diag.sh) ---- */

static void load(const char *name, struct frame fr[NFR])
{
	tu_frames(name, fr, NFR);
}

static void unload(struct frame fr[NFR])
{
	for (int i = 0; i < NFR; i++)
		frame_free(&fr[i]);
}

/* The established socket whose remote (sender side) or local (receiver side) port is `port`. */
static const struct row *conn_to(const struct frame *f, uint16_t port)
{
	for (size_t i = 0; i < frame_nrows(f); i++)
		if (f->rows[i].c->state == TS_ESTABLISHED && f->rows[i].c->dport == port)
			return &f->rows[i];
	return NULL;
}

static const struct row *conn_at(const struct frame *f, uint16_t port)
{
	for (size_t i = 0; i < frame_nrows(f); i++)
		if (f->rows[i].c->state == TS_ESTABLISHED && f->rows[i].c->sport == port)
			return &f->rows[i];
	return NULL;
}

/* skmem value i of a socket; UINT32_MAX when the kernel did not send it. */
static uint32_t skmem_of(const struct conn *c, int i)
{
	uint32_t v;

	return conn_skmem(c, i, &v) ? v : UINT32_MAX;
}

static bool has(const struct row *r, unsigned code)
{
	return r->findings & (1u << code);
}

static const struct finding *finding(const struct frame *f, unsigned code)
{
	for (uint32_t i = 0; i < f->nfindings; i++)
		if (f->findings[i].code == code)
			return &f->findings[i];
	return NULL;
}

static int64_t evidence(const struct finding *x, const char *key)
{
	for (int i = 0; i < x->nev; i++)
		if (!strcmp(x->ev[i].key, key))
			return x->ev[i].v;
	fail_msg("finding %s has no evidence %s", diagnose_code(x->code)->name, key);
	return 0;
}

static void recorded_healthy_bulk_raises_no_finding(void **state)
{
	struct frame fr[NFR];

	(void)state;
	load("diag_healthy.rec", fr);
	for (int i = 1; i < NFR; i++) {
		const struct row *tx = conn_to(&fr[i], 5101);

		assert_non_null(tx);
		assert_int_equal(fr[i].nfindings, 0);
		for (size_t k = 0; k < frame_nrows(&fr[i]); k++)
			assert_int_equal(fr[i].rows[k].findings, 0);
		assert_true(tx->limited_by != DL_SNDBUF);
		assert_int_equal(tx->limit_basis, DB_INTERVAL);
	}
	unload(fr);
}

/* The case: SO_SNDBUF 16 KiB on a 20 ms, 40 Mbit/s path. */
static void recorded_small_sndbuf_on_a_delayed_path_is_sndbuf_limited_and_fixed(void **state)
{
	struct frame fr[NFR];
	char buf[512];

	(void)state;
	load("diag_sndbuf.rec", fr);
	for (int i = 1; i < NFR; i++) {
		const struct row *r = conn_to(&fr[i], 5102);

		assert_non_null(r);
		assert_int_equal(skmem_of(r->c, SKM_SNDBUF), 32768);
		assert_int_equal(r->limited_by, DL_SNDBUF);
		assert_true(r->limited_pct >= 25);
		assert_true(has(r, DX_SNDBUF_BDP));
		assert_true(has(r, DX_SNDBUF_FIXED));
		assert_true(r->dflags & ROWD_BDP_MIN);
		assert_true(dx_row_bdp(r) > 16384);
	}
	diagnose_explain(conn_to(&fr[2], 5102), DX_SNDBUF_BDP, buf, sizeof(buf));
	assert_non_null(strstr(buf, "send buffer 32 KiB"));
	assert_non_null(strstr(buf, "SO_SNDBUF (16 KiB, doubled)"));
	assert_non_null(strstr(buf, "net.core.wmem_max"));
	assert_non_null(finding(&fr[2], DX_SNDBUF_BDP));
	assert_int_equal(evidence(finding(&fr[2], DX_SNDBUF_BDP), "sndbuf"), 32768);
	unload(fr);
}

/* SO_RCVBUF 16 KiB, fast reader, same path: the sender's side and the receiver's side. */
static void recorded_small_rcvbuf_limits_the_sender_by_window_and_flags_the_receiver(void **state)
{
	struct frame a[NFR], b[NFR];

	(void)state;
	load("diag_rwnd.rec", a);
	load("diag_rcvbuf.rec", b);
	for (int i = 1; i < NFR; i++) {
		const struct row *tx = conn_to(&a[i], 5103), *rx = conn_at(&b[i], 5103);
		uint32_t wnd;

		assert_non_null(tx);
		assert_non_null(rx);
		assert_int_equal(tx->limited_by, DL_RWND);
		assert_true(tx->limited_pct >= 25);
		assert_true(CONN_INFO(tx->c, snd_wnd, &wnd) && wnd > 0);
		assert_true(has(tx, DX_RWND_BDP));
		assert_false(has(tx, DX_ZWIN));
		assert_true(has(rx, DX_RCVBUF_BDP));
		assert_true(has(rx, DX_RCVBUF_FIXED));
		assert_int_equal(skmem_of(rx->c, SKM_RCVBUF), 32768);
		assert_int_equal(rx->limited_by, DL_IDLE); /* it only receives */
	}
	unload(a);
	unload(b);
}

static void recorded_slow_reader_shows_zero_window_on_both_ends(void **state)
{
	struct frame fr[NFR];

	(void)state;
	load("diag_zwin.rec", fr);
	for (int i = 1; i < NFR; i++) {
		const struct row *tx = conn_to(&fr[i], 5104), *rx = conn_at(&fr[i], 5104);

		assert_int_equal(tx->limited_by, DL_RWND);
		assert_true(tx->limited_pct >= 90);
		assert_true(has(tx, DX_ZWIN));
		assert_false(has(tx, DX_RWND_BDP));
		assert_true(has(rx, DX_RCVQ_FULL));
		assert_non_null(finding(&fr[i], DX_ZWIN));
		assert_non_null(finding(&fr[i], DX_RCVQ_FULL));
	}
	unload(fr);
}

static void recorded_accept_overflow_is_critical_with_its_numbers(void **state)
{
	struct frame fr[NFR];
	const struct finding *x = NULL;
	char msg[1024];
	int at = 0;

	(void)state;
	load("diag_accept.rec", fr);
	/* SYN retries come 1 s and 3 s after the first: some interval holds drops */
	for (int i = 1; i < NFR && !x; i++)
		x = finding(&fr[at = i], DX_ACCEPT_OVERFLOW);
	assert_non_null(x);
	assert_int_equal(x->severity, DS_CRIT);
	assert_string_equal(x->subject, "127.0.0.1:5105");
	assert_true(evidence(x, "drops_delta") > 0);
	assert_int_equal(evidence(x, "accept_queue"), 3);
	assert_int_equal(evidence(x, "accept_max"), 2);
	assert_true(evidence(x, "listen_overflows_delta") > 0);
	for (int i = 1; i < NFR; i++) {
		assert_non_null(finding(&fr[i], DX_BACKLOG_SMALL));
		assert_int_equal(fr[i].findings[0].severity,
				 finding(&fr[i], DX_ACCEPT_OVERFLOW) ? DS_CRIT : DS_WARN);
	}
	diagnose_message(&fr[at], x, msg, sizeof(msg));
	assert_non_null(strstr(msg, "queue 3/2"));
	unload(fr);
}

static void recorded_syn_queue_overflow_without_syncookies_drops(void **state)
{
	struct frame fr[NFR];
	const struct finding *x = NULL;

	(void)state;
	load("diag_synq.rec", fr);
	for (int i = 1; i < NFR && !x; i++)
		x = finding(&fr[i], DX_SYNQ_OVERFLOW);
	assert_non_null(x);
	assert_int_equal(x->severity, DS_CRIT);
	assert_string_equal(x->subject, "127.0.0.1:5106");
	assert_true(evidence(x, "reqqfull_drop_delta") > 0);
	assert_true(evidence(x, "syn_queue") >= evidence(x, "accept_max"));
	assert_int_equal(evidence(x, "tcp_syncookies"), 0);
	for (int i = 1; i < NFR; i++)
		assert_null(finding(&fr[i], DX_SYNCOOKIES));
	unload(fr);
}

static void recorded_close_wait_leak_is_found_on_the_server_port(void **state)
{
	struct frame fr[NFR];
	const struct finding *x;

	(void)state;
	load("diag_closewait.rec", fr);
	x = finding(&fr[2], DX_CLOSE_WAIT);
	assert_non_null(x);
	assert_string_equal(x->subject, "port 5107");
	assert_int_equal(evidence(x, "close_wait"), fr[2].states[TS_CLOSE_WAIT]);
	assert_true(evidence(x, "held") >= 4);
	assert_true(evidence(x, "new") > 0);
	unload(fr);
}

static void recorded_time_wait_burst_overflows_and_uses_up_ports(void **state)
{
	struct frame fr[NFR];
	const struct finding *x;
	int64_t overflow = 0;

	(void)state;
	load("diag_timewait.rec", fr);
	for (int i = 1; i < NFR; i++) {
		x = finding(&fr[i], DX_TIME_WAIT);
		assert_non_null(x);
		assert_int_equal(evidence(x, "max_tw_buckets"), 120);
		if (evidence(x, "tw_overflow_delta") > 0) {
			assert_int_equal(x->severity, DS_CRIT);
			overflow += evidence(x, "tw_overflow_delta");
		}
		x = finding(&fr[i], DX_PORTS);
		assert_non_null(x);
		assert_string_equal(x->subject, "127.0.0.1 -> 127.0.0.1:5108");
		assert_int_equal(evidence(x, "range_size"), 200);
		assert_true(evidence(x, "used") >= 100);
	}
	assert_true(overflow > 0);
	unload(fr);
}

/* The same recording twice gives the same findings in the same order. */
static void replay_is_deterministic(void **state)
{
	struct frame a[NFR], b[NFR];

	(void)state;
	load("diag_accept.rec", a);
	load("diag_accept.rec", b);
	for (int i = 0; i < NFR; i++) {
		assert_int_equal(a[i].nfindings, b[i].nfindings);
		for (uint32_t k = 0; k < a[i].nfindings; k++) {
			assert_int_equal(a[i].findings[k].code, b[i].findings[k].code);
			assert_string_equal(a[i].findings[k].subject, b[i].findings[k].subject);
		}
	}
	unload(a);
	unload(b);
}

static void json_carries_limit_findings_and_bdp(void **state)
{
	struct frame fr[NFR];
	struct view v = { 0 };
	struct strbuf sb = STRBUF_INIT;
	struct out_ctx ctx = { "h",
			       "k",
			       column_default_view,
			       column_default_view_len,
			       column_get(COL_RATE),
			       false,
			       NULL,
			       NULL,
			       NULL,
			       NULL };

	(void)state;
	load("diag_sndbuf.rec", fr);
	out_json_frame(&fr[2], &ctx, &v, &sb);
	assert_non_null(strstr(sb.s, "\"limited_by\":\"sndbuf\""));
	assert_non_null(strstr(sb.s, "\"limited_basis\":\"interval\""));
	assert_non_null(strstr(sb.s, "\"findings\":[\"sndbuf<BDP\",\"sndbuf-fixed\"]"));
	assert_non_null(strstr(sb.s, "\"bdp_bytes\":"));
	assert_non_null(
		strstr(sb.s, "\"findings\":[{\"code\":\"sndbuf<BDP\",\"severity\":\"warn\""));
	assert_non_null(strstr(sb.s, "\"evidence\":{\"connections\":1,\"sndbuf\":32768"));
	assert_non_null(strstr(sb.s, "\"findings_dropped\":0"));
	sb_free(&sb);
	view_free(&v);
	unload(fr);
}

/* The Nagle case, recorded: two small writes per request, 23 requests/s on loopback. */
static void recorded_two_write_client_waits_for_delayed_acks_and_has_no_bdp(void **state)
{
	struct frame fr[NFR];

	(void)state;
	load("diag_dack.rec", fr);
	for (int i = 1; i < NFR; i++) {
		const struct row *cl = conn_to(&fr[i], 5109), *sv = conn_at(&fr[i], 5109);
		const struct finding *x = finding(&fr[i], DX_DELAYED_ACK);

		assert_non_null(cl);
		assert_int_equal(cl->limited_by, DL_DELACK);
		assert_true(has(cl, DX_DELAYED_ACK));
		assert_int_equal(dx_row_bdp(cl), 0);
		assert_int_equal(sv->findings, 0);
		assert_non_null(x);
		assert_int_equal(x->cookie, cl->c->cookie);
		assert_true(evidence(x, "srtt_us") >= 10000);
		assert_true(evidence(x, "delayed_acks_delta") > 0);
		assert_int_equal(fr[i].nfindings, 1);
		/* sockstat came through the recording */
		assert_true(fr[i].sockstat.have & SOCKSTAT_MEM);
		assert_int_equal(fr[i].sockstat.inuse, 3);
		assert_keys_documented(&fr[i]);
	}
	unload(fr);
}

/* ---- constructed sockets: the rules at their edges ---- */

struct sock {
	uint64_t cookie;
	unsigned state;
	uint16_t sport, dport;
	const char *src, *dst;
	struct tcpi ti;
	uint16_t info_len; /* 0: the whole struct (6.18) */
	bool no_info;
	uint32_t skmem[SKM_N];
	bool no_skmem;
	uint32_t rqueue, wqueue;
	uint8_t timer, retrans;
	uint32_t inode;      /* 0: an orphan (closed by its application) */
	uint32_t expires_ms; /* idiag_expires */
};

static struct conn *put_sock(struct frame *f, const struct sock *s)
{
	struct conn *c = sample_push(&f->sample);

	memset(c, 0, sizeof(*c));
	c->cookie = s->cookie;
	c->state = (uint8_t)s->state;
	c->family = AF_INET;
	tu_addrs(c, &f->sample.arena, s->src ? s->src : "10.0.0.1", s->dst ? s->dst : "10.0.0.2");
	c->sport = s->sport ? s->sport : 1000;
	c->dport = s->dport ? s->dport : 2000;
	c->rqueue = s->rqueue;
	c->wqueue = s->wqueue;
	c->timer = s->timer;
	c->retrans = s->retrans;
	c->inode = s->inode;
	c->expires_ms = s->expires_ms;
	/* packed as the parser packs what the kernel sends: the diagnosis reads what it reads */
	if (!s->no_info) {
		c->info_len = s->info_len ? s->info_len : sizeof(struct tcpi);
		c->have |= CONN_HAS_INFO;
	}
	if (!s->no_skmem) {
		c->skmem_n = SKM_N;
		c->have |= CONN_HAS_SKMEM;
	}
	if (!s->no_info || !s->no_skmem)
		c->info = sockblk_pack(&f->sample.arena, s->no_info ? NULL : &s->ti,
				       s->no_skmem ? NULL : s->skmem, s->no_skmem ? 0 : SKM_N, NULL,
				       0);
	return c;
}

/* A sending socket in steady state: 1448-byte segments, cwnd 100, 20 ms min RTT. */
static struct sock sender(uint64_t cookie)
{
	struct sock s = { 0 };

	s.cookie = cookie;
	s.state = TS_ESTABLISHED;
	s.ti.snd_mss = 1448;
	s.ti.snd_cwnd = 100;
	s.ti.rtt = 21000;
	s.ti.min_rtt = 20000;
	s.ti.snd_wnd = 4 << 20;
	s.ti.rcv_wnd = 65536;
	s.ti.unacked = 50;
	s.ti.notsent_bytes = 1 << 20;
	s.ti.delivery_rate = 5000000; /* 5 MB/s: BDP 100 kB */
	s.ti.pacing_rate = 6000000;
	s.skmem[SKM_SNDBUF] = 4 << 20;
	s.skmem[SKM_RCVBUF] = 131072;
	s.skmem[SKM_WMEM_QUEUED] = 2 << 20;
	s.wqueue = (1 << 20) + 50 * 1448;
	return s;
}

struct run {
	struct model *m;
	struct diagnoser *d;
	struct frame f;
	uint64_t t;
	int64_t ports_lo, ports_hi; /* ip_local_port_range */
	struct sockstat ss;         /* put into every frame */
	int64_t tcp_mem[3];         /* net.ipv4.tcp_mem; [2] == 0: unknown */
	int64_t max_orphans;        /* 0: unknown */
	int64_t syn_retries;        /* 0: unknown */
};

static void run_init(struct run *r)
{
	memset(r, 0, sizeof(*r));
	r->m = model_new();
	r->d = diagnose_new();
	r->ports_lo = 32768;
	r->ports_hi = 60999;
}

static void run_free(struct run *r)
{
	frame_free(&r->f);
	model_free(r->m);
	diagnose_free(r->d);
}

static void tun(struct frame *f, enum tun_id id, int64_t a, int64_t b, int64_t c, int n)
{
	f->tun.v[id][0] = a;
	f->tun.v[id][1] = b;
	f->tun.v[id][2] = c;
	f->tun.n[id] = (uint8_t)n;
}

/* One refresh of the given sockets, 1 s after the previous one. */
static void step(struct run *r, const struct sock *s, size_t n, const char *counters)
{
	struct terr e;

	frame_reset(&r->f);
	r->t += SEC;
	r->f.mono_ns = r->t;
	for (size_t i = 0; i < n; i++)
		put_sock(&r->f, &s[i]);
	tun(&r->f, TUN_TCP_WMEM, 4096, 16384, 4194304, 3);
	tun(&r->f, TUN_TCP_RMEM, 4096, 131072, 33554432, 3);
	tun(&r->f, TUN_SOMAXCONN, 4096, 0, 0, 1);
	tun(&r->f, TUN_LOCAL_PORT_RANGE, r->ports_lo, r->ports_hi, 0, 2);
	tun(&r->f, TUN_MAX_TW_BUCKETS, 1000, 0, 0, 1);
	if (r->tcp_mem[2])
		tun(&r->f, TUN_TCP_MEM, r->tcp_mem[0], r->tcp_mem[1], r->tcp_mem[2], 3);
	if (r->max_orphans)
		tun(&r->f, TUN_MAX_ORPHANS, r->max_orphans, 0, 0, 1);
	if (r->syn_retries)
		tun(&r->f, TUN_SYN_RETRIES, r->syn_retries, 0, 0, 1);
	r->f.sockstat = r->ss;
	if (counters)
		counters_parse(&r->f.counters, counters, strlen(counters), &e);
	counters_index(&r->f.counters);
	model_update(r->m, &r->f);
	diagnose_frame(r->d, &r->f);
}

static const struct row *row(const struct run *r, uint64_t cookie)
{
	return frame_find(&r->f, cookie);
}

/* Two refreshes where the chronographs advanced by busy/rwnd/sndbuf µs in 1 s. */
static const struct row *chrono(struct run *r, struct sock *s, uint64_t busy, uint64_t rwnd,
				uint64_t sndbuf, uint64_t acked)
{
	s->ti.busy_time = 1000;
	s->ti.bytes_acked = 1000;
	step(r, s, 1, NULL);
	s->ti.busy_time += busy;
	s->ti.rwnd_limited += rwnd;
	s->ti.sndbuf_limited += sndbuf;
	s->ti.bytes_acked += acked;
	step(r, s, 1, NULL);
	return row(r, s->cookie);
}

static void limit_shares_come_from_the_interval_chronographs(void **state)
{
	struct run r;
	struct sock s = sender(1);
	const struct row *x;
	char buf[64];

	(void)state;
	run_init(&r);
	x = chrono(&r, &s, 1000000, 960000, 0, 1000000);
	assert_int_equal(x->limited_by, DL_RWND);
	assert_int_equal(x->limited_pct, 96);
	assert_int_equal(x->limit_basis, DB_INTERVAL);
	assert_string_equal(diagnose_limit_str(x, buf, sizeof(buf)), "rwnd 96%");
	run_free(&r);
}

/*
 * busy_time includes both limited times: 30% sndbuf of a fully busy interval
 * leaves 70% "other busy", yet the buffer is named (a capped sender inflates
 * the rest itself).
 */
static void a_quarter_of_buffer_limited_time_beats_a_larger_busy_remainder(void **state)
{
	struct run r;
	struct sock s = sender(1);
	const struct row *x;

	(void)state;
	run_init(&r);
	x = chrono(&r, &s, 1000000, 0, 300000, 1000000);
	assert_int_equal(x->limited_by, DL_SNDBUF);
	assert_int_equal(x->limited_pct, 30);
	run_free(&r);
}

static void below_a_quarter_the_busy_remainder_is_cwnd(void **state)
{
	struct run r;
	struct sock s = sender(1);
	const struct row *x;

	(void)state;
	run_init(&r);
	x = chrono(&r, &s, 1000000, 200000, 0, 1000000);
	assert_int_equal(x->limited_by, DL_CWND);
	assert_int_equal(x->limited_pct, 80);
	assert_int_equal(x->findings, 0);
	run_free(&r);
}

/*
 * A window-bound sender waits between ACKs with a segment or two of room:
 * tcp_tso_should_defer holds the send for more window (and counts it as
 * rwnd-limited), while the chrono may call most of the interval busy (seen
 * over a 20 ms path: under 25% rwnd). cwnd has room for 66 more segments: the
 * state names the window, marked mixed. With room for a third of the
 * window or more, nothing defers: the interval's cwnd stands.
 */
static void a_window_bound_sender_deferring_for_more_window_is_rwnd(void **state)
{
	static const struct {
		uint32_t unacked;
		unsigned want;
	} cases[] = { { 44, DL_RWND }, { 40, DL_RWND }, { 30, DL_CWND } };

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct run r;
		struct sock s = sender(1);
		const struct row *x;

		run_init(&r);
		s.ti.snd_wnd = 65535;
		s.ti.snd_cwnd = 110;
		s.ti.unacked = cases[i].unacked;
		s.wqueue = (1 << 20) + cases[i].unacked * 1448;
		x = chrono(&r, &s, 1000000, 200000, 0, 1000000);
		assert_int_equal(x->limited_by, cases[i].want);
		if (cases[i].want == DL_RWND) {
			assert_int_equal(x->limit_basis, DB_MIXED);
			assert_int_equal(x->limited_pct, 100);
		}
		run_free(&r);
	}
}

static void not_busy_is_idle_without_traffic_and_app_limited_with_some(void **state)
{
	struct run r;
	struct sock s = sender(1);
	const struct row *x;

	(void)state;
	run_init(&r);
	s.ti.notsent_bytes = 0;
	s.ti.unacked = 0;
	s.wqueue = 0;
	x = chrono(&r, &s, 0, 0, 0, 0);
	assert_int_equal(x->limited_by, DL_IDLE);
	assert_int_equal(x->limited_pct, 100);
	run_free(&r);
	run_init(&r);
	x = chrono(&r, &s, 100000, 0, 0, 5000);
	assert_int_equal(x->limited_by, DL_APP);
	assert_int_equal(x->limited_pct, 90);
	run_free(&r);
}

/*
 * The sndbuf chrono starts only when a send empties the write queue; a
 * buffer-bound sender can show as busy. Full buffer, all of it in flight,
 * cwnd not full: the state names the buffer, marked as mixed.
 */
static void a_full_buffer_all_in_flight_relabels_busy_time_as_sndbuf(void **state)
{
	struct run r;
	struct sock s = sender(1);
	const struct row *x;
	char buf[64];

	(void)state;
	run_init(&r);
	s.skmem[SKM_SNDBUF] = 32768;
	s.skmem[SKM_WMEM_QUEUED] = 66000;
	s.ti.notsent_bytes = 0;
	s.ti.unacked = 20;
	s.wqueue = 20 * 1448;
	x = chrono(&r, &s, 1000000, 0, 0, 1000000);
	assert_int_equal(x->limited_by, DL_SNDBUF);
	assert_int_equal(x->limit_basis, DB_MIXED);
	assert_string_equal(diagnose_limit_str(x, buf, sizeof(buf)), "sndbuf~100%");
	assert_true(has(x, DX_SNDBUF_FIXED)); /* tb stayed 32 KiB below tcp_wmem's max */
	run_free(&r);
}

/* Kernels before 4.10 send no busy/rwnd/sndbuf times: the state decides, and says so. */
static void an_old_kernel_falls_back_to_the_state_and_says_so(void **state)
{
	struct run r;
	struct sock s = sender(1);
	const struct row *x;
	char buf[64];
	struct strbuf sb = STRBUF_INIT;
	struct json j;

	(void)state;
	run_init(&r);
	s.info_len = 160; /* 4.6: no delivery_rate, busy_time or snd_wnd */
	s.timer = TIMER_PERSIST;
	step(&r, &s, 1, NULL);
	step(&r, &s, 1, NULL);
	x = row(&r, 1);
	assert_false(x->flags & ROW_D_LIMITS);
	assert_int_equal(x->limited_by, DL_RWND);
	assert_int_equal(x->limit_basis, DB_STATE);
	assert_string_equal(diagnose_limit_str(x, buf, sizeof(buf)), "rwnd?");
	assert_true(has(x, DX_ZWIN)); /* without snd_wnd the persist timer stands in */
	json_init(&j, &sb);
	json_obj_begin(&j, NULL);
	column_json(column_get(COL_LIMIT), x, &j);
	json_obj_end(&j);
	assert_string_equal(
		sb.s, "{\"limited_by\":\"rwnd\",\"limited_pct\":null,\"limited_basis\":\"state\"}");
	sb_free(&sb);
	run_free(&r);
}

/*
 * A reader that misses a beat on a busy host closes its window for a moment:
 * a zero window (or zero receive window) at one sample is not yet a stall.
 */
static void a_zero_window_at_one_sample_only_is_not_yet_a_stall(void **state)
{
	struct run r;
	struct sock s = sender(1);

	(void)state;
	run_init(&r);
	step(&r, &s, 1, NULL);
	s.ti.snd_wnd = 0;
	s.ti.rcv_wnd = 0;
	s.rqueue = 5000;
	step(&r, &s, 1, NULL);
	assert_false(has(row(&r, 1), DX_ZWIN));
	assert_false(has(row(&r, 1), DX_RCVQ_FULL));
	assert_false(has(row(&r, 1), DX_RWND_BDP)); /* a closed window is not "small" */
	step(&r, &s, 1, NULL);
	assert_true(has(row(&r, 1), DX_ZWIN));
	assert_true(has(row(&r, 1), DX_RCVQ_FULL));
	run_free(&r);
}

/* The persist timer also runs when local drops keep anything from leaving: not a zero window. */
static void a_persist_timer_with_the_window_open_is_a_local_stall(void **state)
{
	struct run r;
	struct sock s = sender(1);
	const struct row *x;
	char buf[512];

	(void)state;
	run_init(&r);
	s.timer = TIMER_PERSIST;
	s.ti.unacked = 0;
	s.ti.backoff = 3;
	x = chrono(&r, &s, 1000000, 0, 0, 0);
	assert_false(has(x, DX_ZWIN));
	assert_true(has(x, DX_RTO_BACKOFF));
	diagnose_explain(x, DX_RTO_BACKOFF, buf, sizeof(buf));
	assert_non_null(strstr(buf, "window is open"));
	run_free(&r);
}

static void retransmission_backoff_is_flagged_from_two_and_critical_from_five(void **state)
{
	struct run r;
	struct sock s = sender(1);

	(void)state;
	run_init(&r);
	s.timer = TIMER_RETRANS;
	s.ti.backoff = 1;
	step(&r, &s, 1, NULL);
	assert_false(has(row(&r, 1), DX_RTO_BACKOFF));
	s.ti.backoff = 2;
	step(&r, &s, 1, NULL);
	assert_true(has(row(&r, 1), DX_RTO_BACKOFF));
	assert_int_equal(finding(&r.f, DX_RTO_BACKOFF)->severity, DS_WARN);
	s.ti.backoff = 5;
	step(&r, &s, 1, NULL);
	assert_int_equal(finding(&r.f, DX_RTO_BACKOFF)->severity, DS_CRIT);
	run_free(&r);
}

/*
 * A window many times the BDP estimate limited because the receiver read
 * slowly (the recorded healthy loopback transfer: 1.5 MiB vs 16 KiB), not
 * because of its size: no rwnd<BDP. Near the estimate it is flagged.
 */
static void a_window_far_above_the_bdp_is_not_flagged(void **state)
{
	struct run r;
	struct sock s = sender(1);
	const struct row *x;

	(void)state;
	run_init(&r);
	s.ti.snd_wnd = 1536 * 1024;
	x = chrono(&r, &s, 1000000, 600000, 0, 1000000);
	assert_int_equal(x->limited_by, DL_RWND);
	assert_false(has(x, DX_RWND_BDP));
	run_free(&r);
	run_init(&r);
	s = sender(1);
	s.ti.snd_wnd = 120000; /* BDP 100 kB */
	x = chrono(&r, &s, 1000000, 600000, 0, 1000000);
	assert_true(has(x, DX_RWND_BDP));
	run_free(&r);
}

static void a_send_buffer_that_grows_or_sits_at_the_maximum_is_not_fixed(void **state)
{
	struct run r;
	struct sock s = sender(1);
	const struct row *x;

	(void)state;
	run_init(&r);
	s.skmem[SKM_SNDBUF] = 65536;
	s.ti.busy_time = 1000;
	step(&r, &s, 1, NULL);
	s.skmem[SKM_SNDBUF] = 131072; /* autotuning grew it */
	s.ti.busy_time += 1000000;
	s.ti.sndbuf_limited += 500000;
	s.ti.bytes_acked += 1000000;
	step(&r, &s, 1, NULL);
	x = row(&r, 1);
	assert_int_equal(x->limited_by, DL_SNDBUF);
	assert_true(has(x, DX_SNDBUF_BDP));
	assert_false(has(x, DX_SNDBUF_FIXED));
	run_free(&r);
	run_init(&r);
	s = sender(1); /* tb 4 MiB = tcp_wmem max */
	x = chrono(&r, &s, 1000000, 0, 500000, 1000000);
	assert_false(has(x, DX_SNDBUF_FIXED));
	assert_true(x->dflags & ROWD_SNDBUF_AT_MAX);
	run_free(&r);
}

static void a_growing_recv_queue_needs_the_reader_a_quarter_behind(void **state)
{
	struct run r;
	struct sock s = sender(1);
	int i;

	(void)state;
	run_init(&r);
	s.ti.bytes_received = 1;
	/* receiving 1 MB/s, the queue growing 100 kB/s: keeping up, more or less */
	for (i = 0; i < 4; i++) {
		s.rqueue = 100000 + (uint32_t)i * 100000;
		s.ti.bytes_received += 1000000;
		step(&r, &s, 1, NULL);
	}
	assert_false(has(row(&r, 1), DX_RECVQ_GROWING));
	/* the queue growing 400 kB/s: the reader is well behind */
	for (i = 0; i < 3; i++) {
		s.rqueue += 400000;
		s.ti.bytes_received += 1000000;
		step(&r, &s, 1, NULL);
	}
	assert_true(has(row(&r, 1), DX_RECVQ_GROWING));
	run_free(&r);
}

/*
 * Three refreshes of t_diagnose's rate-limited sender (tbf 20 Mbit/s on
 * loopback), as the kernel reported them when CI saw unsent-growing: notsent
 * up 393 kB, then 655 kB (over a quarter of the 2.49 MB sent) while the queue
 * refills tb from 69% to 92%. `tb` is the buffer the same rises happen in.
 */
static const struct row *refill(struct run *r, struct sock *s, uint32_t tb)
{
	static const uint32_t notsent[] = { 2488354, 2881252, 3536082 };
	static const uint32_t queued[] = { 2915364, 3313254, 3844606 };
	static const uint32_t unacked[] = { 6, 6, 4 };

	s->ti.snd_mss = 65483;
	s->ti.snd_cwnd = 12;
	s->skmem[SKM_SNDBUF] = tb;
	s->ti.busy_time = 1000;
	s->ti.bytes_acked = 1;
	for (int i = 0; i < 3; i++) {
		s->ti.notsent_bytes = notsent[i];
		s->ti.unacked = unacked[i];
		s->skmem[SKM_WMEM_QUEUED] = queued[i];
		s->wqueue = notsent[i] + unacked[i] * 65483;
		s->ti.busy_time += 1000000;
		s->ti.bytes_acked += 2488290;
		step(r, s, 1, NULL);
	}
	return row(r, s->cookie);
}

static void
unsent_data_piling_into_free_buffer_is_flagged_a_writer_refilling_a_full_one_is_not(void **state)
{
	struct run r;
	struct sock s = sender(1);
	const struct row *x;

	(void)state;
	run_init(&r);
	/* tb 4 MiB: the queue over two thirds of it, a blocked writer woken to refill */
	x = refill(&r, &s, 4194304);
	assert_int_equal(x->notsent_grew, 2);
	assert_int_equal(x->limited_by, DL_CWND);
	assert_false(has(x, DX_UNSENT_GROWING));
	run_free(&r);

	/* the same data in a buffer twice as large has room: the application outpaces the path */
	run_init(&r);
	s = sender(1);
	x = refill(&r, &s, 8388608);
	assert_true(has(x, DX_UNSENT_GROWING));
	assert_int_equal(evidence(finding(&r.f, DX_UNSENT_GROWING), "notsent"), 3536082);
	assert_int_equal(evidence(finding(&r.f, DX_UNSENT_GROWING), "notsent_prev"), 2881252);
	assert_int_equal(evidence(finding(&r.f, DX_UNSENT_GROWING), "wmem_queued"), 3844606);
	run_free(&r);
}

/* A handshake in progress has no window yet: SYN-SENT is never a zero window. */
static void sockets_still_connecting_get_no_connection_finding(void **state)
{
	struct run r;
	struct sock s = { 0 };

	(void)state;
	run_init(&r);
	s.cookie = 1;
	s.state = TS_SYN_SENT;
	s.wqueue = 1;
	s.ti.snd_cwnd = 1;
	step(&r, &s, 1, NULL);
	step(&r, &s, 1, NULL);
	assert_int_equal(row(&r, 1)->findings, 0);
	assert_int_equal(row(&r, 1)->limited_by, DL_NONE);
	run_free(&r);
}

static void close_wait_counts_only_sockets_held_since_the_previous_refresh(void **state)
{
	struct run r;
	struct sock s[6];

	(void)state;
	run_init(&r);
	for (int i = 0; i < 6; i++) {
		s[i] = sender((uint64_t)i + 1);
		s[i].state = TS_CLOSE_WAIT;
		s[i].sport = 8080;
		s[i].dport = (uint16_t)(50000 + i);
	}
	step(&r, s, 4, NULL);
	assert_null(finding(&r.f, DX_CLOSE_WAIT)); /* all new */
	step(&r, s, 6, NULL);
	assert_non_null(finding(&r.f, DX_CLOSE_WAIT));
	assert_string_equal(finding(&r.f, DX_CLOSE_WAIT)->subject, "port 8080");
	assert_int_equal(evidence(finding(&r.f, DX_CLOSE_WAIT), "held"), 4);
	assert_int_equal(evidence(finding(&r.f, DX_CLOSE_WAIT), "new"), 2);
	run_free(&r);
}

static void ephemeral_ports_toward_one_destination_warn_at_half_and_crit_at_ninety(void **state)
{
	static struct sock s[300];
	struct run r;

	(void)state;
	for (int i = 0; i < 300; i++) {
		memset(&s[i], 0, sizeof(s[i]));
		s[i].cookie = (uint64_t)i + 1;
		s[i].state = TS_TIME_WAIT;
		s[i].no_info = s[i].no_skmem = true;
		s[i].sport = (uint16_t)(40000 + i);
		s[i].dport = 443;
	}
	run_init(&r);
	r.ports_lo = 40000;
	r.ports_hi = 40199;
	step(&r, s, 90, NULL);
	assert_null(finding(&r.f, DX_PORTS));
	step(&r, s, 100, NULL);
	assert_int_equal(finding(&r.f, DX_PORTS)->severity, DS_WARN);
	assert_int_equal(evidence(finding(&r.f, DX_PORTS), "used"), 100);
	step(&r, s, 200, NULL);
	assert_int_equal(finding(&r.f, DX_PORTS)->severity, DS_CRIT);
	assert_string_equal(finding(&r.f, DX_PORTS)->subject, "10.0.0.1 -> 10.0.0.2:443");
	run_free(&r);
}

/* Forty overflowing listeners: the frame keeps 32, the most severe first, and counts the rest. */
static void findings_are_most_severe_first_and_capped(void **state)
{
	static struct sock s[41];
	struct run r;

	(void)state;
	for (int i = 0; i < 41; i++) {
		memset(&s[i], 0, sizeof(s[i]));
		s[i].cookie = (uint64_t)i + 1;
		s[i].state = TS_LISTEN;
		s[i].sport = (uint16_t)(8000 + i);
		s[i].dst = "0.0.0.0";
		s[i].rqueue = 129;
		s[i].wqueue = 128;
	}
	/* one established connection with a zero window (warn) */
	s[40] = sender(100);
	s[40].ti.snd_wnd = 0;
	run_init(&r);
	step(&r, s, 41, "TcpExt: ListenOverflows\nTcpExt: 10\n");
	for (int i = 0; i < 40; i++)
		s[i].skmem[SKM_DROPS] = 7;
	step(&r, s, 41, "TcpExt: ListenOverflows\nTcpExt: 290\n");
	/* 40 accept-overflow (crit), 40 backlog<somaxconn (warn), 1 zwin (warn) */
	assert_int_equal(r.f.nfindings, FRAME_FINDINGS_MAX);
	assert_int_equal(r.f.findings_dropped, 81 - FRAME_FINDINGS_MAX);
	for (uint32_t i = 0; i < r.f.nfindings; i++) {
		assert_int_equal(r.f.findings[i].code, DX_ACCEPT_OVERFLOW);
		if (i)
			assert_true(strcmp(r.f.findings[i - 1].subject, r.f.findings[i].subject) <
				    0);
	}
	assert_int_equal(evidence(&r.f.findings[0], "drops_delta"), 7);
	assert_int_equal(evidence(&r.f.findings[0], "listen_overflows_delta"), 280);
	run_free(&r);
}

/* With tcp_abort_on_overflow 1 a full queue matters between the bursts of overflows too. */
static void abort_on_overflow_is_raised_while_a_queue_is_full(void **state)
{
	struct run r;
	struct sock l = { 0 };

	(void)state;
	l.cookie = 1;
	l.state = TS_LISTEN;
	l.rqueue = 3;
	l.wqueue = 2;
	run_init(&r);
	step(&r, &l, 1, NULL);
	assert_null(finding(&r.f, DX_ABORT_ON_OVERFLOW)); /* sysctl 0 */
	frame_reset(&r.f);
	r.t += SEC;
	r.f.mono_ns = r.t;
	put_sock(&r.f, &l);
	tun(&r.f, TUN_SOMAXCONN, 4096, 0, 0, 1);
	tun(&r.f, TUN_ABORT_ON_OVERFLOW, 1, 0, 0, 1);
	counters_index(&r.f.counters);
	model_update(r.m, &r.f);
	diagnose_frame(r.d, &r.f);
	assert_non_null(finding(&r.f, DX_ABORT_ON_OVERFLOW));
	assert_int_equal(evidence(finding(&r.f, DX_ABORT_ON_OVERFLOW), "full_accept_queues"), 1);
	assert_non_null(finding(&r.f, DX_ACCEPT_FULL));
	run_free(&r);
}

static void flags_list_the_codes_and_explain_refuses_codes_the_row_lacks(void **state)
{
	struct run r;
	struct sock s = sender(1);
	const struct row *x;
	char buf[256];

	(void)state;
	run_init(&r);
	s.ti.snd_wnd = 0;
	s.rqueue = 5000;
	s.ti.rcv_wnd = 0;
	x = chrono(&r, &s, 1000000, 1000000, 0, 0);
	assert_string_equal(diagnose_flags_str(x, buf, sizeof(buf)), "zwin,rcvq-full");
	diagnose_explain(x, DX_SNDBUF_BDP, buf, sizeof(buf));
	assert_string_equal(buf, "sndbuf<BDP: not found on this connection");
	diagnose_explain(x, DX_ZWIN, buf, sizeof(buf));
	assert_non_null(strstr(buf, "zero window"));
	assert_int_equal(diagnose_code_by_name("zwin"), DX_ZWIN);
	assert_int_equal(diagnose_code_by_name("nope"), -1);
	run_free(&r);
}

/* Every code has a name, a title and a check, and names are unique. */
static void the_code_table_is_complete(void **state)
{
	(void)state;
	for (unsigned i = 0; i < DX_N; i++) {
		const struct diag_code_def *d = diagnose_code(i);

		assert_non_null(d->name);
		assert_non_null(d->title);
		assert_non_null(d->check);
		assert_int_equal(diagnose_code_by_name(d->name), (int)i);
		assert_non_null(d->evidence);
		assert_true(d->scope < DSC_N);
		/* connection codes are FLAGS cells; the rest have a subject of their own */
		assert_true((i < DX_CONN_N) == (d->scope == DSC_CONN));
	}
	assert_true(DX_CONN_N <= 32); /* row.findings is a 32-bit mask */
}

/* Every evidence key a finding carries is one its descriptor lists. */
static void assert_keys_documented(const struct frame *f)
{
	for (uint32_t i = 0; i < f->nfindings; i++) {
		const struct finding *x = &f->findings[i];
		const char *list = diagnose_code(x->code)->evidence;

		for (int k = 0; k < x->nev; k++) {
			size_t n = strlen(x->ev[k].key);
			const char *p = list;
			bool found = false;

			while (p && *p) {
				const char *e = strchr(p, ',');
				size_t len = e ? (size_t)(e - p) : strlen(p);

				found |= len == n && !strncmp(p, x->ev[k].key, n);
				p = e ? e + 1 : NULL;
			}
			if (!found)
				fail_msg("%s carries %s, not in its descriptor's evidence list",
					 diagnose_code(x->code)->name, x->ev[k].key);
		}
	}
}

/* The write-write-read client as measured on loopback: srtt 20.5 ms, min_rtt 5 us. */
static struct sock nagle_client(uint64_t cookie)
{
	struct sock s = { 0 };

	s.cookie = cookie;
	s.state = TS_ESTABLISHED;
	s.inode = 100;
	s.ti.snd_mss = 32768;
	s.ti.snd_cwnd = 10;
	s.ti.rtt = 20500;
	s.ti.min_rtt = 5;
	s.ti.snd_wnd = 65536;
	s.ti.unacked = 1;
	s.ti.notsent_bytes = 60;
	s.ti.delivery_rate = 6500000000ull; /* one segment's burst: 52 Gbit/s */
	s.ti.flags8 = 1;                    /* app-limited */
	s.skmem[SKM_SNDBUF] = 16384;
	s.skmem[SKM_RCVBUF] = 131072;
	s.skmem[SKM_WMEM_QUEUED] = 2304;
	s.wqueue = 100;
	return s;
}

static void nagle_behind_a_delayed_ack_is_named_instead_of_cwnd(void **state)
{
	struct run r;
	struct sock s = nagle_client(1);
	const struct row *x;
	char buf[64];

	(void)state;
	run_init(&r);
	x = chrono(&r, &s, 1000000, 0, 0, 2300); /* busy all the interval, 2.3 kB acked */
	assert_int_equal(x->limited_by, DL_DELACK);
	assert_string_equal(diagnose_limit_str(x, buf, sizeof(buf)), "delack 100%");
	assert_true(has(x, DX_DELAYED_ACK));
	assert_int_equal(dx_row_bdp(x), 0); /* no 37 Gbit/s BDP from one segment */
	assert_int_equal(evidence(finding(&r.f, DX_DELAYED_ACK), "srtt_us"), 20500);
	assert_non_null(strstr(diagnose_explain_limit(x, buf, sizeof(buf)), "delayed ACK"));
	assert_keys_documented(&r.f);
	run_free(&r);
}

static void delayed_ack_needs_a_held_sub_mss_remainder_and_an_inflated_srtt(void **state)
{
	struct sock variants[6];
	struct run r;

	(void)state;
	for (int i = 0; i < 6; i++)
		variants[i] = nagle_client((uint64_t)(10 + i));
	variants[0].ti.rtt = 5 + 9999;        /* srtt within 10 ms of min_rtt: a round trip */
	variants[1].ti.notsent_bytes = 0;     /* nothing held back */
	variants[2].ti.notsent_bytes = 32768; /* a full segment waits: not Nagle */
	variants[3].wqueue = 60 + 32768;      /* a full segment in flight */
	variants[4].ti.unacked = 10;          /* cwnd full */
	variants[5].ti.unacked = 0;           /* nothing in flight */
	for (int i = 0; i < 6; i++) {
		const struct row *x;

		run_init(&r);
		x = chrono(&r, &variants[i], 1000000, 0, 0, 2300);
		if (x->limited_by == DL_DELACK || has(x, DX_DELAYED_ACK))
			fail_msg("variant %d is not Nagle behind a delayed ACK", i);
		run_free(&r);
	}
	/* the edge: exactly 10 ms above the minimum is enough */
	run_init(&r);
	variants[0].ti.rtt = 5 + 10000;
	assert_int_equal(chrono(&r, &variants[0], 1000000, 0, 0, 2300)->limited_by, DL_DELACK);
	run_free(&r);
}

/*
 * A sender held by its buffer: one delivery sample of 1 MB/s, but 2.2 MB
 * acknowledged in the interval. The path carried at least the mean: BDP
 * 2.2 MB/s x 20 ms = 44 kB, a lower bound, and the 64 KiB buffer is below
 * twice it (sndbuf<BDP). From the sample alone it was 20 kB, and no finding.
 */
static void a_limited_senders_bdp_is_at_least_its_interval_mean_rate(void **state)
{
	struct run r;
	struct sock s = sender(1);
	const struct row *x;

	(void)state;
	run_init(&r);
	s.ti.delivery_rate = 1000000;
	s.ti.pacing_rate = 900000;
	s.ti.flags8 = 1; /* the kernel marks a buffer-bound sample app-limited */
	s.ti.notsent_bytes = 0;
	s.skmem[SKM_SNDBUF] = 65536;
	s.skmem[SKM_WMEM_QUEUED] = 70000;
	x = chrono(&r, &s, 1000000, 0, 600000, 2200000);
	assert_int_equal(x->limited_by, DL_SNDBUF);
	assert_int_equal(dx_row_bdp(x), 44000);
	assert_true(x->dflags & ROWD_BDP_MIN);
	assert_true(has(x, DX_SNDBUF_BDP));
	run_free(&r);
}

static void a_bdp_needs_the_interval_to_send_a_percent_of_the_delivery_rate(void **state)
{
	struct run r;
	struct sock s = nagle_client(1);

	(void)state;
	run_init(&r);
	s.ti.rtt = 30; /* not Nagle-bound: only the BDP rule is looked at */
	/* 6.5 GB/s sample: 1% is 65 MB/s; 64 MB acked in 1 s is just under */
	assert_int_equal(dx_row_bdp(chrono(&r, &s, 1000000, 0, 0, 64000000)), 0);
	run_free(&r);
	run_init(&r);
	s = nagle_client(1);
	s.ti.rtt = 30;
	assert_int_equal(dx_row_bdp(chrono(&r, &s, 1000000, 0, 0, 66000000)), 32500);
	run_free(&r);
}

/* A connect toward dest:port in SYN-SENT with `retrans` SYN retransmits. */
static struct sock connecting(uint64_t cookie, const char *dst, uint16_t port, uint8_t retrans)
{
	struct sock s = { 0 };

	s.cookie = cookie;
	s.state = TS_SYN_SENT;
	s.inode = 200 + (uint32_t)cookie;
	s.dst = dst;
	s.dport = port;
	s.sport = (uint16_t)(40000 + cookie);
	s.retrans = retrans;
	s.timer = TIMER_RETRANS;
	s.expires_ms = 1500;
	s.ti.snd_mss = 1448;
	return s;
}

/*
 * The kernel's walk can send a socket twice in one dump. The second row is
 * not a second connect, nor one that has waited since the clock's start
 * (it has no time in its state): the finding counts and times the first.
 */
static void a_connect_sent_twice_in_one_dump_counts_once(void **state)
{
	struct run r;
	struct sock s[3] = { connecting(1, "10.0.0.9", 80, 1), connecting(1, "10.0.0.9", 80, 1),
			     connecting(2, "10.0.0.9", 80, 1) };
	const struct finding *x;

	(void)state;
	run_init(&r);
	r.t = 100000 * SEC; /* a host up for a while: the clock is far from 0 */
	step(&r, s + 1, 2, NULL);
	step(&r, s, 3, NULL);
	assert_true(r.f.rows[1].flags & ROW_DUP);
	x = finding(&r.f, DX_SYN_RETRY);
	assert_non_null(x);
	assert_int_equal(evidence(x, "sockets"), 2);
	assert_int_equal(x->count, 2);
	/* one retransmit, next timer in 1.5 s: sent 1.5 s ago, seen in SYN-SENT for 1 s */
	assert_int_equal(evidence(x, "oldest_ms"), 1500);
	/* nor a connection finding of its own */
	assert_int_equal(r.f.rows[1].findings, 0);
	run_free(&r);
}

static void syn_retries_name_only_the_destination_that_does_not_answer(void **state)
{
	struct run r;
	struct sock s[4] = { connecting(1, "10.0.0.9", 80, 1), connecting(2, "10.0.0.9", 80, 1),
			     connecting(3, "10.0.0.8", 80, 0), connecting(4, "10.0.0.9", 81, 0) };
	const struct finding *x;

	(void)state;
	run_init(&r);
	r.syn_retries = 6;
	step(&r, s, 4, "TcpExt: TCPSynRetrans\nTcpExt: 0\n");
	step(&r, s, 4, "TcpExt: TCPSynRetrans\nTcpExt: 2\n");
	x = finding(&r.f, DX_SYN_RETRY);
	assert_non_null(x);
	assert_string_equal(x->subject, "10.0.0.9:80");
	assert_int_equal(x->severity, DS_WARN);
	assert_int_equal(evidence(x, "sockets"), 2);
	/* one retransmit, next timer in 1.5 s: sent 3 s - 1.5 s = 1.5 s ago */
	assert_int_equal(evidence(x, "oldest_ms"), 1500);
	/* 6 retries: gives up 127 s after the SYN */
	assert_int_equal(evidence(x, "gives_up_ms"), 127000 - 1500);
	assert_int_equal(evidence(x, "syn_retrans_delta"), 2);
	assert_int_equal(r.f.nfindings, 1); /* the other destinations are quiet */
	s[0].retrans = 2;
	step(&r, s, 4, NULL);
	assert_int_equal(finding(&r.f, DX_SYN_RETRY)->severity, DS_CRIT);
	assert_keys_documented(&r.f);
	run_free(&r);
}

static void syn_retries_toward_a_full_local_listener_are_its_overflow_not_a_dead_peer(void **state)
{
	struct run r;
	struct sock s[2] = { connecting(1, "10.0.0.1", 80, 1), { 0 } };

	(void)state;
	s[1].cookie = 9;
	s[1].state = TS_LISTEN;
	s[1].inode = 9;
	s[1].src = "0.0.0.0";
	s[1].sport = 80;
	s[1].rqueue = 3; /* accept queue 3 of 2 */
	s[1].wqueue = 2;
	s[1].no_info = true;
	run_init(&r);
	step(&r, s, 2, NULL);
	assert_null(finding(&r.f, DX_SYN_RETRY));
	assert_non_null(finding(&r.f, DX_ACCEPT_FULL));
	run_free(&r);
}

/* A listener on 10.0.0.1:port with this backlog (its accept_max), as sock_diag shows one. */
static void listen_sock(struct sock *s, uint64_t cookie, uint16_t port, uint32_t backlog)
{
	s->cookie = cookie;
	s->state = TS_LISTEN;
	s->inode = (uint32_t)cookie;
	s->src = "10.0.0.1";
	s->sport = port;
	s->wqueue = backlog;
	s->no_info = true;
}

/* A request socket (SYN-RECV) of the listener on 10.0.0.1:port: no tcp_info, no skmem. */
static void request_sock(struct sock *s, uint64_t cookie, uint16_t port, uint16_t peer_port)
{
	s->cookie = cookie;
	s->state = TS_SYN_RECV;
	s->src = "10.0.0.1";
	s->sport = port;
	s->dport = peer_port;
	s->no_info = true;
	s->no_skmem = true;
}

/*
 * SYN-ACKs lost on the way to the clients, syncookies on: the clients' SYN
 * retries reach requests still queued, and the kernel counts each in the
 * listener's drops (sk_drops) but not in ListenDrops. No attempt was lost:
 * no synq-overflow, no listen-drops. Drops ListenDrops also counts are.
 */
static void duplicate_syns_to_queued_requests_are_not_dropped_attempts(void **state)
{
	struct run r;
	struct sock s[9] = { { 0 } };

	(void)state;
	listen_sock(&s[0], 99, 80, 8);
	for (int i = 1; i < 9; i++)
		request_sock(&s[i], (uint64_t)i, 80, (uint16_t)(5000 + i));
	run_init(&r);
	step(&r, s, 9, "TcpExt: ListenDrops TCPReqQFullDrop\nTcpExt: 100 0\n");
	s[0].skmem[SKM_DROPS] = 12;
	step(&r, s, 9, "TcpExt: ListenDrops TCPReqQFullDrop\nTcpExt: 100 0\n");
	assert_null(finding(&r.f, DX_SYNQ_OVERFLOW));
	assert_null(finding(&r.f, DX_LISTEN_DROPS));
	assert_null(finding(&r.f, DX_ACCEPT_OVERFLOW));
	/* without cookies: 12 SYNs dropped for the full queue, counted in both */
	s[0].skmem[SKM_DROPS] = 24;
	step(&r, s, 9, "TcpExt: ListenDrops TCPReqQFullDrop\nTcpExt: 112 12\n");
	assert_non_null(finding(&r.f, DX_SYNQ_OVERFLOW));
	assert_int_equal(evidence(finding(&r.f, DX_SYNQ_OVERFLOW), "drops_delta"), 12);
	/* 20 in the listener's drops, 5 in ListenDrops: 5 attempts lost, the rest duplicates */
	s[0].skmem[SKM_DROPS] = 44;
	step(&r, s, 9, "TcpExt: ListenDrops TCPReqQFullDrop\nTcpExt: 117 17\n");
	assert_int_equal(evidence(finding(&r.f, DX_SYNQ_OVERFLOW), "drops_delta"), 5);
	run_free(&r);
}

static void request_sockets_retransmitting_syn_acks_are_named_on_their_listener(void **state)
{
	struct run r;
	struct sock s[4] = { { 0 } };
	const struct finding *x;

	(void)state;
	listen_sock(&s[0], 9, 80, 128);
	for (int i = 1; i < 4; i++) {
		request_sock(&s[i], (uint64_t)i, 80, (uint16_t)(5000 + i));
		s[i].retrans = (uint8_t)(i - 1); /* 0, 1, 2 */
	}
	run_init(&r);
	step(&r, s, 4, NULL);
	x = finding(&r.f, DX_SYNACK_RETRY);
	assert_non_null(x);
	assert_string_equal(x->subject, "10.0.0.1:80");
	assert_int_equal(evidence(x, "syn_queue"), 3);
	assert_int_equal(evidence(x, "retrying"), 2);
	assert_int_equal(evidence(x, "max_retries"), 2);
	assert_keys_documented(&r.f);
	s[2].retrans = s[3].retrans = 0;
	step(&r, s, 4, NULL);
	assert_null(finding(&r.f, DX_SYNACK_RETRY));
	run_free(&r);
}

/*
 * Cookies sent in the interval while the dump shows the flooded listener's
 * SYN queue just short of its limit (the kernel prunes old requests between
 * a flood's retries): the finding still names that listener, the one with
 * the most request sockets, not the host.
 */
static void syncookies_name_the_listener_with_the_most_requests(void **state)
{
	struct run r;
	struct sock s[9] = { { 0 } };
	const struct finding *x;

	(void)state;
	/* backlog 8: the SYN queue is full at 8 requests */
	listen_sock(&s[0], 100, 80, 8);
	listen_sock(&s[1], 101, 81, 8);
	/* six requests on :81, one on :80 */
	for (int i = 2; i < 9; i++)
		request_sock(&s[i], (uint64_t)i, i < 8 ? 81 : 80, (uint16_t)(5000 + i));
	run_init(&r);
	step(&r, s, 9, "TcpExt: SyncookiesSent TCPReqQFullDoCookies\nTcpExt: 10 10\n");
	step(&r, s, 9, "TcpExt: SyncookiesSent TCPReqQFullDoCookies\nTcpExt: 14 14\n");
	x = finding(&r.f, DX_SYNCOOKIES);
	assert_non_null(x);
	assert_string_equal(x->subject, "10.0.0.1:81");
	assert_int_equal(evidence(x, "syn_queue"), 6);
	assert_int_equal(evidence(x, "accept_max"), 8);
	assert_int_equal(evidence(x, "syncookies_sent_delta"), 4);
	assert_keys_documented(&r.f);
	run_free(&r);
}

static void fin_wait_orphans_count_once_held_across_a_refresh(void **state)
{
	struct run r;
	struct sock s[10];
	const struct finding *x;

	(void)state;
	for (int i = 0; i < 10; i++) {
		memset(&s[i], 0, sizeof(s[i]));
		s[i].cookie = (uint64_t)(i + 1);
		s[i].sport = (uint16_t)(i < 6 ? 8080 : 40000 + i);
		s[i].dport = (uint16_t)(i < 6 ? 30000 + i : 9090);
		if (i < 6) { /* orphans in FIN-WAIT-1 with data behind a zero window */
			s[i].state = TS_FIN_WAIT1;
			s[i].wqueue = 200000;
			s[i].timer = TIMER_PERSIST;
			s[i].retrans = 3;
			s[i].ti.snd_mss = 1448;
			s[i].ti.snd_wnd = 0;
		} else { /* FIN-WAIT-2 orphans toward one server: time-wait entries, no info */
			s[i].state = TS_FIN_WAIT2;
			s[i].no_info = true;
			s[i].no_skmem = true;
		}
	}
	run_init(&r);
	step(&r, s, 10, NULL);
	assert_null(finding(&r.f, DX_FIN_WAIT1)); /* just seen: a close takes a moment */
	assert_null(finding(&r.f, DX_FIN_WAIT2));
	step(&r, s, 10, NULL);
	x = finding(&r.f, DX_FIN_WAIT1);
	assert_non_null(x);
	assert_string_equal(x->subject, "port 8080");
	assert_int_equal(evidence(x, "orphans"), 6);
	assert_int_equal(evidence(x, "bytes"), 6 * 200000);
	assert_int_equal(evidence(x, "zero_window"), 6);
	assert_int_equal(evidence(x, "max_probes"), 3);
	x = finding(&r.f, DX_FIN_WAIT2);
	assert_non_null(x);
	assert_string_equal(x->subject, "-> 10.0.0.2:9090");
	assert_int_equal(x->severity, DS_INFO);
	assert_int_equal(evidence(x, "orphans"), 4);
	assert_keys_documented(&r.f);
	/* held by their application (an inode): shutdown, not orphans */
	for (int i = 0; i < 10; i++)
		s[i].inode = (uint32_t)(100 + i);
	step(&r, s, 10, NULL);
	assert_null(finding(&r.f, DX_FIN_WAIT1));
	assert_null(finding(&r.f, DX_FIN_WAIT2));
	run_free(&r);
}

static void orphans_warn_at_a_quarter_of_the_limit_and_crit_at_half_or_kills(void **state)
{
	static const struct {
		int64_t orphans;
		const char *counters;
		int sev; /* -1: none */
	} cases[] = {
		{ 249, NULL, -1 },
		{ 250, NULL, DS_WARN },
		{ 499, NULL, DS_WARN },
		{ 500, NULL, DS_CRIT },
		{ 10, "TcpExt: TCPAbortOnMemory\nTcpExt: 4\n", DS_CRIT },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct run r;
		const struct finding *x;

		run_init(&r);
		r.max_orphans = 1000;
		r.ss.orphan = cases[i].orphans;
		r.ss.have = SOCKSTAT_ORPHAN;
		step(&r, NULL, 0, "TcpExt: TCPAbortOnMemory\nTcpExt: 0\n");
		step(&r, NULL, 0,
		     cases[i].counters ? cases[i].counters
				       : "TcpExt: TCPAbortOnMemory\nTcpExt: 0\n");
		x = finding(&r.f, DX_ORPHANS);
		if (cases[i].sev < 0) {
			assert_null(x);
		} else {
			assert_non_null(x);
			assert_int_equal(x->severity, cases[i].sev);
			assert_int_equal(evidence(x, "tcp_max_orphans"), 1000);
			assert_keys_documented(&r.f);
		}
		run_free(&r);
	}
}

static void tcp_memory_warns_past_pressure_and_is_critical_near_the_limit(void **state)
{
	static const struct {
		int64_t mem;
		bool known;
		const char *counters;
		int sev;
	} cases[] = {
		{ 5000, true, NULL, -1 }, /* at the pressure value: not past it */
		{ 5001, true, NULL, DS_WARN },
		{ 8999, true, NULL, DS_WARN },
		{ 9000, true, NULL, DS_CRIT }, /* 90% of the hard limit */
		{ 100, true, "TcpExt: TCPMemoryPressures TCPMemoryPressuresChrono\nTcpExt: 1 30\n",
		  DS_WARN },
		{ 9999, false, NULL, -1 }, /* tcp_mem unknown: no guess */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct run r;
		const struct finding *x;
		char msg[512];

		run_init(&r);
		if (cases[i].known) {
			r.tcp_mem[0] = 1000;
			r.tcp_mem[1] = 5000;
			r.tcp_mem[2] = 10000;
		}
		r.ss.mem = cases[i].mem;
		r.ss.have = SOCKSTAT_MEM;
		step(&r, NULL, 0,
		     "TcpExt: TCPMemoryPressures TCPMemoryPressuresChrono\nTcpExt: 0 0\n");
		step(&r, NULL, 0,
		     cases[i].counters ? cases[i].counters
				       : "TcpExt: TCPMemoryPressures "
					 "TCPMemoryPressuresChrono\nTcpExt: 0 0\n");
		x = finding(&r.f, DX_TCP_MEM);
		if (cases[i].sev < 0) {
			assert_null(x);
			run_free(&r);
			continue;
		}
		assert_non_null(x);
		assert_int_equal(x->severity, cases[i].sev);
		assert_int_equal(evidence(x, "mem_pages"), cases[i].mem);
		diagnose_message(&r.f, x, msg, sizeof(msg));
		assert_non_null(strstr(msg, "pages"));
		assert_keys_documented(&r.f);
		run_free(&r);
	}
}

static void a_window_capped_without_scaling_is_flagged_no_wscale(void **state)
{
	struct run r;
	struct sock s = sender(1);
	const struct row *x;

	(void)state;
	s.inode = 1;
	s.ti.snd_wnd = 65535;
	s.ti.options = TCPI_OPT_SACK | TCPI_OPT_TIMESTAMPS;
	run_init(&r);
	x = chrono(&r, &s, 1000000, 800000, 0, 3000000);
	assert_int_equal(x->limited_by, DL_RWND);
	assert_true(has(x, DX_NO_WSCALE));
	assert_keys_documented(&r.f);
	run_free(&r);
	s = sender(1);
	s.ti.snd_wnd = 65535;
	s.ti.options = TCPI_OPT_SACK | TCPI_OPT_WSCALE;
	run_init(&r);
	assert_false(has(chrono(&r, &s, 1000000, 800000, 0, 3000000), DX_NO_WSCALE));
	run_free(&r);
}

static void row_severity_is_the_worst_code_with_escalations(void **state)
{
	struct run r;
	struct sock s = sender(1);
	const struct row *x;

	(void)state;
	run_init(&r);
	x = chrono(&r, &s, 1000000, 0, 0, 5000000);
	assert_int_equal(diagnose_row_severity(x), -1);
	s.timer = TIMER_RETRANS;
	s.ti.backoff = 5;
	step(&r, &s, 1, NULL);
	assert_int_equal(diagnose_row_severity(row(&r, 1)), DS_CRIT);
	s.ti.backoff = 2;
	step(&r, &s, 1, NULL);
	assert_int_equal(diagnose_row_severity(row(&r, 1)), DS_WARN);
	run_free(&r);
	assert_true(diagnose_code_problem(DX_SNDBUF_BDP));
	assert_true(diagnose_code_problem(DX_RWND_BDP));
	assert_true(diagnose_code_problem(DX_ZWIN));
	assert_true(diagnose_code_problem(DX_DELAYED_ACK));
	assert_false(diagnose_code_problem(DX_SNDBUF_FIXED));
	assert_false(diagnose_code_problem(DX_ACCEPT_FULL)); /* not a connection code */
	assert_int_equal(diagnose_problem_mask(), (1u << DX_SNDBUF_BDP) | (1u << DX_RWND_BDP) |
							  (1u << DX_ZWIN) | (1u << DX_DELAYED_ACK) |
							  (1u << DX_NO_WSCALE));
}

/* ---- -N all: several namespaces, each judged by its own counters and sysctls ---- */

#define NS_MAX 3

/* One namespace of a constructed -N all refresh. Index 0 is the host's (the frame's own). */
struct nsdef {
	const char *name;
	const struct sock *s;
	size_t n;
	const char *counters; /* this refresh's netstat text; deltas against the previous */
	struct tunables tun;
};

struct nsrun {
	struct run r;
	struct counters prev[NS_MAX];
	bool have_prev[NS_MAX];
};

/* The sysctls step() gives a frame, for a namespace to start from. */
static void ns_defaults(struct tunables *t)
{
	struct frame f;

	memset(&f, 0, sizeof(f));
	tun(&f, TUN_TCP_WMEM, 4096, 16384, 4194304, 3);
	tun(&f, TUN_TCP_RMEM, 4096, 131072, 33554432, 3);
	tun(&f, TUN_SOMAXCONN, 4096, 0, 0, 1);
	tun(&f, TUN_LOCAL_PORT_RANGE, 32768, 60999, 0, 2);
	tun(&f, TUN_MAX_TW_BUCKETS, 1000, 0, 0, 1);
	tun(&f, TUN_SYNCOOKIES, 1, 0, 0, 1);
	tun(&f, TUN_ABORT_ON_OVERFLOW, 0, 0, 0, 1);
	*t = f.tun;
}

static void ns_set(struct tunables *t, enum tun_id id, int64_t a, int64_t b, int64_t c, int n)
{
	t->v[id][0] = a;
	t->v[id][1] = b;
	t->v[id][2] = c;
	t->n[id] = (uint8_t)n;
}

/* One -N all refresh, as nsset_collect and the collector build it: the host first. */
static void ns_step(struct nsrun *nr, const struct nsdef *d, size_t nd)
{
	struct run *r = &nr->r;
	struct terr e;

	frame_reset(&r->f);
	r->t += SEC;
	r->f.mono_ns = r->t;
	for (size_t i = 0; i < nd; i++) {
		struct frame_ns *fn = frame_ns_push(&r->f);

		fn->inode = 4026531840ull + i;
		fn->kind = i ? NSK_NAMED : NSK_HOST;
		snprintf(fn->name, sizeof(fn->name), "%s", d[i].name);
		fn->first = (uint32_t)r->f.sample.n;
		for (size_t k = 0; k < d[i].n; k++)
			put_sock(&r->f, &d[i].s[k]);
		fn->n = (uint32_t)(r->f.sample.n - fn->first);
		fn->tun = d[i].tun;
		fn->have_files = true;
		if (d[i].counters)
			counters_parse(&fn->counters, d[i].counters, strlen(d[i].counters), &e);
		counters_index(&fn->counters);
		counters_diff(&fn->counters, nr->have_prev[i] ? &nr->prev[i] : NULL);
		counters_copy(&nr->prev[i], &fn->counters);
		nr->have_prev[i] = true;
		if (i == 0) { /* the host's namespace: also the frame's own files */
			r->f.tun = d[0].tun;
			if (d[0].counters)
				counters_parse(&r->f.counters, d[0].counters, strlen(d[0].counters),
					       &e);
		}
	}
	r->f.sockstat = r->ss;
	counters_index(&r->f.counters);
	model_update(r->m, &r->f);
	frame_ns_link(&r->f);
	diagnose_frame(r->d, &r->f);
}

static void ns_free(struct nsrun *nr)
{
	for (int i = 0; i < NS_MAX; i++)
		counters_free(&nr->prev[i]);
	run_free(&nr->r);
}

/* Every finding of a code, as "subject" lines joined by '|', in frame order. */
static const char *subjects(const struct frame *f, unsigned code, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (uint32_t i = 0; i < f->nfindings; i++)
		if (f->findings[i].code == code && off < len)
			off += (size_t)snprintf(buf + off, len - off, "%s%s", off ? "|" : "",
						f->findings[i].subject);
	return buf;
}

static const struct finding *finding_of(const struct frame *f, unsigned code, const char *subj)
{
	for (uint32_t i = 0; i < f->nfindings; i++)
		if (f->findings[i].code == code && !strcmp(f->findings[i].subject, subj))
			return &f->findings[i];
	return NULL;
}

/*
 * SYN queues: blue drops with syncookies off, red answers with cookies, the
 * host counts nothing. Each finding names its namespace and carries that
 * namespace's own sysctl; none is raised for the host.
 */
static void syn_queue_findings_are_judged_and_named_per_namespace(void **state)
{
	struct nsrun nr = { 0 };
	struct nsdef d[3] = {
		{ .name = "host",
		  .counters = "TcpExt: TCPReqQFullDrop TCPReqQFullDoCookies "
			      "SyncookiesSent\nTcpExt: 0 0 0\n" },
		{ .name = "blue",
		  .counters = "TcpExt: TCPReqQFullDrop TCPReqQFullDoCookies "
			      "SyncookiesSent\nTcpExt: 100 0 0\n" },
		{ .name = "red",
		  .counters = "TcpExt: TCPReqQFullDrop TCPReqQFullDoCookies "
			      "SyncookiesSent\nTcpExt: 0 50 50\n" },
	};
	char buf[256];

	(void)state;
	run_init(&nr.r);
	for (int i = 0; i < 3; i++)
		ns_defaults(&d[i].tun);
	ns_set(&d[1].tun, TUN_SYNCOOKIES, 0, 0, 0, 1);
	ns_step(&nr, d, 3);
	assert_null(finding(&nr.r.f, DX_SYNQ_OVERFLOW)); /* the first refresh has no deltas */
	d[1].counters = "TcpExt: TCPReqQFullDrop TCPReqQFullDoCookies SyncookiesSent\n"
			"TcpExt: 105 0 0\n";
	d[2].counters = "TcpExt: TCPReqQFullDrop TCPReqQFullDoCookies SyncookiesSent\n"
			"TcpExt: 0 53 53\n";
	ns_step(&nr, d, 3);
	assert_string_equal(subjects(&nr.r.f, DX_SYNQ_OVERFLOW, buf, sizeof(buf)), "blue");
	assert_int_equal(evidence(finding(&nr.r.f, DX_SYNQ_OVERFLOW), "reqqfull_drop_delta"), 5);
	assert_int_equal(evidence(finding(&nr.r.f, DX_SYNQ_OVERFLOW), "tcp_syncookies"), 0);
	assert_int_equal(evidence(finding(&nr.r.f, DX_SYNQ_OVERFLOW), "netns_inode"), 4026531841ll);
	assert_string_equal(subjects(&nr.r.f, DX_SYNCOOKIES, buf, sizeof(buf)), "red");
	assert_int_equal(evidence(finding(&nr.r.f, DX_SYNCOOKIES), "syncookies_sent_delta"), 3);
	assert_string_equal(diagnose_finding_netns(&nr.r.f, finding(&nr.r.f, DX_SYNCOOKIES)),
			    "red");
	assert_keys_documented(&nr.r.f);
	ns_free(&nr);
}

/*
 * Full accept queues in blue and red; tcp_abort_on_overflow is 1 in blue
 * and on the host (which has no listener): only blue's finding.
 */
static void abort_on_overflow_follows_each_namespaces_own_sysctl(void **state)
{
	struct nsrun nr = { 0 };
	struct sock l[2] = { 0 };
	struct nsdef d[3] = { { .name = "host" },
			      { .name = "blue", .s = &l[0], .n = 1 },
			      { .name = "red", .s = &l[1], .n = 1 } };
	char buf[256];

	(void)state;
	for (int i = 0; i < 2; i++) {
		l[i].cookie = (uint64_t)i + 1;
		l[i].state = TS_LISTEN;
		l[i].src = "127.0.0.1";
		l[i].dst = "0.0.0.0";
		l[i].sport = 8080;
		l[i].dport = 0;
		l[i].rqueue = 3;
		l[i].wqueue = 2;
	}
	run_init(&nr.r);
	for (int i = 0; i < 3; i++)
		ns_defaults(&d[i].tun);
	ns_set(&d[0].tun, TUN_ABORT_ON_OVERFLOW, 1, 0, 0, 1);
	ns_set(&d[1].tun, TUN_ABORT_ON_OVERFLOW, 1, 0, 0, 1);
	ns_step(&nr, d, 3);
	ns_step(&nr, d, 3);
	assert_string_equal(subjects(&nr.r.f, DX_ABORT_ON_OVERFLOW, buf, sizeof(buf)), "blue");
	assert_int_equal(evidence(finding(&nr.r.f, DX_ABORT_ON_OVERFLOW), "full_accept_queues"), 1);
	/* the listeners' own findings name their namespaces: one each, not one group */
	assert_non_null(finding_of(&nr.r.f, DX_ACCEPT_FULL, "[blue] 127.0.0.1:8080"));
	assert_non_null(finding_of(&nr.r.f, DX_ACCEPT_FULL, "[red] 127.0.0.1:8080"));
	assert_string_equal(diagnose_finding_netns(&nr.r.f, finding_of(&nr.r.f, DX_ACCEPT_FULL,
								       "[red] 127.0.0.1:8080")),
			    "red");
	assert_keys_documented(&nr.r.f);
	ns_free(&nr);
}

/*
 * Ten TIME-WAIT sockets in blue (tcp_max_tw_buckets 10) and in red (1000,
 * but its own overflow counter moved); the host's limit is 5 with none.
 */
static void time_wait_is_counted_against_each_namespaces_limit_and_overflows(void **state)
{
	static struct sock tw[20];
	struct nsrun nr = { 0 };
	struct nsdef d[3] = {
		{ .name = "host", .counters = "TcpExt: TCPTimeWaitOverflow\nTcpExt: 0\n" },
		{ .name = "blue",
		  .s = tw,
		  .n = 10,
		  .counters = "TcpExt: TCPTimeWaitOverflow\nTcpExt: 0\n" },
		{ .name = "red",
		  .s = tw + 10,
		  .n = 10,
		  .counters = "TcpExt: TCPTimeWaitOverflow\nTcpExt: 7\n" },
	};
	char buf[256];

	(void)state;
	for (int i = 0; i < 20; i++) {
		memset(&tw[i], 0, sizeof(tw[i]));
		tw[i].cookie = (uint64_t)i + 1;
		tw[i].state = TS_TIME_WAIT;
		tw[i].no_info = tw[i].no_skmem = true;
		tw[i].sport = (uint16_t)(40000 + i % 10);
		tw[i].dport = 443;
	}
	run_init(&nr.r);
	for (int i = 0; i < 3; i++)
		ns_defaults(&d[i].tun);
	ns_set(&d[0].tun, TUN_MAX_TW_BUCKETS, 5, 0, 0, 1);
	ns_set(&d[1].tun, TUN_MAX_TW_BUCKETS, 10, 0, 0, 1);
	ns_step(&nr, d, 3);
	d[2].counters = "TcpExt: TCPTimeWaitOverflow\nTcpExt: 9\n";
	ns_step(&nr, d, 3);
	/* most severe first: red's overflow is crit */
	assert_string_equal(subjects(&nr.r.f, DX_TIME_WAIT, buf, sizeof(buf)), "red|blue");
	assert_int_equal(finding_of(&nr.r.f, DX_TIME_WAIT, "red")->severity, DS_CRIT);
	assert_int_equal(evidence(finding_of(&nr.r.f, DX_TIME_WAIT, "red"), "tw_overflow_delta"),
			 2);
	assert_int_equal(evidence(finding_of(&nr.r.f, DX_TIME_WAIT, "blue"), "time_wait"), 10);
	assert_int_equal(evidence(finding_of(&nr.r.f, DX_TIME_WAIT, "blue"), "max_tw_buckets"), 10);
	assert_keys_documented(&nr.r.f);
	ns_free(&nr);
}

/* The same 60 connects in blue (ports 40000-40099) and red (the default range): blue's only. */
static void ephemeral_ports_are_judged_against_the_namespaces_own_range(void **state)
{
	static struct sock c[120];
	struct nsrun nr = { 0 };
	struct nsdef d[3] = { { .name = "host" },
			      { .name = "blue", .s = c, .n = 60 },
			      { .name = "red", .s = c + 60, .n = 60 } };
	char buf[256];

	(void)state;
	for (int i = 0; i < 120; i++) {
		memset(&c[i], 0, sizeof(c[i]));
		c[i].cookie = (uint64_t)i + 1;
		c[i].state = TS_TIME_WAIT;
		c[i].no_info = c[i].no_skmem = true;
		c[i].sport = (uint16_t)(40000 + i % 60);
		c[i].dport = 443;
	}
	run_init(&nr.r);
	for (int i = 0; i < 3; i++)
		ns_defaults(&d[i].tun);
	ns_set(&d[0].tun, TUN_LOCAL_PORT_RANGE, 40000, 40099, 0, 2); /* the host's: no sockets */
	ns_set(&d[1].tun, TUN_LOCAL_PORT_RANGE, 40000, 40099, 0, 2);
	ns_set(&d[1].tun, TUN_TW_REUSE, 0, 0, 0, 1);
	ns_step(&nr, d, 3);
	assert_string_equal(subjects(&nr.r.f, DX_PORTS, buf, sizeof(buf)),
			    "[blue] 10.0.0.1 -> 10.0.0.2:443");
	assert_int_equal(evidence(finding(&nr.r.f, DX_PORTS), "range_size"), 100);
	assert_int_equal(evidence(finding(&nr.r.f, DX_PORTS), "tcp_tw_reuse"), 0);
	ns_free(&nr);
}

/*
 * A 64 KiB send buffer that limits sending: at blue's tcp_wmem maximum (64
 * KiB) autotuning is done, "raise it" names blue; under red's 4 MiB it did
 * not grow, so it is fixed.
 */
static void a_send_buffer_at_its_namespaces_tcp_wmem_max_is_at_max_not_fixed(void **state)
{
	struct nsrun nr = { 0 };
	struct sock s[2] = { sender(1), sender(2) };
	struct nsdef d[3] = { { .name = "host" },
			      { .name = "blue", .s = &s[0], .n = 1 },
			      { .name = "red", .s = &s[1], .n = 1 } };
	const struct row *blue, *red;
	char buf[512];

	(void)state;
	run_init(&nr.r);
	for (int i = 0; i < 3; i++)
		ns_defaults(&d[i].tun);
	ns_set(&d[1].tun, TUN_TCP_WMEM, 4096, 16384, 65536, 3);
	for (int i = 0; i < 2; i++) {
		s[i].skmem[SKM_SNDBUF] = 65536;
		s[i].ti.busy_time = 1000;
		s[i].ti.bytes_acked = 1000;
	}
	ns_step(&nr, d, 3);
	for (int i = 0; i < 2; i++) {
		s[i].ti.busy_time += 1000000;
		s[i].ti.sndbuf_limited += 500000;
		s[i].ti.bytes_acked += 1000000;
	}
	ns_step(&nr, d, 3);
	blue = row(&nr.r, 1);
	red = row(&nr.r, 2);
	assert_int_equal(blue->limited_by, DL_SNDBUF);
	assert_int_equal(red->limited_by, DL_SNDBUF);
	assert_true(blue->dflags & ROWD_SNDBUF_AT_MAX);
	assert_false(has(blue, DX_SNDBUF_FIXED));
	assert_false(red->dflags & ROWD_SNDBUF_AT_MAX);
	assert_true(has(red, DX_SNDBUF_FIXED));
	diagnose_explain(blue, DX_SNDBUF_BDP, buf, sizeof(buf));
	assert_non_null(strstr(buf, "tcp_wmem maximum of namespace blue: raise it"));
	ns_free(&nr);
}

/* Orphans and TCP memory are the host's: the kills counted in any namespace add up. */
static void host_wide_findings_sum_every_namespaces_counters_and_say_so(void **state)
{
	struct nsrun nr = { 0 };
	struct nsdef d[3] = {
		{ .name = "host", .counters = "TcpExt: TCPAbortOnMemory\nTcpExt: 0\n" },
		{ .name = "blue", .counters = "TcpExt: TCPAbortOnMemory\nTcpExt: 0\n" },
		{ .name = "red", .counters = "TcpExt: TCPAbortOnMemory\nTcpExt: 10\n" },
	};
	char buf[256];

	(void)state;
	run_init(&nr.r);
	for (int i = 0; i < 3; i++)
		ns_defaults(&d[i].tun);
	ns_set(&d[0].tun, TUN_MAX_ORPHANS, 1000, 0, 0, 1);
	nr.r.ss.orphan = 10;
	nr.r.ss.have = SOCKSTAT_ORPHAN;
	ns_step(&nr, d, 3);
	assert_null(finding(&nr.r.f, DX_ORPHANS));
	d[0].counters = "TcpExt: TCPAbortOnMemory\nTcpExt: 1\n";
	d[2].counters = "TcpExt: TCPAbortOnMemory\nTcpExt: 13\n";
	ns_step(&nr, d, 3);
	assert_string_equal(subjects(&nr.r.f, DX_ORPHANS, buf, sizeof(buf)),
			    "host (all namespaces)");
	assert_int_equal(evidence(finding(&nr.r.f, DX_ORPHANS), "abort_on_memory_delta"), 4);
	assert_int_equal(finding(&nr.r.f, DX_ORPHANS)->severity, DS_CRIT);
	assert_null(diagnose_finding_netns(&nr.r.f, finding(&nr.r.f, DX_ORPHANS)));
	ns_free(&nr);
}

/*
 * LIMIT and FLAGS are built without printf (a cell of every socket): they
 * read exactly as the printf formats they replace, cut the same way in any
 * buffer.
 */
static void limit_and_flags_cells_read_as_their_printf_formats(void **state)
{
	static const unsigned pcts[] = { 0, 7, 42, 100 };
	static const uint32_t masks[] = { 0, 1, 2, 5, 0x30, 0xffffffffu };
	struct row r = { 0 };
	char got[40], want[40];

	(void)state;
	for (unsigned l = 0; l < DL_N; l++)
		for (unsigned b = 0; b < DB_N; b++)
			for (size_t p = 0; p < sizeof(pcts) / sizeof(pcts[0]); p++)
				for (size_t len = 1; len <= sizeof(got); len++) {
					const char *name = diagnose_limit_name(l);

					r.limited_by = (uint8_t)l;
					r.limit_basis = (uint8_t)b;
					r.limited_pct = (uint8_t)pcts[p];
					if (!name)
						snprintf(want, len, "%s", "");
					else if (b == DB_STATE)
						snprintf(want, len, "%s?", name);
					else
						snprintf(want, len, "%s%s%u%%", name,
							 b == DB_MIXED ? "~" : " ", pcts[p]);
					assert_string_equal(diagnose_limit_str(&r, got, len), want);
				}
	for (size_t m = 0; m < sizeof(masks) / sizeof(masks[0]); m++)
		for (size_t len = 1; len <= sizeof(got); len++) {
			size_t off = 0;

			r.findings = masks[m];
			want[0] = '\0';
			for (unsigned code = 0; code < DX_CONN_N; code++) {
				int w;

				if (!(masks[m] & (1u << code)) || off >= len)
					continue;
				w = snprintf(want + off, len - off, "%s%s", off ? "," : "",
					     diagnose_code(code)->name);
				off = off + (size_t)w < len ? off + (size_t)w : len - 1;
			}
			assert_string_equal(diagnose_flags_str(&r, got, len), want);
		}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(recorded_healthy_bulk_raises_no_finding),
		cmocka_unit_test(
			recorded_small_sndbuf_on_a_delayed_path_is_sndbuf_limited_and_fixed),
		cmocka_unit_test(
			recorded_small_rcvbuf_limits_the_sender_by_window_and_flags_the_receiver),
		cmocka_unit_test(recorded_slow_reader_shows_zero_window_on_both_ends),
		cmocka_unit_test(recorded_accept_overflow_is_critical_with_its_numbers),
		cmocka_unit_test(recorded_syn_queue_overflow_without_syncookies_drops),
		cmocka_unit_test(recorded_close_wait_leak_is_found_on_the_server_port),
		cmocka_unit_test(recorded_time_wait_burst_overflows_and_uses_up_ports),
		cmocka_unit_test(replay_is_deterministic),
		cmocka_unit_test(json_carries_limit_findings_and_bdp),
		cmocka_unit_test(limit_shares_come_from_the_interval_chronographs),
		cmocka_unit_test(a_quarter_of_buffer_limited_time_beats_a_larger_busy_remainder),
		cmocka_unit_test(below_a_quarter_the_busy_remainder_is_cwnd),
		cmocka_unit_test(a_window_bound_sender_deferring_for_more_window_is_rwnd),
		cmocka_unit_test(not_busy_is_idle_without_traffic_and_app_limited_with_some),
		cmocka_unit_test(a_full_buffer_all_in_flight_relabels_busy_time_as_sndbuf),
		cmocka_unit_test(an_old_kernel_falls_back_to_the_state_and_says_so),
		cmocka_unit_test(a_zero_window_at_one_sample_only_is_not_yet_a_stall),
		cmocka_unit_test(a_persist_timer_with_the_window_open_is_a_local_stall),
		cmocka_unit_test(retransmission_backoff_is_flagged_from_two_and_critical_from_five),
		cmocka_unit_test(a_window_far_above_the_bdp_is_not_flagged),
		cmocka_unit_test(a_send_buffer_that_grows_or_sits_at_the_maximum_is_not_fixed),
		cmocka_unit_test(a_growing_recv_queue_needs_the_reader_a_quarter_behind),
		cmocka_unit_test(
			unsent_data_piling_into_free_buffer_is_flagged_a_writer_refilling_a_full_one_is_not),
		cmocka_unit_test(sockets_still_connecting_get_no_connection_finding),
		cmocka_unit_test(close_wait_counts_only_sockets_held_since_the_previous_refresh),
		cmocka_unit_test(
			ephemeral_ports_toward_one_destination_warn_at_half_and_crit_at_ninety),
		cmocka_unit_test(findings_are_most_severe_first_and_capped),
		cmocka_unit_test(abort_on_overflow_is_raised_while_a_queue_is_full),
		cmocka_unit_test(flags_list_the_codes_and_explain_refuses_codes_the_row_lacks),
		cmocka_unit_test(the_code_table_is_complete),
		cmocka_unit_test(recorded_two_write_client_waits_for_delayed_acks_and_has_no_bdp),
		cmocka_unit_test(nagle_behind_a_delayed_ack_is_named_instead_of_cwnd),
		cmocka_unit_test(delayed_ack_needs_a_held_sub_mss_remainder_and_an_inflated_srtt),
		cmocka_unit_test(a_bdp_needs_the_interval_to_send_a_percent_of_the_delivery_rate),
		cmocka_unit_test(a_limited_senders_bdp_is_at_least_its_interval_mean_rate),
		cmocka_unit_test(syn_retries_name_only_the_destination_that_does_not_answer),
		cmocka_unit_test(a_connect_sent_twice_in_one_dump_counts_once),
		cmocka_unit_test(
			syn_retries_toward_a_full_local_listener_are_its_overflow_not_a_dead_peer),
		cmocka_unit_test(
			request_sockets_retransmitting_syn_acks_are_named_on_their_listener),
		cmocka_unit_test(fin_wait_orphans_count_once_held_across_a_refresh),
		cmocka_unit_test(orphans_warn_at_a_quarter_of_the_limit_and_crit_at_half_or_kills),
		cmocka_unit_test(tcp_memory_warns_past_pressure_and_is_critical_near_the_limit),
		cmocka_unit_test(a_window_capped_without_scaling_is_flagged_no_wscale),
		cmocka_unit_test(row_severity_is_the_worst_code_with_escalations),
		cmocka_unit_test(syn_queue_findings_are_judged_and_named_per_namespace),
		cmocka_unit_test(syncookies_name_the_listener_with_the_most_requests),
		cmocka_unit_test(duplicate_syns_to_queued_requests_are_not_dropped_attempts),
		cmocka_unit_test(abort_on_overflow_follows_each_namespaces_own_sysctl),
		cmocka_unit_test(time_wait_is_counted_against_each_namespaces_limit_and_overflows),
		cmocka_unit_test(ephemeral_ports_are_judged_against_the_namespaces_own_range),
		cmocka_unit_test(a_send_buffer_at_its_namespaces_tcp_wmem_max_is_at_max_not_fixed),
		cmocka_unit_test(host_wide_findings_sum_every_namespaces_counters_and_say_so),
		cmocka_unit_test(limit_and_flags_cells_read_as_their_printf_formats),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
