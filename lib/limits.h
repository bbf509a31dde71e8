/*
 * Every bound dmarc-rua enforces on untrusted input, in one place.  Each
 * limit is a named constant with the attack or failure it defends against;
 * the README's limits table is generated from the same reasons.  Nothing in
 * the code may use a bare number where one of these applies.
 */
#ifndef DMARC_LIMITS_H
#define DMARC_LIMITS_H

/* one input file (compressed as received); largest real reports are ~5 MB gzip */
#define MAX_INPUT_BYTES		(256UL * 1024 * 1024)
/* decompressed XML of one report; stops gzip/zip bombs (real max ~50 MB) */
#define MAX_XML_BYTES		(512UL * 1024 * 1024)
/* decompressed/compressed ratio once past 1 MiB out; flags a bomb early */
#define MAX_INFLATE_RATIO	1000UL
/* bytes allowed after the last gzip member (Mimecast appends CRLF) */
#define MAX_GZIP_TRAILING	64UL
/* containers inside containers (gzip in gzip, zip in zip): 42.zip stops here */
#define MAX_NESTING		3
/* a zip nested in another container is held in memory to be read */
#define MAX_NESTED_ZIP_BYTES	(32UL * 1024 * 1024)
/* zip entries looked at per archive; a report zip has one */
#define MAX_ZIP_ENTRIES		64
/* reports (XML documents) taken from one input */
#define MAX_REPORTS_PER_INPUT	16

/* XML element depth; a report needs 5, libxml2's own guard is 256 */
#define MAX_XML_DEPTH		32
/* domains, selectors, IPs, enum words: DNS names are at most 253 bytes */
#define MAX_SHORT_TEXT		1024
/* free text: org_name, email, error, comment, human_result, report_id */
#define MAX_LONG_TEXT		8192
/* records per report; the largest real reports hold a few thousand */
#define MAX_RECORDS		10000000UL
/* DKIM results per record; RFC 9990 says SHOULD be at most 100 */
#define MAX_DKIM_RESULTS	100
/* SPF results per record (RFC 7489 allows several: helo + mfrom) */
#define MAX_SPF_RESULTS		16
/* policy override reasons per record */
#define MAX_REASONS		16
/* <error> elements per report */
#define MAX_REPORT_ERRORS	64
/* message count of one record; 2^40 is far above any real day of mail */
#define MAX_RECORD_COUNT	(1LL << 40)
/* report timestamps: 1970 .. 9999-12-31, no 2038 problem (64-bit) */
#define MAX_TIMESTAMP		253402300799LL
/* length of a DNS name (RFC 1035) and of one label */
#define MAX_DOMAIN_LEN		253
#define MAX_LABEL_LEN		63

/* directory walk: depth and files per run (symlink loops, huge trees) */
#define MAX_WALK_DEPTH		32
/* names tried to mark a Maildir message whose marked name is taken */
#define MAX_MAILDIR_NAME_TRIES	100

/* one e-mail message: the largest input base64-encoded, plus headers */
#define MAX_MESSAGE_BYTES	(384UL * 1024 * 1024)
/* MIME nesting followed (multipart, message/rfc822); real reports use 3 */
#define MAX_MIME_DEPTH		32
/* MIME parts (header blocks) per message, counted before GMime builds one */
#define MAX_MIME_PARTS		256
/* header fields in all header blocks of a message: ~500 bytes of GMime each */
#define MAX_MAIL_HEADER_FIELDS	10000
/* bytes of all header blocks of a message; real report mail has ~20 KiB */
#define MAX_MAIL_HEADER_BYTES	(1UL * 1024 * 1024)
/* addresses in From/To/Cc/Bcc/Reply-To/Sender: GMime builds each one */
#define MAX_MAIL_ADDRESSES	1000
/* multipart prologue and epilogue text of a message: GMime holds it */
#define MAX_MIME_FACE_BYTES	(64UL * 1024)
/* Content-Type/-Disposition parameters of a message: GMime builds each */
#define MAX_MIME_PARAMS		2000
/* one Content-Type or Content-Disposition header (boundary, type, name) */
#define MAX_MIME_TYPE_HEADER	8192
/* blank or white-space lines before a message's header, tolerated */
#define MAX_MAIL_LEADING_SPACE	4096
/* report parts taken from one message; RFCs allow several, reality 1-2 */
#define MAX_MAIL_REPORTS	16
/* bytes kept of one header (Subject, From, Message-ID) in the mail ledger */
#define MAX_MAIL_HEADER		1024
/* one IMAP response line read (literals aside): a SEARCH window is 6 KB */
#define MAX_IMAP_LINE		(64UL * 1024)
/* messages per UID SEARCH window: its answer stays under 6 KB of UIDs */
#define MAX_IMAP_SEARCH		500

/* dmarc-report --senders file: an operator lists tens of services, not more */
#define MAX_SENDERS_BYTES	(1UL * 1024 * 1024)
/* lines of that file, comments and blank lines included */
#define MAX_SENDERS_LINES	100000
/* bytes of one line of it: a keyword, a CIDR or domain and a short name */
#define MAX_SENDERS_LINE	1024
/* entries (ip, ptr, dkim lines) kept; each source is matched against all */
#define MAX_SENDERS		10000

/* notes kept about one DNS record (SPF, DKIM key): a hostile record
   cannot grow the list further */
#define MAX_RECORD_NOTES	32
/* an SPF record's text; receivers read one DNS answer, 64 KiB at most,
   and a sane record is under 512 bytes */
#define MAX_SPF_RECORD_BYTES	8192
/* terms of one SPF record; 8 KiB of two-byte terms ("a ") is 4096 */
#define MAX_SPF_TERMS		512
/* SPF terms that cost a DNS lookup, through includes and redirects
   (RFC 7208 4.6.4: more is a permerror at every receiver) */
#define MAX_SPF_LOOKUPS		10
/* a DKIM key record's text: an 8192-bit RSA key is ~1.4 KB of base64 */
#define MAX_DKIM_RECORD_BYTES	8192
/* tags of one DKIM key record; RFC 6376 defines seven */
#define MAX_DKIM_TAGS		32
/* void answers (NXDOMAIN, no data) in one SPF evaluation (RFC 7208
   4.6.4: more is a permerror) */
#define MAX_SPF_VOID_LOOKUPS	2
/* MX and PTR names looked at for one mx or ptr term (RFC 7208 4.6.4) */
#define MAX_SPF_MX_NAMES	10
#define MAX_SPF_PTR_NAMES	10
/* TXT records at one name looked at to find the SPF one */
#define MAX_SPF_TXT_RECORDS	64
/* records and DNS queries of one SPF tree audit: receivers stop at 10
   lookups, so a tree past this is broken whatever the rest holds */
#define MAX_SPF_AUDIT_NODES	64
#define MAX_SPF_AUDIT_QUERIES	256
/* an SPF answer that fits one UDP DNS packet (RFC 7208 3.4); over it is
   a warning, not a bound */
#define SPF_UDP_RECORD_BYTES	512

/* one SMTP TLS report (RFC 8460) as JSON, decompressed; real ones are a
   few KB, the largest senders' tens of KB */
#define MAX_TLSRPT_BYTES	(8UL * 1024 * 1024)
/* memory the JSON parser may take for one report: its document tree,
   counted with malloc's overhead */
#define MAX_TLSRPT_MEMORY	(32UL * 1024 * 1024)
/* policies, and failure-details entries in all of them, of one report */
#define MAX_TLSRPT_POLICIES	1000
#define MAX_TLSRPT_FAILURES	10000
/* policy-string lines and mx-host patterns of one policy */
#define MAX_TLSRPT_POLICY_LINES	64
#define MAX_TLSRPT_MX_HOSTS	64
/* bytes looked at to tell a TLS report from other JSON */
#define MAX_TLSRPT_SNIFF	4096
/* dmarc-report tls: failure rows (domain, result type, MX, reporter) and
   policy domains listed; past them rows are counted, not listed */
#define MAX_TLS_FAILURE_ROWS	100000
#define MAX_TLS_DOMAINS		10000

/* rua/ruf destinations of one DMARC record checked (one TXT query each) */
#define MAX_REPORT_DESTS	16
/* TXT records receivers ignore, kept per policy lookup to explain them */
#define MAX_POLICY_IGNORED	8

#endif
