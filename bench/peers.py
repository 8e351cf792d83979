#!/usr/bin/env python3
"""prsearch's in-process queries against the peers of issue 5's table
that Debian packages: SQLite FTS5 (bench/peer_sqlite.py), PostgreSQL's
full-text search (bench/peer_postgres.py, when a PostgreSQL server is
installed) and Sphinx 2.2 (bench/peer_sphinx.py, over SphinxQL from one
client, when Sphinx and Python's MySQLdb are installed), in one
invocation on the same releases and queries (docs/BENCHMARKS.md).

    peers.py CORPUS DB QUERIES [RUNS]

DB is a prsearch index of CORPUS; QUERIES comes from bench/make_queries.py.
RUNS rounds each (default 3, the first not timed). query_bench is
$PRS_QUERY_BENCH, or build/bench/query_bench.

prsearch runs its whole query processing (compounds, folding, the last
word as a prefix, correction, snippets). Each peer runs two ways: "and",
the plain AND of issue 5's table, and "typing", with the last word as a
prefix and snippets, the nearer to prsearch's work. The last columns give
the peer's p50 and p99 over prsearch's and prsearch's queries/s over the
peer's: above 1, prsearch is faster. Sphinx's times include the round
trip to searchd over 127.0.0.1; the others' have none.
"""
import os
import re
import subprocess
import sys

import peer_postgres
import peer_sphinx
import peer_sqlite
from peerlib import read_queries

HERE = os.path.dirname(os.path.abspath(__file__))


def prsearch(db, qfile, runs):
    qb = os.environ.get("PRS_QUERY_BENCH",
                        os.path.join(HERE, "..", "build", "bench", "query_bench"))
    out = subprocess.run([qb, db, qfile, str(runs)], check=True,
                         stdout=subprocess.PIPE, text=True).stdout
    print("prsearch: " + out.strip().replace("\n", "; "))
    m = re.search(r"p50 (\d+) us\s+p95 (\d+) us\s+p99 (\d+) us.*?(\d+) queries/s",
                  out)
    if not m:
        sys.exit("peers.py: no figures from " + qb)
    return {"p50": float(m.group(1)), "p95": float(m.group(2)),
            "p99": float(m.group(3)), "qps": float(m.group(4))}


def main():
    if len(sys.argv) not in (4, 5):
        sys.exit(__doc__)
    corpus, db, qfile = sys.argv[1:4]
    runs = int(sys.argv[4]) if len(sys.argv) == 5 else 3
    if runs < 2:
        sys.exit("peers.py: RUNS must be at least 2 (one warms up)")
    queries = read_queries(qfile)
    ours = prsearch(db, qfile, runs)
    rows = [("prsearch", ours)]
    for name, peer in (("sqlite fts5", peer_sqlite), ("postgresql", peer_postgres),
                       ("sphinx", peer_sphinx)):
        res = peer.measure(corpus, queries, runs)
        if res:
            rows += [(f"{name} {mode}", res[mode]) for mode in ("and", "typing")]
    print(f"\n{'':22s} {'p50 us':>8s} {'p95 us':>8s} {'p99 us':>8s} "
          f"{'q/s':>6s}   peer/ours p50  p99   ours/peer q/s")
    for name, s in rows:
        line = (f"{name:22s} {s['p50']:8.0f} {s['p95']:8.0f} {s['p99']:8.0f} "
                f"{s['qps']:6.0f}")
        if s is not ours:
            line += (f"   {s['p50'] / ours['p50']:13.2f} {s['p99'] / ours['p99']:5.2f}"
                     f"   {ours['qps'] / s['qps']:13.2f}")
        print(line)


if __name__ == "__main__":
    main()
