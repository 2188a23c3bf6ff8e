/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fmt: human formatting for narrow columns. */
#include "fmt.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/*
 * Cells are formatted hundreds of thousands of times per snapshot: these
 * write "%.Nf" and "%llu" without printf, digit for digit what glibc prints
 * (the exact binary value rounded to nearest, ties to even), and fall back to
 * snprintf outside the range they are exact in.
 */

/* Writes s (n bytes) and suffix as snprintf(buf, len, "%s%s") would; the bytes written. */
static size_t put(char *buf, size_t len, const char *s, size_t n, const char *suffix)
{
	size_t m = strlen(suffix);

	if (!len)
		return 0;
	if (n > len - 1)
		n = len - 1;
	memcpy(buf, s, n);
	if (m > len - 1 - n)
		m = len - 1 - n;
	memcpy(buf + n, suffix, m);
	buf[n + m] = '\0';
	return n + m;
}

/* Decimal digits of v, right-aligned in a 24-byte tmp; returns where they start. */
static char *digits(uint64_t v, char tmp[24])
{
	char *p = tmp + 23;

	*p = '\0';
	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	return p;
}

/* Two digits at a time: "00".."99". */
static const char pairs[201] =
	"00010203040506070809101112131415161718192021222324252627282930313233"
	"34353637383940414243444546474849505152535455565758596061626364656667"
	"6869707172737475767778798081828384858687888990919293949596979899";

static int ndigits(uint64_t v)
{
	int n = 1;

	while (v >= 10000) {
		v /= 10000;
		n += 4;
	}
	return v >= 1000 ? n + 3 : v >= 100 ? n + 2 : v >= 10 ? n + 1 : n;
}

int fmt_u64(uint64_t v, char *buf, size_t len)
{
	int n;
	char *p;

	if (v < 10 && len >= 2) { /* zeros and small counts: most numbers of a snapshot */
		buf[0] = (char)('0' + v);
		buf[1] = '\0';
		return 1;
	}
	n = ndigits(v);

	if ((size_t)n >= len) {
		/* cut, as snprintf cuts: rare (no caller's buffer is that short) */
		char tmp[24], *d = digits(v, tmp);

		put(buf, len, d, (size_t)n, "");
		return n;
	}
	/* straight into buf, from the end: every number of a snapshot comes here */
	p = buf + n;
	*p = '\0';
	while (v >= 100) {
		unsigned k = (unsigned)(v % 100);

		v /= 100;
		p -= 2;
		memcpy(p, pairs + 2 * k, 2);
	}
	if (v >= 10) {
		p -= 2;
		memcpy(p, pairs + 2 * v, 2);
	} else {
		*--p = (char)('0' + v);
	}
	return n;
}

/*
 * snprintf(buf, len, "%.<dec>f%s", v, suffix); without printf for 0 <= dec <= 3. The scaled
 * value is floored, corrected, and compared with the half-way point by fma(),
 * which rounds only once: the comparison is exact, as printf's is.
 */
static size_t put_fixed(double v, int dec, const char *suffix, char *buf, size_t len)
{
	static const double mul[] = { 1, 10, 100, 1000 };
	char tmp[32], *p;
	uint64_t k, ip, frac;
	double r;

	if (!isfinite(v) || signbit(v) || dec < 0 || dec > 3 || v * mul[dec] >= 0x1p52) {
		int n = snprintf(buf, len, "%.*f%s", dec, v, suffix);

		return n < 0 || !len ? 0 : (size_t)n < len ? (size_t)n : len - 1;
	}
	k = (uint64_t)floor(v * mul[dec]);
	if (fma(v, mul[dec], -(double)k) < 0) /* the product was rounded up to an integer */
		k--;
	r = fma(v, mul[dec], -((double)k + 0.5));
	if (r > 0 || (r == 0 && (k & 1)))
		k++;
	ip = k / (uint64_t)mul[dec];
	frac = k % (uint64_t)mul[dec];
	p = tmp + sizeof(tmp) - 1;
	*p = '\0';
	for (int i = 0; i < dec; i++) {
		*--p = (char)('0' + frac % 10);
		frac /= 10;
	}
	if (dec)
		*--p = '.';
	do {
		*--p = (char)('0' + ip % 10);
		ip /= 10;
	} while (ip);
	return put(buf, len, p, (size_t)(tmp + sizeof(tmp) - 1 - p), suffix);
}

static char *scaled(double v, double base, const char *suffixes, char *buf, size_t len)
{
	int i = 0;

	while (v >= base * 0.9995 && suffixes[i + 1]) {
		v /= base;
		i++;
	}
	char suf[2] = { suffixes[i], '\0' };

	if (i == 0)
		put_fixed(v, 0, "", buf, len);
	else if (v < 9.995)
		put_fixed(v, 1, suf, buf, len);
	else
		put_fixed(v, 0, suf, buf, len);
	return buf;
}

char *fmt_ipv4(const uint8_t a[4], char *buf, size_t len)
{
	char tmp[16], *p = tmp;

	for (int i = 0; i < 4; i++) {
		unsigned o = a[i];

		if (i)
			*p++ = '.';
		if (o >= 100)
			*p++ = (char)('0' + o / 100);
		if (o >= 10)
			*p++ = (char)('0' + o / 10 % 10);
		*p++ = (char)('0' + o % 10);
	}
	put(buf, len, tmp, (size_t)(p - tmp), "");
	return buf;
}

char *fmt_fixed(double v, int decimals, char *buf, size_t len)
{
	put_fixed(v, decimals, "", buf, len);
	return buf;
}

char *fmt_bytes(uint64_t v, char *buf, size_t len)
{
	if (v < 1024) {
		fmt_u64(v, buf, len);
		return buf;
	}
	return scaled((double)v, 1024.0, " KMGTPE", buf, len);
}

/*
 * k / 10^dec with dec decimals and the suffix, for an integer k already
 * rounded: what put_fixed prints once it has k, without its floating point.
 */
static size_t put_scaled_int(uint64_t k, int dec, const char *suffix, char *buf, size_t len)
{
	char tmp[32], *p = tmp + sizeof(tmp) - 1;

	*p = '\0';
	for (int i = 0; i < dec; i++) {
		*--p = (char)('0' + k % 10);
		k /= 10;
	}
	if (dec)
		*--p = '.';
	do {
		*--p = (char)('0' + k % 10);
		k /= 10;
	} while (k);
	return put(buf, len, p, (size_t)(tmp + sizeof(tmp) - 1 - p), suffix);
}

/*
 * "%.<dec>f" of v / 2^shift (exact in a double: v < 2^53), rounded half to
 * even as printf rounds an exact value, in integers: the IEC cells of every
 * socket's skmem.
 */
static size_t put_dyadic(uint64_t v, int shift, int dec, const char *suffix, char *buf, size_t len)
{
	uint64_t k = dec ? v * 10 : v, q = k >> shift, r = k & ((UINT64_C(1) << shift) - 1);
	uint64_t half = UINT64_C(1) << (shift - 1);

	if (r > half || (r == half && (q & 1)))
		q++;
	return put_scaled_int(q, dec, suffix, buf, len);
}

/* v scaled by 1024 with two-letter IEC prefixes (suffixes[i] is "Ki", "Mi", ...); the length. */
static size_t scaled_iec(double v, const char *const *suffixes, const char *sep, char *buf,
			 size_t len)
{
	double exact = v;
	int i = 0;

	while (v >= 1024.0 * 0.9995 && suffixes[i + 1]) {
		v /= 1024.0;
		i++;
	}
	char suf[16];
	size_t ns = strlen(sep), nx = strlen(suffixes[i]);

	if (ns + nx >= sizeof(suf))
		ns = nx = 0;
	memcpy(suf, sep, ns);
	memcpy(suf + ns, suffixes[i], nx);
	suf[ns + nx] = '\0';
	/* an integer below 2^53 divided by 1024^i is exact: its digits in integers */
	if (i > 0 && i <= 5 && exact < 0x1p53 && exact == floor(exact))
		return put_dyadic((uint64_t)exact, 10 * i, v < 9.995 ? 1 : 0, suf, buf, len);
	if (i == 0)
		return put_fixed(v, 0, suf, buf, len);
	else if (v < 9.995)
		return put_fixed(v, 1, suf, buf, len);
	else
		return put_fixed(v, 0, suf, buf, len);
}

size_t fmt_ibytes_n(uint64_t v, char *buf, size_t len)
{
	static const char *const suf[] = { "", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei", NULL };

	/* below 1024 it is the integer itself (what %.0f prints for it) */
	if (v < 1024 && len > 4)
		return (size_t)fmt_u64(v, buf, len);
	/* scaled_iec's steps, the digits written in place: "128Ki", "3.8Mi" */
	if (v < (UINT64_C(1) << 53) && len >= 8) { /* "1023Ki" and its NUL fit */
		double x = (double)v;
		int i = 0, dec;
		uint64_t k, q, r, half;
		size_t n;

		while (x >= 1024.0 * 0.9995 && suf[i + 1]) {
			x /= 1024.0;
			i++;
		}
		dec = x < 9.995 ? 1 : 0; /* i >= 1 here: v >= 1024 */
		k = dec ? v * 10 : v;
		q = k >> (10 * i);
		r = k & ((UINT64_C(1) << (10 * i)) - 1);
		half = UINT64_C(1) << (10 * i - 1);
		if (r > half || (r == half && (q & 1)))
			q++;
		n = (size_t)fmt_u64(dec ? q / 10 : q, buf, len);
		if (dec) {
			buf[n++] = '.';
			buf[n++] = (char)('0' + q % 10);
		}
		memcpy(buf + n, suf[i], 3);
		return n + 2;
	}
	return scaled_iec((double)v, suf, "", buf, len);
}

char *fmt_ibytes(uint64_t v, char *buf, size_t len)
{
	fmt_ibytes_n(v, buf, len);
	return buf;
}

char *fmt_size(uint64_t v, char *buf, size_t len)
{
	static const char *const suf[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB", NULL };

	scaled_iec((double)v, suf, " ", buf, len);
	return buf;
}

char *fmt_rate(double bps, char *buf, size_t len)
{
	static const char *const suf[] = { "bit/s", "kbit/s", "Mbit/s", "Gbit/s", "Tbit/s", NULL };
	int i = 0;

	if (!isfinite(bps) || bps < 0)
		bps = 0;
	while (bps >= 999.95 && suf[i + 1]) {
		bps /= 1000.0;
		i++;
	}
	snprintf(buf, len, i == 0 || bps >= 99.95 ? "%.0f %s" : "%.1f %s", bps, suf[i]);
	return buf;
}

char *fmt_bits(double bps, char *buf, size_t len)
{
	if (!isfinite(bps) || bps < 0)
		bps = 0;
	if (bps == 0 && !signbit(bps) && len > 1) {
		memcpy(buf, "0", 2); /* an idle socket's rate: most cells of a snapshot */
		return buf;
	}
	if (bps < 1000) {
		put_fixed(bps, 0, "", buf, len);
		return buf;
	}
	if (bps < 100e3 || (bps >= 1e6 && bps < 100e6) || (bps >= 1e9 && bps < 100e9)) {
		/* one decimal while it fits in 5 characters */
		static const char suf[] = " kMGT";
		int i = 0;

		while (bps >= 999.95 && suf[i + 1]) {
			bps /= 1000.0;
			i++;
		}
		char s1[2] = { suf[i], '\0' };

		put_fixed(bps, bps < 99.95 ? 1 : 0, s1, buf, len);
		return buf;
	}
	return scaled(bps, 1000.0, " kMGTP", buf, len);
}

char *fmt_duration_us(uint64_t us, char *buf, size_t len)
{
	if (us >= 100000)
		snprintf(buf, len, "%.0f ms", (double)us / 1000.0);
	else if (us >= 1000)
		snprintf(buf, len, "%.1f ms", (double)us / 1000.0);
	else
		snprintf(buf, len, "%llu us", (unsigned long long)us);
	return buf;
}

char *fmt_count(uint64_t v, int width, char *buf, size_t len)
{
	int n = fmt_u64(v, buf, len);

	if (width > 0 && n > width)
		scaled((double)v, 1000.0, " kMGTPE", buf, len);
	return buf;
}

char *fmt_usec_ms(uint64_t us, char *buf, size_t len)
{
	/* decimals 3, 2, 1, 0 below 10, 100, 1000 ms and above (us / 1000.0 crosses them exactly) */
	int dec = us < 10000 ? 3 : us < 100000 ? 2 : us < 1000000 ? 1 : 0;
	static const uint64_t drop[] = { 1000, 100, 10, 1 }; /* 10^(3 - dec) */
	double ms = (double)us / 1000.0;

	/*
	 * In integers unless the dropped digits are exactly half way: us / 1000.0
	 * is within a hair of us / 1000, so printf rounds it as the exact
	 * decimal except at a tie, where the binary value's side decides.
	 */
	if (us < (UINT64_C(1) << 50) && (dec == 3 || us % drop[dec] != drop[dec] / 2)) {
		uint64_t k = us / drop[dec] + (us % drop[dec] > drop[dec] / 2 ? 1 : 0);

		put_scaled_int(k, dec, "", buf, len);
		return buf;
	}

	put_fixed(ms, ms < 10 ? 3 : ms < 100 ? 2 : ms < 1000 ? 1 : 0, "", buf, len);
	return buf;
}

char *fmt_secs(double s, char *buf, size_t len)
{
	if (s < 10)
		snprintf(buf, len, "%.3gs", s);
	else if (s < 120)
		snprintf(buf, len, "%.0fs", s);
	else if (s < 7200)
		snprintf(buf, len, "%.0fm%02.0fs", floor(s / 60), fmod(s, 60));
	else if (s < 2 * 86400)
		snprintf(buf, len, "%.0fh%02.0fm", floor(s / 3600), floor(fmod(s, 3600) / 60));
	else
		snprintf(buf, len, "%.0fd", floor(s / 86400));
	return buf;
}

char *fmt_time(int64_t real_ns, char *buf, size_t len)
{
	time_t t = (time_t)(real_ns / 1000000000);
	struct tm tm;

	if (!localtime_r(&t, &tm) || !strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm))
		snprintf(buf, len, "?");
	return buf;
}
