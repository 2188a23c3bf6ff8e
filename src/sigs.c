/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sigs: the signal table and its handlers (see sigs.h). */
#include "sigs.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>

static const struct sig_row {
	int sig;
	const char *name;
	enum sigs_action action;
} table[] = {
	{ .sig = SIGINT, .name = "INT", .action = SIGS_EXIT },
	{ .sig = SIGTERM, .name = "TERM", .action = SIGS_EXIT },
	{ .sig = SIGHUP, .name = "HUP", .action = SIGS_EXIT },
	{ .sig = SIGWINCH, .name = "WINCH", .action = SIGS_NOTIFY },
	{ .sig = SIGCONT, .name = "CONT", .action = SIGS_NOTIFY },
	{ .sig = SIGTSTP, .name = "TSTP", .action = SIGS_STOP },
	{ .sig = SIGPIPE, .name = "PIPE", .action = SIGS_IGNORE },
	{ .sig = SIGQUIT, .name = "QUIT", .action = SIGS_FATAL },
	{ .sig = SIGUSR1, .name = "USR1", .action = SIGS_FATAL },
	{ .sig = SIGUSR2, .name = "USR2", .action = SIGS_FATAL },
	{ .sig = SIGALRM, .name = "ALRM", .action = SIGS_FATAL },
	{ .sig = SIGVTALRM, .name = "VTALRM", .action = SIGS_FATAL },
	{ .sig = SIGPROF, .name = "PROF", .action = SIGS_FATAL },
	{ .sig = SIGXCPU, .name = "XCPU", .action = SIGS_FATAL },
	{ .sig = SIGXFSZ, .name = "XFSZ", .action = SIGS_FATAL },
	{ .sig = SIGSEGV, .name = "SEGV", .action = SIGS_FATAL },
	{ .sig = SIGBUS, .name = "BUS", .action = SIGS_FATAL },
	{ .sig = SIGFPE, .name = "FPE", .action = SIGS_FATAL },
	{ .sig = SIGILL, .name = "ILL", .action = SIGS_FATAL },
	{ .sig = SIGABRT, .name = "ABRT", .action = SIGS_FATAL },
	{ .sig = SIGTRAP, .name = "TRAP", .action = SIGS_FATAL },
	{ .sig = SIGSYS, .name = "SYS", .action = SIGS_FATAL },
};
#define NROWS (sizeof(table) / sizeof(table[0]))

/* Written by handlers, read by the loop: sig_atomic_t and set once before any signal. */
static volatile sig_atomic_t exit_sig;
static volatile sig_atomic_t notify_pending[NROWS];
static void (*restore_hook)(void);
static int wake_fd = -1;

static size_t row_of(int sig)
{
	for (size_t i = 0; i < NROWS; i++)
		if (table[i].sig == sig)
			return i;
	return NROWS;
}

enum sigs_action sigs_action_of(int sig)
{
	size_t i = row_of(sig);

	return i < NROWS ? table[i].action : SIGS_DEFAULT;
}

const char *sigs_name(int sig)
{
	size_t i = row_of(sig);

	return i < NROWS ? table[i].name : "?";
}

static void wake(int sig)
{
	unsigned char b = (unsigned char)sig;

	if (wake_fd >= 0 && write(wake_fd, &b, 1) < 0) {
		/* a full pipe already holds a wake-up */
	}
}

static void on_notify(int sig)
{
	int saved = errno;
	size_t i = row_of(sig);

	if (table[i].action == SIGS_EXIT) {
		if (!exit_sig)
			exit_sig = sig;
	} else {
		notify_pending[i] = 1;
	}
	wake(sig);
	errno = saved;
}

static void on_stop(int sig)
{
	int saved = errno;

	(void)sig;
	if (restore_hook)
		restore_hook();
	raise(SIGSTOP);
	/* continued: the loop redraws as for CONT */
	on_notify(SIGCONT);
	errno = saved;
}

static void on_fatal(int sig)
{
	if (restore_hook)
		restore_hook();
	/* SA_RESETHAND put the default back: the signal acts as if we were never here */
	raise(sig);
}

void sigs_install(const struct sigs_cfg *cfg)
{
	restore_hook = cfg->restore;
	wake_fd = cfg->wake_fd;
	for (size_t i = 0; i < NROWS; i++) {
		struct sigaction sa, old;

		/* ignored by who started us (nohup, a background job): it stays ignored */
		if (sigaction(table[i].sig, NULL, &old) == 0 && old.sa_handler == SIG_IGN)
			continue;
		memset(&sa, 0, sizeof(sa));
		sigemptyset(&sa.sa_mask);
		switch (table[i].action) {
		case SIGS_EXIT:
			sa.sa_handler = on_notify;
			sa.sa_flags = SA_RESTART;
			break;
		case SIGS_NOTIFY:
			if (!cfg->restore)
				continue;
			sa.sa_handler = on_notify;
			sa.sa_flags = SA_RESTART;
			break;
		case SIGS_STOP:
			if (!cfg->restore)
				continue;
			sa.sa_handler = on_stop;
			sa.sa_flags = SA_RESTART;
			break;
		case SIGS_IGNORE:
			sa.sa_handler = SIG_IGN;
			break;
		case SIGS_FATAL:
			if (!cfg->restore)
				continue;
			sa.sa_handler = on_fatal;
			sa.sa_flags = SA_RESETHAND | SA_NODEFER;
			break;
		default:
			continue;
		}
		sigaction(table[i].sig, &sa, NULL);
	}
}

int sigs_exit_signal(void)
{
	return exit_sig;
}

int sigs_take_notify(void)
{
	for (size_t i = 0; i < NROWS; i++)
		if (notify_pending[i]) {
			notify_pending[i] = 0;
			return table[i].sig;
		}
	return 0;
}

int sigs_wait_fd(int fd, short events, const atomic_bool *stop, int grace)
{
	struct pollfd pfd = { .fd = fd, .events = events };
	int stopping = 0;

	for (;;) {
		int n = poll(&pfd, 1, SIGS_WAIT_TURN_MS);

		if (n > 0 || (n < 0 && errno != EINTR))
			return 1; /* ready, or an error the read or write will name */
		if ((exit_sig || (stop && atomic_load(stop))) && stopping++ >= grace)
			return 0;
	}
}
