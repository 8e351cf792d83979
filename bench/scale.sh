#!/usr/bin/env bash
# How prsearch scales (docs/BENCHMARKS.md): for each size, a synthetic
# corpus of that many releases made from the real ones by
# bench/gen_corpus.py, indexed once with `prsearch index` (wall time,
# releases/s and peak RSS by GNU time; index size, compacted size,
# distinct terms and plain words), then 1,000 queries of
# bench/make_queries.py on it through build/bench/query_bench, 3 rounds,
# on the index as prsearch left it (not compacted). The real 44,397
# releases are measured the same way first, as the row the growth ratios
# are relative to.
#
#   bench/scale.sh [--smoke] [--no-44k] [--server] [SIZES...]
#
# --server: also runs bench/server.sh (one run, --db) on every index before
# it is removed, and prints its medians: the HTTP figures at each size.
#
# SIZES default to 100000 1000000. Corpora are generated once and kept in
# $PRS_SCALE_CACHE (default /tmp/prs-scale), one folder per size and
# generator version, in files of 100,000 releases (prsearch skips single
# files above 512 MiB, and a real export of a million releases would come
# in parts too); queries come from the first file, which is the same for
# every size (the generator's output for N is a prefix of its output for
# more). Indexes are built in a temporary folder, removed at the end.
# Needs some 15 GB free there for 1,000,000 releases (index and its
# compacted copy; 100,000 took 0.9 GB and 0.5 GB).
#
# --smoke: for ctest: the bundled sample (converted to JSON Lines) as the
# base row and a 300-release corpus made from it, 100 queries, one timed
# round, nothing cached; fails only when a step cannot run.
# PRSEARCH_BIN and PRS_QUERY_BENCH name the binaries (default build/).
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
prs=${PRSEARCH_BIN:-$here/build/cli/prsearch}
qbench=${PRS_QUERY_BENCH:-$here/build/bench/query_bench}
cache=${PRS_SCALE_CACHE:-/tmp/prs-scale}
source=$here/../shared/corpus/regeringen.jsonl.gz
smoke=0
server=0
base=1
nqueries=1000
rounds=3
part=100000
while [ $# -gt 0 ]; do
    case $1 in
    --smoke) smoke=1; shift ;;
    --no-44k) base=0; shift ;;
    --server) server=1; shift ;;
    -*) echo "usage: bench/scale.sh [--smoke] [--no-44k] [--server] [SIZES...]" >&2; exit 2 ;;
    *) break ;;
    esac
done
sizes=("$@")
for n in "${sizes[@]}"; do
    [[ $n =~ ^[1-9][0-9]*$ ]] || { echo "bench/scale.sh: not a size: $n" >&2; exit 2; }
done

for tool in xapian-compact xapian-delve /usr/bin/time gzip python3; do
    command -v "$tool" >/dev/null || { echo "bench/scale.sh: $tool is missing (scripts/deps.sh installs it)" >&2; exit 2; }
done
for bin in "$prs" "$qbench"; do
    [ -x "$bin" ] || { echo "bench/scale.sh: build first ($bin is missing; scripts/build.sh)" >&2; exit 2; }
done

work=$(mktemp -d /tmp/prs-bench-scale-XXXXXX)
trap 'rm -rf "$work"' EXIT

if [ "$smoke" = 1 ]; then
    # The sample's Markdown releases as the JSON Lines the generator reads.
    source=$work/sample.jsonl
    python3 - "$here/data/sample/pressmeddelanden" >"$source" <<'PY'
import json, os, sys
root = sys.argv[1]
for dirpath, dirnames, files in os.walk(root):
    dirnames.sort()
    for name in sorted(files):
        if name.endswith(".md"):
            with open(os.path.join(dirpath, name), encoding="utf-8") as f:
                title, _, body = f.read().partition("\n")
            rel = os.path.relpath(os.path.join(dirpath, name), root)[:-3]
            print(json.dumps({"id": "pressmeddelanden/" + rel,
                              "section": "pressmeddelanden",
                              "published": rel[:4] + "-" + rel[5:7],
                              "title": title.lstrip("# ").strip(),
                              "body": body.strip() + "\n"},
                             ensure_ascii=False))
PY
    cache=$work/cache
    [ ${#sizes[@]} -gt 0 ] || sizes=(300)
    nqueries=100; rounds=2
else
    [ -f "$source" ] || { echo "bench/scale.sh: $source is missing" >&2; exit 2; }
    [ ${#sizes[@]} -gt 0 ] || sizes=(100000 1000000)
fi
# A new generator makes new corpora: its checksum is part of the name.
version=$(cksum <"$here/bench/gen_corpus.py" | cut -d' ' -f1)

# Generates the corpus of $1 releases unless cached; sets corpus_dir.
corpus() {
    corpus_dir=$cache/$1-$version
    [ -f "$corpus_dir/complete" ] && return
    rm -rf "$corpus_dir"; mkdir -p "$corpus_dir"
    echo "generating $1 releases into $corpus_dir" >&2
    local t0=$SECONDS
    python3 "$here/bench/gen_corpus.py" "$source" "$1" |
        split -l "$part" -d -a 3 --additional-suffix=.jsonl.gz \
            --filter='gzip -6 >"$FILE"' - "$corpus_dir/part-"
    touch "$corpus_dir/complete"
    echo "generated in $((SECONDS - t0)) s" >&2
}

# Measures one corpus ($2, a file or folder) as the row labelled $1 and
# appends its figures to $work/rows.
measure() {
    local label=$1 path=$2 db=$work/db first
    rm -rf "$db" "$work/compact"
    read -r docs bytes < <(find "$path" -name '*.jsonl*' -print0 | sort -z |
        xargs -0 gzip -cdf | wc -lc)
    local rc=0
    /usr/bin/time -f "%e %M" -o "$work/time" \
        "$prs" index --quiet --db "$db" "$path" >/dev/null || rc=$?
    if [ "$rc" = 3 ]; then
        echo "bench/scale.sh: $label: prsearch skipped some records" >&2
    elif [ "$rc" != 0 ]; then
        echo "bench/scale.sh: $label: prsearch index failed ($rc)" >&2; exit 1
    fi
    read -r secs kb <"$work/time"
    local size csize terms words
    size=$(du -sb "$db" | cut -f1)
    xapian-compact "$db" "$work/compact" >/dev/null
    csize=$(du -sb "$work/compact" | cut -f1)
    rm -rf "$work/compact"
    terms=$(xapian-delve -v "$db" | sed -n 's/^number of distinct terms = //p')
    # Terms without a prefix are the words as written (folded).
    words=$(xapian-delve -a -1 "$db" | grep -c -v '^[A-Z]' || true)

    first=$(find "$path" -name '*.jsonl*' | sort | head -n 1)
    python3 "$here/bench/make_queries.py" "$first" "$nqueries" >"$work/queries"
    "$qbench" "$db" "$work/queries" "$rounds" >"$work/qb"
    # "p50 X us  p95 X us  p99 X us  max X us  X queries/s"
    read -r p50 p95 p99 qps < <(awk '$1 == "p50" {print $2, $5, $8, $13}' "$work/qb")
    [ -n "${qps:-}" ] || { echo "bench/scale.sh: $label: no figures from query_bench" >&2; exit 1; }
    if [ "$server" = 1 ]; then
        local sargs=(1 --db "$db")
        [ "$smoke" = 1 ] && sargs+=(--smoke)
        "$here/bench/server.sh" "${sargs[@]}" >"$work/server" 2>&1 || {
            echo "bench/scale.sh: $label: bench/server.sh failed:" >&2
            cat "$work/server" >&2
            exit 1
        }
        echo "  $label, bench/server.sh:"
        sed -n '/^medians/,$p' "$work/server" | sed 's/^/    /'
    fi
    rm -rf "$db"
    echo "$label $docs $bytes $secs $kb $size $csize $terms $words $p50 $p95 $p99 $qps" >>"$work/rows"
    awk -v l="$label" -v d="$docs" -v s="$secs" -v kb="$kb" -v z="$size" -v c="$csize" -v a="$p50" -v b="$p99" -v q="$qps" \
        'BEGIN {printf "  %-8s %8d releases  index %7.1f s %6.0f releases/s %5.0f MB peak %6.0f MB (%5.0f compacted)  p50 %.2f ms p99 %.2f ms %4.0f queries/s\n",
                l, d, s, d / s, kb / 1024, z / 1e6, c / 1e6, a / 1e3, b / 1e3, q}'
}

if [ "$base" = 1 ]; then
    label=44k; [ "$smoke" = 1 ] && label=sample
    measure "$label" "$source"
fi
for n in "${sizes[@]}"; do
    corpus "$n"
    measure "$n" "$corpus_dir"
done

echo
awk -v base="$base" '
BEGIN {
    printf "%-8s %9s %8s %8s %8s %7s %8s %8s %9s %9s %7s %7s %7s %6s\n",
        "corpus", "releases", "JSON MB", "index s", "rel/s", "peak MB",
        "index MB", "compact", "terms", "words", "p50 ms", "p95 ms", "p99 ms", "q/s"
}
{
    printf "%-8s %9d %8.1f %8.1f %8.0f %7.0f %8.1f %8.1f %9d %9d %7.2f %7.2f %7.2f %6.0f\n",
        $1, $2, $3 / 1e6, $4, $2 / $4, $5 / 1024, $6 / 1e6, $7 / 1e6, $8, $9,
        $10 / 1e3, $11 / 1e3, $12 / 1e3, $13
    rows[NR] = $0
}
END {
    if (!base || NR < 2)
        exit
    split(rows[1], b, " ")
    printf "\ngrowth relative to %s:\n", b[1]
    for (k = 2; k <= NR; k++) {
        split(rows[k], f, " ")
        printf "%-8s %8.2fx %7.2fx %7.2fx %7.2fx %6.2fx %7.2fx %7.2fx %8.2fx %8.2fx %6.2fx %6.2fx %6.2fx %5.2fx\n",
            f[1], f[2] / b[2], f[3] / b[3], f[4] / b[4], (f[2] / f[4]) / (b[2] / b[4]),
            f[5] / b[5], f[6] / b[6], f[7] / b[7], f[8] / b[8], f[9] / b[9],
            f[10] / b[10], f[11] / b[11], f[12] / b[12], f[13] / b[13]
    }
}' "$work/rows"
