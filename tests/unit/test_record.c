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
		r = replay_open(path, &e);
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
	r = replay_open(tu_fixture("states.rec"), &e);
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
		r = replay_open(path, &e);
		if (r) {
			assert_int_equal(replay_next(r, &f, &e), -1);
			replay_free(r);
		}
		assert_non_null(strstr(e.msg, "offset"));
		unlink(path);
	}
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
	pid = fork();
	if (pid == 0) {
		struct recorder *w = recorder_open(path, &e);

		if (!w)
			_exit(3);
		write_two_refreshes(w);
		_exit(recorder_close(w, &e) < 0);
	}
	r = replay_open(path, &e);
	assert_non_null(r);
	check_two_refreshes(r);
	replay_free(r);
	assert_int_equal(waitpid(pid, &st, 0), pid);
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
