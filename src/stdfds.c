/* SPDX-License-Identifier: GPL-2.0-or-later */
/* stdfds: reserving closed standard descriptors, and checking writes to them. */
#include "stdfds.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

/* Set once at the top of main, before any thread: the one place that knows. */
static unsigned closed_at_start;

int stdfds_reserve(void)
{
	for (int fd = 0; fd <= 2; fd++) {
		int got;

		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		/* the lowest free descriptor: fd itself, since the ones below are open */
		got = open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY);
		if (got != fd) {
			if (got >= 0)
				close(got);
			return -1;
		}
		closed_at_start |= 1u << fd;
	}
	return 0;
}

bool stdfds_was_closed(int fd)
{
	return fd >= 0 && fd <= 2 && (closed_at_start & (1u << fd));
}

int stdfds_finish(FILE *f)
{
	int fd = fileno(f);

	if (stdfds_was_closed(fd)) {
		fprintf(stderr, "tcptop: cannot write the output: standard %s is closed\n",
			fd == 2 ? "error" : "output");
		return -1;
	}
	errno = 0;
	if (fflush(f) != 0 || ferror(f)) {
		fprintf(stderr, "tcptop: cannot write the output: %s\n",
			errno ? strerror(errno) : "write error");
		return -1;
	}
	return 0;
}
