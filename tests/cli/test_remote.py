"""prsearch search/show --server: the same answers from a running
`prsearch serve` (started with tests/http/serve.py's helper on a loopback
port) as from the local index, and one-line errors with their own exit
statuses."""
import http.server
import json
import os
import socket
import sys
import tempfile
import threading
import unittest

from prs import SOURCE, run

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "http"))
from serve import Server, rmtree  # noqa: E402

SAMPLE = os.path.join(SOURCE, "data", "sample")
MASKS = "pressmeddelanden/2026/01/20-000-skyddsmasker-till-det-civila-forsvaret"
SEED = "seed/norrkoping-klockaretorpet"
# A release whose snippet needs every entity evhttp_htmlescape writes, and
# holds a literal "<mark>" (the Markdown reader decodes "&lt;") that must
# stay text.
ODD = {"id": "test/entities", "title": "Tecken <b> & \"citat\" 'apostrof'",
       "published": "2025-03-04",
       "lead": "Zyxordet står här: a & b < c > d \"citat\" 'apostrof' och "
               "&lt;mark&gt;falsk&lt;/mark&gt; markering.",
       "body": "Mer text."}

# (options, query words)
QUERIES = [
    ((), ("skyddsmasker",)),
    ((), ('"civila försvaret"',)),
    ((), ("Vikmång",)),
    ((), ("Zyxordet",)),
    ((), ("-polisen", "regeringen")),  # a word that looks like an option
    (("--limit", "7", "--offset", "3"), ("regeringen",)),
    (("--limit", "5", "--offset", "13", "--sort", "date"), ("regeringen",)),
    (("--limit", "10", "--offset", "10"), ("regeringen",)),
    (("--limit", "150", "--offset", "17", "--since", "2025"), ("regeringen",)),
    (("--limit", "4", "--since", "2026-01", "--until", "2026-01-31"),
     ("civila", "OR", "regeringen")),
    (("--limit", "3", "--offset", "500"), ("regeringen",)),  # past the end
    ((), ('"civila försvaret',)),  # unterminated quote: a warning
    ((), ("inget-sådant-ord-finns",)),
]


def closed_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class FakeServer(http.server.BaseHTTPRequestHandler):
    """Answers like a broken or foreign server, by path prefix."""

    def do_GET(self):
        if self.path.startswith("/html/"):
            status, ctype, body = 502, "text/html", b"<h1>Bad Gateway</h1>"
        elif self.path.startswith("/garbage/"):
            status, ctype, body = 200, "application/json", b"{not json"
        else:
            status, ctype = 503, "application/json"
            body = json.dumps({"error": {
                "code": "index_locked",
                "message": "the index is being rebuilt"}}).encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class RemoteTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="prs-remote-")
        cls.db = os.path.join(cls.tmp, "db")
        odd = os.path.join(cls.tmp, "odd", "odd.jsonl")
        os.makedirs(os.path.dirname(odd))
        with open(odd, "w") as f:
            f.write(json.dumps(ODD, ensure_ascii=False) + "\n")
        run("index", "--db", cls.db, os.path.join(SAMPLE, "pressmeddelanden"),
            os.path.join(SAMPLE, "seed"), odd, check=0)
        cls.srv = Server(cls.db, cls.tmp, token=False)
        cls.url = f"http://127.0.0.1:{cls.srv.port}"
        cls.fake = http.server.ThreadingHTTPServer(("127.0.0.1", 0), FakeServer)
        cls.fake_thread = threading.Thread(target=cls.fake.serve_forever,
                                           daemon=True)
        cls.fake_thread.start()
        cls.fake_url = f"http://127.0.0.1:{cls.fake.server_address[1]}"

    @classmethod
    def tearDownClass(cls):
        try:
            cls.fake.shutdown()
            cls.fake.server_close()
            assert cls.srv.stop() == 0
        finally:
            rmtree(cls.tmp)

    def local(self, cmd, *args, check=0):
        return run(cmd, "--db", self.db, *args, check=check)

    def remote(self, cmd, *args, check=0, url=None):
        return run(cmd, "--server", url or self.url, *args, check=check)

    def assert_one_line_error(self, p, *needles):
        self.assertEqual(p.stdout, "")
        lines = p.stderr.splitlines()
        self.assertEqual(len(lines), 1, p.stderr)
        self.assertTrue(lines[0].startswith("prsearch: "), p.stderr)
        for n in needles:
            self.assertIn(n, lines[0])

    # ---- search ----------------------------------------------------------

    def test_json_answers_match_the_local_search(self):
        for opts, words in QUERIES:
            with self.subTest(opts=opts, words=words):
                loc = json.loads(self.local("search", "--json", *opts, "--",
                                            *words).stdout)
                rem = json.loads(self.remote("search", "--json", *opts, "--",
                                             *words).stdout)
                self.assertEqual(rem["query"], loc["query"])
                self.assertEqual(rem["total"], loc["total"])
                self.assertEqual(rem.get("warning"), loc.get("warning"))
                self.assertEqual(list(rem), list(loc))
                self.assertEqual(len(rem["hits"]), len(loc["hits"]))
                for r, l in zip(rem["hits"], loc["hits"]):
                    self.assertEqual(list(r), list(l))
                    for key in ("id", "title", "date", "org", "type", "url",
                                "snippet"):
                        self.assertEqual(r[key], l[key], key)
                    self.assertAlmostEqual(r["score"], l["score"], places=6)

    def test_human_output_matches_the_local_search(self):
        for opts, words in QUERIES:
            for color in ("never", "always"):
                with self.subTest(opts=opts, words=words, color=color):
                    loc = self.local("search", "--color", color, *opts, "--",
                                     *words)
                    rem = self.remote("search", "--color", color, *opts, "--",
                                      *words)
                    self.assertEqual(rem.stdout, loc.stdout)
                    self.assertEqual(rem.stderr, loc.stderr)

    def test_entities_and_literal_marks_in_snippets(self):
        p = self.remote("search", "--color", "never", "Zyxordet")
        self.assertIn("[Zyxordet] står här: a & b < c > d \"citat\" 'apostrof' "
                      "och <mark>falsk</mark> markering.", p.stdout)
        snip = json.loads(self.remote("search", "--json", "Zyxordet").stdout)[
            "hits"][0]["snippet"]
        self.assertIn("&amp; b &lt; c &gt; d &quot;citat&quot; &#039;apostrof"
                      "&#039; och &lt;mark&gt;falsk", snip)

    def test_environment_sets_the_default_server(self):
        env = {"PRSEARCH_SERVER": self.url}
        p = run("search", "--json", "skyddsmasker", env=env, check=0)
        self.assertEqual(json.loads(p.stdout)["hits"][0]["id"], MASKS)
        p = run("show", SEED, env=env, check=0)
        self.assertIn("Klockaretorpet", p.stdout)
        # --db wins over $PRSEARCH_SERVER; --server over $PRSEARCH_DB.
        dead = {"PRSEARCH_SERVER": f"http://127.0.0.1:{closed_port()}"}
        run("search", "--db", self.db, "skyddsmasker", env=dead, check=0)
        run("search", "--server", self.url, "skyddsmasker",
            env={"PRSEARCH_DB": os.path.join(self.tmp, "none")}, check=0)
        p = run("search", "--db", self.db, "--server", self.url, "x", check=2)
        self.assertIn("not both", p.stderr)

    def test_trailing_slash_and_bare_host_port(self):
        for url in (self.url + "/", f"127.0.0.1:{self.srv.port}"):
            p = self.remote("search", "--json", "skyddsmasker", url=url)
            self.assertEqual(json.loads(p.stdout)["hits"][0]["id"], MASKS)

    # ---- show ------------------------------------------------------------

    def test_show_matches_the_local_show_without_source(self):
        for doc_id in (SEED, MASKS, ODD["id"]):
            with self.subTest(doc_id=doc_id):
                loc = self.local("show", doc_id).stdout
                rem = self.remote("show", doc_id).stdout
                loc = "".join(l for l in loc.splitlines(True)
                              if not l.startswith("source:"))
                self.assertEqual(rem, loc)
                lj = json.loads(self.local("show", "--json", doc_id).stdout)
                rtext = self.remote("show", "--json", doc_id).stdout
                self.assertEqual(rtext.count("\n"), 1)
                lj.pop("source", None)
                self.assertEqual(json.loads(rtext), lj)
                self.assertEqual(list(json.loads(rtext)), list(lj))

    def test_show_missing_id_exits_7(self):
        p = self.remote("show", "no/such/release", check=7)
        self.assert_one_line_error(p, self.url, "404 not_found")

    # ---- errors ----------------------------------------------------------

    def test_syntax_error_exits_6(self):
        for q in ("(skyddsmasker", "skyddsmasker)", "-skyddsmasker"):
            with self.subTest(q=q):
                p = self.remote("search", "--", q, check=6)
                self.assert_one_line_error(p, self.url, "400 bad_query")

    def test_bad_parameters_exit_2(self):
        # Past the API's deepest page (page * size <= 10000).
        p = self.remote("search", "--offset", "20000", "regeringen", check=2)
        self.assert_one_line_error(p, "400 bad_parameter")
        p = self.remote("search", "--since", "2026-13", "x", check=2)
        self.assertIn("--since", p.stderr)
        p = run("search", "--server", "https://127.0.0.1:1", "x", check=2)
        self.assertIn("https is not supported", p.stderr)
        run("search", "--server", "ftp://example.org", "x", check=2)

    def test_connection_refused_exits_8(self):
        url = f"http://127.0.0.1:{closed_port()}"
        for cmd in (("search", "skyddsmasker"), ("show", SEED)):
            with self.subTest(cmd=cmd[0]):
                p = run(cmd[0], "--server", url, cmd[1], check=8)
                self.assertEqual(p.stdout, "")
                self.assertEqual(p.stderr, f"prsearch: {url}: connection refused\n")

    def test_http_errors_exit_9(self):
        p = self.remote("search", "x", url=self.fake_url, check=9)
        self.assert_one_line_error(
            p, self.fake_url, "503 index_locked: the index is being rebuilt")
        p = self.remote("show", SEED, url=self.fake_url, check=9)
        self.assert_one_line_error(p, "503 index_locked")
        p = self.remote("search", "x", url=self.fake_url + "/html", check=9)
        self.assert_one_line_error(p, "502 Bad Gateway")
        p = self.remote("search", "x", url=self.fake_url + "/garbage/", check=9)
        self.assert_one_line_error(p, "not prsearch's JSON")
        # The real server under a path it does not serve.
        p = self.remote("search", "x", url=self.url + "/nonexistent", check=9)
        self.assert_one_line_error(p, "404 not_found")


if __name__ == "__main__":
    unittest.main()
