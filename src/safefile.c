/* safefile: atomic, symlink-proof file writes. */
#include "safefile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fatal.h"

int safefile_open(struct safefile *f, const char *path, struct terr *e)
{
	size_t n = strlen(path) + 16;

	f->path = xstrdup(path);
	f->tmp = xmalloc(n);
	snprintf(f->tmp, n, "%s.tmp-XXXXXX", path);
	/* mkstemp creates with O_CREAT|O_EXCL and mode 0600. */
	f->fd = mkstemp(f->tmp);
	if (f->fd < 0) {
		terr_set(e, "cannot create %s: %s", f->tmp, strerror(errno));
		free(f->path);
		free(f->tmp);
		f->path = f->tmp = NULL;
		return -1;
	}
	/* Readable like an ordinary file; the snapshot holds nothing secret. */
	fchmod(f->fd, 0644);
	return 0;
}

int safefile_write_all(struct safefile *f, const void *buf, size_t len, struct terr *e)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(f->fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			terr_set(e, "cannot write %s: %s", f->path, strerror(errno));
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static void release(struct safefile *f)
{
	free(f->path);
	free(f->tmp);
	f->path = f->tmp = NULL;
	f->fd = -1;
}

int safefile_commit(struct safefile *f, struct terr *e)
{
	int ret = 0;

	if (fsync(f->fd) < 0 && errno != EINVAL) {
		terr_set(e, "cannot write %s: %s", f->path, strerror(errno));
		ret = -1;
	}
	if (close(f->fd) < 0 && ret == 0) {
		terr_set(e, "cannot write %s: %s", f->path, strerror(errno));
		ret = -1;
	}
	if (ret == 0 && rename(f->tmp, f->path) < 0) {
		terr_set(e, "cannot rename %s to %s: %s", f->tmp, f->path, strerror(errno));
		ret = -1;
	}
	if (ret < 0)
		unlink(f->tmp);
	release(f);
	return ret;
}

void safefile_abort(struct safefile *f)
{
	if (f->fd >= 0)
		close(f->fd);
	if (f->tmp)
		unlink(f->tmp);
	release(f);
}

int safefile_write(const char *path, const void *buf, size_t len, struct terr *e)
{
	struct safefile f;

	if (safefile_open(&f, path, e) < 0)
		return -1;
	if (safefile_write_all(&f, buf, len, e) < 0) {
		safefile_abort(&f);
		return -1;
	}
	return safefile_commit(&f, e);
}
