/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_counters: arbitrary text as /proc/net/netstat, then a diff against itself. */
#include <stddef.h>
#include <stdint.h>

#include "counters.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct counters a = { 0 }, b = { 0 };
	struct terr e;

	counters_parse(&a, (const char *)data, size, &e);
	counters_parse(&b, (const char *)data, size / 2, &e);
	counters_diff(&a, &b);
	for (size_t i = 0; i < a.n; i++)
		counters_find(&b, a.v[i].name);
	counters_free(&a);
	counters_free(&b);
	return 0;
}
