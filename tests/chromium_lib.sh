# Shell functions of the headless Chromium checks (chromium_digest.sh,
# chromium_site.sh), sourced after $tmp is set (a scratch directory the
# caller removes).  chromium_find NAME sets $browser, or exits 77 (skip)
# when chromium is missing, 1 with CI=true.
chromium_find() {
	browser=$(command -v chromium || command -v chromium-browser || true)
	if [ -z "$browser" ]; then
		if [ "${CI:-}" = true ]; then
			echo "$1: FAIL: chromium is not installed and CI=true (Debian: apt-get install chromium)" >&2
			exit 1
		fi
		# the format of tu_skip (tests/testutil.h); ctest counts it as skipped
		echo "SKIP $1: chromium is not installed (Debian: apt-get install chromium)"
		exit 77
	fi
}

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
# Requests the page made: the renderer's loads carry Chromium's
# blink_resource_loader traffic annotation (101845102) and the page's
# origin as initiator ("null" for file://); the browser's own background
# fetches (component updater, network time) carry neither.
page_requests() {
	{ grep -o '"traffic_annotation":101845102,"url":"[^"]*"' "$1" |
	    grep -v '"url":"file:' || true
	  grep -o '"initiator":"\(null\|file:[^"]*\)"' "$1" || true; }
}
# phone HTML OUT: a page holding HTML in a 390 px iframe (srcdoc, so the
# script may read its document), which writes the iframe document's
# scrollWidth and the innermost elements past its right edge
phone() {
	esc=$(sed -e 's/&/\&amp;/g' -e 's/"/\&quot;/g' "$1")
	cat >"$2" <<EOT
<!DOCTYPE html><html><head><meta charset="utf-8"></head>
<body style="margin:0"><iframe id="f"
 style="width:390px;height:20000px;border:0" srcdoc="$esc"></iframe>
<pre id="out">not measured</pre><script>
window.onload = function () {
	var d = document.getElementById("f").contentDocument;
	var w = d.documentElement.clientWidth, bad = [], r = [];
	d.querySelectorAll("body *").forEach(function (e) {
		if (e.getBoundingClientRect().right > w + 0.5)
			bad.push(e);
	});
	bad.forEach(function (e) {
		var inner = !bad.some(function (c) {
			return c !== e && e.contains(c);
		});
		if (r.length < 5 && inner)
			r.push(e.tagName + ":" +
			    (e.textContent || "").slice(0, 40));
	});
	document.getElementById("out").textContent = "width " +
	    d.documentElement.scrollWidth + " of " + w + " " + r.join(" | ");
};
</script></body></html>
EOT
}
