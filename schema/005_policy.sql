-- Schema version 5: DNS answers cached per resolver, and the policy
-- lookups' new status and report destinations (report/dns.c,
-- report/policy.c).
--
-- dns_cache: as in version 4, keyed by the resolver that answered too,
-- so that the answer (above all a negative one) of one resolver is never
-- given as another's.  resolver is 'system' for /etc/resolv.conf, else
-- the --resolver address as "ADDR:PORT" or "[V6]:PORT".  The old rows
-- cannot say which resolver gave them: the cache starts empty.
DROP TABLE dns_cache;
CREATE TABLE dns_cache (
	resolver	TEXT NOT NULL,
	qtype		TEXT NOT NULL CHECK (qtype IN ('TXT', 'PTR')),
	name		TEXT NOT NULL,
	seq		INTEGER NOT NULL,
	status		TEXT NOT NULL
	    CHECK (status IN ('ok', 'nodata', 'nxdomain')),
	rcode		INTEGER NOT NULL,
	data		TEXT,
	ttl		INTEGER NOT NULL,
	fetched_at	INTEGER NOT NULL,
	PRIMARY KEY (resolver, qtype, name, seq)
) WITHOUT ROWID;

-- dmarc_lookup: status 'invalid' (TXT records on the walk, none that
-- receivers use) and report_dests, one line per rua/ruf destination:
-- "TAG STATUS HOST URI" with STATUS internal, authorized,
-- not-authorized, unknown or not-checked.  SQLite cannot change a CHECK
-- constraint in place: the table is copied.
CREATE TABLE dmarc_lookup_5 (
	id		INTEGER PRIMARY KEY,
	domain		TEXT NOT NULL,
	looked_up_at	INTEGER NOT NULL,
	status		TEXT NOT NULL CHECK (status IN
	    ('found', 'none', 'invalid', 'dns-error')),
	rcode		INTEGER,
	record_domain	TEXT,
	org_domain	TEXT,
	raw_record	TEXT,
	valid		INTEGER,
	p		TEXT,
	sp		TEXT,
	np		TEXT,
	psd		TEXT,
	t		TEXT,
	adkim		TEXT,
	aspf		TEXT,
	pct		INTEGER,
	rua		TEXT,
	ruf		TEXT,
	fo		TEXT,
	warnings	TEXT,
	walk_notes	TEXT,
	report_dests	TEXT
);
INSERT INTO dmarc_lookup_5 (id, domain, looked_up_at, status, rcode,
    record_domain, org_domain, raw_record, valid, p, sp, np, psd, t, adkim,
    aspf, pct, rua, ruf, fo, warnings, walk_notes)
    SELECT id, domain, looked_up_at, status, rcode, record_domain,
    org_domain, raw_record, valid, p, sp, np, psd, t, adkim, aspf, pct, rua,
    ruf, fo, warnings, walk_notes FROM dmarc_lookup;
DROP TABLE dmarc_lookup;
ALTER TABLE dmarc_lookup_5 RENAME TO dmarc_lookup;
CREATE INDEX dmarc_lookup_domain ON dmarc_lookup (domain, looked_up_at);
