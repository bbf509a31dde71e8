-- PostgreSQL mirror of schema/003_report.sql: the same tables, columns and v_* views
-- with the same meanings (README), written in PostgreSQL's dialect:
-- integers are bigint (ids generated, ids given are kept), blobs bytea,
-- group_concat is string_agg in the rows' order.  Applied by
-- schema/db_pg.c in one transaction with the version update.

-- Schema version 3: the indexes dmarc-report's queries need (issue 4).
-- dmarc-report opens the database read-only, so it relies on indexes
-- rather than summary tables that ingest would have to maintain.
--
-- report_span: the longest date range in the database in one index
-- probe; the window query bounds begin_utc below by since - span so
-- that report_begin (001) limits the scan to the window's reports.
CREATE INDEX report_span ON report ((end_utc - begin_utc));
