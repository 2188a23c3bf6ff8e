/* SPDX-License-Identifier: GPL-2.0-or-later */
/* closed_parse: destroy events to closed_conn, how they ended, their recorded form and JSON (pure). */
#include "closed.h"

#include <libmnl/libmnl.h>
#include <linux/sock_diag.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "column.h"
#include "diag_parse.h"
#include "sanitize.h"

static const struct {
	const char *name;
	const char *help;
	bool never;
} hows[CH_N] = {
	[CH_UNKNOWN] = { .name = "unknown", .help = "the kernel's tcp_info is too old to tell" },
	[CH_NORMAL] = { .name = "normal", .help = "an orderly close: our FIN was acknowledged" },
	[CH_RESET] = { .name = "reset",
		       .help = "connected, then ended by a reset (sent or received)" },
	[CH_TIMEOUT] = { .name = "timeout",
			 .help = "connected, then gave up retransmitting unanswered data" },
	[CH_REFUSED] = { .name = "refused",
			 .help = "never connected: the SYN was answered by a reset",
			 .never = true },
	[CH_UNANSWERED] = { .name = "unanswered",
			    .help = "never connected: no answer to the SYN (timed out or given up)",
			    .never = true },
	[CH_FAILED] = { .name = "failed",
			.help = "never connected; the kernel cleared the details (blocking "
				"connect)",
			.never = true },
};

const char *closed_how_name(unsigned how)
{
	return how < CH_N ? hows[how].name : "unknown";
}

const char *closed_how_help(unsigned how)
{
	return how < CH_N ? hows[how].help : "";
}

bool closed_how_never_connected(unsigned how)
{
	return how < CH_N && hows[how].never;
}

double closed_lifetime(const struct closed_conn *cc)
{
	if (cc->life != CL_SEEN || cc->ended_ns < cc->first_ns)
		return -1;
	return (double)(cc->ended_ns - cc->first_ns) / 1e9;
}

char *closed_lifetime_str(const struct closed_conn *cc, char *buf, size_t n)
{
	double s = closed_lifetime(cc);

	if (cc->life == CL_BEFORE_START)
		snprintf(buf, n, "before start");
	else if (s < 0)
		snprintf(buf, n, "< interval");
	else if (s < 100)
		snprintf(buf, n, "%.1fs", s);
	else if (s < 6000)
		snprintf(buf, n, "%.0fm", s / 60);
	else
		snprintf(buf, n, "%.0fh", s / 3600);
	return buf;
}

/* conn_cong() finds another name right after the tcpc, as in the parser's block */
_Static_assert(offsetof(struct closed_row, blk.tc) ==
			       offsetof(struct closed_row, blk.b) + sizeof(struct sockblk) &&
		       offsetof(struct closed_row, blk.cong) ==
			       offsetof(struct closed_row, blk.tc) + sizeof(struct tcpc),
	       "closed_row.blk: the name follows the tcpc");

const struct row *closed_row(const struct closed_conn *cc, struct closed_row *tmp)
{
	memset(tmp, 0, sizeof(*tmp));
	tmp->c = cc->c;
	if (cc->c.family == AF_INET6)
		tmp->c.addr.v6 = cc->addr6; /* tmp lives no longer than cc */
	tmp->blk.b.hdr = SOCKBLK_PLAIN;
	if (cc->c.info_len) {
		tcpc_from_tcpi(&tmp->blk.tc, &cc->ti);
		tmp->c.info = &tmp->blk.b;
	}
	if (cc->c.cong_id == CONN_CONG_OTHER) {
		/* conn_cong() reads another name right after the tcpc (zero without tcp_info) */
		memcpy(tmp->blk.cong, cc->cong, sizeof(tmp->blk.cong));
		tmp->c.info = &tmp->blk.b;
	}
	tmp->r.c = &tmp->c;
	if (cc->flags & CCF_PROC) {
		char comm[SANITIZE_SIZE(PROC_COMM_LEN)];

		tmp->p.pid = cc->holder.pid;
		tmp->p.count = 1;
		memcpy(tmp->p.comm, cc->holder.comm, sizeof(tmp->p.comm));
		tmp->p.comm[sizeof(tmp->p.comm) - 1] = '\0';
		sanitize_text(comm, sizeof(comm), tmp->p.comm, strlen(tmp->p.comm));
		snprintf(tmp->p.text, sizeof(tmp->p.text), "%d/%s", (int)cc->holder.pid, comm);
		tmp->p.holders = &cc->holder;
		tmp->who.proc = &tmp->p;
		tmp->r.who = &tmp->who;
	}
	return &tmp->r;
}

int closed_parse_msg(const struct nlmsghdr *nlh, struct closed_conn *cc, struct arena *a,
		     struct terr *e)
{
	struct conn c;

	memset(&c, 0, sizeof(c));
	memset(cc, 0, sizeof(*cc));
	if (nlh->nlmsg_type != SOCK_DIAG_BY_FAMILY) {
		terr_set(e, "destroy event of netlink type %u, not SOCK_DIAG_BY_FAMILY",
			 nlh->nlmsg_type);
		return -1;
	}
	if (diag_parse_msg(nlh, &c, a, &cc->ti, e) < 0)
		return -1;
	cc->c = c;
	if (c.family == AF_INET6) {
		/* they point into `a`, which the caller reuses: cc keeps its own */
		memcpy(cc->addr6, c.addr.v6, sizeof(cc->addr6));
		cc->c.addr.v6 = NULL;
	}
	if (!conn_has_info(&c))
		cc->c.info_len = 0;
	if (conn_cong(&c))
		snprintf(cc->cong, sizeof(cc->cong), "%s", conn_cong(&c)); /* it may be in `a` */
	cc->c.info = NULL; /* it points into `a`, skmem and the cong name with it */
	cc->c.skmem_n = 0;
	/*
	 * No peer port: a listener, a socket never connected anywhere, or one
	 * tcp_disconnect() cleared (a failed blocking connect, an SO_LINGER-0
	 * close, connect(AF_UNSPEC)): that one keeps its peer address.
	 */
	if (c.dport == 0) {
		if (addr_is_any(c.family, conn_dst(&c)))
			return 0;
		cc->flags |= CCF_PEER_CLEARED;
	}
	return 1;
}

enum closed_how closed_classify(const struct closed_conn *cc)
{
	const struct tcpi *t = &cc->ti;
	unsigned len = cc->c.info_len;
	uint64_t uniq, syn;

	if (cc->flags & CCF_PEER_CLEARED) {
		/* counters zeroed; the peer's last advertised window survives tcp_disconnect */
		if (!TCPI_HAS(len, snd_wnd))
			return CH_UNKNOWN;
		return t->snd_wnd ? CH_RESET : CH_FAILED;
	}
	if (!TCPI_HAS(len, bytes_retrans))
		return CH_UNKNOWN;
	/* a connect that never completed: no RTT sample, nothing acknowledged or received */
	if (!(cc->flags & CCF_PASSIVE) && t->bytes_acked == 0 && t->bytes_received == 0 &&
	    t->rtt == 0)
		return t->segs_in ? CH_REFUSED : CH_UNANSWERED;
	/*
	 * bytes_acked counts sequence space: the SYN (our connect only), each
	 * payload byte once, and our FIN. bytes_sent - bytes_retrans is the
	 * payload sent once. One more acknowledged than that: the FIN was.
	 */
	uniq = t->bytes_sent > t->bytes_retrans ? t->bytes_sent - t->bytes_retrans : 0;
	syn = (cc->flags & CCF_PASSIVE) ? 0 : 1;
	if (t->bytes_acked >= uniq + syn + 1)
		return CH_NORMAL;
	/*
	 * Payload never acknowledged and retransmission timeouts: it gave up
	 * (tcp_retries2, TCP_USER_TIMEOUT). icsk_retransmits and the backoff
	 * are cleared by then (seen on 6.18), so the totals are what is left.
	 */
	if (t->bytes_acked < uniq + syn &&
	    (TCPI_HAS(len, total_rto) ? t->total_rto > 0 : t->total_retrans > 0))
		return CH_TIMEOUT;
	return CH_RESET;
}

/* --- the recorded form ------------------------------------------------------------------ */

static const char blob_magic[4] = { 'T', 'C', 'C', 'L' };
#define HEAD_LEN 20 /* magic 4, version 1, watched 1, note length 2, events 4, lost 8 */
#define EV_FIXED                                                                                   \
	44 /* ended 8, ended_real 8, pid 4, comm 16, last_state 1, flags 1, msg_len 2, pad 4 */

static void put(struct strbuf *sb, const void *p, size_t n)
{
	sb_add(sb, p, n);
}

void closed_blob_begin(struct strbuf *sb, const struct closed_blob_head *h)
{
	uint8_t v = CLOSED_BLOB_VERSION, watched = h->watched;
	uint16_t nl = (uint16_t)strnlen(h->note, sizeof(h->note) - 1);

	sb_reset(sb);
	put(sb, blob_magic, 4);
	put(sb, &v, 1);
	put(sb, &watched, 1);
	put(sb, &nl, 2);
	put(sb, &h->nevents, 4);
	put(sb, &h->lost, 8);
	put(sb, h->note, nl);
}

void closed_blob_finish(struct strbuf *sb, uint32_t nevents, uint64_t lost)
{
	if (sb->len < HEAD_LEN)
		return;
	memcpy(sb->s + 8, &nevents, 4);
	memcpy(sb->s + 12, &lost, 8);
}

void closed_blob_add(struct strbuf *sb, const struct closed_conn *cc, const void *msg, size_t len)
{
	uint16_t ml = (uint16_t)(len > UINT16_MAX ? 0 : len);
	uint32_t pad = 0;
	uint8_t fl = cc->flags & (CCF_PASSIVE | CCF_PROC);

	put(sb, &cc->ended_ns, 8);
	put(sb, &cc->ended_real, 8);
	put(sb, &cc->holder.pid, 4);
	put(sb, cc->holder.comm, PROC_COMM_LEN);
	put(sb, &cc->last_state, 1);
	put(sb, &fl, 1);
	put(sb, &ml, 2);
	put(sb, &pad, 4);
	put(sb, msg, ml);
}

int closed_blob_read(const void *buf, size_t len, struct closed_blob_head *h, struct arena *a,
		     closed_blob_fn fn, void *ctx, struct terr *e)
{
	const uint8_t *p = buf;
	size_t off = HEAD_LEN;
	uint16_t nl;

	memset(h, 0, sizeof(*h));
	if (len < HEAD_LEN || memcmp(p, blob_magic, 4)) {
		terr_set(e, "closed events: not a closed-event block (%zu bytes)", len);
		return -1;
	}
	if (p[4] != CLOSED_BLOB_VERSION) {
		terr_set(e, "closed events: version %u, this tcptop reads %u", p[4],
			 CLOSED_BLOB_VERSION);
		return -1;
	}
	h->watched = p[5] != 0;
	memcpy(&nl, p + 6, 2);
	memcpy(&h->nevents, p + 8, 4);
	memcpy(&h->lost, p + 12, 8);
	if (nl > len - off || nl >= sizeof(h->note)) {
		terr_set(e, "closed events: note of %u bytes at offset 6 does not fit", nl);
		return -1;
	}
	memcpy(h->note, p + off, nl);
	h->note[nl] = '\0';
	off += nl;
	for (uint32_t i = 0; i < h->nevents; i++) {
		struct closed_conn cc, live;
		const struct nlmsghdr *nlh;
		uint16_t ml;
		int r;

		if (len - off < EV_FIXED) {
			terr_set(e, "closed events: event %u at offset %zu is cut short", i, off);
			return -1;
		}
		memset(&live, 0, sizeof(live));
		memcpy(&live.ended_ns, p + off, 8);
		memcpy(&live.ended_real, p + off + 8, 8);
		memcpy(&live.holder.pid, p + off + 16, 4);
		memcpy(live.holder.comm, p + off + 20, PROC_COMM_LEN);
		live.holder.comm[PROC_COMM_LEN - 1] = '\0';
		live.last_state = p[off + 36];
		live.flags = p[off + 37] & (CCF_PASSIVE | CCF_PROC);
		memcpy(&ml, p + off + 38, 2);
		off += EV_FIXED;
		if (ml > len - off || ml < sizeof(struct nlmsghdr)) {
			terr_set(e, "closed events: message of %u bytes at offset %zu does not fit",
				 ml, off);
			return -1;
		}
		/* copied: the recorded bytes need not be aligned for struct access */
		uint64_t mbuf[(UINT16_MAX + 7) / 8];

		memcpy(mbuf, p + off, ml);
		nlh = (const struct nlmsghdr *)mbuf;
		if (nlh->nlmsg_len != ml) {
			terr_set(e,
				 "closed events: message at offset %zu claims %u bytes, holds %u",
				 off, nlh->nlmsg_len, ml);
			return -1;
		}
		r = closed_parse_msg(nlh, &cc, a, e);
		arena_reset(a);
		if (r < 0) {
			terr_prefix(e, "closed events: message at offset %zu: ", off);
			return -1;
		}
		off += ml;
		if (r == 0)
			continue;
		cc.ended_ns = live.ended_ns;
		cc.ended_real = live.ended_real;
		cc.holder = live.holder;
		cc.last_state = live.last_state;
		cc.flags |= live.flags;
		fn(ctx, &cc);
	}
	if (off != len) {
		terr_set(e, "closed events: %zu bytes after the last event at offset %zu",
			 len - off, off);
		return -1;
	}
	return 0;
}

/* --- JSON --------------------------------------------------------------------------------- */

static const char *const life_names[] = {
	[CL_UNSEEN] = "unseen",
	[CL_BEFORE_START] = "before_start",
	[CL_SEEN] = "seen",
};

/* Keys shared with connections[] (src/column.c), in that order. */
static const enum col_id shared_cols[] = {
	COL_LOCAL,       COL_REMOTE,         COL_RTT,        COL_MINRTT,        COL_TOTAL_RETRANS,
	COL_BYTES_ACKED, COL_BYTES_RECEIVED, COL_BYTES_SENT, COL_BYTES_RETRANS, COL_PROC,
	COL_PID,
};

void closed_json(const struct closed_conn *cc, struct json *j)
{
	struct closed_row tmp;
	const struct row *r = closed_row(cc, &tmp);
	double life = closed_lifetime(cc);

	json_obj_begin(j, NULL);
	json_timestamp(j, (int64_t)cc->ended_real);
	json_u64(j, "cookie", cc->c.cookie);
	for (size_t i = 0; i < 2; i++)
		column_json(column_get(shared_cols[i]), r, j);
	json_str(j, "how", closed_how_name(cc->how));
	json_bool(j, "never_connected", closed_how_never_connected(cc->how));
	json_str(j, "side", (cc->flags & CCF_PASSIVE) ? "accepted" : "connected");
	json_str(j, "state", conn_state_name(cc->c.state));
	json_str(j, "last_state", cc->last_state ? conn_state_name(cc->last_state) : NULL);
	if (life >= 0)
		json_fixed(j, "lifetime_s", life, 3);
	else
		json_null(j, "lifetime_s");
	json_str(j, "lifetime_from", cc->life < 3 ? life_names[cc->life] : "unseen");
	if (cc->c.info_len && TCPI_HAS(cc->c.info_len, retransmits))
		json_u64(j, "retransmits", cc->ti.retransmits);
	else
		json_null(j, "retransmits");
	for (size_t i = 2; i < sizeof(shared_cols) / sizeof(shared_cols[0]); i++)
		column_json(column_get(shared_cols[i]), r, j);
	json_obj_end(j);
}
