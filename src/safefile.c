/* SPDX-License-Identifier: GPL-2.0-or-later */
/* safefile: files written without replacing what is not ours to replace (see safefile.h). */
#include "safefile.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fatal.h"
#include "privs.h"
#include "sanitize.h"
#include "sigs.h"

/* Linux's own limit on symlinks followed in one lookup. */
#define MAX_HOPS 40

/* Root's and our own links are trusted; anyone else's could point anywhere. */
static int trusted(uid_t uid)
{
	return uid == 0 || uid == geteuid();
}

/* "cannot VERB PATH: REASON", naming the privilege a refusal asked for; errno is the reason. */
static void fail_errno(struct safefile *f, const char *verb, struct terr *e)
{
	int err = errno;

	terr_set(e, "cannot %s %s: %s%s", verb, f->shown, strerror(err),
		 privs_denied_hint(err, PRIVS_WRITE));
}

static const char *kind_name(mode_t m)
{
	static const struct {
		mode_t type;
		const char *name;
	} kinds[] = {
		{ .type = S_IFDIR, .name = "a directory" },
		{ .type = S_IFBLK, .name = "a block device" },
		{ .type = S_IFSOCK, .name = "a socket" },
		{ .type = S_IFLNK, .name = "a symlink" },
	};

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if ((m & S_IFMT) == kinds[i].type)
			return kinds[i].name;
	return "not a regular file";
}

/*
 * Opens (O_PATH) the directory that holds the last component of path and
 * returns that component in *name. Walks one component at a time so that no
 * untrusted symlink is ever followed, however deep it sits.
 */
static int open_parent(struct safefile *f, const char *path, char **name, struct terr *e)
{
	char *todo = xstrdup(path);
	char *p = todo;
	int hops = 0;
	int fd = open(*p == '/' ? "/" : ".", O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0) {
		fail_errno(f, "open", e);
		free(todo);
		return -1;
	}
	for (;;) {
		char *end, *next, *more;
		struct stat st;
		int nfd;

		while (*p == '/')
			p++;
		end = p + strcspn(p, "/");
		for (next = end; *next == '/'; next++)
			;
		if (!*next) {
			/* the last component: "dir/" and "." name directories, refused later */
			if (*end == '/' || end == p || !strcmp(p, ".") || !strcmp(p, "..")) {
				terr_set(e, "%s: is a directory, not a file name", f->shown);
				goto fail;
			}
			*name = xstrdup(p);
			free(todo);
			return fd;
		}
		*end = '\0';
		if (!strcmp(p, ".")) {
			p = next;
			continue;
		}
		if (fstatat(fd, p, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			fail_errno(f, "open", e);
			goto fail;
		}
		if (S_ISLNK(st.st_mode)) {
			char target[4096];
			ssize_t n;

			if (!trusted(st.st_uid)) {
				terr_set(e, "%s: not following the symlink %s owned by uid %u",
					 f->shown, p, (unsigned)st.st_uid);
				goto fail;
			}
			n = readlinkat(fd, p, target, sizeof(target) - 1);
			if (n < 0 || ++hops > MAX_HOPS) {
				terr_set(e, "cannot open %s: %s", f->shown,
					 strerror(n < 0 ? errno : ELOOP));
				goto fail;
			}
			target[n] = '\0';
			/* the link's text replaces its component; the walk goes on from there */
			more = xmalloc((size_t)n + strlen(next) + 2);
			sprintf(more, "%s/%s", target, next);
			free(todo);
			todo = p = more;
			if (*p == '/') {
				close(fd);
				fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
				if (fd < 0) {
					terr_set(e, "cannot open /: %s", strerror(errno));
					free(todo);
					return -1;
				}
			}
			continue;
		}
		nfd = openat(fd, p, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (nfd < 0) {
			fail_errno(f, "open", e);
			goto fail;
		}
		close(fd);
		fd = nfd;
		p = next;
	}
fail:
	close(fd);
	free(todo);
	return -1;
}

/* A stream target: opened without blocking on a FIFO nobody reads, and kept so (see safefile_write_all). */
static int open_stream(struct safefile *f, int dirfd, const char *name, int nofollow,
		       struct terr *e)
{
	struct stat st;
	int fd = openat(dirfd, name,
			O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC | (nofollow ? O_NOFOLLOW : 0));

	if (fd < 0) {
		if (errno == ENXIO)
			terr_set(e, "cannot write %s: no process is reading it", f->shown);
		else
			fail_errno(f, "open", e);
		return -1;
	}
	if (fstat(fd, &st) < 0 || !(S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode))) {
		terr_set(e, "%s: %s, not replaced", f->shown,
			 S_ISREG(st.st_mode)
				 ? "a symlink to a regular file (give the file's own path)"
				 : kind_name(st.st_mode));
		close(fd);
		return -1;
	}
	f->fd = fd;
	f->stream = true;
	return 0;
}

/* A temp file beside the target, made with O_EXCL so nothing planted is ever opened. */
static int open_temp(struct safefile *f, const struct stat *old, struct terr *e)
{
	size_t n = strlen(f->name) + 24;

	f->tmp = xmalloc(n);
	for (int tries = 0; tries < 100; tries++) {
		snprintf(f->tmp, n, ".%s.tmp-%06lx", f->name,
			 (unsigned long)((unsigned)random() ^ (unsigned)getpid()) & 0xffffff);
		f->fd = openat(f->dirfd, f->tmp,
			       O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
			       old ? 0600 : 0644);
		if (f->fd >= 0 || errno != EEXIST)
			break;
	}
	if (f->fd < 0) {
		fail_errno(f, "create a temporary file beside", e);
		free(f->tmp);
		f->tmp = NULL;
		return -1;
	}
	/* the replacement is the same file to everyone who could read the old one */
	if (old && ((old->st_uid != geteuid() || old->st_gid != getegid()) &&
		    fchown(f->fd, old->st_uid, old->st_gid) < 0)) {
		/* another user's file: giving the replacement to them is root's (CAP_CHOWN) */
		terr_set(e, "cannot keep the owner of %s: %s%s", f->shown, strerror(errno),
			 errno == EPERM
				 ? " (it is another user's: replacing it needs root, CAP_CHOWN)"
				 : "");
		return -1;
	}
	if (old && fchmod(f->fd, old->st_mode & 07777) < 0) {
		terr_set(e, "cannot keep the mode of %s: %s", f->shown, strerror(errno));
		return -1;
	}
	return 0;
}

/* A recording: appended, so what is written is readable at once; owner and mode kept. */
static int open_append(struct safefile *f, int exists, bool keep, struct terr *e)
{
	int fl = O_WRONLY | O_APPEND | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC;
	struct stat st;

	f->fd = openat(f->dirfd, f->name, exists ? fl : fl | O_CREAT | O_EXCL, 0600);
	if (f->fd < 0) {
		fail_errno(f, "open", e);
		return -1;
	}
	if (fstat(f->fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		terr_set(e, "%s: %s, not replaced", f->shown, kind_name(st.st_mode));
		return -1;
	}
	if (exists && !keep && ftruncate(f->fd, 0) < 0) {
		terr_set(e, "cannot truncate %s: %s", f->shown, strerror(errno));
		return -1;
	}
	return 0;
}

static void release(struct safefile *f)
{
	if (f->dirfd >= 0)
		close(f->dirfd);
	free(f->path);
	free(f->name);
	free(f->tmp);
	f->path = f->name = f->tmp = NULL;
	f->fd = f->dirfd = -1;
}

void safefile_abort(struct safefile *f)
{
	if (f->fd >= 0)
		close(f->fd);
	if (f->tmp)
		unlinkat(f->dirfd, f->tmp, 0);
	release(f);
}

/* The standard streams by name: /dev/stdout may be a socket that open() cannot reopen. */
static int std_stream(const char *path)
{
	if (!strcmp(path, "-") || !strcmp(path, "/dev/stdout"))
		return STDOUT_FILENO;
	if (!strcmp(path, "/dev/stderr"))
		return STDERR_FILENO;
	return -1;
}

int safefile_open_kind(struct safefile *f, const char *path, enum safefile_kind kind,
		       struct terr *e)
{
	struct stat st;
	int sfd;

	memset(f, 0, sizeof(*f));
	f->fd = f->dirfd = -1;
	sanitize_text(f->shown, sizeof(f->shown), path, strlen(path));
	if (!*path) {
		terr_set(e, "empty file name");
		return -1;
	}
	f->path = xstrdup(path);
	sfd = std_stream(path);
	if (sfd >= 0) {
		f->fd = fcntl(sfd, F_DUPFD_CLOEXEC, 3);
		if (f->fd < 0) {
			terr_set(e, "cannot write %s: %s", f->shown, strerror(errno));
			release(f);
			return -1;
		}
		f->stream = true;
		return 0;
	}
	f->dirfd = open_parent(f, path, &f->name, e);
	if (f->dirfd < 0)
		goto fail;
	if (fstatat(f->dirfd, f->name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno != ENOENT) {
			fail_errno(f, "open", e);
			goto fail;
		}
		if ((kind != SAFEFILE_SNAPSHOT ? open_append(f, 0, kind == SAFEFILE_LOG, e)
					       : open_temp(f, NULL, e)) < 0)
			goto fail;
		return 0;
	}
	if (S_ISREG(st.st_mode)) {
		if ((kind != SAFEFILE_SNAPSHOT ? open_append(f, 1, kind == SAFEFILE_LOG, e)
					       : open_temp(f, &st, e)) < 0)
			goto fail;
		return 0;
	}
	if (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode))
		return open_stream(f, f->dirfd, f->name, 1, e) < 0 ? (safefile_abort(f), -1) : 0;
	if (S_ISLNK(st.st_mode)) {
		if (!trusted(st.st_uid)) {
			terr_set(e, "%s: not following a symlink owned by uid %u", f->shown,
				 (unsigned)st.st_uid);
			goto fail;
		}
		return open_stream(f, f->dirfd, f->name, 0, e) < 0 ? (safefile_abort(f), -1) : 0;
	}
	terr_set(e, "%s: %s, not replaced", f->shown, kind_name(st.st_mode));
fail:
	safefile_abort(f);
	return -1;
}

int safefile_open(struct safefile *f, const char *path, struct terr *e)
{
	return safefile_open_kind(f, path, SAFEFILE_SNAPSHOT, e);
}

/*
 * A stream's reader can stop reading and keep it open. Our own FIFO open is
 * non-blocking (a standard stream's flags are shared, so a big write to it
 * can still wait once it has room). Told to stop, a write still waits 2 s
 * for a reader at its own pace (a replay at the recorded one).
 */
#define ROOM_GRACE_TURNS (2000 / SIGS_WAIT_TURN_MS)

int safefile_write_all(struct safefile *f, const void *buf, size_t len, struct terr *e)
{
	const char *p = buf;

	while (len) {
		if (f->stream && !sigs_wait_fd(f->fd, POLLOUT, f->stop, ROOM_GRACE_TURNS)) {
			terr_set(e,
				 "cannot write %s: its reader stopped reading, and tcptop was "
				 "told to stop",
				 f->shown);
			return -1;
		}
		ssize_t n = write(f->fd, p, len);

		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			terr_set(e, "cannot write %s: %s", f->shown, strerror(errno));
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int safefile_sync(struct safefile *f, struct terr *e)
{
	/* EINVAL/EROFS: a stream or a file system without fsync; nothing more to do */
	if (!f->stream && fsync(f->fd) < 0 && errno != EINVAL && errno != EROFS) {
		terr_set(e, "cannot write %s: %s", f->shown, strerror(errno));
		return -1;
	}
	return 0;
}

int safefile_commit(struct safefile *f, struct terr *e)
{
	int ret = safefile_sync(f, e);

	if (close(f->fd) < 0 && ret == 0) {
		terr_set(e, "cannot write %s: %s", f->shown, strerror(errno));
		ret = -1;
	}
	f->fd = -1;
	if (ret == 0 && f->tmp) {
		if (renameat(f->dirfd, f->tmp, f->dirfd, f->name) < 0) {
			fail_errno(f, "rename a temporary file to", e);
			ret = -1;
		} else {
			free(f->tmp);
			f->tmp = NULL;
			/* the new name survives a power cut too */
			int d = openat(f->dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

			if (d >= 0) {
				fsync(d);
				close(d);
			}
		}
	}
	safefile_abort(f);
	return ret;
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
