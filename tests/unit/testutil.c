/* SPDX-License-Identifier: GPL-2.0-or-later */
/* testutil: fixture loading shared by the unit tests. */
#include "testutil.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <libmnl/libmnl.h>
#include <math.h>
#include <linux/inet_diag.h>
#include <linux/sock_diag.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>

#include "arena.h"
#include "collector.h"
#include "fatal.h"
#include "safefile.h"

const char *tu_fixture(const char *name)
{
	static char path[4096];
	const char *dir = getenv("FIXTURES");

	snprintf(path, sizeof(path), "%s/%s", dir ? dir : "tests/fixtures", name);
	return path;
}

char *tu_read(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f) {
		fprintf(stderr, "testutil: cannot open %s (run from the project root)\n", path);
		exit(1);
	}
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = xmalloc((size_t)n + 1);
	if (fread(buf, 1, (size_t)n, f) != (size_t)n)
		exit(1);
	buf[n] = '\0';
	fclose(f);
	if (len)
		*len = (size_t)n;
	return buf;
}

struct replay *tu_replay(const char *name)
{
	struct terr e;
	struct replay *r = replay_open(tu_fixture(name), NULL, NULL, &e);

	if (!r) {
		fprintf(stderr, "testutil: %s\n", e.msg);
		exit(1);
	}
	return r;
}

void tu_frames(const char *name, struct frame *frames, size_t n)
{
	tu_frames_keep(name, frames, n, 0);
}

void tu_frames_keep(const char *name, struct frame *frames, size_t n, uint64_t cookie)
{
	struct collector_cfg cfg = { 0 };
	struct collector *c;
	struct terr e;

	cfg.src.replay_path = tu_fixture(name);
	c = collector_new(&cfg, &e);
	if (!c) {
		fprintf(stderr, "testutil: %s\n", e.msg);
		exit(1);
	}
	if (cookie)
		collector_keep_info(c, cookie);
	for (size_t i = 0; i < n; i++) {
		memset(&frames[i], 0, sizeof(frames[i]));
		if (collector_step(c, &frames[i]) != 0) {
			fprintf(stderr, "testutil: %s frame %zu: %s\n", name, i, frames[i].status);
			exit(1);
		}
	}
	collector_close(c, &e);
}

void tu_each_msg(const struct replay *r, size_t fi,
		 void (*fn)(const struct nlmsghdr *nlh, void *ctx), void *ctx)
{
	const struct rec_frame *f = replay_frame(r, fi);

	for (size_t b = 0; f && b < f->nnetlink; b++) {
		const struct nlmsghdr *nlh = f->netlink[b].data;
		int len = (int)f->netlink[b].len;

		for (; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len))
			if (nlh->nlmsg_type == SOCK_DIAG_BY_FAMILY)
				fn(nlh, ctx);
	}
}

struct find_ctx {
	unsigned state;
	struct nlmsghdr *found;
};

static void find_state(const struct nlmsghdr *nlh, void *arg)
{
	struct find_ctx *fc = arg;
	const struct inet_diag_msg *m = mnl_nlmsg_get_payload(nlh);

	if (!fc->found && m->idiag_state == fc->state) {
		fc->found = xmalloc(nlh->nlmsg_len);
		memcpy(fc->found, nlh, nlh->nlmsg_len);
	}
}

struct nlmsghdr *tu_msg_with_state(const char *name, unsigned state)
{
	struct replay *r = tu_replay(name);
	struct find_ctx fc = { state, NULL };

	tu_each_msg(r, 0, find_state, &fc);
	replay_free(r);
	if (!fc.found) {
		fprintf(stderr, "testutil: no state %u message in %s\n", state, name);
		exit(1);
	}
	return fc.found;
}

int tu_golden(const char *golden, const char *got)
{
	char out[4096];
	char *want;
	struct terr e;
	int same;

	if (getenv("UPDATE_GOLDEN")) {
		safefile_write(golden, got, strlen(got), &e);
		return 1;
	}
	want = tu_read(golden, NULL);
	same = strcmp(want, got) == 0;
	if (!same) {
		snprintf(out, sizeof(out), "%s.out", golden);
		safefile_write(out, got, strlen(got), &e);
		fprintf(stderr, "golden mismatch: diff -u %s %s\n", golden, out);
	}
	free(want);
	return same;
}

void tu_assert_close(double got, double want, double eps, const char *file, int line)
{
	if (!(fabs(got - want) <= eps)) {
		print_error("%s:%d: got %.9g, want %.9g (within %.3g)\n", file, line, got, want,
			    eps);
		_fail(file, line);
	}
}

/* The printf formula fmt_usec_ms stands for (milliseconds with 3, 2, 1, 0 decimals). */
void tu_ref_usec_ms(uint64_t us, char *buf, size_t len)
{
	double ms = (double)us / 1000.0;

	if (ms < 10)
		snprintf(buf, len, "%.3f", ms);
	else if (ms < 100)
		snprintf(buf, len, "%.2f", ms);
	else if (ms < 1000)
		snprintf(buf, len, "%.1f", ms);
	else
		snprintf(buf, len, "%.0f", ms);
}

int tu_addrs(struct conn *c, struct arena *a, const char *src, const char *dst)
{
	static struct arena own; /* a global: what it holds stays reachable */
	int fam = c->family == AF_INET6 ? AF_INET6 : AF_INET;
	uint8_t s[16] = { 0 }, d[16] = { 0 };
	int ok = 1;

	if (src && inet_pton(fam, src, s) != 1)
		ok = 0;
	if (dst && inet_pton(fam, dst, d) != 1)
		ok = 0;
	conn_set_addrs(c, a ? a : &own, s, d);
	return ok;
}
