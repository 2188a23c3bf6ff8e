/* SPDX-License-Identifier: GPL-2.0-or-later */
/* screen_counters: the TcpExt and Tcp counters with their change, like nstat, each explained. */
#include <stdio.h>
#include <string.h>

#include "screen.h"
#include "tunables.h"
#include "widgets.h"

/* What the counters an incident turns on mean (nstat names). */
static const struct {
	const char *name;
	const char *what;
} explain[] = {
	{ "TcpActiveOpens", "connections this host opened (connect)" },
	{ "TcpPassiveOpens", "connections accepted by listeners" },
	{ "TcpAttemptFails", "connect attempts that failed (refused, timed out)" },
	{ "TcpEstabResets", "established connections reset" },
	{ "TcpCurrEstab", "connections now ESTAB or CLOSE-WAIT (a level)" },
	{ "TcpInSegs", "segments received" },
	{ "TcpOutSegs", "segments sent" },
	{ "TcpRetransSegs", "segments retransmitted: loss or a slow peer" },
	{ "TcpInErrs", "bad segments received (checksum, ...)" },
	{ "TcpOutRsts", "resets sent" },
	{ "TcpExtListenOverflows", "SYN or ACK dropped: a listener's accept queue was full" },
	{ "TcpExtListenDrops", "SYNs dropped by listeners for any reason" },
	{ "TcpExtTCPReqQFullDrop", "SYN dropped: SYN queue full and syncookies off" },
	{ "TcpExtTCPReqQFullDoCookies", "SYN queue full: answered with a syncookie" },
	{ "TcpExtSyncookiesSent", "syncookies sent (SYN flood or a full SYN queue)" },
	{ "TcpExtSyncookiesRecv", "valid syncookie ACKs received" },
	{ "TcpExtSyncookiesFailed", "invalid syncookie ACKs" },
	{ "TcpExtEmbryonicRsts", "resets in SYN-RECV" },
	{ "TcpExtTCPWantZeroWindowAdv", "we wanted to advertise a zero window" },
	{ "TcpExtTCPToZeroWindowAdv", "we advertised a zero window: our reader is slow" },
	{ "TcpExtTCPFromZeroWindowAdv", "we reopened a zero window" },
	{ "TcpExtTCPZeroWindowDrop", "segments dropped: our window was zero" },
	{ "TcpExtTCPRcvQDrop", "segments dropped: receive queue over its buffer" },
	{ "TcpExtTCPWinProbe", "zero-window probes sent" },
	{ "TcpExtPruneCalled", "receive queue pruned under memory pressure" },
	{ "TcpExtRcvPruned", "packets dropped from a receive queue after collapsing" },
	{ "TcpExtOfoPruned", "out-of-order queue dropped under memory pressure" },
	{ "TcpExtTCPRcvCollapsed", "receive queue collapsed to save memory" },
	{ "TcpExtTCPBacklogDrop", "dropped: socket backlog full while the socket was busy" },
	{ "TcpExtTCPOFODrop", "out-of-order segments dropped: no receive memory" },
	{ "TcpExtTCPMemoryPressures", "times TCP entered memory pressure (tcp_mem)" },
	{ "TcpExtTW", "TIME-WAIT sockets that ended normally" },
	{ "TcpExtTWRecycled", "TIME-WAIT sockets reused by timestamp" },
	{ "TcpExtTWKilled", "TIME-WAIT sockets killed early" },
	{ "TcpExtTCPTimeWaitOverflow", "TIME-WAIT refused: tcp_max_tw_buckets reached" },
	{ "TcpExtDelayedACKs", "delayed ACKs sent" },
	{ "TcpExtDelayedACKLocked", "delayed ACK postponed: socket locked by the app" },
	{ "TcpExtDelayedACKLost", "quick ACKs after duplicate data (our ACK was lost)" },
	{ "TcpExtTCPTimeouts", "retransmission timeouts (RTO)" },
	{ "TcpExtTCPLostRetransmit", "retransmissions that were lost again" },
	{ "TcpExtTCPFastRetrans", "fast retransmits" },
	{ "TcpExtTCPSlowStartRetrans", "retransmits in slow start" },
	{ "TcpExtTCPSynRetrans", "SYN and SYN-ACK retransmits" },
	{ "TcpExtTCPAbortOnData", "reset: data arrived after close" },
	{ "TcpExtTCPAbortOnClose", "reset: closed with unread data" },
	{ "TcpExtTCPAbortOnMemory", "reset: out of memory (orphans, tcp_mem)" },
	{ "TcpExtTCPAbortOnTimeout", "reset: too many retransmit timeouts" },
	{ "TcpExtTCPAbortOnLinger", "reset: linger timeout" },
	{ "TcpExtTCPAbortFailed", "could not send a reset" },
	{ "TcpExtTCPOrigDataSent", "segments with new data sent" },
	{ "TcpExtTCPAutoCorking", "small writes corked together" },
	{ "TcpExtTCPHystartTrainDetect", "slow start left by HyStart (ACK train)" },
	{ "TcpExtTCPHystartDelayDetect", "slow start left by HyStart (delay)" },
	{ "TcpExtPAWSEstab", "segments dropped by PAWS (old timestamp)" },
	{ "TcpExtTCPACKSkippedSeq", "ACKs rate-limited (out-of-window)" },
	{ "TcpExtTCPChallengeACK", "challenge ACKs sent (RFC 5961)" },
	{ "TcpExtTCPSACKReneging", "the peer reneged on SACKed data" },
	{ "TcpExtTCPDSACKRecv", "duplicate SACKs received: spurious retransmits" },
	{ "TcpExtTCPSpuriousRTOs", "retransmit timeouts found spurious" },
	{ "TcpExtTCPKeepAlive", "keepalive probes sent" },
	{ "TcpExtTCPMTUPFail", "MTU probes that failed" },
};

static const char *explanation(const char *name)
{
	for (size_t i = 0; i < sizeof(explain) / sizeof(explain[0]); i++)
		if (!strcmp(explain[i].name, name))
			return explain[i].what;
	return "";
}

struct counters_state {
	bool nonzero; /* only counters that moved or are set (z) */
};

static bool shown(const struct ui *ui, const struct counter *ct)
{
	if (strncmp(ct->name, "Tcp", 3) != 0)
		return false;
	const struct counters_state *st = screen_state(ui, SCR_COUNTERS);

	return !st->nonzero || ct->value || ((ct->flags & CTR_DELTA) && ct->delta);
}

/* Below the counters: a heading, then every sysctl the diagnosis reads (the tunables table). */
#define SYSCTL_ROWS (2 + TUN_N)

static long counters_rows(const struct ui *ui)
{
	long n = 0;

	if (!ui->frame)
		return 0;
	for (size_t i = 0; i < ui->frame->counters.n; i++)
		n += shown(ui, &ui->frame->counters.v[i]);
	return n + SYSCTL_ROWS;
}

/* "4096", "4096 131072 6291456"; "-" when the file was not there. */
static void tunable_text(const struct tunables *t, enum tun_id id, char *buf, size_t len)
{
	size_t off = 0;

	if (!t->n[id]) {
		snprintf(buf, len, "-");
		return;
	}
	buf[0] = '\0';
	for (int i = 0; i < t->n[id] && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%lld", i ? " " : "",
					(long long)t->v[id][i]);
}

static void draw_sysctls(const struct frame *f, struct scrollwin *sw, struct canvas *c)
{
	int ly;

	if ((ly = sw_next(sw)) >= 0)
		canvas_put(c, ly, 0, -1, AT_NORMAL, "");
	if ((ly = sw_next(sw)) >= 0)
		canvas_put(
			c, ly, 0, -1, AT_TITLE,
			f->nns ? "sysctls the diagnosis reads (the host's namespace; under -N all "
				 "each namespace is judged by its own)"
			       : "sysctls the diagnosis reads");
	for (int i = 0; i < TUN_N; i++) {
		const struct tunable_def *d = tunable_def((enum tun_id)i);
		char v[96];

		if ((ly = sw_next(sw)) < 0)
			continue;
		tunable_text(&f->tun, (enum tun_id)i, v, sizeof(v));
		canvas_printf(c, ly, 0, -1, f->tun.n[i] ? AT_NORMAL : AT_DIM, "%-36s %s", d->name,
			      v);
		if (f->tun.from_host[i])
			canvas_put(c, ly, 67, -1, AT_DIM, "read from the host (initial namespace)");
		else if (d->host_only && !f->tun.n[i])
			canvas_put(c, ly, 67, -1, AT_DIM, "exists only in the host's namespace");
	}
}

/*
 * One line above the table: TCP memory against tcp_mem (pages, host-wide)
 * and orphans against tcp_max_orphans (host-wide), sockets in use and
 * TIME-WAIT (this namespace), from /proc/net/sockstat.
 */
static void draw_sockstat(const struct frame *f, struct canvas *c, int y)
{
	const struct sockstat *s = &f->sockstat;
	const struct tunables *t = &f->tun;
	char line[256], mem[96], orph[64];

	if (!(s->have & SOCKSTAT_MEM)) {
		canvas_put(c, y, 0, -1, AT_DIM,
			   "sockstat: not read (TCP memory and orphans unknown)");
		return;
	}
	if (t->n[TUN_TCP_MEM] == 3)
		snprintf(mem, sizeof(mem), "%lld pages (tcp_mem %lld/%lld/%lld)", (long long)s->mem,
			 (long long)t->v[TUN_TCP_MEM][0], (long long)t->v[TUN_TCP_MEM][1],
			 (long long)t->v[TUN_TCP_MEM][2]);
	else
		snprintf(mem, sizeof(mem), "%lld pages (tcp_mem unknown here)", (long long)s->mem);
	if (t->n[TUN_MAX_ORPHANS])
		snprintf(orph, sizeof(orph), "%lld of %lld", (long long)s->orphan,
			 (long long)t->v[TUN_MAX_ORPHANS][0]);
	else
		snprintf(orph, sizeof(orph), "%lld", (long long)s->orphan);
	if (f->nns) {
		/* -N all: the counters below are the host namespace's; the sockets are every one's */
		int64_t inuse = 0, tw = 0;

		for (size_t i = 0; i < f->nns; i++) {
			const struct sockstat *n = &f->nsv[i].sockstat;

			if (f->nsv[i].have_files) {
				inuse += n->inuse + n->inuse6;
				tw += n->tw;
			}
		}
		snprintf(line, sizeof(line),
			 "host: TCP memory %s  orphans %s   %zu namespaces: inuse %lld  tw %lld",
			 mem, orph, f->nns, (long long)inuse, (long long)tw);
	} else {
		snprintf(line, sizeof(line),
			 "host: TCP memory %s  orphans %s   here: inuse %lld  tw %lld", mem, orph,
			 (long long)(s->inuse + s->inuse6), (long long)s->tw);
	}
	canvas_put(c, y, 0, -1,
		   t->n[TUN_TCP_MEM] == 3 && s->mem > t->v[TUN_TCP_MEM][1] ? AT_WARN : AT_NORMAL,
		   line);
}

static int counters_key(struct ui *ui, int key, uint64_t now_ns)
{
	struct counters_state *st = screen_state(ui, SCR_COUNTERS);

	if (key != 'z')
		return -1;
	st->nonzero = !st->nonzero;
	ui->scroll[SCR_COUNTERS].top = 0;
	ui_message(ui, false, now_ns, "%s",
		   st->nonzero ? "showing counters that are set" : "showing every counter");
	return R_REDRAW;
}

static void counters_draw(struct ui *ui, struct canvas *c, int y, int h)
{
	const struct counters_state *st = screen_state(ui, SCR_COUNTERS);
	const struct frame *f = ui->frame;
	struct scrollwin sw;
	int rows = h - 2;

	draw_sockstat(f, c, y);
	y++;
	canvas_fill(c, y, 0, c->w, ' ', AT_HEADER);
	canvas_printf(c, y, 0, -1, AT_HEADER, "%-28s %14s %10s %10s  %s", "Counter", "Total",
		      "Change", "Per s", st->nonzero ? "(set only; z: all)" : "(z: set only)");
	ui->body_h = rows;
	widget_scroll_fit(&ui->scroll[SCR_COUNTERS], counters_rows(ui), rows, false);
	sw_begin(&sw, c, y + 1, rows, ui->scroll[SCR_COUNTERS].top);
	for (size_t i = 0; i < f->counters.n; i++) {
		const struct counter *ct = &f->counters.v[i];
		char d[32], ps[32];
		enum attr a = AT_NORMAL;
		int ly;

		if (!shown(ui, ct) || (ly = sw_next(&sw)) < 0)
			continue;
		if (ct->flags & CTR_DELTA) {
			snprintf(d, sizeof(d), "%llu", (unsigned long long)ct->delta);
			snprintf(ps, sizeof(ps), "%.1f",
				 f->interval > 0 ? (double)ct->delta / f->interval : 0.0);
			if (ct->delta)
				a = AT_WARN;
		} else {
			snprintf(d, sizeof(d), "%s", (ct->flags & CTR_RESET) ? "reset" : "-");
			snprintf(ps, sizeof(ps), "-");
		}
		canvas_printf(c, ly, 0, -1, a, "%-28s %14lld %10s %10s", ct->name,
			      (ct->flags & CTR_NEG) ? (long long)(int64_t)ct->value
						    : (long long)ct->value,
			      d, ps);
		canvas_put(c, ly, 67, -1, AT_DIM, explanation(ct->name));
	}
	draw_sysctls(f, &sw, c);
}

const struct screen screen_counters = {
	.id = SCR_COUNTERS,
	.name = "counters",
	.title = "Counters",
	.help = "counters (TcpExt, Tcp) with their change, TCP memory, the sysctls",
	.hotkey = '4',
	.tab = true,
	.state_size = sizeof(struct counters_state),
	.draw = counters_draw,
	.nrows = counters_rows,
	.key = counters_key,
};
