#!/usr/bin/env bash
# The benchmarks in smoke mode, for ctest: each once, on the bundled
# sample, without thresholds; fails only when a benchmark cannot run.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/prs-bench-smoke-XXXXXX)
trap 'rm -rf "$work"' EXIT

"$here/bench/index.sh" --smoke

sample=$here/data/sample/pressmeddelanden
"$PRSEARCH_BIN" index --quiet --db "$work/db" "$sample"
"$here/bench/postings.sh" "$work/db" >/dev/null
python3 - "$sample" >"$work/releases.jsonl" <<'PY'
import json, os, sys
for dirpath, _, files in os.walk(sys.argv[1]):
    for name in sorted(files):
        if name.endswith(".md"):
            with open(os.path.join(dirpath, name), encoding="utf-8") as f:
                print(json.dumps({"title": f.readline().lstrip("# ").strip(),
                                  "published": dirpath[-7:-3]}))
PY
python3 "$here/bench/make_queries.py" "$work/releases.jsonl" 100 >"$work/queries"
"$PRS_QUERY_BENCH" "$work/db" "$work/queries" 2

PRS_REF_SERVER=${PRS_REF_SERVER:?} "$here/bench/server.sh" --smoke
"$here/bench/scale.sh" --smoke
