"""The HTTP API of `prsearch serve`, driven with a real HTTP client
(http.client) and raw sockets against the real server on a real index of
the bundled sample."""
import fcntl
import signal
import json
import os
import socket
import time
import unittest
import urllib.parse

from serve import SAMPLE, TOKEN, Server, index_sample, prsearch, rmtree, tempdir

MASKS = "pressmeddelanden/2026/01/20-000-skyddsmasker-till-det-civila-forsvaret"
SEED = "seed/norrkoping-klockaretorpet"
ALLOWED = "https://press.example"
AUTH = {"Authorization": "Bearer " + TOKEN, "Content-Type": "application/json"}


def q(**params):
    return "/api/search?" + urllib.parse.urlencode(params)


class ApiTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempdir("prs-http-")
        cls.db = os.path.join(cls.tmp, "db")
        index_sample(cls.db)
        cls.srv = Server(cls.db, cls.tmp)

    @classmethod
    def tearDownClass(cls):
        try:
            assert cls.srv.stop() == 0
        finally:
            rmtree(cls.tmp)

    def search(self, **params):
        status, h, body = self.srv.get_json(q(**params))
        self.assertEqual(status, 200, body)
        return body

    def error(self, path, status, code, parameter=None, method="GET", **kw):
        st, h, data = self.srv.request(method, path, **kw)
        self.assertEqual(st, status, data[:300])
        body = json.loads(data)
        self.assertEqual(body["error"]["code"], code, body)
        self.assertTrue(body["error"]["message"])
        if parameter:
            self.assertEqual(body["error"].get("parameter"), parameter, body)
        self.assertEqual(h["content-type"], "application/json; charset=utf-8")
        return h, body

    # ---- /api/search ---------------------------------------------------

    def test_search_answer_shape_and_snippet(self):
        st, h, b = self.srv.get_json(q(q="skyddsmasker civila", size=5))
        self.assertEqual(st, 200)
        self.assertEqual(h["content-type"], "application/json; charset=utf-8")
        self.assertEqual(h["cache-control"], "public, max-age=10")
        for key in ("query", "total", "took_ms", "page", "size", "hits",
                    "facets", "suggestion"):
            self.assertIn(key, b)
        self.assertEqual((b["query"], b["page"], b["size"]),
                         ("skyddsmasker civila", 1, 5))
        hit = b["hits"][0]
        self.assertEqual(hit["id"], MASKS)
        self.assertEqual(set(hit), {"id", "title", "url", "date", "org", "type",
                                    "snippet", "score"})
        self.assertIn("<mark>skyddsmasker</mark>", hit["snippet"])
        self.assertEqual(set(b["facets"]), {"year", "org", "type"})
        # Every hit fits on the page: the year facet counts exactly them.
        self.assertLessEqual(b["total"], 5)
        in_2026 = sum(1 for h in b["hits"] if (h["date"] or "").startswith("2026"))
        self.assertGreaterEqual(in_2026, 1)
        self.assertIn({"value": "2026", "count": in_2026}, b["facets"]["year"])

    def test_empty_query_lists_everything_and_pages(self):
        b = self.search(q="", size=100, sort="date")
        self.assertGreaterEqual(b["total"], 201)
        dates = [h["date"] or "" for h in b["hits"]]
        self.assertEqual(dates, sorted(dates, reverse=True))
        p1 = [h["id"] for h in self.search(size=10, page=1, sort="date")["hits"]]
        p2 = [h["id"] for h in self.search(size=10, page=2, sort="date")["hits"]]
        self.assertEqual(len(p2), 10)
        self.assertFalse(set(p1) & set(p2))
        self.assertEqual(p1 + p2, [h["id"] for h in b["hits"][:20]])

    def test_filters_and_facets_leave_out_their_own_filter(self):
        base = self.search(q="regeringen", size=100)
        years = {f["value"]: f["count"] for f in base["facets"]["year"]}
        self.assertGreater(len(years), 1)
        self.assertEqual(sum(years.values()), base["total"])
        year = sorted(years)[0]
        f = self.search(q="regeringen", year=year, size=100)
        self.assertEqual(f["total"], years[year])
        for h in f["hits"]:
            self.assertTrue(h["date"].startswith(year), h)
        # The year facet still offers the other years...
        self.assertEqual(f["facets"]["year"], base["facets"]["year"])
        # ...while the org facet counts only the chosen year.
        org = self.search(q="", org="norrköpings KOMMUN")
        self.assertEqual([h["id"] for h in org["hits"]], [SEED])
        self.assertEqual(org["facets"]["org"][0]["value"], "Norrköpings kommun")
        date = org["hits"][0]["date"]
        self.assertEqual(org["facets"]["year"],
                         [{"value": date[:4], "count": 1}] if date else [])
        d = self.search(q="regeringen", **{"from": "2026-01", "to": "2026-01-31"})
        self.assertGreater(d["total"], 0)
        for h in d["hits"]:
            self.assertTrue(h["date"].startswith("2026-01"), h)

    def test_facets_can_be_left_out(self):
        # A common word: counting facets makes the total exact; without
        # them it is Xapian's estimate, and the answer says so.
        full = self.search(q="regeringen", size=2)
        bare = self.search(q="regeringen", size=2, facets=0)
        self.assertTrue(full["total_exact"])
        self.assertEqual(sum(f["count"] for f in full["facets"]["year"]), full["total"])
        self.assertIsNone(bare["facets"])
        self.assertFalse(bare["total_exact"])
        self.assertGreater(bare["total"], 0)
        self.assertEqual([h["id"] for h in bare["hits"]], [h["id"] for h in full["hits"]])
        self.assertEqual(bare["hits"][0]["snippet"], full["hits"][0]["snippet"])
        # Few matches are counted exactly either way.
        few = self.search(q="skyddsmasker", facets=0)
        self.assertTrue(few["total_exact"])
        self.assertEqual(few["total"], self.search(q="skyddsmasker")["total"])

    def test_query_that_finds_nothing_is_corrected(self):
        b = self.search(q="skyddsmaskrer civila")
        self.assertEqual(b["corrected"], "skyddsmasker civila")
        self.assertEqual(b["hits"][0]["id"], MASKS)
        self.assertEqual(b["total"], len(b["hits"]))
        b = self.search(q="skyddsmasker")
        self.assertNotIn("corrected", b)
        self.assertIsNone(b["suggestion"])

    def test_search_errors(self):
        cases = [
            ({"q": "x", "size": "0"}, "size"), ({"q": "x", "size": "101"}, "size"),
            ({"q": "x", "size": "abc"}, "size"), ({"q": "x", "size": "-1"}, "size"),
            ({"q": "x", "page": "0"}, "page"),
            ({"q": "x", "page": "99999999999999999999999"}, "page"),
            ({"q": "x", "page": "101", "size": "100"}, "page"),
            ({"q": "x", "sort": "popular"}, "sort"),
            ({"q": "x", "from": "2026-13"}, "from"), ({"q": "x", "to": "igår"}, "to"),
            ({"q": "x", "year": "20x6"}, "year"),
            ({"q": "x", "facets": "2"}, "facets"), ({"q": "x", "facets": "ja"}, "facets"),
            ({"q": "x" * 1100}, "q"),
        ]
        for params, parameter in cases:
            with self.subTest(params=str(params)[:60]):
                self.error(q(**params), 400, "bad_parameter", parameter)
        self.error("/api/search?q=%ff%fe", 400, "bad_parameter", "q")
        self.error("/api/search?q=a%00b", 400, "bad_parameter")
        self.error("/api/search?size=1&size=2", 400, "bad_parameter", "size")
        _, b = self.error(q(q="(skydd"), 400, "bad_query", "q")
        self.assertIn("unmatched '('", b["error"]["message"])

    # ---- /api/suggest --------------------------------------------------

    def test_suggest_completes_the_last_word(self):
        st, h, b = self.srv.get_json("/api/suggest?q=" + urllib.parse.quote("civila skyddsm"))
        self.assertEqual(st, 200)
        self.assertIn("civila skyddsmasker", b["completions"])
        self.assertTrue(all(c.startswith("civila skyddsm") for c in b["completions"]))
        self.assertIn(MASKS, [t["id"] for t in b["titles"]])
        self.assertEqual(self.srv.get_json("/api/suggest?q=")[2],
                         {"query": "", "completions": [], "titles": []})
        self.error("/api/suggest?q=" + "a" * 300, 400, "bad_parameter", "q")
        self.error("/api/suggest?q=a&size=0", 400, "bad_parameter", "size")

    # ---- documents -------------------------------------------------------

    def test_document_and_similar(self):
        for path in ("/api/documents/" + MASKS,
                     "/api/documents/" + urllib.parse.quote(MASKS, safe="")):
            st, h, b = self.srv.get_json(path)
            self.assertEqual(st, 200, path)
            self.assertEqual(b["id"], MASKS)
            self.assertIn("skyddsmasker", b["title"])
            self.assertIn("body", b)
            self.assertNotIn("source", b)  # a server path, not for visitors
        st, h, b = self.srv.get_json("/api/documents/" + MASKS + "/similar?size=5")
        self.assertEqual(st, 200)
        ids = [x["id"] for x in b["hits"]]
        self.assertTrue(0 < len(ids) <= 5)
        self.assertNotIn(MASKS, ids)
        self.error("/api/documents/no/such/release", 404, "not_found")
        self.error("/api/documents/no-such/similar", 404, "not_found")
        self.error("/api/documents/%ff", 404, "not_found")
        self.error("/api/documents/" + MASKS + "/similar?size=500", 400,
                   "bad_parameter", "size")

    # ---- methods, unknown paths, limits ------------------------------------

    def test_404_and_405(self):
        self.error("/api/nothing", 404, "not_found")
        h, _ = self.error("/api/search", 405, "method_not_allowed", method="POST", body=b"{}")
        self.assertIn("GET", h["allow"])
        h, _ = self.error("/api/documents", 405, "method_not_allowed")
        self.assertEqual(h["allow"], "POST, OPTIONS")
        h, _ = self.error("/healthz", 405, "method_not_allowed", method="DELETE")
        h, _ = self.error("/index.html", 405, "method_not_allowed", method="PUT", body=b"x")

    def test_limits_414_431_413(self):
        self.error("/api/search?q=" + "a" * 9000, 414, "uri_too_long")
        self.error("/api/search?q=" + "a" * 100000, 414, "uri_too_long")
        self.error("/api/search?q=x", 431, "headers_too_large",
                   headers={"X-Big": "b" * 20000})
        self.error("/api/documents", 413, "body_too_large", method="POST",
                   body=b"[" + b" " * 70000 + b"]", headers=AUTH)
        # Far beyond the limit libevent refuses the body itself (see API.md).
        out = self.srv.raw(b"POST /api/documents HTTP/1.1\r\nHost: x\r\n"
                           b"Content-Length: 3000000\r\n\r\n")
        self.assertRegex(out[:12], rb"^HTTP/1\.1 413")

    # ---- CORS and caching --------------------------------------------------

    def test_cors(self):
        st, h, _ = self.srv.get_json(q(q="skyddsmasker"), headers={"Origin": ALLOWED})
        self.assertEqual(h["access-control-allow-origin"], ALLOWED)
        self.assertIn("Origin", h["vary"])
        st, h, _ = self.srv.get_json(q(q="skyddsmasker"),
                                     headers={"Origin": "https://evil.example"})
        self.assertEqual(st, 200)
        self.assertNotIn("access-control-allow-origin", h)
        st, h, data = self.srv.request("OPTIONS", "/api/search", headers={
            "Origin": ALLOWED, "Access-Control-Request-Method": "GET"})
        self.assertEqual(st, 204)
        self.assertEqual(h["access-control-allow-origin"], ALLOWED)
        self.assertIn("GET", h["access-control-allow-methods"])
        self.assertEqual(h["access-control-max-age"], "600")
        st, h, data = self.srv.request("OPTIONS", "/api/documents", headers={
            "Origin": "https://www.example.se", "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type"})
        self.assertEqual(st, 204)
        self.assertIn("Authorization", h["access-control-allow-headers"])
        self.assertIn("POST", h["access-control-allow-methods"])
        h, _ = self.error("/api/search", 403, "forbidden", method="OPTIONS", headers={
            "Origin": "https://evil.example", "Access-Control-Request-Method": "GET"})
        self.assertNotIn("access-control-allow-origin", h)
        st, h, _ = self.srv.request("OPTIONS", "/api/search")
        self.assertEqual((st, h["allow"]), (204, "GET, HEAD, OPTIONS"))

    # ---- operators ---------------------------------------------------------

    def test_healthz_and_metrics(self):
        st, h, b = self.srv.get_json("/healthz")
        self.assertEqual(st, 200)
        self.assertEqual(h["cache-control"], "no-store")
        self.assertEqual(b["status"], "ok")
        self.assertTrue(b["index_open"])
        self.assertGreaterEqual(b["documents"], 201)
        self.search(q="skyddsmasker")
        st, h, data = self.srv.request("GET", "/metrics")
        text = data.decode()
        self.assertEqual(st, 200)
        self.assertTrue(h["content-type"].startswith("text/plain; version=0.0.4"))
        self.assertRegex(text, r'prsearch_http_requests_total\{route="search",status="200"\} [1-9]')
        self.assertIn('prsearch_http_request_duration_seconds_bucket{route="search",le="+Inf"}', text)
        self.assertRegex(text, r"prsearch_documents \d+")
        self.assertRegex(text, r"prsearch_last_commit_timestamp_seconds [1-9]\d+")

    # ---- the answer cache ---------------------------------------------

    def test_answers_are_cached_until_the_index_changes(self):
        path = q(q="skyddsmasker civila", size=4, sort="relevance")
        st1, h1, b1 = self.srv.get_json(path)
        st2, h2, b2 = self.srv.get_json(path)
        self.assertEqual((st1, st2), (200, 200))
        self.assertEqual((h1["x-cache"], h2["x-cache"]), ("miss", "hit"))
        self.assertIsInstance(b2["took_ms"], (int, float))
        self.assertGreater(b1["total"], 0)
        b1.pop("took_ms")
        b2.pop("took_ms")
        self.assertEqual(b1, b2)
        self.assertEqual(h2["cache-control"], "public, max-age=10")
        # Suggestions too.
        sp = "/api/suggest?q=skyddsm"
        s1 = self.srv.request("GET", sp)
        s2 = self.srv.request("GET", sp)
        self.assertEqual((s1[1]["x-cache"], s2[1]["x-cache"]), ("miss", "hit"))
        self.assertEqual(s1[2], s2[2])
        # Refusals are never kept.
        for _ in range(2):
            h, _ = self.error(q(q="x", page=0), 400, "bad_parameter", "page")
            self.assertNotIn("x-cache", h)
        text = self.srv.request("GET", "/metrics")[2].decode()
        self.assertRegex(text, r"prsearch_answer_cache_hits_total [1-9]")
        self.assertRegex(text, r"prsearch_answer_cache_entries [1-9]")
        # A write changes the index: the same request is searched again
        # and finds the new release.
        doc = self._doc(30, "skyddsmasker")
        doc["body"] += " Civila skyddsmasker."
        st, _, data = self.srv.request("POST", "/api/documents",
                                       body=json.dumps(doc), headers=AUTH)
        self.assertEqual(st, 200, data)
        try:
            st3, h3, b3 = self.srv.get_json(path)
            self.assertEqual((st3, h3["x-cache"]), (200, "miss"))
            self.assertEqual(b3["total"], b1["total"] + 1)
            self.assertEqual(self.srv.get_json(path)[1]["x-cache"], "hit")
        finally:
            self.srv.request("DELETE", "/api/documents/api/test-30", headers=AUTH)
        self.assertEqual(self.srv.get_json(path)[2]["total"], b1["total"])

    def test_answer_cache_can_be_turned_off(self):
        tmp = tempdir("prs-http-nocache-")
        self.addCleanup(rmtree, tmp)
        srv = Server(self.db, tmp, token=False, extra="cache_mb = 0\n")
        self.addCleanup(srv.stop, signal.SIGKILL)
        path = q(q="skyddsmasker")
        answers = [srv.get_json(path) for _ in range(2)]
        for st, h, b in answers:
            self.assertEqual(st, 200)
            self.assertNotIn("x-cache", h)
            self.assertIsInstance(b.pop("took_ms"), (int, float))
        self.assertEqual(answers[0][2], answers[1][2])
        self.assertNotIn("answer_cache", srv.request("GET", "/metrics")[2].decode())
        self.assertEqual(srv.stop(), 0)

    def test_access_log_line_per_request(self):
        self.srv.request("GET", "/api/search?q=accesslogprobe")
        self.assertTrue(self.srv.wait_log(r"GET /api/search 200 \d+\.\d+ms"))

    # ---- static files -------------------------------------------------------

    def test_static_page_and_traversal(self):
        st, h, data = self.srv.request("GET", "/")
        self.assertEqual(st, 200)
        self.assertEqual(h["content-type"], "text/html; charset=utf-8")
        self.assertIn(b"prsearch test page", data)
        st2, _, _ = self.srv.request("GET", "/", headers={"If-None-Match": h["etag"]})
        self.assertEqual(st2, 304)
        st, h, data = self.srv.request("GET", "/app.js")
        self.assertEqual((st, h["content-type"]), (200, "text/javascript; charset=utf-8"))
        for path in ["/../secret.txt", "/%2e%2e/secret.txt", "/..%2fsecret.txt",
                     "/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd", "/../../etc/passwd",
                     "/static/../../secret.txt", "/.hidden", "/link.txt",
                     "/index.html%00.js", "//etc/passwd", "/nope.html", "/test.conf",
                     "/app.js/", "/a/b/c/d/e/f.js"]:
            with self.subTest(path=path):
                out = self.srv.raw(f"GET {path} HTTP/1.1\r\nHost: x\r\n"
                                   "Connection: close\r\n\r\n".encode())
                self.assertNotIn(b"SECRET-OUTSIDE-STATIC", out)
                self.assertNotIn(b"root:", out)
                self.assertRegex(out[:12], rb"HTTP/1\.1 (400|404)")

    # ---- the write API -------------------------------------------------------

    def _doc(self, i, word):
        return {"id": f"api/test-{i}", "title": f"Testmeddelande {i} om {word}",
                "org": "Testverket", "published": "2026-02-03", "type": "Nyhet",
                "body": f"Ingress.\n\nBrödtext med ordet {word}."}

    def test_write_api_needs_the_token(self):
        body = json.dumps(self._doc(1, "x")).encode()
        h, _ = self.error("/api/documents", 401, "unauthorized", method="POST", body=body)
        self.assertIn("Bearer", h["www-authenticate"])
        self.error("/api/documents", 401, "unauthorized", method="POST", body=body,
                   headers={"Authorization": "Bearer " + TOKEN[:-1] + "X"})
        self.error("/api/documents", 401, "unauthorized", method="POST", body=body,
                   headers={"Authorization": "Basic " + TOKEN})
        self.error("/api/documents/" + MASKS, 401, "unauthorized", method="DELETE")
        self.assertEqual(self.search(q="testmeddelande")["total"], 0)

    def test_write_api_post_and_delete(self):
        word = "zebrafinkarna"
        st, h, data = self.srv.request("POST", "/api/documents",
                                       body=json.dumps(self._doc(7, word)), headers=AUTH)
        self.assertEqual(st, 200, data)
        self.assertEqual(json.loads(data), {"indexed": 1, "ids": ["api/test-7"]})
        # Write API commits are seen by every worker's next request.
        for _ in range(6):
            self.assertEqual(self.search(q=word)["total"], 1)
        hit = self.search(q=word)["hits"][0]
        self.assertEqual((hit["org"], hit["type"], hit["date"]),
                         ("Testverket", "Nyhet", "2026-02-03"))
        docs = [self._doc(8, "kolibrierna"), self._doc(9, "kolibrierna")]
        st, _, data = self.srv.request("POST", "/api/documents", body=json.dumps(docs),
                                       headers=AUTH)
        self.assertEqual((st, json.loads(data)["indexed"]), (200, 2))
        self.assertEqual(self.search(q="kolibrierna")["total"], 2)
        # Malformed bodies: nothing is written.
        bad = [b"{", b"", b"[]", b'{"title": "no id"}', b'"text"',
               json.dumps([self._doc(10, "papegojorna"), {"id": 5}]).encode(),
               b'{"id": "x", "title": "\xff"}']
        for body in bad:
            with self.subTest(body=body[:40]):
                self.error("/api/documents", 400, "bad_body", method="POST",
                           body=body, headers=AUTH)
        self.assertEqual(self.search(q="papegojorna")["total"], 0)
        st, _, data = self.srv.request("DELETE", "/api/documents/api/test-7", headers=AUTH)
        self.assertEqual((st, json.loads(data)), (200, {"deleted": "api/test-7"}))
        self.assertEqual(self.search(q=word)["total"], 0)
        self.error("/api/documents/api/test-7", 404, "not_found", method="DELETE",
                   headers=AUTH)
        for i in (8, 9):
            self.srv.request("DELETE", f"/api/documents/api/test-{i}", headers=AUTH)

    def test_write_while_another_process_holds_the_lock(self):
        with open(os.path.join(self.db, "flintlock"), "a+") as f:
            fcntl.lockf(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
            try:
                h, _ = self.error("/api/documents", 503, "index_locked", method="POST",
                                  body=json.dumps(self._doc(20, "lock")), headers=AUTH)
                self.assertEqual(h["retry-after"], "1")
                # Reads go on meanwhile.
                self.assertEqual(self.search(q="skyddsmasker")["hits"][0]["id"],
                                 MASKS)
            finally:
                fcntl.lockf(f, fcntl.LOCK_UN)

    def test_concurrent_index_becomes_visible(self):
        src = os.path.join(self.tmp, "more", "2026", "02")
        os.makedirs(src, exist_ok=True)
        with open(os.path.join(src, "nyhet.md"), "w") as f:
            f.write("# Flamingokolonin i Norrköping växer\n\nFlamingokolonin "
                    "räknas nu till tvåhundra fåglar.\n")
        self.assertEqual(self.search(q="flamingokolonin")["total"], 0)
        prsearch("index", "--db", self.db, os.path.join(self.tmp, "more"))
        # Every worker must come to see it without a restart: poll (bounded)
        # until eight searches in a row, spread over the workers, find it.
        end, streak = time.monotonic() + 10, 0
        while streak < 8 and time.monotonic() < end:
            streak = streak + 1 if self.search(q="flamingokolonin")["total"] == 1 else 0
        self.assertEqual(streak, 8)
        # Eight in a row may all have gone to one worker, and cached
        # answers come fast: wait out the 200 ms within which every worker
        # sees another process's commit, so that later tests do.
        time.sleep(0.3)

    # ---- hostile requests ------------------------------------------------------

    def test_hostile_battery_then_normal_search(self):
        big = b"a" * 100000
        battery = [
            b"GARBAGE\r\n\r\n",
            b"GET /api/search?q=a\x00b HTTP/1.1\r\nHost: x\r\n\r\n",
            b"GET /api/search?q=\xff\xfe\xfd HTTP/1.1\r\nHost: x\r\n\r\n",
            b"GET /api/search?q=" + big + b" HTTP/1.1\r\nHost: x\r\n\r\n",
            b"GET /api/search?q=x&size=-99999999999999999999999 HTTP/1.1\r\n\r\n",
            b"GET /api/search?q=x&page=18446744073709551617&size=1e309 HTTP/1.1\r\n\r\n",
            b"GET /api/search?" + b"&".join([b"q=x"] * 2000) + b" HTTP/1.1\r\n\r\n",
            b"GET /api/search?q=%%%%%zz%c3 HTTP/1.1\r\n\r\n",
            b"GET /api/search?q=" + b"%28" * 2000 + b" HTTP/1.1\r\n\r\n",
            b"GET /api/search?q=" + b'%22' * 500 + b"a*" * 200 + b" HTTP/1.1\r\n\r\n",
            b"GET /api/suggest?q=" + b"%C3%A5" * 120 + b" HTTP/1.1\r\n\r\n",
            b"GET /api/documents/" + b"%2e%2e/" * 50 + b" HTTP/1.1\r\n\r\n",
            b"GET /../../../../etc/passwd HTTP/1.1\r\n\r\n",
            b"GET " + b"/" * 5000 + b" HTTP/1.1\r\n\r\n",
            b"POST /api/documents HTTP/1.1\r\nContent-Length: 99999999999999\r\n\r\nabc",
            b"POST /api/documents HTTP/1.1\r\nContent-Length: -1\r\n\r\n",
            b"POST /api/documents HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nZZZ\r\n",
            b"POST /api/documents HTTP/1.1\r\nAuthorization: Bearer " + TOKEN.encode() +
            b"\r\nContent-Length: 12\r\n\r\n[{\"id\":\x00}]",
            b"GET /api/search?q=x HTTP/1.1\r\n" + b"".join(
                b"X-H%d: v\r\n" % i for i in range(3000)) + b"\r\n",
            b"GET /api/search?q=x HTTP/1.1\r\nHost: " + b"h" * 30000 + b"\r\n\r\n",
            b"GET /api/search?q=x HTTP/9.9\r\n\r\n",
            b"GET /api/sea",  # truncated
            b"\r\n\r\n\r\n",
        ]
        for data in battery:
            with self.subTest(data=data[:50]):
                out = self.srv.raw(data)
                if out:
                    self.assertRegex(out[:12], rb"^HTTP/1\.[01] [2345]\d\d")
                    self.assertNotRegex(out[:12], rb"^HTTP/1\.[01] 5\d\d")
        # A slow client: bytes trickle in, and it never finishes. Others
        # are answered meanwhile, and the server drops it (request_timeout).
        slow = socket.create_connection(("127.0.0.1", self.srv.port), timeout=30)
        try:
            for b in b"GET /api/se":
                slow.send(bytes([b]))
            self.assertEqual(self.search(q="skyddsmasker")["hits"][0]["id"], MASKS)
            end = time.monotonic() + 30
            closed = False
            while not closed and time.monotonic() < end:
                try:
                    closed = slow.recv(4096) == b"" or closed
                    if not closed:
                        continue
                except ConnectionResetError:
                    closed = True
            self.assertTrue(closed)
        finally:
            slow.close()
        # And the server still answers correctly.
        b = self.search(q="skyddsmasker civila försvaret")
        self.assertEqual(b["hits"][0]["id"], MASKS)
        self.assertEqual(self.srv.get_json("/healthz")[0], 200)
        self.assertIsNone(self.srv.proc.poll())


class BulkBuildTest(unittest.TestCase):
    """A server started on an empty index sees the index a bulk build puts
    in its place (a new folder, which Xapian alone would not notice)."""

    def test_bulk_built_index_becomes_visible(self):
        tmp = tempdir("prs-http-bulk-")
        self.addCleanup(rmtree, tmp)
        db = os.path.join(tmp, "db")
        os.makedirs(os.path.join(tmp, "nothing"))
        prsearch("index", "--db", db, os.path.join(tmp, "nothing"))
        srv = Server(db, tmp)
        self.addCleanup(srv.stop, signal.SIGKILL)
        self.assertEqual(srv.get_json(q(q="skyddsmasker"))[2]["total"], 0)
        prsearch("index", "--db", db, "--jobs", "2",
                 os.path.join(SAMPLE, "pressmeddelanden"))
        end, streak = time.monotonic() + 10, 0
        while streak < 8 and time.monotonic() < end:
            hits = srv.get_json(q(q="skyddsmasker"))[2]["hits"]
            streak = streak + 1 if hits and hits[0]["id"] == MASKS else 0
        self.assertEqual(streak, 8)
        self.assertEqual(srv.stop(), 0)


class NoTokenTest(unittest.TestCase):
    """Without token_file the write API is off, and SIGTERM lets requests
    in flight finish."""

    def setUp(self):
        self.tmp = tempdir("prs-http-stop-")
        self.db = os.path.join(self.tmp, "db")
        index_sample(self.db)
        self.srv = Server(self.db, self.tmp, token=False)
        self.addCleanup(rmtree, self.tmp)
        self.addCleanup(self.srv.stop, signal.SIGKILL)

    def test_write_api_is_off(self):
        for method, path in (("POST", "/api/documents"), ("DELETE", "/api/documents/" + SEED)):
            st, h, data = self.srv.request(method, path, body=b"{}" if method == "POST" else None,
                                           headers=AUTH)
            self.assertEqual(st, 403)
            self.assertEqual(json.loads(data)["error"]["code"], "forbidden")
        self.assertEqual(self.srv.get_json("/healthz")[2]["write_api"], False)
        self.assertEqual(self.srv.stop(), 0)

    def test_sigterm_finishes_requests_in_flight(self):
        conn = socket.create_connection(("127.0.0.1", self.srv.port), timeout=30)
        try:
            # One full request, so the connection is surely accepted...
            conn.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            first = conn.recv(65536)
            self.assertIn(b"200 OK", first)
            # ...then half of the next one, then SIGTERM.
            conn.sendall(b"GET /api/search?q=skyddsmasker HTTP/1.1\r\nHo")
            self.srv.proc.send_signal(15)
            self.assertTrue(self.srv.wait_log(r"SIGTERM: finishing requests"))
            conn.sendall(b"st: x\r\n\r\n")
            data = b""
            while True:
                chunk = conn.recv(65536)
                if not chunk:
                    break
                data += chunk
        finally:
            conn.close()
        head, _, body = data.partition(b"\r\n\r\n")
        self.assertIn(b"200 OK", head)
        self.assertIn(b"Connection: close", head)
        self.assertEqual(json.loads(body)["hits"][0]["id"], MASKS)
        self.assertEqual(self.srv.stop(), 0)
        with self.assertRaises(OSError):
            socket.create_connection(("127.0.0.1", self.srv.port), timeout=5).close()

    def test_second_server_on_the_same_address_fails(self):
        # The workers share the port (SO_REUSEPORT); another server must
        # not join them.
        p = prsearch("serve", "--db", self.db, "--listen",
                     f"127.0.0.1:{self.srv.port}", "--threads", "2", check=1,
                     timeout=60)
        self.assertIn("Address already in use", p.stderr)
        self.assertEqual(self.srv.get_json("/healthz")[0], 200)
        self.assertEqual(self.srv.stop(), 0)

    def test_sigint_stops_idle_server(self):
        self.assertEqual(self.srv.get_json("/healthz")[0], 200)
        self.assertEqual(self.srv.stop(sig=2), 0)

    def test_bad_config_names_file_line_and_key(self):
        conf = os.path.join(self.tmp, "bad.conf")
        with open(conf, "w") as f:
            f.write("threads = 2\nlisten = 127.0.0.1:0\nprot = 80\n")
        p = prsearch("serve", "--config", conf, "--db", self.db, check=2)
        self.assertIn(f"{conf}:3: unknown key 'prot'", p.stderr)
        p = prsearch("serve", "--db", self.db, "--threads", "many", check=2)
        self.assertIn("threads", p.stderr)
        p = prsearch("serve", "--db", os.path.join(self.tmp, "none"), check=4)
        self.srv.stop()


if __name__ == "__main__":
    unittest.main()
