/* SPDX-License-Identifier: GPL-2.0-or-later */
/* safefile: files written without ever replacing a device, a FIFO or a planted symlink's target. */
#ifndef TCPTOP_SAFEFILE_H
#define TCPTOP_SAFEFILE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "terr.h"

/*
 * What is at the target decides how it is written:
 *   nothing         a new file (snapshot: 0644 masked by the umask; recording: 0600)
 *   a regular file  snapshot: a temp file beside it with the same owner and
 *                   mode, renamed over it when complete; recording: truncated
 *                   in place (owner and mode kept); log: appended to
 *   "-"             standard output
 *   a char device   written as a stream (so /dev/stdout, /dev/null, /dev/full
 *   or a FIFO       work and report their errors; nothing is replaced)
 *   anything else   refused (directory, block device, socket)
 * Every directory on the way is walked with openat: a symlink owned by
 * someone other than root or us is never followed, at the target or in a
 * parent. A symlink at the target (owned by root or us, like /dev/stdout) is
 * followed only to a stream; to a regular file it is refused, since the temp
 * file would replace the link rather than the file.
 */
enum safefile_kind {
	SAFEFILE_SNAPSHOT,  /* atomic replace, 0644 & ~umask when new */
	SAFEFILE_RECORDING, /* O_APPEND, readable while written, 0600 when new */
	SAFEFILE_LOG,       /* like a recording, but what is there is kept: appended to */
};

struct safefile {
	int fd;
	int dirfd;       /* the target's directory (regular files) or -1 */
	bool stream;     /* written in place: no temp file, no rename */
	char *path;      /* owned: the name as given, for messages */
	char *name;      /* owned: the last component, in dirfd */
	char *tmp;       /* owned: the temp file's name in dirfd, or NULL */
	char shown[256]; /* the path made safe for messages */
	/* a stream's owner stopping (a TUI quitting; NULL: none): see safefile_write_all */
	const atomic_bool *stop;
};

int safefile_open_kind(struct safefile *f, const char *path, enum safefile_kind kind,
		       struct terr *e);
/* A snapshot: safefile_open_kind(f, path, SAFEFILE_SNAPSHOT, e). */
int safefile_open(struct safefile *f, const char *path, struct terr *e);
/*
 * Writes all of buf; -1 with e set on error. A stream whose reader keeps it
 * open without reading is waited for in 0.2 s turns; once INT, TERM or HUP
 * came or *stop is true, 2 s more without room end the wait (-1).
 */
int safefile_write_all(struct safefile *f, const void *buf, size_t len, struct terr *e);
/* Makes what was written durable (fsync; a no-op on a stream). */
int safefile_sync(struct safefile *f, struct terr *e);
/* fsyncs, closes and (temp files) renames into place. The struct is released either way. */
int safefile_commit(struct safefile *f, struct terr *e);
/* Closes, and removes the temp file if there is one. */
void safefile_abort(struct safefile *f);

/* The whole dance for one snapshot buffer. */
int safefile_write(const char *path, const void *buf, size_t len, struct terr *e);

#endif
