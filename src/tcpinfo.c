/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tcpinfo: a descriptor per tcp_info field (offset, size, how it reads), so views can list them all. */
#include "tcpinfo.h"

#include <stdio.h>
#include <string.h>

#include "conn.h"
#include "fmt.h"

#define F(field, k, u)                                                                             \
	{                                                                                          \
		.name = #field, .off = offsetof(struct tcpi, field),                               \
		.size = sizeof(((struct tcpi *)0)->field), .kind = k, .unit = u                    \
	}

const struct tcpi_field tcpi_fields[] = {
	F(state, TK_STATE, ""),
	F(ca_state, TK_CA_STATE, ""),
	F(retransmits, TK_COUNT, ""),
	F(probes, TK_COUNT, ""),
	F(backoff, TK_COUNT, ""),
	F(options, TK_OPTIONS, ""),
	F(wscale, TK_WSCALE, ""),
	F(flags8, TK_FLAGS8, ""),
	F(rto, TK_USEC, "us"),
	F(ato, TK_USEC, "us"),
	F(snd_mss, TK_BYTES, "B"),
	F(rcv_mss, TK_BYTES, "B"),
	F(unacked, TK_SEGS, "seg"),
	F(sacked, TK_SEGS, "seg"),
	F(lost, TK_SEGS, "seg"),
	F(retrans, TK_SEGS, "seg"),
	F(fackets, TK_SEGS, "seg"),
	F(last_data_sent, TK_MSEC, "ms"),
	F(last_ack_sent, TK_MSEC, "ms"),
	F(last_data_recv, TK_MSEC, "ms"),
	F(last_ack_recv, TK_MSEC, "ms"),
	F(pmtu, TK_BYTES, "B"),
	F(rcv_ssthresh, TK_BYTES, "B"),
	F(rtt, TK_USEC, "us"),
	F(rttvar, TK_USEC, "us"),
	F(snd_ssthresh, TK_SSTHRESH, "seg"),
	F(snd_cwnd, TK_SEGS, "seg"),
	F(advmss, TK_BYTES, "B"),
	F(reordering, TK_SEGS, "seg"),
	F(rcv_rtt, TK_USEC, "us"),
	F(rcv_space, TK_BYTES, "B"),
	F(total_retrans, TK_SEGS, "seg"),
	F(pacing_rate, TK_RATE, "B/s"),
	F(max_pacing_rate, TK_RATE, "B/s"),
	F(bytes_acked, TK_BYTES, "B"),
	F(bytes_received, TK_BYTES, "B"),
	F(segs_out, TK_SEGS, "seg"),
	F(segs_in, TK_SEGS, "seg"),
	F(notsent_bytes, TK_BYTES, "B"),
	F(min_rtt, TK_MINRTT, "us"),
	F(data_segs_in, TK_SEGS, "seg"),
	F(data_segs_out, TK_SEGS, "seg"),
	F(delivery_rate, TK_RATE, "B/s"),
	F(busy_time, TK_USEC, "us"),
	F(rwnd_limited, TK_USEC, "us"),
	F(sndbuf_limited, TK_USEC, "us"),
	F(delivered, TK_SEGS, "seg"),
	F(delivered_ce, TK_SEGS, "seg"),
	F(bytes_sent, TK_BYTES, "B"),
	F(bytes_retrans, TK_BYTES, "B"),
	F(dsack_dups, TK_COUNT, ""),
	F(reord_seen, TK_COUNT, ""),
	F(rcv_ooopack, TK_COUNT, ""),
	F(snd_wnd, TK_BYTES, "B"),
	F(rcv_wnd, TK_BYTES, "B"),
	F(rehash, TK_COUNT, ""),
	F(total_rto, TK_COUNT, ""),
	F(total_rto_recoveries, TK_COUNT, ""),
	F(total_rto_time, TK_MSEC, "ms"),
	F(received_ce, TK_SEGS, "seg"),
	F(delivered_e1_bytes, TK_BYTES, "B"),
	F(delivered_e0_bytes, TK_BYTES, "B"),
	F(delivered_ce_bytes, TK_BYTES, "B"),
	F(received_e1_bytes, TK_BYTES, "B"),
	F(received_e0_bytes, TK_BYTES, "B"),
	F(received_ce_bytes, TK_BYTES, "B"),
	F(ecn_bits, TK_HEX, ""),
};
const size_t tcpi_nfields = sizeof(tcpi_fields) / sizeof(tcpi_fields[0]);

uint64_t tcpi_value(const struct tcpi *ti, const struct tcpi_field *f)
{
	const unsigned char *p = (const unsigned char *)ti + f->off;
	uint64_t v64;
	uint32_t v32;
	uint16_t v16;

	switch (f->size) {
	case 1:
		return *p;
	case 2:
		memcpy(&v16, p, 2);
		return v16;
	case 4:
		memcpy(&v32, p, 4);
		return v32;
	default:
		memcpy(&v64, p, 8);
		return v64;
	}
}

const struct tcpi_field *tcpi_field_by_name(const char *name)
{
	for (size_t i = 0; i < tcpi_nfields; i++)
		if (!strcmp(tcpi_fields[i].name, name))
			return &tcpi_fields[i];
	return NULL;
}

/* The kernel's "no slow-start threshold yet" (TCP_INFINITE_SSTHRESH). */
#define TCPI_INFINITE_SSTHRESH 0x7fffffffu

static const char *const ca_names[] = {
	[TCPI_CA_OPEN] = "open",         [TCPI_CA_DISORDER] = "disorder", [TCPI_CA_CWR] = "cwr",
	[TCPI_CA_RECOVERY] = "recovery", [TCPI_CA_LOSS] = "loss",
};

static const struct {
	uint8_t bit;
	const char *name;
} option_names[] = {
	{ TCPI_OPT_TIMESTAMPS, "ts" },     { TCPI_OPT_SACK, "sack" },
	{ TCPI_OPT_WSCALE, "wscale" },     { TCPI_OPT_ECN, "ecn" },
	{ TCPI_OPT_ECN_SEEN, "ecn-seen" }, { TCPI_OPT_SYN_DATA, "syn-data" },
	{ TCPI_OPT_USEC_TS, "usec-ts" },   { TCPI_OPT_TFO_CHILD, "tfo-child" },
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* Appends a word to buf, space-separated; k is the length so far. */
static size_t add_word(char *buf, size_t len, size_t k, const char *w)
{
	int n = snprintf(buf + k, k < len ? len - k : 0, "%s%s", k ? " " : "", w);

	return n < 0 ? k : k + (size_t)n;
}

static void usec_str(uint64_t us, char *buf, size_t len)
{
	char b[24];

	if (us == 0)
		snprintf(buf, len, "0 ms");
	else if (us >= 10000000) /* 10 s and more: a duration reads better */
		fmt_secs((double)us / 1e6, buf, len);
	else
		snprintf(buf, len, "%s ms", fmt_usec_ms(us, b, sizeof(b)));
}

char *tcpinfo_format(const struct tcpi_field *f, const struct tcpi *ti, char *buf, size_t len)
{
	uint64_t v = tcpi_value(ti, f);
	size_t k = 0;

	if (len == 0)
		return buf;
	buf[0] = '\0';
	switch (f->kind) {
	case TK_STATE:
		snprintf(buf, len, "%s", conn_state_name((unsigned)v));
		break;
	case TK_CA_STATE:
		if (v < NELEM(ca_names))
			snprintf(buf, len, "%s", ca_names[v]);
		else
			snprintf(buf, len, "%llu", (unsigned long long)v);
		break;
	case TK_OPTIONS:
		for (size_t i = 0; i < NELEM(option_names); i++)
			if (v & option_names[i].bit)
				k = add_word(buf, len, k, option_names[i].name);
		if (!k)
			snprintf(buf, len, "none");
		break;
	case TK_WSCALE:
		/* meaningful only with TCPI_OPT_WSCALE: without it both are 0, no scaling */
		if (ti->options & TCPI_OPT_WSCALE)
			snprintf(buf, len, "snd %u rcv %u", (unsigned)(v & 0xf),
				 (unsigned)(v >> 4 & 0xf));
		else
			snprintf(buf, len, "not negotiated");
		break;
	case TK_FLAGS8:
		if (v & 1)
			k = add_word(buf, len, k, "app-limited");
		if (v >> 1 & 3) {
			char b[24];

			snprintf(b, sizeof(b), "tfo-fail %u", (unsigned)(v >> 1 & 3));
			k = add_word(buf, len, k, b);
		}
		if (!k)
			snprintf(buf, len, "none");
		break;
	case TK_SEGS:
		snprintf(buf, len, "%llu seg", (unsigned long long)v);
		break;
	case TK_SSTHRESH:
		if (v >= TCPI_INFINITE_SSTHRESH)
			snprintf(buf, len, "none (slow start)");
		else
			snprintf(buf, len, "%llu seg", (unsigned long long)v);
		break;
	case TK_BYTES:
		/* exact while it reads at a glance (an MSS of 65483 is not "64 KiB") */
		if (v < 100000)
			snprintf(buf, len, "%llu B", (unsigned long long)v);
		else
			fmt_size(v, buf, len);
		break;
	case TK_MINRTT:
		if (v == UINT32_MAX) {
			snprintf(buf, len, "no sample yet");
			break;
		}
		usec_str(v, buf, len);
		break;
	case TK_USEC:
		usec_str(v, buf, len);
		break;
	case TK_MSEC:
		if (v >= 10000)
			fmt_secs((double)v / 1e3, buf, len);
		else
			snprintf(buf, len, "%llu ms", (unsigned long long)v);
		break;
	case TK_RATE:
		/* ~0 is the kernel's "no limit" (sk_max_pacing_rate's default) */
		if (v == UINT64_MAX)
			snprintf(buf, len, "unlimited");
		else
			fmt_rate((double)v * 8, buf, len);
		break;
	case TK_HEX:
		snprintf(buf, len, "0x%llx", (unsigned long long)v);
		break;
	default:
		snprintf(buf, len, "%llu", (unsigned long long)v);
		break;
	}
	return buf;
}

/* The fields the two structs share must be the same type: copied, never converted. */
#define SAME_TYPE(type, field)                                                                     \
	_Static_assert(sizeof(((struct tcpc *)0)->field) == sizeof(((struct tcpi *)0)->field),     \
		       #field);
TCPC_FIELDS(SAME_TYPE)
#undef SAME_TYPE
_Static_assert(sizeof(struct tcpc) == 144, "struct tcpc grew: is every field needed?");

void tcpc_from_raw(struct tcpc *c, const void *raw)
{
	const char *b = raw;
#define COPY(type, field) memcpy(&c->field, b + offsetof(struct tcpi, field), sizeof(c->field));
	TCPC_FIELDS(COPY)
#undef COPY
}
