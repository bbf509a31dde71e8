-- Schema version 1: the database contract between dmarc-ingest and its
-- readers (dmarc-report, sqlite3, Grafana).  Tables hold everything a
-- report said, normalised enum words next to the raw text received; the
-- v_* views are the stable query interface documented in the README.
-- Times are integer seconds since the epoch (UTC); booleans are 0/1.
-- Applied by schema/db.c inside one transaction that also sets
-- PRAGMA user_version; never edit a released migration, add 002_*.sql.

-- The ingest ledger: one row per distinct input (by SHA-256 of its bytes),
-- with the outcome of its last processing.
CREATE TABLE input (
	id		INTEGER PRIMARY KEY,
	sha256		TEXT NOT NULL UNIQUE CHECK (length(sha256) = 64),
	source		TEXT NOT NULL,		-- path or "-" as first seen
	size		INTEGER NOT NULL DEFAULT 0 CHECK (size >= 0),
	container	TEXT CHECK (container IN ('gzip', 'zip')),
	stored_deflated	INTEGER NOT NULL DEFAULT 0
			    CHECK (stored_deflated IN (0, 1)),
	first_seen	INTEGER NOT NULL,
	last_seen	INTEGER NOT NULL,
	seen_count	INTEGER NOT NULL DEFAULT 1 CHECK (seen_count >= 1),
	outcome		TEXT NOT NULL DEFAULT 'pending' CHECK (outcome IN
			    ('pending', 'stored', 'duplicate', 'rejected',
			    'not_report')),
	reason		TEXT,
	n_reports	INTEGER NOT NULL DEFAULT 0 CHECK (n_reports >= 0),
	n_records	INTEGER NOT NULL DEFAULT 0 CHECK (n_records >= 0)
) STRICT;
-- No index on outcome: the ledger is small next to the records, and every
-- input updates its outcome (an index would be written twice per input).

-- The original bytes of an input in chunks of at most 1 MiB, in seq order.
-- Concatenated they give the input as received, or, when the input's
-- stored_deflated is 1, a gzip stream of it.
CREATE TABLE input_chunk (
	input_id	INTEGER NOT NULL
			    REFERENCES input (id) ON DELETE CASCADE,
	seq		INTEGER NOT NULL CHECK (seq >= 0),
	data		BLOB NOT NULL,
	PRIMARY KEY (input_id, seq)
) STRICT;

-- One row per report document.  status 'conflict' marks a report whose
-- key (org_key, email_key, report_id, policy_domain) matches an earlier
-- report (conflict_of) but whose XML differs; the views leave it out.
CREATE TABLE report (
	id		INTEGER PRIMARY KEY,
	input_id	INTEGER NOT NULL
			    REFERENCES input (id) ON DELETE CASCADE,
	location	TEXT,			-- where in the input: zip entry
	format		TEXT NOT NULL
			    CHECK (format IN ('rfc7489', 'rfc9990')),
	xmlns		TEXT,
	version		TEXT,
	org_name	TEXT,
	email		TEXT,
	extra_contact_info TEXT,
	report_id	TEXT,
	generator	TEXT,
	begin_utc	INTEGER NOT NULL,
	end_utc		INTEGER NOT NULL,
	policy_domain	TEXT,
	policy_adkim	TEXT CHECK (policy_adkim IN ('r', 's')),
	policy_adkim_raw TEXT,
	policy_aspf	TEXT CHECK (policy_aspf IN ('r', 's')),
	policy_aspf_raw	TEXT,
	policy_p	TEXT CHECK (policy_p IN ('none', 'quarantine',
			    'reject')),
	policy_p_raw	TEXT,
	policy_sp	TEXT CHECK (policy_sp IN ('none', 'quarantine',
			    'reject')),
	policy_sp_raw	TEXT,
	policy_np	TEXT CHECK (policy_np IN ('none', 'quarantine',
			    'reject')),
	policy_np_raw	TEXT,
	policy_pct	INTEGER CHECK (policy_pct BETWEEN 0 AND 100),
	policy_fo	TEXT,
	policy_testing	TEXT CHECK (policy_testing IN ('n', 'y')),
	policy_testing_raw TEXT,
	policy_discovery TEXT
			    CHECK (policy_discovery IN ('psl', 'treewalk')),
	policy_discovery_raw TEXT,
	n_records	INTEGER NOT NULL DEFAULT 0 CHECK (n_records >= 0),
	messages	INTEGER NOT NULL DEFAULT 0 CHECK (messages >= 0),
	doc_sha256	TEXT CHECK (length(doc_sha256) = 64),
	status		TEXT NOT NULL DEFAULT 'stored'
			    CHECK (status IN ('stored', 'conflict')),
	conflict_of	INTEGER REFERENCES report (id) ON DELETE SET NULL,
	org_key		TEXT NOT NULL,		-- lower(org_name), '' if absent
	email_key	TEXT NOT NULL,		-- lower(email), '' if absent
	stored_at	INTEGER NOT NULL
) STRICT;
CREATE INDEX report_key ON report (org_key, email_key, report_id,
    policy_domain);
CREATE INDEX report_domain_begin ON report (policy_domain, begin_utc);
CREATE INDEX report_begin ON report (begin_utc);
CREATE INDEX report_input ON report (input_id);
CREATE INDEX report_conflict_of ON report (conflict_of)
    WHERE conflict_of IS NOT NULL;

-- report_metadata/error elements, in document order
CREATE TABLE report_error (
	report_id	INTEGER NOT NULL
			    REFERENCES report (id) ON DELETE CASCADE,
	seq		INTEGER NOT NULL,
	text		TEXT NOT NULL,
	PRIMARY KEY (report_id, seq)
) STRICT, WITHOUT ROWID;

-- One row per <record>; seq is its position in the report from 0.
-- The per-record tables spell their CHECK lists with OR: SQLite builds a
-- temporary table for every execution of an IN list of three or more.
CREATE TABLE record (
	id		INTEGER PRIMARY KEY,
	report_id	INTEGER NOT NULL
			    REFERENCES report (id) ON DELETE CASCADE,
	seq		INTEGER NOT NULL,
	source_ip	TEXT,			-- canonical; NULL if invalid
	source_ip_raw	TEXT,
	ip_family	INTEGER CHECK (ip_family IN (4, 6)),
	count		INTEGER NOT NULL CHECK (count >= 0),
	disposition	TEXT CHECK (disposition = 'none' OR
			    disposition = 'pass' OR
			    disposition = 'quarantine' OR
			    disposition = 'reject'),
	disposition_raw	TEXT,
	eval_dkim	TEXT CHECK (eval_dkim IN ('pass', 'fail')),
	eval_dkim_raw	TEXT,
	eval_spf	TEXT CHECK (eval_spf IN ('pass', 'fail')),
	eval_spf_raw	TEXT,
	envelope_to	TEXT,
	envelope_from	TEXT,
	header_from	TEXT,
	dkim_aligned	INTEGER NOT NULL CHECK (dkim_aligned IN (0, 1)),
	spf_aligned	INTEGER NOT NULL CHECK (spf_aligned IN (0, 1)),
	dmarc_pass	INTEGER NOT NULL CHECK (dmarc_pass IN (0, 1)),
	receiver_pass	INTEGER CHECK (receiver_pass IN (0, 1)),
	UNIQUE (report_id, seq)
) STRICT;
-- Records are read through their report (window queries); an index per
-- identifier would be written for every record and slow ingest down by a
-- third.  Ad-hoc queries by source_ip may add their own index.

-- policy_evaluated/reason
CREATE TABLE record_reason (
	record_id	INTEGER NOT NULL
			    REFERENCES record (id) ON DELETE CASCADE,
	seq		INTEGER NOT NULL,
	type		TEXT CHECK (type = 'forwarded' OR
			    type = 'sampled_out' OR
			    type = 'trusted_forwarder' OR
			    type = 'mailing_list' OR type = 'local_policy' OR
			    type = 'other' OR type = 'policy_test_mode'),
	type_raw	TEXT,
	comment		TEXT,
	PRIMARY KEY (record_id, seq)
) STRICT, WITHOUT ROWID;

-- auth_results/dkim
CREATE TABLE record_dkim (
	record_id	INTEGER NOT NULL
			    REFERENCES record (id) ON DELETE CASCADE,
	seq		INTEGER NOT NULL,
	domain		TEXT,
	selector	TEXT,
	result		TEXT CHECK (result = 'none' OR result = 'pass' OR
			    result = 'fail' OR result = 'policy' OR
			    result = 'neutral' OR result = 'temperror' OR
			    result = 'permerror'),
	result_raw	TEXT,
	human_result	TEXT,
	PRIMARY KEY (record_id, seq)
) STRICT, WITHOUT ROWID;

-- auth_results/spf; scope NULL with scope_raw NULL means absent (mfrom)
CREATE TABLE record_spf (
	record_id	INTEGER NOT NULL
			    REFERENCES record (id) ON DELETE CASCADE,
	seq		INTEGER NOT NULL,
	domain		TEXT,
	scope		TEXT CHECK (scope IN ('helo', 'mfrom')),
	scope_raw	TEXT,
	result		TEXT CHECK (result = 'none' OR
			    result = 'neutral' OR result = 'pass' OR
			    result = 'fail' OR result = 'softfail' OR
			    result = 'policy' OR result = 'temperror' OR
			    result = 'permerror'),
	result_raw	TEXT,
	human_result	TEXT,
	PRIMARY KEY (record_id, seq)
) STRICT, WITHOUT ROWID;

-- Named warning counts (lib/diag.c names).  A row with report_id holds
-- one report's counts; a row without holds the whole input's, which
-- include those of its reports (do not add the two kinds together).
CREATE TABLE warning (
	input_id	INTEGER NOT NULL
			    REFERENCES input (id) ON DELETE CASCADE,
	report_id	INTEGER REFERENCES report (id) ON DELETE CASCADE,
	code		TEXT NOT NULL,
	count		INTEGER NOT NULL CHECK (count > 0)
) STRICT;
CREATE INDEX warning_input ON warning (input_id);
CREATE INDEX warning_report ON warning (report_id)
    WHERE report_id IS NOT NULL;

-- Stable views.  Columns may be added at the end; none is renamed or
-- removed without a new schema version.

CREATE VIEW v_reports AS
SELECT
	r.id			AS id,
	r.input_id		AS input_id,
	r.org_name		AS org_name,
	r.email			AS org_email,
	r.extra_contact_info	AS extra_contact_info,
	r.report_id		AS report_id,
	r.policy_domain		AS policy_domain,
	r.begin_utc		AS begin_utc,
	r.end_utc		AS end_utc,
	r.format		AS format,
	r.version		AS version,
	r.generator		AS generator,
	r.policy_adkim		AS policy_adkim,
	r.policy_aspf		AS policy_aspf,
	r.policy_p		AS policy_p,
	r.policy_sp		AS policy_sp,
	r.policy_np		AS policy_np,
	r.policy_pct		AS policy_pct,
	r.policy_fo		AS policy_fo,
	r.policy_testing	AS policy_testing,
	r.policy_discovery	AS policy_discovery,
	r.n_records		AS rows,
	r.messages		AS messages,
	(SELECT count(*) FROM report_error e WHERE e.report_id = r.id)
				AS errors,
	r.stored_at		AS stored_at
FROM report r
WHERE r.status = 'stored';

CREATE VIEW v_records AS
SELECT
	c.id			AS id,
	r.id			AS report,
	r.org_name		AS org_name,
	r.report_id		AS report_id,
	r.policy_domain		AS policy_domain,
	r.begin_utc		AS begin_utc,
	r.end_utc		AS end_utc,
	c.source_ip		AS source_ip,
	c.source_ip_raw		AS source_ip_raw,
	c.ip_family		AS ip_family,
	c.count			AS messages,
	c.disposition		AS disposition,
	c.eval_dkim		AS eval_dkim,
	c.eval_spf		AS eval_spf,
	c.header_from		AS header_from,
	c.envelope_from		AS envelope_from,
	c.envelope_to		AS envelope_to,
	c.dkim_aligned		AS dkim_aligned,
	c.spf_aligned		AS spf_aligned,
	c.dmarc_pass		AS dmarc_pass,
	c.receiver_pass		AS receiver_pass,
	(SELECT group_concat(d.domain || ':' || coalesce(d.result,
	    d.result_raw, ''), ' ') FROM record_dkim d
	    WHERE d.record_id = c.id) AS dkim,
	(SELECT group_concat(s.domain || ':' || coalesce(s.result,
	    s.result_raw, ''), ' ') FROM record_spf s
	    WHERE s.record_id = c.id) AS spf
FROM record c
JOIN report r ON r.id = c.report_id
WHERE r.status = 'stored';

CREATE VIEW v_ingest AS
SELECT
	i.id			AS id,
	i.sha256		AS sha256,
	i.source		AS source,
	i.size			AS size,
	coalesce(i.container, 'plain') AS container,
	i.first_seen		AS first_seen,
	i.last_seen		AS last_seen,
	i.seen_count		AS seen_count,
	i.outcome		AS outcome,
	i.reason		AS reason,
	i.n_reports		AS n_reports,
	i.n_records		AS n_records,
	(SELECT coalesce(sum(w.count), 0) FROM warning w
	    WHERE w.input_id = i.id AND w.report_id IS NULL) AS warnings
FROM input i;

CREATE VIEW v_conflicts AS
SELECT
	c.id			AS id,
	c.conflict_of		AS conflict_of,
	c.org_name		AS org_name,
	c.email			AS org_email,
	c.report_id		AS report_id,
	c.policy_domain		AS policy_domain,
	c.begin_utc		AS begin_utc,
	c.end_utc		AS end_utc,
	c.n_records		AS rows,
	c.messages		AS messages,
	c.input_id		AS input_id,
	o.input_id		AS original_input_id,
	o.n_records		AS original_rows,
	o.messages		AS original_messages,
	c.stored_at		AS stored_at
FROM report c
LEFT JOIN report o ON o.id = c.conflict_of
WHERE c.status = 'conflict';

CREATE VIEW v_warnings AS
SELECT
	w.input_id		AS input_id,
	r.id			AS report,
	r.org_name		AS org_name,
	r.report_id		AS report_id,
	r.policy_domain		AS policy_domain,
	r.begin_utc		AS begin_utc,
	w.code			AS code,
	w.count			AS count
FROM warning w
JOIN report r ON r.id = w.report_id;
