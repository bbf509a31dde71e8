/*
 * The `policy DOMAIN` mode's output (policy.h): one lookup and its
 * history as text (a block per section) or JSON, and the brief JSON
 * object summary embeds.  Every untrusted string leaves through
 * escape_term or escape_json.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "escape.h"
#include "limits.h"
#include "policy.h"
#include "render.h"
#include "xalloc.h"

struct out {
	struct buf	*b;
	int		 rc;
	int		 json;		/* JSON, else text */
};

static void
put(struct out *o, const char *trusted)
{
	if (buf_adds(o->b, trusted) == -1)
		o->rc = -1;
}

static void
putf(struct out *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
putf(struct out *o, const char *fmt, ...)
{
	char s[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s, sizeof(s), fmt, ap);
	va_end(ap);
	put(o, s);
}

/*
 * An untrusted string, escaped for the format (JSON: quoted or null)
 * through render_escaped(): one too long shows as render_too_long
 * instead of failing the whole output.
 */
static void
put_esc(struct out *o, const char *s)
{
	struct buf v;

	if (o->json && s == NULL) {
		put(o, "null");
		return;
	}
	render_scratch_init(&v);
	if (o->json) {
		put(o, "\"");
		put(o, render_escaped(&v, escape_json, s));
		put(o, "\"");
	} else
		put(o, render_escaped(&v, escape_term, s != NULL ? s : "-"));
	buf_release(&v);
}

static void
put_time(struct out *o, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	char s[32];

	if (gmtime_r(&tt, &tm) == NULL || strftime(s, sizeof(s),
	    o->json ? "\"%Y-%m-%dT%H:%M:%SZ\"" :
	    "%Y-%m-%d %H:%M UTC", &tm) == 0)
		put(o, o->json ? "null" : "?");
	else
		put(o, s);
}

static const char *
letter(char c, char s[2])
{
	s[0] = c;
	s[1] = '\0';
	return c != 0 ? s : NULL;
}

static void
text_tags(struct out *o, const struct dmarcrec *r)
{
	char l[2];

	putf(o, "  tags         p=%s sp=%s np=%s", dmarcrec_p_name(r->p) ?
	    dmarcrec_p_name(r->p) : "-", dmarcrec_p_name(r->sp) ?
	    dmarcrec_p_name(r->sp) : "-", dmarcrec_p_name(r->np) ?
	    dmarcrec_p_name(r->np) : "-");
	putf(o, " psd=%s t=%s adkim=%s aspf=%s", letter(r->psd, l) ? l : "-",
	    r->t ? (r->t == 'y' ? "y" : "n") : "-",
	    r->adkim ? (r->adkim == 's' ? "s" : "r") : "-",
	    r->aspf ? (r->aspf == 's' ? "s" : "r") : "-");
	if (r->pct >= 0)
		putf(o, " pct=%d", r->pct);
	put(o, "\n  rua          ");
	put_esc(o, r->rua);
	put(o, "\n  ruf          ");
	put_esc(o, r->ruf);
	put(o, "\n  fo           ");
	put_esc(o, r->fo);
	put(o, "\n");
}

static void
text_notes(struct out *o, const struct dmarcrec *r)
{
	if (r->n_notes == 0)
		return;
	put(o, "notes:\n");
	for (size_t i = 0; i < r->n_notes; i++) {
		putf(o, "  %-8s %s: ", dmarcrec_sev_name(r->notes[i].sev),
		    r->notes[i].code);
		put_esc(o, r->notes[i].text);
		put(o, "\n");
	}
}

static void
text_history(struct out *o, const struct policy_change *c, size_t n)
{
	if (n == 0)
		return;
	put(o, "history (oldest first):\n");
	for (size_t i = 0; i < n; i++) {
		put(o, "  ");
		put_time(o, c[i].first_seen);
		put(o, " .. ");
		put_time(o, c[i].last_seen);
		putf(o, "  %lu lookup%s  %s", c[i].lookups, c[i].lookups == 1 ?
		    "" : "s", policy_status_name(c[i].status));
		if (c[i].raw != NULL) {
			put(o, " at ");
			put_esc(o, c[i].record_domain);
			put(o, ": ");
			put_esc(o, c[i].raw);
		}
		put(o, "\n");
	}
}

/* whole minutes (rounded up) a cached answer stays valid after now */
static long long
cache_minutes_left(const struct policy_lookup *pl)
{
	int64_t left = pl->expires_at - pl->looked_up_at;

	return left > 0 ? (long long)((left + 59) / 60) : 0;
}

static void
text_looked_up(struct out *o, const struct policy_lookup *pl)
{
	put(o, "\n  looked up    ");
	if (pl->status == POLICY_NOT_LOOKED_UP) {
		put(o, "never (--no-dns and no stored lookup: run without "
		    "--no-dns)\n");
		return;
	}
	if (pl->cached) {
		put_time(o, pl->answered_at);
		putf(o, " (cached, %lld min left; --refresh asks again)\n",
		    cache_minutes_left(pl));
		return;
	}
	put_time(o, pl->looked_up_at);
	put(o, pl->stored ? " (stored lookup)\n" : "\n");
}

static void
text_dests(struct out *o, const struct policy_lookup *pl)
{
	if (pl->n_dests == 0)
		return;
	put(o, "report destinations:\n");
	for (size_t i = 0; i < pl->n_dests; i++) {
		const struct policy_dest *d = &pl->dests[i];

		putf(o, "  %s  ", d->tag);
		put_esc(o, d->uri);
		putf(o, "  %s", policy_dest_status_name(d->status));
		if (d->qname != NULL) {
			put(o, " (");
			put_esc(o, d->qname);
			put(o, ")");
		}
		put(o, "\n");
	}
}

static void
policy_text(struct out *o, const struct policy_lookup *pl,
    const struct policy_change *c, size_t n)
{
	const char *ap = dmarcrec_p_name(policy_applied(pl));

	put(o, "DMARC policy for ");
	put_esc(o, pl->domain);
	text_looked_up(o, pl);
	putf(o, "  status       %s\n", policy_status_name(pl->status));
	put(o, "  found at     ");
	put_esc(o, pl->record_domain);
	put(o, "\n  org domain   ");
	put_esc(o, pl->org_domain);
	put(o, "\n  record       ");
	if (pl->status == POLICY_INVALID)
		put(o, "none that receivers use (see notes)");
	else
		put_esc(o, pl->raw);
	putf(o, "\n  valid        %s\n  applies      %s\n", pl->raw == NULL ?
	    "-" : pl->rec.valid ? "yes" : "no", ap != NULL ? ap : "-");
	if (pl->raw != NULL && pl->rec.is_dmarc)
		text_tags(o, &pl->rec);
	text_dests(o, pl);
	text_notes(o, &pl->rec);
	text_history(o, c, n);
}

static void
json_letter(struct out *o, const char *key, char c)
{
	char l[2];

	putf(o, "\"%s\": ", key);
	put_esc(o, letter(c, l));
	put(o, ", ");
}

static void
json_tags(struct out *o, const struct dmarcrec *r)
{
	put(o, "\"tags\": {\"p\": ");
	put_esc(o, dmarcrec_p_name(r->p));
	put(o, ", \"sp\": ");
	put_esc(o, dmarcrec_p_name(r->sp));
	put(o, ", \"np\": ");
	put_esc(o, dmarcrec_p_name(r->np));
	put(o, ", \"effective_p\": ");
	put_esc(o, dmarcrec_p_name(r->effective_p));
	put(o, ", ");
	json_letter(o, "psd", r->psd);
	json_letter(o, "t", r->t);
	json_letter(o, "adkim", r->adkim);
	json_letter(o, "aspf", r->aspf);
	put(o, "\"rua\": ");
	put_esc(o, r->rua);
	put(o, ", \"ruf\": ");
	put_esc(o, r->ruf);
	put(o, ", \"fo\": ");
	put_esc(o, r->fo);
	if (r->pct >= 0)
		putf(o, ", \"pct\": %d", r->pct);
	else
		put(o, ", \"pct\": null");
	put(o, ", \"rf\": ");
	put_esc(o, r->rf);
	put(o, ", \"ri\": ");
	put_esc(o, r->ri);
	put(o, "}");
}

static void
json_notes(struct out *o, const struct dmarcrec *r)
{
	put(o, "\"notes\": [");
	for (size_t i = 0; i < r->n_notes; i++) {
		putf(o, "%s{\"severity\": \"%s\", \"code\": ", i ? ", " : "",
		    dmarcrec_sev_name(r->notes[i].sev));
		put_esc(o, r->notes[i].code);
		put(o, ", \"text\": ");
		put_esc(o, r->notes[i].text);
		put(o, "}");
	}
	put(o, "]");
}

static void
json_ignored(struct out *o, const struct policy_lookup *pl)
{
	put(o, "\"ignored_records\": [");
	for (size_t i = 0; i < pl->n_ignored; i++) {
		const struct policy_ignored *ig = &pl->ignored[i];

		put(o, i ? ", {\"name\": " : "{\"name\": ");
		put_esc(o, ig->name);
		put(o, ", \"record\": ");
		put_esc(o, ig->raw);
		put(o, ", \"reason\": ");
		put_esc(o, ig->why);
		put(o, ", \"corrected\": ");
		put_esc(o, ig->fixed);
		put(o, "}");
	}
	put(o, "]");
}

static void
json_dests(struct out *o, const struct policy_lookup *pl)
{
	put(o, "\"destinations\": [");
	for (size_t i = 0; i < pl->n_dests; i++) {
		const struct policy_dest *d = &pl->dests[i];

		putf(o, "%s{\"tag\": \"%s\", \"uri\": ", i ? ", " : "",
		    d->tag);
		put_esc(o, d->uri);
		put(o, ", \"host\": ");
		put_esc(o, d->host);
		put(o, ", \"query\": ");
		put_esc(o, d->qname);
		putf(o, ", \"status\": \"%s\"}",
		    policy_dest_status_name(d->status));
	}
	put(o, "]");
}

/* the members shared by the full and the brief JSON object */
static void
json_core(struct out *o, const struct policy_lookup *pl)
{
	putf(o, "\"status\": \"%s\", \"record_domain\": ",
	    policy_status_name(pl->status));
	put_esc(o, pl->record_domain);
	put(o, ", \"record\": ");
	put_esc(o, pl->raw);
	putf(o, ", \"valid\": %s, \"applied_policy\": ", pl->raw != NULL &&
	    pl->rec.valid ? "true" : "false");
	put_esc(o, dmarcrec_p_name(policy_applied(pl)));
	put(o, ", ");
	json_tags(o, &pl->rec);
	put(o, ", ");
	json_ignored(o, pl);
	put(o, ", ");
	json_dests(o, pl);
	put(o, ", ");
	json_notes(o, &pl->rec);
}

static void
json_history(struct out *o, const struct policy_change *c, size_t n)
{
	put(o, "\"history\": [");
	for (size_t i = 0; i < n; i++) {
		putf(o, "%s{\"status\": \"%s\", \"record_domain\": ",
		    i ? ", " : "", policy_status_name(c[i].status));
		put_esc(o, c[i].record_domain);
		put(o, ", \"record\": ");
		put_esc(o, c[i].raw);
		putf(o, ", \"first_seen\": %lld, \"last_seen\": %lld, "
		    "\"lookups\": %lu}", (long long)c[i].first_seen,
		    (long long)c[i].last_seen, c[i].lookups);
	}
	put(o, "]");
}

static void
policy_json(struct out *o, const struct policy_lookup *pl,
    const struct policy_change *c, size_t n)
{
	put(o, "{\"domain\": ");
	put_esc(o, pl->domain);
	putf(o, ", \"looked_up_at\": %lld, \"looked_up\": ",
	    (long long)pl->looked_up_at);
	if (pl->status == POLICY_NOT_LOOKED_UP)
		put(o, "null");
	else
		put_time(o, pl->looked_up_at);
	putf(o, ", \"source\": \"%s\", ", pl->stored ? "stored" :
	    pl->cached ? "cache" : "dns");
	if (pl->cached)
		putf(o, "\"answered_at\": %lld, \"cache_seconds_left\": %lld, ",
		    (long long)pl->answered_at, (long long)(pl->expires_at >
		    pl->looked_up_at ? pl->expires_at - pl->looked_up_at : 0));
	else
		put(o, "\"answered_at\": null, \"cache_seconds_left\": null, ");
	if (pl->rcode >= 0)
		putf(o, "\"rcode\": %d, \"org_domain\": ", pl->rcode);
	else
		put(o, "\"rcode\": null, \"org_domain\": ");
	put_esc(o, pl->org_domain);
	put(o, ", ");
	json_core(o, pl);
	put(o, ", ");
	json_history(o, c, n);
	put(o, "}\n");
}

int
policy_render_text(struct buf *b, const struct policy_lookup *pl,
    const struct policy_change *c, size_t n)
{
	struct out o = { b, 0, 0 };

	policy_text(&o, pl, c, n);
	return o.rc;
}

int
policy_render_json(struct buf *b, const struct policy_lookup *pl,
    const struct policy_change *c, size_t n)
{
	struct out o = { b, 0, 1 };

	policy_json(&o, pl, c, n);
	return o.rc;
}

int
policy_render_json_brief(struct buf *b, const struct policy_lookup *pl)
{
	struct out o = { b, 0, 1 };

	put(&o, "{");
	json_core(&o, pl);
	put(&o, "}");
	return o.rc;
}
