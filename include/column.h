/* SPDX-License-Identifier: GPL-2.0-or-later */
/* column: the column table: one row per column, read by the TUI, text and JSON outputs alike. */
#ifndef TCPTOP_COLUMN_H
#define TCPTOP_COLUMN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "canvas.h"
#include "frame.h"
#include "json.h"

/*
 * Adding a column = one enum value here, one row in the table in column.c
 * (with its getter). Format, compare, JSON and width all follow from the
 * row's `fmt` and the getter's value.
 */
enum col_id {
	COL_COOKIE,
	COL_LOCAL,
	COL_REMOTE,
	COL_STATE,
	COL_RECVQ,
	COL_SENDQ,
	COL_RX,
	COL_TX,
	COL_RATE,
	COL_RTT,
	COL_RTTVAR,
	COL_MINRTT,
	COL_CWND,
	COL_SSTHRESH,
	COL_MSS,
	COL_RWND,
	COL_RCVWND,
	COL_RCVSPACE,
	COL_UNACKED,
	COL_RETRANS,
	COL_RETRANS_OUT,
	COL_TOTAL_RETRANS,
	COL_LOST,
	COL_SKMEM,
	COL_CONG,
	COL_CASTATE,
	COL_TIMER,
	COL_SHUTDOWN,
	COL_BYTES_ACKED,
	COL_BYTES_RECEIVED,
	COL_BYTES_SENT,
	COL_BYTES_RETRANS,
	COL_BUSY,
	COL_RWND_LIMITED,
	COL_SNDBUF_LIMITED,
	COL_PACING,
	COL_DELIVERY,
	COL_NOTSENT,
	COL_RCV_RTT,
	COL_UID,
	COL_INODE,
	COL_ACCEPTQ,
	COL_ACCEPTMAX,
	COL_ACCEPT_FILL,
	COL_SYNQ,
	COL_SYN_MAX,
	COL_SYN_FILL,
	COL_DROPS,
	COL_DROPS_DELTA,
	COL_REUSEPORT,
	COL_PROC,
	COL_PID,
	COL_USER,
	COL_NETNS,    /* -N all: the socket's network namespace */
	COL_LIMIT,    /* diagnosis: what limited sending (diagnose.c) */
	COL_FLAGS,    /* diagnosis: the connection's finding codes */
	COL_BDP,      /* diagnosis: estimated bandwidth-delay product */
	COL_PROBLEMS, /* sort key: worst finding's severity, then TX+RX rate (the default order) */
	COL_N
};

/* How a value is shown; JSON always carries the raw number. */
enum col_fmt {
	CF_TEXT,
	CF_ENDPOINT,
	CF_COUNT,   /* integer; SI-abbreviated when it does not fit */
	CF_BYTES,   /* bytes; K/M/G when it does not fit */
	CF_BITRATE, /* bits per second, SI */
	CF_USEC_MS, /* microseconds shown as milliseconds */
	CF_USEC_S,  /* microseconds shown as a duration */
};

enum cv_kind { CV_NONE, CV_U64, CV_F64, CV_STR, CV_EP };

/* A column's value for one row; CV_NONE = unavailable ("-" / null). */
struct cval {
	uint8_t kind;
	uint8_t family;
	uint16_t port;
	uint8_t addr[16];
	uint64_t u;
	double f;
	const char *s; /* static, row-lifetime, or points at buf */
	char buf[40];
};

enum { ALIGN_LEFT, ALIGN_RIGHT };
enum {
	COLF_DEFAULT = 1 << 0, /* in the default connection view */
	COLF_ASC = 1 << 1,     /* sorts ascending by default (text, addresses) */
	COLF_FLEX = 1 << 2,    /* takes spare width (addresses) */
	COLF_SORTNUM = 1 << 3, /* text shown, but sorted by the getter's number (skmem, timer) */
	COLF_LISTEN = 1 << 4,  /* listener-only: in JSON listener objects, not connection ones */
	COLF_FIT = 1 << 5,     /* narrower when the values are (State, Limit): width is the most */
	COLF_PROCS = 1 << 6,   /* from process attribution: empty says nothing when it is off */
	COLF_CUTEND = 1 << 7,  /* too long: cut the end, not the middle (names, lists) */
};

struct sortkey;

struct column {
	enum col_id id;
	const char *name;   /* for -s, --columns, the TUI picker */
	const char *json;   /* key in JSON connection objects; NULL: not in JSON */
	const char *header; /* table header */
	const char *help;   /* one line: meaning and unit */
	uint8_t width;      /* cells in the TUI and text tables */
	uint8_t maxwidth;   /* COLF_FLEX: may grow to this */
	uint8_t minwidth;   /* COLF_FLEX: may be narrowed to this (0: 15) before columns go */
	uint8_t align;
	uint8_t fmt; /* enum col_fmt */
	/*
	 * When the screen is narrow, larger numbers go first: 1 the answer
	 * (endpoints, state, rates, LIMIT, FLAGS), 2 who (Process), 3 the
	 * queues, 4 the main TCP numbers (RTT, Cwnd, RWnd, Rtx), then the rest.
	 */
	uint8_t prio;
	uint8_t needs; /* DIAG_EXT_* the kernel must send */
	uint8_t flags; /* COLF_* */
	void (*get)(const struct row *r, struct cval *v);
	/* optional: a JSON shape other than the plain value (objects) */
	void (*json_emit)(const struct row *r, struct json *j, const char *key);
	/* optional: the attribute that marks an alarming value */
	enum attr (*attr)(const struct row *r);
	/*
	 * optional: a sort key other than the getter's value (fills rank,
	 * none, num); f is the row's frame (its findings), or NULL
	 */
	void (*sortkey)(const struct frame *f, const struct row *r, struct sortkey *k);
};

const struct column *column_get(enum col_id id);
/* By name (or JSON key), case-insensitive; NULL if none. */
const struct column *column_by_name(const char *name);

/* The default connection view, in display order. */
extern const enum col_id column_default_view[];
extern const size_t column_default_view_len;
/* The listener view (LISTEN rows), in display order. */
extern const enum col_id column_listen_view[];
extern const size_t column_listen_view_len;

/* The kernel extensions (DIAG_EXT_*) a list of columns needs. */
uint8_t column_needs(const enum col_id *cols, size_t n);

/* Formats for a table cell of `width` cells; "-" when unavailable. Returns buf. */
char *column_format(const struct column *col, const struct row *r, int width, char *buf,
		    size_t len);
/* The same; the length of the text (cells written in place need no strlen). */
size_t column_format_n(const struct column *col, const struct row *r, int width, char *buf,
		       size_t len);
/* The length column_format_n would return with a buffer of len bytes, without writing it where cheap. */
size_t column_text_len(const struct column *col, const struct row *r, int width, size_t len);
/* Emits "key": value for the column into a JSON object (nothing if it has no key). */
void column_json(const struct column *col, const struct row *r, struct json *j);
/* The attribute for the cell (AT_NORMAL if nothing special, AT_DIM when unavailable). */
enum attr column_attr(const struct column *col, const struct row *r);

/* Sort keys: build one per row, then sort the keys. */
struct sortkey {
	uint8_t rank; /* a class compared before everything else (problems: the severity) */
	uint8_t none; /* unavailable: last within its rank */
	double num;
	uint8_t bytes[24]; /* text and endpoints: compared with memcmp */
	uint64_t cookie;   /* tie-break: deterministic order */
	uint32_t idx;      /* row index */
};
/* f: the frame r belongs to, for keys that read its findings (problems); may be NULL. */
void column_sortkey(const struct column *col, const struct frame *f, const struct row *r,
		    uint32_t idx, struct sortkey *k);
/*
 * Orders keys: rank, then unavailable last, then the value; `desc` reverses
 * rank and value but not "unavailable last" or the tie-break by cookie.
 */
int column_sortkey_cmp(const struct sortkey *a, const struct sortkey *b, bool numeric, bool desc);
bool column_is_numeric(const struct column *col);
/* True when the column sorts descending unless reversed. */
bool column_sort_desc(const struct column *col);

#endif
