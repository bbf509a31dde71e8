-- PostgreSQL mirror of schema/007_idn.sql: the same tables, columns and v_* views
-- with the same meanings (README), written in PostgreSQL's dialect:
-- integers are bigint (ids generated, ids given are kept), blobs bytea,
-- group_concat is string_agg in the rows' order.  Applied by
-- schema/db_pg.c in one transaction with the version update.

-- Schema version 7: internationalised domain names (issue 12 point 3).
--
-- From this version on every domain column (report.policy_domain,
-- record.header_from, record_dkim.domain, record_spf.domain) holds the
-- A-label form ("xn--bcher-kva.example", IDNA2008 with UTS #46
-- non-transitional processing): names are compared, aligned and looked
-- up in DNS in that form.  Where a report gave the name with U-labels
-- ("bücher.example"), the *_unicode column beside it holds the U-label
-- form for display; NULL when the report gave plain ASCII (A-labels
-- included) or the name is no valid IDN (then the domain column holds it
-- lower-cased as received, with an invalid-idn warning).  Rows stored
-- before version 7 keep the name as received (and their alignment as
-- computed then) until dmarc-ingest --reprocess=all parses them again.
ALTER TABLE report ADD COLUMN policy_domain_unicode TEXT;
ALTER TABLE record ADD COLUMN header_from_unicode TEXT;
ALTER TABLE record_dkim ADD COLUMN domain_unicode TEXT;
ALTER TABLE record_spf ADD COLUMN domain_unicode TEXT;

-- The views gain the U-label forms as their last columns.
DROP VIEW v_reports;
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
	r.stored_at		AS stored_at,
	r.policy_domain_unicode	AS policy_domain_unicode
FROM report r
WHERE r.status = 'stored';

DROP VIEW v_records;
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
	(SELECT string_agg(d.domain || ':' || coalesce(d.result,
	    d.result_raw, ''), ' ' ORDER BY d.seq) FROM record_dkim d
	    WHERE d.record_id = c.id) AS dkim,
	(SELECT string_agg(s.domain || ':' || coalesce(s.result,
	    s.result_raw, ''), ' ' ORDER BY s.seq) FROM record_spf s
	    WHERE s.record_id = c.id) AS spf,
	c.header_from_unicode	AS header_from_unicode
FROM record c
JOIN report r ON r.id = c.report_id
WHERE r.status = 'stored';
