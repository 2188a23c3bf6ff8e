/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_diag: arbitrary bytes as one netlink receive buffer through the dump parser. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sample s;
	struct terr e;
	/* netlink buffers are 4-byte aligned in real life: keep that */
	uint32_t *buf = malloc(size + 4);

	memcpy(buf, data, size);
	sample_reset(&s);
	diag_feed(buf, size, &s, &e);
	for (size_t i = 0; i < s.n; i++) {
		/* touch what the parser produced: sanitizers check it is in bounds */
		const struct conn *c = &s.conns[i];
		volatile uint32_t x = conn_has_info(c) ? (uint32_t)CONN_TI(c, rtt) : 0;
		volatile uint32_t y = 0;
		uint32_t v;

		/* every skmem value (a zero one takes no word of the block) */
		for (int k = 0; conn_skmem(c, k, &v); k++)
			y = v;
		/* a block there (skmem or a name only) reads every tcpc field, as zeros */
		if (c->info) {
			struct tcpc tc;

			sockblk_tcpc(c->info, &tc);
			x = (uint32_t)tc.bytes_retrans + (uint32_t)sockblk_get(c->info, TCPC_F_rtt);
		}
		/* the name, another one at the block's end: all of it, to its NUL */
		if (conn_cong(c))
			y += (uint32_t)strlen(conn_cong(c));
		(void)x;
		(void)y;
	}
	free(buf);
	return 0;
}
