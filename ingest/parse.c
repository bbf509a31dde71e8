/*
 * The report grammar: XML bytes from a read callback in, a report model and
 * a stream of records out (see parse.h).  libxml2's xmlTextReader does the
 * XML, configured for hostile input (no network, no DTD loading, no entity
 * substitution, a loader that refuses every external entity, any DOCTYPE
 * rejected); this file is a scope state machine over its nodes.  Elements
 * are matched by local name, only at their expected path and only in no
 * namespace or a DMARC one; everything else is skipped with a warning.
 * Singletons may occur once; leaf text is bounded, trimmed and checked
 * before it enters the model.  Parsing only: no I/O happens here.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlreader.h>

#include "buf.h"
#include "diag.h"
#include "domain.h"
#include "limits.h"
#include "model.h"
#include "num.h"
#include "parse.h"
#include "utf8.h"
#include "xalloc.h"

#define NS_DMARC2	"urn:ietf:params:xml:ns:dmarc-2.0"
#define NS_DMARC01	"http://dmarc.org/dmarc-xml/0.1"
#define NS_DMARC02	"http://dmarc.org/dmarc-xml/0.2"

/* a date range longer than this (a day and an hour) is flagged */
#define RANGE_LONG_SECONDS	90000
/* known elements nest at most feedback/record/auth_results/dkim/domain */
#define STACK_MAX		8
/* bytes of untrusted text quoted in an error message */
#define EXCERPT_LEN		48

#define DOCTYPE_MSG \
	"DOCTYPE not allowed in a report (external entities, billion laughs)"

/* Every element of both schemas; the container ones are also scopes. */
enum field {
	F_DOC, F_FEEDBACK, F_VERSION, F_META, F_ORG_NAME, F_EMAIL, F_EXTRA,
	F_REPORT_ID, F_ERROR, F_GENERATOR, F_RANGE, F_BEGIN, F_END, F_POLICY,
	F_P_DOMAIN, F_ADKIM, F_ASPF, F_P, F_SP, F_NP, F_PCT, F_FO, F_TESTING,
	F_DISCOVERY, F_EXTENSION, F_RECORD, F_ROW, F_SOURCE_IP, F_COUNT,
	F_EVAL, F_DISPOSITION, F_EVAL_DKIM, F_EVAL_SPF, F_REASON, F_TYPE,
	F_COMMENT, F_IDENT, F_ENV_TO, F_ENV_FROM, F_HEADER_FROM, F_AUTH,
	F_DKIM, F_DKIM_DOMAIN, F_SELECTOR, F_DKIM_RESULT, F_DKIM_HUMAN, F_SPF,
	F_SPF_DOMAIN, F_SCOPE, F_SPF_RESULT, F_SPF_HUMAN, F__COUNT
};

_Static_assert(F__COUNT <= 64, "seen masks are 64-bit");

#define BIT(f)		((uint64_t)1 << (f))

#define E_LEAF		0x01	/* holds text, not elements */
#define E_LONG		0x02	/* MAX_LONG_TEXT, else MAX_SHORT_TEXT */
#define E_REPEAT	0x04	/* may occur more than once */
#define E_MISNAMED	0x08	/* a known misspelling of the element */
#define E_RFC9990	0x10	/* exists in RFC 9990 only */
#define E_SKIP		0x20	/* known, its content is not used */
#define E_STRICT	0x40	/* number or address: cut text is invalid */

struct elem {
	enum field	 parent;	/* scope the element belongs in */
	const char	*name;		/* local name */
	enum field	 field;
	unsigned	 flags;		/* E_* */
};

static const struct elem elems[] = {
	{ F_DOC, "feedback", F_FEEDBACK, 0 },
	{ F_FEEDBACK, "version", F_VERSION, E_LEAF },
	{ F_FEEDBACK, "report_metadata", F_META, 0 },
	{ F_FEEDBACK, "policy_published", F_POLICY, 0 },
	{ F_FEEDBACK, "extension", F_EXTENSION,
	    E_SKIP | E_RFC9990 | E_REPEAT },
	{ F_FEEDBACK, "record", F_RECORD, E_REPEAT },
	{ F_META, "org_name", F_ORG_NAME, E_LEAF | E_LONG },
	{ F_META, "email", F_EMAIL, E_LEAF | E_LONG },
	{ F_META, "extra_contact_info", F_EXTRA, E_LEAF | E_LONG },
	{ F_META, "report_id", F_REPORT_ID, E_LEAF | E_LONG },
	{ F_META, "date_range", F_RANGE, 0 },
	{ F_META, "data_range", F_RANGE, E_MISNAMED },
	{ F_META, "error", F_ERROR, E_LEAF | E_LONG | E_REPEAT },
	{ F_META, "generator", F_GENERATOR, E_LEAF | E_LONG | E_RFC9990 },
	{ F_RANGE, "begin", F_BEGIN, E_LEAF | E_STRICT },
	{ F_RANGE, "end", F_END, E_LEAF | E_STRICT },
	{ F_POLICY, "domain", F_P_DOMAIN, E_LEAF },
	{ F_POLICY, "adkim", F_ADKIM, E_LEAF },
	{ F_POLICY, "aspf", F_ASPF, E_LEAF },
	{ F_POLICY, "p", F_P, E_LEAF },
	{ F_POLICY, "sp", F_SP, E_LEAF },
	{ F_POLICY, "np", F_NP, E_LEAF | E_RFC9990 },
	{ F_POLICY, "pct", F_PCT, E_LEAF | E_STRICT },
	{ F_POLICY, "fo", F_FO, E_LEAF },
	{ F_POLICY, "testing", F_TESTING, E_LEAF | E_RFC9990 },
	{ F_POLICY, "discovery_method", F_DISCOVERY, E_LEAF | E_RFC9990 },
	{ F_RECORD, "row", F_ROW, 0 },
	{ F_RECORD, "identifiers", F_IDENT, 0 },
	{ F_RECORD, "identities", F_IDENT, E_MISNAMED },
	{ F_RECORD, "auth_results", F_AUTH, 0 },
	{ F_ROW, "source_ip", F_SOURCE_IP, E_LEAF | E_STRICT },
	{ F_ROW, "count", F_COUNT, E_LEAF | E_STRICT },
	{ F_ROW, "policy_evaluated", F_EVAL, 0 },
	{ F_EVAL, "disposition", F_DISPOSITION, E_LEAF },
	{ F_EVAL, "dkim", F_EVAL_DKIM, E_LEAF },
	{ F_EVAL, "spf", F_EVAL_SPF, E_LEAF },
	{ F_EVAL, "reason", F_REASON, E_REPEAT },
	{ F_REASON, "type", F_TYPE, E_LEAF },
	{ F_REASON, "comment", F_COMMENT, E_LEAF | E_LONG },
	{ F_IDENT, "envelope_to", F_ENV_TO, E_LEAF },
	{ F_IDENT, "envelope_from", F_ENV_FROM, E_LEAF },
	{ F_IDENT, "header_from", F_HEADER_FROM, E_LEAF },
	{ F_AUTH, "dkim", F_DKIM, E_REPEAT },
	{ F_AUTH, "spf", F_SPF, E_REPEAT },
	{ F_DKIM, "domain", F_DKIM_DOMAIN, E_LEAF },
	{ F_DKIM, "selector", F_SELECTOR, E_LEAF },
	{ F_DKIM, "result", F_DKIM_RESULT, E_LEAF },
	{ F_DKIM, "human_result", F_DKIM_HUMAN, E_LEAF | E_LONG },
	{ F_SPF, "domain", F_SPF_DOMAIN, E_LEAF },
	{ F_SPF, "scope", F_SCOPE, E_LEAF },
	{ F_SPF, "result", F_SPF_RESULT, E_LEAF },
	{ F_SPF, "human_result", F_SPF_HUMAN, E_LEAF | E_LONG },
};

/* The schema words of each enumerated element, NULL-terminated. */
static const char *const w_align[] = { "r", "s", NULL };
static const char *const w_policy[] = { "none", "quarantine", "reject",
	NULL };
static const char *const w_testing[] = { "n", "y", NULL };
static const char *const w_discovery[] = { "psl", "treewalk", NULL };
static const char *const w_disposition[] = { "none", "pass", "quarantine",
	"reject", NULL };
static const char *const w_eval[] = { "pass", "fail", NULL };
static const char *const w_reason[] = { "forwarded", "sampled_out",
	"trusted_forwarder", "mailing_list", "local_policy", "other",
	"policy_test_mode", NULL };
static const char *const w_dkim[] = { "none", "pass", "fail", "policy",
	"neutral", "temperror", "permerror", NULL };
static const char *const w_spf[] = { "none", "neutral", "pass", "fail",
	"softfail", "policy", "temperror", "permerror", NULL };
static const char *const w_scope[] = { "helo", "mfrom", NULL };

/* Non-standard result words real reporters send (QUIRKS B.7 V2). */
struct alias {
	const char	*from;
	const char	*to;
};

static const struct alias result_aliases[] = {
	{ "hardfail", "fail" },
	{ "unknown", "temperror" },
	{ "error", "permerror" },
	{ NULL, NULL },
};

/* where the prolog scanner is; it only looks for a DOCTYPE */
enum prolog {
	PRO_TEXT,	/* between markup */
	PRO_LT,		/* after '<' */
	PRO_BANG,	/* after "<!" */
	PRO_COMMENT,	/* inside "<!-" ... "-->" */
	PRO_PI,		/* inside "<?" ... "?>" */
	PRO_DONE	/* the root element started */
};

struct parser {
	xmlTextReaderPtr	 reader;
	parse_read_fn		 read;
	void			*ctx;
	const struct parse_handler *h;
	void			*arg;
	struct report		*rep;
	struct diag		*d;
	int			 failed;	/* d holds our error: stop */

	int			 read_error;	/* the read callback failed */
	int			 doctype;	/* DOCTYPE seen in the prolog */
	enum prolog		 prolog;
	int			 prolog_run;	/* '-' or '?' just seen */
	int			 nonblank;	/* input had a non-space byte */

	int			 xml_error;	/* libxml2 reported an error */
	int			 xml_line;
	char			 xml_msg[DIAG_ERROR_LEN / 2];

	const struct elem	*stack[STACK_MAX]; /* open known elements */
	size_t			 depth;
	unsigned long		 skip;	/* open elements of a skipped subtree */
	struct buf		 text;	/* value of the open leaf */
	size_t			 limit;	/* ceiling for this leaf's text */
	int			 truncated;	/* text was cut at limit */
	int			 padded;	/* text had blanks trimmed */
	int			 begun;		/* h->begin was called */
	uint64_t		 seen_rep;	/* report-level elements seen */
	uint64_t		 seen_rec;	/* current record's elements */
	uint64_t		 seen_sub;	/* current reason/dkim/spf */
	struct record		 rec;
};

static int
fail(struct parser *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
fail(struct parser *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_verror(p->d, fmt, ap);
	va_end(ap);
	p->failed = 1;
	return -1;
}

static int
line(const struct parser *p)
{
	return p->reader != NULL ?
	    xmlTextReaderGetParserLineNumber(p->reader) : 0;
}

static int
xml_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/*
 * A short printable copy of untrusted text for an error message: control
 * bytes become '?', the cut falls on a UTF-8 boundary.
 */
static const char *
excerpt(const char *s, char out[EXCERPT_LEN + 4])
{
	size_t n = 0;

	if (s == NULL)
		s = "";
	while (n < EXCERPT_LEN && s[n] != '\0')
		n++;
	if (s[n] != '\0')
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		out[i] = c < 0x20 || c == 0x7f ? '?' : (char)c;
	}
	if (s[n] != '\0') {
		memcpy(out + n, "...", 4);
	} else
		out[n] = '\0';
	return out;
}

/* ---- input: the read adapter and the libxml2 error capture ---- */

/*
 * Looks at the prolog only (before the root start tag) for "<!" that does
 * not open a comment: that is a DOCTYPE (or worse), and it is refused
 * before libxml2 sees the internal subset at all.  Other encodings than
 * ASCII-compatible ones are caught by the node-type check instead.
 */
static void
prolog_scan(struct parser *p, const char *b, size_t n)
{
	for (size_t i = 0; i < n && p->prolog != PRO_DONE; i++) {
		char c = b[i];

		switch (p->prolog) {
		case PRO_TEXT:
			if (c == '<')
				p->prolog = PRO_LT;
			break;
		case PRO_LT:
			if (c == '?')
				p->prolog = PRO_PI;
			else if (c == '!')
				p->prolog = PRO_BANG;
			else
				p->prolog = PRO_DONE;
			p->prolog_run = 0;
			break;
		case PRO_BANG:
			if (c != '-') {
				p->doctype = 1;
				return;
			}
			p->prolog = PRO_COMMENT;
			break;
		case PRO_COMMENT:
			if (c == '>' && p->prolog_run >= 2)
				p->prolog = PRO_TEXT;
			p->prolog_run = c == '-' ? p->prolog_run + 1 : 0;
			break;
		case PRO_PI:
			if (c == '>' && p->prolog_run)
				p->prolog = PRO_TEXT;
			p->prolog_run = c == '?';
			break;
		case PRO_DONE:
			break;
		}
	}
}

static int
xml_read(void *ctx, char *buf, int len)
{
	struct parser *p = ctx;
	int n;

	if (p->doctype || p->read_error)
		return -1;
	n = p->read(p->ctx, buf, len);
	if (n < 0 || n > len) {
		p->read_error = 1;
		return -1;
	}
	for (int i = 0; i < n && !p->nonblank; i++)
		if (!xml_blank(buf[i]))
			p->nonblank = 1;
	prolog_scan(p, buf, (size_t)n);
	return p->doctype ? -1 : n;
}

/* Keeps libxml2's first error (not its warnings), with the line. */
static void
xml_error(void *arg, xmlErrorPtr e)
{
	struct parser *p = arg;
	size_t n = 0;

	if (p == NULL || e == NULL || e->level < XML_ERR_ERROR ||
	    p->xml_error)
		return;
	p->xml_error = 1;
	p->xml_line = e->line;
	if (e->message == NULL)
		return;
	for (const char *s = e->message; *s != '\0' &&
	    n + 1 < sizeof(p->xml_msg); s++) {
		unsigned char c = (unsigned char)*s;

		p->xml_msg[n++] = c < 0x20 || c >= 0x7f ? ' ' : (char)c;
	}
	while (n > 0 && p->xml_msg[n - 1] == ' ')
		n--;
	p->xml_msg[n] = '\0';
}

/* Every external entity, DTD or XInclude load is refused. */
static xmlParserInputPtr
refuse_loader(const char *url, const char *id, xmlParserCtxtPtr ctxt)
{
	(void)url;
	(void)id;
	(void)ctxt;
	return NULL;
}

/* ---- leaf text ---- */

static void
text_start(struct parser *p, const struct elem *e)
{
	buf_reset(&p->text);
	p->limit = e->flags & E_LONG ? MAX_LONG_TEXT : MAX_SHORT_TEXT;
	p->truncated = 0;
	p->padded = 0;
}

/* Appends a text node, leading blanks dropped, cut at the leaf's limit. */
static void
text_add(struct parser *p, const char *s)
{
	size_t n = strlen(s), room;

	if (p->truncated)
		return;
	if (p->text.len == 0)
		while (n > 0 && xml_blank(*s)) {
			s++;
			n--;
			p->padded = 1;
		}
	room = p->limit - p->text.len;
	if (n > room) {
		n = room;
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
		p->truncated = 1;
	}
	if (n > 0 && buf_add(&p->text, s, n) == -1)
		abort();	/* limit <= the buffer's ceiling */
}

/*
 * The trimmed value of the leaf just closed: *out is a copy (caller frees)
 * or NULL when empty.  Text that is not clean UTF-8 rejects the report.
 */
static int
text_take(struct parser *p, const struct elem *e, char **out)
{
	const char *s = buf_cstr(&p->text);
	size_t n = p->text.len;

	*out = NULL;
	while (n > 0 && xml_blank(s[n - 1])) {
		n--;
		p->padded = 1;
	}
	if (n == 0)
		return 0;
	if (!utf8_valid(s, n))
		return fail(p, "invalid UTF-8 in '%s': line %d", e->name,
		    line(p));
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 && !xml_blank(s[i]))
			return fail(p, "control character in '%s': line %d",
			    e->name, line(p));
	if (p->truncated && !(e->flags & E_STRICT))
		diag_warn(p->d, DIAG_TEXT_TRUNCATED);
	*out = xstrndup(s, n);
	return 0;
}

/* ---- value setters: each takes ownership of s (NULL when empty) ---- */

static void
set_opt(struct parser *p, char **dst, char *s)
{
	free(*dst);
	*dst = s;
	if (s == NULL)
		diag_warn(p->d, DIAG_EMPTY_FIELD);
}

static void
set_domain(struct parser *p, char **dst, char *s)
{
	set_opt(p, dst, s);
	if (s != NULL && domain_normalize(s) == -1)
		diag_warn(p->d, DIAG_BAD_DOMAIN);
}

/* envelope values are a domain, an address, or empty (null path) */
static void
set_envelope(struct parser *p, char **dst, char *s)
{
	free(*dst);
	*dst = s;
	if (s == NULL) {
		if (p->rep->format != FORMAT_RFC9990)
			diag_warn(p->d, DIAG_EMPTY_FIELD);
	} else if (strpbrk(s, "@<>") == NULL && domain_normalize(s) == -1)
		diag_warn(p->d, DIAG_BAD_DOMAIN);
}

/*
 * An enumerated word: the schema word itself; the same in another case or
 * padded (DIAG_ENUM_CASE); a known alias (DIAG_ENUM_ALIAS); else nothing
 * (DIAG_ENUM_UNKNOWN).  An unknown word never maps to a schema word.
 */
static void
set_word(struct parser *p, struct word *w, char *s,
    const char *const *set, const struct alias *aliases)
{
	word_release(w);
	w->raw = s;
	if (s == NULL) {
		diag_warn(p->d, DIAG_EMPTY_FIELD);
		return;
	}
	for (size_t i = 0; set[i] != NULL; i++)
		if (strcmp(s, set[i]) == 0) {
			w->norm = set[i];
			if (p->padded)
				diag_warn(p->d, DIAG_ENUM_CASE);
			return;
		}
	for (size_t i = 0; set[i] != NULL; i++)
		if (strcasecmp(s, set[i]) == 0) {
			w->norm = set[i];
			diag_warn(p->d, DIAG_ENUM_CASE);
			return;
		}
	for (size_t i = 0; aliases != NULL && aliases[i].from != NULL; i++)
		if (strcasecmp(s, aliases[i].from) == 0) {
			w->norm = aliases[i].to;
			diag_warn(p->d, DIAG_ENUM_ALIAS);
			return;
		}
	diag_warn(p->d, DIAG_ENUM_UNKNOWN);
}

static int
set_time(struct parser *p, const struct elem *e, char *s, int64_t *dst)
{
	char ex[EXCERPT_LEN + 4];
	int frac = 0, rc = -1;

	if (s == NULL || p->truncated ||
	    num_epoch(s, 0, MAX_TIMESTAMP, dst, &frac) == -1) {
		fail(p, "date_range: %s '%s' is not a timestamp: line %d",
		    e->name, excerpt(s, ex), line(p));
		goto out;
	}
	if (frac)
		diag_warn(p->d, DIAG_FRACTIONAL_TIME);
	rc = 0;
out:
	free(s);
	return rc;
}

static void
set_pct(struct parser *p, char *s)
{
	int64_t v;

	p->rep->policy.pct = -1;
	if (s == NULL)
		diag_warn(p->d, DIAG_EMPTY_FIELD);
	else if (p->truncated || num_i64(s, 0, 100, &v) == -1)
		diag_warn(p->d, DIAG_ENUM_UNKNOWN);
	else
		p->rep->policy.pct = v;
	free(s);
}

static int
set_count(struct parser *p, char *s)
{
	char ex[EXCERPT_LEN + 4];
	int rc = -1;

	if (s == NULL || p->truncated ||
	    num_i64(s, 0, MAX_RECORD_COUNT, &p->rec.count) == -1) {
		fail(p, "record %zu: count '%s' is not a number of messages: "
		    "line %d", p->rep->n_records + 1, excerpt(s, ex), line(p));
		goto out;
	}
	rc = 0;
out:
	free(s);
	return rc;
}

static void
set_ip(struct parser *p, char *s)
{
	struct record *r = &p->rec;

	free(r->source_ip_raw);
	r->source_ip_raw = s != NULL ? s : xstrdup("");
	r->ip_family = p->truncated ? 0 :
	    ipaddr_normalize(r->source_ip_raw, r->source_ip);
	if (r->ip_family == 0) {
		r->source_ip[0] = '\0';
		diag_warn(p->d, DIAG_BAD_SOURCE_IP);
	}
}

/* email and report_id are key fields: empty rejects the report */
static int
set_key(struct parser *p, const struct elem *e, char **dst, char *s)
{
	if (s == NULL)
		return fail(p, "report_metadata: '%s' is empty: line %d",
		    e->name, line(p));
	free(*dst);
	*dst = s;
	return 0;
}

static int
add_error(struct parser *p, char *s)
{
	struct report *rep = p->rep;

	if (s == NULL) {
		diag_warn(p->d, DIAG_EMPTY_FIELD);
		return 0;
	}
	if (rep->n_errors >= MAX_REPORT_ERRORS) {
		free(s);
		return fail(p, "too many 'error' elements: more than %d",
		    MAX_REPORT_ERRORS);
	}
	rep->errors = xreallocarray(rep->errors, rep->n_errors + 1,
	    sizeof(*rep->errors));
	rep->errors[rep->n_errors++] = s;
	return 0;
}

static int
leaf_policy(struct parser *p, const struct elem *e, char *s)
{
	struct policy *pol = &p->rep->policy;

	switch (e->field) {
	case F_P_DOMAIN:
		if (s == NULL)
			return fail(p, "policy_published: 'domain' is empty: "
			    "line %d", line(p));
		set_domain(p, &pol->domain, s);
		break;
	case F_ADKIM:
		set_word(p, &pol->adkim, s, w_align, NULL);
		break;
	case F_ASPF:
		set_word(p, &pol->aspf, s, w_align, NULL);
		break;
	case F_P:
		set_word(p, &pol->p, s, w_policy, NULL);
		break;
	case F_SP:
		set_word(p, &pol->sp, s, w_policy, NULL);
		break;
	case F_NP:
		set_word(p, &pol->np, s, w_policy, NULL);
		break;
	case F_PCT:
		set_pct(p, s);
		break;
	case F_FO:
		set_opt(p, &pol->fo, s);
		break;
	case F_TESTING:
		set_word(p, &pol->testing, s, w_testing, NULL);
		break;
	default:
		set_word(p, &pol->discovery_method, s, w_discovery, NULL);
		break;
	}
	return 0;
}

static void
leaf_auth(struct parser *p, const struct elem *e, char *s)
{
	struct record *r = &p->rec;
	struct dkim_auth *dk = r->n_dkim ? &r->dkim[r->n_dkim - 1] : NULL;
	struct spf_auth *sp = r->n_spf ? &r->spf[r->n_spf - 1] : NULL;

	switch (e->field) {
	case F_DKIM_DOMAIN:
		set_domain(p, &dk->domain, s);
		break;
	case F_SELECTOR:
		set_opt(p, &dk->selector, s);
		break;
	case F_DKIM_RESULT:
		set_word(p, &dk->result, s, w_dkim, result_aliases);
		break;
	case F_DKIM_HUMAN:
		set_opt(p, &dk->human_result, s);
		break;
	case F_SPF_DOMAIN:
		set_domain(p, &sp->domain, s);
		break;
	case F_SCOPE:
		set_word(p, &sp->scope, s, w_scope, NULL);
		break;
	case F_SPF_RESULT:
		set_word(p, &sp->result, s, w_spf, result_aliases);
		break;
	default:
		set_opt(p, &sp->human_result, s);
		break;
	}
}

static int
leaf_record(struct parser *p, const struct elem *e, char *s)
{
	struct record *r = &p->rec;
	struct reason *rs = r->n_reasons ? &r->reasons[r->n_reasons - 1] : NULL;

	switch (e->field) {
	case F_SOURCE_IP:
		set_ip(p, s);
		break;
	case F_COUNT:
		return set_count(p, s);
	case F_DISPOSITION:
		set_word(p, &r->disposition, s, w_disposition, NULL);
		if (s != NULL && strcasecmp(s, "pass") == 0)
			p->rep->format = FORMAT_RFC9990;
		break;
	case F_EVAL_DKIM:
		set_word(p, &r->eval_dkim, s, w_eval, NULL);
		break;
	case F_EVAL_SPF:
		set_word(p, &r->eval_spf, s, w_eval, NULL);
		break;
	case F_TYPE:
		set_word(p, &rs->type, s, w_reason, NULL);
		if (s != NULL && strcasecmp(s, "policy_test_mode") == 0)
			p->rep->format = FORMAT_RFC9990;
		break;
	case F_COMMENT:
		set_opt(p, &rs->comment, s);
		break;
	case F_ENV_TO:
		set_envelope(p, &r->envelope_to, s);
		break;
	case F_ENV_FROM:
		set_envelope(p, &r->envelope_from, s);
		break;
	case F_HEADER_FROM:
		set_domain(p, &r->header_from, s);
		break;
	default:
		leaf_auth(p, e, s);
		break;
	}
	return 0;
}

/* The leaf e just closed: store its value where it belongs. */
static int
leaf_end(struct parser *p, const struct elem *e)
{
	struct report *rep = p->rep;
	char *s;

	if (text_take(p, e, &s) == -1)
		return -1;
	switch (e->field) {
	case F_VERSION:
		set_opt(p, &rep->version, s);
		return 0;
	case F_ORG_NAME:
		/* accurateplastics sends it empty: keep "" rather than NULL */
		set_opt(p, &rep->org_name, s);
		if (s == NULL)
			rep->org_name = xstrdup("");
		return 0;
	case F_EMAIL:
		return set_key(p, e, &rep->email, s);
	case F_REPORT_ID:
		return set_key(p, e, &rep->report_id, s);
	case F_EXTRA:
		set_opt(p, &rep->extra_contact_info, s);
		return 0;
	case F_GENERATOR:
		set_opt(p, &rep->generator, s);
		return 0;
	case F_ERROR:
		return add_error(p, s);
	case F_BEGIN:
		return set_time(p, e, s, &rep->begin);
	case F_END:
		return set_time(p, e, s, &rep->end);
	default:
		break;
	}
	if (e->parent == F_POLICY)
		return leaf_policy(p, e, s);
	return leaf_record(p, e, s);
}

/* ---- containers ---- */

/* Checks the report before h->begin: its key fields must be there. */
static int
report_ready(struct parser *p, int at_record)
{
	static const struct {
		enum field	 f;
		const char	*what;
	} need[] = {
		{ F_ORG_NAME, "report_metadata lacks 'org_name'" },
		{ F_EMAIL, "report_metadata lacks 'email'" },
		{ F_REPORT_ID, "report_metadata lacks 'report_id'" },
		{ F_RANGE, "report_metadata lacks 'date_range'" },
		{ F_P_DOMAIN, "policy_published lacks 'domain'" },
	};
	static const enum field req7489[] = { F_VERSION, F_SP, F_PCT, F_FO };
	uint64_t seen = p->seen_rep;

	if (at_record && !(seen & BIT(F_META)))
		return fail(p, "'report_metadata' missing before the first "
		    "record: RFC 7489 appendix C and RFC 9990 require it "
		    "before the records: line %d", line(p));
	if (at_record && !(seen & BIT(F_POLICY)))
		return fail(p, "'policy_published' missing before the first "
		    "record: RFC 7489 appendix C and RFC 9990 require it "
		    "before the records: line %d", line(p));
	if (!(seen & BIT(F_META)))
		return fail(p, "report lacks 'report_metadata'");
	if (!(seen & BIT(F_POLICY)))
		return fail(p, "report lacks 'policy_published'");
	for (size_t i = 0; i < sizeof(need) / sizeof(need[0]); i++)
		if (!(seen & BIT(need[i].f)))
			return fail(p, "%s", need[i].what);
	if (!(seen & BIT(F_P)))
		diag_warn(p->d, DIAG_MISSING_FIELD);
	if (p->rep->format != FORMAT_RFC7489)
		return 0;
	/* RFC 7489 appendix C requires these; RFC 9990 made them optional */
	for (size_t i = 0; i < sizeof(req7489) / sizeof(req7489[0]); i++)
		if (!(seen & BIT(req7489[i])))
			diag_warn(p->d, DIAG_MISSING_FIELD);
	return 0;
}

static int
report_begin(struct parser *p, int at_record)
{
	if (report_ready(p, at_record) == -1)
		return -1;
	p->begun = 1;
	if (p->h != NULL && p->h->begin != NULL &&
	    p->h->begin(p->arg, p->rep) == -1)
		return fail(p, "report stopped by its handler");
	return 0;
}

static int
range_end(struct parser *p)
{
	const struct report *rep = p->rep;

	if (!(p->seen_rep & BIT(F_BEGIN)))
		return fail(p, "date_range lacks 'begin': line %d", line(p));
	if (!(p->seen_rep & BIT(F_END)))
		return fail(p, "date_range lacks 'end': line %d", line(p));
	if (rep->end < rep->begin)
		return fail(p, "date range ends before it begins: begin %lld, "
		    "end %lld", (long long)rep->begin, (long long)rep->end);
	if (rep->end == rep->begin)
		diag_warn(p->d, DIAG_ZERO_RANGE);
	else if (rep->end - rep->begin > RANGE_LONG_SECONDS)
		diag_warn(p->d, DIAG_LONG_RANGE);
	return 0;
}

static int
record_open(struct parser *p)
{
	if (!p->begun && report_begin(p, 1) == -1)
		return -1;
	if (p->rep->n_records >= MAX_RECORDS)
		return fail(p, "too many records: more than %lu", MAX_RECORDS);
	record_release(&p->rec);
	p->seen_rec = 0;
	return 0;
}

static int
record_end(struct parser *p)
{
	struct report *rep = p->rep;
	struct record *r = &p->rec;
	uint64_t seen = p->seen_rec;
	int fmt7489 = rep->format == FORMAT_RFC7489;

	if (!(seen & BIT(F_COUNT)))
		return fail(p, "record %zu lacks 'count': line %d",
		    rep->n_records + 1, line(p));
	if (!(seen & BIT(F_SOURCE_IP)))
		diag_warn(p->d, DIAG_BAD_SOURCE_IP);
	if (!(seen & BIT(F_DISPOSITION)))
		diag_warn(p->d, DIAG_MISSING_FIELD);
	if (!(seen & BIT(F_EVAL_DKIM)))
		diag_warn(p->d, DIAG_MISSING_FIELD);
	if (!(seen & BIT(F_EVAL_SPF)))
		diag_warn(p->d, DIAG_MISSING_FIELD);
	if (!(seen & BIT(F_HEADER_FROM)))
		diag_warn(p->d, DIAG_MISSING_FIELD);
	if (fmt7489 && !(seen & BIT(F_ENV_FROM)))
		diag_warn(p->d, DIAG_MISSING_FIELD);
	if (fmt7489 && r->n_spf == 0)
		diag_warn(p->d, DIAG_MISSING_FIELD);
	if (rep->messages > INT64_MAX - r->count)
		return fail(p, "message total of the report overflows: "
		    "line %d", line(p));
	rep->n_records++;
	rep->messages += r->count;
	if (p->h != NULL && p->h->record != NULL &&
	    p->h->record(p->arg, rep, r) == -1)
		return fail(p, "report stopped by its record handler");
	record_release(r);
	return 0;
}

/* Opens one more reason, DKIM or SPF result, within its limit. */
static int
entry_open(struct parser *p, const struct elem *e)
{
	struct record *r = &p->rec;
	size_t n = p->rep->n_records + 1;

	p->seen_sub = 0;
	if (e->field == F_REASON) {
		if (r->n_reasons >= MAX_REASONS)
			return fail(p, "record %zu: too many 'reason' "
			    "elements: more than %d", n, MAX_REASONS);
		r->reasons = xreallocarray(r->reasons, r->n_reasons + 1,
		    sizeof(*r->reasons));
		memset(&r->reasons[r->n_reasons++], 0, sizeof(*r->reasons));
	} else if (e->field == F_DKIM) {
		if (r->n_dkim >= MAX_DKIM_RESULTS)
			return fail(p, "record %zu: too many 'dkim' results: "
			    "more than %d", n, MAX_DKIM_RESULTS);
		r->dkim = xreallocarray(r->dkim, r->n_dkim + 1,
		    sizeof(*r->dkim));
		memset(&r->dkim[r->n_dkim++], 0, sizeof(*r->dkim));
	} else {
		if (r->n_spf >= MAX_SPF_RESULTS)
			return fail(p, "record %zu: too many 'spf' results: "
			    "more than %d", n, MAX_SPF_RESULTS);
		r->spf = xreallocarray(r->spf, r->n_spf + 1, sizeof(*r->spf));
		memset(&r->spf[r->n_spf++], 0, sizeof(*r->spf));
	}
	return 0;
}

/* Missing parts of a reason, DKIM or SPF result are warnings. */
static void
entry_end(struct parser *p, const struct elem *e)
{
	uint64_t seen = p->seen_sub;
	enum report_format fmt = p->rep->format;
	int missing = 0;

	if (e->field == F_REASON)
		missing = !(seen & BIT(F_TYPE));
	else if (e->field == F_DKIM)
		missing = !(seen & BIT(F_DKIM_DOMAIN)) +
		    !(seen & BIT(F_DKIM_RESULT)) +
		    (fmt == FORMAT_RFC9990 && !(seen & BIT(F_SELECTOR)));
	else
		missing = !(seen & BIT(F_SPF_DOMAIN)) +
		    !(seen & BIT(F_SPF_RESULT)) +
		    (fmt == FORMAT_RFC7489 && !(seen & BIT(F_SCOPE)));
	while (missing-- > 0)
		diag_warn(p->d, DIAG_MISSING_FIELD);
}

static int
container_open(struct parser *p, const struct elem *e)
{
	switch (e->field) {
	case F_META:
	case F_POLICY:
		if (p->begun)
			return fail(p, "'%s' after the first record: RFC 7489 "
			    "appendix C and RFC 9990 require it before the "
			    "records: line %d", e->name, line(p));
		return 0;
	case F_RECORD:
		return record_open(p);
	case F_REASON:
	case F_DKIM:
	case F_SPF:
		return entry_open(p, e);
	default:
		return 0;
	}
}

static int
container_end(struct parser *p, const struct elem *e)
{
	switch (e->field) {
	case F_FEEDBACK:
		if (!p->begun) {
			if (report_begin(p, 0) == -1)
				return -1;
			diag_warn(p->d, DIAG_NO_RECORDS);
		}
		return 0;
	case F_RANGE:
		return range_end(p);
	case F_RECORD:
		return record_end(p);
	case F_REASON:
	case F_DKIM:
	case F_SPF:
		entry_end(p, e);
		return 0;
	default:
		return 0;
	}
}

static int
elem_end(struct parser *p, const struct elem *e)
{
	if (e->flags & E_LEAF)
		return leaf_end(p, e);
	return container_end(p, e);
}

/* ---- the node loop ---- */

static uint64_t *
seen_mask(struct parser *p, enum field parent)
{
	switch (parent) {
	case F_RECORD:
	case F_ROW:
	case F_EVAL:
	case F_IDENT:
	case F_AUTH:
		return &p->seen_rec;
	case F_REASON:
	case F_DKIM:
	case F_SPF:
		return &p->seen_sub;
	default:
		return &p->seen_rep;
	}
}

/* Elements in no namespace, the root's, or a DMARC one are ours. */
static int
ns_ours(const struct parser *p, const char *ns)
{
	return ns == NULL || *ns == '\0' ||
	    (p->rep->xmlns != NULL && strcmp(ns, p->rep->xmlns) == 0) ||
	    strcmp(ns, NS_DMARC2) == 0 || strcmp(ns, NS_DMARC01) == 0 ||
	    strcmp(ns, NS_DMARC02) == 0;
}

static const struct elem *
elem_find(const struct parser *p, enum field parent, const char *name,
    const char *ns)
{
	if (!ns_ours(p, ns))
		return NULL;
	/* the first byte settles most misses without a call (hot path) */
	for (size_t i = 0; i < sizeof(elems) / sizeof(elems[0]); i++)
		if (elems[i].parent == parent &&
		    elems[i].name[0] == name[0] &&
		    strcmp(elems[i].name, name) == 0)
			return &elems[i];
	return NULL;
}

static int
root_open(struct parser *p, const char *name, const char *ns)
{
	char ex[EXCERPT_LEN + 4];
	size_t n;

	if (strcmp(name, "feedback") != 0)
		return fail(p, "not a DMARC aggregate report: root element is "
		    "'%s'", excerpt(name, ex));
	if (ns != NULL && *ns != '\0') {
		n = strlen(ns);
		if (n > MAX_SHORT_TEXT || !utf8_valid(ns, n))
			return fail(p, "namespace of 'feedback' is not "
			    "acceptable: line %d", line(p));
		p->rep->xmlns = xstrdup(ns);
		if (strcmp(ns, NS_DMARC2) == 0)
			p->rep->format = FORMAT_RFC9990;
	}
	p->seen_rep |= BIT(F_FEEDBACK);
	return 0;
}

static int
elem_open(struct parser *p)
{
	xmlTextReaderPtr r = p->reader;
	const char *name = (const char *)xmlTextReaderConstLocalName(r);
	const char *ns = (const char *)xmlTextReaderConstNamespaceUri(r);
	int empty = xmlTextReaderIsEmptyElement(r);
	const struct elem *e;
	uint64_t *seen;

	if (xmlTextReaderDepth(r) >= MAX_XML_DEPTH)
		return fail(p, "elements nested too deep: more than %d levels: "
		    "line %d", MAX_XML_DEPTH, line(p));
	if (name == NULL || empty == -1)
		return fail(p, "XML reader failed: line %d", line(p));
	if (p->skip > 0) {
		p->skip += !empty;
		return 0;
	}
	if (p->depth == 0) {
		if (p->seen_rep & BIT(F_FEEDBACK))
			return fail(p, "second root element: line %d", line(p));
		e = &elems[0];
		if (root_open(p, name, ns) == -1)
			return -1;
	} else {
		e = elem_find(p, p->stack[p->depth - 1]->field, name, ns);
		if (e == NULL) {
			diag_warn(p->d, DIAG_UNKNOWN_ELEMENT);
			p->skip = !empty;
			return 0;
		}
		if (e->flags & E_MISNAMED)
			diag_warn(p->d, DIAG_MISNAMED_ELEMENT);
		if (e->flags & E_RFC9990)
			p->rep->format = FORMAT_RFC9990;
		seen = seen_mask(p, e->parent);
		if ((*seen & BIT(e->field)) && !(e->flags & E_REPEAT))
			return fail(p, "duplicate element '%s': line %d",
			    e->name, line(p));
		*seen |= BIT(e->field);
		if (e->flags & E_SKIP) {
			p->skip = !empty;
			return 0;
		}
		if (e->flags & E_LEAF)
			text_start(p, e);
		else if (container_open(p, e) == -1)
			return -1;
	}
	if (empty)
		return elem_end(p, e);
	if (p->depth >= STACK_MAX)
		abort();	/* the table nests known elements 5 deep */
	p->stack[p->depth++] = e;
	return 0;
}

static int
elem_close(struct parser *p)
{
	if (p->skip > 0) {
		p->skip--;
		return 0;
	}
	if (p->depth == 0)
		return fail(p, "XML reader failed: stray end tag: line %d",
		    line(p));
	return elem_end(p, p->stack[--p->depth]);
}

static void
text_node(struct parser *p)
{
	const char *v = (const char *)xmlTextReaderConstValue(p->reader);

	if (p->skip > 0 || v == NULL)
		return;
	if (p->depth > 0 && (p->stack[p->depth - 1]->flags & E_LEAF)) {
		text_add(p, v);
		return;
	}
	for (; *v != '\0'; v++)
		if (!xml_blank(*v)) {
			diag_warn(p->d, DIAG_STRAY_TEXT);
			return;
		}
}

static int
node(struct parser *p)
{
	switch (xmlTextReaderNodeType(p->reader)) {
	case XML_READER_TYPE_ELEMENT:
		return elem_open(p);
	case XML_READER_TYPE_END_ELEMENT:
		return elem_close(p);
	case XML_READER_TYPE_TEXT:
	case XML_READER_TYPE_CDATA:
	case XML_READER_TYPE_WHITESPACE:
	case XML_READER_TYPE_SIGNIFICANT_WHITESPACE:
		text_node(p);
		return 0;
	case XML_READER_TYPE_DOCUMENT_TYPE:
	case XML_READER_TYPE_ENTITY_REFERENCE:
	case XML_READER_TYPE_ENTITY:
	case XML_READER_TYPE_END_ENTITY:
	case XML_READER_TYPE_NOTATION:
		return fail(p, DOCTYPE_MSG);
	default:
		return 0;	/* comments, processing instructions */
	}
}

/* Says why libxml2 (or the input under it) stopped the parse. */
static void
xml_fail(struct parser *p)
{
	if (p->doctype)
		fail(p, DOCTYPE_MSG);
	else if (p->read_error)
		fail(p, "cannot read the report: the input failed");
	else if (!p->nonblank)
		fail(p, "not a DMARC aggregate report: empty document");
	else if (p->xml_error)
		fail(p, "not well-formed XML: line %d: %s", p->xml_line,
		    p->xml_msg);
	else
		fail(p, "not well-formed XML: the reader stopped");
}

static int
parse_run(struct parser *p)
{
	int r;

	p->reader = xmlReaderForIO(xml_read, NULL, p, NULL, NULL,
	    XML_PARSE_NONET);
	if (p->reader == NULL) {
		xml_fail(p);
		return -1;
	}
	xmlTextReaderSetStructuredErrorHandler(p->reader, xml_error, p);
	/* read to the end: trailing content must fail before we succeed */
	while ((r = xmlTextReaderRead(p->reader)) == 1 && !p->xml_error &&
	    !p->doctype && !p->read_error)
		if (node(p) == -1)
			return -1;
	if (r != 0 || p->xml_error || p->doctype || p->read_error) {
		xml_fail(p);
		return -1;
	}
	if (!(p->seen_rep & BIT(F_FEEDBACK)) || p->depth != 0 || !p->begun)
		return fail(p, "not a DMARC aggregate report: no 'feedback' "
		    "element");
	return 0;
}

int
parse_report(parse_read_fn read, void *ctx, const struct parse_handler *h,
    void *arg, struct report *rep, struct diag *d)
{
	struct parser p;
	xmlStructuredErrorFunc old_fn;
	void *old_ctx;
	int rc;

	memset(&p, 0, sizeof(p));
	p.read = read;
	p.ctx = ctx;
	p.h = h;
	p.arg = arg;
	p.rep = rep;
	p.d = d;
	buf_init(&p.text, MAX_LONG_TEXT);
	record_init(&p.rec);
	report_init(rep);

	/* the loader is process-wide and the same every time */
	xmlSetExternalEntityLoader(refuse_loader);
	/* errors raised before the reader's own handler is installed */
	old_fn = xmlStructuredError;
	old_ctx = xmlStructuredErrorContext;
	xmlSetStructuredErrorFunc(&p, xml_error);

	rc = parse_run(&p);

	xmlSetStructuredErrorFunc(old_ctx, old_fn);
	if (p.reader != NULL)
		xmlFreeTextReader(p.reader);
	record_release(&p.rec);
	buf_release(&p.text);
	if (rc == -1)
		report_release(rep);
	return rc;
}
