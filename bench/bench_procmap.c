/* SPDX-License-Identifier: GPL-2.0-or-later */
/* bench_procmap: socket -> process map build times on ~200,000 real sockets, against ss -tanp in the same run. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "diag.h"
#include "fatal.h"
#include "frame.h"
#include "procmap.h"

/*
 * usage: bench_procmap [SOCKETS]   (default 200000; root: it makes its own network namespace)
 *
 * Worker processes each hold as many loopback connections (both ends) as
 * their fd limit allows, in a private network namespace. Then it times:
 * the first map build (cold /proc dentries), an update with nothing changed,
 * an update after one worker closed and reopened 1000 connections (same fd
 * numbers, same fd count: the hardest case), one after another grew by 500,
 * ss -tan and ss -tanp on the same sockets, and a fresh build on warm
 * dentries (what ss -tanp gets too). Prints times and ratios.
 */

#define MAX_WORKERS 256
#define FD_HEADROOM 1200 /* fds each worker keeps free for the churn steps */

struct worker {
	pid_t pid;
	int cmd;   /* parent -> worker */
	int reply; /* worker -> parent */
	int pairs;
};

struct bench {
	struct worker w[MAX_WORKERS];
	int nworkers;
	struct diag *diag;
	struct frame f;
};

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void die(const char *what)
{
	fprintf(stderr, "bench_procmap: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd < 0 || write(fd, text, strlen(text)) < 0)
		die(path);
	close(fd);
}

/* ---- workers ---- */

struct pairs {
	int lfd;
	struct sockaddr_in addr;
	int *cfd, *sfd;
	int n, cap;
};

static void open_pair(struct pairs *p, int i)
{
	int c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), s;

	if (c < 0)
		die("socket");
	if (connect(c, (struct sockaddr *)&p->addr, sizeof(p->addr)) < 0)
		die("connect");
	s = accept4(p->lfd, NULL, NULL, SOCK_CLOEXEC);
	if (s < 0)
		die("accept");
	p->cfd[i] = c;
	p->sfd[i] = s;
}

static void worker_main(int n, int cmd, int reply)
{
	struct pairs p = { 0 };
	socklen_t len = sizeof(p.addr);
	char c;
	int k;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	prctl(PR_SET_NAME, "bench-worker");
	p.cap = n + FD_HEADROOM / 2;
	p.cfd = calloc((size_t)p.cap, sizeof(int));
	p.sfd = calloc((size_t)p.cap, sizeof(int));
	p.lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	p.addr.sin_family = AF_INET;
	p.addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (p.lfd < 0 || bind(p.lfd, (struct sockaddr *)&p.addr, sizeof(p.addr)) < 0 ||
	    listen(p.lfd, 4096) < 0 || getsockname(p.lfd, (struct sockaddr *)&p.addr, &len) < 0)
		die("listener");
	for (p.n = 0; p.n < n; p.n++)
		open_pair(&p, p.n);
	(void)!write(reply, "r", 1);
	while (read(cmd, &c, 1) == 1 && read(cmd, &k, sizeof(k)) == sizeof(k)) {
		if (c == 'c') {
			/* close k connections, open k: the new fds take the freed numbers */
			for (int i = 0; i < k && i < p.n; i++) {
				close(p.cfd[i]);
				close(p.sfd[i]);
			}
			for (int i = 0; i < k && i < p.n; i++)
				open_pair(&p, i);
		} else if (c == 'g') {
			for (int i = 0; i < k && p.n < p.cap; i++)
				open_pair(&p, p.n++);
		}
		(void)!write(reply, "d", 1);
	}
	_exit(0);
}

static void start_workers(struct bench *b, int sockets)
{
	struct rlimit rl;
	int per, left = sockets / 2; /* pairs */

	getrlimit(RLIMIT_NOFILE, &rl);
	rl.rlim_cur = rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
		die("setrlimit");
	per = (int)((rl.rlim_cur - FD_HEADROOM) / 2);
	if (per < 100) {
		fprintf(stderr, "bench_procmap: the fd limit (%llu) is too low\n",
			(unsigned long long)rl.rlim_cur);
		exit(1);
	}
	while (left > 0 && b->nworkers < MAX_WORKERS) {
		int cmd[2], reply[2], n = left < per ? left : per;
		struct worker *w = &b->w[b->nworkers++];
		pid_t pid;

		if (pipe(cmd) < 0 || pipe(reply) < 0)
			die("pipe");
		pid = fork();
		if (pid < 0)
			die("fork");
		if (pid == 0) {
			close(cmd[1]);
			close(reply[0]);
			worker_main(n, cmd[0], reply[1]);
		}
		close(cmd[0]);
		close(reply[1]);
		w->pid = pid;
		w->cmd = cmd[1];
		w->reply = reply[0];
		w->pairs = n;
		left -= n;
	}
	for (int i = 0; i < b->nworkers; i++) {
		char c;

		if (read(b->w[i].reply, &c, 1) != 1) {
			fprintf(stderr, "bench_procmap: worker %d failed\n", i);
			exit(1);
		}
	}
}

static void tell(struct worker *w, char c, int k)
{
	char r;

	if (write(w->cmd, &c, 1) != 1 || write(w->cmd, &k, sizeof(k)) != sizeof(k) ||
	    read(w->reply, &r, 1) != 1)
		die("worker command");
}

/* ---- measuring ---- */

static double dump(struct bench *b)
{
	struct diag_req req = { TS_ALL_MASK, DIAG_EXT_INFO | DIAG_EXT_SKMEM, NULL, 0 };
	struct terr e = { { 0 } };
	double t0 = now();

	frame_reset(&b->f);
	if (diag_dump(b->diag, AF_INET, &req, &b->f.sample, &e) < 0) {
		fprintf(stderr, "bench_procmap: dump: %s\n", e.msg);
		exit(1);
	}
	b->f.rows = xgrow(b->f.rows, &b->f.rows_cap, b->f.sample.n + 1, sizeof(*b->f.rows));
	memset(b->f.rows, 0, b->f.sample.n * sizeof(*b->f.rows));
	for (size_t i = 0; i < b->f.sample.n; i++)
		b->f.rows[i].c = &b->f.sample.conns[i];
	return now() - t0;
}

/* One map update and the attribution of the dump's rows; returns seconds. */
static double update(struct bench *b, struct procmap *pm, struct procmap_stats *st)
{
	double t0 = now();

	procmap_update(pm, &b->f.sample, st);
	procmap_attribute(pm, &b->f);
	return now() - t0;
}

static size_t attributed(const struct bench *b)
{
	size_t n = 0;

	for (size_t i = 0; i < b->f.sample.n; i++)
		n += procinfo_known(row_proc(&b->f.rows[i]));
	return n;
}

static double run_ss(const char *args)
{
	double t0 = now();
	pid_t pid = fork();
	int status;

	if (pid < 0)
		die("fork");
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(null, 1);
		execlp("ss", "ss", args, (char *)NULL);
		_exit(127);
	}
	waitpid(pid, &status, 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "bench_procmap: ss %s failed\n", args);
		exit(1);
	}
	return now() - t0;
}

static void line(const char *what, double secs, const struct procmap_stats *st)
{
	if (st)
		printf("  %-44s %9.1f ms  (%u processes read, %llu links, search %u, %u "
		       "thread%s)\n",
		       what, secs * 1e3, (unsigned)st->scanned, (unsigned long long)st->links,
		       (unsigned)st->fallback, (unsigned)st->threads, st->threads == 1 ? "" : "s");
	else
		printf("  %-44s %9.1f ms\n", what, secs * 1e3);
}

int main(int argc, char **argv)
{
	struct bench *b = calloc(1, sizeof(*b));
	struct procmap_stats st;
	struct terr e = { { 0 } };
	struct procmap *pm, *warm;
	double t_dump, t_first, t_same, t_churn, t_grow, t_ss, t_ssp, t_warm, t_warm1;
	int sockets = argc > 1 ? atoi(argv[1]) : 200000, nthreads;

	if (geteuid() != 0) {
		fprintf(stderr, "bench_procmap: needs root (it makes a network namespace)\n");
		return 1;
	}
	if (unshare(CLONE_NEWNET) < 0)
		die("unshare(CLONE_NEWNET)");
	if (system("ip link set lo up") != 0)
		die("ip link set lo up");
	write_file("/proc/sys/net/ipv4/ip_local_port_range", "1024 65535");
	printf("bench_procmap: %d sockets requested\n", sockets);
	double t0 = now();

	start_workers(b, sockets);
	printf("  %d worker processes hold the connections (built in %.1f s)\n", b->nworkers,
	       now() - t0);
	b->diag = diag_open(&e);
	if (!b->diag) {
		fprintf(stderr, "bench_procmap: %s\n", e.msg);
		return 1;
	}
	t_dump = dump(b);
	printf("  sockets dumped: %zu\n\n", b->f.sample.n);

	pm = procmap_new("/proc", &e);
	if (!pm) {
		fprintf(stderr, "bench_procmap: %s\n", e.msg);
		return 1;
	}
	line("sock_diag dump (for scale)", t_dump, NULL);
	t_first = update(b, pm, &st);
	line("first build, cold /proc dentries", t_first, &st);
	printf("  %-44s %9zu of %zu\n", "  sockets attributed", attributed(b), b->f.sample.n);
	t_same = update(b, pm, &st);
	line("next refresh, nothing changed", t_same, &st);

	tell(&b->w[0], 'c', 1000);
	dump(b);
	t_churn = update(b, pm, &st);
	line("after 1000 close+reopen in one worker", t_churn, &st);
	printf("  %-44s %9zu of %zu\n", "  sockets attributed", attributed(b), b->f.sample.n);

	tell(&b->w[b->nworkers > 1 ? 1 : 0], 'g', 250);
	dump(b);
	t_grow = update(b, pm, &st);
	line("after 500 new sockets in one worker", t_grow, &st);
	printf("  %-44s %9zu of %zu\n", "  sockets attributed", attributed(b), b->f.sample.n);

	t_ss = run_ss("-tan");
	line("ss -tan", t_ss, NULL);
	t_ssp = run_ss("-tanp");
	line("ss -tanp", t_ssp, NULL);
	warm = procmap_new("/proc", &e);
	t_warm = update(b, warm, &st);
	line("first build, warm dentries (as ss had)", t_warm, &st);
	nthreads = st.threads;
	procmap_free(warm);
	warm = procmap_new("/proc", &e);
	procmap_set_threads(warm, 1);
	t_warm1 = update(b, warm, &st);
	line("first build, warm, one thread", t_warm1, &st);

	printf("\nratios (same run, same sockets):\n");
	printf("  ss -tanp / first build (warm)           %8.1fx\n", t_ssp / t_warm);
	printf("  ss -tanp / first build (cold)           %8.1fx\n", t_ssp / t_first);
	printf("  (ss -tanp - ss -tan) / first build (warm) %6.1fx  (the -p part alone)\n",
	       (t_ssp - t_ss) / t_warm);
	printf("  one thread / %d threads (warm first build)  %6.1fx\n", nthreads,
	       t_warm1 / t_warm);
	printf("  first build / unchanged refresh         %8.1fx\n", t_first / t_same);
	printf("  first build / refresh after churn       %8.1fx\n", t_first / t_churn);
	printf("  first build / refresh after growth      %8.1fx\n", t_first / t_grow);

	procmap_free(pm);
	procmap_free(warm);
	diag_close(b->diag);
	for (int i = 0; i < b->nworkers; i++)
		kill(b->w[i].pid, SIGKILL);
	for (int i = 0; i < b->nworkers; i++)
		waitpid(b->w[i].pid, NULL, 0);
	frame_free(&b->f);
	free(b);
	return 0;
}
