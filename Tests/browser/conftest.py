"""Harness for the browser tests: the server under test and headless Chromium drivers.

VIGIE_BROWSER_TARGET selects the server: `fake` (default) starts Tests/browser/fake_server.py. A target
must offer: base_url, push(feed, doc, op) -> {offset, doc}, push_fetch(...), set_db(status),
store_silently(feed, doc), restart(), drop_connections(), subscriptions(), close().
"""
import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
SCREENSHOTS = os.path.join(ROOT, "docs", "screenshots")
CHROMIUM = os.environ.get("VIGIE_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("VIGIE_CHROMEDRIVER", "/usr/bin/chromedriver")


class FakeTarget:
    """Tests/browser/fake_server.py in a child process on an ephemeral port."""

    def __init__(self, token=None, age_days=0):
        args = [sys.executable, os.path.join(HERE, "fake_server.py"), "--port", "0", "--web", os.path.join(ROOT, "web")]
        if token:
            args += ["--token", token]
        if age_days:
            args += ["--age-days", str(age_days)]
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        if not line.startswith("ready "):
            self.proc.kill()
            raise RuntimeError(f"fake_server.py did not start: {line!r} {self.proc.stderr.read()}")
        self.base_url = line.split()[1]

    def call(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base_url.rstrip("/") + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=10) as res:
            return json.load(res)

    def push(self, feed, doc, op="insert"):
        return self.call("POST", "/test/push", {"feed": feed, "op": op, "doc": doc})

    def store_silently(self, feed, doc):
        """Stores a reading that no viewer is told about (as if written while the server was down)."""
        return self.call("POST", "/test/push", {"feed": feed, "doc": doc, "broadcast": False})

    def restart(self):
        """As a restart of the server: a new epoch whose history the viewers' `since` is not in."""
        return self.call("POST", "/test/restart", {})

    def push_fetch(self, feed, ok=True, error=None, records=0):
        return self.call("POST", "/test/fetch", {"feed": feed, "ok": ok, "error": error, "records": records})

    def set_db(self, status):
        return self.call("POST", "/test/status", {"db": status})

    def drop_connections(self):
        return self.call("POST", "/test/drop", {})["dropped"]

    def subscriptions(self):
        return self.call("GET", "/test/subscriptions")["subscriptions"]

    def close(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def make_target(**kwargs):
    target = os.environ.get("VIGIE_BROWSER_TARGET", "fake")
    if target == "fake":
        return FakeTarget(**kwargs)
    if target == "real":
        from real_target import RealTarget
        return RealTarget(**kwargs)
    pytest.fail(f"VIGIE_BROWSER_TARGET={target!r} is not a known target (known: fake, real)")


@pytest.fixture(scope="module")
def server():
    target = make_target()
    yield target
    target.close()


@pytest.fixture()
def browser_factory():
    """Starts headless Chromium drivers on demand; a Chromium that cannot start fails the test, clearly."""
    os.environ["SE_OFFLINE"] = "true"  # selenium-manager must never download a driver or a browser
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError as e:
        pytest.fail(f"selenium is not installed ({e}): pip install -r Tests/requirements.txt")
    drivers = []

    def start(width=1280, height=900, dark=False, lang="en", scale=1):
        for path in (CHROMIUM, CHROMEDRIVER):
            if not shutil.which(path):
                pytest.fail(f"{path} not found: install the Debian packages chromium and chromium-driver")
        opts = webdriver.ChromeOptions()
        opts.binary_location = CHROMIUM
        for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    f"--window-size={width},{height}", f"--lang={lang}", f"--force-device-scale-factor={scale}"):
            opts.add_argument(arg)
        opts.add_experimental_option("prefs", {"intl.accept_languages": lang})
        opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        try:
            driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)
        except Exception as e:  # any start failure is a test failure with the cause
            pytest.fail(f"headless Chromium could not start ({CHROMIUM} via {CHROMEDRIVER}): {e}")
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia",
                               {"features": [{"name": "prefers-color-scheme", "value": "dark" if dark else "light"}]})
        drivers.append(driver)
        return driver

    yield start
    for d in drivers:
        d.quit()


def wait_for(predicate, timeout=10.0, message="condition"):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            last = predicate()
            if last:
                return last
        except Exception as e:  # the page may be mid-render; retry until the deadline
            last = e
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout}s waiting for {message} (last: {last!r})")


def severe_console_errors(driver):
    return [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE" and "favicon" not in e["message"]]
