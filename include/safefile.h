/* safefile: files written atomically (temp file + rename), never through a planted symlink. */
#ifndef TCPTOP_SAFEFILE_H
#define TCPTOP_SAFEFILE_H

#include <stddef.h>

#include "terr.h"

/*
 * The data goes to a new file made with O_EXCL beside the target (so a
 * symlink or file someone planted under the temp name is never opened), and
 * is renamed over the target only when complete: rename replaces a symlink at
 * the target instead of following it, and a reader never sees half a file.
 */
struct safefile {
	int fd;
	char *path; /* owned */
	char *tmp;  /* owned */
};

int safefile_open(struct safefile *f, const char *path, struct terr *e);
/* Writes all of buf; -1 with e set on error. */
int safefile_write_all(struct safefile *f, const void *buf, size_t len, struct terr *e);
/* fsyncs, closes and renames into place. The struct is released either way. */
int safefile_commit(struct safefile *f, struct terr *e);
/* Closes and removes the temp file. */
void safefile_abort(struct safefile *f);

/* The whole dance for one buffer. */
int safefile_write(const char *path, const void *buf, size_t len, struct terr *e);

#endif
