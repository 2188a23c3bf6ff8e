/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_sigs: every signal that ends tcptop puts the terminal back first; TSTP stops and CONT resumes. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sigs.h"

/* The child's "terminal": the restore hook writes 'R' here (async-signal-safe). */
static int marker_fd = -1;

static void restore(void)
{
	if (write(marker_fd, "R", 1) < 0) {
		/* the test sees the missing byte */
	}
}

/* A child with the TUI's table installed, idling in a loop that reports what it sees. */
static pid_t child(int marker[2], int wake[2])
{
	pid_t pid = fork();

	if (pid == 0) {
		struct rlimit no_core = { 0, 0 };

		setrlimit(RLIMIT_CORE, &no_core);
		marker_fd = marker[1];
		sigs_install(&(struct sigs_cfg){ .restore = restore, .wake_fd = wake[1] });
		if (write(marker[1], "I", 1) != 1)
			_exit(3);
		for (;;) {
			int s;

			char b[16];
			struct pollfd pfd = { .fd = wake[0], .events = POLLIN };

			/* as the real loops do: the wake pipe, never pause() (a signal between
			 * the checks and pause() would be lost) */
			ssize_t n;

			poll(&pfd, 1, -1);
			n = read(wake[0], b, sizeof(b));
			if ((s = sigs_take_notify()) &&
			    write(marker[1], s == SIGCONT ? "C" : "N", 1) < 0)
				_exit(3);
			/* the byte that woke the loop is the signal's number */
			if (sigs_exit_signal() && n > 0 && write(marker[1], b, 1) == 1)
				_exit(100 + sigs_exit_signal());
		}
	}
	return pid;
}

static void wait_byte(int fd, char want)
{
	char b = 0;

	assert_int_equal(read(fd, &b, 1), 1);
	assert_int_equal(b, want);
}

static void pipes(int marker[2], int wake[2])
{
	assert_int_equal(pipe(marker), 0);
	assert_int_equal(pipe2(wake, O_NONBLOCK), 0);
}

static void every_fatal_signal_restores_the_terminal_and_keeps_its_own_end(void **state)
{
	static const int fatal[] = { SIGQUIT, SIGUSR1, SIGUSR2, SIGALRM, SIGVTALRM,
				     SIGPROF, SIGXCPU, SIGXFSZ, SIGSEGV, SIGBUS,
				     SIGFPE,  SIGILL,  SIGABRT, SIGTRAP, SIGSYS };

	(void)state;
	for (size_t i = 0; i < sizeof(fatal) / sizeof(fatal[0]); i++) {
		int marker[2], wake[2], st;
		pid_t pid;

		pipes(marker, wake);
		pid = child(marker, wake);
		wait_byte(marker[0], 'I');
		assert_int_equal(sigs_action_of(fatal[i]), SIGS_FATAL);
		kill(pid, fatal[i]);
		assert_int_equal(waitpid(pid, &st, 0), pid);
		wait_byte(marker[0], 'R');
		if (!WIFSIGNALED(st) || WTERMSIG(st) != fatal[i])
			fail_msg("SIG%s: child ended with status %#x", sigs_name(fatal[i]), st);
		close(marker[0]);
		close(marker[1]);
		close(wake[0]);
		close(wake[1]);
	}
}

static void int_term_hup_stop_the_loop_which_closes_cleanly(void **state)
{
	static const int ends[] = { SIGINT, SIGTERM, SIGHUP };

	(void)state;
	for (size_t i = 0; i < sizeof(ends) / sizeof(ends[0]); i++) {
		int marker[2], wake[2], st;
		pid_t pid;

		pipes(marker, wake);
		pid = child(marker, wake);
		wait_byte(marker[0], 'I');
		kill(pid, ends[i]);
		assert_int_equal(waitpid(pid, &st, 0), pid);
		assert_true(WIFEXITED(st));
		assert_int_equal(WEXITSTATUS(st), 100 + ends[i]);
		wait_byte(marker[0], (char)ends[i]);
		close(marker[0]);
		close(marker[1]);
		close(wake[0]);
		close(wake[1]);
	}
}

static void tstp_restores_and_stops_and_cont_resumes(void **state)
{
	int marker[2], wake[2], st;
	pid_t pid;

	(void)state;
	pipes(marker, wake);
	pid = child(marker, wake);
	wait_byte(marker[0], 'I');
	kill(pid, SIGTSTP);
	assert_int_equal(waitpid(pid, &st, WUNTRACED), pid);
	assert_true(WIFSTOPPED(st));
	wait_byte(marker[0], 'R'); /* terminal put back before stopping */
	kill(pid, SIGCONT);
	wait_byte(marker[0], 'C'); /* the loop is told to redraw */
	kill(pid, SIGTERM);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	close(marker[0]);
	close(marker[1]);
	close(wake[0]);
	close(wake[1]);
}

/* A stalled stream: its owner's stop ends the wait (after grace turns); bytes make it ready. */
static void a_wait_on_a_stalled_stream_ends_when_told_to_stop(void **state)
{
	int fd[2];
	atomic_bool stop;

	(void)state;
	assert_int_equal(pipe(fd), 0);
	atomic_init(&stop, true);
	assert_int_equal(sigs_wait_fd(fd[0], POLLIN, &stop, 0), 0);
	assert_int_equal(sigs_wait_fd(fd[0], POLLIN, &stop, 2), 0);
	assert_int_equal(write(fd[1], "x", 1), 1);
	assert_int_equal(sigs_wait_fd(fd[0], POLLIN, &stop, 0), 1);
	assert_int_equal(sigs_wait_fd(fd[1], POLLOUT, &stop, 0), 1);
	close(fd[0]);
	close(fd[1]);
}

static void an_inherited_ignore_is_kept(void **state)
{
	int marker[2], wake[2], st;
	pid_t pid;

	(void)state;
	pipes(marker, wake);
	signal(SIGHUP, SIG_IGN); /* as nohup leaves it; the child inherits it */
	pid = child(marker, wake);
	signal(SIGHUP, SIG_DFL);
	wait_byte(marker[0], 'I');
	kill(pid, SIGHUP);
	usleep(100000);
	assert_int_equal(waitpid(pid, &st, WNOHANG), 0); /* still running */
	kill(pid, SIGTERM);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_int_equal(WEXITSTATUS(st), 100 + SIGTERM);
	close(marker[0]);
	close(marker[1]);
	close(wake[0]);
	close(wake[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_fatal_signal_restores_the_terminal_and_keeps_its_own_end),
		cmocka_unit_test(int_term_hup_stop_the_loop_which_closes_cleanly),
		cmocka_unit_test(tstp_restores_and_stops_and_cont_resumes),
		cmocka_unit_test(an_inherited_ignore_is_kept),
		cmocka_unit_test(a_wait_on_a_stalled_stream_ends_when_told_to_stop),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
