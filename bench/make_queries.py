#!/usr/bin/env python3
"""Realistic queries for bench/query_bench (docs/BENCHMARKS.md).

    make_queries.py CORPUS [N]

Draws N (default 1000) queries from the releases of CORPUS (JSON Lines,
optionally .gz), of the kinds in ../shared/relevance/dev.tsv: words from
a title, a quoted phrase, a word still being typed or with `*`, a typo,
å/ä/ö left out, a single word, and a year filter (written as
"year=YYYY<TAB>query"). Seeded, so every run gets the same queries.
"""
import random
import re
import sys

from gen_corpus import read_source  # the same reading of a corpus

FOLD = str.maketrans("åäöéüÅÄÖÉÜ", "aaoeuAAOEU")


def titles(path):
    for r in read_source(path):
        words = re.findall(r"\w[\w-]*", r["title"].lower())
        if len(words) >= 3:
            yield words, str(r.get("published") or "")[:4]


def typo(word, rnd):
    i = rnd.randrange(1, len(word) - 1)
    kind = rnd.choice(("drop", "swap", "double"))
    if kind == "drop":
        return word[:i] + word[i + 1:]
    if kind == "swap":
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    return word[:i] + word[i] + word[i:]


def query(words, year, rnd):
    long_words = [w for w in words if len(w) >= 6] or words
    start = rnd.randrange(0, max(1, len(words) - 2))
    span = words[start:start + rnd.randint(2, 4)]
    kind = rnd.choice(("words", "words", "phrase", "typing", "star", "typo",
                       "fold", "one", "year"))
    if kind == "phrase":
        return '"' + " ".join(span[:3]) + '"'
    if kind == "typing":
        w = rnd.choice(long_words)
        return " ".join(span[:2] + [w[:rnd.randint(3, max(3, len(w) - 2))]])
    if kind == "star":
        return rnd.choice(long_words)[:5] + "*"
    if kind == "typo":
        w = rnd.choice(long_words)
        return " ".join([typo(w, rnd)] + [x for x in span if x != w][:2])
    if kind == "fold":
        return " ".join(span).translate(FOLD)
    if kind == "one":
        return rnd.choice(long_words)
    if kind == "year" and year.isdigit():
        return f"year={year}\t" + " ".join(span[:2])
    return " ".join(span)


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    n = int(sys.argv[2]) if len(sys.argv) == 3 else 1000
    pool = list(titles(sys.argv[1]))
    if not pool:
        sys.exit("make_queries.py: no titles in " + sys.argv[1])
    rnd = random.Random(4711)
    for _ in range(n):
        words, year = rnd.choice(pool)
        print(query(words, year, rnd))


if __name__ == "__main__":
    main()
