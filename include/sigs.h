/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sigs: one table saying what each signal does to tcptop, for batch mode and the TUI alike. */
#ifndef TCPTOP_SIGS_H
#define TCPTOP_SIGS_H

#include <stdatomic.h>
#include <stdbool.h>

/*
 * What a signal does (the table is in src/sigs.c):
 *   EXIT    INT, TERM, HUP: the loop stops at its next turn and closes its
 *           files (a recording ends whole), then exits with 128 + signal
 *   NOTIFY  WINCH, CONT: the loop is woken and acts (resize, redraw)
 *   STOP    TSTP: the terminal is restored, the process stops; when it
 *           continues the loop is told CONT (and redraws)
 *   IGNORE  PIPE: a write to a closed pipe fails with EPIPE and is reported
 *   FATAL   QUIT, USR1, USR2, ALRM, VTALRM, PROF, XCPU, XFSZ, SEGV, BUS,
 *           FPE, ILL, ABRT, TRAP, SYS: the terminal is restored and the
 *           signal's own default action follows (exit or core dump), so the
 *           parent still sees what killed it. Recordings need nothing here:
 *           they are whole at every refresh boundary.
 * Without a restore hook (batch mode) NOTIFY, STOP and FATAL keep the
 * system's default action: there is no terminal state to put back.
 */
enum sigs_action { SIGS_DEFAULT, SIGS_EXIT, SIGS_NOTIFY, SIGS_STOP, SIGS_IGNORE, SIGS_FATAL };

struct sigs_cfg {
	/* Async-signal-safe (write(), tcsetattr()); may run twice. NULL: batch mode. */
	void (*restore)(void);
	/* -1, or a non-blocking pipe's write end: each EXIT/NOTIFY/CONT writes the signal number
	 * as one byte, so a poll() loop wakes. */
	int wake_fd;
};

/*
 * Installs the handlers. Like fatal's cleanup hook, the only process-wide
 * state besides it: a signal handler has nowhere else to put what it saw.
 */
void sigs_install(const struct sigs_cfg *cfg);
/* What the table says for sig (SIGS_DEFAULT for a signal it does not list). */
enum sigs_action sigs_action_of(int sig);
/* The first EXIT signal received, or 0. */
int sigs_exit_signal(void);
/* Takes one pending NOTIFY signal (WINCH, CONT), or returns 0. */
int sigs_take_notify(void);
/* A signal's name without "SIG" ("TERM"), for messages. */
const char *sigs_name(int sig);

/*
 * Waits until fd is ready for `events` (POLLIN, POLLOUT) or has an error or
 * the end to report. The handlers restart a blocked read or write, so a
 * stream that stalls (a FIFO no one writes, a reader that stopped reading)
 * is waited for here instead, in poll turns of SIGS_WAIT_TURN_MS. Once an
 * EXIT signal came or *stop is true (stop may be NULL), `grace` more turns
 * without readiness end the wait. 1: ready, 0: told to stop.
 */
#define SIGS_WAIT_TURN_MS 200
int sigs_wait_fd(int fd, short events, const atomic_bool *stop, int grace);

#endif
