"""prsearch search: the query language and the output, on the bundled
sample (200 real releases and the page dump)."""
import json
import os
import re
import unittest

from prs import SOURCE, TempDirTest, run, search_ids

SAMPLE = os.path.join(SOURCE, "data", "sample")
MASKS = "pressmeddelanden/2026/01/20-000-skyddsmasker-till-det-civila-forsvaret"
TIVOLI = ("pressmeddelanden/2024/08/en-starkt-tillsyn-av-tivolin-och-en-oversyn-"
          "av-vissa-uppgifter-som-utfors-av-polismyndigheten")
SEED = "seed/norrkoping-klockaretorpet"


class SearchTest(TempDirTest):
    @classmethod
    def setUpClass(cls):
        import tempfile
        cls.dbdir = tempfile.mkdtemp(prefix="prs-search-")
        cls.db = os.path.join(cls.dbdir, "db")
        run("index", "--db", cls.db, os.path.join(SAMPLE, "pressmeddelanden"),
            os.path.join(SAMPLE, "seed"), check=0)

    @classmethod
    def tearDownClass(cls):
        import shutil
        shutil.rmtree(cls.dbdir, ignore_errors=True)

    def ids(self, *q, **kw):
        return search_ids(self.db, *q, **kw)

    def test_all_words_must_match_and_inflections_match(self):
        self.assertEqual(self.ids("skyddsmasker", "civila", "försvaret")[0], MASKS)
        # "skyddsmask" (singular stem) reaches "skyddsmasker".
        self.assertIn(MASKS, self.ids("skyddsmasken"))
        self.assertEqual(self.ids("skyddsmasker", "tivoli"), [])

    def test_words_typed_without_swedish_letters_match_folded(self):
        # "forsvaret" reaches "försvaret" through its folded form.
        self.assertEqual(self.ids("skyddsmasker", "civila", "forsvaret")[0], MASKS)
        self.assertEqual(self.ids("norrkopings", "klockaretorpet"), [SEED])
        # The exact form scores above the folded one.
        def score(*q):
            p = run("search", "--db", self.db, "--json", "--", *q, check=0)
            return {h["id"]: h["score"] for h in json.loads(p.stdout)["hits"]}[SEED]
        self.assertGreater(score("norrköpings"), score("norrkopings"))

    def test_all_but_one_word_shows_below_full_matches(self):
        # "tivolin" is not in the masks release: it matches 3 of 4 words.
        p = run("search", "--db", self.db, "--json", "--limit", "50", "--",
                "skyddsmasker", "civila", "försvaret", "tivolin", check=0)
        out = json.loads(p.stdout)
        ids = [h["id"] for h in out["hits"]]
        self.assertIn(MASKS, ids)
        self.assertEqual(out["total"], len(ids))
        # Paging crosses into the forgiving tier: page 2 of size 1 is hit 2.
        if len(ids) > 1:
            self.assertEqual(self.ids("skyddsmasker", "civila", "försvaret",
                                      "tivolin", limit=1, extra=("--offset", "1")),
                             ids[1:2])
        # Explicit operators and phrases keep their meaning.
        self.assertEqual(self.ids("skyddsmasker", "AND", "civila", "AND",
                                  "tivolin"), [])
        self.assertEqual(self.ids('"civila försvaret"', "skyddsmasker", "tivolin"), [])
        # A full match ranks above an all-but-one match.
        both = self.ids("skyddsmasker", "civila", "försvaret", "masker", limit=50)
        self.assertEqual(both[0], MASKS)

    def test_misspelt_word_is_corrected(self):
        p = run("search", "--db", self.db, "--json", "--", "skyddsmaskrer",
                "civila", check=0)
        out = json.loads(p.stdout)
        self.assertEqual(out["corrected"], "skyddsmasker civila")
        self.assertEqual(out["hits"][0]["id"], MASKS)
        p = run("search", "--db", self.db, "--", "skyddsmaskrer", "civila", check=0)
        self.assertIn('Showing results for "skyddsmasker civila"', p.stderr)
        # A query that finds enough is left alone.
        p = run("search", "--db", self.db, "--json", "--", "civila", check=0)
        self.assertNotIn("corrected", json.loads(p.stdout))

    def test_or_not_and_minus(self):
        either = self.ids("skyddsmasker", "OR", "tivolin", limit=50)
        self.assertIn(MASKS, either)
        self.assertIn(TIVOLI, either)
        with_masks = self.ids("civila", "försvaret", limit=100)
        self.assertIn(MASKS, with_masks)
        self.assertNotIn(MASKS, self.ids("civila", "försvaret", "-skyddsmasker", limit=100))
        self.assertNotIn(MASKS, self.ids("civila", "försvaret", "NOT", "skyddsmasker", limit=100))

    def test_phrase_needs_adjacent_words(self):
        self.assertIn(MASKS, self.ids('"civila försvaret"', limit=50))
        self.assertEqual(self.ids('"försvaret civila"'), [])

    def test_fields(self):
        self.assertEqual(self.ids("org:Norrköpings"), [SEED])
        self.assertEqual(self.ids("title:Klockaretorpet"), [SEED])
        self.assertEqual(self.ids("contact:Thörn"), [SEED])
        # "Vikmång" is in the body, not the title.
        self.assertEqual(self.ids("title:Vikmång"), [])

    def test_body_field(self):
        # In the body and a contact name: found.
        self.assertEqual(self.ids("body:Vikmång"), [SEED])
        self.assertEqual(self.ids("text:Thörn"), [SEED])
        # In the title only: the release has the word, but not in its body.
        self.assertIn(SEED, self.ids("klassas"))
        self.assertNotIn(SEED, self.ids("body:klassas", limit=200))
        self.assertEqual(self.ids('title:"nationell lista"'), [SEED])
        self.assertEqual(self.ids('body:"nationell lista"'), [])
        # The title's "nationell" is in the body as "nationella": its stem
        # is in the body, the exact word is not.
        self.assertEqual(self.ids("body:nationell", "body:Klockaretorpet"),
                         [SEED])
        self.assertEqual(self.ids('body:"nationell"', "Klockaretorpet"), [])
        # Prefixes: words of the body starting with it.
        self.assertIn(SEED, self.ids("body:Vikmå*"))
        self.assertIn(SEED, self.ids("klassa*"))
        self.assertNotIn(SEED, self.ids("body:klassa*", limit=200))
        self.assertEqual(self.ids("body:zqxwvu*"), [])

    def test_prefix(self):
        self.assertIn(MASKS, self.ids("skyddsmas*"))
        self.assertIn(SEED, self.ids("Klockareto*"))

    def test_colon_genitive_and_hyphen(self):
        self.assertIn(SEED, self.ids("EST-effektiv"))
        self.assertIn(SEED, self.ids("EST"))

    def test_dates_and_sort(self):
        out = json.loads(run("search", "--db", self.db, "--json", "--limit", "100",
                             "--sort", "date", "regeringen", check=0).stdout)
        dates = [h["date"] or "" for h in out["hits"]]
        self.assertGreater(len(dates), 10)
        self.assertEqual(dates, sorted(dates, reverse=True))
        since = json.loads(run("search", "--db", self.db, "--json", "--limit", "100",
                               "--since", "2026-01", "--until", "2026-01-31",
                               "regeringen", check=0).stdout)
        self.assertGreater(len(since["hits"]), 0)
        for h in since["hits"]:
            self.assertTrue(h["date"].startswith("2026-01"), h)
        run("search", "--db", self.db, "--since", "2026-13", "x", check=2)

    def test_json_output_shape_and_snippet(self):
        out = json.loads(run("search", "--db", self.db, "--json", "skyddsmasker", check=0).stdout)
        self.assertEqual(out["query"], "skyddsmasker")
        self.assertGreaterEqual(out["total"], 1)
        hit = out["hits"][0]
        for key in ("id", "title", "date", "url", "score", "snippet"):
            self.assertIn(key, hit)
        self.assertIn("<mark>skyddsmasker</mark>", hit["snippet"])
        self.assertNotRegex(re.sub(r"</?mark>", "", hit["snippet"]), r"<|>")

    def test_offset_pages_through_results(self):
        all10 = self.ids("regeringen", limit=10)
        page2 = search_ids(self.db, "regeringen", limit=5, extra=("--offset", "5"))
        self.assertEqual(all10[5:], page2)

    def test_human_output(self):
        p = run("search", "--db", self.db, "--color", "never", "Vikmång", check=0)
        self.assertIn("Klockaretorpet klassas inte längre", p.stdout)
        self.assertIn(SEED, p.stdout)
        self.assertIn("[Vikmång]", p.stdout)
        p = run("search", "--db", self.db, "--color", "always", "Vikmång", check=0)
        self.assertIn("\033[1;33mVikmång\033[0m", p.stdout)
        p = run("search", "--db", self.db, "inget-sådant-ord-finns", check=0)
        self.assertIn("No releases found", p.stdout)

    def test_syntax_errors_are_explained(self):
        for q in ("(skyddsmasker", "skyddsmasker)", "-skyddsmasker", "a*"):
            p = run("search", "--db", self.db, "--", q, check=6)
            self.assertTrue(p.stderr.startswith("prsearch"), p.stderr)
            self.assertNotIn("Traceback", p.stderr)

    def test_garbage_queries_never_crash(self):
        for q in ("\ufffd\ufffd", "&&&", "\"", "title:", "))((", "x" * 5000,
                  "a " * 600, "OR OR OR", "*"):
            p = run("search", "--db", self.db, "--", q)
            self.assertIn(p.returncode, (0, 6), (q[:40], p.stderr))


if __name__ == "__main__":
    unittest.main()
