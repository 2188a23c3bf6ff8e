/* SPDX-License-Identifier: GPL-2.0-or-later */
/* screen: the table of views; a new view is one file and one row here. */
#include "screen.h"

#include <string.h>

static const struct screen *const screens[SCR_N] = {
	[SCR_CONN] = &screen_conn,         [SCR_LISTEN] = &screen_listen,
	[SCR_STATES] = &screen_states,     [SCR_COUNTERS] = &screen_counters,
	[SCR_FINDINGS] = &screen_findings, [SCR_CLOSED] = &screen_closed,
	[SCR_GROUP] = &screen_group,       [SCR_DETAIL] = &screen_detail,
	[SCR_HELP] = &screen_help,         [SCR_PICK] = &screen_pick,
};

const struct screen *screen_get(enum screen_id id)
{
	return screens[id];
}

const struct screen *screen_by_name(const char *name)
{
	for (int i = 0; i < SCR_N; i++)
		if (!strcmp(screens[i]->name, name))
			return screens[i];
	return NULL;
}

void *screen_state(const struct ui *ui, enum screen_id id)
{
	return ui->state[id];
}
