"""Swedish search through the real CLI on a small real index: compounds,
lemmas, stop words, the title and proximity bonuses and the recency tie-breaker (issue 4)."""
import json
import os
import shutil
import tempfile
import unittest

from prs import run, search_ids

DOCS = {
    # path under rel/ -> Markdown
    "2024/03/kabel-del": "# Vattenfall får lägga ut undervattenskablar\n\n"
                         "Tillståndet gäller undervattenskablar vid Kriegers flak.\n",
    "2024/03/kabel-hel": "# Nya kablar i marken\n\n"
                         "Kommunen gräver ned kablar längs vägen.\n",
    "2024/01/planering": "# Åtgärder för effektivare beredskaps- och "
                         "försörjningsplanering\n\nRegeringen aviserar åtgärder.\n",
    "2026/01/tull": "# Arbetsmarknadsministern i tullmöte med exportindustrin\n\n"
                    "Ministern träffar parterna.\n",
    "2025/02/forslag": "# Ett förslag om nya regler\n\n"
                       "Regeringen lämnar ett förslag till riksdagen.\n",
    "2020/05/flamingo-old": "# Flamingokolonin växer i parken\n\n"
                            "Parken har en stor flamingokoloni.\n",
    "2025/05/flamingo-new": "# Flamingokolonin växer i parken\n\n"
                            "Parken har en stor flamingokoloni.\n",
    # The same two words, once in a title and once repeated in a body.
    "2023/04/title-names": "# Nytt vattenverk i Lund\n\n"
                           "Kommunen bygger för framtiden.\n",
    "2023/04/body-repeats": "# Kommunen bygger för framtiden\n\n"
                            + "Lund har ett vattenverk. " * 6 + "\n",
    # The same words once each, together and apart (the latter newer).
    "2022/06/near-together": "# Domstolarna i Skåne\n\n"
                             "I Malmö tingsrätt väntar fler mål i år än på länge nu.\n",
    "2022/07/near-apart": "# Domstolarna i Skåne\n\n"
                          "I Malmö väntar fler mål i år än på länge, sa tingsrätt.\n",
}


def rid(key):
    return "rel/" + key


class SwedishTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="prs-swedish-")
        for key, text in DOCS.items():
            path = os.path.join(cls.tmp, "rel", key + ".md")
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
        cls.db = os.path.join(cls.tmp, "db")
        run("index", "--quiet", "--db", cls.db, os.path.join(cls.tmp, "rel"),
            check=0)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def search(self, *q):
        p = run("search", "--db", self.db, "--json", "--", *q, check=0)
        return json.loads(p.stdout)

    def test_a_part_finds_the_compound_below_the_whole_word(self):
        ids = search_ids(self.db, "kablar")
        self.assertEqual(ids[:2], [rid("2024/03/kabel-hel"), rid("2024/03/kabel-del")])
        hit = self.search("kablar")["hits"][1]
        self.assertIn("<mark>undervattenskablar</mark>", hit["snippet"])

    def test_a_compound_finds_its_parts_written_apart(self):
        self.assertEqual(search_ids(self.db, "beredskapsplanering"),
                         [rid("2024/01/planering")])
        self.assertEqual(search_ids(self.db, "försörjningsplanering"),
                         [rid("2024/01/planering")])

    def test_definite_forms_find_the_base_form(self):
        # Snowball stems tullmötet and tullmöte apart; the lemma joins them.
        self.assertEqual(search_ids(self.db, "tullmötet"), [rid("2026/01/tull")])

    def test_particle_words_are_not_split(self):
        # "förslag" is not för + slag: "slag" must not find it.
        self.assertEqual(search_ids(self.db, "slag"), [])
        self.assertEqual(search_ids(self.db, "förslag"), [rid("2025/02/forslag")])

    def test_stop_words_are_optional_but_phrases_keep_them(self):
        # No release says "med" next to these words, and that is fine...
        self.assertEqual(search_ids(self.db, "nya", "kablar", "med")[0],
                         rid("2024/03/kabel-hel"))
        # ...but a phrase is exact, stop words included.
        self.assertEqual(search_ids(self.db, '"kablar i marken"'),
                         [rid("2024/03/kabel-hel")])
        self.assertEqual(search_ids(self.db, '"kablar på marken"'), [])

    def test_a_title_that_names_the_words_ranks_first(self):
        # BM25 saturates: six mentions in a body would otherwise match as
        # well as a title (and the body release is newer).
        ids = search_ids(self.db, "vattenverk", "lund")
        self.assertEqual(ids, [rid("2023/04/title-names"),
                               rid("2023/04/body-repeats")])

    def test_words_close_together_rank_first(self):
        ids = search_ids(self.db, "malmö", "tingsrätt")
        self.assertEqual(ids, [rid("2022/06/near-together"),
                               rid("2022/07/near-apart")])

    def test_newer_release_wins_a_tie(self):
        ids = search_ids(self.db, "flamingokolonin")
        self.assertEqual(ids, [rid("2025/05/flamingo-new"),
                               rid("2020/05/flamingo-old")])


if __name__ == "__main__":
    unittest.main()
