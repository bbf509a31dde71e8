/*
 * Inside the DMARC aggregate report parser (rua_parse.c, rua_parse_leaf.c),
 * not for its callers: the element table's types, the parser's state, and
 * the calls between the node loop (rua_parse.c) and the leaf values
 * (rua_parse_leaf.c).
 */
#ifndef DMARC_RUA_PARSE_INT_H
#define DMARC_RUA_PARSE_INT_H

#include <stdint.h>

#include <libxml/xmlreader.h>

#include "buf.h"
#include "diag.h"
#include "rua.h"
#include "rua_parse.h"

/* known elements nest at most feedback/record/auth_results/dkim/domain */
#define STACK_MAX		8
/* bytes of untrusted text quoted in an error message */
#define EXCERPT_LEN		48

/* Every element of both schemas; the container ones are also scopes. */
enum field {
	F_DOC, F_FEEDBACK, F_VERSION, F_META, F_ORG_NAME, F_EMAIL, F_EXTRA,
	F_REPORT_ID, F_ERROR, F_GENERATOR, F_RANGE, F_BEGIN, F_END, F_POLICY,
	F_P_DOMAIN, F_ADKIM, F_ASPF, F_P, F_SP, F_NP, F_PCT, F_FO, F_TESTING,
	F_DISCOVERY, F_EXTENSION, F_RECORD, F_ROW, F_SOURCE_IP, F_COUNT,
	F_EVAL, F_DISPOSITION, F_EVAL_DKIM, F_EVAL_SPF, F_REASON, F_TYPE,
	F_COMMENT, F_IDENT, F_ENV_TO, F_ENV_FROM, F_HEADER_FROM, F_AUTH,
	F_DKIM, F_DKIM_DOMAIN, F_SELECTOR, F_DKIM_RESULT, F_DKIM_HUMAN, F_SPF,
	F_SPF_DOMAIN, F_SCOPE, F_SPF_RESULT, F_SPF_HUMAN, F__COUNT
};

_Static_assert(F__COUNT <= 64, "seen masks are 64-bit");

#define BIT(f)		((uint64_t)1 << (f))

#define E_LEAF		0x01	/* holds text, not elements */
#define E_LONG		0x02	/* MAX_LONG_TEXT, else MAX_SHORT_TEXT */
#define E_REPEAT	0x04	/* may occur more than once */
#define E_MISNAMED	0x08	/* a known misspelling of the element */
#define E_RFC9990	0x10	/* exists in RFC 9990 only */
#define E_SKIP		0x20	/* known, its content is not used */
#define E_STRICT	0x40	/* number or address: cut text is invalid */

struct elem {
	enum field	 parent;	/* scope the element belongs in */
	const char	*name;		/* local name */
	enum field	 field;
	unsigned	 flags;		/* E_* */
};

/*
 * Where the prolog scanner is: it looks for a DOCTYPE, and for where the
 * root's start tag ends (to tell a document cut before its root opened).
 */
enum prolog {
	PRO_TEXT,	/* between markup */
	PRO_LT,		/* after '<' */
	PRO_BANG,	/* after "<!" */
	PRO_COMMENT,	/* inside "<!-" ... "-->" */
	PRO_PI,		/* inside "<?" ... "?>" */
	PRO_ROOT,	/* inside the root's start tag */
	PRO_DONE	/* the root's start tag ended */
};

struct parser {
	xmlTextReaderPtr	 reader;
	parse_read_fn		 read;
	void			*ctx;
	const struct parse_handler *h;
	void			*arg;
	struct report		*rep;
	struct diag		*d;
	int			 failed;	/* d holds our error: stop */

	int			 read_error;	/* the read callback failed */
	int			 doctype;	/* DOCTYPE seen in the prolog */
	enum prolog		 prolog;
	int			 prolog_run;	/* '-' or '?' just seen */
	char			 prolog_quote;	/* open attribute quote */
	int			 nonblank;	/* input had a non-space byte */

	int			 xml_error;	/* libxml2 reported an error */
	int			 xml_line;
	char			 xml_msg[DIAG_ERROR_LEN / 2];
	int			 eof;		/* the read callback said end */
	int			 cut;		/* input ended inside the root */
	char			 cut_in[EXCERPT_LEN + 4]; /* innermost open */

	int			 root_line;	/* where <feedback> opened */
	int			 meta_line;	/* ... <report_metadata> */
	int			 policy_line;	/* ... <policy_published> */

	const struct elem	*stack[STACK_MAX]; /* open known elements */
	size_t			 depth;
	unsigned long		 skip;	/* open elements of a skipped subtree */
	struct buf		 text;	/* value of the open leaf */
	size_t			 limit;	/* ceiling for this leaf's text */
	int			 truncated;	/* text was cut at limit */
	int			 padded;	/* text had blanks trimmed */
	int			 begun;		/* h->begin was called */
	uint64_t		 seen_rep;	/* report-level elements seen */
	uint64_t		 seen_rec;	/* current record's elements */
	uint64_t		 seen_sub;	/* current reason/dkim/spf */
	struct record		 rec;
};

/* records the report's error in p->d and stops the parse; returns -1 */
int	 parser_fail(struct parser *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/*
 * The line of the node the reader is on, for messages: an element's own
 * line (its start tag's, also at its end tag).  libxml2 keeps node lines
 * below 65535 only; from there on it is the line the parser has reached,
 * which may lie a little past the node.  0 before the reader exists.
 */
int	 parser_line(const struct parser *);
/*
 * A short printable copy of untrusted text for an error message: control
 * bytes become '?', the cut falls on a UTF-8 boundary.  Returns out.
 */
const char *parser_excerpt(const char *, char out[EXCERPT_LEN + 4]);

static inline int
xml_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* a leaf element e opens: its text starts empty, capped by its kind */
void	 leaf_text_start(struct parser *, const struct elem *e);
/* appends a text node to the open leaf */
void	 leaf_text_add(struct parser *, const char *);
/*
 * The leaf e just closed: checks its text and stores the value where it
 * belongs in the report or the current record.  Returns 0, or -1 after
 * parser_fail().
 */
int	 leaf_end(struct parser *, const struct elem *e);

#endif
