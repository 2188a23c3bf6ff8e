/* SPDX-License-Identifier: GPL-2.0-or-later */
/* screen_findings: what the diagnosis found, most severe first; the selected one in full with its numbers. */
#include <stdio.h>
#include <string.h>

#include "diagnose.h"
#include "procmap.h"
#include "screen.h"
#include "widgets.h"

/* Lines kept under the list for the selected finding's message and evidence. */
#define DETAIL_LINES 6

static const enum attr severity_attr[] = { AT_STATUS, AT_WARN, AT_ALARM };

/* The selected finding, by identity: the list re-orders between refreshes. */
struct findings_state {
	int code; /* -1: none chosen */
	char subject[FINDING_SUBJECT_MAX];
};

static void findings_init(struct ui *ui, void *state)
{
	struct findings_state *st = state;

	(void)ui;
	st->code = -1;
}

static long findings_rows(const struct ui *ui)
{
	return ui->frame ? (long)ui->frame->nfindings : 0;
}

/* Remembers the finding under the cursor by what it is, not where it is. */
static void remember(struct ui *ui)
{
	struct findings_state *st = screen_state(ui, SCR_FINDINGS);
	long sel = ui->scroll[SCR_FINDINGS].sel;
	const struct finding *x;

	if (!ui->frame || sel < 0 || sel >= (long)ui->frame->nfindings)
		return;
	x = &ui->frame->findings[sel];
	st->code = x->code;
	snprintf(st->subject, sizeof(st->subject), "%s", x->subject);
}

/* Puts the cursor back on the remembered finding in a new frame's list. */
static void follow(struct ui *ui)
{
	const struct findings_state *st = screen_state(ui, SCR_FINDINGS);
	const struct frame *f = ui->frame;

	if (st->code < 0)
		return;
	for (uint32_t i = 0; i < f->nfindings; i++) {
		if (f->findings[i].code == st->code &&
		    !strcmp(f->findings[i].subject, st->subject)) {
			ui->scroll[SCR_FINDINGS].sel = i;
			return;
		}
	}
}

static int findings_key(struct ui *ui, int key, uint64_t now_ns)
{
	long sel = ui->scroll[SCR_FINDINGS].sel;
	const struct finding *x;

	(void)now_ns;
	if (widget_scroll_key(&ui->scroll[SCR_FINDINGS], key, findings_rows(ui), ui->body_h,
			      true)) {
		remember(ui);
		return R_REDRAW;
	}
	if (key != K_ENTER && key != '\r')
		return -1;
	if (!ui->frame || sel < 0 || sel >= (long)ui->frame->nfindings)
		return R_REDRAW;
	x = &ui->frame->findings[sel];
	if (!x->cookie)
		return R_REDRAW; /* a host finding has no socket to show */
	return (int)screen_detail_open(ui, x->cookie);
}

static void selected(struct ui *ui, struct canvas *c, int y, int h, const struct finding *x)
{
	struct scrollwin sw;
	char msg[1024], ev[512];
	size_t n = 0;
	int ly;

	canvas_fill(c, y, 0, c->w, c->utf8 ? 0x2500 : '-', AT_DIM);
	sw_begin(&sw, c, y + 1, h - 1, 0);
	if ((ly = sw_next(&sw)) >= 0)
		canvas_printf(c, ly, 0, -1, severity_attr[x->severity % 3], "%s: %s",
			      diagnose_code(x->code)->name, diagnose_code(x->code)->title);
	sw_wrap(&sw, 2, AT_NORMAL, diagnose_message(ui->frame, x, msg, sizeof(msg)));
	ev[0] = '\0';
	for (int k = 0; k < x->nev && n < sizeof(ev); k++)
		n += (size_t)snprintf(ev + n, sizeof(ev) - n, "%s%s %lld", k ? "  " : "",
				      x->ev[k].key, (long long)x->ev[k].v);
	if (x->nev)
		sw_wrap(&sw, 2, AT_DIM, ev);
	/* who to talk to: the process holding the finding's socket (a leak names its application) */
	if (x->row < frame_nrows(ui->frame) && procinfo_known(row_proc(&ui->frame->rows[x->row]))) {
		const struct procinfo *p = row_proc(&ui->frame->rows[x->row]);
		char who[PROCINFO_TEXT_LEN + 64];

		snprintf(who, sizeof(who), "held by %s%s", p->text,
			 p->count > 1 ? " (and others: see the detail view)" : "");
		sw_wrap(&sw, 2, AT_NORMAL, who);
	}
	sw_wrap(&sw, 2, AT_TITLE, diagnose_code(x->code)->check);
}

static void findings_draw(struct ui *ui, struct canvas *c, int y, int h)
{
	const struct frame *f = ui->frame;
	struct ui_scroll *s = &ui->scroll[SCR_FINDINGS];
	int list = h - 1 - (f->nfindings ? DETAIL_LINES : 0);

	canvas_fill(c, y, 0, c->w, ' ', AT_HEADER);
	canvas_printf(c, y, 0, -1, AT_HEADER, "%-5s %-18s %-40s %s", "Sev", "Finding", "Subject",
		      "Count");
	if (f->nfindings == 0) {
		canvas_put(c, y + 1, 1, -1, AT_GOOD, "nothing looks wrong in the last interval");
		ui->body_h = h - 1;
		return;
	}
	if (list < 1)
		list = 1;
	ui->body_h = list;
	follow(ui);
	widget_scroll_fit(s, (long)f->nfindings, list, true);
	for (int i = 0; i < list && s->top + i < (long)f->nfindings; i++) {
		const struct finding *x = &f->findings[s->top + i];
		int ry = y + 1 + i;

		canvas_printf(c, ry, 0, -1, severity_attr[x->severity % 3], "%-5s",
			      diagnose_severity_name(x->severity));
		canvas_printf(c, ry, 6, -1, AT_NORMAL, "%-18s %-40.40s %u",
			      diagnose_code(x->code)->name, x->subject, x->count);
		if (s->top + i == s->sel)
			canvas_attr(c, ry, 0, c->w, AT_SELECTED);
	}
	if (f->findings_dropped)
		canvas_printf(c, y + list, 0, -1, AT_DIM, "... and %u less severe",
			      f->findings_dropped);
	if (s->sel >= 0 && s->sel < (long)f->nfindings)
		selected(ui, c, y + 1 + list, DETAIL_LINES, &f->findings[s->sel]);
}

/* Search: severity, code name and subject, as the row shows them. */
static bool findings_row_text(const struct ui *ui, long i, char *buf, size_t n)
{
	const struct finding *x;

	if (!ui->frame || i < 0 || i >= (long)ui->frame->nfindings)
		return false;
	x = &ui->frame->findings[i];
	snprintf(buf, n, "%s %s %s", diagnose_severity_name(x->severity),
		 diagnose_code(x->code)->name, x->subject);
	return true;
}

const struct screen screen_findings = {
	.id = SCR_FINDINGS,
	.name = "findings",
	.title = "Findings",
	.help = "findings: what is wrong, most severe first",
	.hotkey = '5',
	.tab = true,
	.selectable = true,
	.state_size = sizeof(struct findings_state),
	.init = findings_init,
	.draw = findings_draw,
	.nrows = findings_rows,
	.key = findings_key,
	.row_text = findings_row_text,
};
