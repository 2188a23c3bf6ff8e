/* SPDX-License-Identifier: GPL-2.0-or-later */
/* keys: the key binding table of the interactive view (global keys). */
#ifndef TCPTOP_KEYS_H
#define TCPTOP_KEYS_H

#include <stddef.h>
#include <stdint.h>

#include "ui.h"

struct keybind {
	int key;
	const char *label; /* as the help shows it; NULL for aliases listed on another row */
	const char *help;
	unsigned (*action)(struct ui *ui, uint64_t now_ns);
};

/* Runs the action bound to key: R_* bits, or 0 when the key is not bound. */
unsigned keys_dispatch(struct ui *ui, int key, uint64_t now_ns);
const struct keybind *keys_table(size_t *n);

#endif
