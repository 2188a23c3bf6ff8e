/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sockmany: thousands of varied TCP sockets (IPv4, IPv6, v4-mapped, many ports and states) for the filter tests. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

/*
 * usage: sockmany [-n N] [-p BASE] [-x]
 *   -n N     connections per listener (default 40)
 *   -p BASE  first listening port (default 20000); the layout is fixed from it
 *   -x       also use 10.1.0.1, 10.1.0.2, fd00::1 and fd00::2 (the caller adds
 *            them to lo)
 *
 * Listeners, by port offset from BASE:
 *   +0 127.0.0.1   +1 127.0.0.1 (small receive buffer)   +2 127.0.0.2
 *   +3 0.0.0.0     +4 [::1]     +5 [::1] (small receive buffer)
 *   +6 [::] dual stack: IPv4 clients become v4-mapped sockets
 *   +7 [::] IPv6 only          +8 10.1.0.1 (-x)          +9 [fd00::1] (-x)
 *   +10 127.0.0.1 and +11 [::1]: connects that stay SYN-SENT / SYN-RECV if
 *       the caller drops SYN-ACKs from these ports (on input: a drop on output
 *       makes the kernel forget the request at its first retransmission)
 *   +12: no listener; connects stay SYN-SENT if the caller drops SYNs to it
 * Clients bind to several source addresses; every seventh to a port from 1000
 * up. Each connection gets one fate in turn: established, client TIME-WAIT,
 * server TIME-WAIT, CLOSE-WAIT/FIN-WAIT-2 (client shut down, still open),
 * CLOSE-WAIT/orphan FIN-WAIT-2 (client closed: a TIME-WAIT socket reporting
 * FIN-WAIT-2), LAST-ACK/FIN-WAIT-2 (server's FIN stuck behind data the client
 * does not read), and on the small-buffer listeners FIN-WAIT-1 (client's FIN
 * stuck behind data the server does not read).
 * Prints "ready port=BASE pid=PID" when built, then waits for SIGTERM.
 */

enum fate { ESTAB, CLIENT_TW, SERVER_TW, SHUT_FW2, ORPHAN_FW2, LAST_ACK, FIN_WAIT1, NFATES };

struct lst {
	int family;
	const char *addr;
	bool v6only, small_rcvbuf, extra;
	const char *const *clients; /* source addresses of its clients */
};

static const char *const v4_clients[] = { "127.0.0.1", "127.0.0.3", "127.0.0.4", NULL };
static const char *const v4x_clients[] = { "10.1.0.2", "127.0.0.5", NULL };
static const char *const v6_clients[] = { "::1", NULL };
static const char *const v6x_clients[] = { "fd00::2", "::1", NULL };

static const struct lst lsts[] = {
	{ AF_INET, "127.0.0.1", false, false, false, v4_clients },
	{ AF_INET, "127.0.0.1", false, true, false, v4_clients },
	{ AF_INET, "127.0.0.2", false, false, false, v4_clients },
	{ AF_INET, "0.0.0.0", false, false, false, v4_clients },
	{ AF_INET6, "::1", true, false, false, v6_clients },
	{ AF_INET6, "::1", true, true, false, v6_clients },
	{ AF_INET6, "::", false, false, false, v4_clients }, /* v4 clients: v4-mapped */
	{ AF_INET6, "::", true, false, false, v6_clients },
	{ AF_INET, "10.1.0.1", false, false, true, v4x_clients },
	{ AF_INET6, "fd00::1", true, false, true, v6x_clients },
};

#define SYNRECV_OFF 10
#define BLACKHOLE_OFF 12
#define HALF_OPEN 5 /* connects per half-open kind */

static int next_low_port = 1000;

static void die(const char *fmt, ...)
{
	va_list ap;
	int err = errno;

	fputs("sockmany: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, ": %s\n", strerror(err));
	exit(1);
}

static socklen_t mkaddr(int family, const char *addr, int port, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET) {
		struct sockaddr_in *a = (struct sockaddr_in *)ss;

		a->sin_family = AF_INET;
		a->sin_port = htons((uint16_t)port);
		if (inet_pton(AF_INET, addr, &a->sin_addr) != 1)
			die("bad address %s", addr);
		return sizeof(*a);
	}
	struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;

	a->sin6_family = AF_INET6;
	a->sin6_port = htons((uint16_t)port);
	if (inet_pton(AF_INET6, addr, &a->sin6_addr) != 1)
		die("bad address %s", addr);
	return sizeof(*a);
}

static void setint(int fd, int level, int opt, int v)
{
	if (setsockopt(fd, level, opt, &v, sizeof(v)) < 0)
		die("setsockopt %d/%d", level, opt);
}

static int listener(const struct lst *l, int port)
{
	struct sockaddr_storage ss;
	socklen_t len = mkaddr(l->family, l->addr, port, &ss);
	int fd = socket(l->family, SOCK_STREAM, 0);

	if (fd < 0)
		die("socket");
	setint(fd, SOL_SOCKET, SO_REUSEADDR, 1);
	if (l->family == AF_INET6)
		setint(fd, IPPROTO_IPV6, IPV6_V6ONLY, l->v6only);
	if (l->small_rcvbuf)
		setint(fd, SOL_SOCKET, SO_RCVBUF, 4096); /* inherited by accepted sockets */
	if (bind(fd, (struct sockaddr *)&ss, len) < 0)
		die("bind %s:%d", l->addr, port);
	if (listen(fd, 4096) < 0)
		die("listen");
	return fd;
}

/* A client socket bound to `src` (port 0: any), connecting to addr:port. */
static int client(int family, const char *src, int sport, const char *addr, int port, bool block,
		  int rcvbuf, int sndbuf)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd = socket(family, SOCK_STREAM, 0);

	if (fd < 0)
		die("socket");
	if (rcvbuf)
		setint(fd, SOL_SOCKET, SO_RCVBUF, rcvbuf);
	if (sndbuf)
		setint(fd, SOL_SOCKET, SO_SNDBUF, sndbuf);
	len = mkaddr(family, src, sport, &ss);
	if (bind(fd, (struct sockaddr *)&ss, len) < 0)
		die("bind %s:%d", src, sport);
	if (!block)
		fcntl(fd, F_SETFL, O_NONBLOCK);
	len = mkaddr(family, addr, port, &ss);
	if (connect(fd, (struct sockaddr *)&ss, len) < 0 && !(errno == EINPROGRESS && !block))
		die("connect %s:%d", addr, port);
	return fd;
}

/* Writes until the socket's buffers are full (the peer's window is closed). */
static void stuff(int fd)
{
	static char buf[8192];

	fcntl(fd, F_SETFL, O_NONBLOCK);
	for (int i = 0; i < 100000; i++) {
		if (write(fd, buf, sizeof(buf)) < 0) {
			if (errno == EAGAIN)
				return;
			die("write");
		}
	}
}

static void drain_eof(int fd)
{
	char b[256];
	ssize_t n;

	while ((n = read(fd, b, sizeof(b))) > 0)
		;
	if (n < 0)
		die("read");
}

/* Loopback runs the handshake and the closing exchange inside these calls. */
static void connection(const struct lst *l, int lfd, int port, int j)
{
	const char *const *src = l->clients;
	int nsrc = 0, fate = j % NFATES, sport = 0;
	const char *caddr = l->addr;
	int cfam = l->family, cfd, sfd;

	while (src[nsrc])
		nsrc++;
	/* Clients of a wildcard listener connect to loopback of their own family. */
	if (!strcmp(caddr, "0.0.0.0"))
		caddr = "127.0.0.1";
	if (!strcmp(caddr, "::")) {
		cfam = l->v6only ? AF_INET6 : AF_INET;
		caddr = l->v6only ? "::1" : "127.0.0.1";
	}
	if (fate == FIN_WAIT1 && !l->small_rcvbuf)
		fate = ESTAB;
	if (j % 7 == 3)
		sport = next_low_port++;
	cfd = client(cfam, src[j % nsrc], sport, caddr, port, true, fate == LAST_ACK ? 4096 : 0,
		     fate == FIN_WAIT1 ? 8192 : 0);
	sfd = accept(lfd, NULL, NULL);
	if (sfd < 0)
		die("accept");
	switch (fate) {
	case CLIENT_TW:
		close(cfd);
		drain_eof(sfd);
		close(sfd);
		break;
	case SERVER_TW:
		close(sfd);
		drain_eof(cfd);
		close(cfd);
		break;
	case SHUT_FW2:
		shutdown(cfd, SHUT_WR);
		break;
	case ORPHAN_FW2:
		close(cfd);
		break;
	case LAST_ACK:
		shutdown(cfd, SHUT_WR);
		drain_eof(sfd);
		setint(sfd, SOL_SOCKET, SO_SNDBUF, 4096);
		stuff(sfd);
		shutdown(sfd, SHUT_WR);
		break;
	case FIN_WAIT1:
		stuff(cfd);
		shutdown(cfd, SHUT_WR);
		break;
	default:
		break;
	}
}

int main(int argc, char **argv)
{
	struct rlimit rl;
	int n = 40, base = 20000, opt;
	bool extra = false;

	while ((opt = getopt(argc, argv, "n:p:x")) != -1) {
		if (opt == 'n')
			n = atoi(optarg);
		else if (opt == 'p')
			base = atoi(optarg);
		else if (opt == 'x')
			extra = true;
		else
			return 2;
	}
	/* As many descriptors as allowed (raising the hard limit needs CAP_SYS_RESOURCE). */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	for (size_t i = 0; i < sizeof(lsts) / sizeof(lsts[0]); i++) {
		int port = base + (int)i, lfd;

		if (lsts[i].extra && !extra)
			continue;
		lfd = listener(&lsts[i], port);
		for (int j = 0; j < n; j++)
			connection(&lsts[i], lfd, port, j + (int)i);
	}
	/* Half-open connections; the caller's nftables rules keep them half open. */
	listener(&(struct lst){ AF_INET, "127.0.0.1", false, false, false, NULL },
		 base + SYNRECV_OFF);
	listener(&(struct lst){ AF_INET6, "::1", true, false, false, NULL },
		 base + SYNRECV_OFF + 1);
	for (int j = 0; j < HALF_OPEN; j++) {
		client(AF_INET, "127.0.0.1", 0, "127.0.0.1", base + SYNRECV_OFF, false, 0, 0);
		client(AF_INET6, "::1", 0, "::1", base + SYNRECV_OFF + 1, false, 0, 0);
		client(AF_INET, "127.0.0.3", 0, "127.0.0.1", base + BLACKHOLE_OFF, false, 0, 0);
		client(AF_INET6, "::1", 0, "::1", base + BLACKHOLE_OFF, false, 0, 0);
	}
	usleep(300000); /* the last closing exchanges and window probes settle */
	printf("ready port=%d pid=%d\n", base, (int)getpid());
	fflush(stdout);
	for (;;)
		pause();
}
