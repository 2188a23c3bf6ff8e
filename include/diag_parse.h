/* SPDX-License-Identifier: GPL-2.0-or-later */
/* diag_parse: one sock_diag netlink message to one struct conn; pure, no I/O. */
#ifndef TCPTOP_DIAG_PARSE_H
#define TCPTOP_DIAG_PARSE_H

#include <linux/netlink.h>
#include <stddef.h>

#include "arena.h"
#include "conn.h"
#include "terr.h"

/*
 * Parses a SOCK_DIAG_BY_FAMILY message (struct inet_diag_msg + attributes)
 * into *c. The tcp_info fields a conn keeps (struct tcpc), skmem and a
 * congestion control name other than the kernel's own are copied into one
 * block in `a` (min of what was sent and what we know; the rest of the tcpc
 * zeroed) and c->info points at it (conn.h says how to read it; a known
 * name is c->cong_id alone). When `full` is not NULL the
 * whole tcp_info is copied there too (all zero when none was sent). The
 * message length must already be checked against the buffer
 * (mnl_nlmsg_ok). Returns 0, or -1 with e set when the message is malformed;
 * *c is then unspecified. Never reads past nlh->nlmsg_len.
 */
int diag_parse_msg(const struct nlmsghdr *nlh, struct conn *c, struct arena *a, struct tcpi *full,
		   struct terr *e);
/* The socket cookie of a message diag_parse_msg would accept; 0 if it is too short. */
uint64_t diag_msg_cookie(const struct nlmsghdr *nlh);

#endif
