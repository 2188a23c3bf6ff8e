/* SPDX-License-Identifier: GPL-2.0-or-later */
/* source: live or replayed raw inputs, optionally recorded. */
#include "source.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "fatal.h"
#include "readall.h"
#include "record.h"

struct source {
	char *proc_root;
	struct diag *diag;     /* live */
	struct replay *replay; /* replay, streamed one refresh at a time */
	const struct rec_frame *cur;
	struct recorder *rec;
	struct source_pos *pos; /* borrowed */
	bool per_family;        /* the kernel refused the one-walk dump */
	char hostname[256];
	char kernel[128];
};

static void raw_hook(void *ctx, int family, const void *buf, size_t len)
{
	recorder_netlink(ctx, family, buf, len);
}

static void copy_meta(char *dst, size_t n, const char *v)
{
	snprintf(dst, n, "%s", v ? v : "?");
}

struct source *source_open(const struct source_cfg *cfg, struct terr *e)
{
	struct source *s = xcalloc(1, sizeof(*s));
	struct utsname u;

	s->proc_root = xstrdup(cfg->proc_root && *cfg->proc_root ? cfg->proc_root : "/proc");
	if (cfg->replay_path) {
		s->replay = replay_open(cfg->replay_path, cfg->stop, cfg->waiting, e);
		if (!s->replay)
			goto fail;
		copy_meta(s->hostname, sizeof(s->hostname), replay_meta(s->replay, "hostname"));
		copy_meta(s->kernel, sizeof(s->kernel), replay_meta(s->replay, "kernel"));
		s->pos = cfg->pos;
		if (s->pos) {
			memset(s->pos, 0, sizeof(*s->pos));
			s->pos->can_go_back = replay_can_go_back(s->replay);
		}
	} else {
		s->diag = diag_open(e);
		if (!s->diag)
			goto fail;
		if (uname(&u) == 0) {
			copy_meta(s->hostname, sizeof(s->hostname), u.nodename);
			copy_meta(s->kernel, sizeof(s->kernel), u.release);
		}
	}
	if (cfg->record_path) {
		s->rec = recorder_open(cfg->record_path, e);
		if (!s->rec)
			goto fail;
		recorder_set_stop(s->rec, cfg->stop);
		recorder_meta(s->rec, "hostname", s->hostname);
		recorder_meta(s->rec, "kernel", s->kernel);
		recorder_meta(s->rec, "version", TCPTOP_VERSION);
		if (s->diag)
			diag_set_raw_hook(s->diag, raw_hook, s->rec);
	}
	return s;
fail:
	diag_close(s->diag);
	replay_free(s->replay);
	free(s->proc_root);
	free(s);
	return NULL;
}

int source_close(struct source *s, struct terr *e)
{
	int ret = 0;

	if (!s)
		return 0;
	if (s->rec)
		ret = recorder_close(s->rec, e);
	diag_close(s->diag);
	replay_free(s->replay);
	free(s->proc_root);
	free(s);
	return ret;
}

/* After a read or a seek: where the replay is now (rc as replay_next's). */
static void update_pos(struct source *s, int rc)
{
	struct source_pos *p = s->pos;
	size_t next = replay_count(s->replay);

	if (!p)
		return;
	p->seen = replay_seen(s->replay, &p->all_seen);
	p->note = replay_note(s->replay);
	p->at_end = rc <= 0;
	if (rc > 0)
		p->shown = next ? next - 1 : 0;
	snprintf(p->damage, sizeof(p->damage), "%s",
		 replay_damage(s->replay) ? replay_damage(s->replay) : "");
}

int source_begin(struct source *s, uint64_t *mono_ns, int64_t *real_ns, struct terr *e)
{
	struct timespec m, r;

	if (s->replay) {
		int rc = replay_next(s->replay, &s->cur, e);

		update_pos(s, rc);
		if (rc <= 0) {
			s->cur = NULL;
			/* the end: say how it ended when it did not end cleanly */
			if (rc == 0 && replay_note(s->replay))
				terr_set(e, "%s", replay_note(s->replay));
			return rc < 0 ? -1 : 1;
		}
		*mono_ns = s->cur->mono_ns;
		*real_ns = s->cur->real_ns;
	} else {
		clock_gettime(CLOCK_MONOTONIC, &m);
		clock_gettime(CLOCK_REALTIME, &r);
		*mono_ns = (uint64_t)m.tv_sec * 1000000000u + (uint64_t)m.tv_nsec;
		*real_ns = (int64_t)r.tv_sec * 1000000000 + r.tv_nsec;
	}
	if (s->rec)
		recorder_frame(s->rec, *mono_ns, *real_ns);
	return 0;
}

static int replay_dump(struct source *s, struct sample *smp, struct terr *e)
{
	for (size_t i = 0; i < s->cur->nnetlink; i++) {
		const struct rec_blob *b = &s->cur->netlink[i];
		struct terr fe = { { 0 } };

		if (s->rec)
			recorder_netlink(s->rec, b->family, b->data, b->len);
		if (diag_feed(b->data, b->len, smp, &fe) < 0 || terr_isset(&fe)) {
			*e = fe;
			if (!smp->stats.malformed)
				return -1;
		}
	}
	return 0;
}

int source_dump(struct source *s, const struct diag_req *req, struct sample *smp, struct terr *e)
{
	static const int families[] = { AF_INET, AF_INET6 };
	struct terr fe;
	size_t start = smp->n;
	int ret = 0;

	if (s->replay)
		return replay_dump(s, smp, e);
	/* one walk for both families while the kernel answers the compat request */
	if (!s->per_family) {
		terr_clear(&fe);
		if (diag_dump(s->diag, AF_UNSPEC, req, smp, &fe) == 0) {
			if (terr_isset(&fe))
				*e = fe;
			return 0;
		}
		/* refused (EOPNOTSUPP without the compat hook): per family from now on */
		s->per_family = true;
		sample_truncate(smp, start);
	}
	for (size_t i = 0; i < sizeof(families) / sizeof(families[0]); i++) {
		terr_clear(&fe);
		if (diag_dump(s->diag, families[i], req, smp, &fe) < 0)
			ret = -1;
		/* Keep the first message: an error, or else a warning (partial, malformed). */
		if (terr_isset(&fe) && !terr_isset(e))
			*e = fe;
	}
	return ret;
}

int source_read(struct source *s, const char *rel, struct strbuf *out, struct terr *e)
{
	int err = 0;

	sb_reset(out);
	if (s->replay) {
		const struct rec_blob *b = replay_file(s->cur, rel);

		if (!b) {
			err = ENOENT;
		} else {
			err = b->err;
			sb_add(out, b->data, b->len);
		}
	} else {
		char path[4096];
		int fd;

		snprintf(path, sizeof(path), "%s/%s", s->proc_root, rel);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || readall_fd(fd, out) < 0)
			err = errno ? errno : EIO;
		if (fd >= 0)
			close(fd);
	}
	if (s->rec)
		recorder_file(s->rec, rel, out->s, err ? 0 : out->len, err);
	if (err) {
		terr_set(e, "cannot read %s/%s: %s", s->replay ? "(recorded)" : s->proc_root, rel,
			 strerror(err));
		sb_reset(out);
		return -1;
	}
	return 0;
}

void source_end(struct source *s)
{
	if (s->rec)
		recorder_end(s->rec);
}

void source_record_netlink(struct source *s, int family, const void *buf, size_t len)
{
	if (s->rec)
		recorder_netlink(s->rec, family, buf, len);
}

void source_record_file(struct source *s, const char *rel, const void *buf, size_t len)
{
	if (s->rec)
		recorder_file(s->rec, rel, buf, len, 0);
}

bool source_recording(const struct source *s)
{
	return s->rec != NULL;
}

const char *source_replay_note(const struct source *s)
{
	return s->replay ? replay_note(s->replay) : NULL;
}

int source_seek(struct source *s, size_t index, struct terr *e)
{
	int rc;

	if (!s->replay) {
		terr_set(e, "only a recording can seek");
		return -1;
	}
	if (s->rec) {
		/* the copy would hold refreshes twice and out of order */
		terr_set(e, "a replay being recorded again (--record) only plays forward");
		return -1;
	}
	s->cur = NULL;
	rc = replay_seek(s->replay, index, e);
	if (s->pos) {
		s->pos->seen = replay_seen(s->replay, &s->pos->all_seen);
		s->pos->note = replay_note(s->replay);
		snprintf(s->pos->damage, sizeof(s->pos->damage), "%s",
			 replay_damage(s->replay) ? replay_damage(s->replay) : "");
	}
	return rc;
}

bool source_is_replay(const struct source *s)
{
	return s->replay != NULL;
}

const char *source_hostname(const struct source *s)
{
	return s->hostname;
}

const char *source_kernel(const struct source *s)
{
	return s->kernel;
}
