/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sockscen: builds real socket situations for the integration tests and holds them until killed. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/*
 * usage: sockscen [options] SCENARIO [N]
 *   -6            IPv6 (::1) instead of 127.0.0.1
 *   -a ADDR       address to listen on and connect to
 *   -C ADDR       address to connect to, if not -a (e.g. 127.0.0.1 to a [::] listener)
 *   -p PORT       port (default: chosen by the kernel)
 *   -b BACKLOG    listen backlog (default 128)
 *   --sndbuf N    SO_SNDBUF of the sending side
 *   --rcvbuf N    SO_RCVBUF of the receiving side
 *   --read-rate R receiver reads at most R bytes/s (0: never reads)
 *   --write-rate R sender writes at most R bytes/s
 *   --name NAME   process name (prctl PR_SET_NAME), for process attribution
 *   --server-ns PATH  create the listening socket in the network namespace at PATH
 *                 (/run/netns/NAME): client and server in different namespaces
 *   --every MS    closewait, timewait: build one connection every MS ms instead of
 *                 all at once ("ready" after the first), so the count grows
 *   --delay-ms MS link: one-way delay of the emulated path (default 10)
 *   --cc NAME     congestion control of the sending side (TCP_CONGESTION)
 *   --nodelay     reqresp: the client sets TCP_NODELAY
 *   --write-every MS  with --write-rate: at most one write every MS ms, of all the rate
 *                 allows by then (default: a write as soon as a byte is allowed, looked
 *                 at every 2 ms): fewer, larger writes, less of the time waiting for ACKs
 * scenarios:
 *   bulk          one connection, the client sends without pause
 *   listen N      a listener that never accepts, N clients connecting to it
 *   closewait N   N accepted connections whose clients closed; the server never closes
 *   timewait N    N connections closed client first: N TIME-WAIT sockets on the client
 *   synrecv N     N connects to a listener (the test drops SYN-ACKs: SYN-RECV)
 *   idle N        N established connections with keepalive and no data
 *   fork N        one accepted socket shared by N processes (fork after accept)
 *   reqresp       one client writing each request as two small writes (40 + 60 bytes)
 *                 and waiting for the server's 100-byte reply: Nagle + delayed ACK
 *   sparse        one client writing 100 bytes every 200 ms, no reply
 *   finwait1 N    N accepted connections the server fills until the client's window
 *                 (the client never reads) is zero, then closes: FIN-WAIT-1 orphans
 *   shortconns N  on SIGUSR1: N connections one after the other, each sending
 *                 100 + i % 100 bytes and answered with 10 + i % 50, closed by the
 *                 client first; one line "conn lport=P sent=S recv=R" each, then "done"
 *   ends          on SIGUSR1: connections that end in different ways, one line
 *                 "end how=HOW lport=P" each (normal, reset, refused; with
 *                 --unanswered-port U a connect to U, which the test drops, that
 *                 waits out tcp_syn_retries; with --stall-port Q a connection to a
 *                 listener on Q whose data the test drops, given up after
 *                 TCP_USER_TIMEOUT 500 ms), then "done"
 *   link          a path with real propagation delay between this namespace and
 *                 --server-ns: TUN device tt0 here, tt1 there, and a forwarder
 *                 that holds every packet --delay-ms before passing it on (netem
 *                 stand-in); the caller adds addresses and any tbf shaping
 * Prints "ready port=P pid=PID" when the situation is built, then waits for SIGTERM.
 */

struct cfg {
	int family;
	const char *addr;
	const char *caddr;
	int port;
	int backlog;
	int sndbuf, rcvbuf;
	long read_rate, write_rate;
	const char *name;
	const char *server_ns;
	int every_ms;
	int delay_ms;
	const char *cc;
	int nodelay;
	int write_every_ms;
	int unanswered_port;
	int stall_port;
};

static void die(const char *fmt, ...)
{
	va_list ap;

	fputs("sockscen: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, ": %s\n", strerror(errno));
	exit(1);
}

/* addr NULL: the loopback address of the default family. */
static socklen_t make_addr_str(const char *addr, int family, int port, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (addr)
		family = strchr(addr, ':') ? AF_INET6 : AF_INET;
	if (family == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		if (inet_pton(AF_INET6, addr ? addr : "::1", &s6->sin6_addr) != 1)
			die("bad IPv6 address %s", addr);
		return sizeof(*s6);
	}
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

	s4->sin_family = AF_INET;
	s4->sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, addr ? addr : "127.0.0.1", &s4->sin_addr) != 1)
		die("bad IPv4 address %s", addr);
	return sizeof(*s4);
}

static socklen_t make_addr(const struct cfg *c, int port, struct sockaddr_storage *ss)
{
	return make_addr_str(c->addr, c->family, port, ss);
}

static socklen_t make_caddr(const struct cfg *c, int port, struct sockaddr_storage *ss)
{
	return make_addr_str(c->caddr ? c->caddr : c->addr, c->family, port, ss);
}

/* Switches this thread to the network namespace at path; returns a handle to the old one. */
static int enter_ns(const char *path)
{
	int old = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (old < 0 || fd < 0)
		die("open %s", path);
	if (setns(fd, CLONE_NEWNET) < 0)
		die("setns %s", path);
	close(fd);
	return old;
}

static void leave_ns(int old)
{
	if (setns(old, CLONE_NEWNET) < 0)
		die("setns back");
	close(old);
}

/* A socket keeps the namespace it was created in: only creation needs the switch. */
static int listener(const struct cfg *c, int *port)
{
	struct sockaddr_storage ss;
	socklen_t len = make_addr(c, c->port, &ss);
	int old = c->server_ns ? enter_ns(c->server_ns) : -1;
	int one = 1, fd = socket(ss.ss_family, SOCK_STREAM, 0);

	if (old >= 0)
		leave_ns(old);
	if (fd < 0)
		die("socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (c->rcvbuf)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &c->rcvbuf, sizeof(c->rcvbuf));
	if (bind(fd, (struct sockaddr *)&ss, len) < 0)
		die("bind");
	if (listen(fd, c->backlog) < 0)
		die("listen");
	len = sizeof(ss);
	getsockname(fd, (struct sockaddr *)&ss, &len);
	*port = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
					       : ((struct sockaddr_in *)&ss)->sin_port);
	return fd;
}

/* A connect that does not wait for the handshake. */
static int connect_nb(const struct cfg *c, int port, int sndbuf)
{
	struct sockaddr_storage ss;
	socklen_t len = make_caddr(c, port, &ss);
	int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK, 0);

	if (fd < 0)
		die("socket");
	if (sndbuf)
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
	if (connect(fd, (struct sockaddr *)&ss, len) < 0 && errno != EINPROGRESS)
		die("connect");
	return fd;
}

static void set_blocking(int fd)
{
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
}

static int connect_wait(const struct cfg *c, int port, int sndbuf)
{
	int fd = connect_nb(c, port, sndbuf);

	set_blocking(fd);
	/* a second connect on a blocking socket waits for the handshake to finish */
	for (;;) {
		struct sockaddr_storage ss;
		socklen_t len = make_caddr(c, port, &ss);

		if (connect(fd, (struct sockaddr *)&ss, len) == 0 || errno == EISCONN)
			return fd;
		if (errno != EALREADY && errno != EINPROGRESS && errno != EINTR)
			die("connect");
		usleep(1000);
	}
}

static void ready(int port)
{
	printf("ready port=%d pid=%d\n", port, (int)getpid());
	fflush(stdout);
}

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Moves bytes at up to `rate` bytes/s (0 < rate), or as fast as possible (rate < 0). */
struct pump {
	int fd;
	long rate;
	int writing;
	double every_s; /* rate > 0: the least time between two transfers */
};

static void *pump_run(void *arg)
{
	struct pump *p = arg;
	static char buf[65536];
	double start = now(), last = 0;
	double done = 0;

	for (;;) {
		size_t chunk = sizeof(buf);
		ssize_t n;

		if (p->rate > 0) {
			double t = now(), allowed = (t - start) * (double)p->rate - done;

			if (allowed < 1 || t - last < p->every_s) {
				usleep(2000);
				continue;
			}
			last = t;
			if (allowed < (double)chunk)
				chunk = (size_t)allowed;
		}
		n = p->writing ? write(p->fd, buf, chunk) : read(p->fd, buf, chunk);
		if (n <= 0) {
			if (n < 0 && errno == EINTR)
				continue;
			return NULL;
		}
		done += (double)n;
	}
}

static void start_pump(int fd, long rate, int writing, int every_ms)
{
	struct pump *p = malloc(sizeof(*p));
	pthread_t t;

	p->fd = fd;
	p->rate = rate;
	p->writing = writing;
	p->every_s = every_ms / 1000.0;
	if (pthread_create(&t, NULL, pump_run, p) != 0)
		die("pthread_create");
	pthread_detach(t);
}

static int accept_one(int lfd, int rcvbuf)
{
	int fd = accept(lfd, NULL, NULL);

	if (fd < 0)
		die("accept");
	if (rcvbuf)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	return fd;
}

static void scen_bulk(const struct cfg *c)
{
	int port, lfd = listener(c, &port);
	int cfd = connect_wait(c, port, c->sndbuf);
	int sfd = accept_one(lfd, c->rcvbuf);

	set_blocking(cfd);
	if (c->cc &&
	    setsockopt(cfd, IPPROTO_TCP, TCP_CONGESTION, c->cc, (socklen_t)strlen(c->cc)) < 0)
		die("TCP_CONGESTION %s", c->cc);
	start_pump(cfd, c->write_rate ? c->write_rate : -1, 1, c->write_every_ms);
	if (c->read_rate != 0)
		start_pump(sfd, c->read_rate > 0 ? c->read_rate : -1, 0, 0);
	ready(port);
}

static void scen_listen(const struct cfg *c, int n)
{
	int port, lfd = listener(c, &port);

	(void)lfd;
	for (int i = 0; i < n; i++)
		connect_nb(c, port, 0);
	ready(port);
}

static void closewait_one(const struct cfg *c, int lfd, int port)
{
	int cfd = connect_wait(c, port, 0);

	accept_one(lfd, 0); /* kept open: this end stays in CLOSE-WAIT */
	close(cfd);
}

static void scen_closewait(const struct cfg *c, int n)
{
	int port, lfd = listener(c, &port);

	if (c->every_ms > 0) {
		/* a leaking server: the listener stays, CLOSE-WAIT grows by one per tick */
		closewait_one(c, lfd, port);
		usleep(100000);
		ready(port);
		for (int i = 1; i < n; i++) {
			usleep((useconds_t)c->every_ms * 1000);
			closewait_one(c, lfd, port);
		}
		return;
	}
	for (int i = 0; i < n; i++)
		closewait_one(c, lfd, port);
	close(lfd);
	usleep(100000); /* let the FINs arrive */
	ready(port);
}

static void timewait_one(const struct cfg *c, int lfd, int port)
{
	int cfd = connect_wait(c, port, 0);
	int sfd = accept_one(lfd, 0);
	char b;

	close(cfd); /* the client closes first: it will hold the TIME-WAIT */
	while (read(sfd, &b, 1) > 0)
		;
	close(sfd);
}

static void scen_timewait(const struct cfg *c, int n)
{
	int port, lfd = listener(c, &port);

	if (c->every_ms > 0) {
		timewait_one(c, lfd, port);
		ready(port);
		for (int i = 1; i < n; i++) {
			usleep((useconds_t)c->every_ms * 1000);
			timewait_one(c, lfd, port);
		}
		return;
	}
	for (int i = 0; i < n; i++)
		timewait_one(c, lfd, port);
	close(lfd);
	usleep(100000);
	ready(port);
}

static void scen_synrecv(const struct cfg *c, int n)
{
	int port, lfd = listener(c, &port);

	(void)lfd;
	for (int i = 0; i < n; i++)
		connect_nb(c, port, 0);
	usleep(100000);
	ready(port);
}

static void scen_idle(const struct cfg *c, int n)
{
	int port, lfd = listener(c, &port), one = 1;

	for (int i = 0; i < n; i++) {
		int cfd = connect_wait(c, port, 0);

		setsockopt(cfd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
		accept_one(lfd, 0);
	}
	ready(port);
}

static void scen_fork(const struct cfg *c, int n)
{
	int port, lfd = listener(c, &port);
	int cfd = connect_wait(c, port, 0);
	int sfd = accept_one(lfd, 0);

	(void)cfd;
	(void)sfd;
	for (int i = 1; i < n; i++) {
		pid_t pid = fork();

		if (pid < 0)
			die("fork");
		if (pid == 0) {
			/* the child holds the inherited sockets until its parent goes */
			prctl(PR_SET_PDEATHSIG, SIGTERM);
			for (;;)
				pause();
		}
	}
	ready(port);
}

/* Reads exactly n bytes; 0 at EOF or error. */
static int read_all(int fd, char *buf, size_t n)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r = read(fd, buf + got, n - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return 0;
		got += (size_t)r;
	}
	return 1;
}

/* The server of reqresp: a 100-byte reply per 100-byte request. */
static void *reqresp_server(void *arg)
{
	int fd = (int)(intptr_t)arg;
	char buf[100];

	memset(buf, 'r', sizeof(buf));
	while (read_all(fd, buf, sizeof(buf)))
		if (write(fd, buf, sizeof(buf)) != (ssize_t)sizeof(buf))
			break;
	return NULL;
}

/* The client of reqresp: header and body as two writes, then the reply. */
static void *reqresp_client(void *arg)
{
	int fd = (int)(intptr_t)arg;
	char buf[100];

	memset(buf, 'q', sizeof(buf));
	for (;;) {
		if (write(fd, buf, 40) != 40 || write(fd, buf + 40, 60) != 60)
			break;
		if (!read_all(fd, buf, sizeof(buf)))
			break;
	}
	return NULL;
}

static void start_thread(void *(*fn)(void *), int fd)
{
	pthread_t t;

	if (pthread_create(&t, NULL, fn, (void *)(intptr_t)fd) != 0)
		die("pthread_create");
	pthread_detach(t);
}

static void scen_reqresp(const struct cfg *c)
{
	int port, lfd = listener(c, &port), one = 1;
	int cfd = connect_wait(c, port, 0);
	int sfd = accept_one(lfd, 0);

	set_blocking(cfd);
	if (c->nodelay && setsockopt(cfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) < 0)
		die("TCP_NODELAY");
	start_thread(reqresp_server, sfd);
	start_thread(reqresp_client, cfd);
	ready(port);
}

/* An interactive writer: a small message now and then, nothing waits for an answer. */
static void *sparse_client(void *arg)
{
	int fd = (int)(intptr_t)arg;
	char buf[100];

	memset(buf, 's', sizeof(buf));
	while (write(fd, buf, sizeof(buf)) == (ssize_t)sizeof(buf))
		usleep(200000);
	return NULL;
}

static void scen_sparse(const struct cfg *c)
{
	int port, lfd = listener(c, &port);
	int cfd = connect_wait(c, port, 0);
	int sfd = accept_one(lfd, 0);

	set_blocking(cfd);
	start_pump(sfd, -1, 0, 0);
	start_thread(sparse_client, cfd);
	ready(port);
}

/*
 * FIN-WAIT-1 orphans: the client never reads (a small receive buffer fills at
 * once), the server writes until its own buffer is full too and closes. The
 * FIN waits behind the unsent data and the zero window.
 */
static void scen_finwait1(const struct cfg *c, int n)
{
	int port, lfd = listener(c, &port), small = 4096, sndbuf = 65536;
	static char buf[65536];

	for (int i = 0; i < n; i++) {
		struct sockaddr_storage ss;
		socklen_t len = make_caddr(c, port, &ss);
		int cfd = socket(ss.ss_family, SOCK_STREAM, 0), sfd;

		if (cfd < 0)
			die("socket");
		/* before connect: the window offered in the handshake follows it */
		setsockopt(cfd, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
		if (connect(cfd, (struct sockaddr *)&ss, len) < 0)
			die("connect");
		sfd = accept_one(lfd, 0);
		setsockopt(sfd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
		fcntl(sfd, F_SETFL, fcntl(sfd, F_GETFL) | O_NONBLOCK);
		/* the client's window closes after a few KiB; then our buffer fills */
		for (int full = 0; full < 3;) {
			if (write(sfd, buf, sizeof(buf)) >= 0)
				continue;
			if (errno != EAGAIN)
				die("write");
			full++;
			usleep(10000);
		}
		close(sfd); /* an orphan now, its FIN behind the unsent data */
	}
	usleep(100000);
	ready(port);
}

/* A TUN device named `name` in the calling thread's network namespace. */
static int tun_open(const char *name)
{
	struct ifreq ifr;
	int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);

	if (fd < 0)
		die("open /dev/net/tun");
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0)
		die("TUNSETIFF %s", name);
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	return fd;
}

/* One direction of the path: a FIFO of packets, each released at its due time. */
#define LINK_SLOTS 4096
#define LINK_MTU 2048
struct lane {
	int in, out;
	unsigned head, n;
	double due[LINK_SLOTS];
	unsigned short len[LINK_SLOTS];
	unsigned char pkt[LINK_SLOTS][LINK_MTU];
};

static void lane_read(struct lane *l, double delay)
{
	for (;;) {
		unsigned slot = (l->head + l->n) % LINK_SLOTS;
		ssize_t n = read(l->in, l->pkt[slot], LINK_MTU);

		if (n <= 0)
			return;
		if (l->n == LINK_SLOTS)
			continue; /* full: a tail drop, as a router's queue would */
		l->len[slot] = (unsigned short)n;
		l->due[slot] = now() + delay;
		l->n++;
	}
}

/* Writes what is due; returns seconds until the next packet is (or 1 when empty). */
static double lane_write(struct lane *l)
{
	while (l->n) {
		double wait = l->due[l->head] - now();

		if (wait > 0)
			return wait;
		if (write(l->out, l->pkt[l->head], l->len[l->head]) < 0 && errno == EAGAIN)
			return 0.0005;
		l->head = (l->head + 1) % LINK_SLOTS;
		l->n--;
	}
	return 1;
}

struct link {
	struct lane lane[2];
	double delay; /* seconds, each way */
};

static void *link_run(void *arg)
{
	struct link *k = arg;

	for (;;) {
		struct pollfd p[2] = { { k->lane[0].in, POLLIN, 0 }, { k->lane[1].in, POLLIN, 0 } };
		double w0 = lane_write(&k->lane[0]), w1 = lane_write(&k->lane[1]);
		double w = w0 < w1 ? w0 : w1;

		poll(p, 2, (int)(w * 1000.0 + 0.999));
		lane_read(&k->lane[0], k->delay);
		lane_read(&k->lane[1], k->delay);
	}
	return NULL;
}

/*
 * netem is not available: the delay comes from a forwarder between two TUN
 * devices. Every packet waits delay-ms, so min_rtt is twice that and a shaped
 * path has a real bandwidth-delay product.
 */
static void scen_link(const struct cfg *c)
{
	struct link *k = calloc(1, sizeof(*k));
	int a, b, old;
	pthread_t t;

	if (!k)
		die("calloc");
	if (!c->server_ns) {
		fprintf(stderr, "sockscen: link needs --server-ns\n");
		exit(2);
	}
	a = tun_open("tt0");
	old = enter_ns(c->server_ns);
	b = tun_open("tt1");
	leave_ns(old);
	k->lane[0].in = a;
	k->lane[0].out = b;
	k->lane[1].in = b;
	k->lane[1].out = a;
	k->delay = (double)(c->delay_ms > 0 ? c->delay_ms : 10) / 1000.0;
	if (pthread_create(&t, NULL, link_run, k) != 0)
		die("pthread_create");
	pthread_detach(t);
	ready(0);
}

static void on_term(int sig)
{
	(void)sig;
	/* children share our process group: take them along */
	signal(SIGTERM, SIG_IGN);
	kill(0, SIGTERM);
	_exit(0);
}

/* --- connections that end (closed-connection tests) ---------------------------------- */

static volatile sig_atomic_t go;

static void on_usr1(int sig)
{
	(void)sig;
	go = 1;
}

/* "ready", then nothing until SIGUSR1: the test starts tcptop in between. */
static void ready_then_wait(int port)
{
	signal(SIGUSR1, on_usr1);
	ready(port);
	while (!go)
		usleep(10000);
}

static int local_port(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	getsockname(fd, (struct sockaddr *)&ss, &len);
	return ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
					      : ((struct sockaddr_in *)&ss)->sin_port);
}

static void write_all(int fd, size_t n)
{
	static const char buf[4096];

	while (n) {
		ssize_t w = write(fd, buf, n < sizeof(buf) ? n : sizeof(buf));

		if (w < 0)
			die("write");
		n -= (size_t)w;
	}
}

static void read_n(int fd, size_t n)
{
	char buf[4096];

	while (n) {
		ssize_t r = read(fd, buf, n < sizeof(buf) ? n : sizeof(buf));

		if (r <= 0)
			die("read");
		n -= (size_t)r;
	}
}

/* One orderly connection: the client sends `sent`, the server answers `recv`, client closes first. */
static int one_conn(const struct cfg *c, int lfd, int port, size_t sent, size_t recv)
{
	int cfd = connect_wait(c, port, 0), sfd = accept_one(lfd, 0), lport = local_port(cfd);
	char b;

	write_all(cfd, sent);
	read_n(sfd, sent);
	write_all(sfd, recv);
	read_n(cfd, recv);
	close(cfd);
	if (read(sfd, &b, 1) != 0)
		die("no EOF");
	close(sfd);
	return lport;
}

static void scen_shortconns(const struct cfg *c, int n)
{
	int port, lfd = listener(c, &port);

	ready_then_wait(port);
	for (int i = 0; i < n; i++) {
		size_t sent = 100 + (size_t)(i % 100), recv = 10 + (size_t)(i % 50);
		int lport = one_conn(c, lfd, port, sent, recv);

		printf("conn lport=%d sent=%zu recv=%zu\n", lport, sent, recv);
	}
	printf("done\n");
	fflush(stdout);
}

/* A non-blocking connect (as event loops do), waited for; returns its local port. */
static int connect_fails(const struct cfg *c, int port, int secs)
{
	int fd = connect_nb(c, port, 0), lport = local_port(fd), err = 0;
	struct pollfd p = { .fd = fd, .events = POLLOUT };
	socklen_t el = sizeof(err);

	if (poll(&p, 1, secs * 1000) != 1)
		die("connect to %d did not fail in %d s", port, secs);
	getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el);
	if (!err)
		die("connect to %d succeeded", port);
	close(fd);
	return lport;
}

static void scen_ends(const struct cfg *c)
{
	int port, lfd = listener(c, &port), dead, slfd = -1, sport = c->stall_port;
	int cfd, sfd, lp;
	struct cfg sc = *c;

	/* a port nobody listens on: a listener's, closed */
	{
		struct cfg dc = *c;

		dc.port = 0;
		close(listener(&dc, &dead));
	}
	if (sport) {
		sc.port = sport;
		slfd = listener(&sc, &sport);
	}
	ready_then_wait(port);

	printf("end how=normal lport=%d\n", one_conn(c, lfd, port, 1000, 500));

	/* the server closes with unread data: the kernel answers with a reset */
	cfd = connect_wait(c, port, 0);
	sfd = accept_one(lfd, 0);
	lp = local_port(cfd);
	write_all(cfd, 200);
	usleep(20000);
	close(sfd);
	usleep(20000);
	close(cfd);
	printf("end how=reset lport=%d\n", lp);

	printf("end how=refused lport=%d\n", connect_fails(c, dead, 5));
	fflush(stdout);
	if (c->unanswered_port) {
		printf("end how=unanswered lport=%d\n", connect_fails(c, c->unanswered_port, 30));
		fflush(stdout);
	}
	if (slfd >= 0) {
		int ut = 500;

		cfd = connect_wait(c, sport, 0);
		lp = local_port(cfd);
		setsockopt(cfd, IPPROTO_TCP, TCP_USER_TIMEOUT, &ut, sizeof(ut));
		write_all(cfd, 100);
		{
			struct pollfd p = { .fd = cfd, .events = POLLIN };

			if (poll(&p, 1, 30000) != 1)
				die("stalled connection did not time out");
		}
		close(cfd);
		printf("end how=timeout lport=%d\n", lp);
	}
	printf("done\n");
	fflush(stdout);
}

int main(int argc, char **argv)
{
	struct cfg c = { AF_INET, NULL, NULL, 0,  128,  0, 0, -1, 0,
			 NULL,    NULL, 0,    10, NULL, 0, 0, 0,  0 };
	int i = 1, n;

	signal(SIGPIPE, SIG_IGN);
	for (; i < argc && argv[i][0] == '-'; i++) {
		const char *o = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(o, "-6")) {
			c.family = AF_INET6;
			continue;
		}
		if (!strcmp(o, "--nodelay")) {
			c.nodelay = 1;
			continue;
		}
		if (!v) {
			fprintf(stderr, "sockscen: %s needs a value\n", o);
			return 2;
		}
		i++;
		if (!strcmp(o, "-a"))
			c.addr = v;
		else if (!strcmp(o, "-C"))
			c.caddr = v;
		else if (!strcmp(o, "-p"))
			c.port = atoi(v);
		else if (!strcmp(o, "-b"))
			c.backlog = atoi(v);
		else if (!strcmp(o, "--sndbuf"))
			c.sndbuf = atoi(v);
		else if (!strcmp(o, "--rcvbuf"))
			c.rcvbuf = atoi(v);
		else if (!strcmp(o, "--read-rate"))
			c.read_rate = atol(v);
		else if (!strcmp(o, "--write-rate"))
			c.write_rate = atol(v);
		else if (!strcmp(o, "--name"))
			c.name = v;
		else if (!strcmp(o, "--server-ns"))
			c.server_ns = v;
		else if (!strcmp(o, "--every"))
			c.every_ms = atoi(v);
		else if (!strcmp(o, "--write-every"))
			c.write_every_ms = atoi(v);
		else if (!strcmp(o, "--delay-ms"))
			c.delay_ms = atoi(v);
		else if (!strcmp(o, "--cc"))
			c.cc = v;
		else if (!strcmp(o, "--unanswered-port"))
			c.unanswered_port = atoi(v);
		else if (!strcmp(o, "--stall-port"))
			c.stall_port = atoi(v);
		else {
			fprintf(stderr, "sockscen: unknown option %s\n", o);
			return 2;
		}
	}
	if (i >= argc) {
		fprintf(stderr, "sockscen: which scenario?\n");
		return 2;
	}
	if (c.name)
		prctl(PR_SET_NAME, c.name);
	setpgid(0, 0);
	signal(SIGTERM, on_term);
	signal(SIGINT, on_term);
	n = i + 1 < argc ? atoi(argv[i + 1]) : 1;
	if (!strcmp(argv[i], "bulk"))
		scen_bulk(&c);
	else if (!strcmp(argv[i], "listen"))
		scen_listen(&c, n);
	else if (!strcmp(argv[i], "closewait"))
		scen_closewait(&c, n);
	else if (!strcmp(argv[i], "timewait"))
		scen_timewait(&c, n);
	else if (!strcmp(argv[i], "synrecv"))
		scen_synrecv(&c, n);
	else if (!strcmp(argv[i], "idle"))
		scen_idle(&c, n);
	else if (!strcmp(argv[i], "fork"))
		scen_fork(&c, n);
	else if (!strcmp(argv[i], "reqresp"))
		scen_reqresp(&c);
	else if (!strcmp(argv[i], "sparse"))
		scen_sparse(&c);
	else if (!strcmp(argv[i], "finwait1"))
		scen_finwait1(&c, n);
	else if (!strcmp(argv[i], "link"))
		scen_link(&c);
	else if (!strcmp(argv[i], "shortconns"))
		scen_shortconns(&c, n);
	else if (!strcmp(argv[i], "ends"))
		scen_ends(&c);
	else {
		fprintf(stderr, "sockscen: unknown scenario %s\n", argv[i]);
		return 2;
	}
	for (;;)
		pause();
}
