/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_diag_parse: sock_diag messages recorded from the real kernel, then shortened and broken. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <libmnl/libmnl.h>
#include <linux/inet_diag.h>
#include <linux/sock_diag.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "closed.h"
#include "column.h"
#include "diag.h"
#include "diag_parse.h"
#include "testutil.h"

static struct arena arena;

/* Two conns' tcp_info fields are the same, however their blocks are laid out. */
static void assert_same_tcpc(const struct conn *a, const struct conn *b)
{
	struct tcpc x, y;

	assert_non_null(a->info);
	assert_non_null(b->info);
	conn_tcpc(a, &x);
	conn_tcpc(b, &y);
	assert_memory_equal(&x, &y, sizeof(x));
}

static int parse(const struct nlmsghdr *nlh, struct conn *c)
{
	struct terr e = { { 0 } };

	return diag_parse_msg(nlh, c, &arena, NULL, &e);
}

/* The same, with the whole tcp_info copied to *full. */
static int parse_full(const struct nlmsghdr *nlh, struct conn *c, struct tcpi *full)
{
	struct terr e = { { 0 } };

	return diag_parse_msg(nlh, c, &arena, full, &e);
}

/* Offset of attribute `type` in the message, or 0. */
static size_t attr_off(const struct nlmsghdr *nlh, unsigned type)
{
	size_t off = MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(struct inet_diag_msg));

	while (off + sizeof(struct nlattr) <= nlh->nlmsg_len) {
		const struct nlattr *a = (const void *)((const char *)nlh + off);

		if ((a->nla_type & NLA_TYPE_MASK) == type)
			return off;
		off += MNL_ALIGN(a->nla_len);
	}
	return 0;
}

/* Shrinks attribute `type` to `len` payload bytes, as an older kernel would send it. */
static void shrink_attr(struct nlmsghdr *nlh, unsigned type, size_t len)
{
	size_t off = attr_off(nlh, type);
	struct nlattr *a = (void *)((char *)nlh + off);
	size_t old = MNL_ALIGN(a->nla_len), neu = MNL_ALIGN(MNL_ATTR_HDRLEN + len);

	assert_true(off > 0);
	memmove((char *)a + neu, (char *)a + old, nlh->nlmsg_len - off - old);
	a->nla_len = (uint16_t)(MNL_ATTR_HDRLEN + len);
	nlh->nlmsg_len -= (uint32_t)(old - neu);
}

/* Grows attribute `type` by `extra` zero bytes, as a newer kernel would send it. */
static struct nlmsghdr *grow_attr(const struct nlmsghdr *src, unsigned type, size_t extra)
{
	struct nlmsghdr *nlh = calloc(1, src->nlmsg_len + extra + 8);
	size_t off, old;
	struct nlattr *a;

	memcpy(nlh, src, src->nlmsg_len);
	off = attr_off(nlh, type);
	a = (void *)((char *)nlh + off);
	old = MNL_ALIGN(a->nla_len);
	memmove((char *)a + old + extra, (char *)a + old, nlh->nlmsg_len - off - old);
	memset((char *)a + old, 0xab, extra);
	a->nla_len = (uint16_t)(a->nla_len + extra);
	nlh->nlmsg_len += (uint32_t)extra;
	return nlh;
}

/* Removes attribute `type` from the message, as a kernel not asked for it would. */
static void drop_attr(struct nlmsghdr *nlh, unsigned type)
{
	size_t off = attr_off(nlh, type);
	struct nlattr *a = (void *)((char *)nlh + off);
	size_t len = MNL_ALIGN(a->nla_len);

	assert_true(off > 0);
	memmove(a, (char *)a + len, nlh->nlmsg_len - off - len);
	nlh->nlmsg_len -= (uint32_t)len;
	assert_int_equal(attr_off(nlh, type), 0);
}

/* Moves attribute `type` to the end of the message: another attribute order. */
static void move_attr_last(struct nlmsghdr *nlh, unsigned type)
{
	size_t off = attr_off(nlh, type);
	struct nlattr *a = (void *)((char *)nlh + off);
	size_t len = MNL_ALIGN(a->nla_len);
	char *copy = malloc(len);

	assert_true(off > 0);
	memcpy(copy, a, len);
	memmove(a, (char *)a + len, nlh->nlmsg_len - off - len);
	memcpy((char *)nlh + nlh->nlmsg_len - len, copy, len);
	free(copy);
	assert_int_equal(attr_off(nlh, type), nlh->nlmsg_len - len);
}

/* The skmem values a conn answers for, and how many before the first it does not. */
static int skmem_values(const struct conn *c, uint32_t m[SKM_N])
{
	int n = 0;

	memset(m, 0, SKM_N * sizeof(uint32_t));
	while (n < SKM_N && conn_skmem(c, n, &m[n]))
		n++;
	for (int i = n; i < SKM_N + 2; i++) {
		uint32_t v = 0xdead;

		assert_false(conn_skmem(c, i, &v));
		assert_int_equal(v, 0xdead); /* untouched */
	}
	return n;
}

static void established_ipv4_has_tcp_info_skmem_and_cong(void **state)
{
	struct nlmsghdr *nlh = tu_msg_with_state("ipv4_bulk.rec", TS_ESTABLISHED);
	struct conn c;
	uint64_t v;
	uint32_t m;
	char buf[ENDPOINT_STRLEN];

	(void)state;
	assert_int_equal(parse(nlh, &c), 0);
	assert_int_equal(c.family, AF_INET);
	assert_int_equal(c.state, TS_ESTABLISHED);
	assert_true(c.have & CONN_HAS_INFO);
	assert_true(CONN_INFO(&c, rtt, &v) && v > 0);
	assert_true(CONN_INFO(&c, snd_cwnd, &v) && v > 0);
	assert_true(CONN_INFO(&c, rcv_wnd, &v)); /* recorded on 6.18: every field */
	assert_int_equal(c.skmem_n, SKM_N);
	assert_true(conn_has_info(&c));
	assert_true(conn_skmem(&c, SKM_RCVBUF, &m) && m > 0);
	assert_true(c.have & CONN_HAS_CONG);
	assert_non_null(conn_cong(&c));
	assert_true(strlen(conn_cong(&c)) > 0);
	assert_true(c.cookie != 0);
	assert_true(c.inode != 0);
	assert_true(c.have & CONN_HAS_UID);
	endpoint_str(c.family, conn_src(&c), c.sport, buf, sizeof(buf));
	assert_true(strncmp(buf, "127.0.0.1:", 10) == 0);
	free(nlh);
}

static void ipv6_addresses_keep_their_family(void **state)
{
	struct nlmsghdr *nlh = tu_msg_with_state("ipv6_bulk.rec", TS_ESTABLISHED);
	struct conn c;
	char buf[ENDPOINT_STRLEN];

	(void)state;
	assert_int_equal(parse(nlh, &c), 0);
	assert_int_equal(c.family, AF_INET6);
	endpoint_str(c.family, conn_dst(&c), c.dport, buf, sizeof(buf));
	assert_true(strncmp(buf, "[::1]:", 6) == 0);
	free(nlh);
}

static void listener_reports_queue_and_limit(void **state)
{
	struct nlmsghdr *nlh = tu_msg_with_state("listen_overflow.rec", TS_LISTEN);
	struct conn c;
	uint32_t drops;

	(void)state;
	assert_int_equal(parse(nlh, &c), 0);
	assert_int_equal(c.state, TS_LISTEN);
	assert_int_equal(c.sport, 5003);
	assert_int_equal(c.rqueue, 3); /* backlog 2 holds 3 */
	assert_int_equal(c.wqueue, 2);
	assert_true(conn_skmem(&c, SKM_DROPS, &drops) && drops > 0);
	free(nlh);
}

static void time_wait_has_no_info_no_owner(void **state)
{
	struct nlmsghdr *nlh = tu_msg_with_state("states.rec", TS_TIME_WAIT);
	struct conn c;
	uint64_t v;

	(void)state;
	assert_int_equal(parse(nlh, &c), 0);
	assert_int_equal(c.state, TS_TIME_WAIT);
	assert_null(c.info);
	assert_false(conn_has_info(&c));
	assert_false(CONN_INFO(&c, rtt, &v));
	assert_false(c.have & CONN_HAS_SKMEM);
	assert_int_equal(c.skmem_n, 0);
	assert_false(c.have & CONN_HAS_UID);
	assert_int_equal(c.timer, TIMER_TIMEWAIT);
	assert_true(c.expires_ms > 0);
	free(nlh);
}

static void request_socket_is_syn_recv_without_owner(void **state)
{
	struct nlmsghdr *nlh = tu_msg_with_state("synrecv.rec", TS_SYN_RECV);
	struct conn c;

	(void)state;
	assert_int_equal(parse(nlh, &c), 0);
	assert_int_equal(c.state, TS_SYN_RECV);
	assert_int_equal(c.sport, 5006);
	assert_null(c.info);
	assert_false(c.have & CONN_HAS_UID);
	free(nlh);
}

/* The JSON object users would get of these columns of r: {"key":value,...} in sb. */
static const char *columns_json(const struct row *r, const enum col_id *ids, size_t n,
				struct strbuf *sb)
{
	struct json j;

	json_init(&j, sb);
	json_obj_begin(&j, NULL);
	for (size_t i = 0; i < n; i++)
		column_json(column_get(ids[i]), r, &j);
	json_obj_end(&j);
	return sb->s;
}

/* Linux 2.6 sent 104 bytes: rtt yes, pacing and everything after it no. */
static void tcp_info_from_a_2_6_kernel_leaves_newer_fields_unavailable(void **state)
{
	struct nlmsghdr *nlh = tu_msg_with_state("ipv4_bulk.rec", TS_ESTABLISHED);
	struct conn c;
	struct row r = { 0 };
	struct strbuf sb = STRBUF_INIT;
	uint64_t v;
	char buf[32];

	(void)state;
	shrink_attr(nlh, INET_DIAG_INFO, 104);
	assert_int_equal(parse(nlh, &c), 0);
	assert_int_equal(c.info_len, 104);
	assert_true(CONN_INFO(&c, rtt, &v) && v > 0);
	assert_true(CONN_INFO(&c, total_retrans, &v));
	assert_false(CONN_INFO(&c, pacing_rate, &v));
	assert_false(CONN_INFO(&c, bytes_acked, &v));
	assert_false(CONN_INFO(&c, snd_wnd, &v));
	/* what users see: "-" in tables, null in JSON, never 0 */
	r.c = &c;
	assert_string_equal(column_format(column_get(COL_RWND), &r, 6, buf, sizeof(buf)), "-");
	assert_string_equal(columns_json(&r, (enum col_id[]){ COL_BYTES_ACKED, COL_RWND }, 2, &sb),
			    "{\"bytes_acked\":null,\"rwnd\":null}");
	sb_free(&sb);
	free(nlh);
}

/* Linux 6.1 sent 232 bytes: snd_wnd yes, rcv_wnd (6.2) no. */
static void tcp_info_from_6_1_has_snd_wnd_but_not_rcv_wnd(void **state)
{
	struct nlmsghdr *nlh = tu_msg_with_state("ipv4_bulk.rec", TS_ESTABLISHED);
	struct conn c;
	uint64_t v;

	(void)state;
	shrink_attr(nlh, INET_DIAG_INFO, 232);
	assert_int_equal(parse(nlh, &c), 0);
	assert_true(CONN_INFO(&c, snd_wnd, &v));
	assert_true(CONN_INFO(&c, busy_time, &v));
	assert_false(CONN_INFO(&c, rcv_wnd, &v));
	assert_false(TCPI_HAS(c.info_len, total_rto));
	free(nlh);
}

/* A newer kernel than we know: extra bytes are ignored, known fields intact. */
static void longer_tcp_info_from_a_newer_kernel_is_clamped(void **state)
{
	struct nlmsghdr *orig = tu_msg_with_state("ipv4_bulk.rec", TS_ESTABLISHED);
	struct nlmsghdr *nlh = grow_attr(orig, INET_DIAG_INFO, 64);
	struct conn a, b;
	struct tcpi fa, fb;

	(void)state;
	assert_int_equal(parse_full(orig, &a, &fa), 0);
	assert_int_equal(parse_full(nlh, &b, &fb), 0);
	assert_int_equal(b.info_len, sizeof(struct tcpi));
	assert_same_tcpc(&a, &b);
	assert_memory_equal(&fa, &fb, sizeof(struct tcpi));
	assert_int_equal(b.skmem_n, SKM_N); /* the attributes after it still parse */
	free(orig);
	free(nlh);
}

/* skmem before 4.7 had no drops entry. */
static void short_skmem_leaves_drops_unavailable(void **state)
{
	struct nlmsghdr *orig = tu_msg_with_state("listen_overflow.rec", TS_LISTEN);
	struct nlmsghdr *nlh = tu_msg_with_state("listen_overflow.rec", TS_LISTEN);
	struct conn a, c;
	uint32_t ma[SKM_N], mc[SKM_N];

	(void)state;
	assert_int_equal(parse(orig, &a), 0);
	shrink_attr(nlh, INET_DIAG_SKMEMINFO, 8 * 4);
	assert_int_equal(parse(nlh, &c), 0);
	assert_int_equal(c.skmem_n, 8);
	assert_true(c.have & CONN_HAS_SKMEM);
	assert_int_equal(skmem_values(&a, ma), SKM_N);
	assert_int_equal(skmem_values(&c, mc), 8); /* d is not there, not 0 */
	assert_memory_equal(ma, mc, 8 * sizeof(uint32_t));
	/* the tcp_info beside it is whole */
	assert_true(conn_has_info(&c));
	assert_int_equal(c.info_len, a.info_len);
	assert_same_tcpc(&a, &c);
	free(orig);
	free(nlh);
}

/* An empty skmem: the kernel sent the attribute, with no value in it. */
static void empty_skmem_is_sent_but_has_no_value(void **state)
{
	struct nlmsghdr *nlh = tu_msg_with_state("ipv4_bulk.rec", TS_ESTABLISHED);
	struct conn c;
	uint32_t m[SKM_N];
	uint64_t v;

	(void)state;
	shrink_attr(nlh, INET_DIAG_SKMEMINFO, 0);
	assert_int_equal(parse(nlh, &c), 0);
	assert_true(c.have & CONN_HAS_SKMEM);
	assert_int_equal(skmem_values(&c, m), 0);
	assert_true(conn_has_info(&c));
	assert_true(CONN_INFO(&c, rtt, &v) && v > 0);
	free(nlh);
}

/* A socket asked for skmem only: it has skmem and still no tcp_info at all. */
static void skmem_without_tcp_info_reads_as_no_tcp_info(void **state)
{
	struct nlmsghdr *orig = tu_msg_with_state("ipv4_bulk.rec", TS_ESTABLISHED);
	struct nlmsghdr *nlh = tu_msg_with_state("ipv4_bulk.rec", TS_ESTABLISHED);
	struct conn a, c;
	struct row r = { 0 };
	struct strbuf sb = STRBUF_INIT;
	uint32_t ma[SKM_N], mc[SKM_N];
	uint64_t v;
	char buf[32];

	(void)state;
	assert_int_equal(parse(orig, &a), 0);
	drop_attr(nlh, INET_DIAG_INFO);
	assert_int_equal(parse(nlh, &c), 0);
	assert_false(conn_has_info(&c));
	assert_false(c.have & CONN_HAS_INFO);
	assert_int_equal(c.info_len, 0);
	assert_false(CONN_INFO(&c, rtt, &v));
	assert_false(CONN_INFO(&c, ca_state, &v));
	assert_true(c.have & CONN_HAS_SKMEM);
	assert_int_equal(skmem_values(&a, ma), SKM_N);
	assert_int_equal(skmem_values(&c, mc), SKM_N);
	assert_memory_equal(ma, mc, sizeof(ma));
	/* what users see: no rtt, the skmem as it was */
	r.c = &c;
	assert_string_equal(column_format(column_get(COL_RTT), &r, 8, buf, sizeof(buf)), "-");
	columns_json(&r, (enum col_id[]){ COL_RTT, COL_SKMEM }, 2, &sb);
	snprintf(buf, sizeof(buf), "\"rb\":%u,", ma[SKM_RCVBUF]);
	assert_non_null(strstr(sb.s, buf));
	assert_non_null(strstr(sb.s, "\"rtt_us\":null"));
	sb_free(&sb);
	free(orig);
	free(nlh);
}

/* A socket asked for tcp_info only: it has tcp_info and no skmem. */
static void tcp_info_without_skmem_has_no_skmem(void **state)
{
	struct nlmsghdr *orig = tu_msg_with_state("ipv4_bulk.rec", TS_ESTABLISHED);
	struct nlmsghdr *nlh = tu_msg_with_state("ipv4_bulk.rec", TS_ESTABLISHED);
	struct conn a, c;
	struct row r = { 0 };
	struct strbuf sb = STRBUF_INIT;
	uint32_t m[SKM_N];
	char buf[32];

	(void)state;
	assert_int_equal(parse(orig, &a), 0);
	drop_attr(nlh, INET_DIAG_SKMEMINFO);
	assert_int_equal(parse(nlh, &c), 0);
	assert_true(conn_has_info(&c));
	assert_int_equal(c.info_len, a.info_len);
	assert_same_tcpc(&a, &c);
	assert_false(c.have & CONN_HAS_SKMEM);
	assert_int_equal(skmem_values(&c, m), 0);
	r.c = &c;
	assert_string_equal(column_format(column_get(COL_SKMEM), &r, 20, buf, sizeof(buf)), "-");
	assert_string_equal(columns_json(&r, (enum col_id[]){ COL_SKMEM }, 1, &sb),
			    "{\"skmem\":null}");
	sb_free(&sb);
	free(orig);
	free(nlh);
}

/* The kernel's attribute order is its own: either order gives the same conn. */
static void tcp_info_and_skmem_in_either_order_parse_alike(void **state)
{
	static const unsigned last[] = { INET_DIAG_INFO, INET_DIAG_SKMEMINFO };
	struct nlmsghdr *orig = tu_msg_with_state("ipv4_bulk.rec", TS_ESTABLISHED);
	struct conn a;
	struct tcpi fa;
	uint32_t ma[SKM_N];
	size_t seen[2];

	(void)state;
	assert_int_equal(parse_full(orig, &a, &fa), 0);
	assert_int_equal(skmem_values(&a, ma), SKM_N);
	for (size_t k = 0; k < 2; k++) {
		struct nlmsghdr *nlh = tu_msg_with_state("ipv4_bulk.rec", TS_ESTABLISHED);
		struct conn c;
		struct tcpi fc;
		uint32_t mc[SKM_N];

		move_attr_last(nlh, last[k]);
		seen[k] = attr_off(nlh, INET_DIAG_INFO) < attr_off(nlh, INET_DIAG_SKMEMINFO);
		assert_int_equal(parse_full(nlh, &c, &fc), 0);
		assert_true(conn_has_info(&c));
		assert_int_equal(c.info_len, a.info_len);
		assert_int_equal(c.have, a.have);
		assert_same_tcpc(&a, &c);
		assert_memory_equal(&fa, &fc, sizeof(fa));
		assert_int_equal(skmem_values(&c, mc), SKM_N);
		assert_memory_equal(ma, mc, sizeof(ma));
		free(nlh);
	}
	assert_int_not_equal(seen[0], seen[1]); /* both orders were tried */
	free(orig);
}

static void skmem_of_odd_length_is_an_error(void **state)
{
	struct nlmsghdr *nlh = tu_msg_with_state("listen_overflow.rec", TS_LISTEN);
	struct conn c;
	struct terr e = { { 0 } };

	(void)state;
	shrink_attr(nlh, INET_DIAG_SKMEMINFO, 33);
	assert_int_equal(diag_parse_msg(nlh, &c, &arena, NULL, &e), -1);
	assert_non_null(strstr(e.msg, "SKMEMINFO"));
	free(nlh);
}

static void attribute_longer_than_the_message_is_an_error(void **state)
{
	struct nlmsghdr *nlh = tu_msg_with_state("ipv4_bulk.rec", TS_ESTABLISHED);
	struct nlattr *a = (void *)((char *)nlh + attr_off(nlh, INET_DIAG_INFO));
	struct conn c;
	struct terr e = { { 0 } };

	(void)state;
	a->nla_len = (uint16_t)(nlh->nlmsg_len + 100);
	assert_int_equal(diag_parse_msg(nlh, &c, &arena, NULL, &e), -1);
	assert_non_null(strstr(e.msg, "truncated attribute"));
	free(nlh);
}

static void message_cut_inside_an_attribute_is_an_error(void **state)
{
	struct nlmsghdr *nlh = tu_msg_with_state("ipv4_bulk.rec", TS_ESTABLISHED);
	size_t off = attr_off(nlh, INET_DIAG_INFO);
	struct conn c;

	(void)state;
	nlh->nlmsg_len = (uint32_t)(off + 40); /* the INFO attribute claims 284 */
	assert_int_equal(parse(nlh, &c), -1);
	free(nlh);
}

static void message_shorter_than_inet_diag_msg_is_an_error(void **state)
{
	struct nlmsghdr *nlh = tu_msg_with_state("ipv4_bulk.rec", TS_ESTABLISHED);
	struct conn c;
	struct terr e = { { 0 } };

	(void)state;
	nlh->nlmsg_len = MNL_NLMSG_HDRLEN + 20;
	assert_int_equal(diag_parse_msg(nlh, &c, &arena, NULL, &e), -1);
	assert_non_null(strstr(e.msg, "too short"));
	free(nlh);
}

static void unknown_family_and_type_are_errors(void **state)
{
	struct nlmsghdr *nlh = tu_msg_with_state("ipv4_bulk.rec", TS_ESTABLISHED);
	struct inet_diag_msg *m = mnl_nlmsg_get_payload(nlh);
	struct conn c;

	(void)state;
	m->idiag_family = AF_UNIX;
	assert_int_equal(parse(nlh, &c), -1);
	m->idiag_family = AF_INET;
	nlh->nlmsg_type = NLMSG_ERROR;
	assert_int_equal(parse(nlh, &c), -1);
	free(nlh);
}

/* The one-walk dump (TCPDIAG_GETSOCK) answers with the same message under its own type. */
static void one_walk_dump_messages_parse_alike(void **state)
{
	struct nlmsghdr *nlh = tu_msg_with_state("ipv6_bulk.rec", TS_ESTABLISHED);
	struct conn a, b;

	(void)state;
	assert_int_equal(parse(nlh, &a), 0);
	nlh->nlmsg_type = TCPDIAG_GETSOCK;
	assert_int_equal(parse(nlh, &b), 0);
	assert_int_equal(a.cookie, b.cookie);
	assert_same_tcpc(&a, &b);
	free(nlh);
}

static void unknown_attributes_are_ignored(void **state)
{
	struct nlmsghdr *nlh = tu_msg_with_state("ipv4_bulk.rec", TS_ESTABLISHED);
	struct nlattr *a = (void *)((char *)nlh + attr_off(nlh, INET_DIAG_CONG));
	struct conn c;

	(void)state;
	a->nla_type = 200;
	assert_int_equal(parse(nlh, &c), 0);
	assert_false(c.have & CONN_HAS_CONG);
	assert_true(c.have & CONN_HAS_INFO);
	free(nlh);
}

/*
 * The established socket of ipv4_bulk.rec with its INET_DIAG_CONG replaced
 * by `n` (attributes dropped, then one of len payload bytes added at the
 * end; len 0 with n NULL adds none). The kernel's own payload is the name
 * and its NUL.
 */
static struct nlmsghdr *with_cong(const void *n, size_t len, const unsigned *drop, size_t ndrop)
{
	struct nlmsghdr *src = tu_msg_with_state("ipv4_bulk.rec", TS_ESTABLISHED);
	struct nlmsghdr *nlh = calloc(1, src->nlmsg_len + MNL_ATTR_HDRLEN + len + 8);
	struct nlattr *a;

	memcpy(nlh, src, src->nlmsg_len);
	free(src);
	drop_attr(nlh, INET_DIAG_CONG);
	for (size_t i = 0; i < ndrop; i++)
		drop_attr(nlh, drop[i]);
	if (!n)
		return nlh;
	a = (void *)((char *)nlh + nlh->nlmsg_len);
	a->nla_type = INET_DIAG_CONG;
	a->nla_len = (uint16_t)(MNL_ATTR_HDRLEN + len);
	memcpy((char *)a + MNL_ATTR_HDRLEN, n, len);
	nlh->nlmsg_len += (uint32_t)MNL_ALIGN(a->nla_len);
	return nlh;
}

/* The same with a NUL-terminated name, as the kernel sends it. */
static struct nlmsghdr *with_cong_str(const char *name)
{
	return with_cong(name, strlen(name) + 1, NULL, 0);
}

/* What the cong column shows for c: its table cell and its JSON member. */
static void assert_cong_column(const struct conn *c, const char *cell, const char *json)
{
	struct row r = { 0 };
	struct strbuf sb = STRBUF_INIT;
	char buf[32];

	r.c = c;
	assert_string_equal(column_format(column_get(COL_CONG), &r, 16, buf, sizeof(buf)), cell);
	assert_string_equal(columns_json(&r, (enum col_id[]){ COL_CONG }, 1, &sb), json);
	sb_free(&sb);
}

/* The kernel's congestion controls (net/ipv4/tcp_*.c), as conn.c knows them. */
static const char *const kernel_cong[] = {
	"cubic",    "reno",  "bbr",  "bbr2",     "bbr3",  "dctcp",     "htcp",
	"westwood", "vegas", "veno", "illinois", "hybla", "highspeed", "scalable",
	"yeah",     "lp",    "bic",  "cdg",      "nv",
};
#define N_KERNEL_CONG (sizeof(kernel_cong) / sizeof(kernel_cong[0]))

/* Each of the kernel's names is a one-byte id that reads back as the same string. */
static void every_kernel_congestion_name_round_trips_as_an_id(void **state)
{
	bool seen[256] = { false };
	struct conn plain;
	struct nlmsghdr *none = with_cong(NULL, 0, NULL, 0);

	(void)state;
	assert_int_equal(parse(none, &plain), 0);
	for (size_t i = 0; i < N_KERNEL_CONG; i++) {
		struct nlmsghdr *nlh = with_cong_str(kernel_cong[i]);
		char json[64];
		struct conn c;
		uint32_t m = 0, pm = 0; /* set before read; -O1 with TSan cannot see it */

		assert_int_equal(parse(nlh, &c), 0);
		assert_true(c.have & CONN_HAS_CONG);
		assert_true(c.cong_id != 0 && c.cong_id != CONN_CONG_OTHER);
		assert_false(seen[c.cong_id]); /* one id per name */
		seen[c.cong_id] = true;
		assert_int_equal(conn_cong_id(kernel_cong[i], strlen(kernel_cong[i])), c.cong_id);
		assert_string_equal(conn_cong(&c), kernel_cong[i]);
		snprintf(json, sizeof(json), "{\"cong\":\"%s\"}", kernel_cong[i]);
		assert_cong_column(&c, kernel_cong[i], json);
		/* the rest of the socket is as without a name */
		assert_same_tcpc(&c, &plain);
		assert_int_equal(c.skmem_n, plain.skmem_n);
		for (int k = 0; conn_skmem(&plain, k, &pm); k++)
			assert_true(conn_skmem(&c, k, &m) && m == pm);
		free(nlh);
	}
	free(none);
}

/* A name the kernel does not ship (an out-of-tree module) is kept as sent, after skmem. */
static void another_congestion_name_is_kept_in_the_block(void **state)
{
	struct nlmsghdr *nlh = with_cong_str("mycc"), *none = with_cong(NULL, 0, NULL, 0);
	static const uint32_t m3[3] = { 7, 8, 9 };
	struct conn c, plain;
	uint32_t m = 0, pm = 0; /* as above */

	(void)state;
	assert_int_equal(parse(none, &plain), 0);
	assert_int_equal(parse(nlh, &c), 0);
	assert_true(c.have & CONN_HAS_CONG);
	assert_int_equal(c.cong_id, CONN_CONG_OTHER);
	assert_int_equal(conn_cong_id("mycc", 4), 0);
	assert_string_equal(conn_cong(&c), "mycc");
	assert_cong_column(&c, "mycc", "{\"cong\":\"mycc\"}");
	/* the name does not disturb what it follows */
	assert_true(conn_has_info(&c));
	assert_same_tcpc(&c, &plain);
	assert_int_equal(c.skmem_n, SKM_N);
	for (int k = 0; conn_skmem(&plain, k, &pm); k++)
		assert_true(conn_skmem(&c, k, &m) && m == pm);
	/* a hand-built skmem moves the block: the name moves with it */
	conn_attach_skmem(&c, &arena, m3, 3);
	assert_string_equal(conn_cong(&c), "mycc");
	assert_true(conn_skmem(&c, 2, &m) && m == 9);
	assert_false(conn_skmem(&c, 3, &m));
	assert_same_tcpc(&c, &plain);
	/* a prefix or an extension of a known name is another name */
	free(nlh);
	nlh = with_cong_str("cubic2");
	assert_int_equal(parse(nlh, &c), 0);
	assert_int_equal(c.cong_id, CONN_CONG_OTHER);
	assert_string_equal(conn_cong(&c), "cubic2");
	free(nlh);
	nlh = with_cong_str("cub");
	assert_int_equal(parse(nlh, &c), 0);
	assert_int_equal(c.cong_id, CONN_CONG_OTHER);
	assert_string_equal(conn_cong(&c), "cub");
	free(nlh);
	free(none);
}

/* TCP_CA_NAME_MAX is 16 with the NUL: a longer name is cut, never read past CONN_CONG_MAX. */
static void overlong_congestion_name_is_cut_at_conn_cong_max(void **state)
{
	struct nlmsghdr *nlh = with_cong_str("abcdefghijklmnopqrstuvwxyz");
	struct conn c;

	(void)state;
	assert_int_equal(parse(nlh, &c), 0);
	assert_int_equal(strlen(conn_cong(&c)), CONN_CONG_MAX);
	assert_string_equal(conn_cong(&c), "abcdefghijklmno");
	free(nlh);
	/* a known name with more after it is not that name */
	nlh = with_cong_str("cubicxxxxxxxxxxxxxxx");
	assert_int_equal(parse(nlh, &c), 0);
	assert_int_equal(c.cong_id, CONN_CONG_OTHER);
	assert_string_equal(conn_cong(&c), "cubicxxxxxxxxxx");
	free(nlh);
	/* no NUL at all: the payload's length bounds it */
	nlh = with_cong("bbr", 3, NULL, 0);
	assert_int_equal(parse(nlh, &c), 0);
	assert_int_equal(c.cong_id, conn_cong_id("bbr", 3));
	assert_string_equal(conn_cong(&c), "bbr");
	free(nlh);
}

static void congestion_name_without_nul_is_bounded_and_printable(void **state)
{
	struct nlmsghdr *nlh = tu_msg_with_state("ipv4_bulk.rec", TS_ESTABLISHED);
	struct nlattr *a = (void *)((char *)nlh + attr_off(nlh, INET_DIAG_CONG));
	size_t len = a->nla_len - MNL_ATTR_HDRLEN;
	char *p = (char *)a + MNL_ATTR_HDRLEN;
	struct conn c;

	(void)state;
	memset(p, '\x1b', len); /* escape bytes, no terminator */
	assert_int_equal(parse(nlh, &c), 0);
	assert_true(strlen(conn_cong(&c)) <= CONN_CONG_MAX);
	assert_null(strchr(conn_cong(&c), '\x1b'));
	free(nlh);
}

/* Bytes a terminal or JSON would act on become '?', as do spaces; a known name with one is not known. */
static void congestion_name_bytes_outside_printable_ascii_become_question_marks(void **state)
{
	struct nlmsghdr *nlh = with_cong_str("a\x1b b\x7f\xc3\xa9");
	struct conn c;

	(void)state;
	assert_int_equal(parse(nlh, &c), 0);
	assert_string_equal(conn_cong(&c), "a??b???");
	assert_cong_column(&c, "a??b???", "{\"cong\":\"a??b???\"}");
	free(nlh);
	nlh = with_cong_str("cub\x01"
			    "c");
	assert_int_equal(parse(nlh, &c), 0);
	assert_int_equal(c.cong_id, CONN_CONG_OTHER);
	assert_string_equal(conn_cong(&c), "cub?c");
	free(nlh);
}

/* A name alone still has somewhere to live: a block of a zero tcpc (no tcp_info), no skmem. */
static void congestion_name_without_tcp_info_or_skmem_is_kept(void **state)
{
	static const unsigned drop[] = { INET_DIAG_INFO, INET_DIAG_SKMEMINFO };
	struct nlmsghdr *nlh = with_cong("mycc", 5, drop, 2);
	struct conn c;
	uint32_t m;

	(void)state;
	assert_int_equal(parse(nlh, &c), 0);
	assert_false(conn_has_info(&c));
	assert_false(c.have & (CONN_HAS_INFO | CONN_HAS_SKMEM));
	assert_int_equal(c.info_len, 0);
	assert_int_equal(c.skmem_n, 0);
	assert_false(conn_skmem(&c, 0, &m));
	assert_non_null(c.info); /* the name's block */
	assert_string_equal(conn_cong(&c), "mycc");
	assert_cong_column(&c, "mycc", "{\"cong\":\"mycc\"}");
	free(nlh);
	/* a known one needs no block at all */
	nlh = with_cong("reno", 5, drop, 2);
	assert_int_equal(parse(nlh, &c), 0);
	assert_null(c.info);
	assert_string_equal(conn_cong(&c), "reno");
	free(nlh);
	/* skmem and a name, no tcp_info: the name after the skmem values */
	nlh = with_cong("mycc", 5, drop, 1);
	assert_int_equal(parse(nlh, &c), 0);
	assert_false(conn_has_info(&c));
	assert_int_equal(c.skmem_n, SKM_N);
	assert_true(conn_skmem(&c, SKM_RCVBUF, &m) && m > 0);
	assert_string_equal(conn_cong(&c), "mycc");
	free(nlh);
}

/* No name sent: NULL, and the column says so ("-" and null, as for any missing value). */
static void no_congestion_name_reads_as_null(void **state)
{
	struct nlmsghdr *nlh = with_cong(NULL, 0, NULL, 0);
	struct conn c;

	(void)state;
	assert_int_equal(parse(nlh, &c), 0);
	assert_int_equal(c.cong_id, 0);
	assert_false(c.have & CONN_HAS_CONG);
	assert_null(conn_cong(&c));
	assert_cong_column(&c, "-", "{\"cong\":null}");
	free(nlh);
	nlh = tu_msg_with_state("states.rec", TS_TIME_WAIT);
	assert_int_equal(parse(nlh, &c), 0);
	assert_null(conn_cong(&c));
	free(nlh);
}

/* An empty name is a name that was sent (kept as ""); of two names the last counts, as before. */
static void empty_and_repeated_congestion_names(void **state)
{
	struct nlmsghdr *nlh = with_cong("", 0, NULL, 0), *two;
	struct nlattr *a;
	struct conn c;

	(void)state;
	assert_int_equal(parse(nlh, &c), 0);
	assert_true(c.have & CONN_HAS_CONG);
	assert_string_equal(conn_cong(&c), "");
	free(nlh);
	nlh = with_cong_str("mycc");
	two = calloc(1, nlh->nlmsg_len + 16);
	memcpy(two, nlh, nlh->nlmsg_len);
	a = (void *)((char *)two + two->nlmsg_len);
	a->nla_type = INET_DIAG_CONG;
	a->nla_len = MNL_ATTR_HDRLEN + 4;
	memcpy(a + 1, "bbr", 4);
	two->nlmsg_len += MNL_ALIGN(a->nla_len);
	assert_int_equal(parse(two, &c), 0);
	assert_string_equal(conn_cong(&c), "bbr");
	free(two);
	free(nlh);
}

/* A connection that ended shows its algorithm, the kernel's or another, from its own copy. */
static void closed_connection_keeps_its_congestion_name(void **state)
{
	static const char *const names[] = { "cubic", "mycc", NULL };
	static const unsigned drop[] = { INET_DIAG_INFO, INET_DIAG_SKMEMINFO };

	(void)state;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		for (size_t nd = 0; nd <= 2; nd += 2) {
			struct nlmsghdr *nlh =
				names[i] ? with_cong(names[i], strlen(names[i]) + 1, drop, nd)
					 : with_cong(NULL, 0, drop, nd);
			struct closed_conn cc;
			struct closed_row tmp;
			const struct row *r;
			struct terr e = { { 0 } };
			char json[64];

			assert_int_equal(closed_parse_msg(nlh, &cc, &arena, &e), 1);
			arena_reset(&arena); /* nothing of it may point into the arena */
			assert_null(cc.c.info);
			r = closed_row(&cc, &tmp);
			if (!names[i]) {
				assert_null(conn_cong(r->c));
				assert_cong_column(r->c, "-", "{\"cong\":null}");
			} else {
				assert_string_equal(conn_cong(r->c), names[i]);
				snprintf(json, sizeof(json), "{\"cong\":\"%s\"}", names[i]);
				assert_cong_column(r->c, names[i], json);
			}
			assert_int_equal(conn_has_info(r->c), nd == 0);
			free(nlh);
		}
	}
}

/* Every message of every fixture parses, and random corruption never crashes. */
struct corrupt_ctx {
	unsigned seed;
	int parsed;
};

static void corrupt_one(const struct nlmsghdr *src, void *arg)
{
	struct corrupt_ctx *cc = arg;
	struct nlmsghdr *nlh = malloc(src->nlmsg_len);
	struct conn c;

	memcpy(nlh, src, src->nlmsg_len);
	assert_int_equal(parse(nlh, &c), 0);
	cc->parsed++;
	for (int round = 0; round < 200; round++) {
		size_t at = MNL_NLMSG_HDRLEN +
			    (size_t)(rand_r(&cc->seed) % (int)(src->nlmsg_len - MNL_NLMSG_HDRLEN));

		memcpy(nlh, src, src->nlmsg_len);
		((unsigned char *)nlh)[at] = (unsigned char)rand_r(&cc->seed);
		parse(nlh, &c); /* may fail; must not crash or read out of bounds */
	}
	free(nlh);
}

static void every_recorded_message_parses_and_corruption_is_survived(void **state)
{
	static const char *const names[] = { "ipv4_bulk.rec", "ipv6_bulk.rec",
					     "listen_overflow.rec", "states.rec", "synrecv.rec" };
	struct corrupt_ctx cc = { 12345, 0 };

	(void)state;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		struct replay *r = tu_replay(names[i]);

		tu_each_msg(r, 0, corrupt_one, &cc);
		replay_free(r);
	}
	assert_true(cc.parsed > 30);
}

/* An NLMSG_ERROR as the kernel frames it, carrying `code`. */
static int feed_error(int code, struct terr *e)
{
	uint32_t buf[16] = { 0 };
	struct nlmsghdr *nlh = (void *)buf;
	struct nlmsgerr *err = (void *)(nlh + 1);
	struct sample s = { 0 };
	int rc;

	nlh->nlmsg_len = NLMSG_LENGTH(sizeof(*err));
	nlh->nlmsg_type = NLMSG_ERROR;
	err->error = code;
	rc = diag_feed(buf, nlh->nlmsg_len, &s, e);
	sample_free(&s);
	return rc;
}

/* -INT_MIN does not exist: a damaged error field must not be negated (UBSan caught it). */
static void netlink_error_codes_outside_errno_range_are_a_protocol_error(void **state)
{
	struct terr e = { { 0 } };

	(void)state;
	assert_int_equal(feed_error(-ENOBUFS, &e), -1);
	assert_non_null(strstr(e.msg, strerror(ENOBUFS)));
	assert_int_equal(feed_error(INT_MIN, &e), -1);
	assert_non_null(strstr(e.msg, strerror(EPROTO)));
	assert_int_equal(feed_error(-4096, &e), -1);
	assert_non_null(strstr(e.msg, strerror(EPROTO)));
	assert_int_equal(feed_error(INT_MAX, &e), -1);
	assert_non_null(strstr(e.msg, strerror(EPROTO)));
}

/* libmnl trusts (int)nlmsg_len: a huge length must be caught before it. */
static void netlink_length_beyond_int_max_is_refused(void **state)
{
	uint32_t buf[64] = { 0 };
	struct nlmsghdr *nlh = (void *)buf;
	struct sample s = { 0 };
	struct terr e = { { 0 } };

	(void)state;
	nlh->nlmsg_len = 0xfffffff0u;
	nlh->nlmsg_type = SOCK_DIAG_BY_FAMILY;
	assert_int_equal(diag_feed(buf, sizeof(buf), &s, &e), -1);
	assert_int_equal(s.n, 0);
	nlh->nlmsg_len = sizeof(buf) + 4; /* one past the buffer */
	assert_int_equal(diag_feed(buf, sizeof(buf), &s, &e), -1);
	sample_free(&s);
}

/* A dump the kernel marks inconsistent (NLM_F_DUMP_INTR) is noticed, and its sockets kept. */
static void an_interrupted_dump_is_counted(void **state)
{
	struct nlmsghdr *nlh = tu_msg_with_state("ipv4_bulk.rec", TS_ESTABLISHED);
	struct sample s = { 0 };
	struct terr e = { { 0 } };

	(void)state;
	nlh->nlmsg_flags |= NLM_F_DUMP_INTR;
	assert_int_equal(diag_feed(nlh, nlh->nlmsg_len, &s, &e), 0);
	assert_int_equal(s.stats.interrupted, 1);
	assert_int_equal(s.n, 1);
	sample_free(&s);
	free(nlh);
}

static int teardown(void **state)
{
	(void)state;
	arena_free(&arena);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(established_ipv4_has_tcp_info_skmem_and_cong),
		cmocka_unit_test(ipv6_addresses_keep_their_family),
		cmocka_unit_test(listener_reports_queue_and_limit),
		cmocka_unit_test(time_wait_has_no_info_no_owner),
		cmocka_unit_test(request_socket_is_syn_recv_without_owner),
		cmocka_unit_test(tcp_info_from_a_2_6_kernel_leaves_newer_fields_unavailable),
		cmocka_unit_test(tcp_info_from_6_1_has_snd_wnd_but_not_rcv_wnd),
		cmocka_unit_test(longer_tcp_info_from_a_newer_kernel_is_clamped),
		cmocka_unit_test(short_skmem_leaves_drops_unavailable),
		cmocka_unit_test(empty_skmem_is_sent_but_has_no_value),
		cmocka_unit_test(skmem_without_tcp_info_reads_as_no_tcp_info),
		cmocka_unit_test(tcp_info_without_skmem_has_no_skmem),
		cmocka_unit_test(tcp_info_and_skmem_in_either_order_parse_alike),
		cmocka_unit_test(skmem_of_odd_length_is_an_error),
		cmocka_unit_test(attribute_longer_than_the_message_is_an_error),
		cmocka_unit_test(message_cut_inside_an_attribute_is_an_error),
		cmocka_unit_test(message_shorter_than_inet_diag_msg_is_an_error),
		cmocka_unit_test(unknown_family_and_type_are_errors),
		cmocka_unit_test(one_walk_dump_messages_parse_alike),
		cmocka_unit_test(unknown_attributes_are_ignored),
		cmocka_unit_test(every_kernel_congestion_name_round_trips_as_an_id),
		cmocka_unit_test(another_congestion_name_is_kept_in_the_block),
		cmocka_unit_test(overlong_congestion_name_is_cut_at_conn_cong_max),
		cmocka_unit_test(congestion_name_without_nul_is_bounded_and_printable),
		cmocka_unit_test(
			congestion_name_bytes_outside_printable_ascii_become_question_marks),
		cmocka_unit_test(congestion_name_without_tcp_info_or_skmem_is_kept),
		cmocka_unit_test(no_congestion_name_reads_as_null),
		cmocka_unit_test(empty_and_repeated_congestion_names),
		cmocka_unit_test(closed_connection_keeps_its_congestion_name),
		cmocka_unit_test(every_recorded_message_parses_and_corruption_is_survived),
		cmocka_unit_test(netlink_length_beyond_int_max_is_refused),
		cmocka_unit_test(netlink_error_codes_outside_errno_range_are_a_protocol_error),
		cmocka_unit_test(an_interrupted_dump_is_counted),
	};

	return cmocka_run_group_tests(tests, NULL, teardown);
}
