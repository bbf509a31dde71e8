#!/bin/sh
# bench/report-bench.sh: the dmarc-report benchmark (issue 4: on 5 million
# records, `summary` for one week under 2 s and `sources` under 5 s with
# --no-dns).  Builds a Release tree, creates the schema with dmarc-ingest
# (one sample report), then fills the database directly with SQL:
# BENCH_REPORTS reports (default 250000) of 20 records each over 60 days,
# 3 policy domains, 20000 source addresses, every record with one DKIM and
# one SPF result, one in 50 with a forwarded reason.  Times each mode over
# the last full week with --no-dns, output to /dev/null.  The database is
# kept in bench/out/report-bench.db between runs (delete it to rebuild).
# Exits 1 if a target is missed, 2 if the build or the fill failed.
set -u

root=$(cd "$(dirname "$0")/.." && pwd)
build=${BENCH_BUILD:-$root/build-bench}
out=$root/bench/out
reports=${BENCH_REPORTS:-250000}
db=$out/report-bench.db
first_day=1794787200	# 2026-11-16 00:00 UTC
days=60

die() {
	echo "report-bench: $*" >&2
	exit 2
}

mkdir -p "$out" || die "cannot create $out"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DDMARC_TESTS=OFF \
    -DDMARC_BENCH=ON \
    >/dev/null || die "cmake failed"
cmake --build "$build" -j "$(nproc 2>/dev/null || echo 2)" --target \
    dmarc-ingest dmarc-report >"$build/report-bench.log" 2>&1 ||
    die "build failed, see $build/report-bench.log"
ingest=$build/ingest/dmarc-ingest
report=$build/report/dmarc-report

if [ ! -s "$db" ]; then
	echo "report-bench: filling $db with $reports reports x 20 records"
	sample="$root/samples/yahoo.com!example.org!1794960000!1795046399.xml"
	"$ingest" --db "$db" "$sample" >/dev/null ||
	    die "dmarc-ingest failed"
	sqlite3 "$db" <<SQL || die "fill failed"
PRAGMA journal_mode = WAL;
PRAGMA synchronous = OFF;
PRAGMA cache_size = -1000000;
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n
    WHERE i < $reports)
INSERT INTO report (id, input_id, format, org_name, email, report_id,
    begin_utc, end_utc, policy_domain, policy_adkim, policy_aspf,
    policy_p, policy_sp, policy_pct, n_records, messages, org_key,
    email_key, stored_at)
SELECT 1000 + i, 1, 'rfc7489', 'org' || (i % 40), 'r@org' || (i % 40),
    'bench-' || i,
    $first_day + (i % $days) * 86400 + (CASE WHEN i % 17 = 0 THEN 43200
    ELSE 0 END),
    $first_day + (i % $days) * 86400 + 86399 + (CASE WHEN i % 17 = 0
    THEN 43200 ELSE 0 END),
    'd' || (i % 3) || '.example', 'r', 'r', 'none', 'none', 100, 20,
    (WITH RECURSIVE k(j) AS (SELECT 0 UNION ALL SELECT j + 1 FROM k
    WHERE j < 19) SELECT sum(1 + (1000 + i + j) % 50) FROM k),
    'org' || (i % 40), 'r@org' || (i % 40), 0
FROM n;
WITH RECURSIVE k(j) AS (SELECT 0 UNION ALL SELECT j + 1 FROM k WHERE j < 19)
INSERT INTO record (report_id, seq, source_ip, source_ip_raw, ip_family,
    count, disposition, eval_dkim, eval_spf, envelope_from, header_from,
    dkim_aligned, spf_aligned, dmarc_pass)
SELECT r.id, k.j,
    '10.' || ((r.id * 7 + k.j * 131) % 20000 / 256) || '.' ||
    ((r.id * 7 + k.j * 131) % 256) || '.1',
    NULL, 4, 1 + (r.id + k.j) % 50,
    CASE WHEN (r.id + k.j) % 11 = 0 THEN 'quarantine' ELSE 'none' END,
    'pass', 'pass', 'bounce.' || r.policy_domain, r.policy_domain,
    (r.id + k.j) % 5 <> 0, (r.id + k.j) % 3 <> 0,
    ((r.id + k.j) % 5 <> 0) OR ((r.id + k.j) % 3 <> 0)
FROM report r, k WHERE r.id >= 1000;
INSERT INTO record_dkim (record_id, seq, domain, selector, result)
SELECT c.id, 0, CASE WHEN c.dkim_aligned THEN c.header_from
    ELSE 'esp.example.net' END, 's' || (c.id % 4),
    CASE WHEN c.id % 7 = 0 THEN 'fail' ELSE 'pass' END
FROM record c WHERE c.report_id >= 1000;
INSERT INTO record_spf (record_id, seq, domain, scope, result)
SELECT c.id, 0, c.envelope_from, 'mfrom',
    CASE WHEN c.spf_aligned THEN 'pass' ELSE 'softfail' END
FROM record c WHERE c.report_id >= 1000;
INSERT INTO record_reason (record_id, seq, type, comment)
SELECT c.id, 0, 'forwarded', NULL FROM record c
WHERE c.report_id >= 1000 AND c.id % 50 = 0;
COMMIT;
ANALYZE;
SQL
fi

records=$(sqlite3 "$db" "SELECT count(*) FROM record") ||
    die "cannot read $db"
# the week 2026-11-23 .. 2026-11-29, well inside the 60 days
now=$((first_day + 14 * 86400 + 3600))
status=0
run() {
	mode=$1
	limit=$2
	t0=$(date +%s.%N)
	DMARC_REPORT_NOW=$now "$report" "$mode" --db "$db" --no-dns \
	    --week last --format json >/dev/null || die "$mode failed"
	t1=$(date +%s.%N)
	secs=$(echo "$t1 - $t0" | bc)
	ok=$(echo "$secs < $limit" | bc)
	printf '%-9s %6.2f s  (target < %s s) %s\n' "$mode" "$secs" "$limit" \
	    "$([ "$ok" = 1 ] && echo ok || echo MISSED)"
	[ "$ok" = 1 ] || status=1
}
echo "report-bench: $records records in the database"
run summary 2
run sources 5
run failures 5
exit $status
