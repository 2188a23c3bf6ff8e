/* SPDX-License-Identifier: GPL-2.0-or-later */
/* terr: a caller-owned error message, filled by functions that can fail. */
#ifndef TCPTOP_TERR_H
#define TCPTOP_TERR_H

#include <stdbool.h>

/*
 * Tier-two errors (see ../shared/DESIGN.md rule 6): a function that can fail
 * returns -1 (or NULL) and writes one line of text here; the caller decides
 * whether it goes to the status line or to stderr. Functions never print.
 */
struct terr {
	char msg[512];
};

void terr_set(struct terr *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Puts "prefix: " in front of the message already there. */
void terr_prefix(struct terr *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void terr_clear(struct terr *e);
bool terr_isset(const struct terr *e);

#endif
