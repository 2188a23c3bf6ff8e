/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fatal: tier-one errors (out of memory, broken invariants) and checked allocation. */
#ifndef TCPTOP_FATAL_H
#define TCPTOP_FATAL_H

#include <stddef.h>

/*
 * The one piece of process-wide state outside the app loop: a hook that puts
 * the terminal back before a fatal exit. The TUI sets it; batch mode leaves it
 * NULL. It is set once before threads start and never changed while they run.
 */
typedef void (*fatal_cleanup_fn)(void);
void fatal_set_cleanup(fatal_cleanup_fn fn);

/* Runs the cleanup hook, prints "tcptop: <message>" to stderr and aborts. */
_Noreturn void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Allocation that never returns NULL: out of memory is fatal. */
void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
/* Grows an array to hold at least `need` elements of `size`; doubles capacity. */
void *xgrow(void *p, size_t *cap, size_t need, size_t size);
/*
 * The same for an array sized to a known count at once (one element per
 * socket): `need` and a 32nd to spare, not the next power of two, which
 * can hold nearly twice what is needed. Not for arrays grown one by one.
 */
void *xreserve(void *p, size_t *cap, size_t need, size_t size);
char *xstrdup(const char *s);

#endif
