/* test_record: recordings round-trip, and broken ones are refused with a reason. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

static void a_recording_reads_back_what_was_written(void **state)
{
	char path[128];
	struct terr e;
	struct recorder *w;
	struct replay *r;
	const struct rec_frame *f;

	(void)state;
	snprintf(path, sizeof(path), "%s/a.rec", dir);
	w = recorder_open(path, &e);
	assert_non_null(w);
	recorder_meta(w, "hostname", "box");
	recorder_frame(w, 111, 222);
	recorder_netlink(w, 2, "abcde", 5);
	recorder_file(w, "net/netstat", "TcpExt: A\nTcpExt: 1\n", 20, 0);
	recorder_file(w, "sys/missing", NULL, 0, 2);
	recorder_end(w);
	recorder_frame(w, 333, 444);
	recorder_end(w);
	assert_int_equal(recorder_close(w, &e), 0);

	r = replay_open(path, &e);
	assert_non_null(r);
	assert_string_equal(replay_meta(r, "hostname"), "box");
	assert_int_equal(replay_nframes(r), 2);
	f = replay_frame(r, 0);
	assert_int_equal(f->mono_ns, 111);
	assert_int_equal(f->real_ns, 222);
	assert_int_equal(f->nnetlink, 1);
	assert_int_equal(f->netlink[0].len, 5);
	assert_memory_equal(f->netlink[0].data, "abcde", 5);
	assert_int_equal(replay_file(f, "net/netstat")->len, 20);
	assert_int_equal(replay_file(f, "sys/missing")->err, 2);
	assert_null(replay_file(f, "nope"));
	assert_int_equal(replay_frame(r, 1)->mono_ns, 333);
	assert_null(replay_frame(r, 2));
	replay_free(r);
}

static struct replay *parse_bytes(const void *data, size_t len, struct terr *e)
{
	void *copy = xmalloc(len);

	memcpy(copy, data, len);
	return replay_parse(copy, len, e);
}

static void bad_magic_is_refused(void **state)
{
	struct terr e = { { 0 } };

	(void)state;
	assert_null(parse_bytes("hello world, not a recording", 28, &e));
	assert_non_null(strstr(e.msg, "bad magic"));
}

static void chunk_running_past_the_end_is_refused(void **state)
{
	unsigned char buf[REC_MAGIC_LEN + 8] = REC_MAGIC;
	uint32_t h[2] = { REC_FRAME, 1000 };
	struct terr e = { { 0 } };

	(void)state;
	memcpy(buf + REC_MAGIC_LEN, h, 8);
	assert_null(parse_bytes(buf, sizeof(buf), &e));
	assert_non_null(strstr(e.msg, "claims 1000 bytes"));
}

static void data_outside_a_frame_is_refused(void **state)
{
	unsigned char buf[REC_MAGIC_LEN + 16] = REC_MAGIC;
	uint32_t h[2] = { REC_NETLINK, 8 };
	struct terr e = { { 0 } };

	(void)state;
	memcpy(buf + REC_MAGIC_LEN, h, 8);
	assert_null(parse_bytes(buf, sizeof(buf), &e));
	assert_non_null(strstr(e.msg, "outside a frame"));
}

static void a_cut_recording_keeps_its_complete_frames(void **state)
{
	size_t len;
	char *all = tu_read(tu_fixture("states.rec"), &len);
	struct terr e;
	struct replay *r;

	(void)state;
	/* cut in the middle of the second frame: the first survives */
	r = parse_bytes(all, len - 100, &e);
	if (!r) {
		/* the cut may land inside a chunk header: that is a clean refusal too */
		assert_non_null(strstr(e.msg, "chunk"));
	} else {
		assert_int_equal(replay_nframes(r), 1);
		replay_free(r);
	}
	free(all);
}

static void snapshot_never_writes_through_a_planted_symlink(void **state)
{
	char path[128], target[128], buf[64];
	struct terr e;
	FILE *f;

	(void)state;
	snprintf(path, sizeof(path), "%s/snap.txt", dir);
	snprintf(target, sizeof(target), "%s/victim", dir);
	f = fopen(target, "w");
	fputs("precious", f);
	fclose(f);
	assert_int_equal(symlink(target, path), 0);
	assert_int_equal(safefile_write(path, "snapshot", 8, &e), 0);
	/* the link was replaced by a file; its target is untouched */
	f = fopen(target, "r");
	assert_non_null(fgets(buf, sizeof(buf), f));
	fclose(f);
	assert_string_equal(buf, "precious");
	f = fopen(path, "r");
	assert_non_null(fgets(buf, sizeof(buf), f));
	fclose(f);
	assert_string_equal(buf, "snapshot");
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
		cmocka_unit_test(a_recording_reads_back_what_was_written),
		cmocka_unit_test(bad_magic_is_refused),
		cmocka_unit_test(chunk_running_past_the_end_is_refused),
		cmocka_unit_test(data_outside_a_frame_is_refused),
		cmocka_unit_test(a_cut_recording_keeps_its_complete_frames),
		cmocka_unit_test(snapshot_never_writes_through_a_planted_symlink),
		cmocka_unit_test(unwritable_directory_is_an_error_with_the_path),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
