#!/bin/sh
# bench/relevance.sh: index the press releases and print the relevance
# scores on both development sets (docs/RELEVANCE.md). No thresholds; not a
# ctest. Usage: bench/relevance.sh [BUILD_DIR] [INDEX_DIR]
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build-rel}
db=${2:-${TMPDIR:-/tmp}/prs-relevance-idx}
shared=${PRS_SHARED:-$here/../shared}
prs=$build/cli/prsearch
[ -x "$prs" ] || { echo "relevance.sh: build $prs first" >&2; exit 2; }
rm -rf "$db"
echo "indexing $shared/corpus/pressmeddelanden into $db" >&2
start=$(date +%s)
"$prs" index --quiet --db "$db" "$shared/corpus/pressmeddelanden"
echo "indexed in $(( $(date +%s) - start )) s" >&2
for set in dev dev-short; do
    echo "== $set.tsv"
    python3 "$shared/relevance/score.py" "$shared/relevance/$set.tsv" -- \
        "$prs" search --db "$db" --json --limit 10 {query}
done
