/* SPDX-License-Identifier: GPL-2.0-or-later */
/* bench_record: bytes per socket per refresh of a recording, against real sockets in a private namespace. */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "record.h"
#include "sample.h"
#include "source.h"
#include "tcpinfo.h"

/*
 * usage: bench_record [REFRESHES [INTERVAL_S [PER_LISTENER]]]
 * (defaults 30, 1, 1000: about 10,000 sockets from tests/helpers/sockmany,
 * $SOCKMANY or build/helpers/sockmany). Needs root for the namespace; prints
 * "skip" without it. Records what batch JSON mode requests (tcp_info, skmem,
 * congestion) plus /proc/net/netstat and snmp, each refresh, like tcptop.
 */

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static pid_t start_sockets(const char *per)
{
	const char *bin = getenv("SOCKMANY") ? getenv("SOCKMANY") : "build/helpers/sockmany";
	int p[2];
	pid_t pid;
	char line[128];
	FILE *f;

	if (pipe(p) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		dup2(p[1], 1);
		close(p[0]);
		execl(bin, bin, "-n", per, (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	f = fdopen(p[0], "r");
	if (!f || !fgets(line, sizeof(line), f) || strncmp(line, "ready", 5)) {
		fprintf(stderr, "bench_record: %s did not get ready\n", bin);
		return -1;
	}
	fclose(f);
	return pid;
}

static long long file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (long long)st.st_size : -1;
}

/* Rewrites the recording as version 1 (uncompressed): the size zstd saves. */
static long long v1_size(const char *from, const char *to)
{
	struct terr e;
	struct replay *r = replay_open(from, NULL, NULL, &e);
	struct recorder *w = recorder_open_version(to, 1, &e);
	const struct rec_frame *f;

	if (!r || !w)
		return -1;
	while (replay_next(r, &f, &e) == 1) {
		recorder_frame(w, f->mono_ns, f->real_ns);
		for (size_t i = 0; i < f->nnetlink; i++)
			recorder_netlink(w, f->netlink[i].family, f->netlink[i].data,
					 f->netlink[i].len);
		for (size_t i = 0; i < f->nfiles; i++)
			recorder_file(w, f->files[i].name, f->files[i].data, f->files[i].len,
				      f->files[i].err);
		recorder_end(w);
	}
	replay_free(r);
	recorder_close(w, &e);
	return file_size(to);
}

/*
 * What stepping back costs in the TUI: from the end, back to each refresh
 * (one seek and one read each), the worst being the last of a zstd frame,
 * decoded again from the frame's first.
 */
static void seek_cost(const char *path, int refreshes)
{
	struct terr e;
	struct replay *r = replay_open(path, NULL, NULL, &e);
	const struct rec_frame *f;
	double worst = 0, sum = 0, t0;

	if (!r)
		return;
	while (replay_next(r, &f, &e) == 1)
		;
	for (int i = refreshes - 1; i >= 0; i--) {
		double t;

		t0 = now_s();
		if (replay_seek(r, (size_t)i, &e) < 0 || replay_next(r, &f, &e) != 1) {
			fprintf(stderr, "bench_record: seek to %d: %s\n", i, e.msg);
			break;
		}
		t = now_s() - t0;
		sum += t;
		worst = t > worst ? t : worst;
	}
	printf("stepping back: %.1f ms on average, %.1f ms at worst (a zstd frame every %d "
	       "refreshes)\n",
	       sum / refreshes * 1e3, worst * 1e3, REC_REFRESHES_PER_ZFRAME);
	replay_free(r);
}

int main(int argc, char **argv)
{
	int refreshes = argc > 1 ? atoi(argv[1]) : 30;
	double interval = argc > 2 ? atof(argv[2]) : 1.0;
	const char *per = argc > 3 ? argv[3] : "1000";
	char path[] = "/tmp/bench_record.XXXXXX";
	char rec[64], raw[64];
	struct source_cfg cfg = { 0 };
	struct diag_req req = { .states = TS_ALL_MASK,
				.ext = DIAG_EXT_INFO | DIAG_EXT_SKMEM | DIAG_EXT_CONG };
	struct source *s;
	struct strbuf buf = STRBUF_INIT;
	struct terr e = { { 0 } };
	long long first = 0, sockets = 0, size, rawsize;
	double busy = 0;
	pid_t kid;

	if (geteuid() != 0 || unshare(CLONE_NEWNET) < 0) {
		printf("bench_record: skip (needs root for a private network namespace)\n");
		return 0;
	}
	if (system("ip link set lo up") != 0 || !mkdtemp(path))
		return 1;
	kid = start_sockets(per);
	if (kid < 0)
		return 1;
	snprintf(rec, sizeof(rec), "%s/r.rec", path);
	snprintf(raw, sizeof(raw), "%s/r1.rec", path);
	cfg.record_path = rec;
	s = source_open(&cfg, &e);
	if (!s) {
		fprintf(stderr, "bench_record: %s\n", e.msg);
		return 1;
	}
	for (int i = 0; i < refreshes; i++) {
		struct sample smp = { 0 };
		uint64_t mono;
		int64_t real;
		double t0 = now_s();

		source_begin(s, &mono, &real, &e);
		source_dump(s, &req, &smp, &e);
		source_read(s, "net/netstat", &buf, &e);
		source_read(s, "net/snmp", &buf, &e);
		source_end(s);
		busy += now_s() - t0;
		sockets += (long long)smp.n;
		sample_free(&smp);
		if (i == 0)
			first = file_size(rec);
		if (i + 1 < refreshes)
			usleep((useconds_t)(interval * 1e6));
	}
	source_close(s, &e);
	size = file_size(rec);
	rawsize = v1_size(rec, raw);
	kill(kid, SIGTERM);
	waitpid(kid, NULL, 0);
	printf("sockets per refresh: %lld, refreshes: %d at %.2f s\n", sockets / refreshes,
	       refreshes, interval);
	printf("first refresh: %.1f B/socket (nothing earlier to refer to)\n",
	       (double)first / (double)(sockets / refreshes));
	if (refreshes > 1)
		printf("later refreshes: %.1f B/socket/refresh (version 1, uncompressed: %.1f)\n",
		       (double)(size - first) / (double)(sockets - sockets / refreshes),
		       (double)rawsize / (double)sockets);
	printf("10,000 sockets for an hour at 1 s: %.0f MiB\n",
	       (double)(size - first) / (double)(sockets - sockets / refreshes) * 10000 * 3600 /
		       (1 << 20));
	printf("recording cost: %.1f ms per refresh (dump, compress, write, fsync)\n",
	       busy / refreshes * 1e3);
	seek_cost(rec, refreshes);
	snprintf(raw, sizeof(raw), "rm -rf %s", path);
	return system(raw) != 0;
}
