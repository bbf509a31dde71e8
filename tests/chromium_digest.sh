#!/bin/sh
# The HTML digest in a real browser: bundled samples/ ingested into a
# temporary database, `dmarc-report digest --format html` for 2026-W47
# with a fixed --now (reproducible), opened in headless Chromium.  Checks:
# no URL in the file but mailto:, the key numbers in the rendered DOM, no
# console error, no network request (every host unresolvable, and the net
# log shows no URL other than file://).  Writes the screenshot to
# docs/digest.png (the README shows it).  Then the phone and the mail
# clients: the digest of the samples and of the hostile fixture
# (tests/data/html) and of long names (tests/data/phone) in a 390 px
# wide iframe (headless windows stay at
# about 500 px) must not scroll sideways, and with every <svg> element
# removed, as Gmail and Outlook do, the numbers of each chart must still
# be on the page, the same as the text digest's; a forwarder among the
# top failing sources says "nothing to fix".  Skips (exit 77) only when
# chromium is not installed, and with CI=true fails instead.
# usage: chromium_digest.sh DMARC-REPORT DMARC-INGEST SOURCE-DIR [OUT-DIR]
set -eu
report=$1 ingest=$2 src=$3 out=${4:-.}
. "$src/tests/chromium_lib.sh"
chromium_find chromium_digest
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
# --- at phone width ---------------------------------------------------
"$ingest" --db "$tmp/h.db" "$src/tests/data/html" >/dev/null 2>&1 || true
"$report" digest --db "$tmp/h.db" --now 1795417200 --no-dns --format html \
    -o "$tmp/hostile.html"
# long names: a 63-byte label, an IPv6 source, long DKIM and SPF domains
"$ingest" --db "$tmp/l.db" "$src/tests/data/phone" >/dev/null
"$report" digest --db "$tmp/l.db" --now 1795417200 --no-dns --format html \
    -o "$tmp/long.html"
for page in digest hostile long; do
	phone "$tmp/$page.html" "$tmp/phone-$page.html"
	run 4 --dump-dom "file://$tmp/phone-$page.html" >"$tmp/phone.dom" \
	    2>"$tmp/err4" ||
	    fail "chromium on the phone page failed: $(tail -5 "$tmp/err4")"
	m=$(sed -n 's/.*<pre id="out">\([^<]*\)<.*/\1/p' "$tmp/phone.dom")
	case $m in
	"width 390 of 390 ") ;;
	*) fail "$page.html at 390 px: $m" ;;
	esac
done

# --- without SVG, as Gmail and Outlook show it ------------------------------
perl -0pe 's/<svg\b.*?<\/svg>//gs' "$tmp/digest.html" >"$tmp/nosvg.html"
! grep -q '<svg' "$tmp/nosvg.html" || fail "an <svg> element survived"
run 5 --dump-dom "file://$tmp/nosvg.html" >"$tmp/nosvg.dom" 2>"$tmp/err5" ||
    fail "chromium without SVG failed: $(tail -5 "$tmp/err5")"
# the rendered cells as one line of words
words=$(sed -e 's/<[^>]*>/ /g' -e 's/&nbsp;/ /g' "$tmp/nosvg.dom" |
    tr -s ' \n\t' '   ')
has() {
	case $words in
	*"$1"*) ;;
	*) fail "without SVG the page lacks '$1'" ;;
	esac
}
"$report" digest --db "$tmp/t.db" --week 2026-W47 --now 1795417200 \
    --no-dns --format text >"$tmp/digest.txt"
# every day and week of the text digest, with its numbers
n=0
while IFS= read -r line; do
	case $line in
	"- 2026-"*": "*" / "*)
		has "$(echo "$line" |
		    sed 's/^- \([0-9-]*\): \([0-9,]*\) \/ \([0-9,]*\)$/\1 \2 \3/')"
		n=$((n + 1)) ;;
	"- week of "*"% ("*)
		has "$(echo "$line" |
		    sed 's/^- week of \([0-9-]*\): \([^ ]*\) (\([0-9,]*\) messages)$/\1 \3 \2/')"
		n=$((n + 1)) ;;
	esac
done <"$tmp/digest.txt"
[ "$n" -ge 8 ] || fail "only $n chart lines checked"
# the largest source of 2026-W47: 1,287 messages, all passing
has "209.85.220.41 1,287 100.0%"
has "Top sources by volume Source Messages Pass"
# 192.0.2.77 is a mailing list: its failures are nobody's to fix
has "192.0.2.77 (not looked up) · unknown service forwarder or mailing \
list: nothing to fix"

# to OUT-DIR (the build tree); docs/digest.png only on request
# (DMARC_DOCS_UPDATE=1), so a test run never dirties the checkout
dest=$out
[ "${DMARC_DOCS_UPDATE:-0}" = 1 ] && dest=$src/docs
cp "$tmp/digest.png" "$dest/digest.png"
echo "chromium_digest: ok: $dest/digest.png"
