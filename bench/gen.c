/*
 * dmarc-bench-gen: the benchmark corpus.  Writes realistic DMARC aggregate
 * reports, deterministically (a fixed-seed xorshift generator), either as
 * many small reports in mixed containers (plain XML, gzip, zip; RFC 7489
 * mostly, some RFC 9990 namespaced) or as one big report streamed through
 * deflate so that its size never has to fit in memory, or as an mbox of
 * report messages padded with a large non-report attachment each (for
 * bench/limits.sh).  It is a tool for bench/run.sh, not part of the
 * product: its inputs are trusted.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <zip.h>
#include <zlib.h>

#include "limits.h"
#include "num.h"
#include "xalloc.h"

#define OUT_CHUNK	(64 * 1024)	/* text gathered before deflate */
#define LINE_MAX_GEN	1024		/* one formatted line of XML */
#define DAY		86400LL
#define FIRST_DAY	1794787200LL	/* 2026-11-15 00:00 UTC */
#define MAX_SMALL	1000000LL	/* small reports per run */
#define SMALL_RECORDS	20		/* records per small report */
#define MAX_MBOX_MB	65536LL		/* mbox mode: MiB written at most */
#define MBOX_FILLER	(768 * 1024)	/* bytes of filler per message */

/* xorshift64: small, fast and the same on every machine */
struct rng {
	uint64_t	 s;
};

/* where formatted XML goes: a file, through deflate or not, or memory */
struct out {
	FILE		*f;		/* NULL: collect in mem */
	int		 gzip;		/* deflate to gzip first */
	z_stream	 z;
	char		*mem;		/* the bytes, when f is NULL */
	size_t		 n_mem, cap_mem;
	char		 text[OUT_CHUNK]; /* pending, not yet written */
	size_t		 n_text;
	unsigned char	 zbuf[OUT_CHUNK]; /* deflate output */
	int		 failed;	/* a write or deflate failed */
};

/* a receiver that sends reports, and how its reports look */
struct reporter {
	const char	*receiver;	/* file name part */
	const char	*org;		/* org_name, XML-escaped */
	const char	*email;
	const char	*version;	/* NULL: no <version> */
	int		 rfc9990;	/* namespaced, 9990-only elements */
	int		 envelope_to;	/* writes envelope_to */
	int		 omit_sp;	/* leaves out the "required" sp */
	const char	*v6prefix;	/* its own IPv6 sending range */
};

static const struct reporter reporters[] = {
	{ "google.com", "google.com", "noreply-dmarc-support@google.com",
	    "1.0", 0, 0, 0, "2a00:1450:4864:20::" },
	{ "enterprise.protection.outlook.com", "Enterprise Outlook",
	    "dmarcreport@microsoft.com", "1.0", 0, 1, 0,
	    "2a01:111:f403:2c0e::" },
	{ "yahoo.com", "Yahoo", "dmarchelp@yahooinc.com", NULL, 0, 0, 1,
	    "2001:4998:44:3507::" },
	{ "gmx.net", "GMX", "dmarc_support@gmx.net", "1.0", 1, 0, 0,
	    "2001:67c:1220:808::" },
	{ "amazonses.com", "AMAZON-SES", "postmaster@amazonses.com", "0.1",
	    0, 0, 0, "2a01:b740:a42:f00::" },
	{ "mimecast.org", "Mimecast", "dmarc-reports@mimecast.org", NULL, 0,
	    1, 1, "2a0a:5c0:16:15::" },
	{ "web.de", "WEB.DE", "dmarc_support@web.de", "1.0", 1, 0, 0,
	    "2001:67c:1220:809::" },
	{ "fastmail.com", "Fastmail Pty Ltd &amp; Co", "dmarc@fastmail.com",
	    "1.0", 0, 1, 0, "2a02:2f0e:c8::" },
};
#define N_REPORTERS	(sizeof(reporters) / sizeof(reporters[0]))

static const char *const domains[] = {
	"example.org", "example.com", "example.net", "shop.example.org",
	"mail.example.com",
};
#define N_DOMAINS	(sizeof(domains) / sizeof(domains[0]))

static const char *const policies[] = { "none", "quarantine", "reject" };
static const char *const selectors[] = {
	"google", "selector1", "selector2", "s1", "k1", "mx2026",
};
static const char *const dkim_results[] = {
	"pass", "pass", "pass", "pass", "fail", "neutral", "none",
	"temperror", "permerror", "policy",
};
static const char *const spf_results[] = {
	"pass", "pass", "pass", "pass", "fail", "softfail", "neutral",
	"none", "temperror", "permerror",
};
static const char *const foreign[] = {
	"mailchimpapp.net", "sendgrid.net", "bounces.amazonses.com",
	"forwarder.example", "list.example.net", "spoofer.example",
};
#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static uint64_t
rng_next(struct rng *r)
{
	uint64_t x = r->s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	r->s = x;
	return x;
}

/* uniform enough in [0, n) for n far below 2^32 */
static uint32_t
rng_below(struct rng *r, uint32_t n)
{
	return (uint32_t)((rng_next(r) >> 32) % n);
}

static const char *
rng_pick(struct rng *r, const char *const *v, size_t n)
{
	return v[rng_below(r, (uint32_t)n)];
}

static void
out_mem_add(struct out *o, const void *p, size_t n)
{
	if (o->n_mem + n > o->cap_mem) {
		while (o->n_mem + n > o->cap_mem)
			o->cap_mem = o->cap_mem ? o->cap_mem * 2 : OUT_CHUNK;
		o->mem = xreallocarray(o->mem, o->cap_mem, 1);
	}
	memcpy(o->mem + o->n_mem, p, n);
	o->n_mem += n;
}

/* hands what deflate produced to the file */
static void
out_drain(struct out *o)
{
	size_t n = sizeof(o->zbuf) - o->z.avail_out;

	if (n > 0 && fwrite(o->zbuf, 1, n, o->f) != n)
		o->failed = 1;
	o->z.next_out = o->zbuf;
	o->z.avail_out = sizeof(o->zbuf);
}

/* pushes the pending text on; with flush == Z_FINISH ends the stream */
static void
out_flush(struct out *o, int flush)
{
	int zr;

	if (o->f == NULL)
		out_mem_add(o, o->text, o->n_text);
	else if (!o->gzip) {
		if (o->n_text > 0 &&
		    fwrite(o->text, 1, o->n_text, o->f) != o->n_text)
			o->failed = 1;
	} else {
		o->z.next_in = (unsigned char *)o->text;
		o->z.avail_in = (uInt)o->n_text;
		do {
			zr = deflate(&o->z, flush);
			if (zr == Z_STREAM_ERROR) {
				o->failed = 1;
				break;
			}
			out_drain(o);
		} while (o->z.avail_in > 0 ||
		    (flush == Z_FINISH && zr != Z_STREAM_END));
	}
	o->n_text = 0;
}

static void
out_write(struct out *o, const char *s, size_t n)
{
	size_t k;

	while (n > 0) {
		if (o->n_text == sizeof(o->text))
			out_flush(o, Z_NO_FLUSH);
		k = sizeof(o->text) - o->n_text;
		if (k > n)
			k = n;
		memcpy(o->text + o->n_text, s, k);
		o->n_text += k;
		s += k;
		n -= k;
	}
}

static void out_printf(struct out *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

static void
out_printf(struct out *o, const char *fmt, ...)
{
	char line[LINE_MAX_GEN];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(line)) {
		fprintf(stderr, "dmarc-bench-gen: line too long\n");
		exit(1);
	}
	out_write(o, line, (size_t)n);
}

/*
 * Opens path for writing, through gzip when gzip is set; path NULL
 * collects the bytes in memory instead.  Returns 0 or -1 (errno set).
 */
static int
out_open(struct out *o, const char *path, int gzip)
{
	memset(o, 0, sizeof(*o));
	if (path == NULL)
		return 0;
	if ((o->f = fopen(path, "wb")) == NULL)
		return -1;
	if (gzip) {
		o->gzip = 1;
		/* windowBits 15 + 16: a gzip wrapper, not zlib */
		if (deflateInit2(&o->z, Z_DEFAULT_COMPRESSION, Z_DEFLATED,
		    31, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
			fclose(o->f);
			errno = ENOMEM;
			return -1;
		}
		o->z.next_out = o->zbuf;
		o->z.avail_out = sizeof(o->zbuf);
	}
	return 0;
}

/* finishes and closes; returns 0, or -1 if anything failed to be written */
static int
out_close(struct out *o)
{
	out_flush(o, Z_FINISH);
	if (o->gzip)
		deflateEnd(&o->z);
	if (o->f != NULL && fclose(o->f) != 0)
		o->failed = 1;
	return o->failed ? -1 : 0;
}

static void
ip_write(struct out *o, struct rng *r, const struct reporter *rep)
{
	uint32_t a;

	switch (rng_below(r, 10)) {
	case 0:		/* the reporter's own IPv6 range, compressed */
		out_printf(o, "%s%x", rep->v6prefix, rng_below(r, 0xffff) + 1);
		return;
	case 1:		/* someone else's, written out in full */
		out_printf(o, "2001:0db8:%04x:%04x:0000:0000:0000:%04x",
		    rng_below(r, 0x10000), rng_below(r, 0x10000),
		    rng_below(r, 0x10000));
		return;
	default:	/* public-looking IPv4: not 0/8 10/8 127/8 224/3 */
		do
			a = rng_below(r, 223) + 1;
		while (a == 10 || a == 127);
		out_printf(o, "%u.%u.%u.%u", a, rng_below(r, 256),
		    rng_below(r, 256), rng_below(r, 254) + 1);
	}
}

static void
row_write(struct out *o, struct rng *r, const struct reporter *rep,
    int *aligned_dkim, int *aligned_spf)
{
	uint32_t d = rng_below(r, 100);
	const char *disp;

	*aligned_dkim = rng_below(r, 4) != 0;
	*aligned_spf = rng_below(r, 3) != 0;
	if (*aligned_dkim || *aligned_spf)
		disp = rep->rfc9990 && d < 10 ? "pass" : "none";
	else
		disp = d < 60 ? "none" : d < 85 ? "quarantine" : "reject";
	out_printf(o, "  <record>\n    <row>\n      <source_ip>");
	ip_write(o, r, rep);
	out_printf(o, "</source_ip>\n      <count>%u</count>\n"
	    "      <policy_evaluated>\n        <disposition>%s</disposition>\n"
	    "        <dkim>%s</dkim>\n        <spf>%s</spf>\n", rng_below(r,
	    rng_below(r, 8) == 0 ? 5000 : 20) + 1, disp,
	    *aligned_dkim ? "pass" : "fail", *aligned_spf ? "pass" : "fail");
	if (!*aligned_dkim && !*aligned_spf && rng_below(r, 3) == 0)
		out_printf(o, "        <reason>\n          <type>%s</type>\n"
		    "          <comment>%s</comment>\n        </reason>\n",
		    rep->rfc9990 ? "policy_test_mode" : "mailing_list",
		    "arc=pass");
	out_printf(o, "      </policy_evaluated>\n    </row>\n");
}

/* mfrom is the SPF-checked domain: NULL when envelope_from is absent */
static void
identifiers_write(struct out *o, struct rng *r, const struct reporter *rep,
    const char *domain, const char *mfrom)
{
	out_printf(o, "    <identifiers>\n");
	if (rep->envelope_to)
		out_printf(o, "      <envelope_to>%s</envelope_to>\n",
		    rng_below(r, 2) ? "outlook.com" : "hotmail.com");
	if (mfrom != NULL)
		out_printf(o, "      <envelope_from>%s</envelope_from>\n",
		    mfrom);
	out_printf(o, "      <header_from>%s</header_from>\n"
	    "    </identifiers>\n", domain);
}

static void
auth_write(struct out *o, struct rng *r, const struct reporter *rep,
    const char *domain, const char *mfrom, int aligned_dkim,
    int aligned_spf)
{
	uint32_t n_dkim = rng_below(r, 6) == 0 ? 2 : aligned_dkim ? 1 :
	    rng_below(r, 2);

	out_printf(o, "    <auth_results>\n");
	for (uint32_t i = 0; i < n_dkim; i++) {
		out_printf(o, "      <dkim>\n        <domain>%s</domain>\n",
		    i == 0 && aligned_dkim ? domain :
		    rng_pick(r, foreign, NELEM(foreign)));
		if (rep->rfc9990 || rng_below(r, 10) != 0)
			out_printf(o, "        <selector>%s</selector>\n",
			    rng_pick(r, selectors, NELEM(selectors)));
		out_printf(o, "        <result>%s</result>\n",
		    i == 0 && aligned_dkim ? "pass" :
		    rng_pick(r, dkim_results, NELEM(dkim_results)));
		if (rng_below(r, 20) == 0)
			out_printf(o, "        <human_result>signature "
			    "verified</human_result>\n");
		out_printf(o, "      </dkim>\n");
	}
	out_printf(o, "      <spf>\n        <domain>%s</domain>\n",
	    mfrom != NULL && *mfrom != '\0' ? mfrom : domain);
	if (!rep->rfc9990 || rng_below(r, 2) == 0)
		out_printf(o, "        <scope>mfrom</scope>\n");
	out_printf(o, "        <result>%s</result>\n      </spf>\n",
	    aligned_spf ? "pass" : rng_pick(r, spf_results,
	    NELEM(spf_results)));
	if (!rep->rfc9990 && rng_below(r, 15) == 0)	/* helo as well */
		out_printf(o, "      <spf>\n        <domain>mx.%s</domain>\n"
		    "        <scope>helo</scope>\n        <result>%s</result>\n"
		    "      </spf>\n", domain, rng_pick(r, spf_results,
		    NELEM(spf_results)));
	out_printf(o, "    </auth_results>\n  </record>\n");
}

static void
record_write(struct out *o, struct rng *r, const struct reporter *rep,
    const char *domain)
{
	const char *mfrom;
	int ad, as;

	row_write(o, r, rep, &ad, &as);
	if (as)			/* aligned SPF pass: our envelope_from */
		mfrom = rng_below(r, 10) == 0 ? NULL : domain;
	else switch (rng_below(r, 6)) {
	case 0:			/* omitted (optional in RFC 9990) */
		mfrom = NULL;
		break;
	case 1:			/* null reverse-path */
		mfrom = "";
		break;
	default:
		mfrom = rng_pick(r, foreign, NELEM(foreign));
	}
	identifiers_write(o, r, rep, domain, mfrom);
	auth_write(o, r, rep, domain, mfrom, ad, as);
}

/* everything before the first record */
static void
head_write(struct out *o, struct rng *r, const struct reporter *rep,
    const char *domain, const char *report_id, long long begin)
{
	out_printf(o, "<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n");
	out_printf(o, rep->rfc9990 ?
	    "<feedback xmlns=\"urn:ietf:params:xml:ns:dmarc-2.0\">\n" :
	    "<feedback>\n");
	if (rep->version != NULL)
		out_printf(o, "  <version>%s</version>\n", rep->version);
	out_printf(o, "  <report_metadata>\n");
	if (rep->rfc9990)
		out_printf(o, "    <generator>%s DMARC 2.1</generator>\n",
		    rep->org);
	out_printf(o, "    <org_name>%s</org_name>\n    <email>%s</email>\n"
	    "    <report_id>%s</report_id>\n    <date_range>\n"
	    "      <begin>%lld</begin>\n      <end>%lld</end>\n"
	    "    </date_range>\n  </report_metadata>\n", rep->org, rep->email,
	    report_id, begin, begin + DAY - 1);
	out_printf(o, "  <policy_published>\n    <domain>%s</domain>\n"
	    "    <adkim>r</adkim>\n    <aspf>%s</aspf>\n    <p>%s</p>\n",
	    domain, rng_below(r, 4) ? "r" : "s",
	    rng_pick(r, policies, NELEM(policies)));
	if (!rep->omit_sp)
		out_printf(o, "    <sp>none</sp>\n");
	if (rep->rfc9990)
		out_printf(o, "    <np>none</np>\n    <testing>n</testing>\n"
		    "    <discovery_method>treewalk</discovery_method>\n");
	else
		out_printf(o, "    <pct>100</pct>\n    <fo>0</fo>\n");
	out_printf(o, "  </policy_published>\n");
}

/* zips the collected report as the one entry name of the archive path */
static int
zip_write(const char *path, const char *name, struct out *o)
{
	zip_t *za;
	zip_source_t *src;
	zip_error_t ze;
	int zerr;

	if ((za = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &zerr)) == NULL) {
		zip_error_init_with_code(&ze, zerr);
		fprintf(stderr, "dmarc-bench-gen: %s: %s\n", path,
		    zip_error_strerror(&ze));
		zip_error_fini(&ze);
		return -1;
	}
	if ((src = zip_source_buffer(za, o->mem, o->n_mem, 1)) == NULL)
		goto fail;
	o->mem = NULL;		/* the source owns it now */
	if (zip_file_add(za, name, src, ZIP_FL_ENC_UTF_8) < 0) {
		zip_source_free(src);
		goto fail;
	}
	if (zip_close(za) == -1)
		goto fail;
	return 0;
fail:
	fprintf(stderr, "dmarc-bench-gen: %s: %s\n", path, zip_strerror(za));
	zip_discard(za);
	return -1;
}

/* writes report i, its container chosen by i: xml, gz, zip in turn */
static int
small_write(const char *dir, long long i, struct rng *r)
{
	static const char *const ext[] = { ".xml", ".xml.gz", ".zip" };
	const struct reporter *rep = &reporters[rng_below(r, N_REPORTERS)];
	const char *domain = rng_pick(r, domains, N_DOMAINS);
	long long begin = FIRST_DAY + (i / 97) * DAY;
	char path[4096], base[512], name[600], id[128];
	int kind = (int)(i % 3), rc = -1;
	uint32_t n = rng_below(r, SMALL_RECORDS) + 1;
	struct out o;

	snprintf(id, sizeof(id), "%s%08llx.%u@%s", rep->rfc9990 ? "" : "r",
	    i, rng_below(r, 1000000), rep->receiver);
	/* RFC 7489 section 7.2.1.1 file name, unique-id last */
	snprintf(base, sizeof(base), "%s!%s!%lld!%lld!%lld", rep->receiver,
	    domain, begin, begin + DAY - 1, i);
	snprintf(name, sizeof(name), "%s.xml", base);
	snprintf(path, sizeof(path), "%s/%s%s", dir, base, ext[kind]);
	if (out_open(&o, kind == 2 ? NULL : path, kind == 1) == -1) {
		fprintf(stderr, "dmarc-bench-gen: %s: %s\n", path,
		    strerror(errno));
		return -1;
	}
	head_write(&o, r, rep, domain, id, begin);
	for (uint32_t k = 0; k < n; k++)
		record_write(&o, r, rep, domain);
	out_printf(&o, "</feedback>\n");
	if (out_close(&o) == -1)
		fprintf(stderr, "dmarc-bench-gen: %s: write failed\n", path);
	else if (kind != 2 || zip_write(path, name, &o) == 0)
		rc = 0;
	free(o.mem);
	return rc;
}

static int
gen_small(const char *dir, long long n)
{
	struct rng r = { 0x9e3779b97f4a7c15ULL };

	if (mkdir(dir, 0777) == -1 && errno != EEXIST) {
		fprintf(stderr, "dmarc-bench-gen: %s: %s\n", dir,
		    strerror(errno));
		return -1;
	}
	for (long long i = 0; i < n; i++)
		if (small_write(dir, i, &r) == -1)
			return -1;
	return 0;
}

static int
has_suffix(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && strcmp(s + a - b, suffix) == 0;
}

/* one Google-like report with n records, streamed to path */
static int
gen_big(const char *path, long long n)
{
	struct rng r = { 0x2545f4914f6cdd1dULL };
	const struct reporter *rep = &reporters[0];
	char id[64];
	struct out o;

	snprintf(id, sizeof(id), "big%lld", n);
	if (out_open(&o, path, !has_suffix(path, ".xml")) == -1) {
		fprintf(stderr, "dmarc-bench-gen: %s: %s\n", path,
		    strerror(errno));
		return -1;
	}
	head_write(&o, &r, rep, "example.org", id, FIRST_DAY);
	for (long long i = 0; i < n; i++)
		record_write(&o, &r, rep, "example.org");
	out_printf(&o, "</feedback>\n");
	if (out_close(&o) == -1) {
		fprintf(stderr, "dmarc-bench-gen: %s: write failed\n", path);
		return -1;
	}
	return 0;
}

/* n bytes as base64 in 76-column lines */
static void
b64_write(FILE *f, const unsigned char *p, size_t n)
{
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789+/";
	char line[80];
	size_t k = 0;

	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16;

		v |= i + 1 < n ? (uint32_t)p[i + 1] << 8 : 0;
		v |= i + 2 < n ? p[i + 2] : 0;
		line[k++] = b64[v >> 18 & 63];
		line[k++] = b64[v >> 12 & 63];
		line[k++] = i + 1 < n ? b64[v >> 6 & 63] : '=';
		line[k++] = i + 2 < n ? b64[v & 63] : '=';
		if (k == 76 || i + 3 >= n) {
			line[k++] = '\n';
			fwrite(line, 1, k, f);
			k = 0;
		}
	}
}

/*
 * Message i of the mbox: a small report and a filler attachment of
 * n_filler bytes (none when 0); from_line: begins with the mbox From_ line
 */
static int
mbox_message(FILE *f, long long i, struct rng *r, unsigned char *filler,
    size_t n_filler, int from_line)
{
	const struct reporter *rep = &reporters[rng_below(r, N_REPORTERS)];
	const char *domain = rng_pick(r, domains, N_DOMAINS);
	uint32_t n = rng_below(r, SMALL_RECORDS) + 1;
	char id[128];
	struct out o;

	snprintf(id, sizeof(id), "mbox%08llx@%s", i, rep->receiver);
	out_open(&o, NULL, 0);
	head_write(&o, r, rep, domain, id, FIRST_DAY + (i / 97) * DAY);
	for (uint32_t k = 0; k < n; k++)
		record_write(&o, r, rep, domain);
	out_printf(&o, "</feedback>\n");
	out_close(&o);
	for (size_t k = 0; k < n_filler; k += 8) {
		uint64_t v = rng_next(r);

		memcpy(filler + k, &v, 8);
	}
	if (from_line)
		fprintf(f, "From dmarc@%s Mon Nov 16 00:00:00 2026\n",
		    rep->receiver);
	fprintf(f, "From: %s <%s>\nTo: rua@%s\nSubject: Report Domain: %s "
	    "Submitter: %s Report-ID: <%s>\nMessage-ID: <%s>\n"
	    "Date: Mon, 16 Nov 2026 00:00:00 +0000\nMIME-Version: 1.0\n"
	    "Content-Type: multipart/mixed; boundary=\"b%lld\"\n\n"
	    "--b%lld\nContent-Type: application/octet-stream; "
	    "name=\"logo.bin\"\nContent-Transfer-Encoding: base64\n\n",
	    rep->org, rep->email, domain, domain,
	    rep->receiver, id, id, i, i);
	b64_write(f, filler, n_filler);
	fprintf(f, "\n--b%lld\nContent-Type: text/xml; name=\"%s!%s.xml\"\n"
	    "Content-Transfer-Encoding: base64\n\n", i, rep->receiver,
	    domain);
	b64_write(f, (unsigned char *)o.mem, o.n_mem);
	fprintf(f, "\n--b%lld--\n\n", i);
	free(o.mem);
	return ferror(f) ? -1 : 0;
}

/* an mbox of about mb MiB of report messages */
static int
gen_mbox(const char *path, long long mb)
{
	struct rng r = { 0x853c49e6748fea9bULL };
	unsigned char *filler = xmalloc(MBOX_FILLER);
	FILE *f;
	int rc = -1;

	if ((f = fopen(path, "wb")) == NULL) {
		fprintf(stderr, "dmarc-bench-gen: %s: %s\n", path,
		    strerror(errno));
		free(filler);
		return -1;
	}
	for (long long i = 0; ftello(f) < mb * 1024 * 1024; i++)
		if (mbox_message(f, i, &r, filler, MBOX_FILLER, 1) == -1)
			break;
	if (!ferror(f) && fclose(f) == 0)
		rc = 0;
	else
		fprintf(stderr, "dmarc-bench-gen: %s: write failed\n", path);
	free(filler);
	return rc;
}

/*
 * A Maildir DIR of total report messages: the first total - n seen in
 * cur/ (old mail), the last n unseen in new/ (what an IMAP run takes).
 */
static int
gen_maildir(const char *dir, long long n, long long total)
{
	struct rng r = { 0x2545f4914f6cdd1dULL };
	char path[4096];
	FILE *f;

	for (long long i = 0; i < total; i++) {
		snprintf(path, sizeof(path), i < total - n ?
		    "%s/cur/%lld.bench:2,S" : "%s/new/%lld.bench", dir, i);
		if ((f = fopen(path, "wb")) == NULL) {
			fprintf(stderr, "dmarc-bench-gen: %s: %s\n", path,
			    strerror(errno));
			return -1;
		}
		if (mbox_message(f, i, &r, NULL, 0, 0) == -1 ||
		    fclose(f) != 0) {
			fprintf(stderr, "dmarc-bench-gen: %s: write failed\n",
			    path);
			return -1;
		}
	}
	return 0;
}

static void
usage(void)
{
	fprintf(stderr, "usage: dmarc-bench-gen small DIR N\n"
	    "       dmarc-bench-gen big FILE N\n"
	    "       dmarc-bench-gen mbox FILE MIB\n"
	    "       dmarc-bench-gen maildir DIR N TOTAL\n");
	exit(2);
}

int
main(int argc, char *argv[])
{
	int64_t n, total;

	if (argc == 5 && strcmp(argv[1], "maildir") == 0) {
		if (num_i64(argv[4], 1, MAX_SMALL, &total) == -1 ||
		    num_i64(argv[3], 1, total, &n) == -1)
			usage();
		return gen_maildir(argv[2], n, total) == 0 ? 0 : 1;
	}
	if (argc != 4)
		usage();
	if (strcmp(argv[1], "small") == 0) {
		if (num_i64(argv[3], 1, MAX_SMALL, &n) == -1)
			usage();
		return gen_small(argv[2], n) == 0 ? 0 : 1;
	}
	if (strcmp(argv[1], "big") == 0) {
		if (num_i64(argv[3], 1, (int64_t)MAX_RECORDS, &n) == -1)
			usage();
		return gen_big(argv[2], n) == 0 ? 0 : 1;
	}
	if (strcmp(argv[1], "mbox") == 0) {
		if (num_i64(argv[3], 1, MAX_MBOX_MB, &n) == -1)
			usage();
		return gen_mbox(argv[2], n) == 0 ? 0 : 1;
	}
	usage();
	return 2;
}
