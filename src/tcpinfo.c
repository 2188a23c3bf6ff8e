/* tcpinfo: a descriptor per tcp_info field, so views can list every field the kernel sent. */
#include "tcpinfo.h"

#include <string.h>

#define F(field, unit)                                                                             \
	{                                                                                          \
#field, offsetof(struct tcpi, field), sizeof(((struct tcpi *)0)->field), unit      \
	}

const struct tcpi_field tcpi_fields[] = {
	F(state, ""),
	F(ca_state, ""),
	F(retransmits, ""),
	F(probes, ""),
	F(backoff, ""),
	F(options, ""),
	F(wscale, ""),
	F(flags8, ""),
	F(rto, "us"),
	F(ato, "us"),
	F(snd_mss, "B"),
	F(rcv_mss, "B"),
	F(unacked, "seg"),
	F(sacked, "seg"),
	F(lost, "seg"),
	F(retrans, "seg"),
	F(fackets, "seg"),
	F(last_data_sent, "ms"),
	F(last_ack_sent, "ms"),
	F(last_data_recv, "ms"),
	F(last_ack_recv, "ms"),
	F(pmtu, "B"),
	F(rcv_ssthresh, "B"),
	F(rtt, "us"),
	F(rttvar, "us"),
	F(snd_ssthresh, "seg"),
	F(snd_cwnd, "seg"),
	F(advmss, "B"),
	F(reordering, "seg"),
	F(rcv_rtt, "us"),
	F(rcv_space, "B"),
	F(total_retrans, "seg"),
	F(pacing_rate, "B/s"),
	F(max_pacing_rate, "B/s"),
	F(bytes_acked, "B"),
	F(bytes_received, "B"),
	F(segs_out, "seg"),
	F(segs_in, "seg"),
	F(notsent_bytes, "B"),
	F(min_rtt, "us"),
	F(data_segs_in, "seg"),
	F(data_segs_out, "seg"),
	F(delivery_rate, "B/s"),
	F(busy_time, "us"),
	F(rwnd_limited, "us"),
	F(sndbuf_limited, "us"),
	F(delivered, "seg"),
	F(delivered_ce, "seg"),
	F(bytes_sent, "B"),
	F(bytes_retrans, "B"),
	F(dsack_dups, ""),
	F(reord_seen, ""),
	F(rcv_ooopack, ""),
	F(snd_wnd, "B"),
	F(rcv_wnd, "B"),
	F(rehash, ""),
	F(total_rto, ""),
	F(total_rto_recoveries, ""),
	F(total_rto_time, "ms"),
	F(received_ce, "seg"),
	F(delivered_e1_bytes, "B"),
	F(delivered_e0_bytes, "B"),
	F(delivered_ce_bytes, "B"),
	F(received_e1_bytes, "B"),
	F(received_e0_bytes, "B"),
	F(received_ce_bytes, "B"),
	F(ecn_bits, ""),
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
