/* SPDX-License-Identifier: GPL-2.0-or-later */
/* stdfds: standard descriptors 0, 1, 2 that are closed at start are held on /dev/null. */
#ifndef TCPTOP_STDFDS_H
#define TCPTOP_STDFDS_H

#include <stdbool.h>
#include <stdio.h>

/*
 * Call first in main(), before anything opens a file or a socket: a closed
 * 0, 1 or 2 would otherwise be handed to the next open() (the netlink
 * socket took fd 1 and the snapshot went into it). Each closed one is
 * opened on /dev/null and remembered, so batch mode can refuse to write to a
 * standard output that was closed. Returns 0, or -1 if /dev/null cannot be
 * opened (then the process must exit: nothing else is safe to open).
 */
int stdfds_reserve(void);
/* Whether fd (0, 1, 2) was closed when stdfds_reserve ran. */
bool stdfds_was_closed(int fd);
/*
 * Flushes a standard stream and checks it: 0, or -1 after one line on
 * stderr ("tcptop: cannot write the output: <reason>") when it was closed
 * at start or a write to it failed (EPIPE, ENOSPC). For --help, --version.
 */
int stdfds_finish(FILE *f);

#endif
