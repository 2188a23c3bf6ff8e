/* SPDX-License-Identifier: GPL-2.0-or-later */
/* readall: whole-descriptor reads, the one loop for /proc files, sysctls and kept descriptors. */
#include "readall.h"

#include <errno.h>
#include <sys/types.h>
#include <unistd.h>

int readall_fd(int fd, struct strbuf *out)
{
	char buf[8192];
	off_t off = 0;

	sb_reset(out);
	if (fd < 0) {
		errno = EBADF;
		return -1;
	}
	for (;;) {
		ssize_t n = pread(fd, buf, sizeof(buf), off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			return 0;
		sb_add(out, buf, (size_t)n);
		off += n;
	}
}
