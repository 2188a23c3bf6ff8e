/* frame: one refresh's data. */
#include "frame.h"

#include <stdlib.h>
#include <string.h>

void frame_reset(struct frame *f)
{
	sample_reset(&f->sample);
	counters_reset(&f->counters);
	f->nlisteners = 0;
	f->status[0] = '\0';
	f->failed = false;
	f->interval = 0;
	f->has_states_delta = false;
	memset(f->states, 0, sizeof(f->states));
	memset(f->states_delta, 0, sizeof(f->states_delta));
	memset(&f->tun, 0, sizeof(f->tun));
	memset(&f->sockstat, 0, sizeof(f->sockstat));
	f->hist.cookie = 0;
	f->hist.n = 0;
	f->attribution = ATTR_OFF;
	f->attribution_note[0] = '\0';
	f->attribution_secs = -1;
	f->nprocs = 0;
	f->nholders = 0;
}

void frame_free(struct frame *f)
{
	sample_free(&f->sample);
	counters_free(&f->counters);
	free(f->rows);
	free(f->listeners);
	free(f->procs);
	free(f->holders);
	memset(f, 0, sizeof(*f));
}

const struct row *frame_find(const struct frame *f, uint64_t cookie)
{
	for (size_t i = 0; i < f->sample.n; i++)
		if (f->rows[i].c->cookie == cookie)
			return &f->rows[i];
	return NULL;
}
