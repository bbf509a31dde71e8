/*
 * The table of output formats (format.h).  Where a printer's own
 * signature is narrower than the table's, a small adapter here fills
 * the gap; the printing itself stays in the format's file.
 */
#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "format.h"

static int
json_model(FILE *f, const struct model *m, const struct render_opts *o)
{
	(void)o;
	return render_json(f, m);
}

static int
csv_model(FILE *f, const struct model *m, const struct render_opts *o)
{
	(void)o;
	return render_csv(f, m);
}

static int
text_digest(FILE *f, const struct digest *d, const struct email_opts *mail,
    char *err, size_t errlen)
{
	(void)mail;
	if (digest_render_text(f, d) == 0)
		return 0;
	snprintf(err, errlen, "write failed");
	return -1;
}

static int
markdown_digest(FILE *f, const struct digest *d,
    const struct email_opts *mail, char *err, size_t errlen)
{
	(void)mail;
	if (digest_render_markdown(f, d) == 0)
		return 0;
	snprintf(err, errlen, "write failed");
	return -1;
}

static int
html_digest(FILE *f, const struct digest *d, const struct email_opts *mail,
    char *err, size_t errlen)
{
	(void)mail;
	if (digest_render_html(f, d) == 0)
		return 0;
	snprintf(err, errlen, "write failed");
	return -1;
}

static const struct format formats[FORMAT__COUNT] = {
	[FORMAT_TEXT] = { "text", render_text, readiness_render_text,
	    policy_render_text, text_digest },
	[FORMAT_JSON] = { "json", json_model, readiness_render_json,
	    policy_render_json, NULL },
	[FORMAT_CSV] = { "csv", csv_model, readiness_render_csv, NULL,
	    NULL },
	[FORMAT_MARKDOWN] = { "markdown", NULL, NULL, NULL,
	    markdown_digest },
	[FORMAT_HTML] = { "html", NULL, NULL, NULL, html_digest },
	[FORMAT_EMAIL] = { "email", NULL, NULL, NULL, digest_render_email },
};

const struct format *
format_get(enum format_id f)
{
	assert((unsigned)f < FORMAT__COUNT);
	return &formats[f];
}

int
format_find(const char *s)
{
	for (size_t i = 0; i < FORMAT__COUNT; i++)
		if (strcmp(s, formats[i].name) == 0)
			return (int)i;
	return -1;
}

void
format_list(unsigned set, char *out, size_t outlen)
{
	size_t n = 0, k = 0, len = 0;

	for (size_t i = 0; i < FORMAT__COUNT; i++)
		n += (set & FORMAT_BIT(i)) != 0;
	if (outlen > 0)
		out[0] = '\0';
	for (size_t i = 0; i < FORMAT__COUNT && len < outlen; i++) {
		if (!(set & FORMAT_BIT(i)))
			continue;
		k++;
		len += (size_t)snprintf(out + len, outlen - len, "%s%s",
		    k == 1 ? "" : k == n ? " or " : ", ", formats[i].name);
	}
}
