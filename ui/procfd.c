/* SPDX-License-Identifier: GPL-2.0-or-later */
/* procfd: which file descriptor of a process holds a socket (the detail view's "fd"). */
#include "procfd.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int procfd_find(const char *proc_root, int32_t pid, uint32_t inode)
{
	char path[4096], want[32], link[64];
	struct dirent *d;
	DIR *dir;
	int best = -1;

	if (pid <= 0 || !inode)
		return -1;
	snprintf(path, sizeof(path), "%s/%d/fd", proc_root && *proc_root ? proc_root : "/proc",
		 pid);
	snprintf(want, sizeof(want), "socket:[%u]", inode);
	dir = opendir(path);
	if (!dir)
		return -1;
	/* one process's fds, read only when its socket's detail is open: not a scan of /proc */
	while ((d = readdir(dir))) {
		char *end;
		long fd = strtol(d->d_name, &end, 10);
		ssize_t n;

		if (*end || end == d->d_name)
			continue;
		n = readlinkat(dirfd(dir), d->d_name, link, sizeof(link) - 1);
		if (n <= 0)
			continue;
		link[n] = '\0';
		if (!strcmp(link, want) && (best < 0 || fd < best))
			best = (int)fd;
	}
	closedir(dir);
	return best;
}
