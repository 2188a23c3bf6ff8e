/* SPDX-License-Identifier: GPL-2.0-or-later */
/* bench_floor: the cheapest dump of what tcptop asks for (tcp_info + skmem), the floor its refresh is measured against. */
#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libmnl/libmnl.h>

/*
 * usage: bench_floor [DUMPS [EXT]]   (default 1, info,skmem)
 * EXT: the extensions asked for, comma-separated, from info, skmem, cong,
 * or "none" (what a cheaper first dump would cost the kernel).
 * Dumps every TCP socket of the current network namespace the way tcptop
 * does (TCPDIAG_GETSOCK with AF_UNSPEC: both families in one walk, every
 * state, tcp_info and skmem), touches each record's attributes and throws
 * them away: no copy, no table, no output. Prints the sockets seen and the
 * time of the last dump. bench/bench_snapshot runs it as a child and takes
 * its CPU time from wait4(). No tcptop code is linked in on purpose.
 */

#define EXT_INFO (1u << (INET_DIAG_INFO - 1))
#define EXT_SKMEM (1u << (INET_DIAG_SKMEMINFO - 1))
#define EXT_CONG (1u << (INET_DIAG_CONG - 1))

static const struct {
	const char *name;
	unsigned bit;
} exts[] = {
	{ "info", EXT_INFO },
	{ "skmem", EXT_SKMEM },
	{ "cong", EXT_CONG },
	{ "none", 0 },
};

/* "info,skmem" -> the idiag_ext bits; -1 for an unknown word. */
static int parse_ext(const char *s)
{
	unsigned bits = 0;

	while (*s) {
		size_t n = strcspn(s, ","), i;

		for (i = 0; i < sizeof(exts) / sizeof(exts[0]); i++)
			if (strlen(exts[i].name) == n && !strncmp(s, exts[i].name, n))
				break;
		if (i == sizeof(exts) / sizeof(exts[0]))
			return -1;
		bits |= exts[i].bit;
		s += n + (s[n] == ',');
	}
	return (int)bits;
}

struct tally {
	unsigned long n;
	unsigned long sum; /* keeps the reads of the attributes from being optimised away */
	int err;
};

static int attr_cb(const struct nlattr *a, void *data)
{
	struct tally *t = data;
	const uint8_t *p = mnl_attr_get_payload(a);
	uint16_t len = mnl_attr_get_payload_len(a);

	/* Read the first and last byte of every attribute, as a parser would touch it. */
	if (len)
		t->sum += p[0] + p[len - 1];
	return MNL_CB_OK;
}

static int msg_cb(const struct nlmsghdr *nlh, void *data)
{
	struct tally *t = data;
	const struct inet_diag_msg *m = mnl_nlmsg_get_payload(nlh);

	t->n++;
	t->sum += m->idiag_state + m->idiag_inode;
	mnl_attr_parse(nlh, sizeof(*m), attr_cb, t);
	return MNL_CB_OK;
}

static int dump(struct mnl_socket *nl, char *buf, size_t bufsz, unsigned seq, unsigned ext,
		struct tally *t)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct inet_diag_req *r;
	unsigned portid = mnl_socket_get_portid(nl);
	ssize_t n;
	int ret;

	nlh->nlmsg_type = TCPDIAG_GETSOCK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = seq;
	r = mnl_nlmsg_put_extra_header(nlh, sizeof(*r));
	r->idiag_family = AF_INET;
	r->idiag_states = 0xfff;
	r->idiag_ext = (uint8_t)ext;
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -1;
	while ((n = mnl_socket_recvfrom(nl, buf, bufsz)) > 0) {
		ret = mnl_cb_run(buf, (size_t)n, seq, portid, msg_cb, t);
		if (ret <= MNL_CB_STOP)
			return ret < 0 ? -1 : 0;
	}
	return n < 0 ? -1 : 0;
}

int main(int argc, char **argv)
{
	int dumps = argc > 1 ? atoi(argv[1]) : 1;
	size_t bufsz = 1 << 16; /* as large a read as tcptop's */
	char *buf = malloc(bufsz);
	struct mnl_socket *nl = mnl_socket_open(NETLINK_SOCK_DIAG);
	struct tally t = { 0 };
	struct timespec a, b;
	int ext = parse_ext(argc > 2 ? argv[2] : "info,skmem");

	if (ext < 0) {
		fprintf(stderr, "bench_floor: EXT: info, skmem, cong (comma-separated) or none\n");
		return 2;
	}
	if (!buf || !nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		fprintf(stderr, "bench_floor: netlink: %s\n", strerror(errno));
		return 1;
	}
	for (int i = 0; i < (dumps > 0 ? dumps : 1); i++) {
		t.n = 0;
		clock_gettime(CLOCK_MONOTONIC, &a);
		if (dump(nl, buf, bufsz, (unsigned)i + 1, (unsigned)ext, &t) < 0) {
			fprintf(stderr, "bench_floor: sock_diag dump: %s\n", strerror(errno));
			return 1;
		}
		clock_gettime(CLOCK_MONOTONIC, &b);
	}
	printf("bench_floor: %lu sockets in %.2f ms (checksum %lu)\n", t.n,
	       (double)(b.tv_sec - a.tv_sec) * 1e3 + (double)(b.tv_nsec - a.tv_nsec) / 1e6,
	       t.sum & 0xff);
	mnl_socket_close(nl);
	free(buf);
	return 0;
}
