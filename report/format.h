/*
 * The output formats of dmarc-report, one table (format.c): each row is
 * a --format word and that format's printer for every mode that has one.
 * The printers live in the format's own file (render_text.c,
 * render_json.c, render_csv.c, render_digest_text.c for markdown,
 * render_html.c, email.c); the modes (mode.h) say which formats they
 * print.  A new format is a row here and its file; a new mode a member
 * here, filled by the formats it supports.
 */
#ifndef DMARC_FORMAT_H
#define DMARC_FORMAT_H

#include <stddef.h>
#include <stdio.h>

#include "buf.h"
#include "digest.h"
#include "email.h"
#include "model.h"
#include "policy.h"
#include "readiness.h"
#include "render.h"

/* the formats in table order (the order lists of names are given in) */
enum format_id {
	FORMAT_TEXT,
	FORMAT_JSON,
	FORMAT_CSV,
	FORMAT_MARKDOWN,
	FORMAT_HTML,
	FORMAT_EMAIL,
	FORMAT__COUNT
};

/* a set of formats, as a mode lists them */
#define FORMAT_BIT(f)	(1U << (f))

/*
 * One format: its name and its printers, NULL where it has none.  Each
 * printer returns 0, or -1 when writing failed (digest: with a message
 * in err; the others leave err to the caller).
 */
struct format {
	const char	*name;		/* the --format word */
	/* summary, sources, failures: the model of the mode */
	int	(*model)(FILE *, const struct model *,
		    const struct render_opts *);
	/* readiness: the verdicts judged before */
	int	(*readiness)(FILE *, const struct readiness_result *,
		    const struct render_opts *);
	/* policy DOMAIN: the lookup and its history, appended to b (whose
	   ceiling bounds the output) */
	int	(*policy)(struct buf *, const struct policy_lookup *,
		    const struct policy_change *, size_t n_changes);
	/* digest: the digest built before; mail is the email's headers */
	int	(*digest)(FILE *, const struct digest *,
		    const struct email_opts *mail, char *err, size_t errlen);
};

/* the row of f (f < FORMAT__COUNT) */
const struct format *format_get(enum format_id f);
/* the format named s, or -1 */
int	format_find(const char *s);
/*
 * "text, json or csv": the names of the formats in set, in table order,
 * the last two joined by " or ".  Truncated to outlen.
 */
void	format_list(unsigned set, char *out, size_t outlen);

#endif
