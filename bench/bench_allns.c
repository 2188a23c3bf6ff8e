/* SPDX-License-Identifier: GPL-2.0-or-later */
/* bench_allns: CPU of a -N all refresh over 100 namespaces of 100 sockets against one namespace of 10,000. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "collector.h"
#include "frame.h"

/*
 * usage: bench_allns [NAMESPACES [SOCKETS_EACH [REFRESHES]]]   (default 100 100 20; root)
 *
 * It moves into new mount, pid and network namespaces of its own, with a
 * /proc of that pid namespace and an empty /run/netns, so the namespaces
 * the collector finds are only the ones it makes, whatever else runs on
 * the host. Workers each unshare a network namespace and hold listeners
 * and loopback connections there (both ends: a listener and 50 pairs make
 * 101 sockets). Then the same number of sockets in one namespace, and it
 * times collector_step (-N all, processes off: the dump, the per-namespace
 * files, model and diagnosis) over REFRESHES refreshes of each, in CPU
 * (user + system of this process: the kernel's dump work is system time)
 * and wall time, and prints the ratio the issue bounds at 2: once with the
 * kernel's default (one established hash shared by every namespace, which
 * every namespace's dump walks whole) and once with a hash per namespace
 * (net.ipv4.tcp_child_ehash_entries set before the namespaces are made).
 *
 * Measured (6.18, 2 shared vCPUs, host ehash 262144 buckets, `bench_allns
 * 100 100 20`, three runs): shared hash 90.3/16.8, 97.7/21.1, 106.5/19.4 ms
 * CPU per refresh = 5.37x, 4.63x, 5.50x; a hash per namespace 27.1/15.4,
 * 28.5/18.0, 28.5/19.4 ms = 1.76x, 1.58x, 1.47x. Only the second can meet
 * the bound: with the shared table each namespace's dump walks all of it
 * (every bucket, every socket of every namespace), kernel work tcptop
 * cannot shorten; doc/NAMESPACES.md has the reasoning.
 */

#define PAIRS_PER_LISTENER 50

struct worker {
	pid_t pid;
};

static void lo_up(void)
{
	struct ifreq ifr = { 0 };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
	if (fd < 0 || ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
		exit(10);
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
		exit(11);
	close(fd);
}

/* A listener and PAIRS_PER_LISTENER connections to it, never accepted (both ends are sockets). */
static int listener_with_pairs(int pairs)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t al = sizeof(a);
	int l = socket(AF_INET, SOCK_STREAM, 0);

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (l < 0 || bind(l, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(l, 4096) < 0 ||
	    getsockname(l, (struct sockaddr *)&a, &al) < 0)
		return -1;
	for (int i = 0; i < pairs; i++) {
		int c = socket(AF_INET, SOCK_STREAM, 0);

		if (c < 0 || connect(c, (struct sockaddr *)&a, sizeof(a)) < 0)
			return -1;
	}
	return 0;
}

/* A worker: its own namespace holding `sockets` sockets, until killed. */
static pid_t worker(int sockets)
{
	int p[2];
	pid_t pid;
	char c;

	if (pipe(p) < 0)
		exit(1);
	pid = fork();
	if (pid < 0)
		exit(1);
	if (pid == 0) {
		int left = sockets;

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(p[0]);
		if (unshare(CLONE_NEWNET) < 0)
			_exit(12);
		lo_up();
		while (left >= 3) {
			int pairs = (left - 1) / 2 < PAIRS_PER_LISTENER ? (left - 1) / 2
									: PAIRS_PER_LISTENER;

			if (listener_with_pairs(pairs) < 0)
				_exit(13);
			left -= 1 + 2 * pairs;
		}
		if (write(p[1], "r", 1) != 1)
			_exit(14);
		pause();
		_exit(0);
	}
	close(p[1]);
	if (read(p[0], &c, 1) != 1) {
		int st = 0;

		waitpid(pid, &st, 0);
		fprintf(stderr, "bench_allns: a worker failed to set up its sockets (exit %d)\n",
			WIFEXITED(st) ? WEXITSTATUS(st) : -1);
		exit(1);
	}
	close(p[0]);
	return pid;
}

static double cpu_secs(void)
{
	struct rusage u;

	getrusage(RUSAGE_SELF, &u);
	return (double)u.ru_utime.tv_sec + (double)u.ru_utime.tv_usec / 1e6 +
	       (double)u.ru_stime.tv_sec + (double)u.ru_stime.tv_usec / 1e6;
}

static double wall_secs(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

struct result {
	double cpu, wall; /* per refresh */
	size_t sockets, namespaces;
};

/* Refreshes of -N all over whatever namespaces exist now; the first (cold) is not counted. */
static struct result measure(int refreshes)
{
	struct collector_cfg cfg = { .procs = PROCS_OFF, .allns = true };
	struct frame f = { 0 };
	struct terr e = { { 0 } };
	struct collector *c;
	struct result r = { 0 };
	double c0, w0;

	cfg.req.states = 0xfff;
	cfg.req.ext = DIAG_EXT_INFO | DIAG_EXT_SKMEM | DIAG_EXT_CONG;
	c = collector_new(&cfg, &e);
	if (!c) {
		fprintf(stderr, "bench_allns: %s\n", e.msg);
		exit(1);
	}
	if (collector_step(c, &f) < 0)
		fprintf(stderr, "bench_allns: warning: %s\n", f.status);
	c0 = cpu_secs();
	w0 = wall_secs();
	for (int i = 0; i < refreshes; i++)
		if (collector_step(c, &f) < 0)
			fprintf(stderr, "bench_allns: warning: %s\n", f.status);
	r.cpu = (cpu_secs() - c0) / refreshes;
	r.wall = (wall_secs() - w0) / refreshes;
	r.sockets = frame_nrows(&f);
	r.namespaces = f.nns;
	collector_close(c, &e);
	frame_free(&f);
	return r;
}

static void stop(struct worker *w, int n)
{
	for (int i = 0; i < n; i++)
		kill(w[i].pid, SIGKILL);
	for (int i = 0; i < n; i++)
		waitpid(w[i].pid, NULL, 0);
}

/*
 * net.ipv4.tcp_child_ehash_entries of the namespace the workers are made
 * from: 0 (the default) puts every namespace's sockets in the host's one
 * established hash, which each namespace's dump walks whole; N gives each
 * new namespace its own table of N buckets (5.19+). false: not available.
 */
static bool child_ehash(unsigned entries)
{
	FILE *fp = fopen("/proc/sys/net/ipv4/tcp_child_ehash_entries", "w");
	bool ok;

	if (!fp)
		return false;
	ok = fprintf(fp, "%u\n", entries) > 0;
	return fclose(fp) == 0 && ok;
}

static void report(const char *how, const struct result *many, const struct result *single)
{
	printf("%s:\n", how);
	printf("  %zu namespaces, %zu sockets: %.2f ms CPU, %.2f ms wall per refresh\n",
	       many->namespaces, many->sockets, many->cpu * 1e3, many->wall * 1e3);
	printf("  %zu namespaces, %zu sockets: %.2f ms CPU, %.2f ms wall per refresh\n",
	       single->namespaces, single->sockets, single->cpu * 1e3, single->wall * 1e3);
	printf("  ratio (many / one namespace): %.2f CPU, %.2f wall (bound: 2.00 CPU) -- %s\n",
	       many->cpu / single->cpu, many->wall / single->wall,
	       many->cpu <= 2 * single->cpu ? "within" : "OVER");
}

/* Both layouts with the given per-namespace hash size (0: the shared one). */
static bool compare(int nns, int each, int refreshes, unsigned ehash, const char *how)
{
	struct worker *w = calloc((size_t)nns, sizeof(*w));
	struct worker one;
	struct result many, single;

	if (!w || !child_ehash(ehash)) {
		printf("%s: not measured (tcp_child_ehash_entries cannot be set)\n", how);
		free(w);
		return false;
	}
	for (int i = 0; i < nns; i++)
		w[i].pid = worker(each);
	many = measure(refreshes);
	stop(w, nns);
	one.pid = worker(nns * each);
	single = measure(refreshes);
	stop(&one, 1);
	report(how, &many, &single);
	free(w);
	return many.cpu <= 2 * single.cpu;
}

/* In the new pid namespace (pid 1): its own /proc and an empty /run/netns, then the runs. */
static int run(int nns, int each, int refreshes)
{
	struct rlimit rl = { 65536, 65536 };

	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
	    mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0) {
		fprintf(stderr, "bench_allns: cannot mount a private /proc: %s\n", strerror(errno));
		return 1;
	}
	mkdir("/run/netns", 0755);
	if (mount("tmpfs", "/run/netns", "tmpfs", 0, "size=64k") < 0) {
		fprintf(stderr, "bench_allns: cannot hide /run/netns: %s\n", strerror(errno));
		return 1;
	}
	setrlimit(RLIMIT_NOFILE, &rl);
	lo_up();
	if (!getenv("BENCH_ALLNS_PERNS_ONLY"))
		compare(nns, each, refreshes, 0,
			"one established hash for all namespaces (the default)");
	compare(nns, each, refreshes, 16384,
		"a hash per namespace (net.ipv4.tcp_child_ehash_entries=16384)");
	fflush(stdout);
	return 0;
}

int main(int argc, char **argv)
{
	int nns = argc > 1 ? atoi(argv[1]) : 100;
	int each = argc > 2 ? atoi(argv[2]) : 100;
	int refreshes = argc > 3 ? atoi(argv[3]) : 20;
	pid_t pid;
	int st;

	if (nns < 1 || each < 3 || refreshes < 1) {
		fprintf(stderr, "usage: bench_allns [NAMESPACES [SOCKETS_EACH [REFRESHES]]]\n");
		return 2;
	}
	if (geteuid() != 0) {
		fprintf(stderr, "bench_allns: needs root (it makes network namespaces)\n");
		return 0;
	}
	/* the collector's own namespace is the "host" here: a fresh one, empty */
	if (unshare(CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET) < 0) {
		fprintf(stderr, "bench_allns: unshare: %s\n", strerror(errno));
		return 1;
	}
	pid = fork();
	if (pid < 0)
		return 1;
	if (pid == 0)
		exit(run(nns, each, refreshes));
	if (waitpid(pid, &st, 0) < 0)
		return 1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
}
