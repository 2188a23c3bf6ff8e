/* SPDX-License-Identifier: GPL-2.0-or-later */
/* group: folding connections into one line per process, remote host, service port or state. */
#ifndef TCPTOP_GROUP_H
#define TCPTOP_GROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "frame.h"

/* What rows are grouped by (the g key, --group-by, the settings file). */
enum group_key {
	GROUP_NONE,
	GROUP_PROCESS,
	GROUP_REMOTE,
	GROUP_PORT,
	GROUP_STATE,
	GROUP_NETNS, /* -N all: one line per network namespace */
	GROUP_N
};

/* "none", "process", "remote", "port", "state", "netns". */
const char *group_key_name(int key);
/* The key of a name; -1 if none. */
int group_key_by_name(const char *name);
/* What a group's line is headed by: "Process", "Remote host", "Service port", "State", "Netns". */
const char *group_key_title(int key);

/* One group: its name, the filter that shows its connections, and its sums. */
struct group {
	char name[96];     /* sanitised: "nginx", "10.0.0.1", ":443", "ESTAB", "(no process)" */
	char filter[128];  /* a filter expression for its connections; "" when none can say it */
	uint32_t count;    /* sockets */
	uint32_t problems; /* of them, with a warn or crit finding */
	double tx_bps, rx_bps; /* sums over sockets with rates */
	uint64_t sendq, recvq; /* Send-Q and Recv-Q sums (bytes) */
	int worst;             /* the most severe finding code among them; -1: none */
	uint8_t worst_sev;
};

/* The order groups are listed in (sortable like any table). */
enum group_sort { GS_PROBLEMS, GS_COUNT, GS_TX, GS_RX, GS_SENDQ, GS_RECVQ, GS_NAME, GS_N };

struct group_set {
	struct group *v;
	size_t n, cap;
	enum group_key key;
};

/* "problems", "count", ... and the column header of each sort. */
const char *group_sort_name(int s);
const char *group_sort_header(int s);

/*
 * Groups rows order[0..n) of f by key (replacing gs's contents). Ephemeral
 * ports (net.ipv4.ip_local_port_range in f->tun) fold into the service at the
 * other end. Pure: reads the frame, allocates gs->v.
 */
void group_build(struct group_set *gs, const struct frame *f, const uint32_t *order, size_t n,
		 enum group_key key);
/* Sorts the groups; ties by name, so the order is stable across refreshes. */
void group_sort(struct group_set *gs, enum group_sort by, bool reverse);
void group_free(struct group_set *gs);

/* True when port lies in the local port range (default 32768-60999 when unknown). */
bool group_port_ephemeral(const struct tunables *t, uint16_t port);
/*
 * The service port of a connection and whether it is this end's: its local
 * port unless that is ephemeral and the peer's is not (then the peer's).
 */
uint16_t group_service_port(const struct tunables *t, const struct conn *c, bool *local);

#endif
