/*
 * The digest mode's command line (digest_cli.c): main.c collects the
 * options it shares with the other modes (--db, the window, --domain,
 * --format, -o, --no-dns, --resolver, --senders, readiness criteria) and
 * the digest's own (--from, --to, --subject) into the structs below,
 * merges the config file every mode reads (config.h: flags win) and calls
 * digest_cli_run, which takes from, to and subject from the file where
 * no flag gave them, builds the digest (digest.h) and writes it as text,
 * markdown, html or email.
 */
#ifndef DMARC_DIGEST_CLI_H
#define DMARC_DIGEST_CLI_H

#include <stddef.h>

#include "config.h"
#include "email.h"
#include "limits.h"
#include "readiness.h"
#include "window.h"

struct format;

/* the digest's own options; strings borrowed from argv */
struct digest_cli {
	const char	*config;	/* --config FILE */
	const char	*from;		/* --from */
	const char	*to[MAX_EMAIL_TO];	/* --to, repeatable */
	size_t		 n_to;
	const char	*subject;	/* --subject */
	const char	*services;	/* --services FILE */
	const char	*crit_name[MAX_DIGEST_CLI_CRIT];
	const char	*crit_value[MAX_DIGEST_CLI_CRIT];
	size_t		 n_crit;
};

/*
 * Sets the option of that long name ("config", "from", "to", "subject",
 * "services").  Returns 0, or -1 with a message in err (too many --to).
 */
int	digest_cli_set(struct digest_cli *, const char *name,
	    const char *value, char *err, size_t errlen);
/*
 * Remembers a readiness criterion flag (checked by main.c already), to
 * apply over the config file's.  Returns 0, or -1 past
 * MAX_DIGEST_CLI_CRIT.
 */
int	digest_cli_criterion(struct digest_cli *, const char *name,
	    const char *value);

/* what main.c parsed for every mode */
struct digest_args {
	const char	*db;		/* the database path, resolved */
	const struct config *cfg;	/* the config file read (from, to,
					   subject) */
	const struct readiness_opts *ro; /* criteria: file, then flags */
	struct window_spec ws;		/* no window given: --week last */
	const char *const *domains;	/* --domain values, else the file's */
	size_t		 n_domains;
	const struct format *format;	/* format.h: one with a digest
					   printer (text, markdown, html,
					   email) */
	const char	*out;		/* -o FILE or NULL */
	int		 no_dns;
	int		 refresh;	/* --refresh: no cached DNS answer */
	const char	*resolver;
	const char	*senders;	/* --senders FILE, else the file's, or
					   NULL */
	const struct digest_cli *cli;
};

/*
 * Runs the digest mode; errors are printed to stderr as
 * "dmarc-report: error: ...".  Returns the exit status: 0 done, 2 usage,
 * configuration or system error.
 */
int	digest_cli_run(const struct digest_args *);

#endif
