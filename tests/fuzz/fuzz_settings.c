/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_settings: arbitrary bytes as a tcptoprc: no crash, a one-line error, or settings that write and read back the same. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "settings.h"
#include "strbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond))                                                                       \
			__builtin_trap();                                                          \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct settings s, back;
	struct terr e = { { 0 } };
	struct strbuf sb = STRBUF_INIT;
	int r = settings_parse((const char *)data, size, &s, &e);

	if (r != 0) {
		/* refused: one line saying why, and nothing half-applied */
		CHECK(terr_isset(&e));
		CHECK(!strchr(e.msg, '\n'));
		CHECK(s.have == 0);
		return 0;
	}
	/* accepted: what we would write on quit reads back as the same settings */
	settings_format(&s, &sb);
	terr_clear(&e);
	CHECK(settings_parse(sb.s, sb.len, &back, &e) == 0);
	CHECK(!settings_differ(&s, &back));
	sb_free(&sb);
	return 0;
}
