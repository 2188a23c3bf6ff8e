/* SPDX-License-Identifier: GPL-2.0-or-later */
/* screen_states: the TCP state histogram, TIME-WAIT against its limit, and who holds TIME-WAIT and CLOSE-WAIT. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "fatal.h"
#include "fmt.h"
#include "group.h"
#include "hash.h"
#include "procmap.h"
#include "screen.h"
#include "tunables.h"
#include "widgets.h"

#define TOP_N 10

/*
 * Counts per key (an endpoint or a port): open addressing, linear probing,
 * grown at half full. A key is 19 bytes (family, address, port; a port
 * alone in bytes 17-18), zero-padded to three words compared as words.
 */
struct tally {
	struct tally_slot {
		union {
			uint8_t key[24];
			uint64_t w[3];
		};
		uint32_t n;   /* 0: the slot is empty */
		uint32_t row; /* a row with this key: what the line names (its process) */
	} * v;
	size_t cap, used;
};

static size_t tally_home(const struct tally *t, const uint64_t w[3])
{
	uint64_t h = (w[0] * 0x9e3779b97f4a7c15u) ^ (w[1] * 0xc2b2ae3d27d4eb4fu) ^
		     (w[2] * 0x165667b19e3779f9u);

	/*
	 * A product's high bits never reach its low ones: mixed down, or peers
	 * that differ only in the high bytes of a word (an IPv6 /64 someone
	 * chooses from) would share one home slot
	 */
	return hash_u64(h) & (t->cap - 1);
}

static struct tally_slot *tally_find(const struct tally *t, const uint64_t w[3])
{
	size_t i = tally_home(t, w);

	while (t->v[i].n && (t->v[i].w[0] != w[0] || t->v[i].w[1] != w[1] || t->v[i].w[2] != w[2]))
		i = (i + 1) & (t->cap - 1);
	return &t->v[i];
}

static void tally_init(struct tally *t)
{
	t->cap = 1024;
	t->used = 0;
	t->v = xcalloc(t->cap, sizeof(*t->v));
}

static void tally_grow(struct tally *t)
{
	struct tally old = *t;

	t->cap *= 2;
	t->v = xcalloc(t->cap, sizeof(*t->v));
	for (size_t i = 0; i < old.cap; i++)
		if (old.v[i].n)
			*tally_find(t, old.v[i].w) = old.v[i];
	free(old.v);
}

/* One more of key, seen at row (pos: each row's place in the view; the earliest names the key). */
static void tally_add(struct tally *t, const uint64_t key[3], uint32_t row, const uint32_t *pos)
{
	struct tally_slot *s = tally_find(t, key);

	if (s->n) {
		s->n++;
		if (pos[row] < pos[s->row])
			s->row = row;
		return;
	}
	if (2 * (t->used + 1) > t->cap) {
		tally_grow(t);
		s = tally_find(t, key);
	}
	*s = (struct tally_slot){ .w = { key[0], key[1], key[2] }, .n = 1, .row = row };
	t->used++;
}

/* Before in the list: the higher count, then the lower key (keys are unique). */
static bool ranks_before(const struct tally_slot *x, const struct tally_slot *y)
{
	return x->n != y->n ? x->n > y->n : memcmp(x->key, y->key, 19) < 0;
}

/* The TOP_N best slots of t, best first, into top; returns how many. */
static int top_of(const struct tally *t, struct tally_slot top[TOP_N])
{
	int n = 0;

	for (size_t i = 0; i < t->cap; i++) {
		const struct tally_slot *s = &t->v[i];
		int at;

		if (!s->n || (n == TOP_N && !ranks_before(s, &top[n - 1])))
			continue;
		for (at = n < TOP_N ? n : TOP_N - 1; at > 0 && ranks_before(s, &top[at - 1]); at--)
			top[at] = top[at - 1];
		top[at] = *s;
		if (n < TOP_N)
			n++;
	}
	return n;
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
 * pos[row] is the row's place in the view (UINT32_MAX: not in it): the rows
 * are read in their own order, not the view's (200,000 rows read at random
 * cost a cache miss each), and a key names the row it has earliest in the view.
 */
static void breakdown(const struct frame *f, const uint32_t *pos, unsigned state,
		      struct breakdown *b)
{
	struct tally rem, loc;
	size_t nrows = frame_nrows(f);

	memset(b, 0, sizeof(*b));
	tally_init(&rem);
	tally_init(&loc);
	for (size_t i = 0; i < nrows; i++) {
		const struct conn *c = f->rows[i].c;
		union {
			uint8_t k[24];
			uint64_t w[3];
		} k = { .w = { 0 } };
		uint16_t port;
		bool local;

		if (pos[i] == UINT32_MAX || c->state != state)
			continue;
		b->total++;
		if (state == TS_CLOSE_WAIT) {
			const struct procinfo *p = row_proc(&f->rows[i]);
			int32_t pid = procinfo_known(p) ? p->pid : -1;

			k.k[0] = 0xff;
			memcpy(k.k + 1, &pid, sizeof(pid));
		} else {
			k.k[0] = c->family;
			memcpy(k.k + 1, conn_dst(c), conn_addr_len(c)); /* k is zeroed */
			k.k[17] = (uint8_t)(c->dport >> 8);
			k.k[18] = (uint8_t)c->dport;
		}
		tally_add(&rem, k.w, (uint32_t)i, pos);
		k.w[0] = k.w[1] = k.w[2] = 0;
		port = group_service_port(&f->tun, c, &local);
		k.k[0] = local;
		k.k[17] = (uint8_t)(port >> 8);
		k.k[18] = (uint8_t)port;
		tally_add(&loc, k.w, (uint32_t)i, pos);
	}
	b->nremote = top_of(&rem, b->remote);
	b->nlocal = top_of(&loc, b->local);
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
		const struct frame *f = ui->frame;
		uint32_t *pos = xmalloc((frame_nrows(f) ? frame_nrows(f) : 1) * sizeof(*pos));

		memset(pos, 0xff, frame_nrows(f) * sizeof(*pos));
		for (size_t i = 0; i < ui->view.n; i++)
			pos[ui->view.order[i]] = (uint32_t)i;
		breakdown(f, pos, TS_TIME_WAIT, &sc->tw);
		breakdown(f, pos, TS_CLOSE_WAIT, &sc->cw);
		free(pos);
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
