/* SPDX-License-Identifier: GPL-2.0-or-later */
/* textfile: DIR/tcptop.prom for node_exporter's textfile collector, replaced whole every refresh. */
#ifndef TCPTOP_TEXTFILE_H
#define TCPTOP_TEXTFILE_H

#include <stddef.h>

#include "terr.h"

/* The file's name in DIR; the collector reads *.prom, our temp files are hidden and not. */
#define TEXTFILE_NAME "tcptop.prom"

struct textfile {
	char *path; /* owned: DIR/tcptop.prom */
};

/*
 * Checks that dir is a directory we may write (one line in e otherwise) and
 * removes temp files a killed tcptop left behind (".tcptop.prom.tmp-*",
 * regular files of ours only). Nothing is written yet.
 */
int textfile_open(struct textfile *t, const char *dir, struct terr *e);
/*
 * Writes buf to a temp file in the directory, fsyncs it and renames it over
 * tcptop.prom (safefile's rules: never through someone else's symlink, 0644
 * masked by the umask when new), so a scrape reads the old file or the new
 * one, never half of one. On failure the temp file is gone and e says why.
 */
int textfile_write(struct textfile *t, const void *buf, size_t len, struct terr *e);
void textfile_close(struct textfile *t);

#endif
