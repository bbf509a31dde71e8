#!/bin/sh
# bench/site-bench.sh: the dmarc-report site benchmark (issue 18 point 4:
# 200 domains, 90 days, 2 million records in under 60 s and 128 MB, and
# a second run over an unchanged database writing next to nothing).
# Builds a Release tree, creates the schema with dmarc-ingest (one sample
# report), then fills the database with SQL as report-bench.sh does:
# BENCH_REPORTS reports (default 100000) of 20 records each, spread over
# 200 policy domains, 90 days and 40 reporters, 20000 source addresses,
# one DKIM and one SPF result per record, one in 50 forwarded.  Runs
# `site` twice into bench/out/site (cold: every page new; warm: the same
# data again) through dmarc-bench-peakrss.  The database is kept in
# bench/out/site-bench.db between runs (delete it to rebuild).  With
# BENCH_OLD=/path/to/dmarc-report, that binary and the new one run
# interleaved (old cold, new cold, old warm, new warm; BENCH_RUNS rounds)
# and the min and median of each are printed.  Exits 1 if a target is
# missed (by the new binary), 2 if the build or the fill failed.
set -u

root=$(cd "$(dirname "$0")/.." && pwd)
build=${BENCH_BUILD:-$root/build-bench}
out=$root/bench/out
reports=${BENCH_REPORTS:-100000}
db=$out/site-bench.db
first_day=1794787200	# 2026-11-16 00:00 UTC
days=90
domains=200

die() {
	echo "site-bench: $*" >&2
	exit 2
}

mkdir -p "$out" || die "cannot create $out"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DDMARC_TESTS=OFF -DDMARC_BENCH=ON \
    >/dev/null || die "cmake failed"
cmake --build "$build" -j "$(nproc 2>/dev/null || echo 2)" --target \
    dmarc-ingest dmarc-report dmarc-bench-peakrss \
    >"$build/site-bench.log" 2>&1 ||
    die "build failed, see $build/site-bench.log"
ingest=$build/ingest/dmarc-ingest
report=$build/report/dmarc-report
peak=$build/bench/dmarc-bench-peakrss

if [ ! -s "$db" ]; then
	echo "site-bench: filling $db with $reports reports x 20 records"
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
    $first_day + (i / $domains % $days) * 86400,
    $first_day + (i / $domains % $days) * 86400 + 86399,
    'd' || (i % $domains) || '.example', 'r', 'r', 'none', 'none', 100, 20,
    (WITH RECURSIVE k(j) AS (SELECT 0 UNION ALL SELECT j + 1 FROM k
    WHERE j < 19) SELECT sum(1 + (1000 + i + j) % 50) FROM k),
    'org' || (i % 40), 'r@org' || (i % 40),
    $first_day + (i / $domains % $days) * 86400 + 90000
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
# the 90 days 2026-11-16 .. 2027-02-13
now=$((first_day + days * 86400 + 3600))
status=0
# run LABEL BINARY DIR: one site run, its figures in $res (label secs kB)
run() {
	label=$1
	"$peak" "$2" site --db "$db" --now "$now" --last ${days}d \
	    -o "$3" >"$out/site-$label.out" 2>"$out/site-$label.err" ||
	    die "site failed: $(tail -3 "$out/site-$label.err")"
	cost=$(grep wall_s= "$out/site-$label.err")
	secs=${cost#wall_s=}
	secs=${secs%% *}
	kb=${cost#*maxrss_kb=}
	kb=${kb%% *}
	ok=$(echo "$secs < 60 && $kb < 131072" | bc)
	printf '%-9s %7.2f s %7d kB  %s  (target < 60 s, < 128 MB) %s\n' \
	    "$label" "$secs" "$kb" "$(sed 's/^dmarc-report: site: //' \
	    "$out/site-$label.out")" "$([ "$ok" = 1 ] && echo ok ||
	    echo MISSED)"
	echo "$label $secs $kb" >>"$out/site-runs"
	case $label in new-*|cold|warm) [ "$ok" = 1 ] || status=1 ;; esac
}
# min and median of the runs of one label
summary() {
	grep "^$1 " "$out/site-runs" | sort -n -k2 | awk -v l="$1" '
	    { s[NR] = $2; k[NR] = $3 }
	    END { if (NR) printf "%-9s min %7.2f s  median %7.2f s  " \
	        "peak RSS max %d kB (%d runs)\n", l, s[1], s[int((NR + 1) / 2)],
	        k[NR], NR }'
}
echo "site-bench: $records records in the database"
: >"$out/site-runs"
if [ -z "${BENCH_OLD:-}" ]; then
	rm -rf "$out/site"
	run cold "$report" "$out/site"
	run warm "$report" "$out/site"
	du -sh "$out/site" | sed 's/^/site-bench: site size /'
	exit $status
fi
# BENCH_OLD=/path/to/old/dmarc-report: old and new interleaved,
# BENCH_RUNS (default 2) rounds of old cold, new cold, old warm, new warm
i=0
while [ "$i" -lt "${BENCH_RUNS:-2}" ]; do
	rm -rf "$out/site-old" "$out/site-new"
	run old-cold "$BENCH_OLD" "$out/site-old"
	run new-cold "$report" "$out/site-new"
	run old-warm "$BENCH_OLD" "$out/site-old"
	run new-warm "$report" "$out/site-new"
	i=$((i + 1))
done
for l in old-cold new-cold old-warm new-warm; do
	summary $l
done
du -sh "$out/site-new" | sed 's/^/site-bench: new site size /'
exit $status
