/* SPDX-License-Identifier: GPL-2.0-or-later */
/* diag_parse: one sock_diag message to one struct conn. */
#include "diag_parse.h"

#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/inet_diag.h>
#include <linux/sock_diag.h>
#include <string.h>
#include <sys/socket.h>

/* Newer attributes than some build hosts' headers know. */
#ifndef INET_DIAG_SKV6ONLY
#define INET_DIAG_SKV6ONLY 11
#endif

struct parse_ctx {
	struct conn *c;
	struct arena *a;
	struct tcpi *full; /* the whole tcp_info is wanted too; or NULL */
	struct terr *e;
	/* the last of each seen, put in one block once every attribute is read */
	const struct nlattr *info, *skmem, *cong;
};

/*
 * libmnl's attribute accessors, inline: a dump calls them some twenty times
 * per socket, and each is a call into the shared library.
 */
static inline size_t attr_len(const struct nlattr *attr)
{
	return (size_t)(attr->nla_len - MNL_ATTR_HDRLEN);
}

static inline const void *attr_data(const struct nlattr *attr)
{
	return (const char *)attr + MNL_ATTR_HDRLEN;
}

/* mnl_attr_ok(): the header and the whole attribute fit in `left` bytes. */
static inline bool attr_fits(const struct nlattr *attr, size_t left)
{
	return left >= sizeof(struct nlattr) && attr->nla_len >= sizeof(struct nlattr) &&
	       attr->nla_len <= left;
}

/* The n bytes the kernel sent, zero past them (an older kernel's shorter tcp_info). */
static void whole_info(struct tcpi *ti, const void *sent, size_t n)
{
	memcpy(ti, sent, n);
	memset((char *)ti + n, 0, sizeof(*ti) - n);
}

/*
 * The tcp_info to pack, as the bytes of a whole struct tcpi: the kernel's
 * own when it sent a whole one (every socket, usually), else a copy zeroed
 * past what it sent, in *tmp (or in the whole copy asked for).
 */
static const void *put_info(struct parse_ctx *p, struct tcpi *tmp, const struct nlattr *attr)
{
	size_t len = attr_len(attr), n = len < sizeof(struct tcpi) ? len : sizeof(struct tcpi);
	const void *ti = attr_data(attr);

	p->c->info_len = (uint16_t)n;
	p->c->have |= CONN_HAS_INFO;
	if (p->full) {
		whole_info(p->full, ti, n);
		return p->full;
	}
	if (n < sizeof(struct tcpi)) {
		whole_info(tmp, ti, n);
		return tmp;
	}
	return ti;
}

/*
 * The congestion control name sent, in name[CONN_CONG_MAX + 1]: the kernel
 * sends a NUL-terminated name; accept anything, keep it printable. Returns
 * its length.
 */
static size_t cong_name(const struct nlattr *attr, char *name)
{
	const char *s = attr_data(attr);
	size_t len = attr_len(attr), i;

	for (i = 0; i < len && i < CONN_CONG_MAX && s[i]; i++)
		name[i] = (s[i] > 0x20 && s[i] < 0x7f) ? s[i] : '?';
	name[i] = '\0';
	return i;
}

/*
 * The kernel sends tcp_info, skmem and the congestion control name together
 * for a full socket, in an order of its choosing: one arena block holds them,
 * packed without their zeros (sockblk.h), so that a conn needs one pointer
 * for them. A known name is only an id (conn_cong_id) and costs no bytes of
 * the block.
 */
static void put_block(struct parse_ctx *p)
{
	char name[CONN_CONG_MAX + 1];
	size_t n = 0, len = 0;
	bool other = false; /* a name that is not one of the kernel's own */
	struct tcpi tmp;
	const void *ti = NULL;

	if (p->skmem) {
		n = attr_len(p->skmem) / sizeof(uint32_t);
		if (n > SKM_N)
			n = SKM_N;
		p->c->skmem_n = (uint8_t)n;
		p->c->have |= CONN_HAS_SKMEM;
	}
	if (p->cong) {
		unsigned id;

		len = cong_name(p->cong, name);
		id = conn_cong_id(name, len);
		p->c->have |= CONN_HAS_CONG;
		p->c->cong_id = (uint8_t)(id ? id : CONN_CONG_OTHER);
		other = !id;
	}
	if (!p->info && !n && !other)
		return;
	if (p->info)
		ti = put_info(p, &tmp, p->info);
	p->c->info =
		sockblk_pack(p->a, ti, n ? attr_data(p->skmem) : NULL, n, other ? name : NULL, len);
}

static int attr_cb(const struct nlattr *attr, void *data)
{
	struct parse_ctx *p = data;
	size_t len = attr_len(attr);

	switch (attr->nla_type & NLA_TYPE_MASK) {
	case INET_DIAG_INFO:
		if (len)
			p->info = attr;
		break;
	case INET_DIAG_SKMEMINFO:
		if (len % sizeof(uint32_t)) {
			terr_set(p->e, "INET_DIAG_SKMEMINFO length %zu is not a multiple of 4",
				 len);
			return MNL_CB_ERROR;
		}
		p->skmem = attr;
		break;
	case INET_DIAG_CONG:
		p->cong = attr; /* the last one sent, as for the others */
		break;
	case INET_DIAG_SHUTDOWN:
		if (len < 1) {
			terr_set(p->e, "INET_DIAG_SHUTDOWN attribute is empty");
			return MNL_CB_ERROR;
		}
		p->c->shutdown = *(const uint8_t *)attr_data(attr) & 3u;
		p->c->have |= CONN_HAS_SHUTDOWN;
		break;
	case INET_DIAG_SKV6ONLY:
		if (len >= 1) {
			p->c->v6only = *(const uint8_t *)attr_data(attr) ? 1 : 0;
			p->c->have |= CONN_HAS_V6ONLY;
		}
		break;
	default:
		break; /* attributes we do not use, or newer than us */
	}
	return MNL_CB_OK;
}

/*
 * Walks the attributes after the inet_diag_msg. Unlike mnl_attr_parse(),
 * which stops quietly at a bad attribute, a truncated or overlong one is an
 * error here: it means the message is not what the kernel sent.
 */
static int parse_attrs(const struct nlmsghdr *nlh, struct parse_ctx *p)
{
	const char *base = (const char *)nlh;
	size_t off = MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(struct inet_diag_msg));

	while (off < nlh->nlmsg_len) {
		const struct nlattr *attr = (const struct nlattr *)(const void *)(base + off);
		size_t left = nlh->nlmsg_len - off;

		if (left < sizeof(struct nlattr))
			break; /* alignment padding */
		if (!attr_fits(attr, left)) {
			terr_set(p->e,
				 "truncated attribute (type %u, %u bytes, %zu left) at offset %zu",
				 attr->nla_type & NLA_TYPE_MASK, attr->nla_len, left, off);
			return -1;
		}
		if (attr_cb(attr, p) != MNL_CB_OK)
			return -1;
		off += MNL_ALIGN(attr->nla_len);
	}
	put_block(p);
	return 0;
}

static uint64_t cookie_of(const struct inet_diag_msg *m)
{
	return (uint64_t)m->id.idiag_cookie[0] | (uint64_t)m->id.idiag_cookie[1] << 32;
}

uint64_t diag_msg_cookie(const struct nlmsghdr *nlh)
{
	if (nlh->nlmsg_len < MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(struct inet_diag_msg)))
		return 0;
	return cookie_of((const void *)((const char *)nlh + MNL_NLMSG_HDRLEN));
}

int diag_parse_msg(const struct nlmsghdr *nlh, struct conn *c, struct arena *a, struct tcpi *full,
		   struct terr *e)
{
	const struct inet_diag_msg *m;
	struct parse_ctx p = { c, a, full, e, NULL, NULL, NULL };
	unsigned state;

	/* TCPDIAG_GETSOCK answers carry the same inet_diag_msg (the one-walk dump) */
	if (nlh->nlmsg_type != SOCK_DIAG_BY_FAMILY && nlh->nlmsg_type != TCPDIAG_GETSOCK) {
		terr_set(e, "unexpected netlink message type %u", nlh->nlmsg_type);
		return -1;
	}
	if (nlh->nlmsg_len < MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(*m))) {
		terr_set(e, "sock_diag message of %u bytes is too short", nlh->nlmsg_len);
		return -1;
	}
	if (full)
		memset(full, 0, sizeof(*full));
	m = (const void *)((const char *)nlh + MNL_NLMSG_HDRLEN);
	if (m->idiag_family != AF_INET && m->idiag_family != AF_INET6) {
		terr_set(e, "sock_diag message with unknown family %u", m->idiag_family);
		return -1;
	}
	memset(c, 0, sizeof(*c));
	c->family = m->idiag_family;
	state = m->idiag_state;
	c->state = (uint8_t)(state == TS_NEW_SYN_RECV ? TS_SYN_RECV : state);
	c->timer = m->idiag_timer;
	c->retrans = m->idiag_retrans;
	c->expires_ms = m->idiag_expires;
	c->rqueue = m->idiag_rqueue;
	c->wqueue = m->idiag_wqueue;
	c->uid = m->idiag_uid;
	c->inode = m->idiag_inode;
	c->sport = ntohs(m->id.idiag_sport);
	c->dport = ntohs(m->id.idiag_dport);
	conn_set_addrs(c, p.a, m->id.idiag_src, m->id.idiag_dst);
	c->cookie = cookie_of(m);
	/* TIME-WAIT and request sockets report uid 0 and inode 0: not real owners. */
	if (c->state != TS_TIME_WAIT && c->state != TS_SYN_RECV && c->inode)
		c->have |= CONN_HAS_UID;
	return parse_attrs(nlh, &p);
}
