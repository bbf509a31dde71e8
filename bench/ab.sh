#!/bin/sh
# bench/ab.sh: two dmarc-ingest binaries, old and new, timed in turns
# (old, new, old, new, ...) on the same inputs, each run into a fresh
# database; prints the min and median wall time of each per case.  For a
# shared machine, where one run of each says nothing.
#
#   bench/ab.sh OLD NEW                   # every case
#   AB_CASES="small maildir" bench/ab.sh OLD NEW
#
#   AB_ROUNDS  runs of each binary per case (default 5)
#   AB_CASES   of: small maildir mbox emldir mail1 (default: all)
#   AB_SMALL   small reports (default 2000), AB_MAILS messages (2000),
#   AB_PIPE    --mail - runs per timing of mail1 (default 50)
#   AB_GEN     dmarc-bench-gen (default build-bench/bench/dmarc-bench-gen)
#
# Cases: small, a directory of AB_SMALL small reports (xml, gz, zip);
# maildir, --maildir over AB_MAILS new messages (copied afresh before each
# run, outside the timing); mbox, --mbox over the same messages; emldir, the same messages as files in a directory; mail1,
# AB_PIPE runs of `--mail -`, one message on standard input each, into one
# database (the MTA pipe), wall time per run in ms.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
[ $# -eq 2 ] || { echo "usage: bench/ab.sh OLD NEW" >&2; exit 2; }
old=$1 new=$2
rounds=${AB_ROUNDS:-5}
cases=${AB_CASES:-"small maildir mbox emldir mail1"}
nsmall=${AB_SMALL:-2000}
nmails=${AB_MAILS:-2000}
npipe=${AB_PIPE:-50}
gen=${AB_GEN:-$root/build-bench/bench/dmarc-bench-gen}
out=$root/bench/out/ab
mkdir -p "$out" || exit 2

[ -d "$out/small-$nsmall" ] ||
    "$gen" small "$out/small-$nsmall" "$nsmall" || exit 2
if [ ! -d "$out/md-$nmails" ]; then
	mkdir -p "$out/md-$nmails/new" "$out/md-$nmails/cur" \
	    "$out/md-$nmails/tmp" &&
	    "$gen" maildir "$out/md-$nmails" "$nmails" "$nmails" || exit 2
fi
if [ ! -d "$out/eml-$nmails" ]; then
	mkdir -p "$out/eml-$nmails" &&
	for f in "$out/md-$nmails"/new/*; do
		cp "$f" "$out/eml-$nmails/$(basename "$f").eml"
	done
fi
# the same messages as an mbox
if [ ! -f "$out/mbox-$nmails" ]; then
	for f in "$out/md-$nmails"/new/*; do
		echo "From bench@example.net Thu Jan  1 00:00:00 2026"
		cat "$f"
		echo
	done >"$out/mbox-$nmails"
fi

now() {
	date +%s.%N
}

# one run of binary $1 on case $2; prints its wall time (s, or ms per
# run for mail1)
one() {
	bin=$1 c=$2 db=$out/x.db
	rm -f "$db" "$db-wal" "$db-shm" "$db.lock"
	case $c in
	maildir)
		rm -rf "$out/mdrun" && cp -a "$out/md-$nmails" "$out/mdrun"
		set -- --maildir "$out/mdrun" ;;
	small)	set -- "$out/small-$nsmall" ;;
	mbox)	set -- --mbox "$out/mbox-$nmails" ;;
	emldir)	set -- "$out/eml-$nmails" ;;
	esac
	if [ "$c" = mail1 ]; then
		msg=$(ls "$out/md-$nmails"/new | head -n 1)
		"$bin" --no-progress --db "$db" --mail - \
		    <"$out/md-$nmails/new/$msg" || echo "bench: rc $?" >&2
		t0=$(now)
		i=0
		for f in "$out/md-$nmails"/new/*; do
			[ "$i" -ge "$npipe" ] && break
			i=$((i + 1))
			"$bin" --no-progress --db "$db" --mail - <"$f" ||
			    echo "bench: rc $?" >&2
		done
		t1=$(now)
		awk -v a="$t0" -v b="$t1" -v n="$npipe" \
		    'BEGIN { printf "%.2f\n", (b - a) * 1000 / n }'
		return
	fi
	t0=$(now)
	"$bin" --no-progress --db "$db" "$@" >/dev/null ||
	    echo "bench: $c: rc $?" >&2
	t1=$(now)
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", b - a }'
}

# min and median of the numbers on standard input
stats() {
	sort -n | awk '{ v[NR] = $1 } END {
		m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		printf "%8s %8s", v[1], m }'
}

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-8s %8s %8s   %8s %8s   %s\n' case old-min old-med new-min \
    new-med "new/old (median)"
for c in $cases; do
	: >"$out/$c.old"
	: >"$out/$c.new"
	r=0
	while [ "$r" -lt "$rounds" ]; do
		r=$((r + 1))
		one "$old" "$c" >>"$out/$c.old"
		one "$new" "$c" >>"$out/$c.new"
	done
	o=$(stats <"$out/$c.old")
	n=$(stats <"$out/$c.new")
	printf '%-8s %s   %s   %s\n' "$c" "$o" "$n" "$(echo "$o $n" |
	    awk '{ printf "%.2f", $4 / $2 }')"
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
rm -rf "$out/mdrun" "$out/x.db" "$out/x.db-wal" "$out/x.db-shm" \
    "$out/x.db.lock"
