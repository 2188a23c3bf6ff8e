/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_closed: arbitrary bytes as a recorded closed-event block, and as destroy messages off the socket. */
#include <libmnl/libmnl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "closed.h"
#include "column.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * What a replay does with each event: judged, written as the log line, and
 * shown in the Closed view (every column of its standalone row, the
 * congestion name included).
 */
static void judge(void *ctx, struct closed_conn *cc)
{
	struct strbuf *sb = ctx;
	struct json j;
	struct closed_row tmp;
	const struct row *r;
	char buf[256];

	cc->how = (uint8_t)closed_classify(cc);
	json_init(&j, sb);
	closed_json(cc, &j);
	sb_reset(sb);
	r = closed_row(cc, &tmp);
	for (int i = 0; i < COL_N; i++)
		column_format(column_get((enum col_id)i), r, 12, buf, sizeof(buf));
	if (conn_cong(r->c) && strlen(conn_cong(r->c)) > CONN_CONG_MAX)
		abort(); /* the name is cut to what the kernel can send */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena a = { 0 };
	struct strbuf sb = { 0 };
	struct terr e;
	struct closed_blob_head h;
	uint64_t *copy;
	const struct nlmsghdr *nlh;
	int left = size > (1 << 20) ? 1 << 20 : (int)size;

	closed_blob_read(data, size, &h, &a, judge, &sb, &e);
	/* as recv() hands them: a run of netlink messages, aligned */
	copy = malloc(size + 8);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	/* mnl_nlmsg_ok takes a length over 2 GiB for a negative one: checked unsigned first */
	for (nlh = (const struct nlmsghdr *)copy;
	     mnl_nlmsg_ok(nlh, left) && nlh->nlmsg_len <= (unsigned)left;
	     nlh = mnl_nlmsg_next(nlh, &left)) {
		struct closed_conn cc;

		if (closed_parse_msg(nlh, &cc, &a, &e) == 1)
			judge(&sb, &cc);
		arena_reset(&a);
	}
	free(copy);
	arena_free(&a);
	sb_free(&sb);
	return 0;
}
