/*
 * DMARC record parser and validator (RFC 9989 section 4.7 tags, the
 * section 4.10 record selection rule) and the postmaster's notes on a
 * record.  Pure string work: the record comes from DNS (hostile), so
 * every fragment quoted into a note is capped, and nothing here reads
 * past the terminating NUL.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "dmarcrec.h"
#include "num.h"
#include "recnote.h"
#include "xalloc.h"

/* a tag name longer than this is a syntax error, not a tag */
#define TAG_NAME_MAX	32
/* tags of an ignored record dmarcrec_explain() rebuilds; 14 are known */
#define LOOSE_TAGS_MAX	32

struct tag {
	const char	*name;	/* start of the tag name in the record */
	size_t		 nlen;
	const char	*val;	/* start of the value (trimmed) */
	size_t		 vlen;
	size_t		 off;	/* byte offset of the tag in the record */
};

static const char *const p_names[] = {
	NULL, "none", "quarantine", "reject"
};

const char *
dmarcrec_p_name(enum dmarcrec_p p)
{
	if ((size_t)p >= sizeof(p_names) / sizeof(p_names[0]))
		return NULL;
	return p_names[p];
}

const char *
dmarcrec_sev_name(enum dmarcrec_sev s)
{
	switch (s) {
	case DMARCREC_ERROR:
		return "error";
	case DMARCREC_WARNING:
		return "warning";
	default:
		return "info";
	}
}

void
dmarcrec_note(struct dmarcrec *rec, enum dmarcrec_sev sev, const char *code,
    const char *fmt, ...)
{
	struct dmarcrec_note *n;
	va_list ap;
	char text[1024];

	if (rec->n_notes >= MAX_DMARCREC_NOTES) {
		rec->notes_dropped = 1;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	n = &rec->notes[rec->n_notes++];
	n->sev = sev;
	snprintf(n->code, sizeof(n->code), "%s", code);
	n->text = xstrdup(text);
	if (sev == DMARCREC_ERROR)
		rec->valid = 0;
}

void
dmarcrec_release(struct dmarcrec *rec)
{
	if (rec == NULL)
		return;
	for (size_t i = 0; i < rec->n_notes; i++)
		free(rec->notes[i].text);
	free(rec->rua);
	free(rec->ruf);
	free(rec->fo);
	free(rec->rf);
	free(rec->ri);
	memset(rec, 0, sizeof(*rec));
	rec->pct = -1;
}

static int
is_wsp(char c)
{
	return c == ' ' || c == '\t';
}

static int
tag_is(const struct tag *t, const char *name)
{
	return t->nlen == strlen(name) &&
	    strncasecmp(t->name, name, t->nlen) == 0;
}

static int
val_is(const struct tag *t, const char *word)
{
	return t->vlen == strlen(word) &&
	    strncasecmp(t->val, word, t->vlen) == 0;
}

/*
 * Splits the segment s[0..n) (between separators) at offset off into a
 * tag.  Returns 0, or -1 after noting the syntax error.
 */
static int
split_tag(struct dmarcrec *rec, const char *s, size_t n, size_t off,
    struct tag *t)
{
	const char *eq, *end = s + n;
	char q[RECNOTE_QUOTE_MAX + 4];
	size_t i;

	while (s < end && is_wsp(*s))
		s++, off++;
	while (end > s && is_wsp(end[-1]))
		end--;
	recnote_quote(q, s, (size_t)(end - s));
	if ((eq = memchr(s, '=', (size_t)(end - s))) == NULL) {
		dmarcrec_note(rec, DMARCREC_ERROR, "syntax", "syntax error at "
		    "offset %zu: '%s' is not tag=value", off, q);
		return -1;
	}
	t->name = s;
	for (t->nlen = (size_t)(eq - s); t->nlen > 0 &&
	    is_wsp(s[t->nlen - 1]); t->nlen--)
		;
	for (i = 0; i < t->nlen; i++)
		if (!(s[i] >= 'a' && s[i] <= 'z') &&
		    !(s[i] >= 'A' && s[i] <= 'Z') &&
		    !(i > 0 && ((s[i] >= '0' && s[i] <= '9') || s[i] == '_')))
			break;
	if (t->nlen == 0 || i < t->nlen || t->nlen > TAG_NAME_MAX) {
		dmarcrec_note(rec, DMARCREC_ERROR, "syntax", "syntax error at "
		    "offset %zu: bad tag name in '%s'", off, q);
		return -1;
	}
	for (t->val = eq + 1; t->val < end && is_wsp(*t->val); t->val++)
		;
	t->vlen = (size_t)(end - t->val);
	t->off = off;
	return 0;
}

static void
bad_value(struct dmarcrec *rec, const struct tag *t, const char *allowed)
{
	char q[RECNOTE_QUOTE_MAX + 4], name[TAG_NAME_MAX + 1];

	recnote_quote(q, t->val, t->vlen);
	memcpy(name, t->name, t->nlen);
	name[t->nlen] = '\0';
	dmarcrec_note(rec, DMARCREC_ERROR, "bad-value", "invalid value '%s' "
	    "for tag '%s' at offset %zu: expected %s", q, name, t->off,
	    allowed);
}

static void
parse_p(struct dmarcrec *rec, const struct tag *t, enum dmarcrec_p *p)
{
	if (val_is(t, "none"))
		*p = DMARCREC_P_NONE;
	else if (val_is(t, "quarantine"))
		*p = DMARCREC_P_QUARANTINE;
	else if (val_is(t, "reject"))
		*p = DMARCREC_P_REJECT;
	else
		bad_value(rec, t, "none, quarantine or reject");
}

/* one-letter keyword among chars (lower case); stored lower case */
static void
parse_letter(struct dmarcrec *rec, const struct tag *t, const char *chars,
    const char *allowed, char *out)
{
	char c = t->vlen == 1 ? (char)(t->val[0] | 0x20) : 0;

	if (c != 0 && strchr(chars, c) != NULL)
		*out = c;
	else
		bad_value(rec, t, allowed);
}

/* fo: a colon-separated list of 0 1 d s */
static void
parse_fo(struct dmarcrec *rec, const struct tag *t)
{
	size_t i;
	int want_opt = 1;

	for (i = 0; i < t->vlen; i++) {
		char c = (char)(t->val[i] | 0x20);

		if (want_opt && strchr("01ds", c) != NULL && c != 0)
			want_opt = 0;
		else if (!want_opt && t->val[i] == ':')
			want_opt = 1;
		else if (!is_wsp(t->val[i]))
			break;
	}
	if (i < t->vlen || want_opt)
		bad_value(rec, t, "a colon-separated list of 0, 1, d, s");
	else
		rec->fo = xstrndup(t->val, t->vlen);
}

/*
 * rua/ruf: comma-separated URIs.  Returns the number of usable ones
 * (mailto: with an '@'); notes malformed and unusual ones.
 */
static int
check_uris(struct dmarcrec *rec, const char *tag, const char *v)
{
	char *copy = xstrdup(v), *u, *next, q[RECNOTE_QUOTE_MAX + 4];
	int good = 0;

	for (u = copy; u != NULL; u = next) {
		char *bang, *colon;

		if ((next = strchr(u, ',')) != NULL)
			*next++ = '\0';
		while (is_wsp(*u))
			u++;
		for (size_t l = strlen(u); l > 0 && is_wsp(u[l - 1]); l--)
			u[l - 1] = '\0';
		recnote_quote(q, u, strlen(u));
		if ((bang = strchr(u, '!')) != NULL) {
			dmarcrec_note(rec, DMARCREC_INFO, "bad-uri", "%s: size "
			    "limit in '%s' is obsolete: RFC 9989 receivers "
			    "ignore it", tag, q);
			*bang = '\0';
		}
		colon = strchr(u, ':');
		if (colon == NULL || colon == u)
			dmarcrec_note(rec, DMARCREC_ERROR, "bad-uri", "%s: "
			    "'%s' is not a URI", tag, q);
		else if (strncasecmp(u, "mailto:", 7) != 0)
			dmarcrec_note(rec, DMARCREC_WARNING, "bad-uri", "%s: "
			    "'%s' is not a mailto: URI; receivers send "
			    "reports by mail only", tag, q);
		else if (strchr(u + 7, '@') == NULL || u[7] == '@')
			dmarcrec_note(rec, DMARCREC_ERROR, "bad-uri", "%s: "
			    "'%s' has no valid address", tag, q);
		else
			good++;
	}
	free(copy);
	return good;
}

static void
parse_pct(struct dmarcrec *rec, const struct tag *t)
{
	char v[8];
	int64_t n;

	if (t->vlen == 0 || t->vlen >= sizeof(v)) {
		bad_value(rec, t, "an integer 0..100");
		return;
	}
	memcpy(v, t->val, t->vlen);
	v[t->vlen] = '\0';
	if (num_i64(v, 0, 100, &n) == -1)
		bad_value(rec, t, "an integer 0..100");
	else
		rec->pct = (int)n;
}

static void
legacy(struct dmarcrec *rec, const struct tag *t, char **slot)
{
	char name[TAG_NAME_MAX + 1];

	memcpy(name, t->name, t->nlen);
	name[t->nlen] = '\0';
	dmarcrec_note(rec, DMARCREC_WARNING, "removed-tag", "tag '%s' was "
	    "removed by RFC 9989: RFC 9989 receivers ignore it", name);
	if (slot != NULL)
		*slot = xstrndup(t->val, t->vlen);
}

/* one tag after v=; seen[] catches duplicates */
static void
apply_tag(struct dmarcrec *rec, const struct tag *t, unsigned *seen)
{
	static const char *const known[] = { "p", "sp", "np", "psd", "t",
	    "adkim", "aspf", "rua", "ruf", "fo", "pct", "rf", "ri", "v" };
	char name[TAG_NAME_MAX + 1];
	size_t k;

	for (k = 0; k < sizeof(known) / sizeof(known[0]); k++)
		if (tag_is(t, known[k]))
			break;
	memcpy(name, t->name, t->nlen);
	name[t->nlen] = '\0';
	if (k == sizeof(known) / sizeof(known[0])) {
		dmarcrec_note(rec, DMARCREC_INFO, "unknown-tag", "unknown tag "
		    "'%s' at offset %zu ignored", name, t->off);
		return;
	}
	if (*seen & (1U << k)) {
		dmarcrec_note(rec, DMARCREC_ERROR, "duplicate-tag", "tag '%s' "
		    "appears more than once (offset %zu); the first is used",
		    name, t->off);
		return;
	}
	*seen |= 1U << k;
	switch (k) {
	case 0: parse_p(rec, t, &rec->p); break;
	case 1: parse_p(rec, t, &rec->sp); break;
	case 2: parse_p(rec, t, &rec->np); break;
	case 3: parse_letter(rec, t, "ynu", "y, n or u", &rec->psd); break;
	case 4: parse_letter(rec, t, "yn", "y or n", &rec->t); break;
	case 5: parse_letter(rec, t, "rs", "r or s", &rec->adkim); break;
	case 6: parse_letter(rec, t, "rs", "r or s", &rec->aspf); break;
	case 7: rec->rua = xstrndup(t->val, t->vlen); break;
	case 8: rec->ruf = xstrndup(t->val, t->vlen); break;
	case 9: parse_fo(rec, t); break;
	case 10: legacy(rec, t, NULL); parse_pct(rec, t); break;
	case 11: legacy(rec, t, &rec->rf); break;
	case 12: legacy(rec, t, &rec->ri); break;
	default:
		dmarcrec_note(rec, DMARCREC_ERROR, "duplicate-tag", "tag 'v' "
		    "at offset %zu: v may appear only first", t->off);
	}
}

/*
 * 1 if s starts with the version tag: "v" WSP* "=" WSP* "DMARC1" WSP*,
 * then ';' or the end (RFC 9989 4.7: the value must match exactly)
 */
static int
starts_dmarc(const char *s)
{
	if (*s != 'v' && *s != 'V')
		return 0;
	for (s++; is_wsp(*s); s++)
		;
	if (*s++ != '=')
		return 0;
	for (; is_wsp(*s); s++)
		;
	if (strncmp(s, "DMARC1", 6) != 0)
		return 0;
	for (s += 6; is_wsp(*s); s++)
		;
	return *s == '\0' || *s == ';';
}

int
dmarcrec_is_dmarc(const char *txt)
{
	return starts_dmarc(txt);
}

/* ------------------------------------------------------------------ */
/* records receivers ignore                                           */

/* one tag=value pair of a record that is not quite DMARC */
struct loose_tag {
	const char	*name;
	size_t		 nlen;
	const char	*val;
	size_t		 vlen;
};

static int
is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/*
 * The length of a tag name at s that WSP* '=' follows (*after: past the
 * '='), or 0 when s does not start a tag.
 */
static size_t
name_eq(const char *s, const char **after)
{
	const char *p;
	size_t n = 0;

	if (!is_alpha(s[0]))
		return 0;
	while (is_alpha(s[n]) || (s[n] >= '0' && s[n] <= '9') || s[n] == '_')
		n++;
	for (p = s + n; is_wsp(*p); p++)
		;
	if (*p != '=' || n > TAG_NAME_MAX)
		return 0;
	*after = p + 1;
	return n;
}

/*
 * The end of the value starting at v: a ';', the end, or whitespace
 * before another "name=" (the missing ';' of "v=DMARC1 p=reject").
 */
static const char *
loose_value_end(const char *v)
{
	const char *e = v, *q, *after;

	while (*e != '\0' && *e != ';') {
		if (!is_wsp(*e)) {
			e++;
			continue;
		}
		for (q = e; is_wsp(*q); q++)
			;
		if (name_eq(q, &after) > 0)
			break;
		e = q;
	}
	return e;
}

/* splits txt into tag=value pairs; -1 if some part is not one */
static int
loose_split(const char *txt, struct loose_tag *t, size_t *n)
{
	const char *s = txt, *after, *e;

	for (*n = 0;; (*n)++) {
		while (is_wsp(*s) || *s == ';')
			s++;
		if (*s == '\0')
			return 0;
		if (*n == LOOSE_TAGS_MAX || (t[*n].nlen = name_eq(s,
		    &after)) == 0)
			return -1;
		t[*n].name = s;
		while (is_wsp(*after))
			after++;
		e = loose_value_end(after);
		t[*n].val = after;
		for (t[*n].vlen = (size_t)(e - after); t[*n].vlen > 0 &&
		    is_wsp(after[t[*n].vlen - 1]); t[*n].vlen--)
			;
		s = e;
	}
}

/* the record with v=DMARC1 first and ';' between the tags (owned) */
static char *
loose_rebuild(const char *txt, const struct loose_tag *t, size_t n,
    size_t vi)
{
	struct buf b;

	buf_init(&b, strlen(txt) + 2 * LOOSE_TAGS_MAX + 16);
	buf_adds(&b, "v=DMARC1");
	for (size_t i = 0; i < n; i++) {
		if (i == vi)
			continue;
		buf_adds(&b, "; ");
		buf_add(&b, t[i].name, t[i].nlen);
		buf_addc(&b, '=');
		buf_add(&b, t[i].val, t[i].vlen);
	}
	return buf_detach(&b, NULL);
}

char *
dmarcrec_explain(const char *txt, char *why, size_t whylen)
{
	struct loose_tag t[LOOSE_TAGS_MAX];
	const char *s = txt;
	size_t n = 0, vi = 0;
	int split = loose_split(txt, t, &n) == 0;

	while (is_wsp(*s))
		s++;
	for (; split && vi < n; vi++)
		if (t[vi].nlen == 1 && (t[vi].name[0] | 0x20) == 'v')
			break;
	if (strncasecmp(s, "v=spf1", 6) == 0 || (split && vi < n &&
	    t[vi].vlen >= 4 && strncasecmp(t[vi].val, "spf1", 4) == 0)) {
		snprintf(why, whylen, "it is an SPF record: SPF belongs in a "
		    "TXT record at the domain itself, not at _dmarc");
		return NULL;
	}
	if (!split || vi == n) {
		snprintf(why, whylen, "it does not start with 'v=DMARC1'");
		return NULL;
	}
	if (t[vi].vlen != 6 || strncasecmp(t[vi].val, "DMARC1", 6) != 0) {
		snprintf(why, whylen, "its version is not DMARC1");
		return NULL;
	}
	if (vi > 0)
		snprintf(why, whylen, "'v=DMARC1' is not the first tag");
	else if (strncmp(t[vi].val, "DMARC1", 6) != 0)
		snprintf(why, whylen, "the version must be 'DMARC1' in upper "
		    "case");
	else
		snprintf(why, whylen, "'v=DMARC1' is not followed by ';' "
		    "(tags are separated by semicolons)");
	return loose_rebuild(txt, t, n, vi);
}

/* the first tag must be v=DMARC1 */
static int
check_version(struct dmarcrec *rec, const char *txt, size_t n)
{
	char q[RECNOTE_QUOTE_MAX + 4];

	if (starts_dmarc(txt))
		return 0;
	recnote_quote(q, txt, n);
	dmarcrec_note(rec, DMARCREC_ERROR, "not-dmarc", "not a DMARC record: "
	    "it must start with 'v=DMARC1;', not '%s'", q);
	return -1;
}

/* the postmaster's notes on a syntactically parsed record */
static void
judge(struct dmarcrec *rec, int good_rua)
{
	if (rec->p != DMARCREC_P_UNSET)
		rec->effective_p = rec->p;
	else if (good_rua > 0)
		rec->effective_p = DMARCREC_P_NONE;
	if (rec->rua == NULL)
		dmarcrec_note(rec, DMARCREC_WARNING, "no-rua", "no rua tag: "
		    "no aggregate reports will be sent, so this tool will see "
		    "no data for the domain");
	else if (good_rua == 0)
		dmarcrec_note(rec, DMARCREC_WARNING, "no-rua", "rua holds no "
		    "usable mailto: address: no aggregate reports will be "
		    "sent");
	if (rec->effective_p == DMARCREC_P_NONE)
		dmarcrec_note(rec, DMARCREC_WARNING, "p-none", "p=none: "
		    "monitoring only, receivers take no action on failing "
		    "mail");
	if (rec->sp != DMARCREC_P_UNSET && rec->sp < rec->effective_p)
		dmarcrec_note(rec, DMARCREC_WARNING, "sp-weaker", "sp=%s is "
		    "weaker than p=%s: subdomains are less protected",
		    dmarcrec_p_name(rec->sp),
		    dmarcrec_p_name(rec->effective_p));
	if (rec->np != DMARCREC_P_UNSET && rec->np < rec->effective_p)
		dmarcrec_note(rec, DMARCREC_WARNING, "np-weaker", "np=%s is "
		    "weaker than p=%s: non-existent subdomains can be spoofed "
		    "more easily", dmarcrec_p_name(rec->np),
		    dmarcrec_p_name(rec->effective_p));
	if (rec->pct >= 0 && rec->pct < 100)
		dmarcrec_note(rec, DMARCREC_WARNING, "pct-partial", "pct=%d: "
		    "RFC 7489 receivers apply the policy to %d%% of failing "
		    "mail (the rest one step lower); RFC 9989 receivers ignore "
		    "pct (use t=y for a testing phase)", rec->pct, rec->pct);
	if (rec->t == 'y')
		dmarcrec_note(rec, DMARCREC_WARNING, "testing", "t=y: testing "
		    "mode, receivers apply one step less than p "
		    "(quarantine as none, reject as quarantine)");
}

/* after v=: every segment is a tag; notes missing p */
static void
parse_tags(struct dmarcrec *rec, const char *txt, const char *s)
{
	unsigned seen = 0;
	struct tag t;
	int good_rua = 0;

	while (*s != '\0') {
		const char *semi = strchr(s, ';');
		size_t n = semi != NULL ? (size_t)(semi - s) : strlen(s);
		size_t k;

		for (k = 0; k < n && is_wsp(s[k]); k++)
			;
		if (k == n && semi != NULL && semi[1] != '\0')
			dmarcrec_note(rec, DMARCREC_WARNING, "syntax", "empty "
			    "tag at offset %zu (two ';' in a row)",
			    (size_t)(s - txt));
		else if (k < n && split_tag(rec, s, n, (size_t)(s - txt),
		    &t) == 0)
			apply_tag(rec, &t, &seen);
		s += n + (semi != NULL);
	}
	if (rec->rua != NULL)
		good_rua = check_uris(rec, "rua", rec->rua);
	if (rec->ruf != NULL)
		check_uris(rec, "ruf", rec->ruf);
	if (!(seen & 1U) && good_rua > 0)
		dmarcrec_note(rec, DMARCREC_WARNING, "missing-p", "no p tag: "
		    "RFC 9989 receivers act as if p=none, RFC 7489 receivers "
		    "ignore the record");
	else if (rec->p == DMARCREC_P_UNSET && good_rua == 0)
		dmarcrec_note(rec, DMARCREC_ERROR, "missing-p", "no valid p "
		    "tag and no valid rua: receivers ignore the record");
	judge(rec, good_rua);
}

int
dmarcrec_parse(const char *txt, struct dmarcrec *rec)
{
	const char *semi;
	size_t n;

	memset(rec, 0, sizeof(*rec));
	rec->pct = -1;
	semi = strchr(txt, ';');
	n = semi != NULL ? (size_t)(semi - txt) : strlen(txt);
	if (check_version(rec, txt, strlen(txt)) == -1)
		return -1;
	rec->is_dmarc = 1;
	rec->valid = 1;
	parse_tags(rec, txt, semi != NULL ? semi + 1 : txt + n);
	return rec->valid ? 0 : -1;
}

int
dmarcrec_select(char *const *txts, size_t n)
{
	int found = -1;

	for (size_t i = 0; i < n; i++) {
		if (!starts_dmarc(txts[i]))
			continue;
		if (found != -1)
			return -2;
		found = (int)i;
	}
	return found;
}
