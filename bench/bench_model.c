/* SPDX-License-Identifier: GPL-2.0-or-later */
/* bench_model: user-space cost of a refresh (model, sort, follow) at 50k..400k sockets; prints ratios. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "model.h"
#include "table.h"
#include "view.h"

/*
 * Synthetic sockets shaped like a busy host: half TIME-WAIT (no tcp_info),
 * half with tcp_info; 95% of the cookies persist from one refresh to the
 * next. The kernel dump is not measured here (it needs real sockets; see
 * bench/scale.sh): this is the work tcptop adds on top of it.
 */
static void fill(struct frame *f, size_t n, uint64_t gen, uint64_t t_ns)
{
	frame_reset(f);
	f->mono_ns = t_ns;
	for (size_t i = 0; i < n; i++) {
		struct conn *c = sample_push(&f->sample);
		/* 5% of the slots get a new socket each refresh */
		uint64_t id = (i % 20 == gen % 20) ? (gen << 32) | i : i;

		c->cookie = id + 1;
		c->family = AF_INET;
		conn_set_addrs(c, NULL, (const uint8_t[4]){ 10, 0, 0, (uint8_t)(i >> 16) },
			       (const uint8_t[4]){ 10, 0, (uint8_t)(i >> 8), (uint8_t)i });
		c->sport = (uint16_t)(1024 + i % 60000);
		c->dport = (uint16_t)(80 + i % 7);
		if (i % 2) {
			c->state = TS_TIME_WAIT;
			continue;
		}
		c->state = TS_ESTABLISHED;
		struct tcpc *ti = conn_block(c, &f->sample.arena, 0, NULL, 0);

		memset(ti, 0, sizeof(*ti));
		ti->rtt = (uint32_t)(100 + i % 5000);
		ti->snd_cwnd = 10;
		ti->bytes_acked = gen * (i % 1000) * 1000;
		ti->bytes_received = gen * (i % 333) * 100;
		c->info_len = sizeof(struct tcpi);
	}
}

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

struct cost {
	double model, sort, follow, measure;
	double table_b; /* the model's per-socket table, bytes per socket */
};

static struct cost run(size_t n)
{
	struct model *m = model_new();
	struct frame f = { 0 };
	struct view v = { 0 };
	struct cost c = { 0 };
	uint8_t natural[COL_N];
	const int rounds = 5;

	fill(&f, n, 1, 1000000000ull);
	model_update(m, &f);
	for (int r = 0; r < rounds; r++) {
		double t0, t1, t2, t3, t4;

		fill(&f, n, (uint64_t)r + 2, (uint64_t)(r + 2) * 1000000000ull);
		t0 = now();
		model_update(m, &f);
		model_commit(
			m, &f); /* the model's work: the commit writes what the next update reads */
		t1 = now();
		view_build(&v, &f, column_get(COL_PROBLEMS), false, NULL,
			   NULL); /* the default order */
		t2 = now();
		view_follow(&v, &f, column_get(COL_PROBLEMS), false, NULL, NULL);
		t3 = now();
		layout_measure(&f, v.order, v.n < 1000 ? v.n : 1000, natural);
		t4 = now();
		c.model += (t1 - t0) / rounds;
		c.sort += (t2 - t1) / rounds;
		c.follow += (t3 - t2) / rounds;
		c.measure += (t4 - t3) / rounds;
	}
	{
		struct model_mem mm;

		model_mem(m, &mm);
		c.table_b = (double)mm.bytes / (double)n;
	}
	view_free(&v);
	frame_free(&f);
	model_free(m);
	return c;
}

/* Socket counts from the arguments (bench_model 10000 for a callgrind run), else 50k..400k. */
int main(int argc, char **argv)
{
	static const size_t def[] = { 50000, 100000, 200000, 400000 };
	size_t sizes[16], nsizes = 0;
	struct cost prev = { 0 };

	for (int a = 1; a < argc && nsizes < 16; a++) {
		char *end;
		unsigned long v = strtoul(argv[a], &end, 10);

		if (end == argv[a] || *end || v < 2 || v > 10000000) {
			fprintf(stderr,
				"bench_model: socket count %s: not a number in 2..10000000\n",
				argv[a]);
			return 2;
		}
		sizes[nsizes++] = v;
	}
	if (!nsizes)
		for (; nsizes < sizeof(def) / sizeof(def[0]); nsizes++)
			sizes[nsizes] = def[nsizes];
	printf("%-9s %12s %12s %12s %12s %9s   %s\n", "sockets", "model ms", "sort ms", "follow ms",
	       "measure ms", "table B", "model+sort vs half the sockets");
	for (size_t i = 0; i < nsizes; i++) {
		struct cost c = run(sizes[i]);

		printf("%-9zu %12.1f %12.1f %12.1f %12.2f %9.1f", sizes[i], c.model * 1e3,
		       c.sort * 1e3, c.follow * 1e3, c.measure * 1e3, c.table_b);
		if (i)
			printf("   x%.2f (linear: 2.0, n log n: ~2.1)",
			       (c.model + c.sort) / (prev.model + prev.sort));
		printf("\n");
		prev = c;
	}
	return 0;
}
