/* fmt: human formatting for narrow columns. */
#include "fmt.h"

#include <math.h>
#include <stdio.h>
#include <time.h>

static char *scaled(double v, double base, const char *suffixes, char *buf, size_t len)
{
	int i = 0;

	while (v >= base * 0.9995 && suffixes[i + 1]) {
		v /= base;
		i++;
	}
	if (i == 0)
		snprintf(buf, len, "%.0f", v);
	else if (v < 9.995)
		snprintf(buf, len, "%.1f%c", v, suffixes[i]);
	else
		snprintf(buf, len, "%.0f%c", v, suffixes[i]);
	return buf;
}

char *fmt_bytes(uint64_t v, char *buf, size_t len)
{
	if (v < 1024) {
		snprintf(buf, len, "%llu", (unsigned long long)v);
		return buf;
	}
	return scaled((double)v, 1024.0, " KMGTPE", buf, len);
}

/* v scaled by 1024 with two-letter IEC prefixes (suffixes[i] is "Ki", "Mi", ...). */
static char *scaled_iec(double v, const char *const *suffixes, const char *sep, char *buf,
			size_t len)
{
	int i = 0;

	while (v >= 1024.0 * 0.9995 && suffixes[i + 1]) {
		v /= 1024.0;
		i++;
	}
	if (i == 0)
		snprintf(buf, len, "%.0f%s%s", v, sep, suffixes[0]);
	else if (v < 9.995)
		snprintf(buf, len, "%.1f%s%s", v, sep, suffixes[i]);
	else
		snprintf(buf, len, "%.0f%s%s", v, sep, suffixes[i]);
	return buf;
}

char *fmt_ibytes(uint64_t v, char *buf, size_t len)
{
	static const char *const suf[] = { "", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei", NULL };

	return scaled_iec((double)v, suf, "", buf, len);
}

char *fmt_size(uint64_t v, char *buf, size_t len)
{
	static const char *const suf[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB", NULL };

	return scaled_iec((double)v, suf, " ", buf, len);
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
	if (bps < 1000) {
		snprintf(buf, len, "%.0f", bps);
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
		snprintf(buf, len, bps < 99.95 ? "%.1f%c" : "%.0f%c", bps, suf[i]);
		return buf;
	}
	return scaled(bps, 1000.0, " kMGTP", buf, len);
}

char *fmt_count(uint64_t v, int width, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%llu", (unsigned long long)v);

	if (width > 0 && n > width)
		scaled((double)v, 1000.0, " kMGTPE", buf, len);
	return buf;
}

char *fmt_usec_ms(uint64_t us, char *buf, size_t len)
{
	double ms = (double)us / 1000.0;

	if (ms < 10)
		snprintf(buf, len, "%.3f", ms);
	else if (ms < 100)
		snprintf(buf, len, "%.2f", ms);
	else if (ms < 1000)
		snprintf(buf, len, "%.1f", ms);
	else
		snprintf(buf, len, "%.0f", ms);
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
