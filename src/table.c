/* SPDX-License-Identifier: GPL-2.0-or-later */
/* table: column layout and cell formatting. */
#include "table.h"

#include <stdio.h>
#include <string.h>

void table_fit_text(const char *s, int w, int align, char *buf, size_t len)
{
	int n = (int)strlen(s);

	if (w <= 0 || len == 0) {
		if (len)
			buf[0] = '\0';
		return;
	}
	if ((size_t)w >= len)
		w = (int)len - 1;
	if (n > w) {
		/* keep both ends: for an endpoint, the network and the port */
		int head = (w - 1) / 2, tail = w - 1 - head;

		if (w == 1) {
			buf[0] = '~';
		} else {
			memcpy(buf, s, (size_t)head);
			buf[head] = '~';
			memcpy(buf + head + 1, s + n - tail, (size_t)tail);
		}
		buf[w] = '\0';
		return;
	}
	/* padding by hand: this runs for every cell of a snapshot (no printf per cell) */
	if (align == ALIGN_RIGHT) {
		memset(buf, ' ', (size_t)(w - n));
		memcpy(buf + (w - n), s, (size_t)n);
	} else {
		memcpy(buf, s, (size_t)n);
		memset(buf + n, ' ', (size_t)(w - n));
	}
	buf[w] = '\0';
}

static void finish(struct layout *l)
{
	l->total = 0;
	for (int i = 0; i < l->n; i++)
		l->total += l->width[i] + (i ? 1 : 0);
}

/* The narrowest a flexible column (an address) gets before columns are dropped. */
#define FLEX_MIN 15

static int flex_min(const struct column *col)
{
	return col->minwidth ? col->minwidth : FLEX_MIN;
}

/* Cells a flexible column at width w can give up. */
static int spare(const struct column *col, int w)
{
	return (col->flags & COLF_FLEX) && w > flex_min(col) ? w - flex_min(col) : 0;
}

static int natural_width(const struct column *col, const uint8_t *natural)
{
	if (natural && (col->flags & (COLF_FLEX | COLF_FIT)) && natural[col->id])
		return natural[col->id];
	return col->width;
}

void layout_fit(struct layout *l, const enum col_id *want, size_t nwant, int avail)
{
	layout_fit_data(l, want, nwant, avail, NULL);
}

void layout_measure(const struct frame *f, const uint32_t *order, size_t n, uint8_t natural[COL_N])
{
	memset(natural, 0, COL_N);
	for (int id = 0; id < COL_N; id++) {
		const struct column *col = column_get(id);
		size_t w = strlen(col->header) < 9 ? strlen(col->header) : 9;

		if (!(col->flags & (COLF_FLEX | COLF_FIT)))
			continue;
		for (size_t i = 0; i < n; i++) {
			char buf[160];
			size_t len = strlen(
				column_format(col, &f->rows[order[i]], 160, buf, sizeof(buf)));

			if (len > w)
				w = len;
		}
		/* a fitted column only narrows: its own width is the most it needs */
		if (col->flags & COLF_FIT)
			natural[id] = (uint8_t)(w > col->width ? col->width : w);
		else
			natural[id] = (uint8_t)(w > col->maxwidth ? col->maxwidth : w);
	}
}

void layout_fit_data(struct layout *l, const enum col_id *want, size_t nwant, int avail,
		     const uint8_t natural[COL_N])
{
	bool keep[COL_N];
	int used = 0, nkeep = 0, shrink = 0, nflex = 0;

	memset(l, 0, sizeof(*l));
	if (nwant > COL_N)
		nwant = COL_N;
	for (size_t i = 0; i < nwant; i++) {
		keep[i] = true;
		used += natural_width(column_get(want[i]), natural) + (nkeep++ ? 1 : 0);
		if (column_get(want[i])->flags & COLF_FLEX) {
			shrink += spare(column_get(want[i]),
					natural_width(column_get(want[i]), natural));
			nflex++;
		}
	}
	/*
	 * Drop by priority (the largest number first, the rightmost among
	 * equals); before giving up an essential column (the answer, or the
	 * process: priority 2 or less), narrow the flexible ones instead.
	 */
	while (used - shrink > avail || used > avail) {
		int drop = -1;

		for (size_t i = 0; i < nwant; i++)
			if (keep[i] &&
			    (drop < 0 || column_get(want[i])->prio >= column_get(want[drop])->prio))
				drop = (int)i;
		if (drop < 0 || nkeep <= 1)
			break;
		if (column_get(want[drop])->prio <= 2 && used - shrink <= avail)
			break; /* narrowing is enough */
		keep[drop] = false;
		used -= natural_width(column_get(want[drop]), natural) + 1;
		shrink -= spare(column_get(want[drop]),
				natural_width(column_get(want[drop]), natural));
		nkeep--;
		l->dropped++;
	}
	/*
	 * Dropping is greedy: a wide column may have gone after a narrow one
	 * that would fit again now. Take those back, the most important first.
	 */
	for (int prio = 1; prio <= UINT8_MAX && l->dropped; prio++) {
		for (size_t i = 0; i < nwant; i++) {
			int w = natural_width(column_get(want[i]), natural);
			int give = spare(column_get(want[i]), w);
			/* the answer and Process may be narrowed for each other, not for the rest */
			int room = prio <= 2 ? shrink + give : 0;

			if (keep[i] || column_get(want[i])->prio != prio ||
			    used + w + 1 - room > avail)
				continue;
			keep[i] = true;
			used += w + 1;
			shrink += give;
			nkeep++;
			l->dropped--;
		}
	}
	for (size_t i = 0; i < nwant; i++) {
		if (!keep[i])
			continue;
		l->col[l->n] = column_get(want[i]);
		l->width[l->n] = natural_width(l->col[l->n], natural);
		l->n++;
	}
	/* Too wide still: take cells from the flexible columns, in turns, down to their minimum. */
	for (bool took = true; used > avail && took && nflex;) {
		took = false;
		for (int i = 0; i < l->n && used > avail; i++) {
			if (spare(l->col[i], l->width[i])) {
				l->width[i]--;
				used--;
				took = true;
			}
		}
	}
	/* Spare cells go to flexible columns, in turns, up to their maximum (data-sized ones stay). */
	for (bool grew = !natural; used < avail && grew;) {
		grew = false;
		for (int i = 0; i < l->n && used < avail; i++) {
			if ((l->col[i]->flags & COLF_FLEX) && l->width[i] < l->col[i]->maxwidth) {
				l->width[i]++;
				used++;
				grew = true;
			}
		}
	}
	/* One column alone wider than the screen is cut to it. */
	if (l->n == 1 && l->width[0] > avail)
		l->width[0] = avail > 1 ? avail : 1;
	finish(l);
}

void layout_all(struct layout *l, const enum col_id *want, size_t nwant, const struct frame *f,
		const uint32_t *order, size_t n)
{
	memset(l, 0, sizeof(*l));
	if (nwant > COL_N)
		nwant = COL_N;
	for (size_t i = 0; i < nwant; i++) {
		const struct column *col = column_get(want[i]);
		int w = col->width;

		if (col->flags & COLF_FLEX) {
			char buf[ENDPOINT_STRLEN];

			for (size_t k = 0; k < n; k++) {
				int len = (int)strlen(column_format(col, &f->rows[order[k]], 64,
								    buf, sizeof(buf)));
				if (len > w)
					w = len;
			}
		}
		l->col[l->n] = col;
		l->width[l->n] = w;
		l->n++;
	}
	finish(l);
}

void table_header_cell(const struct layout *l, int i, char *buf, size_t len)
{
	/* a header reads from its start: cut its end, not its middle */
	int w = l->width[i];

	if ((int)strlen(l->col[i]->header) > w && (size_t)w < len)
		snprintf(buf, len, "%.*s", w, l->col[i]->header);
	else
		table_fit_text(l->col[i]->header, w, l->col[i]->align, buf, len);
}

void layout_set_attribution(struct layout *l, unsigned attribution)
{
	static const char *const notes[] = {
		[ATTR_OFF] = "off",
		[ATTR_UNAVAILABLE] = "n/a",
	};

	l->procs_note = attribution < sizeof(notes) / sizeof(notes[0]) ? notes[attribution] : NULL;
}

/* Like table_fit_text, but a long text keeps its start ("12345/postgr~"): names and lists. */
static void fit_text_head(const char *s, int w, int align, char *buf, size_t len)
{
	if (w > 1 && (int)strlen(s) > w && (size_t)w < len) {
		memcpy(buf, s, (size_t)(w - 1));
		buf[w - 1] = '~';
		buf[w] = '\0';
		return;
	}
	table_fit_text(s, w, align, buf, len);
}

void table_cell(const struct layout *l, int i, const struct row *r, char *buf, size_t len)
{
	char raw[128];

	if (l->procs_note && (l->col[i]->flags & COLF_PROCS) && !row_proc(r)) {
		table_fit_text(l->procs_note, l->width[i], l->col[i]->align, buf, len);
		return;
	}
	column_format(l->col[i], r, l->width[i], raw, sizeof(raw));
	if (l->col[i]->flags & COLF_CUTEND) {
		fit_text_head(raw, l->width[i], l->col[i]->align, buf, len);
		return;
	}
	table_fit_text(raw, l->width[i], l->col[i]->align, buf, len);
}

void table_header_line(const struct layout *l, struct strbuf *sb)
{
	char buf[160];

	for (int i = 0; i < l->n; i++) {
		if (i)
			sb_putc(sb, ' ');
		table_header_cell(l, i, buf, sizeof(buf));
		sb_puts(sb, buf);
	}
	while (sb->len && sb->s[sb->len - 1] == ' ')
		sb->s[--sb->len] = '\0';
}

void table_row_line(const struct layout *l, const struct row *r, struct strbuf *sb)
{
	size_t start = sb->len;

	/* each cell is written in place at the end of the line: no copy per cell */
	for (int i = 0; i < l->n; i++) {
		if (i)
			sb_putc(sb, ' ');
		table_cell(l, i, r, sb_tail(sb, 160), 160);
		sb_commit(sb);
	}
	while (sb->len > start && sb->s[sb->len - 1] == ' ')
		sb->s[--sb->len] = '\0';
}
