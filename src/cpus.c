/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cpus: how many CPUs this process may run on. */
#include "cpus.h"

#include <sched.h>

int cpus_available(int max)
{
	cpu_set_t set;
	int n = 1;

	if (sched_getaffinity(0, sizeof(set), &set) == 0)
		n = CPU_COUNT(&set);
	if (n > max)
		n = max;
	return n > 0 ? n : 1;
}
