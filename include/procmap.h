/* SPDX-License-Identifier: GPL-2.0-or-later */
/* procmap: which processes hold each dumped socket (socket inode -> pid/comm), kept up to date incrementally from /proc/PID/fd. */
#ifndef TCPTOP_PROCMAP_H
#define TCPTOP_PROCMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "frame.h"
#include "sample.h"
#include "sanitize.h"
#include "terr.h"

#define PROC_COMM_LEN 16 /* the kernel's TASK_COMM_LEN: up to 15 bytes and a NUL */
/* "pid/comm+N" with comm sanitised (up to 4 bytes per byte) */
#define PROCINFO_TEXT_LEN (12 + SANITIZE_SIZE(PROC_COMM_LEN - 1) + 12)

/* One process holding a socket. */
struct proc_holder {
	int32_t pid;
	char comm[PROC_COMM_LEN]; /* raw bytes as the kernel has them, NUL-terminated */
};

/*
 * Who holds one socket, as a frame carries it: frame.procs owns these and
 * row.proc points at one. row.proc is NULL when the socket has no inode
 * (TIME-WAIT, request sockets), when attribution is off or unavailable, or
 * when no process holds it (a kernel socket, one in flight between
 * processes). When the caller may not read some processes' fds (not root),
 * sockets nobody readable holds get the "unknown" procinfo: pid 0, count 0.
 *
 * A socket held by several processes (fork after accept, prefork servers)
 * names the lowest pid: stable from one refresh to the next whatever order
 * /proc is read in, and usually the parent. `holders` lists all of them.
 */
struct procinfo {
	int32_t pid;                       /* lowest holding pid; 0: unknown */
	uint32_t count;                    /* processes holding the socket; 0: unknown */
	char comm[PROC_COMM_LEN];          /* of `pid`, raw (JSON escapes it); "" when unknown */
	char text[PROCINFO_TEXT_LEN];      /* "pid/comm", "+N" for N more holders; "?": unknown */
	const struct proc_holder *holders; /* `count` entries, ascending pid (in frame.holders) */
};

/* The name of a socket owner's uid; lives as long as the procmap. */
struct username {
	uint32_t uid;
	const char *name; /* raw, from the user database; NULL when it has no entry */
	const char *text; /* sanitised name, or the number when there is no entry */
};

/* For the filter language (`pid N`, `proc NAME`): the row's procinfo is row.proc. */
static inline bool procinfo_known(const struct procinfo *p)
{
	return p && p->count > 0;
}
/* True when any process holding the socket has this pid. */
bool procinfo_has_pid(const struct procinfo *p, int32_t pid);
/* True when any process holding the socket has exactly this name (raw bytes). */
bool procinfo_has_comm(const struct procinfo *p, const char *comm);

/* What one update did; for the header, the auto-off rule and the benchmark. */
struct procmap_stats {
	uint32_t procs;   /* processes seen in /proc */
	uint32_t denied;  /* of them, fd directories we may not read (other users', not root) */
	uint32_t scanned; /* processes whose fd directory was listed */
	uint64_t links;   /* fd links read (readlink) */
	uint8_t fallback; /* search for unknown sockets: 0 none, 1 targeted, 2 full */
	uint32_t unowned; /* dumped sockets with an inode no readable process holds */
	uint32_t hidden;  /* of them, other uids' while not root: owners we may not see */
	uint32_t sockets; /* dumped sockets with an inode */
	bool first;       /* everything was read: the first update */
	uint8_t threads;  /* threads that read processes (more only for large reads) */
};

struct procmap; /* opaque: per-process fd tables, the dump's inode table, user names */

/* Reads processes under proc_root ("/proc", or $PROC_ROOT in tests). NULL with e set if unreadable. */
struct procmap *procmap_new(const char *proc_root, struct terr *e);
void procmap_free(struct procmap *pm);

/*
 * Brings the map up to date for the sockets of smp. Only processes that are
 * new, whose fd count changed, or that must hold a socket the map does not
 * know yet have their fds read; exited ones are forgotten. See PROCESSES.md.
 */
void procmap_update(struct procmap *pm, const struct sample *smp, struct procmap_stats *st);

/*
 * Points f's rows at their procinfo (filling f->procs and f->holders). f's
 * sample must be the one the last procmap_update saw.
 */
void procmap_attribute(struct procmap *pm, struct frame *f);

/* Points f's rows that carry a uid at that uid's name (row.user); names are looked up once. */
void procmap_users(struct procmap *pm, struct frame *f);

/* Caps the threads a large read may use (1: the caller's only); for benchmarks and tests. */
void procmap_set_threads(struct procmap *pm, int n);

/* The lowest pid holding this inode after the last update, 0 if none; and how many hold it. */
int32_t procmap_lookup(const struct procmap *pm, uint32_t inode, uint32_t *count);

#endif
