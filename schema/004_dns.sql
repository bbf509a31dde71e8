-- Schema version 4: DNS answers cached by dmarc-report (with their TTL)
-- and the history of DMARC record lookups (report/dns.c, report/policy.c).
--
-- dns_cache: one row per answer record; a negative answer (nodata,
-- nxdomain) is one row with seq 0 and data NULL.  Timeouts and failures
-- are not cached.  An entry is fresh while fetched_at + ttl > now.
CREATE TABLE dns_cache (
	qtype		TEXT NOT NULL CHECK (qtype IN ('TXT', 'PTR')),
	name		TEXT NOT NULL,	-- queried name: _dmarc.example.org,
					-- or the IP address for PTR
	seq		INTEGER NOT NULL,	-- answer record 0, 1, ...
	status		TEXT NOT NULL
	    CHECK (status IN ('ok', 'nodata', 'nxdomain')),
	rcode		INTEGER NOT NULL,
	data		TEXT,		-- TXT strings joined, or PTR name
	ttl		INTEGER NOT NULL,	-- seconds
	fetched_at	INTEGER NOT NULL,	-- epoch seconds
	PRIMARY KEY (qtype, name, seq)
) WITHOUT ROWID;

-- dmarc_lookup: every DMARC policy lookup (tree walk) with its result.
CREATE TABLE dmarc_lookup (
	id		INTEGER PRIMARY KEY,
	domain		TEXT NOT NULL,		-- the domain asked about
	looked_up_at	INTEGER NOT NULL,	-- epoch seconds
	status		TEXT NOT NULL CHECK (status IN
	    ('found', 'none', 'dns-error')),
	rcode		INTEGER,		-- at _dmarc.domain
	record_domain	TEXT,		-- where the record was found
	org_domain	TEXT,		-- organizational domain (RFC 9989)
	raw_record	TEXT,		-- the TXT record as published
	valid		INTEGER,	-- 1 if the record is valid
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
	warnings	TEXT,	-- every note, "severity code: text" per line
	walk_notes	TEXT	-- the tree walk's own notes, same format
);
CREATE INDEX dmarc_lookup_domain ON dmarc_lookup (domain, looked_up_at);
