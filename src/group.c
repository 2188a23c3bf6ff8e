/* SPDX-License-Identifier: GPL-2.0-or-later */
/* group: folding connections into one line per process, remote host, service port, state or namespace (pure). */
#include "group.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "diagnose.h"
#include "fatal.h"
#include "hash.h"
#include "procmap.h"
#include "sanitize.h"

static const struct {
	const char *name;
	const char *title;
} keys[GROUP_N] = {
	[GROUP_NONE] = { "none", "" },
	[GROUP_PROCESS] = { "process", "Process" },
	[GROUP_REMOTE] = { "remote", "Remote host" },
	[GROUP_PORT] = { "port", "Service port" },
	[GROUP_STATE] = { "state", "State" },
	[GROUP_NETNS] = { "netns", "Netns" },
};

static const struct {
	const char *name;
	const char *header;
} sorts[GS_N] = {
	[GS_PROBLEMS] = { "problems", "Problems" },
	[GS_COUNT] = { "count", "Sockets" },
	[GS_TX] = { "tx", "TX b/s" },
	[GS_RX] = { "rx", "RX b/s" },
	[GS_SENDQ] = { "sendq", "Send-Q" },
	[GS_RECVQ] = { "recvq", "Recv-Q" },
	[GS_NAME] = { "name", "Group" },
};

const char *group_key_name(int key)
{
	return key >= 0 && key < GROUP_N ? keys[key].name : NULL;
}

const char *group_key_title(int key)
{
	return key >= 0 && key < GROUP_N ? keys[key].title : NULL;
}

int group_key_by_name(const char *name)
{
	for (int i = 0; i < GROUP_N; i++)
		if (!strcmp(name, keys[i].name))
			return i;
	return -1;
}

const char *group_sort_name(int s)
{
	return s >= 0 && s < GS_N ? sorts[s].name : NULL;
}

const char *group_sort_header(int s)
{
	return s >= 0 && s < GS_N ? sorts[s].header : NULL;
}

bool group_port_ephemeral(const struct tunables *t, uint16_t port)
{
	int64_t lo = 32768, hi = 60999; /* the kernel's default */

	if (t && t->n[TUN_LOCAL_PORT_RANGE] >= 2) {
		lo = t->v[TUN_LOCAL_PORT_RANGE][0];
		hi = t->v[TUN_LOCAL_PORT_RANGE][1];
	}
	return port >= lo && port <= hi;
}

uint16_t group_service_port(const struct tunables *t, const struct conn *c, bool *local)
{
	bool mine = c->state == TS_LISTEN || !c->dport || !group_port_ephemeral(t, c->sport) ||
		    group_port_ephemeral(t, c->dport);

	/* both ephemeral (or both services): the local end, which the host answers for */
	if (local)
		*local = mine;
	return mine ? c->sport : c->dport;
}

/* Words the filter language reads as a process name: nothing it would parse otherwise. */
static bool plain_word(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '_' || *s == '-' || *s == '.'))
			return false;
	return true;
}

/* The group a row belongs to: its name and filter. */
static void row_key(const struct frame *f, const struct row *r, enum group_key key, char *name,
		    size_t nn, char *filter, size_t fn)
{
	const struct conn *c = r->c;
	char a[ENDPOINT_STRLEN];
	bool local;
	uint16_t port;

	filter[0] = '\0';
	switch (key) {
	case GROUP_PROCESS:
		if (f->attribution == ATTR_OFF || f->attribution == ATTR_UNAVAILABLE)
			snprintf(name, nn, "(attribution off)");
		else if (!row_proc(r))
			snprintf(name, nn, "(no process)");
		else if (!procinfo_known(row_proc(r)))
			snprintf(name, nn, "(unknown)");
		else {
			sanitize_text(name, nn, row_proc(r)->comm, strlen(row_proc(r)->comm));
			if (plain_word(row_proc(r)->comm))
				snprintf(filter, fn, "proc %s", row_proc(r)->comm);
		}
		return;
	case GROUP_REMOTE:
		if (c->state == TS_LISTEN || addr_is_any(c->family, conn_dst(c))) {
			snprintf(name, nn, "(listening)");
			snprintf(filter, fn, "state listen");
			return;
		}
		addr_str(c->family, conn_dst(c), a, sizeof(a));
		snprintf(name, nn, "%s", a);
		snprintf(filter, fn, "dst %s", a);
		return;
	case GROUP_PORT:
		port = group_service_port(&f->tun, c, &local);
		snprintf(name, nn, local ? ":%u" : "-> :%u", port);
		snprintf(filter, fn, local ? "sport %u" : "dport %u", port);
		return;
	case GROUP_STATE:
		snprintf(name, nn, "%s", conn_state_name(c->state));
		if (conn_state_keyword(c->state))
			snprintf(filter, fn, "state %s", conn_state_keyword(c->state));
		return;
	case GROUP_NETNS: {
		const struct frame_ns *ns = row_ns(r);

		if (!ns) {
			snprintf(name, nn, "(one namespace)");
			return;
		}
		snprintf(name, nn, "%s", ns->name);
		/* a /run/netns name may hold what ends a filter word: then no filter */
		if (!strpbrk(ns->name, " \t()&|!=<>\\"))
			snprintf(filter, fn, "netns %s", ns->name);
		return;
	}
	case GROUP_NONE:
	case GROUP_N:
		break;
	}
	snprintf(name, nn, "all");
}

/* name -> index in gs->v, open addressing over a power-of-two table */
struct index {
	int32_t *slot; /* -1: empty */
	size_t cap;
};

static size_t find(struct index *ix, const struct group_set *gs, const char *name)
{
	size_t i = hash_bytes(name, strlen(name)) & (ix->cap - 1);

	while (ix->slot[i] >= 0 && strcmp(gs->v[ix->slot[i]].name, name))
		i = (i + 1) & (ix->cap - 1);
	return i;
}

static void add(struct group *g, const struct row *r)
{
	g->count++;
	if (r->flags & ROW_RATES) {
		g->tx_bps += r->tx_bps;
		g->rx_bps += r->rx_bps;
	}
	if (r->c->state != TS_LISTEN) {
		g->sendq += r->c->wqueue;
		g->recvq += r->c->rqueue;
	}
	if (r->findings) {
		bool problem = false;

		for (unsigned code = 0; code < DX_CONN_N; code++) {
			const struct diag_code_def *d;

			if (!(r->findings & (1u << code)))
				continue;
			d = diagnose_code(code);
			problem |= d->severity >= DS_WARN;
			if (g->worst < 0 || d->severity > g->worst_sev) {
				g->worst = (int)code;
				g->worst_sev = d->severity;
			}
		}
		g->problems += problem;
	}
}

void group_build(struct group_set *gs, const struct frame *f, const uint32_t *order, size_t n,
		 enum group_key key)
{
	struct index ix;

	gs->n = 0;
	gs->key = key;
	ix.cap = 64;
	while (ix.cap < n * 2)
		ix.cap *= 2;
	ix.slot = xmalloc(ix.cap * sizeof(*ix.slot));
	memset(ix.slot, 0xff, ix.cap * sizeof(*ix.slot));
	for (size_t i = 0; i < n; i++) {
		const struct row *r = &f->rows[order[i]];
		char name[sizeof(gs->v->name)], filter[sizeof(gs->v->filter)];
		size_t at;

		row_key(f, r, key, name, sizeof(name), filter, sizeof(filter));
		at = find(&ix, gs, name);
		if (ix.slot[at] < 0) {
			struct group *g;

			gs->v = xgrow(gs->v, &gs->cap, gs->n + 1, sizeof(*gs->v));
			g = &gs->v[gs->n];
			memset(g, 0, sizeof(*g));
			memcpy(g->name, name, sizeof(name));
			memcpy(g->filter, filter, sizeof(filter));
			g->worst = -1;
			ix.slot[at] = (int32_t)gs->n++;
		}
		add(&gs->v[ix.slot[at]], r);
	}
	free(ix.slot);
}

static int cmp_double(double a, double b)
{
	return a < b ? -1 : a > b ? 1 : 0;
}

static int cmp_u64(uint64_t a, uint64_t b)
{
	return a < b ? -1 : a > b ? 1 : 0;
}

/* Descending by the key (names ascending): the biggest trouble at the top. */
static int compare(const struct group *a, const struct group *b, enum group_sort by)
{
	int d = 0;

	switch (by) {
	case GS_PROBLEMS:
		d = cmp_u64(a->worst < 0 ? 0 : a->worst_sev + 1u,
			    b->worst < 0 ? 0 : b->worst_sev + 1u);
		if (!d)
			d = cmp_u64(a->problems, b->problems);
		if (!d)
			d = cmp_u64(a->count, b->count);
		break;
	case GS_COUNT:
		d = cmp_u64(a->count, b->count);
		break;
	case GS_TX:
		d = cmp_double(a->tx_bps, b->tx_bps);
		break;
	case GS_RX:
		d = cmp_double(a->rx_bps, b->rx_bps);
		break;
	case GS_SENDQ:
		d = cmp_u64(a->sendq, b->sendq);
		break;
	case GS_RECVQ:
		d = cmp_u64(a->recvq, b->recvq);
		break;
	case GS_NAME:
	case GS_N:
		return strcmp(a->name, b->name);
	}
	return d ? -d : strcmp(a->name, b->name);
}

/* A stable merge sort of indices (a host may have thousands of peers; groups are big to copy). */
void group_sort(struct group_set *gs, enum group_sort by, bool reverse)
{
	uint32_t *idx, *tmp, *src, *dst;
	struct group *sorted;

	if (gs->n < 2)
		return;
	idx = xmalloc(gs->n * sizeof(*idx));
	tmp = xmalloc(gs->n * sizeof(*tmp));
	for (size_t i = 0; i < gs->n; i++)
		idx[i] = (uint32_t)i;
	src = idx;
	dst = tmp;
	for (size_t w = 1; w < gs->n; w *= 2) {
		uint32_t *t;

		for (size_t lo = 0; lo < gs->n; lo += 2 * w) {
			size_t mid = lo + w < gs->n ? lo + w : gs->n;
			size_t hi = lo + 2 * w < gs->n ? lo + 2 * w : gs->n;
			size_t i = lo, j = mid, k = lo;

			while (i < mid && j < hi) {
				int c = compare(&gs->v[src[i]], &gs->v[src[j]], by);

				dst[k++] = (reverse ? c > 0 : c <= 0) ? src[i++] : src[j++];
			}
			while (i < mid)
				dst[k++] = src[i++];
			while (j < hi)
				dst[k++] = src[j++];
		}
		t = src;
		src = dst;
		dst = t;
	}
	sorted = xmalloc(gs->n * sizeof(*sorted));
	for (size_t i = 0; i < gs->n; i++)
		sorted[i] = gs->v[src[i]];
	free(gs->v);
	gs->v = sorted;
	gs->cap = gs->n;
	free(idx);
	free(tmp);
}

void group_free(struct group_set *gs)
{
	free(gs->v);
	gs->v = NULL;
	gs->n = gs->cap = 0;
}
