#!/usr/bin/env python3
"""PostgreSQL full-text search, a peer of issue 5's table, on the same
releases and queries as query_bench (docs/BENCHMARKS.md; bench/peers.py
runs it beside prsearch).

    peer_postgres.py CORPUS QUERIES [RUNS]

Needs Debian's PostgreSQL server (`apt-get install postgresql`; not one
of scripts/deps.sh's packages, since nothing else needs it); without it,
says so and exits 0. It starts a throwaway cluster of its own in a
temporary folder (as the `postgres` user when run as root), reachable
only through a Unix socket there, and removes it afterwards.

Each release's title, lead and body become a stored tsvector column
(`to_tsvector('swedish', ...)`: PostgreSQL's Snowball Swedish stemmer and
stop words; title weighted A, lead B) with a GIN index. Loading, the
tsvectors and the index are timed together, with the index's size.

Every query of QUERIES runs RUNS rounds (default 3; the first is not
timed) inside the server, timed by a PL/pgSQL loop with clock_timestamp(),
so no client round trip is counted, in two ways, each the top 10 by
ts_rank with ids and titles:

  and     every word must match (a quoted phrase with <->, `pre*` as a
          prefix, `year=YYYY` as a filter): the peer of issue 5's table
  typing  the same, the last word also matching as a prefix, and a
          ts_headline() snippet of each hit
"""
import csv
import glob
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
import time

from gen_corpus import read_source  # the same reading of a corpus
import peerlib
from peerlib import format_summary, release_row, summary

SCHEMA = """
CREATE TABLE rel (
    id text, year text, title text, lead text, body text,
    tsv tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('swedish', coalesce(title, '')), 'A') ||
        setweight(to_tsvector('swedish', coalesce(lead, '')), 'B') ||
        to_tsvector('swedish', coalesce(body, ''))) STORED);
"""

INDEX = """
CREATE INDEX rel_tsv ON rel USING gin (tsv);
VACUUM ANALYZE rel;
"""

# One round of every query, timed inside the server. In "typing" mode
# each hit also gets a snippet.
BENCH = """
CREATE TABLE q (n int, year text, tsq text);
CREATE TABLE timing (mode text, round int, us float8);
CREATE FUNCTION bench(mode text, rounds int) RETURNS void AS $$
DECLARE
    x record;
    t0 timestamptz;
    tq tsquery;
BEGIN
    FOR k IN 1..rounds LOOP
        FOR x IN SELECT * FROM q ORDER BY n LOOP
            t0 := clock_timestamp();
            tq := to_tsquery('swedish', x.tsq);
            IF mode = 'and' AND x.year IS NULL THEN
                PERFORM id, title FROM rel WHERE tsv @@ tq
                    ORDER BY ts_rank(tsv, tq) DESC LIMIT 10;
            ELSIF mode = 'and' THEN
                PERFORM id, title FROM rel WHERE tsv @@ tq AND year = x.year
                    ORDER BY ts_rank(tsv, tq) DESC LIMIT 10;
            ELSIF x.year IS NULL THEN
                PERFORM id, title, ts_headline('swedish', body, tq)
                    FROM (SELECT id, title, body FROM rel WHERE tsv @@ tq
                          ORDER BY ts_rank(tsv, tq) DESC LIMIT 10) top;
            ELSE
                PERFORM id, title, ts_headline('swedish', body, tq)
                    FROM (SELECT id, title, body FROM rel
                          WHERE tsv @@ tq AND year = x.year
                          ORDER BY ts_rank(tsv, tq) DESC LIMIT 10) top;
            END IF;
            IF k > 1 THEN
                INSERT INTO timing VALUES (mode, k,
                    extract(epoch FROM clock_timestamp() - t0) * 1e6);
            END IF;
        END LOOP;
    END LOOP;
END
$$ LANGUAGE plpgsql;
"""


def tsquery(q, typing):
    """q as to_tsquery() text (its parts ANDed), or None."""
    terms = []
    for i, (kind, tokens) in enumerate(q.parts):
        last = i == len(q.parts) - 1
        words = [f"'{t}'" for t in tokens]  # tokens are letters and digits
        if kind == "prefix" or (typing and last and kind == "word"):
            words[-1] += ":*"
        terms.append("(" + " <-> ".join(words) + ")")
    return " & ".join(terms) if terms else None


class Cluster:
    """A throwaway PostgreSQL cluster in a temporary folder."""

    def __init__(self, bindir):
        self.bindir = bindir
        self.dir = tempfile.mkdtemp(prefix="prs-peer-postgres-")
        self.data = os.path.join(self.dir, "data")
        self.user = []
        if os.geteuid() == 0:  # the server refuses to run as root
            pw = pwd.getpwnam("postgres")
            os.chown(self.dir, pw.pw_uid, pw.pw_gid)
            self.user = ["runuser", "-u", "postgres", "--"]
        self._run("initdb", "-D", self.data, "-A", "trust", "-E", "UTF8",
                  "--locale=C.UTF-8")
        self._run("pg_ctl", "-D", self.data, "-w", "-l",
                  os.path.join(self.dir, "log"), "-o",
                  f"-k {self.dir} -c listen_addresses='' -p 5432", "start")

    def _run(self, tool, *args, **kw):
        done = subprocess.run(self.user + [os.path.join(self.bindir, tool),
                                           *args],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, **kw)
        if done.returncode != 0:
            raise RuntimeError(f"postgresql: {tool} failed: {done.stderr.strip()}")
        return done

    def sql(self, script):
        """Runs script with psql; returns its unaligned output."""
        return self._run("psql", "-h", self.dir, "-p", "5432", "-d",
                         "postgres", "-X", "-q", "-At", "-v",
                         "ON_ERROR_STOP=1", input=script).stdout

    def readable(self, path):
        """Lets the server's user read path."""
        os.chmod(path, 0o644)

    def close(self):
        try:
            self._run("pg_ctl", "-D", self.data, "-w", "-m", "fast", "stop")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)


def server_bindir():
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(p.split("/")[4]))
    return os.path.dirname(found[-1]) if found else None


def measure(corpus, queries, runs, out=sys.stdout):
    """Builds the index in a throwaway cluster, runs the queries, prints
    the figures; returns {"index": {...}, "and": summary, "typing": ...},
    or None without a PostgreSQL server."""
    bindir = server_bindir()
    if not bindir:
        print("postgresql: skipped, no server (apt-get install postgresql)",
              file=out)
        return None
    cluster = Cluster(bindir)
    res = {}
    try:
        rows = os.path.join(cluster.dir, "releases.csv")
        n = 0
        with open(rows, "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            for rec in read_source(corpus):
                w.writerow(release_row(rec))
                n += 1
        cluster.readable(rows)
        cluster.sql(SCHEMA)
        t0 = time.perf_counter()
        cluster.sql(f"COPY rel (id, year, title, lead, body) FROM '{rows}' "
                    "WITH (FORMAT csv);\n" + INDEX)
        secs = time.perf_counter() - t0
        mb = int(cluster.sql("SELECT pg_total_relation_size('rel');")) / 1e6
        res["index"] = {"docs": n, "seconds": secs, "mb": mb}
        print(f"postgresql: indexed {n} releases in {secs:.2f} s, {mb:.0f} MB "
              "(table, tsvectors and GIN index)", file=out)
        cluster.sql(BENCH)
        for mode in ("and", "typing"):
            qrows = os.path.join(cluster.dir, f"queries-{mode}.csv")
            with open(qrows, "w", encoding="utf-8", newline="") as f:
                w = csv.writer(f)
                for i, q in enumerate(queries):
                    w.writerow([i, q.year or "", tsquery(q, mode == "typing") or ""])
            cluster.readable(qrows)
            cluster.sql("TRUNCATE q; COPY q FROM '" + qrows + "' WITH (FORMAT csv);"
                        "UPDATE q SET year = NULL WHERE year = '';"
                        "SET client_min_messages = warning;"
                        f"SELECT bench('{mode}', {runs});")
            us = cluster.sql(f"SELECT us FROM timing WHERE mode = '{mode}';")
            res[mode] = summary([float(v) / 1e6 for v in us.split()])
            print(f"postgresql {mode}: {format_summary(res[mode])}", file=out)
    finally:
        cluster.close()
    return res


if __name__ == "__main__":
    peerlib.main("peer_postgres.py", __doc__, measure)
