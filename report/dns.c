/*
 * DNS lookups for dmarc-report (TXT for DMARC records, PTR for sources)
 * through one c-ares channel, driven by a poll loop, with the answers
 * cached in dns_cache.  c-ares hands over the raw message; dns_wire.c
 * parses it (c-ares' own parsers do not give TTLs).
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

#include "dns_cache.h"
#include "dns.h"
#include "dns_wire.h"
#include "domain.h"
#include "idna.h"
#include "ipaddr.h"
#include "limits.h"
#include "num.h"
#include "xalloc.h"


struct dns {
	struct dns_opts	 opts;
	ares_channel	 ch;		/* NULL when offline */
	struct rdb	*db;		/* cache handle (RDB_CACHE, else
					   RDB_READ), or NULL */
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

/* opens the cache: read-write, else read-only, else none (with notes) */
static void
dns_open_cache(struct dns *d)
{
	char err[512];

	if (d->opts.db_path == NULL)
		return;
	if (!d->opts.no_dns) {
		d->db = rdb_open(d->opts.db_path, RDB_CACHE, err,
		    sizeof(err));
		d->writable = d->db != NULL;
		if (d->db == NULL)
			dns_note(d, "database not writable", err);
	}
	if (d->db == NULL)
		d->db = rdb_open(d->opts.db_path, RDB_READ, err,
		    sizeof(err));
	if (d->db != NULL && !dns_cache_usable(d->db)) {
		dns_note(d, "no DNS cache tables in the database",
		    d->opts.db_path);
		rdb_close(d->db);
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
	rdb_close(d->db);
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

struct rdb *
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

void
dns_query_add(struct dns_query *q, char *s)
{
	if (q->n_rrs >= MAX_DNS_ANSWERS) {
		free(s);
		return;
	}
	q->rrs = xreallocarray(q->rrs, q->n_rrs + 1, sizeof(*q->rrs));
	q->rrs[q->n_rrs++] = s;
}

/* moves the parsed answer into q; returns the records q now holds */
static size_t
take_answer(struct dns_query *q, struct dns_answer *a)
{
	for (size_t i = 0; i < a->n_rrs; i++)
		dns_query_add(q, a->rrs[i]);
	free(a->rrs);
	a->rrs = NULL;
	a->n_rrs = 0;
	q->rcode = a->rcode;
	q->ttl = a->ttl;
	return q->n_rrs;
}

static void
dns_callback(void *arg, int status, int timeouts, unsigned char *abuf,
    int alen)
{
	struct dns_pending *pd = arg;
	struct dns_query *q = pd->q;
	struct dns_answer ans;

	(void)timeouts;
	pd->dns->inflight--;
	q->fetched_at = (int64_t)time(NULL);
	if (abuf != NULL && (status == ARES_SUCCESS || status ==
	    ARES_ENODATA || status == ARES_ENOTFOUND)) {
		if (dns_wire_parse(abuf, alen < 0 ? 0 : (size_t)alen,
		    q->type, &ans) == -1) {
			dns_query_release(q);
			q->status = DNS_FAILED;
		} else if (take_answer(q, &ans) > 0)
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
 * The cache key and the name to query for q: TXT names in A-label form,
 * lower case without a trailing dot; PTR keys are the canonical address.
 * -1 if unusable.
 */
static int
query_names(const struct dns_query *q, char key[MAX_DOMAIN_LEN + 2],
    char qname[MAX_DOMAIN_LEN + 2])
{
	char canon[IPADDR_TEXT_LEN];
	size_t n = strlen(q->name);
	enum idna_form form;

	if (q->type == DNS_PTR) {
		if (n >= IPADDR_TEXT_LEN || ipaddr_normalize(q->name,
		    canon) == 0)
			return -1;
		snprintf(key, MAX_DOMAIN_LEN + 2, "%s", canon);
		return dns_reverse_name(canon, qname, MAX_DOMAIN_LEN + 2);
	}
	if (n == 0 || n > MAX_SHORT_TEXT)
		return -1;
	/* U-labels are sent, and cached, as A-labels (lib/idna.h) */
	form = idna_to_alabels(q->name, key, NULL);
	if (form == IDNA_INVALID || (form == IDNA_ASCII &&
	    n > MAX_DOMAIN_LEN + 1) || domain_normalize(key) == -1)
		return -1;
	memcpy(qname, key, strlen(key) + 1);
	return 0;
}

/* ------------------------------------------------------------------ */
/* the cache (dns_cache.c keeps the rows)                             */

/* stores the fresh definite answers of the batch in one transaction */
static void
cache_put(struct dns *d, struct dns_query *q, size_t n)
{
	char key[MAX_DOMAIN_LEN + 2], qname[MAX_DOMAIN_LEN + 2], err[512];

	if (d->db == NULL || !d->writable)
		return;
	if (dns_cache_begin(d->db, err, sizeof(err)) == -1)
		goto fail;
	for (size_t i = 0; i < n; i++) {
		if (q[i].cached || (q[i].status != DNS_OK && q[i].status !=
		    DNS_NODATA && q[i].status != DNS_NXDOMAIN) ||
		    query_names(&q[i], key, qname) == -1)
			continue;
		if (dns_cache_put(d->db, d->rkey, &q[i], key, err,
		    sizeof(err)) == -1)
			goto fail;
	}
	if (dns_cache_commit(d->db, err, sizeof(err)) == 0)
		return;
fail:
	dns_db_failed(d, err);
	dns_cache_rollback(d->db);
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
		else if ((d->db == NULL || !dns_cache_get(d->db,
		    d->opts.no_dns ? NULL : d->rkey, key, now, &q[i])) &&
		    d->opts.no_dns)
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
