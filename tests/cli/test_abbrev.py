"""Abbreviations and full names find each other: pairs the index learns
from "Konkurrensverket (KKV)" in its releases, and the synonyms file."""
import json
import os
import shutil
import tempfile
import unittest

from prs import TempDirTest, run

# Two releases introduce KKV; one writes only the full name, one only the
# abbreviation.
RELEASES = {
    "uppdrag-upphandling": """# Uppdrag om offentlig upphandling

Regeringen ger Konkurrensverket (KKV) i uppdrag att se över hur
kommunerna följer upphandlingsreglerna. KKV ska redovisa uppdraget
senast den 1 december.
""",
    "rapport-livsmedel": """# Rapport om konkurrensen på livsmedelsmarknaden

Det framgår av en ny rapport från Konkurrensverket (KKV) om
livsmedelspriserna. Regeringen välkomnar rapporten.
""",
    "bygg-tillsyn": """# Mer pengar till tillsyn av byggsektorn

Konkurrensverket får 20 miljoner kronor för att granska konkurrensen i
byggsektorn, där priserna har stigit snabbt.
""",
    "bankmarknad": """# Granskning av bankmarknaden

KKV ska granska konkurrensen på bankmarknaden och lämna förslag på
åtgärder som gör det lättare att byta bank.
""",
    "sis-ungdomshem": """# Nytt ungdomshem öppnar i Mittsverige

Statens institutionsstyrelse öppnar ett nytt särskilt ungdomshem med
trettio platser.
""",
    "os-paris": """# Idrottsministern besöker olympiska spelen

Idrottsministern reser till Paris för att följa de svenska idrottarna
under olympiska spelen.
""",
    "skolverket": """# Skolverket får uppdrag om läromedel

Skolverket ska ta fram stöd för skolornas val av läromedel.
""",
}


def rid(slug):
    return f"pressmeddelanden/2024/05/{slug}"


class AbbrevTest(TempDirTest):
    @classmethod
    def setUpClass(cls):
        cls.dbdir = tempfile.mkdtemp(prefix="prs-abbrev-")
        cls.db = os.path.join(cls.dbdir, "db")
        root = os.path.join(cls.dbdir, "pressmeddelanden", "2024", "05")
        os.makedirs(root)
        for slug, text in RELEASES.items():
            with open(os.path.join(root, slug + ".md"), "w") as f:
                f.write(text)
        run("index", "--quiet", "--db", cls.db,
            os.path.join(cls.dbdir, "pressmeddelanden"), check=0)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dbdir, ignore_errors=True)

    def search(self, *q, synonyms="", check=0):
        # PRSEARCH_SYNONYMS "" is unset: the bundled config/synonyms.txt.
        p = run("search", "--db", self.db, "--json", "--limit", "20", "--",
                *q, env={"PRSEARCH_SYNONYMS": synonyms}, check=check)
        return json.loads(p.stdout)["hits"] if check == 0 else p

    def ids(self, *q, **kw):
        return [h["id"] for h in self.search(*q, **kw)]

    def test_abbreviation_finds_full_name_below_itself(self):
        hits = self.search("kkv")
        ids = [h["id"] for h in hits]
        # The releases with "KKV" first, then the one that only writes
        # Konkurrensverket, learned from the two that introduce KKV.
        self.assertEqual(sorted(ids[:3]), sorted(
            [rid("uppdrag-upphandling"), rid("rapport-livsmedel"),
             rid("bankmarknad")]))
        self.assertEqual(ids[3:], [rid("bygg-tillsyn")])
        snippet = hits[3]["snippet"]
        self.assertIn("<mark>Konkurrensverket</mark>", snippet)
        # A genitive finds the same.
        self.assertIn(rid("bygg-tillsyn"), self.ids("KKV:s"))

    def test_full_name_finds_abbreviation_below_itself(self):
        ids = self.ids("konkurrensverket")
        self.assertEqual(sorted(ids[:3]), sorted(
            [rid("uppdrag-upphandling"), rid("rapport-livsmedel"),
             rid("bygg-tillsyn")]))
        self.assertEqual(ids[3:], [rid("bankmarknad")])
        # Among other words, as one of them.
        self.assertEqual(self.ids("konkurrensverket", "bankmarknaden"),
                         [rid("bankmarknad")])
        self.assertEqual(self.ids("kkv", "byggsektorn"), [rid("bygg-tillsyn")])

    def test_bundled_synonyms_file(self):
        self.assertEqual(self.ids("os", "paris"), [rid("os-paris")])
        self.assertEqual(self.ids("os"), [rid("os-paris")])

    def test_synonyms_file_from_environment(self):
        path = self.write("syn.txt", "# ours\nSiS = Statens institutionsstyrelse\n")
        self.assertEqual(self.ids("sis", synonyms=path), [rid("sis-ungdomshem")])
        self.assertEqual(self.ids("sis"), [])
        # Another file replaces the bundled one.
        self.assertEqual(self.ids("os", synonyms=path), [])

    def test_bad_synonyms_file_is_an_error_naming_the_line(self):
        path = self.write("bad.txt", "sis = statens institutionsstyrelse\n"
                                     "kkv konkurrensverket\n")
        p = self.search("kkv", synonyms=path, check=2)
        self.assertEqual(p.stdout, "")
        self.assertIn(f"{path}:2: no '='", p.stderr)
        missing = os.path.join(self.tmp, "missing.txt")
        p = self.search("kkv", synonyms=missing, check=2)
        self.assertIn(missing, p.stderr)


if __name__ == "__main__":
    unittest.main()
