"""Helpers for tests that run the real prsearch binary."""
import json
import os
import shutil
import subprocess
import tempfile
import unittest

PRSEARCH = os.environ.get("PRSEARCH_BIN", "prsearch")
SHARED = os.path.abspath(os.environ.get("PRS_SHARED_DIR", "../shared"))
SOURCE = os.path.abspath(os.environ.get("PRS_SOURCE_DIR", "."))
CORPUS = os.path.join(SHARED, "corpus")


def run(*args, check=None, timeout=1800, env=None, **kw):
    """Runs prsearch with args; returns CompletedProcess (text mode).

    check: expected exit status (None: any)."""
    e = dict(os.environ)
    e.pop("PRSEARCH_DB", None)
    if env:
        e.update(env)
    p = subprocess.run([PRSEARCH, *args], capture_output=True, text=True,
                       timeout=timeout, env=e, **kw)
    if check is not None and p.returncode != check:
        raise AssertionError(
            f"prsearch {' '.join(args)}: exit {p.returncode}, expected {check}\n"
            f"stdout: {p.stdout[-3000:]}\nstderr: {p.stderr[-3000:]}")
    return p


def search_ids(db, *query, limit=10, extra=()):
    p = run("search", "--db", db, "--json", "--limit", str(limit), *extra,
            "--", *query, check=0)
    return [h["id"] for h in json.loads(p.stdout)["hits"]]


def stats(db):
    return json.loads(run("stats", "--db", db, "--json", check=0).stdout)


class TempDirTest(unittest.TestCase):
    """A test case with a fresh temporary folder in self.tmp."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="prs-test-")
        self.addCleanup(shutil.rmtree, self.tmp, ignore_errors=True)

    def write(self, rel, data):
        path = os.path.join(self.tmp, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        mode = "wb" if isinstance(data, bytes) else "w"
        with open(path, mode) as f:
            f.write(data)
        return path
