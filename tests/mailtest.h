/*
 * Fixtures for the suites that run the mail sources (imap, crash, contrib,
 * concurrency, faults): DMARC reports and report messages built from the
 * bundled Yahoo sample with a distinct report_id each, directories and
 * Maildirs of them, and a throw-away Dovecot IMAP server on 127.0.0.1
 * (plain and TLS ports, one user, a self-signed certificate) living in a
 * temporary directory.
 */
#ifndef DMARC_MAILTEST_H
#define DMARC_MAILTEST_H

#include <stddef.h>
#include <sys/types.h>

/* the IMAP user and password of the test server */
#define MT_USER		"rua"
#define MT_PASSWORD	"s3cret-pass"

/* the Yahoo sample with report_id "imaper-test-<i>"; caller frees */
char	*mt_report_xml(size_t i, size_t *len);
/*
 * Message i: a multipart message with report "imaper-test-<i>" attached
 * as base64 gzip; distinct i give distinct reports.  Caller frees.
 */
char	*mt_message(size_t i, size_t *len);
/* a message that holds no aggregate report; caller frees */
char	*mt_plain_message(size_t i, size_t *len);

/* creates DIR/{cur,new,tmp}; 0 or -1 */
int	 mt_maildir_make(const char *dir);
/*
 * Writes bytes as a new message into DIR/new, owned by uid:gid unless
 * uid is (uid_t)-1.  0 or -1.
 */
int	 mt_maildir_put(const char *dir, const char *p, size_t n, uid_t uid,
	    gid_t gid);
/* messages in DIR/new and DIR/cur with (seen) or without the S flag */
size_t	 mt_maildir_count(const char *dir, int seen);
/* a new Maildir dir holding messages [lo, hi) (mt_message); asserts */
void	 mt_maildir_fill(const char *dir, size_t lo, size_t hi);
/* a new directory dir holding reports [lo, hi) as rN.xml; asserts */
void	 mt_report_dir(const char *dir, size_t lo, size_t hi);
/* the N of "Message-ID: <N.imaper@test.example>" in a file, or -1 */
long	 mt_message_number(const char *path);

struct mt_dovecot {
	char	*dir;		/* temporary directory, owned */
	char	 maildir[512];	/* the user's INBOX (Maildir) */
	char	 cacert[512];	/* the server's self-signed certificate */
	int	 port;		/* plain IMAP (STARTTLS offered) */
	int	 tls_port;	/* IMAP over TLS */
	pid_t	 pid;		/* dovecot -F */
	uid_t	 uid;		/* owner of the Maildir */
	gid_t	 gid;
};

/*
 * Starts Dovecot with a fresh config and empty Maildir.  Returns 0, or -1
 * with why it cannot run in why (the caller skips its test).
 */
int	 mt_dovecot_start(struct mt_dovecot *, char *why, size_t whylen);
/* stops the server and removes its directory; safe when not started */
void	 mt_dovecot_stop(struct mt_dovecot *);
/* adds message bytes to the INBOX as an unseen message; 0 or -1 */
int	 mt_dovecot_put(struct mt_dovecot *, const char *p, size_t n);
/* adds messages [lo, hi) (mt_message) to the INBOX, seen or not; asserts */
void	 mt_dovecot_fill(struct mt_dovecot *, size_t lo, size_t hi, int seen);
/*
 * Adds message bytes whose Maildir name claims size bytes (S= and W=),
 * which Dovecot believes for RFC822.SIZE and SEARCH LARGER; 0 or -1.
 */
int	 mt_dovecot_put_claiming(struct mt_dovecot *, const char *p, size_t n,
	    unsigned long long size);
/*
 * Before the first login: the INBOX's next UID is uid (its
 * dovecot-uidlist), so new messages get UIDs from there; 0 or -1.
 */
int	 mt_dovecot_next_uid(struct mt_dovecot *, unsigned long uid);
/* "imap://rua@127.0.0.1:PORT/INBOX" into url */
void	 mt_dovecot_url(const struct mt_dovecot *, int tls, char *url,
	    size_t n);

#endif
