"""Starts `vigie store` on a free loopback port with a temporary --dbpath for the pymongo compatibility tests.

The binary comes from $VIGIE_BIN (the Makefile passes it), else .build/debug/vigie under the package root.
"""
import os
import pathlib
import select
import shutil
import signal
import socket
import subprocess
import tempfile
import time

import pymongo
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


def vigie_binary():
    path = pathlib.Path(os.environ.get("VIGIE_BIN") or ROOT / ".build" / "debug" / "vigie")
    if not path.is_file() or not os.access(path, os.X_OK):
        pytest.fail(f"vigie executable not found at {path}: run 'swift build --product vigie' or set VIGIE_BIN", pytrace=False)
    return str(path)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RunningStore:
    def __init__(self, dbpath):
        self.dbpath = dbpath
        self.process = None
        self.uri = None

    def start(self):
        port = free_port()
        self.process = subprocess.Popen(
            [vigie_binary(), "store", "--listen", f"127.0.0.1:{port}", "--dbpath", self.dbpath],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        ready, _, _ = select.select([self.process.stdout], [], [], 30)
        line = self.process.stdout.readline().strip() if ready else ""
        if not line.startswith("ready mongodb://"):
            self.stop()
            pytest.fail(f"vigie store did not print its ready line (got {line!r})", pytrace=False)
        self.uri = line.split(" ", 1)[1]
        return self

    def stop(self, sig=signal.SIGTERM):
        if self.process and self.process.poll() is None:
            self.process.send_signal(sig)
            self.process.wait(timeout=30)


@pytest.fixture(scope="session")
def store():
    dbpath = tempfile.mkdtemp(prefix="vigie-compat-")
    running = RunningStore(dbpath).start()
    yield running
    running.stop()
    shutil.rmtree(dbpath, ignore_errors=True)


@pytest.fixture(scope="session")
def client(store):
    connection = pymongo.MongoClient(store.uri, serverSelectionTimeoutMS=5000)
    yield connection
    connection.close()


@pytest.fixture
def db(client, request):
    name = "t_" + "".join(c for c in request.node.name if c.isalnum())[:40]
    client.drop_database(name)
    yield client[name]
    client.drop_database(name)


def wait_for(predicate, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.02)
    return predicate()
