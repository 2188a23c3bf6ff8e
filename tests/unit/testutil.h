/* SPDX-License-Identifier: GPL-2.0-or-later */
/* testutil: fixture loading shared by the unit tests. */
#ifndef TCPTOP_TESTUTIL_H
#define TCPTOP_TESTUTIL_H

#include <linux/netlink.h>
#include <stddef.h>
#include <stdint.h>

#include "frame.h"
#include "record.h"

struct arena;
/*
 * Sets c's addresses from text for the family c has (set it first); NULL
 * leaves that one all zeros. An IPv6 conn's go into `a`, or into one
 * arena of the test program's own when `a` is NULL (for conns kept on the
 * stack or returned by value). Returns 1 when both parse, as inet_pton.
 */
int tu_addrs(struct conn *c, struct arena *a, const char *src, const char *dst);

/* The path of a fixture under tests/fixtures (or $FIXTURES); static buffer. */
const char *tu_fixture(const char *name);
/* A whole file, NUL-terminated; aborts the test run if missing. */
char *tu_read(const char *path, size_t *len);
/* A recording; aborts if it does not load. */
struct replay *tu_replay(const char *name);
/* Frame i of a recording replayed through the collector into a fresh frame, model applied in order. */
void tu_frames(const char *name, struct frame *frames, size_t n);
/* The same, the frames keeping the whole tcp_info of `cookie` (collector_keep_info). */
void tu_frames_keep(const char *name, struct frame *frames, size_t n, uint64_t cookie);
/* Calls fn for every netlink message of recorded frame `fi`. */
void tu_each_msg(const struct replay *r, size_t fi,
		 void (*fn)(const struct nlmsghdr *nlh, void *ctx), void *ctx);
/* A malloc'd copy of the first SOCK_DIAG message of frame 0 with this state. */
struct nlmsghdr *tu_msg_with_state(const char *name, unsigned state);
/* A golden-file comparison: writes `got` beside the golden as .out when they differ. */
int tu_golden(const char *golden, const char *got);

/* Doubles within eps (cmocka 1.1.5's float assertion loses precision); prints both on failure. */
void tu_assert_close(double got, double want, double eps, const char *file, int line);
#define assert_close(got, want, eps) tu_assert_close((got), (want), (eps), __FILE__, __LINE__)

/* What fmt_usec_ms must print: the printf formula it replaced. */
void tu_ref_usec_ms(uint64_t us, char *buf, size_t len);

#endif
