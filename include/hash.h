/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hash: the hash functions of the open-addressing tables (cookies, inodes, names, endpoints). */
#ifndef TCPTOP_HASH_H
#define TCPTOP_HASH_H

#include <stddef.h>
#include <stdint.h>

/* Socket cookies and inodes are sequential: mix them so linear probing stays short. */
static inline size_t hash_u64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	return (size_t)x;
}

/* FNV-1a over n bytes (counter names, endpoint keys). */
static inline uint32_t hash_bytes(const void *p, size_t n)
{
	const unsigned char *b = p;
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 16777619u;
	return h;
}

#endif
