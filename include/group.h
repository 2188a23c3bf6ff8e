/* group: folding connections into one line per process, remote host, service port or state. */
#ifndef TCPTOP_GROUP_H
#define TCPTOP_GROUP_H

/* What rows are grouped by (the g key, --group-by, the settings file). */
enum group_key { GROUP_NONE, GROUP_PROCESS, GROUP_REMOTE, GROUP_PORT, GROUP_STATE, GROUP_N };

/* "none", "process", "remote", "port", "state". */
const char *group_key_name(int key);
/* The key of a name; -1 if none. */
int group_key_by_name(const char *name);

#endif
