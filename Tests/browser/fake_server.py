"""A stand-in for `vigie serve` for the browser tests: serves web/ and the REST + /ws contract of API.md.

Standard library only. Usage: python3 fake_server.py [--port 0] [--web DIR] [--token T] [--age-days N]
Prints `ready http://127.0.0.1:PORT/` on stdout once listening.

Test-only endpoints (JSON bodies):
  POST /test/push   {"feed":..,"op":"insert"|"update"|"delete","doc":{..}}  -> {"offset":N,"doc":{..}}
  POST /test/fetch  {"feed":..,"ok":..,"error":..}                          -> {"offset":N}
  POST /test/status {"db":"up"|"down"}
  POST /test/drop   closes every WebSocket abruptly (no close frame)       -> {"dropped":N}
  POST /test/restart  as after a server restart: new epoch, empty history, sockets dropped
  /test/push with "broadcast": false stores the reading without telling viewers
  GET  /test/subscriptions  every subscribe message received, in order
"""
import argparse
import base64
import collections
import hashlib
import json
import os
import secrets
import socket
import struct
import sys
import threading
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fixture_readings as fx  # noqa: E402

WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
HISTORY = 1000
TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8",
         ".svg": "image/svg+xml", ".png": "image/png", ".json": "application/json", ".ico": "image/x-icon"}


class BadParameter(Exception):
    def __init__(self, name, message):
        super().__init__(message)
        self.name = name


def parse_time(value, name):
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise BadParameter(name, f"{name} must be an ISO-8601 date") from None


class Viewer:
    """One WebSocket connection; `lock` serialises writes from the broadcaster and the reader thread."""

    def __init__(self, sock):
        self.sock = sock
        self.lock = threading.Lock()
        self.feeds = None  # None until subscribed

    def send_text(self, text):
        data = text.encode()
        n = len(data)
        header = bytes([0x81]) + (bytes([n]) if n < 126 else bytes([126]) + struct.pack(">H", n) if n < 65536
                                  else bytes([127]) + struct.pack(">Q", n))
        with self.lock:
            try:
                self.sock.sendall(header + data)
            except OSError:
                pass

    def wants(self, feed):
        return self.feeds is not None and ("*" in self.feeds or feed in self.feeds)


class State:
    def __init__(self, age_days=0):
        self.now = datetime.now(timezone.utc)
        self.readings = fx.all_readings(self.now)
        if age_days:  # like a demo replaying recorded payloads with their own, old, dates
            age = timedelta(days=age_days)
            for rows in self.readings.values():
                for r in rows:
                    r["at"] = fx.iso(parse_time(r["at"], "at") - age)
                    r["fetchedAt"] = fx.iso(parse_time(r["fetchedAt"], "fetchedAt") - age)
        self.fetches = fx.fetch_runs(self.now, self.readings)
        self.epoch = secrets.token_hex(6)
        self.offset = 0
        self.history = collections.deque(maxlen=HISTORY)  # (offset, feed, text)
        self.viewers = set()
        self.subscriptions = []
        self.db = "up"
        self.lock = threading.Lock()

    def feeds(self):
        out = []
        now = datetime.now(timezone.utc)
        for meta in fx.FEEDS:
            runs = [f for f in self.fetches if f["feed"] == meta["id"]]
            last = max(runs, key=lambda r: r["startedAt"]) if runs else None
            ok = [r for r in runs if r["ok"]]
            last_ok = max(r["finishedAt"] for r in ok) if ok else None
            stale = last_ok is None or now - parse_time(last_ok, "x") > timedelta(seconds=2 * meta["periodSeconds"])
            entry = dict(meta, lastFetch=({k: v for k, v in last.items() if k not in ("feed", "bytes", "rawPath")}
                                          if last else None), lastSuccessAt=last_ok, stale=stale)
            out.append(entry)
        return out

    def broadcast(self, feed, message):
        with self.lock:
            if feed is not None:
                self.offset += 1
                message["offset"] = self.offset
            text = json.dumps(message)
            if feed is not None:
                self.history.append((self.offset, feed, text))
            for viewer in list(self.viewers):
                if feed is None or viewer.wants(feed):
                    viewer.send_text(text)
            return message.get("offset")

    def subscribe(self, viewer, message):
        with self.lock:
            self.subscriptions.append(message)
            feeds = message.get("feeds") or ["*"]
            since = message.get("since")
            viewer.feeds = feeds
            if since is None:
                return
            first = self.history[0][0] if self.history else self.offset + 1
            if since.get("epoch") != self.epoch or not (first - 1 <= since.get("offset", -1) <= self.offset):
                viewer.send_text(json.dumps({"type": "reset"}))
                return
            for offset, feed, text in self.history:
                if offset > since["offset"] and viewer.wants(feed):
                    viewer.send_text(text)

    def push(self, body):
        feed, op, doc = body["feed"], body.get("op", "insert"), dict(body["doc"])
        doc.setdefault("feed", feed)
        with self.lock:
            store = self.readings.setdefault(feed, [])
            if op == "insert":
                doc.setdefault("_id", fx.object_id())
                doc.setdefault("fetchedAt", fx.iso(datetime.now(timezone.utc)))
                store.append(doc)
            else:
                idx = next((i for i, r in enumerate(store) if r["_id"] == doc.get("_id")), None)
                if idx is None:
                    raise BadParameter("doc", f"no reading with _id {doc.get('_id')}")
                if op == "update":
                    store[idx] = dict(store[idx], **doc)
                    doc = store[idx]
                else:
                    store.pop(idx)
                    doc = {"_id": doc["_id"], "feed": feed}
        if body.get("broadcast") is False:  # stored only, as if inserted while the server was down
            return {"offset": None, "doc": doc}
        offset = self.broadcast(feed, {"type": "reading", "feed": feed, "op": op, "doc": doc})
        return {"offset": offset, "doc": doc}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    state: State = None
    web_root = None
    token = None

    def log_message(self, fmt, *args):
        pass

    def send_json(self, status, obj):
        body = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def authorised(self, query):
        if not self.token:
            return True
        return query.get("token", [None])[0] == self.token or \
            self.headers.get("Authorization") == f"Bearer {self.token}"

    def do_GET(self):
        url = urlparse(self.path)
        query = parse_qs(url.query)
        # The token guards the page, the API and /ws; the page's own modules and stylesheet load without it
        # (a browser does not add ?token= to <script type=module> imports).
        guarded = url.path in ("/", "/index.html", "/ws", "/healthz", "/metrics") or url.path.startswith("/api/")
        if guarded and not self.authorised(query):
            return self.send_json(401, {"error": "token required"})
        try:
            if url.path == "/ws":
                return self.upgrade()
            if url.path == "/api/feeds":
                return self.send_json(200, {"feeds": self.state.feeds()})
            if url.path == "/api/readings":
                return self.send_json(200, {"readings": self.readings(query)})
            if url.path == "/api/fetches":
                return self.send_json(200, {"fetches": self.fetch_list(query)})
            if url.path == "/api/rollups":
                return self.send_json(200, {"rollups": []})
            if url.path == "/healthz":
                up = self.state.db == "up"
                return self.send_json(200 if up else 503, {"status": "ok" if up else "degraded", "db": self.state.db})
            if url.path == "/test/subscriptions":
                return self.send_json(200, {"subscriptions": self.state.subscriptions})
            return self.static(url.path)
        except BadParameter as e:
            return self.send_json(400, {"error": str(e), "parameter": e.name})

    def do_POST(self):
        url = urlparse(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        try:
            body = json.loads(self.rfile.read(length) or b"{}")
        except json.JSONDecodeError:
            return self.send_json(400, {"error": "body is not JSON", "parameter": "body"})
        try:
            if url.path == "/test/push":
                return self.send_json(200, self.state.push(body))
            if url.path == "/test/fetch":
                msg = {"type": "fetch", "feed": body["feed"], "ok": body.get("ok", True),
                       "at": fx.iso(datetime.now(timezone.utc)), "error": body.get("error"),
                       "records": body.get("records", 0), "inserted": body.get("inserted", 0), "updated": 0}
                return self.send_json(200, {"offset": self.state.broadcast(body["feed"], msg)})
            if url.path == "/test/status":
                self.state.db = body.get("db", "up")
                self.state.broadcast(None, {"type": "status", "db": self.state.db})
                return self.send_json(200, {"db": self.state.db})
            if url.path == "/test/restart":  # a new server process: new epoch, empty history, sockets dropped
                with self.state.lock:
                    self.state.epoch = secrets.token_hex(6)
                    self.state.offset = 0
                    self.state.history.clear()
            if url.path in ("/test/drop", "/test/restart"):
                with self.state.lock:
                    viewers = list(self.state.viewers)
                for v in viewers:
                    try:
                        v.sock.shutdown(socket.SHUT_RDWR)
                    except OSError:
                        pass
                return self.send_json(200, {"dropped": len(viewers)})
        except (BadParameter, KeyError) as e:
            return self.send_json(400, {"error": str(e), "parameter": getattr(e, "name", "body")})
        return self.send_json(404, {"error": "not found"})

    def readings(self, query):
        feed = query.get("feed", [None])[0]
        if feed not in self.state.readings:
            raise BadParameter("feed", "feed is required and must name a known feed")
        key = query.get("key", [None])[0]
        start = parse_time(query["from"][0], "from") if "from" in query else None
        end = parse_time(query["to"][0], "to") if "to" in query else None
        try:
            limit = int(query.get("limit", ["1000"])[0])
        except ValueError:
            raise BadParameter("limit", "limit must be an integer") from None
        if not 1 <= limit <= 10000:
            raise BadParameter("limit", "limit must be between 1 and 10000")
        with self.state.lock:
            rows = [r for r in self.state.readings[feed] if key is None or r["key"] == key]
        rows = [r for r in rows if (start is None or parse_time(r["at"], "at") >= start)
                and (end is None or parse_time(r["at"], "at") <= end)]
        rows.sort(key=lambda r: r["at"])
        return rows[:limit]

    def fetch_list(self, query):
        feed = query.get("feed", [None])[0]
        limit = int(query.get("limit", ["50"])[0])
        rows = [f for f in self.state.fetches if feed is None or f["feed"] == feed]
        return sorted(rows, key=lambda r: r["startedAt"], reverse=True)[:limit]

    def static(self, path):
        if path == "/":
            path = "/index.html"
        full = os.path.realpath(os.path.join(self.web_root, path.lstrip("/")))
        if not full.startswith(os.path.realpath(self.web_root) + os.sep) or not os.path.isfile(full):
            return self.send_json(404, {"error": "not found"})
        with open(full, "rb") as f:
            body = f.read()
        self.send_response(200)
        self.send_header("Content-Type", TYPES.get(os.path.splitext(full)[1], "application/octet-stream"))
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def upgrade(self):
        key = self.headers.get("Sec-WebSocket-Key")
        if not key or "websocket" not in (self.headers.get("Upgrade") or "").lower():
            return self.send_json(400, {"error": "WebSocket upgrade required", "parameter": "Upgrade"})
        accept = base64.b64encode(hashlib.sha1((key + WS_GUID).encode()).digest()).decode()
        self.send_response(101, "Switching Protocols")
        self.send_header("Upgrade", "websocket")
        self.send_header("Connection", "Upgrade")
        self.send_header("Sec-WebSocket-Accept", accept)
        self.end_headers()
        self.wfile.flush()
        viewer = Viewer(self.connection)
        viewer.send_text(json.dumps({"type": "hello", "server": "vigie-fake 0.1.0", "epoch": self.state.epoch,
                                     "feeds": [f["id"] for f in fx.FEEDS]}))
        if self.state.db != "up":
            viewer.send_text(json.dumps({"type": "status", "db": self.state.db}))
        with self.state.lock:
            self.state.viewers.add(viewer)
        try:
            self.read_frames(viewer)
        finally:
            with self.state.lock:
                self.state.viewers.discard(viewer)
            self.close_connection = True

    def read_frames(self, viewer):
        reader = self.rfile
        while True:
            head = reader.read(2)
            if len(head) < 2:
                return
            opcode, n = head[0] & 0x0F, head[1] & 0x7F
            if n == 126:
                n = struct.unpack(">H", reader.read(2))[0]
            elif n == 127:
                n = struct.unpack(">Q", reader.read(8))[0]
            mask = reader.read(4) if head[1] & 0x80 else b"\0\0\0\0"
            payload = bytes(b ^ mask[i % 4] for i, b in enumerate(reader.read(n)))
            if opcode == 0x8:
                with viewer.lock:
                    try:
                        viewer.sock.sendall(b"\x88\x00")
                    except OSError:
                        pass
                return
            if opcode == 0x9:
                with viewer.lock:
                    viewer.sock.sendall(bytes([0x8A, len(payload)]) + payload)
            elif opcode == 0x1:
                try:
                    message = json.loads(payload)
                except ValueError:
                    continue
                if message.get("type") == "subscribe":
                    self.state.subscribe(viewer, message)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--web", default=os.path.join(here, "..", "..", "web"))
    parser.add_argument("--token", default=None)
    parser.add_argument("--age-days", type=int, default=0, help="move every reading this many days into the past")
    args = parser.parse_args()
    Handler.state = State(args.age_days)
    Handler.web_root = os.path.realpath(args.web)
    Handler.token = args.token
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    print(f"ready http://127.0.0.1:{server.server_address[1]}/", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
