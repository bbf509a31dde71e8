#!/usr/bin/env bash
# bench/imap-bench.sh: dmarc-ingest --imap against a private Dovecot over
# IMAPS on loopback.  For each INBOX size in BENCH_IMAP_TOTAL it writes a
# Maildir of that many report messages, of which the last BENCH_IMAP_NEW
# are unseen (the rest are old mail, seen), starts Dovecot on it, runs one
# dmarc-ingest --imap into a fresh database and prints messages/s against
# the target.  Exits 0 when every case meets it, 1 when one misses it or
# does not ingest cleanly (wrong counts, non-zero exit), 2 when the build,
# the generator or Dovecot failed.
#
# Environment (all optional):
#   BENCH_BUILD       build directory (default: build-bench/ in the checkout)
#   BENCH_INGEST      the dmarc-ingest to measure (default: the one built)
#   BENCH_IMAP_NEW    unseen report messages taken per run (default 2000)
#   BENCH_IMAP_TOTAL  INBOX sizes (default "2000 10000")
set -u

root=$(cd "$(dirname "$0")/.." && pwd)
build=${BENCH_BUILD:-$root/build-bench}
new=${BENCH_IMAP_NEW:-2000}
totals=${BENCH_IMAP_TOTAL:-"2000 10000"}
min_msgs_s=300		# the issue's target, whatever the INBOX size
dovecot=/usr/sbin/dovecot

die() {
	echo "imap-bench: $*" >&2
	exit 2
}

[ -x "$dovecot" ] || die "$dovecot is missing (apt-get install dovecot-imapd)"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DDMARC_TESTS=OFF \
    -DDMARC_BENCH=ON \
    >/dev/null || die "cmake failed"
cmake --build "$build" -j "$(nproc 2>/dev/null || echo 2)" --target \
    dmarc-ingest dmarc-bench-gen >"$build/bench.log" 2>&1 ||
    die "build failed, see $build/bench.log"
ingest=${BENCH_INGEST:-$build/ingest/dmarc-ingest}
gen=$build/bench/dmarc-bench-gen

tmp=$(mktemp -d /tmp/dmarc-imap-bench.XXXXXX) || die "mktemp failed"
chmod 711 "$tmp"
pid=
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 2' INT TERM

# a port on 127.0.0.1 nobody listens on
port=$((20000 + $$ % 20000))
while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
	port=$((port + 1))
done

# who runs what: as root, Dovecot wants its own users (as in tests/)
if [ "$(id -u)" -eq 0 ]; then
	login=dovenull internal=dovecot
	uid=$(id -u dovecot) gid=$(id -g dovecot) || die "no user dovecot"
else
	login=$(id -un) internal=$login uid=$(id -u) gid=$(id -g)
fi
openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=localhost -days 1 \
    -keyout "$tmp/key.pem" -out "$tmp/cert.pem" >/dev/null 2>&1 ||
    die "openssl failed"
cat >"$tmp/dovecot.conf" <<EOF
base_dir = $tmp/run
state_dir = $tmp/state
log_path = $tmp/log
protocols = imap
listen = 127.0.0.1
default_login_user = $login
default_internal_user = $internal
first_valid_uid = 1
ssl = yes
ssl_cert = <$tmp/cert.pem
ssl_key = <$tmp/key.pem
auth_mechanisms = plain login
mail_location = maildir:$tmp/home/Maildir
passdb {
  driver = passwd-file
  args = $tmp/passwd
}
userdb {
  driver = passwd-file
  args = $tmp/passwd
}
service imap-login {
  chroot =
  inet_listener imap {
    port = 0
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = $port
    ssl = yes
  }
}
service anvil {
  chroot =
}
EOF
echo "rua:{PLAIN}bench-pass:$uid:$gid::$tmp/home::" >"$tmp/passwd"

printf '%-28s %8s %8s %10s %8s\n' case messages wall_s msgs_per_s target
fail=0
for total in $totals; do
	rm -rf "$tmp/home" "$tmp/x.db"*
	mkdir -p "$tmp/home/Maildir/cur" "$tmp/home/Maildir/new" \
	    "$tmp/home/Maildir/tmp"
	"$gen" maildir "$tmp/home/Maildir" "$new" "$total" ||
	    die "the generator failed"
	chown -R "$uid:$gid" "$tmp/home"
	"$dovecot" -F -c "$tmp/dovecot.conf" >"$tmp/dovecot.out" 2>&1 &
	pid=$!
	i=0
	until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
		i=$((i + 1))
		[ $i -gt 100 ] && die "dovecot did not start: $(tail -1 "$tmp/log")"
		sleep 0.1
	done
	# a mailbox in use is indexed already: do it before the clock runs
	doveadm -c "$tmp/dovecot.conf" index -u rua INBOX >/dev/null 2>&1 ||
	    die "doveadm index failed"
	start=$(date +%s.%N)
	DMARC_IMAP_PASSWORD=bench-pass "$ingest" --db "$tmp/x.db" --json \
	    --no-progress --cacert "$tmp/cert.pem" \
	    --imap "imaps://rua@localhost:$port/INBOX" >"$tmp/out.json" \
	    2>"$tmp/out.err"
	status=$?
	end=$(date +%s.%N)
	kill "$pid" && wait "$pid" 2>/dev/null
	pid=
	stored=$(sed -n 's/.*"mail_stored":\([0-9]*\).*/\1/p' "$tmp/out.json")
	line=$(awk -v s="$start" -v e="$end" -v n="$new" -v t="$min_msgs_s" \
	    'BEGIN { w = e - s; r = n / w;
	    printf "%8d %8.2f %10.0f %8s", n, w, r, (r >= t ? "ok" : "MISSED") }')
	printf '%-28s %s\n' "$new of $total, IMAPS" "$line"
	case $line in *MISSED*) fail=1 ;; esac
	if [ "$status" -ne 0 ] || [ "${stored:-0}" -ne "$new" ]; then
		echo "imap-bench: exit $status, $stored stored of $new:" \
		    "$(tail -1 "$tmp/out.err")" >&2
		fail=1
	fi
done
exit $fail
