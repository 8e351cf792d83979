"""Runs the real `prsearch serve` for the HTTP tests and talks to it."""
import http.client
import json
import os
import queue
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time

PRSEARCH = os.environ.get("PRSEARCH_BIN", "prsearch")
SOURCE = os.path.abspath(os.environ.get("PRS_SOURCE_DIR", "../.."))
SAMPLE = os.path.join(SOURCE, "data", "sample")
TOKEN = "test-token-0123456789abcdef"


def prsearch(*args, check=0, timeout=600):
    env = dict(os.environ)
    env.pop("PRSEARCH_DB", None)
    p = subprocess.run([PRSEARCH, *args], capture_output=True, text=True,
                       timeout=timeout, env=env)
    if check is not None and p.returncode != check:
        raise AssertionError(f"prsearch {args}: exit {p.returncode}\n{p.stderr}")
    return p


def index_sample(db):
    prsearch("index", "--db", db, os.path.join(SAMPLE, "pressmeddelanden"),
             os.path.join(SAMPLE, "seed"))


class Server:
    """`prsearch serve --listen 127.0.0.1:0` on db with a config file."""

    def __init__(self, db, tmp, token=True, threads=2, extra=""):
        self.tmp = tmp
        self.static = os.path.join(tmp, "static")
        os.makedirs(self.static, exist_ok=True)
        with open(os.path.join(self.static, "index.html"), "w") as f:
            f.write("<!doctype html><title>prsearch test page</title>\n")
        with open(os.path.join(self.static, "app.js"), "w") as f:
            f.write("console.log('prsearch');\n")
        with open(os.path.join(tmp, "secret.txt"), "w") as f:
            f.write("SECRET-OUTSIDE-STATIC\n")
        os.symlink(os.path.join(tmp, "secret.txt"),
                   os.path.join(self.static, "link.txt"))
        conf = os.path.join(tmp, "test.conf")
        lines = [
            "cors_origins = https://press.example, https://www.example.se",
            f"static_dir = {self.static}",
            "max_body_bytes = 65536",
            "max_url_bytes = 8192",
            "max_header_bytes = 16384",
            "request_timeout = 2",
            "shutdown_timeout = 10",
            "cache_max_age = 10",
        ]
        if token:
            tf = os.path.join(tmp, "token")
            with open(tf, "w") as f:
                f.write(TOKEN + "\n")
            lines.append(f"token_file = {tf}")
        with open(conf, "w") as f:
            f.write("\n".join(lines) + "\n" + extra)
        self.proc = subprocess.Popen(
            [PRSEARCH, "serve", "--config", conf, "--db", db, "--listen",
             "127.0.0.1:0", "--threads", str(threads)],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE, text=True, errors="replace")
        self.lines = queue.Queue()
        self.log = []
        self.port = None
        self.reader = threading.Thread(target=self._read_stderr, daemon=True)
        self.reader.start()
        deadline = time.monotonic() + 60
        while self.port is None:
            try:
                line = self.lines.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                line = None
            if line is None and (time.monotonic() > deadline or self.proc.poll() is not None):
                raise AssertionError("server did not start:\n" + "".join(self.log))
            m = line and re.match(r"prsearch: listening on http://127\.0\.0\.1:(\d+)/$", line.rstrip())
            if m:
                self.port = int(m.group(1))

    def _read_stderr(self):
        for line in self.proc.stderr:
            self.log.append(line)
            self.lines.put(line)

    def wait_log(self, pattern, timeout=30):
        """Waits for a stderr line matching pattern (bounded)."""
        deadline = time.monotonic() + timeout
        rx = re.compile(pattern)
        while time.monotonic() < deadline:
            if any(rx.search(l) for l in list(self.log)):
                return True
            time.sleep(0.02)
        return False

    def request(self, method, path, body=None, headers=None, timeout=30):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            c.request(method, path, body=body, headers=headers or {})
            r = c.getresponse()
            data = r.read()
            return r.status, {k.lower(): v for k, v in r.getheaders()}, data
        finally:
            c.close()

    def get_json(self, path, headers=None):
        status, h, data = self.request("GET", path, headers=headers)
        return status, h, json.loads(data) if data else None

    def raw(self, data, timeout=10):
        """Sends raw bytes, returns whatever comes back until close."""
        s = socket.create_connection(("127.0.0.1", self.port), timeout=timeout)
        try:
            s.sendall(data)
            s.shutdown(socket.SHUT_WR)
            out = b""
            while True:
                try:
                    chunk = s.recv(65536)
                except (ConnectionResetError, socket.timeout):
                    break
                if not chunk:
                    break
                out += chunk
            return out
        finally:
            s.close()

    def stop(self, sig=signal.SIGTERM, timeout=60):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        rc = self.proc.wait(timeout=timeout)
        self.reader.join(timeout=10)
        self.proc.stderr.close()
        return rc


def tempdir(prefix):
    return tempfile.mkdtemp(prefix=prefix)


def rmtree(path):
    shutil.rmtree(path, ignore_errors=True)
