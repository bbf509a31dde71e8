/*
 * report/render_*.c: hostile strings stored by ingest (org_name with
 * HTML, a CSV formula, a C1 control and a bidi override; a selector and
 * an envelope_from starting with = and @) come out neutralized in text,
 * JSON and CSV; rounding keeps breakdowns adding up; each source's
 * sending service (tests/data/services/: 198.51.100.7 signs DKIM
 * d=sendgrid.net, 203.0.113.8 and 192.0.2.10 match no service) shows in
 * every format, "unknown" / null / empty otherwise.
 */
#include "classify.h"
#include "escape.h"
#include "render.h"
#include "reportfix.h"
#include "sources.h"

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
	struct rdb *db = rf_open();
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
	rdb_close(db);
	return out;
}

/*
 * The sources of tests/data/services/ (2024-03-02) rendered in fmt (0
 * text, 1 JSON, 2 CSV), classified with the built-in table.
 */
static char *
svc_rendered(int fmt, size_t *len)
{
	struct window w = { 1709337600LL, 1709337600LL + RF_DAY };
	struct query_opts qo;
	struct render_opts ro = { 0 };
	struct classify cl;
	struct model m;
	char path[600], err[512], *tmp = tu_tmpdir(), *out = NULL;
	struct rdb *db;
	FILE *f;

	snprintf(path, sizeof(path), "%s/s.db", tmp);
	tu_fixture_db(path, "tests/data/services", 0);
	ck_assert_ptr_nonnull(db = rdb_open(path, RDB_READ, err,
	    sizeof(err)));
	classify_init(&cl);
	ck_assert_int_eq(classify_builtin(&cl, err, sizeof(err)), 0);
	memset(&qo, 0, sizeof(qo));
	model_init(&m, &w, MODEL_SOURCES);
	ck_assert_msg(sources_build(db, NULL, &qo, QUERY_BY_IP, 0, &m, err,
	    sizeof(err)) == 0, "%s", err);
	sources_classify(&m, &cl);
	ck_assert_ptr_nonnull(f = open_memstream(&out, len));
	if (fmt == 0)
		ck_assert_int_eq(render_text(f, &m, &ro), 0);
	else if (fmt == 1)
		ck_assert_int_eq(render_json(f, &m), 0);
	else
		ck_assert_int_eq(render_csv(f, &m), 0);
	fclose(f);
	model_release(&m);
	classify_release(&cl);
	rdb_close(db);
	tu_rmtree(tmp);
	free(tmp);
	return out;
}

/* the line of t that starts with prefix, up to its end; caller frees */
static char *
line_of(const char *t, const char *prefix)
{
	const char *p = strstr(t, prefix), *e;

	ck_assert_msg(p != NULL, "no line %s", prefix);
	e = strchr(p, '\n');
	ck_assert_ptr_nonnull(e);
	return strndup(p, (size_t)(e - p + 1));
}

START_TEST(test_render_text_shows_service_or_unknown)
{
	size_t n;
	char *t = svc_rendered(0, &n), *p;

	/* by address: 192.0.2.10, 198.51.100.7, 203.0.113.8 */
	p = strstr(t, "\n198.51.100.7  ");
	ck_assert_ptr_nonnull(p);
	ck_assert_ptr_nonnull(strstr(p, "  for shop.example\n"
	    "  service          SendGrid\n  messages"));
	p = strstr(t, "\n203.0.113.8  ");
	ck_assert_ptr_nonnull(p);
	ck_assert_ptr_nonnull(strstr(p, "  for shop.example\n"
	    "  service          unknown\n  messages"));
	ck_assert_ptr_null(strstr(p, "SendGrid"));
	free(t);
}
END_TEST

START_TEST(test_render_json_has_service_member)
{
	sqlite3 *mem;
	sqlite3_stmt *st;
	size_t n;
	char *t = svc_rendered(1, &n);

	ck_assert_int_eq(sqlite3_open(":memory:", &mem), SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(mem, "SELECT json_valid(?1), "
	    "json_extract(?1, '$.sources[1].ip'), "
	    "json_extract(?1, '$.sources[1].service'), "
	    "json_extract(?1, '$.sources[2].ip'), "
	    "json_type(?1, '$.sources[2].service'), "
	    "json_type(?1, '$.sources[0].service')", -1, &st, NULL),
	    SQLITE_OK);
	sqlite3_bind_text(st, 1, t, (int)n, SQLITE_STATIC);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	ck_assert_int_eq(sqlite3_column_int(st, 0), 1);
	ck_assert_str_eq((const char *)sqlite3_column_text(st, 1),
	    "198.51.100.7");
	ck_assert_str_eq((const char *)sqlite3_column_text(st, 2),
	    "SendGrid");
	ck_assert_str_eq((const char *)sqlite3_column_text(st, 3),
	    "203.0.113.8");
	/* unknown: present, and null */
	ck_assert_str_eq((const char *)sqlite3_column_text(st, 4), "null");
	ck_assert_str_eq((const char *)sqlite3_column_text(st, 5), "null");
	sqlite3_finalize(st);
	sqlite3_close(mem);
	free(t);
}
END_TEST

START_TEST(test_render_csv_service_is_the_last_column)
{
	size_t n;
	char *t = svc_rendered(2, &n), *l;

	/* appended: ip and ptr stay the 2nd and 3rd columns */
	ck_assert_ptr_nonnull(strstr(t, "domain,ip,ptr,messages,"));
	ck_assert_ptr_nonnull(strstr(t, ",dkim,spf,reasons,reporters,"
	    "service\r\n"));
	l = line_of(t, "shop.example,198.51.100.7,");
	ck_assert_msg(strlen(l) > 11 &&
	    strcmp(l + strlen(l) - 11, ",SendGrid\r\n") == 0, "%s", l);
	free(l);
	l = line_of(t, "shop.example,203.0.113.8,");
	ck_assert_msg(strcmp(l + strlen(l) - 3, ",\r\n") == 0, "%s", l);
	ck_assert_ptr_null(strstr(l, "SendGrid"));
	free(l);
	free(t);
}
END_TEST

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

/* what render_value wrote for s through esc; caller frees */
static char *
value_out(render_escape_fn esc, const char *s)
{
	char *out = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&out, &n);

	ck_assert_ptr_nonnull(f);
	render_value(f, esc, s);
	ck_assert_int_eq(fclose(f), 0);
	return out;
}

/* every renderer's values go through render_value: escaped, or a marker */
START_TEST(test_render_value_escapes_or_marks_too_long)
{
	size_t n = RENDER_MAX_VALUE / 4 + 1;
	char *big = malloc(n + 1), *out;

	ck_assert_ptr_nonnull(big);
	out = value_out(escape_html, "<b>&");
	ck_assert_str_eq(out, "&lt;b&gt;&amp;");
	free(out);
	out = value_out(escape_html, NULL);
	ck_assert_str_eq(out, "");
	free(out);
	/* fits raw, not escaped ("&lt;" is 4 bytes): never printed raw */
	memset(big, '<', n);
	big[n] = '\0';
	out = value_out(escape_html, big);
	ck_assert_msg(strcmp(out, "(value too long)") == 0, "%zu bytes out",
	    strlen(out));
	free(out);
	free(big);
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
	tcase_add_test(tc, test_render_text_shows_service_or_unknown);
	tcase_add_test(tc, test_render_json_has_service_member);
	tcase_add_test(tc, test_render_csv_service_is_the_last_column);
	tcase_add_test(tc, test_render_value_escapes_or_marks_too_long);
	suite_add_tcase(s, tc);
	return s;
}
