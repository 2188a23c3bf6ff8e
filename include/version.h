/* SPDX-License-Identifier: GPL-2.0-or-later */
/* version: what `tcptop --version` reports: the build, the kernel features found, the libraries. */
#ifndef TCPTOP_VERSION_H
#define TCPTOP_VERSION_H

#include <stdio.h>

/* A probe's answer: yes, or no with what said so. */
struct version_feature {
	int ok;        /* 1: available */
	int err;       /* errno when not (0 if the reason is only in why) */
	char why[512]; /* the error when not (a struct terr message) */
};

struct version_probe {
	char kernel[65];                 /* uname release */
	struct version_feature one_walk; /* TCPDIAG_GETSOCK: both families in one dump */
	struct version_feature destroy;  /* the sock_diag TCP destroy multicast groups */
	int tcp_info_len; /* bytes of tcp_info the running kernel fills; -1 unknown */
	int tcp_info_err;
};

/*
 * Asks the running kernel (in the current network namespace) what it
 * offers: a one-walk dump, a bind to the destroy groups (CAP_NET_ADMIN), the
 * size of its struct tcp_info. Opens and closes sockets; never prints.
 */
void version_probe(struct version_probe *p);

/*
 * Writes the --version text: version, kernel features, library versions.
 * curses_version is the caller's curses_version() (the library links only
 * into the interactive program), or NULL when not linked.
 */
void version_write(FILE *out, const struct version_probe *p, const char *curses_version);

#endif
