/*
 * Notes about one DNS record (SPF, DKIM key, ...): severity, a stable
 * code and a sentence for the postmaster.  A record's parser fills a
 * struct recnotes; the renderers print it.  The list is bounded: a hostile
 * record cannot grow it past MAX_RECORD_NOTES.
 */
#ifndef DMARC_RECNOTE_H
#define DMARC_RECNOTE_H

#include <stddef.h>

#include "limits.h"

enum recnote_sev {
	RECNOTE_ERROR,		/* receivers treat the record (or part) as
				   broken */
	RECNOTE_WARNING,	/* valid, but likely not what the owner wants */
	RECNOTE_INFO,		/* worth knowing */
};

struct recnote {
	enum recnote_sev sev;
	char		 code[24];	/* stable name, e.g. "syntax" */
	char		*text;		/* owned; ASCII plus quoted input,
					   not yet escaped for any sink */
};

struct recnotes {
	struct recnote	 v[MAX_RECORD_NOTES];
	size_t		 n;
	int		 dropped;	/* more notes than fit */
};

/*
 * Adds a note (printf-style text, cut at 512 bytes).  When the list is
 * full the note is only counted in dropped.
 */
void	recnotes_add(struct recnotes *, enum recnote_sev, const char *code,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* frees the texts and empties the list; NULL is fine */
void	recnotes_release(struct recnotes *);
/* the first note with this code, or NULL */
const struct recnote *recnotes_find(const struct recnotes *, const char *);
/* 1 if some note is an error */
int	recnotes_has_error(const struct recnotes *);
/* "error" "warning" "info" */
const char *recnote_sev_name(enum recnote_sev);

/* bytes of a record quoted in a note; longer quotes end in "..." */
#define RECNOTE_QUOTE_MAX	64

/*
 * Copies s[0..n) into out as a NUL-terminated string for quoting in a
 * note, cut at RECNOTE_QUOTE_MAX bytes with "..." appended.  Returns out.
 */
char	*recnote_quote(char out[RECNOTE_QUOTE_MAX + 4], const char *s,
	    size_t n);

#endif
