#!/bin/sh
# The site in a real browser: tests/data/site ingested into a temporary
# database, `dmarc-report site` with a fixed --now, and the index, a
# domain, a source, a reporter, a report and the ingest health page
# opened in headless Chromium (the functions of chromium_lib.sh, as the
# digest's check).  Checks: no console error (a script the CSP blocked
# would be one), no network request, the hand-computed numbers in the
# rendered DOM, the filter box filters (index.html#q=example: the DOM
# after the script ran), and no page scrolls sideways in a 390 px iframe.
# Then the site of the bundled samples/ gives the screenshots of the
# README (docs/site-index.png, docs/site-domain.png).  Skips (exit 77)
# only when chromium is not installed, and with CI=true fails instead.
# usage: chromium_site.sh DMARC-REPORT DMARC-INGEST SOURCE-DIR [OUT-DIR]
set -eu
report=$1 ingest=$2 src=$3 out=${4:-.}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$src/tests/chromium_lib.sh"
chromium_find chromium_site
fail() { echo "chromium_site: FAIL: $*" >&2; exit 1; }

"$ingest" --db "$tmp/t.db" "$src/tests/data/site" >/dev/null 2>&1 || true
# 2026-11-23 07:00 UTC: the default 90 days hold the fixtures' reports
"$report" site --db "$tmp/t.db" --now 1795417200 -o "$tmp/site" >/dev/null
site=$tmp/site
alpha=$(grep -o 'o/_[0-9a-f]*\.html">Alpha<' "$site/d/example.com.html" |
    sed 's/">Alpha<//')
[ -n "$alpha" ] || fail "no link to the reporter Alpha"

# check N PAGE TEXT...: PAGE's rendered DOM holds every TEXT
check() {
	n=$1 p=$2; shift 2
	run "$n" --dump-dom "file://$site/$p" >"$tmp/dom$n" 2>"$tmp/err$n" ||
	    fail "chromium on $p failed: $(tail -5 "$tmp/err$n")"
	words=$(sed -e 's/<[^>]*>/ /g' -e 's/&nbsp;/ /g' "$tmp/dom$n" |
	    tr -s ' \n\t' '   ')
	for s in "$@"; do
		case $words in
		*"$s"*) ;;
		*) fail "$p: the rendered text lacks '$s'" ;;
		esac
	done
	if grep -E "Uncaught|ERROR:CONSOLE|CONSOLE\(|Content.Security.Policy" \
	    "$tmp/err$n"; then
		fail "$p: console errors"
	fi
	[ -s "$tmp/net$n.json" ] || fail "no net log"
	reqs=$(page_requests "$tmp/net$n.json")
	[ -z "$reqs" ] || fail "$p: network requests: $reqs"
}
check 1 index.html "example.com 25 52.0%" "3 domains" \
    "3 of 3 domains shown"
check 2 d/example.com.html "25 messages, 52.0% passed DMARC" \
    "2026-11-16 18 13 72.2%" "198.51.100.2 12 12 0.0%" \
    "no DKIM signature 12" "Alpha 18 72.2% 1"
check 3 s/198.51.100.2.html "Source 198.51.100.2" "example.com 12 0 0.0%"
check 4 "$alpha" "Reporter Alpha" "example.com 18 1"
check 5 r/1.html "Report from Alpha, 2026-11-16" "a1" \
    "download the input as received"
check 6 health.html "not a report: plain text"
# the filter box: the script ran (CSP hash right) and hid what it must
check 7 "index.html#q=example" "2 of 3 domains shown"
grep -Eq '<tr data-name="javascript:alert\(3\)"[^>]* hidden' "$tmp/dom7" ||
    fail "the filter did not hide javascript:alert(3)"
if grep -Eq '<tr data-name="example.com"[^>]* hidden' "$tmp/dom7"; then
	fail "the filter hid example.com"
fi
# without JavaScript the box stays hidden and the letters index is there
grep -q '<p id="qf" hidden>' "$site/index.html" || fail "qf not hidden"
grep -q 'href="#L-e"' "$site/index.html" || fail "no letter index"

# --- at phone width ---------------------------------------------------
for p in index.html d/example.com.html s/198.51.100.2.html "$alpha" \
    r/1.html r/3.html r/4.html health.html s/2001-db8--5.html; do
	phone "$site/$p" "$tmp/phone.html"
	run 8 --dump-dom "file://$tmp/phone.html" >"$tmp/phone.dom" \
	    2>"$tmp/err8" ||
	    fail "chromium on the phone page failed: $(tail -5 "$tmp/err8")"
	m=$(sed -n 's/.*<pre id="out">\([^<]*\)<.*/\1/p' "$tmp/phone.dom")
	case $m in
	"width 390 of 390 ") ;;
	*) fail "$p at 390 px: $m" ;;
	esac
done

# --- the README's screenshots, from the samples ------------------------
"$ingest" --db "$tmp/s.db" "$src/samples" >/dev/null
"$report" site --db "$tmp/s.db" --now 1795417200 --last 14d \
    -o "$tmp/samples" >/dev/null
run 9 --window-size=1000,900 --screenshot="$tmp/index.png" \
    "file://$tmp/samples/index.html" >/dev/null 2>&1 ||
    fail "chromium --screenshot failed"
run 10 --window-size=1000,1800 --screenshot="$tmp/domain.png" \
    "file://$tmp/samples/d/example.org.html" >/dev/null 2>&1 ||
    fail "chromium --screenshot failed"
[ -s "$tmp/index.png" ] && [ -s "$tmp/domain.png" ] || fail "no screenshot"
mkdir -p "$src/docs"
# the screenshots go to OUT-DIR (the build tree); the README's copies in
# docs/ are refreshed only on request (DMARC_DOCS_UPDATE=1), so a test
# run never dirties the checkout
dest=$out
[ "${DMARC_DOCS_UPDATE:-0}" = 1 ] && dest=$src/docs
cp "$tmp/index.png" "$dest/site-index.png"
cp "$tmp/domain.png" "$dest/site-domain.png"
echo "chromium_site: ok: $dest/site-index.png, site-domain.png"
