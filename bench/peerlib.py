"""What the peer benchmarks share (bench/peer_sqlite.py,
bench/peer_postgres.py, bench/peer_sphinx.py, bench/peers.py): reading
bench/make_queries.py's queries and the corpus's releases, the rounds
that time a peer's queries, the figures query_bench prints, and a peer's
command line.
"""
import re
import sys
import time

SOFT_HYPHEN = "\u00ad"

TOKEN = re.compile(r"[^\W_]+", re.UNICODE)  # letters and digits


class Query:
    """One line of make_queries.py: an optional year filter, then words,
    quoted phrases and `prefix*`. parts: (kind, [lower-case tokens])."""

    def __init__(self, line):
        self.year = None
        if line.startswith("year=") and "\t" in line:
            head, line = line.split("\t", 1)
            self.year = head[len("year="):]
        self.parts = []
        for m in re.finditer(r'"([^"]*)"|(\S+)', line):
            if m.group(1) is not None:
                kind, text = "phrase", m.group(1)
            elif m.group(2).endswith("*"):
                kind, text = "prefix", m.group(2)[:-1]
            else:
                kind, text = "word", m.group(2)
            tokens = TOKEN.findall(text.lower())
            if tokens:
                self.parts.append((kind, tokens))


def read_queries(path):
    with open(path, encoding="utf-8") as f:
        return [Query(line.rstrip("\n")) for line in f if line.strip()]


def summary(samples):
    """query_bench's figures from every timed run of every query, in
    seconds: the same percentiles (nearest rank) and queries/s."""
    t = sorted(samples)

    def pct(p):
        return t[min(len(t) - 1, int(p / 100 * (len(t) - 1) + 0.5))] * 1e6

    return {"p50": pct(50), "p95": pct(95), "p99": pct(99),
            "qps": len(t) / sum(t) if sum(t) else 0.0}


def time_rounds(queries, runs, prepare, ask, rejected):
    """Runs every query runs times, the first round untimed (it warms the
    caches), as query_bench does. prepare(q) gives what ask() takes, or
    None for a query with nothing to ask (built before the clock starts);
    ask() raising one of the exceptions rejected is a failed query.
    Returns every timed run in seconds, how many queries failed, and the
    first failure's message (or None)."""
    asked = [prepare(q) for q in queries]
    samples, failed, first = [], 0, None
    for rnd in range(runs):
        for a in asked:
            t0 = time.perf_counter()
            try:
                if a is not None:
                    ask(a)
            except rejected as e:
                failed += rnd == 0
                first = first or f"{a}: {e}"
            if rnd > 0:
                samples.append(time.perf_counter() - t0)
    return samples, failed, first


def failures(failed, first):
    """The "(N failed...)" end of a peer's figures line."""
    return f"({failed} failed" + (f"; the first: {first})" if first else ")")


def format_summary(s):
    return (f"p50 {s['p50']:.0f} us  p95 {s['p95']:.0f} us  "
            f"p99 {s['p99']:.0f} us  {s['qps']:.0f} queries/s")


def release_row(rec):
    """(id, year, title, lead, body) of a corpus record, the texts without
    U+00AD soft hyphens, as prsearch's analyzer removes them."""
    def text(k):
        v = rec.get(k)
        return v.replace(SOFT_HYPHEN, "") if isinstance(v, str) else ""
    return (text("id"), str(rec.get("published") or "")[:4], text("title"),
            text("lead"), text("body"))


def main(name, doc, measure):
    """A peer's command line: CORPUS QUERIES [RUNS] into measure()."""
    if len(sys.argv) not in (3, 4):
        sys.exit(doc)
    runs = int(sys.argv[3]) if len(sys.argv) == 4 else 3
    if runs < 2:
        sys.exit(f"{name}: RUNS must be at least 2 (one warms up)")
    measure(sys.argv[1], read_queries(sys.argv[2]), runs)
