/* SPDX-License-Identifier: GPL-2.0-or-later */
/* version: probes the kernel features tcptop uses and writes the --version report. */
#include "version.h"

#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/inet_diag.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <zstd.h>

#include "diag.h"
#include "sample.h"
#include "tcpinfo.h"
#include "terr.h"

/* <netinet/tcp.h> clashes with tcpinfo.h's own ABI copy; the option number is ABI too. */
#ifndef TCP_INFO
#define TCP_INFO 11
#endif

#ifndef TCPTOP_LIBMNL_VERSION
#define TCPTOP_LIBMNL_VERSION "unknown"
#endif

/*
 * The one-walk dump through the same code a refresh uses (source.c falls
 * back to one dump per family when this fails). An empty state mask keeps
 * the answer empty: the kernel still walks, but sends no socket.
 */
static void probe_one_walk(struct version_feature *f)
{
	struct terr e = { { 0 } };
	struct diag *d = diag_open(&e);
	struct diag_req req = { .states = 0 };
	struct sample s = { 0 };

	memset(f, 0, sizeof(*f));
	if (!d) {
		memcpy(f->why, e.msg, sizeof(f->why));
		return;
	}
	if (diag_dump(d, AF_UNSPEC, &req, &s, &e) == 0)
		f->ok = 1;
	else
		memcpy(f->why, e.msg, sizeof(f->why));
	sample_free(&s);
	diag_close(d);
}

/*
 * Joins the sock_diag TCP destroy groups and closes a socket of its own: the
 * event must arrive (the kernel sends it from a workqueue, so wait a little).
 * Joining is refused without CAP_NET_ADMIN where the kernel asks for it.
 */
static void probe_destroy(struct version_feature *f)
{
	static const int groups[] = { SKNLGRP_INET_TCP_DESTROY, SKNLGRP_INET6_TCP_DESTROY };
	struct mnl_socket *nl = mnl_socket_open(NETLINK_SOCK_DIAG);
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct pollfd pfd;
	int fd;

	memset(f, 0, sizeof(*f));
	if (!nl) {
		f->err = errno;
		snprintf(f->why, sizeof(f->why), "sock_diag socket: %s", strerror(errno));
		return;
	}
	/* bound: the kernel skips listeners whose port id is the sender's, 0 for an unbound one */
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		f->err = errno;
		snprintf(f->why, sizeof(f->why), "binding a sock_diag socket: %s", strerror(errno));
		mnl_socket_close(nl);
		return;
	}
	for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++) {
		int g = groups[i];

		if (mnl_socket_setsockopt(nl, NETLINK_ADD_MEMBERSHIP, &g, sizeof(g)) < 0) {
			f->err = errno;
			snprintf(f->why, sizeof(f->why), "joining the destroy groups: %s%s",
				 strerror(errno), errno == EPERM ? " (needs CAP_NET_ADMIN)" : "");
			mnl_socket_close(nl);
			return;
		}
	}
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_TCP);
	if (fd >= 0)
		close(fd);
	pfd = (struct pollfd){ .fd = mnl_socket_get_fd(nl), .events = POLLIN };
	if (poll(&pfd, 1, 300) == 1 && recv(pfd.fd, buf, sizeof(buf), MSG_DONTWAIT) > 0)
		f->ok = 1;
	else
		snprintf(
			f->why, sizeof(f->why),
			"joined the destroy groups, but no event for a closed socket within 0.3 s");
	mnl_socket_close(nl);
}

/* getsockopt copies min(our length, the kernel's sizeof): a larger buffer reads its size. */
static void probe_tcp_info(struct version_probe *p)
{
	unsigned char buf[1024];
	socklen_t len = sizeof(buf);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_TCP);

	p->tcp_info_len = -1;
	p->tcp_info_err = 0;
	if (fd < 0)
		fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_TCP);
	if (fd < 0) {
		p->tcp_info_err = errno;
		return;
	}
	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, buf, &len) < 0)
		p->tcp_info_err = errno;
	else
		p->tcp_info_len = (int)len;
	close(fd);
}

void version_probe(struct version_probe *p)
{
	struct utsname u;

	memset(p, 0, sizeof(*p));
	if (uname(&u) == 0)
		snprintf(p->kernel, sizeof(p->kernel), "%s", u.release);
	else
		snprintf(p->kernel, sizeof(p->kernel), "unknown");
	probe_one_walk(&p->one_walk);
	probe_destroy(&p->destroy);
	probe_tcp_info(p);
}

static void feature(FILE *out, const char *what, const struct version_feature *f,
		    const char *meaning)
{
	if (f->ok)
		fprintf(out, "  %-16s yes (%s)\n", what, meaning);
	else
		fprintf(out, "  %-16s no: %s\n", what, f->why);
}

void version_write(FILE *out, const struct version_probe *p, const char *curses_version)
{
	fprintf(out, "tcptop %s\n", TCPTOP_VERSION);
	fprintf(out, "kernel %s:\n", p->kernel);
	feature(out, "one-walk dump", &p->one_walk,
		"TCPDIAG_GETSOCK: IPv4 and IPv6 in one walk of the socket hash");
	feature(out, "destroy events", &p->destroy,
		"the sock_diag TCP destroy groups: a closed socket's event arrived");
	if (p->tcp_info_len >= 0)
		fprintf(out, "  %-16s %d bytes (tcptop reads up to %zu)\n", "tcp_info",
			p->tcp_info_len, sizeof(struct tcpi));
	else
		fprintf(out, "  %-16s unknown: %s\n", "tcp_info", strerror(p->tcp_info_err));
	fprintf(out, "libraries:\n");
	fprintf(out, "  %-16s %s (at build time)\n", "libmnl", TCPTOP_LIBMNL_VERSION);
	fprintf(out, "  %-16s %s\n", "libzstd", ZSTD_versionString());
	if (curses_version)
		fprintf(out, "  %-16s %s\n", "curses", curses_version);
}
