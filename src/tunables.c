/* tunables: sysctl names and value parsing. */
#include "tunables.h"

#include <errno.h>
#include <stdlib.h>

static const struct tunable_def defs[TUN_N] = {
	[TUN_SOMAXCONN] = { "net.core.somaxconn", "sys/net/core/somaxconn" },
	[TUN_MAX_SYN_BACKLOG] = { "net.ipv4.tcp_max_syn_backlog",
				  "sys/net/ipv4/tcp_max_syn_backlog" },
	[TUN_SYNCOOKIES] = { "net.ipv4.tcp_syncookies", "sys/net/ipv4/tcp_syncookies" },
	[TUN_ABORT_ON_OVERFLOW] = { "net.ipv4.tcp_abort_on_overflow",
				    "sys/net/ipv4/tcp_abort_on_overflow" },
	[TUN_TCP_RMEM] = { "net.ipv4.tcp_rmem", "sys/net/ipv4/tcp_rmem" },
	[TUN_TCP_WMEM] = { "net.ipv4.tcp_wmem", "sys/net/ipv4/tcp_wmem" },
	[TUN_RMEM_MAX] = { "net.core.rmem_max", "sys/net/core/rmem_max" },
	[TUN_WMEM_MAX] = { "net.core.wmem_max", "sys/net/core/wmem_max" },
	[TUN_MAX_TW_BUCKETS] = { "net.ipv4.tcp_max_tw_buckets", "sys/net/ipv4/tcp_max_tw_buckets" },
	[TUN_FIN_TIMEOUT] = { "net.ipv4.tcp_fin_timeout", "sys/net/ipv4/tcp_fin_timeout" },
	[TUN_LOCAL_PORT_RANGE] = { "net.ipv4.ip_local_port_range",
				   "sys/net/ipv4/ip_local_port_range" },
	[TUN_MODERATE_RCVBUF] = { "net.ipv4.tcp_moderate_rcvbuf",
				  "sys/net/ipv4/tcp_moderate_rcvbuf" },
	[TUN_ADV_WIN_SCALE] = { "net.ipv4.tcp_adv_win_scale", "sys/net/ipv4/tcp_adv_win_scale" },
	[TUN_TW_REUSE] = { "net.ipv4.tcp_tw_reuse", "sys/net/ipv4/tcp_tw_reuse" },
	[TUN_NOTSENT_LOWAT] = { "net.ipv4.tcp_notsent_lowat", "sys/net/ipv4/tcp_notsent_lowat" },
};

const struct tunable_def *tunable_def(enum tun_id id)
{
	return &defs[id];
}

int tunables_parse_value(const char *text, int64_t out[3])
{
	const char *p = text;
	int n = 0;

	while (n < 3) {
		char *end;
		long long v;

		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0' || *p == '\n')
			break;
		errno = 0;
		v = strtoll(p, &end, 10);
		if (end == p || errno)
			return 0;
		if (*end != '\0' && *end != ' ' && *end != '\t' && *end != '\n')
			return 0;
		out[n++] = v;
		p = end;
	}
	return n;
}

int64_t tunables_get(const struct tunables *t, enum tun_id id, int64_t dflt)
{
	return t->n[id] ? t->v[id][0] : dflt;
}
