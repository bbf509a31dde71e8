-- Schema version 2: the mail ledger (dmarc-ingest reading the rua
-- mailbox: an MTA pipe, .eml files, mbox, Maildir, IMAP).  One row per
-- distinct message (by SHA-256 of its bytes) with its headers and the
-- outcome of its processing; every report part found in a message is an
-- input of its own (table input, bytes kept for --reprocess), linked to
-- the message by message_input.  A report part that reaches us in two
-- messages is one input linked to both.

CREATE TABLE message (
	id		INTEGER PRIMARY KEY,
	sha256		TEXT NOT NULL UNIQUE CHECK (length(sha256) = 64),
	message_id	TEXT,		-- Message-ID header, without <>
	from_addr	TEXT,		-- From header, decoded
	subject		TEXT,		-- Subject header, RFC 2047 decoded
	date_utc	INTEGER,	-- Date header; NULL if absent or bad
	source		TEXT NOT NULL,	-- "maildir:cur/NAME", "mbox:F#N", "-"
	size		INTEGER NOT NULL CHECK (size >= 0),
	first_seen	INTEGER NOT NULL,
	last_seen	INTEGER NOT NULL,
	seen_count	INTEGER NOT NULL DEFAULT 1 CHECK (seen_count >= 1),
	outcome		TEXT NOT NULL DEFAULT 'pending' CHECK (outcome IN
			    ('pending', 'stored', 'duplicate', 'rejected',
			    'not_report')),
	reason		TEXT,		-- not_report: what it was instead
	n_reports	INTEGER NOT NULL DEFAULT 0 CHECK (n_reports >= 0)
) STRICT;
CREATE INDEX message_message_id ON message (message_id);

-- The report parts of a message: location is the MIME part ("2.1") and
-- its file name as the message named it.
CREATE TABLE message_input (
	message_id	INTEGER NOT NULL
			    REFERENCES message (id) ON DELETE CASCADE,
	input_id	INTEGER NOT NULL
			    REFERENCES input (id) ON DELETE CASCADE,
	location	TEXT,
	PRIMARY KEY (message_id, input_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX message_input_input ON message_input (input_id);

-- Stable view of the mail ledger.  rejected_inputs counts the linked
-- inputs that are rejected now (after a --reprocess it may drop to 0).
CREATE VIEW v_messages AS
SELECT
	m.id			AS id,
	m.sha256		AS sha256,
	m.message_id		AS message_id,
	m.from_addr		AS from_addr,
	m.subject		AS subject,
	m.date_utc		AS date_utc,
	m.source		AS source,
	m.size			AS size,
	m.first_seen		AS first_seen,
	m.last_seen		AS last_seen,
	m.seen_count		AS seen_count,
	m.outcome		AS outcome,
	m.reason		AS reason,
	m.n_reports		AS n_reports,
	(SELECT count(*) FROM message_input l WHERE l.message_id = m.id)
				AS inputs,
	(SELECT count(*) FROM message_input l JOIN input i
	    ON i.id = l.input_id WHERE l.message_id = m.id
	    AND i.outcome = 'rejected') AS rejected_inputs
FROM message m;
