/*
 * Leaf values of a report: the text of each leaf element is collected
 * (bounded, trimmed), checked by a strict parser for its kind (number,
 * timestamp, IP address, domain, enumerated word, free text) and stored
 * in the report or the current record, with a named warning for every
 * quirk tolerated on the way (enum case and aliases, padding, missing or
 * odd values; QUIRKS.md part B).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "diag.h"
#include "domain.h"
#include "idna.h"
#include "ipaddr.h"
#include "limits.h"
#include "rua.h"
#include "num.h"
#include "rua_parse_int.h"
#include "utf8.h"
#include "xalloc.h"

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

/* ---- leaf text ---- */

void
leaf_text_start(struct parser *p, const struct elem *e)
{
	buf_reset(&p->text);
	p->limit = e->flags & E_LONG ? MAX_LONG_TEXT : MAX_SHORT_TEXT;
	p->truncated = 0;
	p->padded = 0;
}

/* Appends a text node, leading blanks dropped, cut at the leaf's limit. */
void
leaf_text_add(struct parser *p, const char *s)
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
		return parser_fail(p, "invalid UTF-8 in '%s': line %d", e->name,
		    parser_line(p));
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 && !xml_blank(s[i]))
			return parser_fail(p, "control character in '%s': line %d",
			    e->name, parser_line(p));
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

/*
 * A domain: kept in A-label form (lib/idna.h), the U-label form in
 * *unicode when the report gave one.  A name that is no valid IDN is kept
 * lower-cased as received and counted as invalid-idn.
 */
static void
set_domain(struct parser *p, char **dst, char **unicode, char *s)
{
	char a[MAX_DOMAIN_LEN + 2];
	enum idna_form form;

	set_opt(p, dst, s);
	free(*unicode);
	*unicode = NULL;
	if (s == NULL)
		return;
	if ((form = idna_to_alabels(s, a, NULL)) == IDNA_INVALID) {
		domain_normalize(s);
		diag_warn(p->d, DIAG_BAD_IDN);
		return;
	}
	if (form == IDNA_ULABELS) {
		*unicode = idna_to_ulabels(a);
		if (*unicode != NULL)
			domain_normalize(*unicode);
		free(s);
		*dst = xstrdup(a);
	}
	if (domain_normalize(*dst) == -1)
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
		parser_fail(p, "date_range: %s '%s' is not a timestamp: line %d",
		    e->name, parser_excerpt(s, ex), parser_line(p));
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
	else if (p->truncated || num_xsd(s, 0, 100, &v) == -1)
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
	    num_xsd(s, 0, MAX_RECORD_COUNT, &p->rec.count) == -1) {
		parser_fail(p, "record %zu: count '%s' is not a number of messages: "
		    "line %d", p->rep->n_records + 1, parser_excerpt(s, ex), parser_line(p));
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
		return parser_fail(p, "report_metadata: '%s' is empty: line %d",
		    e->name, parser_line(p));
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
		return parser_fail(p, "too many 'error' elements: more than "
		    "%d: line %d", MAX_REPORT_ERRORS, parser_line(p));
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
			return parser_fail(p, "policy_published: 'domain' is empty: "
			    "line %d", parser_line(p));
		set_domain(p, &pol->domain, &pol->domain_unicode, s);
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
		set_domain(p, &dk->domain, &dk->domain_unicode, s);
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
		set_domain(p, &sp->domain, &sp->domain_unicode, s);
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
		set_domain(p, &r->header_from, &r->header_from_unicode,
		    s);
		break;
	default:
		leaf_auth(p, e, s);
		break;
	}
	return 0;
}

/* The leaf e just closed: store its value where it belongs. */
int
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
