"""The search page in a real browser: Debian's headless chromium, driven
through chromedriver (W3C WebDriver over HTTP, tests/browser/webdriver.py),
against the real `prsearch serve` on a loopback port with a real index of
data/sample plus two hostile releases.

Environment (set by ctest): PRSEARCH_BIN, PRS_SOURCE_DIR, PRS_ARTIFACT_DIR
(screenshots), and optionally CHROMIUM / CHROMEDRIVER. A missing browser
is a failure, not a skip."""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.parse
import urllib.error
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from webdriver import (KEY_ARROW_DOWN, KEY_ENTER, KEY_ESCAPE,  # noqa: E402
                       Driver, find_program)

PRSEARCH = os.environ.get("PRSEARCH_BIN", "prsearch")
SOURCE = os.path.abspath(os.environ.get(
    "PRS_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", "..")))
ARTIFACTS = os.path.abspath(os.environ.get(
    "PRS_ARTIFACT_DIR", os.path.join(SOURCE, "build", "tests", "artifacts")))
SAMPLE = os.path.join(SOURCE, "data", "sample")

SCRIPT_TITLE = "<script>window.__pwned=1</script>Skadlig titel"
SCRIPT_ORG = "<i>Elak</i> myndighet"
HOSTILE = [
    {"id": "test/skadlig-titel", "title": SCRIPT_TITLE, "org": SCRIPT_ORG,
     "published": "2023-05-04", "type": "Pressmeddelande",
     "url": "javascript:window.__pwned=3",
     "lead": "Ett skadligtestord i ingressen <script>window.__pwned=4</script>.",
     "body": "Brödtext om skadligtestord & <b>fet</b> text."},
    {"id": "test/skadlig-bild", "title": "Bild med <img src=x onerror=window.__pwned=5>",
     "org": "Testverket", "published": "2023-05-05", "type": "Nyhet",
     "lead": "Skadligtestord <img src=x onerror=\"window.__pwned=2\"> i ingressen.",
     "body": "Här är en bild <img src=x onerror=\"window.__pwned=2\"> och ett "
             "skadligtestord."},
]

LISTEN_RE = re.compile(r"listening on (http://127\.0\.0\.1:\d+/)")
WAIT = 20.0  # seconds any single condition may take


def screenshot_path(name):
    return os.path.join(ARTIFACTS, f"browser-{name}.png")


class SearchPageTest(unittest.TestCase):
    """One index, one server and one browser for all tests; each test
    starts from a fresh page load."""

    @classmethod
    def setUpClass(cls):
        chromium = find_program("CHROMIUM", "chromium", "chromium-browser")
        chromedriver = find_program("CHROMEDRIVER", "chromedriver")
        cls.tmp = tempfile.mkdtemp(prefix="prs-browser-")
        os.makedirs(ARTIFACTS, exist_ok=True)
        cls.server = None
        cls.driver = None
        try:
            cls._index()
            cls._serve()
            cls.driver = Driver(chromium, chromedriver, width=1280, height=900,
                                timeout=WAIT,
                                log_path=os.path.join(cls.tmp, "chromedriver.log"))
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        if cls.driver:
            cls.driver.quit()
            cls.driver = None
        if cls.server and cls.server.poll() is None:
            cls.server.send_signal(signal.SIGTERM)
            try:
                cls.server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                cls.server.kill()
                cls.server.wait()
        if getattr(cls, "server_log", None):
            cls.server_log.close()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    @classmethod
    def _index(cls):
        jsonl = os.path.join(cls.tmp, "hostile.jsonl")
        with open(jsonl, "w", encoding="utf-8") as f:
            for rec in HOSTILE:
                f.write(json.dumps(rec, ensure_ascii=False) + "\n")
        cls.db = os.path.join(cls.tmp, "idx")
        p = subprocess.run([PRSEARCH, "index", "--db", cls.db, SAMPLE, jsonl],
                           capture_output=True, text=True, timeout=300)
        if p.returncode != 0:
            raise AssertionError(f"prsearch index: exit {p.returncode}\n{p.stderr}")

    @classmethod
    def _serve(cls):
        log = os.path.join(cls.tmp, "serve.log")
        cls.server_log = open(log, "w+b")
        env = dict(os.environ)
        env.pop("PRSEARCH_DB", None)
        cls.server = subprocess.Popen(
            [PRSEARCH, "serve", "--listen", "127.0.0.1:0", "--threads", "2",
             "--db", cls.db],
            stdout=subprocess.DEVNULL, stderr=cls.server_log, env=env)
        deadline = time.monotonic() + WAIT
        while True:
            with open(log, encoding="utf-8", errors="replace") as f:
                text = f.read()
            m = LISTEN_RE.search(text)
            if m:
                cls.base = m.group(1)
                return
            if cls.server.poll() is not None:
                raise AssertionError(
                    f"prsearch serve exited {cls.server.returncode}:\n{text}")
            if time.monotonic() > deadline:
                raise AssertionError(f"prsearch serve did not report its address:\n{text}")
            time.sleep(0.05)  # poll interval

    # ---- helpers ----

    def setUp(self):
        self.d = self.driver
        self.d.set_window_size(1280, 900)

    def api(self, path, **params):
        url = self.base + path.lstrip("/") + "?" + urllib.parse.urlencode(params)
        try:
            with urllib.request.urlopen(url, timeout=WAIT) as r:
                return r.status, json.loads(r.read().decode())
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read().decode() or "null")

    def open(self, query=""):
        self.d.get(self.base + query)
        self.d.wait_for("the page script", "return !!document.getElementById('q') && "
                        "document.readyState === 'complete'")

    def wait_hits(self, what="results"):
        """Waits until a search has finished and shows hits; returns ids."""
        return self.d.wait_for(what, """
            if (document.body.classList.contains('is-loading')) return null;
            var hits = document.querySelectorAll('#hits > li.hit');
            return hits.length ? Array.from(hits, h => h.dataset.id) : null;""")

    def wait_idle(self):
        self.d.wait_for("the search to finish",
                        "return !document.body.classList.contains('is-loading')")

    def type_slowly(self, element, text):
        """Types like a person: one key event per character."""
        for ch in text:
            element.send_keys(ch)

    def wait_suggestions(self, text):
        """Waits for the open suggestion list of text, not a list still
        open from an earlier keystroke; returns the options' texts."""
        return self.d.wait_for(f"suggestions for {text!r}", """
            var list = document.getElementById('suggestions');
            if (list.hidden || list.getAttribute('data-for') !== arguments[0])
                return null;
            return Array.from(list.querySelectorAll('[role=option]'),
                              x => x.textContent);""", text)

    def query_param(self, name):
        qs = urllib.parse.urlsplit(self.d.current_url()).query
        return urllib.parse.parse_qs(qs).get(name, [None])[0]

    def assert_not_pwned(self):
        self.assertIsNone(self.d.js("return window.__pwned === undefined ? null : "
                                    "String(window.__pwned)"),
                          "a hostile release ran script in the page")

    def assert_no_script_errors(self):
        errors = [e for e in self.d.browser_log()
                  if e.get("level") == "SEVERE" and e.get("source") != "network"]
        self.assertEqual(errors, [], "JavaScript errors in the page")

    # ---- tests ----

    def test_01_type_see_suggestions_submit_see_highlights(self):
        self.open()
        self.assertEqual(self.d.js("return document.activeElement.id"), "q",
                         "the search box has focus on an empty page")
        box = self.d.find("#q")
        self.type_slowly(box, "regeringen sä")
        options = self.wait_suggestions("regeringen sä")
        self.assertTrue(any(o.lower().startswith("regeringen sä") for o in options),
                        options)
        self.assertEqual(box.attribute("aria-expanded"), "true")
        self.d.screenshot(screenshot_path("desktop-suggestions"))

        # Keyboard: ArrowDown makes the first option active (ARIA combobox).
        box.send_keys(KEY_ARROW_DOWN)
        active = self.d.wait_for("an active option", """
            var id = document.getElementById('q').getAttribute('aria-activedescendant');
            var o = id && document.getElementById(id);
            return o && o.getAttribute('aria-selected') === 'true' ? id : null;""")
        self.assertEqual(active, "suggestion-0")
        box.send_keys(KEY_ESCAPE)
        self.d.wait_for("the listbox to close",
                        "return document.getElementById('suggestions').hidden")
        self.assertEqual(box.attribute("aria-expanded"), "false")

        # Submit what was typed: results with <mark> highlights.
        box.send_keys("nker" + KEY_ENTER)
        ids = self.wait_hits("results for 'regeringen sänker'")
        self.assertGreater(len(ids), 0)
        self.assertEqual(self.query_param("q"), "regeringen sänker")
        marks = self.d.js("return Array.from(document.querySelectorAll("
                          "'#hits .hit-snippet mark'), m => m.textContent)")
        self.assertTrue(marks, "no <mark> in the snippets")
        self.assertTrue(any(m.lower().startswith(("regering", "sänk")) for m in marks),
                        marks)
        status = self.d.wait_for("the live status", "return document."
                                 "getElementById('status').textContent")
        self.assertRegex(status, r"\d+ träff")
        self.assertEqual(self.d.find("#status").attribute("aria-live"), "polite")
        self.d.screenshot(screenshot_path("desktop-results"))
        self.assert_no_script_errors()

    def test_02_suggestion_chosen_by_keyboard_searches(self):
        self.open()
        box = self.d.find("#q")
        self.type_slowly(box, "försvar")
        self.wait_suggestions("försvar")
        box.send_keys(KEY_ARROW_DOWN)
        chosen = self.d.js("return document.getElementById('suggestion-0').textContent")
        box.send_keys(KEY_ENTER)
        self.wait_idle()
        self.d.wait_for("the chosen suggestion in the URL",
                        "return new URLSearchParams(location.search).get('q') === "
                        "arguments[0]", chosen.strip())

    def test_03_facet_narrows_results_and_back_restores(self):
        self.open("?q=regeringen")
        self.wait_hits()
        total = self.d.find("#result-count").attribute("data-total")
        # The year with the fewest (but some) hits narrows the most.
        year = self.d.js("""
            var best = null;
            document.querySelectorAll('input[data-facet=year]').forEach(function (i) {
              var c = i.closest('li').querySelector('.facet-count');
              var n = c ? parseInt(c.textContent.replace(/\\D/g, ''), 10) : 0;
              if (n > 0 && (!best || n < best.n)) best = {value: i.value, n: n};
            });
            return best;""")
        self.assertIsNotNone(year, "no year facet on the page")
        box = self.d.find(f'input[data-facet=year][value="{year["value"]}"]')
        label = self.d.find(f'label[for="{box.attribute("id")}"]')
        self.assertIn(year["value"], label.text())
        box.click()
        self.d.wait_for("the year filter in the URL", "return new URLSearchParams("
                        "location.search).get('year') === arguments[0]", year["value"])
        self.wait_hits("filtered results")
        dates = self.d.js("return Array.from(document.querySelectorAll('#hits time'),"
                          " t => t.getAttribute('datetime'))")
        self.assertTrue(dates)
        self.assertTrue(all(d.startswith(year["value"]) for d in dates), dates)
        narrowed = self.d.find("#result-count").attribute("data-total")
        self.assertEqual(int(narrowed), year["n"], "the facet's count is the new total")
        self.assertLess(int(narrowed), int(total))
        self.assertTrue(self.d.find(f'input[data-facet=year][value="{year["value"]}"]')
                        .property("checked"))
        # Focus stays on the checkbox the user changed.
        self.assertEqual(self.d.js("return document.activeElement.dataset.value"),
                         year["value"])
        self.d.screenshot(screenshot_path("desktop-facet"))

        # Back: the unfiltered results again, from the URL.
        self.d.back()
        self.d.wait_for("the unfiltered results",
                        "return !new URLSearchParams(location.search).has('year') && "
                        "!document.body.classList.contains('is-loading') && "
                        "document.getElementById('result-count').dataset.total === "
                        "arguments[0]", total)

    def test_04_page_forward_shows_other_hits(self):
        self.open("?q=regeringen")
        first = self.wait_hits()
        nxt = self.d.find("#pagination a[rel=next]")
        nxt.click()
        self.d.wait_for("page 2 in the URL", "return new URLSearchParams("
                        "location.search).get('page') === '2'")
        second = self.d.wait_for("page 2 hits", """
            if (document.body.classList.contains('is-loading')) return null;
            var ids = Array.from(document.querySelectorAll('#hits > li.hit'),
                                 h => h.dataset.id);
            return ids.length && ids.join() !== arguments[0].join() ? ids : null;""",
            first)
        self.assertFalse(set(first) & set(second), "page 2 repeats page 1's hits")
        self.assertEqual(self.d.js("return document.querySelector("
                                   "'#pagination [aria-current=page]').textContent"), "2")
        self.assertEqual(self.d.js("return document.activeElement.id"), "results-heading",
                         "focus moves to the results after paging")
        self.assertIn("11", self.d.find("#result-count").text())

    def test_05_hostile_release_is_text(self):
        self.open()
        box = self.d.find("#q")
        self.type_slowly(box, "skadligtestord")
        box.send_keys(KEY_ENTER)
        ids = self.wait_hits("the hostile releases")
        self.assertIn("test/skadlig-titel", ids)
        self.assertIn("test/skadlig-bild", ids)
        title = self.d.js("return document.querySelector("
                          "'#hits li[data-id=\"test/skadlig-titel\"] .hit-title')"
                          ".textContent")
        self.assertEqual(title, SCRIPT_TITLE)
        self.assertIn(SCRIPT_TITLE, self.d.find('#hits li[data-id="test/skadlig-titel"]')
                      .text(), "the title is visible as text")
        self.assertIn("<img", self.d.find('#hits li[data-id="test/skadlig-bild"] '
                                          '.hit-title').text())
        page = self.d.js("""
            var hits = document.getElementById('hits');
            return {scripts: hits.querySelectorAll('script').length,
                    imgs: document.querySelectorAll('main img').length,
                    italics: document.querySelectorAll('main i, main b').length,
                    jsLinks: document.querySelectorAll('a[href^="javascript:" i]').length,
                    org: document.querySelector('li[data-id="test/skadlig-titel"] .hit-org')
                           .textContent,
                    marks: hits.querySelectorAll('mark').length,
                    onattrs: Array.from(document.querySelectorAll('main *')).filter(
                      e => Array.from(e.attributes).some(a => /^on/i.test(a.name))).length};
            """)
        self.assertEqual(page["scripts"], 0)
        self.assertEqual(page["imgs"], 0)
        self.assertEqual(page["italics"], 0)
        self.assertEqual(page["jsLinks"], 0, "a javascript: url became a link")
        self.assertEqual(page["onattrs"], 0)
        self.assertEqual(page["org"], SCRIPT_ORG)
        self.assertGreater(page["marks"], 0)
        # The organisation facet shows the hostile name as text, too.
        self.assertIn(SCRIPT_ORG, self.d.js("return document.getElementById('facets')"
                                            ".textContent"))
        self.assert_not_pwned()
        self.d.screenshot(screenshot_path("desktop-hostile"))

        # The suggestions list shows hostile titles as text as well.
        self.open()
        box = self.d.find("#q")
        self.type_slowly(box, "skadlig")
        texts = " ".join(self.wait_suggestions("skadlig"))
        self.assertEqual(self.d.js("return document.querySelectorAll("
                                   "'#suggestions script, #suggestions img').length"), 0)
        if "Skadlig titel" in texts:
            self.assertIn(SCRIPT_TITLE, texts)
        self.assert_not_pwned()
        self.assert_no_script_errors()

    def test_06_empty_state(self):
        self.open("?q=xqzvwjkqpl")
        self.d.wait_for("the empty state", """
            var m = document.getElementById('message');
            return !m.hidden && /Inga träffar för/.test(m.textContent);""")
        self.assertIn("xqzvwjkqpl", self.d.find("#message").text())
        self.assertRegex(self.d.wait_for("the status", "return document."
                                         "getElementById('status').textContent"),
                         "Inga träffar")
        self.assertEqual(self.d.js("return document.querySelectorAll('#hits li').length"), 0)

    def test_07_did_you_mean(self):
        # A query that finds nothing is searched as corrected, and says so.
        status, data = self.api("api/search", q="regeringn")
        self.assertEqual((status, data.get("corrected")), (200, "regeringen"), data)
        self.open("?q=regeringn")
        self.assertEqual(self.d.wait_for("the corrected query", """
            var p = document.getElementById('did-you-mean');
            return p.hidden ? null : p.textContent;"""),
            "Visar resultat för regeringen")
        self.wait_hits()
        # One that finds a little is kept, with a "Menade du" link.
        q = "regeringn OR skyddsmasker"
        status, data = self.api("api/search", q=q)
        self.assertEqual(status, 200, data)
        self.assertNotIn("corrected", data)
        suggestion = data.get("suggestion")
        self.assertTrue(suggestion, f"no suggestion for {q!r}: {data}")
        self.open("?" + urllib.parse.urlencode({"q": q}))
        link = self.d.wait_for("the 'Menade du' link", """
            var p = document.getElementById('did-you-mean');
            return p.hidden ? null : p.textContent;""")
        self.assertEqual(link, f"Menade du {suggestion}?")
        self.d.find("#did-you-mean a").click()
        self.d.wait_for("the corrected search", "return new URLSearchParams("
                        "location.search).get('q') === arguments[0]", suggestion)
        self.wait_hits()

    def test_08_error_state(self):
        status, data = self.api("api/search", q="regeringen", size="100000")
        self.assertGreaterEqual(status, 400)
        # The page passes from/to through; a bad date is the server's 400.
        self.open("?q=regeringen&from=inte-ett-datum")
        self.d.wait_for("the error state", """
            var m = document.getElementById('message');
            return !m.hidden && m.getAttribute('role') === 'alert' &&
                   m.classList.contains('message-error');""")
        self.assertIn("Ett av sökvillkoren är ogiltigt", self.d.find("#message").text())
        self.d.screenshot(screenshot_path("desktop-error"))
        # The way out: search again without the bad filter.
        self.d.find("#message button").click()
        self.wait_hits("results without the filter")
        self.assertIsNone(self.query_param("from"))
        self.assertEqual(self.query_param("q"), "regeringen")

    def test_09_phone_layout(self):
        self.d.set_window_size(390, 844)
        try:
            self.open("?q=regeringen")
            self.wait_hits()
            layout = self.d.js("""
                return {overflow: document.documentElement.scrollWidth - window.innerWidth,
                        filtersShown: getComputedStyle(document.getElementById('filters'))
                                        .display !== 'none',
                        toggle: !document.getElementById('filters-toggle').hidden};""")
            self.assertLessEqual(layout["overflow"], 0, "the page scrolls sideways")
            self.assertFalse(layout["filtersShown"], "filters take the phone's screen")
            self.assertTrue(layout["toggle"])
            self.d.screenshot(screenshot_path("phone-results"))
            self.d.find("#filters-toggle").click()
            self.d.wait_for("the filter panel", "return getComputedStyle(document."
                            "getElementById('filters')).display !== 'none'")
            self.assertEqual(self.d.find("#filters-toggle").attribute("aria-expanded"),
                             "true")
            self.d.screenshot(screenshot_path("phone-filters"))
            self.d.js("document.getElementById('pagination').scrollIntoView("
                      "{block: 'end'})")
            self.assertTrue(self.d.js("var r = document.getElementById('pagination')"
                                      ".getBoundingClientRect(); return r.right <= "
                                      "window.innerWidth && r.height > 0"))
            self.d.screenshot(screenshot_path("phone-pagination"))
        finally:
            self.d.set_window_size(1280, 900)


if __name__ == "__main__":
    unittest.main(verbosity=2)
