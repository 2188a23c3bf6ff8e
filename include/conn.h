/* SPDX-License-Identifier: GPL-2.0-or-later */
/* conn: the normalised record of one socket from a sock_diag dump, and TCP state names. */
#ifndef TCPTOP_CONN_H
#define TCPTOP_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "sockblk.h"
#include "tcpinfo.h"

/* Kernel TCP states (include/net/tcp_states.h); 0 is not a state. */
enum tcp_state {
	TS_ESTABLISHED = 1,
	TS_SYN_SENT,
	TS_SYN_RECV,
	TS_FIN_WAIT1,
	TS_FIN_WAIT2,
	TS_TIME_WAIT,
	TS_CLOSE,
	TS_CLOSE_WAIT,
	TS_LAST_ACK,
	TS_LISTEN,
	TS_CLOSING,
	TS_NEW_SYN_RECV,
	TS_BOUND_INACTIVE,
	TS_MAX
};
/* The eleven states users see (1..11); request sockets count as SYN-RECV. */
#define TS_USER_LAST TS_CLOSING
#define TS_ALL_MASK 0xfffu /* bits 0..11: every state, as ss -a asks */

/* Which optional parts the kernel sent (conn.have). */
enum {
	CONN_HAS_INFO = 1 << 0,
	CONN_HAS_SKMEM = 1 << 1,
	CONN_HAS_CONG = 1 << 2,
	CONN_HAS_SHUTDOWN = 1 << 3,
	CONN_HAS_V6ONLY = 1 << 4,
	CONN_HAS_UID = 1 << 5, /* full sockets; not TIME-WAIT or request sockets */
};

/* Indices into the INET_DIAG_SKMEMINFO array (SK_MEMINFO_*). */
enum {
	SKM_RMEM_ALLOC,  /* r */
	SKM_RCVBUF,      /* rb */
	SKM_WMEM_ALLOC,  /* t */
	SKM_SNDBUF,      /* tb */
	SKM_FWD_ALLOC,   /* f */
	SKM_WMEM_QUEUED, /* w */
	SKM_OPTMEM,      /* o */
	SKM_BACKLOG,     /* bl */
	SKM_DROPS,       /* d */
	SKM_N
};

/* idiag_timer values. */
enum { TIMER_NONE, TIMER_RETRANS, TIMER_KEEPALIVE, TIMER_TIMEWAIT, TIMER_PERSIST, TIMER_DELACK };

/*
 * One socket, 56 bytes (one per socket per frame: keep it small). Addresses
 * are in network byte order, ports in host order. `info` points at one
 * block in the arena of the sample that holds this conn and lives as long
 * as it (sockblk.h): the tcp_info fields tcptop reads (struct tcpc,
 * tcpinfo.h), the skmem_n skmem values when the kernel sent skmem and the
 * congestion control name when it is not one of the kernel's own (cong_id
 * CONN_CONG_OTHER), packed without their zeros.
 * With skmem or such a name and no tcp_info the tcpc fields read zero and
 * info_len is 0; with none of them, info is NULL. Read them through the
 * accessors below (conn_has_info, CONN_INFO, CONN_TI, conn_tcpc,
 * conn_skmem, conn_cong), not through `info` itself.
 *
 * The small fields share bytes (bit-fields sized to the most each holds:
 * have's six flags, the two shutdown bits, info_len up to a struct tcpi,
 * skmem_n up to SKM_N), and the interface index the kernel sends is not
 * kept (nothing reads it), so that the struct is 56 bytes (80 with both
 * addresses inline, 88 with the index too): 6.4 MB a frame less at
 * 200,000 sockets.
 */
struct conn {
	uint64_t cookie;
	/*
	 * The addresses: an IPv4 socket's inline (source, then destination),
	 * an IPv6 socket's 32 bytes (source, then destination) in the arena of
	 * the sample that holds the conn, so that the IPv4 sockets most hosts
	 * have most of cost 8 bytes here, not 32. Read them with conn_src() and
	 * conn_dst() (4 or 16 bytes by family), set them with conn_set_addrs().
	 */
	union {
		uint8_t v4[8];
		const uint8_t *v6;
	} addr;
	uint16_t sport;
	uint16_t dport;
	uint8_t family; /* AF_INET or AF_INET6, as the kernel reported */
	uint8_t state;  /* enum tcp_state; NEW_SYN_RECV folded into SYN_RECV */
	uint8_t timer;
	uint8_t retrans;       /* idiag_retrans: backoff/probe count of the running timer */
	uint8_t cong_id;       /* congestion control: 0 none sent, else read with conn_cong() */
	uint8_t have : 6;      /* CONN_HAS_* */
	uint8_t shutdown : 2;  /* bit 0: receive side shut, bit 1: send side */
	uint16_t info_len : 9; /* tcp_info bytes kept (as sent, at most a struct tcpi); 0: none */
	uint16_t skmem_n : 4;  /* skmem values in the block (a kernel may send fewer than SKM_N) */
	uint16_t v6only : 1;
	uint32_t expires_ms;
	uint32_t rqueue; /* LISTEN: accept queue length; else unread bytes */
	uint32_t wqueue; /* LISTEN: accept queue limit; else unacked + unsent bytes */
	uint32_t uid;
	uint32_t inode;
	const struct sockblk *info; /* tcp_info, skmem, another cong name; see above */
};
_Static_assert(sizeof(struct conn) == 56, "struct conn grew: it is held per socket per frame");
_Static_assert(CONN_HAS_UID < 1 << 6, "conn.have holds every CONN_HAS_* flag");
_Static_assert(SKM_N < 1 << 4, "conn.skmem_n holds SKM_N");
_Static_assert(sizeof(struct tcpi) < 1 << 9, "conn.info_len holds a whole struct tcpi");
_Static_assert((int)SKM_N == (int)SOCKBLK_NSKMEM, "a block has room for every skmem value");

/* ss-style name of a state ("ESTAB", "TIME-WAIT"); "UNKNOWN" outside the table. */
const char *conn_state_name(unsigned state);
/* Filter-language name of a state ("established", "time-wait"); NULL if none. */
const char *conn_state_keyword(unsigned state);
/* The state for a filter-language or ss-style name, case-insensitive; 0 if none. */
unsigned conn_state_from_name(const char *name);

/* Name of an idiag_timer value ("on", "keepalive", "timewait", "persist", "delack"). */
const char *conn_timer_name(unsigned timer);

/*
 * The source and destination address: 4 bytes for an IPv4 socket (or a
 * conn whose family is not set), 16 for an IPv6 one. An IPv6 conn's point
 * into the arena conn_set_addrs() put them in.
 */
static inline const uint8_t *conn_src(const struct conn *c)
{
	return c->family == AF_INET6 ? c->addr.v6 : c->addr.v4;
}
static inline const uint8_t *conn_dst(const struct conn *c)
{
	return c->family == AF_INET6 ? c->addr.v6 + 16 : c->addr.v4 + 4;
}
/* The length of one of c's addresses: 16 for IPv6, else 4. */
static inline size_t conn_addr_len(const struct conn *c)
{
	return c->family == AF_INET6 ? 16 : 4;
}
struct arena;
/*
 * Sets c's addresses (conn_addr_len(c) bytes each at src and dst, any
 * alignment) for the family c already has; an IPv6 conn's go into a new
 * 32 bytes in `a`, which must outlive c (and may be NULL for IPv4).
 */
void conn_set_addrs(struct conn *c, struct arena *a, const void *src, const void *dst);
/* One of c's addresses as 16 bytes, IPv4 as ::ffff:a.b.c.d: a key both families share. */
void conn_addr_mapped(const struct conn *c, bool dst, uint8_t out[16]);

/* True for ::ffff:a.b.c.d addresses. */
bool addr_is_v4mapped(const uint8_t *a);
/* True for 0.0.0.0 / :: (a wildcard bind). */
bool addr_is_any(int family, const uint8_t *a);

/*
 * Formats an address ("10.0.0.1", "::1"; v4-mapped IPv6 as IPv4) and an
 * endpoint ("10.0.0.1:80", "[::1]:80", "0.0.0.0:80", "[::]:80"; a listener's peer, any
 * address and port 0, as "0.0.0.0:*" like ss). Returns buf.
 */
/* The longest congestion control name kept (the kernel's TCP_CA_NAME_MAX is 16 with the NUL). */
#define CONN_CONG_MAX 15
#define ADDR_STRLEN 48
#define ENDPOINT_STRLEN 56
char *addr_str(int family, const uint8_t *a, char *buf, size_t len);
char *endpoint_str(int family, const uint8_t *a, uint16_t port, char *buf, size_t len);

/* The effective family of an address: AF_INET for v4-mapped IPv6. */
int addr_family(int family, const uint8_t *a);

/*
 * Accessors for the socket's tcp_info values and skmem array, so that code
 * reading them does not depend on how a conn stores them. CONN_TI(c, f)
 * (field f's value) and conn_tcpc are valid only when conn_has_info(c).
 * Whether tcp_info was sent is info_len, not `info`: a socket with skmem
 * only has a block whose tcp_info fields read zero.
 */
static inline bool conn_has_info(const struct conn *c)
{
	return c->info_len && c->info;
}
#define CONN_TI(c, f) sockblk_get((c)->info, TCPC_F_##f)
/* Every tcpc field at once, for code that reads most of them. */
static inline void conn_tcpc(const struct conn *c, struct tcpc *t)
{
	sockblk_tcpc(c->info, t);
}
/* skmem[i] when the kernel sent it. */
static inline bool conn_skmem(const struct conn *c, int i, uint32_t *v)
{
	if (i < 0 || i >= c->skmem_n)
		return false;
	*v = (uint32_t)sockblk_get(c->info, SOCKBLK_SKMEM + (unsigned)i); /* skmem_n > 0: a block */
	return true;
}

/*
 * A block for a conn built by hand (tests, benchmarks), in the plain
 * layout (sockblk_plain): allocates it in `a` with room for n skmem values
 * and, when `other` is not NULL, copies that congestion name (olen bytes,
 * NUL added) after them; points c->info at it and sets skmem_n. The tcpc
 * and the skmem values are the caller's to fill in place (the tcpc is not
 * zeroed); the skmem values go at the returned tcpc + 1. The parser packs
 * its blocks instead (sockblk_pack).
 */
struct tcpc *conn_block(struct conn *c, struct arena *a, size_t n, const char *other, size_t olen);

/*
 * Congestion control names. cong_id 1..n are the kernel's own, from a const
 * table in conn.c, so a socket costs one byte for them; CONN_CONG_OTHER is
 * any other name (an out-of-tree module), kept printable and at most
 * CONN_CONG_MAX bytes in the socket's block after the skmem values.
 */
#define CONN_CONG_OTHER 255
/* The id of one of the kernel's names (len bytes, no NUL needed); 0 if it is another name. */
unsigned conn_cong_id(const char *name, size_t len);
/* The socket's congestion control name; NULL when the kernel sent none. */
const char *conn_cong(const struct conn *c);

/*
 * Gives a conn built by hand (tests, benchmarks) the n skmem values m, in a
 * new block (conn_block): its tcpc (if any) is copied there with m after it
 * (and another cong name after m), so fill the tcpc first (writes through an
 * older pointer to it are not seen). Returns the copy of m.
 */
uint32_t *conn_attach_skmem(struct conn *c, struct arena *a, const uint32_t *m, size_t n);

/* The tcp_info field when the kernel sent it: fills *v and returns true. */
#define CONN_INFO(c, f, v)                                                                         \
	(conn_has_info(c) && TCPI_HAS((c)->info_len, f) ? (*(v) = CONN_TI(c, f), true) : false)

#endif
