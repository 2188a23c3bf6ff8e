/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_prom: the prom writer with arbitrary process names and numbers; the exposition must parse and its labels round-trip. */
#include <ctype.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "column.h"
#include "frame.h"
#include "out_prom.h"
#include "procmap.h"
#include "sanitize.h"
#include "strbuf.h"
#include "arena.h"
#include "tcpinfo.h"
#include "view.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* An independent reader of one label value: only \\, \" and \n are escapes. */
static const char *label_value(const char *p, struct strbuf *out)
{
	for (; *p && *p != '"'; p++) {
		char c = *p;

		if (c == '\n' || (unsigned char)c < 0x20 || (unsigned char)c > 0x7e)
			abort();
		if (c == '\\') {
			p++;
			if (*p != '\\' && *p != '"' && *p != 'n')
				abort();
			c = *p == 'n' ? '\n' : *p;
		}
		sb_putc(out, c);
	}
	if (*p != '"')
		abort();
	return p + 1;
}

static bool is_name_char(char c, bool first)
{
	return isalpha((unsigned char)c) || c == '_' || (!first && isdigit((unsigned char)c));
}

/* Every line is a comment or `name{k="v",...} number`; the process labels decode to want. */
static void check_exposition(const char *s, const char *want)
{
	while (*s) {
		const char *nl = strchr(s, '\n');

		if (!nl)
			abort(); /* the last line ends too */
		if (*s != '#') {
			const char *p = s;

			if (!is_name_char(*p, true))
				abort();
			while (is_name_char(*p, false))
				p++;
			if (*p == '{') {
				p++;
				while (*p != '}') {
					const char *k = p;
					struct strbuf v = STRBUF_INIT;

					while (is_name_char(*p, p == k))
						p++;
					if (p == k || p[0] != '=' || p[1] != '"')
						abort();
					p = label_value(p + 2, &v);
					if (p - k > 8 && !strncmp(k, "process=", 8) &&
					    strcmp(v.s ? v.s : "", want))
						abort(); /* the name does not come back as the table shows it */
					sb_free(&v);
					if (*p == ',')
						p++;
					else if (*p != '}')
						abort();
				}
				p++;
			}
			if (*p != ' ')
				abort();
			{
				char *end;

				strtod(p + 1, &end);
				if (end != nl || end == p + 1)
					abort();
			}
		}
		s = nl + 1;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct conn conns[2] = { 0 };
	struct row rows[2] = { 0 };
	struct listener lst = { 0 };
	struct procinfo pi = { 0 };
	struct row_who who[2] = { { 0 } };
	struct tcpi info = { 0 };
	struct arena a = { 0 };
	struct frame f = { 0 };
	struct view v = { 0 };
	struct strbuf sb = STRBUF_INIT;
	struct out_ctx ctx = { .hostname = "h", .kernel = "k", .sort = column_get(COL_PROBLEMS) };
	char want[SANITIZE_SIZE(PROC_COMM_LEN)];
	size_t n = size < PROC_COMM_LEN - 1 ? size : PROC_COMM_LEN - 1;
	uint64_t num = 0;
	uint8_t src6[16] = { 0 };

	/* the first bytes are the process name (a comm has no NUL inside), the rest numbers */
	memcpy(pi.comm, data, n);
	pi.comm[n] = '\0';
	pi.count = 1;
	pi.pid = 1;
	for (size_t i = n; i < size && i < n + 8; i++)
		num = num << 8 | data[i];
	sanitize_text(want, sizeof(want), pi.comm, strlen(pi.comm));

	conns[0] = (struct conn){ .cookie = 1, .family = AF_INET, .state = TS_LISTEN, .sport = 80 };
	conns[1] = (struct conn){ .cookie = 2,
				  .family = AF_INET6,
				  .state = TS_ESTABLISHED,
				  .sport = (uint16_t)num,
				  .dport = 443,
				  .rqueue = (uint32_t)num,
				  .wqueue = (uint32_t)(num >> 32),
				  .info_len = sizeof(struct tcpi) }; /* every field sent */
	memcpy(src6, data, size < 16 ? size : 16);
	conn_set_addrs(&conns[1], &a, src6, (const uint8_t[16]){ 0 });
	info.bytes_acked = num;
	info.bytes_received = ~num;
	info.rtt = (uint32_t)num;
	info.total_retrans = (uint32_t)(num >> 16);
	conns[1].info = sockblk_pack(&a, &info, NULL, 0, NULL, 0); /* as the parser keeps it */
	lst = (struct listener){ .row = 0,
				 .accept_q = (uint32_t)num,
				 .accept_max = (uint32_t)(num >> 8),
				 .syn_max = (uint32_t)(num >> 24),
				 .flags = (uint8_t)(num & LST_DROPS),
				 .drops = num };
	for (int i = 0; i < 2; i++) {
		rows[i].c = &conns[i];
		who[i].proc = &pi;
		rows[i].who = &who[i];
		rows[i].flags = ROW_RATES;
		rows[i].tx_bps = (double)(num & 0xffff);
		rows[i].limited_by = (uint8_t)(num % 8);
		rows[i].findings = (uint32_t)num;
	}
	who[0].lst = &lst;
	f.sample.conns = conns;
	f.sample.n = 2;
	f.rows = rows;
	f.listeners = &lst;
	f.nlisteners = 1;
	out_prom_frame(&f, &ctx, (size_t)(num % 4), &v, &sb);
	check_exposition(sb.s, want);
	view_free(&v);
	sb_free(&sb);
	arena_free(&a);
	return 0;
}
