/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tunables: the sysctls the listener and diagnosis views read. */
#ifndef TCPTOP_TUNABLES_H
#define TCPTOP_TUNABLES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "strbuf.h"
#include "terr.h"

enum tun_id {
	TUN_SOMAXCONN,
	TUN_MAX_SYN_BACKLOG,
	TUN_SYNCOOKIES,
	TUN_ABORT_ON_OVERFLOW,
	TUN_TCP_RMEM,
	TUN_TCP_WMEM,
	TUN_RMEM_MAX,
	TUN_WMEM_MAX,
	TUN_MAX_TW_BUCKETS,
	TUN_FIN_TIMEOUT,
	TUN_LOCAL_PORT_RANGE,
	TUN_MODERATE_RCVBUF,
	TUN_ADV_WIN_SCALE,
	TUN_TW_REUSE,
	TUN_NOTSENT_LOWAT,
	TUN_SYN_RETRIES,
	TUN_SYNACK_RETRIES,
	TUN_ORPHAN_RETRIES,
	TUN_MAX_ORPHANS, /* initial namespace only */
	TUN_TCP_MEM,     /* initial namespace only; pages */
	TUN_WINDOW_SCALING,
	TUN_RETRIES2,
	TUN_KEEPALIVE_TIME,
	TUN_KEEPALIVE_INTVL,
	TUN_KEEPALIVE_PROBES,
	TUN_SLOW_START_AFTER_IDLE,
	TUN_FASTOPEN,
	/*
	 * Buckets of the namespace's established hash (6.1+); negative: it has
	 * none of its own and shares the host's, of that many (-N all's cost).
	 */
	TUN_EHASH_ENTRIES,
	TUN_N
};

struct tunable_def {
	const char *name; /* sysctl name, the JSON key */
	const char *path; /* relative to the proc root */
	/*
	 * Exists only in the initial network namespace's /proc/sys (registered
	 * for init_net alone): another namespace has no such file, and its
	 * value is the host's.
	 */
	bool host_only;
};

/* Values as read; n[i] == 0 means unavailable (file missing or unreadable). */
struct tunables {
	int64_t v[TUN_N][3];
	uint8_t n[TUN_N];
	/* v[i] was read from the initial namespace through a descriptor kept from before -N */
	bool from_host[TUN_N];
};

/*
 * Descriptors of the host-only sysctls, opened in the initial namespace
 * before -N moves the process: /proc/sys looks files up in the opener's
 * namespace, so only a descriptor opened before setns still reads the host's
 * value (pread at offset 0 re-reads it). fd[i] < 0: not open.
 */
struct tunables_host {
	int fd[TUN_N];
};

/* Opens the host-only sysctls under proc_root (NULL: /proc); those that fail stay -1. */
void tunables_host_open(struct tunables_host *h, const char *proc_root);
void tunables_host_close(struct tunables_host *h);
/* Reads tunable id through its kept descriptor into t (from_host set); false if not open or unreadable. */
bool tunables_host_read(const struct tunables_host *h, enum tun_id id, struct tunables *t);

const struct tunable_def *tunable_def(enum tun_id id);
/* Parses up to 3 whitespace-separated integers; returns how many. Pure. */
int tunables_parse_value(const char *text, int64_t out[3]);
/* The single (first) value, or `dflt` when unavailable. */
int64_t tunables_get(const struct tunables *t, enum tun_id id, int64_t dflt);

#endif
