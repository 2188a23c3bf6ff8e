/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sockblk: a socket's tcp_info fields, skmem values and congestion name in one block, zeros left out. */
#ifndef TCPTOP_SOCKBLK_H
#define TCPTOP_SOCKBLK_H

#include <stddef.h>
#include <stdint.h>

#include "tcpinfo.h"

/*
 * One block per socket per frame holds what the kernel sent beside the
 * socket's addresses: the tcp_info fields tcptop keeps (struct tcpc), the
 * skmem values and a congestion control name that is not one of the
 * kernel's own. Most of those numbers are zero on most sockets (an idle
 * connection has no unacked, lost, retransmitted or queued data, no
 * chronograph time limited, no drops), and most 64-bit ones fit in 32
 * bits, so the parser packs them: a 64-bit header says which 32-bit words
 * follow, and a value that is zero takes no word. An idle established
 * socket's block is ~90 bytes where the plain layout takes 188.
 *
 * Layout: the header (u64), then 32-bit words in field order: one word for
 * the four u8 fields together (when any is not zero), one per u32 field
 * that is not zero, one or two per u64 field (low word when not zero, high
 * word too when it is not zero), one per skmem value that is not zero;
 * then the name, NUL-terminated, when the conn's cong_id says "other".
 * Header bit p is set when word slot p is present: a field's word is at
 * 4 x popcount(header bits below its slot). Bit 63 marks the plain layout
 * (SOCKBLK_PLAIN: a struct tcpc, then the skmem values, then the name),
 * which conns built by hand (tests, benchmarks) and closed connections
 * use, so that their tcpc can be filled in place.
 *
 * Fields are numbered by TCPC_FIELDS (TCPC_F_rto, ...); skmem value i is
 * field SOCKBLK_SKMEM + i. Read them with sockblk_get(); a field not stored
 * reads 0. Whether the kernel sent it is the conn's business (info_len,
 * skmem_n), not the block's.
 */
#define TCPC_ID(type, field) TCPC_F_##field,
#define TCPC_CNT8(type, field) +(sizeof(type) == 1)
#define TCPC_CNT32(type, field) +(sizeof(type) == 4)
#define TCPC_CNT64(type, field) +(sizeof(type) == 8)
enum {
	TCPC_FIELDS(TCPC_ID) TCPC_NF,
	SOCKBLK_SKMEM = TCPC_NF,
	SOCKBLK_NSKMEM = 9, /* SK_MEMINFO_VARS: the most skmem values kept */
	SOCKBLK_NF = SOCKBLK_SKMEM + SOCKBLK_NSKMEM,
	/* how many fields of each width */
	SOCKBLK_N8 = 0 TCPC_FIELDS(TCPC_CNT8),
	SOCKBLK_N32 = 0 TCPC_FIELDS(TCPC_CNT32),
	SOCKBLK_N64 = 0 TCPC_FIELDS(TCPC_CNT64),
	/* slot 0: the u8 fields; then a slot per u32, two per u64, one per skmem value */
	SOCKBLK_SLOT32 = 1,
	SOCKBLK_SLOT64 = SOCKBLK_SLOT32 + SOCKBLK_N32,
	SOCKBLK_SLOTSK = SOCKBLK_SLOT64 + 2 * SOCKBLK_N64,
	SOCKBLK_NSLOT = SOCKBLK_SLOTSK + SOCKBLK_NSKMEM,
};
#undef TCPC_ID
#undef TCPC_CNT8
#undef TCPC_CNT32
#undef TCPC_CNT64
_Static_assert(SOCKBLK_N8 == 4, "the u8 fields share one word");
_Static_assert(SOCKBLK_NSLOT < 63, "a header bit per slot, and the plain bit");
#define SOCKBLK_PLAIN (UINT64_C(1) << 63)

/* The block: its header, then the words (opaque: read it with the functions below). */
struct sockblk {
	uint64_t hdr;
};

/* The slot of field k (fields are ordered u8s, u32s, u64s: tcpinfo.c checks). */
static inline unsigned sockblk_slot(unsigned k)
{
	if (k < SOCKBLK_N8)
		return 0;
	if (k < SOCKBLK_N8 + SOCKBLK_N32)
		return SOCKBLK_SLOT32 + (k - SOCKBLK_N8);
	if (k < TCPC_NF)
		return SOCKBLK_SLOT64 + 2 * (k - SOCKBLK_N8 - SOCKBLK_N32);
	return SOCKBLK_SLOTSK + (k - TCPC_NF);
}

/*
 * Set bits of x, without a call: a build for the x86-64 baseline has no
 * popcnt instruction, and __builtin_popcountll becomes a libgcc call.
 */
static inline unsigned sockblk_popcount(uint64_t x)
{
	x -= (x >> 1) & UINT64_C(0x5555555555555555);
	x = (x & UINT64_C(0x3333333333333333)) + ((x >> 2) & UINT64_C(0x3333333333333333));
	x = (x + (x >> 4)) & UINT64_C(0x0f0f0f0f0f0f0f0f);
	return (unsigned)((x * UINT64_C(0x0101010101010101)) >> 56);
}

/* The plain layout's field k (out of line: only conns built by hand have it). */
uint64_t sockblk_get_plain(const struct sockblk *b, unsigned k);

/* Field k (TCPC_F_*, or SOCKBLK_SKMEM + i); 0 when it is not stored. */
static inline uint64_t sockblk_get(const struct sockblk *b, unsigned k)
{
	uint64_t h = b->hdr;
	unsigned s = sockblk_slot(k);
	const unsigned char *w;
	uint32_t lo, hi;

	if (h & SOCKBLK_PLAIN)
		return sockblk_get_plain(b, k);
	if (!(h >> s & 1))
		return 0;
	w = (const unsigned char *)(b + 1) + 4 * sockblk_popcount(h & ((UINT64_C(1) << s) - 1));
	if (k < SOCKBLK_N8)
		return w[k];
	__builtin_memcpy(&lo, w, sizeof(lo));
	if (k < SOCKBLK_N8 + SOCKBLK_N32 || k >= TCPC_NF || !(h >> (s + 1) & 1))
		return lo;
	__builtin_memcpy(&hi, w + 4, sizeof(hi));
	return (uint64_t)hi << 32 | lo;
}

/* Every tcpc field at once, in one pass (no popcount per field): for code that reads most. */
void sockblk_tcpc(const struct sockblk *b, struct tcpc *out);

/*
 * Packs the tcp_info at ti (NULL: none, every field zero; else the bytes of
 * a whole struct tcpi, any alignment), the n skmem values at m (any
 * alignment; n <= SOCKBLK_NSKMEM) and, when other is not NULL, that name
 * (olen bytes, a NUL added) into a new block in a.
 */
struct arena;
const struct sockblk *sockblk_pack(struct arena *a, const void *ti, const void *m, size_t n,
				   const char *other, size_t olen);

/*
 * A block in the plain layout, for conns built by hand: returns its tcpc to
 * fill in place (not zeroed), with room for n skmem values right after it
 * and, when other is not NULL, that name after them. *out is the block.
 */
struct tcpc *sockblk_plain(struct arena *a, size_t n, const char *other, size_t olen,
			   const struct sockblk **out);

/* The name stored after the values of a block with n skmem values (its end). */
const char *sockblk_name(const struct sockblk *b, size_t n);

/* Bytes the block's header and values take, without the name (tests, memory accounting). */
size_t sockblk_size(const struct sockblk *b, size_t n);

#endif
