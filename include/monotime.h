/* SPDX-License-Identifier: GPL-2.0-or-later */
/* monotime: arithmetic on CLOCK_MONOTONIC times, shared by the batch loop and the pump. */
#ifndef TCPTOP_MONOTIME_H
#define TCPTOP_MONOTIME_H

#include <math.h>
#include <stdbool.h>
#include <time.h>

/* from + secs (secs >= 0). */
static inline struct timespec monotime_after(const struct timespec *from, double secs)
{
	struct timespec t = *from;
	double whole = floor(secs);

	t.tv_sec += (time_t)whole;
	t.tv_nsec += (long)((secs - whole) * 1e9);
	if (t.tv_nsec >= 1000000000L) {
		t.tv_sec++;
		t.tv_nsec -= 1000000000L;
	}
	return t;
}

static inline bool monotime_before(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec < b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

/* b - a in seconds (negative when b is before a). */
static inline double monotime_secs(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

#endif
