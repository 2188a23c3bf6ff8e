/* SPDX-License-Identifier: GPL-2.0-or-later */
/* procmap: socket inode -> holding processes, from an incremental scan of /proc/PID/fd. */
#include "procmap.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <pwd.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cpus.h"
#include "fatal.h"

/*
 * What tells us a process's fds changed, measured on Linux 6.18 (and the
 * procfs code agrees): the mtime and ctime of /proc/PID/fd never move - they
 * are stamped when procfs creates the inode, and opening or closing a file
 * does not touch them. Its st_size, though, is the number of open fds (Linux
 * 6.2+; 0 before), and anyone may stat it, even for other users' processes.
 * Its st_ino is stable while the dentry lives and new after the pid is
 * reused (or the dentry was evicted: harmless, the process is read again).
 *
 * So a process is read again when it is new, its fd directory inode changed
 * (treat as new), or its fd count changed. A count that stays the same can
 * hide a close and an open in one interval; the socket that appeared is then
 * an inode of the dump the map lacks, and only that triggers a search of the
 * other processes (most likely holders first), stopping when it is found.
 * Inodes nobody readable holds are remembered so they do not trigger a
 * search on every refresh.
 *
 * Reading a changed process lists its fd directory but skips readlink for
 * fds whose previous socket is still in the dump: a socket that is still
 * alive was not closed (if it was, and its fd reused, the new socket is a
 * missing inode and the full search reads every link).
 */

enum scan_mode { SCAN_TARGETED, SCAN_FULL };

#define PROCMAP_MAX_THREADS 4
/* Fewer fds to read than this: one thread (starting threads costs more than it saves). */
#define PROCMAP_PARALLEL_FDS 16384

struct proc {
	int32_t pid;
	uint8_t denied; /* EACCES/EPERM on the fd directory */
	uint8_t gone;   /* exited between listing /proc and reading it */
	uint32_t nfd, capfd;
	int32_t *fds;     /* its socket fds, ascending */
	uint32_t *ino;    /* parallel to fds: the socket inode */
	uint64_t dir_ino; /* st_ino of /proc/PID/fd */
	int64_t dir_size; /* st_size of /proc/PID/fd: open fds (6.2+) */
	uint32_t scan_gen, full_gen, comm_gen;
	uint32_t held;           /* dumped sockets it held at the last join */
	uint32_t prev_held;      /* ... at the end of the previous update */
	uint32_t slot_gen, slot; /* its one-holder procinfo in the frame being attributed */
	char comm[PROC_COMM_LEN];
};

/* One dumped socket inode. Proc references are indices + 1 into pm->procs (this update). */
struct dent {
	uint32_t inode; /* 0: empty slot */
	uint32_t count;
	uint32_t first, last; /* lowest holder; the last one counted (a process counts once) */
	uint32_t more, tail;  /* further holders: a list in pm->extra (index + 1) */
	uint8_t neg;          /* not found in an earlier update: no search for it */
	uint8_t found;        /* seen during this update's search */
	uint8_t has_uid;
	uint32_t uid; /* the socket's owner */
};

struct extra {
	uint32_t proc; /* index + 1 */
	uint32_t next; /* index + 1 */
};

/* Scratch of one directory scan; one per thread so scans can run side by side. */
struct scanner {
	int32_t *sfd;
	uint32_t *sino;
	size_t scap;
	uint64_t links;
};

struct job {
	uint32_t proc;  /* index into procs */
	uint8_t mode;   /* enum scan_mode */
	uint8_t comm;   /* also read its name */
	int64_t weight; /* fds expected: largest first */
};

struct uslot {
	struct username *u;
};

struct procmap {
	char *root;
	DIR *rootdir;
	int rootfd;
	uint32_t gen, attr_gen;
	bool partial;

	struct proc **procs; /* ascending pid */
	size_t nprocs, procs_cap;
	struct proc **merged; /* scratch for the next procs[] */
	size_t merged_cap;
	int32_t *pids; /* scratch: the pids of /proc */
	size_t pids_cap;

	struct dent *d; /* open addressing, power-of-two size */
	size_t dcap, dn;
	struct extra *extra;
	size_t nextra, extra_cap;
	uint32_t *neg; /* sorted: inodes no readable process held */
	size_t nneg, neg_cap;

	struct scanner scan[PROCMAP_MAX_THREADS]; /* [0]: the calling thread's */
	struct job *jobs;                         /* processes to read in this update */
	size_t njobs, jobs_cap;
	int nthreads;    /* CPUs we may run on, at most PROCMAP_MAX_THREADS */
	uint32_t *order; /* scratch: fallback order */
	size_t order_cap;
	uint32_t *rowslot; /* scratch: per row procinfo index + 1 */
	size_t rowslot_cap;
	uint32_t *hstart; /* scratch: per procinfo its first holder */
	size_t hstart_cap;

	struct uslot *users; /* open addressing by uid */
	size_t ucap, un;
	char *pwbuf;
	size_t pwbuf_len;
};

static inline size_t hash32(uint32_t x)
{
	x ^= x >> 16;
	x *= 0x7feb352dU;
	x ^= x >> 15;
	x *= 0x846ca68bU;
	x ^= x >> 16;
	return x;
}

/* The CPUs this process may run on, capped: scanning is bound by procfs, not by us. */
struct procmap *procmap_new(const char *proc_root, struct terr *e)
{
	struct procmap *pm = xcalloc(1, sizeof(*pm));
	int fd;

	pm->root = xstrdup(proc_root && *proc_root ? proc_root : "/proc");
	fd = open(pm->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || !(pm->rootdir = fdopendir(fd))) {
		terr_set(e, "cannot read %s: %s", pm->root, strerror(errno));
		if (fd >= 0)
			close(fd);
		free(pm->root);
		free(pm);
		return NULL;
	}
	pm->rootfd = fd;
	pm->nthreads = cpus_available(PROCMAP_MAX_THREADS);
	return pm;
}

static void proc_free(struct proc *p)
{
	free(p->fds);
	free(p->ino);
	free(p);
}

void procmap_free(struct procmap *pm)
{
	if (!pm)
		return;
	for (size_t i = 0; i < pm->nprocs; i++)
		proc_free(pm->procs[i]);
	for (size_t i = 0; i < pm->ucap; i++)
		free(pm->users[i].u);
	closedir(pm->rootdir);
	free(pm->root);
	free(pm->procs);
	free(pm->merged);
	free(pm->pids);
	free(pm->d);
	free(pm->extra);
	free(pm->neg);
	for (int i = 0; i < PROCMAP_MAX_THREADS; i++) {
		free(pm->scan[i].sfd);
		free(pm->scan[i].sino);
	}
	free(pm->jobs);
	free(pm->order);
	free(pm->rowslot);
	free(pm->hstart);
	free(pm->users);
	free(pm->pwbuf);
	free(pm);
}

/* ---- the dump's inodes ---- */

/*
 * An inode's home slot: the hash scaled to the table's size (any size, not
 * only a power of two, so the table can be sized to its load and no more).
 */
static inline size_t dent_home(const struct procmap *pm, uint32_t inode)
{
	return (size_t)(((uint64_t)(uint32_t)hash32(inode) * pm->dcap) >> 32);
}

/* The slot that holds inode, or the empty one where it would go (linear probing). */
static size_t dent_slot(const struct procmap *pm, uint32_t inode)
{
	size_t i = dent_home(pm, inode);

	while (pm->d[i].inode && pm->d[i].inode != inode)
		i = i + 1 == pm->dcap ? 0 : i + 1;
	return i;
}

static struct dent *dent_find(const struct procmap *pm, uint32_t inode)
{
	size_t i;

	if (!inode || !pm->dcap)
		return NULL;
	i = dent_slot(pm, inode);
	return pm->d[i].inode ? &pm->d[i] : NULL;
}

/*
 * The table is larger than the caches (32 bytes an inode, ~10 MB at
 * 200,000 sockets) and its loops go by socket or by fd, in no order of the
 * table: they ask for the slot of the inode PREFETCH_AHEAD places later, so
 * the misses overlap instead of coming one after the other.
 */
#define PREFETCH_AHEAD 8

static inline void dent_prefetch(const struct procmap *pm, uint32_t inode)
{
	if (inode && pm->dcap)
		__builtin_prefetch(&pm->d[dent_home(pm, inode)], 1);
}

static bool neg_has(const struct procmap *pm, uint32_t inode)
{
	size_t lo = 0, hi = pm->nneg;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (pm->neg[mid] < inode)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < pm->nneg && pm->neg[lo] == inode;
}

static void build_dents(struct procmap *pm, const struct sample *smp)
{
	size_t need, with_inode = 0;

	/* TIME-WAIT and request sockets have no inode (no process holds them): not counted */
	for (size_t k = 0; k < smp->n; k++)
		with_inode += smp->conns[k].inode != 0;
	/*
	 * Load <= 0.7. The size stays while it is at most twice what is needed,
	 * so a count that wanders does not reallocate (and fault in) the table
	 * every refresh; a new one has an eighth to spare.
	 */
	need = with_inode * 10 / 7 + 1;
	if (need < 1024)
		need = 1024;
	if (pm->dcap < need || pm->dcap / 2 > need) {
		free(pm->d);
		pm->dcap = need + need / 8;
		pm->d = xmalloc(pm->dcap * sizeof(*pm->d));
	}
	memset(pm->d, 0, pm->dcap * sizeof(*pm->d));
	pm->dn = 0;
	for (size_t k = 0; k < smp->n; k++) {
		uint32_t inode = smp->conns[k].inode;
		size_t i;

		if (k + PREFETCH_AHEAD < smp->n)
			dent_prefetch(pm, smp->conns[k + PREFETCH_AHEAD].inode);
		if (!inode)
			continue;
		i = dent_slot(pm, inode);
		if (pm->d[i].inode)
			continue; /* the same socket twice in a dump (IPv4 and IPv6 views) */
		pm->d[i].inode = inode;
		pm->d[i].neg = pm->nneg && neg_has(pm, inode);
		pm->d[i].has_uid = (smp->conns[k].have & CONN_HAS_UID) != 0;
		pm->d[i].uid = smp->conns[k].uid;
		pm->dn++;
	}
}

/* ---- reading /proc ---- */

/* A decimal name ("1234") as a pid, or -1. */
static int32_t parse_pid(const char *s)
{
	int64_t v = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > 0x3fffffff)
			return -1;
		v = v * 10 + (*s - '0');
	}
	return (int32_t)v;
}

/* "socket:[12345]" -> 12345; anything else -> 0. */
static uint32_t parse_socket_link(const char *s, ssize_t n)
{
	uint64_t v = 0;
	ssize_t i;

	if (n < 10 || memcmp(s, "socket:[", 8) != 0 || s[n - 1] != ']')
		return 0;
	for (i = 8; i < n - 1; i++) {
		if (s[i] < '0' || s[i] > '9' || v > UINT32_MAX)
			return 0;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	return v <= UINT32_MAX ? (uint32_t)v : 0;
}

static int cmp_i32(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;

	return (x > y) - (x < y);
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

static bool sorted_i32(const int32_t *v, size_t n)
{
	for (size_t i = 1; i < n; i++)
		if (v[i - 1] >= v[i])
			return false;
	return true;
}

static void read_comm(const struct procmap *pm, struct proc *p)
{
	char path[32], buf[64];
	ssize_t n;
	int fd;

	p->comm_gen = pm->gen;
	snprintf(path, sizeof(path), "%d/comm", (int)p->pid);
	fd = openat(pm->rootfd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return; /* exited: keep what we had */
	n = read(fd, buf, sizeof(buf));
	close(fd);
	if (n <= 0)
		return;
	/* the kernel appends one newline; a name may itself end in one, keep that */
	if (buf[n - 1] == '\n')
		n--;
	if (n > PROC_COMM_LEN - 1)
		n = PROC_COMM_LEN - 1;
	memcpy(p->comm, buf, (size_t)n);
	p->comm[n] = '\0';
}

static void ensure_scratch(struct scanner *sc, size_t n)
{
	if (n <= sc->scap)
		return;
	size_t cap = sc->scap;

	sc->sfd = xgrow(sc->sfd, &cap, n, sizeof(*sc->sfd));
	sc->sino = xrealloc(sc->sino, cap * sizeof(*sc->sino));
	sc->scap = cap;
}

static void proc_clear(struct proc *p)
{
	p->nfd = 0;
}

/*
 * Lists /proc/PID/fd and fills the process's socket fd table. SCAN_TARGETED keeps
 * the inode of an fd that held a socket still in the dump without reading
 * its link again. Returns the number of links read.
 */
static uint64_t scan_proc(const struct procmap *pm, struct scanner *sc, struct proc *p,
			  enum scan_mode mode)
{
	char path[32], link[64];
	struct dirent *de;
	uint64_t links = 0;
	size_t n = 0, j = 0;
	DIR *dir;
	int fd;

	p->scan_gen = pm->gen;
	if (mode == SCAN_FULL)
		p->full_gen = pm->gen;
	snprintf(path, sizeof(path), "%d/fd", (int)p->pid);
	fd = openat(pm->rootfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == EACCES || errno == EPERM)
			p->denied = 1;
		else
			p->gone = 1;
		proc_clear(p);
		return 0;
	}
	p->denied = 0;
	dir = fdopendir(fd);
	if (!dir) {
		close(fd);
		proc_clear(p);
		return 0;
	}
	while ((de = readdir(dir))) {
		int32_t v = parse_pid(de->d_name);

		if (v < 0)
			continue;
		ensure_scratch(sc, n + 1);
		sc->sfd[n++] = v;
	}
	/* procfs lists fds in order; anything else (a test tree) is sorted here */
	if (!sorted_i32(sc->sfd, n))
		qsort(sc->sfd, n, sizeof(*sc->sfd), cmp_i32);
	size_t out = 0;

	for (size_t i = 0; i < n; i++) {
		int32_t fdn = sc->sfd[i];
		uint32_t inode = 0;
		bool keep = false;
		ssize_t len;

		while (j < p->nfd && p->fds[j] < fdn)
			j++;
		if (mode == SCAN_TARGETED && j < p->nfd && p->fds[j] == fdn) {
			const struct dent *e = dent_find(pm, p->ino[j]);

			if (e) {
				inode = p->ino[j];
				keep = true;
			}
		}
		if (!keep) {
			char name[16];

			snprintf(name, sizeof(name), "%d", (int)fdn);
			len = readlinkat(dirfd(dir), name, link, sizeof(link));
			links++;
			if (len < 0) {
				/* a listable directory can still refuse its links (ptrace checks) */
				if (errno == EACCES || errno == EPERM)
					p->denied = 1;
				continue; /* else closed meanwhile */
			}
			inode = parse_socket_link(link, len);
		}
		/* only sockets are kept: any other fd is read again anyway */
		if (!inode)
			continue;
		sc->sfd[out] = fdn;
		sc->sino[out] = inode;
		out++;
	}
	closedir(dir);
	if (out > p->capfd) {
		size_t cap = p->capfd;

		p->fds = xgrow(p->fds, &cap, out, sizeof(*p->fds));
		p->ino = xrealloc(p->ino, cap * sizeof(*p->ino));
		p->capfd = (uint32_t)cap;
	}
	if (out) {
		memcpy(p->fds, sc->sfd, out * sizeof(*p->fds));
		memcpy(p->ino, sc->sino, out * sizeof(*p->ino));
	}
	p->nfd = (uint32_t)out;
	return links;
}

/* The pids of /proc, ascending, into pm->pids; returns how many. */
static size_t list_pids(struct procmap *pm)
{
	struct dirent *de;
	size_t n = 0;

	rewinddir(pm->rootdir);
	while ((de = readdir(pm->rootdir))) {
		int32_t pid;

		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		pid = parse_pid(de->d_name);
		if (pid <= 0)
			continue;
		pm->pids = xgrow(pm->pids, &pm->pids_cap, n + 1, sizeof(*pm->pids));
		pm->pids[n++] = pid;
	}
	if (!sorted_i32(pm->pids, n))
		qsort(pm->pids, n, sizeof(*pm->pids), cmp_i32);
	return n;
}

/* Replaces procs[] by the processes now in /proc: new ones added, exited ones freed. */
static void merge_pids(struct procmap *pm, size_t npids)
{
	size_t i = 0, k = 0;

	pm->merged = xgrow(pm->merged, &pm->merged_cap, npids + 1, sizeof(*pm->merged));
	for (size_t n = 0; n < npids; n++) {
		int32_t pid = pm->pids[n];
		struct proc *p;

		if (n && pid == pm->pids[n - 1])
			continue;
		while (i < pm->nprocs && pm->procs[i]->pid < pid)
			proc_free(pm->procs[i++]); /* exited: swept */
		if (i < pm->nprocs && pm->procs[i]->pid == pid) {
			p = pm->procs[i++];
		} else {
			p = xcalloc(1, sizeof(*p));
			p->pid = pid;
			p->dir_size = -1;
		}
		p->gone = 0;
		pm->merged[k++] = p;
	}
	while (i < pm->nprocs)
		proc_free(pm->procs[i++]);
	struct proc **t = pm->procs;
	size_t tcap = pm->procs_cap;

	pm->procs = pm->merged;
	pm->procs_cap = pm->merged_cap;
	pm->merged = t;
	pm->merged_cap = tcap;
	pm->nprocs = k;
}

/* ---- joining processes to the dump's inodes ---- */

static void join_proc(struct procmap *pm, size_t idx)
{
	struct proc *p = pm->procs[idx];
	uint32_t ref = (uint32_t)idx + 1;

	p->held = 0;
	for (uint32_t k = 0; k < p->nfd; k++) {
		struct dent *e;

		if (k + PREFETCH_AHEAD < p->nfd)
			dent_prefetch(pm, p->ino[k + PREFETCH_AHEAD]);
		e = p->ino[k] ? dent_find(pm, p->ino[k]) : NULL;
		if (!e || e->last == ref)
			continue; /* not dumped, or this process already counted (dup'ed fd) */
		e->last = ref;
		if (!e->first) {
			e->first = ref;
		} else {
			pm->extra = xgrow(pm->extra, &pm->extra_cap, pm->nextra + 1,
					  sizeof(*pm->extra));
			pm->extra[pm->nextra] = (struct extra){ ref, 0 };
			if (e->tail)
				pm->extra[e->tail - 1].next = (uint32_t)pm->nextra + 1;
			else
				e->more = (uint32_t)pm->nextra + 1;
			e->tail = (uint32_t)pm->nextra + 1;
			pm->nextra++;
		}
		e->count++;
		p->held++;
	}
}

/* Processes are joined in ascending pid order, so `first` is the lowest holder. */
static void join_all(struct procmap *pm)
{
	for (size_t i = 0; i < pm->dcap; i++) {
		struct dent *e = &pm->d[i];

		e->count = e->first = e->last = e->more = e->tail = 0;
	}
	pm->nextra = 0;
	for (size_t i = 0; i < pm->nprocs; i++)
		join_proc(pm, i);
}

/* Dumped inodes nobody holds that were not given up on earlier. */
static size_t count_missing(struct procmap *pm)
{
	size_t n = 0;

	for (size_t i = 0; i < pm->dcap; i++) {
		struct dent *e = &pm->d[i];

		e->found = 0;
		if (e->inode && !e->count && !e->neg)
			n++;
	}
	return n;
}

/* After reading a process during the search: how many missing inodes it holds. */
static size_t found_in(struct procmap *pm, const struct proc *p)
{
	size_t n = 0;

	for (uint32_t k = 0; k < p->nfd; k++) {
		struct dent *e = p->ino[k] ? dent_find(pm, p->ino[k]) : NULL;

		if (e && !e->count && !e->neg && !e->found) {
			e->found = 1;
			n++;
		}
	}
	return n;
}

/*
 * Search order: processes that lost dumped sockets since the last update
 * first (they closed some, and Linux hands the freed fd numbers to the next
 * sockets they open), then those holding the most (busy servers), then pid.
 */
static uint32_t lost(const struct proc *p)
{
	return p->prev_held > p->held ? p->prev_held - p->held : 0;
}

static int cmp_likely(const void *a, const void *b, void *arg)
{
	const struct procmap *pm = arg;
	const struct proc *x = pm->procs[*(const uint32_t *)a],
			  *y = pm->procs[*(const uint32_t *)b];

	if (lost(x) != lost(y))
		return lost(x) > lost(y) ? -1 : 1;
	if (x->held != y->held)
		return x->held > y->held ? -1 : 1;
	return (x->pid > y->pid) - (x->pid < y->pid);
}

/* Searches the processes not read yet for missing inodes; stops once all are found. */
static size_t search(struct procmap *pm, size_t missing, enum scan_mode mode,
		     struct procmap_stats *st)
{
	size_t n = 0;

	pm->order = xgrow(pm->order, &pm->order_cap, pm->nprocs + 1, sizeof(*pm->order));
	for (size_t i = 0; i < pm->nprocs; i++) {
		const struct proc *p = pm->procs[i];

		if (p->gone || p->denied)
			continue;
		if (mode == SCAN_TARGETED ? p->scan_gen == pm->gen : p->full_gen == pm->gen)
			continue;
		pm->order[n++] = (uint32_t)i;
	}
	qsort_r(pm->order, n, sizeof(*pm->order), cmp_likely, pm);
	for (size_t k = 0; k < n && missing; k++) {
		struct proc *p = pm->procs[pm->order[k]];
		size_t f;

		st->links += scan_proc(pm, &pm->scan[0], p, mode);
		st->scanned++;
		f = found_in(pm, p);
		missing = f > missing ? 0 : missing - f;
	}
	return missing;
}

/*
 * Keeps the inodes nobody readable holds, so they start no search next time.
 * Not root, one owned by another uid most likely belongs to a process we
 * cannot see at all (/proc mounted with hidepid=): counted as hidden.
 */
static void remember_unowned(struct procmap *pm, struct procmap_stats *st)
{
	uid_t me = geteuid();

	pm->nneg = 0;
	for (size_t i = 0; i < pm->dcap; i++) {
		const struct dent *e = &pm->d[i];

		if (e->inode && !e->count) {
			pm->neg = xgrow(pm->neg, &pm->neg_cap, pm->nneg + 1, sizeof(*pm->neg));
			pm->neg[pm->nneg++] = e->inode;
			if (me != 0 && e->has_uid && e->uid != (uint32_t)me)
				st->hidden++;
		}
	}
	st->unowned = (uint32_t)pm->nneg;
	if (pm->nneg > 1)
		qsort(pm->neg, pm->nneg, sizeof(*pm->neg), cmp_u32);
}

/* ---- reading processes, in parallel when there is a lot to read ---- */

static void add_job(struct procmap *pm, size_t proc, enum scan_mode mode, bool comm, int64_t fds)
{
	pm->jobs = xgrow(pm->jobs, &pm->jobs_cap, pm->njobs + 1, sizeof(*pm->jobs));
	/* before Linux 6.2 the size says nothing: count a typical process */
	pm->jobs[pm->njobs++] =
		(struct job){ (uint32_t)proc, (uint8_t)mode, comm, fds > 0 ? fds : 64 };
}

static int cmp_job(const void *a, const void *b)
{
	const struct job *x = a, *y = b;

	if (x->weight != y->weight)
		return x->weight > y->weight ? -1 : 1;
	return (x->proc > y->proc) - (x->proc < y->proc);
}

struct runner {
	struct procmap *pm;
	struct scanner *sc;
	atomic_size_t *next;
};

/*
 * Workers share only read-only state (the root fd, the dump's inode table)
 * and take whole processes, so no two touch the same struct proc.
 */
static void *run(void *arg)
{
	struct runner *r = arg;
	size_t k;

	while ((k = atomic_fetch_add(r->next, 1)) < r->pm->njobs) {
		const struct job *j = &r->pm->jobs[k];
		struct proc *p = r->pm->procs[j->proc];

		r->sc->links += scan_proc(r->pm, r->sc, p, (enum scan_mode)j->mode);
		if (j->comm)
			read_comm(r->pm, p);
	}
	return NULL;
}

/*
 * A first build reads every fd of every process, and procfs costs a few
 * microseconds per fd (a lookup and a readlink; more while its dentries
 * are cold): spread over the CPUs, largest processes first. A usual
 * refresh reads a few processes and stays on the calling thread.
 */
static void run_jobs(struct procmap *pm, struct procmap_stats *st)
{
	pthread_t tid[PROCMAP_MAX_THREADS];
	struct runner r[PROCMAP_MAX_THREADS];
	atomic_size_t next = 0;
	int64_t work = 0;
	int n = 1, started = 1;

	for (size_t k = 0; k < pm->njobs; k++)
		work += pm->jobs[k].weight;
	if (work >= PROCMAP_PARALLEL_FDS && pm->njobs > 1) {
		n = pm->nthreads < (int)pm->njobs ? pm->nthreads : (int)pm->njobs;
		qsort(pm->jobs, pm->njobs, sizeof(*pm->jobs), cmp_job);
	}
	for (int i = 0; i < n; i++) {
		pm->scan[i].links = 0;
		r[i] = (struct runner){ pm, &pm->scan[i], &next };
	}
	/* a thread that cannot start leaves its share to the others */
	for (int i = 1; i < n; i++)
		if (pthread_create(&tid[started], NULL, run, &r[i]) == 0)
			started++;
	run(&r[0]);
	for (int i = 1; i < started; i++)
		pthread_join(tid[i], NULL);
	for (int i = 0; i < n; i++)
		st->links += pm->scan[i].links;
	st->scanned += (uint32_t)pm->njobs;
	st->threads = (uint8_t)started;
}

void procmap_set_threads(struct procmap *pm, int n)
{
	int max = cpus_available(PROCMAP_MAX_THREADS);

	pm->nthreads = n < 1 ? 1 : n > max ? max : n;
}

/* ---- the update ---- */

void procmap_update(struct procmap *pm, const struct sample *smp, struct procmap_stats *st)
{
	size_t npids, missing;
	char path[32];

	memset(st, 0, sizeof(*st));
	pm->njobs = 0;
	st->first = pm->gen == 0;
	pm->gen++;
	build_dents(pm, smp);
	st->sockets = (uint32_t)pm->dn;
	npids = list_pids(pm);
	merge_pids(pm, npids);
	for (size_t i = 0; i < pm->nprocs; i++) {
		struct proc *p = pm->procs[i];
		struct stat sb;
		bool is_new;

		snprintf(path, sizeof(path), "%d/fd", (int)p->pid);
		if (fstatat(pm->rootfd, path, &sb, 0) < 0) {
			if (errno == EACCES || errno == EPERM) {
				p->denied = 1;
			} else {
				p->gone = 1; /* exited since the listing */
			}
			proc_clear(p);
			continue;
		}
		is_new = p->scan_gen == 0 || (uint64_t)sb.st_ino != p->dir_ino;
		if (is_new) {
			/* new, or the pid now names another process: read all and the name */
			p->dir_ino = (uint64_t)sb.st_ino;
			p->dir_size = (int64_t)sb.st_size;
			p->denied = 0;
			add_job(pm, i, SCAN_FULL, true, sb.st_size);
		} else if ((int64_t)sb.st_size != p->dir_size) {
			p->dir_size = (int64_t)sb.st_size;
			add_job(pm, i, SCAN_TARGETED, false, sb.st_size);
		}
	}
	run_jobs(pm, st);
	join_all(pm);
	missing = count_missing(pm);
	if (missing) {
		st->fallback = 1;
		missing = search(pm, missing, SCAN_TARGETED, st);
		if (missing) {
			st->fallback = 2;
			search(pm, missing, SCAN_FULL, st);
		}
		join_all(pm);
	}
	remember_unowned(pm, st);
	pm->partial = st->hidden > 0;
	for (size_t i = 0; i < pm->nprocs; i++) {
		struct proc *p = pm->procs[i];

		if (p->gone)
			continue;
		st->procs++;
		if (p->denied) {
			st->denied++;
			pm->partial = true;
		}
		/* names change (exec, prctl): re-read those on screen */
		if (p->held && p->comm_gen != pm->gen)
			read_comm(pm, p);
		p->prev_held = p->held;
	}
}

int32_t procmap_lookup(const struct procmap *pm, uint32_t inode, uint32_t *count)
{
	const struct dent *e = dent_find(pm, inode);

	*count = e ? e->count : 0;
	return e && e->first ? pm->procs[e->first - 1]->pid : 0;
}

/* ---- frames ---- */

static uint32_t new_procinfo(struct frame *f)
{
	struct procinfo *pi;

	f->procs = xgrow(f->procs, &f->procs_cap, f->nprocs + 1, sizeof(*f->procs));
	pi = &f->procs[f->nprocs];
	memset(pi, 0, sizeof(*pi));
	return (uint32_t)f->nprocs++;
}

static void add_holder(struct frame *f, const struct proc *p)
{
	struct proc_holder *h;

	f->holders = xgrow(f->holders, &f->holders_cap, f->nholders + 1, sizeof(*f->holders));
	h = &f->holders[f->nholders++];
	h->pid = p->pid;
	memcpy(h->comm, p->comm, sizeof(h->comm));
}

static void set_text(struct procinfo *pi, const struct proc *p)
{
	char safe[SANITIZE_SIZE(PROC_COMM_LEN - 1)];

	pi->pid = p->pid;
	memcpy(pi->comm, p->comm, sizeof(pi->comm));
	sanitize_text(safe, sizeof(safe), p->comm, strlen(p->comm));
	if (pi->count > 1)
		snprintf(pi->text, sizeof(pi->text), "%d/%s+%u", (int)p->pid, safe,
			 (unsigned)(pi->count - 1));
	else
		snprintf(pi->text, sizeof(pi->text), "%d/%s", (int)p->pid, safe);
}

/* The procinfo of one dumped inode: index + 1 into f->procs, 0 for none. */
static uint32_t slot_of(struct procmap *pm, struct frame *f, const struct dent *e,
			uint32_t *unknown)
{
	struct proc *p;
	uint32_t idx;

	if (!e || !e->count) {
		if (!e || !pm->partial)
			return 0;
		/* someone we may not read may hold it */
		if (!*unknown) {
			idx = new_procinfo(f);
			snprintf(f->procs[idx].text, sizeof(f->procs[idx].text), "?");
			pm->hstart =
				xgrow(pm->hstart, &pm->hstart_cap, idx + 1, sizeof(*pm->hstart));
			pm->hstart[idx] = UINT32_MAX;
			*unknown = idx + 1;
		}
		return *unknown;
	}
	p = pm->procs[e->first - 1];
	if (e->count == 1 && p->slot_gen == pm->attr_gen)
		return p->slot + 1;
	idx = new_procinfo(f);
	pm->hstart = xgrow(pm->hstart, &pm->hstart_cap, idx + 1, sizeof(*pm->hstart));
	pm->hstart[idx] = (uint32_t)f->nholders;
	f->procs[idx].count = e->count;
	set_text(&f->procs[idx], p);
	add_holder(f, p);
	for (uint32_t x = e->more; x; x = pm->extra[x - 1].next)
		add_holder(f, pm->procs[pm->extra[x - 1].proc - 1]);
	if (e->count == 1) {
		/* one procinfo per process for all its unshared sockets */
		p->slot_gen = pm->attr_gen;
		p->slot = idx;
	}
	return idx + 1;
}

void procmap_attribute(struct procmap *pm, struct frame *f)
{
	size_t n = frame_nrows(f);
	uint32_t unknown = 0;

	pm->attr_gen++;
	f->nprocs = 0;
	f->nholders = 0;
	pm->rowslot = xreserve(pm->rowslot, &pm->rowslot_cap, n + 1, sizeof(*pm->rowslot));
	for (size_t i = 0; i < n; i++) {
		uint32_t inode = f->rows[i].c->inode;

		if (i + PREFETCH_AHEAD < n)
			dent_prefetch(pm, f->rows[i + PREFETCH_AHEAD].c->inode);
		pm->rowslot[i] = inode ? slot_of(pm, f, dent_find(pm, inode), &unknown) : 0;
	}
	/* pointers only now: the arrays may have moved while they grew */
	for (size_t k = 0; k < f->nprocs; k++)
		f->procs[k].holders =
			pm->hstart[k] == UINT32_MAX ? NULL : &f->holders[pm->hstart[k]];
	for (size_t i = 0; i < n; i++)
		frame_set_proc(f, &f->rows[i],
			       pm->rowslot[i] ? &f->procs[pm->rowslot[i] - 1] : NULL);
}

bool procinfo_has_pid(const struct procinfo *p, int32_t pid)
{
	if (!procinfo_known(p))
		return false;
	for (uint32_t i = 0; i < p->count; i++)
		if (p->holders[i].pid == pid)
			return true;
	return false;
}

bool procinfo_has_comm(const struct procinfo *p, const char *comm)
{
	if (!procinfo_known(p))
		return false;
	for (uint32_t i = 0; i < p->count; i++)
		if (!strcmp(p->holders[i].comm, comm))
			return true;
	return false;
}

/* ---- user names ---- */

/* One allocation holds the entry and its strings: freed with a single free(). */
static struct username *resolve_user(struct procmap *pm, uint32_t uid)
{
	struct passwd pw, *res = NULL;
	struct username *u;
	char num[16], *mem;
	const char *name = NULL;
	size_t len, safelen;
	int r;

	if (!pm->pwbuf) {
		long n = sysconf(_SC_GETPW_R_SIZE_MAX);

		pm->pwbuf_len = n > 0 ? (size_t)n : 1024;
		pm->pwbuf = xmalloc(pm->pwbuf_len);
	}
	while ((r = getpwuid_r((uid_t)uid, &pw, pm->pwbuf, pm->pwbuf_len, &res)) == ERANGE &&
	       pm->pwbuf_len < (1u << 20)) {
		pm->pwbuf_len *= 2;
		pm->pwbuf = xrealloc(pm->pwbuf, pm->pwbuf_len);
	}
	if (r == 0 && res && res->pw_name)
		name = res->pw_name;
	if (!name)
		snprintf(num, sizeof(num), "%u", (unsigned)uid);
	len = strlen(name ? name : num);
	safelen = SANITIZE_SIZE(len);
	mem = xmalloc(sizeof(*u) + len + 1 + safelen);
	u = (struct username *)(void *)mem;
	u->uid = uid;
	if (name) {
		memcpy(mem + sizeof(*u), name, len + 1);
		u->name = mem + sizeof(*u);
		sanitize_text(mem + sizeof(*u) + len + 1, safelen, name, len);
		u->text = mem + sizeof(*u) + len + 1;
	} else {
		u->name = NULL;
		memcpy(mem + sizeof(*u), num, len + 1);
		u->text = mem + sizeof(*u);
	}
	return u;
}

static void users_grow(struct procmap *pm)
{
	struct uslot *old = pm->users;
	size_t oldcap = pm->ucap;

	pm->ucap = oldcap ? oldcap * 2 : 64;
	pm->users = xcalloc(pm->ucap, sizeof(*pm->users));
	for (size_t i = 0; i < oldcap; i++) {
		size_t k;

		if (!old[i].u)
			continue;
		for (k = hash32(old[i].u->uid) & (pm->ucap - 1); pm->users[k].u;
		     k = (k + 1) & (pm->ucap - 1))
			;
		pm->users[k] = old[i];
	}
	free(old);
}

static const struct username *user_get(struct procmap *pm, uint32_t uid)
{
	size_t k;

	if ((pm->un + 1) * 2 > pm->ucap)
		users_grow(pm);
	for (k = hash32(uid) & (pm->ucap - 1); pm->users[k].u; k = (k + 1) & (pm->ucap - 1))
		if (pm->users[k].u->uid == uid)
			return pm->users[k].u;
	pm->users[k].u = resolve_user(pm, uid);
	pm->un++;
	return pm->users[k].u;
}

void procmap_users(struct procmap *pm, struct frame *f)
{
	const struct username *last = NULL;

	for (size_t i = 0; i < frame_nrows(f); i++) {
		const struct conn *c = f->rows[i].c;

		if (!(c->have & CONN_HAS_UID))
			continue;
		/* sockets come in runs of one owner: skip the hash most of the time */
		if (!last || last->uid != c->uid)
			last = user_get(pm, c->uid);
		frame_set_user(f, &f->rows[i], last);
	}
}
