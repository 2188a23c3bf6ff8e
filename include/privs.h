/* SPDX-License-Identifier: GPL-2.0-or-later */
/* privs: which privileges this process holds, and the hint a refusal gives when one is missing. */
#ifndef TCPTOP_PRIVS_H
#define TCPTOP_PRIVS_H

#include <stdbool.h>

/* Capability numbers from linux/capability.h, so callers need not include it. */
enum privs_cap {
	PRIVS_DAC_OVERRIDE = 1,
	PRIVS_DAC_READ_SEARCH = 2,
	PRIVS_NET_ADMIN = 12,
	PRIVS_SYS_PTRACE = 19,
	PRIVS_SYS_ADMIN = 21,
};

/* True when the capability is in the effective set (root has them all unless dropped). */
bool privs_has(enum privs_cap cap);

/*
 * True when other users' /proc/PID/fd can be read: CAP_SYS_PTRACE for the
 * ptrace check and CAP_DAC_READ_SEARCH (or CAP_DAC_OVERRIDE) for the 0500
 * directory. Without both only our own processes are attributed.
 */
bool privs_read_all_procs(void);

/* What a refused file operation was for, to name what it would have needed. */
enum privs_access {
	PRIVS_WRITE,     /* create or replace a file: write access to its directory */
	PRIVS_WRITE_DIR, /* write into a directory (--textfile) */
	PRIVS_READ,      /* read a file */
};

/*
 * The words a refusal appends after strerror(err): " (needs ...)" when err is
 * EACCES or EPERM and CAP_DAC_OVERRIDE would have got past it; "" otherwise
 * (another errno, or we already hold it and something else refused).
 */
const char *privs_denied_hint(int err, enum privs_access what);

#endif
