/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_group: folding connections by process, remote host, service port, state and namespace; sums, worst finding, order. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "diagnose.h"
#include "group.h"
#include "model.h"
#include "out_group.h"
#include "procmap.h"
#include "testutil.h"

struct spec {
	const char *dst;
	uint16_t sport, dport;
	unsigned state;
	uint32_t rq, wq;
	int proc; /* index into procs; -1: none */
	uint32_t findings;
};

static struct procinfo procs[2];

/* A frame of sockets as given, owned by the processes given. */
static void build(struct frame *f, struct model *m, const struct spec *s, int n)
{
	frame_reset(f);
	f->mono_ns = 1000000000ull;
	for (int i = 0; i < n; i++) {
		struct conn *c = sample_push(&f->sample);

		memset(c, 0, sizeof(*c));
		c->cookie = (uint64_t)i + 1;
		c->state = (uint8_t)s[i].state;
		c->family = AF_INET;
		tu_addrs(c, &f->sample.arena, "10.0.0.1", s[i].dst);
		c->sport = s[i].sport;
		c->dport = s[i].dport;
		c->rqueue = s[i].rq;
		c->wqueue = s[i].wq;
	}
	model_update(m, f);
	f->attribution = ATTR_FULL;
	f->tun.n[TUN_LOCAL_PORT_RANGE] = 2;
	f->tun.v[TUN_LOCAL_PORT_RANGE][0] = 40000;
	f->tun.v[TUN_LOCAL_PORT_RANGE][1] = 50000;
	for (int i = 0; i < n; i++) {
		frame_set_proc(f, &f->rows[i], s[i].proc >= 0 ? &procs[s[i].proc] : NULL);
		f->rows[i].findings = s[i].findings;
	}
}

static const struct spec specs[] = {
	/* nginx serves :443 to two clients (one stalled on a zero window) */
	{ "10.0.0.7", 443, 41000, TS_ESTABLISHED, 0, 1000, 0, 1u << DX_ZWIN },
	{ "10.0.0.8", 443, 41001, TS_ESTABLISHED, 5, 0, 0, 0 },
	/* python talks to a database at :5432 from ephemeral ports */
	{ "10.0.0.9", 41002, 5432, TS_ESTABLISHED, 0, 10, 1, 0 },
	{ "10.0.0.9", 41003, 5432, TS_TIME_WAIT, 0, 0, -1, 0 },
	{ "10.0.0.9", 41004, 5432, TS_TIME_WAIT, 0, 0, -1, 0 },
};
#define NSPECS ((int)(sizeof(specs) / sizeof(specs[0])))

static const struct group *named(const struct group_set *gs, const char *name)
{
	for (size_t i = 0; i < gs->n; i++)
		if (!strcmp(gs->v[i].name, name))
			return &gs->v[i];
	return NULL;
}

static void setup_procs(void)
{
	memset(procs, 0, sizeof(procs));
	procs[0].pid = 100;
	procs[0].count = 1;
	strcpy(procs[0].comm, "nginx");
	procs[1].pid = 200;
	procs[1].count = 1;
	strcpy(procs[1].comm, "python3");
}

static void groups_by_process_count_sum_and_name_the_worst_finding(void **state)
{
	struct frame f = { 0 };
	struct model *m = model_new();
	struct group_set gs = { 0 };
	uint32_t order[NSPECS];
	const struct group *g;

	(void)state;
	setup_procs();
	build(&f, m, specs, NSPECS);
	for (int i = 0; i < NSPECS; i++)
		order[i] = (uint32_t)i;
	group_build(&gs, &f, order, NSPECS, GROUP_PROCESS);
	assert_int_equal(gs.n, 3);
	g = named(&gs, "nginx");
	assert_non_null(g);
	assert_int_equal(g->count, 2);
	assert_int_equal(g->sendq, 1000);
	assert_int_equal(g->recvq, 5);
	assert_int_equal(g->problems, 1);
	assert_int_equal(g->worst, DX_ZWIN);
	assert_string_equal(g->filter, "proc nginx");
	g = named(&gs, "python3");
	assert_non_null(g);
	assert_int_equal(g->count, 1);
	assert_int_equal(g->worst, -1);
	/* TIME-WAIT sockets have no owner */
	g = named(&gs, "(no process)");
	assert_non_null(g);
	assert_int_equal(g->count, 2);
	assert_string_equal(g->filter, "");
	/* problems first: the group with the zero window leads */
	group_sort(&gs, GS_PROBLEMS, false);
	assert_string_equal(gs.v[0].name, "nginx");
	group_sort(&gs, GS_COUNT, false);
	assert_int_equal(gs.v[0].count, 2);
	assert_string_equal(gs.v[0].name, "(no process)"); /* ties by name */
	group_sort(&gs, GS_NAME, true);
	assert_string_equal(gs.v[0].name, "python3");
	group_free(&gs);
	frame_free(&f);
	model_free(m);
}

static void ephemeral_ports_fold_into_the_service_at_the_other_end(void **state)
{
	struct frame f = { 0 };
	struct model *m = model_new();
	struct group_set gs = { 0 };
	uint32_t order[NSPECS];
	const struct group *g;

	(void)state;
	setup_procs();
	build(&f, m, specs, NSPECS);
	for (int i = 0; i < NSPECS; i++)
		order[i] = (uint32_t)i;
	group_build(&gs, &f, order, NSPECS, GROUP_PORT);
	/* :443 is served here; 41002-41004 are ephemeral and fold into the peer's :5432 */
	assert_int_equal(gs.n, 2);
	g = named(&gs, ":443");
	assert_non_null(g);
	assert_int_equal(g->count, 2);
	assert_string_equal(g->filter, "sport 443");
	g = named(&gs, "-> :5432");
	assert_non_null(g);
	assert_int_equal(g->count, 3);
	assert_string_equal(g->filter, "dport 5432");
	assert_true(group_port_ephemeral(&f.tun, 41000));
	assert_false(group_port_ephemeral(&f.tun, 443));
	/* without the sysctl: the kernel's default range */
	assert_true(group_port_ephemeral(NULL, 32768));
	assert_false(group_port_ephemeral(NULL, 61000));
	group_free(&gs);
	frame_free(&f);
	model_free(m);
}

static void groups_by_remote_host_and_state(void **state)
{
	struct frame f = { 0 };
	struct model *m = model_new();
	struct group_set gs = { 0 };
	uint32_t order[NSPECS];
	const struct group *g;

	(void)state;
	setup_procs();
	build(&f, m, specs, NSPECS);
	for (int i = 0; i < NSPECS; i++)
		order[i] = (uint32_t)i;
	group_build(&gs, &f, order, NSPECS, GROUP_REMOTE);
	assert_int_equal(gs.n, 3);
	g = named(&gs, "10.0.0.9");
	assert_non_null(g);
	assert_int_equal(g->count, 3);
	assert_string_equal(g->filter, "dst 10.0.0.9");
	group_build(&gs, &f, order, NSPECS, GROUP_STATE);
	assert_int_equal(gs.n, 2);
	g = named(&gs, conn_state_name(TS_TIME_WAIT));
	assert_non_null(g);
	assert_int_equal(g->count, 2);
	assert_string_equal(g->filter, "state time-wait");
	/* only the rows given (a filter's view) are grouped */
	group_build(&gs, &f, order, 2, GROUP_STATE);
	assert_int_equal(gs.n, 1);
	assert_int_equal(gs.v[0].count, 2);
	group_free(&gs);
	frame_free(&f);
	model_free(m);
}

/* Batch output of a recorded frame: text and JSON say the same counts. */
static void batch_output_groups_a_recording_by_state(void **state)
{
	struct frame fr[2];
	struct view v = { 0 };
	struct strbuf sb = STRBUF_INIT;
	struct out_ctx ctx = { .hostname = "h", .kernel = "k", .sort = column_get(COL_LOCAL) };

	(void)state;
	tu_frames("states.rec", fr, 2);
	out_group_text(&fr[1], &ctx, GROUP_STATE, &v, &sb);
	assert_non_null(strstr(sb.s, "grouped by state"));
	assert_non_null(strstr(sb.s, "\nTIME-WAIT         7 "));
	assert_non_null(strstr(sb.s, "\nCLOSE-WAIT        5 "));
	sb_reset(&sb);
	out_group_json(&fr[1], &ctx, GROUP_STATE, &v, &sb);
	assert_non_null(strstr(sb.s, "\"group_by\":\"state\""));
	assert_non_null(strstr(
		sb.s, "{\"name\":\"TIME-WAIT\",\"filter\":\"state time-wait\",\"sockets\":7,"));
	assert_int_equal(sb.s[sb.len - 1], '\n');
	assert_null(memchr(sb.s, '\n', sb.len - 1)); /* one line per frame */
	sb_free(&sb);
	view_free(&v);
	frame_free(&fr[0]);
	frame_free(&fr[1]);
}

/* -N all: one group per namespace, each with the filter that shows its sockets. */
static void groups_by_namespace_under_all(void **state)
{
	struct frame f = { 0 };
	struct model *m = model_new();
	struct group_set gs = { 0 };
	uint32_t order[NSPECS];
	const struct group *g;
	struct frame_ns *ns;

	(void)state;
	build(&f, m, specs, NSPECS);
	ns = frame_ns_push(&f);
	snprintf(ns->name, sizeof(ns->name), "host");
	ns->kind = NSK_HOST;
	ns->first = 0;
	ns->n = 2;
	ns = frame_ns_push(&f);
	snprintf(ns->name, sizeof(ns->name), "docker:0123456789ab");
	ns->kind = NSK_CONTAINER;
	ns->first = 2;
	ns->n = 3;
	frame_ns_link(&f);
	for (int i = 0; i < NSPECS; i++)
		order[i] = (uint32_t)i;
	group_build(&gs, &f, order, NSPECS, GROUP_NETNS);
	assert_int_equal(gs.n, 2);
	g = named(&gs, "docker:0123456789ab");
	assert_non_null(g);
	assert_int_equal(g->count, 3);
	assert_string_equal(g->filter, "netns docker:0123456789ab");
	g = named(&gs, "host");
	assert_non_null(g);
	assert_int_equal(g->count, 2);
	assert_int_equal(g->problems, 1); /* the zero-window stall is the host's */
	assert_string_equal(frame_row_ns(&f, 4), "docker:0123456789ab");
	group_free(&gs);
	frame_free(&f);
	model_free(m);
}

/* Without -N all there is no namespace to tell apart: one line that says so. */
static void namespace_grouping_of_one_namespace_is_one_line(void **state)
{
	struct frame f = { 0 };
	struct model *m = model_new();
	struct group_set gs = { 0 };
	uint32_t order[NSPECS];

	(void)state;
	build(&f, m, specs, NSPECS);
	for (int i = 0; i < NSPECS; i++)
		order[i] = (uint32_t)i;
	group_build(&gs, &f, order, NSPECS, GROUP_NETNS);
	assert_int_equal(gs.n, 1);
	assert_string_equal(gs.v[0].name, "(one namespace)");
	assert_string_equal(gs.v[0].filter, "");
	assert_null(frame_row_ns(&f, 0));
	group_free(&gs);
	frame_free(&f);
	model_free(m);
}

static void key_names_round_trip(void **state)
{
	(void)state;
	for (int k = 0; k < GROUP_N; k++)
		assert_int_equal(group_key_by_name(group_key_name(k)), k);
	assert_int_equal(group_key_by_name("bogus"), -1);
	assert_null(group_key_name(GROUP_N));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(groups_by_process_count_sum_and_name_the_worst_finding),
		cmocka_unit_test(ephemeral_ports_fold_into_the_service_at_the_other_end),
		cmocka_unit_test(groups_by_remote_host_and_state),
		cmocka_unit_test(batch_output_groups_a_recording_by_state),
		cmocka_unit_test(groups_by_namespace_under_all),
		cmocka_unit_test(namespace_grouping_of_one_namespace_is_one_line),
		cmocka_unit_test(key_names_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
