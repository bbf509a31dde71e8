/*
 * Every bound dmarc-rua enforces, in one place: on untrusted input first,
 * then on what dmarc-report keeps and shows.  Each limit is a named
 * constant after a comment with the attack or failure it defends against;
 * the README's limits table is generated from those comments
 * (contrib/limits-table, checked by the "limits" test).  Nothing in the
 * code may use a bare number where one of these applies, nor define a
 * MAX_* anywhere else.
 */
#ifndef DMARC_LIMITS_H
#define DMARC_LIMITS_H

/* a limit as a string literal, for messages: LIMIT_STR(MAX_MIME_PARTS) */
#define LIMIT_STR(x)		LIMIT_STR_(x)
#define LIMIT_STR_(x)		#x

/* one input file (compressed as received); largest real reports are ~5 MB gzip */
#define MAX_INPUT_MIB		256
#define MAX_INPUT_BYTES		(MAX_INPUT_MIB * 1024UL * 1024)
/* decompressed XML of one report; stops gzip/zip bombs (real max ~50 MB);
   raise: `dmarc-ingest --max-xml-bytes SIZE` (1M to 64G) */
#define MAX_XML_BYTES		(512UL * 1024 * 1024)
/* decompressed/compressed ratio once past 1 MiB out; flags a bomb early */
#define MAX_INFLATE_RATIO	1000UL
/* output past which that ratio is checked: small files compress wildly */
#define INFLATE_RATIO_FLOOR	((size_t)1024 * 1024)
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
#define MAX_MESSAGE_MIB		384
#define MAX_MESSAGE_BYTES	(MAX_MESSAGE_MIB * 1024UL * 1024)
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
   (RFC 7208 4.6.4: more is a permerror at every receiver);
   raise: not a choice: the RFC's number */
#define MAX_SPF_LOOKUPS		10
/* a DKIM key record's text: an 8192-bit RSA key is ~1.4 KB of base64 */
#define MAX_DKIM_RECORD_BYTES	8192
/* tags of one DKIM key record; RFC 6376 defines seven */
#define MAX_DKIM_TAGS		32
/* void answers (NXDOMAIN, no data) in one SPF evaluation (RFC 7208
   4.6.4: more is a permerror); raise: not a choice: the RFC's number */
#define MAX_SPF_VOID_LOOKUPS	2
/* MX and PTR names looked at for one mx or ptr term (RFC 7208 4.6.4);
   raise: not a choice: the RFC's numbers */
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
/* one DMARC failure report (RFC 6591) as stored: its ARF part and the
   original's headers; a real one is a few KiB */
#define MAX_RUF_BYTES		(1UL * 1024 * 1024)
/* fields of the message/feedback-report part; RFC 6591 names about 20 */
#define MAX_RUF_FIELDS		256
/* bytes of one ARF field or original header field, folded lines joined */
#define MAX_RUF_FIELD_BYTES	8192
/* header fields of the original message kept (Received chains run ~30) */
#define MAX_RUF_HEADERS		200
/* bytes of the original message's header block kept */
#define MAX_RUF_HEADER_BYTES	(64UL * 1024)
/* bytes of the original body kept with --keep-failure-bodies */
#define MAX_RUF_BODY_BYTES	(256UL * 1024)
/* dmarc-report failures: sample subjects and auth results per source */
#define MAX_RUF_SAMPLES		3
/* dmarc-report tls: failure rows (domain, result type, MX, reporter) and
   policy domains listed; past them rows are counted, not listed */
#define MAX_TLS_FAILURE_ROWS	100000
#define MAX_TLS_DOMAINS		10000

/* notes kept per DMARC record; a hostile one cannot grow the list */
#define MAX_DMARCREC_NOTES	32
/* TXT queries one policy walk may make (RFC 9989 4.10) */
#define POLICY_MAX_WALK		8
/* rua/ruf destinations of one DMARC record checked (one TXT query each) */
#define MAX_REPORT_DESTS	16
/* TXT records receivers ignore, kept per policy lookup to explain them */
#define MAX_POLICY_IGNORED	8
/* previous distinct records shown; the table itself keeps every lookup */
#define MAX_POLICY_HISTORY	50

/* DNS answers kept per name; a DMARC name has one, a PTR one or two */
#define MAX_DNS_ANSWERS		16
/* bytes of one TXT record (its strings joined); DMARC records are < 1 KB */
#define MAX_DNS_TXT_LEN		4096
/* names queued in one batch; sources mode looks up one PTR per source */
#define MAX_DNS_BATCH		100000
/* queries in flight at once, so a big batch does not flood the resolver */
#define MAX_DNS_INFLIGHT	64
/* the ceiling on any DNS TTL cached: a week */
#define MAX_DNS_TTL		(7 * 86400)

/* dmarc-report --services file: tens to hundreds of lines, not more */
#define MAX_SERVICES_BYTES	(1UL * 1024 * 1024)
/* services entries kept from all files; each source is matched on all */
#define MAX_SERVICES		10000
/* bytes of one services line: a keyword, a domain and a short name */
#define MAX_SERVICES_LINE	1024
/* dmarc-report --config file: a few lines an operator writes */
#define MAX_CONFIG_BYTES	(64UL * 1024)
/* bytes of one config line */
#define MAX_CONFIG_LINE		1024
/* config domain and to lines kept, and criteria lines */
#define MAX_CONFIG_VALUES	256
/* --domain may be given this often; each is a DNS name */
#define MAX_REPORT_DOMAINS	256
/* readiness criteria given as flags, re-applied over the config file's */
#define MAX_DIGEST_CLI_CRIT	32
/* longest report window accepted: ten years of days */
#define MAX_WINDOW_DAYS		3660

/* distinct values kept per list of a source (header_from, DKIM d=...);
   the rest is counted under one "(other)" entry */
#define MAX_MODEL_VALUES	64
/* sources kept per run; more are counted in model.sources_dropped */
#define MAX_MODEL_SOURCES	2000000
/* reporters kept per domain */
#define MAX_MODEL_REPORTERS	1000
/* published policies kept per domain */
#define MAX_MODEL_POLICIES	256
/* parts of one breakdown model_round_parts() rounds together */
#define MAX_ROUND_PARTS		16
/* rejected inputs listed by name; the count covers all */
#define MAX_MODEL_REJECTS	20
/* readiness: sources listed per domain and class; the rest is counted */
#define MAX_READINESS_LIST	50
/* readiness: fix sentences per source */
#define MAX_READINESS_FIXES	4
/* digest: entries kept per list of a domain (top sources, new sources ...) */
#define MAX_DIGEST_LIST		10
/* digest: days of the daily chart; a longer window has no daily chart */
#define MAX_DIGEST_DAYS		62
/* digest: rejection reasons listed; the rest are summed */
#define MAX_DIGEST_REJECT_REASONS 10
/* digest e-mail: recipients (To: addresses) */
#define MAX_EMAIL_TO		64
/* digest e-mail: bytes of one address or of the subject as given */
#define MAX_EMAIL_HEADER	900

/* dmarc-report check: DNS answers remembered per run (a check of a few
   domains asks hundreds), and their bytes: one answer is at most a
   64 KiB message */
#define MAX_DNSQ_MEMO		4096
#define MAX_DNSQ_MEMO_BYTES	(16UL * 1024 * 1024)
/* dmarc-report check: DNS queries sent per run; a hostile zone of endless
   names costs no more */
#define MAX_DNSQ_QUERIES	4096
/* dmarc-report check: records, names or addresses kept from one answer;
   SPF looks at 10 MX names and needs the 11th to say "too many" */
#define MAX_DNSQ_RRS		64
/* dmarc-report check: bytes of one TXT record kept, one past the SPF and
   DKIM parsers' 8192 so that they still say "too long" */
#define MAX_DNSQ_TXT_BYTES	8193
/* dmarc-report check: domains checked in one run */
#define MAX_CHECK_DOMAINS	256
/* dmarc-report check: findings kept per domain; a hostile zone or
   database cannot grow the list further */
#define MAX_CHECK_ITEMS		256
/* dmarc-report check: stored sources evaluated against SPF per envelope
   domain, the biggest first */
#define MAX_CHECK_SOURCES	200
/* dmarc-report check: envelope domains under one domain whose SPF trees
   are audited */
#define MAX_CHECK_ENVELOPES	16
/* dmarc-report check: DKIM (d=, selector) pairs checked per domain, the
   most used first */
#define MAX_CHECK_SELECTORS	64
/* dmarc-report check: bytes of one run's output, a few hundred items of
   a KiB at most per domain */
#define MAX_CHECK_OUTPUT	(64UL * 1024 * 1024)

/* dmarc-report site: rows shown in one table of a page; the rest are counted */
#define MAX_SITE_ROWS		500
/* dmarc-report site: records listed on a report page (the download holds them all) */
#define MAX_SITE_RECORDS	1000
/* dmarc-report site: domains on the index (each is one small struct) */
#define MAX_SITE_DOMAINS	100000
/* dmarc-report site: rejected inputs listed on the ingest health page */
#define MAX_SITE_REJECTS	1000
/* dmarc-report site: longest page file name under DIR ("d/" + 253-byte domain + ".html") */
#define MAX_SITE_NAME		300
/* dmarc-report site: bytes of one page held in memory before it is written */
#define MAX_SITE_PAGE		(32 * 1024 * 1024)

#endif
