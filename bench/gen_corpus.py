#!/usr/bin/env python3
"""A synthetic corpus of N releases built from real ones (bench/scale.sh).

    gen_corpus.py SOURCE N [--seed S] > out.jsonl

SOURCE is JSON Lines (.jsonl, optionally .gz) with prsearch's fields, e.g.
../shared/corpus/regeringen.jsonl.gz. Writes N releases as JSON Lines on
stdout, with the source's fields (id "synth/<n>", section, published,
url, title, body), and a summary on stderr. Each release:

- takes a real release as its base: its section and its number of
  paragraphs, so both follow the real distributions (and their mix);
- gets the first half of the base's title joined to the second half of
  another title of that section, or the base's title with one word
  swapped for a word of another title or a new word (below);
- gets a body of real paragraphs drawn from the base and two more
  releases of that section, the first (the lead) being one's first;
- gets a month drawn from the real releases of 2000-2026.

Real paragraphs alone would only repeat the source's vocabulary, while a
real corpus keeps finding new words as it grows (Heaps' law). So each
rare word (at most RARE_CF uses in the source) is replaced, with
probability P_NEW, by a new word: the word of rank r, a compound of two
real words (sometimes with the linking "s"), where r follows the Zipf
tail of the source's vocabulary (P(rank > r) ~ (V0/r)^(ZIPF_A-1) beyond
the source's V0 words). Few new words come back often and most are rare,
and the number of distinct ones keeps growing with N, at about the rate
the real corpus's own vocabulary grows (docs/BENCHMARKS.md).

Seeded and deterministic; streams its output, holding only the source.
"""
import argparse
import collections
import gzip
import json
import random
import re
import sys
import time

RARE_CF = 3        # a word used at most this often in the source is rare
P_NEW = 0.35       # chance that one rare word is replaced by a new word
ZIPF_A = 2.0       # Zipf exponent of the new words' ranks
P_TITLE_HALVES = 0.6  # else a title with one word swapped
P_TITLE_NEW = 0.3  # chance that a swapped title word is a new word
SAMPLE_EVERY = 10  # the stderr summary counts words in every 10th release

WORD = re.compile(r"\w+")
# Words that may be replaced: letters only, not part of a URL, an e-mail
# address, a number or a hyphenated name, where a new word adds nothing
# the analyzer would index as a word.
SLOT = re.compile(r"(?<![\w/.@#=&?%-])[^\W\d_]{4,}(?![\w@/%=]|[.-]\w)")


def read_source(path):
    """Yields the source's records as dicts; skips lines that are not."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8", errors="replace") as f:
        for line in f:
            try:
                r = json.loads(line)
            except ValueError:
                continue
            if isinstance(r, dict) and isinstance(r.get("title"), str):
                yield r


class Source:
    """The real releases, cut into what the synthetic ones are made of."""

    def __init__(self, path):
        records = list(read_source(path))
        if not records:
            sys.exit("gen_corpus.py: no releases in " + path)
        raw = collections.Counter()
        for r in records:
            raw.update(WORD.findall(r["title"] + " " + (r.get("body") or "")))
        cf = collections.Counter()
        lower = collections.Counter()  # uses written in lower case
        for w, c in raw.items():
            cf[w.lower()] += c
            if w.islower():
                lower[w] += c
        self.vocab = len(cf)

        # Paragraphs as (text, spans of rare words), spans flattened.
        self.paras = []
        self.releases = []  # (section, title words, paragraph numbers)
        self.owner = []     # paragraph number -> release number
        self.months = []
        by_section = collections.defaultdict(list)
        section_paras = collections.defaultdict(list)
        for r in records:
            nums = []
            for p in (r.get("body") or "").split("\n\n"):
                p = p.strip("\n")
                if not p.strip():
                    continue
                spans = []
                for m in SLOT.finditer(p):
                    if cf[m.group().lower()] <= RARE_CF:
                        spans += m.span()
                nums.append(len(self.paras))
                self.paras.append((p, tuple(spans)))
            section = r.get("section") or r.get("type") or ""
            i = len(self.releases)
            self.releases.append((section, r["title"].split(), nums))
            self.owner += [i] * len(nums)
            by_section[section].append(i)
            section_paras[section] += nums
            pub = r.get("published") or ""
            if re.fullmatch(r"(20[01][0-9]|202[0-6])-(0[1-9]|1[012])", pub[:7]):
                self.months.append(pub[:7])
        if not self.months:  # a source without dates: spread them evenly
            self.months = ["%d-%02d" % (y, m) for y in range(2000, 2027)
                           for m in range(1, 13)]
        self.by_section = dict(by_section)
        self.section_paras = dict(section_paras)

        # The parts of new compounds: real words, neither function words
        # (the 300 commonest), nor names (mostly capitalised), nor so rare
        # that they may be typos or words cut by a hyphen.
        common = {w for w, _ in cf.most_common(300)}
        self.parts = sorted(w for w, c in lower.items()
                            if c >= 10 and c >= 0.9 * cf[w] and w.isalpha()
                            and 4 <= len(w) <= 12 and w not in common)
        if len(self.parts) < 2:
            self.parts = ["arbete", "marknad", "skola", "gård"]


def new_word(rank, parts):
    """The generated word of this rank: always the same two real words."""
    h = (rank * 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF  # spread ranks
    a = parts[h % len(parts)]
    b = parts[(h >> 24) % len(parts)]
    glue = (h >> 48) % 3
    if glue == 0 and a[-1] not in "aeiouyåäösxz":
        a += "s"                 # arbete-s-marknad: the linking s
    elif glue == 1 and a[-1] in "ae" and len(a) > 4:
        a = a[:-1]               # skola + gård -> skolgård
    return a + b


class Generator:
    def __init__(self, src, seed):
        self.src = src
        self.rnd = random.Random(seed)
        self.zipf_exp = -1.0 / (ZIPF_A - 1.0)

    def new_rank(self):
        # Pareto draw: ranks beyond the source's vocabulary, Zipf-like.
        u = 1.0 - self.rnd.random()  # in (0, 1]
        return int(self.src.vocab * u ** self.zipf_exp)

    def fresh(self, word, seen):
        """A new word for a replaced one, the same within one release."""
        key = word.lower()
        w = seen.get(key)
        if w is None:
            w = seen[key] = new_word(self.new_rank(), self.src.parts)
        if word.isupper() and len(word) > 1:
            return w.upper()
        return w.capitalize() if word[0].isupper() else w

    def paragraph(self, num, seen):
        text, spans = self.src.paras[num]
        if not spans:
            return text
        out = []
        pos = 0
        rnd = self.rnd
        for i in range(0, len(spans), 2):
            if rnd.random() < P_NEW:
                s, e = spans[i], spans[i + 1]
                out.append(text[pos:s])
                out.append(self.fresh(text[s:e], seen))
                pos = e
        if not out:
            return text
        out.append(text[pos:])
        return "".join(out)

    def title(self, words, other, seen):
        rnd = self.rnd
        if len(words) >= 2 and len(other) >= 2 and rnd.random() < P_TITLE_HALVES:
            return " ".join(words[:len(words) // 2] + other[len(other) // 2:])
        words = list(words)
        slots = [i for i, w in enumerate(words) if len(w) >= 4 and w.isalpha()]
        if not slots:
            return " ".join(words)
        i = rnd.choice(slots)
        if rnd.random() < P_TITLE_NEW:
            w = self.fresh(words[i], seen)
        else:
            cands = [j for j, w in enumerate(other) if len(w) >= 4 and w.isalpha()]
            j = rnd.choice(cands) if cands else -1
            w = other[j] if cands else words[i]
            if i == 0:
                w = w[0].upper() + w[1:]
            elif j == 0 and w.istitle():  # capitalised only as the first word
                w = w.lower()
        words[i] = w
        return " ".join(words)

    def release(self, n):
        src, rnd = self.src, self.rnd
        section, words, nums = rnd.choice(src.releases)
        other = src.releases[rnd.choice(src.by_section[section])][1]
        seen = {}
        title = self.title(words, other, seen)
        paras = []
        if nums:
            # Two more donors, found through a random paragraph of the
            # section so that releases of many paragraphs donate as
            # often as their share of all paragraphs: the body then has
            # the real paragraph lengths, not those of short releases.
            section_paras = src.section_paras[section]
            donors = [nums] + [src.releases[src.owner[rnd.choice(section_paras)]][2]
                               for _ in range(2)]
            lead = rnd.choice(donors)[0]
            # Without repeats: a release says each thing once. The base
            # alone has enough paragraphs.
            pool = [p for p in dict.fromkeys(donors[0] + donors[1] + donors[2])
                    if p != lead]
            for p in [lead] + rnd.sample(pool, len(nums) - 1):
                paras.append(self.paragraph(p, seen))
        month = rnd.choice(src.months)
        slug = section or "synth"
        return {"id": "synth/%d" % n, "section": section, "published": month,
                "url": "https://www.regeringen.se/%s/%s/synth-%d/"
                       % (slug, month.replace("-", "/"), n),
                "title": title,
                "body": "\n\n".join(paras) + "\n" if paras else ""}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("source")
    ap.add_argument("n", type=int)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    if args.n < 0:
        ap.error("N must be >= 0")

    try:
        src = Source(args.source)
    except (OSError, EOFError) as e:  # missing, unreadable, bad gzip
        sys.exit("gen_corpus.py: %s: %s" % (args.source, e))
    t1 = time.monotonic()
    gen = Generator(src, args.seed)
    out = sys.stdout.buffer
    batch = []
    nbytes = 0
    sample = set()
    sampled = 0
    try:
        for n in range(1, args.n + 1):
            r = gen.release(n)
            if n % SAMPLE_EVERY == 0:
                sample.update(WORD.findall((r["title"] + " " + r["body"]).lower()))
                sampled += 1
            batch.append(json.dumps(r, ensure_ascii=False))
            if len(batch) == 1000:  # fewer, larger writes
                data = ("\n".join(batch) + "\n").encode()
                nbytes += len(data)
                out.write(data)
                batch = []
        if batch:
            data = ("\n".join(batch) + "\n").encode()
            nbytes += len(data)
            out.write(data)
        out.flush()
    except BrokenPipeError:
        sys.exit("gen_corpus.py: output closed early")
    t2 = time.monotonic()
    print("gen_corpus.py: %d releases, %.1f MB, %.0f releases/s; "
          "%d distinct words in every %dth (%d releases); source: %d "
          "releases, %d paragraphs, %d distinct words"
          % (args.n, nbytes / 1e6, args.n / max(t2 - t1, 1e-9), len(sample),
             SAMPLE_EVERY, sampled, len(src.releases), len(src.paras),
             src.vocab), file=sys.stderr)


if __name__ == "__main__":
    main()
