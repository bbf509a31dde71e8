/*
 * DNS lookups for dmarc-report (TXT for DMARC records, PTR for sources)
 * through one c-ares channel, driven by a poll loop, with the answers
 * cached in dns_cache.  Answers are parsed here from the raw message
 * (c-ares' own parsers do not give TTLs): every length is checked against
 * the message, names are expanded by ares_expand_name, and the amount kept
 * is bounded by MAX_DNS_*.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <ares.h>

#include "buf.h"
#include "db.h"
#include "dns.h"
#include "domain.h"
#include "ipaddr.h"
#include "limits.h"
#include "num.h"
#include "utf8.h"
#include "xalloc.h"

/* RFC 1035 numbers, so we need no <arpa/nameser.h> */
#define DNS_C_IN	1
#define DNS_T_PTR	12
#define DNS_T_TXT	16
#define DNS_T_SOA	6
#define DNS_HDR_LEN	12
#define DNS_RCODE_NXDOMAIN	3

struct dns {
	struct dns_opts	 opts;
	ares_channel	 ch;		/* NULL when offline */
	sqlite3		*db;		/* cache handle, or NULL */
	sqlite3_stmt	*get;		/* cache lookup, prepared once */
	char		 rkey[IPADDR_TEXT_LEN + 16];	/* resolver cache key:
					   "system" or "ADDR:PORT" */
	int		 writable;	/* db accepts writes */
	int		 noted;		/* the "not cached" note was printed */
	unsigned long	 nsent;		/* queries started */
	size_t		 inflight;	/* queries awaiting their callback */
};

/* one query in flight: where its callback writes */
struct dns_pending {
	struct dns	 *dns;
	struct dns_query *q;
};

const char *
dns_status_name(enum dns_status s)
{
	switch (s) {
	case DNS_OK: return "ok";
	case DNS_NODATA: return "nodata";
	case DNS_NXDOMAIN: return "nxdomain";
	case DNS_TIMEOUT: return "timeout";
	case DNS_FAILED: return "failed";
	case DNS_NOT_LOOKED_UP: return "not-looked-up";
	default: return "pending";
	}
}

/* the one note about the cache: "PROG: note: what: why: consequence" */
static void
dns_note(struct dns *d, const char *what, const char *why)
{
	if (d->noted || d->opts.diag == NULL)
		return;
	d->noted = 1;
	fprintf(d->opts.diag, "%s: note: %s: %s: DNS answers and policy "
	    "lookups are not cached\n", d->opts.progname != NULL ?
	    d->opts.progname : "dmarc-report", what, why);
}

void
dns_db_failed(struct dns *d, const char *why)
{
	if (d->writable)
		dns_note(d, "cannot write to the database", why);
	d->writable = 0;
}

/* 1 if the cache table exists on db (an early version-4 file lacks it) */
static int
has_cache_table(sqlite3 *db)
{
	sqlite3_stmt *st;
	int ok;

	ok = sqlite3_prepare_v2(db, "SELECT resolver FROM dns_cache LIMIT 0",
	    -1, &st, NULL) == SQLITE_OK;
	sqlite3_finalize(st);
	return ok;
}

/* opens the cache: read-write, else read-only, else none (with notes) */
static void
dns_open_cache(struct dns *d)
{
	char err[512];

	if (d->opts.db_path == NULL)
		return;
	if (!d->opts.no_dns) {
		d->db = db_open(d->opts.db_path, DB_READWRITE, err,
		    sizeof(err));
		d->writable = d->db != NULL;
		if (d->db == NULL)
			dns_note(d, "database not writable", err);
	}
	if (d->db == NULL)
		d->db = db_open(d->opts.db_path, DB_READONLY, err,
		    sizeof(err));
	if (d->db != NULL && !has_cache_table(d->db)) {
		dns_note(d, "no DNS cache tables in the database",
		    d->opts.db_path);
		sqlite3_close(d->db);
		d->db = NULL;
		d->writable = 0;
	}
}

/*
 * Splits "ADDR", "ADDR:PORT", "[ADDR]:PORT" or "[ADDR]" into the address
 * (copied to addr) and the port text (NULL if none).  -1 if malformed.
 */
static int
resolver_split(const char *spec, char *addr, size_t addrlen,
    const char **port)
{
	const char *a = spec, *end;

	*port = NULL;
	if (spec[0] == '[') {
		a = spec + 1;
		if ((end = strchr(a, ']')) == NULL)
			return -1;
		if (end[1] == ':')
			*port = end + 2;
		else if (end[1] != '\0')
			return -1;
	} else if ((end = strchr(spec, ':')) != NULL &&
	    strchr(end + 1, ':') == NULL)
		*port = end + 1;
	else
		end = spec + strlen(spec);
	if ((size_t)(end - a) >= addrlen)
		return -1;
	memcpy(addr, a, (size_t)(end - a));
	addr[end - a] = '\0';
	return 0;
}

/*
 * The --resolver value in the form ares_set_servers_ports_csv takes.
 * 0, or -1 with a message.
 */
static int
resolver_csv(const char *spec, char *out, size_t outlen, char *err,
    size_t errlen)
{
	char addr[IPADDR_TEXT_LEN], canon[IPADDR_TEXT_LEN];
	const char *port;
	int64_t pn = 53;
	int fam = 0;

	if (resolver_split(spec, addr, sizeof(addr), &port) == 0)
		fam = ipaddr_normalize(addr, canon);
	if (fam == 0 || (port != NULL && num_i64(port, 1, 65535, &pn) == -1)) {
		snprintf(err, errlen, "invalid resolver '%s': expected "
		    "ADDR[:PORT] or [IPV6]:PORT", spec);
		return -1;
	}
	snprintf(out, outlen, fam == 6 ? "[%s]:%d" : "%s:%d", canon, (int)pn);
	return 0;
}

static int
dns_open_channel(struct dns *d, char *err, size_t errlen)
{
	struct ares_options o;
	char csv[IPADDR_TEXT_LEN + 16];
	int rc;

	memset(&o, 0, sizeof(o));
	o.timeout = d->opts.timeout_ms > 0 ? d->opts.timeout_ms :
	    DNS_DEFAULT_TIMEOUT_MS;
	o.tries = d->opts.tries > 0 ? d->opts.tries : DNS_DEFAULT_TRIES;
	o.flags = ARES_FLAG_NOSEARCH | ARES_FLAG_NOALIASES;
	if (d->opts.resolver != NULL && resolver_csv(d->opts.resolver, csv,
	    sizeof(csv), err, errlen) == -1)
		return -1;
	if (d->opts.resolver != NULL)
		snprintf(d->rkey, sizeof(d->rkey), "%s", csv);
	if ((rc = ares_init_options(&d->ch, &o, ARES_OPT_TIMEOUTMS |
	    ARES_OPT_TRIES | ARES_OPT_FLAGS)) != ARES_SUCCESS) {
		d->ch = NULL;
		snprintf(err, errlen, "cannot start resolver: %s",
		    ares_strerror(rc));
		return -1;
	}
	if (d->opts.resolver != NULL &&
	    (rc = ares_set_servers_ports_csv(d->ch, csv)) != ARES_SUCCESS) {
		snprintf(err, errlen, "cannot use resolver '%s': %s",
		    d->opts.resolver, ares_strerror(rc));
		return -1;
	}
	return 0;
}

struct dns *
dns_new(const struct dns_opts *opts, char *err, size_t errlen)
{
	struct dns *d = xcalloc(1, sizeof(*d));

	d->opts = *opts;
	snprintf(d->rkey, sizeof(d->rkey), "system");
	if (!opts->no_dns) {
		if (ares_library_init(ARES_LIB_INIT_ALL) != ARES_SUCCESS) {
			snprintf(err, errlen, "cannot initialise c-ares");
			free(d);
			return NULL;
		}
		if (dns_open_channel(d, err, errlen) == -1) {
			dns_free(d);
			return NULL;
		}
	}
	dns_open_cache(d);
	return d;
}

void
dns_free(struct dns *d)
{
	if (d == NULL)
		return;
	if (!d->opts.no_dns) {
		if (d->ch != NULL)
			ares_destroy(d->ch);
		ares_library_cleanup();
	}
	sqlite3_finalize(d->get);
	sqlite3_close(d->db);
	free(d);
}

int
dns_opts_refresh(int refresh_flag, const char *resolver)
{
	return refresh_flag || resolver != NULL;
}

const char *
dns_resolver_key(const struct dns *d)
{
	return d->rkey;
}

unsigned long
dns_nsent(const struct dns *d)
{
	return d->nsent;
}

sqlite3 *
dns_db(struct dns *d)
{
	return d->db;
}

int
dns_db_writable(const struct dns *d)
{
	return d->writable;
}

int
dns_offline(const struct dns *d)
{
	return d->opts.no_dns;
}

ares_channel
dns_channel(struct dns *d)
{
	return d->ch;
}

static int pump(struct dns *);

int
dns_pump(struct dns *d)
{
	return d->ch != NULL ? pump(d) : -1;
}

void
dns_query_release(struct dns_query *q)
{
	for (size_t i = 0; i < q->n_rrs; i++)
		free(q->rrs[i]);
	free(q->rrs);
	q->rrs = NULL;
	q->n_rrs = 0;
	q->status = DNS_PENDING;
	q->rcode = -1;
	q->ttl = 0;
	q->fetched_at = 0;
	q->cached = 0;
}

static void
add_rr(struct dns_query *q, char *s)
{
	if (q->n_rrs >= MAX_DNS_ANSWERS) {
		free(s);
		return;
	}
	q->rrs = xreallocarray(q->rrs, q->n_rrs + 1, sizeof(*q->rrs));
	q->rrs[q->n_rrs++] = s;
}

/* ------------------------------------------------------------------ */
/* answers from the wire                                              */

static unsigned
get16(const unsigned char *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

static int64_t
get32(const unsigned char *p)
{
	return (int64_t)((uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3]);
}

/* skips the name at *pp; -1 if it runs off the message */
static int
skip_name(const unsigned char **pp, const unsigned char *abuf, int alen)
{
	char *name;
	long enc;

	if (ares_expand_name(*pp, abuf, alen, &name, &enc) != ARES_SUCCESS)
		return -1;
	ares_free_string(name);
	*pp += enc;
	return 0;
}

/*
 * The TXT strings of one record joined, capped at MAX_DNS_TXT_LEN; NUL
 * and invalid UTF-8 become U+FFFD so the text is a clean C string.
 */
static char *
txt_join(const unsigned char *p, size_t n)
{
	struct buf b;
	const unsigned char *end = p + n;

	buf_init(&b, MAX_DNS_TXT_LEN);
	while (p < end) {
		size_t l = *p++, k;

		if (l > (size_t)(end - p))
			l = (size_t)(end - p);
		for (k = 0; k < l; ) {
			size_t sl = utf8_decode(p + k, l - k, NULL);

			if (sl == 0 || p[k] == '\0') {
				if (buf_adds(&b, "\xef\xbf\xbd") == -1)
					break;
				k++;
			} else if (buf_add(&b, p + k, sl) == -1)
				break;
			else
				k += sl;
		}
		p += l;
	}
	if (b.data == NULL)
		return xstrdup("");
	return buf_detach(&b, NULL);
}

/* a PTR target: a sane host name, lower case, or NULL */
static char *
ptr_name(const unsigned char *rdata, const unsigned char *abuf, int alen)
{
	char *name;
	long enc;
	char *copy;

	if (ares_expand_name(rdata, abuf, alen, &name, &enc) != ARES_SUCCESS)
		return NULL;
	copy = xstrdup(name);
	ares_free_string(name);
	if (domain_normalize(copy) == -1) {
		free(copy);
		return NULL;
	}
	return copy;
}

/* the TTL of a negative answer (RFC 2308 section 5): SOA ttl and minimum */
static int64_t
soa_ttl(const unsigned char *rdata, size_t rdlen, int64_t rrttl,
    const unsigned char *abuf, int alen)
{
	const unsigned char *p = rdata;
	int64_t min;

	if (skip_name(&p, abuf, alen) == -1 || skip_name(&p, abuf, alen) ==
	    -1 || (size_t)(p - rdata) + 20 > rdlen)
		return DNS_NEGATIVE_TTL;
	min = get32(p + 16);
	return min < rrttl ? min : rrttl;
}

struct rr {
	unsigned		 type;
	int64_t			 ttl;
	const unsigned char	*rdata;
	size_t			 rdlen;
};

/* reads the RR at *pp; -1 if malformed */
static int
read_rr(const unsigned char **pp, const unsigned char *abuf, int alen,
    struct rr *rr)
{
	const unsigned char *end = abuf + alen;

	if (skip_name(pp, abuf, alen) == -1 || end - *pp < 10)
		return -1;
	rr->type = get16(*pp);
	rr->ttl = get32(*pp + 4);
	rr->rdlen = get16(*pp + 8);
	*pp += 10;
	if ((size_t)(end - *pp) < rr->rdlen)
		return -1;
	if (get16(*pp - 8) != DNS_C_IN)
		rr->type = 0;
	rr->rdata = *pp;
	*pp += rr->rdlen;
	return 0;
}

/* fills q from the message; -1 if it is malformed */
static int
parse_answer(struct dns_query *q, const unsigned char *abuf, int alen)
{
	const unsigned char *p = abuf + DNS_HDR_LEN;
	unsigned qd, an, ns, want = q->type == DNS_TXT ? DNS_T_TXT : DNS_T_PTR;
	int64_t ttl = MAX_DNS_TTL, negttl = DNS_NEGATIVE_TTL;
	struct rr rr;

	if (alen < DNS_HDR_LEN)
		return -1;
	q->rcode = abuf[3] & 0xF;
	qd = get16(abuf + 4);
	an = get16(abuf + 6);
	ns = get16(abuf + 8);
	for (unsigned i = 0; i < qd; i++) {
		if (skip_name(&p, abuf, alen) == -1 || abuf + alen - p < 4)
			return -1;
		p += 4;
	}
	for (unsigned i = 0; i < an + ns; i++) {
		char *s;

		if (read_rr(&p, abuf, alen, &rr) == -1)
			return -1;
		if (i >= an) {
			if (rr.type == DNS_T_SOA)
				negttl = soa_ttl(rr.rdata, rr.rdlen, rr.ttl,
				    abuf, alen);
			continue;
		}
		if (rr.type != want)
			continue;
		s = want == DNS_T_TXT ? txt_join(rr.rdata, rr.rdlen) :
		    ptr_name(rr.rdata, abuf, alen);
		if (s == NULL)
			continue;
		add_rr(q, s);
		if (rr.ttl < ttl)
			ttl = rr.ttl;
	}
	q->ttl = q->n_rrs > 0 ? ttl : negttl;
	if (q->ttl > MAX_DNS_TTL)
		q->ttl = MAX_DNS_TTL;
	if (q->ttl < 0)
		q->ttl = 0;
	return 0;
}

static void
dns_callback(void *arg, int status, int timeouts, unsigned char *abuf,
    int alen)
{
	struct dns_pending *pd = arg;
	struct dns_query *q = pd->q;

	(void)timeouts;
	pd->dns->inflight--;
	q->fetched_at = (int64_t)time(NULL);
	if (abuf != NULL && (status == ARES_SUCCESS || status ==
	    ARES_ENODATA || status == ARES_ENOTFOUND)) {
		if (parse_answer(q, abuf, alen) == -1) {
			dns_query_release(q);
			q->status = DNS_FAILED;
		} else if (q->n_rrs > 0)
			q->status = DNS_OK;
		else
			q->status = q->rcode == DNS_RCODE_NXDOMAIN ?
			    DNS_NXDOMAIN : DNS_NODATA;
	} else if (status == ARES_ETIMEOUT)
		q->status = DNS_TIMEOUT;
	else if (status == ARES_ENOTFOUND) {
		q->status = DNS_NXDOMAIN;
		q->rcode = DNS_RCODE_NXDOMAIN;
	}
	else if (status == ARES_ENODATA)
		q->status = DNS_NODATA;
	else
		q->status = DNS_FAILED;
	if (q->status == DNS_NXDOMAIN || q->status == DNS_NODATA)
		if (q->ttl == 0 && abuf == NULL)
			q->ttl = DNS_NEGATIVE_TTL;
	free(pd);
}

/* ------------------------------------------------------------------ */
/* names                                                              */

int
dns_reverse_name(const char *ip, char *out, size_t outlen)
{
	unsigned char a[16];
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;

	if (outlen < 74)
		return -1;
	if (inet_pton(AF_INET, ip, a) == 1) {
		snprintf(out, outlen, "%u.%u.%u.%u.in-addr.arpa", a[3], a[2],
		    a[1], a[0]);
		return 0;
	}
	if (inet_pton(AF_INET6, ip, a) != 1)
		return -1;
	for (int i = 15; i >= 0; i--) {
		out[o++] = hex[a[i] & 0xF];
		out[o++] = '.';
		out[o++] = hex[a[i] >> 4];
		out[o++] = '.';
	}
	memcpy(out + o, "ip6.arpa", 9);
	return 0;
}

/*
 * The cache key and the name to query for q: TXT names lower case without
 * a trailing dot; PTR keys are the canonical address.  -1 if unusable.
 */
static int
query_names(const struct dns_query *q, char key[MAX_DOMAIN_LEN + 2],
    char qname[MAX_DOMAIN_LEN + 2])
{
	char canon[IPADDR_TEXT_LEN];
	size_t n = strlen(q->name);

	if (q->type == DNS_PTR) {
		if (n >= IPADDR_TEXT_LEN || ipaddr_normalize(q->name,
		    canon) == 0)
			return -1;
		snprintf(key, MAX_DOMAIN_LEN + 2, "%s", canon);
		return dns_reverse_name(canon, qname, MAX_DOMAIN_LEN + 2);
	}
	if (n == 0 || n > MAX_DOMAIN_LEN + 1)
		return -1;
	memcpy(key, q->name, n + 1);
	if (domain_normalize(key) == -1)
		return -1;
	memcpy(qname, key, strlen(key) + 1);
	return 0;
}

/* ------------------------------------------------------------------ */
/* the cache                                                          */

static const char *
qtype_name(enum dns_qtype t)
{
	return t == DNS_TXT ? "TXT" : "PTR";
}

/*
 * Fills q from the cache; 1 if found: online a fresh answer of this
 * resolver, offline the latest answer of any resolver, however old.
 */
static int
cache_get(struct dns *d, struct dns_query *q, const char *key, int64_t now)
{
	sqlite3_stmt *st;
	int found = 0;

	/* prepared once: sources may look up tens of thousands of names */
	if (d->db == NULL || (d->get == NULL && sqlite3_prepare_v3(d->db,
	    "SELECT status, rcode, data, ttl, fetched_at FROM dns_cache "
	    "WHERE qtype = ?1 AND name = ?2 AND resolver = coalesce(?3, "
	    "(SELECT resolver FROM dns_cache WHERE qtype = ?1 AND name = ?2 "
	    "ORDER BY fetched_at DESC LIMIT 1)) ORDER BY seq", -1,
	    SQLITE_PREPARE_PERSISTENT, &d->get, NULL) != SQLITE_OK))
		return 0;
	st = d->get;
	sqlite3_bind_text(st, 1, qtype_name(q->type), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
	if (d->opts.no_dns)
		sqlite3_bind_null(st, 3);
	else
		sqlite3_bind_text(st, 3, d->rkey, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *status = (const char *)sqlite3_column_text(st, 0);
		const char *data = (const char *)sqlite3_column_text(st, 2);

		q->rcode = sqlite3_column_int(st, 1);
		q->ttl = sqlite3_column_int64(st, 3);
		q->fetched_at = sqlite3_column_int64(st, 4);
		if (!d->opts.no_dns && q->fetched_at + q->ttl <= now)
			break;
		found = 1;
		q->status = strcmp(status, "ok") == 0 ? DNS_OK :
		    strcmp(status, "nxdomain") == 0 ? DNS_NXDOMAIN : DNS_NODATA;
		if (data != NULL && q->status == DNS_OK)
			add_rr(q, xstrdup(data));
	}
	if (found)
		q->cached = 1;
	else
		dns_query_release(q);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return found;
}

static int
cache_put_one(struct dns *d, sqlite3_stmt *del, sqlite3_stmt *ins,
    const struct dns_query *q, const char *key)
{
	size_t rows = q->n_rrs > 0 ? q->n_rrs : 1;

	sqlite3_reset(del);
	sqlite3_bind_text(del, 1, d->rkey, -1, SQLITE_STATIC);
	sqlite3_bind_text(del, 2, qtype_name(q->type), -1, SQLITE_STATIC);
	sqlite3_bind_text(del, 3, key, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(del) != SQLITE_DONE)
		return -1;
	for (size_t i = 0; i < rows; i++) {
		sqlite3_reset(ins);
		sqlite3_bind_text(ins, 1, d->rkey, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 2, qtype_name(q->type), -1,
		    SQLITE_STATIC);
		sqlite3_bind_text(ins, 3, key, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(ins, 4, (sqlite3_int64)i);
		sqlite3_bind_text(ins, 5, dns_status_name(q->status), -1,
		    SQLITE_STATIC);
		sqlite3_bind_int(ins, 6, q->rcode < 0 ? 0 : q->rcode);
		if (q->n_rrs > 0)
			sqlite3_bind_text(ins, 7, q->rrs[i], -1, SQLITE_STATIC);
		else
			sqlite3_bind_null(ins, 7);
		sqlite3_bind_int64(ins, 8, q->ttl);
		sqlite3_bind_int64(ins, 9, q->fetched_at);
		if (sqlite3_step(ins) != SQLITE_DONE)
			return -1;
	}
	return 0;
}

/* stores the fresh definite answers of the batch in one transaction */
static void
cache_put(struct dns *d, struct dns_query *q, size_t n)
{
	sqlite3_stmt *del = NULL, *ins = NULL;
	char key[MAX_DOMAIN_LEN + 2], qname[MAX_DOMAIN_LEN + 2];
	int ok = 0;

	if (d->db == NULL || !d->writable)
		return;
	if (sqlite3_exec(d->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) !=
	    SQLITE_OK)
		goto out;
	if (sqlite3_prepare_v2(d->db, "DELETE FROM dns_cache WHERE resolver = "
	    "? AND qtype = ? AND name = ?", -1, &del, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(d->db, "INSERT INTO dns_cache (resolver, "
	    "qtype, name, seq, status, rcode, data, ttl, fetched_at) VALUES "
	    "(?, ?, ?, ?, ?, ?, ?, ?, ?)", -1, &ins, NULL) != SQLITE_OK)
		goto out;
	for (size_t i = 0; i < n; i++) {
		if (q[i].cached || (q[i].status != DNS_OK && q[i].status !=
		    DNS_NODATA && q[i].status != DNS_NXDOMAIN) ||
		    query_names(&q[i], key, qname) == -1)
			continue;
		if (cache_put_one(d, del, ins, &q[i], key) == -1)
			goto out;
	}
	ok = sqlite3_exec(d->db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK;
out:
	if (!ok) {
		dns_db_failed(d, sqlite3_errmsg(d->db));
		sqlite3_exec(d->db, "ROLLBACK", NULL, NULL, NULL);
	}
	sqlite3_finalize(del);
	sqlite3_finalize(ins);
}

/* ------------------------------------------------------------------ */
/* the event loop                                                     */

static void
start_query(struct dns *d, struct dns_query *q, const char *qname)
{
	struct dns_pending *pd = xmalloc(sizeof(*pd));

	pd->dns = d;
	pd->q = q;
	d->inflight++;
	d->nsent++;
	ares_query(d->ch, qname, DNS_C_IN, q->type == DNS_TXT ? DNS_T_TXT :
	    DNS_T_PTR, dns_callback, pd);
}

/* waits for socket activity or the next timeout and lets c-ares run */
static int
pump(struct dns *d)
{
	ares_socket_t socks[ARES_GETSOCK_MAXNUM];
	struct pollfd pfd[ARES_GETSOCK_MAXNUM];
	struct timeval tv, *tvp;
	nfds_t nfd = 0;
	unsigned bits;
	int ms, r;

	/* the ARES_GETSOCK_* macros shift a signed 1 into the sign bit */
	bits = (unsigned)ares_getsock(d->ch, socks, ARES_GETSOCK_MAXNUM);
	for (unsigned i = 0; i < ARES_GETSOCK_MAXNUM; i++) {
		short ev = (short)((bits & (1U << i) ? POLLIN : 0) |
		    (bits & (1U << (i + ARES_GETSOCK_MAXNUM)) ? POLLOUT : 0));

		if (ev == 0)
			continue;
		pfd[nfd].fd = socks[i];
		pfd[nfd].events = ev;
		pfd[nfd++].revents = 0;
	}
	tvp = ares_timeout(d->ch, NULL, &tv);
	ms = tvp == NULL ? 1000 : (int)(tvp->tv_sec * 1000 +
	    (tvp->tv_usec + 999) / 1000);
	if ((r = poll(pfd, nfd, ms)) == -1 && errno != EINTR)
		return -1;
	if (r <= 0) {
		ares_process_fd(d->ch, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
		return 0;
	}
	for (nfds_t i = 0; i < nfd; i++)
		if (pfd[i].revents != 0)
			ares_process_fd(d->ch, pfd[i].revents & (POLLIN |
			    POLLERR | POLLHUP) ? pfd[i].fd : ARES_SOCKET_BAD,
			    pfd[i].revents & POLLOUT ? pfd[i].fd :
			    ARES_SOCKET_BAD);
	return 0;
}

/* sends every pending query, MAX_DNS_INFLIGHT at a time */
static int
run_network(struct dns *d, struct dns_query *q, size_t n)
{
	char key[MAX_DOMAIN_LEN + 2], qname[MAX_DOMAIN_LEN + 2];
	size_t next = 0;

	for (;;) {
		for (; next < n && d->inflight < MAX_DNS_INFLIGHT; next++) {
			if (q[next].status != DNS_PENDING)
				continue;
			if (query_names(&q[next], key, qname) == -1)
				q[next].status = DNS_FAILED;
			else
				start_query(d, &q[next], qname);
		}
		if (d->inflight == 0 && next == n)
			return 0;
		if (pump(d) == -1) {
			/* the callbacks of cancelled queries say DNS_FAILED */
			ares_cancel(d->ch);
			return -1;
		}
	}
}

int
dns_run(struct dns *d, struct dns_query *q, size_t n)
{
	char key[MAX_DOMAIN_LEN + 2], qname[MAX_DOMAIN_LEN + 2];
	int64_t now = (int64_t)time(NULL);
	int rc = 0;

	if (n > MAX_DNS_BATCH)
		return -1;
	for (size_t i = 0; i < n; i++) {
		q[i].rrs = NULL;
		q[i].n_rrs = 0;
		dns_query_release(&q[i]);
		if (query_names(&q[i], key, qname) == -1)
			q[i].status = DNS_FAILED;
		else if (d->opts.refresh && !d->opts.no_dns)
			continue;
		else if (!cache_get(d, &q[i], key, now) && d->opts.no_dns)
			q[i].status = DNS_NOT_LOOKED_UP;
	}
	if (d->opts.no_dns)
		return 0;
	rc = run_network(d, q, n);
	cache_put(d, q, n);
	return rc;
}

/* ------------------------------------------------------------------ */
/* PTR for sources                                                    */

int
dns_ptr_batch(struct dns *d, struct dns_ptr *p, size_t n)
{
	struct dns_query *q;
	int rc;

	if (n > MAX_DNS_BATCH)
		return -1;
	q = xcalloc(n > 0 ? n : 1, sizeof(*q));
	for (size_t i = 0; i < n; i++) {
		q[i].type = DNS_PTR;
		q[i].name = p[i].ip;
	}
	rc = dns_run(d, q, n);
	for (size_t i = 0; i < n; i++) {
		p[i].status = q[i].status;
		p[i].name = q[i].n_rrs > 0 ? xstrdup(q[i].rrs[0]) : NULL;
		dns_query_release(&q[i]);
	}
	free(q);
	return rc;
}

void
dns_ptr_release(struct dns_ptr *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(p[i].name);
		p[i].name = NULL;
	}
}

const char *
dns_ptr_label(const struct dns_ptr *p)
{
	if (p->name != NULL)
		return p->name;
	switch (p->status) {
	case DNS_OK:
	case DNS_NODATA:
	case DNS_NXDOMAIN:
		return "(no PTR)";
	case DNS_TIMEOUT:
		return "(PTR lookup timed out)";
	case DNS_NOT_LOOKED_UP:
		return "(not looked up)";
	default:
		return "(PTR lookup failed)";
	}
}
