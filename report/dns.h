/*
 * DNS for dmarc-report: concurrent TXT and PTR lookups through c-ares,
 * with timeouts, and a cache of every answer (positive or negative) in
 * the database's dns_cache table (schema/004_dns.sql, 005_policy.sql),
 * kept for the answer's TTL and keyed by the resolver that gave it: the
 * system resolver ("system") or the --resolver address, so one
 * resolver's answer, above all a negative one, is never given as
 * another's.  A struct dns is one resolver channel plus the cache
 * handle; queries are run in batches: queue any number of names, run
 * until each is answered or timed out.
 *
 * Online, a fresh cache entry of the same resolver answers without a
 * packet, unless opts->refresh is set: then every name is asked again
 * (and the answer cached).  dns_opts_refresh() is the rule the command
 * line follows: --refresh, or an explicit --resolver (whoever names a
 * server wants its answer now, not a cached one).
 *
 * The report data is read through a read-only handle; the cache needs
 * writes, so dns_new() opens its own handle on the same file with
 * RDB_CACHE (rdb.h, schema/db.h DB_CACHE: read-write, but never creating
 * or migrating the database), the only one dmarc-report writes through:
 * dns_cache (dns_cache.c) and dmarc_lookup (policy_store.c).
 * If the database cannot be written, lookups still work, nothing is
 * cached, and one note says so on opts->diag.  With opts->no_dns set no
 * packet is ever sent: answers come from the cache (even expired ones,
 * since an offline user wants the last known answer, from whichever
 * resolver answered last) or are DNS_NOT_LOOKED_UP.
 *
 * DNS answers are untrusted input: every name and TXT string is bounded
 * (MAX_DNS_* below), NUL bytes and invalid UTF-8 in TXT data are replaced
 * by U+FFFD, and PTR names that are not sane host names are discarded.
 */
#ifndef DMARC_DNS_H
#define DMARC_DNS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <ares.h>

#include "limits.h"
#include "rdb.h"

/* default timeout of one try, and tries per query */
#define DNS_DEFAULT_TIMEOUT_MS	2000
#define DNS_DEFAULT_TRIES	2
/* TTL kept for a negative answer without SOA (the ceiling: MAX_DNS_TTL) */
#define DNS_NEGATIVE_TTL	300

enum dns_qtype {
	DNS_TXT,
	DNS_PTR,
};

enum dns_status {
	DNS_PENDING,		/* queued, not answered yet */
	DNS_OK,			/* one or more records: rrs[] */
	DNS_NODATA,		/* the name exists, no record of this type */
	DNS_NXDOMAIN,		/* the name does not exist */
	DNS_TIMEOUT,		/* no answer within the timeout */
	DNS_FAILED,		/* SERVFAIL, REFUSED, malformed answer... */
	DNS_NOT_LOOKED_UP,	/* no_dns and nothing cached */
};

/* "ok" "nodata" "nxdomain" "timeout" "failed" "not-looked-up" "pending" */
const char *dns_status_name(enum dns_status);

struct dns_opts {
	const char	*db_path;	/* database for the cache; NULL: none */
	const char	*resolver;	/* "ADDR", "ADDR:PORT", "[V6]:PORT";
					   NULL: /etc/resolv.conf */
	int		 no_dns;	/* never send a query: cache only */
	int		 refresh;	/* online: ask again, use no cached
					   answer (they are still stored) */
	int		 timeout_ms;	/* per try; 0: DNS_DEFAULT_TIMEOUT_MS */
	int		 tries;		/* 0: DNS_DEFAULT_TRIES */
	FILE		*diag;		/* one-time notes ("not cached"); NULL:
					   silent */
	const char	*progname;	/* prefix of those notes; NULL:
					   "dmarc-report" */
};

/*
 * One question and, after dns_run(), its answer.  The caller fills type
 * and name (borrowed: must outlive the dns_run call); dns_run fills the
 * rest, which dns_query_release() frees.  For DNS_TXT each rrs[i] is one
 * TXT record with its character-strings joined (RFC 7208 3.3 style);
 * for DNS_PTR each rrs[i] is a host name, lower case, no trailing dot.
 */
struct dns_query {
	enum dns_qtype	 type;
	const char	*name;		/* TXT: the owner name; PTR: an IP
					   address in text form */
	enum dns_status	 status;
	/* DNS RCODE of the answer, -1 if none */
	int		 rcode;
	char		**rrs;		/* owned, n_rrs strings */
	size_t		 n_rrs;
	int64_t		 ttl;		/* seconds the answer stays valid */
	int64_t		 fetched_at;	/* epoch seconds it was received */
	int		 cached;	/* 1 if it came from dns_cache; then
					   fetched_at + ttl is when it
					   expires (passed when offline) */
};

struct dns;

/*
 * Creates a resolver: a c-ares channel (unless no_dns) and, if
 * opts->db_path is set, the cache handle (read-write; read-only with a note
 * on opts->diag when the database is not writable; none if it cannot be
 * opened at all, also with a note).  opts is copied; its strings are
 * borrowed and must outlive the struct dns.  Returns NULL with a message
 * in err when the resolver address is malformed or c-ares cannot start
 * (these are the only failures).  Free with dns_free.
 */
struct dns	*dns_new(const struct dns_opts *, char *err, size_t errlen);
/*
 * The command line's rule for opts->refresh: 1 when --refresh was given
 * or resolver (--resolver) is set, else 0.
 */
int		 dns_opts_refresh(int refresh_flag, const char *resolver);

/*
 * The cache key of the resolver d asks: "system", or the --resolver
 * address in canonical form ("127.0.0.1:53", "[::1]:5353").  Borrowed.
 */
const char	*dns_resolver_key(const struct dns *);

/* closes the channel and the cache handle; NULL is fine */
void		 dns_free(struct dns *);

/*
 * Answers every query in q[0..n): fresh cache entries of this resolver
 * first (none with opts->refresh), then one
 * concurrent c-ares batch for the rest (at most MAX_DNS_INFLIGHT in flight),
 * storing each answer in the cache.  Duplicate names in the batch are
 * fine.  Returns 0 once every query has a status other than DNS_PENDING
 * (a timeout or failure is a status, not an error); -1 only if n exceeds
 * MAX_DNS_BATCH or the event loop fails (statuses then DNS_FAILED).
 */
int		 dns_run(struct dns *, struct dns_query *q, size_t n);
/* frees the answer of one query and resets it to DNS_PENDING */
void		 dns_query_release(struct dns_query *);
/* appends record s to q (takes s; past MAX_DNS_ANSWERS it is freed) */
void		 dns_query_add(struct dns_query *, char *s);

/*
 * The number of DNS packets sent (queries started) since dns_new; tests use
 * it to prove that a cached answer needs none.
 */
unsigned long	 dns_nsent(const struct dns *);

/*
 * The cache handle (rdb.h: RDB_CACHE, else RDB_READ) the policy history
 * is stored in, or NULL when there is none.  Borrowed.
 * dns_db_writable() says whether writes are possible.
 */
struct rdb	*dns_db(struct dns *);
int		 dns_db_writable(const struct dns *);
/*
 * Says that a write through dns_db() failed (why: the database's message):
 * prints the one-time "not cached" note and stops further writes.
 */
void		 dns_db_failed(struct dns *, const char *why);
/* 1 if opts->no_dns was set */
int		 dns_offline(const struct dns *);

/*
 * For queries of other types than TXT and PTR (dnsq_ares.h, not cached):
 * the channel, NULL when offline (borrowed), and one turn of its event
 * loop: waits for socket activity or the next timeout and lets c-ares
 * run its callbacks.  dns_pump returns 0, or -1 if poll failed.
 */
ares_channel	 dns_channel(struct dns *);
int		 dns_pump(struct dns *);

/*
 * Reverse DNS for sources.  The caller fills ip (borrowed) for each
 * element; dns_ptr_batch fills name and status.  name is the first PTR
 * name (owned; free with dns_ptr_release), or NULL: then status says why
 * (DNS_NXDOMAIN / DNS_NODATA: the address has no PTR, which is normal and
 * not an error; DNS_TIMEOUT / DNS_FAILED: unknown; DNS_NOT_LOOKED_UP:
 * --no-dns and not cached).  An ip that is not an address gets DNS_FAILED.
 * Returns 0, or -1 as dns_run.
 */
struct dns_ptr {
	const char	*ip;
	char		*name;
	enum dns_status	 status;
};

int		 dns_ptr_batch(struct dns *, struct dns_ptr *, size_t n);
void		 dns_ptr_release(struct dns_ptr *, size_t n);

/*
 * What to show for a source's reverse name: the name, or "(no PTR)" for
 * NXDOMAIN/NODATA, "(PTR lookup timed out)", "(PTR lookup failed)",
 * "(not looked up)".  Borrowed (name or a constant); escape it before
 * output like any other untrusted string.
 */
const char	*dns_ptr_label(const struct dns_ptr *);

/*
 * The reverse-lookup name of an IPv4 or IPv6 address ("4.3.2.1.in-addr.arpa",
 * nibbles under ip6.arpa) into out (size outlen >= 74).  Returns 0, or -1
 * if ip is not an address.
 */
int		 dns_reverse_name(const char *ip, char *out, size_t outlen);

#endif
