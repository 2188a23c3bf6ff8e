/* SPDX-License-Identifier: GPL-2.0-or-later */
/* filter: the filter language: parsing, the exact user-space matcher, and the kernel part. */
#ifndef TCPTOP_FILTER_H
#define TCPTOP_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conn.h"
#include "diag.h"
#include "frame.h"
#include "strbuf.h"
#include "terr.h"

/*
 * The language (doc/FILTERS.md is the user's description):
 *
 *   expr    := and ( ("or" | "||" | "|") and )*
 *   and     := unary ( ["and" | "&&" | "&"] unary )*      "and" may be left out
 *   unary   := ("not" | "!") unary | "(" expr ")" | primitive
 *   primitive := port|sport|dport [CMP] PORT | port|sport|dport PORT-PORT | :PORT
 *              | src|dst|host [= | !=] HOST | state NAME
 *
 * `not` binds tighter than `and`, `and` tighter than `or` (ss evaluates and/or
 * left to right instead; write parentheses when mixing them in ss).
 *
 * Every primitive is one row of a table in src/filter.c that says how it
 * parses, how it matches in user space and what the kernel can do with it:
 * compile it to inet_diag bytecode, narrow the state mask, or nothing
 * (user-space only, e.g. a future `proc NAME`). Adding a primitive is one row.
 */

struct filter; /* opaque: the parsed expression, its text and its kernel part */

/*
 * Limits that keep every input cheap and the recursion shallow. The depth
 * counts every `not` and every and-group and or-group an operand is inside,
 * which is the nesting of the canonical form (filter_describe). Parentheses
 * that group nothing new are free, up to FILTER_MAX_PARENS.
 */
#define FILTER_MAX_TEXT 4096 /* bytes of expression text */
#define FILTER_MAX_DEPTH 64
#define FILTER_MAX_PARENS 256 /* nested '(' and `not` as written */
#define FILTER_MSG_MAX 120    /* longest error message */
/*
 * Longest bytecode handed to the kernel. diag.c builds the request in a
 * page-sized buffer and accepts half of it; a filter whose program would be
 * longer runs without bytecode (the state mask still applies, user space
 * still matches exactly).
 */
#define FILTER_BC_MAX 2048

/*
 * Parses `text`. Returns a filter the caller owns (filter_free), or NULL:
 *  - with e set: not a valid expression; e->msg is one line naming the
 *    problem and its 1-based column, after the text up to the bad token:
 *    "dport 99999: port out of range at column 7". It is complete in
 *    FILTER_MSG_MAX characters (the quoted text is cut from its left), so a
 *    status line never has to cut it.
 *  - with e clear (terr_isset(e) false): empty or blank text, "no filter".
 * NULL is "no filter" for every function below (it matches every socket), so
 * a caller can pass on whatever filter_parse returned once it checked e.
 * The filter keeps its own copy of the text; e may be NULL.
 */
struct filter *filter_parse(const char *text, struct terr *e);
void filter_free(struct filter *f);

/* The exact test, always applied in user space to what the kernel returned. */
bool filter_match(const struct filter *f, const struct row *r);
bool filter_match_conn(const struct filter *f, const struct conn *c);
/*
 * True when the filter uses `proc` or `pid`: they match the process
 * attribution of a row (row.proc), so attribution must stay on.
 */
bool filter_needs_procs(const struct filter *f);
/*
 * What a filter cannot see: a sentence when it uses `proc` or `pid` and other
 * users' processes cannot be read (all_procs false: privs_read_all_procs()),
 * so it can match only the user's own processes' sockets; NULL otherwise.
 */
const char *filter_privilege_note(const struct filter *f, bool all_procs);
/* filter_match as a view_match_fn: ctx is the filter. */
bool filter_view_match(const struct row *r, void *ctx);

/*
 * The kernel part, for a sock_diag request: sets req->states to a superset of
 * the states a match can have and req->bc/bclen to inet_diag bytecode that
 * accepts a superset of the matching sockets (NULL/0 when it would accept
 * everything). req->ext is left alone. The bytecode is borrowed from f: keep
 * f alive as long as a request (or a collector) holds it.
 */
void filter_kernel_req(const struct filter *f, struct diag_req *req);

/* A word of the language, for completion and help (filter_keyword). */
enum filter_word_kind {
	FW_PRIMITIVE, /* port, src, state, proc, ... */
	FW_LOGIC,     /* and, or, not */
	FW_COMPARE,   /* eq, ne, gt, ... (after a port primitive) */
	FW_STATE,     /* a state name or group, after `state` */
};
struct filter_word {
	const char *word; /* static */
	uint8_t kind;     /* enum filter_word_kind */
};
/* The i-th keyword (from the parser's own tables); .word is NULL past the last. */
struct filter_word filter_keyword(size_t i);

/* The text as the user wrote it (borrowed), NULL for no filter. */
const char *filter_text(const struct filter *f);
/*
 * Fully parenthesised canonical form; it parses back to the same filter
 * (unless spelling every operator out makes it longer than FILTER_MAX_TEXT).
 */
void filter_describe(const struct filter *f, struct strbuf *sb);

/*
 * A user-space model of the kernel's bytecode checker (inet_diag_bc_audit)
 * and interpreter (inet_diag_bc_run) for the operations tcptop emits. Tests
 * and the fuzzer use them to prove that the bytecode never rejects a match.
 */
bool filter_bc_valid(const void *bc, size_t len);
bool filter_bc_run(const void *bc, size_t len, const struct conn *c);

#endif
