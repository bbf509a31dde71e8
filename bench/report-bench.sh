#!/bin/sh
# bench/report-bench.sh: the dmarc-report benchmark (issue 4, issue 19
# point 3: on 5 million records, one week with --no-dns, `summary` under
# 2 s, `sources` under 3 s, `failures` under 5 s, the digest under 5 s,
# and every mode under 64 MB peak RSS whatever the number of records).
# Builds a Release tree, creates the schema with dmarc-ingest (one sample
# report), then fills the database directly with SQL: REPORT_BENCH_RECORDS
# records (default 5000000; a list such as "1000000 5000000 20000000"
# measures each size, for the growth curve) as reports of 20 records each
# over 60 days, 3 policy domains, 20000 source addresses, every record with
# one DKIM and one SPF result, one in 50 with a forwarded reason.  Times
# each mode (summary, sources, failures, readiness, digest) over the last
# full week, output to /dev/null, REPORT_BENCH_REPEAT times (default 3),
# and prints the min and median wall time, the median user CPU time and
# the largest peak RSS.  The databases are kept in
# bench/out/report-bench-<records>.db between runs (delete to rebuild).
# BENCH_REPORT=/path/to/dmarc-report measures another binary.
# Exits 1 if a target is missed, 2 if the build or the fill failed.
set -u

root=$(cd "$(dirname "$0")/.." && pwd)
build=${BENCH_BUILD:-$root/build-bench}
out=$root/bench/out
sizes=${REPORT_BENCH_RECORDS:-5000000}
repeat=${REPORT_BENCH_REPEAT:-3}
max_rss_mb=64
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
    dmarc-ingest dmarc-report dmarc-bench-peakrss \
    >"$build/report-bench.log" 2>&1 ||
    die "build failed, see $build/report-bench.log"
ingest=$build/ingest/dmarc-ingest
report=${BENCH_REPORT:-$build/report/dmarc-report}
peakrss=$build/bench/dmarc-bench-peakrss

# fill DB with REPORTS reports of 20 records
fill() {
	db=$1
	reports=$2
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
}

# the week 2026-11-23 .. 2026-11-29, well inside the 60 days
now=$((first_day + 14 * 86400 + 3600))
status=0
# run DB MODE FORMAT LIMIT: one row, min/median of $repeat runs
run() {
	db=$1
	mode=$2
	fmt=$3
	limit=$4
	err=$out/report-bench-$mode.err
	: >"$err.all"
	i=0
	while [ "$i" -lt "$repeat" ]; do
		DMARC_REPORT_NOW=$now "$peakrss" "$report" "$mode" --db "$db" \
		    --no-dns --week last --format "$fmt" >/dev/null 2>"$err" ||
		    die "$mode failed, see $err"
		grep '^wall_s=' "$err" | tail -n 1 >>"$err.all"
		i=$((i + 1))
	done
	# fields: wall, rss, user; the user median from its own sort
	sed 's/^wall_s=\([0-9.]*\) maxrss_kb=\([0-9]*\) user_s=\([0-9.]*\).*/\1 \2 \3/' \
	    "$err.all" >"$err.rows"
	umed=$(sort -n -k 3 "$err.rows" | awk '{ u[NR] = $3 }
	    END { print u[int((NR + 1) / 2)] }')
	sort -n "$err.rows" | awk -v mode="$mode" -v limit="$limit" \
	    -v maxrss="$max_rss_mb" -v umed="$umed" '
	{ w[NR] = $1; if ($2 > rss) rss = $2 }
	END {
		med = w[int((NR + 1) / 2)]
		ok = med < limit && rss / 1024 < maxrss
		printf "%-9s %7.2f %7.2f %7.2f %8.1f   < %s s, < %d MB  %s\n",
		    mode, w[1], med, umed, rss / 1024, limit, maxrss,
		    ok ? "ok" : "MISSED"
		exit ok ? 0 : 1
	}' || status=1
}

for records in $sizes; do
	db=$out/report-bench-$records.db
	if [ ! -s "$db" ]; then
		reports=$(((records + 19) / 20))
		echo "report-bench: filling $db with $reports reports x 20" \
		    "records"
		fill "$db" "$reports"
	fi
	n=$(sqlite3 "$db" "SELECT count(*) FROM record") ||
	    die "cannot read $db"
	echo "report-bench: $n records, $repeat runs each," \
	    "load $(uptime | sed 's/.*load average: //')"
	printf '%-9s %7s %7s %7s %8s   %s\n' mode min_s med_s user_s rss_MB \
	    target
	run "$db" summary json 2
	run "$db" sources json 3
	run "$db" failures json 5
	run "$db" readiness json 5
	run "$db" digest text 5
done
exit $status
