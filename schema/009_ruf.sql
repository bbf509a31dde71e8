-- Schema version 9: DMARC failure reports (ruf: RFC 9991 in the ARF of
-- RFC 5965 with the auth-failure fields of RFC 6591).  An input holding
-- one is an input of the same ledger (input, input_chunk, warning).  The
-- input's kept bytes are the document dmarc-ingest built from the
-- message: the feedback part and the original message's headers; the
-- original body only when dmarc-ingest ran with --keep-failure-bodies
-- (it is a stranger's mail).  v_failure_reports is the stable query
-- interface documented in the README.

-- One row per failure report.  status 'conflict' marks a report whose key
-- (match_key: reported domain, source IP, arrival date, original
-- Message-ID) matches an earlier one (conflict_of) but whose content
-- differs; the views leave it out.
CREATE TABLE ruf_report (
	id		INTEGER PRIMARY KEY,
	input_id	INTEGER NOT NULL
			    REFERENCES input (id) ON DELETE CASCADE,
	location	TEXT,			-- where in the input
	feedback_type	TEXT NOT NULL,		-- 'auth-failure'
	user_agent	TEXT,
	version		TEXT,
	arrival_utc	INTEGER,		-- Arrival-Date; NULL: none or
						-- not a date
	arrival_raw	TEXT,
	source_ip	TEXT,			-- canonical; NULL: not an IP
	source_ip_raw	TEXT,
	reported_domain	TEXT,			-- lower case
	original_mail_from TEXT,
	original_rcpt_to TEXT,			-- every one, ', ' between
	auth_failure	TEXT,			-- every one, ', ' between
	authentication_results TEXT,		-- every one, ', ' between
	identity_alignment TEXT,		-- RFC 9991
	delivery_result	TEXT,			-- lower case
	dkim_domain	TEXT,
	dkim_selector	TEXT,
	spf_dns		TEXT,
	orig_message_id	TEXT,			-- without <>
	orig_from	TEXT,			-- RFC 2047 decoded
	orig_subject	TEXT,			-- RFC 2047 decoded
	orig_date_utc	INTEGER,
	orig_headers	TEXT,			-- 'Name: value' lines
	n_orig_headers	INTEGER NOT NULL CHECK (n_orig_headers >= 0),
	orig_body	TEXT,			-- NULL unless kept on purpose
	doc_sha256	TEXT NOT NULL CHECK (length(doc_sha256) = 64),
	content_sha256	TEXT NOT NULL CHECK (length(content_sha256) = 64),
	status		TEXT NOT NULL DEFAULT 'stored'
			    CHECK (status IN ('stored', 'conflict')),
	conflict_of	INTEGER REFERENCES ruf_report (id) ON DELETE SET NULL,
	match_key	TEXT NOT NULL,
	stored_at	INTEGER NOT NULL
) STRICT;
CREATE INDEX ruf_report_key ON ruf_report (match_key);
CREATE INDEX ruf_report_input ON ruf_report (input_id);
CREATE INDEX ruf_report_source ON ruf_report (reported_domain, source_ip);
CREATE INDEX ruf_report_conflict_of ON ruf_report (conflict_of)
    WHERE conflict_of IS NOT NULL;

-- Every field of the message/feedback-report part as received, in order
-- (seq from 0), so that repeated and unknown fields are kept too.
CREATE TABLE ruf_field (
	report_id	INTEGER NOT NULL
			    REFERENCES ruf_report (id) ON DELETE CASCADE,
	seq		INTEGER NOT NULL CHECK (seq >= 0),
	name		TEXT NOT NULL,
	value		TEXT NOT NULL,
	PRIMARY KEY (report_id, seq)
) STRICT, WITHOUT ROWID;

-- Stable views.  Columns may be added at the end; none is renamed or
-- removed without a new schema version.

-- One row per stored failure report.  arrival_utc falls back to the
-- original's Date, then to when it was stored, so that every report has
-- a time to be counted in a window by.
CREATE VIEW v_failure_reports AS
SELECT
	r.id			AS id,
	r.input_id		AS input_id,
	coalesce(r.arrival_utc, r.orig_date_utc, r.stored_at) AS arrival_utc,
	r.source_ip		AS source_ip,
	r.source_ip_raw		AS source_ip_raw,
	r.reported_domain	AS reported_domain,
	r.auth_failure		AS auth_failure,
	r.authentication_results AS authentication_results,
	r.identity_alignment	AS identity_alignment,
	r.delivery_result	AS delivery_result,
	r.original_mail_from	AS original_mail_from,
	r.original_rcpt_to	AS original_rcpt_to,
	r.dkim_domain		AS dkim_domain,
	r.dkim_selector		AS dkim_selector,
	r.spf_dns		AS spf_dns,
	r.orig_message_id	AS orig_message_id,
	r.orig_from		AS orig_from,
	r.orig_subject		AS orig_subject,
	r.orig_date_utc		AS orig_date_utc,
	r.orig_headers		AS orig_headers,
	r.orig_body IS NOT NULL	AS body_kept,
	r.user_agent		AS user_agent,
	r.stored_at		AS stored_at
FROM ruf_report r
WHERE r.status = 'stored';

-- The ARF fields of the stored failure reports, in order.
CREATE VIEW v_failure_report_fields AS
SELECT
	f.report_id		AS report,
	f.seq			AS seq,
	f.name			AS name,
	f.value			AS value
FROM ruf_field f
JOIN ruf_report r ON r.id = f.report_id
WHERE r.status = 'stored';
