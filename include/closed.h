/* SPDX-License-Identifier: GPL-2.0-or-later */
/* closed: TCP connections that ended, from sock_diag's destroy multicast groups. */
#ifndef TCPTOP_CLOSED_H
#define TCPTOP_CLOSED_H

#include <linux/netlink.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "conn.h"
#include "frame.h"
#include "json.h"
#include "model.h"
#include "procmap.h"
#include "source.h"
#include "strbuf.h"
#include "terr.h"

/*
 * How a connection ended, decided from its final tcp_info (the rule and the
 * kernel facts behind it: doc/HACKING.md, "Closed connections").
 */
enum closed_how {
	CH_UNKNOWN,    /* the kernel's tcp_info is too old to tell (before 4.19) */
	CH_NORMAL,     /* our FIN was acknowledged: an orderly close */
	CH_RESET,      /* connected, ended without our FIN acknowledged: a reset either way */
	CH_TIMEOUT,    /* connected, died retransmitting unanswered (tcp_retries2, user timeout) */
	CH_REFUSED,    /* never connected: the SYN was answered by a reset */
	CH_UNANSWERED, /* never connected: no answer to the SYN (timed out, or given up) */
	CH_FAILED,     /* never connected; the kernel cleared why (a failed blocking connect) */
	CH_N
};

/* closed_conn.life: what tcptop knows of when it started. */
enum closed_life {
	CL_UNSEEN,       /* no refresh saw it: it lived less than one interval */
	CL_BEFORE_START, /* already there at tcptop's first refresh */
	CL_SEEN,         /* first seen at first_ns */
};

/* closed_conn.flags */
enum {
	CCF_PASSIVE = 1 << 0,      /* its local port was a listener's: the accepting side */
	CCF_PEER_CLEARED = 1 << 1, /* the kernel zeroed the peer port (tcp_disconnect) */
	CCF_PROC = 1 << 2,         /* holder is the process that held it at the last refresh */
};

/*
 * One connection that ended (frame.closed; the Closed view keeps copies).
 * Self-contained: no pointers, so it can be copied and outlive its frame.
 * c.info is NULL and c.skmem_n 0; closed_row() builds a row that reads `ti`
 * and `cong` (c.cong_id is kept: a known name needs nothing else).
 */
struct closed_conn {
	/*
	 * ports, cookie, state as at destroy (CLOSE); an IPv4 socket's addresses.
	 * An IPv6 one's are in addr6 (c.addr.v6 is NULL): read them with
	 * closed_src() and closed_dst().
	 */
	struct conn c;
	uint8_t addr6[32];            /* IPv6: source, destination */
	struct tcpi ti;               /* final tcp_info, c.info_len bytes of it from the kernel */
	char cong[CONN_CONG_MAX + 1]; /* conn_cong() of the parsed conn; "" when none */
	uint64_t ended_ns;         /* monotonic: when tcptop took the event (soon after it ended) */
	int64_t ended_real;        /* the same, wall clock ns */
	uint64_t first_ns;         /* life == CL_SEEN: when tcptop first saw it (monotonic) */
	struct proc_holder holder; /* flags & CCF_PROC: who held it */
	uint8_t how;               /* enum closed_how */
	uint8_t life;              /* enum closed_life */
	uint8_t last_state;        /* the state tcptop last saw it in; 0: not known */
	uint8_t flags;             /* CCF_* */
};

/* A row for the column getters and the filter language: only for as long as cc and *tmp live. */
struct closed_row {
	struct conn c;
	/* c.info, a block in the plain layout (sockblk.h; no skmem: c.skmem_n is 0) */
	struct {
		struct sockblk b;             /* SOCKBLK_PLAIN */
		struct tcpc tc;               /* the fields of cc->ti that a conn keeps */
		char cong[CONN_CONG_MAX + 1]; /* cc->cong when it is not a known name */
	} blk;
	struct row r;
	struct row_who who;
	struct procinfo p;
};
const struct row *closed_row(const struct closed_conn *cc, struct closed_row *tmp);

/* A closed connection's addresses, as conn_src() and conn_dst() give a live one's. */
static inline const uint8_t *closed_src(const struct closed_conn *cc)
{
	return cc->c.family == AF_INET6 ? cc->addr6 : conn_src(&cc->c);
}
static inline const uint8_t *closed_dst(const struct closed_conn *cc)
{
	return cc->c.family == AF_INET6 ? cc->addr6 + 16 : conn_dst(&cc->c);
}

/* "normal", "reset", "timeout", "refused", "unanswered", "failed", "unknown". */
const char *closed_how_name(unsigned how);
/* For --help style text: what the word means. */
const char *closed_how_help(unsigned how);
/* Refused, unanswered, failed: it never was a connection. */
bool closed_how_never_connected(unsigned how);
/* Seconds it lived as far as tcptop knows; < 0 when it does not (CL_UNSEEN). */
double closed_lifetime(const struct closed_conn *cc);
/* "1.2s", "before start", "< interval". */
char *closed_lifetime_str(const struct closed_conn *cc, char *buf, size_t n);

/*
 * Pure parser: one destroy event (a SOCK_DIAG_BY_FAMILY message with
 * inet_diag_msg and INET_DIAG_INFO) into cc (zeroed first; how, life and
 * the live-only fields are left for the caller). `a` holds what diag_parse
 * allocates; reset it when done. Returns 1 for a connection, 0 for a socket
 * that never had a peer (a listener, an unused socket: not a connection),
 * -1 with e set when the message is malformed.
 */
int closed_parse_msg(const struct nlmsghdr *nlh, struct closed_conn *cc, struct arena *a,
		     struct terr *e);
/* The rule: how it ended, from its final tcp_info (and CCF_PASSIVE, CCF_PEER_CLEARED). */
enum closed_how closed_classify(const struct closed_conn *cc);

/*
 * The recorded form of one refresh's events (doc/RECORDING.md, "Closed
 * connections"): a header with watched, lost and the note, then per event
 * the kernel's message and what only the live run knew (process, last
 * state, side, the time). closed_blob_add appends one event to sb.
 */
#define CLOSED_BLOB_VERSION 1
struct closed_blob_head {
	bool watched;
	uint64_t lost;
	uint32_t nevents;
	char note[160];
};
void closed_blob_begin(struct strbuf *sb, const struct closed_blob_head *h);
void closed_blob_add(struct strbuf *sb, const struct closed_conn *cc, const void *msg, size_t len);
/* Patches the event count and lost into a blob made with closed_blob_begin. */
void closed_blob_finish(struct strbuf *sb, uint32_t nevents, uint64_t lost);
/*
 * Reads a blob: the head, then calls fn for each event with the parsed
 * record (live-only fields filled from the blob; how and life are not).
 * -1 with e set naming the offset when it is malformed.
 */
typedef void (*closed_blob_fn)(void *ctx, struct closed_conn *cc);
int closed_blob_read(const void *buf, size_t len, struct closed_blob_head *h, struct arena *a,
		     closed_blob_fn fn, void *ctx, struct terr *e);

/* One closed connection as a JSON object (the --closed-log line; keys as connections[]). */
void closed_json(const struct closed_conn *cc, struct json *j);

struct closed_cfg {
	bool off;             /* do not watch closed connections at all */
	const char *log_path; /* --closed-log: append each as one JSON line; NULL: none */
	/* a log that is a stream stops waiting for room when this turns true (safefile.stop) */
	const atomic_bool *stop;
};

struct closed_watch; /* opaque: the multicast socket, the log, what the last refresh knew */

/*
 * Starts watching (live) or reading recorded events (replay). Never fails
 * for want of privilege or kernel support: the frames say so (closed_note).
 * NULL with e set only for a log that cannot be opened.
 * $TCPTOP_CLOSED_RCVBUF (bytes) replaces the receive buffer size (tests).
 */
struct closed_watch *closed_new(const struct closed_cfg *cfg, struct source *src, struct terr *e);
void closed_free(struct closed_watch *w);

/*
 * Moves the events that arrived since the last call into f (closed,
 * nclosed, closed_lost, closed_watched, closed_note), records them through
 * src or takes the recorded ones on a replay, and appends them to the log.
 * Called before model_update(m, f): m still knows the previous refresh.
 */
void closed_collect(struct closed_watch *w, struct source *src, const struct model *m,
		    struct frame *f);

/*
 * After model_update and attribution: what the next events will be matched
 * against (listening ports while watching live; cookie -> process and state, 16 bytes a
 * socket, only while attribution is on).
 */
void closed_remember(struct closed_watch *w, const struct frame *f);

#endif
