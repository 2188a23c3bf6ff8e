/* SPDX-License-Identifier: GPL-2.0-or-later */
/* diag: the sock_diag netlink socket (libmnl), dump requests and the receive loop. */
#ifndef TCPTOP_DIAG_H
#define TCPTOP_DIAG_H

#include <linux/inet_diag.h>
#include <stddef.h>
#include <stdint.h>

#include "sample.h"
#include "terr.h"

/* Extensions a request can ask for: bit (type - 1) of idiag_ext asks for attribute `type`. */
enum {
	DIAG_EXT_INFO = 1 << (INET_DIAG_INFO - 1),
	DIAG_EXT_CONG = 1 << (INET_DIAG_CONG - 1),
	DIAG_EXT_SKMEM = 1 << (INET_DIAG_SKMEMINFO - 1),
};

/* What to ask the kernel for. `bc` is inet_diag filter bytecode (may be NULL); borrowed. */
struct diag_req {
	uint32_t states; /* bit per enum tcp_state */
	uint8_t ext;     /* DIAG_EXT_* */
	const void *bc;
	size_t bclen;
};

/* Called with every buffer received, before parsing: the recorder's hook. */
typedef void (*diag_raw_fn)(void *ctx, int family, const void *buf, size_t len);

struct diag; /* opaque: the netlink socket and its receive buffer */

struct diag *diag_open(struct terr *e);
void diag_close(struct diag *d);
void diag_set_raw_hook(struct diag *d, diag_raw_fn fn, void *ctx);

/*
 * Dumps TCP sockets of `family` matching req into s (appending); AF_UNSPEC
 * dumps both families in one walk of the kernel's socket hash (the
 * TCPDIAG_GETSOCK request), where a kernel still has it. Restarts an
 * interrupted dump (NLM_F_DUMP_INTR) up to 3 times, then keeps the partial
 * result and sets s->stats.partial. Returns 0, or -1 with e set; a family the
 * kernel does not support (no IPv6) is not an error: nothing is added.
 */
int diag_dump(struct diag *d, int family, const struct diag_req *req, struct sample *s,
	      struct terr *e);

/*
 * Parses recorded dump buffers through the same callback path as a live dump
 * (mnl_cb_run with seq and portid 0). Returns 1 when the buffer held the end
 * of the dump, 0 when more buffers follow, -1 on a netlink error message.
 */
int diag_feed(const void *buf, size_t len, struct sample *s, struct terr *e);

#endif
