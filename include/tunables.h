/* tunables: the sysctls the listener and diagnosis views read. */
#ifndef TCPTOP_TUNABLES_H
#define TCPTOP_TUNABLES_H

#include <stddef.h>
#include <stdint.h>

#include "strbuf.h"
#include "terr.h"

enum tun_id {
	TUN_SOMAXCONN,
	TUN_MAX_SYN_BACKLOG,
	TUN_SYNCOOKIES,
	TUN_ABORT_ON_OVERFLOW,
	TUN_TCP_RMEM,
	TUN_TCP_WMEM,
	TUN_RMEM_MAX,
	TUN_WMEM_MAX,
	TUN_MAX_TW_BUCKETS,
	TUN_FIN_TIMEOUT,
	TUN_LOCAL_PORT_RANGE,
	TUN_MODERATE_RCVBUF,
	TUN_ADV_WIN_SCALE,
	TUN_TW_REUSE,
	TUN_NOTSENT_LOWAT,
	TUN_N
};

struct tunable_def {
	const char *name; /* sysctl name, the JSON key */
	const char *path; /* relative to the proc root */
};

/* Values as read; n[i] == 0 means unavailable (file missing or unreadable). */
struct tunables {
	int64_t v[TUN_N][3];
	uint8_t n[TUN_N];
};

const struct tunable_def *tunable_def(enum tun_id id);
/* Parses up to 3 whitespace-separated integers; returns how many. Pure. */
int tunables_parse_value(const char *text, int64_t out[3]);
/* The single (first) value, or `dflt` when unavailable. */
int64_t tunables_get(const struct tunables *t, enum tun_id id, int64_t dflt);

#endif
