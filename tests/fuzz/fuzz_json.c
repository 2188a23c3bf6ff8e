/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_json: the JSON writer on arbitrary strings and numbers; the output must parse and round-trip. */
#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "strbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* An independent oracle: a strict JSON (RFC 8259) parser that decodes strings. */
struct p {
	const char *s;
	size_t n, i;
	struct strbuf strings[8]; /* the first decoded strings, for the round trip */
	size_t nstrings;
};

static bool value(struct p *p, int depth);

static void ws(struct p *p)
{
	while (p->i < p->n && strchr(" \t\r\n", p->s[p->i]) && p->s[p->i])
		p->i++;
}

static bool lit(struct p *p, const char *w)
{
	size_t l = strlen(w);

	if (p->n - p->i < l || memcmp(p->s + p->i, w, l))
		return false;
	p->i += l;
	return true;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static void put_utf8(struct strbuf *sb, uint32_t cp)
{
	char b[4];
	size_t n;

	if (cp < 0x80) {
		b[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		b[0] = (char)(0xc0 | cp >> 6);
		b[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else {
		b[0] = (char)(0xe0 | cp >> 12);
		b[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		b[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	}
	sb_add(sb, b, n);
}

static bool string(struct p *p, struct strbuf *out)
{
	if (p->i >= p->n || p->s[p->i] != '"')
		return false;
	p->i++;
	while (p->i < p->n) {
		unsigned char c = (unsigned char)p->s[p->i++];

		if (c == '"')
			return true;
		if (c < 0x20)
			return false; /* raw control bytes are not JSON */
		if (c != '\\') {
			sb_putc(out, (char)c);
			continue;
		}
		if (p->i >= p->n)
			return false;
		c = (unsigned char)p->s[p->i++];
		if (c == 'u') {
			uint32_t cp = 0;

			if (p->n - p->i < 4)
				return false;
			for (int k = 0; k < 4; k++) {
				int h = hexval(p->s[p->i++]);

				if (h < 0)
					return false;
				cp = cp << 4 | (uint32_t)h;
			}
			if (cp >= 0xd800 && cp <= 0xdfff)
				return false; /* the writer never needs surrogates */
			put_utf8(out, cp);
			continue;
		}
		const char *esc = strchr("\"\\/bfnrt", c);

		if (!esc || !c)
			return false;
		sb_putc(out, "\"\\/\b\f\n\r\t"[esc - "\"\\/bfnrt"]);
	}
	return false;
}

static bool number(struct p *p)
{
	size_t st = p->i;

	if (p->i < p->n && p->s[p->i] == '-')
		p->i++;
	if (p->i < p->n && p->s[p->i] == '0')
		p->i++;
	else if (p->i < p->n && p->s[p->i] >= '1' && p->s[p->i] <= '9')
		while (p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9')
			p->i++;
	else
		return false;
	if (p->i < p->n && p->s[p->i] == '.') {
		size_t d = ++p->i;

		while (p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9')
			p->i++;
		if (p->i == d)
			return false;
	}
	if (p->i < p->n && (p->s[p->i] == 'e' || p->s[p->i] == 'E')) {
		size_t d;

		p->i++;
		if (p->i < p->n && (p->s[p->i] == '+' || p->s[p->i] == '-'))
			p->i++;
		d = p->i;
		while (p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9')
			p->i++;
		if (p->i == d)
			return false;
	}
	return p->i > st;
}

static bool members(struct p *p, int depth, char close, bool keyed)
{
	ws(p);
	if (p->i < p->n && p->s[p->i] == close) {
		p->i++;
		return true;
	}
	for (;;) {
		ws(p);
		if (keyed) {
			struct strbuf k = STRBUF_INIT;
			bool ok = string(p, &k);

			sb_free(&k);
			ws(p);
			if (!ok || p->i >= p->n || p->s[p->i++] != ':')
				return false;
		}
		if (!value(p, depth + 1))
			return false;
		ws(p);
		if (p->i >= p->n)
			return false;
		if (p->s[p->i] == close) {
			p->i++;
			return true;
		}
		if (p->s[p->i++] != ',')
			return false;
	}
}

static bool value(struct p *p, int depth)
{
	if (depth > 32)
		return false;
	ws(p);
	if (p->i >= p->n)
		return false;
	switch (p->s[p->i]) {
	case '{':
		p->i++;
		return members(p, depth, '}', true);
	case '[':
		p->i++;
		return members(p, depth, ']', false);
	case '"': {
		struct strbuf tmp = STRBUF_INIT;
		struct strbuf *out = p->nstrings < 8 ? &p->strings[p->nstrings++] : &tmp;
		bool ok = string(p, out);

		sb_free(&tmp);
		return ok;
	}
	case 't':
		return lit(p, "true");
	case 'f':
		return lit(p, "false");
	case 'n':
		return lit(p, "null");
	default:
		return number(p);
	}
}

/* Whether s[0..n) is valid UTF-8 without NUL: then it must come back exactly. */
static bool valid_utf8(const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t l;

		if (s[i] == 0)
			return false;
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		l = s[i] >= 0xf0 ? 4 : s[i] >= 0xe0 ? 3 : s[i] >= 0xc0 ? 2 : 0;
		if (!l || s[i] >= 0xf8 || i + l > n)
			return false;
		cp = s[i] & (0x7fu >> l);
		for (size_t k = 1; k < l; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (s[i + k] & 0x3fu);
		}
		if (cp < (l == 2   ? 0x80u
			  : l == 3 ? 0x800u
				   : 0x10000u) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += l;
	}
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct strbuf sb = STRBUF_INIT;
	struct json j;
	struct p p = { 0 };
	size_t half = size / 2;
	double d = 0;
	int64_t i64 = -1;
	bool ok;

	if (size >= 8) {
		memcpy(&d, data, 8);
		memcpy(&i64, data, 8);
	}
	json_init(&j, &sb);
	json_obj_begin(&j, NULL);
	json_strn(&j, "s", (const char *)data, half);
	json_arr_begin(&j, "a");
	json_strn(&j, NULL, (const char *)data + half, size - half);
	json_f64(&j, NULL, d);
	json_fixed(&j, NULL, d, 3);
	json_i64(&j, NULL, i64);
	json_u64(&j, NULL, UINT64_MAX);
	json_null(&j, NULL);
	json_bool(&j, NULL, size & 1);
	json_arr_end(&j);
	json_obj_end(&j);

	p.s = sb.s;
	p.n = sb.len;
	ok = value(&p, 0);
	ws(&p);
	if (!ok || p.i != p.n)
		abort(); /* the writer produced something that is not JSON */
	/* valid text comes back byte for byte */
	if (valid_utf8(data, half) &&
	    (p.strings[0].len != half || (half && memcmp(p.strings[0].s, data, half))))
		abort();
	if (valid_utf8(data + half, size - half) &&
	    (p.strings[1].len != size - half ||
	     (size - half && memcmp(p.strings[1].s, data + half, size - half))))
		abort();
	/* the output itself holds no raw control byte for a terminal to act on */
	for (size_t i = 0; i < sb.len; i++)
		if ((unsigned char)sb.s[i] < 0x20 || (unsigned char)sb.s[i] == 0x7f ||
		    ((unsigned char)sb.s[i] == 0xc2 && i + 1 < sb.len &&
		     (unsigned char)sb.s[i + 1] < 0xa0))
			abort();
	for (size_t k = 0; k < 8; k++)
		sb_free(&p.strings[k]);
	sb_free(&sb);
	return 0;
}
