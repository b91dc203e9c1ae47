"""The real system as a browser-test target (VIGIE_BROWSER_TARGET=real).

Starts `vigie store` and `vigie serve` from the built binary ($VIGIE_BIN), seeds the store with the readings
and fetch runs that fixture_readings.py derives from the recorded payloads in Tests/Fixtures, and puts a small
TCP proxy between the browsers and the server. The proxy records every `subscribe` a browser sends and can cut
the browsers' WebSocket connections, which is what the tests ask of a target. Readings are pushed as the fetch
jobs write them: inserts, updates and deletes in MongoDB (pymongo), seen by the server's change stream.
"""
import json
import os
import shutil
import socket
import struct
import subprocess
import tempfile
import threading
import time
from datetime import datetime, timedelta, timezone

import pytest

import fixture_readings as fx

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
DATE_FIELDS = ("at", "fetchedAt", "startedAt", "finishedAt", "hour")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def to_bson(doc):
    """A plain-JSON document (ISO dates, hex ids) as the jobs store it (BSON dates, ObjectIds)."""
    from bson import ObjectId
    out = dict(doc)
    for name in DATE_FIELDS:
        if isinstance(out.get(name), str):
            out[name] = datetime.fromisoformat(out[name].replace("Z", "+00:00"))
    if isinstance(out.get("_id"), str) and len(out["_id"]) == 24:
        out["_id"] = ObjectId(out["_id"])
    elif out.get("_id") is None:
        out.pop("_id", None)
    return out


class VigieChild:
    """`vigie ARGS` in a child process; waits for its `ready URL` line."""

    def __init__(self, binary, args, env, log):
        self.proc = subprocess.Popen([binary] + args, stdout=subprocess.PIPE, stderr=log, text=True,
                                     env=dict(os.environ, **env))
        line = self.proc.stdout.readline()
        if not line.startswith("ready "):
            self.stop()
            raise RuntimeError(f"vigie {' '.join(args)} did not start (first line {line!r}); see {log.name}")
        self.url = line.split()[1]

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


class Proxy:
    """Forwards 127.0.0.1:port to the server; records browsers' subscribe messages; can cut WebSockets."""

    def __init__(self, upstream_port):
        self.upstream_port = upstream_port
        self.lock = threading.Lock()
        self.subscriptions = []
        self.websockets = []
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(("127.0.0.1", self.upstream_port), timeout=5)
                upstream.settimeout(None)
            except OSError:
                client.close()  # the server is down (restarting): the browser retries
                continue
            threading.Thread(target=self.client_to_server, args=(client, upstream), daemon=True).start()
            threading.Thread(target=self.pump, args=(upstream, client), daemon=True).start()

    def pump(self, source, target):
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        for s in (source, target):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def client_to_server(self, client, upstream):
        buffer = b""
        upgraded = None  # unknown until the first request line
        try:
            while data := client.recv(65536):
                upstream.sendall(data)
                if upgraded is False:
                    continue
                buffer += data
                if upgraded is None:
                    if b"\r\n\r\n" not in buffer:
                        continue
                    head, _, buffer = buffer.partition(b"\r\n\r\n")
                    upgraded = head.startswith(b"GET /ws") and b"upgrade: websocket" in head.lower()
                    if upgraded:
                        with self.lock:
                            self.websockets.append((client, upstream))
                    else:
                        continue
                buffer = self.read_frames(buffer)
        except OSError:
            pass
        self.pump_closed(client, upstream)

    def pump_closed(self, client, upstream):
        for s in (client, upstream):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        with self.lock:
            self.websockets = [pair for pair in self.websockets if pair[0] is not client]

    def read_frames(self, buffer):
        while len(buffer) >= 2:
            opcode, length = buffer[0] & 0x0F, buffer[1] & 0x7F
            offset = 2
            if length == 126:
                if len(buffer) < 4:
                    break
                length, offset = struct.unpack(">H", buffer[2:4])[0], 4
            elif length == 127:
                if len(buffer) < 10:
                    break
                length, offset = struct.unpack(">Q", buffer[2:10])[0], 10
            masked = buffer[1] & 0x80
            end = offset + (4 if masked else 0) + length
            if len(buffer) < end:
                break
            payload = buffer[offset + (4 if masked else 0):end]
            if masked:
                mask = buffer[offset:offset + 4]
                payload = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
            buffer = buffer[end:]
            if opcode == 1:
                try:
                    message = json.loads(payload)
                except ValueError:
                    continue
                if message.get("type") == "subscribe":
                    with self.lock:
                        self.subscriptions.append(message)
        return buffer

    def drop(self):
        with self.lock:
            pairs = list(self.websockets)
            self.websockets = []
        for client, upstream in pairs:
            for s in (client, upstream):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
        return len(pairs)

    def close(self):
        self.listener.close()
        self.drop()


class Monitor:
    """A viewer of its own, straight to the server, that learns the offset of every broadcast."""

    def __init__(self, port_of, token):
        self.port_of, self.token = port_of, token
        self.messages = []
        self.cond = threading.Condition()
        self.stopped = False
        threading.Thread(target=self.run, daemon=True).start()

    def run(self):
        from websockets.sync.client import connect
        while not self.stopped:
            query = f"?token={self.token}" if self.token else ""
            try:
                with connect(f"ws://127.0.0.1:{self.port_of()}/ws{query}", open_timeout=2) as ws:
                    ws.send(json.dumps({"type": "subscribe", "feeds": ["*"], "since": None}))
                    for text in ws:
                        with self.cond:
                            self.messages.append(json.loads(text))
                            self.cond.notify_all()
            except Exception:  # the server restarts or is stopped: connect again
                time.sleep(0.1)

    def wait_for(self, predicate, timeout=15):
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                for message in reversed(self.messages):
                    if predicate(message):
                        return message
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError("the server never broadcast the change (is its change stream running?)")
                self.cond.wait(left)


class RealTarget:
    """`vigie store` + seeded fixtures + `vigie serve`, behind a recording proxy."""

    def __init__(self, token=None, age_days=0):
        self.binary = os.environ.get("VIGIE_BIN", "")
        if not (self.binary and os.access(self.binary, os.X_OK)):
            pytest.fail("VIGIE_BIN must name the built vigie binary for VIGIE_BROWSER_TARGET=real (make test-browser sets it)")
        self.token = token
        self.dir = tempfile.mkdtemp(prefix="vigie-browser-")
        self.log = open(os.path.join(self.dir, "vigie.log"), "a")
        self.store_port, self.serve_port = free_port(), free_port()
        self.store = None
        self.serve = None
        self.start_store()
        from pymongo import MongoClient
        self.client = MongoClient(self.uri, serverSelectionTimeoutMS=10000)
        self.db = self.client["vigie"]
        self.seed(age_days)
        self.start_serve()
        self.proxy = Proxy(self.serve_port)
        self.base_url = f"http://127.0.0.1:{self.proxy.port}/"
        self.monitor = Monitor(lambda: self.serve_port, token)

    def start_store(self):
        self.store = VigieChild(self.binary, ["store", "--listen", f"127.0.0.1:{self.store_port}",
                                              "--dbpath", os.path.join(self.dir, "store")], {}, self.log)
        self.uri = self.store.url

    def start_serve(self):
        env = {"MONGODB_URI": self.uri, "VIGIE_DB": "vigie", "VIGIE_HOME": os.path.join(self.dir, "home"),
               "VIGIE_TOKEN": self.token or ""}
        self.serve = VigieChild(self.binary, ["serve", "--listen", f"127.0.0.1:{self.serve_port}",
                                              "--web", os.path.join(ROOT, "web")], env, self.log)

    def seed(self, age_days):
        now = datetime.now(timezone.utc)
        readings = fx.all_readings(now)
        age = timedelta(days=age_days)
        docs = []
        for feed_readings in readings.values():
            for reading in feed_readings:
                doc = to_bson(reading)
                if age_days:
                    doc["at"] -= age
                    doc["fetchedAt"] -= age
                docs.append(doc)
        self.db.readings.insert_many(docs)
        self.db.fetches.insert_many([to_bson(run) for run in fx.fetch_runs(now, readings)])

    # The target interface of conftest.py.

    def call(self, method, path, body=None):
        """A request to the server's own API (GET /api/...), with the token when there is one."""
        import urllib.request
        data = json.dumps(body).encode() if body is not None else None
        headers = {"Content-Type": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        req = urllib.request.Request(self.base_url.rstrip("/") + path, data=data, method=method, headers=headers)
        with urllib.request.urlopen(req, timeout=10) as res:
            return json.load(res)

    def push(self, feed, doc, op="insert"):
        doc = dict(doc, feed=feed)
        if op == "insert":
            doc.setdefault("fetchedAt", fx.iso(datetime.now(timezone.utc)))
            doc["_id"] = doc.get("_id") or fx.object_id()
            self.db.readings.insert_one(to_bson(doc))
        elif op == "update":
            changes = {k: v for k, v in to_bson(doc).items() if k != "_id"}
            self.db.readings.update_one({"_id": to_bson(doc)["_id"]}, {"$set": changes})
        else:
            self.db.readings.delete_one({"_id": to_bson(doc)["_id"]})
        message = self.monitor.wait_for(lambda m: m.get("type") == "reading" and m.get("op") == op
                                        and m["doc"].get("_id") == doc["_id"])
        return {"offset": message["offset"], "doc": message["doc"]}

    def store_silently(self, feed, doc):
        """Stored while the server is stopped (restart() brings it back), so no viewer is told live."""
        self.serve.stop()
        doc = dict(doc, feed=feed, _id=doc.get("_id") or fx.object_id())
        doc.setdefault("fetchedAt", fx.iso(datetime.now(timezone.utc)))
        self.db.readings.insert_one(to_bson(doc))
        return {"offset": None, "doc": doc}

    def restart(self):
        """A new server process on the same address: a new epoch, viewers reconnect and are told `reset`."""
        self.serve.stop()
        self.proxy.drop()
        self.start_serve()
        return {}

    def push_fetch(self, feed, ok=True, error=None, records=0):
        now = datetime.now(timezone.utc)
        at = fx.iso(now)
        self.db.fetches.insert_one(to_bson({"feed": feed, "startedAt": fx.iso(now - timedelta(seconds=1)), "finishedAt": at,
                                            "ok": ok, "httpStatus": 200 if ok else 502, "bytes": 0, "records": records,
                                            "inserted": 0, "updated": 0, "unchanged": records, "rejected": 0,
                                            "error": error, "rawPath": None}))
        message = self.monitor.wait_for(lambda m: m.get("type") == "fetch" and m.get("feed") == feed and m.get("at") == at)
        return {"offset": message["offset"]}

    def set_db(self, status):
        """Stops or restarts the store process (same address and data)."""
        if status == "down":
            self.store.stop()
        elif self.store.proc.poll() is not None:
            self.start_store()
        return {"db": status}

    def drop_connections(self):
        return self.proxy.drop()

    def subscriptions(self):
        with self.proxy.lock:
            return list(self.proxy.subscriptions)

    def close(self):
        self.monitor.stopped = True
        self.proxy.close()
        self.serve.stop()
        self.client.close()
        self.store.stop()
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)
