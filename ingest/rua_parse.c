/*
 * The report grammar: XML bytes from a read callback in, a report model and
 * a stream of records out (see rua_parse.h).  libxml2's xmlTextReader does the
 * XML, configured for hostile input (no network, no DTD loading, no entity
 * substitution, a loader that refuses every external entity, any DOCTYPE
 * rejected); this file is a scope state machine over its nodes.  Elements
 * are matched by local name, only at their expected path and only in no
 * namespace or a DMARC one; everything else is skipped with a warning.
 * Singletons may occur once; leaf text is bounded, trimmed and checked
 * (rua_parse_leaf.c) before it enters the model.  Parsing only: no I/O
 * happens here.
 */
#include <stdarg.h>
#include <stdint.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlreader.h>

#include "buf.h"
#include "diag.h"
#include "limits.h"
#include "rua.h"
#include "rua_parse_int.h"
#include "utf8.h"
#include "xalloc.h"

#define NS_DMARC2	"urn:ietf:params:xml:ns:dmarc-2.0"
#define NS_DMARC01	"http://dmarc.org/dmarc-xml/0.1"
#define NS_DMARC02	"http://dmarc.org/dmarc-xml/0.2"

/* libxml2 stores a node's line in 16 bits and stops counting here */
#define NODE_LINE_MAX		65535

/* a date range longer than this (a day and an hour) is flagged */
#define RANGE_LONG_SECONDS	90000

#define DOCTYPE_MSG \
	"DOCTYPE not allowed in a report (external entities, billion laughs)"

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

int
parser_fail(struct parser *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_verror(p->d, fmt, ap);
	va_end(ap);
	p->failed = 1;
	return -1;
}

int
parser_line(const struct parser *p)
{
	xmlNodePtr n;

	if (p->reader == NULL)
		return 0;
	/*
	 * The parser runs ahead of the reader (by a chunk or more), so its
	 * line is not the node's: the node keeps the line it started on.
	 */
	n = xmlTextReaderCurrentNode(p->reader);
	if (n != NULL && n->line > 0 && n->line < NODE_LINE_MAX)
		return n->line;
	return xmlTextReaderGetParserLineNumber(p->reader);
}

/*
 * A short printable copy of untrusted text for an error message: control
 * bytes become '?', the cut falls on a UTF-8 boundary.
 */
const char *
parser_excerpt(const char *s, char out[EXCERPT_LEN + 4])
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
 * Looks at the prolog only (up to the end of the root's start tag) for
 * "<!" that does not open a comment: that is a DOCTYPE (or worse), and it
 * is refused before libxml2 sees the internal subset at all.  Other
 * encodings than ASCII-compatible ones are caught by the node-type check
 * instead.
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
				p->prolog = PRO_ROOT;
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
		case PRO_ROOT:
			/* a '>' inside an attribute value ends nothing */
			if (p->prolog_quote != '\0')
				p->prolog_quote = c == p->prolog_quote ?
				    '\0' : p->prolog_quote;
			else if (c == '"' || c == '\'')
				p->prolog_quote = c;
			else if (c == '>')
				p->prolog = PRO_DONE;
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
	if (n == 0)
		p->eof = 1;
	for (int i = 0; i < n && !p->nonblank; i++)
		if (!xml_blank(buf[i]))
			p->nonblank = 1;
	prolog_scan(p, buf, (size_t)n);
	return p->doctype ? -1 : n;
}

/* Whether no '>' follows the point of libxml2's error c. */
static int
xml_no_tag_after(const xmlParserCtxt *c)
{
	for (const xmlChar *q = c->input->cur; q < c->input->end; q++)
		if (*q == '>')
			return 0;
	return 1;
}

/*
 * Decides whether libxml2's error e means the input ended before the
 * root element closed: the read callback has said end, and libxml2 has
 * an element open or is before or inside the root's start tag, with no
 * '>' after the point of the error (a syntax error within the document
 * has more markup after it; a cut one has at most a piece of a tag).
 * "Extra content at the end of the document" before the epilog is only
 * ever raised at the end.  libxml2's wording ("Extra content ...",
 * "Couldn't find end of Start Tag") says the opposite of what happened.
 * The context's fields are public in libxml2 2.9 to 2.13.
 */
static void
xml_cut(struct parser *p, const xmlError *e)
{
	const xmlParserCtxt *c = e->ctxt;
	int end = e->code == XML_ERR_DOCUMENT_END;

	if (!p->eof || c == NULL ||
	    (e->domain != XML_FROM_PARSER && e->domain != XML_FROM_NAMESPACE) ||
	    c->input == NULL || c->input->cur == NULL ||
	    c->input->end == NULL)
		return;
	if (c->nameNr >= 1 && c->name != NULL) {
		if (!end && !xml_no_tag_after(c))
			return;
		parser_excerpt((const char *)c->name, p->cut_in);
	} else if (c->nameNr == 0 && p->prolog != PRO_DONE) {
		/*
		 * The input ended in the prolog or inside the root's start
		 * tag (the scanner never saw it end; once it has, no open
		 * element means the root closed).  Text that is no markup
		 * at all ("Document is empty") is not a cut.
		 */
		if (e->code == XML_ERR_DOCUMENT_EMPTY ||
		    (!end && !xml_no_tag_after(c)))
			return;
		p->cut_in[0] = '\0';
	} else
		return;
	p->cut = 1;
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
	xml_cut(p, e);
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

/* ---- containers ---- */

/* Checks the report before h->begin: its key fields must be there. */
static int
report_ready(struct parser *p, int at_record)
{
	static const struct {
		enum field	 f;
		const char	*what;
		int		 meta;	/* in report_metadata, else policy */
	} need[] = {
		{ F_ORG_NAME, "report_metadata lacks 'org_name'", 1 },
		{ F_EMAIL, "report_metadata lacks 'email'", 1 },
		{ F_REPORT_ID, "report_metadata lacks 'report_id'", 1 },
		{ F_RANGE, "report_metadata lacks 'date_range'", 1 },
		{ F_P_DOMAIN, "policy_published lacks 'domain'", 0 },
	};
	static const enum field req7489[] = { F_VERSION, F_SP, F_PCT, F_FO };
	uint64_t seen = p->seen_rep;

	if (at_record && !(seen & BIT(F_META)))
		return parser_fail(p, "'report_metadata' missing before the first "
		    "record: RFC 7489 appendix C and RFC 9990 require it "
		    "before the records: line %d", parser_line(p));
	if (at_record && !(seen & BIT(F_POLICY)))
		return parser_fail(p, "'policy_published' missing before the first "
		    "record: RFC 7489 appendix C and RFC 9990 require it "
		    "before the records: line %d", parser_line(p));
	if (!(seen & BIT(F_META)))
		return parser_fail(p, "report lacks 'report_metadata': line %d",
		    p->root_line);
	if (!(seen & BIT(F_POLICY)))
		return parser_fail(p, "report lacks 'policy_published': "
		    "line %d", p->root_line);
	for (size_t i = 0; i < sizeof(need) / sizeof(need[0]); i++)
		if (!(seen & BIT(need[i].f)))
			return parser_fail(p, "%s: line %d", need[i].what,
			    need[i].meta ? p->meta_line : p->policy_line);
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
		return parser_fail(p, "report stopped by its handler");
	return 0;
}

static int
range_end(struct parser *p)
{
	const struct report *rep = p->rep;

	if (!(p->seen_rep & BIT(F_BEGIN)))
		return parser_fail(p, "date_range lacks 'begin': line %d", parser_line(p));
	if (!(p->seen_rep & BIT(F_END)))
		return parser_fail(p, "date_range lacks 'end': line %d", parser_line(p));
	if (rep->end < rep->begin)
		return parser_fail(p, "date range ends before it begins: begin %lld, "
		    "end %lld: line %d", (long long)rep->begin,
		    (long long)rep->end, parser_line(p));
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
		return parser_fail(p, "too many records: more than %lu: "
		    "line %d", MAX_RECORDS, parser_line(p));
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
		return parser_fail(p, "record %zu lacks 'count': line %d",
		    rep->n_records + 1, parser_line(p));
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
		return parser_fail(p, "message total of the report overflows: "
		    "line %d", parser_line(p));
	rep->n_records++;
	rep->messages += r->count;
	if (p->h != NULL && p->h->record != NULL &&
	    p->h->record(p->arg, rep, r) == -1)
		return parser_fail(p, "report stopped by its record handler");
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
			return parser_fail(p, "record %zu: too many 'reason' "
			    "elements: more than %d: line %d", n, MAX_REASONS,
			    parser_line(p));
		r->reasons = xreallocarray(r->reasons, r->n_reasons + 1,
		    sizeof(*r->reasons));
		memset(&r->reasons[r->n_reasons++], 0, sizeof(*r->reasons));
	} else if (e->field == F_DKIM) {
		if (r->n_dkim >= MAX_DKIM_RESULTS)
			return parser_fail(p, "record %zu: too many 'dkim' results: "
			    "more than %d: line %d", n, MAX_DKIM_RESULTS,
			    parser_line(p));
		r->dkim = xreallocarray(r->dkim, r->n_dkim + 1,
		    sizeof(*r->dkim));
		memset(&r->dkim[r->n_dkim++], 0, sizeof(*r->dkim));
	} else {
		if (r->n_spf >= MAX_SPF_RESULTS)
			return parser_fail(p, "record %zu: too many 'spf' results: "
			    "more than %d: line %d", n, MAX_SPF_RESULTS,
			    parser_line(p));
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
			return parser_fail(p, "'%s' after the first record: RFC 7489 "
			    "appendix C and RFC 9990 require it before the "
			    "records: line %d", e->name, parser_line(p));
		if (e->field == F_META)
			p->meta_line = parser_line(p);
		else
			p->policy_line = parser_line(p);
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
		return parser_fail(p, "not a DMARC aggregate report: root element is "
		    "'%s': line %d", parser_excerpt(name, ex), parser_line(p));
	if (ns != NULL && *ns != '\0') {
		n = strlen(ns);
		if (n > MAX_SHORT_TEXT || !utf8_valid(ns, n))
			return parser_fail(p, "namespace of 'feedback' is not "
			    "acceptable: line %d", parser_line(p));
		p->rep->xmlns = xstrdup(ns);
		if (strcmp(ns, NS_DMARC2) == 0)
			p->rep->format = FORMAT_RFC9990;
	}
	p->seen_rep |= BIT(F_FEEDBACK);
	p->root_line = parser_line(p);
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
		return parser_fail(p, "elements nested too deep: more than %d levels: "
		    "line %d", MAX_XML_DEPTH, parser_line(p));
	if (name == NULL || empty == -1)
		return parser_fail(p, "XML reader failed: line %d", parser_line(p));
	if (p->skip > 0) {
		p->skip += !empty;
		return 0;
	}
	if (p->depth == 0) {
		if (p->seen_rep & BIT(F_FEEDBACK))
			return parser_fail(p, "second root element: line %d", parser_line(p));
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
			return parser_fail(p, "duplicate element '%s': line %d",
			    e->name, parser_line(p));
		*seen |= BIT(e->field);
		if (e->flags & E_SKIP) {
			p->skip = !empty;
			return 0;
		}
		if (e->flags & E_LEAF)
			leaf_text_start(p, e);
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
		return parser_fail(p, "XML reader failed: stray end tag: line %d",
		    parser_line(p));
	return elem_end(p, p->stack[--p->depth]);
}

static void
text_node(struct parser *p)
{
	const char *v = (const char *)xmlTextReaderConstValue(p->reader);

	if (p->skip > 0 || v == NULL)
		return;
	if (p->depth > 0 && (p->stack[p->depth - 1]->flags & E_LEAF)) {
		leaf_text_add(p, v);
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
		return parser_fail(p, DOCTYPE_MSG);
	default:
		return 0;	/* comments, processing instructions */
	}
}

/* Says why libxml2 (or the input under it) stopped the parse. */
static void
xml_fail(struct parser *p)
{
	if (p->doctype)
		parser_fail(p, DOCTYPE_MSG);
	else if (p->read_error)
		parser_fail(p, "cannot read the report: the input failed");
	else if (!p->nonblank)
		parser_fail(p, "not a DMARC aggregate report: empty document");
	else if (p->cut && p->cut_in[0] == '\0')
		parser_fail(p, "truncated: the document ends before its root "
		    "element opens: line %d", p->xml_line);
	else if (p->cut)
		parser_fail(p, "truncated: the document ends inside <%s>: "
		    "line %d", p->cut_in, p->xml_line);
	else if (p->xml_error)
		parser_fail(p, "not well-formed XML: line %d: %s", p->xml_line,
		    p->xml_msg);
	else
		parser_fail(p, "not well-formed XML: the reader stopped");
}

static int
parse_run(struct parser *p)
{
	int r;

	/*
	 * NOBLANKS: the indentation between elements never becomes a node
	 * (a leaf holding only blanks still does), 14% less parsing.
	 */
	p->reader = xmlReaderForIO(xml_read, NULL, p, NULL, NULL,
	    XML_PARSE_NONET | XML_PARSE_NOBLANKS);
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
		return parser_fail(p, "not a DMARC aggregate report: no 'feedback' "
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
