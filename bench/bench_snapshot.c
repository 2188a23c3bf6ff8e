/* SPDX-License-Identifier: GPL-2.0-or-later */
/* bench_snapshot: tcptop against the floor and ss on N real sockets, one table per N, everything measured in one run. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

/*
 * usage: bench_snapshot [N ...]   (root: every N gets a fresh private network
 * namespace). Default N: 10000 100000 200000; BENCH_N (e.g. "1000000" or
 * "10000,1000000") replaces the list; BENCH_TCPTOP names another tcptop
 * binary to measure (default: the one next to bench/).
 *
 * The load (the builder, also `bench_snapshot --hold N`: build, print
 * "ready pid=PID", keep until SIGTERM): 100 listeners on 127.0.0.1, 40% of N
 * established connections with both ends open (80% of the sockets), held by
 * several processes of at most HOLD_PAIRS connections each (descriptors per
 * process are limited), clients bound to 127.0.0.2-127.0.0.9 (past the
 * ephemeral range of one source address), and the rest client-side
 * TIME-WAIT sockets. TIME-WAIT lives 60 s, so the measurements run right
 * after it is built.
 *
 * Each command runs as a child in that namespace, its stdout on /dev/null;
 * wait4() gives its CPU (user + system: the kernel's dump work is charged to
 * the dumper) and its peak RSS; wall is around it. The interactive view runs
 * in a pseudo-terminal (200x50) that we drain; after a warm-up its CPU is
 * read from /proc/PID/stat over several 1 s refreshes and its peak RSS from
 * VmHWM. Numbers are medians of REPS runs (one run from 200,000 sockets up).
 * Benchmarks print; nothing here asserts a time.
 */

#define NPORTS 100
#define BASE_PORT 5000
#define NSRC 8
#define HOLD_PAIRS 9000
#define MAX_HOLDERS 256
#define TUI_WARM_S 4
#define TUI_MEASURE_S 6

static char bindir[PATH_MAX - 32]; /* build/bench */
static char tcptop[PATH_MAX];      /* build/tcptop */
static char floorbin[PATH_MAX];    /* build/bench/bench_floor */

static void die(const char *what)
{
	fprintf(stderr, "bench_snapshot: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void write_sysctl(const char *path, const char *value)
{
	int fd = open(path, O_WRONLY);

	if (fd < 0 || write(fd, value, strlen(value)) < 0)
		die(path);
	close(fd);
}

static void up_loopback(void)
{
	struct ifreq ifr = { 0 };
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
		die("SIOCGIFFLAGS");
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
		die("SIOCSIFFLAGS");
	close(fd);
}

static struct sockaddr_in loop_addr(int host, int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };

	a.sin_addr.s_addr = htonl(0x7f000000u | (uint32_t)host);
	return a;
}

/* Connection i: from 127.0.0.(2 + i % NSRC) to listener i % NPORTS; both ends returned. */
static void connect_one(const int *lfd, long i, int *cfd, int *sfd)
{
	struct sockaddr_in src = loop_addr(2 + (int)(i % NSRC), 0);
	struct sockaddr_in dst = loop_addr(1, BASE_PORT + (int)(i % NPORTS));
	int one = 1;

	*cfd = socket(AF_INET, SOCK_STREAM, 0);
	if (*cfd < 0)
		die("socket");
	/* The port is chosen at connect(), unique per 4-tuple, not per address. */
	setsockopt(*cfd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof(one));
	if (bind(*cfd, (struct sockaddr *)&src, sizeof(src)) < 0)
		die("bind");
	if (connect(*cfd, (struct sockaddr *)&dst, sizeof(dst)) < 0)
		die("connect");
	*sfd = accept(lfd[i % NPORTS], NULL, NULL);
	if (*sfd < 0)
		die("accept");
}

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* A process holding n established connections (both ends); its pid, once they exist. */
static pid_t hold_pairs(const int *lfd, long first, long n, int ready_fd)
{
	pid_t pid = fork();

	if (pid < 0)
		die("fork");
	if (pid == 0) {
		char b = 1;

		prctl(PR_SET_PDEATHSIG, SIGKILL); /* never outlive the benchmark */
		for (long i = first; i < first + n; i++) {
			int c, s;

			connect_one(lfd, i, &c, &s);
		}
		if (write(ready_fd, &b, 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	return pid;
}

struct load {
	long total, estab, tw;
	int lfd[NPORTS];
	pid_t holders[MAX_HOLDERS];
	int nholders;
};

/* A fresh namespace with the sockets of `total`. */
static void load_build(struct load *l, long total)
{
	long pairs = total * 40 / 100;
	int ready[2];
	double t0 = now_s();

	memset(l, 0, sizeof(*l));
	l->total = total;
	if (unshare(CLONE_NEWNET) < 0)
		die("unshare(CLONE_NEWNET)");
	up_loopback();
	/* Keep every TIME-WAIT socket and keep ephemeral ports off the listeners. */
	write_sysctl("/proc/sys/net/ipv4/tcp_max_tw_buckets", "4000000");
	write_sysctl("/proc/sys/net/ipv4/tcp_tw_reuse", "0");
	write_sysctl("/proc/sys/net/ipv4/ip_local_port_range", "10000 65000");
	write_sysctl("/proc/sys/net/core/somaxconn", "4096");
	for (int i = 0; i < NPORTS; i++) {
		struct sockaddr_in a = loop_addr(1, BASE_PORT + i);

		l->lfd[i] = socket(AF_INET, SOCK_STREAM, 0);
		if (l->lfd[i] < 0 || bind(l->lfd[i], (struct sockaddr *)&a, sizeof(a)) < 0 ||
		    listen(l->lfd[i], 4096) < 0)
			die("listener");
	}
	if (pipe(ready) < 0)
		die("pipe");
	for (long done = 0; done < pairs; done += HOLD_PAIRS) {
		long n = pairs - done < HOLD_PAIRS ? pairs - done : HOLD_PAIRS;

		if (l->nholders == MAX_HOLDERS) {
			fprintf(stderr, "bench_snapshot: %ld connections need too many holders\n",
				pairs);
			exit(1);
		}
		/* Two at a time: the builders share the listeners' accept queues. */
		l->holders[l->nholders++] = hold_pairs(l->lfd, done, n, ready[1]);
		if (l->nholders % 2 == 0 || done + n >= pairs) {
			for (int k = 0; k < (l->nholders % 2 ? 1 : 2); k++) {
				char b;

				if (read(ready[0], &b, 1) != 1)
					die("a holder failed");
			}
		}
	}
	close(ready[0]);
	close(ready[1]);
	l->estab = 2 * pairs;
	l->tw = total - NPORTS - l->estab;
	/* The client closes first: its end becomes the TIME-WAIT socket. */
	for (long i = 0; i < l->tw; i++) {
		int c, s;

		connect_one(l->lfd, pairs + i, &c, &s);
		close(c);
		close(s);
	}
	fprintf(stderr,
		"built %ld sockets (%d listeners, %ld established, %ld TIME-WAIT, %d holders) in "
		"%.1f s\n",
		total, NPORTS, l->estab, l->tw, l->nholders, now_s() - t0);
}

static void load_free(struct load *l)
{
	for (int i = 0; i < l->nholders; i++) {
		kill(l->holders[i], SIGKILL);
		waitpid(l->holders[i], NULL, 0);
	}
	for (int i = 0; i < NPORTS; i++)
		close(l->lfd[i]);
}

struct meas {
	double cpu, wall, rss_mib;
	bool ok;
};

/* Runs argv with stdout on /dev/null; CPU and peak RSS from wait4(). */
static struct meas run_cmd(char *const argv[])
{
	struct meas m = { 0 };
	struct rusage ru;
	int status;
	double t0 = now_s();
	pid_t pid = fork();

	if (pid < 0)
		die("fork");
	if (pid == 0) {
		int fd = open("/dev/null", O_WRONLY);

		dup2(fd, 1);
		execv(argv[0], argv);
		_exit(127);
	}
	if (wait4(pid, &status, 0, &ru) < 0)
		die("wait4");
	m.wall = now_s() - t0;
	m.cpu = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
		(double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
	m.rss_mib = (double)ru.ru_maxrss / 1024.0;
	m.ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
	return m;
}

/* utime + stime of every thread of pid, seconds. */
static double proc_cpu(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long ut, st;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	p = fgets(buf, sizeof(buf), f);
	fclose(f);
	if (!p || !(p = strrchr(buf, ')')))
		return -1;
	/* after ") ": state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime */
	if (sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st) != 2)
		return -1;
	return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

static double proc_hwm_mib(pid_t pid)
{
	char path[64], line[256];
	double kib = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmHWM: %lf", &kib) == 1)
			break;
	fclose(f);
	return kib / 1024.0;
}

/* Reads whatever the pty has for up to `secs`, so the view never blocks on output. */
static void drain(int fd, double secs)
{
	char buf[65536];
	double end = now_s() + secs;

	for (;;) {
		double left = end - now_s();
		struct pollfd p = { .fd = fd, .events = POLLIN };

		if (left <= 0)
			return;
		if (poll(&p, 1, (int)(left * 1000) + 1) > 0 && read(fd, buf, sizeof(buf)) <= 0)
			return;
	}
}

/*
 * The interactive view in a pseudo-terminal: CPU per second (one refresh
 * each second with -d 1) after a warm-up, and VmHWM at the end.
 */
static struct meas run_tui(bool procs, bool lean)
{
	struct meas m = { 0 };
	struct winsize ws = { .ws_row = 50, .ws_col = 200 };
	int master = posix_openpt(O_RDWR | O_NOCTTY);
	double c0, c1, t0, t1;
	pid_t pid;
	int status;

	if (master < 0 || grantpt(master) < 0 || unlockpt(master) < 0)
		die("pty");
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		int slave;

		setsid();
		slave = open(ptsname(master), O_RDWR);
		if (slave < 0)
			_exit(127);
		ioctl(slave, TIOCSCTTY, 0);
		ioctl(slave, TIOCSWINSZ, &ws);
		dup2(slave, 0);
		dup2(slave, 1);
		dup2(slave, 2);
		close(master);
		setenv("TERM", "xterm-256color", 1);
		execl(tcptop, tcptop, "-d", "1", "--no-config", procs ? "-p" : "--no-processes",
		      lean ? "--low-memory" : (char *)NULL, (char *)NULL);
		_exit(127);
	}
	drain(master, TUI_WARM_S);
	c0 = proc_cpu(pid);
	t0 = now_s();
	drain(master, TUI_MEASURE_S);
	c1 = proc_cpu(pid);
	t1 = now_s();
	m.rss_mib = proc_hwm_mib(pid);
	m.ok = c0 >= 0 && c1 >= 0;
	m.cpu = (c1 - c0) / (t1 - t0);
	m.wall = 1.0;
	if (write(master, "q", 1) != 1)
		kill(pid, SIGTERM);
	for (int i = 0; i < 50 && waitpid(pid, &status, WNOHANG) == 0; i++)
		drain(master, 0.1);
	if (waitpid(pid, &status, WNOHANG) == 0) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
	}
	close(master);
	return m;
}

enum row_kind { RK_CMD, RK_TUI };

struct row {
	const char *name;
	enum row_kind kind;
	bool procs; /* RK_TUI: -p */
	bool lean;  /* RK_TUI: --low-memory */
	const char *argv[12];
	bool wall_vs_ss_p; /* compare wall to ss -tanpH instead of CPU to ss -tinmHa */
};

/* argv[0] "@tcptop" / "@floor" are our programs; "ss" is /usr/bin/ss or /bin/ss. */
static const struct row rows[] = {
	{ .name = "floor (libmnl dump, tcp_info+skmem)", .argv = { "@floor" } },
	{ .name = "tcptop TUI refresh (CPU per 1 s)", .kind = RK_TUI },
	{ .name = "tcptop TUI refresh -p", .kind = RK_TUI, .procs = true },
	{ .name = "tcptop TUI refresh --low-memory", .kind = RK_TUI, .lean = true },
	{ .name = "tcptop -b -n 1 (text)",
	  .argv = { "@tcptop", "-b", "-n", "1", "--no-config", "--no-processes" } },
	{ .name = "tcptop -b -n 1 -o json",
	  .argv = { "@tcptop", "-b", "-n", "1", "--no-config", "--no-processes", "-o", "json" } },
	{ .name = "tcptop -b -n 1 port 5042 (1%)",
	  .argv = { "@tcptop", "-b", "-n", "1", "--no-config", "--no-processes", "port", "5042" } },
	{ .name = "tcptop -b -n 1 -p",
	  .argv = { "@tcptop", "-b", "-n", "1", "--no-config", "-p" },
	  .wall_vs_ss_p = true },
	{ .name = "ss -tinmHa", .argv = { "ss", "-tinmHa" } },
	{ .name = "ss -tanpH", .argv = { "ss", "-tanpH" }, .wall_vs_ss_p = true },
};
#define NROWS (sizeof(rows) / sizeof(rows[0]))
enum { ROW_FLOOR = 0, ROW_SS_INFO = NROWS - 2, ROW_SS_PROC = NROWS - 1 };

static char *ss_path(void)
{
	static char path[16];

	snprintf(path, sizeof(path), "%s",
		 access("/usr/bin/ss", X_OK) == 0 ? "/usr/bin/ss" : "/bin/ss");
	return path;
}

static struct meas measure(const struct row *r)
{
	static char args[12][64]; /* execv() takes char *const[]: copies of the table's strings */
	char *argv[12] = { 0 };

	if (r->kind == RK_TUI)
		return run_tui(r->procs, r->lean);
	for (int i = 0; i < 11 && r->argv[i]; i++) {
		snprintf(args[i], sizeof(args[i]), "%s", r->argv[i]);
		argv[i] = args[i];
	}
	argv[0] = !strcmp(r->argv[0], "@tcptop")  ? tcptop
		  : !strcmp(r->argv[0], "@floor") ? floorbin
						  : ss_path();
	return run_cmd(argv);
}

static int cmp_meas(const void *a, const void *b)
{
	double x = ((const struct meas *)a)->cpu, y = ((const struct meas *)b)->cpu;

	return (x > y) - (x < y);
}

static void bench_one(long n)
{
	struct load l;
	struct meas res[NROWS];
	int reps = n >= 200000 ? 1 : 3;
	double load1;
	FILE *f;

	load_build(&l, n);
	/* Interleaved repetitions: drift on a shared machine hits every row alike. */
	struct meas all[NROWS][3];

	for (int r = 0; r < reps; r++)
		for (size_t i = 0; i < NROWS; i++)
			all[i][r] = rows[i].kind == RK_TUI && r ? all[i][0] : measure(&rows[i]);
	for (size_t i = 0; i < NROWS; i++) {
		qsort(all[i], (size_t)reps, sizeof(all[i][0]), cmp_meas);
		res[i] = all[i][reps / 2];
	}
	f = fopen("/proc/loadavg", "r");
	if (!f || fscanf(f, "%lf", &load1) != 1)
		load1 = -1;
	if (f)
		fclose(f);
	printf("\n%ld sockets (%ld established, %ld TIME-WAIT, %d listeners), %s of %d, load "
	       "average %.2f\n\n",
	       n, l.estab, l.tw, NPORTS, reps > 1 ? "median" : "one run", reps, load1);
	printf("| %-38s | %8s | %8s | %9s | %8s | %8s |\n", "what", "CPU s", "wall s", "peak MiB",
	       "/floor", "/ss");
	printf("|%s|%s|%s|%s|%s|%s|\n", "----------------------------------------",
	       "---------:", "---------:", "----------:", "---------:", "---------:");
	for (size_t i = 0; i < NROWS; i++) {
		const struct meas *m = &res[i];
		char vf[16] = "", vs[16] = "", wall[16] = "-";

		if (i != ROW_FLOOR && res[ROW_FLOOR].cpu > 0)
			snprintf(vf, sizeof(vf), "%.2fx", m->cpu / res[ROW_FLOOR].cpu);
		if (rows[i].wall_vs_ss_p && i != ROW_SS_PROC && m->wall > 0)
			snprintf(vs, sizeof(vs), "%.1fx fast", res[ROW_SS_PROC].wall / m->wall);
		else if (!rows[i].wall_vs_ss_p && i != ROW_SS_INFO && i != ROW_FLOOR &&
			 res[ROW_SS_INFO].cpu > 0)
			snprintf(vs, sizeof(vs), "%.2fx", m->cpu / res[ROW_SS_INFO].cpu);
		if (rows[i].kind != RK_TUI)
			snprintf(wall, sizeof(wall), "%.2f", m->wall);
		printf("| %-38s | %8.3f | %8s | %9.1f | %8s | %8s |%s\n", rows[i].name, m->cpu,
		       wall, m->rss_mib, vf, vs, m->ok ? "" : " FAILED");
	}
	fflush(stdout);
	load_free(&l);
}

/* build/bench/bench_snapshot -> build/tcptop and build/bench/bench_floor */
static void find_programs(void)
{
	ssize_t k = readlink("/proc/self/exe", bindir, sizeof(bindir) - 1);
	char *slash;

	if (k <= 0)
		die("/proc/self/exe");
	bindir[k] = '\0';
	slash = strrchr(bindir, '/');
	if (slash)
		*slash = '\0';
	snprintf(floorbin, sizeof(floorbin), "%s/bench_floor", bindir);
	snprintf(tcptop, sizeof(tcptop), "%s/../tcptop", bindir);
	/* BENCH_TCPTOP: another build of tcptop to measure (before/after a change) */
	if (getenv("BENCH_TCPTOP") && *getenv("BENCH_TCPTOP"))
		snprintf(tcptop, sizeof(tcptop), "%s", getenv("BENCH_TCPTOP"));
	if (access(tcptop, X_OK) < 0 || access(floorbin, X_OK) < 0) {
		fprintf(stderr, "bench_snapshot: %s or %s is missing (make all bench)\n", tcptop,
			floorbin);
		exit(1);
	}
}

static void on_term(int sig)
{
	(void)sig;
	_exit(0); /* the holders have PR_SET_PDEATHSIG */
}

int main(int argc, char **argv)
{
	long ns[16];
	int nn = 0;
	const char *env = getenv("BENCH_N");
	struct rlimit rl = { 2 * HOLD_PAIRS + NPORTS + 64, 2 * HOLD_PAIRS + NPORTS + 64 };

	if (geteuid() != 0) {
		printf("bench_snapshot: skipped (needs root for a private network namespace)\n");
		return 0;
	}
	if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
		die("RLIMIT_NOFILE");
	if (argc == 3 && !strcmp(argv[1], "--hold")) {
		struct load l;

		load_build(&l, atol(argv[2]));
		printf("ready pid=%d\n", (int)getpid());
		fflush(stdout);
		signal(SIGTERM, on_term);
		signal(SIGINT, on_term);
		for (;;)
			pause();
	}
	find_programs();
	for (int i = 1; i < argc && nn < 16; i++)
		ns[nn++] = atol(argv[i]);
	if (!nn && env && *env) {
		char *copy = strdup(env), *save = NULL;

		for (char *t = strtok_r(copy, ", ", &save); t && nn < 16;
		     t = strtok_r(NULL, ", ", &save))
			ns[nn++] = atol(t);
		free(copy);
	}
	if (!nn) {
		ns[nn++] = 10000;
		ns[nn++] = 100000;
		ns[nn++] = 200000;
	}
	printf("bench_snapshot: tcptop against the floor and ss. CPU = user + system. TUI rows: "
	       "CPU\n"
	       "per second at one refresh per second over %d s (one run), peak = VmHWM. -b -n 1 "
	       "waits\n"
	       "one interval (1 s) for its rates: it is in the wall time. /ss: CPU over ss "
	       "-tinmHa's,\n"
	       "or \"N fast\": ss -tanpH's wall time over this one's.\n",
	       TUI_MEASURE_S);
	printf("tcptop: %s\n", tcptop);
	for (int i = 0; i < nn; i++) {
		if (ns[i] < 2 * NPORTS) {
			fprintf(stderr, "bench_snapshot: %ld sockets: too few\n", ns[i]);
			return 2;
		}
		bench_one(ns[i]);
	}
	return 0;
}
