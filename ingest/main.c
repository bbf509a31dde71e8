/*
 * dmarc-ingest: the command line.  Turns arguments into inputs, runs the
 * pipeline on each, and reports like a cron job should: silent when all
 * went well, one line per input that needs attention, a summary line, and
 * an exit status that says the worst thing that happened.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "db.h"
#include "escape.h"
#include "ingest.h"
#include "limits.h"
#include "source.h"

#define EXIT_REJECTED	1	/* some input was rejected */
#define EXIT_TROUBLE	2	/* usage or system error */

static const char *progname = "dmarc-ingest";

/* command-line settings */
struct options {
	const char	*db;		/* --db, or NULL for the default */
	int		 verbose;	/* -v: one line per input */
	int		 json;		/* --json summary on stdout */
	int		 reprocess;	/* 0, 1 = rejected, 2 = all */
	int		 progress;	/* progress line on stderr */
};

/* run state shared with the callbacks */
struct cli {
	struct options	 opt;
	int		 trouble;	/* a usage or system error happened */
	size_t		 done, total;	/* inputs, for the progress line */
	struct timespec	 last;		/* last progress update */
	int		 progress_shown;
};

static void
usage(FILE *f)
{
	fprintf(f,
"usage: %s [options] PATH...\n"
"       %s [options] --reprocess[=all]\n"
"Store DMARC aggregate reports (XML, gzip or zip files, or directories of\n"
"them; '-' reads one report from standard input) in an SQLite database.\n"
"\n"
"  --db PATH          database (default $DMARC_DB, else\n"
"                     $XDG_DATA_HOME/dmarc-rua/dmarc.db)\n"
"  --reprocess[=all]  parse the kept bytes of rejected inputs (or of all\n"
"                     inputs) again, e.g. after an upgrade\n"
"  --json             print the run's summary as JSON on standard output\n"
"  -v, --verbose      one line per input and a summary line\n"
"  --no-progress      no progress line, even on a terminal\n"
"  -h, --help         this help\n"
"  -V, --version      program version\n"
"\n"
"Exit status: 0 all inputs stored or known, 1 some input rejected (the\n"
"others were still processed), 2 usage or system error.\n"
"See dmarc-ingest(1).\n", progname, progname);
}

static void
progress_clear(struct cli *c)
{
	if (c->progress_shown) {
		fputs("\r\033[K", stderr);
		c->progress_shown = 0;
	}
}

static void
progress(struct cli *c)
{
	struct timespec now;

	if (!c->opt.progress)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (c->done != c->total && now.tv_sec == c->last.tv_sec &&
	    now.tv_nsec - c->last.tv_nsec < 100000000L)
		return;
	c->last = now;
	fprintf(stderr, "\r%s: %zu/%zu inputs", progname, c->done, c->total);
	c->progress_shown = 1;
}

/* prints an untrusted string safely on the terminal or log */
static void
put_term(FILE *f, const char *s)
{
	struct buf b;

	buf_init(&b, 4 * MAX_LONG_TEXT);
	escape_term(&b, s);
	fputs(buf_cstr(&b), f);
	buf_release(&b);
}

static void
on_outcome(void *arg, const char *source, enum outcome oc,
    const char *reason, int level)
{
	struct cli *c = arg;

	c->done++;
	if (level == 2)
		c->trouble = 1;
	if (level > 0 || c->opt.verbose) {
		progress_clear(c);
		fprintf(stderr, "%s: ", progname);
		put_term(stderr, source);
		fprintf(stderr, ": %s", level == 2 ? "error" : level == 1 ?
		    "rejected" : outcome_name(oc));
		if (reason != NULL) {
			fputs(": ", stderr);
			put_term(stderr, reason);
		}
		fputc('\n', stderr);
	}
	progress(c);
}

static void
on_source_error(void *arg, const char *path, const char *why)
{
	struct cli *c = arg;

	c->trouble = 1;
	progress_clear(c);
	fprintf(stderr, "%s: ", progname);
	put_term(stderr, path);
	fprintf(stderr, ": error: %s\n", why);
}

static void
summary_line(const struct ingest_stats *s)
{
	fprintf(stderr, "%s: %zu input%s: %zu stored, %zu duplicate, "
	    "%zu rejected", progname, s->inputs, s->inputs == 1 ? "" : "s",
	    s->stored, s->duplicates, s->rejected);
	if (s->failed > 0)
		fprintf(stderr, ", %zu failed", s->failed);
	fprintf(stderr, "; %zu report%s, %llu records, %llu messages",
	    s->reports, s->reports == 1 ? "" : "s",
	    (unsigned long long)s->records, (unsigned long long)s->messages);
	if (s->conflicts > 0)
		fprintf(stderr, "; %zu conflicting", s->conflicts);
	fprintf(stderr, "; %lu warning%s\n", diag_nwarnings(&s->warnings),
	    diag_nwarnings(&s->warnings) == 1 ? "" : "s");
}

static void
summary_json(const struct ingest_stats *s, const char *db)
{
	struct buf b;
	int first = 1;

	buf_init(&b, 4096);
	escape_json(&b, db);
	printf("{\"database\":\"%s\",\"inputs\":%zu,\"stored\":%zu,"
	    "\"duplicates\":%zu,\"rejected\":%zu,\"failed\":%zu,"
	    "\"reports\":%zu,\"report_duplicates\":%zu,\"conflicts\":%zu,"
	    "\"records\":%llu,\"messages\":%llu,\"warnings\":{",
	    buf_cstr(&b), s->inputs, s->stored, s->duplicates, s->rejected,
	    s->failed, s->reports, s->report_duplicates, s->conflicts,
	    (unsigned long long)s->records, (unsigned long long)s->messages);
	for (int i = 0; i < DIAG__COUNT; i++) {
		if (s->warnings.count[i] == 0)
			continue;
		printf("%s\"%s\":%lu", first ? "" : ",",
		    diag_name((enum diag_code)i), s->warnings.count[i]);
		first = 0;
	}
	printf("}}\n");
	buf_release(&b);
}

static int
parse_options(int argc, char *argv[], struct options *o)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "reprocess", optional_argument, NULL, 'r' },
		{ "json", no_argument, NULL, 'j' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "no-progress", no_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	memset(o, 0, sizeof(*o));
	o->progress = isatty(STDERR_FILENO);
	while ((ch = getopt_long(argc, argv, "vhV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			o->db = optarg;
			break;
		case 'r':
			if (optarg == NULL || strcmp(optarg, "rejected") == 0)
				o->reprocess = 1;
			else if (strcmp(optarg, "all") == 0)
				o->reprocess = 2;
			else {
				fprintf(stderr, "%s: --reprocess takes "
				    "'rejected' or 'all', not '%s'\n",
				    progname, optarg);
				return -1;
			}
			break;
		case 'j':
			o->json = 1;
			break;
		case 'v':
			o->verbose = 1;
			break;
		case 'P':
			o->progress = 0;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		case 'V':
			printf("dmarc-ingest %s\n", DMARC_VERSION);
			exit(0);
		default:
			usage(stderr);
			return -1;
		}
	}
	if (o->verbose)
		o->progress = 0;
	return 0;
}

/* ingests standard input as one input named "-" */
static void
ingest_stdin(struct cli *c, struct ingest *ing)
{
	int fd = source_spool(STDIN_FILENO, MAX_INPUT_BYTES);

	if (fd == -1) {
		ing->stats.inputs++;
		ing->stats.failed++;
		on_source_error(c, "-", errno == EFBIG ? "input is larger "
		    "than the 256 MiB limit (MAX_INPUT_BYTES)" :
		    strerror(errno));
		return;
	}
	ingest_fd(ing, fd, "-");
	close(fd);
}

static void
run_paths(struct cli *c, struct ingest *ing, int argc, char *argv[])
{
	struct pathlist l;
	int saw_stdin = 0;

	pathlist_init(&l);
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "-") == 0)
			saw_stdin = 1;
		else
			source_collect(argv[i], &l, on_source_error, c);
	}
	c->total = l.n + (size_t)saw_stdin;
	if (saw_stdin)
		ingest_stdin(c, ing);
	for (size_t i = 0; i < l.n; i++)
		ingest_file(ing, l.v[i]);
	progress_clear(c);
	pathlist_release(&l);
}

int
main(int argc, char *argv[])
{
	struct cli c;
	struct ingest ing;
	struct store *st;
	char err[512], *dbpath;
	const struct ingest_stats *s = &ing.stats;

	memset(&c, 0, sizeof(c));
	if (parse_options(argc, argv, &c.opt) == -1)
		return EXIT_TROUBLE;
	argc -= optind;
	argv += optind;
	if ((argc == 0) == (c.opt.reprocess == 0)) {
		fprintf(stderr, "%s: %s\n", progname, argc == 0 ?
		    "no input: name files or directories, or '-' for "
		    "standard input" : "--reprocess takes no PATH");
		usage(stderr);
		return EXIT_TROUBLE;
	}
	dbpath = c.opt.db != NULL ? strdup(c.opt.db) : db_default_path();
	if (dbpath == NULL) {
		fprintf(stderr, "%s: no database: set --db, $DMARC_DB or "
		    "$HOME\n", progname);
		return EXIT_TROUBLE;
	}
	if ((st = store_open(dbpath, err, sizeof(err))) == NULL) {
		fprintf(stderr, "%s: %s: error: %s\n", progname, dbpath, err);
		free(dbpath);
		return EXIT_TROUBLE;
	}
	ingest_init(&ing, st);
	ing.report = on_outcome;
	ing.report_arg = &c;
	if (c.opt.reprocess) {
		if (ingest_reprocess(&ing, c.opt.reprocess == 2) == -1) {
			c.trouble = 1;
			fprintf(stderr, "%s: %s: error: %s\n", progname,
			    dbpath, store_errmsg(st));
		}
	} else
		run_paths(&c, &ing, argc, argv);
	store_close(st);
	if (c.opt.json)
		summary_json(s, dbpath);
	if (c.opt.verbose || s->rejected > 0 || s->failed > 0 || c.trouble)
		summary_line(s);
	free(dbpath);
	if (c.trouble || s->failed > 0)
		return EXIT_TROUBLE;
	return s->rejected > 0 ? EXIT_REJECTED : EXIT_SUCCESS;
}
