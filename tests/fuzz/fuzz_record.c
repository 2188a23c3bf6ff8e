/* fuzz_record: arbitrary bytes as a recording, replayed through the dump parser. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	void *buf = malloc(size ? size : 1);
	struct terr e;
	struct replay *r;
	struct sample s = { 0 };

	memcpy(buf, data, size);
	r = replay_parse(buf, size, &e); /* takes buf */
	if (!r)
		return 0;
	for (size_t i = 0; i < replay_nframes(r); i++) {
		const struct rec_frame *f = replay_frame(r, i);

		for (size_t k = 0; k < f->nnetlink; k++)
			diag_feed(f->netlink[k].data, f->netlink[k].len, &s, &e);
		replay_file(f, "net/netstat");
	}
	replay_meta(r, "hostname");
	sample_free(&s);
	replay_free(r);
	return 0;
}
