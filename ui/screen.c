/* screen: the table of views. */
#include "screen.h"

static const struct screen screens[SCR_N] = {
	[SCR_CONN] = { SCR_CONN, "Connections", '1', true, screen_conn_draw, screen_conn_rows,
		       screen_conn_key },
	[SCR_LISTEN] = { SCR_LISTEN, "Listen", '2', true, screen_listen_draw, screen_listen_rows,
			 screen_listen_key },
	[SCR_STATES] = { SCR_STATES, "States", '3', false, screen_states_draw, screen_states_rows,
			 NULL },
	[SCR_COUNTERS] = { SCR_COUNTERS, "Counters", '4', false, screen_counters_draw,
			   screen_counters_rows, screen_counters_key },
	[SCR_FINDINGS] = { SCR_FINDINGS, "Findings", '5', true, screen_findings_draw,
			   screen_findings_rows, screen_findings_key },
	[SCR_DETAIL] = { SCR_DETAIL, "Detail", 0, false, screen_detail_draw, screen_detail_rows,
			 NULL },
	[SCR_HELP] = { SCR_HELP, "Help", 0, false, screen_help_draw, screen_help_rows, NULL },
	[SCR_PICK] = { SCR_PICK, "Columns", 0, true, screen_pick_draw, screen_pick_rows,
		       screen_pick_key },
};

const struct screen *screen_get(enum screen_id id)
{
	return &screens[id];
}
