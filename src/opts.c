/* opts: command-line parsing and usage. */
#include "opts.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fatal.h"
#include "strbuf.h"

static const char usage_text[] =
	"usage: tcptop [options] [FILTER]\n"
	"\n"
	"A live view of every TCP socket on this host: windows, queues, rates, and why a\n"
	"connection or listener is stuck. Interactive on a terminal; snapshots otherwise.\n"
	"\n"
	"options:\n"
	"  -b, --batch          print snapshots instead of the interactive view\n"
	"                       (the default when standard output is not a terminal)\n"
	"  -n, --frames N       snapshots to print in batch mode (default 1; 0 = until\n"
	"                       interrupted); every one has rates over the interval\n"
	"  -d, --delay SECS     refresh interval in seconds, fractions allowed (default 1)\n"
	"  -s, --sort COL       sort connections by COL (default: rate, TX+RX)\n"
	"  -r, --reverse        reverse the sort order\n"
	"  -o, --output FMT     batch output format: text or json (JSON Lines)\n"
	"  -c, --columns LIST   connection columns, comma-separated; +COL adds to and\n"
	"                       -COL removes from the default list\n"
	"  -f, --filter EXPR    show only sockets matching EXPR (see FILTERS)\n"
	"  -w, --write PATH     where the interactive 's' key writes its snapshot\n"
	"                       (default tcptop-YYYYmmdd-HHMMSS.txt)\n"
	"      --record FILE    also write every refresh's raw inputs (netlink bytes,\n"
	"                       /proc files) to FILE, for a bug report or a test\n"
	"      --replay FILE    read the inputs from a recording instead of the kernel\n"
	"  -N, --netns NS       watch another network namespace: a NAME under /run/netns,\n"
	"                       a /path to a namespace file, or pid:PID (that process's,\n"
	"                       e.g. a container's); needs root\n"
	"  -p, --processes      always show which process holds each socket (by default\n"
	"                       it turns itself off when scanning /proc cannot keep up)\n"
	"      --no-processes   do not scan /proc for the processes holding sockets\n"
	"      --group-by KEY   one line per group: process, remote (host), port (local\n"
	"                       service port), state, or none\n"
	"      --no-config      ignore the settings file (~/.config/tcptop/tcptoprc)\n"
	"      --no-color       no colours (also when NO_COLOR is set)\n"
	"  -h, --help           this text\n"
	"  -V, --version        the version\n"
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

void opts_usage(FILE *out)
{
	fputs(usage_text, out);
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
	o->sort = column_get(COL_RATE);
	o->out = OUT_TEXT;
	memcpy(o->cols, column_default_view, column_default_view_len * sizeof(o->cols[0]));
	o->ncols = column_default_view_len;
}

int opts_parse_interval(const char *s, double *out, struct terr *e)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (end == s || *end != '\0' || errno || !isfinite(v)) {
		terr_set(e, "'%s' is not a number of seconds", s);
		return -1;
	}
	if (v < OPTS_MIN_INTERVAL || v > OPTS_MAX_INTERVAL) {
		terr_set(e, "%s s is out of range (%.2g to %.0f seconds)", s, OPTS_MIN_INTERVAL,
			 OPTS_MAX_INTERVAL);
		return -1;
	}
	*out = v;
	return 0;
}

static int parse_frames(const char *s, long *out, struct terr *e)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (end == s || *end != '\0' || errno || v < 0) {
		terr_set(e, "'%s' is not a count of frames (0 or more)", s);
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
	char *copy = xstrdup(list), *save = NULL;
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
			terr_set(e, "'%s': mix of a list and +/- edits (write +%s)", tok, tok);
			ret = -1;
			break;
		}
		if (!c || (c->flags & COLF_LISTEN)) {
			terr_set(e, "unknown column '%s' (tcptop --help lists them)", name);
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
		terr_set(e, "'%s' leaves no columns", list);
		ret = -1;
	}
	if (ret == 0) {
		memcpy(cols, out, n * sizeof(*cols));
		*ncols = n;
	}
	return ret;
}

static const struct option long_opts[] = {
	{ "batch", no_argument, NULL, 'b' },
	{ "frames", required_argument, NULL, 'n' },
	{ "delay", required_argument, NULL, 'd' },
	{ "sort", required_argument, NULL, 's' },
	{ "reverse", no_argument, NULL, 'r' },
	{ "output", required_argument, NULL, 'o' },
	{ "columns", required_argument, NULL, 'c' },
	{ "filter", required_argument, NULL, 'f' },
	{ "write", required_argument, NULL, 'w' },
	{ "record", required_argument, NULL, 1 },
	{ "replay", required_argument, NULL, 2 },
	{ "no-color", no_argument, NULL, 3 },
	{ "no-colour", no_argument, NULL, 3 },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ "netns", required_argument, NULL, 'N' },
	{ "processes", no_argument, NULL, 'p' },
	{ "no-processes", no_argument, NULL, 4 },
	{ "group-by", required_argument, NULL, 5 },
	{ "no-config", no_argument, NULL, 6 },
	{ NULL, 0, NULL, 0 },
};

/*
 * The option as the user wrote it, for messages ("-d", "--delay"): the word
 * before its value when the value was a separate word, else the word itself
 * without "=value" or the joined value of "-d5".
 */
static const char *opt_name(char **argv, int optind_after, const char *arg, char *buf, size_t len)
{
	const char *a = argv[optind_after - 1];

	if (arg && a == arg && optind_after >= 2)
		a = argv[optind_after - 2];
	if (!a || a[0] != '-')
		return "option";
	if (a[1] == '-') {
		size_t n = strcspn(a, "=");

		snprintf(buf, len, "%.*s", (int)(n < 60 ? n : 60), a);
	} else {
		snprintf(buf, len, "-%c", a[1]);
	}
	return buf;
}

static int add_filter(struct opts *o, const char *text)
{
	struct strbuf sb = STRBUF_INIT;

	if (o->filter) {
		sb_puts(&sb, o->filter);
		sb_putc(&sb, ' ');
		free(o->filter);
	}
	sb_puts(&sb, text);
	o->filter = sb.s;
	return 0;
}

int opts_parse(struct opts *o, int argc, char **argv, struct terr *e)
{
	struct terr ve;
	char nb[64];
	int c;

	set_defaults(o);
	opterr = 0;
	optind = 1;
	/* "+": stop at the first non-option, so a filter like "not port 22" stays whole. */
	while ((c = getopt_long(argc, argv, "+:bn:d:s:ro:c:f:w:N:phV", long_opts, NULL)) != -1) {
		switch (c) {
		case 'b':
			o->batch = true;
			break;
		case 'n':
			if (parse_frames(optarg, &o->frames, &ve) < 0)
				goto bad_value;
			break;
		case 'd':
			if (opts_parse_interval(optarg, &o->interval, &ve) < 0)
				goto bad_value;
			o->given |= OPTS_GIVEN_DELAY;
			break;
		case 's':
			o->sort = column_by_name(optarg);
			if (!o->sort || (o->sort->flags & COLF_LISTEN)) {
				terr_set(&ve, "unknown column '%s' (tcptop --help lists them)",
					 optarg);
				goto bad_value;
			}
			o->given |= OPTS_GIVEN_SORT;
			break;
		case 'r':
			o->reverse = true;
			o->given |= OPTS_GIVEN_REVERSE;
			break;
		case 'o':
			if (!strcmp(optarg, "text")) {
				o->out = OUT_TEXT;
			} else if (!strcmp(optarg, "json")) {
				o->out = OUT_JSON;
			} else {
				terr_set(&ve, "'%s' is not an output format (text or json)",
					 optarg);
				goto bad_value;
			}
			break;
		case 'c':
			if (opts_parse_columns(optarg, o->cols, &o->ncols, &ve) < 0)
				goto bad_value;
			o->given |= OPTS_GIVEN_COLUMNS;
			break;
		case 'f':
			add_filter(o, optarg);
			break;
		case 'w':
			o->write_path = optarg;
			break;
		case 1:
			o->record_path = optarg;
			break;
		case 2:
			o->replay_path = optarg;
			break;
		case 3:
			o->no_color = true;
			break;
		case 'N':
			if (!*optarg) {
				terr_set(&ve, "an empty name is not a network namespace");
				goto bad_value;
			}
			o->netns = optarg;
			break;
		case 'p':
			o->procs = PROCS_ON;
			break;
		case 4:
			o->procs = PROCS_OFF;
			break;
		case 5:
			o->group_by = group_key_by_name(optarg);
			if (o->group_by < 0) {
				terr_set(&ve, "'%s' is not a grouping (none, process, remote, port, state)",
					 optarg);
				goto bad_value;
			}
			o->given |= OPTS_GIVEN_GROUP;
			break;
		case 6:
			o->no_config = true;
			break;
		case 'h':
			o->action = OPTS_HELP;
			return 0;
		case 'V':
			o->action = OPTS_VERSION;
			return 0;
		case ':':
			terr_set(e, "%s needs a value (see tcptop --help)",
				 opt_name(argv, optind, NULL, nb, sizeof(nb)));
			return -1;
		default:
			if (optopt && optopt != '?')
				terr_set(e, "unknown option '-%c' (see tcptop --help)", optopt);
			else
				terr_set(e, "unknown option '%s' (see tcptop --help)",
					 argv[optind - 1]);
			return -1;
		}
		continue;
	bad_value:
		terr_set(e, "%s: %s", opt_name(argv, optind, optarg, nb, sizeof(nb)), ve.msg);
		return -1;
	}
	for (int i = optind; i < argc; i++)
		add_filter(o, argv[i]);
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
	return 0;
}

void opts_free(struct opts *o)
{
	free(o->filter);
	o->filter = NULL;
}
