/* SPDX-License-Identifier: GPL-2.0-or-later */
/* netns: -N specs, setns, and a display name for the current network namespace. */
#include "netns.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "privs.h"
#include "sanitize.h"

/*
 * The initial network namespace's inode number on kernels that fix it
 * (PROC_NET_INIT_INO; 4026531833 here on 6.18). Comparing with pid 1's
 * namespace instead would call a container's own namespace "host" when
 * tcptop runs in one, and needs privilege; on kernels that allocate the
 * number the initial namespace is just shown as "net:[INODE]".
 */
#define NET_INIT_INO 0xEFFFFFF9u

enum spec_kind { SPEC_NAME, SPEC_PATH, SPEC_PID };

static enum spec_kind kind_of(const char *spec)
{
	if (!strncmp(spec, "pid:", 4))
		return SPEC_PID;
	return strchr(spec, '/') ? SPEC_PATH : SPEC_NAME;
}

int netns_path(const char *spec, char *path, size_t len, struct terr *e)
{
	switch (kind_of(spec)) {
	case SPEC_PID: {
		const char *s = spec + 4;
		char *end;
		long pid;

		errno = 0;
		pid = strtol(s, &end, 10);
		if (!*s || *end || errno || pid <= 0 || pid > 0x3fffffff) {
			terr_set(e, "-N %s: '%s' is not a process id (write pid:1234)", spec, s);
			return -1;
		}
		snprintf(path, len, "/proc/%ld/ns/net", pid);
		return 0;
	}
	case SPEC_PATH:
		if ((size_t)snprintf(path, len, "%s", spec) >= len) {
			terr_set(e, "the path '%.60s...' is too long", spec);
			return -1;
		}
		return 0;
	case SPEC_NAME:
	default:
		if (!*spec || !strcmp(spec, ".") || !strcmp(spec, "..")) {
			terr_set(e, "-N %s: '%s' is not a network namespace name", spec, spec);
			return -1;
		}
		if ((size_t)snprintf(path, len, "%s/%s", NETNS_RUN_DIR, spec) >= len) {
			terr_set(e, "the name '%.60s...' is too long", spec);
			return -1;
		}
		return 0;
	}
}

static void open_error(const char *spec, const char *path, int err, struct terr *e)
{
	if (err == ENOENT || err == ENOTDIR) {
		switch (kind_of(spec)) {
		case SPEC_NAME:
			terr_set(e, "no network namespace '%s' under %s", spec, NETNS_RUN_DIR);
			return;
		case SPEC_PID:
			terr_set(e, "no process %s (for -N %s)", spec + 4, spec);
			return;
		default:
			terr_set(e, "no network namespace at %s: %s", path, strerror(err));
			return;
		}
	}
	if ((err == EACCES || err == EPERM) && privs_has(PRIVS_SYS_PTRACE))
		terr_set(
			e,
			"cannot open network namespace '%s': %s (refused even with CAP_SYS_PTRACE: "
			"the process is protected, e.g. by a security module or its own "
			"namespace)",
			spec, strerror(err));
	else if (err == EACCES || err == EPERM)
		terr_set(e,
			 "cannot open network namespace '%s': %s (another process's namespace "
			 "needs root: CAP_SYS_PTRACE to open it, CAP_SYS_ADMIN to enter it)",
			 spec, strerror(err));
	else
		terr_set(e, "cannot enter network namespace '%s': %s", spec, strerror(err));
}

/* The messages quote what the user typed (-N VALUE): never raw to a terminal. */
static int sanitized_failure(struct terr *e)
{
	char safe[sizeof(e->msg)];

	sanitize_text(safe, sizeof(safe), e->msg, strlen(e->msg));
	snprintf(e->msg, sizeof(e->msg), "%s", safe);
	return -1;
}

static int enter(const char *spec, struct terr *e);

int netns_enter(const char *spec, struct terr *e)
{
	return enter(spec, e) < 0 ? sanitized_failure(e) : 0;
}

static int enter(const char *spec, struct terr *e)
{
	char path[4096];
	int fd, err;

	if (netns_path(spec, path, sizeof(path), e) < 0)
		return -1;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		open_error(spec, path, errno, e);
		return -1;
	}
	if (setns(fd, CLONE_NEWNET) < 0) {
		err = errno;
		close(fd);
		if (err == EINVAL && kind_of(spec) == SPEC_PATH)
			terr_set(e, "'%s' is not a network namespace", spec);
		else if (err == EINVAL)
			terr_set(e, "'%s' is not a network namespace (%s)", spec, path);
		else if (err == EPERM)
			terr_set(e,
				 "cannot enter network namespace '%s': %s (it needs CAP_SYS_ADMIN: "
				 "run as root)",
				 spec, strerror(err));
		else
			terr_set(e, "cannot enter network namespace '%s': %s", spec, strerror(err));
		return -1;
	}
	close(fd);
	return 0;
}

int netns_enter_keeping_host(const char *spec, const char *proc_root, struct tunables_host *h,
			     struct terr *e)
{
	/* before setns: /proc/sys resolves names in the namespace of whoever opens them */
	tunables_host_open(h, proc_root);
	return netns_enter(spec, e);
}

static bool same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

void netns_describe(const char *spec, char *buf, size_t len)
{
	struct stat self, other;
	struct dirent *de;
	DIR *d;

	if (spec) {
		snprintf(buf, len, "%s", spec);
		return;
	}
	if (stat("/proc/self/ns/net", &self) < 0) {
		snprintf(buf, len, "?");
		return;
	}
	if (self.st_ino == NET_INIT_INO) {
		snprintf(buf, len, "host");
		return;
	}
	/* what `ip netns identify` does: a named namespace is a bind mount of its file */
	d = opendir(NETNS_RUN_DIR);
	while (d && (de = readdir(d))) {
		char path[sizeof(NETNS_RUN_DIR) + 258];

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", NETNS_RUN_DIR, de->d_name);
		if (stat(path, &other) == 0 && same_file(&other, &self)) {
			snprintf(buf, len, "%s", de->d_name);
			closedir(d);
			return;
		}
	}
	if (d)
		closedir(d);
	snprintf(buf, len, "net:[%llu]", (unsigned long long)self.st_ino);
}
