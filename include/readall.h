/* SPDX-License-Identifier: GPL-2.0-or-later */
/* readall: a file descriptor's whole contents, read from its start. */
#ifndef TCPTOP_READALL_H
#define TCPTOP_READALL_H

#include "strbuf.h"

/*
 * Replaces out with everything fd holds from offset 0 to its end (pread, so
 * the descriptor's offset does not matter and a kept /proc or /proc/sys
 * descriptor regenerates its current text each time). Returns 0, or -1 with
 * errno set (fd < 0: EBADF); out then holds what was read before the error.
 */
int readall_fd(int fd, struct strbuf *out);

#endif
