/* SPDX-License-Identifier: GPL-2.0-or-later */
/* bench_sort: time and scratch memory of view_build's numeric sort on a synthetic frame (200k rows). */
#include <arpa/inet.h>
#include <fcntl.h>
#include <malloc.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "diagnose.h"
#include "fatal.h"
#include "model.h"
#include "view.h"

/*
 * usage: bench_sort [ROWS [CASE]]   (defaults: 200000 rows, every case).
 * No sockets: the rows are made in memory, shaped like a busy host (half
 * TIME-WAIT, most rates 0), then sorted the ways the views sort them. For
 * each case, the median CPU time of view_build (keys made and sorted) and the
 * memory it takes on top of what it keeps (its scratch: the sort's keys),
 * as the rise of the process's peak RSS, in bytes per row. For a callgrind
 * run of one case: valgrind --tool=callgrind --toggle-collect=view_sort
 * build/bench/bench_sort 200000 tx-idle
 */

struct scase {
	const char *name;
	enum col_id col;
	unsigned idle_pct; /* rows whose rates are 0 (TIME-WAIT, idle) */
	bool reverse;
	bool shuffled; /* view_sort of an order not in row order (a re-sort) */
};

static const struct scase cases[] = {
	{ .name = "problems-idle", .col = COL_PROBLEMS, .idle_pct = 90 },
	{ .name = "tx-idle", .col = COL_TX, .idle_pct = 90 },
	{ .name = "tx-busy", .col = COL_TX, .idle_pct = 0 },
	{ .name = "tx-busy-asc", .col = COL_TX, .idle_pct = 0, .reverse = true },
	{ .name = "send_q", .col = COL_SENDQ },
	{ .name = "cookie", .col = COL_COOKIE },
	{ .name = "tx-resort", .col = COL_TX, .idle_pct = 90, .shuffled = true },
	/* not numeric: qsort of 56-byte keys, for comparison */
	{ .name = "local-qsort", .col = COL_LOCAL },
};

#define ROUNDS 11

/* xorshift: the same frame on every run */
static uint64_t next(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* A rate spread over many magnitudes, as on a real host: 8 b/s .. ~10 Gb/s. */
static double some_rate(uint64_t *s)
{
	return (double)(next(s) & 0xffff) * (double)(1ull << (next(s) % 18)) + 8.0;
}

static void fill(struct frame *f, struct model *m, size_t n, const struct scase *sc)
{
	uint64_t s = 0x9e3779b97f4a7c15ull;

	uint64_t *cookie = xmalloc(n * sizeof(*cookie));

	/* kernel cookies count up; the dump's order is the hash table's: a shuffle of them */
	for (size_t i = 0; i < n; i++)
		cookie[i] = 0x4000 + i;
	for (size_t i = n - 1; i > 0; i--) {
		size_t j = next(&s) % (i + 1);
		uint64_t t = cookie[i];

		cookie[i] = cookie[j];
		cookie[j] = t;
	}
	frame_reset(f);
	f->mono_ns = 1000000000ull;
	for (size_t i = 0; i < n; i++) {
		struct conn *c = sample_push(&f->sample);

		memset(c, 0, sizeof(*c));
		c->cookie = cookie[i];
		c->state = i % 2 ? TS_TIME_WAIT : TS_ESTABLISHED;
		c->family = AF_INET;
		conn_set_addrs(c, NULL, (const uint8_t[4]){ 10, 0, 0, 1 },
			       (const uint8_t[4]){ 10, 0, 0, 2 });
		c->sport = (uint16_t)(1024 + i % 60000);
		c->dport = (uint16_t)(80 + i % 7);
		c->wqueue = (uint32_t)(next(&s) % 4 == 0 ? 0 : next(&s) % 4000000);
	}
	free(cookie);
	model_update(m, f);
	for (size_t i = 0; i < n; i++) {
		struct row *r = &f->rows[i];
		bool idle = next(&s) % 100 < sc->idle_pct;

		r->flags &= (uint16_t)~ROW_DUP; /* repeated cookies: ties to sort, as test_view's */
		r->flags |= next(&s) % 20 ? ROW_RATES : 0;
		r->tx_bps = idle ? 0 : some_rate(&s);
		r->rx_bps = idle ? 0 : some_rate(&s);
		r->findings = next(&s) % 33 == 0 ? 1u << DX_ZWIN : 0;
	}
}

/* CPU time, not wall: the machines it runs on are often shared, and a sort does no I/O */
static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* VmRSS or VmHWM of this process, bytes; 0 if /proc cannot say. */
static size_t status_kb(const char *field)
{
	char line[256];
	size_t kb = 0, len = strlen(field);
	FILE *fp = fopen("/proc/self/status", "r");

	if (!fp)
		return 0;
	while (fgets(line, sizeof(line), fp))
		if (!strncmp(line, field, len) && line[len] == ':')
			kb = strtoull(line + len + 1, NULL, 10);
	fclose(fp);
	return kb * 1024;
}

/* Peak RSS from now on (clear_refs 5 resets VmHWM to VmRSS). */
static bool reset_peak(void)
{
	int fd = open("/proc/self/clear_refs", O_WRONLY);
	bool ok = fd >= 0 && write(fd, "5", 1) == 1;

	if (fd >= 0)
		close(fd);
	return ok;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void run(size_t n, const struct scase *sc)
{
	struct frame f = { 0 };
	struct model *m = model_new();
	struct view v = { 0 };
	double ms[ROUNDS], scratch = -1;
	uint64_t s = 42;

	fill(&f, m, n, sc);
	/* the first build allocates what the view keeps (order, cookies) */
	view_build(&v, &f, column_get(sc->col), sc->reverse, NULL, NULL);
	for (int r = 0; r < ROUNDS; r++) {
		size_t rss, hwm;
		bool peak;
		double t0;

		if (sc->shuffled)
			for (size_t i = v.n - 1; i > 0; i--) {
				size_t j = next(&s) % (i + 1);
				uint32_t t = v.order[i];

				v.order[i] = v.order[j];
				v.order[j] = t;
			}
		peak = reset_peak();
		rss = status_kb("VmRSS");
		t0 = now();
		if (sc->shuffled)
			view_sort(&v, &f, column_get(sc->col), sc->reverse);
		else
			view_build(&v, &f, column_get(sc->col), sc->reverse, NULL, NULL);
		ms[r] = (now() - t0) * 1e3;
		hwm = status_kb("VmHWM");
		if (peak && hwm >= rss && (scratch < 0 || (double)(hwm - rss) / n > scratch))
			scratch = (double)(hwm - rss) / (double)n;
	}
	qsort(ms, ROUNDS, sizeof(ms[0]), cmp_double);
	printf("%-14s %9zu %14.2f", sc->name, n, ms[ROUNDS / 2]);
	if (scratch >= 0)
		printf(" %14.1f\n", scratch);
	else
		printf(" %14s\n", "?");
	view_free(&v);
	frame_free(&f);
	model_free(m);
}

int main(int argc, char **argv)
{
	size_t n = 200000;
	const char *only = argc > 2 ? argv[2] : NULL;
	bool found = false;

	if (argc > 1) {
		char *end;
		unsigned long a = strtoul(argv[1], &end, 10);

		if (end == argv[1] || *end || a < 2 || a > 10000000) {
			fprintf(stderr, "bench_sort: row count %s: not a number in 2..10000000\n",
				argv[1]);
			return 2;
		}
		n = a;
	}
	/* big blocks mapped and unmapped, not kept by malloc: the peak RSS shows each sort's own */
	mallopt(M_MMAP_THRESHOLD, 64 * 1024);
	printf("%-14s %9s %14s %14s\n", "case", "rows", "median cpu ms", "scratch B/row");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (!only || !strcmp(only, cases[i].name)) {
			run(n, &cases[i]);
			found = true;
		}
	if (!found) {
		fprintf(stderr, "bench_sort: case %s: not one of", only);
		for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
			fprintf(stderr, " %s", cases[i].name);
		fprintf(stderr, "\n");
		return 2;
	}
	return 0;
}
