/*
 * The dmarc-report configuration file: defaults for the options a weekly
 * cron job would otherwise repeat (database, domains, recipients, the
 * senders and services files, readiness thresholds).  Read from --config
 * FILE, else $XDG_CONFIG_HOME/dmarc-rua/config, else
 * ~/.config/dmarc-rua/config (a missing default file is fine).  Every key
 * is also a command-line flag and the flag wins (digest_cli.c merges).
 * See contrib/dmarc-rua.config.example.
 *
 * Format: "key = value" lines; blanks around key and value are dropped;
 * '#' starts a comment line; blank lines ignored; a trailing CR dropped.
 * Keys: db, domain (repeatable), from, to (repeatable), subject, senders,
 * services, and the readiness criteria min-messages, min-days,
 * min-reporters, max-legit-fail-pct, min-source-aligned-pct.  An unknown
 * key, a line without '=', an empty value, a second db/from/subject/
 * senders/services, a NUL byte, invalid UTF-8 or a control character is
 * an error naming the file and line.  Values are not otherwise checked
 * here: the flag parsers check them when they are used.
 */
#ifndef DMARC_CONFIG_H
#define DMARC_CONFIG_H

#include <stddef.h>

#include "limits.h"
#include "readiness.h"

/* a readiness criterion as written, checked by config_readiness() */
struct config_crit {
	char		*name;		/* owned, e.g. "min-days" */
	char		*value;		/* owned */
	size_t		 line;
};

struct config {
	char		*path;		/* the file read, owned; NULL if none */
	char		*db, *from, *subject, *senders, *services; /* owned */
	char		**domains;	/* owned strings */
	size_t		 n_domains;
	char		**to;		/* owned strings */
	size_t		 n_to;
	struct config_crit *crit;
	size_t		 n_crit;
};

void	config_init(struct config *);
/* frees everything; safe on an initialised or zeroed struct */
void	config_release(struct config *);

/*
 * The default path ($XDG_CONFIG_HOME or $HOME/.config, then
 * "/dmarc-rua/config"); caller frees; NULL when neither variable is set.
 */
char	*config_default_path(void);

/*
 * Parses text[0..len); file names it in messages.  Returns 0, or -1 with
 * "FILE:LINE: error: ..." in err.
 */
int	config_parse(struct config *, const char *text, size_t len,
	    const char *file, char *err, size_t errlen);

/*
 * Reads and parses path.  A file that does not exist is an error when
 * must_exist (--config FILE), else 0 with nothing read (the default
 * path).  Returns 0 or -1 with a message in err.
 */
int	config_load(struct config *, const char *path, int must_exist,
	    char *err, size_t errlen);

/*
 * Applies the criteria lines to ro through readiness_opts_set().
 * Returns 0, or -1 with "FILE:LINE: error: ..." for a bad value.
 */
int	config_readiness(const struct config *, struct readiness_opts *ro,
	    char *err, size_t errlen);

#endif
