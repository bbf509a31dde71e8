/*
 * Lifecycle of the report model: every string and array in it is owned by
 * the struct and freed here.
 */
#include <stdlib.h>
#include <string.h>

#include "rua.h"

void
word_release(struct word *w)
{
	free(w->raw);
	w->raw = NULL;
	w->norm = NULL;
}

void
report_init(struct report *r)
{
	memset(r, 0, sizeof(*r));
	r->format = FORMAT_RFC7489;
	r->policy.pct = -1;
}

static void
policy_release(struct policy *p)
{
	free(p->domain);
	free(p->domain_unicode);
	word_release(&p->adkim);
	word_release(&p->aspf);
	word_release(&p->p);
	word_release(&p->sp);
	word_release(&p->np);
	free(p->fo);
	word_release(&p->testing);
	word_release(&p->discovery_method);
}

void
report_release(struct report *r)
{
	free(r->xmlns);
	free(r->version);
	free(r->org_name);
	free(r->email);
	free(r->extra_contact_info);
	free(r->report_id);
	free(r->generator);
	for (size_t i = 0; i < r->n_errors; i++)
		free(r->errors[i]);
	free(r->errors);
	policy_release(&r->policy);
	report_init(r);
}

void
record_init(struct record *r)
{
	memset(r, 0, sizeof(*r));
	r->receiver_pass = -1;
}

void
record_release(struct record *r)
{
	free(r->source_ip_raw);
	word_release(&r->disposition);
	word_release(&r->eval_dkim);
	word_release(&r->eval_spf);
	for (size_t i = 0; i < r->n_reasons; i++) {
		word_release(&r->reasons[i].type);
		free(r->reasons[i].comment);
	}
	free(r->reasons);
	free(r->envelope_to);
	free(r->envelope_from);
	free(r->header_from);
	free(r->header_from_unicode);
	for (size_t i = 0; i < r->n_dkim; i++) {
		free(r->dkim[i].domain);
		free(r->dkim[i].domain_unicode);
		free(r->dkim[i].selector);
		word_release(&r->dkim[i].result);
		free(r->dkim[i].human_result);
	}
	free(r->dkim);
	for (size_t i = 0; i < r->n_spf; i++) {
		free(r->spf[i].domain);
		free(r->spf[i].domain_unicode);
		word_release(&r->spf[i].scope);
		word_release(&r->spf[i].result);
		free(r->spf[i].human_result);
	}
	free(r->spf);
	record_init(r);
}
