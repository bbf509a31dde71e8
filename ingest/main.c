/*
 * dmarc-ingest: the command line.  Turns arguments into inputs, runs the
 * pipeline on each, and reports like a cron job should: silent when all
 * went well, one line per input that needs attention, a summary line, and
 * an exit status that says the worst thing that happened.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "db.h"
#include "escape.h"
#include "imap.h"
#include "ingest.h"
#include "limits.h"
#include "lock.h"
#include "mail.h"
#include "maildir.h"
#include "mailsource.h"
#include "mbox.h"
#include "num.h"
#include "source.h"
#include "xalloc.h"

#define EXIT_REJECTED	1	/* some input was rejected */
#define EXIT_TROUBLE	2	/* usage or system error */
/* --mail: the MTA's sysexits.h convention */
#define EXIT_DATAERR	65	/* message not read, not kept: bounce it */
#define EXIT_TEMPFAIL	75	/* database unavailable: the MTA retries */
#define EXIT_CONFIG	78	/* --imap: login, password, certificate, URL */

static const char *progname = "dmarc-ingest";

/* command-line settings */
struct options {
	const char	*db;		/* --db, or NULL for the default */
	int		 verbose;	/* -v: one line per input */
	int		 json;		/* --json summary on stdout */
	int		 reprocess;	/* 0, 1 = rejected, 2 = all */
	int		 progress;	/* progress line on stderr */
	const char	*mail;		/* --mail: one message, '-' is stdin */
	const char	**mboxes;	/* --mbox FILE, n_mboxes of them */
	size_t		 n_mboxes;
	const char	**maildirs;	/* --maildir DIR */
	size_t		 n_maildirs;
	struct maildir_opts maildir;	/* --move-to, --failed-to */
	struct imap_options imap;	/* --imap URL and its options */
	int		 imap_only;	/* an option that needs --imap */
	unsigned	 lock_timeout;	/* --lock-timeout, seconds */
	uint64_t	 max_xml_bytes;	/* --max-xml-bytes, 0: the default */
	int		 keep_bodies;	/* --keep-failure-bodies */
};

/* run state shared with the callbacks */
struct cli {
	struct options	 opt;
	int		 trouble;	/* a usage or system error happened */
	size_t		 done, total;	/* inputs, for the progress line */
	struct timespec	 last;		/* last progress update */
	int		 progress_shown;
	int		 tempfail;	/* --mail: the message is not settled */
	int		 imap_temp;	/* --imap stopped: a later run carries on */
	int		 config;	/* --imap: the operator must fix the setup */
};

static void
usage(FILE *f)
{
	fprintf(f,
"usage: %s [options] PATH...\n"
"       %s [options] --mail FILE|-\n"
"       %s [options] [--mbox FILE] [--maildir DIR] [--imap URL] [PATH...]\n"
"       %s [options] --reprocess[=all]\n"
"Store DMARC aggregate reports, SMTP TLS reports (XML or JSON, gzip or\n"
"zip files, e-mail messages, or directories of them; '-' reads standard\n"
"input) and DMARC failure reports (e-mail messages) in an SQLite\n"
"database.\n"
"\n"
"  --mail FILE|-      one e-mail message (from an MTA pipe); exit status\n"
"                     0 means it is settled, 65 bounce it, 75 retry\n"
"  --mbox FILE        every message of an mbox file (mboxo or mboxrd)\n"
"  --maildir DIR      every message in DIR/new and DIR/cur; each is marked\n"
"                     seen (flag S) once its reports are committed\n"
"  --move-to DIR      move settled Maildir messages to Maildir DIR\n"
"  --failed-to DIR    move Maildir messages with a rejected report to\n"
"                     Maildir DIR (default: flag them F and S)\n"
"  --imap URL         the unseen messages of an IMAP mailbox,\n"
"                     imaps://USER@HOST[:PORT]/MAILBOX; each is marked\n"
"                     \\Seen once its reports are committed.  Password:\n"
"                     $DMARC_IMAP_PASSWORD or a netrc file, never the URL\n"
"  --all              with --imap: every message, not only unseen ones\n"
"  --imap-move-to F   with --imap: move processed messages to folder F\n"
"                     (MOVE or UIDPLUS needed, else refused: exit 78)\n"
"  --max-messages N   with --imap: at most N messages this run\n"
"  --netrc-file FILE  with --imap: the password file (default ~/.netrc)\n"
"  --cacert FILE      with --imap: trust the CA certificates in FILE\n"
"  --lock-timeout S   wait up to S seconds (default 60) for another\n"
"                     dmarc-ingest on the same database, then exit 75\n"
"  --max-xml-bytes N  largest decompressed report (default 512M; K, M and\n"
"                     G suffixes, 1M to 64G): raise it for huge reports\n"
"  --keep-failure-bodies  keep the body of the original message a DMARC\n"
"                     failure report quotes (default: its headers only;\n"
"                     the body is a stranger's mail)\n"
"  --db PATH          database (default $DMARC_DB, else\n"
"                     $XDG_DATA_HOME/dmarc-rua/dmarc.db)\n"
"  --reprocess[=all]  parse the kept bytes of rejected inputs and of inputs\n"
"                     stored before the canonical digest (or of all\n"
"                     inputs) again, e.g. after an upgrade\n"
"  --json             print the run's summary as JSON on standard output\n"
"  -v, --verbose      one line per input and a summary line\n"
"  --no-progress      no progress line, even on a terminal\n"
"  -h, --help         this help\n"
"  -V, --version      program version\n"
"\n"
"Exit status: 0 all inputs stored or known, 1 some input rejected (the\n"
"others were still processed), 2 usage or system error, 75 try again\n"
"later (database locked by another run, IMAP server unreachable, database\n"
"busy or full), 78 fix the setup (IMAP login refused, no password,\n"
"untrusted certificate, bad URL, --imap-move-to impossible).\n"
"With --mail: 0 the message is settled (stored, known, not a report, or\n"
"what was not stored is kept for --reprocess), 65 it is over "
    LIMIT_STR(MAX_MESSAGE_MIB) " MiB (not\n"
"read, not kept), 75 try again later.\n"
"See dmarc-ingest(1).\n", progname, progname, progname, progname);
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
	if (c->total > 0)
		fprintf(stderr, "\r%s: %zu/%zu inputs", progname, c->done,
		    c->total);
	else
		fprintf(stderr, "\r%s: %zu done", progname, c->done);
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
	if (s->mails > 0) {
		fprintf(stderr, "; %zu mail message%s: %zu stored, "
		    "%zu duplicate, %zu rejected, %zu not a report",
		    s->mails, s->mails == 1 ? "" : "s", s->mail_stored,
		    s->mail_duplicates, s->mail_rejected, s->mail_not_report);
		if (s->mail_failed > 0)
			fprintf(stderr, ", %zu failed", s->mail_failed);
	}
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
	    "\"records\":%llu,\"messages\":%llu,\"mail_messages\":%zu,"
	    "\"mail_stored\":%zu,\"mail_duplicates\":%zu,"
	    "\"mail_rejected\":%zu,\"not_report\":%zu,\"mail_failed\":%zu,"
	    "\"warnings\":{",
	    buf_cstr(&b), s->inputs, s->stored, s->duplicates, s->rejected,
	    s->failed, s->reports, s->report_duplicates, s->conflicts,
	    (unsigned long long)s->records, (unsigned long long)s->messages,
	    s->mails, s->mail_stored, s->mail_duplicates, s->mail_rejected,
	    s->mail_not_report, s->mail_failed);
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

/* frees what parse_options allocated; the strings are argv's */
static void
options_release(struct options *o)
{
	free(o->mboxes);
	free(o->maildirs);
	o->mboxes = o->maildirs = NULL;
}

/* the --imap options and --lock-timeout; -1 after a message */
static int
imap_option(struct options *o, int ch, const char *arg)
{
	int64_t v;

	o->imap_only |= ch != 'I' && ch != 'L';
	switch (ch) {
	case 'I':
		o->imap.url = arg;
		return 0;
	case 'A':
		o->imap.all = 1;
		return 0;
	case 'T':
		o->imap.move_to = arg;
		return 0;
	case 'N':
		o->imap.netrc_file = arg;
		return 0;
	case 'C':
		o->imap.cacert = arg;
		return 0;
	case 'X':
		if (num_i64(arg, 1, INT32_MAX, &v) == -1)
			break;
		o->imap.max_messages = (size_t)v;
		return 0;
	case 'L':
		if (num_i64(arg, 0, 86400, &v) == -1)
			break;
		o->lock_timeout = (unsigned)v;
		return 0;
	}
	fprintf(stderr, "%s: --%s takes a number (%s), not '%s'\n",
	    progname, ch == 'X' ? "max-messages" : "lock-timeout",
	    ch == 'X' ? "1 or more" : "seconds, 0 to 86400", arg);
	return -1;
}

/* --max-xml-bytes: 1 MiB to 64 GiB; -1 after a message */
static int
xml_limit_option(struct options *o, const char *arg)
{
	int64_t v;

	if (num_size(arg, (int64_t)1 << 20, (int64_t)64 << 30, &v) == -1) {
		fprintf(stderr, "%s: --max-xml-bytes takes a size from 1M to "
		    "64G (K, M, G suffixes), not '%s'\n", progname, arg);
		return -1;
	}
	o->max_xml_bytes = (uint64_t)v;
	return 0;
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
		{ "mail", required_argument, NULL, 'm' },
		{ "mbox", required_argument, NULL, 'b' },
		{ "maildir", required_argument, NULL, 'M' },
		{ "move-to", required_argument, NULL, 't' },
		{ "failed-to", required_argument, NULL, 'f' },
		{ "imap", required_argument, NULL, 'I' },
		{ "all", no_argument, NULL, 'A' },
		{ "imap-move-to", required_argument, NULL, 'T' },
		{ "max-messages", required_argument, NULL, 'X' },
		{ "netrc-file", required_argument, NULL, 'N' },
		{ "cacert", required_argument, NULL, 'C' },
		{ "lock-timeout", required_argument, NULL, 'L' },
		{ "max-xml-bytes", required_argument, NULL, 'x' },
		{ "keep-failure-bodies", no_argument, NULL, 'K' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	memset(o, 0, sizeof(*o));
	/* each list holds at most every argument */
	o->mboxes = xcalloc((size_t)argc, sizeof(*o->mboxes));
	o->maildirs = xcalloc((size_t)argc, sizeof(*o->maildirs));
	o->progress = isatty(STDERR_FILENO);
	o->lock_timeout = LOCK_TIMEOUT_DEFAULT;
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
		case 'm':
			o->mail = optarg;
			break;
		case 'b':
			o->mboxes[o->n_mboxes++] = optarg;
			break;
		case 'M':
			o->maildirs[o->n_maildirs++] = optarg;
			break;
		case 't':
			o->maildir.move_to = optarg;
			break;
		case 'f':
			o->maildir.failed_to = optarg;
			break;
		case 'K':
			o->keep_bodies = 1;
			break;
		case 'x':
			if (xml_limit_option(o, optarg) == -1)
				return -1;
			break;
		case 'I':
		case 'A':
		case 'T':
		case 'X':
		case 'N':
		case 'C':
		case 'L':
			if (imap_option(o, ch, optarg) == -1)
				return -1;
			break;
		case 'h':
			usage(stdout);
			options_release(o);
			exit(0);
		case 'V':
			printf("dmarc-ingest %s\n", DMARC_VERSION);
			options_release(o);
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
	/* a report or a message: the pipeline applies each one's limit */
	int fd = source_spool(STDIN_FILENO, MAX_MESSAGE_BYTES);

	if (fd == -1) {
		ing->stats.inputs++;
		ing->stats.failed++;
		on_source_error(c, "-", errno == EFBIG ? "input is larger "
		    "than the " LIMIT_STR(MAX_MESSAGE_MIB) " MiB limit "
		    "(MAX_MESSAGE_BYTES)" :
		    strerror(errno));
		return;
	}
	ingest_fd(ing, fd, "-");
	close(fd);
}

static void
run_paths(struct cli *c, struct ingest *ing, const char *dbpath, int argc,
    char *argv[])
{
	struct source_skip skip;
	struct pathlist l;
	int saw_stdin = 0;

	pathlist_init(&l);
	source_skip_db(&skip, dbpath);
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "-") == 0)
			saw_stdin = 1;
		else
			source_collect(argv[i], &l, &skip, on_source_error,
			    c);
	}
	c->total = l.n + (size_t)saw_stdin;
	if (saw_stdin)
		ingest_stdin(c, ing);
	for (size_t i = 0; i < l.n; i++)
		ingest_file(ing, l.v[i]);
	progress_clear(c);
	pathlist_release(&l);
}

/* --mail: one message, settled or not, for the MTA's exit status */
static void
run_mail(struct cli *c, struct ingest *ing)
{
	const char *arg = c->opt.mail;
	uint8_t sha[HASH_LEN];
	uint64_t size;
	enum outcome oc = OUTCOME_PENDING;
	int fd, rc;

	if (strcmp(arg, "-") == 0)
		fd = source_spool_hashed(STDIN_FILENO, MAX_MESSAGE_BYTES, sha,
		    &size);
	else
		fd = open(arg, O_RDONLY | O_CLOEXEC);
	if (fd == -1 && errno == EFBIG) {
		/* recorded in the ledger; the MTA bounces it */
		if (ingest_message_oversized(ing, sha, size, arg) == -1)
			c->tempfail = 1;
		return;
	}
	if (fd == -1) {
		ing->stats.mails++;
		ing->stats.mail_failed++;
		c->tempfail = 1;
		on_source_error(c, arg, strerror(errno));
		return;
	}
	/* not settled or not committed: the MTA keeps it and retries */
	rc = ingest_message(ing, fd, arg, &oc);
	if (rc == 0 && ingest_commit(ing) == -1)
		rc = -1;
	if (mailsource_after(rc, oc) == MAILSOURCE_LEAVE)
		c->tempfail = 1;
	close(fd);
}

/* mbox_read callback */
static int
on_mbox_message(void *arg, int fd, const char *source)
{
	struct ingest *ing = arg;
	enum outcome oc = OUTCOME_PENDING;
	int rc;

	if (fd == -1) {
		ingest_message_uncopied(ing, source);
		return 0;
	}
	/* an mbox is read only: nothing to mark; stop when not settled */
	rc = ingest_message(ing, fd, source, &oc);
	return mailsource_after(rc, oc) == MAILSOURCE_LEAVE ? -1 : 0;
}

/* imap_run's warnings: a line on standard error */
static void
on_imap_warning(void *arg, const char *msg)
{
	struct cli *c = arg;

	progress_clear(c);
	fprintf(stderr, "%s: ", progname);
	put_term(stderr, msg);
	fputc('\n', stderr);
}

/*
 * --imap: a server down or a database busy is temporary (75), a refused
 * login or an untrusted certificate a configuration error (78), anything
 * else (a broken answer, a local error) an error (2)
 */
static void
run_imap(struct cli *c, struct ingest *ing)
{
	struct imap_stats st;
	enum imap_status rc;
	char err[1024];

	c->opt.imap.verbose = 0;
	c->opt.imap.warn = on_imap_warning;
	c->opt.imap.warn_arg = c;
	rc = imap_run(&c->opt.imap, ing, &st, err, sizeof(err));
	if (st.move_refused)
		c->config = 1;
	if (rc == IMAP_OK)
		return;
	if (rc == IMAP_TEMPORARY)
		c->imap_temp = 1;
	else if (rc == IMAP_CONFIG)
		c->config = 1;
	else
		c->trouble = 1;
	progress_clear(c);
	fprintf(stderr, "%s: ", progname);
	put_term(stderr, err);
	fputc('\n', stderr);
}

/* --mbox and --maildir sources; 0, or -1 when the database failed */
static void
run_mailboxes(struct cli *c, struct ingest *ing)
{
	const struct options *o = &c->opt;
	char err[512];

	for (size_t i = 0; i < o->n_mboxes; i++)
		if (mbox_read(o->mboxes[i], on_mbox_message, ing, err,
		    sizeof(err)) == -1)
			on_source_error(c, o->mboxes[i], err);
	for (size_t i = 0; i < o->n_maildirs; i++)
		if (maildir_run(ing, o->maildirs[i], &o->maildir,
		    on_source_error, c) == -1)
			c->trouble = 1;
	if (o->imap.url != NULL)
		run_imap(c, ing);
	progress_clear(c);
}

/* the exit status: the worst thing that happened */
static int
exit_status(const struct cli *c, const struct ingest_stats *s)
{
	/*
	 * --mail: 0 only when every report is stored or the bytes are in
	 * the database for --reprocess; a message neither read nor kept
	 * (too large) is for the MTA to bounce or keep.
	 */
	if (c->opt.mail != NULL)
		return c->tempfail ? EXIT_TEMPFAIL : s->mail_unread > 0 ?
		    EXIT_DATAERR : EXIT_SUCCESS;
	if (c->config)
		return EXIT_CONFIG;
	if (c->trouble || s->failed > 0 || s->mail_failed > 0)
		return EXIT_TROUBLE;
	if (c->imap_temp)
		return EXIT_TEMPFAIL;
	return s->rejected > 0 || s->mail_rejected > 0 ? EXIT_REJECTED :
	    EXIT_SUCCESS;
}

/*
 * The sources named: 0, -1 after a usage message, -2 after the message
 * for an unusable --imap URL (a configuration error)
 */
static int
check_sources(const struct options *o, int argc)
{
	int mailboxes = o->n_mboxes + o->n_maildirs > 0 ||
	    o->imap.url != NULL;
	const char *why = NULL;
	char err[512];

	if (o->reprocess && (argc > 0 || mailboxes || o->mail != NULL))
		why = "--reprocess takes no other input";
	else if (o->mail != NULL && (argc > 0 || mailboxes))
		why = "--mail takes one message and no other input";
	else if (!o->reprocess && o->mail == NULL && !mailboxes && argc == 0)
		why = "no input: name files or directories, or '-' for "
		    "standard input";
	else if ((o->maildir.move_to != NULL ||
	    o->maildir.failed_to != NULL) && o->n_maildirs == 0)
		why = "--move-to and --failed-to need --maildir";
	else if (o->imap_only && o->imap.url == NULL)
		why = "--all, --imap-move-to, --max-messages, --netrc-file "
		    "and --cacert need --imap";
	else if (o->imap.url != NULL && imap_check(&o->imap, err,
	    sizeof(err)) == -1) {
		/* a configuration error: one line, no usage text */
		fprintf(stderr, "%s: --imap: ", progname);
		put_term(stderr, err);
		fputc('\n', stderr);
		return -2;
	}
	if (why == NULL)
		return 0;
	fprintf(stderr, "%s: %s\n", progname, why);
	usage(stderr);
	return -1;
}

int
main(int argc, char *argv[])
{
	struct cli c;
	struct ingest ing;
	struct store *st;
	struct lock lock;
	enum lock_status ls;
	char err[512], *dbpath;
	const struct ingest_stats *s = &ing.stats;
	int rc = 0;

	memset(&c, 0, sizeof(c));
	if (parse_options(argc, argv, &c.opt) == -1 ||
	    (rc = check_sources(&c.opt, argc - optind)) < 0) {
		options_release(&c.opt);
		return rc == -2 ? EXIT_CONFIG : EXIT_TROUBLE;
	}
	argc -= optind;
	argv += optind;
	mail_init();
	dbpath = c.opt.db != NULL ? strdup(c.opt.db) : db_default_path();
	if (dbpath == NULL) {
		fprintf(stderr, "%s: no database: set --db, $DMARC_DB or "
		    "$HOME\n", progname);
		options_release(&c.opt);
		return c.opt.mail != NULL ? EXIT_TEMPFAIL : EXIT_TROUBLE;
	}
	/* a connection string is not a file name: never create one as a
	   path; the string itself is not printed (it may hold a password) */
	if (db_is_postgres(dbpath)) {
		fprintf(stderr, "%s: --db: error: dmarc-ingest stores into "
		    "SQLite only for now; a PostgreSQL database is read by "
		    "dmarc-report\n", progname);
		free(dbpath);
		options_release(&c.opt);
		return c.opt.mail != NULL ? EXIT_TEMPFAIL : EXIT_TROUBLE;
	}
	/*
	 * The lock first, then the database: a run waiting for another
	 * never creates or migrates the database under it.  The lock file
	 * lives beside the database, so its directory is made first.
	 */
	if (db_create_dir(dbpath, err, sizeof(err)) == -1) {
		fprintf(stderr, "%s: %s: error: %s\n", progname, dbpath, err);
		free(dbpath);
		options_release(&c.opt);
		return c.opt.mail != NULL ? EXIT_TEMPFAIL : EXIT_TROUBLE;
	}
	if ((ls = lock_acquire(&lock, dbpath, c.opt.lock_timeout, err,
	    sizeof(err))) != LOCK_OK) {
		fprintf(stderr, "%s: %s\n", progname, err);
		free(dbpath);
		options_release(&c.opt);
		return ls == LOCK_BUSY || c.opt.mail != NULL ? EXIT_TEMPFAIL :
		    EXIT_TROUBLE;
	}
	if ((st = store_open(dbpath, err, sizeof(err))) == NULL) {
		fprintf(stderr, "%s: %s: error: %s\n", progname, dbpath, err);
		lock_release(&lock);
		free(dbpath);
		options_release(&c.opt);
		return c.opt.mail != NULL ? EXIT_TEMPFAIL : EXIT_TROUBLE;
	}
	ingest_init(&ing, st);
	if (c.opt.max_xml_bytes != 0)
		ing.max_xml_bytes = c.opt.max_xml_bytes;
	ing.keep_failure_bodies = c.opt.keep_bodies;
	ing.report = on_outcome;
	ing.report_arg = &c;
	if (c.opt.reprocess) {
		if (ingest_reprocess(&ing, c.opt.reprocess == 2) == -1) {
			c.trouble = 1;
			fprintf(stderr, "%s: %s: error: %s\n", progname,
			    dbpath, store_errmsg(st));
		}
	} else if (c.opt.mail != NULL)
		run_mail(&c, &ing);
	else {
		run_mailboxes(&c, &ing);
		if (argc > 0)
			run_paths(&c, &ing, dbpath, argc, argv);
	}
	(void)ingest_commit(&ing);	/* a failure counts its inputs failed */
	store_close(st);
	lock_release(&lock);
	if (c.opt.json)
		summary_json(s, dbpath);
	if (c.opt.verbose || s->rejected > 0 || s->failed > 0 ||
	    s->mail_rejected > 0 || s->mail_failed > 0 || c.trouble)
		summary_line(s);
	free(dbpath);
	options_release(&c.opt);
	return exit_status(&c, s);
}
