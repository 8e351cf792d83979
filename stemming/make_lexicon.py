#!/usr/bin/env python3
"""Builds the Swedish lexicon the analyzer reads (stemming/lexicon.c).

    make_lexicon.py SV_SE.dic SV_SE.aff OUT

Input: Debian's hunspell-sv dictionary. Output: one line per word form,
"form<TAB>lemma<TAB>kind", sorted by bytes, all lower case, letters only,
where kind is "w" for a word and "c" for a form that Hunspell allows only
inside compounds ("kvinno", "skol"). hunspell-tools' unmunch expands the
affixes; a marker entry before every dictionary entry tells which entry
(lemma) each expanded form comes from.
"""
import os
import subprocess
import sys
import tempfile

MARK = "=LEMMA="
ONLY_IN_COMPOUND = "Z"  # the ONLYINCOMPOUND flag of sv_SE.aff


def entries(dic_path):
    with open(dic_path, encoding="utf-8", errors="replace") as f:
        next(f)  # entry count
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            word, _, flags = line.partition("/")
            yield line, word, flags


def is_word(s):
    return len(s) >= 2 and all(c.isalpha() for c in s)


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: make_lexicon.py SV_SE.dic SV_SE.aff OUT")
    dic, aff, out = sys.argv[1:]
    with open(aff, encoding="utf-8", errors="replace") as f:
        if ONLY_IN_COMPOUND not in [l.split()[1] for l in f
                                    if l.startswith("ONLYINCOMPOUND ")]:
            sys.exit(f"make_lexicon.py: {aff} has no ONLYINCOMPOUND "
                     f"{ONLY_IN_COMPOUND}: not the expected hunspell-sv")
    kinds = {}
    lines = []
    for line, word, flags in entries(dic):
        lines.append(MARK + str(len(lines) // 2))
        lines.append(line)
        kinds[len(lines) // 2 - 1] = (word.lower(),
                                      "c" if ONLY_IN_COMPOUND in flags else "w")
    with tempfile.NamedTemporaryFile("w", suffix=".dic", encoding="utf-8",
                                     delete=False) as tmp:
        tmp.write(f"{len(lines)}\n")
        tmp.write("\n".join(lines) + "\n")
    try:
        res = subprocess.run(["unmunch", tmp.name, aff], check=True,
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    finally:
        os.unlink(tmp.name)
    best = {}
    lemma, kind = None, None
    for form in res.stdout.decode("utf-8", "replace").splitlines():
        if form.startswith(MARK):
            lemma, kind = kinds[int(form[len(MARK):])]
            continue
        form = form.lower()
        if lemma is None or not is_word(form) or not is_word(lemma):
            continue
        key = (form, lemma)
        # A form that is a word in one entry is a word.
        if best.get(key) != "w":
            best[key] = kind
    if len(best) < 100000:
        sys.exit(f"make_lexicon.py: only {len(best)} forms: unmunch failed?")
    with open(out + ".tmp", "w", encoding="utf-8") as f:
        for (form, lem), k in sorted(best.items()):
            f.write(f"{form}\t{lem}\t{k}\n")
    os.replace(out + ".tmp", out)


if __name__ == "__main__":
    main()
