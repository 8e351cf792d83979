#!/usr/bin/env bash
# What the Swedish-quality work (issue 4: folding, lemmas, compounds,
# abbreviations) costs at index time: indexes a corpus with prsearch as it
# was before that work (commit a12871f, built once into a worktree) and
# with this tree's build, alternating the two so that the machine's noise
# hits both alike, and prints each run, the medians and their ratio.
#
#   bench/swedish_cost.sh [RUNS] [CORPUS]
#
# RUNS defaults to 3, CORPUS to ../shared/corpus/regeringen.jsonl.gz.
# Needs this tree built in build/ (RelWithDebInfo, the default).
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-3}
corpus=${2:-$here/../shared/corpus/regeringen.jsonl.gz}
base_rev=a12871f
base_dir=${PRS_BENCH_BASE_DIR:-/tmp/prsearch-base-$base_rev}
new_bin=$here/build/cli/prsearch
work=$(mktemp -d /tmp/prs-bench-XXXXXX)
trap 'rm -rf "$work"' EXIT

[ -x "$new_bin" ] || { echo "build the tree first (cmake --build build)" >&2; exit 2; }
if [ ! -x "$base_dir/build/cli/prsearch" ]; then
    echo "building prsearch at $base_rev in $base_dir (once)" >&2
    git -C "$here" worktree add --force --detach "$base_dir" "$base_rev" >&2
    cmake -S "$base_dir" -B "$base_dir/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >&2
    cmake --build "$base_dir/build" -j"$(nproc)" --target prsearch >&2
fi
base_bin=$base_dir/build/cli/prsearch

# Seconds of one fresh index run.
one_run() {
    rm -rf "$work/db"
    local t0 t1
    t0=$(date +%s.%N)
    "$1" index --quiet --db "$work/db" "$corpus"
    t1=$(date +%s.%N)
    awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.2f\n", b - a}'
}

median() { sort -n | awk '{v[NR]=$1} END {print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }

: >"$work/base"; : >"$work/new"
for i in $(seq "$runs"); do
    b=$(one_run "$base_bin"); echo "$b" >>"$work/base"
    n=$(one_run "$new_bin");  echo "$n" >>"$work/new"
    awk -v i="$i" -v b="$b" -v n="$n" \
        'BEGIN {printf "run %d: before %.1f s, now %.1f s (%.2fx)\n", i, b, n, n / b}'
done
mb=$(median <"$work/base"); mn=$(median <"$work/new")
awk -v b="$mb" -v n="$mn" -v c="$(basename "$corpus")" -v r="$runs" \
    'BEGIN {printf "median: before %.1f s, now %.1f s, ratio %.2fx (%s, %d runs each)\n", b, n, n / b, c, r}'
