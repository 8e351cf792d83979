#!/usr/bin/env bash
# The benchmarks in smoke mode, for ctest: each once, on the bundled
# sample, without thresholds; fails only when a benchmark cannot run.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/prs-bench-smoke-XXXXXX)
ref_pid=
# A server left running would hold ctest's output open until its timeout.
trap '[ -z "$ref_pid" ] || kill "$ref_pid" 2>/dev/null; rm -rf "$work"' EXIT

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
                print(json.dumps({"id": name, "title": f.readline().lstrip("# ").strip(),
                                  "body": f.read(), "published": dirpath[-7:-3]}))
PY
python3 "$here/bench/make_queries.py" "$work/releases.jsonl" 100 >"$work/queries"
"$PRS_QUERY_BENCH" "$work/db" "$work/queries" 2
"$PRS_QUERY_BENCH" --no-snippets "$work/db" "$work/queries" 2
# The peers (PostgreSQL and Sphinx only where they are installed) must
# find what they are timed on.
PRS_QUERY_BENCH=$PRS_QUERY_BENCH "$here/bench/peers.py" "$work/releases.jsonl" \
    "$work/db" "$work/queries" 2 >"$work/peers.out"
grep -q '^sqlite fts5 and: ' "$work/peers.out"
python3 - "$here/bench" "$work/releases.jsonl" <<'PY'
import sqlite3, sys
sys.path.insert(0, sys.argv[1])
import peer_sqlite
from peerlib import Query
db = sqlite3.connect(":memory:")
peer_sqlite.build(db, sys.argv[2])
for line in ("regeringen", '"regeringen har"', "reger*"):
    m = peer_sqlite.match(Query(line), False)
    if not db.execute("SELECT id FROM r WHERE r MATCH ?", (m,)).fetchall():
        sys.exit(f"sqlite fts5 finds nothing for {line!r} ({m})")
PY
# Sphinx's line says that it ran, or why not (in CI: not installed).
grep '^sphinx: ' "$work/peers.out"
if ! grep -q '^sphinx: skipped' "$work/peers.out"; then
    grep -q '^sphinx and: .*(0 failed)' "$work/peers.out"
    python3 - "$here/bench" "$work/releases.jsonl" <<'PY'
import sys
sys.path.insert(0, sys.argv[1])
import peer_sphinx
from peerlib import Query
with peer_sphinx.Sphinx(sys.argv[2]) as sphinx:
    for line in ("regeringen", '"regeringen har"', "reger*"):
        sql = peer_sphinx.select(Query(line), "and")
        if not sphinx.fetch(sql):
            sys.exit(f"sphinx finds nothing for {line!r} ({sql})")
    rows = sphinx.fetch(peer_sphinx.select(Query("regeringen"), "typing"))
    if not any("<b>" in snippet for _, _, snippet in rows):
        sys.exit(f"sphinx makes no snippets: {rows[:2]}")
PY
fi

# The reference must do what it is measured for: answer real hits' ids
# and titles from the stored releases.
: >"$work/ref.log" # exists before the server writes to it
"${PRS_REF_SERVER:?}" --db "$work/db" --listen 127.0.0.1:0 --threads 1 \
    >/dev/null 2>"$work/ref.log" &
ref_pid=$!
ref_url=
for _ in $(seq 100); do
    ref_url=$(sed -n 's/.*listening on \(http:[^ ]*\)$/\1/p' "$work/ref.log")
    [ -n "$ref_url" ] && break
    sleep 0.1
done
python3 - "${ref_url}search?q=regeringen" <<'PY'
import json, sys, urllib.request
hits = json.load(urllib.request.urlopen(sys.argv[1], timeout=10))
if not hits or not all(h["id"] and h["title"] for h in hits):
    sys.exit(f"ref_server answers no ids or titles: {hits[:2]}")
PY
kill "$ref_pid"
wait "$ref_pid" 2>/dev/null || true
ref_pid=

PRS_REF_SERVER=${PRS_REF_SERVER:?} "$here/bench/server.sh" --smoke
"$here/bench/scale.sh" --smoke
