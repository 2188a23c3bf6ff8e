/* SPDX-License-Identifier: GPL-2.0-or-later */
/* json: a small streaming JSON writer with correct string escaping. */
#ifndef TCPTOP_JSON_H
#define TCPTOP_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "strbuf.h"

#define JSON_MAX_DEPTH 16

/* Keys remembered by address (json_remember_keys): a snapshot writes ~60 per socket. */
#define JSON_KEY_CACHE 1024 /* places, in groups of 4 */
/* Room for a remembered key quoted with its colon ("key":), copied in one fixed-size piece. */
#define JSON_KEY_QUOTED 32

struct json_key {
	const char *k;
	uint8_t n; /* bytes of q in use */
	char q[JSON_KEY_QUOTED];
};

struct json_keys {
	struct json_key e[JSON_KEY_CACHE];
};

/* Writes into a borrowed strbuf; handles commas. A NULL key means "array element". */
struct json {
	struct strbuf *sb;
	int depth;
	bool need_comma[JSON_MAX_DEPTH];
	struct json_keys *keys; /* NULL: every key checked each time */
};

void json_init(struct json *j, struct strbuf *sb);
/*
 * From now on j remembers by address that a key needs no escaping, in kc
 * (cleared here, the caller's, alive while j is used). Only for writers
 * whose keys keep their text meanwhile: literals, table strings, a frame's
 * names; never a buffer reused for another key.
 */
void json_remember_keys(struct json *j, struct json_keys *kc);
void json_obj_begin(struct json *j, const char *key);
void json_obj_end(struct json *j);
void json_arr_begin(struct json *j, const char *key);
void json_arr_end(struct json *j);
void json_str(struct json *j, const char *key, const char *s);
/* A string of n bytes that may hold anything: invalid UTF-8 becomes U+FFFD. */
void json_strn(struct json *j, const char *key, const char *s, size_t n);
void json_u64(struct json *j, const char *key, uint64_t v);
void json_i64(struct json *j, const char *key, int64_t v);
/* Finite doubles with up to 6 significant digits; NaN/inf become null. */
void json_f64(struct json *j, const char *key, double v);
/* A number with exactly `decimals` digits after the point (timestamps). */
void json_fixed(struct json *j, const char *key, double v, int decimals);
/* "time" (seconds, 3 decimals) and "timestamp" (ISO 8601 UTC, milliseconds) of a wall-clock ns. */
void json_timestamp(struct json *j, int64_t real_ns);
void json_bool(struct json *j, const char *key, bool v);
void json_null(struct json *j, const char *key);

/* Appends s as a quoted, escaped JSON string. */
void json_quote(struct strbuf *sb, const char *s, size_t n);

#endif
