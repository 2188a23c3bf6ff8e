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
		volatile uint32_t x = s.conns[i].info ? s.conns[i].info->rtt : 0;
		volatile uint32_t y =
			s.conns[i].skmem ? s.conns[i].skmem[s.conns[i].skmem_n ? 0 : 0] : 0;
		(void)x;
		(void)y;
	}
	free(buf);
	return 0;
}
