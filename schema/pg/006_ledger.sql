-- PostgreSQL mirror of schema/006_ledger.sql: the same tables, columns and v_* views
-- with the same meanings (README), written in PostgreSQL's dialect:
-- integers are bigint (ids generated, ids given are kept), blobs bytea,
-- group_concat is string_agg in the rows' order.  Applied by
-- schema/db_pg.c in one transaction with the version update.

-- Schema version 6: duplicates by meaning and a ledger people can read.
--
-- report.content_sha256: the canonical digest of the parsed report
-- (ingest/canon.c: its fields and the multiset of its records, blind to
-- white space, record order and the case of DNS names and enum words).
-- Duplicate or conflict is decided on it; doc_sha256 stays the SHA-256
-- of the XML as received.  NULL for reports stored before version 5:
-- those are compared by doc_sha256 as before, and dmarc-ingest
-- --reprocess parses their inputs again to fill it.
ALTER TABLE report ADD COLUMN content_sha256 TEXT
    CHECK (length(content_sha256) = 64);

-- input.source_raw and message.source_raw: the name exactly as received
-- (a file or attachment name may hold ESC, BEL or a newline) when it
-- differs from source, which from version 5 on holds it as visible text
-- (control characters shown as \xNN, as on the terminal); NULL when the
-- two are the same.
ALTER TABLE input ADD COLUMN source_raw TEXT;
ALTER TABLE message ADD COLUMN source_raw TEXT;
