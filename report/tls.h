/*
 * dmarc-report tls: is mail to us delivered over TLS, and if not, why.
 * The model of the SMTP TLS reports (RFC 8460) in a window: per policy
 * domain the successful and failed sessions and the failure share, and
 * the failures by result type, receiving MX and reporting organization,
 * each result type with what it means and what to fix.  tls_query.c
 * fills it from the v_tls_* views (the only file here that talks to
 * SQLite), tls.c owns it and the result types, tls_render.c writes it
 * as text, JSON or CSV.
 *
 * A report counts whole in the window that holds the middle of its date
 * range: a UTC day (00:00 to 23:59:59), a day to the next midnight and
 * Microsoft's day at +01:00 all count in their day.
 */
#ifndef DMARC_TLS_H
#define DMARC_TLS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "limits.h"
#include "window.h"


/* failed sessions of one result type at one MX, said by one reporter */
struct tls_fail {
	char		*result;	/* the RFC 8460 4.3 word, or the raw
					   text of an unknown one */
	int		 known;		/* result is an RFC 8460 word */
	char		*mx;		/* receiving-mx-hostname, NULL when
					   the report did not say */
	char		*org;		/* organization-name */
	int64_t		 sessions;	/* failed-session-count summed */
};

/* one policy domain in the window */
struct tls_domain {
	char		*domain;
	int64_t		 successful;	/* total-successful-session-count */
	int64_t		 failed;	/* total-failure-session-count */
	int64_t		 reports;	/* TLS reports with a policy for it */
	int64_t		 orgs;		/* distinct reporting organizations */
	char		*policy_types;	/* "sts", "no-policy-found, sts" */
	struct tls_fail	*fails;		/* most failed sessions first */
	size_t		 n_fails;
};

struct tls_model {
	struct window	 w;
	struct tls_domain *domains;	/* by name */
	size_t		 n_domains;
	size_t		 n_dropped;	/* failure rows past the limits */
};

/* what a result type means and what to fix, for the reader */
struct tls_advice {
	const char	*result;	/* RFC 8460 4.3 word */
	const char	*means;
	const char	*fix;
};

/* the advice for a result type; an unknown word gets a general one */
const struct tls_advice *tls_advice(const char *result, int known);
/* the failure share in percent (0 when no session) */
double	tls_share(const struct tls_domain *);

void	tls_model_init(struct tls_model *, const struct window *);
void	tls_model_release(struct tls_model *);

/*
 * Fills m from the database at path (opened read-only: it must be at
 * the current schema version), only the domains listed when n_domains
 * > 0 (lower case, no trailing dot).  Returns 0, or -1 with a message
 * in err.
 */
int	tls_query(const char *path, const char *const *domains,
	    size_t n_domains, struct tls_model *m, char *err, size_t errlen);

enum tls_format {
	TLS_TEXT,
	TLS_JSON,
	TLS_CSV,
};

/* writes m to f; 0, or -1 on a write error */
int	tls_render(FILE *f, enum tls_format, const struct tls_model *m);

/* what dmarc-report's command line hands the tls mode */
struct tls_args {
	const char	*db;		/* database path */
	const struct window_spec *ws;
	const char *const *domains;	/* --domain values as given */
	size_t		 n_domains;
	const char	*format;	/* --format as given, NULL: text */
	const char	*out;		/* -o FILE, NULL: standard output */
};

/* runs the tls mode; returns the exit status (0, or 2 with a message) */
int	tls_run(const struct tls_args *);

#endif
