#!/bin/sh
# bench/run.sh: the dmarc-ingest benchmark.  Builds a Release tree in
# build-bench/, generates the corpus into bench/out/ (deterministic, kept
# between runs), ingests each case into a fresh database through
# dmarc-bench-peakrss, and prints reports/s, records/s and peak RSS against
# the targets.  Exits 1 if a target is missed or a case did not ingest
# cleanly, 2 if the build or the generator failed.
#
# Environment (all optional):
#   BENCH_BUILD  build directory (default: build-bench/ in the checkout)
#   BENCH_SMALL  number of small reports (default 5000)
#   BENCH_BIG    records of each big report (default "50000 200000 500000")
#   BENCH_REPEAT runs of each case, the fastest counts (default 1)
set -u

root=$(cd "$(dirname "$0")/.." && pwd)
build=${BENCH_BUILD:-$root/build-bench}
out=$root/bench/out
small=${BENCH_SMALL:-5000}
bigs=${BENCH_BIG:-"50000 200000 500000"}
repeat=${BENCH_REPEAT:-1}

# targets (the issue): see bench/README.md
min_reports_s=2000	# small reports per second
min_records_s=100000	# records per second of one big report ...
min_records_n=200000	# ... of at least this many records (the issue's)
max_rss_mb=64		# peak RSS of a big report
max_rss_growth=1.25	# largest / smallest big report peak RSS

die() {
	echo "bench: $*" >&2
	exit 2
}

cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DDMARC_TESTS=OFF \
    -DDMARC_BENCH=ON \
    >/dev/null ||
    die "cmake failed"
cmake --build "$build" -j "$(nproc 2>/dev/null || echo 2)" --target \
    dmarc-ingest dmarc-bench-gen dmarc-bench-peakrss >"$build/bench.log" 2>&1 ||
    die "build failed, see $build/bench.log"
ingest=$build/ingest/dmarc-ingest
gen=$build/bench/dmarc-bench-gen
peak=$build/bench/dmarc-bench-peakrss
mkdir -p "$out" || die "cannot create $out"

# generate TARGET with ARGS unless a stamp newer than the generator says
# it is there already
generate() {
	target=$1
	shift
	stamp=$target.done
	if [ -n "$(find "$stamp" -newer "$gen" 2>/dev/null)" ]; then
		return 0
	fi
	rm -rf "$target" "$stamp"
	echo "bench: generating $target" >&2
	"$gen" "$@" || die "generator failed: $*"
	touch "$stamp"
}

generate "$out/small-$small" small "$out/small-$small" "$small"
for n in $bigs; do
	generate "$out/big-$n.xml.gz" big "$out/big-$n.xml.gz" "$n"
done

failed=0
rows=""

# json_num FILE KEY: the number after "KEY": in dmarc-ingest --json output
json_num() {
	sed -n "s/.*\"$2\":\([0-9][0-9]*\).*/\1/p" "$1"
}

# run_case NAME KIND EXPECT_REPORTS EXPECT_RECORDS INPUT...
# runs dmarc-ingest on a fresh database, appends a row, sets $rss_kb
run_case() {
	name=$1 kind=$2 want_reports=$3 want_records=$4
	shift 4
	db=$out/x.db
	wall="" rss_kb="" rc=0 i=0
	while [ "$i" -lt "$repeat" ]; do
		i=$((i + 1))
		rm -f "$db" "$db-wal" "$db-shm" "$db-journal"
		"$peak" "$ingest" --json --no-progress --db "$db" "$@" \
		    >"$out/$name.json" 2>"$out/$name.err"
		r=$?
		[ "$r" -ne 0 ] && rc=$r
		m=$(grep '^wall_s=' "$out/$name.err" | tail -n 1)
		w=$(echo "$m" | sed -n 's/^wall_s=\([0-9.]*\) .*/\1/p')
		k=$(echo "$m" | sed -n 's/.*maxrss_kb=\([0-9]*\).*/\1/p')
		# fastest wall time, largest peak RSS over the runs
		if [ -z "$wall" ] ||
		    awk -v a="${w:-0}" -v b="$wall" 'BEGIN { exit !(a < b) }'
		then
			wall=$w
		fi
		if [ -z "$rss_kb" ] || [ "${k:-0}" -gt "$rss_kb" ]; then
			rss_kb=$k
		fi
	done
	reports=$(json_num "$out/$name.json" reports)
	records=$(json_num "$out/$name.json" records)
	inputs=$(json_num "$out/$name.json" inputs)
	verdict=$(awk -v kind="$kind" -v rc="$rc" -v wall="${wall:-0}" \
	    -v rss="${rss_kb:-0}" -v rep="${reports:-0}" \
	    -v rec="${records:-0}" -v wrep="$want_reports" \
	    -v wrec="$want_records" -v minrep="$min_reports_s" \
	    -v minrec="$min_records_s" -v minrecn="$min_records_n" \
	    -v maxrss="$max_rss_mb" '
	BEGIN {
		why = ""
		if (rc != 0)
			why = why " exit=" rc
		if (rep != wrep || (wrec > 0 && rec != wrec))
			why = why " counts"
		if (wall <= 0)
			why = why " no-timing"
		else if (kind == "small" && rep / wall < minrep)
			why = why " reports/s"
		else if (kind == "big" && wrec >= minrecn && rec / wall < minrec)
			why = why " records/s"
		if (kind == "big" && rss / 1024 >= maxrss)
			why = why " rss"
		print why == "" ? "PASS" : "FAIL" why
	}')
	case $verdict in
	PASS) ;;
	*)	failed=1
		echo "bench: $name: $verdict; see $out/$name.err:" >&2
		grep -v '^wall_s=' "$out/$name.err" | tail -n 5 >&2 ;;
	esac
	rows="$rows$(awk -v n="$name" -v in_="${inputs:-0}" \
	    -v rep="${reports:-0}" -v rec="${records:-0}" \
	    -v wall="${wall:-0}" -v rss="${rss_kb:-0}" -v v="$verdict" '
	BEGIN {
		rps = wall > 0 ? rep / wall : 0
		cps = wall > 0 ? rec / wall : 0
		printf "%-12s %7d %7d %9d %8.2f %10.0f %11.0f %8.1f  %s\n",
		    n, in_, rep, rec, wall, rps, cps, rss / 1024, v
	}')
"
}

run_case "small-$small" small "$small" 0 "$out/small-$small"

rss_first="" rss_last="" n_first="" n_last=""
for n in $bigs; do
	run_case "big-$n" big 1 "$n" "$out/big-$n.xml.gz"
	if [ -z "$rss_first" ]; then
		rss_first=$rss_kb n_first=$n
	fi
	rss_last=$rss_kb n_last=$n
done

growth=""
if [ -n "$rss_first" ] && [ "$n_first" != "$n_last" ]; then
	growth=$(awk -v a="${rss_first:-0}" -v b="${rss_last:-0}" \
	    -v max="$max_rss_growth" -v n1="$n_first" -v n2="$n_last" '
	BEGIN {
		g = a > 0 ? b / a : 0
		printf "peak RSS %d -> %d records: %.1f MB -> %.1f MB, x%.2f " \
		    "(target <= x%.2f): %s\n", n1, n2, a / 1024, b / 1024, g,
		    max, (a > 0 && g <= max) ? "PASS" : "FAIL"
	}')
	case $growth in
	*FAIL) failed=1 ;;
	esac
fi

printf "%-12s %7s %7s %9s %8s %10s %11s %8s  %s\n" case inputs reports \
    records "wall s" reports/s records/s "RSS MB" result
printf "%s" "$rows"
[ -n "$growth" ] && printf "%s\n" "$growth"
printf "targets: small >= %d reports/s; big >= %d records/s from %d records" \
    "$min_reports_s" "$min_records_s" "$min_records_n"
printf "; peak RSS"
printf " < %d MB, not growing with size\n" "$max_rss_mb"
exit $failed
