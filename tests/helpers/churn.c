/* SPDX-License-Identifier: GPL-2.0-or-later */
/* churn: thousands of loopback connections opened and closed per second around a steady set. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/*
 * usage: churn [-s STEADY] [-r RATE] [-p PORT]
 *   -s STEADY  established connections held open all along (default 20000)
 *   -r RATE    connections opened and closed per second (default 2000)
 *   -p PORT    churn listener on 127.0.0.1:PORT+1, steady ones from PORT+2 up
 * The steady set is held by worker processes of at most 4,000 connections
 * (8,000 descriptors) each, so it fits under a descriptor limit of 10,000.
 * Three in four churned connections end with a reset (SO_LINGER 0: no
 * TIME-WAIT, so ports do not run out), one in four with a normal close.
 * Prints "ready port=PORT pid=PID" once the steady set is up, then
 * "churned N" to stderr every second; runs until SIGTERM.
 */

static int listen_on(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	int one = 1, fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (fd < 0 || bind(fd, (void *)&a, sizeof(a)) < 0 || listen(fd, 4096) < 0) {
		fprintf(stderr, "churn: listen on %d: %s\n", port, strerror(errno));
		exit(1);
	}
	return fd;
}

static int connect_to(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0)
		return -1;
	if (connect(fd, (void *)&a, sizeof(a)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

#define PER_WORKER 4000

/*
 * A worker: n connections on its own listener, both ends held until the
 * parent dies. The parent binds every listener before the first worker
 * connects: a client's ephemeral port could otherwise take a later one's.
 */
static void worker(int lfd, int port, long n, int ready)
{
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	for (long i = 0; i < n; i++) {
		int c = connect_to(port), s = c >= 0 ? accept4(lfd, NULL, NULL, SOCK_CLOEXEC) : -1;

		if (c < 0 || s < 0) {
			fprintf(stderr, "churn: steady connection %ld: %s\n", i, strerror(errno));
			_exit(1);
		}
	}
	if (write(ready, "", 1) != 1)
		_exit(1);
	for (;;)
		pause();
}

/* The churn listener's side: accept and close at once. */
static void *reaper(void *arg)
{
	int lfd = *(int *)arg;

	for (;;) {
		int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);

		if (fd >= 0)
			close(fd);
	}
	return NULL;
}

static void sleep_ns(long ns)
{
	struct timespec t = { ns / 1000000000L, ns % 1000000000L };

	nanosleep(&t, NULL);
}

int main(int argc, char **argv)
{
	long steady = 20000, rate = 2000, done = 0;
	int port = 30000, opt, lchurn, p[2], *lfds;
	long nworkers;
	struct rlimit rl;
	struct linger lg = { 1, 0 };
	pthread_t t;
	time_t last = time(NULL);

	while ((opt = getopt(argc, argv, "s:r:p:")) != -1) {
		if (opt == 's')
			steady = atol(optarg);
		else if (opt == 'r')
			rate = atol(optarg);
		else if (opt == 'p')
			port = atoi(optarg);
		else
			return 2;
	}
	/* the soft limit up to the hard one: workers need 2 * PER_WORKER + a few */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	signal(SIGPIPE, SIG_IGN);
	lchurn = listen_on(port + 1);
	if (pipe(p) < 0)
		return 1;
	nworkers = (steady + PER_WORKER - 1) / PER_WORKER;
	lfds = calloc(nworkers ? (size_t)nworkers : 1, sizeof(*lfds));
	if (!lfds)
		return 1;
	for (long w = 0; w < nworkers; w++)
		lfds[w] = listen_on(port + 2 + (int)w);
	for (long w = 0, left = steady; left > 0; w++, left -= PER_WORKER) {
		pid_t pid = fork();

		if (pid == 0)
			worker(lfds[w], port + 2 + (int)w, left < PER_WORKER ? left : PER_WORKER,
			       p[1]);
		if (pid < 0)
			return 1;
	}
	for (long w = 0; w * PER_WORKER < steady; w++) {
		char b;

		if (read(p[0], &b, 1) != 1) {
			fprintf(stderr, "churn: a worker failed\n");
			return 1;
		}
	}
	pthread_create(&t, NULL, reaper, &lchurn);
	printf("ready port=%d pid=%d\n", port, (int)getpid());
	fflush(stdout);
	for (;;) {
		struct timespec a, b;
		long spent;

		clock_gettime(CLOCK_MONOTONIC, &a);
		/* a batch of 1/100 s worth, then sleep off what is left of the 10 ms */
		for (long k = 0; k < rate / 100; k++) {
			int fd = connect_to(port + 1);

			if (fd < 0)
				continue;
			if (done % 4)
				setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
			close(fd);
			done++;
		}
		clock_gettime(CLOCK_MONOTONIC, &b);
		spent = (b.tv_sec - a.tv_sec) * 1000000000L + (b.tv_nsec - a.tv_nsec);
		if (spent < 10000000L)
			sleep_ns(10000000L - spent);
		if (time(NULL) != last) {
			last = time(NULL);
			fprintf(stderr, "churned %ld\n", done);
		}
	}
}
