/*
 * The senders file of `dmarc-report readiness --senders FILE`: the
 * operator's own sending services, so that readiness.c judges a source
 * that matches one as authorized.  Parsed strictly (the first bad line is
 * an error with its line number); matching is pure and does no DNS.
 *
 * Format, one entry per line, fields separated by blanks (space or tab):
 *
 *	# a comment (a line whose first non-blank byte is '#')
 *	ip   203.0.113.0/24                    Office relay
 *	ip   2001:db8:10::25                   Mail server (a /128)
 *	ptr  .outbound.protection.outlook.com  Microsoft 365
 *	dkim sendgrid.net                      SendGrid
 *
 * KIND is "ip", "ptr" or "dkim" (lower case).  ip takes an IPv4 or IPv6
 * address with an optional /PREFIX (0..32 or 0..128; none means one
 * host); the address must be the network itself (no host bits set below
 * the prefix).  ptr and dkim take a domain name: "name" matches the name
 * itself and every name below it on a label boundary, ".name" only the
 * names below it.  ptr is matched against the source's reverse DNS name,
 * dkim against the d= of a DKIM signature that passed (a failing
 * signature proves nothing: anyone can write any d=).  NAME, the rest of
 * the line, is required and names the service in the verdict.  Blank
 * lines are ignored; a trailing CR (CRLF files) is dropped.  Entries are
 * tried in file order; the first match wins.
 *
 * Limits: MAX_SENDERS_BYTES, MAX_SENDERS_LINES, MAX_SENDERS_LINE and
 * MAX_SENDERS (lib/limits.h).  NUL bytes, invalid UTF-8 and control
 * characters are errors.
 */
#ifndef DMARC_SENDERS_H
#define DMARC_SENDERS_H

#include <stddef.h>

enum sender_kind {
	SENDER_IP,
	SENDER_PTR,
	SENDER_DKIM,
};

/* one entry of the file */
struct sender {
	enum sender_kind kind;
	int		 family;	/* SENDER_IP: 4 or 6 */
	unsigned char	 net[16];	/* SENDER_IP: network, host bits 0 */
	int		 prefix;	/* SENDER_IP: prefix length in bits */
	char		*domain;	/* PTR/DKIM: lower case, no leading or
					   trailing dot; owned */
	int		 below_only;	/* PTR/DKIM: written ".name" */
	char		*name;		/* the service's name, owned */
	size_t		 line;		/* line number in the file, from 1 */
};

struct senders {
	struct sender	*v;
	size_t		 n;
	size_t		 cap;
};

void	senders_init(struct senders *);
/* frees every entry; safe on an initialised or zeroed struct */
void	senders_release(struct senders *);

/*
 * Parses text[0..len) (need not be NUL-terminated) and appends its
 * entries to s.  file names the input in messages.  Returns 0, or -1 with
 * "FILE:LINE: error: what went wrong: detail" in err (s then holds the
 * entries before the bad line; release it).
 */
int	senders_parse(struct senders *, const char *text, size_t len,
	    const char *file, char *err, size_t errlen);

/*
 * Reads path (at most MAX_SENDERS_BYTES) and parses it as above.  Returns
 * 0, or -1 with the message in err ("FILE: error: cannot read: ...").
 */
int	senders_load(struct senders *, const char *path, char *err,
	    size_t errlen);

/*
 * The first entry matching a canonical address (ipaddr_normalize text),
 * a reverse DNS name, or a DKIM d= that passed; NULL if none or if the
 * argument is NULL.  Borrowed from s.
 */
const struct sender *senders_match_ip(const struct senders *, const char *ip);
const struct sender *senders_match_ptr(const struct senders *,
	    const char *ptr);
const struct sender *senders_match_dkim(const struct senders *,
	    const char *d);

/* "ip" "ptr" "dkim" */
const char *sender_kind_name(enum sender_kind);

/*
 * 1 if name is domain or below it on a label boundary (strictly below
 * when below_only); ASCII case-insensitive, one trailing dot on name
 * ignored.  Used by the matchers; exported for tests.
 */
int	senders_domain_match(const char *name, const char *domain,
	    int below_only);

#endif
