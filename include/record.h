/* SPDX-License-Identifier: GPL-2.0-or-later */
/* record: writes and reads recordings of raw inputs (netlink bytes and /proc files) per refresh. */
#ifndef TCPTOP_RECORD_H
#define TCPTOP_RECORD_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "terr.h"

/*
 * The format is documented in doc/RECORDING.md. In short (host byte order;
 * a recording is replayed on the kind of host that made it): a 16-byte
 * magic "tcptop-record-N\n", then a stream of chunks
 * { u32 type; u32 len; payload; zero padding to 4 bytes }:
 *   META    "key\0value"                        (before the first frame)
 *   FRAME   u64 monotonic ns, i64 realtime ns   (opens a refresh)
 *   NETLINK u32 family, then one recv() buffer  (as the kernel sent it)
 *   FILE    u32 errno, u32 name length, name, content (a /proc read; errno 0 = ok)
 *   END                                         (closes the refresh)
 * Version 1 stores the chunks as they are. Version 2 (what is written now)
 * stores them as zstd frames, flushed at every END so that a file cut
 * anywhere decodes every whole refresh before the cut.
 */
enum rec_chunk { REC_META = 1, REC_FRAME, REC_NETLINK, REC_FILE, REC_END };
#define REC_MAGIC_V1 "tcptop-record-1\n"
#define REC_MAGIC_V2 "tcptop-record-2\n"
#define REC_MAGIC_LEN 16
#define REC_VERSION 2

/* A chunk larger than this is damage, not data (a /proc file of 200k sockets is ~30 MB). */
#define REC_MAX_CHUNK (256u << 20)
/* Nor is a refresh larger than this. */
#define REC_MAX_REFRESH ((size_t)1 << 30)
/*
 * zstd window: 2^24 = 16 MiB reaches back over a whole refresh of ~40,000
 * sockets (~400 B each), which is what lets one refresh compress against the
 * one before it; it is also the most memory the reader needs for it.
 */
#define REC_ZSTD_WINDOW_LOG 24
/*
 * A new zstd frame every this many refreshes: its checksum is checked then,
 * and stepping back decodes at most this many again (a frame is where a
 * reader can start afresh). Each new frame costs what a first refresh costs
 * over a later one, spread over 30: ~2% (doc/RECORDING.md).
 */
#define REC_REFRESHES_PER_ZFRAME 30

struct recorder; /* opaque: the file being written */

/*
 * Appends to `path` (see safefile.h: a new file is 0600; a FIFO, a char
 * device or "-" is written as a stream). Every refresh is written whole at
 * recorder_end, so the file is a valid recording after every refresh.
 */
struct recorder *recorder_open(const char *path, struct terr *e);
/* A stream's writes also give up when *stop turns true (safefile_write_all). */
void recorder_set_stop(struct recorder *r, const atomic_bool *stop);
/* The same, at a given format version (1 or 2): tests and benches. */
struct recorder *recorder_open_version(const char *path, int version, struct terr *e);
void recorder_meta(struct recorder *r, const char *key, const char *value);
void recorder_frame(struct recorder *r, uint64_t mono_ns, int64_t real_ns);
void recorder_netlink(struct recorder *r, int family, const void *buf, size_t len);
void recorder_file(struct recorder *r, const char *name, const void *buf, size_t len, int err);
/* Ends the refresh: compresses, writes and syncs it. */
void recorder_end(struct recorder *r);
/* Bytes written to the file so far. */
uint64_t recorder_bytes(const struct recorder *r);
/* Closes the file (a refresh still open is dropped); -1 with e set if any write failed. Frees r. */
int recorder_close(struct recorder *r, struct terr *e);

struct rec_blob {
	const void *data; /* borrowed from the reader: valid until the next replay_next */
	size_t len;
	int family;       /* NETLINK */
	int err;          /* FILE */
	const char *name; /* FILE, NUL-terminated copy */
};

struct rec_frame {
	uint64_t mono_ns;
	int64_t real_ns;
	struct rec_blob *netlink;
	size_t nnetlink;
	struct rec_blob *files;
	size_t nfiles;
};

struct replay; /* opaque: a recording being read, one refresh at a time */

/* Told the sanitised name of a stream that has sent nothing for 0.3 s while its header is awaited. */
typedef void replay_wait_fn(const char *shown);

/*
 * Opens a recording and reads its META chunks. The file is streamed: memory
 * is bounded by the largest refresh, not by the file, and a FIFO, a char
 * device or "-" (standard input) replays as it arrives. A stream's reads
 * (the open of a FIFO no one writes yet among them) give up with EINTR when
 * INT, TERM or HUP came (sigs_exit_signal) or *stop turns true (NULL: the
 * signals only), within 0.2 s. `waiting` (NULL: none) is called once if
 * the stream sends nothing of its header within 0.3 s, then the wait goes on.
 */
struct replay *replay_open(const char *path, const atomic_bool *stop, replay_wait_fn *waiting,
			   struct terr *e);
/* The same over bytes in memory (borrowed; they must outlive the replay). Pure. */
struct replay *replay_open_mem(const void *data, size_t len, struct terr *e);
void replay_free(struct replay *r);
/*
 * Reads the next whole refresh: 1 with *f set (valid until the next call),
 * 0 at the end (see replay_note), -1 with e set on a corrupt or foreign file
 * (the message names the offset).
 */
int replay_next(struct replay *r, const struct rec_frame **f, struct terr *e);
/*
 * Makes the next replay_next read refresh i (from 0). Forward it reads on
 * (indexing what it passes); back it restarts from the nearest refresh that
 * decodes on its own (version 1: that refresh itself; version 2: the first
 * of its zstd frame, at most REC_REFRESHES_PER_ZFRAME - 1 before) and reads
 * forward from there. The index costs 24 bytes per point, not the file.
 * -1 with e set: past the end (the position is then the end), damage on the
 * way (the message names the offset), or back on a stream (FIFO, stdin).
 */
int replay_seek(struct replay *r, size_t i, struct terr *e);
/*
 * Refresh i (from 0): replay_seek + replay_next. NULL past the end, on
 * damage, or on a stream that cannot go back. Valid until the next call.
 */
const struct rec_frame *replay_frame(const struct replay *r, size_t i);
/* The refresh the next replay_next reads (= whole refreshes read since the start, or the seek). */
size_t replay_count(const struct replay *r);
/* The most refreshes known to exist; *all: the end was reached, so that is every one. */
size_t replay_seen(const struct replay *r, bool *all);
/* The damage that stopped reading (naming the offset), or NULL: refreshes before it still read. */
const char *replay_damage(const struct replay *r);
/* Whether replay_seek can go back (a regular file or memory, not a stream). */
bool replay_can_go_back(const struct replay *r);
/* The format version (1, 2). */
int replay_version(const struct replay *r);
/*
 * After replay_next returned 0: how the recording ended when it did not end
 * cleanly ("recording ends inside refresh 12 at offset N"), else NULL.
 */
const char *replay_note(const struct replay *r);
/* A META value, or NULL. Raw bytes from the file: sanitise before showing. */
const char *replay_meta(const struct replay *r, const char *key);
/* The FILE blob of frame f named `name`, or NULL. */
const struct rec_blob *replay_file(const struct rec_frame *f, const char *name);

#endif
