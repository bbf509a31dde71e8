/*
 * The DMARC record the readiness verdict tells the postmaster to publish
 * (readiness.h: readiness_propose, readiness_record): the sp= and np=
 * words that close the subdomains as far as their own mail allows, and
 * the current record with the policy tags of the next step put in and
 * every other tag (rua, ruf, adkim, fo ...) kept, so that following the
 * advice never stops the reports.  readiness.c has judged the sources
 * and the steps before; this file adds the reasons about subdomains and
 * about what the record was built on.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "dmarcrec.h"
#include "dns.h"
#include "readiness.h"
#include "xalloc.h"

/* tags readiness_record writes itself */
static const char *const own_tags[] = { "v", "p", "sp", "np", "t", "pct" };

/* 1 if tag[0..n) (trimmed "k=v") has key k */
static int
tag_is(const char *tag, size_t n, const char *k)
{
	size_t kl = strlen(k), i = kl;

	if (n < kl || strncasecmp(tag, k, kl) != 0)
		return 0;
	while (i < n && (tag[i] == ' ' || tag[i] == '\t'))
		i++;
	return i < n && tag[i] == '=';
}

static int
is_own(const char *tag, size_t n)
{
	size_t i;

	for (i = 0; i < sizeof(own_tags) / sizeof(own_tags[0]); i++)
		if (tag_is(tag, n, own_tags[i]))
			return 1;
	return 0;
}

/* appends "; k=word" for a set policy word */
static void
add_word(struct buf *b, const char *k, int p)
{
	const char *w = dmarcrec_p_name((enum dmarcrec_p)p);

	if (w == NULL)
		return;
	buf_adds(b, "; ");
	buf_adds(b, k);
	buf_addc(b, '=');
	buf_adds(b, w);
}

/* the tags of raw readiness_record does not write, in their order */
static void
add_others(struct buf *b, const char *raw)
{
	const char *p, *e, *end;
	size_t n;

	for (p = raw; *p != '\0'; p = *e ? e + 1 : e) {
		end = strchr(p, ';');
		e = end ? end : p + strlen(p);
		while (p < e && (*p == ' ' || *p == '\t'))
			p++;
		n = (size_t)(e - p);
		while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
			n--;
		if (n == 0 || is_own(p, n))
			continue;
		buf_adds(b, "; ");
		buf_add(b, p, n);
	}
}

/* the policy word (enum dmarcrec_p) of a step */
static int
p_word(enum readiness_step s)
{
	switch (s) {
	case RSTEP_QUARANTINE_TEST:
	case RSTEP_QUARANTINE:
		return DMARCREC_P_QUARANTINE;
	case RSTEP_REJECT_TEST:
	case RSTEP_REJECT:
		return DMARCREC_P_REJECT;
	default:
		return DMARCREC_P_NONE;
	}
}

/* what failing mail gets under a policy word */
static const char *
fate(int p)
{
	return p == DMARCREC_P_REJECT ? "rejected" :
	    p == DMARCREC_P_QUARANTINE ? "quarantined" : "delivered";
}

static const char *
word(int p)
{
	const char *w = dmarcrec_p_name((enum dmarcrec_p)p);

	return w != NULL ? w : "none";
}

/* the sp= tag of the proposed record: UNSET when it equals the new p */
static int
sp_tag(const struct readiness_domain *rd)
{
	return rd->sp_next == p_word(rd->next) ? DMARCREC_P_UNSET :
	    rd->sp_next;
}

/* the np= tag: UNSET when absent or equal to what subdomains get */
static int
np_tag(const struct readiness_domain *rd)
{
	return rd->np == DMARCREC_P_UNSET || rd->np_next == rd->sp_next ?
	    DMARCREC_P_UNSET : rd->np_next;
}

/* "drops sp=none, so subdomains follow p=reject" ... */
static char *
sp_change(const struct readiness_domain *rd)
{
	if (sp_tag(rd) != DMARCREC_P_UNSET)
		return xasprintf("sets sp=%s", word(rd->sp_next));
	if (rd->sp != DMARCREC_P_UNSET)
		return xasprintf("drops sp=%s, so subdomains follow p=%s",
		    word(rd->sp), word(rd->sp_next));
	return xasprintf("moves subdomains with p to %s (no sp= tag)",
	    word(rd->sp_next));
}

static void
reason_sub_mail(struct readiness_domain *rd)
{
	const struct readiness_scope *sc = &rd->sub;
	long long hit = (long long)model_round(sc->legit_failing +
	    sc->forwarded_failing + sc->spoofing);
	/* sp held by a tag it did not have: the new p would carry it up */
	int pin = rd->sp == DMARCREC_P_UNSET && sp_tag(rd) != DMARCREC_P_UNSET;
	char *chg;

	readiness_reason(rd, xasprintf("subdomains (header_from below %s, "
	    "mostly %s): %lld messages; %lld legitimate-looking, %lld of them "
	    "failing (%.2f%%); %lld likely spoofing, %s under sp=%s%s",
	    rd->domain, rd->sub_top != NULL ? rd->sub_top : "unknown",
	    (long long)model_round(sc->messages),
	    (long long)model_round(sc->legit),
	    (long long)model_round(sc->legit_failing), sc->legit_fail_pct,
	    (long long)model_round(sc->spoofing), fate(rd->sp_now),
	    word(rd->sp_now), rd->current == RSTEP_QUARANTINE_TEST ||
	    rd->current == RSTEP_REJECT_TEST ? " (not applied yet: t=y or "
	    "pct)" : ""));
	if (sc->over || sc->weak) {
		readiness_reason(rd, xasprintf("sp=%s stays: %s; fix the "
		    "subdomain sources listed first; until then subdomains "
		    "stay open to spoofing%s%s%s", word(rd->sp_now), sc->over ?
		    "legitimate-looking subdomain mail fails DMARC over the "
		    "limit (--max-legit-fail-pct)" : "an authorized subdomain "
		    "source aligns under --min-source-aligned-pct",
		    pin ? "; the proposed record writes sp=" : "",
		    pin ? word(rd->sp_now) : "",
		    pin ? ", so that the new p does not reach them" : ""));
	} else if (rd->sp_next > rd->sp_now) {
		chg = sp_change(rd);
		readiness_reason(rd, xasprintf("the proposed record %s: the "
		    "%lld failing subdomain messages (sources listed under "
		    "subdomains) would be %s instead of %s%s", chg, hit,
		    fate(rd->sp_next), fate(rd->sp_now),
		    rd->next == RSTEP_QUARANTINE_TEST ? " once t=y is dropped" :
		    ""));
		free(chg);
	}
}

/* a published np= (RFC 9989) next to what subdomains get */
static void
reason_np(struct readiness_domain *rd)
{
	char *what;

	if (rd->np_next == rd->np)
		what = xstrdup("");
	else if (np_tag(rd) == DMARCREC_P_UNSET)
		what = xasprintf("; it is weaker than the proposed subdomain "
		    "policy (%s), so the proposed record drops it",
		    word(rd->sp_next));
	else
		what = xasprintf("; it is weaker than the proposed subdomain "
		    "policy, so the proposed record sets np=%s",
		    word(rd->np_next));
	readiness_reason(rd, xasprintf("np=%s: receivers on RFC 9989 apply np= "
	    "instead of sp= to subdomains that do not exist in DNS, which "
	    "reports cannot show%s", word(rd->np), what));
	free(what);
}

/* sp=, np= and what they leave open; sets sp_now, sp_next, np_next */
static void
subdomains(struct readiness_domain *rd)
{
	int p_next = p_word(rd->next), up;
	char *chg;

	rd->sp_now = rd->sp != DMARCREC_P_UNSET ? rd->sp : p_word(rd->current);
	up = rd->sp_now < DMARCREC_P_REJECT ? rd->sp_now + 1 : rd->sp_now;
	rd->sp_next = rd->sub.over || rd->sub.weak ? rd->sp_now :
	    up < p_next ? up : p_next;
	if (rd->sp_next < rd->sp_now)
		rd->sp_next = rd->sp_now;
	rd->np_next = rd->np != DMARCREC_P_UNSET && rd->np < rd->sp_next ?
	    rd->sp_next : rd->np;
	if (rd->sub.messages > READINESS_EPS)
		reason_sub_mail(rd);
	else if (rd->sp_next > rd->sp_now) {
		chg = sp_change(rd);
		readiness_reason(rd, xasprintf("no mail from subdomains of %s "
		    "in the window; sp=%s leaves them open to spoofing: the "
		    "proposed record %s", rd->domain, word(rd->sp_now), chg));
		free(chg);
	}
	if (rd->np != DMARCREC_P_UNSET)
		reason_np(rd);
	else if (rd->sub.messages > READINESS_EPS)
		readiness_reason(rd, xasprintf("np= is not published: "
		    "receivers on RFC 9989 give subdomains that do not exist "
		    "in DNS sp= too; reports do not say whether %s exists, so "
		    "its mail gets sp=%s either way",
		    rd->sub_top != NULL ? rd->sub_top : "a subdomain",
		    word(rd->sp_next)));
}

void
readiness_propose(struct readiness_domain *rd)
{
	char when[32];

	subdomains(rd);
	if (rd->current == RSTEP_REJECT && rd->sp_next == rd->sp_now &&
	    rd->np_next == rd->np)
		return;
	rd->record = readiness_record(rd->base_record, rd->next, sp_tag(rd),
	    np_tag(rd));
	if (rd->record_base == RBASE_HISTORY) {
		window_timestamp(rd->base_at, when, sizeof(when));
		readiness_reason(rd, xasprintf("the proposed record keeps the "
		    "tags of the record last seen at %s (a stored lookup); "
		    "look it up live (without --no-dns) before publishing",
		    when));
	} else if (rd->record_base == RBASE_NEW)
		readiness_reason(rd, xasprintf("no DMARC record of %s is known "
		    "(%s%s): the proposed record is a new one; replace "
		    "YOUR-RUA-ADDRESS with the address that receives these "
		    "reports before publishing it, or receivers send none",
		    rd->domain, rd->origin == RORIGIN_LIVE ||
		    rd->origin == RORIGIN_STORED ? "the lookup found none" :
		    "no lookup stored: run dmarc-report policy ",
		    rd->origin == RORIGIN_LIVE || rd->origin == RORIGIN_STORED ?
		    "" : rd->domain));
}

char *
readiness_record(const char *raw, enum readiness_step next, int sp, int np)
{
	struct buf b;

	/* a TXT record is at most MAX_DNS_TXT_LEN; the new tags are short */
	buf_init(&b, MAX_DNS_TXT_LEN * 2);
	buf_adds(&b, "v=DMARC1; ");
	buf_adds(&b, readiness_step_tags(next));
	add_word(&b, "sp", sp);
	add_word(&b, "np", np);
	if (raw != NULL)
		add_others(&b, raw);
	else
		buf_adds(&b, "; rua=" READINESS_RUA_PLACEHOLDER);
	return buf_detach(&b, NULL);
}
