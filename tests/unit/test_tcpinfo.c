/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_tcpinfo: every tcp_info field reads as a person reads it (names, pairs, units, "unlimited"). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag_parse.h"
#include "frame.h"
#include "tcpinfo.h"
#include "testutil.h"

static const char *fmt(const char *name, const struct tcpi *ti, char *buf, size_t len)
{
	const struct tcpi_field *f = tcpi_field_by_name(name);

	assert_non_null(f);
	return tcpinfo_format(f, ti, buf, len);
}

static void state_and_ca_state_are_names(void **state)
{
	struct tcpi ti = { .state = TS_ESTABLISHED, .ca_state = TCPI_CA_RECOVERY };
	char b[64];

	(void)state;
	assert_string_equal(fmt("state", &ti, b, sizeof(b)), "ESTAB");
	assert_string_equal(fmt("ca_state", &ti, b, sizeof(b)), "recovery");
	ti.ca_state = 9; /* a state this build does not know: the number, not a guess */
	assert_string_equal(fmt("ca_state", &ti, b, sizeof(b)), "9");
}

static void wscale_is_the_snd_rcv_pair(void **state)
{
	/* ss shows this socket as wscale:10,7: snd in the low nibble */
	struct tcpi ti = { .options = TCPI_OPT_WSCALE | TCPI_OPT_SACK, .wscale = 0x7a };
	char b[64];

	(void)state;
	assert_string_equal(fmt("wscale", &ti, b, sizeof(b)), "snd 10 rcv 7");
	ti.options = 0;
	assert_string_equal(fmt("wscale", &ti, b, sizeof(b)), "not negotiated");
}

static void options_are_names(void **state)
{
	struct tcpi ti = { .options = TCPI_OPT_TIMESTAMPS | TCPI_OPT_SACK | TCPI_OPT_WSCALE };
	char b[64];

	(void)state;
	assert_string_equal(fmt("options", &ti, b, sizeof(b)), "ts sack wscale");
	ti.options = 0;
	assert_string_equal(fmt("options", &ti, b, sizeof(b)), "none");
	ti.options = 0xff;
	assert_string_equal(fmt("options", &ti, b, sizeof(b)),
			    "ts sack wscale ecn ecn-seen syn-data usec-ts tfo-child");
}

static void pacing_is_bits_and_all_ones_is_unlimited(void **state)
{
	struct tcpi ti = { .pacing_rate = 4675000000ull / 8 * 8, /* bytes/s */
			   .max_pacing_rate = UINT64_MAX,
			   .delivery_rate = 1137 };
	char b[64];

	(void)state;
	assert_string_equal(fmt("max_pacing_rate", &ti, b, sizeof(b)), "unlimited");
	assert_string_equal(fmt("pacing_rate", &ti, b, sizeof(b)), "37.4 Gbit/s");
	assert_string_equal(fmt("delivery_rate", &ti, b, sizeof(b)), "9.1 kbit/s");
	ti.pacing_rate = UINT64_MAX;
	assert_string_equal(fmt("pacing_rate", &ti, b, sizeof(b)), "unlimited");
}

static void times_read_as_ms_or_durations(void **state)
{
	struct tcpi ti = { .rtt = 47,
			   .rto = 204000,
			   .ato = 40000,
			   .min_rtt = UINT32_MAX,
			   .last_data_recv = 30616,
			   .last_ack_recv = 12,
			   .busy_time = 256000000 };
	char b[64];

	(void)state;
	assert_string_equal(fmt("rtt", &ti, b, sizeof(b)), "0.047 ms");
	assert_string_equal(fmt("rto", &ti, b, sizeof(b)), "204.0 ms");
	assert_string_equal(fmt("ato", &ti, b, sizeof(b)), "40.00 ms");
	assert_string_equal(fmt("min_rtt", &ti, b, sizeof(b)), "no sample yet");
	assert_string_equal(fmt("last_data_recv", &ti, b, sizeof(b)), "31s");
	assert_string_equal(fmt("last_ack_recv", &ti, b, sizeof(b)), "12 ms");
	ti.ato = 0;
	assert_string_equal(fmt("ato", &ti, b, sizeof(b)), "0 ms");
	assert_string_equal(fmt("busy_time", &ti, b, sizeof(b)), "4m16s");
}

static void sizes_and_segments_carry_their_unit(void **state)
{
	struct tcpi ti = { .snd_mss = 65483,
			   .rcv_space = 100000,
			   .snd_wnd = 1526784,
			   .snd_cwnd = 10,
			   .snd_ssthresh = 0x7fffffff,
			   .flags8 = 1 };
	char b[64];

	(void)state;
	assert_string_equal(fmt("snd_mss", &ti, b, sizeof(b)), "65483 B"); /* exact, not 64 KiB */
	assert_string_equal(fmt("rcv_space", &ti, b, sizeof(b)), "98 KiB");
	assert_string_equal(fmt("snd_wnd", &ti, b, sizeof(b)), "1.5 MiB");
	assert_string_equal(fmt("snd_cwnd", &ti, b, sizeof(b)), "10 seg");
	assert_string_equal(fmt("snd_ssthresh", &ti, b, sizeof(b)), "none (slow start)");
	ti.snd_ssthresh = 7;
	assert_string_equal(fmt("snd_ssthresh", &ti, b, sizeof(b)), "7 seg");
	assert_string_equal(fmt("flags8", &ti, b, sizeof(b)), "app-limited");
}

struct each_field {
	struct arena arena;
	size_t checked, compact;
};

/* One recorded socket: every field it has formats; the compact copy agrees with the whole one. */
static void check_socket(const struct nlmsghdr *nlh, void *arg)
{
	struct each_field *ef = arg;
	struct conn conn, *c = &conn;
	struct tcpi ti, *full = &ti;
	struct terr e = { { 0 } };

	assert_int_equal(diag_parse_msg(nlh, c, &ef->arena, full, &e), 0);
	if (!c->info)
		return;
	{
		struct tcpc tc, got;
		struct conn raw;

		tcpc_from_tcpi(&tc, full);
		conn_tcpc(c, &got);
		assert_memory_equal(&tc, &got, sizeof(tc));
		/* without the whole copy, the fields are read in place: the same values */
		assert_int_equal(diag_parse_msg(nlh, &raw, &ef->arena, NULL, &e), 0);
		conn_tcpc(&raw, &got);
		assert_memory_equal(&tc, &got, sizeof(tc));
		ef->compact++;
	}
	{
		for (size_t i = 0; i < tcpi_nfields; i++) {
			const struct tcpi_field *f = &tcpi_fields[i];
			char b[64];
			size_t n;

			if ((size_t)f->off + f->size > c->info_len)
				continue;
			n = strlen(tcpinfo_format(f, full, b, sizeof(b)));
			assert_true(n > 0 && n < 40);
			for (size_t k = 0; k < n; k++)
				assert_true(b[k] >= ' ' && b[k] < 0x7f);
			ef->checked++;
		}
		/* the state field agrees with the socket's state */
		{
			char b[32];

			assert_string_equal(fmt("state", full, b, sizeof(b)),
					    conn_state_name(c->state));
		}
	}
}

/* Every field of a real socket formats to something short and printable, never cut. */
static void every_field_of_a_recorded_socket_formats(void **state)
{
	struct replay *r = tu_replay("ipv4_bulk.rec");
	struct each_field ef = { 0 };

	(void)state;
	tu_each_msg(r, 1, check_socket, &ef);
	assert_true(ef.checked > 0 && ef.compact > 0);
	arena_free(&ef.arena);
	replay_free(r);
}

static void every_field_has_a_kind_and_a_unique_name(void **state)
{
	(void)state;
	for (size_t i = 0; i < tcpi_nfields; i++) {
		assert_true(tcpi_fields[i].kind <= TK_HEX);
		assert_ptr_equal(tcpi_field_by_name(tcpi_fields[i].name), &tcpi_fields[i]);
	}
	assert_null(tcpi_field_by_name("no_such_field"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(state_and_ca_state_are_names),
		cmocka_unit_test(wscale_is_the_snd_rcv_pair),
		cmocka_unit_test(options_are_names),
		cmocka_unit_test(pacing_is_bits_and_all_ones_is_unlimited),
		cmocka_unit_test(times_read_as_ms_or_durations),
		cmocka_unit_test(sizes_and_segments_carry_their_unit),
		cmocka_unit_test(every_field_of_a_recorded_socket_formats),
		cmocka_unit_test(every_field_has_a_kind_and_a_unique_name),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
