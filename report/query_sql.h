/*
 * SQL fragments the SQLite backend's query files share (query.c,
 * site_query.c), so that a record's failure cause is one expression.
 * Private to the backend; the fragments name the tables of schema/.
 */
#ifndef DMARC_QUERY_SQL_H
#define DMARC_QUERY_SQL_H

/* mfail of a failing record, -1 for a passing one (model.h order) */
#define CATEGORY \
	"(CASE WHEN c.dmarc_pass = 1 THEN -1 " \
	"WHEN EXISTS (SELECT 1 FROM record_reason x WHERE " \
	"x.record_id = c.id AND (x.type = 'forwarded' OR " \
	"x.type = 'trusted_forwarder' OR x.type = 'mailing_list' OR " \
	"x.type = 'local_policy' OR x.type = 'other')) THEN 0 " \
	"WHEN EXISTS (SELECT 1 FROM record_dkim d WHERE " \
	"d.record_id = c.id AND d.result = 'pass') THEN 1 " \
	"WHEN EXISTS (SELECT 1 FROM record_spf s WHERE " \
	"s.record_id = c.id AND s.result = 'pass') THEN 2 " \
	"WHEN NOT EXISTS (SELECT 1 FROM record_dkim d WHERE " \
	"d.record_id = c.id AND coalesce(d.result, '') <> 'none') THEN 3 " \
	"ELSE 4 END)"

#endif
