/* SPDX-License-Identifier: GPL-2.0-or-later */
/* filter_bc: the kernel part of a filter: a superset state mask and inet_diag bytecode, plus a model of the kernel's checker and interpreter. */
#include <linux/inet_diag.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "fatal.h"
#include "filter_ast.h"

/*
 * Why a superset: the kernel can test addresses and ports but not, say, a
 * process name, and it knows states only through the request's mask. Every
 * socket the kernel returns is matched again in user space, so the kernel
 * part only has to never reject a match. Each node gets two approximations
 * built from the exact ones of its compilable leaves: an upper one (true
 * whenever the node is) and a lower one (true only when the node is). A leaf
 * the kernel cannot test is "true" above and "false" below; `not` swaps the
 * two. The bytecode is the upper approximation of the whole expression.
 */

/* ---- approximation ---------------------------------------------------- */

static int32_t konst(struct fast *o, bool v)
{
	return fast_add(o, v ? FN_TRUE : FN_FALSE);
}

static bool is_const(const struct fast *o, int32_t i, uint8_t type)
{
	return o->v[i].type == type;
}

static int32_t mk_not(struct fast *o, int32_t k)
{
	int32_t i;

	if (is_const(o, k, FN_TRUE) || is_const(o, k, FN_FALSE))
		return konst(o, is_const(o, k, FN_FALSE));
	if (o->v[k].type == FN_NOT)
		return o->v[k].kid;
	i = fast_add(o, FN_NOT);
	o->v[i].kid = k;
	return i;
}

/* A one-sided copy of a leaf; a leaf on both sides becomes `src-side or dst-side`. */
static int32_t leaf_side(struct fast *o, const struct fleaf *l, uint8_t side)
{
	int32_t i;

	/* A test that holds for every socket costs bytecode for nothing. */
	if (l->shape == FS_PORT && l->lo == 0 && l->hi == 65535)
		return konst(o, true);
	if (l->shape == FS_HOST && l->family == AF_UNSPEC && l->port < 0)
		return konst(o, true);
	i = fast_add(o, FN_LEAF);
	o->v[i].leaf = *l;
	o->v[i].leaf.side = side;
	return i;
}

/* Builds an n-ary and/or from approximated kids, folding constants away. */
struct join {
	uint8_t type;
	int32_t first, last, absorbed;
	size_t live;
};

static struct join join_begin(uint8_t type)
{
	return (struct join){ type, -1, -1, -1, 0 };
}

/* Adds kid k; false once a constant decided the result (false and x, true or x). */
static bool join_add(struct fast *o, struct join *j, int32_t k)
{
	uint8_t unit = j->type == FN_AND ? FN_TRUE : FN_FALSE;

	if (is_const(o, k, unit))
		return true;
	if (is_const(o, k, unit == FN_TRUE ? FN_FALSE : FN_TRUE)) {
		j->absorbed = k;
		return false;
	}
	if (j->last >= 0)
		o->v[j->last].next = k;
	else
		j->first = k;
	j->last = k;
	o->v[k].next = -1;
	j->live++;
	return true;
}

static int32_t join_end(struct fast *o, const struct join *j)
{
	int32_t node;

	if (j->absorbed >= 0)
		return j->absorbed;
	if (j->live == 0)
		return konst(o, j->type == FN_AND);
	if (j->live == 1)
		return j->first;
	node = fast_add(o, j->type);
	o->v[node].kid = j->first;
	return node;
}

static int32_t leaf_copy(struct fast *o, const struct fleaf *l)
{
	struct join j = join_begin(FN_OR);

	if (l->side != FSIDE_BOTH)
		return leaf_side(o, l, l->side);
	if (join_add(o, &j, leaf_side(o, l, FSIDE_SRC)))
		join_add(o, &j, leaf_side(o, l, FSIDE_DST));
	return join_end(o, &j);
}

static int32_t approx(const struct fast *in, int32_t i, bool upper, struct fast *o)
{
	const struct fnode *n = &in->v[i];
	struct join j;

	switch (n->type) {
	case FN_LEAF:
		if (filter_leaf_kernel(&n->leaf) != FK_BYTECODE)
			return konst(o, upper);
		return leaf_copy(o, &n->leaf);
	case FN_NOT:
		return mk_not(o, approx(in, n->kid, !upper, o));
	case FN_AND:
	case FN_OR:
		j = join_begin(n->type);
		for (int32_t k = n->kid; k >= 0; k = in->v[k].next)
			if (!join_add(o, &j, approx(in, k, upper, o)))
				break;
		return join_end(o, &j);
	default:
		return konst(o, n->type == FN_TRUE);
	}
}

/* ---- states ----------------------------------------------------------- */

/* Upper and lower bounds of the states a socket matching node i can be in. */
static void states_of(const struct fast *a, int32_t i, uint32_t *up, uint32_t *lo)
{
	const struct fnode *n = &a->v[i];
	uint32_t ku, kl;

	switch (n->type) {
	case FN_LEAF:
		if (filter_leaf_kernel(&n->leaf) == FK_STATES) {
			*up = *lo = n->leaf.states & FILTER_ALL_STATES;
		} else {
			*up = FILTER_ALL_STATES;
			*lo = 0;
		}
		return;
	case FN_NOT:
		states_of(a, n->kid, &ku, &kl);
		*up = FILTER_ALL_STATES & ~kl;
		*lo = FILTER_ALL_STATES & ~ku;
		return;
	case FN_AND:
	case FN_OR:
		*up = *lo = n->type == FN_AND ? FILTER_ALL_STATES : 0;
		for (int32_t k = n->kid; k >= 0; k = a->v[k].next) {
			states_of(a, k, &ku, &kl);
			if (n->type == FN_AND) {
				*up &= ku;
				*lo &= kl;
			} else {
				*up |= ku;
				*lo |= kl;
			}
		}
		return;
	default:
		*up = *lo = n->type == FN_TRUE ? FILTER_ALL_STATES : 0;
		return;
	}
}

/* ---- bytecode --------------------------------------------------------- */

#define OP_LEN sizeof(struct inet_diag_bc_op)
#define COND_LEN (OP_LEN + sizeof(struct inet_diag_hostcond))

static size_t addr_len(int family)
{
	return family == AF_INET ? 4 : family == AF_INET6 ? 16 : 0;
}

/*
 * A port test: one exact port is a host condition with no address (one op);
 * a range is a >= and/or a <= comparison (two words each).
 */
static size_t leaf_size(const struct fleaf *l)
{
	if (l->shape == FS_HOST)
		return COND_LEN + addr_len(l->family);
	if (l->lo == l->hi)
		return COND_LEN;
	return (l->lo > 0 ? 2 * OP_LEN : 0) + (l->hi < 65535 ? 2 * OP_LEN : 0);
}

static size_t bc_size(const struct fast *o, int32_t i)
{
	const struct fnode *n = &o->v[i];
	size_t sz = 0, kids = 0;

	switch (n->type) {
	case FN_LEAF:
		return leaf_size(&n->leaf);
	case FN_NOT:
		return bc_size(o, n->kid) + OP_LEN;
	case FN_AND:
	case FN_OR:
		for (int32_t k = n->kid; k >= 0; k = o->v[k].next, kids++)
			sz += bc_size(o, k);
		return n->type == FN_OR ? sz + (kids - 1) * OP_LEN : sz;
	case FN_FALSE:
		return OP_LEN;
	default:
		return 0;
	}
}

/* One op at `pos`: on success go on to the next op, on failure jump to `fail` (offsets). */
static void put_op(uint8_t *bc, size_t pos, uint8_t code, size_t len, size_t fail)
{
	struct inet_diag_bc_op op = { code, (unsigned char)len, (unsigned short)(fail - pos) };

	memcpy(bc + pos, &op, sizeof(op));
}

static size_t put_cmp(uint8_t *bc, size_t pos, uint8_t code, unsigned port, size_t fail)
{
	struct inet_diag_bc_op arg = { 0, 0, (unsigned short)port };

	put_op(bc, pos, code, 2 * OP_LEN, fail);
	memcpy(bc + pos + OP_LEN, &arg, sizeof(arg));
	return pos + 2 * OP_LEN;
}

static size_t put_cond(uint8_t *bc, size_t pos, bool src, int family, unsigned plen, int port,
		       const uint8_t *addr, size_t fail)
{
	struct inet_diag_hostcond hc = { (uint8_t)family, (uint8_t)plen, port };
	size_t alen = addr_len(family);

	put_op(bc, pos, src ? INET_DIAG_BC_S_COND : INET_DIAG_BC_D_COND, COND_LEN + alen, fail);
	memcpy(bc + pos + OP_LEN, &hc, sizeof(hc));
	memcpy(bc + pos + COND_LEN, addr, alen);
	return pos + COND_LEN + alen;
}

static size_t put_leaf(uint8_t *bc, size_t pos, const struct fleaf *l, size_t fail)
{
	bool src = l->side == FSIDE_SRC;

	if (l->shape == FS_HOST)
		return put_cond(bc, pos, src, l->family, l->plen, l->port, l->addr, fail);
	if (l->lo == l->hi)
		return put_cond(bc, pos, src, AF_UNSPEC, 0, l->lo, l->addr, fail);
	if (l->lo > 0)
		pos = put_cmp(bc, pos, src ? INET_DIAG_BC_S_GE : INET_DIAG_BC_D_GE, l->lo, fail);
	if (l->hi < 65535)
		pos = put_cmp(bc, pos, src ? INET_DIAG_BC_S_LE : INET_DIAG_BC_D_LE, l->hi, fail);
	return pos;
}

/*
 * Emits node i at `pos` so that it falls through to the next op when true and
 * jumps to `fail` when false (an offset from the program start; the end is
 * "accept", end + 4 "reject"). Returns the position after it.
 */
static size_t emit(const struct fast *o, int32_t i, uint8_t *bc, size_t pos, size_t fail)
{
	const struct fnode *n = &o->v[i];
	size_t end;

	switch (n->type) {
	case FN_LEAF:
		return put_leaf(bc, pos, &n->leaf, fail);
	case FN_AND:
		for (int32_t k = n->kid; k >= 0; k = o->v[k].next)
			pos = emit(o, k, bc, pos, fail);
		return pos;
	case FN_OR:
		/* Each kid but the last: false tries the next one, true jumps over the rest. */
		end = pos + bc_size(o, i);
		for (int32_t k = n->kid; k >= 0; k = o->v[k].next) {
			if (o->v[k].next < 0)
				return emit(o, k, bc, pos, fail);
			pos = emit(o, k, bc, pos, pos + bc_size(o, k) + OP_LEN);
			put_op(bc, pos, INET_DIAG_BC_JMP, OP_LEN, end);
			pos += OP_LEN;
		}
		return pos;
	case FN_NOT:
		/* Kid true: fall onto a jump to `fail`; kid false: skip that jump. */
		end = pos + bc_size(o, n->kid) + OP_LEN;
		pos = emit(o, n->kid, bc, pos, end);
		put_op(bc, pos, INET_DIAG_BC_JMP, OP_LEN, fail);
		return end;
	case FN_FALSE:
		put_op(bc, pos, INET_DIAG_BC_JMP, OP_LEN, fail);
		return pos + OP_LEN;
	default:
		return pos;
	}
}

void filter_compile(struct filter *f)
{
	struct fast o = { 0 };
	uint32_t up, lo;
	size_t len;

	states_of(&f->ast, f->ast.root, &up, &lo);
	/*
	 * An orphan that timed out in FIN_WAIT2 lives on as a TIME_WAIT socket
	 * that reports its FIN_WAIT2 substate. Older kernels test it against
	 * the TIME_WAIT bit (newer ones against the substate): ask for both,
	 * user space sorts them out.
	 */
	if (up & (1u << TS_FIN_WAIT2))
		up |= 1u << TS_TIME_WAIT;
	f->states = up;

	o.root = approx(&f->ast, f->ast.root, true, &o);
	len = bc_size(&o, o.root);
	if (len > 0 && len <= FILTER_BC_MAX) {
		f->bc = xcalloc(1, len);
		emit(&o, o.root, f->bc, 0, len + OP_LEN);
		f->bclen = len;
	}
	fast_free(&o);
}

void filter_kernel_req(const struct filter *f, struct diag_req *req)
{
	req->states = f ? f->states : FILTER_ALL_STATES;
	req->bc = f ? f->bc : NULL;
	req->bclen = f ? f->bclen : 0;
}

/* ---- a model of the kernel (net/ipv4/inet_diag.c) --------------------- */

static bool read_op(const uint8_t *bc, size_t len, size_t at, struct inet_diag_bc_op *op)
{
	if (at + OP_LEN > len)
		return false;
	memcpy(op, bc + at, sizeof(*op));
	return true;
}

/* Is `target` (bytes from the start) an op boundary on the chain of `yes` steps? */
static bool reachable(const uint8_t *bc, size_t len, size_t target)
{
	size_t at = 0;
	struct inet_diag_bc_op op;

	while (at < target) {
		if (!read_op(bc, len, at, &op) || op.yes < 4 || (op.yes & 3))
			return false;
		at += op.yes;
	}
	return at == target;
}

/* The bytes an op needs, as the kernel's audit counts them; 0 for an op it refuses. */
static size_t min_len(const uint8_t *bc, size_t len, size_t at, const struct inet_diag_bc_op *op)
{
	struct inet_diag_hostcond hc;

	switch (op->code) {
	case INET_DIAG_BC_NOP:
	case INET_DIAG_BC_JMP:
		return OP_LEN;
	case INET_DIAG_BC_S_GE:
	case INET_DIAG_BC_S_LE:
	case INET_DIAG_BC_D_GE:
	case INET_DIAG_BC_D_LE:
		return 2 * OP_LEN;
	case INET_DIAG_BC_S_COND:
	case INET_DIAG_BC_D_COND:
		if (at + COND_LEN > len)
			return COND_LEN; /* the caller finds it too short */
		memcpy(&hc, bc + at + OP_LEN, sizeof(hc));
		if (hc.family != AF_UNSPEC && hc.family != AF_INET && hc.family != AF_INET6)
			return 0;
		if (hc.prefix_len > 8 * addr_len(hc.family))
			return 0;
		return COND_LEN + addr_len(hc.family);
	default:
		return 0;
	}
}

bool filter_bc_valid(const void *bcv, size_t len)
{
	const uint8_t *bc = bcv;
	size_t at = 0;

	if (!bc || len < OP_LEN || len > 65535)
		return false;
	while (at < len) {
		struct inet_diag_bc_op op;
		size_t left = len - at, need;

		if (!read_op(bc, len, at, &op))
			return false;
		need = min_len(bc, len, at, &op);
		if (need == 0 || need > left)
			return false;
		if (op.code != INET_DIAG_BC_NOP) {
			if (op.no < need || op.no > left + 4 || (op.no & 3))
				return false;
			if (op.no < left && !reachable(bc, len, at + op.no))
				return false;
		}
		if (op.yes < need || op.yes > left + 4 || (op.yes & 3))
			return false;
		at += op.yes;
	}
	return at == len;
}

static bool prefix_match(const uint8_t *a, const uint8_t *b, unsigned bits)
{
	unsigned bytes = bits / 8, rem = bits % 8;

	if (memcmp(a, b, bytes))
		return false;
	return !rem || ((a[bytes] ^ b[bytes]) & (uint8_t)(0xff << (8 - rem))) == 0;
}

static bool run_cond(const uint8_t *bc, size_t at, bool src, const struct conn *c)
{
	struct inet_diag_hostcond hc;
	const uint8_t *addr = src ? conn_src(c) : conn_dst(c);
	uint8_t want[16] = { 0 };

	memcpy(&hc, bc + at + OP_LEN, sizeof(hc));
	memcpy(want, bc + at + COND_LEN, addr_len(hc.family));
	if (hc.port != -1 && hc.port != (src ? c->sport : c->dport))
		return false;
	if (hc.family != AF_UNSPEC && hc.family != c->family) {
		return c->family == AF_INET6 && hc.family == AF_INET && addr_is_v4mapped(addr) &&
		       prefix_match(addr + 12, want, hc.prefix_len);
	}
	return hc.prefix_len == 0 || prefix_match(addr, want, hc.prefix_len);
}

bool filter_bc_run(const void *bcv, size_t len, const struct conn *c)
{
	const uint8_t *bc = bcv;
	size_t at = 0;

	if (!filter_bc_valid(bc, len))
		return false;
	while (at < len) {
		struct inet_diag_bc_op op, arg = { 0, 0, 0 };
		bool yes;

		read_op(bc, len, at, &op);
		if (op.code != INET_DIAG_BC_NOP && op.code != INET_DIAG_BC_JMP &&
		    op.code != INET_DIAG_BC_S_COND && op.code != INET_DIAG_BC_D_COND)
			read_op(bc, len, at + OP_LEN, &arg);
		switch (op.code) {
		case INET_DIAG_BC_JMP:
			yes = false;
			break;
		case INET_DIAG_BC_S_GE:
			yes = c->sport >= arg.no;
			break;
		case INET_DIAG_BC_S_LE:
			yes = c->sport <= arg.no;
			break;
		case INET_DIAG_BC_D_GE:
			yes = c->dport >= arg.no;
			break;
		case INET_DIAG_BC_D_LE:
			yes = c->dport <= arg.no;
			break;
		case INET_DIAG_BC_S_COND:
		case INET_DIAG_BC_D_COND:
			yes = run_cond(bc, at, op.code == INET_DIAG_BC_S_COND, c);
			break;
		default:
			yes = true;
			break;
		}
		at += yes ? op.yes : op.no;
	}
	return at == len;
}
