/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_model: rates, deltas, sweep, listeners and states computed from consecutive samples. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hash.h"
#include "model.h"
#include "testutil.h"

#define SEC 1000000000ull

/* Builds sockets into a frame by hand: the arithmetic is what is under test. */
static struct conn *add(struct frame *f, uint64_t cookie, unsigned state)
{
	struct conn *c = sample_push(&f->sample);

	c->cookie = cookie;
	c->state = (uint8_t)state;
	c->family = AF_INET;
	tu_addrs(c, &f->sample.arena, "10.0.0.1", "10.0.0.2");
	c->sport = 1000;
	c->dport = 2000;
	return c;
}

static struct tcpc *info(struct frame *f, struct conn *c)
{
	struct tcpc *ti = conn_block(c, &f->sample.arena, 0, NULL, 0);

	memset(ti, 0, sizeof(*ti));
	c->info_len = sizeof(struct tcpi);
	c->have |= CONN_HAS_INFO;
	return ti;
}

static uint32_t *skmem(struct frame *f, struct conn *c, uint32_t drops)
{
	uint32_t m[SKM_N] = { [SKM_DROPS] = drops };

	return conn_attach_skmem(c, &f->sample.arena, m, SKM_N);
}

static void begin(struct frame *f, uint64_t t_ns)
{
	frame_reset(f);
	f->mono_ns = t_ns;
}

static const struct row *row_of(const struct frame *f, uint64_t cookie)
{
	return frame_find(f, cookie);
}

static void new_socket_has_no_rates_until_its_second_sample(void **state)
{
	struct model *m = model_new();
	struct frame f = { 0 };
	struct tcpc *ti;

	(void)state;
	begin(&f, 1 * SEC);
	ti = info(&f, add(&f, 7, TS_ESTABLISHED));
	ti->bytes_acked = 5000;
	model_update(m, &f);
	assert_true(row_of(&f, 7)->flags & ROW_NEW);
	assert_false(row_of(&f, 7)->flags & ROW_RATES);
	assert_close(f.interval, 0, 0);

	begin(&f, 2 * SEC);
	ti = info(&f, add(&f, 7, TS_ESTABLISHED));
	ti->bytes_acked = 6000;
	model_update(m, &f);
	assert_false(row_of(&f, 7)->flags & ROW_NEW);
	assert_true(row_of(&f, 7)->flags & ROW_RATES);
	frame_free(&f);
	model_free(m);
}

static void rates_are_byte_deltas_in_bits_per_second_over_the_real_interval(void **state)
{
	struct model *m = model_new();
	struct frame f = { 0 };
	struct tcpc *ti;

	(void)state;
	begin(&f, 10 * SEC);
	ti = info(&f, add(&f, 1, TS_ESTABLISHED));
	ti->bytes_acked = 1000;
	ti->bytes_received = 500;
	model_update(m, &f);
	begin(&f, 10 * SEC + SEC / 2); /* 0.5 s later */
	ti = info(&f, add(&f, 1, TS_ESTABLISHED));
	ti->bytes_acked = 1000 + 62500;   /* 62500 B in 0.5 s = 1 Mbit/s */
	ti->bytes_received = 500 + 12500; /* 200 kbit/s */
	model_update(m, &f);
	assert_close(row_of(&f, 1)->tx_bps, 1e6, 1e-6);
	assert_close(row_of(&f, 1)->rx_bps, 2e5, 1e-6);
	assert_close(row_dt(&f, row_of(&f, 1)), 0.5, 1e-9);
	assert_close(f.interval, 0.5, 1e-9);
	frame_free(&f);
	model_free(m);
}

/*
 * What the diagnosis compares with stays in the model's table from
 * model_update to model_commit: the previous sample's queue, buffers and
 * state for a socket seen before, nothing for a new one; a new socket has
 * no interval (row_dt 0) even when the frame has one. The commit unties the
 * frame; the next refresh compares with what it committed.
 */
static void the_previous_sample_is_read_from_the_table_until_the_commit(void **state)
{
	struct model *m = model_new();
	struct frame f = { 0 };
	struct conn *c;
	const struct row *r;
	struct row_past pv;
	const struct row_past *p = &pv;

	(void)state;
	begin(&f, 10 * SEC);
	c = add(&f, 1, TS_ESTABLISHED);
	c->rqueue = 700;
	info(&f, c);
	model_update(m, &f);
	begin(&f, 12 * SEC);
	c = add(&f, 1, TS_CLOSE_WAIT);
	c->rqueue = 900;
	info(&f, c);
	info(&f, add(&f, 2, TS_ESTABLISHED));
	model_update(m, &f);
	assert_ptr_equal(f.model, m);
	r = row_of(&f, 1);
	pv = model_past(&f, r);
	assert_true(r->flags & ROW_PREV);
	assert_int_equal(p->prev.rqueue, 700);
	assert_int_equal(p->prev.state, TS_ESTABLISHED);
	assert_int_equal(p->state_since_ns, 12 * SEC); /* its state changed at this refresh */
	assert_close(row_dt(&f, r), 2.0, 1e-9);
	r = row_of(&f, 2);
	pv = model_past(&f, r);
	assert_false(r->flags & ROW_PREV);
	assert_int_equal(p->prev.rqueue, 0);
	assert_int_equal(p->prev.have, 0);
	assert_int_equal(p->state_since_ns, 12 * SEC);
	assert_true(row_dt(&f, r) == 0);
	model_commit(m, &f);
	assert_null(f.model);
	/* the next refresh has it again, from what the commit wrote */
	begin(&f, 13 * SEC);
	info(&f, add(&f, 1, TS_CLOSE_WAIT));
	model_update(m, &f);
	assert_ptr_equal(f.model, m);
	assert_int_equal(model_past(&f, row_of(&f, 1)).prev.rqueue, 900);
	assert_int_equal(model_past(&f, row_of(&f, 1)).state_since_ns, 12 * SEC);
	frame_free(&f);
	model_free(m);
}

static void retransmit_and_limited_time_deltas(void **state)
{
	struct model *m = model_new();
	struct frame f = { 0 };
	struct tcpc *ti;
	const struct row *r;

	(void)state;
	begin(&f, SEC);
	ti = info(&f, add(&f, 1, TS_ESTABLISHED));
	ti->total_retrans = 3;
	ti->busy_time = 1000;
	ti->rwnd_limited = 100;
	ti->sndbuf_limited = 10;
	model_update(m, &f);
	begin(&f, 2 * SEC);
	ti = info(&f, add(&f, 1, TS_ESTABLISHED));
	ti->total_retrans = 8;
	ti->busy_time = 901000;
	ti->rwnd_limited = 800100;
	ti->sndbuf_limited = 50010;
	model_update(m, &f);
	r = row_of(&f, 1);
	assert_true(r->flags & ROW_D_RETRANS);
	assert_int_equal(r->d_retrans, 5);
	assert_true(r->flags & ROW_D_LIMITS);
	assert_int_equal(r->d_busy_us, 900000);
	assert_int_equal(r->d_rwnd_us, 800000);
	assert_int_equal(r->d_sndbuf_us, 50000);
	frame_free(&f);
	model_free(m);
}

/* An older kernel without busy_time: no limit deltas, but rates still work. */
static void fields_the_kernel_did_not_send_give_no_delta(void **state)
{
	struct model *m = model_new();
	struct frame f = { 0 };
	struct conn *c;

	(void)state;
	for (int i = 1; i <= 2; i++) {
		begin(&f, (uint64_t)i * SEC);
		c = add(&f, 1, TS_ESTABLISHED);
		info(&f, c)->bytes_acked = (uint64_t)i * 1000;
		c->info_len = 160; /* 4.6: bytes_acked yes, busy_time no */
		model_update(m, &f);
	}
	assert_true(row_of(&f, 1)->flags & ROW_RATES);
	assert_false(row_of(&f, 1)->flags & ROW_D_LIMITS);
	frame_free(&f);
	model_free(m);
}

static void a_vanished_socket_is_forgotten(void **state)
{
	struct model *m = model_new();
	struct frame f = { 0 };

	(void)state;
	begin(&f, SEC);
	info(&f, add(&f, 1, TS_ESTABLISHED))->bytes_acked = 100;
	info(&f, add(&f, 2, TS_ESTABLISHED))->bytes_acked = 100;
	model_update(m, &f);
	assert_int_equal(model_size(m), 2);
	begin(&f, 2 * SEC);
	info(&f, add(&f, 1, TS_ESTABLISHED))->bytes_acked = 200;
	model_update(m, &f);
	assert_int_equal(model_size(m), 1);
	begin(&f, 3 * SEC);
	info(&f, add(&f, 1, TS_ESTABLISHED))->bytes_acked = 300;
	info(&f, add(&f, 2, TS_ESTABLISHED))->bytes_acked = 900;
	model_update(m, &f);
	/* cookie 2 came back: a new socket to the model, no rate against its old sample */
	assert_true(row_of(&f, 2)->flags & ROW_NEW);
	assert_false(row_of(&f, 2)->flags & ROW_RATES);
	assert_true(row_of(&f, 1)->flags & ROW_RATES);
	frame_free(&f);
	model_free(m);
}

static void byte_counters_going_backwards_give_no_rate(void **state)
{
	struct model *m = model_new();
	struct frame f = { 0 };

	(void)state;
	begin(&f, SEC);
	info(&f, add(&f, 1, TS_ESTABLISHED))->bytes_acked = 5000;
	model_update(m, &f);
	begin(&f, 2 * SEC);
	info(&f, add(&f, 1, TS_ESTABLISHED))->bytes_acked = 10;
	model_update(m, &f);
	assert_false(row_of(&f, 1)->flags & ROW_RATES);
	frame_free(&f);
	model_free(m);
}

static void state_counts_and_their_change(void **state)
{
	struct model *m = model_new();
	struct frame f = { 0 };

	(void)state;
	begin(&f, SEC);
	add(&f, 1, TS_ESTABLISHED);
	add(&f, 2, TS_TIME_WAIT);
	add(&f, 3, TS_TIME_WAIT);
	model_update(m, &f);
	assert_int_equal(f.states[TS_TIME_WAIT], 2);
	assert_false(f.has_states_delta);
	begin(&f, 2 * SEC);
	add(&f, 1, TS_CLOSE_WAIT);
	add(&f, 3, TS_TIME_WAIT);
	model_update(m, &f);
	assert_true(f.has_states_delta);
	assert_int_equal(f.states[TS_CLOSE_WAIT], 1);
	assert_int_equal(f.states_delta[TS_TIME_WAIT], -1);
	assert_int_equal(f.states_delta[TS_ESTABLISHED], -1);
	assert_int_equal(f.states_delta[TS_CLOSE_WAIT], 1);
	frame_free(&f);
	model_free(m);
}

static struct conn *listener(struct frame *f, uint64_t cookie, int family, const char *addr,
			     uint16_t port)
{
	struct conn *c = add(f, cookie, TS_LISTEN);

	c->family = (uint8_t)family;
	tu_addrs(c, &f->sample.arena, addr, NULL);
	c->sport = port;
	c->dport = 0;
	return c;
}

static void request(struct frame *f, uint64_t cookie, int family, const char *addr, uint16_t port)
{
	struct conn *c = add(f, cookie, TS_SYN_RECV);

	c->family = (uint8_t)family;
	tu_addrs(c, &f->sample.arena, addr, NULL);
	c->sport = port;
}

static const struct listener *lst(const struct frame *f, uint64_t cookie)
{
	const struct row *r = row_of(f, cookie);

	return r ? row_lst(r) : NULL;
}

static void syn_requests_go_to_the_exact_listener_else_the_wildcard(void **state)
{
	struct model *m = model_new();
	struct frame f = { 0 };

	(void)state;
	begin(&f, SEC);
	listener(&f, 1, AF_INET, "0.0.0.0", 80);
	listener(&f, 2, AF_INET, "10.0.0.1", 80);
	listener(&f, 3, AF_INET6, "::", 443); /* dual-stack */
	listener(&f, 4, AF_INET6, "::", 8443)->v6only = 1;
	listener(&f, 5, AF_INET, "0.0.0.0", 8443);
	request(&f, 10, AF_INET, "10.0.0.1", 80);      /* -> 2 (exact) */
	request(&f, 11, AF_INET, "10.0.0.9", 80);      /* -> 1 (wildcard) */
	request(&f, 12, AF_INET, "192.168.1.1", 80);   /* -> 1 */
	request(&f, 13, AF_INET, "10.0.0.1", 443);     /* -> 3 (dual-stack takes IPv4) */
	request(&f, 14, AF_INET6, "2001:db8::1", 443); /* -> 3 */
	request(&f, 15, AF_INET, "10.0.0.1", 8443);    /* -> 5, not the v6only 4 */
	request(&f, 16, AF_INET6, "::1", 8443);        /* -> 4 */
	request(&f, 17, AF_INET, "10.0.0.1", 9999);    /* nobody's */
	model_update(m, &f);
	assert_int_equal(f.nlisteners, 5);
	assert_int_equal(lst(&f, 1)->syn_q, 2);
	assert_int_equal(lst(&f, 2)->syn_q, 1);
	assert_int_equal(lst(&f, 3)->syn_q, 2);
	assert_int_equal(lst(&f, 4)->syn_q, 1);
	assert_int_equal(lst(&f, 5)->syn_q, 1);
	frame_free(&f);
	model_free(m);
}

static void reuseport_listeners_share_their_syn_queue(void **state)
{
	struct model *m = model_new();
	struct frame f = { 0 };

	(void)state;
	begin(&f, SEC);
	listener(&f, 1, AF_INET, "0.0.0.0", 80);
	listener(&f, 2, AF_INET, "0.0.0.0", 80);
	listener(&f, 3, AF_INET, "0.0.0.0", 81);
	for (uint64_t i = 0; i < 5; i++)
		request(&f, 100 + i, AF_INET, "10.0.0.1", 80);
	model_update(m, &f);
	assert_int_equal(lst(&f, 1)->shared, 2);
	assert_int_equal(lst(&f, 2)->shared, 2);
	assert_int_equal(lst(&f, 1)->syn_q, 5);
	assert_int_equal(lst(&f, 2)->syn_q, 5);
	assert_int_equal(lst(&f, 3)->shared, 1);
	assert_int_equal(lst(&f, 3)->syn_q, 0);
	frame_free(&f);
	model_free(m);
}

/* Rows [first, first + n) of the frame are one namespace (as nsset_collect lays them out). */
static struct frame_ns *ns_range(struct frame *f, uint32_t first, uint32_t n, uint8_t kind)
{
	struct frame_ns *ns = frame_ns_push(f);

	ns->first = first;
	ns->n = n;
	ns->kind = kind;
	ns->have_files = true;
	return ns;
}

/*
 * -N all: the same address and port in two namespaces are two listeners,
 * not a SO_REUSEPORT group, and a request socket is its own namespace's;
 * the SYN queue limit follows that namespace's sysctls.
 */
static void listeners_of_two_namespaces_never_share(void **state)
{
	struct model *m = model_new();
	struct frame f = { 0 };
	struct frame_ns *b;

	(void)state;
	begin(&f, SEC);
	f.kernel = "6.18.0";
	f.tun.n[TUN_MAX_SYN_BACKLOG] = 1;
	f.tun.v[TUN_MAX_SYN_BACKLOG][0] = 4096;
	f.tun.n[TUN_SYNCOOKIES] = 1;
	f.tun.v[TUN_SYNCOOKIES][0] = 1;
	listener(&f, 1, AF_INET, "127.0.0.1", 8080)->wqueue = 4096; /* host */
	request(&f, 10, AF_INET, "127.0.0.1", 8080);
	listener(&f, 2, AF_INET, "127.0.0.1", 8080)->wqueue = 4096; /* namespace b */
	for (uint64_t i = 0; i < 3; i++)
		request(&f, 20 + i, AF_INET, "127.0.0.1", 8080);
	ns_range(&f, 0, 2, NSK_HOST);
	ns_range(&f, 2, 0, NSK_PROCESS); /* an empty namespace in between */
	b = ns_range(&f, 2, 4, NSK_NAMED);
	b->tun.n[TUN_MAX_SYN_BACKLOG] = 1;
	b->tun.v[TUN_MAX_SYN_BACKLOG][0] = 128;
	b->tun.n[TUN_SYNCOOKIES] = 1;
	b->tun.v[TUN_SYNCOOKIES][0] = 0;
	model_update(m, &f);
	frame_ns_link(&f);
	assert_int_equal(f.nlisteners, 2);
	assert_int_equal(lst(&f, 1)->shared, 1);
	assert_int_equal(lst(&f, 2)->shared, 1);
	assert_int_equal(lst(&f, 1)->syn_q, 1);
	assert_int_equal(lst(&f, 2)->syn_q, 3);
	/* syncookies off in b: 128 - 128/4 for unproven clients; the host's is the backlog */
	assert_int_equal(lst(&f, 1)->syn_max, model_syn_max(6, 18, 4096, 4096, 1));
	assert_int_equal(lst(&f, 2)->syn_max, model_syn_max(6, 18, 4096, 128, 0));
	assert_true(lst(&f, 1)->syn_max != lst(&f, 2)->syn_max);
	assert_ptr_equal(row_ns(row_of(&f, 2)), &f.nsv[2]);
	frame_free(&f);
	model_free(m);
}

static void listener_queue_and_drops_delta(void **state)
{
	struct model *m = model_new();
	struct frame f = { 0 };
	struct conn *c;

	(void)state;
	begin(&f, SEC);
	c = listener(&f, 1, AF_INET, "0.0.0.0", 80);
	c->rqueue = 129;
	c->wqueue = 128;
	skmem(&f, c, 40);
	model_update(m, &f);
	assert_int_equal(lst(&f, 1)->accept_q, 129);
	assert_int_equal(lst(&f, 1)->accept_max, 128);
	assert_true(lst(&f, 1)->flags & LST_DROPS);
	assert_false(lst(&f, 1)->flags & LST_DROPS_DELTA);
	begin(&f, 2 * SEC);
	c = listener(&f, 1, AF_INET, "0.0.0.0", 80);
	skmem(&f, c, 55);
	model_update(m, &f);
	assert_true(lst(&f, 1)->flags & LST_DROPS_DELTA);
	assert_int_equal(lst(&f, 1)->drops_delta, 15);
	assert_int_equal(lst(&f, 1)->drops, 55);
	frame_free(&f);
	model_free(m);
}

static void selected_connection_carries_its_last_60_samples(void **state)
{
	struct model *m = model_new();
	struct frame f = { 0 };

	(void)state;
	model_select(m, 9);
	for (int i = 0; i < 70; i++) {
		struct tcpc *ti;

		begin(&f, (uint64_t)(i + 1) * SEC);
		ti = info(&f, add(&f, 9, TS_ESTABLISHED));
		ti->rtt = (uint32_t)(1000 * (i + 1)); /* i+1 ms */
		ti->snd_cwnd = 10;
		ti->bytes_acked = (uint64_t)i * 125000; /* 1 Mbit/s */
		info(&f, add(&f, 10, TS_ESTABLISHED));
		model_update(m, &f);
	}
	assert_int_equal(f.hist.cookie, 9);
	assert_int_equal(f.hist.n, HIST_LEN);
	assert_close(f.hist.v[HIST_RTT][HIST_LEN - 1], 70.0f, 1e-4);
	assert_close(f.hist.v[HIST_RTT][0], 11.0f, 1e-4);
	assert_close(f.hist.v[HIST_TX][HIST_LEN - 1], 1e6f, 1.0f);
	frame_free(&f);
	model_free(m);
}

/* The recording's two refreshes, replayed: the rate is exactly what its bytes say. */
static void recorded_bulk_transfer_rate_matches_its_bytes(void **state)
{
	struct frame fr[2];
	const struct row *r1 = NULL;
	const struct row *r0;
	double want;

	(void)state;
	tu_frames("ipv4_bulk.rec", fr, 2);
	for (size_t i = 0; i < frame_nrows(&fr[1]); i++)
		if (fr[1].rows[i].c->state == TS_ESTABLISHED && fr[1].rows[i].c->dport == 5001)
			r1 = &fr[1].rows[i];
	assert_non_null(r1);
	r0 = frame_find(&fr[0], r1->c->cookie);
	assert_non_null(r0);
	want = (double)(CONN_TI(r1->c, bytes_acked) - CONN_TI(r0->c, bytes_acked)) * 8 /
	       ((double)(fr[1].mono_ns - fr[0].mono_ns) / 1e9);
	assert_true(want > 0);
	assert_close(r1->tx_bps, want, want * 1e-9);
	frame_free(&fr[0]);
	frame_free(&fr[1]);
}

/* Today's rule: the accept queue's limit; syncookies off keeps a quarter of tcp_max_syn_backlog. */
static void syn_queue_limit_is_the_backlog_since_the_request_socket_rework(void **state)
{
	(void)state;
	assert_int_equal(model_syn_max(6, 18, 128, 512, 1), 128);
	assert_int_equal(model_syn_max(6, 18, 4096, 1024, 1), 4096); /* cookies: no quarter */
	assert_int_equal(model_syn_max(6, 18, 128, 512, 0), 128);    /* 384 for strangers */
	assert_int_equal(model_syn_max(6, 18, 4096, 1024, 0), 768);  /* 1024 - 1024/4 */
	assert_int_equal(model_syn_max(6, 18, 4096, -1, 0), 0);      /* unknown: say so */
	assert_int_equal(model_syn_max(6, 18, 4096, -1, 1), 4096);   /* not needed */
	assert_int_equal(model_syn_max(6, 18, 0, 512, 1), 0);
}

/* Before 4.4: roundup_pow_of_two(max(8, min(backlog, tcp_max_syn_backlog)) + 1). */
static void syn_queue_limit_before_4_4_is_the_power_of_two_table(void **state)
{
	(void)state;
	assert_int_equal(model_syn_max(3, 10, 128, 512, 1), 256);  /* 129 -> 256 */
	assert_int_equal(model_syn_max(3, 10, 5, 512, 1), 16);     /* max(8, 5) + 1 = 9 */
	assert_int_equal(model_syn_max(3, 10, 1000, 100, 1), 128); /* min(1000, 100) + 1 */
	assert_int_equal(model_syn_max(3, 10, 1000, 100, 0), 75);  /* the quarter: 100 - 25 */
	assert_int_equal(model_syn_max(4, 3, 255, 1024, 1), 256);  /* 256 exactly */
	assert_int_equal(model_syn_max(4, 3, 256, 1024, 1), 512);
	assert_int_equal(model_syn_max(4, 3, 128, -1, 1), 0);
}

static void syn_queue_rule_switches_at_4_4(void **state)
{
	(void)state;
	assert_int_equal(model_syn_max(4, 3, 128, 512, 1), 256);
	assert_int_equal(model_syn_max(4, 4, 128, 512, 1), 128);
	assert_int_equal(model_syn_max(5, 0, 128, 512, 1), 128);
	assert_int_equal(model_syn_max(0, 0, 128, 512, 1), 0); /* unknown kernel */
}

static void kernel_release_strings_give_major_and_minor(void **state)
{
	int a = 0, b = 0;

	(void)state;
	assert_true(model_kernel_version("4.3.0-1-amd64", &a, &b));
	assert_int_equal(a, 4);
	assert_int_equal(b, 3);
	assert_true(model_kernel_version("6.18.44-fc-v657", &a, &b));
	assert_int_equal(a, 6);
	assert_int_equal(b, 18);
	assert_false(model_kernel_version("?", &a, &b));
	assert_false(model_kernel_version("", &a, &b));
	assert_false(model_kernel_version("6", &a, &b));
	assert_false(model_kernel_version(NULL, &a, &b));
}

/* The model fills syn_max from the frame's kernel and sysctls; request retransmits counted. */
static void listeners_carry_their_syn_limit_and_retransmitting_requests(void **state)
{
	struct model *m = model_new();
	struct frame f = { 0 };
	struct conn *c;

	(void)state;
	begin(&f, SEC);
	f.kernel = "6.18.0";
	f.tun.v[TUN_MAX_SYN_BACKLOG][0] = 1024;
	f.tun.n[TUN_MAX_SYN_BACKLOG] = 1;
	f.tun.v[TUN_SYNCOOKIES][0] = 0;
	f.tun.n[TUN_SYNCOOKIES] = 1;
	c = listener(&f, 1, AF_INET, "0.0.0.0", 80);
	c->wqueue = 4096;
	request(&f, 10, AF_INET, "10.0.0.1", 80);
	c = add(&f, 11, TS_SYN_RECV);
	c->family = AF_INET;
	tu_addrs(c, &f.sample.arena, "10.0.0.1", NULL);
	c->sport = 80;
	c->retrans = 3;
	model_update(m, &f);
	assert_int_equal(lst(&f, 1)->syn_max, 768);
	assert_int_equal(lst(&f, 1)->syn_q, 2);
	assert_int_equal(lst(&f, 1)->syn_retrying, 1);
	assert_int_equal(lst(&f, 1)->syn_retries, 3);
	begin(&f, 2 * SEC);
	f.kernel = "?"; /* a recording without a release: unknown, not guessed */
	listener(&f, 1, AF_INET, "0.0.0.0", 80)->wqueue = 4096;
	model_update(m, &f);
	assert_int_equal(lst(&f, 1)->syn_max, 0);
	frame_free(&f);
	model_free(m);
}

/* Whether cookie k is in refresh r's dump: churn of every kind, growing then shrinking. */
static bool churn_has(uint64_t k, int r)
{
	uint64_t span = r < 12 ? 500u + 700u * (uint64_t)r : 9000u - 600u * (uint64_t)(r - 12);

	return k <= span && (k * 7 + (uint64_t)r) % 5 != 0 && (k + (uint64_t)r) % 11 != 3;
}

/*
 * The table is updated in place and swept by backward shift: through
 * refreshes that add, keep and drop thousands of sockets (the table grows
 * and shrinks), every socket is new exactly when the refresh before did not
 * have it, keeps its rates otherwise, and the table holds what the last
 * dump held.
 */
static void in_place_table_survives_churn(void **state)
{
	struct model *m = model_new();
	struct frame f = { 0 };

	(void)state;
	for (int r = 0; r < 24; r++) {
		size_t n = 0;

		begin(&f, (uint64_t)(r + 1) * SEC);
		for (uint64_t k = 1; k <= 9000; k++) {
			if (!churn_has(k, r))
				continue;
			info(&f, add(&f, k * 2654435761u, TS_ESTABLISHED))->bytes_acked =
				k * 1000 + (uint64_t)r * k;
			n++;
		}
		model_update(m, &f);
		assert_int_equal(model_size(m), n);
		for (size_t i = 0; i < f.sample.n; i++) {
			const struct row *w = &f.rows[i];
			uint64_t k = w->c->cookie / 2654435761u, first;
			bool had = r > 0 && churn_has(k, r - 1);

			assert_int_equal(!!(w->flags & ROW_NEW), !had);
			assert_int_equal(!!(w->flags & ROW_RATES), had);
			if (had)
				assert_close(w->tx_bps, (double)k * 8.0, 1e-6);
			/* first seen: the refresh that began its current stretch; 0 for the first one */
			int since = r;

			while (since > 0 && churn_has(k, since - 1))
				since--;
			assert_true(model_first_seen(m, w->c->cookie, &first));
			assert_int_equal(first, since ? (uint64_t)(since + 1) * SEC : 0);
		}
		for (uint64_t k = 1; k <= 9000; k += 97) {
			uint64_t first;

			assert_int_equal(model_first_seen(m, k * 2654435761u, &first),
					 churn_has(k, r));
		}
	}
	frame_free(&f);
	model_free(m);
}

/* Index load <= 3/4, entries in the dense array, nothing held that is not needed. */
static void assert_table_fits(const struct model *m)
{
	struct model_mem mm;

	model_mem(m, &mm);
	assert_int_equal(mm.entries, model_size(m));
	assert_true(mm.entry_cap >= mm.entries);
	assert_true(mm.entries * 4 <= mm.index_cap * 3);
}

/* One refresh at t seconds of the sockets with cookies [lo, hi), their bytes at k * 1000 + t. */
static void refresh_range(struct model *m, struct frame *f, uint64_t t, uint64_t lo, uint64_t hi)
{
	begin(f, t * SEC);
	for (uint64_t k = lo; k < hi; k++)
		info(f, add(f, k, TS_ESTABLISHED))->bytes_acked = k * 1000 + t;
	model_update(m, f);
}

/*
 * The table grows from ten sockets to 20,000 in one refresh and in 1.25x
 * steps within refreshes, shrinks when most go, and every socket keeps its
 * rate throughout (8 bits in one second: one byte more per refresh).
 */
static void table_grows_and_shrinks_keeping_every_rate(void **state)
{
	struct model *m = model_new();
	struct frame f = { 0 };
	struct model_mem mm;
	static const uint64_t spans[][2] = {
		{ 1, 11 },       { 1, 20001 },     { 1, 20001 },     { 1, 26001 },
		{ 5000, 40000 }, { 39900, 40000 }, { 39900, 40000 }, { 1, 300 },
	};

	(void)state;
	for (size_t r = 0; r < sizeof(spans) / sizeof(spans[0]); r++) {
		refresh_range(m, &f, r + 1, spans[r][0], spans[r][1]);
		assert_int_equal(model_size(m), spans[r][1] - spans[r][0]);
		assert_table_fits(m);
		for (size_t i = 0; i < f.sample.n; i++) {
			const struct row *w = &f.rows[i];
			uint64_t k = w->c->cookie;
			bool had = r > 0 && k >= spans[r - 1][0] && k < spans[r - 1][1];

			assert_int_equal(!!(w->flags & ROW_NEW), !had);
			if (had)
				assert_close(w->tx_bps, 8.0, 1e-9);
		}
	}
	model_mem(m, &mm);
	assert_true(mm.index_cap <= 1024); /* 299 sockets: back to the smallest index */
	assert_true(mm.entry_cap <= 512);
	frame_free(&f);
	model_free(m);
}

/*
 * Cookies whose homes are the index's last positions make clusters that
 * wrap to its start; deleting from them, in every order the refreshes
 * give, keeps every other socket findable with its own previous values.
 */
static void index_clusters_that_wrap_survive_deletion(void **state)
{
	struct model *m = model_new();
	struct frame f = { 0 };
	uint64_t ck[48];
	size_t nck = 0;
	struct model_mem mm;

	(void)state;
	/* 200 sockets: the index is the smallest one, 1024 positions */
	for (uint64_t k = 1; nck < 48; k++)
		if (hash_u64(k) % 1024 >= 1016)
			ck[nck++] = k;
	for (int r = 0; r < 40; r++) {
		begin(&f, (uint64_t)(r + 1) * SEC);
		for (size_t j = 0; j < nck; j++)
			if ((j * 7 + (size_t)r) % 3 != 0)
				info(&f, add(&f, ck[j], TS_ESTABLISHED))->bytes_acked =
					ck[j] * 100 + (uint64_t)r * j;
		for (uint64_t k = 1000000; k < 1000152; k++)
			info(&f, add(&f, k, TS_ESTABLISHED))->bytes_acked = k + (uint64_t)r;
		model_update(m, &f);
		model_mem(m, &mm);
		assert_int_equal(mm.index_cap, 1024);
		for (size_t i = 0; i < f.sample.n; i++) {
			const struct row *w = &f.rows[i];
			size_t j;

			for (j = 0; j < nck && ck[j] != w->c->cookie; j++)
				;
			if (j == nck) {
				assert_int_equal(!!(w->flags & ROW_NEW), r == 0);
				if (r)
					assert_close(w->tx_bps, 8.0, 1e-9);
				continue;
			}
			bool had = r > 0 && (j * 7 + (size_t)r - 1) % 3 != 0;

			assert_int_equal(!!(w->flags & ROW_NEW), !had);
			if (had)
				assert_close(w->tx_bps, (double)j * 8.0, 1e-9);
		}
		for (size_t j = 0; j < nck; j++) {
			uint64_t first;

			assert_int_equal(model_first_seen(m, ck[j], &first),
					 (j * 7 + (size_t)r) % 3 != 0);
		}
	}
	frame_free(&f);
	model_free(m);
}

/*
 * Counters past 32 bits (bytes past 4 GiB, busy time past 71 minutes) and
 * drops are kept at full width: the deltas are exact across the boundary
 * both ways, and a counter going back is still no value. A chronograph's
 * delta is held in 32 bits (it advances no faster than time): one over
 * that, an interval of more than 71 minutes, is no value either.
 */
static void counters_past_32_bits_keep_exact_deltas(void **state)
{
	struct model *m = model_new();
	struct frame f = { 0 };
	static const uint64_t acked[] = {
		4000000000ull, 4400000000ull, 9000000000000ull, 10, 25, 40
	};
	static const uint64_t busy[] = { 4294000000ull, 4295000000ull, 4295000500ull, 20, 20,
					 4300000020ull };
	static const size_t wide[] = { 0, 1, 1, 0, 0, 1 };
	struct model_mem mm;

	(void)state;
	for (int r = 0; r < 6; r++) {
		struct tcpc *ti;
		const struct row *w;

		begin(&f, (uint64_t)(r + 1) * SEC);
		ti = info(&f, add(&f, 1, TS_ESTABLISHED));
		ti->bytes_acked = acked[r];
		ti->busy_time = busy[r];
		info(&f, add(&f, 2, TS_ESTABLISHED))->bytes_acked = (uint64_t)r * 1000;
		model_update(m, &f);
		model_mem(m, &mm);
		assert_int_equal(mm.wide, wide[r]);
		w = row_of(&f, 1);
		if (r == 0)
			continue;
		assert_int_equal(!!(w->flags & ROW_RATES), acked[r] >= acked[r - 1]);
		if (acked[r] >= acked[r - 1])
			assert_close(w->tx_bps, (double)(acked[r] - acked[r - 1]) * 8.0, 1e-3);
		assert_int_equal(!!(w->flags & ROW_D_LIMITS),
				 busy[r] >= busy[r - 1] && busy[r] - busy[r - 1] <= UINT32_MAX);
		if (w->flags & ROW_D_LIMITS)
			assert_int_equal(w->d_busy_us, busy[r] - busy[r - 1]);
		assert_close(row_of(&f, 2)->tx_bps, 8000.0, 1e-9);
	}
	frame_free(&f);
	model_free(m);
}

/* A listener's drops other than 0 need the wide record; the delta is the same either way. */
static void listener_drops_from_zero_and_back(void **state)
{
	struct model *m = model_new();
	struct frame f = { 0 };
	static const uint32_t drops[] = { 0, 0, 7, 7, 12, 0 };
	struct model_mem mm;

	(void)state;
	for (int r = 0; r < 6; r++) {
		begin(&f, (uint64_t)(r + 1) * SEC);
		skmem(&f, listener(&f, 1, AF_INET, "0.0.0.0", 80), drops[r]);
		model_update(m, &f);
		model_mem(m, &mm);
		assert_int_equal(mm.wide, drops[r] ? 1 : 0);
		assert_int_equal(lst(&f, 1)->drops, drops[r]);
		if (r == 0) {
			assert_false(lst(&f, 1)->flags & LST_DROPS_DELTA);
			continue;
		}
		/* a counter that went back (a new socket under the same cookie cannot, but say so) */
		assert_int_equal(!!(lst(&f, 1)->flags & LST_DROPS_DELTA), drops[r] >= drops[r - 1]);
		if (drops[r] >= drops[r - 1])
			assert_int_equal(lst(&f, 1)->drops_delta, drops[r] - drops[r - 1]);
	}
	frame_free(&f);
	model_free(m);
}

/*
 * The time a socket entered its state is the exact refresh time (ns), kept
 * once per distinct time however many sockets count from it, and given
 * back when the last of them changes state or goes.
 */
static void state_since_is_the_exact_refresh_time_of_the_change(void **state)
{
	struct model *m = model_new();
	struct frame f = { 0 };
	uint64_t since[64] = { 0 };
	unsigned was[64] = { 0 };
	struct model_mem mm;

	(void)state;
	for (int r = 0; r < 30; r++) {
		uint64_t t = (uint64_t)(r + 1) * SEC + (uint64_t)r * 1234567u;

		begin(&f, t);
		for (uint64_t k = 0; k < 64; k++) {
			unsigned st;

			if ((k + (uint64_t)r) % 9 == 0)
				continue; /* gone this refresh: back as new next time */
			st = (k * (uint64_t)r / 7) % 2 ? TS_CLOSE_WAIT : TS_ESTABLISHED;
			add(&f, k + 1, st);
		}
		model_update(m, &f);
		for (uint64_t k = 0; k < 64; k++) {
			const struct row *w = row_of(&f, k + 1);

			if (!w) {
				was[k] = 0;
				continue;
			}
			if (w->c->state != was[k])
				since[k] = t;
			was[k] = w->c->state;
			assert_int_equal(model_past(&f, w).state_since_ns, since[k]);
		}
		model_mem(m, &mm);
		assert_true(mm.times <= (size_t)r + 1);
		assert_true(mm.times <= model_size(m));
	}
	/* everyone gone: no time is kept */
	begin(&f, 100 * SEC);
	model_update(m, &f);
	model_mem(m, &mm);
	assert_int_equal(mm.times, 0);
	assert_int_equal(mm.wide, 0);
	frame_free(&f);
	model_free(m);
}

/* The same cookie twice in one dump: the first is the socket, the second no second entry. */
static void a_cookie_twice_in_one_dump_is_one_socket(void **state)
{
	struct model *m = model_new();
	struct frame f = { 0 };

	(void)state;
	begin(&f, SEC);
	info(&f, add(&f, 5, TS_ESTABLISHED))->bytes_acked = 100;
	info(&f, add(&f, 5, TS_ESTABLISHED))->bytes_acked = 999;
	model_update(m, &f);
	assert_int_equal(model_size(m), 1);
	begin(&f, 2 * SEC);
	info(&f, add(&f, 5, TS_ESTABLISHED))->bytes_acked = 200;
	model_update(m, &f);
	assert_close(row_of(&f, 5)->tx_bps, 800.0, 1e-9);
	frame_free(&f);
	model_free(m);
}

/* What a socket's sample holds that the diagnosis compares across refreshes. */
struct pv {
	unsigned state;
	uint32_t rq, notsent, snd_wnd, rcv_wnd, tb, rb;
	uint8_t timer, backoff;
	bool skmem; /* tb and rb sent */
};

static struct conn *sock(struct frame *f, uint64_t cookie, const struct pv *v)
{
	struct conn *c = add(f, cookie, v->state);
	struct tcpc *ti = info(f, c);

	c->rqueue = v->rq;
	c->timer = v->timer;
	ti->notsent_bytes = v->notsent;
	ti->snd_wnd = v->snd_wnd;
	ti->rcv_wnd = v->rcv_wnd;
	ti->backoff = v->backoff;
	if (v->skmem) {
		uint32_t m[SKM_N] = { [SKM_SNDBUF] = v->tb, [SKM_RCVBUF] = v->rb };

		conn_attach_skmem(c, &f->sample.arena, m, SKM_N); /* copies the tcpc */
	}
	return c;
}

/* The row's past is exactly v (every value sent; tb and rb with skmem, else 0). */
static void assert_past_is(const struct frame *f, const struct row *r, const struct pv *v)
{
	struct row_prev p = model_past(f, r).prev;
	unsigned have = PREV_NOTSENT | PREV_BACKOFF | PREV_SND_WND | PREV_RCV_WND;

	assert_true(r->flags & ROW_PREV);
	assert_int_equal(p.state, v->state);
	assert_int_equal(p.rqueue, v->rq);
	assert_int_equal(p.notsent, v->notsent);
	assert_int_equal(p.snd_wnd, v->snd_wnd);
	assert_int_equal(p.rcv_wnd, v->rcv_wnd);
	assert_int_equal(p.timer, v->timer);
	assert_int_equal(p.backoff, v->backoff);
	assert_int_equal(p.sndbuf, v->skmem ? v->tb : 0);
	assert_int_equal(p.rcvbuf, v->skmem ? v->rb : 0);
	assert_int_equal(p.have, have | (v->skmem ? PREV_SKMEM : 0));
}

static void assert_no_past(const struct frame *f, const struct row *r)
{
	struct row_prev p = model_past(f, r).prev, zero = { 0 };

	assert_false(r->flags & ROW_PREV);
	assert_memory_equal(&p, &zero, sizeof(p));
}

static const struct pv pv_a = { TS_ESTABLISHED, 100, 200, 300, 400, 16384, 32768, 0, 0, true };
static const struct pv pv_b = { TS_ESTABLISHED, 101,   201,           0, 401,
				16385,          32769, TIMER_RETRANS, 2, true };
static const struct pv pv_c = { TS_CLOSE_WAIT, 102, 202, 302, 0, 0, 0, TIMER_PERSIST, 3, false };
static const struct pv pv_d = { TS_CLOSE_WAIT, 103, 203, 303, 403, 1, 2, 0, 0, true };

/*
 * From model_update to model_commit the diagnosis reads the previous
 * sample's values from the table (model_past), not this sample's; the
 * commit writes this sample's, have bits included (skmem not sent: no
 * buffers next time), and the refresh after compares with them.
 */
static void the_table_holds_the_previous_sample_until_the_commit_writes_this_one(void **state)
{
	static const struct pv *seq[] = { &pv_a, &pv_b, &pv_c, &pv_d, &pv_a };
	struct model *m = model_new();
	struct frame f = { 0 };

	(void)state;
	for (size_t r = 0; r < sizeof(seq) / sizeof(seq[0]); r++) {
		begin(&f, (r + 1) * SEC);
		sock(&f, 9, seq[r]);
		model_update(m, &f);
		assert_ptr_equal(f.model, m);
		if (r == 0)
			assert_no_past(&f, row_of(&f, 9));
		else
			assert_past_is(&f, row_of(&f, 9), seq[r - 1]);
		/* since when in its state: this refresh's view, not the previous one's */
		assert_int_equal(model_past(&f, row_of(&f, 9)).state_since_ns,
				 seq[r]->state == TS_CLOSE_WAIT ? 3 * SEC
				 : r == 4                       ? 5 * SEC
								: 1 * SEC);
		model_commit(m, &f);
		assert_null(f.model);
	}
	frame_free(&f);
	model_free(m);
}

/* A socket new in this refresh has no past until its values are committed; then it has them. */
static void a_new_socket_has_no_past_until_its_sample_is_committed(void **state)
{
	struct model *m = model_new();
	struct frame f = { 0 };

	(void)state;
	begin(&f, 1 * SEC);
	sock(&f, 1, &pv_a);
	model_update(m, &f);
	model_commit(m, &f);
	begin(&f, 2 * SEC);
	sock(&f, 1, &pv_b);
	sock(&f, 2, &pv_c);
	model_update(m, &f);
	assert_true(row_of(&f, 2)->flags & ROW_NEW);
	assert_no_past(&f, row_of(&f, 2));
	assert_int_equal(model_past(&f, row_of(&f, 2)).state_since_ns, 2 * SEC);
	assert_past_is(&f, row_of(&f, 1), &pv_a);
	model_commit(m, &f);
	begin(&f, 3 * SEC);
	sock(&f, 2, &pv_d);
	model_update(m, &f);
	assert_past_is(&f, row_of(&f, 2), &pv_c);
	assert_int_equal(model_past(&f, row_of(&f, 2)).state_since_ns, 2 * SEC);
	model_commit(m, &f);
	frame_free(&f);
	model_free(m);
}

/*
 * The same cookie twice in one dump: the first row is the socket (its past
 * the previous sample, its values the ones committed), the second has no
 * past at all (nor a time in its state).
 */
static void a_cookie_twice_in_one_dump_commits_its_first_row(void **state)
{
	struct model *m = model_new();
	struct frame f = { 0 };

	(void)state;
	begin(&f, 1 * SEC);
	sock(&f, 5, &pv_a);
	model_update(m, &f);
	model_commit(m, &f);
	begin(&f, 2 * SEC);
	sock(&f, 5, &pv_b);
	sock(&f, 5, &pv_c);
	model_update(m, &f);
	assert_past_is(&f, &f.rows[0], &pv_a);
	assert_int_equal(f.rows[1].flags, ROW_DUP); /* nothing else: views and diagnosis skip it */
	assert_no_past(&f, &f.rows[1]);
	assert_int_equal(model_past(&f, &f.rows[1]).state_since_ns, 0);
	model_commit(m, &f);
	begin(&f, 3 * SEC);
	sock(&f, 5, &pv_d);
	model_update(m, &f);
	assert_past_is(&f, row_of(&f, 5), &pv_b);
	model_commit(m, &f);
	frame_free(&f);
	model_free(m);
}

/*
 * A refresh whose new sockets outgrow the table while the ones gone are
 * still in it (the entries remapped, the index rebuilt mid-update), then
 * the sweep moving entries into the holes of the gone ones: every row still
 * reads its own socket's past, and the commit writes into its own entry.
 */
static void rows_find_their_entries_after_the_table_grows_and_the_sweep_moves_them(void **state)
{
	struct model *m = model_new();
	struct frame f = { 0 };
	struct model_mem mm;
	size_t n = 0;

	(void)state;
	begin(&f, 1 * SEC);
	for (uint64_t k = 1; k <= 3000; k++)
		add(&f, k, TS_ESTABLISHED)->rqueue = (uint32_t)k;
	model_update(m, &f);
	model_commit(m, &f);
	begin(&f, 2 * SEC);
	for (uint64_t k = 1; k <= 6000; k++)
		if (k > 3000 || k % 3) {
			add(&f, k, k % 2 ? TS_ESTABLISHED : TS_CLOSE_WAIT)->rqueue =
				(uint32_t)k + 1;
			n++;
		}
	model_update(m, &f);
	model_mem(m, &mm);
	assert_int_equal(model_size(m), n);
	assert_true(mm.entry_cap >= 6000); /* it held 6,000 entries within the update */
	for (size_t i = 0; i < f.sample.n; i++) {
		const struct row *r = &f.rows[i];
		uint64_t k = r->c->cookie;
		struct row_past p = model_past(&f, r);

		if (k > 3000) {
			assert_no_past(&f, r);
			assert_int_equal(p.state_since_ns, 2 * SEC);
			continue;
		}
		assert_true(r->flags & ROW_PREV);
		assert_int_equal(p.prev.rqueue, k);
		assert_int_equal(p.prev.state, TS_ESTABLISHED);
		assert_int_equal(p.state_since_ns, k % 2 ? 1 * SEC : 2 * SEC);
	}
	model_commit(m, &f);
	begin(&f, 3 * SEC);
	for (uint64_t k = 1; k <= 6000; k++)
		if (k > 3000 || k % 3)
			add(&f, k, k % 2 ? TS_ESTABLISHED : TS_CLOSE_WAIT)->rqueue =
				(uint32_t)k + 2;
	model_update(m, &f);
	for (size_t i = 0; i < f.sample.n; i++) {
		const struct row *r = &f.rows[i];
		uint64_t k = r->c->cookie;
		struct row_past p = model_past(&f, r);

		assert_true(r->flags & ROW_PREV);
		assert_int_equal(p.prev.rqueue, k + 1);
		assert_int_equal(p.prev.state, k % 2 ? TS_ESTABLISHED : TS_CLOSE_WAIT);
		assert_int_equal(p.state_since_ns, k % 2 && k <= 3000 ? 1 * SEC : 2 * SEC);
		/* the growth streak compares with the committed queue */
		assert_int_equal(r->rq_grew, k % 2 ? (k <= 3000 ? 2 : 1) : 1);
	}
	model_commit(m, &f);
	/*
	 * Sockets 1-2000 gone, none new: the sweep fills their holes with
	 * entries from the end, every one a socket with a past, which its row
	 * must still read, and the commit write.
	 */
	begin(&f, 4 * SEC);
	for (uint64_t k = 2001; k <= 6000; k++)
		if (k > 3000 || k % 3)
			add(&f, k, TS_CLOSE_WAIT)->rqueue = (uint32_t)k + 3;
	model_update(m, &f);
	for (size_t i = 0; i < f.sample.n; i++) {
		const struct row *r = &f.rows[i];
		uint64_t k = r->c->cookie;
		struct row_past p = model_past(&f, r);

		assert_true(r->flags & ROW_PREV);
		assert_int_equal(p.prev.rqueue, k + 2);
		assert_int_equal(p.prev.state, k % 2 ? TS_ESTABLISHED : TS_CLOSE_WAIT);
		assert_int_equal(p.state_since_ns, k % 2 ? 4 * SEC : 2 * SEC);
	}
	model_commit(m, &f);
	begin(&f, 5 * SEC);
	for (uint64_t k = 2001; k <= 6000; k++)
		if (k > 3000 || k % 3)
			add(&f, k, TS_CLOSE_WAIT)->rqueue = (uint32_t)k + 3;
	model_update(m, &f);
	for (size_t i = 0; i < f.sample.n; i++) {
		const struct row *r = &f.rows[i];

		assert_int_equal(model_past(&f, r).prev.rqueue, r->c->cookie + 3);
		assert_int_equal(model_past(&f, r).prev.state, TS_CLOSE_WAIT);
	}
	model_commit(m, &f);
	frame_free(&f);
	model_free(m);
}

/*
 * tcp_info from a kernel before 6.2 (no rcv_wnd): the previous notsent,
 * backoff and send window are still there, the receive window is not.
 */
static void a_past_from_tcp_info_without_rcv_wnd_has_the_rest(void **state)
{
	struct model *m = model_new();
	struct frame f = { 0 };
	struct row_prev p;

	(void)state;
	begin(&f, 1 * SEC);
	sock(&f, 9, &pv_a)->info_len = offsetof(struct tcpi, rcv_wnd);
	model_update(m, &f);
	model_commit(m, &f);
	begin(&f, 2 * SEC);
	sock(&f, 9, &pv_b)->info_len = offsetof(struct tcpi, rcv_wnd);
	model_update(m, &f);
	p = model_past(&f, row_of(&f, 9)).prev;
	assert_int_equal(p.notsent, pv_a.notsent);
	assert_int_equal(p.backoff, pv_a.backoff);
	assert_int_equal(p.snd_wnd, pv_a.snd_wnd);
	assert_int_equal(p.rcv_wnd, 0);
	assert_int_equal(p.sndbuf, pv_a.tb);
	assert_int_equal(p.have, PREV_NOTSENT | PREV_BACKOFF | PREV_SND_WND | PREV_SKMEM);
	model_commit(m, &f);
	/* and from a kernel with it again: the next refresh has the receive window too */
	begin(&f, 3 * SEC);
	sock(&f, 9, &pv_c);
	model_update(m, &f);
	assert_int_equal(model_past(&f, row_of(&f, 9)).prev.have,
			 PREV_NOTSENT | PREV_BACKOFF | PREV_SND_WND | PREV_SKMEM);
	model_commit(m, &f);
	begin(&f, 4 * SEC);
	sock(&f, 9, &pv_d);
	model_update(m, &f);
	assert_past_is(&f, row_of(&f, 9), &pv_c);
	model_commit(m, &f);
	frame_free(&f);
	model_free(m);
}

/*
 * A frame left uncommitted is committed by frame_reset and frame_free (its
 * sample is about to go) and, for another frame, by the next model_update:
 * the refresh after compares with its values either way.
 */
static void frames_left_uncommitted_are_committed_before_their_sample_goes(void **state)
{
	struct model *m = model_new();
	struct frame f = { 0 }, fr[2] = { { 0 } };

	(void)state;
	begin(&f, 1 * SEC);
	sock(&f, 1, &pv_a);
	model_update(m, &f);
	begin(&f, 2 * SEC); /* frame_reset */
	assert_null(f.model);
	sock(&f, 1, &pv_b);
	model_update(m, &f);
	assert_past_is(&f, row_of(&f, 1), &pv_a);
	frame_free(&f);
	assert_null(f.model);
	begin(&f, 3 * SEC);
	sock(&f, 1, &pv_c);
	model_update(m, &f);
	assert_past_is(&f, row_of(&f, 1), &pv_b);
	frame_free(&f);
	/* two frames in turn, as the interactive view's: the other one's sample is intact */
	begin(&fr[0], 4 * SEC);
	sock(&fr[0], 1, &pv_d);
	model_update(m, &fr[0]);
	begin(&fr[1], 5 * SEC);
	sock(&fr[1], 1, &pv_a);
	model_update(m, &fr[1]);
	assert_null(fr[0].model);
	assert_ptr_equal(fr[1].model, m);
	assert_past_is(&fr[1], row_of(&fr[1], 1), &pv_d);
	/* the model goes first: the frame is no longer tied to it */
	model_free(m);
	assert_null(fr[1].model);
	frame_free(&fr[0]);
	frame_free(&fr[1]);
}

/* Runs fn in a child; true when it died of an assertion (SIGABRT). */
static bool aborts(void (*fn)(void))
{
	int st;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		/* the assertion's message is expected: keep the test's output clean */
		if (!freopen("/dev/null", "w", stderr))
			_exit(2);
		fn();
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	return WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT;
}

static void update_the_same_frame_twice(void)
{
	struct model *m = model_new();
	struct frame f = { 0 };

	begin(&f, 1 * SEC);
	sock(&f, 1, &pv_a);
	model_update(m, &f);
	sock(&f, 2, &pv_b); /* refilled without frame_reset */
	model_update(m, &f);
}

static void past_after_the_commit(void)
{
	struct model *m = model_new();
	struct frame f = { 0 };

	begin(&f, 1 * SEC);
	sock(&f, 1, &pv_a);
	model_update(m, &f);
	model_commit(m, &f);
	(void)model_past(&f, &f.rows[0]);
}

static void commit_of_a_changed_sample(void)
{
	struct model *m = model_new();
	struct frame f = { 0 };

	begin(&f, 1 * SEC);
	sock(&f, 1, &pv_a);
	model_update(m, &f);
	for (int i = 0; i < 100; i++)
		sock(&f, (uint64_t)i + 2, &pv_b); /* the conns' array moves */
	model_commit(m, &f);
}

/* The contract is asserted: a frame's sample never changes between model_update and the commit. */
static void a_sample_changed_before_its_commit_is_caught(void **state)
{
	(void)state;
	assert_true(aborts(update_the_same_frame_twice));
	assert_true(aborts(past_after_the_commit));
	assert_true(aborts(commit_of_a_changed_sample));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(new_socket_has_no_rates_until_its_second_sample),
		cmocka_unit_test(in_place_table_survives_churn),
		cmocka_unit_test(table_grows_and_shrinks_keeping_every_rate),
		cmocka_unit_test(index_clusters_that_wrap_survive_deletion),
		cmocka_unit_test(counters_past_32_bits_keep_exact_deltas),
		cmocka_unit_test(listener_drops_from_zero_and_back),
		cmocka_unit_test(state_since_is_the_exact_refresh_time_of_the_change),
		cmocka_unit_test(a_cookie_twice_in_one_dump_is_one_socket),
		cmocka_unit_test(rates_are_byte_deltas_in_bits_per_second_over_the_real_interval),
		cmocka_unit_test(the_previous_sample_is_read_from_the_table_until_the_commit),
		cmocka_unit_test(retransmit_and_limited_time_deltas),
		cmocka_unit_test(fields_the_kernel_did_not_send_give_no_delta),
		cmocka_unit_test(a_vanished_socket_is_forgotten),
		cmocka_unit_test(byte_counters_going_backwards_give_no_rate),
		cmocka_unit_test(state_counts_and_their_change),
		cmocka_unit_test(syn_requests_go_to_the_exact_listener_else_the_wildcard),
		cmocka_unit_test(reuseport_listeners_share_their_syn_queue),
		cmocka_unit_test(listeners_of_two_namespaces_never_share),
		cmocka_unit_test(listener_queue_and_drops_delta),
		cmocka_unit_test(selected_connection_carries_its_last_60_samples),
		cmocka_unit_test(recorded_bulk_transfer_rate_matches_its_bytes),
		cmocka_unit_test(syn_queue_limit_is_the_backlog_since_the_request_socket_rework),
		cmocka_unit_test(syn_queue_limit_before_4_4_is_the_power_of_two_table),
		cmocka_unit_test(syn_queue_rule_switches_at_4_4),
		cmocka_unit_test(kernel_release_strings_give_major_and_minor),
		cmocka_unit_test(listeners_carry_their_syn_limit_and_retransmitting_requests),
		cmocka_unit_test(
			the_table_holds_the_previous_sample_until_the_commit_writes_this_one),
		cmocka_unit_test(a_new_socket_has_no_past_until_its_sample_is_committed),
		cmocka_unit_test(a_cookie_twice_in_one_dump_commits_its_first_row),
		cmocka_unit_test(
			rows_find_their_entries_after_the_table_grows_and_the_sweep_moves_them),
		cmocka_unit_test(a_past_from_tcp_info_without_rcv_wnd_has_the_rest),
		cmocka_unit_test(frames_left_uncommitted_are_committed_before_their_sample_goes),
		cmocka_unit_test(a_sample_changed_before_its_commit_is_caught),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
