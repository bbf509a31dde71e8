/*
 * The SMTP TLS report parser (tlsrpt.h): JSON in through a read callback,
 * bounded in bytes and in the parser's memory, then the RFC 8460 4.4
 * structure read field by field into struct tlsrpt.  jansson builds the
 * document (reports are kilobytes; the caps keep a hostile one from
 * costing more than MAX_TLSRPT_MEMORY); one small function per object
 * of the schema reads it.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "datetime.h"
#include "domain.h"
#include "ipaddr.h"
#include "limits.h"
#include "tlsrpt.h"
#include "xalloc.h"

/* the input being read and how much of it */
struct feed {
	parse_read_fn	 read;
	void		*ctx;
	size_t		 total;
	int		 too_big;	/* more than MAX_TLSRPT_BYTES */
	int		 failed;	/* the read callback failed */
	int		 nul;		/* a NUL byte came: refused at the
					   edge, wherever it is */
};

/* jansson's allocations while a parse runs, capped */
static size_t	alloc_bytes;
static int	alloc_over;

/* RFC 8460 4.3 result types, and the policy types of 4.4 */
static const char *const result_types[] = {
	"starttls-not-supported", "certificate-host-mismatch",
	"certificate-expired", "certificate-not-trusted", "validation-failure",
	"tlsa-invalid", "dnssec-invalid", "dane-required",
	"sts-policy-fetch-error", "sts-policy-invalid", "sts-webpki-invalid",
};
static const char *const policy_types[] = { "sts", "tlsa", "no-policy-found" };

/* a size header in front of each block, so free knows what it gave back */
union hdr {
	size_t		 size;
	max_align_t	 align;
};

/* what a block of n bytes costs: ours, the header, malloc's own */
#define BLOCK_COST(n)	((n) + sizeof(union hdr) + 2 * sizeof(size_t))

static void *
capped_malloc(size_t n)
{
	union hdr *h;

	if (n > MAX_TLSRPT_MEMORY || BLOCK_COST(n) > MAX_TLSRPT_MEMORY -
	    alloc_bytes || (h = malloc(sizeof(*h) + n)) == NULL) {
		alloc_over = 1;
		return NULL;
	}
	h->size = n;
	alloc_bytes += BLOCK_COST(n);
	return h + 1;
}

static void
capped_free(void *p)
{
	union hdr *h;

	if (p == NULL)
		return;
	h = (union hdr *)p - 1;
	alloc_bytes -= BLOCK_COST(h->size);
	free(h);
}

static size_t
feed_read(void *buf, size_t len, void *arg)
{
	struct feed *f = arg;
	int n;

	if (len > 65536)
		len = 65536;
	if ((n = f->read(f->ctx, buf, (int)len)) < 0) {
		f->failed = 1;
		return (size_t)-1;
	}
	if (memchr(buf, '\0', (size_t)n) != NULL) {
		f->nul = 1;
		f->total += (size_t)((char *)memchr(buf, '\0', (size_t)n) -
		    (char *)buf);
		return (size_t)-1;
	}
	f->total += (size_t)n;
	if (f->total > MAX_TLSRPT_BYTES) {
		f->too_big = 1;
		return (size_t)-1;
	}
	return (size_t)n;
}

/* the static schema word equal to raw, or NULL */
static const char *
known(const char *raw, const char *const *words, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(raw, words[i]) == 0)
			return words[i];
	return NULL;
}

/* a capped copy of a JSON string; NULL if v is not a string */
static char *
text(json_t *v, struct diag *d)
{
	size_t n;

	if (!json_is_string(v))
		return NULL;
	if ((n = json_string_length(v)) > MAX_LONG_TEXT) {
		diag_warn(d, DIAG_TEXT_TRUNCATED);
		n = MAX_LONG_TEXT;
		/* do not cut inside a UTF-8 sequence */
		while (n > 0 && (json_string_value(v)[n] & 0xc0) == 0x80)
			n--;
	}
	return xstrndup(json_string_value(v), n);
}

/*
 * The string member key of o: a copy, or NULL.  A required member that
 * is absent or not a string is an error; an optional one absent is
 * counted as a missing field when warn is set.
 */
static int
member_text(json_t *o, const char *key, int required, int warn, char **out,
    struct diag *d)
{
	json_t *v = json_object_get(o, key);

	*out = NULL;
	/* "contact-info": null from small senders: absent, with a warning */
	if (v != NULL && json_is_null(v) && !required) {
		if (warn)
			diag_warn(d, DIAG_EMPTY_FIELD);
		return 0;
	}
	if (v != NULL && !json_is_string(v)) {
		diag_error(d, "TLS report: '%s' is not a string", key);
		return -1;
	}
	if (v == NULL || json_string_length(v) == 0) {
		if (required) {
			diag_error(d, "TLS report: '%s' is missing (RFC 8460 "
			    "4.4)", key);
			return -1;
		}
		if (warn)
			diag_warn(d, v == NULL ? DIAG_MISSING_FIELD :
			    DIAG_EMPTY_FIELD);
		return 0;
	}
	*out = text(v, d);
	return 0;
}

/* a session count: a JSON integer 0..MAX_RECORD_COUNT */
static int
member_count(json_t *o, const char *key, int64_t *out, struct diag *d)
{
	json_t *v = json_object_get(o, key);

	if (v == NULL) {
		diag_error(d, "TLS report: '%s' is missing (RFC 8460 4.4)",
		    key);
		return -1;
	}
	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    json_integer_value(v) > MAX_RECORD_COUNT) {
		diag_error(d, "TLS report: '%s' is not a session count", key);
		return -1;
	}
	*out = (int64_t)json_integer_value(v);
	return 0;
}

/* counts members of o outside the schema's list */
static void
unknown_members(json_t *o, const char *const *keys, size_t n,
    struct diag *d)
{
	const char *k;
	json_t *v;

	json_object_foreach(o, k, v) {
		size_t i = 0;

		while (i < n && strcmp(k, keys[i]) != 0)
			i++;
		if (i == n)
			diag_warn(d, DIAG_UNKNOWN_ELEMENT);
	}
}

/* an IP address member: canonical text, or the raw value with a warning */
static int
member_ip(json_t *o, const char *key, int warn_missing, char **out,
    struct diag *d)
{
	char canon[IPADDR_TEXT_LEN];

	if (member_text(o, key, 0, warn_missing, out, d) == -1)
		return -1;
	if (*out == NULL)
		return 0;
	if (ipaddr_normalize(*out, canon) == 0) {
		diag_warn(d, DIAG_BAD_SOURCE_IP);
		return 0;
	}
	free(*out);
	*out = xstrdup(canon);
	return 0;
}

static int
read_failure(json_t *o, struct tlsrpt_failure *f, struct diag *d)
{
	static const char *const keys[] = { "result-type", "sending-mta-ip",
	    "receiving-mx-hostname", "receiving-mx-helo", "receiving-ip",
	    "failed-session-count", "additional-information",
	    "failure-reason-code" };

	if (!json_is_object(o)) {
		diag_error(d, "TLS report: a failure-details entry is not an "
		    "object");
		return -1;
	}
	unknown_members(o, keys, sizeof(keys) / sizeof(keys[0]), d);
	if (member_text(o, "result-type", 1, 0, &f->result_raw, d) == -1 ||
	    member_ip(o, "sending-mta-ip", 1, &f->sending_mta_ip, d) == -1 ||
	    member_text(o, "receiving-mx-hostname", 0, 0,
	    &f->receiving_mx_hostname, d) == -1 ||
	    member_text(o, "receiving-mx-helo", 0, 0, &f->receiving_mx_helo,
	    d) == -1 ||
	    member_ip(o, "receiving-ip", 0, &f->receiving_ip, d) == -1 ||
	    member_count(o, "failed-session-count", &f->failed_sessions,
	    d) == -1 ||
	    member_text(o, "additional-information", 0, 0,
	    &f->additional_information, d) == -1 ||
	    member_text(o, "failure-reason-code", 0, 0,
	    &f->failure_reason_code, d) == -1)
		return -1;
	if ((f->result = known(f->result_raw, result_types,
	    sizeof(result_types) / sizeof(result_types[0]))) == NULL)
		diag_warn(d, DIAG_ENUM_UNKNOWN);
	if (f->receiving_mx_hostname != NULL &&
	    domain_normalize(f->receiving_mx_hostname) == -1)
		diag_warn(d, DIAG_BAD_DOMAIN);
	return 0;
}

/*
 * A list of strings (policy-string, mx-host) into *out: an array, or a
 * lone string with a warning.  At most max entries.
 */
static int
string_list(json_t *o, const char *key, size_t max, char ***out, size_t *n,
    struct diag *d)
{
	json_t *v = json_object_get(o, key), *e;
	size_t i;

	if (v == NULL)
		return 0;
	if (json_is_string(v)) {
		diag_warn(d, DIAG_MISNAMED_ELEMENT);
		*out = xmalloc(sizeof(**out));
		(*out)[(*n)++] = text(v, d);
		return 0;
	}
	if (!json_is_array(v) || json_array_size(v) > max) {
		diag_error(d, "TLS report: '%s' is not a list of at most %zu "
		    "strings", key, max);
		return -1;
	}
	*out = xreallocarray(NULL, json_array_size(v) + 1, sizeof(**out));
	json_array_foreach(v, i, e) {
		if (!json_is_string(e)) {
			diag_error(d, "TLS report: '%s' holds a non-string",
			    key);
			return -1;
		}
		(*out)[(*n)++] = text(e, d);
	}
	return 0;
}

/* "policy": the policy applied */
static int
read_policy_desc(json_t *o, struct tlsrpt_policy *p, struct diag *d)
{
	static const char *const keys[] = { "policy-type", "policy-string",
	    "policy-domain", "mx-host" };

	if (!json_is_object(o)) {
		diag_error(d, "TLS report: 'policy' is missing or not an "
		    "object");
		return -1;
	}
	unknown_members(o, keys, sizeof(keys) / sizeof(keys[0]), d);
	if (member_text(o, "policy-type", 1, 0, &p->type_raw, d) == -1 ||
	    member_text(o, "policy-domain", 1, 0, &p->domain, d) == -1 ||
	    string_list(o, "policy-string", MAX_TLSRPT_POLICY_LINES,
	    &p->policy_strings, &p->n_policy_strings, d) == -1 ||
	    string_list(o, "mx-host", MAX_TLSRPT_MX_HOSTS, &p->mx_hosts,
	    &p->n_mx_hosts, d) == -1)
		return -1;
	if ((p->type = known(p->type_raw, policy_types,
	    sizeof(policy_types) / sizeof(policy_types[0]))) == NULL)
		diag_warn(d, DIAG_ENUM_UNKNOWN);
	if (domain_normalize(p->domain) == -1)
		diag_warn(d, DIAG_BAD_DOMAIN);
	return 0;
}

/* one policies entry; *n_failures counts failure details so far */
static int
read_policy(json_t *o, struct tlsrpt_policy *p, size_t *n_failures,
    struct diag *d)
{
	static const char *const keys[] = { "policy", "summary",
	    "failure-details" };
	json_t *sum, *fd, *e;
	size_t i;

	if (!json_is_object(o)) {
		diag_error(d, "TLS report: a policies entry is not an object");
		return -1;
	}
	unknown_members(o, keys, sizeof(keys) / sizeof(keys[0]), d);
	if (read_policy_desc(json_object_get(o, "policy"), p, d) == -1)
		return -1;
	if (!json_is_object(sum = json_object_get(o, "summary"))) {
		diag_error(d, "TLS report: 'summary' is missing or not an "
		    "object");
		return -1;
	}
	if (member_count(sum, "total-successful-session-count",
	    &p->successful, d) == -1 ||
	    member_count(sum, "total-failure-session-count", &p->failed,
	    d) == -1)
		return -1;
	if ((fd = json_object_get(o, "failure-details")) == NULL)
		return 0;
	if (!json_is_array(fd)) {
		diag_error(d, "TLS report: 'failure-details' is not a list");
		return -1;
	}
	if (json_array_size(fd) > MAX_TLSRPT_FAILURES - *n_failures) {
		diag_error(d, "TLS report: more than %d failure-details "
		    "entries", MAX_TLSRPT_FAILURES);
		return -1;
	}
	*n_failures += json_array_size(fd);
	p->failures = xcalloc(json_array_size(fd) + 1, sizeof(*p->failures));
	json_array_foreach(fd, i, e) {
		if (read_failure(e, &p->failures[p->n_failures++], d) == -1)
			return -1;
	}
	return 0;
}

/* the report's top level */
static int
read_report(json_t *root, struct tlsrpt *rep, struct diag *d)
{
	static const char *const keys[] = { "organization-name",
	    "date-range", "contact-info", "report-id", "policies" };
	json_t *dr, *pol, *e;
	char *t;
	size_t i, n_failures = 0;

	if (!json_is_object(root)) {
		diag_error(d, "TLS report: the document is not a JSON object");
		return -1;
	}
	if (json_object_get(root, "organization-name") == NULL &&
	    json_object_get(root, "date-range") == NULL &&
	    json_object_get(root, "policies") == NULL &&
	    json_object_get(root, "report-id") == NULL) {
		diag_error(d, "not a report: JSON, but not an SMTP TLS report "
		    "(none of its keys, "
		    "RFC 8460 4.4)");
		return -1;
	}
	unknown_members(root, keys, sizeof(keys) / sizeof(keys[0]), d);
	if (member_text(root, "organization-name", 1, 0, &rep->org_name,
	    d) == -1 ||
	    member_text(root, "contact-info", 0, 1, &rep->contact_info,
	    d) == -1 ||
	    member_text(root, "report-id", 1, 0, &rep->report_id, d) == -1)
		return -1;
	if (!json_is_object(dr = json_object_get(root, "date-range"))) {
		diag_error(d, "TLS report: 'date-range' is missing or not an "
		    "object");
		return -1;
	}
	for (int k = 0; k < 2; k++) {
		const char *key = k ? "end-datetime" : "start-datetime";
		int frac = 0;

		if (member_text(dr, key, 1, 0, &t, d) == -1)
			return -1;
		if (datetime_rfc3339(t, k ? &rep->end : &rep->begin, &frac) == -1) {
			diag_error(d, "TLS report: '%s' is not an RFC 3339 "
			    "date-time", key);
			free(t);
			return -1;
		}
		if (frac)
			diag_warn(d, DIAG_FRACTIONAL_TIME);
		free(t);
	}
	if (rep->end < rep->begin) {
		diag_error(d, "TLS report: the date range ends before it "
		    "begins");
		return -1;
	}
	if (!json_is_array(pol = json_object_get(root, "policies")) ||
	    json_array_size(pol) > MAX_TLSRPT_POLICIES) {
		diag_error(d, "TLS report: 'policies' is missing or not a list "
		    "of at most %d entries", MAX_TLSRPT_POLICIES);
		return -1;
	}
	rep->policies = xcalloc(json_array_size(pol) + 1,
	    sizeof(*rep->policies));
	json_array_foreach(pol, i, e) {
		if (read_policy(e, &rep->policies[rep->n_policies++],
		    &n_failures, d) == -1)
			return -1;
	}
	return 0;
}

int
tlsrpt_parse(parse_read_fn read, void *ctx, struct tlsrpt *rep,
    struct diag *d)
{
	struct feed f = { read, ctx, 0, 0, 0, 0 };
	json_error_t jerr;
	json_t *root;
	int rc = -1;

	memset(rep, 0, sizeof(*rep));
	alloc_bytes = 0;
	alloc_over = 0;
	json_set_alloc_funcs(capped_malloc, capped_free);
	root = json_load_callback(feed_read, &f, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL) {
		if (f.too_big)
			diag_error(d, "TLS report: more than %lu bytes of JSON",
			    (unsigned long)MAX_TLSRPT_BYTES);
		else if (alloc_over)
			diag_error(d, "TLS report: the document needs more "
			    "than %lu bytes of memory to read",
			    (unsigned long)MAX_TLSRPT_MEMORY);
		else if (f.nul)
			diag_error(d, "TLS report: a NUL byte at offset %zu "
			    "(JSON text holds none)", f.total);
		else if (f.failed)
			diag_error(d, "TLS report: the input cannot be read");
		else if (json_error_code(&jerr) == json_error_invalid_utf8)
			diag_error(d, "TLS report: not valid JSON: invalid "
			    "UTF-8 at line %d (RFC 8259 8.1)", jerr.line);
		else
			diag_error(d, "TLS report: not valid JSON: %s at line "
			    "%d", jerr.text, jerr.line);
		goto out;
	}
	if (read_report(root, rep, d) == -1)
		goto out;
	rc = 0;
out:
	json_decref(root);
	if (rc == -1)
		tlsrpt_release(rep);
	return rc;
}

static void
free_list(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void
tlsrpt_release(struct tlsrpt *rep)
{
	if (rep == NULL)
		return;
	for (size_t i = 0; i < rep->n_policies; i++) {
		struct tlsrpt_policy *p = &rep->policies[i];

		free(p->type_raw);
		free(p->domain);
		free_list(p->policy_strings, p->n_policy_strings);
		free_list(p->mx_hosts, p->n_mx_hosts);
		for (size_t k = 0; k < p->n_failures; k++) {
			struct tlsrpt_failure *f = &p->failures[k];

			free(f->result_raw);
			free(f->sending_mta_ip);
			free(f->receiving_mx_hostname);
			free(f->receiving_mx_helo);
			free(f->receiving_ip);
			free(f->additional_information);
			free(f->failure_reason_code);
		}
		free(p->failures);
	}
	free(rep->policies);
	free(rep->org_name);
	free(rep->contact_info);
	free(rep->report_id);
	memset(rep, 0, sizeof(*rep));
}

/* 1 if s[0..n) contains the string key */
static int
contains(const char *s, size_t n, const char *key)
{
	size_t k = strlen(key);

	for (size_t i = 0; i + k <= n; i++)
		if (s[i] == key[0] && memcmp(s + i, key, k) == 0)
			return 1;
	return 0;
}

int
tlsrpt_sniff(const char *buf, size_t len)
{
	static const char *const keys[] = { "\"organization-name\"",
	    "\"date-range\"", "\"policies\"", "\"report-id\"" };
	size_t i = 0;

	if (len > MAX_TLSRPT_SNIFF)
		len = MAX_TLSRPT_SNIFF;
	while (i < len && strchr(" \t\r\n", buf[i]) != NULL && buf[i] != '\0')
		i++;
	if (i == len || buf[i] != '{')
		return 0;
	for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
		if (contains(buf + i, len - i, keys[k]))
			return 1;
	return 0;
}
