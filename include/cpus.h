/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cpus: how many CPUs this process may run on. */
#ifndef TCPTOP_CPUS_H
#define TCPTOP_CPUS_H

/* The CPUs of the affinity mask (taskset, a cgroup's cpuset), at least 1, at most max. */
int cpus_available(int max);

#endif
