/* SPDX-License-Identifier: GPL-2.0-or-later */
/* terr: caller-owned error messages. */
#include "terr.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void terr_set(struct terr *e, const char *fmt, ...)
{
	va_list ap;

	if (!e)
		return;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
}

void terr_prefix(struct terr *e, const char *fmt, ...)
{
	char old[sizeof(e->msg)];
	char pre[sizeof(e->msg)];
	va_list ap;

	if (!e)
		return;
	memcpy(old, e->msg, sizeof(old));
	va_start(ap, fmt);
	vsnprintf(pre, sizeof(pre), fmt, ap);
	va_end(ap);
	snprintf(e->msg, sizeof(e->msg), "%.200s: %.300s", pre, old);
}

void terr_clear(struct terr *e)
{
	if (e)
		e->msg[0] = '\0';
}

bool terr_isset(const struct terr *e)
{
	return e && e->msg[0] != '\0';
}
