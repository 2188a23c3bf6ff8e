/* SPDX-License-Identifier: GPL-2.0-or-later */
/* filter_ast: the parsed form of a filter, shared by the parser/matcher and the bytecode compiler. */
#ifndef TCPTOP_FILTER_AST_H
#define TCPTOP_FILTER_AST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "filter.h"

/* Which endpoint a primitive looks at. */
enum { FSIDE_SRC = 1, FSIDE_DST = 2, FSIDE_BOTH = 3 };

/* What the kernel can do with a primitive. */
enum fkernel {
	FK_NONE,     /* user space only: the bytecode treats it as "maybe" */
	FK_BYTECODE, /* compiles to inet_diag bytecode exactly */
	FK_STATES,   /* narrows the request's state mask */
};

/* The shape of a leaf's data; the bytecode compiler emits by shape. */
enum fshape {
	FS_PORT,  /* lo..hi on the chosen side(s) */
	FS_HOST,  /* family/prefix (and optional port) on the chosen side(s) */
	FS_STATE, /* a set of states */
	FS_PROC,  /* a process name or pid: user space only (procmap) */
	FS_NETNS, /* a network namespace's name (-N all): user space only */
};

struct fleaf {
	uint8_t prim;     /* index into the primitive table (filter.c) */
	uint8_t shape;    /* enum fshape */
	uint8_t side;     /* FSIDE_* */
	uint8_t family;   /* FS_HOST: AF_UNSPEC (port only), AF_INET, AF_INET6 */
	uint8_t plen;     /* FS_HOST: prefix length in bits */
	uint16_t lo, hi;  /* FS_PORT: inclusive range */
	int32_t port;     /* FS_HOST: -1 = any */
	uint32_t states;  /* FS_STATE: bit per enum tcp_state */
	uint8_t addr[16]; /* FS_HOST: network order; IPv4 in the first 4 bytes */
	int32_t pid;      /* FS_PROC: `pid N`; 0 for `proc NAME` */
	char comm[16];    /* FS_PROC: `proc NAME`, as the kernel keeps it (15 bytes) */
	char netns[48];   /* FS_NETNS: the name as the Netns column shows it */
};

enum fnode_type { FN_LEAF, FN_AND, FN_OR, FN_NOT, FN_TRUE, FN_FALSE };

/* Nodes live in one array and point at each other by index (-1: none). */
struct fnode {
	uint8_t type;
	uint16_t height; /* levels of and/or/not below and including this node */
	int32_t kid;     /* first child (AND, OR: n children; NOT: one) */
	int32_t next;    /* next sibling */
	struct fleaf leaf;
};

struct fast {
	struct fnode *v;
	size_t n, cap;
	int32_t root;
};

struct filter {
	char *text;
	bool procs; /* uses proc/pid: needs process attribution */
	struct fast ast;
	uint32_t states; /* kernel state mask (superset) */
	uint8_t *bc;     /* kernel bytecode (superset); NULL: accept all */
	size_t bclen;
};

/* Appends a node and returns its index; `v` may move. */
int32_t fast_add(struct fast *a, uint8_t type);
void fast_free(struct fast *a);

/* What the kernel can do with this leaf (from the primitive table). */
enum fkernel filter_leaf_kernel(const struct fleaf *l);

/* Fills f->states, f->bc and f->bclen from f->ast (filter_bc.c). */
void filter_compile(struct filter *f);

/* Every state a socket can be reported in (ss's "all"). */
#define FILTER_ALL_STATES ((uint32_t)TS_ALL_MASK)

#endif
