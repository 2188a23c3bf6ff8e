/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tunables: sysctl names and value parsing. */
#include "tunables.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "readall.h"

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
	[TUN_SYN_RETRIES] = { "net.ipv4.tcp_syn_retries", "sys/net/ipv4/tcp_syn_retries" },
	[TUN_SYNACK_RETRIES] = { "net.ipv4.tcp_synack_retries", "sys/net/ipv4/tcp_synack_retries" },
	[TUN_ORPHAN_RETRIES] = { "net.ipv4.tcp_orphan_retries", "sys/net/ipv4/tcp_orphan_retries" },
	[TUN_MAX_ORPHANS] = { "net.ipv4.tcp_max_orphans", "sys/net/ipv4/tcp_max_orphans",
			      .host_only = true },
	[TUN_TCP_MEM] = { "net.ipv4.tcp_mem", "sys/net/ipv4/tcp_mem", .host_only = true },
	[TUN_WINDOW_SCALING] = { "net.ipv4.tcp_window_scaling", "sys/net/ipv4/tcp_window_scaling" },
	[TUN_RETRIES2] = { "net.ipv4.tcp_retries2", "sys/net/ipv4/tcp_retries2" },
	[TUN_KEEPALIVE_TIME] = { "net.ipv4.tcp_keepalive_time", "sys/net/ipv4/tcp_keepalive_time" },
	[TUN_KEEPALIVE_INTVL] = { "net.ipv4.tcp_keepalive_intvl",
				  "sys/net/ipv4/tcp_keepalive_intvl" },
	[TUN_KEEPALIVE_PROBES] = { "net.ipv4.tcp_keepalive_probes",
				   "sys/net/ipv4/tcp_keepalive_probes" },
	[TUN_SLOW_START_AFTER_IDLE] = { "net.ipv4.tcp_slow_start_after_idle",
					"sys/net/ipv4/tcp_slow_start_after_idle" },
	[TUN_FASTOPEN] = { "net.ipv4.tcp_fastopen", "sys/net/ipv4/tcp_fastopen" },
	[TUN_EHASH_ENTRIES] = { "net.ipv4.tcp_ehash_entries", "sys/net/ipv4/tcp_ehash_entries" },
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

void tunables_host_open(struct tunables_host *h, const char *proc_root)
{
	for (int i = 0; i < TUN_N; i++) {
		char path[4096];

		h->fd[i] = -1;
		if (!defs[i].host_only)
			continue;
		snprintf(path, sizeof(path), "%s/%s", proc_root && *proc_root ? proc_root : "/proc",
			 defs[i].path);
		h->fd[i] = open(path, O_RDONLY | O_CLOEXEC);
	}
}

void tunables_host_close(struct tunables_host *h)
{
	for (int i = 0; i < TUN_N; i++) {
		if (h->fd[i] >= 0)
			close(h->fd[i]);
		h->fd[i] = -1;
	}
}

bool tunables_host_read(const struct tunables_host *h, enum tun_id id, struct tunables *t)
{
	struct strbuf sb = STRBUF_INIT;
	bool ok = false;

	if (h->fd[id] >= 0 && readall_fd(h->fd[id], &sb) == 0 && sb.len) {
		t->n[id] = (uint8_t)tunables_parse_value(sb_str(&sb), t->v[id]);
		t->from_host[id] = ok = t->n[id] > 0;
	}
	sb_free(&sb);
	return ok;
}
