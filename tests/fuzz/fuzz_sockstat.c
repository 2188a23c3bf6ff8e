/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_sockstat: arbitrary text as /proc/net/sockstat, whole and cut in half. */
#include <stddef.h>
#include <stdint.h>

#include "sockstat.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sockstat s = { 0 };
	struct terr e;

	sockstat_parse(&s, (const char *)data, size, &e);
	sockstat_parse(&s, (const char *)data, size / 2, &e);
	return 0;
}
