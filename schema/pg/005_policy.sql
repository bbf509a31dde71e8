-- PostgreSQL mirror of schema/005_policy.sql: the same tables, columns and v_* views
-- with the same meanings (README), written in PostgreSQL's dialect:
-- integers are bigint (ids generated, ids given are kept), blobs bytea,
-- group_concat is string_agg in the rows' order.  Applied by
-- schema/db_pg.c in one transaction with the version update.

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
	seq		BIGINT NOT NULL,
	status		TEXT NOT NULL
	    CHECK (status IN ('ok', 'nodata', 'nxdomain')),
	rcode		BIGINT NOT NULL,
	data		TEXT,
	ttl		BIGINT NOT NULL,
	fetched_at	BIGINT NOT NULL,
	PRIMARY KEY (resolver, qtype, name, seq)
);

-- dmarc_lookup: status 'invalid' (TXT records on the walk, none that
-- receivers use) and report_dests, one line per rua/ruf destination:
-- "TAG STATUS HOST URI" with STATUS internal, authorized,
-- not-authorized, unknown or not-checked.  PostgreSQL changes the CHECK
-- constraint in place (SQLite copies the table).
ALTER TABLE dmarc_lookup DROP CONSTRAINT dmarc_lookup_status_check;
ALTER TABLE dmarc_lookup ADD CONSTRAINT dmarc_lookup_status_check
    CHECK (status IN ('found', 'none', 'invalid', 'dns-error'));
ALTER TABLE dmarc_lookup ADD COLUMN report_dests TEXT;
