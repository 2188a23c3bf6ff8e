/* SPDX-License-Identifier: GPL-2.0-or-later */
/* screen_states: the TCP state histogram, TIME-WAIT against its limit, and who holds TIME-WAIT and CLOSE-WAIT. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "fatal.h"
#include "hash.h"
#include "fmt.h"
#include "group.h"
#include "procmap.h"
#include "screen.h"
#include "tunables.h"
#include "widgets.h"

#define TOP_N 10

/* Counts per key (an endpoint or a port), open addressing. */
struct tally {
	struct tally_slot {
		uint8_t key[19]; /* family, address, port (port only: bytes 17-18) */
		uint8_t used;
		uint32_t n;
		uint32_t row; /* a row with this key: what the line names (its process) */
	} * v;
	size_t cap;
};

static void tally_add(struct tally *t, const uint8_t key[19], uint32_t row)
{
	size_t i;

	for (i = hash_bytes(key, 19) & (t->cap - 1); t->v[i].used; i = (i + 1) & (t->cap - 1)) {
		if (!memcmp(t->v[i].key, key, 19)) {
			t->v[i].n++;
			return;
		}
	}
	memcpy(t->v[i].key, key, 19);
	t->v[i].used = 1;
	t->v[i].n = 1;
	t->v[i].row = row;
}

static int by_count(const void *a, const void *b)
{
	const struct tally_slot *x = a, *y = b;

	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	return memcmp(x->key, y->key, 19);
}

struct breakdown {
	struct tally_slot remote[TOP_N], local[TOP_N];
	int nremote, nlocal;
	uint32_t total;
};

/*
 * The top remote endpoints (TIME-WAIT) or holding processes (CLOSE-WAIT: the
 * application that does not close), and service ports, among sockets in
 * `state` (filtered rows). Ephemeral ports fold into the service at the other
 * end: 5,000 TIME-WAITs to :5432 are one line, not 5,000 lines of count 1.
 */
static void breakdown(const struct ui *ui, unsigned state, struct breakdown *b)
{
	const struct frame *f = ui->frame;
	struct tally rem = { 0 }, loc = { 0 };
	size_t cap = 64;

	memset(b, 0, sizeof(*b));
	for (size_t i = 0; i < ui->view.n; i++)
		b->total += f->rows[ui->view.order[i]].c->state == state;
	while (cap < (size_t)b->total * 2)
		cap *= 2;
	rem.v = xcalloc(cap, sizeof(*rem.v));
	loc.v = xcalloc(cap, sizeof(*loc.v));
	rem.cap = loc.cap = cap;
	for (size_t i = 0; i < ui->view.n; i++) {
		const struct conn *c = f->rows[ui->view.order[i]].c;
		uint8_t k[19] = { 0 };
		uint16_t port;
		bool local;

		if (c->state != state)
			continue;
		if (state == TS_CLOSE_WAIT) {
			const struct procinfo *p = row_proc(&f->rows[ui->view.order[i]]);
			int32_t pid = procinfo_known(p) ? p->pid : -1;

			k[0] = 0xff;
			memcpy(k + 1, &pid, sizeof(pid));
		} else {
			k[0] = c->family;
			memcpy(k + 1, c->dst, 16);
			k[17] = (uint8_t)(c->dport >> 8);
			k[18] = (uint8_t)c->dport;
		}
		tally_add(&rem, k, ui->view.order[i]);
		memset(k, 0, sizeof(k));
		port = group_service_port(&f->tun, c, &local);
		k[0] = local;
		k[17] = (uint8_t)(port >> 8);
		k[18] = (uint8_t)port;
		tally_add(&loc, k, ui->view.order[i]);
	}
	/* compact the used slots to the front, then sort by count */
	for (struct tally *t = &rem; t; t = t == &rem ? &loc : NULL) {
		size_t n = 0;

		for (size_t i = 0; i < t->cap; i++)
			if (t->v[i].used)
				t->v[n++] = t->v[i];
		qsort(t->v, n, sizeof(*t->v), by_count);
		if (t == &rem) {
			b->nremote = n < TOP_N ? (int)n : TOP_N;
			memcpy(b->remote, t->v, (size_t)b->nremote * sizeof(*t->v));
		} else {
			b->nlocal = n < TOP_N ? (int)n : TOP_N;
			memcpy(b->local, t->v, (size_t)b->nlocal * sizeof(*t->v));
		}
	}
	free(rem.v);
	free(loc.v);
}

/* State counts: of all sockets, or of the filtered ones when a filter is set. */
static void counts(const struct ui *ui, uint32_t n[TS_MAX])
{
	if (!ui->filter_text) {
		memcpy(n, ui->frame->states, sizeof(uint32_t) * TS_MAX);
		return;
	}
	memset(n, 0, sizeof(uint32_t) * TS_MAX);
	for (size_t i = 0; i < ui->view.n; i++) {
		unsigned s = ui->frame->rows[ui->view.order[i]].c->state;

		if (s < TS_MAX)
			n[s]++;
	}
}

/*
 * The tallies cost a pass over up to 200,000 rows and a sort of their keys:
 * done once per frame (and sort or filter), not on every key press.
 */
struct states_cache {
	uint64_t seq, gen;
	size_t n;
	struct breakdown tw, cw;
};

static const struct breakdown *cached(struct ui *ui, unsigned state)
{
	struct states_cache *sc = screen_state(ui, SCR_STATES);

	if (sc->seq != ui->frame->seq || sc->gen != ui->view_gen || sc->n != ui->view.n ||
	    !sc->seq) {
		breakdown(ui, TS_TIME_WAIT, &sc->tw);
		breakdown(ui, TS_CLOSE_WAIT, &sc->cw);
		sc->seq = ui->frame->seq;
		sc->gen = ui->view_gen;
		sc->n = ui->view.n;
	}
	return state == TS_TIME_WAIT ? &sc->tw : &sc->cw;
}

static void breakdown_lines(struct ui *ui, struct scrollwin *sw, unsigned state)
{
	struct breakdown b = *cached(ui, state);
	int y, half = sw->c->w / 2;

	if ((y = sw_next(sw)) >= 0) {
		canvas_printf(sw->c, y, 0, half, AT_TITLE,
			      state == TS_CLOSE_WAIT ? "%s by process (it does not close)"
						     : "%s by remote endpoint",
			      conn_state_name(state));
		canvas_printf(sw->c, y, half, -1, AT_TITLE, "%s by service port",
			      conn_state_name(state));
	}
	if (!b.total && (y = sw_next(sw)) >= 0)
		canvas_put(sw->c, y, 2, -1, AT_DIM, "none");
	for (int i = 0; i < b.nremote || i < b.nlocal; i++) {
		char ep[ENDPOINT_STRLEN + PROCINFO_TEXT_LEN];

		if ((y = sw_next(sw)) < 0)
			continue;
		if (i < b.nremote) {
			const struct tally_slot *t = &b.remote[i];

			if (t->key[0] == 0xff) {
				const struct procinfo *p = row_proc(&ui->frame->rows[t->row]);

				snprintf(ep, sizeof(ep), "%s",
					 procinfo_known(p) ? p->text
					 : ui->frame->attribution == ATTR_OFF ||
							 ui->frame->attribution == ATTR_UNAVAILABLE
						 ? "(no process data)"
						 : "(no process known)");
			} else {
				endpoint_str(t->key[0], t->key + 1,
					     (uint16_t)(t->key[17] << 8 | t->key[18]), ep,
					     sizeof(ep));
			}
			canvas_printf(sw->c, y, 2, half - 2, AT_NORMAL, "%7u  %s", t->n, ep);
		}
		if (i < b.nlocal) {
			const struct tally_slot *t = &b.local[i];

			/* a local service, or the peer's (ephemeral local ports folded) */
			canvas_printf(sw->c, y, half + 2, -1, AT_NORMAL, "%7u  %s:%u", t->n,
				      t->key[0] ? "" : "-> ", t->key[17] << 8 | t->key[18]);
		}
	}
	sw_next(sw);
}

static void draw_all(struct ui *ui, struct scrollwin *sw)
{
	const struct frame *f = ui->frame;
	uint32_t n[TS_MAX], max = 1;
	int64_t twmax = tunables_get(&f->tun, TUN_MAX_TW_BUCKETS, -1);
	int bar_x = 32, y;
	char d[32];

	counts(ui, n);
	for (unsigned s = 1; s <= TS_USER_LAST; s++)
		if (n[s] > max)
			max = n[s];
	if ((y = sw_next(sw)) >= 0)
		canvas_printf(sw->c, y, 0, -1, AT_HEADER, "%-12s %9s %8s  %s", "State", "Count",
			      "Change", ui->filter_text ? "(filtered)" : "");
	for (unsigned s = 1; s <= TS_USER_LAST; s++) {
		enum attr a = AT_NORMAL;

		if ((y = sw_next(sw)) < 0)
			continue;
		if (f->has_states_delta && !ui->filter_text)
			snprintf(d, sizeof(d), "%+lld", (long long)f->states_delta[s]);
		else
			snprintf(d, sizeof(d), "-");
		if (s == TS_CLOSE_WAIT && n[s] && f->has_states_delta && f->states_delta[s] > 0)
			a = AT_WARN;
		canvas_printf(sw->c, y, 0, -1, a, "%-12s %9u %8s", conn_state_name(s), n[s], d);
		if (sw->c->w > bar_x + 4)
			widget_bar(sw->c, y, bar_x, sw->c->w - bar_x - 1, (double)n[s] / max,
				   a == AT_NORMAL ? AT_BAR : a);
	}
	sw_next(sw);
	if ((y = sw_next(sw)) >= 0) {
		const struct counter *ovf =
			counters_find(&f->counters, "TcpExtTCPTimeWaitOverflow");

		if (twmax > 0) {
			double share = (double)f->states[TS_TIME_WAIT] / (double)twmax;

			canvas_printf(sw->c, y, 0, -1, share > 0.8 ? AT_ALARM : AT_NORMAL,
				      "TIME-WAIT %u of tcp_max_tw_buckets %lld (%.1f%%)",
				      f->states[TS_TIME_WAIT], (long long)twmax, share * 100);
		} else {
			canvas_printf(sw->c, y, 0, -1, AT_NORMAL, "TIME-WAIT %u (limit unknown)",
				      f->states[TS_TIME_WAIT]);
		}
		if (ovf && (ovf->flags & CTR_DELTA))
			canvas_printf(sw->c, y, 56, -1, ovf->delta ? AT_ALARM : AT_NORMAL,
				      "TimeWaitOverflow +%llu", (unsigned long long)ovf->delta);
	}
	sw_next(sw);
	breakdown_lines(ui, sw, TS_TIME_WAIT);
	breakdown_lines(ui, sw, TS_CLOSE_WAIT);
}

static long states_rows(const struct ui *ui)
{
	/* header + 11 states + 3 + two breakdowns of at most 2 + TOP_N + 1 */
	(void)ui;
	return 1 + TS_USER_LAST + 3 + 2 * (TOP_N + 3);
}

static void states_draw(struct ui *ui, struct canvas *c, int y, int h)
{
	struct scrollwin sw;

	ui->body_h = h;
	widget_scroll_fit(&ui->scroll[SCR_STATES], states_rows(ui), h, false);
	sw_begin(&sw, c, y, h, ui->scroll[SCR_STATES].top);
	draw_all(ui, &sw);
}

const struct screen screen_states = {
	.id = SCR_STATES,
	.name = "states",
	.title = "States",
	.help = "TCP states: histogram, who holds TIME-WAIT, CLOSE-WAIT",
	.hotkey = '3',
	.tab = true,
	.state_size = sizeof(struct states_cache),
	.draw = states_draw,
	.nrows = states_rows,
};
