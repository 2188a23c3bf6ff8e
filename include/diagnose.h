/* SPDX-License-Identifier: GPL-2.0-or-later */
/* diagnose: from one frame's data to what limits each connection and what is wrong on the host. */
#ifndef TCPTOP_DIAGNOSE_H
#define TCPTOP_DIAGNOSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "frame.h"

/*
 * What limited a connection's sending in the last interval (row.limited_by).
 * The send direction only: a socket that only receives is "idle".
 */
enum diag_limit {
	DL_NONE,   /* not applicable (listener, TIME-WAIT, no tcp_info) */
	DL_RWND,   /* the peer's receive window */
	DL_SNDBUF, /* our own send buffer */
	DL_CWND,   /* congestion window, pacing, the network: busy, no buffer or window limit */
	DL_APP,    /* sent some, but the application left it without data most of the time */
	DL_DELACK, /* small writes wait for the peer's delayed ACK (Nagle): "delack" instead of cwnd */
	DL_IDLE, /* nothing sent at all */
	DL_N
};

/* How limited_by was decided (row.limit_basis); see doc/DIAGNOSIS.md. */
enum diag_basis {
	DB_NONE,
	DB_INTERVAL, /* the kernel's busy/rwnd_limited/sndbuf_limited time over the interval */
	DB_MIXED,    /* interval busy time, cause read from the socket's state at the sample */
	DB_STATE, /* no interval times (old kernel, first sample): the state at the sample only */
	DB_N
};

enum diag_severity { DS_INFO, DS_WARN, DS_CRIT };

/*
 * Finding codes. Connection codes are bits of row.findings and are also
 * summarised (one per code) in frame.findings; the others only appear there.
 */
enum diag_code {
	/* per connection */
	DX_SNDBUF_BDP,     /* "sndbuf<BDP" */
	DX_SNDBUF_FIXED,   /* "sndbuf-fixed" */
	DX_RWND_BDP,       /* "rwnd<BDP" */
	DX_RCVBUF_BDP,     /* "rcvbuf<BDP" */
	DX_RCVBUF_FIXED,   /* "rcvbuf-fixed" */
	DX_ZWIN,           /* "zwin" */
	DX_RCVQ_FULL,      /* "rcvq-full" */
	DX_RECVQ_GROWING,  /* "recvq-growing" */
	DX_UNSENT_GROWING, /* "unsent-growing" */
	DX_RTO_BACKOFF,    /* "rto-backoff" */
	DX_DELAYED_ACK,    /* "delayed-ack" */
	DX_NO_WSCALE,      /* "no-wscale" */
	DX_CONN_N,
	/* per listener */
	DX_ACCEPT_OVERFLOW = DX_CONN_N, /* "accept-overflow" */
	DX_ACCEPT_FULL,                 /* "accept-full" */
	DX_BACKLOG_SMALL,               /* "backlog<somaxconn" */
	DX_SYNQ_OVERFLOW,               /* "synq-overflow" */
	DX_LISTEN_DROPS,                /* "listen-drops" */
	DX_SYNACK_RETRY,                /* "synack-retry" */
	/* per destination, local port, remote endpoint */
	DX_SYN_RETRY, /* "syn-retry" */
	DX_FIN_WAIT1, /* "fin-wait-1" */
	DX_FIN_WAIT2, /* "fin-wait-2" */
	/* host */
	DX_SYNCOOKIES,        /* "syncookies" */
	DX_ABORT_ON_OVERFLOW, /* "abort-on-overflow" */
	DX_CLOSE_WAIT,        /* "close-wait" */
	DX_TIME_WAIT,         /* "time-wait" */
	DX_PORTS,             /* "ephemeral-ports" */
	DX_ORPHANS,           /* "orphans" */
	DX_TCP_MEM,           /* "tcp-mem" */
	DX_N
};

/* What a finding is about: its subject. */
enum diag_scope {
	DSC_CONN,     /* one connection (a FLAGS code) */
	DSC_LISTENER, /* a listening socket */
	DSC_DEST,     /* a destination address:port */
	DSC_PORT,     /* a local port */
	DSC_REMOTE,   /* a remote endpoint */
	DSC_GROUP,    /* a local port or a remote endpoint, whichever groups them */
	DSC_NETNS, /* a network namespace (its own counters and sysctls; the host's without -N all) */
	DSC_HOST, /* the host: global counters and sysctls, whatever namespace reads them */
	DSC_N
};

/* One row of the code table (the public part of its descriptor). */
struct diag_code_def {
	const char *name;     /* short code: FLAGS column, JSON "findings" and "code" */
	uint8_t severity;     /* the usual severity (some findings escalate) */
	uint8_t scope;        /* enum diag_scope */
	bool problem;         /* marks the connection as a problem (the FLAGS cell's colour) */
	const char *title;    /* what it means, one line */
	const char *check;    /* what to look at or change, one line */
	const char *evidence; /* the evidence keys it may carry, comma-separated */
};

const struct diag_code_def *diagnose_code(unsigned code);
/* Whether a connection code marks its row as a problem (false for the others). */
bool diagnose_code_problem(unsigned code);
/* The row.findings bits of the problem codes: `r->findings & diagnose_problem_mask()`. */
uint32_t diagnose_problem_mask(void);
/* "connection", "listener", "destination", "local port", "remote endpoint", ... */
const char *diagnose_scope_name(unsigned scope);
/* The worst severity of the row's findings, escalations included; -1 when it has none. */
int diagnose_row_severity(const struct row *r);
/* The code for a short name ("zwin"); -1 if none. */
int diagnose_code_by_name(const char *name);
/* "info", "warn", "crit". */
const char *diagnose_severity_name(unsigned severity);
/* "rwnd", "sndbuf", "cwnd", "app", "delack", "idle"; NULL for DL_NONE. */
const char *diagnose_limit_name(unsigned limit);
/* "interval", "mixed", "state"; NULL for DB_NONE. */
const char *diagnose_basis_name(unsigned basis);

/* The kernel extensions the diagnosis reads (tcp_info, skmem): asked for whatever is shown. */
#define DIAGNOSE_NEEDS (DIAG_EXT_INFO | DIAG_EXT_SKMEM)

/* Scratch kept across refreshes (grouping buffers); the diagnosis itself is a function of the frame. */
struct diagnoser;

struct diagnoser *diagnose_new(void);
void diagnose_free(struct diagnoser *d);

/*
 * Fills every row's limited_by/limited_pct/limit_basis/dflags/findings (and
 * ROW_DIAGNOSED: dx_row_bdp() then has what it computes the BDP from)
 * and the frame's findings list, from the frame alone (rows with their
 * deltas and history, listeners, states, counters, tunables). No I/O; a
 * steady refresh allocates nothing. Call after model_update(), before
 * model_commit() (the previous samples it compares with are in the model's
 * table until then: model_past).
 */
void diagnose_frame(struct diagnoser *d, struct frame *f);

/*
 * A diagnosed row's estimated bandwidth-delay product, bytes (the bdp
 * column, bdp_bytes in JSON and evidence): its rate x min RTT, computed on
 * each call from the row (see dx_estimate_bdp); 0: unknown or not diagnosed.
 */
uint64_t dx_row_bdp(const struct row *r);

/* The LIMIT cell: "rwnd 96%", "sndbuf~80%" (mixed basis), "rwnd?" (state only), "" if none. */
char *diagnose_limit_str(const struct row *r, char *buf, size_t len);
/* The FLAGS cell: the row's codes, comma-separated ("sndbuf<BDP,sndbuf-fixed"), "" if none. */
char *diagnose_flags_str(const struct row *r, char *buf, size_t len);

/*
 * One line for the detail view: what finding `code` means for this
 * connection, with its numbers, and what to check. E.g. "send buffer 32 KiB
 * (SO_SNDBUF 16 KiB, doubled) limited sending 71% of the interval, the
 * congestion window allowed more: ...". For a code the row does not have,
 * the line says so. Returns buf.
 */
char *diagnose_explain(const struct row *r, unsigned code, char *buf, size_t len);
/* One line explaining the row's LIMIT value ("limited by the peer's receive window 96% ..."). */
char *diagnose_explain_limit(const struct row *r, char *buf, size_t len);

/* The message of a frame finding: the explanation with its numbers. Returns buf. */
char *diagnose_message(const struct frame *f, const struct finding *x, char *buf, size_t len);
/*
 * -N all: the name of the namespace a finding was judged in (its socket's,
 * or netns_inode's for a whole namespace's); NULL when host-wide or not
 * -N all. Borrowed from f.
 */
const char *diagnose_finding_netns(const struct frame *f, const struct finding *x);

#endif
