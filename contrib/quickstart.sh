#!/usr/bin/env bash
# From a fresh clone: install the build dependencies (Debian 12), build,
# ingest the bundled sample reports into the default database and show
# what was stored.  Safe to run again: the second run stores nothing new.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! pkg-config --exists libxml-2.0 libzip libpsl nettle check sqlite3 2>/dev/null ||
   ! command -v cmake >/dev/null || ! command -v sqlite3 >/dev/null; then
	bash contrib/setup-debian.sh
fi
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" >/dev/null
db="${DMARC_DB:-${XDG_DATA_HOME:-$HOME/.local/share}/dmarc-rua/dmarc.db}"
status=0
./build/ingest/dmarc-ingest -v samples/ || status=$?
echo
echo "Database: $db"
sqlite3 -header -column "$db" "
SELECT org_name, policy_domain,
       date(begin_utc, 'unixepoch') AS day, rows, messages
  FROM v_reports ORDER BY begin_utc, org_name;
SELECT source_ip, sum(messages) AS messages,
       sum(dmarc_pass * messages) AS dmarc_pass,
       sum(dkim_aligned * messages) AS dkim_aligned,
       sum(spf_aligned * messages) AS spf_aligned
  FROM v_records GROUP BY source_ip ORDER BY messages DESC;"
exit "$status"
