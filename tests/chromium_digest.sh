#!/bin/sh
# The HTML digest in a real browser: bundled samples/ ingested into a
# temporary database, `dmarc-report digest --format html` for 2026-W47
# with a fixed --now (reproducible), opened in headless Chromium.  Checks:
# no URL in the file but mailto:, the key numbers in the rendered DOM, no
# console error, no network request (every host unresolvable, and the net
# log shows no URL other than file://).  Writes the screenshot to
# docs/digest.png (the README shows it).  Skips (exit 77) only when
# chromium is not installed.
# usage: chromium_digest.sh DMARC-REPORT DMARC-INGEST SOURCE-DIR
set -eu
report=$1 ingest=$2 src=$3
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
	echo "chromium_digest: SKIP: chromium is not installed (Debian: apt-get install chromium)"
	exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "chromium_digest: FAIL: $*" >&2; exit 1; }

"$ingest" --db "$tmp/t.db" "$src/samples" >/dev/null
# 2026-11-23 07:00 UTC, the Monday after ISO week 47
"$report" digest --db "$tmp/t.db" --week 2026-W47 --now 1795417200 \
    --no-dns --format html -o "$tmp/digest.html"

# no URL at all except mailto:
if grep -Eo '(https?:|ftp:|//|src=|href=|url\([^#])' "$tmp/digest.html" | grep -q .; then
	fail "the HTML holds a URL or a reference"
fi

# run's first argument names the profile and log; the rest go to chromium
run() {
	n=$1; shift
	timeout 120 "$browser" --headless --no-sandbox --disable-gpu \
	    --disable-quic --no-first-run --disable-background-networking \
	    --disable-component-update --disable-sync \
	    --disable-default-apps --disable-extensions --no-pings \
	    --disable-domain-reliability --disable-client-side-phishing-detection \
	    --allow-browser-signin=false --no-default-browser-check \
	    --disable-features=NetworkTimeServiceQuerying,OptimizationHints,Translate,MediaRouter,AutofillServerCommunication,CertificateTransparencyComponentUpdater \
	    --user-data-dir="$tmp/profile$n" --enable-logging=stderr --v=0 \
	    --host-resolver-rules="MAP * ~NOTFOUND" \
	    --log-net-log="$tmp/net$n.json" --window-size=1000,2400 "$@"
}
run 1 --screenshot="$tmp/digest.png" "file://$tmp/digest.html" \
    >"$tmp/out1" 2>"$tmp/err1" || fail "chromium --screenshot failed: $(tail -5 "$tmp/err1")"
run 2 --dump-dom "file://$tmp/digest.html" >"$tmp/dom" 2>"$tmp/err2" ||
    fail "chromium --dump-dom failed: $(tail -5 "$tmp/err2")"
[ -s "$tmp/digest.png" ] || fail "no screenshot"

for s in "71.3% of 2,695 messages passed DMARC" "2 new sources" \
    "NOT READY" "(and only 7 days of data)" "First to fix for" \
    "167.89.100.12 (SendGrid), 657 failing messages" \
    "rua=mailto:YOUR-RUA-ADDRESS" "185.220.101.7" \
    "dropped from 100.0% to 0.0%" \
    "Fastmail Pty Ltd" "v=DMARC1; p=quarantine; t=y; pct=0" \
    "Messages per day" "Top sources by volume" "last 8 weeks"; do
	grep -qF "$s" "$tmp/dom" || fail "rendered text lacks '$s'"
done
if grep -E "Uncaught|ERROR:CONSOLE|CONSOLE\(" "$tmp/err1" "$tmp/err2"; then
	fail "console errors"
fi
# Requests the page made: the renderer's loads carry Chromium's
# blink_resource_loader traffic annotation (101845102) and the page's
# origin as initiator ("null" for file://); the browser's own background
# fetches (component updater, network time) carry neither.
page_requests() {
	{ grep -o '"traffic_annotation":101845102,"url":"[^"]*"' "$1" |
	    grep -v '"url":"file:' || true
	  grep -o '"initiator":"\(null\|file:[^"]*\)"' "$1" || true; }
}
for n in 1 2; do
	[ -s "$tmp/net$n.json" ] || fail "no net log"
	reqs=$(page_requests "$tmp/net$n.json")
	[ -z "$reqs" ] || fail "network requests: $reqs"
done
# the check itself must see a request when there is one
printf '<p>canary<img alt="" src="http://canary.invalid/x.png">' \
    >"$tmp/canary.html"
run 3 --dump-dom "file://$tmp/canary.html" >/dev/null 2>&1 || true
[ -n "$(page_requests "$tmp/net3.json")" ] ||
    fail "the request check does not see a canary image request"
mkdir -p "$src/docs"
cp "$tmp/digest.png" "$src/docs/digest.png"
echo "chromium_digest: ok: $src/docs/digest.png"
