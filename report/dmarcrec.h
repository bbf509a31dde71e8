/*
 * The DMARC policy record (a DNS TXT record at _dmarc.DOMAIN): parser and
 * validator after RFC 9989 (DMARCbis), section 4.7's tag list, with the
 * notes a postmaster needs.  Pure: takes the text, produces a struct
 * dmarcrec plus notes; no DNS, no database, no output.  policy.c does the
 * tree walk and the rendering.
 *
 * Grammar: tag=value pairs separated by ';', whitespace around each
 * allowed, a trailing ';' allowed.  v=DMARC1 must be the first tag.  Tags
 * and keyword values are matched case-insensitively (RFC 9989: "tag names
 * and values are case-insensitive" for keywords); URIs keep their case.
 * Known tags: v p sp np psd t adkim aspf rua ruf fo; pct rf ri are parsed
 * but flagged as removed by RFC 9989; other tags are ignored with a note.
 */
#ifndef DMARC_DMARCREC_H
#define DMARC_DMARCREC_H

#include <stddef.h>

#include "limits.h"

enum dmarcrec_sev {
	DMARCREC_ERROR,		/* the record (or part) is invalid per RFC */
	DMARCREC_WARNING,	/* valid but likely not what the owner wants */
	DMARCREC_INFO,		/* worth knowing */
};

/*
 * One note.  code is a stable name (JSON, database): "syntax",
 * "not-dmarc", "v-not-first", "duplicate-tag", "bad-value", "missing-p",
 * "unknown-tag", "removed-tag", "no-rua", "p-none", "sp-weaker",
 * "np-weaker", "pct-partial", "testing", "bad-uri", "several-records",
 * "not-at-domain", "dns-error" (the last three are added by policy.c).
 */
struct dmarcrec_note {
	enum dmarcrec_sev	 sev;
	char			 code[24];
	/* owned; plain ASCII plus quoted input */
	char			*text;
};

/* keyword policy values; DMARCREC_P_UNSET when the tag is absent */
enum dmarcrec_p {
	DMARCREC_P_UNSET,
	DMARCREC_P_NONE,
	DMARCREC_P_QUARANTINE,
	DMARCREC_P_REJECT,
};

struct dmarcrec {
	int		 is_dmarc;	/* starts with v=DMARC1 */
	/* is_dmarc and no DMARCREC_ERROR note */
	int		 valid;
	enum dmarcrec_p	 p, sp, np;	/* as published; UNSET if absent or
					   invalid */
	enum dmarcrec_p	 effective_p;	/* p, or NONE when p is missing or
					   invalid but rua is valid
					   (RFC 9989 4.7), else UNSET */
	char		 psd;		/* 'y' 'n' 'u', 0 if absent */
	char		 t;		/* 'y' 'n', 0 if absent (= n) */
	char		 adkim, aspf;	/* 'r' 's', 0 if absent (= r) */
	int		 pct;		/* 0..100, -1 if absent (legacy) */
	char		*rua, *ruf;	/* owned raw values, NULL if absent */
	char		*fo;		/* owned raw value, NULL if absent */
	/* owned legacy values, NULL if absent */
	char		*rf, *ri;
	struct dmarcrec_note notes[MAX_DMARCREC_NOTES];
	size_t		 n_notes;
	int		 notes_dropped;	/* more notes than MAX_DMARCREC_NOTES */
};

/*
 * Parses and validates one record.  rec is initialised here (no
 * dmarcrec_init needed) and must be released with dmarcrec_release even
 * when the result is "not DMARC".  Returns 0 when the text is a valid
 * DMARC record, -1 otherwise (rec->is_dmarc says whether it was meant to
 * be one; the notes say what is wrong, with the tag and offset).
 */
int	dmarcrec_parse(const char *txt, struct dmarcrec *rec);
void	dmarcrec_release(struct dmarcrec *);

/*
 * Adds a note (printf-style text), e.g. from the tree walk.  Silently
 * counts into notes_dropped when the list is full.
 */
void	dmarcrec_note(struct dmarcrec *, enum dmarcrec_sev, const char *code,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/*
 * 1 if txt starts with the version tag receivers look for: "v" WSP* "="
 * WSP* "DMARC1", then WSP*, then ';' or the end (RFC 9989 4.7; the
 * errata to RFC 7489 7.1 show both "v=DMARC1" and "v=DMARC1;").
 */
int	dmarcrec_is_dmarc(const char *txt);

/*
 * For a TXT record receivers ignore at a _dmarc name (dmarcrec_is_dmarc()
 * is 0): writes why into why (plain ASCII, no trailing full stop, e.g.
 * "'v=DMARC1' is not followed by ';'") and returns the record receivers
 * would use, when one can be inferred (owned, caller frees): the same
 * tags with 'v=DMARC1' first and ';' between the tags, which
 * dmarcrec_is_dmarc() accepts.  NULL when the text holds no v=DMARC1 tag
 * (another kind of record: SPF, a site verification token ...) or cannot
 * be split into tag=value pairs.  Pure; txt is untrusted and not quoted
 * into why.
 */
char	*dmarcrec_explain(const char *txt, char *why, size_t whylen);

/*
 * Chooses the DMARC record among the TXT records at one name (RFC 9989
 * 4.10 step 2): records not starting with "v=DMARC1" are discarded; if
 * exactly one remains its index is returned; -1 if none; -2 if several
 * (all must then be discarded: "several-records").
 */
int	dmarcrec_select(char *const *txts, size_t n);

/* "none" "quarantine" "reject", NULL for DMARCREC_P_UNSET */
const char *dmarcrec_p_name(enum dmarcrec_p);
/* "error" "warning" "info" */
const char *dmarcrec_sev_name(enum dmarcrec_sev);

#endif
