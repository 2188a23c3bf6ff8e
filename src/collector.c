/* collector: one refresh end to end. */
#include "collector.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "counters.h"
#include "diagnose.h"
#include "fatal.h"
#include "model.h"
#include "strbuf.h"
#include "tunables.h"

struct collector {
	struct source *src;
	struct model *model;
	struct diagnoser *diagnoser;
	struct diag_req req;
	struct strbuf buf; /* file reads, reused */
};

struct collector *collector_new(const struct collector_cfg *cfg, struct terr *e)
{
	struct collector *c = xcalloc(1, sizeof(*c));

	c->src = source_open(&cfg->src, e);
	if (!c->src) {
		free(c);
		return NULL;
	}
	c->model = model_new();
	c->diagnoser = diagnose_new();
	c->req = cfg->req;
	return c;
}

int collector_close(struct collector *c, struct terr *e)
{
	int ret;

	if (!c)
		return 0;
	ret = source_close(c->src, e);
	model_free(c->model);
	diagnose_free(c->diagnoser);
	sb_free(&c->buf);
	free(c);
	return ret;
}

void collector_set_req(struct collector *c, const struct diag_req *req)
{
	c->req = *req;
}

void collector_select(struct collector *c, uint64_t cookie)
{
	model_select(c->model, cookie);
}

static void note(struct frame *f, const struct terr *e)
{
	if (!f->status[0] && terr_isset(e))
		snprintf(f->status, sizeof(f->status), "%s", e->msg);
}

static int read_counters(struct collector *c, struct frame *f, const char *rel)
{
	struct terr e = { { 0 } };

	if (source_read(c->src, rel, &c->buf, &e) < 0) {
		note(f, &e);
		return -1;
	}
	if (counters_parse(&f->counters, c->buf.s ? c->buf.s : "", c->buf.len, &e) > 0) {
		terr_prefix(&e, "%s", rel);
		note(f, &e);
	}
	return 0;
}

static void read_tunables(struct collector *c, struct frame *f)
{
	for (int i = 0; i < TUN_N; i++) {
		struct terr e;

		/* A sysctl an older kernel lacks is simply unavailable. */
		if (source_read(c->src, tunable_def(i)->path, &c->buf, &e) == 0)
			f->tun.n[i] = (uint8_t)tunables_parse_value(sb_str(&c->buf), f->tun.v[i]);
	}
}

int collector_step(struct collector *c, struct frame *f)
{
	struct terr e = { { 0 } };
	int failed = 0, r;

	frame_reset(f);
	r = source_begin(c->src, &f->mono_ns, &f->real_ns, &e);
	if (r != 0) {
		note(f, &e);
		return r;
	}
	if (source_dump(c->src, &c->req, &f->sample, &e) < 0) {
		f->failed = true;
		failed = 1;
	}
	note(f, &e);
	failed |= read_counters(c, f, "net/netstat") < 0;
	failed |= read_counters(c, f, "net/snmp") < 0;
	counters_index(&f->counters);
	read_tunables(c, f);
	source_end(c->src);
	model_update(c->model, f);
	diagnose_frame(c->diagnoser, f);
	return failed ? -1 : 0;
}

bool collector_is_replay(const struct collector *c)
{
	return source_is_replay(c->src);
}

const char *collector_hostname(const struct collector *c)
{
	return source_hostname(c->src);
}

const char *collector_kernel(const struct collector *c)
{
	return source_kernel(c->src);
}
