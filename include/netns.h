/* SPDX-License-Identifier: GPL-2.0-or-later */
/* netns: entering the network namespace tcptop watches (-N), and naming it for the header. */
#ifndef TCPTOP_NETNS_H
#define TCPTOP_NETNS_H

#include <stddef.h>

#include "terr.h"
#include "tunables.h"

#define NETNS_RUN_DIR "/run/netns" /* where `ip netns add` puts named namespaces */
#define NETNS_NAME_LEN 288

/*
 * The file that names the namespace of a -N spec: NAME (under /run/netns),
 * a path (anything with a '/'), or pid:PID (/proc/PID/ns/net). Returns 0, or
 * -1 with e set when the spec itself is malformed. Pure: it opens nothing.
 */
int netns_path(const char *spec, char *path, size_t len, struct terr *e);

/*
 * Moves the process into the spec's network namespace (setns CLONE_NEWNET).
 * It moves only the calling thread, so call it before any thread starts and
 * before any socket is opened: afterwards sock_diag dumps, the files under
 * /proc/net (a link to /proc/self/net) and under /proc/sys/net (looked up
 * in the opener's namespace) all belong to that namespace. Returns 0, or -1 with e holding one line
 * ("no network namespace 'x' under /run/netns", "cannot enter ...: ...").
 */
int netns_enter(const char *spec, struct terr *e);

/*
 * netns_enter, after opening the host-only sysctls (tcp_mem,
 * tcp_max_orphans: the initial namespace alone has them) under proc_root
 * (NULL: /proc) into h, so the collector can still read the host's values
 * (collector_cfg.host). h is filled even when entering fails; close it with
 * tunables_host_close.
 */
int netns_enter_keeping_host(const char *spec, const char *proc_root, struct tunables_host *h,
			     struct terr *e);

/*
 * A name for the namespace this process is in now, for headers: the spec
 * when one was given, else "host" (the initial namespace), the /run/netns
 * name it was entered by (ip netns exec), or "net:[INODE]".
 */
void netns_describe(const char *spec, char *buf, size_t len);

#endif
