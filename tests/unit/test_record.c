/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_record: recordings round-trip, survive being cut, and files never replace what is not ours. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fatal.h"
#include "record.h"
#include "safefile.h"
#include "testutil.h"

static char dir[64];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/tcptop-rec.XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd);
}

static const char *in_dir(const char *name)
{
	static char path[4][160];
	static int k;

	k = (k + 1) % 4;
	snprintf(path[k], sizeof(path[k]), "%s/%s", dir, name);
	return path[k];
}

static void write_two_refreshes(struct recorder *w)
{
	recorder_meta(w, "hostname", "box");
	recorder_frame(w, 111, 222);
	recorder_netlink(w, 2, "abcde", 5);
	recorder_file(w, "net/netstat", "TcpExt: A\nTcpExt: 1\n", 20, 0);
	recorder_file(w, "sys/missing", NULL, 0, 2);
	recorder_end(w);
	recorder_frame(w, 333, 444);
	recorder_end(w);
}

static void check_two_refreshes(struct replay *r)
{
	const struct rec_frame *f;
	struct terr e;

	assert_string_equal(replay_meta(r, "hostname"), "box");
	assert_int_equal(replay_next(r, &f, &e), 1);
	assert_int_equal(f->mono_ns, 111);
	assert_int_equal(f->real_ns, 222);
	assert_int_equal(f->nnetlink, 1);
	assert_int_equal(f->netlink[0].len, 5);
	assert_memory_equal(f->netlink[0].data, "abcde", 5);
	assert_int_equal(replay_file(f, "net/netstat")->len, 20);
	assert_memory_equal(replay_file(f, "net/netstat")->data, "TcpExt: A\n", 10);
	assert_int_equal(replay_file(f, "sys/missing")->err, 2);
	assert_null(replay_file(f, "nope"));
	assert_int_equal(replay_next(r, &f, &e), 1);
	assert_int_equal(f->mono_ns, 333);
	assert_int_equal(replay_next(r, &f, &e), 0);
	assert_null(replay_note(r));
	assert_int_equal(replay_count(r), 2);
}

static void a_recording_reads_back_what_was_written_in_both_versions(void **state)
{
	struct terr e;

	(void)state;
	for (int v = 1; v <= 2; v++) {
		const char *path = in_dir(v == 1 ? "v1.rec" : "v2.rec");
		struct recorder *w = recorder_open_version(path, v, &e);
		struct replay *r;

		assert_non_null(w);
		write_two_refreshes(w);
		assert_int_equal(recorder_close(w, &e), 0);
		r = replay_open(path, NULL, NULL, &e);
		assert_non_null(r);
		assert_int_equal(replay_version(r), v);
		check_two_refreshes(r);
		replay_free(r);
	}
}

static void stepping_back_rewinds_to_the_same_refresh(void **state)
{
	struct terr e;
	struct replay *r;

	(void)state;
	r = replay_open(tu_fixture("states.rec"), NULL, NULL, &e);
	assert_non_null(r);
	assert_non_null(replay_frame(r, 1));
	uint64_t t1 = replay_frame(r, 1)->mono_ns;
	uint64_t t0 = replay_frame(r, 0)->mono_ns;
	assert_true(t0 < t1);
	assert_int_equal(replay_frame(r, 1)->mono_ns, t1);
	assert_int_equal(replay_frame(r, 0)->mono_ns, t0);
	assert_null(replay_frame(r, 99));
	replay_free(r);
}

static void bad_magic_and_newer_versions_are_refused(void **state)
{
	struct terr e = { { 0 } };

	(void)state;
	assert_null(replay_open_mem("hello world, not a recording", 28, &e));
	assert_non_null(strstr(e.msg, "bad magic"));
	assert_null(replay_open_mem("tcptop-record-9\n", 16, &e));
	assert_non_null(strstr(e.msg, "version 9"));
}

static void a_chunk_running_past_the_end_is_a_cut_not_a_crash(void **state)
{
	unsigned char buf[REC_MAGIC_LEN + 8] = REC_MAGIC_V1;
	uint32_t h[2] = { REC_FRAME, 1000 };
	struct terr e = { { 0 } };
	const struct rec_frame *f;
	struct replay *r;

	(void)state;
	memcpy(buf + REC_MAGIC_LEN, h, 8);
	r = replay_open_mem(buf, sizeof(buf), &e);
	assert_non_null(r);
	assert_int_equal(replay_next(r, &f, &e), 0);
	assert_non_null(strstr(replay_note(r), "ends inside refresh 1"));
	assert_non_null(strstr(replay_note(r), "claims 1000 bytes"));
	replay_free(r);
}

static void data_outside_a_frame_is_an_error_naming_the_offset(void **state)
{
	unsigned char buf[REC_MAGIC_LEN + 16] = REC_MAGIC_V1;
	uint32_t h[2] = { REC_NETLINK, 8 };
	struct terr e = { { 0 } };
	const struct rec_frame *f;
	struct replay *r;

	(void)state;
	memcpy(buf + REC_MAGIC_LEN, h, 8);
	r = replay_open_mem(buf, sizeof(buf), &e);
	assert_non_null(r);
	assert_int_equal(replay_next(r, &f, &e), -1);
	assert_non_null(strstr(e.msg, "outside a frame"));
	assert_non_null(strstr(e.msg, "offset 16"));
	replay_free(r);
}

/* Counts the whole refreshes a prefix of a recording replays; -1 if it was refused. */
static long replay_prefix(const char *all, size_t len, char *note, size_t notelen)
{
	struct terr e;
	const struct rec_frame *f;
	struct replay *r = replay_open_mem(all, len, &e);
	long n = 0;
	int rc;

	if (!r)
		return -1;
	while ((rc = replay_next(r, &f, &e)) == 1)
		n++;
	snprintf(note, notelen, "%s", replay_note(r) ? replay_note(r) : "");
	replay_free(r);
	return rc < 0 ? -1 : n;
}

static void a_recording_cut_at_any_byte_replays_every_whole_refresh_before_it(void **state)
{
	const char *path = in_dir("cut.rec");
	struct terr e;
	struct recorder *w = recorder_open(path, &e);
	uint64_t ends[6];
	char note[256];
	size_t len;
	char *all;

	(void)state;
	assert_non_null(w);
	recorder_meta(w, "hostname", "box");
	for (int i = 0; i < 6; i++) {
		char blob[3000];

		for (size_t k = 0; k < sizeof(blob); k++)
			blob[k] = (char)((k * 7 + (size_t)i) % 251);
		recorder_frame(w, (uint64_t)i, i);
		recorder_netlink(w, 2, blob, sizeof(blob));
		recorder_file(w, "net/netstat", blob, 100, 0);
		recorder_end(w);
		ends[i] = recorder_bytes(w);
	}
	/* killed here: no close, the file is what a SIGKILL leaves */
	all = tu_read(path, &len);
	assert_int_equal(len, ends[5]);
	for (size_t cut = REC_MAGIC_LEN; cut <= len; cut++) {
		long want = 0;

		for (int i = 0; i < 6; i++)
			want += ends[i] <= cut;
		assert_int_equal(replay_prefix(all, cut, note, sizeof(note)), want);
		if (cut > (want ? ends[want - 1] : REC_MAGIC_LEN)) {
			if (!strstr(note, "ends inside refresh"))
				fail_msg("cut at %zu (%ld whole, ends %lu %lu): note '%s'", cut,
					 want, (unsigned long)ends[0], (unsigned long)ends[1],
					 note);
		} else if (want) {
			assert_non_null(strstr(note, "not closed"));
		}
	}
	assert_non_null(strstr(note, "not closed"));
	free(all);
	assert_int_equal(recorder_close(w, &e), 0);
}

static void a_cut_version_1_fixture_keeps_its_complete_refreshes(void **state)
{
	size_t len;
	char *all = tu_read(tu_fixture("states.rec"), &len);
	char note[256];

	(void)state;
	assert_int_equal(replay_prefix(all, len, note, sizeof(note)), 2);
	assert_int_equal(replay_prefix(all, len - 100, note, sizeof(note)), 1);
	assert_non_null(strstr(note, "recording ends inside refresh 2 at offset"));
	free(all);
}

static void a_huge_sparse_file_is_refused_at_once_not_read_whole(void **state)
{
	static const char *const magics[] = { REC_MAGIC_V1, REC_MAGIC_V2 };
	struct terr e;

	(void)state;
	for (int v = 0; v < 2; v++) {
		const char *path = in_dir("sparse.rec");
		const struct rec_frame *f;
		struct replay *r;
		int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

		assert_true(fd >= 0);
		assert_int_equal(write(fd, magics[v], REC_MAGIC_LEN), REC_MAGIC_LEN);
		assert_int_equal(ftruncate(fd, (off_t)64 << 30), 0); /* 64 GiB of holes */
		close(fd);
		r = replay_open(path, NULL, NULL, &e);
		if (r) {
			assert_int_equal(replay_next(r, &f, &e), -1);
			replay_free(r);
		}
		assert_non_null(strstr(e.msg, "offset"));
		unlink(path);
	}
}

/*
 * A recorder on a FIFO, from a child racing its parent's reader: the
 * recorder refuses a FIFO nobody reads yet (it never blocks on one), so
 * this tries again, for 10 s at most, until the reader has opened it.
 */
static struct recorder *fifo_recorder(const char *path, struct terr *e)
{
	for (int tries = 0; tries < 2000; tries++) {
		struct recorder *w = recorder_open(path, e);

		if (w || !strstr(e->msg, "no process is reading it"))
			return w;
		usleep(5000);
	}
	return NULL;
}

static void a_fifo_replays_as_a_stream(void **state)
{
	const char *path = in_dir("fifo.rec");
	struct terr e;
	struct replay *r;
	pid_t pid;
	int st;

	(void)state;
	assert_int_equal(mkfifo(path, 0600), 0);
	/*
	 * Opening a FIFO to read waits for a writer: a child that fails before
	 * opening it opens it to close it (the reader sees an end and fails),
	 * and one that dies first is caught by the alarm, which fails the run.
	 */
	alarm(30);
	pid = fork();
	if (pid == 0) {
		struct recorder *w = fifo_recorder(path, &e);

		if (!w) {
			close(open(path, O_WRONLY));
			_exit(3);
		}
		write_two_refreshes(w);
		_exit(recorder_close(w, &e) < 0);
	}
	r = replay_open(path, NULL, NULL, &e);
	if (!r) {
		waitpid(pid, &st, 0);
		alarm(0);
		fail_msg("replay_open of the FIFO failed (%s); the writer exited with %d", e.msg,
			 WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	}
	check_two_refreshes(r);
	replay_free(r);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	alarm(0);
	assert_int_equal(st, 0);
}

static int waited;
static char waited_for[256];

static void note_wait(const char *shown)
{
	waited++;
	snprintf(waited_for, sizeof(waited_for), "%s", shown);
}

/*
 * A FIFO whose writer comes 0.6 s late: the owner is told once, with the
 * name, that the stream sends nothing yet; the replay then reads as usual.
 * A regular file never tells.
 */
static void a_stream_that_sends_nothing_yet_is_told_once(void **state)
{
	const char *path = in_dir("late.rec");
	struct terr e;
	struct replay *r;
	pid_t pid;
	int st;

	(void)state;
	assert_int_equal(mkfifo(path, 0600), 0);
	alarm(30);
	pid = fork();
	if (pid == 0) {
		struct recorder *w;

		usleep(600000);
		w = fifo_recorder(path, &e);
		if (!w) {
			close(open(path, O_WRONLY));
			_exit(3);
		}
		write_two_refreshes(w);
		_exit(recorder_close(w, &e) < 0);
	}
	waited = 0;
	r = replay_open(path, NULL, note_wait, &e);
	assert_non_null(r);
	assert_int_equal(waited, 1);
	assert_string_equal(waited_for, path);
	check_two_refreshes(r);
	assert_int_equal(waited, 1); /* only while the header was awaited */
	replay_free(r);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	alarm(0);
	assert_int_equal(st, 0);
	unlink(path);
	waited = 0;
	r = replay_open(tu_fixture("states.rec"), NULL, note_wait, &e);
	assert_non_null(r);
	replay_free(r);
	assert_int_equal(waited, 0);
}

/* Writes n refreshes whose mono time is their index (and a changing netlink blob); ends[i] after each. */
#define SEEK_N 70
static void write_numbered(struct recorder *w, int n, uint64_t *ends)
{
	recorder_meta(w, "hostname", "box");
	for (int i = 0; i < n; i++) {
		char blob[600];

		for (size_t k = 0; k < sizeof(blob); k++)
			blob[k] = (char)((k * 13 + (size_t)i * 7) % 251);
		recorder_frame(w, (uint64_t)i, 1000 + i);
		recorder_netlink(w, 2, blob, sizeof(blob));
		recorder_end(w);
		if (ends)
			ends[i] = recorder_bytes(w);
	}
}

static char *numbered_file(int version, bool close_it, size_t *len, uint64_t *ends)
{
	const char *path = in_dir(version == 1 ? "num1.rec" : "num2.rec");
	struct terr e;
	struct recorder *w;
	char *all;

	unlink(path);
	w = recorder_open_version(path, version, &e);
	assert_non_null(w);
	write_numbered(w, SEEK_N, ends);
	if (close_it)
		assert_int_equal(recorder_close(w, &e), 0);
	all = tu_read(path, len);
	if (!close_it)
		assert_int_equal(recorder_close(w, &e), 0);
	return all;
}

/* Seeks to i and reads it: its mono time (= i), or -1 with e set. */
static long seek_read(struct replay *r, size_t i, struct terr *e)
{
	const struct rec_frame *f;

	if (replay_seek(r, i, e) < 0)
		return -1;
	if (replay_next(r, &f, e) != 1)
		return -1;
	return (long)f->mono_ns;
}

static void seeking_forward_reads_ahead_to_the_refresh(void **state)
{
	struct terr e;

	(void)state;
	for (int v = 1; v <= 2; v++) {
		size_t len;
		char *all = numbered_file(v, true, &len, NULL);
		struct replay *r = replay_open_mem(all, len, &e);
		bool known;

		assert_non_null(r);
		assert_int_equal(seek_read(r, 0, &e), 0);
		assert_int_equal(seek_read(r, 45, &e), 45);
		assert_int_equal(replay_count(r), 46);
		assert_int_equal(replay_seen(r, &known), 46);
		assert_false(known); /* the end is not seen yet */
		assert_int_equal(seek_read(r, 46, &e), 46);
		assert_int_equal(seek_read(r, 69, &e), 69);
		replay_free(r);
		free(all);
	}
}

static void seeking_back_gives_the_same_refresh_again_across_zstd_frames(void **state)
{
	static const size_t back[] = { 65, 3, 31, 30, 29, 60, 59, 0, 69, 1 };
	struct terr e;

	(void)state;
	for (int v = 1; v <= 2; v++) {
		size_t len;
		char *all = numbered_file(v, true, &len, NULL);
		struct replay *r = replay_open_mem(all, len, &e);
		const struct rec_frame *f;

		assert_non_null(r);
		assert_int_equal(seek_read(r, 66, &e), 66);
		for (size_t k = 0; k < sizeof(back) / sizeof(back[0]); k++) {
			assert_int_equal(seek_read(r, back[k], &e), (long)back[k]);
			/* and the refresh after it follows on, decoded from there */
			assert_int_equal(replay_next(r, &f, &e), back[k] + 1 < SEEK_N);
			if (back[k] + 1 < SEEK_N)
				assert_int_equal(f->mono_ns, back[k] + 1);
		}
		assert_string_equal(replay_meta(r, "hostname"), "box");
		replay_free(r);
		free(all);
	}
}

/*
 * Going back starts from the nearest independent point, not from the first
 * byte: once read, garbage over the first refreshes does not stop a seek to
 * a later zstd frame (version 2) or refresh (version 1), and a seek into the
 * garbage is one error naming the offset.
 */
static void seeking_back_starts_from_the_nearest_point_not_the_start(void **state)
{
	struct terr e;

	(void)state;
	for (int v = 1; v <= 2; v++) {
		size_t len;
		char *all = numbered_file(v, true, &len, NULL);
		struct replay *r = replay_open_mem(all, len, &e);

		assert_non_null(r);
		assert_int_equal(seek_read(r, 69, &e), 69);
		memset(all + REC_MAGIC_LEN, 0x5a, 400);
		assert_int_equal(seek_read(r, 65, &e), 65);
		assert_int_equal(seek_read(r, 31, &e), 31);
		assert_int_equal(seek_read(r, 0, &e), -1);
		assert_non_null(strstr(e.msg, "offset"));
		replay_free(r);
		free(all);
	}
}

static void seeking_beyond_the_end_says_how_many_there_are(void **state)
{
	struct terr e = { { 0 } };

	(void)state;
	for (int v = 1; v <= 2; v++) {
		size_t len;
		char *all = numbered_file(v, true, &len, NULL);
		struct replay *r = replay_open_mem(all, len, &e);
		bool known;

		assert_non_null(r);
		assert_int_equal(seek_read(r, 100, &e), -1);
		assert_non_null(strstr(e.msg, "holds 70 refreshes: there is no refresh 101"));
		assert_int_equal(replay_seen(r, &known), SEEK_N);
		assert_true(known);
		assert_int_equal(seek_read(r, 70, &e), -1);
		/* from the end, back to the last one */
		assert_int_equal(seek_read(r, 69, &e), 69);
		assert_null(replay_note(r));
		replay_free(r);
		free(all);
	}
}

static void seeking_in_a_cut_file_stops_at_its_last_whole_refresh(void **state)
{
	struct terr e = { { 0 } };
	uint64_t ends[SEEK_N];

	(void)state;
	for (int v = 1; v <= 2; v++) {
		size_t len;
		char *all = numbered_file(v, false, &len, ends);
		/* killed in the middle of refresh 51 (index 50) */
		size_t cut = (size_t)(ends[49] + (ends[50] - ends[49]) / 2);
		struct replay *r = replay_open_mem(all, cut, &e);
		bool known;

		assert_non_null(r);
		assert_int_equal(len, ends[SEEK_N - 1]);
		assert_int_equal(seek_read(r, 49, &e), 49);
		assert_int_equal(seek_read(r, 55, &e), -1);
		assert_non_null(strstr(e.msg, "holds 50 refreshes"));
		assert_int_equal(replay_seen(r, &known), 50);
		assert_true(known);
		assert_non_null(replay_note(r));
		assert_non_null(strstr(replay_note(r), "ends inside refresh 51"));
		assert_int_equal(seek_read(r, 10, &e), 10);
		assert_int_equal(seek_read(r, 49, &e), 49);
		/* the note stays true after going back */
		assert_non_null(strstr(replay_note(r), "ends inside refresh 51"));
		replay_free(r);
		free(all);
	}
}

/*
 * Whatever the file (whole, cut, damaged) and whatever order the seeks come
 * in, a seek to i gives what reading in order gave as refresh i, and fails
 * exactly where reading in order stopped.
 */
static void random_seeks_agree_with_reading_in_order(void **state)
{
	struct terr e;
	unsigned seed = 12345;

	(void)state;
	for (int v = 1; v <= 2; v++) {
		size_t len;
		uint64_t ends[SEEK_N];
		char *all = numbered_file(v, false, &len, ends);

		for (int variant = 0; variant < 6; variant++) {
			size_t use = len;
			char *copy = malloc(len);
			long order[SEEK_N + 1];
			size_t good = 0;
			const struct rec_frame *f;
			struct replay *r;

			memcpy(copy, all, len);
			if (variant == 1 || variant == 2)
				use = (size_t)(ends[variant * 20] - 7); /* cut inside a refresh */
			if (variant >= 3 && v == 1) {
				/* a chunk type no tcptop writes, where a refresh starts */
				size_t at = (size_t)ends[(size_t)rand_r(&seed) % (SEEK_N - 2)];

				memset(copy + at, 0x77, 4);
			} else if (variant >= 3) {
				/* compressed bytes flipped somewhere after the first refresh */
				size_t at = (size_t)ends[0] +
					    (size_t)rand_r(&seed) % (len - ends[0] - 8);

				for (int k = 0; k < 6; k++)
					copy[at + (size_t)k] ^= (char)(0x5a + k);
			}
			r = replay_open_mem(copy, use, &e);
			assert_non_null(r);
			while (good <= SEEK_N && replay_next(r, &f, &e) == 1)
				order[good++] = (long)f->mono_ns;
			if (variant >= 1)
				assert_true(good < SEEK_N); /* the cut or the damage is found */
			for (int k = 0; k < 300; k++) {
				size_t i = (size_t)rand_r(&seed) % (SEEK_N + 5);
				long got = seek_read(r, i, &e);

				if (i < good && got != order[i])
					fail_msg("v%d variant %d: seek to %zu gave %ld, in order "
						 "%ld",
						 v, variant, i, got, order[i]);
				if (i >= good && got != -1)
					fail_msg("v%d variant %d: seek to %zu past the %zu good "
						 "ones "
						 "gave %ld",
						 v, variant, i, good, got);
			}
			replay_free(r);
			free(copy);
		}
		free(all);
	}
}

static void a_stream_refuses_to_seek_back_but_steps_forward(void **state)
{
	const char *path = in_dir("seekfifo.rec");
	struct terr e = { { 0 } };
	struct replay *r;
	pid_t pid;
	int st;

	(void)state;
	assert_int_equal(mkfifo(path, 0600), 0);
	alarm(30); /* a child that never writes fails the run, never hangs it */
	pid = fork();
	if (pid == 0) {
		struct recorder *w = fifo_recorder(path, &e);

		if (!w) {
			close(open(path, O_WRONLY)); /* the reader sees an end, not a wait */
			_exit(3);
		}
		write_numbered(w, 5, NULL);
		_exit(recorder_close(w, &e) < 0);
	}
	r = replay_open(path, NULL, NULL, &e);
	assert_non_null(r);
	assert_false(replay_can_go_back(r));
	assert_int_equal(seek_read(r, 0, &e), 0);
	assert_int_equal(seek_read(r, 2, &e), 2);
	assert_int_equal(seek_read(r, 1, &e), -1);
	assert_non_null(strstr(e.msg, "is a stream: it cannot go back"));
	assert_int_equal(seek_read(r, 3, &e), 3);
	assert_int_equal(seek_read(r, 4, &e), 4);
	assert_int_equal(seek_read(r, 6, &e), -1); /* read to the writer's clean end */
	assert_non_null(strstr(e.msg, "holds 5 refreshes"));
	replay_free(r);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	alarm(0);
	assert_int_equal(st, 0);
}

static mode_t mode_of(const char *path)
{
	struct stat st;

	assert_int_equal(lstat(path, &st), 0);
	return st.st_mode;
}

static void new_files_are_0600_for_recordings_and_umask_masked_for_snapshots(void **state)
{
	const char *rec = in_dir("new.rec"), *snap = in_dir("new.txt");
	struct terr e;
	struct recorder *w;
	mode_t old = umask(027);

	(void)state;
	w = recorder_open(rec, &e);
	assert_non_null(w);
	assert_int_equal(recorder_close(w, &e), 0);
	assert_int_equal(safefile_write(snap, "x", 1, &e), 0);
	umask(old);
	assert_int_equal(mode_of(rec) & 07777, 0600);
	assert_int_equal(mode_of(snap) & 07777, 0640);
}

static void an_existing_file_keeps_its_owner_and_mode(void **state)
{
	const char *path = in_dir("kept.txt");
	struct terr e;
	struct stat st;

	(void)state;
	assert_int_equal(safefile_write(path, "one", 3, &e), 0);
	assert_int_equal(chmod(path, 0604), 0);
	if (geteuid() == 0)
		assert_int_equal(chown(path, 4321, 4322), 0);
	assert_int_equal(safefile_write(path, "two", 3, &e), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0604);
	if (geteuid() == 0) {
		assert_int_equal(st.st_uid, 4321);
		assert_int_equal(st.st_gid, 4322);
	}
	/* a recording over it too */
	struct recorder *w = recorder_open(path, &e);
	assert_non_null(w);
	assert_int_equal(recorder_close(w, &e), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0604);
}

static void device_nodes_are_written_as_streams_never_replaced(void **state)
{
	struct terr e = { { 0 } };
	struct recorder *w;

	(void)state;
	assert_int_equal(safefile_write("/dev/null", "snapshot", 8, &e), 0);
	assert_true(S_ISCHR(mode_of("/dev/null")));
	w = recorder_open("/dev/null", &e);
	assert_non_null(w);
	write_two_refreshes(w);
	assert_int_equal(recorder_close(w, &e), 0);
	assert_true(S_ISCHR(mode_of("/dev/null")));
	/* /dev/full reports the failure instead of "written" */
	assert_int_equal(safefile_write("/dev/full", "snapshot", 8, &e), -1);
	assert_non_null(strstr(e.msg, "/dev/full"));
	assert_non_null(strstr(e.msg, strerror(ENOSPC)));
	assert_true(S_ISCHR(mode_of("/dev/full")));
}

static void a_fifo_without_a_reader_is_one_line_not_a_hang(void **state)
{
	const char *path = in_dir("noreader");
	struct terr e = { { 0 } };

	(void)state;
	assert_int_equal(mkfifo(path, 0600), 0);
	assert_int_equal(safefile_write(path, "x", 1, &e), -1);
	assert_non_null(strstr(e.msg, "no process is reading"));
	assert_true(S_ISFIFO(mode_of(path)));
}

static void directories_and_empty_names_are_refused(void **state)
{
	struct terr e = { { 0 } };

	(void)state;
	assert_int_equal(safefile_write(dir, "x", 1, &e), -1);
	assert_non_null(strstr(e.msg, "directory"));
	assert_int_equal(safefile_write("", "x", 1, &e), -1);
	assert_string_equal(e.msg, "empty file name");
	assert_null(recorder_open("", &e));
	assert_string_equal(e.msg, "empty file name");
}

static void a_symlink_at_the_target_is_not_followed(void **state)
{
	const char *path = in_dir("snap.txt"), *target = in_dir("victim");
	struct terr e = { { 0 } };
	char *got;
	size_t len;

	(void)state;
	assert_int_equal(safefile_write(target, "precious", 8, &e), 0);
	assert_int_equal(symlink(target, path), 0);
	assert_int_equal(safefile_write(path, "snapshot", 8, &e), -1);
	assert_non_null(strstr(e.msg, "symlink"));
	assert_null(recorder_open(path, &e));
	got = tu_read(target, &len);
	assert_string_equal(got, "precious");
	free(got);
	assert_true(S_ISLNK(mode_of(path)));
}

static void a_symlink_someone_else_owns_is_not_followed_in_a_parent(void **state)
{
	const char *real = in_dir("realdir"), *link = in_dir("linkdir");
	char via[200];
	struct terr e = { { 0 } };

	(void)state;
	if (geteuid() != 0)
		skip();
	assert_int_equal(mkdir(real, 0700), 0);
	assert_int_equal(symlink(real, link), 0);
	snprintf(via, sizeof(via), "%s/x.txt", link);
	/* ours: followed */
	assert_int_equal(safefile_write(via, "x", 1, &e), 0);
	/* someone else's: not */
	assert_int_equal(lchown(link, 4321, 4321), 0);
	assert_int_equal(safefile_write(via, "y", 1, &e), -1);
	assert_non_null(strstr(e.msg, "owned by uid 4321"));
	assert_null(recorder_open(via, &e));
}

static void unwritable_directory_is_an_error_with_the_path(void **state)
{
	struct terr e = { { 0 } };

	(void)state;
	assert_int_equal(safefile_write("/nonexistent-dir/x.txt", "a", 1, &e), -1);
	assert_non_null(strstr(e.msg, "/nonexistent-dir/x.txt"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_recording_reads_back_what_was_written_in_both_versions),
		cmocka_unit_test(stepping_back_rewinds_to_the_same_refresh),
		cmocka_unit_test(bad_magic_and_newer_versions_are_refused),
		cmocka_unit_test(a_chunk_running_past_the_end_is_a_cut_not_a_crash),
		cmocka_unit_test(data_outside_a_frame_is_an_error_naming_the_offset),
		cmocka_unit_test(a_recording_cut_at_any_byte_replays_every_whole_refresh_before_it),
		cmocka_unit_test(a_cut_version_1_fixture_keeps_its_complete_refreshes),
		cmocka_unit_test(a_huge_sparse_file_is_refused_at_once_not_read_whole),
		cmocka_unit_test(a_fifo_replays_as_a_stream),
		cmocka_unit_test(a_stream_that_sends_nothing_yet_is_told_once),
		cmocka_unit_test(seeking_forward_reads_ahead_to_the_refresh),
		cmocka_unit_test(seeking_back_gives_the_same_refresh_again_across_zstd_frames),
		cmocka_unit_test(seeking_back_starts_from_the_nearest_point_not_the_start),
		cmocka_unit_test(seeking_beyond_the_end_says_how_many_there_are),
		cmocka_unit_test(seeking_in_a_cut_file_stops_at_its_last_whole_refresh),
		cmocka_unit_test(random_seeks_agree_with_reading_in_order),
		cmocka_unit_test(a_stream_refuses_to_seek_back_but_steps_forward),
		cmocka_unit_test(new_files_are_0600_for_recordings_and_umask_masked_for_snapshots),
		cmocka_unit_test(an_existing_file_keeps_its_owner_and_mode),
		cmocka_unit_test(device_nodes_are_written_as_streams_never_replaced),
		cmocka_unit_test(a_fifo_without_a_reader_is_one_line_not_a_hang),
		cmocka_unit_test(directories_and_empty_names_are_refused),
		cmocka_unit_test(a_symlink_at_the_target_is_not_followed),
		cmocka_unit_test(a_symlink_someone_else_owns_is_not_followed_in_a_parent),
		cmocka_unit_test(unwritable_directory_is_an_error_with_the_path),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
