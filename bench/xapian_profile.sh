#!/usr/bin/env bash
# Where Xapian's part of a query or of indexing goes, function by
# function (docs/BENCHMARKS.md, "Where Xapian's work goes"). Debian's
# libxapian has no symbols, so callgrind shows its half of the work as
# bare addresses: this builds the same xapian-core from Debian's source
# with -g once, loads it in place of Debian's with LD_LIBRARY_PATH, and
# prints the inclusive share of all instructions of the functions that
# the work is made of.
#
#   bench/xapian_profile.sh query DB QUERIES [N]   first N queries (300), 2 rounds
#   bench/xapian_profile.sh index CORPUS [N]       first N releases (4000), --jobs 1
#
# CORPUS is JSON Lines (.jsonl or .jsonl.gz); QUERIES from make_queries.py.
# The library is built in $PRS_XAPIAN_DEBUG (default build/xapian-debug),
# which needs `apt-get source` to reach Debian's sources: a deb-src line
# for bookworm in /etc/apt/sources.list.d/, then apt-get update. Needs
# this tree built in build/, valgrind and callgrind_annotate.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
usage="usage: bench/xapian_profile.sh query DB QUERIES [N] | index CORPUS [N]"
mode=${1:?$usage}
src=${PRS_XAPIAN_DEBUG:-$here/build/xapian-debug}
work=$(mktemp -d /tmp/prs-xprof-XXXXXX)
trap 'rm -rf "$work"' EXIT

case "$mode" in
query)
    db=${2:?$usage}
    head -"${4:-300}" "${3:?$usage}" >"$work/queries"
    cmd=("$here/build/bench/query_bench" "$db" "$work/queries" 2)
    labels=(
        "Xapian's matching|Xapian::Enquire::get_mset("
        "  BM25's release lengths|GlassDatabase::get_doclength("
        "  posting lists moved to a release|GlassPostList::skip_to("
        "  decoding glass's chunks entry by entry|GlassPostList::move_forward_in_chunk_to_at_least("
        "  AND of the words|MultiAndPostList::find_next_match("
        "snippets|prs_snippet_make"
        "building the query|prs_qbuild"
        "  completions of the typed word|most_frequent("
    ) ;;
index)
    corpus=${2:?$usage}
    # head closes the pipe early: zcat's broken pipe is no failure, and
    # an unreadable corpus shows as no releases.
    { zcat -f -- "$corpus" 2>/dev/null || true; } | head -"${3:-4000}" \
        >"$work/releases.jsonl"
    [ -s "$work/releases.jsonl" ] || { echo "bench/xapian_profile.sh: no releases in $corpus" >&2; exit 2; }
    cmd=("$here/build/cli/prsearch" index --quiet --jobs 1 --db "$work/db"
         "$work/releases.jsonl")
    labels=(
        "adding each release|GlassWritableDatabase::add_document_("
        "  zlib-compressing term lists and stored data|CompressionStream::compress("
        "commits' merges of the buffered postings|GlassWritableDatabase::flush_postlist_changes("
        "Xapian::Document's terms (add_term)|Xapian::Document::add_term("
        "Xapian::Document's terms (add_posting)|Xapian::Document::add_posting("
        "reading the JSON (jansson)|json_loadb"
        "the analysis and its terms (with the two add_ lines)|prs_termgen_doc"
    ) ;;
*) echo "$usage" >&2; exit 2 ;;
esac

shopt -s nullglob
cores=("$src"/xapian-core-*/)
if [ ${#cores[@]} -eq 0 ] || [ ! -e "${cores[0]}.libs/libxapian.so.30" ]; then
    echo "building xapian-core with symbols in $src (once, some minutes)" >&2
    mkdir -p "$src"
    (cd "$src" && apt-get source xapian-core >&2) || {
        echo "bench/xapian_profile.sh: apt-get source failed: add a deb-src line for bookworm (see the top of this script)" >&2
        exit 2
    }
    cores=("$src"/xapian-core-*/)
    (cd "${cores[0]}" && ./configure --disable-documentation \
        --disable-static CXXFLAGS="-O2 -g" >&2 &&
        make -j"$(nproc)" libxapian.la >&2)
fi
lib=${cores[0]}.libs
# The build must be the version the project links, or the shares are
# another library's.
have=$(dpkg-query -W -f '${Version}' libxapian30 | sed 's/-.*//')
case "$lib" in
*/xapian-core-"$have"/.libs) ;;
*) echo "bench/xapian_profile.sh: $lib is not xapian-core $have, Debian's" >&2; exit 2 ;;
esac

if ! LD_LIBRARY_PATH=$lib valgrind --tool=callgrind \
    --callgrind-out-file="$work/cg" "${cmd[@]}" >/dev/null 2>"$work/log"; then
    cat "$work/log" >&2
    exit 1
fi
callgrind_annotate --inclusive=yes --auto=no "$work/cg" >"$work/annotated"
total=$(awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1; exit }' \
            "$work/annotated")
printf '%s instructions in all\n' "$total"
for entry in "${labels[@]}"; do
    # A function can be listed more than once (inlined, recursive): its
    # largest inclusive count is the one.
    awk -v label="${entry%%|*}" -v fn="${entry#*|}" -v total="$total" '
        index($0, fn) && $2 ~ /^\(/ {
            n = $1; gsub(",", "", n); if (n + 0 > best) best = n + 0 }
        END { printf "%5.1f%%  %s\n", 100 * best / total, label }' \
        "$work/annotated"
done
