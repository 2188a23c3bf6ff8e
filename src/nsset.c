/* SPDX-License-Identifier: GPL-2.0-or-later */
/* nsset: finding every network namespace, entering each once, dumping them all each refresh. */
#include "nsset.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "counters.h"
#include "fatal.h"
#include "json.h"
#include "netns.h"
#include "readall.h"
#include "sanitize.h"
#include "sockstat.h"
#include "strbuf.h"
#include "tunables.h"

/*
 * A namespace's sysctls are read again after this long. They change by
 * hand, rarely; reading some thirty of them in each of a hundred namespaces
 * every refresh was a third of -N all's own cost (bench_allns).
 */
#define TUN_REREAD_NS (5ull * 1000000000ull)

/* The per-namespace /proc/net files, opened inside the namespace (see nsset_collect). */
enum { NF_NETSTAT, NF_SNMP, NF_SOCKSTAT, NF_SOCKSTAT6, NF_N };
static const char *const net_files[NF_N] = {
	[NF_NETSTAT] = "netstat",
	[NF_SNMP] = "snmp",
	[NF_SOCKSTAT] = "sockstat",
	[NF_SOCKSTAT6] = "sockstat6",
};

static const char *const kind_names[NSK_N] = {
	[NSK_HOST] = "host",
	[NSK_NAMED] = "named",
	[NSK_PROCESS] = "process",
	[NSK_CONTAINER] = "container",
};

/*
 * One namespace. The diag socket and the file descriptors were opened
 * inside it and keep reading it (a socket belongs to the namespace it was
 * created in; /proc/thread-self/net and /proc/sys resolve at open). They
 * also keep it alive, so a namespace is forgotten when nothing on the host
 * names it any more (no /run/netns entry, no process), not when it dies.
 */
struct nsent {
	uint64_t inode;
	uint8_t kind;
	bool seen;     /* found by this scan */
	bool pid_seen; /* a process holding it was found by this scan */
	bool entered;
	bool gone; /* vanished between the scan and entering it: dropped quietly */
	char name[FRAME_NS_NAME];
	char error[128];
	char path[4096]; /* how to reach it: /run/netns/NAME or /proc/PID/ns/net */
	uint32_t pid;
	struct diag *diag;
	bool per_family; /* the kernel refused the one-walk dump */
	int net_fd[NF_N];
	int tun_fd[TUN_N];
	struct counters prev; /* the previous refresh's counters: this one's deltas */
	bool have_prev;
	struct tunables tun; /* as last read */
	uint64_t tun_ns;     /* monotonic time they were read; 0: never */
};

struct nsset {
	char *proc_root;
	char *run_dir;
	int self_fd; /* the namespace to return to */
	uint64_t self_ino;
	uint64_t nsfs_dev; /* the device of namespace files: a /run/netns entry must be on it */
	struct nsent *v;
	size_t n, cap;
	struct strbuf buf;
	struct nsset_hooks hooks;
	double last_ms; /* wall time the last nsset_collect took */
	size_t hidden;  /* processes whose namespace could not be looked at, last scan */
};

const char *nsset_kind_name(unsigned kind)
{
	return kind < NSK_N ? kind_names[kind] : "?";
}

/* ---- cgroup path -> container name (pure) --------------------------------- */

static size_t hex_run(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && isxdigit((unsigned char)s[i]) && !isupper((unsigned char)s[i]))
		i++;
	return i;
}

/* A component "PREFIX<hex>SUFFIX" (or "PREFIX<hex>" when suffix is NULL) with 12 to 64 hex digits. */
static bool id_component(const char *c, size_t n, const char *prefix, const char *suffix,
			 const char **id)
{
	size_t pl = strlen(prefix), sl = suffix ? strlen(suffix) : 0, h;

	if (n < pl + sl + 12 || strncmp(c, prefix, pl))
		return false;
	if (sl && strncmp(c + n - sl, suffix, sl))
		return false;
	h = hex_run(c + pl, n - pl - sl);
	if (h != n - pl - sl || h < 12 || h > 64)
		return false;
	*id = c + pl;
	return true;
}

/* "pod<uid>" with the uid's dashes written as '_' by the systemd driver; 8 hex kept. */
static bool pod_component(const char *c, size_t n, char *out, size_t outlen)
{
	static const char *const prefixes[] = { "kubepods-burstable-pod", "kubepods-besteffort-pod",
						"kubepods-pod", "pod" };
	const char *uid = NULL;
	size_t ul = 0;

	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		size_t pl = strlen(prefixes[i]);

		if (n > pl && !strncmp(c, prefixes[i], pl)) {
			uid = c + pl;
			ul = n - pl;
			if (ul > 6 && !strncmp(uid + ul - 6, ".slice", 6))
				ul -= 6;
			break;
		}
	}
	if (!uid || ul < 32 || ul > 36)
		return false;
	for (size_t i = 0; i < ul; i++)
		if (!isxdigit((unsigned char)uid[i]) && uid[i] != '-' && uid[i] != '_')
			return false;
	if (hex_run(uid, ul) < 8)
		return false;
	snprintf(out, outlen, "pod:%.8s", uid);
	return true;
}

/* The runtimes' scope (systemd driver) and directory (cgroupfs driver) names. */
static const struct {
	const char *prefix, *suffix, *label;
} runtimes[] = {
	{ "docker-", ".scope", "docker" },
	{ "cri-containerd-", ".scope", "containerd" },
	{ "crio-", ".scope", "cri-o" },
	{ "libpod-", ".scope", "podman" },
};

/* The path of one line "ID:CONTROLLERS:PATH": one container name, or none. */
static int path_name(const char *p, size_t n, char *out, size_t outlen)
{
	const char *docker_dir = NULL;
	char runtime[48] = "";
	bool kube = false;

	for (size_t i = 0; i < n;) {
		const char *c, *id;
		size_t cl;

		while (i < n && p[i] == '/')
			i++;
		c = p + i;
		while (i < n && p[i] != '/')
			i++;
		cl = (size_t)(p + i - c);
		if (!cl)
			continue;
		if (cl >= 8 && !strncmp(c, "kubepods", 8))
			kube = true;
		/* a pod's namespace belongs to the pod: its uid names it before any container id */
		if (kube && pod_component(c, cl, out, outlen))
			return 1;
		if (docker_dir && id_component(c, cl, "", NULL, &id) && !runtime[0])
			snprintf(runtime, sizeof(runtime), "docker:%.12s", id);
		docker_dir = cl == 6 && !strncmp(c, "docker", 6) ? c : NULL;
		for (size_t k = 0; k < sizeof(runtimes) / sizeof(runtimes[0]); k++)
			if (!runtime[0] &&
			    id_component(c, cl, runtimes[k].prefix, runtimes[k].suffix, &id))
				snprintf(runtime, sizeof(runtime), "%s:%.12s", runtimes[k].label,
					 id);
	}
	if (!runtime[0])
		return 0;
	snprintf(out, outlen, "%s", runtime);
	return 1;
}

int nsset_cgroup_name(const char *text, size_t len, char *out, size_t outlen)
{
	/* the unified hierarchy's line ("0::") first; else the first v1 line that names one */
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < len;) {
			const char *line = text + i, *end = memchr(line, '\n', len - i);
			size_t ll = end ? (size_t)(end - line) : len - i;
			const char *c1 = memchr(line, ':', ll), *c2;

			i += ll + 1;
			if (!c1)
				continue;
			c2 = memchr(c1 + 1, ':', (size_t)(line + ll - c1 - 1));
			if (!c2)
				continue;
			if ((pass == 0) != (c1 == line + 1 && line[0] == '0' && c2 == c1 + 1))
				continue;
			if (path_name(c2 + 1, (size_t)(line + ll - c2 - 1), out, outlen))
				return 1;
		}
	}
	if (outlen)
		out[0] = '\0';
	return 0;
}

/* ---- the set ------------------------------------------------------------------ */

struct nsset *nsset_new(const char *proc_root, const char *run_dir, struct terr *e)
{
	struct nsset *s = xcalloc(1, sizeof(*s));
	char path[4096];
	struct stat st;

	s->proc_root = xstrdup(proc_root && *proc_root ? proc_root : "/proc");
	s->run_dir = xstrdup(run_dir && *run_dir ? run_dir : NETNS_RUN_DIR);
	/* thread-self: the collector thread's own namespace, whatever the main thread did */
	snprintf(path, sizeof(path), "%s/thread-self/ns/net", s->proc_root);
	s->self_fd = open(path, O_RDONLY | O_CLOEXEC);
	if (s->self_fd < 0 || fstat(s->self_fd, &st) < 0) {
		terr_set(e, "cannot open this process's network namespace (%s): %s", path,
			 strerror(errno));
		if (s->self_fd >= 0)
			close(s->self_fd);
		free(s->proc_root);
		free(s->run_dir);
		free(s);
		return NULL;
	}
	s->self_ino = (uint64_t)st.st_ino;
	s->nsfs_dev = (uint64_t)st.st_dev;
	return s;
}

static void ent_close(struct nsent *n)
{
	diag_close(n->diag);
	n->diag = NULL;
	for (int i = 0; i < NF_N; i++)
		if (n->net_fd[i] >= 0)
			close(n->net_fd[i]);
	for (int i = 0; i < TUN_N; i++)
		if (n->tun_fd[i] >= 0)
			close(n->tun_fd[i]);
	n->entered = false;
	counters_free(&n->prev);
	n->have_prev = false;
}

struct nsset *nsset_new_replay(void)
{
	struct nsset *s = xcalloc(1, sizeof(*s));

	s->proc_root = xstrdup("/proc");
	s->run_dir = xstrdup(NETNS_RUN_DIR);
	s->self_fd = -1;
	return s;
}

void nsset_set_hooks(struct nsset *s, const struct nsset_hooks *h)
{
	s->hooks = *h;
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].diag)
			diag_set_raw_hook(s->v[i].diag, h->netlink, h->ctx);
}

void nsset_free(struct nsset *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++)
		ent_close(&s->v[i]);
	free(s->v);
	if (s->self_fd >= 0)
		close(s->self_fd);
	sb_free(&s->buf);
	free(s->proc_root);
	free(s->run_dir);
	free(s);
}

size_t nsset_hidden(const struct nsset *s)
{
	return s->hidden;
}

size_t nsset_count(const struct nsset *s)
{
	return s->n;
}

static struct nsent *find(struct nsset *s, uint64_t ino)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].inode == ino)
			return &s->v[i];
	return NULL;
}

/* The entry of inode ino, new (not entered yet) if unknown; marked seen. */
static struct nsent *note(struct nsset *s, uint64_t ino, uint8_t kind, bool *fresh)
{
	struct nsent *n = find(s, ino);

	*fresh = !n;
	if (!n) {
		if (s->n == s->cap) {
			s->cap = s->cap ? s->cap * 2 : 32;
			s->v = xrealloc(s->v, s->cap * sizeof(*s->v));
		}
		n = &s->v[s->n++];
		memset(n, 0, sizeof(*n));
		n->inode = ino;
		n->kind = kind;
		for (int i = 0; i < NF_N; i++)
			n->net_fd[i] = -1;
		for (int i = 0; i < TUN_N; i++)
			n->tun_fd[i] = -1;
		snprintf(n->name, sizeof(n->name), "net:[%llu]", (unsigned long long)ino);
	}
	n->seen = true;
	return n;
}

static void scan_named(struct nsset *s)
{
	DIR *d = opendir(s->run_dir);
	struct dirent *de;

	while (d && (de = readdir(d))) {
		char path[4096];
		struct nsent *n;
		struct stat st;
		bool fresh;

		if (de->d_name[0] == '.' || strlen(de->d_name) > NETNS_NAME_LEN)
			continue;
		snprintf(path, sizeof(path), "%s/%s", s->run_dir, de->d_name);
		/* an entry whose mount is gone (ip netns del halfway) is a plain file: not nsfs */
		if (stat(path, &st) < 0 || (uint64_t)st.st_ino == s->self_ino ||
		    (uint64_t)st.st_dev != s->nsfs_dev)
			continue;
		n = note(s, (uint64_t)st.st_ino, NSK_NAMED, &fresh);
		if (fresh || n->kind != NSK_NAMED) {
			n->kind = NSK_NAMED;
			sanitize_text(n->name, sizeof(n->name), de->d_name, strlen(de->d_name));
			snprintf(n->path, sizeof(n->path), "%s", path);
		}
	}
	if (d)
		closedir(d);
}

static void read_cgroup_name(struct nsset *s, struct nsent *n)
{
	char path[4096], text[4096], name[FRAME_NS_NAME];
	ssize_t len;
	int fd;

	snprintf(path, sizeof(path), "%s/%u/cgroup", s->proc_root, (unsigned)n->pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	len = read(fd, text, sizeof(text) - 1);
	close(fd);
	if (len > 0 && nsset_cgroup_name(text, (size_t)len, name, sizeof(name))) {
		n->kind = NSK_CONTAINER;
		snprintf(n->name, sizeof(n->name), "%s", name);
	}
}

/* Every distinct /proc/PID/ns/net; the lowest pid holding one stands for it. */
static void scan_procs(struct nsset *s)
{
	DIR *d = opendir(s->proc_root);
	struct dirent *de;

	s->hidden = 0;
	while (d && (de = readdir(d))) {
		char path[4096];
		struct nsent *n;
		struct stat st;
		char *end;
		unsigned long pid = strtoul(de->d_name, &end, 10);
		bool fresh;

		if (!pid || *end)
			continue;
		snprintf(path, sizeof(path), "%s/%lu/ns/net", s->proc_root, pid);
		if (stat(path, &st) < 0) {
			/* not ours to look at: a namespace only it holds stays unseen */
			if (errno == EACCES || errno == EPERM)
				s->hidden++;
			continue;
		}
		if ((uint64_t)st.st_ino == s->self_ino)
			continue;
		n = find(s, (uint64_t)st.st_ino);
		if (n && n->pid_seen)
			continue; /* already found through a lower pid (readdir goes up) */
		n = note(s, (uint64_t)st.st_ino, NSK_PROCESS, &fresh);
		n->pid_seen = true;
		if (n->kind == NSK_NAMED) {
			n->pid = (uint32_t)pid;
			continue;
		}
		if (fresh || n->pid != pid) {
			n->pid = (uint32_t)pid;
			snprintf(n->path, sizeof(n->path), "%s", path);
			if (fresh)
				read_cgroup_name(s, n);
		}
	}
	if (d)
		closedir(d);
}

/* Forgets what the scan did not find again: the namespace is gone (or nothing names it). */
static void sweep(struct nsset *s)
{
	size_t k = 0;

	for (size_t i = 0; i < s->n; i++) {
		if (s->v[i].seen) {
			s->v[k++] = s->v[i];
			continue;
		}
		ent_close(&s->v[i]);
	}
	s->n = k;
}

/* The host's own namespace first, then /run/netns, then what processes hold. */
static void scan(struct nsset *s)
{
	struct nsent *host;
	bool fresh;

	for (size_t i = 0; i < s->n; i++) {
		s->v[i].seen = false;
		s->v[i].pid_seen = false;
		if (s->v[i].kind == NSK_NAMED)
			s->v[i].pid = 0;
	}
	host = note(s, s->self_ino, NSK_HOST, &fresh);
	if (fresh)
		snprintf(host->name, sizeof(host->name), "host");
	scan_named(s);
	scan_procs(s);
	sweep(s);
}

static void open_files(struct nsset *s, struct nsent *n)
{
	for (int i = 0; i < NF_N; i++) {
		char path[4096];

		snprintf(path, sizeof(path), "%s/thread-self/net/%s", s->proc_root, net_files[i]);
		n->net_fd[i] = open(path, O_RDONLY | O_CLOEXEC);
	}
	for (int i = 0; i < TUN_N; i++) {
		char path[4096];

		/* host-only sysctls do not exist here; the frame has the host's */
		if (tunable_def(i)->host_only)
			continue;
		snprintf(path, sizeof(path), "%s/%s", s->proc_root, tunable_def(i)->path);
		n->tun_fd[i] = open(path, O_RDONLY | O_CLOEXEC);
	}
}

/*
 * Enters n once: its socket and files, then back. The setns is this
 * thread's alone; failing to come back would leave every later read in
 * the wrong namespace, so that is fatal.
 */
static void enter(struct nsset *s, struct nsent *n)
{
	struct terr e = { { 0 } };
	struct stat st;
	int fd;

	n->error[0] = '\0';
	n->gone = false;
	if (n->kind == NSK_HOST) {
		n->diag = diag_open(&e);
		if (!n->diag) {
			snprintf(n->error, sizeof(n->error), "%.127s", e.msg);
			return;
		}
		if (s->hooks.netlink)
			diag_set_raw_hook(n->diag, s->hooks.netlink, s->hooks.ctx);
		open_files(s, n);
		n->entered = true;
		return;
	}
	fd = open(n->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		/* deleted (ip netns del) or its process exited since the scan: gone, not an error */
		n->gone = errno == ENOENT || errno == ESRCH;
		snprintf(n->error, sizeof(n->error), "cannot open its file (%.40s): %s", n->name,
			 strerror(errno));
		return;
	}
	/*
	 * The pid may have been reused by a process elsewhere, or the name
	 * given to a new namespace: this one is gone from there.
	 */
	if (fstat(fd, &st) < 0 || (uint64_t)st.st_ino != n->inode) {
		close(fd);
		n->gone = true;
		snprintf(n->error, sizeof(n->error), "its file now names another namespace");
		return;
	}
	if (setns(fd, CLONE_NEWNET) < 0) {
		snprintf(n->error, sizeof(n->error), "cannot enter: %s%s", strerror(errno),
			 errno == EPERM ? " (needs CAP_SYS_ADMIN: run as root)" : "");
		close(fd);
		return;
	}
	close(fd);
	n->diag = diag_open(&e);
	if (!n->diag)
		snprintf(n->error, sizeof(n->error), "%.127s", e.msg);
	else if (s->hooks.netlink)
		diag_set_raw_hook(n->diag, s->hooks.netlink, s->hooks.ctx);
	if (n->diag)
		open_files(s, n);
	if (setns(s->self_fd, CLONE_NEWNET) < 0)
		fatal("cannot return to the host's network namespace: %s", strerror(errno));
	n->entered = n->diag != NULL;
}

static uint64_t mono_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

/* One per-namespace file's text into fn; recorded as netns/IDX/NAME when recording. */
static void take_file(struct nsset *s, size_t idx, int which, struct frame_ns *fn)
{
	struct terr e = { { 0 } };
	char name[64];

	if (s->hooks.file) {
		snprintf(name, sizeof(name), "netns/%zu/%s", idx, net_files[which]);
		s->hooks.file(s->hooks.ctx, name, s->buf.s ? s->buf.s : "", s->buf.len);
	}
	if (which <= NF_SNMP)
		counters_parse(&fn->counters, sb_str(&s->buf), s->buf.len, &e);
	else
		sockstat_parse(&fn->sockstat, sb_str(&s->buf), s->buf.len, &e);
}

/* The counters are complete: deltas against this namespace's previous refresh. */
static void finish_counters(struct nsent *n, struct frame_ns *fn)
{
	/* counters_parse indexed them */
	counters_diff(&fn->counters, n->have_prev ? &n->prev : NULL);
	counters_copy(&n->prev, &fn->counters);
	n->have_prev = true;
	fn->tun = n->tun;
	fn->have_files = true;
}

/* The sysctls as a recording keeps them: "NAME V..." per line (they are read every 5 s, not each refresh). */
static void record_tun(struct nsset *s, size_t idx, const struct tunables *t)
{
	struct strbuf sb = STRBUF_INIT;
	char name[64];

	for (int i = 0; i < TUN_N; i++) {
		if (!t->n[i])
			continue;
		sb_printf(&sb, "%s", tunable_def(i)->name);
		for (int k = 0; k < t->n[i]; k++)
			sb_printf(&sb, " %lld", (long long)t->v[i][k]);
		sb_putc(&sb, '\n');
	}
	snprintf(name, sizeof(name), "netns/%zu/sysctl", idx);
	s->hooks.file(s->hooks.ctx, name, sb.s ? sb.s : "", sb.len);
	sb_free(&sb);
}

int nsset_parse_tun(const char *text, size_t len, struct tunables *t)
{
	size_t i = 0;
	int got = 0;

	memset(t, 0, sizeof(*t));
	while (i < len) {
		const char *line = text + i, *end = memchr(line, '\n', len - i);
		size_t ll = end ? (size_t)(end - line) : len - i;
		char buf[160];
		const char *sp;

		i += ll + 1;
		if (ll >= sizeof(buf))
			continue;
		memcpy(buf, line, ll);
		buf[ll] = '\0';
		sp = strchr(buf, ' ');
		if (!sp)
			continue;
		for (int k = 0; k < TUN_N; k++) {
			if (strlen(tunable_def(k)->name) != (size_t)(sp - buf) ||
			    strncmp(buf, tunable_def(k)->name, (size_t)(sp - buf)))
				continue;
			t->n[k] = (uint8_t)tunables_parse_value(sp + 1, t->v[k]);
			got += t->n[k] > 0;
		}
	}
	return got;
}

static void read_files(struct nsset *s, size_t idx, struct nsent *n, struct frame_ns *fn)
{
	uint64_t now = mono_ns();

	for (int i = 0; i < NF_N; i++)
		if (readall_fd(n->net_fd[i], &s->buf) == 0)
			take_file(s, idx, i, fn);
	if (!n->tun_ns || now - n->tun_ns >= TUN_REREAD_NS) {
		memset(&n->tun, 0, sizeof(n->tun));
		for (int i = 0; i < TUN_N; i++)
			if (readall_fd(n->tun_fd[i], &s->buf) == 0)
				n->tun.n[i] =
					(uint8_t)tunables_parse_value(sb_str(&s->buf), n->tun.v[i]);
		n->tun_ns = now;
	}
	if (s->hooks.file)
		record_tun(s, idx, &n->tun);
	finish_counters(n, fn);
}

static int dump(struct nsent *n, const struct diag_req *req, struct sample *smp, struct terr *e)
{
	static const int families[] = { AF_INET, AF_INET6 };
	size_t start = smp->n;
	int ret = 0;

	if (!n->per_family) {
		if (diag_dump(n->diag, AF_UNSPEC, req, smp, e) == 0)
			return 0;
		n->per_family = true;
		sample_truncate(smp, start);
		terr_clear(e);
	}
	for (size_t i = 0; i < sizeof(families) / sizeof(families[0]); i++)
		if (diag_dump(n->diag, families[i], req, smp, e) < 0)
			ret = -1;
	return ret;
}

static void record_index(struct nsset *s, const struct frame *f);

int nsset_collect(struct nsset *s, const struct diag_req *req, struct frame *f)
{
	uint64_t t0 = mono_ns();
	int errors = 0;

	scan(s);
	for (size_t i = 0; i < s->n; i++) {
		struct nsent *n = &s->v[i];
		struct frame_ns *fn;
		struct terr e = { { 0 } };

		if (!n->entered)
			enter(s, n);
		if (n->gone) /* the next scan forgets it */
			continue;
		fn = frame_ns_push(f);
		fn->inode = n->inode;
		fn->kind = n->kind;
		fn->pid = n->pid;
		snprintf(fn->name, sizeof(fn->name), "%s", n->name);
		fn->first = (uint32_t)f->sample.n;
		if (!n->entered) {
			snprintf(fn->error, sizeof(fn->error), "%s", n->error);
			errors++;
			continue;
		}
		if (dump(n, req, &f->sample, &e) < 0) {
			/* a namespace that died since the scan has no sockets left to show: quiet */
			sample_truncate(&f->sample, fn->first);
			snprintf(fn->error, sizeof(fn->error), "%.127s", e.msg);
			errors++;
		}
		fn->n = (uint32_t)(f->sample.n - fn->first);
		read_files(s, f->nns - 1, n, fn);
	}
	if (s->hooks.file)
		record_index(s, f);
	s->last_ms = (double)(mono_ns() - t0) / 1e6;
	return errors;
}

double nsset_last_ms(const struct nsset *s)
{
	return s->last_ms;
}

/* Whether namespace ns dumps through the host's established hash: 1 yes, 0 no, -1 unknown. */
static int shares_hash(const struct frame_ns *ns)
{
	if (!ns->have_files || !ns->tun.n[TUN_EHASH_ENTRIES])
		return -1;
	return ns->kind != NSK_HOST && ns->tun.v[TUN_EHASH_ENTRIES][0] < 0;
}

int nsset_hash_note(const struct frame *f, double collect_ms, double slow_ms, char *buf, size_t len)
{
	size_t shared = 0;
	int64_t buckets = 0;

	for (size_t i = 0; i < f->nns; i++) {
		if (shares_hash(&f->nsv[i]) != 1)
			continue;
		shared++;
		buckets = -f->nsv[i].tun.v[TUN_EHASH_ENTRIES][0];
	}
	if (len)
		buf[0] = '\0';
	if (shared < 2 || collect_ms < slow_ms)
		return 0;
	snprintf(buf, len,
		 "-N all: %zu of %zu namespaces share the host's TCP hash table (%lld buckets), "
		 "which each of their dumps walks whole: %.0f ms per refresh; "
		 "net.ipv4.tcp_child_ehash_entries gives new namespaces their own",
		 shared, f->nns, (long long)buckets, collect_ms);
	return 1;
}

/*
 * A recording of -N all: each refresh's dumps one namespace after the
 * other (the netlink blobs, in order) and "netns/index", one line per
 * namespace "INODE KIND FIRST COUNT PID NAME<TAB>ERROR" (names and errors
 * are sanitised: no tab or newline), then its files under netns/IDX/.
 */
static void record_index(struct nsset *s, const struct frame *f)
{
	struct strbuf sb = STRBUF_INIT;

	for (size_t i = 0; i < f->nns; i++) {
		const struct frame_ns *ns = &f->nsv[i];

		sb_printf(&sb, "%llu %s %u %u %u %s\t%s\n", (unsigned long long)ns->inode,
			  nsset_kind_name(ns->kind), ns->first, ns->n, ns->pid, ns->name,
			  ns->error);
	}
	s->hooks.file(s->hooks.ctx, "netns/index", sb.s ? sb.s : "", sb.len);
	sb_free(&sb);
}

static int kind_by_name(const char *name)
{
	for (int k = 0; k < NSK_N; k++)
		if (!strcmp(kind_names[k], name))
			return k;
	return -1;
}

/* One index line into a frame entry; false when it does not parse. */
static bool parse_index_line(const char *line, size_t ll, struct frame_ns *fn)
{
	char buf[FRAME_NS_NAME + 256], kind[16], *tab, *name;
	unsigned long long ino;
	unsigned first, n, pid;
	int used = 0, k;

	if (ll >= sizeof(buf))
		return false;
	memcpy(buf, line, ll);
	buf[ll] = '\0';
	tab = strchr(buf, '\t');
	if (!tab)
		return false;
	*tab = '\0';
	if (sscanf(buf, "%llu %15s %u %u %u %n", &ino, kind, &first, &n, &pid, &used) != 5 ||
	    !used || (k = kind_by_name(kind)) < 0)
		return false;
	name = buf + used;
	fn->inode = ino;
	fn->kind = (uint8_t)k;
	fn->first = first;
	fn->n = n;
	fn->pid = pid;
	/* sanitised when recorded; again, for the file may come from anywhere */
	sanitize_text(fn->name, sizeof(fn->name), name, strlen(name));
	sanitize_text(fn->error, sizeof(fn->error), tab + 1, strlen(tab + 1));
	return true;
}

int nsset_replay(struct nsset *s, struct frame *f, struct terr *e)
{
	size_t i = 0, bad = 0;
	struct strbuf idx = STRBUF_INIT;

	if (!s->hooks.read || s->hooks.read(s->hooks.ctx, "netns/index", &idx) < 0) {
		sb_free(&idx);
		return 0;
	}
	for (size_t k = 0; k < s->n; k++)
		s->v[k].seen = false;
	while (i < idx.len) {
		const char *line = idx.s + i, *end = memchr(line, '\n', idx.len - i);
		size_t ll = end ? (size_t)(end - line) : idx.len - i;
		struct frame_ns *fn = frame_ns_push(f);
		struct nsent *n;
		bool fresh;

		i += ll + 1;
		if (!parse_index_line(line, ll, fn) || fn->first > f->sample.n ||
		    fn->n > f->sample.n - fn->first) {
			f->nns--;
			bad++;
			continue;
		}
		n = note(s, fn->inode, fn->kind, &fresh);
		for (int w = 0; w < NF_N; w++) {
			char name[64];

			snprintf(name, sizeof(name), "netns/%zu/%s", f->nns - 1, net_files[w]);
			if (s->hooks.read(s->hooks.ctx, name, &s->buf) == 0)
				take_file(s, f->nns - 1, w, fn);
		}
		{
			char name[64];

			snprintf(name, sizeof(name), "netns/%zu/sysctl", f->nns - 1);
			if (s->hooks.read(s->hooks.ctx, name, &s->buf) == 0)
				nsset_parse_tun(sb_str(&s->buf), s->buf.len, &n->tun);
		}
		finish_counters(n, fn);
	}
	sweep(s);
	sb_free(&idx);
	if (bad)
		terr_set(e, "the recording's namespace index has %zu bad line(s)", bad);
	return 1;
}

void nsset_json(const struct frame *f, struct json *j)
{
	if (!f->nns)
		return;
	json_arr_begin(j, "namespaces");
	for (size_t i = 0; i < f->nns; i++) {
		const struct frame_ns *ns = &f->nsv[i];

		json_obj_begin(j, NULL);
		json_str(j, "name", ns->name);
		json_u64(j, "inode", ns->inode);
		json_str(j, "kind", nsset_kind_name(ns->kind));
		json_u64(j, "sockets", ns->n);
		if (ns->pid)
			json_u64(j, "pid", ns->pid);
		else
			json_null(j, "pid");
		if (ns->have_files && (ns->sockstat.have & SOCKSTAT_INUSE))
			json_i64(j, "tcp_inuse", ns->sockstat.inuse);
		else
			json_null(j, "tcp_inuse");
		if (ns->have_files && (ns->sockstat.have & SOCKSTAT_TW))
			json_i64(j, "time_wait", ns->sockstat.tw);
		else
			json_null(j, "time_wait");
		if (shares_hash(ns) >= 0)
			json_bool(j, "hash_shared", shares_hash(ns) == 1);
		else
			json_null(j, "hash_shared");
		json_str(j, "error", ns->error[0] ? ns->error : NULL);
		json_obj_end(j);
	}
	json_arr_end(j);
}
