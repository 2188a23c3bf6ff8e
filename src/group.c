/* group: the grouping keys and their names (the grouping itself is built on these). */
#include "group.h"

#include <string.h>

static const char *const key_names[GROUP_N] = {
	[GROUP_NONE] = "none", [GROUP_PROCESS] = "process", [GROUP_REMOTE] = "remote",
	[GROUP_PORT] = "port", [GROUP_STATE] = "state",
};

const char *group_key_name(int key)
{
	return key >= 0 && key < GROUP_N ? key_names[key] : NULL;
}

int group_key_by_name(const char *name)
{
	for (int i = 0; i < GROUP_N; i++)
		if (!strcmp(name, key_names[i]))
			return i;
	return -1;
}
