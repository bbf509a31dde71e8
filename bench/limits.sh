#!/bin/sh
# bench/limits.sh: memory stays flat at the limits.  Ingests, each into a
# fresh database through dmarc-bench-peakrss, and prints peak RSS:
#   mbox      a 1 GiB mbox of report messages (each padded with a
#             768 KiB non-report attachment): every report stored
#   big-2M    one report of 2,000,000 records (about 1.4 GB of XML,
#             46 MB gzip) with the stock limits: rejected by
#             MAX_XML_BYTES (512 MiB) after streaming that much
#   big-2M-raised  the same report with the limit raised to 2 GiB
#             (--max-xml-bytes 2G): all 2,000,000 records stored
# Exits 0 when every case ends as described and peak RSS stays under
# LIMITS_MAX_RSS_MB, 1 otherwise, 2 if a build or the generator failed.
#
# Environment (all optional):
#   LIMITS_BUILD       build directory (default: build-limits/)
#   LIMITS_MBOX_MB     size of the mbox in MiB (default 1024)
#   LIMITS_RECORDS     records of the big report (default 2000000)
#   LIMITS_MAX_RSS_MB  peak RSS allowed per case (default 128)
set -u

root=$(cd "$(dirname "$0")/.." && pwd)
build=${LIMITS_BUILD:-$root/build-limits}
out=$root/bench/out
mbox_mb=${LIMITS_MBOX_MB:-1024}
records=${LIMITS_RECORDS:-2000000}
max_rss_mb=${LIMITS_MAX_RSS_MB:-128}
failed=0

die() {
	echo "limits: $*" >&2
	exit 2
}

# build SRC BUILD: Release, tests off, the three tools
build() {
	cmake -S "$1" -B "$2" -DCMAKE_BUILD_TYPE=Release -DDMARC_TESTS=OFF \
	    -DDMARC_BENCH=ON >/dev/null || die "cmake failed in $2"
	cmake --build "$2" -j "$(nproc 2>/dev/null || echo 2)" --target \
	    dmarc-ingest dmarc-bench-gen dmarc-bench-peakrss \
	    >"$2/limits.log" 2>&1 || die "build failed, see $2/limits.log"
}

# run NAME WANT_EXIT WANT_RECORDS INGEST ARGS...: one case, one row
run() {
	name=$1 want_rc=$2 want_records=$3 ingest=$4
	shift 4
	db=$out/limits.db
	rm -f "$db" "$db-wal" "$db-shm" "$db.lock"
	"$build/bench/dmarc-bench-peakrss" "$ingest" --json --no-progress \
	    --db "$db" "$@" >"$out/limits-$name.json" 2>"$out/limits-$name.err"
	rc=$?
	m=$(grep '^wall_s=' "$out/limits-$name.err" | tail -n 1)
	kb=$(echo "$m" | sed -n 's/.*maxrss_kb=\([0-9]*\).*/\1/p')
	wall=$(echo "$m" | sed -n 's/^wall_s=\([0-9.]*\) .*/\1/p')
	got=$(sed -n 's/.*"records":\([0-9][0-9]*\).*/\1/p' \
	    "$out/limits-$name.json")
	verdict=ok
	[ "$rc" -eq "$want_rc" ] || verdict="exit $rc, want $want_rc"
	[ "$want_records" = "-" ] || [ "${got:-0}" = "$want_records" ] ||
	    verdict="$verdict; $got records, want $want_records"
	[ "${kb:-0}" -lt $((max_rss_mb * 1024)) ] ||
	    verdict="$verdict; peak RSS over $max_rss_mb MB"
	[ "$verdict" = ok ] || failed=1
	printf '%-16s %10s s %8s MB  records %-9s %s\n' "$name" "$wall" \
	    "$(( ${kb:-0} / 1024 ))" "${got:-?}" "$verdict"
}

build "$root" "$build"
mkdir -p "$out" || die "cannot create $out"
gen=$build/bench/dmarc-bench-gen
mbox=$out/limits-$mbox_mb.mbox
big=$out/limits-big-$records.xml.gz
[ -s "$mbox" ] || "$gen" mbox "$mbox" "$mbox_mb" || die "generator failed"
[ -s "$big" ] || "$gen" big "$big" "$records" || die "generator failed"
messages=$(grep -c '^From ' "$mbox")
echo "limits: mbox $(du -m "$mbox" | cut -f1) MB, $messages messages;" \
    "report $(du -m "$big" | cut -f1) MB gzip, $records records" >&2

run mbox 0 - "$build/ingest/dmarc-ingest" --mbox "$mbox"
n=$(sed -n 's/.*"reports":\([0-9][0-9]*\).*/\1/p' "$out/limits-mbox.json")
if [ "${n:-0}" != "$messages" ]; then
	echo "limits: mbox: $n reports stored of $messages messages" >&2
	failed=1
fi
run big-2M 1 0 "$build/ingest/dmarc-ingest" "$big"
grep -q "MiB limit" "$out/limits-big-2M.err" || {
	echo "limits: big-2M: not rejected by MAX_XML_BYTES" >&2
	failed=1
}
run big-2M-raised 0 "$records" "$build/ingest/dmarc-ingest" \
    --max-xml-bytes 2G "$big"
rm -f "$out/limits.db" "$out/limits.db-wal" "$out/limits.db-shm" \
    "$out/limits.db.lock"
exit $failed
