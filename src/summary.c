/* SPDX-License-Identifier: GPL-2.0-or-later */
/* summary: host-wide header numbers. */
#include "summary.h"

const struct key_counter summary_counters[] = {
	{ "TcpRetransSegs", "retrans" },
	{ "TcpExtListenOverflows", "listen-ovf" },
	{ "TcpExtListenDrops", "listen-drop" },
	{ "TcpExtTCPReqQFullDrop", "syn-drop" },
	{ "TcpExtTCPToZeroWindowAdv", "zero-win" },
	{ "TcpOutRsts", "rst-out" },
	{ "TcpEstabResets", "estab-rst" },
	{ "TcpAttemptFails", "conn-fail" },
	{ "TcpExtTCPTimeWaitOverflow", "tw-ovf" },
};
const size_t summary_ncounters = sizeof(summary_counters) / sizeof(summary_counters[0]);

bool summary_delta(const struct frame *f, const char *name, uint64_t *d)
{
	const struct counter *c = counters_find(&f->counters, name);

	if (!c || !(c->flags & CTR_DELTA))
		return false;
	*d = c->delta;
	return true;
}

void summary_states(const struct frame *f, struct strbuf *sb)
{
	for (unsigned s = 1; s <= TS_USER_LAST; s++)
		sb_printf(sb, "%s%s %u", s > 1 ? "  " : "", conn_state_name(s), f->states[s]);
}

size_t summary_total(const struct frame *f)
{
	return frame_nrows(f);
}
