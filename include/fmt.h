/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fmt: compact human formatting of sizes, rates, durations for narrow columns. */
#ifndef TCPTOP_FMT_H
#define TCPTOP_FMT_H

#include <stddef.h>
#include <stdint.h>

/* snprintf(buf, len, "%llu", v) without printf; the length it would have. */
int fmt_u64(uint64_t v, char *buf, size_t len);
/* An IPv4 address (network order) as inet_ntop writes it, without printf. */
char *fmt_ipv4(const uint8_t a[4], char *buf, size_t len);
/* snprintf(buf, len, "%.<decimals>f", v), the same digits, without printf for 0..3 decimals. */
char *fmt_fixed(double v, int decimals, char *buf, size_t len);
/* 1536 -> "1.5K", 16777216 -> "16M" (IEC multiples, suffix K M G T); cells use fmt_ibytes. */
char *fmt_bytes(uint64_t v, char *buf, size_t len);
/* Bytes for a table cell, IEC: 512 -> "512", 1536 -> "1.5Ki", 2936012 -> "2.8Mi". */
char *fmt_ibytes(uint64_t v, char *buf, size_t len);
/* The same; the length written (cells writing in place need no strlen). */
size_t fmt_ibytes_n(uint64_t v, char *buf, size_t len);
/* Bytes for prose and the detail view: "512 B", "1.5 KiB", "2.8 MiB". */
char *fmt_size(uint64_t v, char *buf, size_t len);
/* Bits per second for prose and the detail view: "9.1 kbit/s", "37.4 Gbit/s". */
char *fmt_rate(double bps, char *buf, size_t len);
/* Bits per second, SI: 812000 -> "812k", 94200000 -> "94.2M". */
char *fmt_bits(double bps, char *buf, size_t len);
/* A duration for prose: 45 -> "45 us", 20100 -> "20.1 ms", 150000 -> "150 ms". */
char *fmt_duration_us(uint64_t us, char *buf, size_t len);
/* Plain count; when wider than `width` digits, SI-abbreviated ("1.2M"). */
char *fmt_count(uint64_t v, int width, char *buf, size_t len);
/* Microseconds as milliseconds with 3 significant-ish digits: 51 -> "0.051", 123456 -> "123". */
char *fmt_usec_ms(uint64_t us, char *buf, size_t len);
/* Seconds, compact: 0.5 -> "0.5s", 75 -> "1m15s", 7200 -> "2h". */
char *fmt_secs(double s, char *buf, size_t len);
/* Local time "YYYY-mm-dd HH:MM:SS" from nanoseconds since the epoch. */
char *fmt_time(int64_t real_ns, char *buf, size_t len);

#endif
