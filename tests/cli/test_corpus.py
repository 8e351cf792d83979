"""Acceptance on the real corpus: 8,489 Markdown releases and 44,397 JSON
Lines documents, known-item searches, re-runs and a kill -9 mid-run."""
import json
import os
import signal
import subprocess
import time
import unittest

from prs import CORPUS, PRSEARCH, TempDirTest, run, search_ids, stats

PRESS = os.path.join(CORPUS, "pressmeddelanden")
JSONL = os.path.join(CORPUS, "regeringen.jsonl.gz")

KNOWN_ITEMS = [
    (["skyddsmasker", "civila", "försvaret"],
     "pressmeddelanden/2026/01/20-000-skyddsmasker-till-det-civila-forsvaret"),
    (["tillsyn", "tivoli"],
     "pressmeddelanden/2024/08/en-starkt-tillsyn-av-tivolin-och-en-oversyn-av-vissa-uppgifter-som-utfors-av-polismyndigheten"),
    (["IVO:s", "handläggningstider"],
     "pressmeddelanden/2026/01/regeringen-ger-ivo-uppdrag-om-samverkan-och-kortare-handlaggningstider"),
    (['"ålderism och ojämställdhet"'],
     "pressmeddelanden/2026/01/nytt-uppdrag-ska-kartlagga-alderism-och-ojamstalldhet-i-arbetslivet"),
]


class CorpusTest(TempDirTest):
    def test_markdown_tree_then_jsonl_then_reruns(self):
        db = os.path.join(self.tmp, "db")
        p = run("index", "--db", db, PRESS, check=0)
        self.assertEqual(stats(db)["documents"], 8489, p.stderr)
        self.assertIn("0 failed, 0 bad records", p.stderr)

        for query, want in KNOWN_ITEMS:
            ids = search_ids(db, *query, limit=3)
            self.assertIn(want, ids, f"{query}: {ids}")

        # A second run skips every file without analysing it.
        p = run("index", "--db", db, PRESS, check=0)
        self.assertIn("indexed 0 releases from 0 of 8489 files", p.stderr)
        self.assertIn("8489 unchanged", p.stderr)

        # The JSON Lines export holds the same releases under the same ids.
        p = run("index", "--db", db, JSONL, check=0)
        self.assertEqual(stats(db)["documents"], 44397, p.stderr)
        self.assertIn("0 bad records", p.stderr)
        for query, want in KNOWN_ITEMS:
            self.assertIn(want, search_ids(db, *query, limit=10), query)

    def test_kill_9_keeps_whole_batches_and_a_rerun_completes(self):
        db = os.path.join(self.tmp, "db")
        batch = 1000
        proc = subprocess.Popen([PRSEARCH, "index", "--db", db, "--quiet",
                                 "--jobs", "1", "--batch", str(batch), JSONL],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            # Wait (bounded) until at least two batches are committed.
            deadline = time.monotonic() + 600
            count = 0
            while time.monotonic() < deadline and proc.poll() is None:
                r = run("stats", "--db", db, "--json")
                if r.returncode == 0:
                    count = json.loads(r.stdout)["documents"]
                    if count >= 2 * batch:
                        break
                time.sleep(0.05)
            self.assertIsNone(proc.poll(), "indexing finished before it was killed")
            self.assertGreaterEqual(count, 2 * batch)
            proc.send_signal(signal.SIGKILL)
        finally:
            proc.wait()
        self.assertEqual(proc.returncode, -signal.SIGKILL)

        after = stats(db)["documents"]
        self.assertGreater(after, 0)
        self.assertLess(after, 44397)
        self.assertEqual(after % batch, 0, "only whole batches are committed")
        self.assertEqual(len(search_ids(db, "regeringen", limit=5)), 5)

        p = run("index", "--db", db, "--quiet", JSONL, check=0)
        self.assertEqual(stats(db)["documents"], 44397, p.stderr)

    def test_kill_9_during_a_bulk_build_leaves_no_partial_index(self):
        db = os.path.join(self.tmp, "db")
        proc = subprocess.Popen([PRSEARCH, "index", "--db", db, "--quiet",
                                 "--jobs", "2", PRESS],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        shard = os.path.join(f"{db}.build-{proc.pid}", "shard-0")
        try:
            # Wait (bounded) until a writer has flushed releases to disk.
            deadline = time.monotonic() + 600
            while time.monotonic() < deadline and proc.poll() is None:
                if os.path.isdir(shard) and tree_bytes(shard) > 1_000_000:
                    break
                time.sleep(0.05)
            self.assertIsNone(proc.poll(), "indexing finished before it was killed")
            proc.send_signal(signal.SIGKILL)
        finally:
            proc.wait()
        self.assertEqual(proc.returncode, -signal.SIGKILL)
        self.assertEqual(stats(db)["documents"], 0, "no half-built index")

        p = run("index", "--db", db, "--quiet", PRESS, check=0)
        self.assertEqual(stats(db)["documents"], 8489, p.stderr)
        self.assertFalse(os.path.exists(os.path.dirname(shard)))
        for query, want in KNOWN_ITEMS:
            self.assertIn(want, search_ids(db, *query, limit=3), query)


def tree_bytes(path):
    total = 0
    for dirpath, _, files in os.walk(path):
        for name in files:
            try:
                total += os.path.getsize(os.path.join(dirpath, name))
            except OSError:
                pass  # removed while we looked
    return total


if __name__ == "__main__":
    unittest.main()
