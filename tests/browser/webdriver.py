"""A small W3C WebDriver client over plain HTTP (urllib + json), enough to
drive Debian's chromium through chromedriver without third-party modules.

Only what the browser tests use: sessions, navigation, finding elements,
typing, clicking, running scripts, window size and screenshots. Every wait
polls with a deadline; nothing sleeps to synchronise."""
import base64
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

ELEMENT_KEY = "element-6066-11e4-a52e-4f735466cecf"

# WebDriver key codes (W3C WebDriver, "Keyboard actions").
KEY_ENTER = "\ue007"
KEY_ESCAPE = "\ue00c"
KEY_ARROW_UP = "\ue013"
KEY_ARROW_DOWN = "\ue015"
KEY_TAB = "\ue004"

CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
    "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage", "--lang=sv-SE",
]


class WebDriverError(AssertionError):
    """A WebDriver command failed; carries the W3C error code word."""

    def __init__(self, error, message):
        super().__init__(f"{error}: {message}")
        self.error = error


def find_program(env_name, *names):
    """The path of a program: $env_name if set, else the first of names on
    PATH (or in /usr/lib/chromium, where Debian keeps the real binaries).
    Raises AssertionError naming the Debian package when none is found: a
    browser test without a browser fails, it never skips."""
    explicit = os.environ.get(env_name)
    if explicit:
        if os.access(explicit, os.X_OK):
            return explicit
        raise AssertionError(f"{env_name}={explicit} is not an executable")
    for n in names:
        p = shutil.which(n) or shutil.which(n, path="/usr/lib/chromium")
        if p:
            return p
    raise AssertionError(
        f"none of {', '.join(names)} found; install Debian's chromium and "
        f"chromium-driver (scripts/deps.sh) or set {env_name}")


class Driver:
    """One chromedriver process and one browser session."""

    def __init__(self, chromium, chromedriver, width=1280, height=900,
                 timeout=30.0, log_path=None):
        self.timeout = timeout
        self.profile = tempfile.mkdtemp(prefix="prs-chromium-")
        self.session = None
        self._log = open(log_path or os.devnull, "wb")
        # --port=0: chromedriver binds a free port and prints it.
        self.proc = subprocess.Popen(
            [chromedriver, "--port=0", "--allowed-ips=127.0.0.1"],
            stdout=subprocess.PIPE, stderr=self._log)
        try:
            self.base = self._read_port()
            caps = {"capabilities": {"alwaysMatch": {
                "browserName": "chrome",
                "pageLoadStrategy": "normal",
                "goog:chromeOptions": {
                    "binary": chromium,
                    "args": CHROMIUM_FLAGS + [
                        f"--user-data-dir={self.profile}",
                        f"--window-size={width},{height}"],
                },
                "goog:loggingPrefs": {"browser": "ALL"},
            }}}
            value = self._call("POST", "/session", caps, timeout=90)
            self.session = value["sessionId"]
            self._call("POST", self._s("/timeouts"),
                       {"script": int(timeout * 1000),
                        "pageLoad": int(timeout * 1000), "implicit": 0})
        except BaseException:
            self.quit()
            raise

    def _read_port(self):
        # "ChromeDriver was started successfully on port 41235."
        deadline = time.monotonic() + 30
        seen = b""
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                break
            seen += line
            m = re.search(rb"started successfully on port (\d+)", line)
            if m:
                return f"http://127.0.0.1:{int(m.group(1))}"
        raise AssertionError(f"chromedriver did not report its port: {seen!r}")

    def _s(self, path):
        return f"/session/{self.session}{path}"

    def _call(self, method, path, body=None, timeout=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(
            self.base + path, data=data, method=method,
            headers={"Content-Type": "application/json; charset=utf-8"})
        try:
            with urllib.request.urlopen(req, timeout=timeout or self.timeout + 30) as r:
                payload = json.loads(r.read().decode() or "{}")
        except urllib.error.HTTPError as e:
            try:
                v = json.loads(e.read().decode()).get("value", {})
            except ValueError:
                v = {}
            raise WebDriverError(v.get("error", f"http {e.code}"),
                                 v.get("message", "")[:2000]) from None
        return payload.get("value")

    # ---- session ----

    def quit(self):
        try:
            if self.session:
                self._call("DELETE", self._s(""), timeout=30)
        except Exception:
            pass
        self.session = None
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc.stdout:
            self.proc.stdout.close()
        self._log.close()
        shutil.rmtree(self.profile, ignore_errors=True)

    def get(self, url):
        self._call("POST", self._s("/url"), {"url": url})

    def back(self):
        self._call("POST", self._s("/back"), {})

    def current_url(self):
        return self._call("GET", self._s("/url"))

    def set_window_size(self, width, height):
        self._call("POST", self._s("/window/rect"),
                   {"width": width, "height": height})

    def screenshot(self, path):
        png = base64.b64decode(self._call("GET", self._s("/screenshot")))
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        with open(path, "wb") as f:
            f.write(png)
        return path

    def browser_log(self):
        try:
            return self._call("POST", self._s("/se/log"), {"type": "browser"})
        except WebDriverError:
            return []

    # ---- scripts and elements ----

    def js(self, script, *args):
        """Runs script (a function body; arguments in `arguments`)."""
        return self._call("POST", self._s("/execute/sync"),
                          {"script": script, "args": list(args)})

    def find(self, css):
        v = self._call("POST", self._s("/element"),
                       {"using": "css selector", "value": css})
        return Element(self, v[ELEMENT_KEY])

    def find_all(self, css):
        v = self._call("POST", self._s("/elements"),
                       {"using": "css selector", "value": css})
        return [Element(self, e[ELEMENT_KEY]) for e in v]

    def active(self):
        v = self._call("GET", self._s("/element/active"))
        return Element(self, v[ELEMENT_KEY])

    def wait_for(self, what, script, *args, timeout=None):
        """Polls script until it returns a truthy value, which is returned.
        Fails after timeout seconds naming what was awaited and the last
        value seen."""
        deadline = time.monotonic() + (timeout or self.timeout)
        last = None
        while True:
            last = self.js(script, *args)
            if last:
                return last
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what}; last: {last!r}")
            time.sleep(0.05)  # poll interval, not a synchronisation sleep


class Element:
    def __init__(self, driver, eid):
        self.d = driver
        self.id = eid

    def _p(self, path=""):
        return self.d._s(f"/element/{self.id}{path}")

    def click(self):
        self.d._call("POST", self._p("/click"), {})

    def send_keys(self, text):
        self.d._call("POST", self._p("/value"), {"text": text})

    def clear(self):
        self.d._call("POST", self._p("/clear"), {})

    def text(self):
        return self.d._call("GET", self._p("/text"))

    def attribute(self, name):
        return self.d._call("GET", self._p(f"/attribute/{name}"))

    def property(self, name):
        return self.d._call("GET", self._p(f"/property/{name}"))

    def as_arg(self):
        """This element as a script argument."""
        return {ELEMENT_KEY: self.id}
