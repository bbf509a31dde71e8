/*
 * The readiness judgement (readiness.h): classifies the sources of each
 * policy domain in its two scopes (the domain itself, its subdomains),
 * finds the current enforcement step (live policy, else the reports) and
 * the record it stands on, measures the criteria and writes the verdict
 * with its blockers, its reasons and, for each listed source, what to
 * fix; readiness_record.c then proposes sp=, np= and the record.  Sits
 * after query.c in dmarc-report's pipeline and before the format files
 * (render_text.c, render_json.c, render_csv.c).  No output here; DNS only through policy.h and
 * dns.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "classify.h"
#include "dns.h"
#include "limits.h"
#include "num.h"
#include "orgdomain.h"
#include "policy.h"
#include "readiness.h"
#include "sources.h"
#include "xalloc.h"

/* override reasons that mean the mail was forwarded (RFC 7489 6.6.4) */
static const char *const forward_reasons[] = {
	"forwarded", "trusted_forwarder", "mailing_list"
};

/* what the values of one source say, for classification and fixes */
struct evidence {
	int		 strict_dkim, strict_spf;
	double		 dkim_pass_any;		/* any DKIM pass */
	double		 spf_pass_any;		/* any SPF pass */
	const char	*dkim_other;		/* top non-aligned d= passing */
	double		 dkim_other_msgs;
	double		 own_sig;		/* aligned d=, any result */
	double		 own_fail;		/* aligned d=, not passing */
	const char	*own_fail_selector;
	const char	*spf_other;		/* top non-aligned mfrom pass */
	double		 spf_other_msgs;
	const char	*spf_own_fail;		/* aligned domain, not pass */
	double		 forwarded;		/* messages with a forward
						   override reason */
};

void
readiness_opts_init(struct readiness_opts *o)
{
	o->min_messages = READINESS_DEFAULT_MIN_MESSAGES;
	o->min_days = READINESS_DEFAULT_MIN_DAYS;
	o->min_reporters = READINESS_DEFAULT_MIN_REPORTERS;
	o->max_legit_fail_pct = READINESS_DEFAULT_MAX_LEGIT_FAIL_PCT;
	o->min_source_aligned_pct = READINESS_DEFAULT_MIN_SOURCE_ALIGNED_PCT;
}

/* a decimal percentage "12" or "0.5" in 0..100, strictly */
static int
parse_pct(const char *s, double *out)
{
	char *end;
	double v;
	size_t i;

	if (s == NULL || *s == '\0')
		return -1;
	for (i = 0; s[i] != '\0'; i++)
		if ((s[i] < '0' || s[i] > '9') && s[i] != '.')
			return -1;
	v = strtod(s, &end);
	if (*end != '\0' || !(v >= 0 && v <= 100))
		return -1;
	*out = v;
	return 0;
}

int
readiness_opts_set(struct readiness_opts *o, const char *name,
    const char *value, char *err, size_t errlen)
{
	int64_t n;
	int bad = 0;

	if (strcmp(name, "min-messages") == 0) {
		if (!(bad = num_i64(value, 0, MAX_RECORD_COUNT, &n) == -1))
			o->min_messages = (double)n;
	} else if (strcmp(name, "min-days") == 0) {
		if (!(bad = num_i64(value, 0, MAX_WINDOW_DAYS, &n) == -1))
			o->min_days = (int)n;
	} else if (strcmp(name, "min-reporters") == 0) {
		if (!(bad = num_i64(value, 0, 1000000, &n) == -1))
			o->min_reporters = (int)n;
	} else if (strcmp(name, "max-legit-fail-pct") == 0)
		bad = parse_pct(value, &o->max_legit_fail_pct) == -1;
	else if (strcmp(name, "min-source-aligned-pct") == 0)
		bad = parse_pct(value, &o->min_source_aligned_pct) == -1;
	else
		return 1;
	if (bad) {
		snprintf(err, errlen, "bad value '%s' for --%s: expected %s",
		    value, name, strstr(name, "pct") != NULL ?
		    "a percentage 0..100 such as 0.5" :
		    "a whole number");
		return -1;
	}
	return 0;
}

const char *
readiness_verdict_name(enum readiness_verdict v)
{
	static const char *const n[] = {
		"READY", "NOT READY", "NOT ENOUGH DATA", "AT REJECT"
	};
	return n[v];
}

const char *
readiness_verdict_code(enum readiness_verdict v)
{
	static const char *const n[] = {
		"ready", "not-ready", "not-enough-data", "at-reject"
	};
	return n[v];
}

const char *
readiness_step_code(enum readiness_step s)
{
	static const char *const n[] = {
		"none", "quarantine-test", "quarantine", "reject-test",
		"reject", "unknown"
	};
	return n[s];
}

const char *
readiness_step_tags(enum readiness_step s)
{
	static const char *const n[] = {
		"p=none", "p=quarantine; t=y; pct=0", "p=quarantine",
		"p=reject; t=y; pct=0", "p=reject", "(no policy known)"
	};
	return n[s];
}

const char *
readiness_class_code(enum readiness_class c)
{
	static const char *const n[] = {
		"aligned", "misaligned", "forwarded", "unauthenticated",
		"unauthorized"
	};
	return n[c];
}

const char *
readiness_base_code(enum readiness_base b)
{
	static const char *const n[] = {
		"live", "stored", "history", "new"
	};
	return n[b];
}

const char *
readiness_origin_code(enum readiness_origin o)
{
	static const char *const n[] = {
		"live", "stored", "reports", "none"
	};
	return n[o];
}

/* ------------------------------------------------------------------ */
/* the current step                                                   */

static enum readiness_step
step_of(enum dmarcrec_p p, int testing, int pct)
{
	int test = testing || (pct >= 0 && pct < 100);

	switch (p) {
	case DMARCREC_P_QUARANTINE:
		return test ? RSTEP_QUARANTINE_TEST : RSTEP_QUARANTINE;
	case DMARCREC_P_REJECT:
		return test ? RSTEP_REJECT_TEST : RSTEP_REJECT;
	default:
		return RSTEP_NONE;
	}
}

static enum readiness_step
step_next(enum readiness_step s)
{
	switch (s) {
	case RSTEP_NONE:
	case RSTEP_UNKNOWN:
		return RSTEP_QUARANTINE_TEST;
	case RSTEP_QUARANTINE_TEST:
		return RSTEP_QUARANTINE;
	default:
		return RSTEP_REJECT;
	}
}

static enum dmarcrec_p
p_of_word(const char *w)
{
	if (w == NULL)
		return DMARCREC_P_UNSET;
	if (strcmp(w, "quarantine") == 0)
		return DMARCREC_P_QUARANTINE;
	if (strcmp(w, "reject") == 0)
		return DMARCREC_P_REJECT;
	return strcmp(w, "none") == 0 ? DMARCREC_P_NONE : DMARCREC_P_UNSET;
}

void
readiness_reason(struct readiness_domain *rd, char *s)
{
	rd->reasons = xreallocarray(rd->reasons, rd->n_reasons + 1,
	    sizeof(*rd->reasons));
	rd->reasons[rd->n_reasons++] = s;
}

/* the policy receivers saw on most messages (ties: most reports) */
static void
policy_from_reports(struct readiness_domain *rd, const struct msum *d)
{
	const struct mpolicy *best = NULL;
	size_t i;

	for (i = 0; i < d->n_policies; i++) {
		const struct mpolicy *p = &d->policies[i];

		if (best == NULL || p->messages > best->messages ||
		    (p->messages == best->messages &&
		    p->reports > best->reports))
			best = p;
	}
	if (best == NULL) {
		rd->origin = RORIGIN_NONE;
		rd->current = RSTEP_UNKNOWN;
		return;
	}
	rd->origin = RORIGIN_REPORTS;
	rd->current = step_of(p_of_word(best->p), best->testing != NULL &&
	    strcmp(best->testing, "y") == 0, best->pct);
	rd->sp = p_of_word(best->sp);
	rd->np = p_of_word(best->np);
	rd->adkim = best->adkim != NULL && strcmp(best->adkim, "s") == 0 ?
	    's' : 'r';
	rd->aspf = best->aspf != NULL && strcmp(best->aspf, "s") == 0 ?
	    's' : 'r';
	rd->policy = xasprintf("p=%s%s%s%s%s%s%s",
	    best->p ? best->p : "(absent)",
	    best->sp ? "; sp=" : "", best->sp ? best->sp : "",
	    best->np ? "; np=" : "", best->np ? best->np : "",
	    best->testing ? "; t=" : "", best->testing ? best->testing : "");
	if (best->pct >= 0) {
		char *s = xasprintf("%s; pct=%d", rd->policy, best->pct);

		free(rd->policy);
		rd->policy = s;
	}
}

/* 1 if the lookup gave the current step, 0 if unknown */
static int
policy_from_lookup(struct readiness_domain *rd,
    const struct policy_lookup *pl)
{
	if (pl->status == POLICY_FOUND) {
		rd->current = step_of(policy_applied(pl), pl->rec.t == 'y',
		    pl->rec.pct);
		rd->policy = xstrdup(pl->raw != NULL ? pl->raw : "");
		rd->sp = pl->rec.sp;
		rd->np = pl->rec.np;
		rd->adkim = pl->rec.adkim == 's' ? 's' : 'r';
		rd->aspf = pl->rec.aspf == 's' ? 's' : 'r';
		if (pl->raw != NULL && strncasecmp(pl->raw, "v=DMARC1", 8) == 0)
			rd->base_record = xstrdup(pl->raw);
	} else if (pl->status == POLICY_NONE) {
		rd->current = RSTEP_NONE;
		rd->policy = xstrdup("(no DMARC record published)");
	} else if (pl->status == POLICY_INVALID) {
		rd->current = RSTEP_NONE;
		rd->policy = xstrdup("(no DMARC record receivers use: the TXT "
		    "record at _dmarc is ignored; see dmarc-report policy)");
	} else
		return 0;
	rd->origin = pl->stored ? RORIGIN_STORED : RORIGIN_LIVE;
	rd->policy_at = pl->looked_up_at;
	rd->record_base = rd->base_record == NULL ? RBASE_NEW :
	    pl->stored ? RBASE_STORED : RBASE_LIVE;
	return 1;
}

/*
 * Without a usable lookup now: the newest stored lookup that found a
 * record or found none, so that the proposed record keeps rua= and the
 * other tags the owner published.
 */
static void
record_from_history(struct readiness_domain *rd, struct dns *dns)
{
	struct policy_change *c = NULL;
	struct rdb *db = dns != NULL ? dns_db(dns) : NULL;
	size_t n = 0, i;
	char err[256];

	rd->record_base = RBASE_NEW;
	if (db == NULL || policy_history(db, rd->domain, &c, &n, err,
	    sizeof(err)) == -1)
		return;
	for (i = n; i-- > 0;) {
		if (c[i].status == POLICY_NONE)
			break;
		if (c[i].status == POLICY_FOUND && c[i].raw != NULL &&
		    strncasecmp(c[i].raw, "v=DMARC1", 8) == 0) {
			rd->base_record = xstrdup(c[i].raw);
			rd->base_at = c[i].last_seen;
			rd->record_base = RBASE_HISTORY;
			break;
		}
	}
	policy_history_free(c, n);
}

static void
find_policy(struct readiness_domain *rd, const struct msum *d,
    struct dns *dns)
{
	struct policy_lookup pl;
	char err[256];
	int got = 0;

	rd->adkim = rd->aspf = 'r';
	rd->sp = rd->np = DMARCREC_P_UNSET;
	if (dns != NULL) {
		memset(&pl, 0, sizeof(pl));
		if (policy_current(dns, d->domain, &pl, err, sizeof(err)) ==
		    0) {
			got = policy_from_lookup(rd, &pl);
			rd->unauthorized = policy_unauthorized(&pl, "rua",
			    &rd->n_unauthorized);
		} else
			readiness_reason(rd, xasprintf("the live policy is "
			    "unknown (%s): using the reports", err));
		policy_lookup_release(&pl);
	}
	if (!got) {
		policy_from_reports(rd, d);
		record_from_history(rd, dns);
	}
	rd->next = rd->current == RSTEP_REJECT ? RSTEP_REJECT :
	    step_next(rd->current);
}

/* ------------------------------------------------------------------ */
/* classification                                                     */

static int
is_forward_reason(const char *type)
{
	size_t i;

	for (i = 0; type != NULL && i < sizeof(forward_reasons) /
	    sizeof(forward_reasons[0]); i++)
		if (strcmp(type, forward_reasons[i]) == 0)
			return 1;
	return 0;
}

static int
is_pass(const char *result)
{
	return result != NULL && strcmp(result, "pass") == 0;
}

static void
dkim_evidence(struct evidence *ev, const struct msource *s,
    const char *dom)
{
	size_t i;

	for (i = 0; i < s->dkim.n; i++) {
		const struct mvalue *v = &s->dkim.v[i];

		if (v->other || v->name == NULL)
			continue;
		if (is_pass(v->result))
			ev->dkim_pass_any += v->messages;
		if (orgdomain_aligned(v->name, dom, ev->strict_dkim)) {
			ev->own_sig += v->messages;
			if (!is_pass(v->result) && v->result != NULL &&
			    strcmp(v->result, "none") != 0) {
				ev->own_fail += v->messages;
				if (ev->own_fail_selector == NULL)
					ev->own_fail_selector = v->detail;
			}
		} else if (is_pass(v->result) &&
		    v->messages > ev->dkim_other_msgs) {
			ev->dkim_other = v->name;
			ev->dkim_other_msgs = v->messages;
		}
	}
}

static void
spf_evidence(struct evidence *ev, const struct msource *s, const char *dom)
{
	size_t i;

	for (i = 0; i < s->spf.n; i++) {
		const struct mvalue *v = &s->spf.v[i];
		int mfrom = v->detail == NULL ||
		    strcmp(v->detail, "mfrom") == 0;

		if (v->other || v->name == NULL)
			continue;
		if (is_pass(v->result))
			ev->spf_pass_any += v->messages;
		if (!mfrom)
			continue;
		if (orgdomain_aligned(v->name, dom, ev->strict_spf)) {
			if (!is_pass(v->result) && ev->spf_own_fail == NULL)
				ev->spf_own_fail = v->name;
		} else if (is_pass(v->result) &&
		    v->messages > ev->spf_other_msgs) {
			ev->spf_other = v->name;
			ev->spf_other_msgs = v->messages;
		}
	}
}

static void
gather(struct evidence *ev, const struct msource *s,
    const struct readiness_domain *rd)
{
	size_t i;

	memset(ev, 0, sizeof(*ev));
	ev->strict_dkim = rd->adkim == 's';
	ev->strict_spf = rd->aspf == 's';
	dkim_evidence(ev, s, rd->domain);
	spf_evidence(ev, s, rd->domain);
	for (i = 0; i < s->reasons.n; i++)
		if (!s->reasons.v[i].other &&
		    is_forward_reason(s->reasons.v[i].name))
			ev->forwarded += s->reasons.v[i].messages;
}

/* the senders-file entry a source matches: by IP, PTR, then DKIM pass */
static const struct sender *
match_sender(const struct senders *ss, const struct msource *s)
{
	const struct sender *e;
	size_t i;

	if (ss == NULL || ss->n == 0)
		return NULL;
	if ((e = senders_match_ip(ss, s->ip)) != NULL ||
	    (e = senders_match_ptr(ss, s->ptr)) != NULL)
		return e;
	for (i = 0; i < s->dkim.n; i++)
		if (!s->dkim.v[i].other && is_pass(s->dkim.v[i].result) &&
		    (e = senders_match_dkim(ss, s->dkim.v[i].name)) != NULL)
			return e;
	return NULL;
}

/* short for READINESS_EPS: less than this is no message */
#define EPS	READINESS_EPS

/*
 * The class of a source (readiness.h) and whether its legitimacy is a
 * guess (*guessed: no senders file entry vouches for it).  Aligned mail
 * proves the source holds our DKIM key or our SPF authorizes it, so it
 * counts even when a senders file leaves the source out; passing DKIM or
 * SPF for another domain proves nothing about us.
 */
static enum readiness_class
classify(const struct msource *s, const struct evidence *ev,
    const struct sender *snd, int senders_used, int *guessed)
{
	double failing = s->t.messages - s->t.dmarc_pass;

	*guessed = 0;
	if (failing < EPS)
		return RCLASS_ALIGNED;
	if (snd != NULL)
		return RCLASS_MISALIGNED;
	if (ev->forwarded >= failing / 2 ||
	    (ev->own_fail > EPS && s->t.spf_aligned < EPS))
		return RCLASS_FORWARDED;
	if (s->t.dmarc_pass > EPS ||
	    (!senders_used && s->service != NULL)) {
		*guessed = 1;
		return RCLASS_MISALIGNED;
	}
	if (ev->dkim_pass_any > EPS || ev->spf_pass_any > EPS)
		return RCLASS_UNAUTHORIZED;
	return RCLASS_UNAUTHENTICATED;
}

/* ------------------------------------------------------------------ */
/* what to fix                                                        */

static void
add_fix(struct readiness_source *rs, char *text)
{
	if (rs->n_fix < MAX_READINESS_FIXES)
		rs->fix[rs->n_fix++] = text;
	else
		free(text);
}

static void
fix_dkim(struct readiness_source *rs, const struct evidence *ev,
    const char *dom)
{
	const char *how = ev->strict_dkim ? " exactly (adkim=s)" :
	    " (or a subdomain of it)";

	if (ev->dkim_other != NULL)
		add_fix(rs, xasprintf("sign with DKIM d=%s%s: today it signs "
		    "as %s, which does not align", dom, how, ev->dkim_other));
	else if (ev->own_fail > EPS && ev->own_fail_selector != NULL)
		add_fix(rs, xasprintf("repair its DKIM signature for %s: it "
		    "fails verification (check the key at "
		    "%s._domainkey under %s)", dom, ev->own_fail_selector,
		    dom));
	else if (ev->own_fail > EPS)
		add_fix(rs, xasprintf("repair its DKIM signature for %s: it "
		    "fails verification", dom));
	else if (ev->own_sig < EPS)
		add_fix(rs, xasprintf("sign with DKIM d=%s%s: today its mail "
		    "carries no passing signature of yours", dom, how));
}

static void
fix_spf(struct readiness_source *rs, const struct evidence *ev,
    const char *dom)
{
	const char *ip = rs->src->ip != NULL ? rs->src->ip : "this source";

	if (ev->spf_other != NULL)
		add_fix(rs, xasprintf("set a custom MAIL FROM (Return-Path) "
		    "domain %s%s so SPF aligns: today SPF passes for %s, "
		    "which does not align", ev->strict_spf ? "equal to " :
		    "under ", dom, ev->spf_other));
	else if (ev->spf_own_fail != NULL)
		add_fix(rs, xasprintf("add %s (or the service's SPF include) "
		    "to the SPF record of %s: it sends with MAIL FROM %s but "
		    "SPF does not pass", ip, ev->spf_own_fail,
		    ev->spf_own_fail));
}

/* a spoofer that passes DKIM or SPF for a domain of its own */
static void
fix_unauthorized(struct readiness_source *rs, const struct evidence *ev,
    const char *dom, int senders_used)
{
	const char *other = ev->dkim_other != NULL ? ev->dkim_other :
	    ev->spf_other;

	add_fix(rs, xasprintf("it authenticates only as %s (%s), not as %s; "
	    "%s: if this is not yours, it is spoofing and enforcement "
	    "stops it; if it is yours, name it in the senders file and sign "
	    "its mail with DKIM d=%s", other != NULL ? other :
	    "another domain", ev->dkim_other != NULL ? "DKIM" : "SPF", dom,
	    senders_used ? "the senders file does not name it" :
	    "none of its mail aligns and it is no known sending service",
	    dom));
}

static void
make_fixes(struct readiness_source *rs, const struct readiness_domain *rd,
    int senders_used)
{
	const struct msource *s = rs->src;
	struct evidence ev;

	gather(&ev, s, rd);
	if (rs->cls == RCLASS_FORWARDED) {
		add_fix(rs, xstrdup(ev.forwarded >= rs->failing / 2 ?
		    "nothing to fix at a sender: receivers reported this as "
		    "forwarded or mailing-list mail" :
		    "nothing to fix at a sender: it relays mail signed for "
		    "your domain whose signature broke in transit (a "
		    "forwarder or mailing list); if it is your own service, "
		    "name it in the senders file"));
		return;
	}
	if (rs->cls == RCLASS_UNAUTHORIZED) {
		fix_unauthorized(rs, &ev, rd->domain, senders_used);
		return;
	}
	if (rs->cls == RCLASS_UNAUTHENTICATED) {
		add_fix(rs, xasprintf("likely spoofing, which enforcement "
		    "stops; if it is yours, name it in the senders file and "
		    "sign its mail with DKIM d=%s", rd->domain));
		return;
	}
	if (s->t.dmarc_pass > EPS)
		add_fix(rs, xasprintf("only %.1f%% of its mail aligns: find "
		    "the mail stream it sends differently", rs->aligned_pct));
	fix_dkim(rs, &ev, rd->domain);
	fix_spf(rs, &ev, rd->domain);
	if (rs->n_fix == 0)
		add_fix(rs, xasprintf("make it sign with DKIM d=%s, or send "
		    "with a MAIL FROM under %s that SPF authorizes for it",
		    rd->domain, rd->domain));
	if (rs->guessed)
		add_fix(rs, xstrdup(senders_used ? "the senders file does not "
		    "name it, yet some of its mail aligns: if it is yours, add "
		    "it; if this is not yours, it is spoofing and enforcement "
		    "stops it" : "if this is not yours, it is spoofing and "
		    "enforcement stops it"));
}

/* ------------------------------------------------------------------ */
/* lists                                                              */

static void
list_push(struct readiness_list *l, const struct readiness_source *rs)
{
	/* grow at powers of two: n itself serves as the capacity mark */
	if (l->n == 0 || (l->n & (l->n - 1)) == 0)
		l->v = xreallocarray(l->v, l->n == 0 ? 1 : l->n * 2,
		    sizeof(*l->v));
	l->v[l->n++] = *rs;
}

static int
cmp_rsource(const void *pa, const void *pb)
{
	const struct readiness_source *a = pa, *b = pb;
	const char *ia = a->src->ip, *ib = b->src->ip;

	if (a->failing != b->failing)
		return a->failing < b->failing ? 1 : -1;
	if (a->src->t.messages != b->src->t.messages)
		return a->src->t.messages < b->src->t.messages ? 1 : -1;
	if (ia == NULL || ib == NULL)
		return (ia == NULL) - (ib == NULL);
	return strcmp(ia, ib);
}

/* sorts, keeps MAX_READINESS_LIST, counts the rest, makes fix texts */
static void
list_finish(struct readiness_list *l, const struct readiness_domain *rd,
    int senders_used)
{
	size_t i;

	if (l->n > 1)
		qsort(l->v, l->n, sizeof(*l->v), cmp_rsource);
	for (i = MAX_READINESS_LIST; i < l->n; i++) {
		l->more++;
		l->more_messages += l->v[i].failing;
	}
	if (l->n > MAX_READINESS_LIST)
		l->n = MAX_READINESS_LIST;
	for (i = 0; i < l->n; i++)
		make_fixes(&l->v[i], rd, senders_used);
}

static void
list_release(struct readiness_list *l)
{
	size_t i, j;

	for (i = 0; i < l->n; i++)
		for (j = 0; j < l->v[i].n_fix; j++)
			free(l->v[i].fix[j]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/* ------------------------------------------------------------------ */
/* the judgement                                                      */

static void
judge_source(struct readiness_domain *rd, struct msource *s,
    const struct senders *ss)
{
	struct readiness_scope *sc = s->sub ? &rd->sub : &rd->own;
	struct readiness_source rs;
	struct evidence ev;

	memset(&rs, 0, sizeof(rs));
	gather(&ev, s, rd);
	rs.src = s;
	rs.sender = match_sender(ss, s);
	rs.cls = classify(s, &ev, rs.sender, ss != NULL, &rs.guessed);
	rs.failing = s->t.messages - s->t.dmarc_pass;
	if (rs.failing < EPS)
		rs.failing = 0;
	rs.aligned_pct = model_pct(s->t.dmarc_pass, s->t.messages);
	rs.authorized = rs.sender != NULL || s->t.dmarc_pass > EPS;
	s->cls = (int)rs.cls;
	sc->messages += s->t.messages;
	sc->class_messages[rs.cls] += s->t.messages;
	sc->class_sources[rs.cls]++;
	if (rs.authorized && rs.cls != RCLASS_FORWARDED &&
	    rs.aligned_pct < sc->worst_aligned_pct) {
		sc->worst_aligned_pct = rs.aligned_pct;
		sc->worst_source = s->ip != NULL ? s->ip : "(invalid address)";
		sc->worst_name = rs.sender != NULL ? rs.sender->name :
		    s->service;
	}
	if (rs.cls == RCLASS_MISALIGNED) {
		sc->legit_failing += rs.failing;
		list_push(&sc->blocking, &rs);
	} else if (rs.cls == RCLASS_FORWARDED) {
		sc->forwarded_failing += rs.failing;
		list_push(&sc->forwarded, &rs);
	} else if (rs.cls != RCLASS_ALIGNED)
		list_push(&sc->spoofing_src, &rs);
	if (s->sub && s->header_from.n > 0 && !s->header_from.v[0].other &&
	    s->header_from.v[0].messages > rd->sub_top_messages) {
		rd->sub_top = s->header_from.v[0].name;
		rd->sub_top_messages = s->header_from.v[0].messages;
	}
}

static void
add_blocker(struct readiness_domain *rd, char *s)
{
	rd->blockers = xreallocarray(rd->blockers, rd->n_blockers + 1,
	    sizeof(*rd->blockers));
	rd->blockers[rd->n_blockers++] = s;
}

static int
count_reporters(const struct msum *d)
{
	return (int)d->reporters.n;
}

static void
reason_policy(struct readiness_domain *rd)
{
	char when[32];

	window_timestamp(rd->policy_at, when, sizeof(when));
	switch (rd->origin) {
	case RORIGIN_LIVE:
		readiness_reason(rd, xasprintf("current policy: %s, from the "
		    "live DNS record looked up at %s", rd->policy, when));
		break;
	case RORIGIN_STORED:
		readiness_reason(rd, xasprintf("current policy: %s, from the "
		    "latest stored lookup (%s); no live lookup was made",
		    rd->policy, when));
		break;
	case RORIGIN_REPORTS:
		readiness_reason(rd, xasprintf("current policy: %s, as "
		    "receivers saw it on most messages in the window (the live "
		    "policy is unknown)", rd->policy));
		break;
	case RORIGIN_NONE:
		readiness_reason(rd, xstrdup("current policy unknown: no "
		    "lookup and no report says; taken as p=none"));
		break;
	}
}

static void
reason_step(struct readiness_domain *rd)
{
	switch (rd->next) {
	case RSTEP_QUARANTINE_TEST:
		readiness_reason(rd, xstrdup("next step: p=quarantine; t=y, "
		    "with pct=0 for receivers still on RFC 7489: t=y asks RFC "
		    "9989 receivers not to apply the policy yet, and RFC 7489 "
		    "receivers apply the next policy down (none) to mail "
		    "outside pct=0; the sources below are those quarantine "
		    "will hit once t=y is dropped"));
		break;
	case RSTEP_QUARANTINE:
		readiness_reason(rd, xstrdup("next step: p=quarantine with t=y "
		    "removed (t=n, the default) and pct removed (RFC 7489 "
		    "receivers: pct=100): failing mail goes to spam"));
		break;
	default:
		if (rd->current == RSTEP_REJECT)
			readiness_reason(rd, xstrdup("p=reject is the last "
			    "step: the sources below fail now and are being "
			    "rejected"));
		else
			readiness_reason(rd, xstrdup("next step: p=reject "
			    "without t=y or pct: failing mail is refused"));
		break;
	}
}

/* appends a short phrase to rd->thin ("only 7 days of data, ...") */
static void
add_thin(struct readiness_domain *rd, char *phrase)
{
	char *s;

	if (rd->thin == NULL) {
		rd->thin = phrase;
		return;
	}
	s = xasprintf("%s, %s", rd->thin, phrase);
	free(rd->thin);
	free(phrase);
	rd->thin = s;
}

static int
not_enough(struct readiness_domain *rd, const struct readiness_opts *o)
{
	long long n = (long long)model_round(rd->messages);

	if (rd->messages < o->min_messages) {
		readiness_reason(rd, xasprintf("only %lld messages in the "
		    "window; at least %.0f needed (--min-messages)", n,
		    o->min_messages));
		add_thin(rd, xasprintf("only %lld messages", n));
	}
	if (rd->days < o->min_days) {
		readiness_reason(rd, xasprintf("reports cover only %d days of "
		    "the window; at least %d needed (--min-days)", rd->days,
		    o->min_days));
		add_thin(rd, xasprintf("only %d day%s of data", rd->days,
		    rd->days == 1 ? "" : "s"));
	}
	if (rd->reporters < o->min_reporters) {
		readiness_reason(rd, xasprintf("only %d reporting "
		    "organization%s; at least %d needed (--min-reporters)",
		    rd->reporters, rd->reporters == 1 ? "" : "s",
		    o->min_reporters));
		add_thin(rd, xasprintf("only %d reporter%s", rd->reporters,
		    rd->reporters == 1 ? "" : "s"));
	}
	return rd->thin != NULL;
}

/* the criteria on the domain's own mail, as reasons */
static void
criteria(struct readiness_domain *rd, const struct readiness_opts *o)
{
	const struct readiness_scope *sc = &rd->own;

	readiness_reason(rd, xasprintf("%lld of %lld legitimate-looking "
	    "messages (%.2f%%) failed DMARC; %s %.2f%% (--max-legit-fail-pct)",
	    (long long)model_round(sc->legit_failing),
	    (long long)model_round(sc->legit), sc->legit_fail_pct, sc->over ?
	    "at or over the limit of" : "under the limit of",
	    o->max_legit_fail_pct));
	if (sc->weak)
		readiness_reason(rd, xasprintf("authorized source %s aligns "
		    "only %.2f%% of its mail; every authorized source needs "
		    "%.2f%% (--min-source-aligned-pct)", sc->worst_source,
		    sc->worst_aligned_pct, o->min_source_aligned_pct));
}

/* the first thing to fix: the blocking source with most failing mail */
static void
blockers_own(struct readiness_domain *rd)
{
	const struct readiness_scope *sc = &rd->own;
	const struct readiness_source *rs;
	const char *name;

	if (!(sc->over || sc->weak) || sc->blocking.n == 0)
		return;
	rs = &sc->blocking.v[0];
	name = rs->sender != NULL ? rs->sender->name : rs->src->service;
	add_blocker(rd, xasprintf("%s%s%s%s, %lld failing messages: %s",
	    rs->src->ip != NULL ? rs->src->ip : "(invalid address)",
	    name != NULL ? " (" : "", name != NULL ? name : "",
	    name != NULL ? ")" : "", (long long)model_round(rs->failing),
	    rs->n_fix > 0 ?	    rs->fix[0] : "make its mail align"));
}

static void
reason_volumes(struct readiness_domain *rd)
{
	long long spoof = (long long)model_round(rd->own.spoofing);
	long long fwd = (long long)model_round(rd->own.forwarded_failing);

	/* no sentence about no messages */
	if (spoof == 0)
		;
	else if (rd->current == RSTEP_REJECT)
		readiness_reason(rd, xasprintf("%lld unauthenticated messages "
		    "(likely spoofing) are being rejected", spoof));
	else if (rd->next == RSTEP_QUARANTINE_TEST)
		readiness_reason(rd, xasprintf("%lld unauthenticated messages "
		    "(likely spoofing): t=y does not stop them yet; "
		    "quarantine with t=n will", spoof));
	else
		readiness_reason(rd, xasprintf("%lld unauthenticated messages "
		    "(likely spoofing) would be %s", spoof,
		    rd->next == RSTEP_REJECT ? "rejected instead of "
		    "quarantined" : "quarantined instead of delivered"));
	if (fwd > 0)
		readiness_reason(rd, xasprintf("%lld failing messages came "
		    "through forwarders or mailing lists: they do not block "
		    "the move; receivers' overrides and ARC decide their fate",
		    fwd));
}

/* each unauthorized rua destination blocks: no reports, no evidence */
static void
blockers_destinations(struct readiness_domain *rd)
{
	for (size_t i = 0; i < rd->n_unauthorized; i++)
		add_blocker(rd, xasprintf("reports cannot arrive: %s",
		    rd->unauthorized[i]));
}

static void
verdict(struct readiness_domain *rd, const struct readiness_opts *o)
{
	int thin;

	reason_policy(rd);
	blockers_destinations(rd);
	reason_step(rd);
	thin = not_enough(rd, o);
	criteria(rd, o);
	blockers_own(rd);
	reason_volumes(rd);
	readiness_propose(rd);
	if (rd->current == RSTEP_REJECT)
		rd->verdict = RVERDICT_AT_REJECT;
	else if (rd->n_blockers > 0)
		rd->verdict = RVERDICT_NOT_READY;
	else
		rd->verdict = thin ? RVERDICT_NOT_ENOUGH_DATA : RVERDICT_READY;
}

static void
scope_finish(struct readiness_scope *sc, const struct readiness_domain *rd,
    const struct readiness_opts *o, int senders_used)
{
	sc->spoofing = sc->class_messages[RCLASS_UNAUTHENTICATED] +
	    sc->class_messages[RCLASS_UNAUTHORIZED];
	sc->legit = sc->messages - sc->spoofing;
	if (sc->legit < EPS)
		sc->legit = 0;
	sc->legit_fail_pct = model_pct(sc->legit_failing, sc->legit);
	sc->over = sc->legit_failing > EPS &&
	    sc->legit_fail_pct >= o->max_legit_fail_pct;
	sc->weak = sc->worst_source != NULL &&
	    sc->worst_aligned_pct < o->min_source_aligned_pct;
	list_finish(&sc->blocking, rd, senders_used);
	list_finish(&sc->forwarded, rd, senders_used);
	list_finish(&sc->spoofing_src, rd, senders_used);
}

static void
domain_finish(struct readiness_domain *rd, const struct msum *d,
    const struct readiness_opts *o, int senders_used)
{
	rd->messages = d->t.messages;
	rd->days = d->days_covered;
	rd->reporters = count_reporters(d);
	scope_finish(&rd->own, rd, o, senders_used);
	scope_finish(&rd->sub, rd, o, senders_used);
	verdict(rd, o);
}

int
readiness_judge(struct model *m, const struct readiness_opts *o,
    const struct senders *ss, const struct classify *svc, struct dns *dns,
    struct readiness_result *r, char *err, size_t errlen)
{
	size_t i;

	memset(r, 0, sizeof(*r));
	r->opts = *o;
	r->win = m->win;
	r->senders_used = ss != NULL;
	/* PTR names: shown for each source, and matched by ptr senders */
	if (dns != NULL && sources_resolve(m, dns, err, errlen) == -1)
		return -1;
	/* a known service makes a source legitimate-looking */
	sources_classify(m, svc);
	r->n_domains = m->n_domains;
	r->domains = xcalloc(m->n_domains ? m->n_domains : 1,
	    sizeof(*r->domains));
	for (i = 0; i < m->n_domains; i++) {
		r->domains[i].domain = m->domains[i].domain;
		r->domains[i].own.worst_aligned_pct = 100.0;
		r->domains[i].sub.worst_aligned_pct = 100.0;
		find_policy(&r->domains[i], &m->domains[i], dns);
	}
	for (i = 0; i < m->n_sources; i++) {
		struct msource *s = &m->sources[i];
		struct msum *d = s->domain ? model_domain(m, s->domain) : NULL;

		if (d != NULL)
			judge_source(&r->domains[d - m->domains], s, ss);
	}
	for (i = 0; i < m->n_domains; i++)
		domain_finish(&r->domains[i], &m->domains[i], o, ss != NULL);
	return 0;
}

static void
scope_release(struct readiness_scope *sc)
{
	list_release(&sc->blocking);
	list_release(&sc->forwarded);
	list_release(&sc->spoofing_src);
}

void
readiness_result_release(struct readiness_result *r)
{
	size_t i, j;

	if (r == NULL)
		return;
	for (i = 0; i < r->n_domains; i++) {
		struct readiness_domain *rd = &r->domains[i];

		free(rd->policy);
		free(rd->record);
		free(rd->base_record);
		free(rd->thin);
		scope_release(&rd->own);
		scope_release(&rd->sub);
		for (j = 0; j < rd->n_blockers; j++)
			free(rd->blockers[j]);
		free(rd->blockers);
		for (j = 0; j < rd->n_reasons; j++)
			free(rd->reasons[j]);
		free(rd->reasons);
		for (j = 0; j < rd->n_unauthorized; j++)
			free(rd->unauthorized[j]);
		free(rd->unauthorized);
	}
	free(r->domains);
	memset(r, 0, sizeof(*r));
}

int
readiness_build(struct rdb *db, struct dns *dns, const struct query_opts *qo,
    const struct readiness_opts *o, const struct senders *ss,
    const struct classify *svc, struct model *m, struct readiness_result *r,
    char *err, size_t errlen)
{
	struct query_opts q = *qo;

	memset(r, 0, sizeof(*r));
	q.sources = 1;
	q.split_subdomains = 1;
	q.failing_only = 0;
	if (query_run(db, &q, m, err, errlen) == -1)
		return -1;
	return readiness_judge(m, o, ss, svc, dns, r, err, errlen);
}

const char *
readiness_source_ptr(const struct readiness_source *rs)
{
	return rs->src->ptr != NULL || rs->src->ptr_status != NULL ?
	    msource_ptr_label(rs->src) : NULL;
}
