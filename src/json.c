/* SPDX-License-Identifier: GPL-2.0-or-later */
/* json: streaming JSON writer. */
#include "json.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "fatal.h"
#include "fmt.h"

void json_init(struct json *j, struct strbuf *sb)
{
	memset(j, 0, sizeof(*j));
	j->sb = sb;
}

void json_remember_keys(struct json *j, struct json_keys *kc)
{
	memset(kc, 0, sizeof(*kc));
	j->keys = kc;
}

/* Printable ASCII other than the two characters JSON escapes. */
static bool plain(unsigned char c)
{
	return c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
}

static void key(struct json *j, const char *k)
{
	struct strbuf *sb = j->sb;
	size_t comma = j->need_comma[j->depth], n, slot = 0;
	struct json_key *e = NULL;
	char *p;

	j->need_comma[j->depth] = true;
	if (!k) {
		if (comma)
			sb_putc(sb, ',');
		return;
	}
	/*
	 * Seen before: its quoted form, copied whole. A key lives in one of the
	 * 4 places of its group (the top bits of a Fibonacci hash of its
	 * address); a new one goes first, the group's last one out.
	 */
	if (j->keys) {
		size_t g = (size_t)(((uint64_t)(uintptr_t)k * UINT64_C(0x9e3779b97f4a7c15)) >>
				    (64 - 8)) *
			   4;

		_Static_assert(JSON_KEY_CACHE == 4 << 8, "JSON_KEY_CACHE: 256 groups of 4");
		e = &j->keys->e[g];
		slot = e[0].k == k ? 0 : e[1].k == k ? 1 : e[2].k == k ? 2 : e[3].k == k ? 3 : 4;
		if (slot < 4) {
			p = sb_room(sb, 1 + JSON_KEY_QUOTED);
			p[0] = ',';
			memcpy(p + comma, e[slot].q, JSON_KEY_QUOTED);
			sb_advance(sb, comma + e[slot].n);
			return;
		}
		/* the newest first: a key used once (a header's) is pushed out by those of every row */
		memmove(&e[1], &e[0], 3 * sizeof(e[0]));
		e[0].k = NULL;
		slot = 0;
	}
	if (comma)
		sb_putc(sb, ',');
	/*
	 * Keys are short identifiers: copied and checked in one pass straight
	 * into the output; anything json_quote would escape (or a long key)
	 * goes to it, and is not remembered.
	 */
	n = strlen(k);
	if (n <= 64) {
		p = sb_room(sb, n + 3);
		p[0] = '"';
		for (size_t i = 0; i < n; i++) {
			if (!plain((unsigned char)k[i]))
				goto quote;
			p[i + 1] = k[i];
		}
		p[n + 1] = '"';
		p[n + 2] = ':';
		if (e && n + 3 <= JSON_KEY_QUOTED) {
			e[slot].k = k;
			e[slot].n = (uint8_t)(n + 3);
			memcpy(e[slot].q, p, n + 3);
		}
		sb_advance(sb, n + 3);
		return;
	}
quote:
	json_quote(sb, k, n);
	sb_putc(sb, ':');
}

static void open_nested(struct json *j, const char *k, char c)
{
	key(j, k);
	sb_putc(j->sb, c);
	if (++j->depth >= JSON_MAX_DEPTH)
		fatal("JSON nesting deeper than %d", JSON_MAX_DEPTH);
	j->need_comma[j->depth] = false;
}

void json_obj_begin(struct json *j, const char *k)
{
	open_nested(j, k, '{');
}

void json_obj_end(struct json *j)
{
	j->depth--;
	sb_putc(j->sb, '}');
}

void json_arr_begin(struct json *j, const char *k)
{
	open_nested(j, k, '[');
}

void json_arr_end(struct json *j)
{
	j->depth--;
	sb_putc(j->sb, ']');
}

/* Length of a valid UTF-8 sequence at s (max n bytes), or 0. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	size_t len;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0) {
		len = 2;
		cp = s[0] & 0x1fu;
	} else if ((s[0] & 0xf0) == 0xe0) {
		len = 3;
		cp = s[0] & 0x0fu;
	} else if ((s[0] & 0xf8) == 0xf0) {
		len = 4;
		cp = s[0] & 0x07u;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3fu);
	}
	/* overlong forms, surrogates and values past U+10FFFF are not valid */
	if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return len;
}

void json_quote(struct strbuf *sb, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	/* short and plain (addresses, states, names): checked while copied into place */
	if (n <= 64) {
		char *q = sb_room(sb, n + 2);

		q[0] = '"';
		while (i < n && plain(p[i])) {
			q[i + 1] = (char)p[i];
			i++;
		}
		if (i == n) {
			q[n + 1] = '"';
			sb_advance(sb, n + 2);
			return;
		}
		i = 0; /* not written: the general path below starts over */
	}

	sb_putc(sb, '"');
	while (i < n) {
		unsigned char c = p[i];
		size_t l, run = i;

		/* printable ASCII other than the two escapes goes in one copy (keys, addresses) */
		while (run < n && p[run] >= 0x20 && p[run] < 0x7f && p[run] != '"' &&
		       p[run] != '\\')
			run++;
		if (run > i) {
			sb_add(sb, s + i, run - i);
			i = run;
			continue;
		}

		switch (c) {
		case '"':
			sb_puts(sb, "\\\"");
			i++;
			continue;
		case '\\':
			sb_puts(sb, "\\\\");
			i++;
			continue;
		case '\n':
			sb_puts(sb, "\\n");
			i++;
			continue;
		case '\r':
			sb_puts(sb, "\\r");
			i++;
			continue;
		case '\t':
			sb_puts(sb, "\\t");
			i++;
			continue;
		default:
			break;
		}
		if (c < 0x20 || c == 0x7f) {
			sb_printf(sb, "\\u%04x", c);
			i++;
			continue;
		}
		l = utf8_len(p + i, n - i);
		if (l == 0) {
			sb_puts(sb, "\\ufffd");
			i++;
			continue;
		}
		/*
		 * Valid, but C1 controls (U+0080..U+009F: 0xc2 0x9b is CSI) act on
		 * some terminals and U+2028/U+2029 end a line in JavaScript: escaped,
		 * so the text stays exact and inert wherever the JSON is shown.
		 */
		if (l == 2 && c == 0xc2 && p[i + 1] < 0xa0) {
			sb_printf(sb, "\\u%04x", p[i + 1]);
			i += 2;
			continue;
		}
		if (l == 3 && c == 0xe2 && p[i + 1] == 0x80 &&
		    (p[i + 2] == 0xa8 || p[i + 2] == 0xa9)) {
			sb_printf(sb, "\\u%04x", 0x2000u | (p[i + 2] & 0x3fu));
			i += 3;
			continue;
		}
		sb_add(sb, s + i, l);
		i += l;
	}
	sb_putc(sb, '"');
}

void json_str(struct json *j, const char *k, const char *s)
{
	if (!s) {
		json_null(j, k);
		return;
	}
	json_strn(j, k, s, strlen(s));
}

void json_strn(struct json *j, const char *k, const char *s, size_t n)
{
	key(j, k);
	json_quote(j->sb, s, n);
}

/* Numbers without printf: a snapshot writes tens of them per socket. */
static void put_u64(struct strbuf *sb, uint64_t v)
{
	enum { ROOM = 21 }; /* 20 digits and fmt_u64's NUL */

	sb_advance(sb, (size_t)fmt_u64(v, sb_room(sb, ROOM), ROOM));
}

static void put_i64(struct strbuf *sb, int64_t v)
{
	if (v < 0) {
		sb_putc(sb, '-');
		put_u64(sb, 0 - (uint64_t)v);
	} else {
		put_u64(sb, (uint64_t)v);
	}
}

void json_u64(struct json *j, const char *k, uint64_t v)
{
	key(j, k);
	put_u64(j->sb, v);
}

void json_i64(struct json *j, const char *k, int64_t v)
{
	key(j, k);
	put_i64(j->sb, v);
}

void json_f64(struct json *j, const char *k, double v)
{
	key(j, k);
	if (!isfinite(v))
		sb_puts(j->sb, "null");
	else if (v == floor(v) && fabs(v) < 1e15 && !(v == 0 && signbit(v)))
		put_i64(j->sb, (int64_t)v); /* what "%.0f" prints for an integral value */
	else if (v == floor(v) && fabs(v) < 1e15)
		sb_printf(j->sb, "%.0f", v);
	else
		sb_printf(j->sb, "%.6g", v);
}

void json_fixed(struct json *j, const char *k, double v, int decimals)
{
	key(j, k);
	if (!isfinite(v))
		sb_puts(j->sb, "null");
	else if (v >= 0 && v < 1e15 && decimals >= 0 && decimals <= 3) { /* fits b */
		char b[48];

		sb_puts(j->sb, fmt_fixed(v, decimals, b, sizeof(b)));
	} else
		sb_printf(j->sb, "%.*f", decimals, v);
}

void json_bool(struct json *j, const char *k, bool v)
{
	key(j, k);
	if (v)
		sb_add(j->sb, "true", 4);
	else
		sb_add(j->sb, "false", 5);
}

void json_null(struct json *j, const char *k)
{
	key(j, k);
	sb_add(j->sb, "null", 4);
}

void json_timestamp(struct json *j, int64_t real_ns)
{
	time_t t = (time_t)(real_ns / 1000000000);
	struct tm tm;
	char buf[48];

	json_fixed(j, "time", (double)(real_ns / 1000000) / 1e3, 3);
	if (gmtime_r(&t, &tm)) {
		size_t n = strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);

		snprintf(buf + n, sizeof(buf) - n, ".%03dZ", (int)(real_ns % 1000000000 / 1000000));
		json_str(j, "timestamp", buf);
	}
}
