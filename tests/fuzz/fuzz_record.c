/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_record: arbitrary bytes as a recording (both versions), streamed through the dump parser. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct terr e;
	struct replay *r = replay_open_mem(data, size, &e);
	const struct rec_frame *f;
	struct sample s = { 0 };
	size_t n = 0;

	if (!r)
		return 0;
	while (replay_next(r, &f, &e) == 1) {
		for (size_t k = 0; k < f->nnetlink; k++)
			diag_feed(f->netlink[k].data, f->netlink[k].len, &s, &e);
		replay_file(f, "net/netstat");
		n++;
	}
	replay_note(r);
	replay_meta(r, "hostname");
	/* stepping back rewinds and must land on the same first refresh */
	if (n && !replay_frame(r, 0))
		abort();
	sample_free(&s);
	replay_free(r);
	return 0;
}
