/*
 * The parsed DMARC aggregate report (rua) as the parser hands it to
 * alignment and the store.
 * Every field of RFC 7489 appendix C and RFC 9990 has a place here.  All
 * strings are clean UTF-8 without NUL, owned by the struct, NULL when the
 * element was absent (or empty where the field is optional).  Enumerated
 * words are kept twice: raw as received and normalised to the schema word.
 */
#ifndef DMARC_RUA_H
#define DMARC_RUA_H

#include <stddef.h>
#include <stdint.h>

#include "ipaddr.h"

enum report_format {
	FORMAT_RFC7489 = 1,	/* no namespace or a dmarc.org draft one */
	FORMAT_RFC9990 = 2,	/* dmarc-2.0 namespace or 9990-only elements */
};

/*
 * An enumerated value.  raw is the text as received (trimmed), NULL if the
 * element was absent; norm is a static schema word ("pass", "quarantine")
 * or NULL when raw is absent or maps to nothing known.
 */
struct word {
	char		*raw;
	const char	*norm;
};

struct policy {
	char		*domain;	/* policy domain, A-labels, lower-cased */
	char		*domain_unicode; /* U-label form if given, or NULL */
	struct word	 adkim;		/* r, s */
	struct word	 aspf;		/* r, s */
	struct word	 p;		/* none, quarantine, reject */
	struct word	 sp;
	struct word	 np;		/* RFC 9990 */
	int64_t		 pct;		/* 0..100; -1 when absent (RFC 9990) */
	char		*fo;		/* colon list as text: "0:1:d" */
	struct word	 testing;	/* RFC 9990 t= value: n, y */
	struct word	 discovery_method; /* RFC 9990: psl, treewalk */
};

struct report {
	enum report_format format;
	char		*xmlns;		/* namespace URI seen on feedback, or NULL */
	char		*version;	/* as received: "1.0", "0.1", NULL */
	char		*org_name;
	char		*email;
	char		*extra_contact_info;
	char		*report_id;
	char		*generator;	/* RFC 9990 */
	int64_t		 begin;		/* epoch seconds, UTC */
	int64_t		 end;
	char		**errors;	/* report_metadata/error, in order */
	size_t		 n_errors;
	struct policy	 policy;
	size_t		 n_records;	/* records seen so far */
	int64_t		 messages;	/* sum of record counts so far */
};

struct reason {
	struct word	 type;		/* forwarded, sampled_out, trusted_forwarder,
					   mailing_list, local_policy, other,
					   policy_test_mode */
	char		*comment;
};

struct dkim_auth {
	char		*domain;	/* d=, A-labels, lower-cased */
	char		*domain_unicode; /* U-label form if given, or NULL */
	char		*selector;
	struct word	 result;	/* none pass fail policy neutral
					   temperror permerror */
	char		*human_result;
};

struct spf_auth {
	char		*domain;	/* A-labels, lower-cased */
	char		*domain_unicode; /* U-label form if given, or NULL */
	struct word	 scope;		/* helo, mfrom; absent means mfrom */
	struct word	 result;	/* none neutral pass fail softfail
					   policy temperror permerror */
	char		*human_result;
};

struct record {
	char		*source_ip_raw;	/* as received */
	char		 source_ip[IPADDR_TEXT_LEN]; /* canonical, "" if invalid */
	int		 ip_family;	/* 4, 6, or 0 when invalid */
	int64_t		 count;		/* messages, 0..MAX_RECORD_COUNT */
	struct word	 disposition;	/* none, pass, quarantine, reject */
	struct word	 eval_dkim;	/* receiver's aligned verdict: pass, fail */
	struct word	 eval_spf;
	struct reason	*reasons;
	size_t		 n_reasons;
	char		*envelope_to;
	char		*envelope_from;
	char		*header_from;	/* A-labels, lower-cased */
	char		*header_from_unicode; /* U-label form if given */
	struct dkim_auth *dkim;
	size_t		 n_dkim;
	struct spf_auth	*spf;
	size_t		 n_spf;

	/* computed by align_record(); 0 or 1 */
	int		 dkim_aligned;
	int		 spf_aligned;
	int		 dmarc_pass;	/* dkim_aligned || spf_aligned */
	int		 receiver_pass;	/* eval_dkim or eval_spf is pass; -1
					   when the receiver gave neither */
};

void	report_init(struct report *);
/* frees every string of the report and re-initialises it */
void	report_release(struct report *);
void	record_init(struct record *);
/* frees every string and array of the record and re-initialises it */
void	record_release(struct record *);
void	word_release(struct word *);

#endif
