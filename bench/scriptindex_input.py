#!/usr/bin/env python3
"""Writes a corpus as input for Xapian's scriptindex (bench/index.sh).

    scriptindex_input.py CORPUS OUT

CORPUS is JSON Lines (.jsonl, optionally .gz; the fields of prsearch's
JSON input) or a folder of Markdown releases (`# Title` first, ids as
prsearch gives them). One record per release, fields id, title, lead,
body, url; a value's later lines start with '=' as scriptindex wants.
U+00AD soft hyphens are removed, as prsearch's analyzer does, so both
index the same words. Prints the number of releases and the bytes of
title+lead+body text on stderr as "docs N text_bytes M".
"""
import gzip
import json
import os
import sys

FIELDS = ("id", "title", "lead", "body", "url")


def records(path):
    if os.path.isdir(path):
        root = os.path.basename(os.path.normpath(path))
        for dirpath, dirnames, filenames in os.walk(path):
            dirnames.sort()
            for name in sorted(filenames):
                if not name.endswith(".md") or name.startswith("."):
                    continue
                full = os.path.join(dirpath, name)
                with open(full, encoding="utf-8", errors="replace") as f:
                    text = f.read()
                first, _, rest = text.partition("\n")
                rel = os.path.relpath(full, path)[:-len(".md")]
                yield {"id": root + "/" + rel,
                       "title": first.lstrip("# ").strip(), "body": rest}
        return
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.strip()
            if line:
                try:
                    yield json.loads(line)
                except ValueError:
                    continue


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    docs = text_bytes = 0
    with open(sys.argv[2], "w", encoding="utf-8") as out:
        for r in records(sys.argv[1]):
            if not isinstance(r, dict) or not r.get("id"):
                continue
            docs += 1
            for field in FIELDS:
                value = r.get(field)
                if not isinstance(value, str) or not value.strip():
                    continue
                value = value.replace("\u00ad", "").replace("\r", "")
                if field in ("title", "lead", "body"):
                    text_bytes += len(value.encode("utf-8"))
                out.write(field + "=" + value.strip().replace("\n", "\n=") + "\n")
            out.write("\n")
    print(f"docs {docs} text_bytes {text_bytes}", file=sys.stderr)


if __name__ == "__main__":
    main()
