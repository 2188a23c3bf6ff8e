/* SPDX-License-Identifier: GPL-2.0-or-later */
/* opts: command-line parsing and usage. */
#include "opts.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fatal.h"
#include "sanitize.h"
#include "strbuf.h"

/* Room for the start of a value in a message: sanitised, "..." when cut. */
#define SHOWN_BYTES 64
#define SHOWN_SIZE (SANITIZE_SIZE(SHOWN_BYTES) + 4)

/*
 * A value as a message may show it: a terminal title or colour escape in an
 * argument ends up on the user's terminal through stderr otherwise.
 */
static const char *shown(char *buf, const char *s)
{
	size_t len = strlen(s);
	size_t n = sanitize_text(buf, SHOWN_SIZE - 4, s, len < SHOWN_BYTES ? len : SHOWN_BYTES);

	if (len > SHOWN_BYTES)
		memcpy(buf + n, "...", 4);
	return buf;
}

static const char usage_head[] =
	"usage: tcptop [options] [FILTER]\n"
	"\n"
	"A live view of every TCP socket on this host: windows, queues, rates, and why a\n"
	"connection or listener is stuck. Interactive on a terminal; snapshots otherwise.\n"
	"\n"
	"options:\n";

static const char usage_tail[] =
	"\n"
	"FILTERS (the FILTER words and -f EXPR form one expression):\n"
	"  sport|dport|port [OP] N    local, remote, either port; OP is = != < <= > >=\n"
	"                             (eq ne lt le gt ge); N-M is a range; :N is port N\n"
	"  src|dst|host ADDR          10.0.0.1, 10.0.0.0/8, ::1, [fe80::]/10, each with\n"
	"                             an optional :PORT ([::1]:22); *:PORT: any address\n"
	"  state NAME                 established syn-sent syn-recv fin-wait-1 fin-wait-2\n"
	"                             time-wait close close-wait last-ack listen closing,\n"
	"                             or a group: connected synchronized bucket big all\n"
	"  proc NAME, pid N           a process holding the socket (needs attribution)\n"
	"  not, and (may be left out), or, parentheses; not binds tightest, then and.\n"
	"  e.g.  tcptop dport 5432    tcptop 'dst 10.0.0.0/8 and state established'\n"
	"\n"
	"environment: PROC_ROOT reads /proc files from another directory (tests).\n";

/* The help text starts in this column, as in the usage text since 0.1. */
#define HELP_COL 23

static void usage_option(FILE *out, const struct opt_def *d)
{
	char head[64];
	int n;
	const char *h = d->help;

	if (d->shortopt)
		n = snprintf(head, sizeof(head), "  -%c, --%s", d->shortopt, d->name);
	else
		n = snprintf(head, sizeof(head), "      --%s", d->name);
	if (d->metavar)
		n += snprintf(head + n, sizeof(head) - (size_t)n, " %s", d->metavar);
	fprintf(out, "%-*s", HELP_COL, head);
	if (n >= HELP_COL)
		fprintf(out, "\n%*s", HELP_COL, "");
	for (;;) {
		size_t len = strcspn(h, "\n");

		fprintf(out, "%.*s\n", (int)len, h);
		if (!h[len])
			break;
		h += len + 1;
		fprintf(out, "%*s", HELP_COL, "");
	}
}

void opts_usage(FILE *out)
{
	size_t n;
	const struct opt_def *t = opts_table(&n);

	fputs(usage_head, out);
	for (size_t i = 0; i < n; i++)
		if (!(t[i].flags & OPTF_ALIAS))
			usage_option(out, &t[i]);
	fputs(usage_tail, out);
	fputs("\ncolumns (-s, -c):\n", out);
	for (int i = 0; i < COL_N; i++) {
		const struct column *c = column_get(i);

		if (c->flags & COLF_LISTEN)
			continue;
		fprintf(out, "  %-15s %s%s\n", c->name, c->help,
			(c->flags & COLF_DEFAULT) ? " [default]" : "");
	}
}

static void set_defaults(struct opts *o)
{
	memset(o, 0, sizeof(*o));
	o->action = OPTS_RUN;
	o->frames = -1;
	o->interval = 1.0;
	o->sort = column_get(COL_PROBLEMS);
	o->out = OUT_TEXT;
	memcpy(o->cols, column_default_view, column_default_view_len * sizeof(o->cols[0]));
	o->ncols = column_default_view_len;
}

int opts_parse_interval(const char *s, double *out, struct terr *e)
{
	char *end;
	double v;

	char sb[SHOWN_SIZE];

	errno = 0;
	v = strtod(s, &end);
	if (end == s || *end != '\0' || errno || !isfinite(v)) {
		terr_set(e, "'%s' is not a number of seconds", shown(sb, s));
		return -1;
	}
	if (v < OPTS_MIN_INTERVAL || v > OPTS_MAX_INTERVAL) {
		terr_set(e, "%s s is out of range (%.2g to %.0f seconds)", shown(sb, s),
			 OPTS_MIN_INTERVAL, OPTS_MAX_INTERVAL);
		return -1;
	}
	*out = v;
	return 0;
}

static int parse_frames(const char *s, long *out, struct terr *e)
{
	char *end, sb[SHOWN_SIZE];
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (end == s || *end != '\0' || errno || v < 0) {
		terr_set(e, "'%s' is not a count of frames (0 or more)", shown(sb, s));
		return -1;
	}
	*out = v;
	return 0;
}

static int find_col(const enum col_id *cols, size_t n, enum col_id id)
{
	for (size_t i = 0; i < n; i++)
		if (cols[i] == id)
			return (int)i;
	return -1;
}

int opts_parse_columns(const char *list, enum col_id *cols, size_t *ncols, struct terr *e)
{
	enum col_id out[COL_N];
	size_t n = 0;
	char *copy = xstrdup(list), *save = NULL, sb[SHOWN_SIZE];
	bool edit = list[0] == '+' || list[0] == '-';
	int ret = 0;

	if (edit) {
		memcpy(out, cols, *ncols * sizeof(*cols));
		n = *ncols;
	}
	for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char op = edit ? tok[0] : '=';
		const char *name = edit && (tok[0] == '+' || tok[0] == '-') ? tok + 1 : tok;
		const struct column *c = column_by_name(name);
		int at;

		if (edit && tok[0] != '+' && tok[0] != '-') {
			terr_set(e, "'%s': mix of a list and +/- edits (write +%s)", shown(sb, tok),
				 sb);
			ret = -1;
			break;
		}
		if (!c || (c->flags & COLF_LISTEN)) {
			terr_set(e, "unknown column '%s' (tcptop --help lists them)",
				 shown(sb, name));
			ret = -1;
			break;
		}
		at = find_col(out, n, c->id);
		if (op == '-') {
			if (at >= 0) {
				memmove(&out[at], &out[at + 1],
					(n - (size_t)at - 1) * sizeof(*out));
				n--;
			}
		} else if (at < 0) {
			out[n++] = c->id;
		}
	}
	free(copy);
	if (ret == 0 && n == 0) {
		terr_set(e, "'%s' leaves no columns", shown(sb, list));
		ret = -1;
	}
	if (ret == 0) {
		memcpy(cols, out, n * sizeof(*cols));
		*ncols = n;
	}
	return ret;
}

static int set_batch(struct opts *o, const char *arg, struct terr *e)
{
	(void)arg;
	(void)e;
	o->batch = true;
	return 0;
}

static int set_frames(struct opts *o, const char *arg, struct terr *e)
{
	if (parse_frames(arg, &o->frames, e) < 0)
		return -1;
	o->given |= OPTS_GIVEN_FRAMES;
	return 0;
}

static int set_delay(struct opts *o, const char *arg, struct terr *e)
{
	if (opts_parse_interval(arg, &o->interval, e) < 0)
		return -1;
	o->given |= OPTS_GIVEN_DELAY;
	return 0;
}

static int set_sort(struct opts *o, const char *arg, struct terr *e)
{
	const struct column *c = column_by_name(arg);
	char sb[SHOWN_SIZE];

	if (!c || (c->flags & COLF_LISTEN)) {
		terr_set(e, "unknown column '%s' (tcptop --help lists them)", shown(sb, arg));
		return -1;
	}
	o->sort = c;
	o->given |= OPTS_GIVEN_SORT;
	return 0;
}

static int set_reverse(struct opts *o, const char *arg, struct terr *e)
{
	(void)arg;
	(void)e;
	o->reverse = true;
	o->given |= OPTS_GIVEN_REVERSE;
	return 0;
}

const char *opts_format_name(int i)
{
	return outfmt_name(i);
}

static int set_output(struct opts *o, const char *arg, struct terr *e)
{
	char sb[SHOWN_SIZE];
	int f = outfmt_by_name(arg);

	if (f < 0) {
		terr_set(e, "'%s' is not an output format (text, json or prom)", shown(sb, arg));
		return -1;
	}
	o->out = (enum out_fmt)f;
	o->given |= OPTS_GIVEN_OUTPUT;
	return 0;
}

static int set_textfile(struct opts *o, const char *arg, struct terr *e)
{
	(void)e;
	o->textfile_dir = arg;
	return 0;
}

static int set_prom_top(struct opts *o, const char *arg, struct terr *e)
{
	char *end, sb[SHOWN_SIZE];
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (end == arg || *end != '\0' || errno || v < 0 || v > OPTS_MAX_PROM_TOP) {
		terr_set(e, "'%s' is not a number of connections (0 to %d)", shown(sb, arg),
			 OPTS_MAX_PROM_TOP);
		return -1;
	}
	o->prom_top = (size_t)v;
	return 0;
}

static int set_columns(struct opts *o, const char *arg, struct terr *e)
{
	if (opts_parse_columns(arg, o->cols, &o->ncols, e) < 0)
		return -1;
	o->given |= OPTS_GIVEN_COLUMNS;
	return 0;
}

static int add_filter(struct opts *o, const char *text, struct terr *e)
{
	struct strbuf sb = STRBUF_INIT;

	(void)e;
	if (o->filter) {
		sb_puts(&sb, o->filter);
		sb_putc(&sb, ' ');
		free(o->filter);
	}
	sb_puts(&sb, text);
	o->filter = sb.s;
	return 0;
}

static int set_write(struct opts *o, const char *arg, struct terr *e)
{
	(void)e;
	o->write_path = arg;
	return 0;
}

static int set_record(struct opts *o, const char *arg, struct terr *e)
{
	(void)e;
	o->record_path = arg;
	return 0;
}

static int set_closed_log(struct opts *o, const char *arg, struct terr *e)
{
	(void)e;
	o->closed_log = arg;
	return 0;
}

static int set_no_closed(struct opts *o, const char *arg, struct terr *e)
{
	(void)arg;
	(void)e;
	o->no_closed = true;
	return 0;
}

static int set_replay(struct opts *o, const char *arg, struct terr *e)
{
	(void)e;
	o->replay_path = arg;
	return 0;
}

static int set_netns(struct opts *o, const char *arg, struct terr *e)
{
	if (!*arg) {
		terr_set(e, "an empty name is not a network namespace");
		return -1;
	}
	o->netns = arg;
	return 0;
}

static int set_procs(struct opts *o, const char *arg, struct terr *e)
{
	(void)arg;
	(void)e;
	o->procs = PROCS_ON;
	return 0;
}

static int set_no_procs(struct opts *o, const char *arg, struct terr *e)
{
	(void)arg;
	(void)e;
	o->procs = PROCS_OFF;
	return 0;
}

static int set_low_memory(struct opts *o, const char *arg, struct terr *e)
{
	(void)arg;
	(void)e;
	o->low_memory = true;
	return 0;
}

static int set_group(struct opts *o, const char *arg, struct terr *e)
{
	char sb[SHOWN_SIZE], keys[128];
	size_t off = 0;

	o->group_by = group_key_by_name(arg);
	if (o->group_by < 0) {
		/* the names from the grouping's own table, so the message cannot drift */
		keys[0] = '\0';
		for (int i = 0; i < GROUP_N && off < sizeof(keys); i++)
			off += (size_t)snprintf(keys + off, sizeof(keys) - off, "%s%s",
						i ? ", " : "", group_key_name(i));
		terr_set(e, "'%s' is not a grouping (%s)", shown(sb, arg), keys);
		return -1;
	}
	o->given |= OPTS_GIVEN_GROUP;
	return 0;
}

static int set_no_config(struct opts *o, const char *arg, struct terr *e)
{
	(void)arg;
	(void)e;
	o->no_config = true;
	return 0;
}

static int set_no_color(struct opts *o, const char *arg, struct terr *e)
{
	(void)arg;
	(void)e;
	o->no_color = true;
	return 0;
}

static int set_help(struct opts *o, const char *arg, struct terr *e)
{
	(void)arg;
	(void)e;
	o->action = OPTS_HELP;
	return 0;
}

static int set_version(struct opts *o, const char *arg, struct terr *e)
{
	(void)arg;
	(void)e;
	o->action = OPTS_VERSION;
	return 0;
}

static const struct opt_def table[] = {
	{ .name = "batch",
	  .shortopt = 'b',
	  .apply = set_batch,
	  .help = "print snapshots instead of the interactive view\n"
		  "(the default when standard output is not a terminal)" },
	{ .name = "frames",
	  .shortopt = 'n',
	  .metavar = "N",
	  .complete = OC_WORD,
	  .apply = set_frames,
	  .help = "snapshots to print in batch mode (default 1; 0 = until\n"
		  "interrupted); every one has rates over the interval" },
	{ .name = "delay",
	  .shortopt = 'd',
	  .metavar = "SECS",
	  .complete = OC_WORD,
	  .apply = set_delay,
	  .help = "refresh interval in seconds, fractions allowed (default 1)" },
	{ .name = "sort",
	  .shortopt = 's',
	  .metavar = "COL",
	  .complete = OC_COLUMN,
	  .apply = set_sort,
	  .help = "sort connections by COL (default: problems: findings\n"
		  "first, then TX+RX)" },
	{ .name = "reverse",
	  .shortopt = 'r',
	  .apply = set_reverse,
	  .help = "reverse the sort order" },
	{ .name = "output",
	  .shortopt = 'o',
	  .metavar = "FMT",
	  .complete = OC_FORMAT,
	  .apply = set_output,
	  .help = "batch output format: text, json (JSON Lines) or prom\n"
		  "(Prometheus text format, one snapshot)" },
	{ .name = "textfile",
	  .metavar = "DIR",
	  .complete = OC_DIR,
	  .flags = OPTF_PATH,
	  .apply = set_textfile,
	  .help = "keep DIR/tcptop.prom current (Prometheus text format, for\n"
		  "node_exporter's textfile collector), until interrupted" },
	{ .name = "prom-top",
	  .metavar = "N",
	  .complete = OC_WORD,
	  .apply = set_prom_top,
	  .help = "prom: per-connection series for the N connections with\n"
		  "the most throughput (default 0: none)" },
	{ .name = "columns",
	  .shortopt = 'c',
	  .metavar = "LIST",
	  .complete = OC_COLUMN_LIST,
	  .apply = set_columns,
	  .help = "connection columns, comma-separated; +COL adds to and\n"
		  "-COL removes from the default list" },
	{ .name = "filter",
	  .shortopt = 'f',
	  .metavar = "EXPR",
	  .complete = OC_FILTER,
	  .flags = OPTF_REPEAT,
	  .apply = add_filter,
	  .help = "show only sockets matching EXPR (see FILTERS)" },
	{ .name = "write",
	  .shortopt = 'w',
	  .metavar = "PATH",
	  .complete = OC_FILE,
	  .flags = OPTF_PATH,
	  .apply = set_write,
	  .help = "where the interactive 's' key writes its snapshot\n"
		  "(default tcptop-YYYYmmdd-HHMMSS.txt)" },
	{ .name = "record",
	  .metavar = "FILE",
	  .complete = OC_FILE,
	  .flags = OPTF_PATH,
	  .apply = set_record,
	  .help = "also write every refresh's raw inputs (netlink bytes,\n"
		  "/proc files) to FILE, for a bug report or a test" },
	{ .name = "closed-log",
	  .metavar = "FILE",
	  .complete = OC_FILE,
	  .flags = OPTF_PATH,
	  .apply = set_closed_log,
	  .help = "append every connection that ends to FILE, one JSON\n"
		  "object a line (needs CAP_NET_ADMIN)" },
	{ .name = "no-closed",
	  .apply = set_no_closed,
	  .help = "do not watch connections that end (sock_diag destroy events)" },
	{ .name = "replay",
	  .metavar = "FILE",
	  .complete = OC_FILE,
	  .flags = OPTF_PATH,
	  .apply = set_replay,
	  .help = "read the inputs from a recording instead of the kernel" },
	{ .name = "netns",
	  .shortopt = 'N',
	  .metavar = "NS",
	  .complete = OC_NETNS,
	  .apply = set_netns,
	  .help = "watch another network namespace: a NAME under /run/netns,\n"
		  "a /path to a namespace file, or pid:PID (that process's,\n"
		  "e.g. a container's), or all: every namespace on the\n"
		  "host at once; needs root" },
	{ .name = "processes",
	  .shortopt = 'p',
	  .apply = set_procs,
	  .help = "always show which process holds each socket (by default\n"
		  "it turns itself off when scanning /proc cannot keep up)" },
	{ .name = "no-processes",
	  .apply = set_no_procs,
	  .help = "do not scan /proc for the processes holding sockets" },
	{ .name = "low-memory",
	  .apply = set_low_memory,
	  .help = "the interactive view keeps one refresh, not two: about a\n"
		  "third less memory with many sockets, but keys pressed\n"
		  "while a refresh is made wait for it" },
	{ .name = "group-by",
	  .metavar = "KEY",
	  .complete = OC_GROUP,
	  .apply = set_group,
	  .help = "one line per group: process, remote (host), port (local\n"
		  "service port), state, netns, or none" },
	{ .name = "no-config",
	  .apply = set_no_config,
	  .help = "ignore the settings file (~/.config/tcptop/tcptoprc)" },
	{ .name = "no-color",
	  .apply = set_no_color,
	  .help = "no colours (also when NO_COLOR is set)" },
	{ .name = "no-colour", .apply = set_no_color, .flags = OPTF_ALIAS, .help = "no colours" },
	{ .name = "help", .shortopt = 'h', .apply = set_help, .help = "this text" },
	{ .name = "version",
	  .shortopt = 'V',
	  .apply = set_version,
	  .help = "the version, the kernel features found, the libraries" },
};

#define NOPTS (sizeof(table) / sizeof(table[0]))
/* getopt_long's val for row i of a long-only option; short options return their letter. */
#define LONG_VAL(i) (256 + (int)(i))

const struct opt_def *opts_table(size_t *n)
{
	*n = NOPTS;
	return table;
}

/* The row getopt_long's return value stands for; NULL if none. */
static const struct opt_def *row_of(int c)
{
	if (c >= LONG_VAL(0) && c < LONG_VAL(NOPTS))
		return &table[c - LONG_VAL(0)];
	for (size_t i = 0; i < NOPTS; i++)
		if (table[i].shortopt && table[i].shortopt == c)
			return &table[i];
	return NULL;
}

/* getopt_long's two tables, from the option table. */
static void build_getopt(struct option *lo, char *so)
{
	char *p = so;

	/* "+": stop at the first non-option, so a filter like "not port 22" stays whole;
	 * ":": a missing value is told apart from an unknown option. */
	*p++ = '+';
	*p++ = ':';
	for (size_t i = 0; i < NOPTS; i++) {
		lo[i] = (struct option){
			.name = table[i].name,
			.has_arg = table[i].metavar ? required_argument : no_argument,
			.val = table[i].shortopt ? table[i].shortopt : LONG_VAL(i),
		};
		/* the same val: getopt_long then takes a prefix of both as one option */
		if ((table[i].flags & OPTF_ALIAS) && i > 0)
			lo[i].val = lo[i - 1].val;
		if (table[i].shortopt) {
			*p++ = table[i].shortopt;
			if (table[i].metavar)
				*p++ = ':';
		}
	}
	lo[NOPTS] = (struct option){ 0 };
	*p = '\0';
}

/*
 * The option as the user wrote it, for messages: "--delay" (also for an
 * abbreviation like "--del=5", cut at the '='), or "-d" (also inside "-bd5").
 * `word` is the argv word the option was in; `c` the short letter if any.
 */
static const char *typed_name(const char *word, int c, char *buf)
{
	if (word && word[0] == '-' && word[1] == '-') {
		char tmp[SHOWN_BYTES + 1];
		size_t n = strcspn(word, "=");

		if (n > SHOWN_BYTES)
			n = SHOWN_BYTES;
		memcpy(tmp, word, n);
		tmp[n] = '\0';
		return shown(buf, tmp);
	}
	if (c > 0 && c < 256) {
		char ch = (char)c;

		sanitize_text(buf + 1, SHOWN_SIZE - 1, &ch, 1);
		buf[0] = '-';
		return buf;
	}
	return "option";
}

/* Long options that start with word ("--no" -> no-color, no-processes, ...): how many. */
static size_t prefix_matches(const char *word, char *list, size_t len)
{
	size_t n = strcspn(word + 2, "="), count = 0, at = 0;

	list[0] = '\0';
	for (size_t i = 0; i < NOPTS; i++) {
		if (table[i].flags & OPTF_ALIAS || strncmp(table[i].name, word + 2, n))
			continue;
		if (at < len)
			at += (size_t)snprintf(list + at, len - at, "%s--%s", count ? ", " : "",
					       table[i].name);
		count++;
	}
	return count;
}

/* The argv word getopt_long just finished with: optind moved past it (and past a value). */
static const char *last_word(int argc, char **argv, int before)
{
	if (before >= 1 && before < argc)
		return argv[before];
	return NULL;
}

static int unknown(struct terr *e, const char *word, int c)
{
	char nb[SHOWN_SIZE], list[256];

	if (word && word[0] == '-' && word[1] == '-') {
		size_t n = strcspn(word + 2, "=");
		const struct opt_def *d = NULL;

		for (size_t i = 0; i < NOPTS && n; i++)
			if (!strncmp(table[i].name, word + 2, n) && !table[i].name[n])
				d = &table[i];
		if (n && prefix_matches(word, list, sizeof(list)) > 1 && !d) {
			terr_set(e, "'%s' is ambiguous: %s", typed_name(word, 0, nb), list);
			return -1;
		}
		/* getopt_long's '?' for "--batch=1": a value on an option without one */
		if (word[2 + n] == '=') {
			terr_set(e, "%s takes no value (see tcptop --help)",
				 typed_name(word, 0, nb));
			return -1;
		}
		terr_set(e, "unknown option '%s' (see tcptop --help)", shown(nb, word));
		return -1;
	}
	terr_set(e, "unknown option '%s' (see tcptop --help)", typed_name(NULL, c, nb));
	return -1;
}

/* The combinations of output options that cannot work, each refused with the reason. */
static int check_outputs(struct opts *o, struct terr *e)
{
	if (o->textfile_dir) {
		if ((o->given & OPTS_GIVEN_OUTPUT) && o->out != OUT_PROM) {
			terr_set(e,
				 "--textfile writes the prom format (-o %s cannot be used with it)",
				 outfmt_name(o->out));
			return -1;
		}
		/* a metrics file for a scraper: no terminal, runs until interrupted (or -n N) */
		o->out = OUT_PROM;
		o->batch = true;
		if (!(o->given & OPTS_GIVEN_FRAMES))
			o->frames = 0;
	}
	/* one snapshot for a scraper or a pipe: never the dashboard, even on a terminal */
	if (o->out == OUT_PROM)
		o->batch = true;
	if (o->group_by != GROUP_NONE && !outfmt_find(o->out, true)) {
		terr_set(e, "--group-by cannot be used with -o %s", outfmt_name(o->out));
		return -1;
	}
	/* a format that does not stream has one frame per output: two in a row would be invalid */
	if (!(outfmt_find(o->out, o->group_by != GROUP_NONE)->flags & OUTF_STREAM) &&
	    !o->textfile_dir && o->frames != -1 && o->frames != 1) {
		terr_set(e, "-o %s prints one snapshot (--textfile DIR keeps one current)",
			 outfmt_name(o->out));
		return -1;
	}
	if (o->closed_log && o->no_closed) {
		terr_set(e, "--closed-log cannot be used with --no-closed");
		return -1;
	}
	if (o->prom_top && o->out != OUT_PROM) {
		terr_set(e, "--prom-top applies to -o prom and --textfile only");
		return -1;
	}
	/* the snapshots go to stdout: a recording there would be mixed into them */
	if (o->record_path && !strcmp(o->record_path, "-") && !o->textfile_dir) {
		terr_set(e, "--record - would mix the recording with the output on standard "
			    "output (record to a file, or use it with --textfile)");
		return -1;
	}
	return 0;
}

int opts_parse(struct opts *o, int argc, char **argv, struct terr *e)
{
	struct option lo[NOPTS + 1];
	char so[2 + 2 * NOPTS + 1];
	char nb[SHOWN_SIZE];
	int c;

	set_defaults(o);
	build_getopt(lo, so);
	opterr = 0;
	optind = 1;
	for (;;) {
		/* the word being read: getopt_long moves optind past it when it is done */
		int before = optind;
		const struct opt_def *d;
		const char *word;
		struct terr ve;

		c = getopt_long(argc, argv, so, lo, NULL);
		if (c == -1)
			break;
		word = last_word(argc, argv, before);
		if (c == '?')
			return unknown(e, word, optopt);
		d = row_of(c == ':' ? optopt : c);
		if (c == ':') {
			terr_set(e, "%s needs a value (see tcptop --help)",
				 typed_name(word, d ? d->shortopt : optopt, nb));
			return -1;
		}
		if (!d)
			return unknown(e, word, c);
		/* long spellings are named as typed; a short one inside "-bd5" by its letter */
		typed_name(word, d->shortopt, nb);
		if (optarg && strlen(optarg) > OPTS_MAX_VALUE) {
			terr_set(e, "%s: a value of %zu bytes is too long (at most %d)", nb,
				 strlen(optarg), OPTS_MAX_VALUE);
			return -1;
		}
		if (optarg && (d->flags & OPTF_PATH) && !*optarg) {
			terr_set(e, "%s: an empty path", nb);
			return -1;
		}
		if (d->apply(o, optarg, &ve) < 0) {
			terr_set(e, "%s: %s", nb, ve.msg);
			return -1;
		}
		if (o->action != OPTS_RUN)
			return 0;
	}
	for (int i = optind; i < argc; i++)
		add_filter(o, argv[i], e);
	/* a recording was made in some namespace, with no process data: say so, do not pretend */
	if (o->replay_path && o->netns) {
		terr_set(e,
			 "--netns cannot be used with --replay (a recording is of one namespace)");
		return -1;
	}
	if (o->replay_path && o->procs == PROCS_ON) {
		terr_set(e, "--processes cannot be used with --replay (a recording holds no "
			    "process data)");
		return -1;
	}
	return check_outputs(o, e);
}

void opts_free(struct opts *o)
{
	free(o->filter);
	o->filter = NULL;
}
