-- Schema version 8: SMTP TLS reports (RFC 8460, TLS-RPT).  Every field of
-- RFC 8460 section 4.4 is kept, in tables of their own beside the DMARC
-- aggregate reports; an input holding one is an input of the same ledger
-- (input, input_chunk, warning: its warnings are the input's).  The
-- v_tls_* views are the stable query interface documented in the README.

-- One row per TLS report.  status 'conflict' marks a report whose key
-- (org_key, report_id) matches an earlier one (conflict_of) but whose
-- content differs; the views leave it out.  successful and failed are the
-- sums over its policies' summaries.
CREATE TABLE tls_report (
	id		INTEGER PRIMARY KEY,
	input_id	INTEGER NOT NULL
			    REFERENCES input (id) ON DELETE CASCADE,
	location	TEXT,			-- where in the input
	org_name	TEXT NOT NULL,		-- organization-name
	contact_info	TEXT,
	report_id	TEXT NOT NULL,
	begin_utc	INTEGER NOT NULL,	-- date-range start-datetime
	end_utc		INTEGER NOT NULL,	-- date-range end-datetime
	n_policies	INTEGER NOT NULL CHECK (n_policies >= 0),
	successful	INTEGER NOT NULL CHECK (successful >= 0),
	failed		INTEGER NOT NULL CHECK (failed >= 0),
	doc_sha256	TEXT NOT NULL CHECK (length(doc_sha256) = 64),
	content_sha256	TEXT NOT NULL CHECK (length(content_sha256) = 64),
	status		TEXT NOT NULL DEFAULT 'stored'
			    CHECK (status IN ('stored', 'conflict')),
	conflict_of	INTEGER REFERENCES tls_report (id) ON DELETE SET NULL,
	org_key		TEXT NOT NULL,		-- lower(org_name)
	stored_at	INTEGER NOT NULL
) STRICT;
CREATE INDEX tls_report_key ON tls_report (org_key, report_id);
CREATE INDEX tls_report_begin ON tls_report (begin_utc);
CREATE INDEX tls_report_input ON tls_report (input_id);
CREATE INDEX tls_report_conflict_of ON tls_report (conflict_of)
    WHERE conflict_of IS NOT NULL;

-- One row per entry of "policies"; seq is its position from 0.
CREATE TABLE tls_policy (
	id		INTEGER PRIMARY KEY,
	report_id	INTEGER NOT NULL
			    REFERENCES tls_report (id) ON DELETE CASCADE,
	seq		INTEGER NOT NULL CHECK (seq >= 0),
	policy_type	TEXT CHECK (policy_type IN ('sts', 'tlsa',
			    'no-policy-found')),	-- NULL: unknown
	policy_type_raw	TEXT NOT NULL,
	policy_domain	TEXT NOT NULL,		-- lower case
	successful	INTEGER NOT NULL CHECK (successful >= 0),
	failed		INTEGER NOT NULL CHECK (failed >= 0),
	UNIQUE (report_id, seq)
) STRICT;
CREATE INDEX tls_policy_domain ON tls_policy (policy_domain);

-- The policy-string lines (kind 'policy-string') and mx-host patterns
-- (kind 'mx-host') of a policy, in document order.
CREATE TABLE tls_policy_line (
	policy_id	INTEGER NOT NULL
			    REFERENCES tls_policy (id) ON DELETE CASCADE,
	kind		TEXT NOT NULL
			    CHECK (kind IN ('policy-string', 'mx-host')),
	seq		INTEGER NOT NULL CHECK (seq >= 0),
	text		TEXT NOT NULL,
	PRIMARY KEY (policy_id, kind, seq)
) STRICT, WITHOUT ROWID;

-- One row per failure-details entry of a policy.  result_type is the
-- RFC 8460 4.3 word, NULL when the sender used another (result_type_raw
-- keeps what it said); addresses are canonical text when they parsed.
CREATE TABLE tls_failure (
	policy_id	INTEGER NOT NULL
			    REFERENCES tls_policy (id) ON DELETE CASCADE,
	seq		INTEGER NOT NULL CHECK (seq >= 0),
	result_type	TEXT CHECK (result_type = 'starttls-not-supported' OR
			    result_type = 'certificate-host-mismatch' OR
			    result_type = 'certificate-expired' OR
			    result_type = 'certificate-not-trusted' OR
			    result_type = 'validation-failure' OR
			    result_type = 'tlsa-invalid' OR
			    result_type = 'dnssec-invalid' OR
			    result_type = 'dane-required' OR
			    result_type = 'sts-policy-fetch-error' OR
			    result_type = 'sts-policy-invalid' OR
			    result_type = 'sts-webpki-invalid'),
	result_type_raw	TEXT NOT NULL,
	sending_mta_ip	TEXT,			-- NULL: absent (Microsoft)
	receiving_mx_hostname TEXT,
	receiving_mx_helo TEXT,
	receiving_ip	TEXT,
	failed_sessions	INTEGER NOT NULL CHECK (failed_sessions >= 0),
	additional_information TEXT,
	failure_reason_code TEXT,
	PRIMARY KEY (policy_id, seq)
) STRICT, WITHOUT ROWID;

-- Stable views.  Columns may be added at the end; none is renamed or
-- removed without a new schema version.

CREATE VIEW v_tls_reports AS
SELECT
	r.id			AS id,
	r.input_id		AS input_id,
	r.org_name		AS org_name,
	r.contact_info		AS contact_info,
	r.report_id		AS report_id,
	r.begin_utc		AS begin_utc,
	r.end_utc		AS end_utc,
	r.n_policies		AS policies,
	r.successful		AS successful_sessions,
	r.failed		AS failed_sessions,
	r.stored_at		AS stored_at
FROM tls_report r
WHERE r.status = 'stored';

CREATE VIEW v_tls_policies AS
SELECT
	p.id			AS id,
	r.id			AS report,
	r.org_name		AS org_name,
	r.report_id		AS report_id,
	r.begin_utc		AS begin_utc,
	r.end_utc		AS end_utc,
	p.policy_type		AS policy_type,
	p.policy_type_raw	AS policy_type_raw,
	p.policy_domain		AS policy_domain,
	(SELECT group_concat(l.text, ' ') FROM tls_policy_line l
	    WHERE l.policy_id = p.id AND l.kind = 'mx-host') AS mx_hosts,
	p.successful		AS successful_sessions,
	p.failed		AS failed_sessions
FROM tls_policy p
JOIN tls_report r ON r.id = p.report_id
WHERE r.status = 'stored';

CREATE VIEW v_tls_failures AS
SELECT
	r.id			AS report,
	r.org_name		AS org_name,
	r.report_id		AS report_id,
	r.begin_utc		AS begin_utc,
	r.end_utc		AS end_utc,
	p.policy_type		AS policy_type,
	p.policy_domain		AS policy_domain,
	f.result_type		AS result_type,
	f.result_type_raw	AS result_type_raw,
	f.sending_mta_ip	AS sending_mta_ip,
	f.receiving_mx_hostname	AS receiving_mx_hostname,
	f.receiving_mx_helo	AS receiving_mx_helo,
	f.receiving_ip		AS receiving_ip,
	f.failed_sessions	AS failed_sessions,
	f.additional_information AS additional_information,
	f.failure_reason_code	AS failure_reason_code
FROM tls_failure f
JOIN tls_policy p ON p.id = f.policy_id
JOIN tls_report r ON r.id = p.report_id
WHERE r.status = 'stored';
