/*
 * Golden outputs, mandoc's regress suite the model: every dmarc-report
 * mode in every format it has, run on one fixture database (dmarc-ingest
 * over samples/ and tests/data/report/, read with relative paths so the
 * stored source names are stable; stored DMARC lookups and two stored
 * checks) at a fixed
 * time (DMARC_REPORT_NOW), without DNS, must print exactly the bytes of its file in tests/golden/.
 * The cases are the lines of tests/golden/cases; a difference fails with
 * a unified diff.  With DMARC_GOLDEN_UPDATE=1 (bash tests/golden/update)
 * the outputs are written to tests/golden/ instead.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "testutil.h"
#include "xalloc.h"

Suite	*golden_suite(void);

#define GOLDEN_DIR	TEST_SOURCE_DIR "/tests/golden"
/* 2026-11-23 07:00 UTC, the Monday after ISO week 47 of the samples */
#define GOLDEN_NOW	"1795417200"
/* more than this many lines of diff are cut */
#define GOLDEN_DIFF_LINES	200

struct golden_case {
	char	*name;		/* file in tests/golden/ */
	int	 status;	/* its exit status */
	char	*args;		/* dmarc-report's arguments, shell words */
};

static struct golden_case *cases;
static size_t n_cases;
static char *tmp;
static char db[600];

/* reads tests/golden/cases once: "NAME<TAB>STATUS<TAB>ARGS", '#' comments */
static void
cases_load(void)
{
	char *text, *line, *next, *tab, *tab2;
	size_t len;

	if (cases != NULL)
		return;
	text = (char *)tu_slurp(GOLDEN_DIR "/cases", &len);
	if (text == NULL) {
		fprintf(stderr, "golden: cannot read %s/cases\n", GOLDEN_DIR);
		abort();
	}
	for (line = text; line != NULL && *line != '\0'; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if (*line == '#' || *line == '\0' ||
		    (tab = strchr(line, '\t')) == NULL ||
		    (tab2 = strchr(tab + 1, '\t')) == NULL)
			continue;
		*tab = *tab2 = '\0';
		cases = xreallocarray(cases, n_cases + 1, sizeof(*cases));
		cases[n_cases].name = xstrdup(line);
		cases[n_cases].status = (int)strtol(tab + 1, NULL, 10);
		cases[n_cases].args = xstrdup(tab2 + 1);
		n_cases++;
	}
	free(text);
}

/*
 * The checks of example.org, 2026-11-22 07:00 and 2026-11-23 05:00 UTC:
 * SPF's lookups fixed, s1's key now too weak, a new unauthorized
 * source, no MTA-STS still (its text quotes markup, escaped per format).
 */
static const struct tu_check_item golden_check_before[] = {
	{ "ok", "dmarc", "record", "_dmarc.example.org",
	    "p=quarantine: nothing to do" },
	{ "error", "spf", "too-many-lookups", "example.org",
	    "12 DNS lookups, over the limit of 10: flatten "
	    "'include:_spf.example.net' (4)" },
	{ "warning", "dkim", "weak-key", "s1._domainkey.example.org",
	    "RSA key of 1024 bits: publish a 2048-bit key" },
	{ "warning", "mx", "no-mta-sts", "_mta-sts.example.org",
	    "no MTA-STS record <v=STSv1>: publish one" },
};
static const struct tu_check_item golden_check_newest[] = {
	{ "ok", "dmarc", "record", "_dmarc.example.org",
	    "p=quarantine: nothing to do" },
	{ "ok", "spf", "lookups", "example.org", "8 DNS lookups" },
	{ "error", "dkim", "weak-key", "s1._domainkey.example.org",
	    "RSA key of 512 bits: receivers ignore it; publish a 2048-bit "
	    "key" },
	{ "warning", "mx", "no-mta-sts", "_mta-sts.example.org",
	    "no MTA-STS record <v=STSv1>: publish one" },
	{ "error", "spf", "not-authorized", "203.0.113.7",
	    "sent 20 messages as example.org but SPF gives fail: add "
	    "'include:sendgrid.net'" },
};

static void
setup(void)
{
	tmp = tu_tmpdir();
	snprintf(db, sizeof(db), "%s/golden.db", tmp);
	/* exit 1: tests/data/report/z-broken.xml is rejected on purpose */
	tu_fixture_db(db, "samples tests/data/report", 1);
	/* what "policy" stored before: the modes print it without DNS */
	tu_stored_lookup(db, "example.org", 1795400000LL, "found",
	    "v=DMARC1; p=quarantine; sp=reject; pct=50; "
	    "rua=mailto:dmarc@example.org");
	tu_stored_lookup(db, "example.com", 1795300000LL, "found",
	    "v=DMARC1; p=none; rua=mailto:agg@example.com");
	tu_stored_lookup(db, "example.com", 1795400000LL, "dns-error", NULL);
	/* two stored checks of example.org for the digest's DNS health */
	tu_stored_check(db, "example.org", 1795330800LL, "error",
	    golden_check_before, 4);
	tu_stored_check(db, "example.org", 1795410000LL, "error",
	    golden_check_newest, 5);
}

static void
teardown(void)
{
	tu_rmtree(tmp);
	free(tmp);
}

/* the diff of want against got, at most GOLDEN_DIFF_LINES; caller frees */
static char *
golden_diff(const char *want, const char *got)
{
	char cmd[4096], *out = NULL;

	snprintf(cmd, sizeof(cmd), "diff -u '%s' '%s' | head -n %d", want,
	    got, GOLDEN_DIFF_LINES);
	tu_run(cmd, &out);
	return out;
}

START_TEST(test_golden_output_matches_byte_for_byte)
{
	const struct golden_case *c = &cases[_i];
	char cmd[4096], want[1024], got[1024], *out = NULL, *diff;
	const char *update = getenv("DMARC_GOLDEN_UPDATE");
	uint8_t *golden;
	size_t len;
	int st;

	snprintf(cmd, sizeof(cmd), "DMARC_REPORT_NOW=" GOLDEN_NOW " '%s' %s "
	    "--db '%s' --no-dns", TEST_REPORT_BIN, c->args, db);
	st = tu_run(cmd, &out);
	ck_assert_msg(st == c->status, "%s: dmarc-report %s: exit %d, not %d",
	    c->name, c->args, st, c->status);
	ck_assert_ptr_nonnull(out);
	snprintf(want, sizeof(want), "%s/%s", GOLDEN_DIR, c->name);
	if (update != NULL && strcmp(update, "1") == 0) {
		ck_assert_int_eq(tu_write(want, out, strlen(out)), 0);
		printf("golden: wrote %s\n", want);
		free(out);
		return;
	}
	golden = tu_slurp(want, &len);
	ck_assert_msg(golden != NULL, "%s: no golden file (bash "
	    "tests/golden/update)", want);
	if (len != strlen(out) || memcmp(golden, out, len) != 0) {
		snprintf(got, sizeof(got), "%s/%s", tmp, c->name);
		ck_assert_int_eq(tu_write(got, out, strlen(out)), 0);
		diff = golden_diff(want, got);
		printf("golden: %s differs (dmarc-report %s):\n%s", c->name,
		    c->args, diff != NULL ? diff : "");
		fflush(stdout);
		free(diff);
		ck_abort_msg("%s: output differs from the golden file; if "
		    "intended: bash tests/golden/update", c->name);
	}
	free(golden);
	free(out);
}
END_TEST

/* every case file is named in cases: no stale golden output lingers */
START_TEST(test_golden_every_file_is_a_case)
{
	char *out = NULL, *line, *next;

	tu_run("ls '" GOLDEN_DIR "'", &out);
	ck_assert_ptr_nonnull(out);
	for (line = out; *line != '\0'; line = next) {
		size_t i;

		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		else
			next = line + strlen(line);
		if (strcmp(line, "cases") == 0 || strcmp(line, "update") == 0)
			continue;
		for (i = 0; i < n_cases; i++)
			if (strcmp(cases[i].name, line) == 0)
				break;
		ck_assert_msg(i < n_cases, "tests/golden/%s is no case", line);
	}
	free(out);
}
END_TEST

Suite *
golden_suite(void)
{
	Suite *s = suite_create("golden");
	TCase *tc = tcase_create("golden");

	cases_load();
	tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_golden_output_matches_byte_for_byte, 0,
	    (int)n_cases);
	tcase_add_test(tc, test_golden_every_file_is_a_case);
	suite_add_tcase(s, tc);
	return s;
}
