/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tcpinfo: the project's own copy of the kernel's struct tcp_info ABI, read length-safely. */
#ifndef TCPTOP_TCPINFO_H
#define TCPTOP_TCPINFO_H

#include <stddef.h>
#include <stdint.h>

/*
 * The layout of the kernel's uapi struct tcp_info up to Linux 6.18 (280
 * bytes). The kernel sends its own sizeof(struct tcp_info) in
 * INET_DIAG_INFO: shorter on old kernels, maybe longer on newer ones. We copy
 * min(len, sizeof) and remember the length; a field lying past it is
 * *unavailable* (TCPI_HAS is false) and must print as "-" / null, never 0.
 * The build host's <linux/tcp.h> is not used so that the binary reads every
 * field the running kernel has, whatever headers it was built with.
 */
struct tcpi {
	uint8_t state;
	uint8_t ca_state;
	uint8_t retransmits;
	uint8_t probes;
	uint8_t backoff;
	uint8_t options;
	uint8_t wscale; /* snd_wscale:4 (low nibble), rcv_wscale:4 */
	uint8_t flags8; /* delivery_rate_app_limited:1, fastopen_client_fail:2 */

	uint32_t rto;
	uint32_t ato;
	uint32_t snd_mss;
	uint32_t rcv_mss;

	uint32_t unacked;
	uint32_t sacked;
	uint32_t lost;
	uint32_t retrans;
	uint32_t fackets;

	uint32_t last_data_sent;
	uint32_t last_ack_sent;
	uint32_t last_data_recv;
	uint32_t last_ack_recv;

	uint32_t pmtu;
	uint32_t rcv_ssthresh;
	uint32_t rtt;
	uint32_t rttvar;
	uint32_t snd_ssthresh;
	uint32_t snd_cwnd;
	uint32_t advmss;
	uint32_t reordering;

	uint32_t rcv_rtt;
	uint32_t rcv_space;

	uint32_t total_retrans;

	uint64_t pacing_rate; /* 3.15 */
	uint64_t max_pacing_rate;
	uint64_t bytes_acked; /* 4.1 */
	uint64_t bytes_received;
	uint32_t segs_out; /* 4.2 */
	uint32_t segs_in;

	uint32_t notsent_bytes; /* 4.6 */
	uint32_t min_rtt;
	uint32_t data_segs_in;
	uint32_t data_segs_out;

	uint64_t delivery_rate; /* 4.9 */

	uint64_t busy_time; /* 4.10 */
	uint64_t rwnd_limited;
	uint64_t sndbuf_limited;

	uint32_t delivered; /* 4.18 */
	uint32_t delivered_ce;

	uint64_t bytes_sent; /* 4.19 */
	uint64_t bytes_retrans;
	uint32_t dsack_dups;
	uint32_t reord_seen;

	uint32_t rcv_ooopack; /* 5.4 */
	uint32_t snd_wnd;

	uint32_t rcv_wnd; /* 6.2 */
	uint32_t rehash;

	uint16_t total_rto; /* 6.7 */
	uint16_t total_rto_recoveries;
	uint32_t total_rto_time;

	uint32_t received_ce; /* 6.18: AccECN */
	uint32_t delivered_e1_bytes;
	uint32_t delivered_e0_bytes;
	uint32_t delivered_ce_bytes;
	uint32_t received_e1_bytes;
	uint32_t received_e0_bytes;
	uint32_t received_ce_bytes;
	uint32_t ecn_bits; /* ecn_mode:2, accecn_opt_seen:2, accecn_fail_mode:4, options2:24 */
};

/* The layout is kernel ABI: pin the offsets that mark each kernel generation. */
_Static_assert(offsetof(struct tcpi, rto) == 8, "tcp_info layout");
_Static_assert(offsetof(struct tcpi, pacing_rate) == 104, "tcp_info layout (2.6 size)");
_Static_assert(offsetof(struct tcpi, bytes_acked) == 120, "tcp_info layout");
_Static_assert(offsetof(struct tcpi, delivery_rate) == 160, "tcp_info layout");
_Static_assert(offsetof(struct tcpi, busy_time) == 168, "tcp_info layout");
_Static_assert(offsetof(struct tcpi, snd_wnd) == 228, "tcp_info layout");
_Static_assert(offsetof(struct tcpi, total_rto) == 240, "tcp_info layout");
_Static_assert(sizeof(struct tcpi) == 280, "tcp_info layout (6.18 size)");

/*
 * The tcp_info fields tcptop keeps for every socket of a frame: the ones
 * columns, Prometheus, the model and the diagnosis read (144 bytes
 * unpacked, not 280; a frame keeps them packed without their zeros,
 * sockblk.h). Same names and types as struct tcpi; CONN_INFO(c, f) and
 * CONN_TI(c, f) read a conn's, availability still TCPI_HAS on the length
 * the kernel sent. A field a column or finding starts to read is added to
 * the list (the compiler says which: no TCPC_F_ of that name), in its
 * width's place: u8s, then u32s, then u64s. The whole struct tcpi is kept
 * only for the selected connection (sample.kept) and for connections that
 * ended (closed.h).
 */
#define TCPC_FIELDS(X)                                                                             \
	X(uint8_t, ca_state)                                                                       \
	X(uint8_t, backoff)                                                                        \
	X(uint8_t, options)                                                                        \
	X(uint8_t, flags8)                                                                         \
	X(uint32_t, rto)                                                                           \
	X(uint32_t, snd_mss)                                                                       \
	X(uint32_t, unacked)                                                                       \
	X(uint32_t, lost)                                                                          \
	X(uint32_t, retrans)                                                                       \
	X(uint32_t, rcv_ssthresh)                                                                  \
	X(uint32_t, rtt)                                                                           \
	X(uint32_t, rttvar)                                                                        \
	X(uint32_t, snd_ssthresh)                                                                  \
	X(uint32_t, snd_cwnd)                                                                      \
	X(uint32_t, rcv_rtt)                                                                       \
	X(uint32_t, rcv_space)                                                                     \
	X(uint32_t, total_retrans)                                                                 \
	X(uint32_t, notsent_bytes)                                                                 \
	X(uint32_t, min_rtt)                                                                       \
	X(uint32_t, snd_wnd)                                                                       \
	X(uint32_t, rcv_wnd)                                                                       \
	X(uint64_t, pacing_rate)                                                                   \
	X(uint64_t, bytes_acked)                                                                   \
	X(uint64_t, bytes_received)                                                                \
	X(uint64_t, delivery_rate)                                                                 \
	X(uint64_t, busy_time)                                                                     \
	X(uint64_t, rwnd_limited)                                                                  \
	X(uint64_t, sndbuf_limited)                                                                \
	X(uint64_t, bytes_sent)                                                                    \
	X(uint64_t, bytes_retrans)

#define TCPC_MEMBER(type, field) type field;
struct tcpc {
	TCPC_FIELDS(TCPC_MEMBER)
};
#undef TCPC_MEMBER

/*
 * Keeps the fields a struct tcpc has, straight from the kernel's bytes (any
 * alignment), which must hold at least sizeof(struct tcpi): no copy of the
 * whole struct first.
 */
void tcpc_from_raw(struct tcpc *c, const void *raw);
/* The same from a whole tcp_info copy. */
static inline void tcpc_from_tcpi(struct tcpc *c, const struct tcpi *t)
{
	tcpc_from_raw(c, t);
}

/* True when the kernel sent field `f` (info_len is the length it sent). */
#define TCPI_HAS(info_len, f)                                                                      \
	((size_t)(info_len) >= offsetof(struct tcpi, f) + sizeof(((struct tcpi *)0)->f))

/* Kernel TCP congestion-avoidance states (tcpi_ca_state). */
enum { TCPI_CA_OPEN, TCPI_CA_DISORDER, TCPI_CA_CWR, TCPI_CA_RECOVERY, TCPI_CA_LOSS };

/* tcpi_options bits. */
enum {
	TCPI_OPT_TIMESTAMPS = 1,
	TCPI_OPT_SACK = 2,
	TCPI_OPT_WSCALE = 4,
	TCPI_OPT_ECN = 8,
	TCPI_OPT_ECN_SEEN = 16,
	TCPI_OPT_SYN_DATA = 32,
	TCPI_OPT_USEC_TS = 64,
	TCPI_OPT_TFO_CHILD = 128,
};

/* How a field reads to a person (tcpinfo_format). */
enum tcpi_kind {
	TK_COUNT,    /* a plain number */
	TK_SEGS,     /* segments */
	TK_BYTES,    /* bytes: "1.5 MiB" */
	TK_USEC,     /* microseconds, shown as ms */
	TK_MSEC,     /* milliseconds, seconds when long */
	TK_RATE,     /* bytes/s, shown as bits/s; ~0 is "unlimited" */
	TK_STATE,    /* a TCP state: its name */
	TK_CA_STATE, /* congestion-avoidance state: its name */
	TK_OPTIONS,  /* TCPI_OPT_* bits: their names */
	TK_WSCALE,   /* two nibbles: "snd 7 rcv 7" */
	TK_SSTHRESH, /* segments; the kernel's infinity means slow start */
	TK_MINRTT,   /* microseconds; ~0 means no sample yet */
	TK_FLAGS8,   /* delivery_rate_app_limited:1, fastopen_client_fail:2 */
	TK_HEX,      /* packed bits shown as they are */
};

/* Every field, for views that list them all (the detail view). */
struct tcpi_field {
	const char *name;
	uint16_t off;
	uint8_t size;
	uint8_t kind;     /* enum tcpi_kind */
	const char *unit; /* the raw unit: "us", "ms", "B", "B/s", "seg", "" */
};
extern const struct tcpi_field tcpi_fields[];
extern const size_t tcpi_nfields;
/* The field's value from a copy of tcp_info (the caller checks availability). */
uint64_t tcpi_value(const struct tcpi *ti, const struct tcpi_field *f);
/* The field by name ("snd_cwnd"); NULL if none. */
const struct tcpi_field *tcpi_field_by_name(const char *name);
/*
 * The field's value as a person reads it: "ESTAB", "snd 7 rcv 7",
 * "ts sack wscale", "unlimited", "37.4 Gbit/s", "0.047 ms", "1.5 MiB".
 * Pure; the caller checks availability (TCPI_HAS). Returns buf.
 */
char *tcpinfo_format(const struct tcpi_field *f, const struct tcpi *ti, char *buf, size_t len);

#endif
