/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_procmap: sockets are attributed to the processes holding them, and only what changed is read again. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <ftw.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fatal.h"
#include "procmap.h"

/*
 * ---- a fake /proc: PID/comm and PID/fd/N symlinks, as PROC_ROOT would give ----
 * It lives on tmpfs, whose directory size grows and shrinks with its entries
 * the way /proc/PID/fd's size follows the fd count (ext4's stays 4096).
 */

struct fake {
	char root[64];
	struct procmap *pm;
	struct frame f;
	struct procmap_stats st;
};

static void put_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static void mkproc(struct fake *fk, int pid, const char *comm)
{
	char p[128], c[64];

	snprintf(p, sizeof(p), "%s/%d", fk->root, pid);
	assert_int_equal(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/%d/fd", fk->root, pid);
	assert_int_equal(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/%d/comm", fk->root, pid);
	snprintf(c, sizeof(c), "%s\n", comm);
	put_file(p, c);
}

/* fd N of pid is socket `inode` (0: a regular file). */
static void setfd(struct fake *fk, int pid, int fd, unsigned inode)
{
	char p[128], target[64];

	snprintf(p, sizeof(p), "%s/%d/fd/%d", fk->root, pid, fd);
	unlink(p);
	if (inode)
		snprintf(target, sizeof(target), "socket:[%u]", inode);
	else
		snprintf(target, sizeof(target), "/dev/null");
	assert_int_equal(symlink(target, p), 0);
}

static void closefd(struct fake *fk, int pid, int fd)
{
	char p[128];

	snprintf(p, sizeof(p), "%s/%d/fd/%d", fk->root, pid, fd);
	assert_int_equal(unlink(p), 0);
}

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void rmproc(struct fake *fk, int pid)
{
	char p[128];

	snprintf(p, sizeof(p), "%s/%d", fk->root, pid);
	assert_int_equal(nftw(p, rm_one, 16, FTW_DEPTH | FTW_PHYS), 0);
}

/* The dump: these socket inodes, in this order (0 = a socket without inode). */
static void dump(struct fake *fk, const unsigned *inodes, size_t n)
{
	frame_reset(&fk->f);
	for (size_t i = 0; i < n; i++) {
		struct conn *c = sample_push(&fk->f.sample);

		c->cookie = i + 1;
		c->inode = inodes[i];
		c->state = TS_ESTABLISHED;
		c->uid = 0;
		c->have = CONN_HAS_UID;
	}
	fk->f.rows = xgrow(fk->f.rows, &fk->f.rows_cap, n + 1, sizeof(*fk->f.rows));
	memset(fk->f.rows, 0, (n + 1) * sizeof(*fk->f.rows));
	for (size_t i = 0; i < n; i++)
		fk->f.rows[i].c = &fk->f.sample.conns[i];
	procmap_update(fk->pm, &fk->f.sample, &fk->st);
	procmap_attribute(fk->pm, &fk->f);
}

#define DUMP(fk, ...)                                                                              \
	dump(fk, (const unsigned[]){ __VA_ARGS__ },                                                \
	     sizeof((const unsigned[]){ __VA_ARGS__ }) / sizeof(unsigned))

static const struct procinfo *proc_of(const struct fake *fk, size_t row)
{
	return row_proc(&fk->f.rows[row]);
}

static int setup(void **state)
{
	struct fake *fk = calloc(1, sizeof(*fk));
	struct terr e;

	snprintf(fk->root, sizeof(fk->root), "/dev/shm/tcptop-procmap.XXXXXX");
	if (!mkdtemp(fk->root)) {
		free(fk);
		return -1; /* no tmpfs at /dev/shm: the group reports it */
	}
	fk->pm = procmap_new(fk->root, &e);
	assert_non_null(fk->pm);
	*state = fk;
	return 0;
}

static int teardown(void **state)
{
	struct fake *fk = *state;

	procmap_free(fk->pm);
	frame_free(&fk->f);
	nftw(fk->root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(fk);
	return 0;
}

/* ---- behaviour ---- */

static void a_socket_is_attributed_to_the_process_holding_it(void **state)
{
	struct fake *fk = *state;

	mkproc(fk, 100, "alpha");
	setfd(fk, 100, 0, 0);
	setfd(fk, 100, 3, 1000);
	mkproc(fk, 200, "beta");
	setfd(fk, 200, 5, 2000);
	DUMP(fk, 2000, 1000);
	assert_true(procinfo_known(proc_of(fk, 0)));
	assert_int_equal(proc_of(fk, 0)->pid, 200);
	assert_string_equal(proc_of(fk, 0)->comm, "beta");
	assert_string_equal(proc_of(fk, 0)->text, "200/beta");
	assert_int_equal(proc_of(fk, 0)->count, 1);
	assert_int_equal(proc_of(fk, 1)->pid, 100);
	assert_string_equal(proc_of(fk, 1)->text, "100/alpha");
	assert_int_equal(fk->st.procs, 2);
	assert_int_equal(fk->st.denied, 0);
	assert_true(fk->st.first);
}

static void a_shared_socket_names_the_lowest_pid_and_counts_all(void **state)
{
	struct fake *fk = *state;
	const struct procinfo *p;

	mkproc(fk, 300, "child");
	setfd(fk, 300, 4, 1000);
	mkproc(fk, 100, "parent");
	setfd(fk, 100, 4, 1000);
	setfd(fk, 100, 9, 1000); /* dup'ed: the same process counts once */
	mkproc(fk, 200, "child");
	setfd(fk, 200, 4, 1000);
	DUMP(fk, 1000);
	p = proc_of(fk, 0);
	assert_int_equal(p->pid, 100);
	assert_int_equal(p->count, 3);
	assert_string_equal(p->text, "100/parent+2");
	assert_int_equal(p->holders[0].pid, 100);
	assert_int_equal(p->holders[1].pid, 200);
	assert_int_equal(p->holders[2].pid, 300);
	assert_true(procinfo_has_pid(p, 300));
	assert_false(procinfo_has_pid(p, 400));
	assert_true(procinfo_has_comm(p, "child"));
	assert_false(procinfo_has_comm(p, "chil"));
}

static void sockets_without_inode_or_holder_have_no_process(void **state)
{
	struct fake *fk = *state;

	mkproc(fk, 100, "alpha");
	setfd(fk, 100, 3, 1000);
	DUMP(fk, 0, 5555, 1000);
	assert_null(proc_of(fk, 0)); /* TIME-WAIT: no inode */
	assert_null(proc_of(fk, 1)); /* nobody holds it, and we could read everyone */
	assert_int_equal(proc_of(fk, 2)->pid, 100);
	assert_int_equal(fk->st.unowned, 1);
}

static void unshared_sockets_of_one_process_share_one_procinfo(void **state)
{
	struct fake *fk = *state;

	mkproc(fk, 100, "alpha");
	for (int i = 0; i < 50; i++)
		setfd(fk, 100, 3 + i, 1000 + (unsigned)i);
	DUMP(fk, 1000, 1001, 1002, 1049);
	assert_int_equal(fk->f.nprocs, 1);
	assert_ptr_equal(proc_of(fk, 0), proc_of(fk, 3));
}

static void an_unchanged_process_is_not_read_again(void **state)
{
	struct fake *fk = *state;

	mkproc(fk, 100, "alpha");
	setfd(fk, 100, 3, 1000);
	mkproc(fk, 200, "beta");
	setfd(fk, 200, 3, 2000);
	DUMP(fk, 1000, 2000);
	assert_int_equal(fk->st.scanned, 2);
	DUMP(fk, 1000, 2000);
	assert_int_equal(fk->st.scanned, 0);
	assert_int_equal(fk->st.links, 0);
	assert_int_equal(fk->st.fallback, 0);
	assert_int_equal(proc_of(fk, 1)->pid, 200);
}

static void a_changed_fd_count_reads_only_that_process_and_only_new_links(void **state)
{
	struct fake *fk = *state;

	mkproc(fk, 100, "alpha");
	for (int i = 0; i < 10; i++)
		setfd(fk, 100, 3 + i, 1000 + (unsigned)i);
	mkproc(fk, 200, "beta");
	setfd(fk, 200, 3, 2000);
	DUMP(fk, 1000, 1001, 1002, 1003, 1004, 1005, 1006, 1007, 1008, 1009, 2000);
	setfd(fk, 100, 20, 1020); /* a new connection */
	DUMP(fk, 1000, 1001, 1002, 1003, 1004, 1005, 1006, 1007, 1008, 1009, 1020, 2000);
	assert_int_equal(fk->st.scanned, 1);
	assert_int_equal(fk->st.links, 1); /* the ten sockets still alive were not read again */
	assert_int_equal(proc_of(fk, 10)->pid, 100);
}

static void a_new_socket_behind_an_unchanged_fd_count_is_found(void **state)
{
	struct fake *fk = *state;

	mkproc(fk, 100, "alpha");
	setfd(fk, 100, 3, 1000);
	setfd(fk, 100, 4, 1001);
	mkproc(fk, 200, "beta");
	setfd(fk, 200, 3, 2000);
	DUMP(fk, 1000, 1001, 2000);
	/* one interval: fd 4 closed and reused by a new socket; the count stays the same */
	setfd(fk, 100, 4, 1002);
	DUMP(fk, 1000, 1002, 2000);
	assert_int_equal(fk->st.fallback, 1);
	assert_int_equal(proc_of(fk, 1)->pid, 100);
	assert_string_equal(proc_of(fk, 1)->comm, "alpha");
	/* the likeliest holder (most sockets) was read first and the search stopped there */
	assert_int_equal(fk->st.scanned, 1);
}

static void the_search_reads_first_the_process_that_closed_sockets(void **state)
{
	struct fake *fk = *state;

	mkproc(fk, 100, "busy");
	for (int i = 0; i < 10; i++)
		setfd(fk, 100, 3 + i, 1000 + (unsigned)i);
	mkproc(fk, 200, "quiet");
	setfd(fk, 200, 3, 2000);
	setfd(fk, 200, 4, 2001);
	DUMP(fk, 1000, 1001, 1002, 1003, 1004, 1005, 1006, 1007, 1008, 1009, 2000, 2001);
	/* quiet closes 2001 and its fd number goes to a new socket: the count stays */
	setfd(fk, 200, 4, 2002);
	DUMP(fk, 1000, 1001, 1002, 1003, 1004, 1005, 1006, 1007, 1008, 1009, 2000, 2002);
	assert_int_equal(fk->st.fallback, 1);
	assert_int_equal(fk->st.scanned, 1); /* not busy, though it holds more */
	assert_int_equal(proc_of(fk, 11)->pid, 200);
}

static void an_alive_socket_moved_behind_a_reused_fd_is_found_by_the_full_search(void **state)
{
	struct fake *fk = *state;

	mkproc(fk, 100, "alpha");
	setfd(fk, 100, 3, 1000);
	setfd(fk, 100, 4, 1000); /* dup of the same socket */
	DUMP(fk, 1000);
	/* fd 3 is closed and reused for a new socket; 1000 stays alive through fd 4 */
	setfd(fk, 100, 3, 1001);
	DUMP(fk, 1000, 1001);
	assert_int_equal(fk->st.fallback, 2);
	assert_int_equal(proc_of(fk, 1)->pid, 100);
}

static void a_socket_nobody_holds_is_searched_for_once(void **state)
{
	struct fake *fk = *state;

	mkproc(fk, 100, "alpha");
	setfd(fk, 100, 3, 1000);
	DUMP(fk, 1000);
	DUMP(fk, 1000, 7777); /* a kernel socket, say */
	assert_int_equal(fk->st.fallback, 2);
	assert_null(proc_of(fk, 1));
	DUMP(fk, 1000, 7777);
	assert_int_equal(fk->st.fallback, 0);
	assert_int_equal(fk->st.scanned, 0);
	assert_null(proc_of(fk, 1));
}

static void a_process_that_exits_is_forgotten(void **state)
{
	struct fake *fk = *state;

	mkproc(fk, 100, "parent");
	setfd(fk, 100, 3, 1000);
	mkproc(fk, 200, "child");
	setfd(fk, 200, 3, 1000);
	DUMP(fk, 1000);
	assert_int_equal(proc_of(fk, 0)->count, 2);
	rmproc(fk, 100);
	DUMP(fk, 1000);
	assert_int_equal(proc_of(fk, 0)->count, 1);
	assert_int_equal(proc_of(fk, 0)->pid, 200);
	assert_string_equal(proc_of(fk, 0)->text, "200/child");
	assert_int_equal(fk->st.procs, 1);
}

static void a_reused_pid_is_read_as_a_new_process(void **state)
{
	struct fake *fk = *state;

	mkproc(fk, 100, "old");
	setfd(fk, 100, 3, 1000);
	DUMP(fk, 1000);
	/* the pid's fd directory is a new inode: another process */
	rmproc(fk, 100);
	mkproc(fk, 100, "new");
	setfd(fk, 100, 3, 2000);
	DUMP(fk, 2000);
	assert_int_equal(fk->st.scanned, 1);
	assert_string_equal(proc_of(fk, 0)->text, "100/new");
}

static void a_renamed_process_shows_its_new_name(void **state)
{
	struct fake *fk = *state;
	char p[128];

	mkproc(fk, 100, "before");
	setfd(fk, 100, 3, 1000);
	DUMP(fk, 1000);
	snprintf(p, sizeof(p), "%s/100/comm", fk->root);
	put_file(p, "after\n"); /* exec or prctl(PR_SET_NAME): same fds */
	DUMP(fk, 1000);
	assert_string_equal(proc_of(fk, 0)->text, "100/after");
}

static void a_name_with_escape_sequences_is_raw_in_comm_and_safe_in_text(void **state)
{
	struct fake *fk = *state;

	mkproc(fk, 100, "\x1b[31mevil\a");
	setfd(fk, 100, 3, 1000);
	DUMP(fk, 1000);
	assert_string_equal(proc_of(fk, 0)->comm, "\x1b[31mevil\a");
	assert_string_equal(proc_of(fk, 0)->text, "100/\\x1b[31mevil\\x07");
}

static void user_names_come_from_the_sockets_uid(void **state)
{
	struct fake *fk = *state;

	DUMP(fk, 0);
	procmap_users(fk->pm, &fk->f);
	assert_non_null(row_user(&fk->f.rows[0]));
	assert_string_equal(row_user(&fk->f.rows[0])->name, "root");
	assert_string_equal(row_user(&fk->f.rows[0])->text, "root");
	fk->f.sample.conns[0].uid = 4000000000u; /* no such user: the number */
	procmap_users(fk->pm, &fk->f);
	assert_null(row_user(&fk->f.rows[0])->name);
	assert_string_equal(row_user(&fk->f.rows[0])->text, "4000000000");
}

static void closed_fds_leave_the_map(void **state)
{
	struct fake *fk = *state;
	uint32_t count;

	mkproc(fk, 100, "alpha");
	setfd(fk, 100, 3, 1000);
	setfd(fk, 100, 4, 1001);
	DUMP(fk, 1000, 1001);
	closefd(fk, 100, 4);
	DUMP(fk, 1000, 1001); /* the socket lingers in the dump (another holder we cannot see) */
	assert_int_equal(procmap_lookup(fk->pm, 1000, &count), 100);
	assert_int_equal(procmap_lookup(fk->pm, 1001, &count), 0);
	assert_int_equal(count, 0);
}

/*
 * The inode table is sized to each dump (not a power of two) and kept while
 * the dump is at most half of it: dumps that grow and shrink across those
 * sizes (grown, kept, shrunk) keep every socket found and none invented.
 */
static void dumps_growing_and_shrinking_keep_every_socket_found(void **state)
{
	static const size_t sizes[] = { 3, 700, 5000, 900, 40, 5000, 1 };
	struct fake *fk = *state;
	unsigned *inodes = calloc(5000, sizeof(*inodes));
	unsigned *all = NULL, seed = 4242;
	size_t allcap = 0;
	uint32_t count;

	mkproc(fk, 100, "alpha");
	mkproc(fk, 200, "beta");
	for (unsigned k = 0; k < 5000; k++) {
		inodes[k] = 10000 + k * 7919u;
		setfd(fk, k % 2 ? 200 : 100, (int)(3 + k / 2), inodes[k]);
	}
	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		size_t n = sizes[s], wrong = 0;

		dump(fk, inodes, n);
		assert_int_equal(fk->st.sockets, n);
		for (size_t k = 0; k < n; k++) {
			const struct procinfo *p = proc_of(fk, k);

			wrong += !p || p->pid != (k % 2 ? 200 : 100) ||
				 procmap_lookup(fk->pm, inodes[k], &count) != p->pid || count != 1;
		}
		assert_int_equal(wrong, 0);
		/* an inode of the fake tree that is not in this dump is not found */
		if (n < 5000)
			assert_int_equal(procmap_lookup(fk->pm, inodes[n], &count), 0);
	}
	/*
	 * Held sockets among others nobody holds, of values spread over the
	 * whole range: the holders found, the others counted and held by none
	 */
	for (unsigned round = 0; round < 8; round++) {
		size_t n = 5000 + 3000, wrong = 0;

		all = xreserve(all, &allcap, n, sizeof(*all));
		memcpy(all, inodes, 5000 * sizeof(*all));
		/* an LCG's states: distinct, and as clustered as real inodes can be */
		for (unsigned k = 0; k < 3000; k++) {
			seed = seed * 1103515245u + 12345u;
			all[5000 + k] = seed;
		}
		dump(fk, all, n);
		assert_int_equal(fk->st.sockets, n);
		for (size_t k = 0; k < n; k++) {
			const struct procinfo *p = proc_of(fk, k);
			int32_t pid = k < 5000 ? (k % 2 ? 200 : 100) : 0;

			wrong += procmap_lookup(fk->pm, all[k], &count) != pid ||
				 count != (k < 5000) || (k < 5000 && (!p || p->pid != pid));
		}
		assert_int_equal(wrong, 0);
	}
	free(all);
	free(inodes);
}

static void a_large_first_build_read_by_several_threads_equals_one_thread(void **state)
{
	struct fake *fk = *state;
	enum { PROCS = 8, FDS = 2200 }; /* 17600 fds: over the parallel threshold */
	static unsigned inodes[PROCS * FDS + 1];
	struct procmap *one;
	struct frame f1 = { 0 };
	cpu_set_t cpus;
	size_t n = 0;

	for (int p = 0; p < PROCS; p++) {
		mkproc(fk, 100 + p, "worker");
		for (int i = 0; i < FDS; i++) {
			/* every 100th socket of a process is also held by the next one */
			unsigned ino = 10000 + (unsigned)(p * FDS + i);

			setfd(fk, 100 + p, 3 + i, ino);
			inodes[n++] = ino;
			if (p > 0 && i % 100 == 0)
				setfd(fk, 100 + p, 3 + FDS + i, ino - FDS);
		}
	}
	dump(fk, inodes, n);
	assert_int_equal(fk->st.links, PROCS * FDS + (PROCS - 1) * (FDS / 100));
	if (sched_getaffinity(0, sizeof(cpus), &cpus) == 0 && CPU_COUNT(&cpus) > 1)
		assert_true(fk->st.threads > 1); /* the parallel path really ran */
	one = procmap_new(fk->root, &(struct terr){ { 0 } });
	procmap_set_threads(one, 1);
	f1.sample = fk->f.sample; /* borrowed: not freed through f1 */
	f1.rows = calloc(n, sizeof(*f1.rows));
	for (size_t i = 0; i < n; i++)
		f1.rows[i].c = &f1.sample.conns[i];
	procmap_update(one, &f1.sample, &(struct procmap_stats){ 0 });
	procmap_attribute(one, &f1);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(row_proc(&fk->f.rows[i])->pid, row_proc(&f1.rows[i])->pid);
		assert_int_equal(row_proc(&fk->f.rows[i])->count, row_proc(&f1.rows[i])->count);
	}
	/* worker 100's first socket is also held by 101 (101's fd 3+FDS) */
	assert_int_equal(row_proc(&fk->f.rows[0])->count, 2);
	assert_int_equal(row_proc(&fk->f.rows[0])->pid, 100);
	assert_int_equal(row_proc(&fk->f.rows[FDS])->count, 2); /* 101's first, held by 102 too */
	assert_int_equal(row_proc(&fk->f.rows[FDS])->pid, 101);
	assert_int_equal(row_proc(&fk->f.rows[1])->count, 1);
	free(f1.procs);
	free(f1.holders);
	free(f1.rows);
	arena_free(&f1.who_arena);
	free(f1.who_idx);
	procmap_free(one);
}

/* ---- the real /proc ---- */

static unsigned sock_inode(int fd)
{
	struct stat sb;

	assert_int_equal(fstat(fd, &sb), 0);
	return (unsigned)sb.st_ino;
}

static void live_sockets_of_this_process_carry_its_pid_and_name(void **state)
{
	struct fake *fk = *state;
	int s = socket(AF_INET, SOCK_STREAM, 0);
	char old[PROC_COMM_LEN] = "";

	assert_true(s >= 0);
	prctl(PR_GET_NAME, old);
	prctl(PR_SET_NAME, "tu-procmap");
	procmap_free(fk->pm);
	fk->pm = procmap_new("/proc", &(struct terr){ { 0 } });
	assert_non_null(fk->pm);
	DUMP(fk, sock_inode(s));
	assert_int_equal(proc_of(fk, 0)->pid, getpid());
	assert_string_equal(proc_of(fk, 0)->comm, "tu-procmap");
	assert_int_equal(proc_of(fk, 0)->count, 1);
	prctl(PR_SET_NAME, old);
	close(s);
}

static void live_socket_shared_after_fork_counts_both(void **state)
{
	struct fake *fk = *state;
	int s = socket(AF_INET, SOCK_STREAM, 0), ready[2];
	unsigned ino = sock_inode(s);
	pid_t child;
	char c;

	assert_int_equal(pipe(ready), 0);
	procmap_free(fk->pm);
	fk->pm = procmap_new("/proc", &(struct terr){ { 0 } });
	DUMP(fk, ino);
	assert_int_equal(proc_of(fk, 0)->count, 1);
	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		prctl(PR_SET_NAME, "tu-child");
		(void)!write(ready[1], "x", 1);
		pause();
		_exit(0);
	}
	assert_int_equal(read(ready[0], &c, 1), 1);
	DUMP(fk, ino);
	assert_int_equal(proc_of(fk, 0)->count, 2);
	assert_int_equal(proc_of(fk, 0)->pid, getpid() < child ? getpid() : child);
	assert_true(procinfo_has_pid(proc_of(fk, 0), child));
	assert_true(procinfo_has_comm(proc_of(fk, 0), "tu-child"));
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	DUMP(fk, ino);
	assert_int_equal(proc_of(fk, 0)->count, 1);
	assert_int_equal(proc_of(fk, 0)->pid, getpid());
	close(s);
	close(ready[0]);
	close(ready[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(a_socket_is_attributed_to_the_process_holding_it),
		T(a_shared_socket_names_the_lowest_pid_and_counts_all),
		T(sockets_without_inode_or_holder_have_no_process),
		T(unshared_sockets_of_one_process_share_one_procinfo),
		T(an_unchanged_process_is_not_read_again),
		T(a_changed_fd_count_reads_only_that_process_and_only_new_links),
		T(a_new_socket_behind_an_unchanged_fd_count_is_found),
		T(the_search_reads_first_the_process_that_closed_sockets),
		T(an_alive_socket_moved_behind_a_reused_fd_is_found_by_the_full_search),
		T(a_socket_nobody_holds_is_searched_for_once),
		T(a_process_that_exits_is_forgotten),
		T(a_reused_pid_is_read_as_a_new_process),
		T(a_renamed_process_shows_its_new_name),
		T(a_name_with_escape_sequences_is_raw_in_comm_and_safe_in_text),
		T(user_names_come_from_the_sockets_uid),
		T(closed_fds_leave_the_map),
		T(dumps_growing_and_shrinking_keep_every_socket_found),
		T(a_large_first_build_read_by_several_threads_equals_one_thread),
		T(live_sockets_of_this_process_carry_its_pid_and_name),
		T(live_socket_shared_after_fork_counts_both),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
