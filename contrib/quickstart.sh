#!/usr/bin/env bash
# From a fresh clone: install the build dependencies (Debian 12), build,
# ingest the bundled sample reports into the default database, then show
# the weekly summary and the enforcement verdict from it.  Safe to run
# again: the second run stores nothing new.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! pkg-config --exists libxml-2.0 libzip libpsl nettle check sqlite3 \
    gmime-3.0 libcurl libcares 2>/dev/null ||
   ! command -v cmake >/dev/null || ! command -v sqlite3 >/dev/null; then
	bash contrib/setup-debian.sh
fi
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" >/dev/null
db="${DMARC_DB:-${XDG_DATA_HOME:-$HOME/.local/share}/dmarc-rua/dmarc.db}"
status=0
./build/ingest/dmarc-ingest -v samples/ || status=$?
echo
echo "Database: $db (query it with sqlite3: see the README's views)"
echo
# the samples cover ISO weeks 2026-W45..W47; --no-dns keeps the demo
# offline
./build/report/dmarc-report --no-dns --week 2026-W47
echo
./build/report/dmarc-report readiness --no-dns --since 2026-10-26 \
    --until 2026-11-22
./build/report/dmarc-report digest --no-dns --week 2026-W47 \
    --format html -o digest.html
echo
echo "The weekly digest for 2026-W47 is in digest.html (see the README)."
exit "$status"
