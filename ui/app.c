/* SPDX-License-Identifier: GPL-2.0-or-later */
/* app: the interactive main loop: keys, frames from the collector thread, signals, snapshots. */
#include "app.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "canvas.h"
#include "diagnose.h"
#include "fatal.h"
#include "filter.h"
#include "privs.h"
#include "procfd.h"
#include "pump.h"
#include "group.h"
#include "opts.h"
#include "outfmt.h"
#include "safefile.h"
#include "settings.h"
#include "sigs.h"
#include "screen.h"
#include "strbuf.h"
#include "term.h"
#include "widgets.h"

/* Signals reach the loop through this pipe: the handlers (src/sigs.c) only write a byte. */
static int signal_pipe[2] = { -1, -1 };

static uint64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

struct app {
	const struct app_cfg *cfg;
	struct ui ui;
	struct canvas canvas;
	struct pump *pump;
	uint8_t ext; /* kernel extensions asked for now */
	struct diag_req req;
	struct filter *filter; /* owned; the pump keeps its own copy of the bytecode */
	uint64_t sent_gen;     /* the view generation the pump knows */
	bool dirty;
	bool end_noted;
	/*
	 * --low-memory: the frame is lent to the pump for its refresh (pump_lend):
	 * nothing is drawn and no key is read until the next one is taken.
	 */
	bool lent;
	struct source_pos rpos;   /* a replay's position, kept by the source in the pump's thread */
	atomic_bool quitting;     /* set before pump_stop: a stalled stream stops waiting */
	uint64_t rp_refused_seen; /* the pump's refusals already shown */
	bool rp_damage_shown;
	uint64_t fields_asked; /* the detail's socket a refresh was asked for (want_fields) */
	int exit_status;
	bool quit;
	/* the settings file: its path ("" = none), what it said, what the run started with */
	char rc_path[4096];
	struct settings rc_loaded, rc_start;
};

/* The extensions the visible views need; the detail view shows everything. */
static uint8_t ui_needs(const struct ui *ui)
{
	/* batch's rule (outfmt.c), no writer: the shown columns, the sort, the listeners, the
	 * diagnosis (header count, view 5), and what the current view needs */
	return outfmt_needs(NULL, ui->cols, ui->ncols, ui->sort, screen_get(ui->screen)->needs);
}

static void update_req(struct app *a, bool force)
{
	uint8_t ext = ui_needs(&a->ui);

	if (ext == a->ext && !force)
		return;
	a->ext = ext;
	a->req.ext = ext;
	pump_set_req(a->pump, &a->req);
}

/*
 * A snapshot never replaces an earlier one: the name (-w PATH, or a
 * timestamped one) gets -2, -3, ... before its extension while taken.
 */
static int snapshot_path(const char *want, char *out, size_t n)
{
	const char *slash = strrchr(want, '/'), *dot = strrchr(want, '.');
	size_t stem =
		dot && (!slash || dot > slash) && dot != want ? (size_t)(dot - want) : strlen(want);

	snprintf(out, n, "%s", want);
	for (int i = 2; i < 10000 && access(out, F_OK) == 0; i++)
		snprintf(out, n, "%.*s-%d%s", (int)stem, want, i, want + stem);
	return access(out, F_OK) == 0 ? -1 : 0;
}

/* The current view drawn whole on a canvas as tall as it is (detail, help: every line). */
static void draw_tall(struct app *a, struct canvas *tall, uint64_t now)
{
	struct ui *ui = &a->ui;
	const struct screen *s = screen_get(ui->screen);
	struct ui_scroll keep = ui->scroll[ui->screen];
	int body_h = ui->body_h;
	long rows = s->nrows ? s->nrows(ui) : 0;
	int h = ui_header_lines(ui) + 1 + (int)(rows < 100000 ? rows : 100000);

	canvas_init(tall, a->canvas.w, h > a->canvas.h ? h : a->canvas.h, a->canvas.utf8);
	ui->scroll[ui->screen].top = 0;
	ui_draw(ui, tall, now);
	ui->scroll[ui->screen] = keep;
	ui->body_h = body_h;
}

static void snapshot(struct app *a, bool all, uint64_t now)
{
	struct strbuf sb = STRBUF_INIT;
	struct terr e;
	char want[256], path[300];
	const char *p = a->cfg->opts->write_path;
	struct canvas tall;

	if (!p) {
		time_t t = time(NULL);
		struct tm tm;

		localtime_r(&t, &tm);
		strftime(want, sizeof(want), "tcptop-%Y%m%d-%H%M%S.txt", &tm);
		p = want;
	}
	if (snapshot_path(p, path, sizeof(path)) < 0) {
		ui_message(&a->ui, true, now, "snapshot not written: no free name beside %s", p);
		return;
	}
	if (all) {
		draw_tall(a, &tall, now);
		canvas_to_text(&tall, &sb);
		canvas_free(&tall);
	} else {
		/* exactly what is on the screen now: the canvas as last drawn */
		canvas_to_text(&a->canvas, &sb);
	}
	if (safefile_write(path, sb.s, sb.len, &e) < 0)
		ui_message(&a->ui, true, now, "snapshot failed: %s", e.msg);
	else
		ui_message(&a->ui, false, now, "snapshot written to %s", path);
	sb_free(&sb);
}

/* The settings the UI holds now, in the file's terms. */
static void settings_now(const struct ui *ui, struct settings *s)
{
	bool grouped = ui->screen == SCR_GROUP;

	for (int i = 0; i < ui->depth; i++)
		grouped |= ui->stack[i] == SCR_GROUP;
	memset(s, 0, sizeof(*s));
	s->have = SET_COLUMNS | SET_SORT | SET_REVERSE | SET_INTERVAL | SET_VIEW | SET_GROUP;
	memcpy(s->cols, ui->cols, ui->ncols * sizeof(ui->cols[0]));
	s->ncols = ui->ncols;
	s->sort = ui->sort;
	s->reverse = ui->reverse;
	s->interval = ui->interval;
	snprintf(s->view, sizeof(s->view), "%s",
		 grouped ? screen_get(SCR_GROUP)->name : screen_get(ui_tab(ui))->name);
	s->group = ui->group;
}

/* Reads the settings file into s; a message for the status line when it was refused. */
static void settings_load(struct app *a, struct settings *s, char *note, size_t nn)
{
	struct terr e = { { 0 } };
	char buf[65536];
	ssize_t n;
	int fd, r;

	memset(s, 0, sizeof(*s));
	note[0] = '\0';
	fd = open(a->rc_path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		if (errno != ENOENT)
			snprintf(note, nn, "settings %s not read: %s; defaults used", a->rc_path,
				 strerror(errno));
		return;
	}
	n = read(fd, buf, sizeof(buf));
	close(fd);
	if (n < 0) {
		snprintf(note, nn, "settings %s not read: %s; defaults used", a->rc_path,
			 strerror(errno));
		return;
	}
	if (n == (ssize_t)sizeof(buf)) {
		snprintf(note, nn, "settings %s: over 64 KiB, not a settings file; defaults used",
			 a->rc_path);
		return;
	}
	r = settings_parse(buf, (size_t)n, s, &e);
	if (r < 0)
		snprintf(note, nn, "tcptoprc %s; defaults used (%s)", e.msg, a->rc_path);
	else if (r > 0)
		snprintf(note, nn, "tcptoprc %s (%s)", e.msg, a->rc_path);
}

/* What the file sets, where the command line did not say otherwise. */
static void settings_apply(struct app *a, const struct settings *s)
{
	struct ui *ui = &a->ui;
	uint32_t given = a->cfg->opts->given;
	const struct screen *view;

	if ((s->have & SET_COLUMNS) && !(given & OPTS_GIVEN_COLUMNS)) {
		memcpy(ui->cols, s->cols, s->ncols * sizeof(s->cols[0]));
		ui->ncols = s->ncols;
	}
	if ((s->have & SET_SORT) && !(given & OPTS_GIVEN_SORT))
		ui->sort = s->sort;
	if ((s->have & SET_REVERSE) && !(given & OPTS_GIVEN_REVERSE))
		ui->reverse = s->reverse;
	if ((s->have & SET_INTERVAL) && !(given & OPTS_GIVEN_DELAY))
		ui->interval = s->interval;
	if ((s->have & SET_GROUP) && !(given & OPTS_GIVEN_GROUP))
		ui->group = s->group;
	view = (s->have & SET_VIEW) ? screen_by_name(s->view) : NULL;
	if (view && (view->tab || (view->id == SCR_GROUP && ui->group != GROUP_NONE)))
		ui_go(ui, view->id);
}

/* mkdir -p of the file's directory (0700: it is the user's). */
static void make_parent(const char *path)
{
	char dir[4096];
	size_t n = strlen(path);

	if (n >= sizeof(dir))
		return;
	memcpy(dir, path, n + 1);
	for (char *p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0700) < 0 && errno != EEXIST)
			return;
		*p = '/';
	}
}

/*
 * On quit: the keys the user changed in this run go over what the file had
 * (a command-line -s does not get saved unless changed here). Written only
 * when that differs from the file. Returns -1 with e set when writing failed.
 */
static int settings_save(struct app *a, struct terr *e)
{
	struct settings now, out = a->rc_loaded;

	settings_now(&a->ui, &now);
	if (now.ncols != a->rc_start.ncols ||
	    memcmp(now.cols, a->rc_start.cols, now.ncols * sizeof(now.cols[0]))) {
		memcpy(out.cols, now.cols, sizeof(now.cols));
		out.ncols = now.ncols;
		out.have |= SET_COLUMNS;
	}
	if (now.sort != a->rc_start.sort)
		out.sort = now.sort, out.have |= SET_SORT;
	if (now.reverse != a->rc_start.reverse)
		out.reverse = now.reverse, out.have |= SET_REVERSE;
	if (now.interval != a->rc_start.interval)
		out.interval = now.interval, out.have |= SET_INTERVAL;
	if (strcmp(now.view, a->rc_start.view))
		memcpy(out.view, now.view, sizeof(now.view)), out.have |= SET_VIEW;
	if (now.group != a->rc_start.group)
		out.group = now.group, out.have |= SET_GROUP;
	if (!settings_differ(&out, &a->rc_loaded))
		return 0;
	{
		struct strbuf sb = STRBUF_INIT;
		int r;

		settings_format(&out, &sb);
		make_parent(a->rc_path);
		r = safefile_write(a->rc_path, sb.s, sb.len, e);
		sb_free(&sb);
		return r;
	}
}

/* The filter prompt's Enter: a new filter, or -1 and the old one stays. */
static int apply_filter(void *ctx, const char *text, struct terr *e)
{
	struct app *a = ctx;
	struct filter *f = filter_parse(text, e);
	const char *note;

	if (!f && terr_isset(e))
		return -1;
	if (filter_needs_procs(f) && a->ui.replay) {
		terr_set(e, "proc and pid need process attribution: a recording holds none");
		filter_free(f);
		return -1;
	}
	if (filter_needs_procs(f) && !a->ui.procs) {
		/* proc and pid match the attribution: switch it on and keep it on */
		a->ui.procs = true;
		pump_set_procs(a->pump, true);
	}
	filter_free(a->filter);
	a->filter = f;
	free(a->ui.filter_text);
	a->ui.filter_text = f ? xstrdup(filter_text(f)) : NULL;
	a->ui.match = f ? filter_view_match : NULL;
	a->ui.filter_ctx = f;
	/* the new kernel part; pump_set_req copies the bytecode */
	filter_kernel_req(f, &a->req);
	note = filter_privilege_note(f, privs_read_all_procs());
	if (note)
		ui_message(&a->ui, true, now_ns(), "%s", note);
	return 0;
}

/* The detail view's fd: read from /proc here, once per socket shown, never in the views. */
static void detail_fd(struct app *a)
{
	int32_t pid;
	uint32_t inode;

	if (screen_detail_wants_fd(&a->ui, &pid, &inode))
		screen_detail_set_fd(&a->ui, pid,
				     procfd_find(a->cfg->collector.src.proc_root, pid, inode));
}

/* A replay key's command, handed to the player; it never waits for it. */
static void replay_command(struct app *a)
{
	struct ui *ui = &a->ui;

	switch (ui->rp_cmd) {
	case RPC_PAUSE:
		pump_replay_pause(a->pump, ui->paused);
		break;
	case RPC_STEP:
		pump_replay_step(a->pump, ui->rp_arg);
		break;
	case RPC_GOTO:
		pump_replay_goto(a->pump, ui->rp_arg < 0 ? PUMP_LAST : (size_t)ui->rp_arg);
		break;
	case RPC_SPEED:
		pump_replay_speed(a->pump, ui->rp_speed);
		break;
	case RPC_NONE:
		break;
	}
	ui->rp_cmd = RPC_NONE;
}

/* The player's state for the position line; what it refused or found, said once. */
static void replay_state(struct app *a, uint64_t now)
{
	struct ui *ui = &a->ui;

	pump_replay_state(a->pump, &ui->rp);
	ui->paused = ui->rp.paused;
	if (ui->rp.refused_seq != a->rp_refused_seen) {
		a->rp_refused_seen = ui->rp.refused_seq;
		ui_message(ui, true, now, "%s", ui->rp.refused);
	}
	if (ui->rp.damage[0] && ui->rp.at_end && !a->rp_damage_shown) {
		a->rp_damage_shown = true;
		ui_message(ui, true, now, "%s", ui->rp.damage);
	}
	a->dirty = true;
}

/*
 * Frames keep every tcp_info field of the selected connection only (the
 * rest keep what columns and the diagnosis read). A detail opened on one
 * selected just now (from Findings, a search) asks for a refresh at once,
 * or has a paused replay decode its refresh again, instead of waiting an
 * interval for them. Once per socket: a socket without tcp_info never has
 * them.
 */
static void want_fields(struct app *a)
{
	uint64_t cookie = ui_history_cookie(&a->ui);
	const struct row *r;
	size_t len;

	if (a->ui.screen != SCR_DETAIL || !a->ui.frame || !cookie || cookie == a->fields_asked ||
	    frame_full_info(a->ui.frame, cookie, &len))
		return;
	r = frame_find(a->ui.frame, cookie);
	if (!r || !conn_has_info(r->c))
		return;
	a->fields_asked = cookie;
	if (!a->ui.replay)
		pump_kick(a->pump);
	else if (a->ui.rp.paused && a->ui.rp.shown && a->ui.rp.can_go_back)
		pump_replay_goto(a->pump, a->ui.rp.index);
}

static void handle_bits(struct app *a, unsigned r, uint64_t now)
{
	if (r & R_QUIT)
		a->quit = true;
	if (r & R_INTERVAL)
		pump_set_interval(a->pump, a->ui.interval);
	if (r & R_FILTER) {
		update_req(a, true);
		pump_kick(a->pump);
	}
	if (r & R_SNAPSHOT)
		snapshot(a, (r & R_SNAPSHOT_ALL) != 0, now);
	if (r & R_PROCS) {
		pump_set_procs(a->pump, a->ui.procs);
		pump_kick(a->pump);
	}
	if (r & R_ALLNS) {
		pump_set_allns(a->pump, a->ui.allns);
		pump_kick(a->pump);
	}
	if (r & R_REPLAY)
		replay_command(a);
	if (r & (R_SELECT | R_REDRAW)) {
		pump_select(a->pump, ui_history_cookie(&a->ui));
		want_fields(a);
	}
	/* screen or column changes may change what the kernel must send */
	update_req(a, false);
	/* a new sort or filter: the thread orders the next frames that way */
	if (a->ui.view_gen != a->sent_gen) {
		a->sent_gen = a->ui.view_gen;
		pump_set_view(a->pump, a->ui.view_gen, a->ui.sort, a->ui.reverse,
			      a->ui.filter_text);
	}
	detail_fd(a);
	if (r)
		a->dirty = true;
}

static void resize(struct app *a)
{
	int w, h;

	term_resize();
	term_size(&w, &h);
	canvas_resize(&a->canvas, w, h);
	a->dirty = true;
}

static void read_signals(struct app *a)
{
	unsigned char sigs[16];
	ssize_t n;

	while ((n = read(signal_pipe[0], sigs, sizeof(sigs))) > 0) {
		for (ssize_t i = 0; i < n; i++) {
			if (sigs[i] == SIGWINCH) {
				resize(a);
			} else if (sigs[i] == SIGCONT) {
				/* back from Ctrl-Z: curses' modes and the screen are ours again */
				term_resume();
				resize(a);
			} else if (sigs_action_of(sigs[i]) == SIGS_EXIT) {
				a->quit = true;
				a->exit_status = 128 + sigs[i];
			}
		}
	}
}

static void take_frame(struct app *a, uint64_t now)
{
	const struct frame *f;

	if (a->ui.paused && !a->ui.replay) {
		/* frozen: leave new frames in the pump, which recycles them */
		pump_drain(a->pump);
		return;
	}
	/* a paused replay still sends the refreshes the step keys ask for */
	f = pump_take(a->pump);
	if (f) {
		uint64_t gen;
		struct view *order = pump_order(a->pump, &gen);

		a->lent = false;
		ui_set_frame_ordered(&a->ui, f, order, gen, now);
		detail_fd(a);
		pump_select(a->pump, ui_history_cookie(&a->ui));
		want_fields(a);
		a->dirty = true;
	} else if (!a->lent && pump_lend(a->pump)) {
		a->lent = true; /* the screen stays as drawn; keys wait in the terminal */
		ui_lend_frame(&a->ui, now);
	}
	if (a->ui.replay) {
		replay_state(a, now);
		return;
	}
	if (!a->end_noted && pump_status(a->pump) == 1) {
		a->end_noted = true;
		ui_message(&a->ui, false, now, "end of the recording: q quits");
	}
}

static int loop(struct app *a)
{
	bool was_paused = false;

	while (!a->quit) {
		struct pollfd p[3] = {
			{ a->lent ? -1 : STDIN_FILENO, POLLIN, 0 },
			{ pump_fd(a->pump), POLLIN, 0 },
			{ signal_pipe[0], POLLIN, 0 },
		};
		uint64_t now = now_ns();
		int timeout = 1000;

		if (a->dirty && !a->lent) {
			ui_draw(&a->ui, &a->canvas, now);
			term_blit(&a->canvas);
			a->dirty = false;
		}
		/* wake up when a status message expires */
		if (a->ui.status_until_ns > now)
			timeout = (int)((a->ui.status_until_ns - now) / 1000000u) + 1;
		if (poll(p, 3, timeout) < 0 && errno != EINTR)
			return 1;
		now = now_ns();
		if (a->ui.status_until_ns && now >= a->ui.status_until_ns) {
			a->ui.status_until_ns = 0;
			a->dirty = true;
		}
		if (p[2].revents & POLLIN)
			read_signals(a);
		if (p[0].revents & (POLLHUP | POLLERR)) {
			a->quit = true; /* the terminal went away */
			break;
		}
		if (p[0].revents & POLLIN) {
			int k;

			while ((k = term_getkey()) != -1 && !a->quit) {
				if (k == K_RESIZE) {
					resize(a);
					continue;
				}
				if (k == K_MOUSE) {
					int kind, my, mx;

					if (term_mouse(&kind, &my, &mx))
						handle_bits(a, ui_mouse(&a->ui, kind, my, mx, now),
							    now);
					continue;
				}
				handle_bits(a, ui_key(&a->ui, k, now), now);
			}
		}
		if (was_paused != a->ui.paused) {
			/* paused, the pump refills the frame it holds instead of waiting */
			if (!a->ui.replay)
				pump_set_paused(a->pump, a->ui.paused);
			if (!a->ui.paused)
				p[1].revents |= POLLIN; /* resume with the newest frame at once */
		}
		was_paused = a->ui.paused;
		if (p[1].revents & POLLIN)
			take_frame(a, now);
	}
	return a->exit_status;
}

/*
 * The view starts once a replay's header is read (it names the host). A
 * FIFO or stdin may have no writer yet: the terminal says so, since the
 * view cannot be up to say it.
 */
static void say_waiting(const char *shown)
{
	fprintf(stderr, "tcptop: waiting for %s: nothing written to it yet (Ctrl-C quits)\n",
		strcmp(shown, "-") ? shown : "the recording on standard input");
}

int app_run(const struct app_cfg *cfg)
{
	struct app a;
	struct collector *col;
	struct collector_cfg cc;
	struct terr e = { { 0 } };
	const struct opts *o = cfg->opts;
	bool color = !o->no_color && !getenv("NO_COLOR");
	int w, h, status;
	char rc_note[4096 + 1024];
	const char *note;

	memset(&a, 0, sizeof(a));
	a.cfg = cfg;
	a.req = cfg->collector.req;
	cc = cfg->collector;
	cc.src.pos = &a.rpos;
	atomic_init(&a.quitting, false);
	cc.src.stop = &a.quitting;
	cc.src.waiting = say_waiting;
	col = collector_new(&cc, &e);
	if (!col) {
		fprintf(stderr, "tcptop: %s\n", e.msg);
		filter_free(cfg->filter);
		return 1;
	}
	ui_init(&a.ui, o->cols, o->ncols, o->sort, o->reverse, o->interval);
	if (o->given & OPTS_GIVEN_GROUP)
		a.ui.group = o->group_by;
	rc_note[0] = '\0';
	if (!o->no_config && settings_path(getenv("TCPTOPRC"), getenv("XDG_CONFIG_HOME"),
					   getenv("HOME"), a.rc_path, sizeof(a.rc_path)) == 0) {
		settings_load(&a, &a.rc_loaded, rc_note, sizeof(rc_note));
		settings_apply(&a, &a.rc_loaded);
	} else {
		a.rc_path[0] = '\0';
	}
	if (a.ui.group != GROUP_NONE && a.ui.screen != SCR_GROUP)
		ui_go(&a.ui, SCR_GROUP);
	settings_now(&a.ui, &a.rc_start);
	a.ui.hostname = collector_hostname(col);
	a.ui.kernel = collector_kernel(col);
	a.ui.replay = collector_is_replay(col);
	a.ui.netns = cfg->netns;
	a.ui.procs = collector_procs(col);
	a.ui.allns = collector_allns(col);
	a.ui.root = geteuid() == 0;
	a.filter = cfg->filter;
	a.ui.apply_filter = apply_filter;
	a.ui.apply_ctx = &a;
	if (a.filter) {
		a.ui.match = filter_view_match;
		a.ui.filter_ctx = a.filter;
		a.ui.filter_text = xstrdup(filter_text(a.filter));
	}
	a.ext = a.req.ext = ui_needs(&a.ui);
	collector_set_req(col, &a.req);
	a.ui.low_memory = o->low_memory;
	a.pump = pump_start(col, a.ui.interval, &a.rpos, o->low_memory, &e);
	if (!a.pump) {
		fprintf(stderr, "tcptop: %s\n", e.msg);
		collector_close(col, &e);
		return 1;
	}
	if (pipe2(signal_pipe, O_CLOEXEC | O_NONBLOCK) < 0 || term_open(color, &e) < 0) {
		fprintf(stderr, "tcptop: %s\n", terr_isset(&e) ? e.msg : strerror(errno));
		atomic_store(&a.quitting, true);
		pump_stop(a.pump, &e);
		return 1;
	}
	a.ui.view_gen = 1;
	a.sent_gen = 1;
	pump_set_view(a.pump, 1, a.ui.sort, a.ui.reverse, a.ui.filter_text);
	fatal_set_cleanup(term_emergency_restore);
	sigs_install(
		&(struct sigs_cfg){ .restore = term_emergency_restore, .wake_fd = signal_pipe[1] });
	term_size(&w, &h);
	canvas_init(&a.canvas, w, h, term_utf8());
	a.dirty = true;
	if (rc_note[0])
		ui_message(&a.ui, true, now_ns(), "%s", rc_note);
	else if ((note = filter_privilege_note(a.filter, privs_read_all_procs())))
		ui_message(&a.ui, true, now_ns(), "%s", note);
	status = loop(&a);
	term_close();
	if (a.rc_path[0] && settings_save(&a, &e) < 0)
		fprintf(stderr, "tcptop: settings not saved to %s: %s\n", a.rc_path, e.msg);
	fatal_set_cleanup(NULL);
	atomic_store(&a.quitting, true);
	if (pump_stop(a.pump, &e) < 0) {
		fprintf(stderr, "tcptop: %s\n", e.msg);
		status = status ? status : 1;
	}
	canvas_free(&a.canvas);
	ui_free(&a.ui);
	filter_free(a.filter);
	close(signal_pipe[0]);
	close(signal_pipe[1]);
	return status;
}
