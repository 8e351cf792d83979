#!/usr/bin/env bash
# Postings by term prefix in a prsearch index (docs/BENCHMARKS.md): the
# summed term frequencies of each kind of term, to see what indexing time
# and index size go to. Prefixes are those of engine/schema.h; terms
# without one (starting with a lower-case letter, digit or non-ASCII) are
# the words as written, the only ones with positions.
#
#   bench/postings.sh DB
#
# Needs xapian-delve (xapian-tools).
set -euo pipefail
db=${1:?usage: bench/postings.sh DB}
command -v xapian-delve >/dev/null || { echo "bench/postings.sh: xapian-delve is missing (scripts/deps.sh installs it)" >&2; exit 2; }
xapian-delve -a -v -1 "$db" | awk '
NR == 1 { next } # the heading; then "term termfreq" per line
{
    t = $1; f = $NF
    if (t ~ /^ZXNB/ || t ~ /^XNB/) k = "XNB, ZXNB words and stems outside the body"
    else if (t ~ /^ZS/) k = "ZS title stems"
    else if (t ~ /^ZF/) k = "ZF folded stems"
    else if (t ~ /^Z/) k = "Z stems"
    else if (t ~ /^S/) k = "S title words"
    else if (t ~ /^P/) k = "P compound parts and lemmas"
    else if (t ~ /^[A-Z]/) k = "other prefixed (ids, dates, filters, abbreviations)"
    else k = "words as written (positions)"
    n[k] += f; all += f
}
END {
    for (k in n) printf "%12d %5.1f%%  %s\n", n[k], 100 * n[k] / all, k
    printf "%12d        in all\n", all
}' | sort -rn
