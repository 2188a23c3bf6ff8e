/* SPDX-License-Identifier: GPL-2.0-or-later */
/* source: where a refresh's raw inputs come from (kernel and /proc, or a recording), and recording them. */
#ifndef TCPTOP_SOURCE_H
#define TCPTOP_SOURCE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "diag.h"
#include "sample.h"
#include "strbuf.h"
#include "terr.h"

/*
 * Where a replay is, for a position line ("refresh 12 of 240"). The source
 * keeps it current after every source_begin and source_seek, in the thread
 * that calls them (the one that reads it there needs no lock).
 */
struct source_pos {
	size_t shown;     /* index (0-based) of the refresh the last source_begin read */
	size_t seen;      /* refreshes known to exist */
	bool all_seen;    /* the end was reached: `seen` is every refresh */
	bool can_go_back; /* a regular file: a FIFO or stdin only goes forward */
	bool at_end;      /* the last source_begin found no more (1) or damage (-1) */
	const char *note; /* how a recording cut short ends (replay_note), or NULL */
	char damage[512]; /* the damage that stopped it, naming the offset; "" = none */
};

struct source_cfg {
	const char *proc_root;   /* default "/proc" (or $PROC_ROOT) */
	const char *replay_path; /* read inputs from this recording instead of the kernel */
	const char *record_path; /* also write the inputs to this recording */
	struct source_pos *pos;  /* a replay keeps this current (borrowed; NULL: not wanted) */
	/* a stream (replayed, or recorded to) stops waiting when this turns true */
	const atomic_bool *stop;
	/* a replay of a stream: told if its header has not come within 0.3 s (NULL: not) */
	void (*waiting)(const char *shown);
};

struct source; /* opaque */

struct source *source_open(const struct source_cfg *cfg, struct terr *e);
/* Finishes a recording (committing the file); returns -1 with e set if that failed. */
int source_close(struct source *s, struct terr *e);

/*
 * Starts one refresh and gives its timestamps. Returns 0, 1 at the end of a
 * replay, or -1 with e set.
 */
int source_begin(struct source *s, uint64_t *mono_ns, int64_t *real_ns, struct terr *e);
/* Dumps IPv4 and IPv6 sockets into smp. A replay ignores req (it has what was recorded). */
int source_dump(struct source *s, const struct diag_req *req, struct sample *smp, struct terr *e);
/* Reads a file relative to the proc root ("net/netstat", "sys/net/core/somaxconn"). */
int source_read(struct source *s, const char *rel, struct strbuf *out, struct terr *e);
void source_end(struct source *s);

/*
 * Adds to the refresh being recorded (no-op when not recording): a dump
 * buffer made elsewhere (-N all's per-namespace sockets) and a file by
 * name. Whether this source records.
 */
void source_record_netlink(struct source *s, int family, const void *buf, size_t len);
void source_record_file(struct source *s, const char *rel, const void *buf, size_t len);
bool source_recording(const struct source *s);

bool source_is_replay(const struct source *s);
/*
 * After source_begin returned 1 on a replay: how the recording ended if it
 * did not end cleanly ("recording ends inside refresh 12 at offset N"), else
 * NULL. Safe to print (the file name in it is sanitised).
 */
const char *source_replay_note(const struct source *s);
/*
 * A replay only: the next source_begin reads refresh `index` (0-based).
 * Backward (from the nearest independent point, record.h replay_seek) and
 * forward (reading ahead). -1 with e set when the recording does not hold
 * it (the position is then its end), is damaged on the way, or cannot go
 * back (a stream).
 */
int source_seek(struct source *s, size_t index, struct terr *e);
/*
 * Host name and kernel release of the watched host (recorded ones on replay):
 * raw bytes, exact for JSON; sanitise (sanitize_text) before a terminal.
 */
const char *source_hostname(const struct source *s);
const char *source_kernel(const struct source *s);

#endif
