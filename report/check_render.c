/*
 * Output of the check mode (dnscheck.h): text (a block per domain, worst
 * first, an item per line), JSON (one object, documented in
 * dmarc-report(1)) and CSV (one row per item, RFC 4180 with CRLF).
 * Every string from DNS or the database leaves through escape_term,
 * escape_json or escape_csv.
 */
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "dnscheck.h"
#include "escape.h"
#include "limits.h"
#include "window.h"


static int
text_item(struct buf *b, const struct check_item *it)
{
	char head[64];

	snprintf(head, sizeof(head), "  %-7s %-5s ",
	    check_verdict_name(it->verdict), it->area);
	if (buf_adds(b, head) == -1 || escape_term(b, it->subject) == -1 ||
	    buf_adds(b, ": ") == -1 || escape_term(b, it->text) == -1)
		return -1;
	if (it->messages >= 0) {
		snprintf(head, sizeof(head), " [%.0f messages]", it->messages);
		if (buf_adds(b, head) == -1)
			return -1;
	}
	return buf_addc(b, '\n');
}

static int
render_text(struct buf *b, const struct check_result *r)
{
	char line[128], since[16], until[16];

	window_date(r->window.since, since, sizeof(since));
	window_date(r->window.until - 1, until, sizeof(until));
	for (size_t i = 0; i < r->n_domains; i++) {
		const struct check_domain *d = &r->domains[i];

		if ((i > 0 && buf_addc(b, '\n') == -1) ||
		    escape_term(b, d->domain) == -1)
			return -1;
		snprintf(line, sizeof(line), ": %s (%.0f messages in the "
		    "reports %s to %s)\n", check_verdict_name(d->worst),
		    d->messages, since, until);
		if (buf_adds(b, line) == -1)
			return -1;
		for (size_t k = 0; k < d->n_items; k++)
			if (text_item(b, &d->items[k]) == -1)
				return -1;
		if (d->dropped > 0) {
			snprintf(line, sizeof(line), "  (%zu more items not "
			    "shown)\n", d->dropped);
			if (buf_adds(b, line) == -1)
				return -1;
		}
	}
	return 0;
}

/* "KEY":"VALUE" with the value escaped */
static int
json_str(struct buf *b, const char *key, const char *v)
{
	return buf_addc(b, '"') == -1 || buf_adds(b, key) == -1 ||
	    buf_adds(b, "\":\"") == -1 || escape_json(b, v) == -1 ||
	    buf_addc(b, '"') == -1 ? -1 : 0;
}

static int
json_item(struct buf *b, const struct check_item *it)
{
	char num[64];

	if (it->messages >= 0)
		snprintf(num, sizeof(num), ",\"messages\":%.0f}", it->messages);
	else
		snprintf(num, sizeof(num), ",\"messages\":null}");
	return buf_addc(b, '{') == -1 || json_str(b, "area", it->area) == -1 ||
	    buf_addc(b, ',') == -1 ||
	    json_str(b, "verdict", check_verdict_name(it->verdict)) == -1 ||
	    buf_addc(b, ',') == -1 || json_str(b, "code", it->code) == -1 ||
	    buf_addc(b, ',') == -1 ||
	    json_str(b, "subject", it->subject) == -1 ||
	    buf_addc(b, ',') == -1 || json_str(b, "text", it->text) == -1 ||
	    buf_adds(b, num) == -1 ? -1 : 0;
}

static int
render_json(struct buf *b, const struct check_result *r)
{
	char head[256], ts[32];

	window_timestamp(r->checked_at, ts, sizeof(ts));
	snprintf(head, sizeof(head), "{\"checked_at\":%lld,\"checked\":\"%s\","
	    "\"since\":%lld,\"until\":%lld,\"dns\":%s,\"domains\":[",
	    (long long)r->checked_at, ts, (long long)r->window.since,
	    (long long)r->window.until, r->no_dns ? "false" : "true");
	if (buf_adds(b, head) == -1)
		return -1;
	for (size_t i = 0; i < r->n_domains; i++) {
		const struct check_domain *d = &r->domains[i];

		snprintf(head, sizeof(head), ",\"verdict\":\"%s\","
		    "\"messages\":%.0f,\"items_dropped\":%zu,\"items\":[",
		    check_verdict_name(d->worst), d->messages, d->dropped);
		if ((i > 0 && buf_addc(b, ',') == -1) ||
		    buf_addc(b, '{') == -1 ||
		    json_str(b, "domain", d->domain) == -1 ||
		    buf_adds(b, head) == -1)
			return -1;
		for (size_t k = 0; k < d->n_items; k++)
			if ((k > 0 && buf_addc(b, ',') == -1) ||
			    json_item(b, &d->items[k]) == -1)
				return -1;
		if (buf_adds(b, "]}") == -1)
			return -1;
	}
	return buf_adds(b, "]}\n");
}

static int
csv_field(struct buf *b, const char *v, int last)
{
	return escape_csv(b, v) == -1 || buf_adds(b, last ? "\r\n" : ",") ==
	    -1 ? -1 : 0;
}

static int
render_csv(struct buf *b, const struct check_result *r)
{
	char num[32];

	if (buf_adds(b, "domain,area,verdict,code,subject,messages,text\r\n") ==
	    -1)
		return -1;
	for (size_t i = 0; i < r->n_domains; i++)
		for (size_t k = 0; k < r->domains[i].n_items; k++) {
			const struct check_item *it = &r->domains[i].items[k];

			num[0] = '\0';
			if (it->messages >= 0)
				snprintf(num, sizeof(num), "%.0f",
				    it->messages);
			if (csv_field(b, r->domains[i].domain, 0) == -1 ||
			    csv_field(b, it->area, 0) == -1 ||
			    csv_field(b, check_verdict_name(it->verdict),
			    0) == -1 || csv_field(b, it->code, 0) == -1 ||
			    csv_field(b, it->subject, 0) == -1 ||
			    csv_field(b, num, 0) == -1 ||
			    csv_field(b, it->text, 1) == -1)
				return -1;
		}
	return 0;
}

int
check_render(FILE *f, enum check_format fmt, const struct check_result *r)
{
	struct buf b;
	int rc;

	buf_init(&b, MAX_CHECK_OUTPUT);
	rc = fmt == CHECK_JSON ? render_json(&b, r) : fmt == CHECK_CSV ?
	    render_csv(&b, r) : render_text(&b, r);
	if (rc == 0 && (fwrite(buf_cstr(&b), 1, b.len, f) != b.len ||
	    fflush(f) != 0))
		rc = -1;
	buf_release(&b);
	return rc;
}
