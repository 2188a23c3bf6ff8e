/* SPDX-License-Identifier: GPL-2.0-or-later */
/* diag: sock_diag dumps through libmnl. */
#include "diag.h"

#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/inet_diag.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "diag_parse.h"
#include "fatal.h"

/* Netlink dumps fill at most 32 KiB per message batch; read them whole. */
#define DIAG_BUFSIZE (64u * 1024u)
#define DIAG_RETRIES 3
/* dump_once: the kernel refused the request's filter bytecode. */
#define DUMP_BC_REJECTED (-2)

struct diag {
	struct mnl_socket *nl;
	unsigned portid;
	unsigned seq;
	char *buf;
	diag_raw_fn raw;
	void *raw_ctx;
	const void *rejected_bc; /* bytecode the kernel refused: not sent again */
	size_t rejected_len;
};

struct dump_ctx {
	struct sample *s;
	int interrupted;
	int done_error; /* errno from an NLMSG_DONE that carried one */
	struct terr first_bad;
};

struct diag *diag_open(struct terr *e)
{
	struct diag *d = xcalloc(1, sizeof(*d));

	d->nl = mnl_socket_open(NETLINK_SOCK_DIAG);
	if (!d->nl) {
		terr_set(e, "cannot open a sock_diag netlink socket: %s", strerror(errno));
		free(d);
		return NULL;
	}
	if (mnl_socket_bind(d->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		terr_set(e, "cannot bind the sock_diag netlink socket: %s", strerror(errno));
		mnl_socket_close(d->nl);
		free(d);
		return NULL;
	}
	d->portid = mnl_socket_get_portid(d->nl);
	d->seq = (unsigned)time(NULL);
	d->buf = xmalloc(DIAG_BUFSIZE);
	return d;
}

void diag_close(struct diag *d)
{
	if (!d)
		return;
	mnl_socket_close(d->nl);
	free(d->buf);
	free(d);
}

void diag_set_raw_hook(struct diag *d, diag_raw_fn fn, void *ctx)
{
	d->raw = fn;
	d->raw_ctx = ctx;
}

static int data_cb(const struct nlmsghdr *nlh, void *data)
{
	struct dump_ctx *ctx = data;
	struct sample *s = ctx->s;
	/* the selected connection's whole tcp_info, for the detail view */
	bool keep = s->keep_cookie && diag_msg_cookie(nlh) == s->keep_cookie;
	struct conn *c;
	struct terr e = { { 0 } };

	if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
		ctx->interrupted = 1;
	c = sample_push(s);
	if (diag_parse_msg(nlh, c, &s->arena, keep ? &s->kept_ti : NULL, &e) < 0) {
		/* One bad message must not cost the rest of the dump. */
		sample_truncate(s, s->n - 1);
		if (!s->stats.malformed++)
			ctx->first_bad = e;
	} else if (keep && conn_has_info(c)) {
		s->kept = true;
		s->kept_len = c->info_len;
	}
	return MNL_CB_OK;
}

/*
 * A kernel errno is 1..4095 (MAX_ERRNO), sent negated. Anything else in the
 * field is damage: EPROTO, and never -INT_MIN, which does not exist.
 */
#define KERNEL_MAX_ERRNO 4095
static int errno_of(int v)
{
	if (v < 0 && v >= -KERNEL_MAX_ERRNO)
		return -v;
	return v > 0 && v <= KERNEL_MAX_ERRNO ? v : EPROTO;
}

/* NLMSG_DONE of inet_diag carries an int: a negative errno if the dump failed midway. */
static int done_cb(const struct nlmsghdr *nlh, void *data)
{
	struct dump_ctx *ctx = data;

	if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
		ctx->interrupted = 1;
	if (mnl_nlmsg_get_payload_len(nlh) >= sizeof(int)) {
		int err;

		memcpy(&err, mnl_nlmsg_get_payload(nlh), sizeof(err));
		if (err < 0)
			ctx->done_error = errno_of(err);
	}
	return MNL_CB_STOP;
}

/*
 * The kernel's refusal of a request (EINVAL for bytecode it does not accept).
 * libmnl skips NLMSG_ERROR when a control array lacks an entry for it, and
 * the receive loop would then wait forever.
 */
static int error_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);

	(void)data;
	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*err))) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	if (err->error == 0)
		return MNL_CB_STOP;
	errno = errno_of(err->error);
	return MNL_CB_ERROR;
}

static int noop_cb(const struct nlmsghdr *nlh, void *data)
{
	(void)nlh;
	(void)data;
	return MNL_CB_OK;
}

/*
 * Checks the message framing of a buffer. libmnl's mnl_nlmsg_ok() compares
 * (int)nlmsg_len, so a length above INT_MAX passes and mnl_cb_run walks off
 * the buffer; the kernel never sends that, but a recording is untrusted.
 */
static bool framing_ok(const void *buf, size_t len, bool *intr)
{
	const unsigned char *p = buf;
	size_t off = 0;

	*intr = false;
	while (len - off >= sizeof(struct nlmsghdr)) {
		const struct nlmsghdr *nlh = (const void *)(p + off);

		if (nlh->nlmsg_len < sizeof(struct nlmsghdr) || nlh->nlmsg_len > len - off)
			return false;
		if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
			*intr = true;
		off += MNL_ALIGN((size_t)nlh->nlmsg_len);
		if (off > len)
			break; /* the last message's padding may be missing */
	}
	return true;
}

/*
 * libmnl stops at the first message flagged NLM_F_DUMP_INTR with EINTR,
 * before any callback sees it: the rest of the buffer, and the end of the
 * dump, would be lost. We note the flag ourselves (the dump is then redone)
 * and let libmnl parse a copy without it.
 */
static void *without_intr(const void *buf, size_t len)
{
	unsigned char *copy = xmalloc(len);
	size_t off = 0;

	memcpy(copy, buf, len);
	/* the framing was checked: every nlmsg_len fits; only the padding may not */
	while (off <= len && len - off >= sizeof(struct nlmsghdr)) {
		struct nlmsghdr *nlh = (void *)(copy + off);

		nlh->nlmsg_flags &= (uint16_t)~NLM_F_DUMP_INTR;
		off += MNL_ALIGN((size_t)nlh->nlmsg_len);
	}
	return copy;
}

/* Runs one buffer through the callbacks: >0 more to come, 0 end of dump, -1 error (errno). */
static int run_buffer(const void *buf, size_t len, unsigned seq, unsigned portid,
		      struct dump_ctx *ctx)
{
	mnl_cb_t ctl_cb[NLMSG_MIN_TYPE] = {
		[NLMSG_NOOP] = noop_cb, [NLMSG_ERROR] = error_cb, [NLMSG_DONE] = done_cb
	};
	int ret;
	bool intr;
	void *copy = NULL;

	if (len > INT32_MAX || !framing_ok(buf, len, &intr)) {
		errno = EBADMSG;
		return -1;
	}
	if (intr) {
		ctx->interrupted = 1;
		buf = copy = without_intr(buf, len);
	}
	ret = mnl_cb_run2(buf, len, seq, portid, data_cb, ctx, ctl_cb, NLMSG_MIN_TYPE);
	free(copy);

	if (ret < 0)
		return -1;
	if (ret == MNL_CB_STOP) {
		if (ctx->done_error) {
			errno = ctx->done_error;
			return -1;
		}
		return 0;
	}
	return 1;
}

/*
 * SOCK_DIAG_BY_FAMILY dumps one family, and the kernel walks the whole
 * (shared) socket hash for each: two walks for IPv4 and IPv6. The older
 * TCPDIAG_GETSOCK request is dumped with AF_UNSPEC: both families in one
 * walk, same messages, same extensions and bytecode. With a filter that
 * matches little, the walk is most of the cost, so AF_UNSPEC here means
 * "both, in one walk".
 */
static void build_request(struct nlmsghdr *nlh, int family, const struct diag_req *req,
			  unsigned seq)
{
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = seq;
	if (family == AF_UNSPEC) {
		struct inet_diag_req *r = mnl_nlmsg_put_extra_header(nlh, sizeof(*r));

		nlh->nlmsg_type = TCPDIAG_GETSOCK;
		r->idiag_family = AF_INET; /* ignored for dumps: the kernel uses AF_UNSPEC */
		r->idiag_states = req->states;
		r->idiag_ext = req->ext;
	} else {
		struct inet_diag_req_v2 *r = mnl_nlmsg_put_extra_header(nlh, sizeof(*r));

		nlh->nlmsg_type = SOCK_DIAG_BY_FAMILY;
		r->sdiag_family = (uint8_t)family;
		r->sdiag_protocol = IPPROTO_TCP;
		r->idiag_states = req->states;
		r->idiag_ext = req->ext;
	}
	if (req->bc && req->bclen)
		mnl_attr_put(nlh, INET_DIAG_REQ_BYTECODE, req->bclen, req->bc);
}

static const char *family_name(int family)
{
	return family == AF_INET ? "IPv4" : family == AF_INET6 ? "IPv6" : "IPv4+IPv6";
}

/* One attempt: 0 done, 1 interrupted (retry), -1 error. */
static int dump_once(struct diag *d, int family, const struct diag_req *req, struct sample *s,
		     struct terr *e)
{
	char reqbuf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct dump_ctx ctx = { .s = s };
	unsigned seq = ++d->seq;
	size_t start;

	terr_clear(e);
	if (req->bclen > sizeof(reqbuf) / 2) {
		terr_set(e, "filter bytecode of %zu bytes is too long for one request", req->bclen);
		return -1;
	}
	start = s->n;
	nlh = mnl_nlmsg_put_header(reqbuf);
	build_request(nlh, family, req, seq);
	if (mnl_socket_sendto(d->nl, nlh, nlh->nlmsg_len) < 0) {
		terr_set(e, "sock_diag request (%s): %s", family_name(family), strerror(errno));
		return -1;
	}
	for (;;) {
		ssize_t n = mnl_socket_recvfrom(d->nl, d->buf, DIAG_BUFSIZE);
		int ret;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ENOBUFS) {
				/* Messages were lost: the dump is incomplete. Start over. */
				ctx.interrupted = 1;
				terr_set(e, "sock_diag dump (%s): receive buffer overrun (ENOBUFS)",
					 family_name(family));
				return 1;
			}
			terr_set(e, "sock_diag dump (%s): %s", family_name(family),
				 strerror(errno));
			return -1;
		}
		s->stats.bytes += (uint32_t)n;
		s->stats.buffers++;
		if (d->raw)
			d->raw(d->raw_ctx, family, d->buf, (size_t)n);
		ret = run_buffer(d->buf, (size_t)n, seq, d->portid, &ctx);
		if (ret < 0) {
			/* The dump of a family the kernel lacks (IPv6 disabled) fails with ENOENT. */
			if (errno == ENOENT && family == AF_INET6)
				return 0;
			/* An older kernel refuses bytecode with an op it does not know. */
			if (errno == EINVAL && req->bclen && s->n == start)
				return DUMP_BC_REJECTED;
			terr_set(e, "sock_diag dump (%s): %s", family_name(family),
				 strerror(errno));
			return -1;
		}
		if (ret == 0)
			break;
	}
	if (s->stats.malformed && !terr_isset(e))
		terr_set(e, "%u malformed sock_diag message(s) skipped; first: %s",
			 s->stats.malformed, ctx.first_bad.msg);
	return ctx.interrupted ? 1 : 0;
}

/* After ENOBUFS the socket may still hold the rest of the old dump: drop it. */
static void drain(struct diag *d)
{
	while (recv(mnl_socket_get_fd(d->nl), d->buf, DIAG_BUFSIZE, MSG_DONTWAIT) > 0)
		;
}

int diag_dump(struct diag *d, int family, const struct diag_req *req, struct sample *s,
	      struct terr *e)
{
	struct diag_req plain = *req;
	size_t start = s->n;
	bool refused = false;

	/*
	 * Without the bytecode the kernel sends a superset, and every socket is
	 * matched again in user space: only the kernel-side saving is lost.
	 */
	plain.bc = NULL;
	plain.bclen = 0;
	if (req->bclen && req->bc == d->rejected_bc && req->bclen == d->rejected_len)
		req = &plain;
	for (int attempt = 0;; attempt++) {
		int ret = dump_once(d, family, req, s, e);

		if (ret == DUMP_BC_REJECTED) {
			d->rejected_bc = req->bc;
			d->rejected_len = req->bclen;
			req = &plain;
			refused = true;
			ret = dump_once(d, family, req, s, e);
		}
		if (ret == 0 && refused && !terr_isset(e))
			terr_set(e,
				 "the kernel refused the filter's bytecode (%s): "
				 "filtering in user space only",
				 strerror(EINVAL));
		if (ret <= 0)
			return ret;
		if (attempt == DIAG_RETRIES) {
			s->stats.partial = 1;
			terr_set(e,
				 "sock_diag dump (%s) still inconsistent after %d retries: "
				 "partial snapshot",
				 family_name(family), DIAG_RETRIES);
			return 0;
		}
		s->stats.interrupted++;
		drain(d);
		sample_truncate(s, start);
	}
}

int diag_feed(const void *buf, size_t len, struct sample *s, struct terr *e)
{
	struct dump_ctx ctx = { .s = s };
	int ret;

	s->stats.bytes += (uint32_t)len;
	s->stats.buffers++;
	ret = run_buffer(buf, len, 0, 0, &ctx);
	if (ctx.interrupted)
		s->stats.interrupted++;
	if (ret < 0) {
		terr_set(e, "recorded sock_diag dump: %s", strerror(errno));
		return -1;
	}
	if (s->stats.malformed && ctx.first_bad.msg[0])
		terr_set(e, "%u malformed sock_diag message(s) skipped; first: %s",
			 s->stats.malformed, ctx.first_bad.msg);
	return ret == 0 ? 1 : 0;
}
