#!/usr/bin/env bash
# Sets up, builds, indexes the bundled sample and runs example searches.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$root/build
db=$root/demo-index

"$root/scripts/build.sh" "$build"
prsearch=$build/cli/prsearch

"$prsearch" index --db "$db" "$root/data/sample/pressmeddelanden" "$root/data/sample/seed"
echo
echo "\$ prsearch search skyddsmasker civila försvaret"
"$prsearch" search --db "$db" --limit 3 skyddsmasker civila försvaret
echo
echo "\$ prsearch search --json --limit 2 'IVO:s handläggningstider'"
"$prsearch" search --db "$db" --json --limit 2 "IVO:s handläggningstider"
echo
echo "Index in $db; try: $prsearch search --db $db 'your words'"
