"""What the peer benchmarks share (bench/peer_sqlite.py,
bench/peer_postgres.py, bench/peers.py): reading bench/make_queries.py's
queries, and the figures query_bench prints.
"""
import re

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


def format_summary(s):
    return (f"p50 {s['p50']:.0f} us  p95 {s['p95']:.0f} us  "
            f"p99 {s['p99']:.0f} us  {s['qps']:.0f} queries/s")
