#!/usr/bin/env python3
"""Sphinx 2.2, a peer of issue 5's table, on the same releases and
queries as query_bench (docs/BENCHMARKS.md; bench/peers.py runs it beside
prsearch).

    peer_sphinx.py CORPUS QUERIES [RUNS]

Needs Debian's `sphinxsearch` (2.2.11: indexer, searchd) and Python's
MySQL client module for the python3 that runs it (`python3-mysqldb`,
MySQLdb, a C extension over libmariadb, so the client adds little per
query; it is for Debian's /usr/bin/python3). Neither is one of
scripts/deps.sh's packages, since nothing else needs them; without them,
says so and exits 0. Everything lives in a temporary folder, removed
afterwards: the releases as an xmlpipe2 file, sphinx.conf, the index,
and searchd's pid file and log. searchd answers SphinxQL (the MySQL
protocol) on a free port of 127.0.0.1 only, and is stopped, also on
errors and Ctrl-C.

Each release's title, lead and body are full-text fields: Swedish stems
(`morphology = libstemmer_sv`, Snowball's stemmer through libstemmer),
words of one letter and up, a charset_table that folds case and keeps
å/ä/ö, é, ü and the other accented Latin letters as letters of their own,
as prsearch's analyzer does (Sphinx's default table would split words at
them). dict=keywords with min_prefix_len = 1 lets `pre*` match words
beginning with a prefix of any length, expanded at query time over the
dictionary (no prefixes indexed); with stems, Sphinx then keeps each
word's exact form beside its stem too (index_exact_words, which indexer
forces on otherwise), and prefixes match the words as written, as in
SQLite. The release's id, title and body are also kept as string
attributes and its year as a number. `indexer --all` is timed (wall
seconds), with the index's size on disk.

Every query of QUERIES (bench/make_queries.py) runs RUNS rounds (default
3; the first warms the caches and is not timed) over one connection, one
query at a time, each timed from sending it to having fetched every row
(MySQLdb's C calls: query, store_result, fetch_row), in two ways, each
the top 10 by Sphinx's default ranker (proximity_bm25) with title, lead
and body weighted 5, 2 and 1 as bench/scriptindex.script weighs them,
ids and titles:

  and     every word must match (a quoted phrase as a phrase, `pre*` as a
          prefix, `year=YYYY` as a filter): the peer of issue 5's table
  typing  the same, the last word also matching as a prefix, and a
          SNIPPET() of each hit's body, made by searchd from the body it
          keeps as a string attribute, as prsearch makes snippets from the
          releases it stores: one round trip, where CALL SNIPPETS would
          need the client to hold every body and send the hits' back
"""
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from xml.sax.saxutils import escape

from gen_corpus import read_source  # the same reading of a corpus
import peerlib
from peerlib import (failures, format_summary, release_row, summary,
                     time_rounds)

# Case folded, accents kept: ASCII, Latin-1 and Latin Extended-A letters
# (`/2`: upper and lower case alternate), and the Cyrillic of Sphinx's
# default table. The underscore is a separator, as in prsearch.
CHARSET = ("0..9, A..Z->a..z, a..z, U+C0..U+D6->U+E0..U+F6, "
           "U+D8..U+DE->U+F8..U+FE, U+DF..U+F6, U+F8..U+FF, "
           "U+100..U+12F/2, U+132..U+137/2, U+139..U+148/2, "
           "U+14A..U+177/2, U+178->U+FF, U+179..U+17E/2, "
           "U+410..U+42F->U+430..U+44F, U+430..U+44F, U+401->U+451, U+451")

CONF = """
source releases
{{
    type = xmlpipe2
    xmlpipe_command = cat {xml}
}}

index releases
{{
    source = releases
    path = {dir}/index/releases
    morphology = libstemmer_sv
    charset_table = {charset}
    min_word_len = 1
    # prefixes of any length expanded over the dictionary at query time;
    # with stems, indexer would force index_exact_words on anyway
    dict = keywords
    min_prefix_len = 1
    index_exact_words = 1
}}

indexer
{{
    # the documented default, which indexer applies only with this
    # section: without it, fields are cut at 64 KB (5 bodies)
    max_xmlpipe2_field = 2M
}}

searchd
{{
    listen = 127.0.0.1:{port}:mysql41
    log = {dir}/searchd.log
    pid_file = {dir}/searchd.pid
    # no binary log (the index is never updated), one process
    binlog_path =
    watchdog = 0
}}
"""

XML_HEAD = """<?xml version="1.0" encoding="utf-8"?>
<sphinx:docset>
<sphinx:schema>
<sphinx:field name="title" attr="string"/>
<sphinx:field name="lead"/>
<sphinx:field name="body" attr="string"/>
<sphinx:attr name="rid" type="string"/>
<sphinx:attr name="year" type="int" bits="32"/>
</sphinx:schema>
"""

# Characters XML 1.0 does not allow, which expat would stop at.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

# The top 10 by the default ranker, proximity_bm25, the fields weighted
# as bench/scriptindex.script weighs them.
TOP = " LIMIT 10 OPTION field_weights=(title=5, lead=2, body=1)"

SELECT = {
    "and": "SELECT rid, title FROM releases WHERE MATCH({m}){year}" + TOP,
    # limit: characters, about prsearch's 240 bytes of snippet
    "typing": "SELECT rid, title, SNIPPET(body, {m}, 'limit=240') FROM releases "
              "WHERE MATCH({m}){year}" + TOP,
}


def missing():
    """Why this peer cannot run here, or None."""
    why = []
    if not (shutil.which("searchd") and shutil.which("indexer")):
        why.append("no searchd or indexer (apt-get install sphinxsearch)")
    try:
        import MySQLdb  # noqa: F401
    except ImportError:
        why.append(f"no MySQLdb for {sys.executable} "
                   "(apt-get install python3-mysqldb)")
    return ", ".join(why) or None


def xml(s):
    return escape(NOT_XML.sub(" ", s))


def write_source(corpus, path):
    """Writes corpus's releases as xmlpipe2 to path; returns how many."""
    n = 0
    with open(path, "w", encoding="utf-8") as f:
        f.write(XML_HEAD)
        for rec in read_source(corpus):
            rid, year, title, lead, body = release_row(rec)
            n += 1  # Sphinx's document ids are numbers: the release's is rid
            f.write(f'<sphinx:document id="{n}"><rid>{xml(rid)}</rid>'
                    f'<year>{year if year.isdigit() else 0}</year>'
                    f'<title>{xml(title)}</title><lead>{xml(lead)}</lead>'
                    f'<body>{xml(body)}</body></sphinx:document>\n')
        f.write("</sphinx:docset>\n")
    return n


def match(q, typing):
    """q as a Sphinx extended query (its parts ANDed), or None. Tokens
    are letters and digits, none of the query syntax's operators."""
    def term(words):  # several for one word: a phrase, as in FTS5
        return words[0] if len(words) == 1 else '"' + " ".join(words) + '"'

    terms = []
    for i, (kind, tokens) in enumerate(q.parts):
        prefixed = tokens[:-1] + [tokens[-1] + "*"]
        if kind == "prefix":
            terms.append(term(prefixed))
        elif typing and kind == "word" and i == len(q.parts) - 1:
            # the word (its stem) and every word it begins: `word*` alone
            # matches only the words as written, not "regeringar" for
            # "regeringen"
            terms.append(f"({term(tokens)} | {term(prefixed)})")
        else:
            terms.append(term(tokens))
    return " ".join(terms) if terms else None  # a space is AND


def literal(s):
    """s as a SphinxQL string."""
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'"


def select(q, mode):
    """q as the SELECT of mode, or None."""
    m = match(q, mode == "typing")
    if m is None:
        return None
    year = f" AND year={int(q.year)}" if q.year else ""
    return SELECT[mode].format(m=literal(m), year=year)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Sphinx:
    """The releases indexed, and searchd serving them, in a temporary
    folder: sphinx.docs, .seconds (indexing), .mb and .attr_mb (the
    string attributes' part); fetch() runs a query."""

    def __init__(self, corpus):
        self.dir = tempfile.mkdtemp(prefix="prs-peer-sphinx-")
        self.conf = os.path.join(self.dir, "sphinx.conf")
        self.port = free_port()
        self.proc = self.conn = None
        try:
            source = os.path.join(self.dir, "releases.xml")
            self.docs = write_source(corpus, source)
            with open(self.conf, "w", encoding="utf-8") as f:
                f.write(CONF.format(dir=self.dir, xml=shlex.quote(source),
                                    charset=CHARSET, port=self.port))
            self._index()
            self._serve()
        except BaseException:
            self.close()
            raise

    def _index(self):
        os.mkdir(os.path.join(self.dir, "index"))
        t0 = time.perf_counter()
        done = subprocess.run(["indexer", "--config", self.conf, "--all"],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True)
        self.seconds = time.perf_counter() - t0
        # indexer exits 0 after dropping what it could not parse
        m = re.search(r"^total (\d+) docs", done.stdout, re.M)
        if done.returncode != 0 or not m or int(m.group(1)) != self.docs:
            raise RuntimeError(f"sphinx: indexer failed on {self.docs} "
                               f"releases: {done.stdout.strip()}")
        self.warnings = re.findall(r"^(?:WARNING|ERROR):.*", done.stdout, re.M)
        files = list(os.scandir(os.path.join(self.dir, "index")))
        self.mb = sum(e.stat().st_size for e in files) / 1e6
        self.attr_mb = sum(e.stat().st_size for e in files
                           if e.name.endswith(".sps")) / 1e6

    def _serve(self):
        import MySQLdb
        # --nodetach keeps searchd our child: close() can wait for it and,
        # should --stopwait not stop it, kill it. In a session of its own,
        # a Ctrl-C reaches only us, not a query in flight, and close()
        # stops searchd after it.
        with open(os.path.join(self.dir, "searchd.out"), "w") as log:
            self.proc = subprocess.Popen(
                ["searchd", "--config", self.conf, "--nodetach"],
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True)
        deadline = time.monotonic() + 60
        while True:
            try:
                # a timeout, should another program hold the port
                self.conn = MySQLdb.connect(host="127.0.0.1", port=self.port,
                                            charset="utf8", use_unicode=True,
                                            connect_timeout=5)
                return
            except MySQLdb.OperationalError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    with open(os.path.join(self.dir, "searchd.out")) as f:
                        raise RuntimeError("sphinx: searchd did not start: "
                                           + f.read().strip()) from None
                time.sleep(0.1)

    def fetch(self, sql):
        """Every row of sql's answer."""
        self.conn.query(sql)
        return self.conn.store_result().fetch_row(maxrows=0)

    def close(self):
        # A second Ctrl-C waits until searchd is stopped and the folder gone.
        mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            try:
                if self.conn:
                    self.conn.close()  # before searchd waits for its client
            finally:
                if self.proc:
                    self._stop()
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)
            signal.pthread_sigmask(signal.SIG_SETMASK, mask)

    def _stop(self):
        try:
            # fails harmlessly when searchd has stopped already
            subprocess.run(["searchd", "--config", self.conf, "--stopwait"],
                           stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, timeout=60)
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def run(sphinx, queries, mode, runs):
    """peerlib.time_rounds() of mode's SELECT; what searchd rejects fails."""
    return time_rounds(queries, runs, lambda q: select(q, mode), sphinx.fetch,
                       sphinx.conn.ProgrammingError)


def measure(corpus, queries, runs, out=sys.stdout):
    """Builds the index in a temporary folder, serves it, runs the
    queries, prints the figures; returns {"index": {...}, "and": summary,
    "typing": ...}, or None without Sphinx or MySQLdb."""
    why = missing()
    if why:
        print(f"sphinx: skipped, {why}", file=out)
        return None
    res = {}
    with Sphinx(corpus) as sphinx:
        res["index"] = {"docs": sphinx.docs, "seconds": sphinx.seconds,
                        "mb": sphinx.mb}
        print(f"sphinx: indexed {sphinx.docs} releases in {sphinx.seconds:.2f} s, "
              f"{sphinx.mb:.0f} MB ({sphinx.attr_mb:.0f} MB of it the ids, "
              "titles and bodies kept as string attributes)", file=out)
        for w in sphinx.warnings:
            print(f"sphinx: indexer: {w}", file=out)
        for mode in ("and", "typing"):
            samples, failed, first = run(sphinx, queries, mode, runs)
            res[mode] = summary(samples)
            print(f"sphinx {mode}: {format_summary(res[mode])}  "
                  + failures(failed, first), file=out)
    return res


if __name__ == "__main__":
    peerlib.main("peer_sphinx.py", __doc__, measure)
