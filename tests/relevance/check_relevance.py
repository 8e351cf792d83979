#!/usr/bin/env python3
"""Relevance bars of issue 4, checked on the real corpus.

Indexes ../shared/corpus/pressmeddelanden with the real prsearch, scores
`prsearch search --json` on ../shared/relevance/dev.tsv and dev-short.tsv
with the shared scorer, prints the per-category table (the figures of
docs/RELEVANCE.md) and fails below the bars:

  dev.tsv        MRR@10 >= 0.93, S@1 >= 0.88, S@10 >= 0.98 overall,
                 MRR@10 >= 0.85 in every category
  dev-short.tsv  MRR@10 >= 0.75, S@10 >= 0.90 overall,
                 S@10 >= 0.75 in every category

Environment: PRSEARCH_BIN (the binary), PRS_SHARED_DIR (../shared);
PRS_RELEVANCE_DB reuses an index folder instead of a fresh one.
"""
import json
import os
import subprocess
import sys
import tempfile

BARS = {
    "dev": {"ALL": {"mrr": 0.93, "s1": 0.88, "s10": 0.98},
            "each": {"mrr": 0.85}},
    "dev-short": {"ALL": {"mrr": 0.75, "s10": 0.90},
                  "each": {"s10": 0.75}},
}


def score(prs, shared, db, name, tmp):
    out = os.path.join(tmp, name + ".json")
    subprocess.run([sys.executable, os.path.join(shared, "relevance", "score.py"),
                    os.path.join(shared, "relevance", name + ".tsv"),
                    "--timeout", "120", "--json", out, "--",
                    prs, "search", "--db", db, "--json", "--limit", "10",
                    "{query}"], check=True)
    with open(out, encoding="utf-8") as f:
        return json.load(f)


def failures(name, result):
    bars, bad = BARS[name], []
    for cat, a in result["summary"].items():
        want = bars["ALL"] if cat == "ALL" else bars["each"]
        for metric, floor in want.items():
            if a[metric] + 1e-9 < floor:
                bad.append(f"{name} {cat}: {metric} {a[metric]:.3f} < {floor}")
    return bad


def main():
    prs = os.environ["PRSEARCH_BIN"]
    shared = os.environ.get("PRS_SHARED_DIR",
                            os.path.join(os.path.dirname(__file__), "..", "..",
                                         "..", "shared"))
    with tempfile.TemporaryDirectory(prefix="prs-relevance-") as tmp:
        db = os.environ.get("PRS_RELEVANCE_DB") or os.path.join(tmp, "db")
        subprocess.run([prs, "index", "--quiet", "--db", db,
                        os.path.join(shared, "corpus", "pressmeddelanden")],
                       check=True)
        bad = []
        for name in BARS:
            print(f"== {name}.tsv", flush=True)
            result = score(prs, shared, db, name, tmp)
            errors = sum(1 for q in result["queries"] if q["error"])
            if errors:
                bad.append(f"{name}: {errors} queries failed to run")
            bad += failures(name, result)
    for b in bad:
        print("BELOW THE BAR:", b)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
