/*
 * struct spfdns over c-ares (dnsq_ares.h): one ares_query on dns.c's
 * channel, pumped until its callback ran, the answer parsed with c-ares'
 * own parsers (TXT with the record boundaries, A, AAAA, MX, PTR) into an
 * spfdns_answer, and kept in the run's memo.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ares.h>

#include "buf.h"
#include "dnsq_ares.h"
#include "domain.h"
#include "limits.h"
#include "utf8.h"
#include "xalloc.h"

#define C_IN		1
#define T_A		1
#define T_PTR		12
#define T_MX		15
#define T_TXT		16
#define T_AAAA		28

struct dnsq_memo {
	enum spfdns_type	 type;
	char			*name;		/* owned, lower case */
	struct spfdns_answer	 a;		/* owned */
	const char		*why;		/* static text when TEMP */
};

/* the callback's result, on the asker's stack */
struct pending {
	int		 done;
	int		 status;	/* ARES_* */
	unsigned char	*abuf;		/* owned copy of the answer */
	int		 alen;
};

void
dnsq_init(struct dnsq *q, struct dns *d)
{
	memset(q, 0, sizeof(*q));
	q->dns = d;
}

void
dnsq_release(struct dnsq *q)
{
	if (q == NULL)
		return;
	for (size_t i = 0; i < q->n_memo; i++) {
		free(q->memo[i].name);
		spfdns_answer_release(&q->memo[i].a);
	}
	free(q->memo);
	memset(q, 0, sizeof(*q));
}

const char *
dnsq_why(const struct dnsq *q)
{
	return q->why != NULL ? q->why : "DNS lookup failed";
}

static void
on_answer(void *arg, int status, int timeouts, unsigned char *abuf,
    int alen)
{
	struct pending *p = arg;

	(void)timeouts;
	p->done = 1;
	p->status = status;
	if (abuf != NULL && alen > 0) {
		p->abuf = xmalloc((size_t)alen);
		memcpy(p->abuf, abuf, (size_t)alen);
		p->alen = alen;
	}
}

/* appends s[0..n) to b with NUL and invalid UTF-8 as U+FFFD */
static void
add_clean(struct buf *b, const unsigned char *s, size_t n)
{
	for (size_t k = 0; k < n; ) {
		size_t l = utf8_decode(s + k, n - k, NULL);

		if (l == 0 || s[k] == '\0') {
			if (buf_adds(b, "\xef\xbf\xbd") == -1)
				return;
			k++;
		} else if (buf_add(b, s + k, l) == -1)
			return;
		else
			k += l;
	}
}

/* closes the TXT record being built in b into out */
static void
txt_close(struct spfdns_answer *out, struct buf *b, size_t *joins,
    size_t n_joins)
{
	struct spfdns_txt *t;

	if (out->n_txt >= MAX_DNSQ_RRS) {
		buf_release(b);
		free(joins);
		return;
	}
	out->txt = xreallocarray(out->txt, out->n_txt + 1, sizeof(*out->txt));
	t = &out->txt[out->n_txt++];
	t->text = b->data != NULL ? buf_detach(b, NULL) : xstrdup("");
	t->joins = joins;
	t->n_joins = n_joins;
}

/* TXT: one spfdns_txt per record, its strings joined */
static int
parse_txt(const unsigned char *abuf, int alen, struct spfdns_answer *out)
{
	struct ares_txt_ext *list, *t;
	struct buf b;
	size_t *joins = NULL, n_joins = 0;
	int rc, open = 0;

	if ((rc = ares_parse_txt_reply_ext(abuf, alen, &list)) != ARES_SUCCESS)
		return rc;
	for (t = list; t != NULL; t = t->next) {
		if (t->record_start || !open) {
			if (open)
				txt_close(out, &b, joins, n_joins);
			buf_init(&b, MAX_DNSQ_TXT_BYTES);
			joins = NULL;
			n_joins = 0;
			open = 1;
		} else if (n_joins < MAX_DNSQ_RRS) {
			joins = xreallocarray(joins, n_joins + 1,
			    sizeof(*joins));
			joins[n_joins++] = b.len;
		}
		add_clean(&b, t->txt, t->length);
	}
	if (open)
		txt_close(out, &b, joins, n_joins);
	ares_free_data(list);
	return out->n_txt > 0 ? ARES_SUCCESS : ARES_ENODATA;
}

static void
add_addr(struct spfdns_answer *out, const void *a, size_t len)
{
	if (out->n_addrs >= MAX_DNSQ_RRS)
		return;
	out->addrs = xreallocarray(out->addrs, out->n_addrs + 1,
	    sizeof(*out->addrs));
	memset(out->addrs[out->n_addrs], 0, 16);
	memcpy(out->addrs[out->n_addrs++], a, len);
}

static int
parse_addrs(int type, const unsigned char *abuf, int alen,
    struct spfdns_answer *out)
{
	struct ares_addrttl v4[MAX_DNSQ_RRS];
	struct ares_addr6ttl v6[MAX_DNSQ_RRS];
	int n = MAX_DNSQ_RRS, rc;

	if (type == T_A) {
		rc = ares_parse_a_reply(abuf, alen, NULL, v4, &n);
		for (int i = 0; rc == ARES_SUCCESS && i < n; i++)
			add_addr(out, &v4[i].ipaddr, 4);
	} else {
		rc = ares_parse_aaaa_reply(abuf, alen, NULL, v6, &n);
		for (int i = 0; rc == ARES_SUCCESS && i < n; i++)
			add_addr(out, &v6[i].ip6addr, 16);
	}
	if (rc == ARES_SUCCESS && out->n_addrs == 0)
		rc = ARES_ENODATA;
	return rc;
}

/* adds a host name if it is a sane one, normalised */
static void
add_name(struct spfdns_answer *out, const char *name)
{
	char *s;

	if (out->n_names >= MAX_DNSQ_RRS || strlen(name) > MAX_DOMAIN_LEN + 1)
		return;
	s = xstrdup(name);
	if (domain_normalize(s) == -1) {
		free(s);
		return;
	}
	/* c-ares repeats the first PTR name among the aliases */
	for (size_t i = 0; i < out->n_names; i++)
		if (strcmp(out->names[i], s) == 0) {
			free(s);
			return;
		}
	out->names = xreallocarray(out->names, out->n_names + 1,
	    sizeof(*out->names));
	out->names[out->n_names++] = s;
}

/* MX: the exchanges, lowest preference first */
static int
parse_mx(const unsigned char *abuf, int alen, struct spfdns_answer *out)
{
	struct ares_mx_reply *list, *m;
	int rc, best;

	if ((rc = ares_parse_mx_reply(abuf, alen, &list)) != ARES_SUCCESS)
		return rc;
	/* a selection by preference: at most MAX_DNSQ_RRS passes */
	for (int last = -1; out->n_names < MAX_DNSQ_RRS; last = best) {
		best = -1;
		for (m = list; m != NULL; m = m->next)
			if (m->priority > last && (best == -1 ||
			    m->priority < best))
				best = m->priority;
		if (best == -1)
			break;
		for (m = list; m != NULL; m = m->next)
			if (m->priority == best)
				add_name(out, m->host);
	}
	ares_free_data(list);
	return out->n_names > 0 ? ARES_SUCCESS : ARES_ENODATA;
}

static int
parse_ptr(const unsigned char *abuf, int alen, struct spfdns_answer *out)
{
	struct hostent *he;
	unsigned char any[16] = { 0 };
	int rc;

	/* the address only goes into the hostent; any will do */
	if ((rc = ares_parse_ptr_reply(abuf, alen, any, 4, AF_INET, &he)) !=
	    ARES_SUCCESS)
		return rc;
	if (he->h_name != NULL)
		add_name(out, he->h_name);
	for (size_t i = 0; he->h_aliases != NULL && he->h_aliases[i] != NULL;
	    i++)
		add_name(out, he->h_aliases[i]);
	ares_free_hostent(he);
	return out->n_names > 0 ? ARES_SUCCESS : ARES_ENODATA;
}

static int
wire_type(enum spfdns_type t)
{
	switch (t) {
	case SPFDNS_TXT:	return T_TXT;
	case SPFDNS_A:		return T_A;
	case SPFDNS_AAAA:	return T_AAAA;
	case SPFDNS_MX:		return T_MX;
	default:		return T_PTR;
	}
}

/* the answer's status as spfdns sees it, and why when TEMP */
static enum spfdns_rc
classify(int status, const char **why)
{
	switch (status) {
	case ARES_SUCCESS:
		return SPFDNS_OK;
	case ARES_ENODATA:
	case ARES_ENOTFOUND:
	case ARES_EBADNAME:
		return SPFDNS_VOID;
	case ARES_ETIMEOUT:
		*why = "timeout";
		return SPFDNS_TEMP;
	case ARES_ESERVFAIL:
		*why = "servfail";
		return SPFDNS_TEMP;
	case ARES_EREFUSED:
		*why = "refused";
		return SPFDNS_TEMP;
	case ARES_ECONNREFUSED:
		/* c-ares 1.18 skips a server answering SERVFAIL or REFUSED
		   and ends with this once none is left */
		*why = "no server answered (SERVFAIL, REFUSED or unreachable)";
		return SPFDNS_TEMP;
	case ARES_EBADRESP:
	case ARES_EFORMERR:
		*why = "malformed answer";
		return SPFDNS_TEMP;
	default:
		*why = ares_strerror(status);
		return SPFDNS_TEMP;
	}
}

/* the ARES_* status of parsing abuf as type (a wire type) into out */
static int
parse_wire(int type, const unsigned char *abuf, int alen,
    struct spfdns_answer *out)
{
	int st;

	if (type == T_TXT)
		st = parse_txt(abuf, alen, out);
	else if (type == T_A || type == T_AAAA)
		st = parse_addrs(type, abuf, alen, out);
	else if (type == T_MX)
		st = parse_mx(abuf, alen, out);
	else
		st = parse_ptr(abuf, alen, out);
	if (st != ARES_SUCCESS)
		spfdns_answer_release(out);
	return st;
}

enum spfdns_rc
dnsq_parse(enum spfdns_type t, const unsigned char *abuf, int alen,
    struct spfdns_answer *out)
{
	const char *why = NULL;

	return out->rc = classify(parse_wire(wire_type(t), abuf, alen, out),
	    &why);
}

/* sends one query and waits for it; the ARES_* status */
static int
ask_wire(struct dnsq *q, int type, const char *name, struct pending *p)
{
	ares_channel ch = dns_channel(q->dns);

	memset(p, 0, sizeof(*p));
	q->nsent++;
	ares_query(ch, name, C_IN, type, on_answer, p);
	while (!p->done)
		if (dns_pump(q->dns) == -1)
			ares_cancel(ch);	/* runs the callback */
	return p->status;
}

/* fills out from the network; returns out->rc */
static enum spfdns_rc
ask_net(struct dnsq *q, enum spfdns_type t, const char *name,
    struct spfdns_answer *out, const char **why)
{
	struct pending p;
	int type = wire_type(t), st;

	if (dns_offline(q->dns)) {
		*why = "not looked up";
		return out->rc = SPFDNS_TEMP;
	}
	if (q->nsent >= MAX_DNSQ_QUERIES) {
		*why = "too many queries";
		return out->rc = SPFDNS_TEMP;
	}
	st = ask_wire(q, type, name, &p);
	if (st == ARES_SUCCESS)
		st = parse_wire(type, p.abuf, p.alen, out);
	free(p.abuf);
	return out->rc = classify(st, why);
}

/* a deep copy of a */
static void
answer_copy(struct spfdns_answer *to, const struct spfdns_answer *a)
{
	memset(to, 0, sizeof(*to));
	to->rc = a->rc;
	if (a->n_txt > 0)
		to->txt = xcalloc(a->n_txt, sizeof(*to->txt));
	for (size_t i = 0; i < a->n_txt; i++) {
		to->txt[i].text = xstrdup(a->txt[i].text);
		to->txt[i].n_joins = a->txt[i].n_joins;
		if (a->txt[i].n_joins > 0) {
			to->txt[i].joins = xcalloc(a->txt[i].n_joins,
			    sizeof(size_t));
			memcpy(to->txt[i].joins, a->txt[i].joins,
			    a->txt[i].n_joins * sizeof(size_t));
		}
	}
	to->n_txt = a->n_txt;
	if (a->n_names > 0)
		to->names = xcalloc(a->n_names, sizeof(*to->names));
	for (size_t i = 0; i < a->n_names; i++)
		to->names[i] = xstrdup(a->names[i]);
	to->n_names = a->n_names;
	if (a->n_addrs > 0) {
		to->addrs = xcalloc(a->n_addrs, sizeof(*to->addrs));
		memcpy(to->addrs, a->addrs, a->n_addrs * sizeof(*a->addrs));
	}
	to->n_addrs = a->n_addrs;
}

/* bytes of an answer's strings, for the memo's budget */
static size_t
answer_bytes(const struct spfdns_answer *a)
{
	size_t n = a->n_addrs * 16;

	for (size_t i = 0; i < a->n_txt; i++)
		n += strlen(a->txt[i].text) + a->txt[i].n_joins *
		    sizeof(size_t);
	for (size_t i = 0; i < a->n_names; i++)
		n += strlen(a->names[i]);
	return n;
}

static struct dnsq_memo *
memo_find(struct dnsq *q, enum spfdns_type t, const char *name)
{
	for (size_t i = 0; i < q->n_memo; i++)
		if (q->memo[i].type == t && strcasecmp(q->memo[i].name,
		    name) == 0)
			return &q->memo[i];
	return NULL;
}

enum spfdns_rc
dnsq_ask(struct dnsq *q, enum spfdns_type t, const char *name,
    struct spfdns_answer *out)
{
	struct dnsq_memo *m;
	const char *why = NULL;

	memset(out, 0, sizeof(*out));
	if ((m = memo_find(q, t, name)) != NULL) {
		answer_copy(out, &m->a);
		q->why = m->why;
		return out->rc;
	}
	if (name[0] == '\0' || strlen(name) > MAX_DOMAIN_LEN + 1)
		return out->rc = SPFDNS_VOID;
	ask_net(q, t, name, out, &why);
	q->why = why;
	/* "too many queries" is this run's limit, not the name's answer */
	if (q->n_memo < MAX_DNSQ_MEMO && q->memo_bytes + answer_bytes(out) <=
	    MAX_DNSQ_MEMO_BYTES && (why == NULL || strcmp(why,
	    "too many queries") != 0)) {
		q->memo_bytes += answer_bytes(out);
		q->memo = xreallocarray(q->memo, q->n_memo + 1,
		    sizeof(*q->memo));
		m = &q->memo[q->n_memo++];
		m->type = t;
		m->name = xstrdup(name);
		m->why = why;
		answer_copy(&m->a, out);
	}
	return out->rc;
}

static void
spfdns_cb(void *arg, enum spfdns_type t, const char *name,
    struct spfdns_answer *out)
{
	dnsq_ask(arg, t, name, out);
}

void
dnsq_spfdns(struct dnsq *q, struct spfdns *out)
{
	out->arg = q;
	out->query = spfdns_cb;
}
