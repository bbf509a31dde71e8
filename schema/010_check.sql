-- Schema version 10: the checks of `dmarc-report check` (report/
-- check_store.c), stored with their time as the policy lookups are, so
-- that the weekly digest can say what changed since the previous check.
-- (Version 9 is another change's migration.)  A check is stored only
-- when it asked the DNS (never with --no-dns), through dmarc-report's
-- cache handle (schema/db.h DB_CACHE).  v_dns_checks is the stable query
-- interface documented in the README.

-- One row per domain per run: the domain's worst verdict (information
-- counts as ok), its mail in the window joined, and the items past the
-- per-domain ceiling (counted, not stored).
CREATE TABLE dns_check (
	id		INTEGER PRIMARY KEY,
	domain		TEXT NOT NULL,		-- normalised, lower case
	checked_at	INTEGER NOT NULL,	-- epoch seconds of the run
	worst		TEXT NOT NULL
			    CHECK (worst IN ('ok', 'warning', 'error')),
	window_since	INTEGER NOT NULL,	-- the reports joined
	window_until	INTEGER NOT NULL,
	messages	REAL NOT NULL CHECK (messages >= 0),
	dropped		INTEGER NOT NULL DEFAULT 0 CHECK (dropped >= 0)
) STRICT;
CREATE INDEX dns_check_domain ON dns_check (domain, checked_at);

-- One row per item of a check, in the order found (seq from 0).  area
-- dmarc, spf, dkim or mx; code the stable name of the finding
-- ("too-many-lookups"); subject the DNS name, selector or source it is
-- about; text what was found and what to do, DNS data quoted unescaped
-- as in the check's own output; messages the mail concerned, NULL when
-- the item is not about mail.
CREATE TABLE dns_check_item (
	check_id	INTEGER NOT NULL
			    REFERENCES dns_check (id) ON DELETE CASCADE,
	seq		INTEGER NOT NULL CHECK (seq >= 0),
	area		TEXT NOT NULL,
	verdict		TEXT NOT NULL CHECK (verdict IN
			    ('ok', 'info', 'warning', 'error')),
	code		TEXT NOT NULL,
	subject		TEXT NOT NULL,
	text		TEXT NOT NULL,
	messages	REAL,
	PRIMARY KEY (check_id, seq)
) STRICT;

CREATE VIEW v_dns_checks AS
	SELECT c.id AS check_id, c.domain, c.checked_at, c.worst,
	    i.seq, i.area, i.verdict, i.code, i.subject, i.text,
	    i.messages
	FROM dns_check c LEFT JOIN dns_check_item i ON i.check_id = c.id;
