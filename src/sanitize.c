/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sanitize: untrusted bytes to terminal-safe ASCII with visible escapes. */
#include "sanitize.h"

size_t sanitize_text(char *dst, size_t dstlen, const char *src, size_t srclen)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;

	if (dstlen == 0)
		return 0;
	for (size_t i = 0; i < srclen; i++) {
		unsigned char c = (unsigned char)src[i];
		char esc[4];
		size_t n;

		if (c == '\\') {
			esc[0] = esc[1] = '\\';
			n = 2;
		} else if (c >= 0x20 && c < 0x7f) {
			esc[0] = (char)c;
			n = 1;
		} else {
			esc[0] = '\\';
			esc[1] = 'x';
			esc[2] = hex[c >> 4];
			esc[3] = hex[c & 15];
			n = 4;
		}
		/* whole escapes only: a cut one would read as a different byte */
		if (o + n >= dstlen)
			break;
		for (size_t k = 0; k < n; k++)
			dst[o++] = esc[k];
	}
	dst[o] = '\0';
	return o;
}

const char *sanitize_line(char *dst, size_t dstlen, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;

	if (dstlen == 0)
		return dst;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p >= 0x20 && *p < 0x7f) {
			if (o + 1 >= dstlen)
				break;
			dst[o++] = (char)*p;
			continue;
		}
		if (o + 4 >= dstlen)
			break;
		dst[o++] = '\\';
		dst[o++] = 'x';
		dst[o++] = hex[*p >> 4];
		dst[o++] = hex[*p & 15];
	}
	dst[o] = '\0';
	return dst;
}
