/* SPDX-License-Identifier: GPL-2.0-or-later */
/* record: recordings of raw inputs, appended one whole refresh at a time and streamed back. */
#include "record.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include "fatal.h"
#include "privs.h"
#include "safefile.h"
#include "sanitize.h"
#include "sigs.h"
#include "strbuf.h"

/* Level 3 (zstd's default) with long-distance matching: see doc/RECORDING.md for the figures. */
#define REC_ZSTD_LEVEL 3

struct recorder {
	struct safefile f;
	int version;
	ZSTD_CCtx *z;        /* version 2 */
	struct strbuf buf;   /* the refresh being built, uncompressed */
	struct strbuf out;   /* its compressed bytes */
	bool in_frame;       /* a FRAME was put and its END not yet */
	unsigned zrefreshes; /* refreshes in the current zstd frame */
	uint64_t bytes;
	struct terr err;
	int failed;
};

static void put_chunk(struct recorder *r, uint32_t type, const void *a, size_t alen, const void *b,
		      size_t blen)
{
	static const char pad[4];
	uint32_t hdr[2] = { type, (uint32_t)(alen + blen) };
	size_t total = alen + blen;

	sb_add(&r->buf, (const char *)hdr, sizeof(hdr));
	if (alen)
		sb_add(&r->buf, a, alen);
	if (blen)
		sb_add(&r->buf, b, blen);
	if (total % 4)
		sb_add(&r->buf, pad, 4 - total % 4);
}

static void write_out(struct recorder *r, const void *p, size_t n)
{
	if (r->failed || !n)
		return;
	if (safefile_write_all(&r->f, p, n, &r->err) < 0)
		r->failed = 1;
	else
		r->bytes += n;
}

/* Compresses the pending chunks; `end` closes the zstd frame (a fresh one starts after). */
static void compress_pending(struct recorder *r, bool end)
{
	ZSTD_inBuffer in = { r->buf.s, r->buf.len, 0 };
	size_t rem;

	sb_reset(&r->out);
	do {
		size_t room = ZSTD_CStreamOutSize();
		ZSTD_outBuffer o;

		sb_fill(&r->out, '\0', room); /* grow; the bytes are overwritten */
		o = (ZSTD_outBuffer){ r->out.s + r->out.len - room, room, 0 };
		rem = ZSTD_compressStream2(r->z, &o, &in, end ? ZSTD_e_end : ZSTD_e_flush);
		r->out.len -= room - o.pos;
		if (ZSTD_isError(rem)) {
			terr_set(&r->err, "cannot compress the recording: %s",
				 ZSTD_getErrorName(rem));
			r->failed = 1;
			return;
		}
	} while (rem != 0);
}

/* Writes what is pending as one write(): a refresh reaches the file whole or not at all. */
static void flush(struct recorder *r, bool end)
{
	if (!r->failed && (r->buf.len || end)) {
		if (r->version == 1) {
			write_out(r, r->buf.s, r->buf.len);
		} else {
			compress_pending(r, end);
			write_out(r, r->out.s, r->out.len);
		}
	}
	sb_reset(&r->buf);
}

void recorder_set_stop(struct recorder *r, const atomic_bool *stop)
{
	r->f.stop = stop;
}

struct recorder *recorder_open_version(const char *path, int version, struct terr *e)
{
	struct recorder *r = xcalloc(1, sizeof(*r));

	r->version = version;
	if (safefile_open_kind(&r->f, path, SAFEFILE_RECORDING, e) < 0) {
		free(r);
		return NULL;
	}
	if (version != 1) {
		r->z = ZSTD_createCCtx();
		if (!r->z)
			fatal("out of memory creating a zstd context");
		ZSTD_CCtx_setParameter(r->z, ZSTD_c_compressionLevel, REC_ZSTD_LEVEL);
		ZSTD_CCtx_setParameter(r->z, ZSTD_c_windowLog, REC_ZSTD_WINDOW_LOG);
		ZSTD_CCtx_setParameter(r->z, ZSTD_c_enableLongDistanceMatching, 1);
		ZSTD_CCtx_setParameter(r->z, ZSTD_c_checksumFlag, 1);
	}
	write_out(r, version == 1 ? REC_MAGIC_V1 : REC_MAGIC_V2, REC_MAGIC_LEN);
	if (r->failed) {
		*e = r->err;
		ZSTD_freeCCtx(r->z);
		safefile_abort(&r->f);
		free(r);
		return NULL;
	}
	return r;
}

struct recorder *recorder_open(const char *path, struct terr *e)
{
	return recorder_open_version(path, REC_VERSION, e);
}

void recorder_meta(struct recorder *r, const char *key, const char *value)
{
	put_chunk(r, REC_META, key, strlen(key) + 1, value, strlen(value));
}

void recorder_frame(struct recorder *r, uint64_t mono_ns, int64_t real_ns)
{
	unsigned char p[16];

	memcpy(p, &mono_ns, 8);
	memcpy(p + 8, &real_ns, 8);
	put_chunk(r, REC_FRAME, p, sizeof(p), NULL, 0);
	r->in_frame = true;
}

void recorder_netlink(struct recorder *r, int family, const void *buf, size_t len)
{
	uint32_t fam = (uint32_t)family;

	put_chunk(r, REC_NETLINK, &fam, sizeof(fam), buf, len);
}

void recorder_file(struct recorder *r, const char *name, const void *buf, size_t len, int err)
{
	uint32_t h[2] = { (uint32_t)err, (uint32_t)strlen(name) };
	struct strbuf tmp = STRBUF_INIT;

	sb_add(&tmp, (const char *)h, sizeof(h));
	sb_puts(&tmp, name);
	put_chunk(r, REC_FILE, tmp.s, tmp.len, buf, len);
	sb_free(&tmp);
}

void recorder_end(struct recorder *r)
{
	put_chunk(r, REC_END, NULL, 0, NULL, 0);
	r->in_frame = false;
	flush(r, ++r->zrefreshes >= REC_REFRESHES_PER_ZFRAME);
	if (r->zrefreshes >= REC_REFRESHES_PER_ZFRAME)
		r->zrefreshes = 0;
	/* on disk at every refresh boundary: a power cut loses at most the refresh being made */
	if (!r->failed && safefile_sync(&r->f, &r->err) < 0)
		r->failed = 1;
}

uint64_t recorder_bytes(const struct recorder *r)
{
	return r->bytes;
}

int recorder_close(struct recorder *r, struct terr *e)
{
	int ret;

	/* an unfinished refresh is dropped whole; the header chunks before any refresh stay */
	if (r->in_frame)
		sb_reset(&r->buf);
	flush(r, r->version != 1);
	if (r->failed) {
		*e = r->err;
		safefile_abort(&r->f);
		ret = -1;
	} else {
		ret = safefile_commit(&r->f, e);
	}
	ZSTD_freeCCtx(r->z);
	sb_free(&r->buf);
	sb_free(&r->out);
	free(r);
	return ret;
}

/* ---- reading ---- */

struct meta {
	char *key;
	char *value;
};

struct replay {
	struct replay
		*self; /* replay_frame moves a const replay's cursor, as a file offset would */
	int fd;        /* -1: reading from mem */
	bool own_fd;
	bool waits;              /* a stream: reads wait in turns (sigs_wait_fd) */
	const atomic_bool *stop; /* the owner's "give up waiting" (NULL: signals only) */
	replay_wait_fn *waiting; /* while the header is read: told once that the stream waits */
	const unsigned char *mem;
	size_t memlen, mempos;
	char shown[256]; /* the file's name, safe for messages */
	int version;
	ZSTD_DCtx *z;
	unsigned char *raw; /* compressed input not yet decoded */
	size_t rawlen, rawpos;
	bool raw_eof, zpending, zframe_open;
	uint64_t file_off;  /* bytes read from the file */
	size_t zhint;       /* zstd's last "next input size" hint (see block_cut) */
	size_t zframe_out;  /* bytes decoded from the current zstd frame */
	unsigned char *buf; /* the decoded chunk stream: [0, len), parsed up to pos */
	size_t len, pos, cap;
	uint64_t base; /* stream offset of buf[0] */
	struct rec_frame frame;
	size_t netcap, filecap;
	struct strbuf names; /* this refresh's FILE names, NUL-terminated */
	struct meta *meta;
	size_t nmeta, metacap;
	size_t count;
	bool have; /* frame holds refresh `count` */
	char note[256];
	/* seeking (replay_seek) */
	bool seekable;            /* a regular file or memory: it can go back */
	struct rec_point *points; /* refreshes that decode on their own, ascending */
	size_t npoints, pointcap;
	struct rec_point *zends; /* zstd frame ends decoded, not yet matched to a refresh */
	size_t nzends, zendcap;
	size_t seen;      /* the most refreshes read so far */
	bool ended;       /* the end (or damage) was reached: `seen` is every refresh */
	char damage[512]; /* the damage found, repeated if asked to read past it */
};

/*
 * A place a refresh can be read from without what came before it: in
 * version 1 every refresh (an offset), in version 2 the first refresh of
 * each zstd frame (a fresh decoder at that file offset). 16-24 bytes per
 * point: an hour at 1 s is 3,600 points in version 1, 6 per 600 in version 2.
 */
struct rec_point {
	size_t refresh;
	uint64_t stream; /* offset in the decoded chunk stream */
	uint64_t file;   /* offset in the file */
};

#define RAW_CHUNK 65536
/* A frame starts with its magic and header descriptor (RFC 8878 3.1.1): zstd hints from there. */
#define ZSTD_FRAME_PREFIX 5

void replay_free(struct replay *r)
{
	if (!r)
		return;
	if (r->own_fd)
		close(r->fd);
	ZSTD_freeDCtx(r->z);
	for (size_t i = 0; i < r->nmeta; i++) {
		free(r->meta[i].key);
		free(r->meta[i].value);
	}
	free(r->meta);
	free(r->raw);
	free(r->buf);
	free(r->frame.netlink);
	free(r->frame.files);
	free(r->points);
	free(r->zends);
	sb_free(&r->names);
	free(r);
}

/* Reads from the file or the memory image: bytes read, 0 at the end, -1 with errno. */
static ssize_t raw_read(struct replay *r, void *dst, size_t n)
{
	if (r->fd < 0) {
		size_t k = r->memlen - r->mempos < n ? r->memlen - r->mempos : n;

		memcpy(dst, r->mem + r->mempos, k);
		r->mempos += k;
		return (ssize_t)k;
	}
	for (;;) {
		ssize_t k;

		if (r->waits && r->waiting) {
			struct pollfd p = { r->fd, POLLIN, 0 };

			/* the first read only: no bytes yet, the owner's screen cannot say so */
			if (poll(&p, 1, 300) == 0)
				r->waiting(r->shown);
			r->waiting = NULL;
		}
		/* a stream can stall for ever: INT, TERM, HUP or the owner's stop end the wait */
		if (r->waits && !sigs_wait_fd(r->fd, POLLIN, r->stop, 0)) {
			errno = EINTR;
			return -1;
		}
		k = read(r->fd, dst, n);
		/* EAGAIN: stdin's flags are the shell's, and another reader took the bytes */
		if (k >= 0 || (errno != EINTR && !(r->waits && errno == EAGAIN)))
			return k;
	}
}

static void reserve(struct replay *r, size_t room)
{
	if (r->cap - r->len >= room)
		return;
	r->buf = xgrow(r->buf, &r->cap, r->len + room, 1);
}

/* Decodes more of the stream into buf: 1 if bytes came, 0 at the end, -1 with e set. */
static int pull(struct replay *r, struct terr *e)
{
	if (r->version == 1) {
		ssize_t n;

		reserve(r, RAW_CHUNK);
		n = raw_read(r, r->buf + r->len, RAW_CHUNK);
		if (n < 0) {
			terr_set(e, "cannot read %s: %s", r->shown, strerror(errno));
			return -1;
		}
		r->len += (size_t)n;
		r->file_off += (uint64_t)n;
		return n > 0;
	}
	for (;;) {
		ZSTD_inBuffer in;
		ZSTD_outBuffer out;
		size_t ret, room = ZSTD_DStreamOutSize();

		if (r->rawpos == r->rawlen && !r->zpending && !r->raw_eof) {
			ssize_t n = raw_read(r, r->raw, RAW_CHUNK);

			if (n < 0) {
				terr_set(e, "cannot read %s: %s", r->shown, strerror(errno));
				return -1;
			}
			r->rawpos = 0;
			r->rawlen = (size_t)n;
			r->raw_eof = n == 0;
		}
		if (r->rawpos == r->rawlen && !r->zpending)
			return 0;
		reserve(r, room);
		/*
		 * No more than zstd asks for (the rest of a block and the next
		 * block's header): damage then fails only its own block, after
		 * every refresh before it was handed out, and the offset named
		 * is that block's.
		 */
		in = (ZSTD_inBuffer){ r->raw + r->rawpos, r->rawlen - r->rawpos, 0 };
		if (in.size > (r->zhint ? r->zhint : ZSTD_FRAME_PREFIX))
			in.size = r->zhint ? r->zhint : ZSTD_FRAME_PREFIX;
		out = (ZSTD_outBuffer){ r->buf + r->len, room, 0 };
		ret = ZSTD_decompressStream(r->z, &out, &in);
		if (ZSTD_isError(ret)) {
			terr_set(e, "corrupt compressed data at offset %llu: %s",
				 (unsigned long long)(r->file_off + in.pos),
				 ZSTD_getErrorName(ret));
			return -1;
		}
		r->rawpos += in.pos;
		r->file_off += in.pos;
		r->len += out.pos;
		r->zframe_open = ret != 0;
		/* a full output buffer may leave decoded bytes inside zstd */
		r->zpending = out.pos == room;
		r->zhint = ret;
		r->zframe_out = ret == 0 ? 0 : r->zframe_out + out.pos;
		if (ret == 0) {
			/* a frame ended: the refresh starting here decodes on its own */
			r->zends = xgrow(r->zends, &r->zendcap, r->nzends + 1, sizeof(*r->zends));
			r->zends[r->nzends++] = (struct rec_point){ .stream = r->base + r->len,
								    .file = r->file_off };
		}
		if (out.pos)
			return 1;
	}
}

/* Makes buf hold stream bytes up to pos + n: 0, 1 at the end of the file, or -1. */
static int need(struct replay *r, size_t upto, struct terr *e)
{
	while (r->len < upto) {
		int got = pull(r, e);

		if (got <= 0)
			return got < 0 ? -1 : 1;
	}
	return 0;
}

/*
 * Whether the compressed input ended inside a block. Between blocks zstd asks
 * for exactly a block header next (3 bytes, RFC 8878 3.1.1.2) and at the end
 * of a frame for nothing; any other hint means it holds part of a block (or
 * of a header, or of the checksum) that will never be completed.
 */
#define ZSTD_BLOCK_HEADER 3
static bool block_cut(const struct replay *r)
{
	/* a frame header alone was written with the refresh that never followed */
	return r->version == 2 && ((r->zhint != 0 && r->zhint != ZSTD_BLOCK_HEADER) ||
				   (r->zframe_open && r->zframe_out == 0));
}

/* Where a stream offset is, in words that hold for both versions. */
static void where(const struct replay *r, size_t at, char *dst, size_t n)
{
	unsigned long long so = (unsigned long long)(r->base + at);

	if (r->version == 1)
		snprintf(dst, n, "offset %llu", so + REC_MAGIC_LEN);
	else
		snprintf(dst, n, "offset %llu of the decompressed stream (file offset %llu)", so,
			 (unsigned long long)r->file_off);
}

static const char *chunk_name(uint32_t type)
{
	static const char *const names[] = {
		[REC_META] = "META", [REC_FRAME] = "FRAME", [REC_NETLINK] = "NETLINK",
		[REC_FILE] = "FILE", [REC_END] = "END",
	};

	return type < sizeof(names) / sizeof(names[0]) && names[type] ? names[type] : "?";
}

/* Checks one chunk's shape and place; `open` tracks FRAME..END. Pure. */
static const char *check_chunk(uint32_t type, const unsigned char *p, uint32_t len, bool *open)
{
	uint32_t h[2];

	switch (type) {
	case REC_META:
		return memchr(p, '\0', len) ? NULL : "META chunk without a key terminator";
	case REC_FRAME:
		if (*open)
			return "FRAME chunk inside an open frame";
		if (len != 16)
			return "FRAME chunk not of 16 bytes";
		*open = true;
		return NULL;
	case REC_NETLINK:
		if (!*open)
			return "NETLINK chunk outside a frame";
		return len < 4 ? "NETLINK chunk too short" : NULL;
	case REC_FILE:
		if (!*open)
			return "FILE chunk outside a frame";
		if (len < 8)
			return "FILE chunk too short";
		memcpy(h, p, 8);
		return h[1] > len - 8 ? "FILE chunk name overruns the chunk" : NULL;
	case REC_END:
		if (!*open)
			return "END chunk outside a frame";
		*open = false;
		return NULL;
	default:
		return "unknown chunk type";
	}
}

static void keep_meta(struct replay *r, const unsigned char *p, uint32_t len)
{
	size_t klen = strlen((const char *)p); /* terminated: checked */
	struct meta *m = NULL;

	/* read again after a seek, or set again between refreshes: the last value counts */
	for (size_t i = 0; i < r->nmeta && !m; i++)
		if (!strcmp(r->meta[i].key, (const char *)p))
			m = &r->meta[i];
	if (m) {
		free(m->value);
	} else {
		r->meta = xgrow(r->meta, &r->metacap, r->nmeta + 1, sizeof(*r->meta));
		m = &r->meta[r->nmeta++];
		m->key = xstrdup((const char *)p);
	}
	m->value = xmalloc(len - klen);
	memcpy(m->value, p + klen + 1, len - klen - 1);
	m->value[len - klen - 1] = '\0';
}

static struct rec_blob *add_blob(struct rec_blob **v, size_t *n, size_t *cap)
{
	*v = xgrow(*v, cap, *n + 1, sizeof(**v));
	memset(&(*v)[*n], 0, sizeof(**v));
	return &(*v)[(*n)++];
}

/* Fills r->frame from the checked chunks in buf[from, to); the buffer no longer moves. */
static void extract(struct replay *r, size_t from, size_t to)
{
	struct rec_frame *f = &r->frame;

	f->nnetlink = f->nfiles = 0;
	/* room for every name at once (each FILE chunk is longer than its name + NUL): no move */
	sb_reset(&r->names);
	sb_fill(&r->names, '\0', to - from);
	sb_reset(&r->names);
	for (size_t off = from; off < to;) {
		uint32_t h[2], fh[2];
		const unsigned char *p = r->buf + off + 8;
		struct rec_blob *b;

		memcpy(h, r->buf + off, 8);
		switch (h[0]) {
		case REC_META:
			keep_meta(r, p, h[1]);
			break;
		case REC_FRAME:
			memcpy(&f->mono_ns, p, 8);
			memcpy(&f->real_ns, p + 8, 8);
			break;
		case REC_NETLINK:
			b = add_blob(&f->netlink, &f->nnetlink, &r->netcap);
			memcpy(&b->family, p, 4);
			b->data = p + 4;
			b->len = h[1] - 4;
			break;
		case REC_FILE:
			memcpy(fh, p, 8);
			b = add_blob(&f->files, &f->nfiles, &r->filecap);
			b->err = (int)fh[0];
			b->data = p + 8 + fh[1];
			b->len = h[1] - 8 - fh[1];
			b->name = r->names.s + r->names.len;
			sb_add(&r->names, (const char *)p + 8, fh[1]);
			sb_putc(&r->names, '\0');
			break;
		default:
			break;
		}
		off += 8 + (((size_t)h[1] + 3u) & ~(size_t)3u);
	}
}

/*
 * Reads chunks from pos until an END (or, before the first frame, until the
 * next FRAME header when `meta_only`). Returns 1 with [pos, *to) a whole
 * refresh, 0 at the end of the file (r->note says how), -1 on damage.
 */
static int scan(struct replay *r, bool meta_only, size_t *to, struct terr *e)
{
	bool open = false;
	size_t off = r->pos;
	char at[160];

	for (;;) {
		uint32_t h[2];
		size_t padded;
		const char *why;
		int rc = need(r, off + 8, e);

		if (rc < 0)
			return -1;
		if (rc > 0) {
			*to = off;
			if (off == r->len && !open && !block_cut(r)) {
				if (r->version == 2 && r->zframe_open && !meta_only)
					snprintf(r->note, sizeof(r->note),
						 "recording was not closed: it ends after refresh "
						 "%zu at offset %llu",
						 r->count, (unsigned long long)r->file_off);
				return 0;
			}
			snprintf(r->note, sizeof(r->note),
				 "recording ends inside refresh %zu at offset %llu", r->count + 1,
				 (unsigned long long)r->file_off);
			return 0;
		}
		memcpy(h, r->buf + off, 8);
		if (meta_only && h[0] != REC_META) {
			*to = off;
			return 1;
		}
		if (h[1] > REC_MAX_CHUNK || off - r->pos + h[1] > REC_MAX_REFRESH) {
			where(r, off, at, sizeof(at));
			terr_set(e, "%s chunk at %s claims %u bytes, more than a recording holds",
				 chunk_name(h[0]), at, h[1]);
			return -1;
		}
		padded = ((size_t)h[1] + 3u) & ~(size_t)3u;
		rc = need(r, off + 8 + padded, e);
		if (rc < 0)
			return -1;
		if (rc > 0) {
			*to = off;
			snprintf(r->note, sizeof(r->note),
				 "recording ends inside refresh %zu at offset %llu (its last chunk "
				 "claims %u bytes, %zu left)",
				 r->count + 1, (unsigned long long)r->file_off, h[1],
				 r->len - off - 8);
			return 0;
		}
		why = check_chunk(h[0], r->buf + off + 8, h[1], &open);
		if (why) {
			where(r, off, at, sizeof(at));
			terr_set(e, "%s (type %u) at %s", why, h[0], at);
			return -1;
		}
		off += 8 + padded;
		if (h[0] == REC_END) {
			*to = off;
			return 1;
		}
	}
}

/* Drops the stream bytes before pos: the previous refresh is no longer borrowed. */
static void compact(struct replay *r)
{
	if (!r->pos)
		return; /* also: nothing read yet, buf may be NULL */
	memmove(r->buf, r->buf + r->pos, r->len - r->pos);
	r->len -= r->pos;
	r->base += r->pos;
	r->pos = 0;
}

/* Refresh `count` starts at stream offset `at`: remember it if it decodes on its own. */
static void index_refresh(struct replay *r, uint64_t at)
{
	struct rec_point pt = { .refresh = r->count, .stream = at, .file = at + REC_MAGIC_LEN };
	size_t k = 0;
	bool found;

	if (r->npoints && r->points[r->npoints - 1].refresh >= r->count)
		return; /* indexed on an earlier pass */
	if (r->version == 2) {
		while (k < r->nzends && r->zends[k].stream < at)
			k++;
		found = k < r->nzends && r->zends[k].stream == at;
		if (found)
			pt.file = r->zends[k++].file;
		/* the ends passed are behind: forget them */
		if (k && k < r->nzends)
			memmove(r->zends, r->zends + k, (r->nzends - k) * sizeof(*r->zends));
		r->nzends -= k;
		if (!found)
			return;
	}
	r->points = xgrow(r->points, &r->pointcap, r->npoints + 1, sizeof(*r->points));
	r->points[r->npoints++] = pt;
}

int replay_next(struct replay *r, const struct rec_frame **f, struct terr *e)
{
	uint64_t at;
	size_t to;
	int rc;

	r->have = false;
	if (r->damage[0] && r->count == r->seen) {
		/* the decoder stopped there: say it again rather than read on from a broken state */
		terr_set(e, "%s", r->damage);
		return -1;
	}
	compact(r);
	at = r->base + r->pos;
	rc = scan(r, false, &to, e);
	if (rc <= 0) {
		if (e && rc < 0) {
			terr_prefix(e, "%s", r->shown);
			snprintf(r->damage, sizeof(r->damage), "%s", e->msg);
		}
		r->ended = true;
		return rc;
	}
	index_refresh(r, at);
	extract(r, r->pos, to);
	r->pos = to;
	r->count++;
	if (r->count > r->seen)
		r->seen = r->count;
	r->have = true;
	*f = &r->frame;
	return 1;
}

/* Reads the magic and the META chunks from the start of the input: 0, or -1 with e set. */
static int begin(struct replay *r, struct terr *e)
{
	char magic[REC_MAGIC_LEN];
	size_t got = 0, to;

	while (got < REC_MAGIC_LEN) {
		ssize_t n = raw_read(r, magic + got, REC_MAGIC_LEN - got);

		if (n < 0) {
			terr_set(e, "cannot read %s: %s", r->shown, strerror(errno));
			return -1;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	r->file_off = got;
	if (got == REC_MAGIC_LEN && !memcmp(magic, REC_MAGIC_V1, REC_MAGIC_LEN)) {
		r->version = 1;
	} else if (got == REC_MAGIC_LEN && !memcmp(magic, REC_MAGIC_V2, REC_MAGIC_LEN)) {
		r->version = 2;
		if (!r->z)
			r->z = ZSTD_createDCtx();
		if (!r->z)
			fatal("out of memory creating a zstd context");
		/* a window larger than ours is a foreign file, and would cost its size in memory */
		ZSTD_DCtx_setParameter(r->z, ZSTD_d_windowLogMax, REC_ZSTD_WINDOW_LOG);
		if (!r->raw)
			r->raw = xmalloc(RAW_CHUNK);
	} else if (got == REC_MAGIC_LEN && !memcmp(magic, "tcptop-record-", 14)) {
		terr_set(e,
			 "%s: recording format version %c is not one this tcptop reads (1, 2); "
			 "a newer tcptop made it",
			 r->shown, magic[14] >= 0x20 && magic[14] < 0x7f ? magic[14] : '?');
		return -1;
	} else {
		terr_set(e, "%s: not a tcptop recording (bad magic)", r->shown);
		return -1;
	}
	if (scan(r, true, &to, e) < 0) {
		terr_prefix(e, "%s", r->shown);
		return -1;
	}
	extract(r, 0, to);
	r->pos = to;
	r->note[0] = '\0';
	return 0;
}

static struct replay *start(struct replay *r, struct terr *e)
{
	r->self = r;
	if (begin(r, e) < 0) {
		replay_free(r);
		return NULL;
	}
	return r;
}

/*
 * Back to a point (NULL: the first byte, where the META chunks are read
 * again): a fresh decoder, nothing read since forgotten.
 */
static int restart_at(struct replay *r, const struct rec_point *pt, struct terr *e)
{
	uint64_t file = pt ? pt->file : 0;

	if (r->fd >= 0 && lseek(r->fd, (off_t)file, SEEK_SET) < 0) {
		terr_set(e, "%s: cannot go back in it: %s", r->shown, strerror(errno));
		return -1;
	}
	r->mempos = (size_t)file;
	if (r->z)
		ZSTD_DCtx_reset(r->z, ZSTD_reset_session_only);
	r->rawlen = r->rawpos = 0;
	r->raw_eof = r->zpending = r->zframe_open = false;
	r->len = r->pos = 0;
	r->base = pt ? pt->stream : 0;
	r->file_off = file;
	r->zhint = r->zframe_out = 0;
	r->count = pt ? pt->refresh : 0;
	r->have = false;
	r->nzends = 0;
	if (!pt) {
		/* how the file ends is still true of it */
		char note[sizeof(r->note)];
		int rc;

		memcpy(note, r->note, sizeof(note));
		rc = begin(r, e);
		memcpy(r->note, note, sizeof(note));
		return rc;
	}
	return 0;
}

int replay_seek(struct replay *r, size_t i, struct terr *e)
{
	const struct rec_point *pt = NULL;
	const struct rec_frame *f;

	if (i == r->count)
		return 0;
	if (r->ended && i >= r->seen) {
		terr_set(e, "%s holds %zu refreshes: there is no refresh %zu", r->shown, r->seen,
			 i + 1);
		return -1;
	}
	if (i < r->count) {
		if (!r->seekable) {
			terr_set(e, "%s is a stream: it cannot go back (forward still works)",
				 r->shown);
			return -1;
		}
		/* the last point at or before i; the refreshes after it are decoded again */
		for (size_t k = r->npoints; k-- > 0 && !pt;)
			if (r->points[k].refresh <= i)
				pt = &r->points[k];
		if (restart_at(r, pt, e) < 0)
			return -1;
	}
	while (r->count < i) {
		int rc = replay_next(r, &f, e);

		if (rc < 0)
			return -1;
		if (rc == 0) {
			terr_set(e, "%s holds %zu refreshes: there is no refresh %zu", r->shown,
				 r->seen, i + 1);
			return -1;
		}
	}
	return 0;
}

const struct rec_frame *replay_frame(const struct replay *cr, size_t i)
{
	struct replay *r = cr->self;
	const struct rec_frame *f = NULL;
	struct terr e;

	if (r->have && r->count == i + 1)
		return &r->frame;
	if (replay_seek(r, i, &e) < 0 || replay_next(r, &f, &e) <= 0)
		return NULL;
	return f;
}

struct replay *replay_open_mem(const void *data, size_t len, struct terr *e)
{
	struct replay *r = xcalloc(1, sizeof(*r));

	r->fd = -1;
	r->mem = data;
	r->memlen = len;
	r->seekable = true;
	snprintf(r->shown, sizeof(r->shown), "(recording in memory)");
	return start(r, e);
}

struct replay *replay_open(const char *path, const atomic_bool *stop, replay_wait_fn *waiting,
			   struct terr *e)
{
	struct replay *r;
	struct stat st;
	char shown[256];
	int fd, fl;

	sanitize_text(shown, sizeof(shown), path, strlen(path));
	if (!*path) {
		terr_set(e, "empty file name");
		return NULL;
	}
	fd = !strcmp(path, "-") ? fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 3)
				/* a FIFO's open would wait for a writer, deaf to signals */
				: open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		int err = errno;

		terr_set(e, "cannot open %s: %s%s", shown, strerror(err),
			 privs_denied_hint(err, PRIVS_READ));
		return NULL;
	}
	if (fstat(fd, &st) < 0 || !(S_ISREG(st.st_mode) || S_ISFIFO(st.st_mode) ||
				    S_ISCHR(st.st_mode) || S_ISSOCK(st.st_mode))) {
		terr_set(e, "%s: not a file, FIFO or stream", shown);
		close(fd);
		return NULL;
	}
	/* our own open's flag only (a dup of stdin shares the shell's): reads block again */
	if (strcmp(path, "-") && (fl = fcntl(fd, F_GETFL)) >= 0)
		fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
	r = xcalloc(1, sizeof(*r));
	r->fd = fd;
	r->own_fd = true;
	r->seekable = S_ISREG(st.st_mode);
	r->waits = !r->seekable;
	r->stop = stop;
	r->waiting = waiting;
	memcpy(r->shown, shown, sizeof(shown));
	return start(r, e);
}

size_t replay_count(const struct replay *r)
{
	return r->count;
}

size_t replay_seen(const struct replay *r, bool *all)
{
	*all = r->ended;
	return r->seen;
}

const char *replay_damage(const struct replay *r)
{
	return r->damage[0] ? r->damage : NULL;
}

bool replay_can_go_back(const struct replay *r)
{
	return r->seekable;
}

int replay_version(const struct replay *r)
{
	return r->version;
}

const char *replay_note(const struct replay *r)
{
	return r->note[0] ? r->note : NULL;
}

const char *replay_meta(const struct replay *r, const char *key)
{
	for (size_t i = 0; i < r->nmeta; i++)
		if (!strcmp(r->meta[i].key, key))
			return r->meta[i].value;
	return NULL;
}

const struct rec_blob *replay_file(const struct rec_frame *f, const char *name)
{
	for (size_t i = 0; i < f->nfiles; i++)
		if (!strcmp(f->files[i].name, name))
			return &f->files[i];
	return NULL;
}
