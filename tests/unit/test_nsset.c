/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_nsset: cgroup paths name the container or pod holding a namespace; everything else names none. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nsset.h"
#include "readall.h"
#include "tunables.h"

#define HEX64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static int parse(const char *text, char *out, size_t n)
{
	return nsset_cgroup_name(text, strlen(text), out, n);
}

static void docker_systemd_scope_is_its_short_id(void **state)
{
	char n[64];

	(void)state;
	assert_int_equal(parse("0::/system.slice/docker-" HEX64 ".scope\n", n, sizeof(n)), 1);
	assert_string_equal(n, "docker:0123456789ab");
}

static void docker_cgroupfs_directory_is_its_short_id(void **state)
{
	char n[64];

	(void)state;
	assert_int_equal(parse("0::/docker/" HEX64 "\n", n, sizeof(n)), 1);
	assert_string_equal(n, "docker:0123456789ab");
	/* cgroup v1: the first controller line that names one */
	assert_int_equal(parse("12:pids:/docker/" HEX64 "\n11:cpu,cpuacct:/docker/" HEX64 "\n", n,
			       sizeof(n)),
			 1);
	assert_string_equal(n, "docker:0123456789ab");
}

static void containerd_and_crio_scopes(void **state)
{
	char n[64];

	(void)state;
	assert_int_equal(parse("0::/system.slice/cri-containerd-" HEX64 ".scope", n, sizeof(n)), 1);
	assert_string_equal(n, "containerd:0123456789ab");
	assert_int_equal(parse("0::/machine.slice/crio-" HEX64 ".scope\n", n, sizeof(n)), 1);
	assert_string_equal(n, "cri-o:0123456789ab");
	/* conmon, CRI-O's monitor, is no container */
	assert_int_equal(parse("0::/machine.slice/crio-conmon-" HEX64 ".scope\n", n, sizeof(n)), 0);
}

static void podman_libpod_scope(void **state)
{
	char n[64];

	(void)state;
	assert_int_equal(
		parse("0::/machine.slice/libpod-" HEX64 ".scope/container\n", n, sizeof(n)), 1);
	assert_string_equal(n, "podman:0123456789ab");
	assert_int_equal(parse("0::/user.slice/user-1000.slice/user@1000.service/user.slice/"
			       "libpod-" HEX64 ".scope\n",
			       n, sizeof(n)),
			 1);
	assert_string_equal(n, "podman:0123456789ab");
	assert_int_equal(parse("0::/machine.slice/libpod-conmon-" HEX64 ".scope\n", n, sizeof(n)),
			 0);
}

static void kubepods_name_the_pod_not_the_container(void **state)
{
	char n[64];

	(void)state;
	/* systemd driver: the uid's dashes are underscores */
	assert_int_equal(parse("0::/kubepods.slice/kubepods-burstable.slice/"
			       "kubepods-burstable-pod1a2b3c4d_5e6f_7a8b_9c0d_1e2f3a4b5c6d.slice/"
			       "cri-containerd-" HEX64 ".scope\n",
			       n, sizeof(n)),
			 1);
	assert_string_equal(n, "pod:1a2b3c4d");
	assert_int_equal(parse("0::/kubepods.slice/kubepods-besteffort.slice/"
			       "kubepods-besteffort-podaabbccdd_5e6f_7a8b_9c0d_1e2f3a4b5c6d.slice/"
			       "crio-" HEX64 ".scope\n",
			       n, sizeof(n)),
			 1);
	assert_string_equal(n, "pod:aabbccdd");
	/* guaranteed pods sit right under kubepods.slice */
	assert_int_equal(parse("0::/kubepods.slice/"
			       "kubepods-pod11223344_5e6f_7a8b_9c0d_1e2f3a4b5c6d.slice/x\n",
			       n, sizeof(n)),
			 1);
	assert_string_equal(n, "pod:11223344");
	/* cgroupfs driver */
	assert_int_equal(
		parse("0::/kubepods/burstable/pod1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d/" HEX64 "\n",
		      n, sizeof(n)),
		1);
	assert_string_equal(n, "pod:1a2b3c4d");
}

static void systemd_slices_are_no_container(void **state)
{
	char n[64] = "untouched";

	(void)state;
	assert_int_equal(parse("0::/system.slice/nginx.service\n", n, sizeof(n)), 0);
	assert_int_equal(parse("0::/user.slice/user-1000.slice/session-3.scope\n", n, sizeof(n)),
			 0);
	assert_int_equal(parse("0::/init.scope\n", n, sizeof(n)), 0);
	assert_int_equal(parse("0::/\n", n, sizeof(n)), 0);
	assert_string_equal(n, "");
}

static void garbage_names_nothing_and_nothing_unsafe(void **state)
{
	char n[64];

	(void)state;
	assert_int_equal(parse("", n, sizeof(n)), 0);
	assert_int_equal(parse("no colons at all", n, sizeof(n)), 0);
	assert_int_equal(parse("0::/system.slice/docker-\x1b[2Jevil.scope\n", n, sizeof(n)), 0);
	/* too short, upper case, not hex: no id */
	assert_int_equal(parse("0::/system.slice/docker-0123.scope\n", n, sizeof(n)), 0);
	assert_int_equal(parse("0::/system.slice/docker-0123456789ABCDEF.scope\n", n, sizeof(n)),
			 0);
	assert_int_equal(parse("0::/docker/not-a-container-id-at-all\n", n, sizeof(n)), 0);
	/* a pod uid with a control character in it */
	assert_int_equal(parse("0::/kubepods/pod1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b"
			       "\x07"
			       "c6d/\n",
			       n, sizeof(n)),
			 0);
	/* a path without a newline at the end, and a tiny buffer: cut, still terminated */
	assert_int_equal(parse("0::/system.slice/docker-" HEX64 ".scope", n, 8), 1);
	assert_int_equal(strlen(n), 7);
}

static void kind_names(void **state)
{
	(void)state;
	assert_string_equal(nsset_kind_name(NSK_HOST), "host");
	assert_string_equal(nsset_kind_name(NSK_NAMED), "named");
	assert_string_equal(nsset_kind_name(NSK_PROCESS), "process");
	assert_string_equal(nsset_kind_name(NSK_CONTAINER), "container");
	assert_string_equal(nsset_kind_name(NSK_N), "?");
}

/* A recording keeps each namespace's sysctls as "NAME V..." lines; unknown names and junk are skipped. */
static void recorded_sysctls_parse_back(void **state)
{
	static const char text[] = "net.core.somaxconn 4096\n"
				   "net.ipv4.ip_local_port_range 32768 60999\n"
				   "net.ipv4.no_such_thing 1\n"
				   "garbage\n"
				   "net.ipv4.tcp_syncookies 1";
	struct tunables t;

	(void)state;
	assert_int_equal(nsset_parse_tun(text, strlen(text), &t), 3);
	assert_int_equal(tunables_get(&t, TUN_SOMAXCONN, -1), 4096);
	assert_int_equal(t.n[TUN_LOCAL_PORT_RANGE], 2);
	assert_int_equal(t.v[TUN_LOCAL_PORT_RANGE][1], 60999);
	assert_int_equal(tunables_get(&t, TUN_SYNCOOKIES, -1), 1);
	assert_int_equal(tunables_get(&t, TUN_TW_REUSE, -1), -1);
	assert_int_equal(nsset_parse_tun("", 0, &t), 0);
}

/* A kept descriptor reads its whole current text each time, wherever its offset is. */
static void readall_rereads_a_kept_descriptor_from_its_start(void **state)
{
	char path[] = "/tmp/test_nsset.XXXXXX";
	struct strbuf sb = STRBUF_INIT;
	char big[20000];
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	unlink(path);
	assert_int_equal(pwrite(fd, "4096 16384 65536\n", 17, 0), 17);
	assert_int_equal(readall_fd(fd, &sb), 0);
	assert_string_equal(sb_str(&sb), "4096 16384 65536\n");
	/* changed behind it, offset moved to the end: read again from the start, replaced */
	assert_int_equal(ftruncate(fd, 0), 0);
	memset(big, 'x', sizeof(big));
	assert_int_equal(pwrite(fd, big, sizeof(big), 0), (ssize_t)sizeof(big));
	lseek(fd, 0, SEEK_END);
	assert_int_equal(readall_fd(fd, &sb), 0);
	assert_int_equal(sb.len, sizeof(big)); /* more than one 8 KiB read */
	close(fd);
	errno = 0;
	assert_int_equal(readall_fd(-1, &sb), -1);
	assert_int_equal(errno, EBADF);
	assert_int_equal(sb.len, 0);
	sb_free(&sb);
}

/* The cost note: said only when two or more namespaces walk the host's table and it was slow. */
static void the_shared_hash_note_needs_two_sharing_namespaces_and_a_slow_refresh(void **state)
{
	struct frame f = { 0 };
	char note[512];
	const int64_t ehash[] = { 262144, -262144, -262144, 16384 };

	(void)state;
	for (size_t i = 0; i < 4; i++) {
		struct frame_ns *ns = frame_ns_push(&f);

		ns->kind = i ? NSK_NAMED : NSK_HOST;
		ns->have_files = true;
		ns->tun.v[TUN_EHASH_ENTRIES][0] = ehash[i];
		ns->tun.n[TUN_EHASH_ENTRIES] = 1;
	}
	assert_int_equal(nsset_hash_note(&f, 120, 100, note, sizeof(note)), 1);
	assert_non_null(strstr(note, "2 of 4 namespaces share the host's TCP hash table (262144 "
				     "buckets)"));
	assert_non_null(strstr(note, "120 ms per refresh"));
	assert_non_null(strstr(note, "net.ipv4.tcp_child_ehash_entries"));
	assert_int_equal(nsset_hash_note(&f, 99, 100, note, sizeof(note)), 0); /* fast enough */
	assert_string_equal(note, "");
	f.nsv[2].tun.v[TUN_EHASH_ENTRIES][0] = 16384; /* one left sharing */
	assert_int_equal(nsset_hash_note(&f, 500, 100, note, sizeof(note)), 0);
	f.nsv[2].tun.n[TUN_EHASH_ENTRIES] = 0; /* an older kernel: unknown, never claimed */
	f.nsv[1].tun.n[TUN_EHASH_ENTRIES] = 0;
	assert_int_equal(nsset_hash_note(&f, 500, 100, note, sizeof(note)), 0);
	frame_free(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(readall_rereads_a_kept_descriptor_from_its_start),
		cmocka_unit_test(
			the_shared_hash_note_needs_two_sharing_namespaces_and_a_slow_refresh),
		cmocka_unit_test(docker_systemd_scope_is_its_short_id),
		cmocka_unit_test(docker_cgroupfs_directory_is_its_short_id),
		cmocka_unit_test(containerd_and_crio_scopes),
		cmocka_unit_test(podman_libpod_scope),
		cmocka_unit_test(kubepods_name_the_pod_not_the_container),
		cmocka_unit_test(systemd_slices_are_no_container),
		cmocka_unit_test(garbage_names_nothing_and_nothing_unsafe),
		cmocka_unit_test(kind_names),
		cmocka_unit_test(recorded_sysctls_parse_back),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
