/*
 * report/render_*.c: hostile strings stored by ingest (org_name with
 * HTML, a CSV formula, a C1 control and a bidi override; a selector and
 * an envelope_from starting with = and @) come out neutralized in text,
 * JSON and CSV; rounding keeps breakdowns adding up.
 */
#include "render.h"
#include "reportfix.h"

Suite *render_suite(void);

/* the org_name of c-hostile.xml after XML decoding */
#define HOSTILE "=HYPERLINK(\"http://evil.example/\")<script>alert(1)" \
	"</script>\xc2\x9b" "31m\xe2\x80\xae"

static char *
rendered(enum model_mode mode, int fmt, size_t *len)
{
	struct window w = { RF_D1, RF_D1 + 2 * RF_DAY };
	struct query_opts qo;
	struct render_opts ro = { 0 };
	struct model m;
	sqlite3 *db = rf_open();
	char err[512], *out = NULL;
	FILE *f;

	memset(&qo, 0, sizeof(qo));
	qo.sources = mode != MODEL_SUMMARY;
	model_init(&m, &w, mode);
	ck_assert(query_run(db, &qo, &m, err, sizeof(err)) == 0);
	ck_assert_ptr_nonnull(f = open_memstream(&out, len));
	if (fmt == 0)
		ck_assert_int_eq(render_text(f, &m, &ro), 0);
	else if (fmt == 1)
		ck_assert_int_eq(render_json(f, &m), 0);
	else
		ck_assert_int_eq(render_csv(f, &m), 0);
	fclose(f);
	model_release(&m);
	sqlite3_close(db);
	return out;
}

START_TEST(test_render_text_shows_controls_escaped)
{
	size_t n;
	char *t = rendered(MODEL_SUMMARY, 0, &n);

	/* the C1 CSI and the RTL override never reach the terminal raw */
	ck_assert_ptr_null(strstr(t, "\xc2\x9b"));
	ck_assert_ptr_null(strstr(t, "\xe2\x80\xae"));
	ck_assert_ptr_nonnull(strstr(t, "\\xc2\\x9b31m"));
	ck_assert_ptr_nonnull(strstr(t, "\\xe2\\x80\\xae"));
	ck_assert_ptr_null(strchr(t, '\033'));	/* no colour: not a TTY */
	/* example.com over both days: 226 messages, 93 failing */
	ck_assert_ptr_nonnull(strstr(t, "messages                226\n"));
	ck_assert_ptr_nonnull(strstr(t, " 93   41.2%"));
	free(t);
}
END_TEST

START_TEST(test_render_csv_defuses_formulas)
{
	size_t n;
	char *t = rendered(MODEL_SUMMARY, 2, &n);

	/* the reporters list of example.net starts with the org name */
	ck_assert_ptr_nonnull(strstr(t, ",\"'=HYPERLINK(\"\"http://evil"));
	ck_assert_ptr_null(strstr(t, ",=HYPERLINK"));
	ck_assert_ptr_null(strstr(t, ",\"=HYPERLINK"));
	free(t);
	t = rendered(MODEL_SOURCES, 2, &n);
	ck_assert_ptr_nonnull(strstr(t, ",'@example.net (7),"));
	ck_assert_ptr_null(strstr(t, ",@example.net"));
	/* every row ends CRLF */
	ck_assert_ptr_nonnull(strstr(t, "\r\nexample.com,192.0.2.2,"));
	free(t);
}
END_TEST

START_TEST(test_render_json_round_trips_hostile_strings)
{
	sqlite3 *mem;
	sqlite3_stmt *st;
	size_t n;
	char *t = rendered(MODEL_SOURCES, 1, &n);

	ck_assert_int_eq(sqlite3_open(":memory:", &mem), SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(mem, "SELECT json_valid(?1), "
	    "json_extract(?1, '$.domains[1].reporters[0].org'), "
	    "json_extract(?1, '$.sources[6].dkim[0].selector'), "
	    "json_extract(?1, '$.domains[0].dmarc.fail')", -1, &st, NULL),
	    SQLITE_OK);
	sqlite3_bind_text(st, 1, t, (int)n, SQLITE_STATIC);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	ck_assert_int_eq(sqlite3_column_int(st, 0), 1);
	/* escaped in the text, the same string once parsed */
	ck_assert_str_eq((const char *)sqlite3_column_text(st, 1), HOSTILE);
	ck_assert_str_eq((const char *)sqlite3_column_text(st, 2), "=cmd|x");
	ck_assert_int_eq(sqlite3_column_int(st, 3), 93);
	sqlite3_finalize(st);
	sqlite3_close(mem);
	free(t);
}
END_TEST

Suite *
render_suite(void)
{
	Suite *s = suite_create("render");
	TCase *tc = tcase_create("render");

	tcase_add_unchecked_fixture(tc, rf_build, rf_unbuild);
	tcase_add_test(tc, test_render_text_shows_controls_escaped);
	tcase_add_test(tc, test_render_csv_defuses_formulas);
	tcase_add_test(tc, test_render_json_round_trips_hostile_strings);
	suite_add_tcase(s, tc);
	return s;
}
