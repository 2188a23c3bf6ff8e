/* SPDX-License-Identifier: GPL-2.0-or-later */
/* textfile: DIR/tcptop.prom for node_exporter's textfile collector, replaced whole every refresh. */
#include "textfile.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fatal.h"
#include "privs.h"
#include "safefile.h"
#include "sanitize.h"
#include "strbuf.h"

/* safefile's temp names for TEXTFILE_NAME: ".tcptop.prom.tmp-XXXXXX". */
#define TEMP_PREFIX "." TEXTFILE_NAME ".tmp-"

/*
 * A run killed with SIGKILL (or a power cut) leaves its temp file: the next
 * run takes it away, so DIR holds nothing but tcptop.prom. Only regular
 * files of ours, by the exact prefix; a failure here is not worth refusing
 * to start over.
 */
static void remove_stale(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *de;

	if (!d) {
		if (fd >= 0)
			close(fd);
		return;
	}
	while ((de = readdir(d))) {
		struct stat st;

		if (strncmp(de->d_name, TEMP_PREFIX, strlen(TEMP_PREFIX)))
			continue;
		if (fstatat(fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode) &&
		    st.st_uid == geteuid())
			unlinkat(fd, de->d_name, 0);
	}
	closedir(d);
}

int textfile_open(struct textfile *t, const char *dir, struct terr *e)
{
	char shown[SANITIZE_SIZE(200)];
	struct stat st;
	struct strbuf sb = STRBUF_INIT;
	size_t len = strlen(dir);

	t->path = NULL;
	sanitize_line(shown, sizeof(shown), dir);
	if (stat(dir, &st) < 0) {
		int err = errno;

		terr_set(e, "--textfile %s: %s%s", shown, strerror(err),
			 privs_denied_hint(err, PRIVS_WRITE_DIR));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		terr_set(e, "--textfile %s: not a directory", shown);
		return -1;
	}
	if (access(dir, W_OK | X_OK) < 0) {
		int err = errno;

		terr_set(e, "--textfile %s: cannot write there: %s%s", shown, strerror(err),
			 privs_denied_hint(err, PRIVS_WRITE_DIR));
		return -1;
	}
	remove_stale(dir);
	sb_puts(&sb, dir);
	if (len && dir[len - 1] != '/')
		sb_putc(&sb, '/');
	sb_puts(&sb, TEXTFILE_NAME);
	t->path = sb.s;
	return 0;
}

int textfile_write(struct textfile *t, const void *buf, size_t len, struct terr *e)
{
	/* safefile: temp beside the target (O_EXCL), write, fsync, rename; abort unlinks it */
	return safefile_write(t->path, buf, len, e);
}

void textfile_close(struct textfile *t)
{
	free(t->path);
	t->path = NULL;
}
