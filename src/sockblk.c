/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sockblk: a socket's tcp_info fields, skmem values and congestion name in one block, zeros left out. */
#include "sockblk.h"

#include <string.h>

#include "arena.h"

/* sockblk_slot() numbers the fields by width: the u8s first, then the u32s, then the u64s. */
#define IN_ORDER(type, field)                                                                      \
	_Static_assert(sizeof(type) == 1   ? TCPC_F_##field < SOCKBLK_N8                           \
		       : sizeof(type) == 4 ? TCPC_F_##field >= SOCKBLK_N8 &&                       \
						     TCPC_F_##field < SOCKBLK_N8 + SOCKBLK_N32     \
		       : sizeof(type) == 8 ? TCPC_F_##field >= SOCKBLK_N8 + SOCKBLK_N32            \
					   : 0,                                                    \
		       "struct tcpc: " #field " is out of order (u8s, u32s, u64s)");
TCPC_FIELDS(IN_ORDER)
#undef IN_ORDER

static const struct {
	uint16_t off;
	uint8_t size;
} plain_field[TCPC_NF] = {
#define PLAIN_FIELD(type, field) { offsetof(struct tcpc, field), sizeof(type) },
	TCPC_FIELDS(PLAIN_FIELD)
#undef PLAIN_FIELD
};

static struct tcpc *plain_tcpc(const struct sockblk *b)
{
	return (struct tcpc *)(uintptr_t)(const void *)(b + 1);
}

uint64_t sockblk_get_plain(const struct sockblk *b, unsigned k)
{
	const char *p = (const char *)plain_tcpc(b);
	uint32_t v32;
	uint64_t v64;

	if (k >= SOCKBLK_SKMEM) {
		memcpy(&v32, p + sizeof(struct tcpc) + (k - SOCKBLK_SKMEM) * sizeof(v32),
		       sizeof(v32));
		return v32;
	}
	p += plain_field[k].off;
	switch (plain_field[k].size) {
	case 1:
		return *(const uint8_t *)p;
	case 4:
		memcpy(&v32, p, sizeof(v32));
		return v32;
	default:
		memcpy(&v64, p, sizeof(v64));
		return v64;
	}
}

/*
 * Packing writes every word and moves on only past one that is not zero:
 * no branch per field, and every slot a constant. The buffer has a word of
 * room past the last slot.
 */
static inline void put32(uint64_t *hdr, unsigned char **w, uint32_t v, unsigned slot)
{
	memcpy(*w, &v, sizeof(v));
	*hdr |= (uint64_t)(v != 0) << slot;
	*w += sizeof(v) * (v != 0);
}

static inline void put64(uint64_t *hdr, unsigned char **w, uint64_t v, unsigned slot)
{
	uint32_t lo = (uint32_t)v, hi = (uint32_t)(v >> 32);

	memcpy(*w, &lo, sizeof(lo));
	*hdr |= (uint64_t)(v != 0) << slot;
	*w += sizeof(lo) * (v != 0);
	memcpy(*w, &hi, sizeof(hi));
	*hdr |= (uint64_t)(hi != 0) << (slot + 1);
	*w += sizeof(hi) * (hi != 0);
}

static inline uint32_t load32(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static inline uint64_t load64(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

const struct sockblk *sockblk_pack(struct arena *a, const void *ti, const void *m, size_t n,
				   const char *other, size_t olen)
{
	unsigned char words[4 * SOCKBLK_NSLOT + 4], *w = words;
	const unsigned char *raw = ti, *sk = m;
	uint64_t hdr = 0;
	size_t len, name = other ? olen + 1 : 0;
	struct sockblk *b;

	if (raw) {
		unsigned char quad[4] = { 0 };

#define PUT8(type, field)                                                                          \
	if (sizeof(type) == 1)                                                                     \
		quad[TCPC_F_##field & 3] = raw[offsetof(struct tcpi, field)];
		TCPC_FIELDS(PUT8)
#undef PUT8
		put32(&hdr, &w, load32(quad), 0);
#define PUT(type, field)                                                                           \
	if (sizeof(type) == 4)                                                                     \
		put32(&hdr, &w, load32(raw + offsetof(struct tcpi, field)),                        \
		      sockblk_slot(TCPC_F_##field));                                               \
	else if (sizeof(type) == 8)                                                                \
		put64(&hdr, &w, load64(raw + offsetof(struct tcpi, field)),                        \
		      sockblk_slot(TCPC_F_##field));
		TCPC_FIELDS(PUT)
#undef PUT
	}
	if (n > SOCKBLK_NSKMEM)
		n = SOCKBLK_NSKMEM;
	for (size_t i = 0; i < n; i++)
		put32(&hdr, &w, load32(sk + i * sizeof(uint32_t)), SOCKBLK_SLOTSK + (unsigned)i);
	len = (size_t)(w - words);
	b = arena_alloc(a, sizeof(*b) + len + name);
	b->hdr = hdr;
	memcpy(b + 1, words, len);
	if (other) {
		char *at = (char *)(b + 1) + len;

		memcpy(at, other, olen);
		at[olen] = '\0';
	}
	return b;
}

void sockblk_tcpc(const struct sockblk *b, struct tcpc *out)
{
	uint64_t h = b->hdr;
	const unsigned char *w = (const unsigned char *)(b + 1);
	unsigned char quad[4] = { 0 };
	unsigned slot = SOCKBLK_SLOT32;
	uint32_t lo, hi;

	if (h & SOCKBLK_PLAIN) {
		memcpy(out, plain_tcpc(b), sizeof(*out));
		return;
	}
	if (h & 1) {
		memcpy(quad, w, sizeof(quad));
		w += sizeof(quad);
	}
#define GET(type, field)                                                                           \
	if (sizeof(type) == 1) {                                                                   \
		out->field = quad[TCPC_F_##field & 3];                                             \
	} else {                                                                                   \
		lo = hi = 0;                                                                       \
		if (h >> slot & 1) {                                                               \
			memcpy(&lo, w, sizeof(lo));                                                \
			w += sizeof(lo);                                                           \
		}                                                                                  \
		if (sizeof(type) == 8 && (h >> (slot + 1) & 1)) {                                  \
			memcpy(&hi, w, sizeof(hi));                                                \
			w += sizeof(hi);                                                           \
		}                                                                                  \
		out->field = (type)((uint64_t)hi << 32 | lo);                                      \
		slot += sizeof(type) == 8 ? 2 : 1;                                                 \
	}
	TCPC_FIELDS(GET)
#undef GET
}

struct tcpc *sockblk_plain(struct arena *a, size_t n, const char *other, size_t olen,
			   const struct sockblk **out)
{
	size_t name = other ? olen + 1 : 0;
	struct sockblk *b =
		arena_alloc(a, sizeof(*b) + sizeof(struct tcpc) + n * sizeof(uint32_t) + name);

	b->hdr = SOCKBLK_PLAIN;
	if (other) {
		char *at = (char *)plain_tcpc(b) + sizeof(struct tcpc) + n * sizeof(uint32_t);

		memcpy(at, other, olen);
		at[olen] = '\0';
	}
	*out = b;
	return plain_tcpc(b);
}

size_t sockblk_size(const struct sockblk *b, size_t n)
{
	if (b->hdr & SOCKBLK_PLAIN)
		return sizeof(*b) + sizeof(struct tcpc) + n * sizeof(uint32_t);
	return sizeof(*b) + 4 * (size_t)sockblk_popcount(b->hdr);
}

const char *sockblk_name(const struct sockblk *b, size_t n)
{
	return (const char *)(b + 1) + (sockblk_size(b, n) - sizeof(*b));
}
