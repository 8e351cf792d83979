#!/usr/bin/env bash
# HTTP throughput and latency of `prsearch serve` against bench/ref_server,
# the least a server over the same index can do (docs/BENCHMARKS.md):
# wrk drives both with the queries of bench/make_queries.py
# (bench/wrk_queries.lua), both servers with 2 worker threads.
#
#   bench/server.sh [RUNS] [--smoke] [--db DIR]
#
# Measures, at 1, 16 and 64 connections (wrk -t 2, -t 1 for one
# connection), for RUNS runs (default 3) alternating prsearch and the
# reference: prsearch's /api/search with snippets and facets (the search
# page's request), the same without facets (facets=0), its /api/suggest
# (the queries' prefixes) and ref_server's /search. Those prsearch runs
# have the answer cache off (cache_mb = 0), so every request is searched
# as the reference searches it; a second prsearch server with the cache on
# (its default) answers the same /api/search requests, which wrk repeats,
# from the cache. Prints each run, then the medians (requests/s, p50,
# p99) with the non-2xx answers and socket errors of all runs, and the
# ratios at 64 connections.
#
# The index is built from ../shared/corpus/regeringen.jsonl.gz, or --db
# DIR reuses one (queries still come from the corpus). --smoke: the
# bundled sample, one run, 1 s each, no warm-up, for ctest; no
# thresholds, fails only when something cannot run. Binaries:
# $PRSEARCH_BIN (build/cli/prsearch) and $PRS_REF_SERVER
# (build/bench/ref_server). Needs wrk (scripts/deps.sh installs it).
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
runs=3
smoke=0
db=
while [ $# -gt 0 ]; do
    case $1 in
        --smoke) smoke=1 ;;
        --db) db=${2:?--db needs a folder}; shift ;;
        *[!0-9]* | "" | 0) echo "usage: bench/server.sh [RUNS] [--smoke] [--db DIR]" >&2; exit 2 ;;
        *) runs=$1 ;;
    esac
    shift
done
corpus=$here/../shared/corpus/regeringen.jsonl.gz
duration=10s nqueries=1000
if [ "$smoke" = 1 ]; then
    corpus=$here/data/sample/pressmeddelanden runs=1 duration=1s nqueries=100
fi
prs=${PRSEARCH_BIN:-$here/build/cli/prsearch}
ref=${PRS_REF_SERVER:-$here/build/bench/ref_server}
lua=$here/bench/wrk_queries.lua

command -v wrk >/dev/null || { echo "bench/server.sh: wrk is missing (scripts/deps.sh installs it)" >&2; exit 2; }
for bin in "$prs" "$ref"; do
    [ -x "$bin" ] || { echo "bench/server.sh: build first ($bin)" >&2; exit 2; }
done

work=$(mktemp -d /tmp/prs-bench-server-XXXXXX)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    rm -rf "$work"
}
trap cleanup EXIT

if [ -z "$db" ]; then
    db=$work/db
    start=$SECONDS
    "$prs" index --quiet --db "$db" "$corpus"
    echo "indexed $(basename "$corpus") in $((SECONDS - start)) s"
fi

# make_queries.py reads JSON Lines; the sample is a folder of Markdown
# releases whose first line is the title.
releases=$corpus
if [ -d "$corpus" ]; then
    releases=$work/releases.jsonl
    python3 - "$corpus" >"$releases" <<'PY'
import json, os, sys
for dirpath, _, files in os.walk(sys.argv[1]):
    for name in sorted(files):
        if name.endswith(".md"):
            with open(os.path.join(dirpath, name), encoding="utf-8") as f:
                print(json.dumps({"title": f.readline().lstrip("# ").strip()}))
PY
fi
python3 "$here/bench/make_queries.py" "$releases" "$nqueries" >"$work/queries"

# Starts a server on a free port (port 0; it prints the address it bound)
# and sets $url; NAME.log keeps its stderr (prsearch's access log too).
start_server() {
    local name=$1; shift
    : >"$work/$name.log" # exists before the server writes to it
    "$@" --listen 127.0.0.1:0 --threads 2 >/dev/null 2>"$work/$name.log" &
    local pid=$!
    pids+=("$pid")
    for _ in $(seq 300); do
        url=$(sed -n 's/.*listening on \(http:[^ ]*\)$/\1/p' "$work/$name.log")
        [ -n "$url" ] && return 0
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    echo "bench/server.sh: $name did not start:" >&2
    cat "$work/$name.log" >&2
    exit 1
}
printf 'cache_mb = 0\n' >"$work/nocache.conf"
start_server prsearch "$prs" serve --config "$work/nocache.conf" --db "$db"
prs_url=${url%/}
start_server cached "$prs" serve --db "$db"
cached_url=${url%/}
start_server ref_server "$ref" --db "$db"
ref_url=${url%/}

# The measured targets: name, base URL, KIND of wrk_queries.lua.
targets=("search $prs_url search" "bare $prs_url bare" "suggest $prs_url suggest"
    "cached $cached_url search" "ref $ref_url ref")
label() {
    case $1 in
        search) echo "prsearch /api/search" ;;
        bare) echo "  ... facets=0" ;;
        suggest) echo "prsearch /api/suggest" ;;
        cached) echo "  ... answer cache on" ;;
        ref) echo "ref_server /search" ;;
    esac
}

# Runs wrk once; prints the result line of wrk_queries.lua.
run_wrk() {
    local base=$1 kind=$2 conns=$3 dur=$4
    local threads=$((conns < 2 ? conns : 2))
    wrk -t "$threads" -c "$conns" -d "$dur" --timeout 10s -s "$lua" \
        "$base/" -- "$work/queries" "$kind" >"$work/wrk.out" 2>&1 || {
        echo "bench/server.sh: wrk failed:" >&2
        cat "$work/wrk.out" >&2
        exit 1
    }
    grep '^result ' "$work/wrk.out" || {
        echo "bench/server.sh: no result from wrk:" >&2
        cat "$work/wrk.out" >&2
        exit 1
    }
}

echo "$(wc -l <"$work/queries") queries from make_queries.py; prsearch at $prs_url (answer cache off) and $cached_url (on), ref_server at $ref_url, 2 threads each; wrk $duration per measurement"
if [ "$smoke" = 0 ]; then
    # Brings both servers' caches and code paths to a steady state.
    for t in "${targets[@]}"; do
        read -r _ base kind <<<"$t"
        run_wrk "$base" "$kind" 16 3s >/dev/null
    done
fi

# $work/results: one line per measurement, "target conns key=value...".
for run in $(seq "$runs"); do
    echo "run $run"
    for conns in 1 16 64; do
        # Alternate who goes first, so drift in the machine hits both alike.
        order=("${targets[@]}")
        if [ $((run % 2)) = 0 ]; then
            order=("${targets[4]}" "${targets[0]}" "${targets[1]}" "${targets[2]}"
                "${targets[3]}")
        fi
        for t in "${order[@]}"; do
            read -r name base kind <<<"$t"
            line=$(run_wrk "$base" "$kind" "$conns" "$duration")
            echo "$name $conns $line" >>"$work/results"
            echo "$name $conns $line" | awk -v l="$(label "$name")" '{
                for (i = 4; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
                printf "  %-22s c=%-3d %9.1f req/s  p50 %8.2f ms  p99 %8.2f ms  non-2xx %d  errors %d\n",
                    l, $2, v["rps"], v["p50_ms"], v["p99_ms"], v["non2xx"], v["errors"] }'
        done
    done
done

# Median of the values of key for one target and connection count.
median() {
    awk -v n="$1" -v c="$2" -v k="$3" '$1 == n && $2 == c {
        for (i = 4; i <= NF; i++) { split($i, kv, "="); if (kv[1] == k) print kv[2] } }' \
        "$work/results" | sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'
}
total() {
    awk -v n="$1" -v c="$2" -v k="$3" '$1 == n && $2 == c {
        for (i = 4; i <= NF; i++) { split($i, kv, "="); if (kv[1] == k) s += kv[2] } } END {print s + 0}' \
        "$work/results"
}

echo "medians of $runs run(s); non-2xx and errors summed over the runs"
printf "  %-22s %5s %10s %10s %10s %8s %7s\n" target conns "req/s" "p50 ms" "p99 ms" non-2xx errors
for t in "${targets[@]}"; do
    read -r name _ <<<"$t"
    for conns in 1 16 64; do
        printf "  %-22s %5d %10.1f %10.2f %10.2f %8d %7d\n" "$(label "$name")" "$conns" \
            "$(median "$name" "$conns" rps)" "$(median "$name" "$conns" p50_ms)" \
            "$(median "$name" "$conns" p99_ms)" "$(total "$name" "$conns" non2xx)" \
            "$(total "$name" "$conns" errors)"
    done
done
awk -v s="$(median search 64 rps)" -v r="$(median ref 64 rps)" -v g="$(median suggest 64 rps)" \
    -v b="$(median bare 64 rps)" -v k="$(median cached 64 rps)" \
    -v s50="$(median search 64 p50_ms)" -v r50="$(median ref 64 p50_ms)" \
    -v s99="$(median search 64 p99_ms)" -v r99="$(median ref 64 p99_ms)" 'BEGIN {
    printf "at 64 connections: prsearch /api/search answers %.3fx the reference'"'"'s requests/s (p50 %.1fx, p99 %.1fx as long)\n",
        s / r, s50 / r50, s99 / r99
    printf "at 64 connections: without facets /api/search answers %.3fx the reference'"'"'s requests/s\n", b / r
    printf "at 64 connections: prsearch /api/suggest answers %.2fx /api/search'"'"'s requests/s\n", g / s
    printf "at 64 connections: with the answer cache (each query asked before) /api/search answers %.3fx the reference'"'"'s requests/s\n", k / r }'
