/*
 * The DMARC record the readiness verdict tells the postmaster to publish
 * (readiness.h: readiness_record): the current record with the policy
 * tags of the next step put in and every other tag (rua, ruf, adkim, fo
 * ...) kept, so that following the advice never stops the reports.  Pure
 * text work; readiness.c decides the words.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "dmarcrec.h"
#include "dns.h"
#include "readiness.h"

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
