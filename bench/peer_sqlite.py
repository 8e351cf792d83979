#!/usr/bin/env python3
"""SQLite FTS5, a peer of issue 5's table, on the same releases and
queries as query_bench (docs/BENCHMARKS.md; bench/peers.py runs it beside
prsearch).

    peer_sqlite.py CORPUS QUERIES [RUNS]

CORPUS is JSON Lines (.jsonl, optionally .gz). Each release's title, lead
and body go into an FTS5 table: tokenizer unicode61 with diacritics kept
(å/ä/ö stay letters of their own), no stemming (FTS5 has no Swedish
stemmer), U+00AD soft hyphens removed as prsearch does. Building it is
timed, with the process's peak RSS and the file's size.

Then every query of QUERIES (bench/make_queries.py) runs RUNS rounds
(default 3; the first warms the caches and is not timed), in-process
through Python's sqlite3, in two ways, each the top 10 by FTS5's bm25,
ids and titles:

  and     every word must match (a quoted phrase as a phrase, `pre*` as a
          prefix, `year=YYYY` as a filter): the peer of issue 5's table
  typing  the same, the last word also matching as a prefix, and a
          snippet of each hit: the closest FTS5 comes to what prsearch's
          search box does
"""
import os
import resource
import sqlite3
import sys
import tempfile
import time

from gen_corpus import read_source  # the same reading of a corpus
import peerlib
from peerlib import (failures, format_summary, release_row, summary,
                     time_rounds)

SELECT = {
    "and": "SELECT id, title FROM r WHERE r MATCH ?{year} "
           "ORDER BY rank LIMIT 10",
    "typing": "SELECT id, title, snippet(r, 4, '<mark>', '</mark>', '…', 24) "
              "FROM r WHERE r MATCH ?{year} ORDER BY rank LIMIT 10",
}


def build(db, corpus):
    """Indexes corpus into db; returns the number of releases."""
    db.execute("CREATE VIRTUAL TABLE r USING fts5(id UNINDEXED, "
               "year UNINDEXED, title, lead, body, "
               "tokenize = 'unicode61 remove_diacritics 0')")
    n = 0
    with db:
        for rec in read_source(corpus):
            db.execute("INSERT INTO r VALUES (?, ?, ?, ?, ?)", release_row(rec))
            n += 1
    db.execute("INSERT INTO r(r) VALUES ('optimize')")
    db.commit()
    return n


def match(q, typing):
    """q as an FTS5 MATCH expression (its parts ANDed), or None."""
    terms = []
    for i, (kind, tokens) in enumerate(q.parts):
        term = '"' + " ".join(tokens) + '"'
        last = i == len(q.parts) - 1
        if kind == "prefix" or (typing and last and kind == "word"):
            term += " *"  # the word and every word it begins
        terms.append(term)
    return " AND ".join(terms) if terms else None


def run(db, queries, mode, runs):
    """peerlib.time_rounds() of mode's SELECT in db."""
    def prepare(q):
        m = match(q, mode == "typing")
        if m is None:
            return None
        sql = SELECT[mode].format(year=" AND year = ?" if q.year else "")
        return sql, ((m, q.year) if q.year else (m,))

    return time_rounds(queries, runs, prepare,
                       lambda a: db.execute(*a).fetchall(), sqlite3.Error)


def measure(corpus, queries, runs, out=sys.stdout):
    """Builds the index in a temporary folder, runs the queries, prints
    the figures; returns {"index": {...}, "and": summary, "typing": ...}."""
    res = {}
    with tempfile.TemporaryDirectory(prefix="prs-peer-sqlite-") as tmp:
        path = os.path.join(tmp, "fts5.db")
        db = sqlite3.connect(path)
        try:
            t0 = time.perf_counter()
            n = build(db, corpus)
            secs = time.perf_counter() - t0
            res["index"] = {
                "docs": n, "seconds": secs,
                "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                "mb": os.path.getsize(path) / 1e6}
            print(f"sqlite fts5: indexed {n} releases in {secs:.2f} s, peak RSS "
                  f"{res['index']['rss_mb']:.0f} MB (the whole benchmark's), "
                  f"{res['index']['mb']:.0f} MB", file=out)
            for mode in ("and", "typing"):
                samples, failed, first = run(db, queries, mode, runs)
                res[mode] = summary(samples)
                print(f"sqlite fts5 {mode}: {format_summary(res[mode])}  "
                      + failures(failed, first), file=out)
        finally:
            db.close()
    return res


if __name__ == "__main__":
    peerlib.main("peer_sqlite.py", __doc__, measure)
