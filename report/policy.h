/*
 * The live DMARC policy of a domain: the RFC 9989 section 4.10 DNS tree
 * walk over TXT lookups (dns.h), the record parsed and validated
 * (dmarcrec.h), each lookup stored with its time in dmarc_lookup
 * (schema/004_dns.sql) so the policy history is visible later, and the
 * `policy DOMAIN` mode of dmarc-report rendering all of it as text or
 * JSON.  summary uses policy_current() to show the live policy beside
 * the policy receivers saw.
 *
 * Tree walk (RFC 9989 4.10): query _dmarc.DOMAIN; if that name holds no
 * single DMARC record, shorten DOMAIN to 7 labels if it has more, else
 * drop the leftmost label, and query again, dropping one label at a time
 * down to the single-label TLD: at most 8 queries.  All names of the walk
 * are queried in one concurrent batch, then read in walk order, so the
 * answer is the one a sequential walk gives.  The policy is the first
 * DMARC record met.  The organizational domain is found along the same
 * walk (RFC 9989 4.10.2): the first record with psd=n makes its own
 * domain the organizational domain; psd=y makes the name one label below
 * it (toward DOMAIN) the organizational domain; otherwise it is the
 * shortest name holding a record, or DOMAIN itself when none does.
 *
 * TXT records on the walk that receivers ignore (no v=DMARC1 first, a
 * missing ';', several DMARC records at one name, another kind of
 * record) are kept, up to MAX_POLICY_IGNORED, with the reason and, where
 * dmarcrec_explain() can infer it, the record receivers would use.  When
 * they are all the walk found the status is POLICY_INVALID, not
 * POLICY_NONE: something is published, and it is broken.
 *
 * Report destinations (RFC 7489 7.1, RFC 9990 3): every mailto: URI of
 * rua and ruf (up to MAX_REPORT_DESTS) whose host has another
 * organizational domain than the record's domain (lib/orgdomain.h, the
 * Public Suffix List) must be authorized by its owner with a TXT record
 * starting with v=DMARC1 at RECORD-DOMAIN._report._dmarc.HOST (a DNS
 * wildcard *._report._dmarc.HOST answers that query too); receivers
 * send no report to a destination without one.  Hosts in the same
 * organization need no query.
 */
#ifndef DMARC_POLICY_H
#define DMARC_POLICY_H

#include <stdint.h>
#include <stdio.h>

#include "buf.h"
#include "dmarcrec.h"
#include "dns.h"
#include "limits.h"
#include "rdb.h"

enum policy_status {
	POLICY_FOUND,		/* a DMARC record applies: raw, rec */
	POLICY_NONE,		/* no DMARC record anywhere on the walk */
	POLICY_INVALID,		/* TXT records on the walk, but none that
				   receivers use: ignored[] says why */
	POLICY_DNS_ERROR,	/* a query on the walk timed out or failed
				   before any record was met: unknown */
	POLICY_NOT_LOOKED_UP,	/* --no-dns and no stored lookup */
};

/* "found" "none" "invalid" "dns-error" "not-looked-up" */
const char *policy_status_name(enum policy_status);

/* a TXT record on the walk that receivers ignore */
struct policy_ignored {
	char		*name;		/* owned: _dmarc.NAME it was at */
	char		*raw;		/* owned: the record text */
	char		*why;		/* owned: "'v=DMARC1' is not the first
					   tag", ... */
	char		*fixed;		/* owned: the record to publish
					   instead, NULL if none inferred */
};

enum policy_dest_status {
	PDEST_INTERNAL,		/* same organizational domain: no check */
	PDEST_AUTHORIZED,	/* a v=DMARC1 TXT at qname */
	PDEST_NOT_AUTHORIZED,	/* none: receivers send no report there */
	PDEST_UNKNOWN,		/* the query timed out or failed */
	PDEST_NOT_CHECKED,	/* --no-dns, or not looked up */
};

/* "internal" "authorized" "not-authorized" "unknown" "not-checked" */
const char *policy_dest_status_name(enum policy_dest_status);

/* one rua or ruf destination of the record */
struct policy_dest {
	char		 tag[4];	/* "rua" or "ruf" */
	char		*uri;		/* owned: the URI as published */
	char		*host;		/* owned: its host, normalised */
	char		*qname;		/* owned: RECORD-DOMAIN._report._dmarc.
					   HOST; NULL if internal */
	enum policy_dest_status status;
};

/*
 * One lookup, live or read back from dmarc_lookup.  Everything owned;
 * release with policy_lookup_release (safe on a zeroed struct).
 */
struct policy_lookup {
	char			*domain;	/* as asked, normalised */
	int64_t			 looked_up_at;	/* epoch seconds */
	enum policy_status	 status;
	int			 rcode;		/* RCODE at _dmarc.DOMAIN, -1
						   if unknown */
	char			*record_domain;	/* DOMAIN or the ancestor the
						   record was found at; NULL
						   unless FOUND */
	char			*org_domain;	/* organizational domain; NULL
						   if unknown (DNS error) */
	char			*raw;		/* the record text; NULL unless
						   FOUND */
	struct dmarcrec		 rec;		/* parsed raw, plus the walk's
						   notes ("several-records",
						   "not-at-domain", ...) */
	int			 stored;	/* 1: read from the database */
	int64_t			 id;		/* dmarc_lookup.id, 0 if not
						   stored */
	/* live lookups answered (partly) from dns_cache: */
	int			 cached;	/* 1 if a walk answer was */
	int64_t			 answered_at;	/* oldest cached answer's
						   fetch time, epoch */
	int64_t			 expires_at;	/* first of them to expire */
	struct policy_ignored	 ignored[MAX_POLICY_IGNORED];
	size_t			 n_ignored;
	struct policy_dest	 dests[MAX_REPORT_DESTS];
	size_t			 n_dests;
};

void	policy_lookup_release(struct policy_lookup *);

/*
 * The policy that applies to mail from DOMAIN itself: rec.effective_p when
 * the record is at DOMAIN, else its sp (falling back to p).  UNSET unless
 * FOUND with a usable record.
 */
enum dmarcrec_p policy_applied(const struct policy_lookup *);

/*
 * Runs the tree walk for domain (which is normalised; a malformed domain
 * gives -1 and a message in err).  Fills *out (caller releases) and
 * returns 0; DNS trouble is a status, not an error.  Does not store.
 * With dns_offline(), answers come only from the cache (an uncached name
 * makes the result POLICY_NOT_LOOKED_UP).
 */
int	policy_lookup(struct dns *, const char *domain,
	    struct policy_lookup *out, char *err, size_t errlen);

/*
 * The destinations of pl (tag "rua" or "ruf"; NULL: both) that receivers
 * will not send reports to, one owned sentence each, in record order:
 *   "destination not authorized: publish `example.org._report._dmarc.
 *   thirdparty.test TXT "v=DMARC1"` (or `*._report._dmarc.thirdparty.test
 *   TXT "v=DMARC1"` for every domain): receivers send no aggregate report
 *   to mailto:reports@thirdparty.test"
 * The URI is untrusted: escape the sentence for its sink.  Caller frees
 * each string and the array; NULL with *n = 0 when there is none.
 */
char	**policy_unauthorized(const struct policy_lookup *, const char *tag,
	    size_t *n);

/*
 * Appends the lookup to dmarc_lookup through dns_db(); sets out->id.
 * Returns 0, or -1 when there is no writable handle (nothing stored; not
 * an error for the caller to report beyond dns.h's one-time note).
 */
int	policy_store(struct dns *, struct policy_lookup *);

/*
 * The latest stored lookup of domain in db (any handle, read-only is
 * fine).  Returns 1 and fills *out (stored = 1), 0 when there is none (or
 * the table does not exist), -1 on a database error (message in err).
 */
int	policy_latest(struct rdb *db, const char *domain,
	    struct policy_lookup *out, char *err, size_t errlen);

/*
 * For summary: the live policy of domain.  Online: policy_lookup plus
 * policy_store (so summary runs build the history too).  Offline
 * (--no-dns): policy_latest through dns_db(), or POLICY_NOT_LOOKED_UP.
 * Returns 0 with *out filled, -1 with a message in err (bad domain,
 * database error).
 */
int	policy_current(struct dns *, const char *domain,
	    struct policy_lookup *out, char *err, size_t errlen);

/*
 * Changes of the published record over time, oldest first: consecutive
 * lookups with the same status, record_domain and raw record collapse
 * into one entry.  At most MAX_POLICY_HISTORY entries (the newest).
 */
struct policy_change {
	char		*raw;		/* owned; NULL for no record */
	char		*record_domain;	/* owned; NULL for no record */
	enum policy_status status;
	int64_t		 first_seen;	/* epoch of the first lookup */
	int64_t		 last_seen;	/* epoch of the last lookup */
	unsigned long	 lookups;	/* lookups in this run */
};

/*
 * Reads the history of domain from db.  *changes (caller frees with
 * policy_history_free) and *n are set; both NULL/0 when there is none.
 * Returns 0 or -1 (message in err).
 */
int	policy_history(struct rdb *db, const char *domain,
	    struct policy_change **changes, size_t *n, char *err,
	    size_t errlen);
void	policy_history_free(struct policy_change *, size_t n);

/*
 * The policy printers of the text and JSON formats (format.h's table):
 * render one lookup and its history into b; every untrusted string goes
 * through escape_term (text) or escape_json (JSON).  Text: a block per
 * section (record, where found, parsed tags, report destinations, notes,
 * history); a lookup answered from the cache shows the answer's fetch
 * time and "(cached, N min left; --refresh asks again)", N rounded up.
 * JSON, one object followed by a newline:
 *   { "domain": S, "looked_up_at": N, "looked_up": "YYYY-MM-DDTHH:MM:SSZ",
 *     "source": "dns"|"cache"|"stored", "answered_at": N|null,
 *     "cache_seconds_left": N|null, "status": policy_status_name,
 *     "rcode": N|null, "record_domain": S|null, "org_domain": S|null,
 *     "record": S|null, "valid": B, "applied_policy": S|null,
 *     "tags": { "p": S|null, "sp": S|null, "np": S|null,
 *       "effective_p": S|null, "psd": S|null, "t": S|null,
 *       "adkim": S|null, "aspf": S|null, "rua": S|null, "ruf": S|null,
 *       "fo": S|null, "pct": N|null, "rf": S|null, "ri": S|null },
 *     "ignored_records": [ { "name": S, "record": S, "reason": S,
 *       "corrected": S|null } ],
 *     "destinations": [ { "tag": "rua"|"ruf", "uri": S, "host": S,
 *       "query": S|null, "status": policy_dest_status_name } ],
 *     "notes": [ { "severity": "error"|"warning"|"info", "code": S,
 *       "text": S } ],
 *     "history": [ { "status": S, "record_domain": S|null,
 *       "record": S|null, "first_seen": N, "last_seen": N,
 *       "lookups": N } ] }
 * S: JSON string, N: integer, B: true/false.  Returns 0, or -1 if b's
 * ceiling was reached.
 */
int	policy_render_text(struct buf *b, const struct policy_lookup *,
	    const struct policy_change *, size_t n_changes);
int	policy_render_json(struct buf *b, const struct policy_lookup *,
	    const struct policy_change *, size_t n_changes);

/*
 * Only the "tags"-level JSON object for one lookup (no history), for
 * summary's JSON: { "status", "record_domain", "record", "valid",
 * "applied_policy", "tags": {...}, "ignored_records": [...],
 * "destinations": [...], "notes": [...] } as above.
 */
int	policy_render_json_brief(struct buf *b, const struct policy_lookup *);

struct format;

struct policy_opts {
	const char		*domain;	/* the DOMAIN argument */
	struct dns_opts		 dns;		/* db_path, resolver, no_dns */
	const struct format	*format;	/* format.h: its policy printer */
};

/*
 * The `policy DOMAIN` mode: creates the resolver, looks the domain up
 * (online: live walk, stored; offline: the latest stored lookup), reads
 * the history, renders it to out.  Errors go to opts->dns.diag as
 * "dmarc-report: error: ...".  Returns 0 when a valid record applies
 * (no error note: an unauthorized rua destination is one), 1 when the
 * domain has no usable DMARC record (none, invalid, a record with an
 * error), 2 when the policy is unknown (DNS failure; offline with
 * nothing stored, after "no stored lookup of D: run without --no-dns")
 * or on errors (bad domain, database, write error).
 */
int	policy_run(const struct policy_opts *, FILE *out);

#endif
