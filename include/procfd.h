/* SPDX-License-Identifier: GPL-2.0-or-later */
/* procfd: which file descriptor of a process holds a socket (the detail view's "fd"). */
#ifndef TCPTOP_PROCFD_H
#define TCPTOP_PROCFD_H

#include <stdint.h>

/*
 * The lowest fd of process pid under proc_root ("/proc" when NULL) that is
 * socket:[inode]; -1 when none is (or the directory cannot be read).
 */
int procfd_find(const char *proc_root, int32_t pid, uint32_t inode);

#endif
