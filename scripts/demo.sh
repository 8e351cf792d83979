#!/usr/bin/env bash
# Sets up, builds, indexes the bundled sample, runs an example search and
# serves the sample on http://127.0.0.1:8080/ (Ctrl-C stops it).
#   scripts/demo.sh [--no-serve]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$root/build
db=$root/demo-index
listen=${PRSEARCH_LISTEN:-127.0.0.1:8080}

"$root/scripts/build.sh" "$build"
prsearch=$build/cli/prsearch

"$prsearch" index --db "$db" "$root/data/sample/pressmeddelanden" "$root/data/sample/seed"
echo
echo "\$ prsearch search --limit 3 skyddsmasker civila försvaret"
"$prsearch" search --db "$db" --limit 3 skyddsmasker civila försvaret

if [ "${1:-}" = "--no-serve" ]; then
    exit 0
fi
echo
echo "Serving the sample: open http://$listen/ in a browser (Ctrl-C stops)."
exec "$prsearch" serve --db "$db" --listen "$listen"
