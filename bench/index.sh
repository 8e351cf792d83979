#!/usr/bin/env bash
# Indexing speed against Xapian's scriptindex and against our own floor
# (docs/BENCHMARKS.md): indexes CORPUS RUNS times with each, alternating
# so the machine's noise hits all alike, fresh index every run, and prints
# per run and as medians: wall time, releases/s, text MB/s, peak RSS; then
# each index's size, and after xapian-compact. prsearch runs with every
# Swedish-quality feature on (its only mode), once as it does by default
# (a new index: one writer per core, merged) and once with --jobs 1 (one
# writer, committed batches); scriptindex with bench/scriptindex.script
# and the Swedish stemmer; the floor is bench/write_floor replaying the
# very documents prsearch writes (prepared once, untimed) with one writer
# as --jobs 1 does.
#
#   bench/index.sh [--smoke] [RUNS] [CORPUS]
#
# RUNS defaults to 3, CORPUS to ../shared/corpus/regeringen.jsonl.gz (a
# folder of Markdown releases works too). --smoke: one run on the bundled
# sample, for ctest. Needs build/ (RelWithDebInfo), scriptindex
# (xapian-omega), xapian-compact (xapian-tools), GNU time. Binaries:
# $PRSEARCH_BIN (build/cli/prsearch), $PRS_WRITE_FLOOR
# (build/bench/write_floor).
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
runs=3
corpus=$here/../shared/corpus/regeringen.jsonl.gz
if [ "${1:-}" = "--smoke" ]; then
    runs=1; corpus=$here/data/sample/pressmeddelanden; shift
fi
runs=${1:-$runs}
corpus=${2:-$corpus}
prs=${PRSEARCH_BIN:-$here/build/cli/prsearch}
floor=${PRS_WRITE_FLOOR:-$here/build/bench/write_floor}
work=$(mktemp -d /tmp/prs-bench-index-XXXXXX)
trap 'rm -rf "$work"' EXIT

for tool in scriptindex xapian-compact /usr/bin/time; do
    command -v "$tool" >/dev/null || { echo "bench/index.sh: $tool is missing (scripts/deps.sh installs it)" >&2; exit 2; }
done
for bin in "$prs" "$floor"; do
    [ -x "$bin" ] || { echo "bench/index.sh: build first ($bin)" >&2; exit 2; }
done

python3 "$here/bench/scriptindex_input.py" "$corpus" "$work/input" 2>"$work/count"
read -r _ docs _ text_bytes <"$work/count"

# The floor reads JSON Lines; a folder of Markdown releases (the smoke
# sample) becomes id, title and body records first.
floor_corpus=$corpus
if [ -d "$corpus" ]; then
    floor_corpus=$work/corpus.jsonl
    python3 - "$corpus" >"$floor_corpus" <<'PY'
import json, os, sys
for dirpath, dirnames, files in os.walk(sys.argv[1]):
    dirnames.sort()
    for name in sorted(files):
        if name.endswith(".md"):
            with open(os.path.join(dirpath, name), encoding="utf-8") as f:
                title = f.readline().lstrip("# ").strip()
                print(json.dumps({"id": name[:-3], "title": title, "body": f.read()}))
PY
fi
"$floor" --prepare "$floor_corpus" "$work/floor.dump" >/dev/null

# Runs one indexer; appends "seconds peak_kb" to $work/$1.
measure() {
    local who=$1; shift
    rm -rf "$work/db-$who"
    /usr/bin/time -f "%e %M" -o "$work/t" "$@" >/dev/null
    cat "$work/t" >>"$work/$who"
    read -r s kb <"$work/t"
    awk -v w="$who" -v s="$s" -v kb="$kb" -v d="$docs" -v b="$text_bytes" \
        'BEGIN {printf "  %-11s %7.2f s %8.0f releases/s %6.2f MB/s %6.0f MB peak\n", w, s, d / s, b / 1e6 / s, kb / 1024}'
}

median() { sort -n | awk '{v[NR]=$1} END {print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }

echo "corpus $(basename "$corpus"): $docs releases, $(awk -v b="$text_bytes" 'BEGIN {printf "%.1f", b / 1e6}') MB of title+lead+body text"
for i in $(seq "$runs"); do
    echo "run $i"
    measure scriptindex scriptindex --overwrite -s swedish "$work/db-scriptindex" \
        "$here/bench/scriptindex.script" "$work/input"
    measure prsearch "$prs" index --quiet --db "$work/db-prsearch" "$corpus"
    measure prs-jobs1 "$prs" index --quiet --jobs 1 --db "$work/db-prs-jobs1" "$corpus"
    measure floor "$floor" "$work/floor.dump" "$work/db-floor"
done

echo "medians of $runs runs"
for who in scriptindex prsearch prs-jobs1 floor; do
    s=$(cut -d' ' -f1 "$work/$who" | median)
    kb=$(cut -d' ' -f2 "$work/$who" | median)
    size=$(du -sb "$work/db-$who" | cut -f1)
    xapian-compact "$work/db-$who" "$work/compact-$who" >/dev/null
    csize=$(du -sb "$work/compact-$who" | cut -f1)
    echo "$s" >"$work/median-$who"
    awk -v w="$who" -v s="$s" -v kb="$kb" -v d="$docs" -v b="$text_bytes" -v z="$size" -v c="$csize" \
        'BEGIN {printf "  %-11s %7.2f s %8.0f releases/s %6.2f MB/s %6.0f MB peak  index %4.0f MB, compacted %4.0f MB\n", w, s, d / s, b / 1e6 / s, kb / 1024, z / 1e6, c / 1e6}'
done
awk -v a="$(cat "$work/median-scriptindex")" -v b="$(cat "$work/median-prsearch")" \
    -v j="$(cat "$work/median-prs-jobs1")" -v f="$(cat "$work/median-floor")" 'BEGIN {
    printf "prsearch indexes at %.2fx scriptindex'"'"'s releases/s (--jobs 1: %.2fx)\n", a / b, a / j
    printf "prsearch takes %.2fx the floor'"'"'s time (--jobs 1: %.2fx); the floor takes %.2fx scriptindex'"'"'s\n", b / f, j / f, f / a }'
