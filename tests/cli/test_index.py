"""prsearch index / delete / show / stats through the command line."""
import gzip
import json
import os
import shutil
import unittest

from prs import CORPUS, SOURCE, TempDirTest, run, search_ids, stats

MD = """# Nya regler för drönare i Norrköping

Regeringen föreslår skärpta regler för drönare över skyddsobjekt.

Förslaget gäller från den 1 juli. Kontakta pressjouren för mer information.
"""

HTML = """<!doctype html><html><head>
<title>Site | Start</title>
<meta property="og:title" content="Kommunen bygger ny simhall">
<meta property="article:published_time" content="2024-03-05T10:00:00+01:00">
<meta property="og:site_name" content="Exempelstads kommun">
<script>var tracking = "spårningskod";</script>
</head><body>
<nav>Meny Startsida Nyheter Kontakt</nav>
<article><h1>Kommunen bygger ny simhall</h1>
<p>Den nya simhallen får en bassäng på femtio meter.</p></article>
<footer>Cookiepolicy och tillgänglighetsredogörelse</footer>
</body></html>
"""


def jsonl_record(i, **extra):
    rec = {"id": f"arkiv/{i}", "title": f"Rapport nummer {i} om havsörnar",
           "published": "2023-05", "org": "Naturvårdsverket",
           "body": f"Havsörnen häckar vid kusten. Löpnummer lopnr{i}x."}
    rec.update(extra)
    return json.dumps(rec, ensure_ascii=False)


class FormatsTest(TempDirTest):
    """Every input format is read and searchable."""

    def test_every_format(self):
        self.write("in/md/2024/05/dronare.md", MD)
        self.write("in/html/simhall.html", HTML)
        shutil.copy(os.path.join(CORPUS, "seed", "norrkoping-klockaretorpet.txt"),
                    os.path.join(self.tmp, "in"))
        self.write("in/data/lines.jsonl", "\n".join(jsonl_record(i) for i in range(3)) + "\n")
        self.write("in/data/array.json", "[" + ",".join(jsonl_record(i) for i in range(3, 5)) + "]")
        with gzip.open(os.path.join(self.tmp, "in/data/packed.jsonl.gz"), "wt") as f:
            f.write(jsonl_record(5) + "\n")
        db = os.path.join(self.tmp, "db")
        p = run("index", "--db", db, os.path.join(self.tmp, "in"), check=0)
        self.assertEqual(stats(db)["documents"], 1 + 1 + 1 + 6, p.stderr)

        self.assertEqual(search_ids(db, "drönare"), ["in/md/2024/05/dronare"])
        self.assertEqual(search_ids(db, "simhall"), ["in/html/simhall"])
        self.assertEqual(search_ids(db, "lopnr5x"), ["arkiv/5"])
        self.assertEqual(search_ids(db, "lopnr3x"), ["arkiv/3"])
        self.assertEqual(search_ids(db, "Klockaretorpet"), ["in/norrkoping-klockaretorpet"])
        # Page chrome and scripts of the HTML page are not text.
        self.assertEqual(search_ids(db, "spårningskod"), [])
        self.assertEqual(search_ids(db, "Cookiepolicy"), [])

        shown = json.loads(run("show", "--db", db, "--json", "in/html/simhall", check=0).stdout)
        self.assertEqual(shown["title"], "Kommunen bygger ny simhall")
        self.assertEqual(shown["org"], "Exempelstads kommun")
        self.assertTrue(shown["published"].startswith("2024-03-05"))
        md = json.loads(run("show", "--db", db, "--json", "in/md/2024/05/dronare", check=0).stdout)
        self.assertEqual(md["published"], "2024-05")
        self.assertEqual(md["title"], "Nya regler för drönare i Norrköping")


class BadInputTest(TempDirTest):
    """Bad input is reported and skipped; the rest is indexed."""

    def test_each_bad_input_is_reported_and_skipped(self):
        good = self.write("in/good.md", MD)
        self.write("in/binary.md", b"# Titel\n\x00\x01\x02\x00binary")
        self.write("in/latin1.md", "# Räksmörgås\n\nåäö i latin-1\n".encode("latin-1"))
        self.write("in/empty.md", "")
        self.write("in/big.md", "# Stor\n\n" + "ord " * 300000)
        os.symlink(os.path.join(self.tmp, "missing.md"), os.path.join(self.tmp, "in/dangling.md"))
        lines = [jsonl_record(1), "{not json", jsonl_record(2), '{"id": 7, "title": "x"}',
                 jsonl_record(3)]
        self.write("in/records.jsonl", "\n".join(lines) + "\n")
        db = os.path.join(self.tmp, "db")
        p = run("index", "--db", db, "--max-file-size", "1000000",
                os.path.join(self.tmp, "in"), check=3)
        err = p.stderr
        for name in ("binary.md", "latin1.md", "empty.md", "big.md", "dangling.md"):
            self.assertIn(name, err)
        self.assertIn("records.jsonl:2", err)
        self.assertIn("records.jsonl:4", err)
        # good.md + 3 good JSON records
        self.assertEqual(stats(db)["documents"], 4, err)
        self.assertEqual(search_ids(db, "drönare"), ["in/good"])
        self.assertEqual(sorted(search_ids(db, "havsörnar")), ["arkiv/1", "arkiv/2", "arkiv/3"])
        # A second run still reports the bad files (they were not recorded
        # as done) but keeps everything indexed.
        run("index", "--db", db, "--max-file-size", "1000000", os.path.join(self.tmp, "in"), check=3)
        self.assertEqual(stats(db)["documents"], 4)
        self.assertTrue(os.path.exists(good))

    def test_missing_path_is_an_error_but_others_are_indexed(self):
        self.write("in/good.md", MD)
        db = os.path.join(self.tmp, "db")
        p = run("index", "--db", db, os.path.join(self.tmp, "nope"), os.path.join(self.tmp, "in"), check=3)
        self.assertIn("nope", p.stderr)
        self.assertEqual(stats(db)["documents"], 1)


    def test_empty_folder_makes_an_empty_index(self):
        os.makedirs(os.path.join(self.tmp, "empty"))
        db = os.path.join(self.tmp, "db")
        p = run("index", "--db", db, os.path.join(self.tmp, "empty"), check=0)
        self.assertRegex(p.stderr, r"^prsearch: indexed 0 releases from 0 of 0 files[^\n]*\n$")
        self.assertEqual(stats(db)["documents"], 0)


class ReindexTest(TempDirTest):
    """Re-indexing replaces in place; unchanged files are skipped."""

    def test_reindex_replaces_and_skips(self):
        path = self.write("in/a.md", MD)
        self.write("in/b.md", MD.replace("drönare", "fartyg"))
        db = os.path.join(self.tmp, "db")
        run("index", "--db", db, os.path.join(self.tmp, "in"), check=0)
        self.assertEqual(stats(db)["documents"], 2)
        p = run("index", "--db", db, os.path.join(self.tmp, "in"), check=0)
        self.assertIn("2 unchanged", p.stderr)
        self.assertIn("indexed 0 releases", p.stderr)
        self.assertEqual(stats(db)["documents"], 2)

        with open(path, "w") as f:
            f.write(MD.replace("drönare", "ubåtar"))
        os.utime(path, ns=(1, 1))  # a different mtime even on coarse clocks
        p = run("index", "--db", db, os.path.join(self.tmp, "in"), check=0)
        self.assertIn("1 unchanged", p.stderr)
        self.assertEqual(stats(db)["documents"], 2)
        self.assertEqual(search_ids(db, "ubåtar"), ["in/a"])
        self.assertEqual(search_ids(db, "drönare"), [])

    def test_same_release_from_markdown_and_json_is_one_document(self):
        self.write("pressmeddelanden/2024/05/dronare.md", MD)
        rec = {"id": "pressmeddelanden/2024/05/dronare", "title": "Nya regler för drönare",
               "body": "Samma release ur JSON."}
        self.write("export.jsonl", json.dumps(rec, ensure_ascii=False) + "\n")
        db = os.path.join(self.tmp, "db")
        run("index", "--db", db, os.path.join(self.tmp, "pressmeddelanden"), check=0)
        run("index", "--db", db, os.path.join(self.tmp, "export.jsonl"), check=0)
        self.assertEqual(stats(db)["documents"], 1)
        self.assertEqual(search_ids(db, "Samma release"), ["pressmeddelanden/2024/05/dronare"])


class PruneDeleteTest(TempDirTest):
    def test_prune_removes_releases_of_vanished_files(self):
        self.write("in/a.md", MD)
        b = self.write("in/b.md", MD.replace("drönare", "fartyg"))
        other = self.write("other/c.md", MD.replace("drönare", "helikoptrar"))
        db = os.path.join(self.tmp, "db")
        run("index", "--db", db, os.path.join(self.tmp, "in"), os.path.join(self.tmp, "other"), check=0)
        self.assertEqual(stats(db)["documents"], 3)
        os.unlink(b)
        os.unlink(other)
        # Without --prune nothing is removed.
        run("index", "--db", db, os.path.join(self.tmp, "in"), check=0)
        self.assertEqual(stats(db)["documents"], 3)
        # --prune removes only what vanished below the paths given.
        p = run("index", "--db", db, "--prune", os.path.join(self.tmp, "in"), check=0)
        self.assertIn("1 pruned", p.stderr)
        self.assertEqual(search_ids(db, "fartyg"), [])
        self.assertEqual(search_ids(db, "helikoptrar"), ["other/c"])
        self.assertEqual(search_ids(db, "drönare"), ["in/a"])

    def test_delete(self):
        self.write("in/a.md", MD)
        self.write("in/b.md", MD.replace("drönare", "fartyg"))
        db = os.path.join(self.tmp, "db")
        run("index", "--db", db, os.path.join(self.tmp, "in"), check=0)
        run("delete", "--db", db, "in/a", check=0)
        self.assertEqual(search_ids(db, "drönare"), [])
        self.assertEqual(stats(db)["documents"], 1)
        p = run("delete", "--db", db, "in/a", "in/b", check=7)
        self.assertIn("in/a", p.stderr)
        self.assertEqual(stats(db)["documents"], 0)
        run("show", "--db", db, "in/b", check=7)

    def test_commands_on_a_missing_index(self):
        db = os.path.join(self.tmp, "none")
        for args in (["search", "--db", db, "x"], ["stats", "--db", db],
                     ["show", "--db", db, "x"], ["delete", "--db", db, "x"]):
            p = run(*args, check=4)
            self.assertIn("none", p.stderr)
        self.assertFalse(os.path.exists(db))


class SeedTest(TempDirTest):
    """The press-room page dump: fields extracted, boilerplate dropped."""

    def test_seed_release(self):
        db = os.path.join(self.tmp, "db")
        run("index", "--db", db, os.path.join(CORPUS, "seed"), check=0)
        doc = json.loads(run("show", "--db", db, "--json", "seed/norrkoping-klockaretorpet", check=0).stdout)
        self.assertEqual(doc["org"], "Norrköpings kommun")
        self.assertEqual(doc["title"],
                         "Klockaretorpet klassas inte längre som utsatt område på nationell lista")
        names = [c.get("name", "") for c in doc.get("contacts", [])]
        self.assertTrue(any("Vikmång" in n for n in names), names)
        self.assertEqual(search_ids(db, "Vikmång"), ["seed/norrkoping-klockaretorpet"])
        self.assertEqual(search_ids(db, "EST-effektiv"), ["seed/norrkoping-klockaretorpet"])
        # Words only in the teasers of other releases or the page chrome.
        for word in ("Viaplays", "Berzelius", "säkerhetsutredare", "thrillerserien",
                     "Abonnera", "avanmäla", "pressmaterial"):
            self.assertEqual(search_ids(db, word), [], word)


class BulkTest(TempDirTest):
    """A new index is built by several writers and merged; it must hold
    exactly what a batched build holds."""

    def build(self, name, jobs, inputs):
        db = os.path.join(self.tmp, name)
        p = run("index", "--db", db, "--jobs", str(jobs), *inputs, check=0)
        return db, p

    def test_bulk_build_equals_a_batched_build(self):
        sample = os.path.join(SOURCE, "data", "sample", "pressmeddelanden")
        # The same id twice: the later record replaces the earlier one,
        # whichever writer gets it.
        recs = [jsonl_record(i) for i in range(1, 40)]
        recs.append(jsonl_record(7, title="Ersatt rapport om fiskgjusar"))
        export = self.write("export.jsonl", "\n".join(recs) + "\n")
        inputs = (sample, os.path.join(CORPUS, "seed"), export)
        bulk, p = self.build("bulk", 2, inputs)
        batched, _ = self.build("batched", 1, inputs)

        # 200 + 1 + 40 written, the repeated id once in the index
        self.assertIn("indexed 241 releases", p.stderr)
        self.assertEqual(stats(bulk)["documents"], 240)
        self.assertEqual(stats(batched)["documents"], 240)
        for query in ("skyddsmasker", "regeringen", "havsörnar", "Vikmång",
                      "civila försvaret", '"ålderism och ojämställdhet"'):
            self.assertEqual(sorted(search_ids(bulk, query, limit=50)),
                             sorted(search_ids(batched, query, limit=50)), query)
        doc = json.loads(run("show", "--db", bulk, "--json", "arkiv/7", check=0).stdout)
        self.assertEqual(doc["title"], "Ersatt rapport om fiskgjusar")
        # Only the index is left, and it knows which files it holds.
        self.assertEqual(sorted(os.listdir(self.tmp)), ["batched", "bulk", "export.jsonl"])
        p = run("index", "--db", bulk, *inputs, check=0)
        self.assertIn("indexed 0 releases", p.stderr)

    def test_bulk_build_compresses_stored_releases(self):
        # Enough releases for a compression dictionary (indexer/bulk.c).
        recs = [jsonl_record(i, body=f"Havsörnen häckar vid kusten i län {i % 21}. "
                             f"Naturvårdsverket räknar boen år {2000 + i % 25}. "
                             f"Löpnummer lopnr{i}x.") for i in range(1200)]
        export = self.write("in/export.jsonl", "\n".join(recs) + "\n")
        bulk, p = self.build("bulk", 2, (export,))
        self.assertIn("indexed 1200 releases", p.stderr)
        batched, _ = self.build("batched", 1, (export,))

        def docdata(db):
            return os.path.getsize(os.path.join(db, "docdata.glass"))
        # Without the dictionary (an update, as --jobs 1 writes) Xapian's
        # zlib compresses each release alone.
        self.assertLess(docdata(bulk) * 2, docdata(batched))
        for i in (0, 599, 1199):
            shown = [run("show", "--db", db, "--json", f"arkiv/{i}", check=0).stdout
                     for db in (bulk, batched)]
            self.assertEqual(shown[0], shown[1])
            self.assertIn(f"lopnr{i}x", shown[0])
        self.assertEqual(search_ids(bulk, "lopnr599x"), ["arkiv/599"])
        # A later update writes with the dictionary the index holds.
        more = self.write("more/extra.jsonl", jsonl_record(5000) + "\n")
        run("index", "--db", bulk, more, check=0)
        self.assertEqual(search_ids(bulk, "lopnr5000x"), ["arkiv/5000"])
        doc = json.loads(run("show", "--db", bulk, "--json", "arkiv/5000", check=0).stdout)
        self.assertEqual(doc["title"], "Rapport nummer 5000 om havsörnar")

    def test_bulk_build_reports_bad_records(self):
        lines = [jsonl_record(1), "{not json", '{"id": "x"}', jsonl_record(2)]
        path = self.write("in/records.jsonl", "\n".join(lines) + "\n")
        db = os.path.join(self.tmp, "db")
        p = run("index", "--db", db, "--jobs", "2", path, check=3)
        self.assertIn("records.jsonl:2", p.stderr)
        self.assertIn("records.jsonl:3", p.stderr)
        self.assertEqual(stats(db)["documents"], 2)

    def test_leftovers_of_a_killed_build_are_removed(self):
        db = os.path.join(self.tmp, "db")
        # A dead process's staging directory (pid 2^22 + 1 is above
        # Linux's pid_max default) and a live one's, which stays.
        dead = os.path.join(self.tmp, "db.build-4194305")
        live = os.path.join(self.tmp, f"db.build-{os.getpid()}")
        for d in (dead, live):
            os.makedirs(os.path.join(d, "shard-0"))
        p = run("index", "--db", db, "--jobs", "2", self.write("a.md", MD), check=0)
        self.assertIn("db.build-4194305", p.stderr)
        self.assertFalse(os.path.exists(dead))
        self.assertTrue(os.path.exists(live))
        self.assertEqual(stats(db)["documents"], 1)


class UsageTest(TempDirTest):
    def test_help_and_usage_errors(self):
        for cmd in ("index", "search", "show", "stats", "delete"):
            p = run(cmd, "--help", check=0)
            self.assertIn(f"usage: prsearch {cmd}", p.stdout)
        self.assertIn("commands:", run("--help", check=0).stdout)
        run("index", check=2)
        run("index", "--jobs", "0", self.tmp, check=2)
        run("search", "--db", self.tmp, check=2)
        run("search", "--limit", "0", "x", check=2)
        run("search", "--limit", "abc", "x", check=2)
        run("bogus", check=2)


if __name__ == "__main__":
    unittest.main()
