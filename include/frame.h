/* SPDX-License-Identifier: GPL-2.0-or-later */
/* frame: everything one refresh produced (sockets, derived rows, listeners, states, counters). */
#ifndef TCPTOP_FRAME_H
#define TCPTOP_FRAME_H

#include <assert.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conn.h"
#include "counters.h"
#include "sample.h"
#include "sockstat.h"
#include "tunables.h"

struct procinfo;    /* procmap.h */
struct proc_holder; /* procmap.h */
struct username;    /* procmap.h */

enum {
	LST_DROPS = 1 << 0,       /* drops valid (skmem d) */
	LST_DROPS_DELTA = 1 << 1, /* drops_delta valid */
};

struct listener {
	uint32_t row;          /* index of the LISTEN socket in rows[] */
	uint32_t accept_q;     /* current accept queue (idiag_rqueue) */
	uint32_t accept_max;   /* its limit (idiag_wqueue) */
	uint32_t syn_q;        /* SYN-RECV request sockets it owns */
	uint32_t syn_max;      /* the SYN queue's limit (KERNEL.md); 0: not known */
	uint32_t syn_retrying; /* of those, request sockets that retransmitted their SYN-ACK */
	uint8_t syn_retries;   /* the most SYN-ACK retransmits of one of them */
	uint16_t shared;       /* listeners on the same address and port (SO_REUSEPORT) */
	uint8_t flags;
	uint64_t drops;
	uint64_t drops_delta;
};

/* row.flags: which derived values are valid. */
enum {
	ROW_RATES = 1 << 0,     /* tx_bps / rx_bps */
	ROW_D_RETRANS = 1 << 1, /* d_retrans */
	ROW_D_LIMITS = 1 << 2,  /* d_busy_us, d_rwnd_us, d_sndbuf_us */
	ROW_NEW = 1 << 3,       /* first time this cookie was seen */
	ROW_PREV = 1 << 4, /* seen before: its previous sample in the model until model_commit */
	/*
	 * The kernel sent this socket again in the same dump (its walk is not a
	 * snapshot): nothing else is set; views, the diagnosis and the SYN queues
	 * skip it, the state counts and `sockets` count what the kernel sent.
	 */
	ROW_DUP = 1 << 5,
	ROW_DIAGNOSED = 1 << 6, /* diagnose_frame classified it: its BDP is dx_row_bdp() */
};

/* row_prev.have: which previous values were available. */
enum {
	PREV_SKMEM = 1 << 0,   /* sndbuf, rcvbuf */
	PREV_NOTSENT = 1 << 1, /* notsent */
	PREV_BACKOFF = 1 << 2, /* backoff */
	PREV_SND_WND = 1 << 3, /* snd_wnd (5.4+) */
	PREV_RCV_WND = 1 << 4, /* rcv_wnd (6.2+) */
};

/* The socket's values at its previous sample: what changes across refreshes are judged by. */
struct row_prev {
	uint32_t sndbuf; /* skmem tb: stays put when the application fixed it (SO_SNDBUF) */
	uint32_t rcvbuf; /* skmem rb */
	uint32_t rqueue;
	uint32_t notsent;
	uint32_t snd_wnd; /* a zero window is a stall only if it lasts */
	uint32_t rcv_wnd;
	uint8_t state;
	uint8_t timer;
	uint8_t backoff; /* tcpi_backoff: RTO doublings */
	uint8_t have;    /* PREV_* */
};

/* row.dflags: qualifiers of the diagnosis. */
enum {
	ROWD_BDP_MIN = 1 << 0,       /* bdp_bytes is a lower bound (measured while limited) */
	ROWD_SNDBUF_AT_MAX = 1 << 1, /* tb reached net.ipv4.tcp_wmem's maximum */
	ROWD_RCVBUF_AT_MAX = 1 << 2, /* rb reached net.ipv4.tcp_rmem's maximum */
};

/* frame_ns.kind: how a namespace was found and what names it. */
enum ns_kind {
	NSK_HOST,      /* the namespace tcptop started in */
	NSK_NAMED,     /* a bind mount under /run/netns (`ip netns add`) */
	NSK_PROCESS,   /* held only by a process: named net:[INODE] */
	NSK_CONTAINER, /* held by a process whose cgroup is a container's or a pod's */
	NSK_N
};

#define FRAME_NS_NAME 48

/*
 * One network namespace of a -N all refresh. Its sockets are the rows
 * [first, first + n) (dumped one namespace after the other into the one
 * sample); counters, tunables and sockstat are its own (the per-namespace
 * files read through descriptors opened inside it). error: it is listed
 * but could not be entered or dumped ("" when fine).
 */
struct frame_ns {
	uint64_t inode;
	uint8_t kind;    /* enum ns_kind */
	bool have_files; /* counters, tun, sockstat were read */
	char name
		[FRAME_NS_NAME]; /* sanitised: "host", "blue", "docker:0123456789ab", "net:[4026532..]" */
	char error[128];
	uint32_t first, n;
	uint32_t pid;             /* a process holding it (0: none, only the /run/netns mount) */
	struct counters counters; /* /proc/net/netstat + snmp as read inside it (no deltas) */
	struct tunables tun;      /* its own sysctls; host-only ones stay unavailable here */
	struct sockstat sockstat; /* inuse and tw are its own */
};

/*
 * Who and what a row belongs to: its listener entry, process, user and
 * namespace. Rows share these (one process, one user and one namespace
 * hold many sockets), so a row points at one shared record, kept once per
 * frame (frame_set_*), not at four things: 24 bytes a socket less. Read
 * them with row_lst(), row_proc(), row_user(), row_ns().
 */
struct row_who {
	const struct listener *lst; /* LISTEN rows: their entry in frame.listeners; else NULL */
	/* Who holds the socket (frame.procs); NULL: none known. The filter's lookup. */
	const struct procinfo *proc;
	const struct username *user; /* the name of c->uid (borrowed from the collector); or NULL */
	const struct frame_ns *ns; /* -N all: the socket's namespace (frame.nsv); NULL otherwise */
};

/*
 * Per-socket values derived from this sample and the previous one. One per
 * socket per frame: the members are ordered by size so that the struct has
 * no holes (64 bytes; see HACKING.md, "What a socket costs"). What only
 * the diagnosis reads of the previous sample is not here: the model's
 * table still holds it until model_commit (model_past).
 */
struct row {
	const struct conn *c; /* borrowed from frame.sample */
	double tx_bps;        /* bits/s: bytes_acked delta / frame.rows_dt */
	double rx_bps;        /* bits/s: bytes_received delta / frame.rows_dt */
	/*
	 * Chronograph deltas, µs (tcpi_busy_time, rwnd_limited, sndbuf_limited),
	 * with ROW_D_LIMITS. They advance no faster than time: an interval over
	 * 71 minutes, the most a u32 holds, gets no ROW_D_LIMITS.
	 */
	uint32_t d_busy_us;
	uint32_t d_rwnd_us;
	uint32_t d_sndbuf_us;
	uint32_t d_retrans;        /* total_retrans delta (segments; tcpi_total_retrans is a u32) */
	const struct row_who *who; /* shared with the frame's other rows of the same; NULL: none */
	uint32_t findings;         /* diagnosis: bit (1u << DX_...) per connection finding */
	uint16_t flags;

	/* History (model.c): the explanations quote them, so they outlive the diagnosis */
	uint8_t rq_grew;      /* consecutive intervals Recv-Q grew, this one included */
	uint8_t notsent_grew; /* the same for notsent_bytes */

	/* Diagnosis (diagnose.c; see doc/DIAGNOSIS.md) */
	uint8_t limited_by;  /* enum diag_limit; DL_NONE: not applicable or unknown */
	uint8_t limited_pct; /* share of the interval, 0..100, when limit_basis has one */
	uint8_t limit_basis; /* enum diag_basis: how limited_by was decided */
	uint8_t dflags;      /* ROWD_* */

	/* model.c's own: the row's table entry, from model_update to model_commit */
	uint32_t mslot;
};
_Static_assert(sizeof(struct row) == 64, "struct row has a hole or grew");
_Static_assert(offsetof(struct row, mslot) == 60, "struct row has a hole before its tail");

static inline const struct listener *row_lst(const struct row *r)
{
	return r->who ? r->who->lst : NULL;
}
static inline const struct procinfo *row_proc(const struct row *r)
{
	return r->who ? r->who->proc : NULL;
}
static inline const struct username *row_user(const struct row *r)
{
	return r->who ? r->who->user : NULL;
}
static inline const struct frame_ns *row_ns(const struct row *r)
{
	return r->who ? r->who->ns : NULL;
}

/*
 * What the diagnosis judges a socket's change by: model_past() reads it from
 * the model's table entry of the row's socket, which keeps the previous
 * sample's values from model_update until model_commit (after the
 * diagnosis), so that no frame holds a copy of them.
 */
struct row_past {
	uint64_t state_since_ns; /* mono time first seen in its current state */
	struct row_prev prev;    /* the previous sample's values: valid with ROW_PREV */
};

/* frame.attribution: whether row.proc was filled, and how completely. */
enum attribution {
	ATTR_OFF,         /* turned off, by the user or because it could not keep up */
	ATTR_FULL,        /* every process's fds were read */
	ATTR_PARTIAL,     /* some could not be (other users' processes, not root): "?" rows */
	ATTR_UNAVAILABLE, /* a replay: recordings hold no process data */
};

#define HIST_LEN 60
enum { HIST_RTT, HIST_CWND, HIST_TX, HIST_RX, HIST_N };

/* The last HIST_LEN values of one connection, oldest first; NAN = no value. */
struct hist {
	uint64_t cookie; /* 0: none */
	int n;
	float v[HIST_N][HIST_LEN];
};

/* One number a finding rests on, named as in JSON ("accept_queue"). */
struct evidence {
	const char *key; /* static string */
	int64_t v;
};

#define FINDING_EVIDENCE_MAX 8
#define FINDING_SUBJECT_MAX 128

/*
 * A host, listener or (aggregated) connection finding of one refresh. For
 * connection codes one finding stands for every connection that has it:
 * `count` of them, `row` the example whose numbers the evidence shows.
 */
struct finding {
	uint8_t code;     /* enum diag_code */
	uint8_t severity; /* enum diag_severity */
	uint8_t nev;
	uint32_t count;                    /* sockets or connections concerned */
	uint32_t row;                      /* index in rows[] of the subject; UINT32_MAX: host */
	uint64_t cookie;                   /* its cookie; 0 for host findings */
	char subject[FINDING_SUBJECT_MAX]; /* "127.0.0.1:8080", "host", "10.0.0.1:4711 -> ..." */
	struct evidence ev[FINDING_EVIDENCE_MAX];
};

struct closed_conn; /* closed.h: one connection that ended, with its final tcp_info */
struct model;       /* model.h */

/* Findings kept per frame; the most severe first, the rest only counted. */
#define FRAME_FINDINGS_MAX 32

struct frame {
	uint64_t seq;
	uint64_t mono_ns;
	int64_t real_ns;
	double interval; /* seconds since the previous frame; 0 for the first */

	struct sample sample;
	struct row *rows; /* parallel to sample.conns */
	size_t rows_cap;
	/*
	 * From model_update to model_commit: the model whose table still holds
	 * what the rows changed from (model_past); NULL otherwise. frame_reset
	 * and frame_free commit a frame left so: its sample is about to go.
	 */
	struct model *model;
	/*
	 * Seconds between the previous sample and this one: what every row with
	 * ROW_PREV has its rates and deltas over (row_dt); 0 when there is none.
	 */
	double rows_dt;
	struct listener *listeners;
	size_t nlisteners, listeners_cap;

	uint32_t states[TS_MAX];
	int64_t states_delta[TS_MAX];
	bool has_states_delta;

	struct counters counters;
	struct tunables tun;
	/*
	 * /proc/net/sockstat{,6}; have == 0: not read (a recording without it).
	 * inuse/tw are the namespace's, orphan/alloc/mem the host's.
	 */
	struct sockstat sockstat;
	const char *kernel; /* the watched kernel's release ("6.18.0"; borrowed); NULL: unknown */
	struct hist hist;   /* of the selected connection */

	/* Diagnosis: filled by diagnose_frame(), the most severe first. */
	struct finding findings[FRAME_FINDINGS_MAX];
	uint32_t nfindings;
	uint32_t findings_dropped; /* findings beyond FRAME_FINDINGS_MAX (the least severe) */

	char status[512]; /* this refresh's error or warning; "" when clean */
	bool failed;      /* the dump failed: sockets are missing */

	const char *netns; /* the watched network namespace's name (borrowed); NULL: not known */
	/* -N all: every namespace dumped, in row order (rows point into it); nns 0 otherwise */
	struct frame_ns *nsv;
	size_t nns, nns_cap;
	uint8_t attribution;        /* enum attribution */
	char attribution_note[160]; /* why it is partial, off or unavailable; "" otherwise */
	double attribution_secs;    /* time the process scan took; < 0 when it did not run */
	struct procinfo *procs;     /* owned; rows point into it */
	size_t nprocs, procs_cap;
	struct proc_holder *holders; /* owned; procs point into it */
	size_t nholders, holders_cap;
	/*
	 * Connections that ended during the interval (sock_diag's destroy
	 * multicast groups), oldest first; owned. closed_lost: events the kernel
	 * dropped (ENOBUFS) in the interval. closed_watched: whether they are
	 * watched at all; closed_note says why not ("" when they are).
	 */
	struct closed_conn *closed;
	size_t nclosed, closed_cap;
	/* the rows' row_who records: once each (an index of them), stable in an arena */
	struct arena who_arena;
	const struct row_who **who_idx;
	size_t nwho, who_cap;
	const struct row_who *who_last; /* the last one a row was given: runs of rows share one */
	uint64_t closed_lost;
	/* since tcptop started, for counters: by enum closed_how, and lost (closed.c) */
	uint64_t closed_total[8];
	uint64_t closed_lost_total;
	bool closed_watched;
	char closed_note[160];
};

void frame_reset(struct frame *f);
void frame_free(struct frame *f);

/* Give row r (of f) a listener entry, process, user or namespace; the others stay. */
void frame_set_lst(struct frame *f, struct row *r, const struct listener *l);
void frame_set_proc(struct frame *f, struct row *r, const struct procinfo *p);
void frame_set_user(struct frame *f, struct row *r, const struct username *u);
void frame_set_ns(struct frame *f, struct row *r, const struct frame_ns *ns);

/* Number of rows (= sockets). */
static inline size_t frame_nrows(const struct frame *f)
{
	return f->sample.n;
}

/* The seconds a row's rates and deltas span: the frame's rows_dt with ROW_PREV, else 0. */
static inline double row_dt(const struct frame *f, const struct row *r)
{
	return (r->flags & ROW_PREV) ? f->rows_dt : 0;
}

/* The namespace entry at index nns (grown, counters kept allocated), nns incremented. */
struct frame_ns *frame_ns_push(struct frame *f);
/* After the rows exist: points each row at its namespace (rows [first, first + n)). */
void frame_ns_link(struct frame *f);
/* The listener's/row's namespace name for subjects and messages; NULL when not -N all. */
const char *frame_row_ns(const struct frame *f, uint32_t row);

/* The row of a cookie, or NULL; linear. */
/*
 * The whole tcp_info of a socket when this frame kept it (the connection
 * selected when it was collected, collector_select); NULL otherwise. *len:
 * the bytes of it the kernel sent.
 */
const struct tcpi *frame_full_info(const struct frame *f, uint64_t cookie, size_t *len);
const struct row *frame_find(const struct frame *f, uint64_t cookie);

#endif
