/* SPDX-License-Identifier: GPL-2.0-or-later */
/* closed: placeholder until the destroy-multicast watcher lands (issue 11); frames say so. */
#include "closed.h"

#include <stdio.h>
#include <stdlib.h>

#include "fatal.h"

struct closed_watch {
	bool off;
};

struct closed_watch *closed_new(const struct closed_cfg *cfg, struct source *src, struct terr *e)
{
	struct closed_watch *w = xcalloc(1, sizeof(*w));

	(void)src;
	(void)e;
	w->off = cfg->off;
	return w;
}

void closed_free(struct closed_watch *w)
{
	free(w);
}

void closed_collect(struct closed_watch *w, struct source *src, const struct model *m,
		    struct frame *f)
{
	(void)w;
	(void)src;
	(void)m;
	f->closed_watched = false;
	snprintf(f->closed_note, sizeof(f->closed_note), "closed connections are not watched yet");
}

void closed_remember(struct closed_watch *w, const struct frame *f)
{
	(void)w;
	(void)f;
}
