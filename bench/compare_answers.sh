#!/usr/bin/env bash
# Whether two prsearch builds answer the same (docs/BENCHMARKS.md): runs
# the first N queries of QUERIES (bench/make_queries.py's format; a
# "year=YYYY<TAB>" prefix is dropped) through `prsearch search --json` of
# each binary on DB, and compares the hits and their snippets line by
# line. For speed work that must not change what a reporter sees.
#
#   bench/compare_answers.sh OLD_BIN NEW_BIN DB QUERIES [N]
#
# N defaults to 300. Prints how many hits each gave and how many lines
# differ (with the first differences); exits 1 if any do.
set -euo pipefail
old=${1:?usage: bench/compare_answers.sh OLD_BIN NEW_BIN DB QUERIES [N]}
new=${2:?usage: bench/compare_answers.sh OLD_BIN NEW_BIN DB QUERIES [N]}
db=${3:?usage: bench/compare_answers.sh OLD_BIN NEW_BIN DB QUERIES [N]}
queries=${4:?usage: bench/compare_answers.sh OLD_BIN NEW_BIN DB QUERIES [N]}
n=${5:-300}
work=$(mktemp -d /tmp/prs-compare-XXXXXX)
trap 'rm -rf "$work"' EXIT

# answers BIN OUT: one line per hit, "id<TAB>snippet".
answers() {
    head -n "$n" "$queries" | while IFS= read -r line; do
        q=${line#year=????	}
        "$1" search --db "$db" --json --limit 10 -- "$q" 2>/dev/null |
            python3 -c 'import json, sys
for h in json.load(sys.stdin)["hits"]:
    print(h["id"], h["snippet"], sep="\t")' || true
    done >"$2"
}
answers "$old" "$work/old"
answers "$new" "$work/new"
echo "hits: $(wc -l <"$work/old") old, $(wc -l <"$work/new") new, over the first $n queries"
if cmp -s "$work/old" "$work/new"; then
    echo "the same hits and snippets"
    exit 0
fi
echo "differing lines: $(diff "$work/old" "$work/new" | grep -c '^[<>]')"
diff "$work/old" "$work/new" | head -20
exit 1
