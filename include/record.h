/* record: writes and reads recordings of raw inputs (netlink bytes and /proc files) per refresh. */
#ifndef TCPTOP_RECORD_H
#define TCPTOP_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "terr.h"

/*
 * File format (host byte order; a recording is replayed on the kind of host
 * that made it): the 16-byte magic "tcptop-record-1\n", then chunks of
 * { u32 type; u32 len; payload; zero padding to 4 bytes }:
 *   META    "key\0value"                        (before the first frame)
 *   FRAME   u64 monotonic ns, i64 realtime ns   (opens a refresh)
 *   NETLINK u32 family, then one recv() buffer  (as the kernel sent it)
 *   FILE    u32 errno, u32 name length, name, content (a /proc read; errno 0 = ok)
 *   END                                         (closes the refresh)
 */
enum rec_chunk { REC_META = 1, REC_FRAME, REC_NETLINK, REC_FILE, REC_END };
#define REC_MAGIC "tcptop-record-1\n"
#define REC_MAGIC_LEN 16

struct recorder; /* opaque: the file being written */

/* Writes atomically: the file appears at `path` when recorder_close succeeds. */
struct recorder *recorder_open(const char *path, struct terr *e);
void recorder_meta(struct recorder *r, const char *key, const char *value);
void recorder_frame(struct recorder *r, uint64_t mono_ns, int64_t real_ns);
void recorder_netlink(struct recorder *r, int family, const void *buf, size_t len);
void recorder_file(struct recorder *r, const char *name, const void *buf, size_t len, int err);
void recorder_end(struct recorder *r);
/* Commits the file; returns -1 with e set if any write failed. Frees r. */
int recorder_close(struct recorder *r, struct terr *e);

struct rec_blob {
	const void *data; /* borrowed from the replay buffer */
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

struct replay; /* opaque: a loaded recording */

/* Parses a whole recording held in memory; takes ownership of buf (malloc'd). Pure. */
struct replay *replay_parse(void *buf, size_t len, struct terr *e);
struct replay *replay_open(const char *path, struct terr *e);
void replay_free(struct replay *r);
size_t replay_nframes(const struct replay *r);
const struct rec_frame *replay_frame(const struct replay *r, size_t i);
/* A META value, or NULL. */
const char *replay_meta(const struct replay *r, const char *key);
/* The FILE blob of frame f named `name`, or NULL. */
const struct rec_blob *replay_file(const struct rec_frame *f, const char *name);

#endif
