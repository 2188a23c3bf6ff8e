/* record: recordings of raw inputs, written and read back. */
#include "record.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fatal.h"
#include "safefile.h"
#include "strbuf.h"

struct recorder {
	struct safefile f;
	struct strbuf buf; /* pending bytes, flushed at each END */
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

static void flush(struct recorder *r)
{
	if (!r->failed && r->buf.len &&
	    safefile_write_all(&r->f, r->buf.s, r->buf.len, &r->err) < 0)
		r->failed = 1;
	sb_reset(&r->buf);
}

struct recorder *recorder_open(const char *path, struct terr *e)
{
	struct recorder *r = xcalloc(1, sizeof(*r));

	if (safefile_open(&r->f, path, e) < 0) {
		free(r);
		return NULL;
	}
	sb_add(&r->buf, REC_MAGIC, REC_MAGIC_LEN);
	return r;
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
	flush(r);
}

int recorder_close(struct recorder *r, struct terr *e)
{
	int ret;

	flush(r);
	if (r->failed) {
		*e = r->err;
		safefile_abort(&r->f);
		ret = -1;
	} else {
		ret = safefile_commit(&r->f, e);
	}
	sb_free(&r->buf);
	free(r);
	return ret;
}

struct meta {
	const char *key;
	const char *value;
};

struct replay {
	unsigned char *buf;
	size_t len;
	struct rec_frame *frames;
	size_t nframes, cap;
	struct meta *meta;
	size_t nmeta, metacap;
	char **names; /* NUL-terminated copies of file names, owned */
	size_t nnames, namecap;
};

void replay_free(struct replay *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->nframes; i++) {
		free(r->frames[i].netlink);
		free(r->frames[i].files);
	}
	for (size_t i = 0; i < r->nnames; i++)
		free(r->names[i]);
	free(r->names);
	free(r->frames);
	free(r->meta);
	free(r->buf);
	free(r);
}

static char *keep_name(struct replay *r, const unsigned char *p, size_t n)
{
	char *s = xmalloc(n + 1);

	memcpy(s, p, n);
	s[n] = '\0';
	r->names = xgrow(r->names, &r->namecap, r->nnames + 1, sizeof(*r->names));
	r->names[r->nnames++] = s;
	return s;
}

static struct rec_blob *add_blob(struct rec_blob **v, size_t *n)
{
	/* Blob arrays are small; growing one element at a time keeps no extra state. */
	*v = xrealloc(*v, (*n + 1) * sizeof(**v));
	memset(&(*v)[*n], 0, sizeof(**v));
	return &(*v)[(*n)++];
}

static int parse_chunk(struct replay *r, uint32_t type, const unsigned char *p, size_t len,
		       struct rec_frame **open, struct terr *e)
{
	struct rec_blob *b;

	switch (type) {
	case REC_META: {
		const unsigned char *nul = memchr(p, '\0', len);

		if (!nul) {
			terr_set(e, "META chunk without a key terminator");
			return -1;
		}
		r->meta = xgrow(r->meta, &r->metacap, r->nmeta + 1, sizeof(*r->meta));
		r->meta[r->nmeta].key = keep_name(r, p, (size_t)(nul - p));
		r->meta[r->nmeta].value = keep_name(r, nul + 1, len - (size_t)(nul - p) - 1);
		r->nmeta++;
		return 0;
	}
	case REC_FRAME:
		if (*open) {
			terr_set(e, "FRAME chunk inside an open frame");
			return -1;
		}
		if (len != 16) {
			terr_set(e, "FRAME chunk of %zu bytes (want 16)", len);
			return -1;
		}
		r->frames = xgrow(r->frames, &r->cap, r->nframes + 1, sizeof(*r->frames));
		*open = &r->frames[r->nframes++];
		memset(*open, 0, sizeof(**open));
		memcpy(&(*open)->mono_ns, p, 8);
		memcpy(&(*open)->real_ns, p + 8, 8);
		return 0;
	case REC_NETLINK:
		if (!*open || len < 4) {
			terr_set(e, "NETLINK chunk %s", *open ? "too short" : "outside a frame");
			return -1;
		}
		b = add_blob(&(*open)->netlink, &(*open)->nnetlink);
		memcpy(&b->family, p, 4);
		b->data = p + 4;
		b->len = len - 4;
		return 0;
	case REC_FILE: {
		uint32_t h[2];

		if (!*open || len < 8) {
			terr_set(e, "FILE chunk %s", *open ? "too short" : "outside a frame");
			return -1;
		}
		memcpy(h, p, 8);
		if (h[1] > len - 8) {
			terr_set(e, "FILE chunk name of %u bytes overruns the chunk", h[1]);
			return -1;
		}
		b = add_blob(&(*open)->files, &(*open)->nfiles);
		b->err = (int)h[0];
		b->name = keep_name(r, p + 8, h[1]);
		b->data = p + 8 + h[1];
		b->len = len - 8 - h[1];
		return 0;
	}
	case REC_END:
		if (!*open) {
			terr_set(e, "END chunk outside a frame");
			return -1;
		}
		*open = NULL;
		return 0;
	default:
		terr_set(e, "unknown chunk type %u", type);
		return -1;
	}
}

struct replay *replay_parse(void *buf, size_t len, struct terr *e)
{
	struct replay *r = xcalloc(1, sizeof(*r));
	struct rec_frame *open = NULL;
	size_t off = REC_MAGIC_LEN;

	r->buf = buf;
	r->len = len;
	if (len < REC_MAGIC_LEN || memcmp(buf, REC_MAGIC, REC_MAGIC_LEN) != 0) {
		terr_set(e, "not a tcptop recording (bad magic)");
		goto fail;
	}
	while (off < len) {
		uint32_t h[2];
		size_t padded;

		if (len - off < 8) {
			terr_set(e, "truncated chunk header at offset %zu", off);
			goto fail;
		}
		memcpy(h, r->buf + off, 8);
		if (h[1] > len - off - 8) {
			terr_set(e, "chunk at offset %zu claims %u bytes, %zu left", off, h[1],
				 len - off - 8);
			goto fail;
		}
		if (parse_chunk(r, h[0], r->buf + off + 8, h[1], &open, e) < 0) {
			terr_prefix(e, "chunk at offset %zu", off);
			goto fail;
		}
		padded = ((size_t)h[1] + 3u) & ~(size_t)3u;
		off += 8 + (padded <= len - off - 8 ? padded : len - off - 8);
	}
	/* A recording cut short (killed recorder) loses only its unfinished frame. */
	if (open) {
		free(open->netlink);
		free(open->files);
		r->nframes--;
	}
	return r;
fail:
	replay_free(r);
	return NULL;
}

struct replay *replay_open(const char *path, struct terr *e)
{
	struct stat st;
	unsigned char *buf;
	size_t got = 0;
	struct replay *r;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		terr_set(e, "cannot open %s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		terr_set(e, "%s: not a regular file", path);
		close(fd);
		return NULL;
	}
	buf = xmalloc((size_t)st.st_size);
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			terr_set(e, "cannot read %s: %s", path,
				 n < 0 ? strerror(errno) : "short read");
			free(buf);
			close(fd);
			return NULL;
		}
		got += (size_t)n;
	}
	close(fd);
	r = replay_parse(buf, got, e);
	if (!r)
		terr_prefix(e, "%s", path);
	return r;
}

size_t replay_nframes(const struct replay *r)
{
	return r->nframes;
}

const struct rec_frame *replay_frame(const struct replay *r, size_t i)
{
	return i < r->nframes ? &r->frames[i] : NULL;
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
