/* SPDX-License-Identifier: GPL-2.0-or-later */
/* nsset: every network namespace on the host (-N all), one kept sock_diag socket each. */
#ifndef TCPTOP_NSSET_H
#define TCPTOP_NSSET_H

#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "frame.h"
#include "terr.h"

struct json;
struct strbuf;
struct tunables;
struct nsset; /* opaque: the namespaces known, keyed by inode, with their sockets */

/*
 * Starts from the namespace the calling thread is in now (the host's for
 * tcptop): keeps a descriptor of it to come back to after entering another.
 * proc_root NULL: /proc; run_dir NULL: /run/netns. NULL with e set when the
 * own namespace cannot be opened.
 */
struct nsset *nsset_new(const char *proc_root, const char *run_dir, struct terr *e);
void nsset_free(struct nsset *s);

/*
 * One refresh of every namespace: finds them again (the host's, each
 * /run/netns entry, each distinct /proc/PID/ns/net), forgets those gone
 * (quietly, closing their sockets), enters each new one once to open its
 * sock_diag socket and its per-namespace files, then dumps each into
 * f->sample and reads its files into one f->nsv entry (f->nsv[i].first/n
 * its rows). A namespace that cannot be entered or dumped is listed with
 * its error; the rest go on. Call in the thread that created s. Returns the
 * number of namespaces with an error.
 */
int nsset_collect(struct nsset *s, const struct diag_req *req, struct frame *f);

/*
 * Recording and replaying -N all. netlink: every dump buffer (the
 * recorder's hook); file: each namespace's files and its index as
 * "netns/..." entries; read (replay): a recorded file into out, -1 when
 * the refresh has none.
 */
struct nsset_hooks {
	diag_raw_fn netlink;
	void (*file)(void *ctx, const char *name, const char *buf, size_t len);
	int (*read)(void *ctx, const char *name, struct strbuf *out);
	void *ctx;
};
void nsset_set_hooks(struct nsset *s, const struct nsset_hooks *h);

/* A set that only replays (nsset_replay): it enters nothing. */
struct nsset *nsset_new_replay(void);
/*
 * After a replayed refresh's dumps are in f->sample: its namespaces from
 * the recording (f->nsv, counter deltas kept per inode like a live set).
 * Returns 1 when the refresh was of -N all, 0 when the recording has no
 * namespace index (one namespace); e names bad index lines.
 */
int nsset_replay(struct nsset *s, struct frame *f, struct terr *e);
/* The recorded sysctl text ("NAME V [V V]" lines) into t; the number read. Pure. */
int nsset_parse_tun(const char *text, size_t len, struct tunables *t);

/* Wall time the last nsset_collect took, ms. */
double nsset_last_ms(const struct nsset *s);

/*
 * The cost note of a -N all frame: a namespace whose net.ipv4.tcp_ehash_entries
 * is negative has no established hash of its own, and its dump walks the
 * host's whole table (every bucket, every socket of every namespace), so
 * the refresh costs namespaces x table size whatever each holds
 * (doc/NAMESPACES.md). Returns 1 with buf saying so (how many share it,
 * the table's size, the refresh's collect_ms) when two or more share it
 * and collect_ms >= slow_ms; else 0 and buf "". Pure.
 */
int nsset_hash_note(const struct frame *f, double collect_ms, double slow_ms, char *buf,
		    size_t len);

/* Namespaces known after the last collect (for tests and benchmarks). */
size_t nsset_count(const struct nsset *s);
/*
 * Processes whose /proc/PID/ns/net the last collect could not look at
 * (EACCES/EPERM: another user's, without CAP_SYS_PTRACE): a namespace only
 * they hold is missing from the set.
 */
size_t nsset_hidden(const struct nsset *s);

/*
 * A container's or pod's name from the text of /proc/PID/cgroup: the
 * runtime's id cut to 12 ("docker:0123456789ab", "containerd:...",
 * "cri-o:...", "podman:...") or the Kubernetes pod uid's first 8
 * ("pod:1234abcd", for a pod's namespace is the pod's, shared by its
 * containers). Only hex digits (and the uid's dashes) are copied, so the
 * result is safe whatever the path held. Returns 1 with out filled, 0 when
 * the path is no container's (a systemd slice, garbage). Pure.
 */
int nsset_cgroup_name(const char *text, size_t len, char *out, size_t outlen);

/* "host", "named", "process", "container". */
const char *nsset_kind_name(unsigned kind);

/*
 * The JSON "namespaces" array of a -N all frame: name, inode, kind,
 * sockets, pid, tcp_inuse, time_wait, hash_shared (its dumps walk the
 * host's table; null: unknown), error (null when fine); nothing when the frame is of one
 * namespace. Key written by the caller's object.
 */
void nsset_json(const struct frame *f, struct json *j);

#endif
