"""A local Sentry envelope receiver for the crash-reporter tests.

Listens on 127.0.0.1 (free port), accepts POST /api/<project>/envelope/,
checks every request against the Sentry envelope protocol and the
X-Sentry-Auth header, and records what it got.  Responses come from a
queue the test fills ((status, headers) pairs); when it is empty: 200.
"""

import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

HEX32 = re.compile(r"^[0-9a-f]{32}$")


class Envelope:
    def __init__(self, header, item_header, payload):
        self.header = header
        self.item_header = item_header
        self.payload = payload


def parse_envelope(body, dsn):
    """Returns (Envelope, None) or (None, error text)."""
    first = body.find(b"\n")
    if first < 0:
        return None, "no envelope header line"
    try:
        hdr = json.loads(body[:first])
    except ValueError:
        return None, "envelope header is not JSON"
    if not HEX32.match(str(hdr.get("event_id", ""))):
        return None, "bad event_id %r" % hdr.get("event_id")
    if hdr.get("dsn") != dsn:
        return None, "dsn %r != %r" % (hdr.get("dsn"), dsn)
    if not re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$",
                    str(hdr.get("sent_at", ""))):
        return None, "bad sent_at %r" % hdr.get("sent_at")
    rest = body[first + 1:]
    second = rest.find(b"\n")
    if second < 0:
        return None, "no item header line"
    try:
        item = json.loads(rest[:second])
    except ValueError:
        return None, "item header is not JSON"
    if item.get("type") != "event":
        return None, "item type %r" % item.get("type")
    length = item.get("length")
    payload = rest[second + 1:]
    if not isinstance(length, int) or len(payload) < length:
        return None, "item length %r, payload %d" % (length, len(payload))
    if payload[length:] not in (b"", b"\n"):
        return None, "bytes after the item"
    try:
        event = json.loads(payload[:length])
    except ValueError:
        return None, "payload is not JSON"
    if event.get("event_id") != hdr["event_id"]:
        return None, "payload event_id differs from the envelope's"
    return Envelope(hdr, item, event), None


class Receiver:
    def __init__(self, port, key="testkey", project="42"):
        self.key = key
        self.project = project
        self.port = port
        self.dsn = "http://%s@127.0.0.1:%d/%s" % (key, port, project)
        self.envelopes = []
        self.errors = []
        self.requests = 0
        self.responses = []
        self.lock = threading.Lock()
        recv = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                n = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(n)
                err = recv.check(self.path, self.headers, body)
                with recv.lock:
                    recv.requests += 1
                    status, hdrs = (recv.responses.pop(0) if
                                    recv.responses else (200, {}))
                self.send_response(status)
                for k, v in hdrs.items():
                    self.send_header(k, v)
                out = b'{"id":"x"}' if status == 200 else b"{}"
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

        self.server = HTTPServer(("127.0.0.1", port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever,
                                       daemon=True)
        self.thread.start()

    def check(self, path, headers, body):
        want = "/api/%s/envelope/" % self.project
        errs = []
        if path != want:
            errs.append("path %r != %r" % (path, want))
        auth = headers.get("X-Sentry-Auth", "")
        if not auth.startswith("Sentry "):
            errs.append("X-Sentry-Auth %r" % auth)
        fields = dict(p.strip().split("=", 1) for p in
                      auth[len("Sentry "):].split(",") if "=" in p)
        if fields.get("sentry_version") != "7":
            errs.append("sentry_version %r" % fields.get("sentry_version"))
        if fields.get("sentry_key") != self.key:
            errs.append("sentry_key %r" % fields.get("sentry_key"))
        if not fields.get("sentry_client", "").startswith("octasip/"):
            errs.append("sentry_client %r" % fields.get("sentry_client"))
        if headers.get("Content-Type") != "application/x-sentry-envelope":
            errs.append("Content-Type %r" % headers.get("Content-Type"))
        env, err = parse_envelope(body, self.dsn)
        if err:
            errs.append(err)
        with self.lock:
            if errs:
                self.errors.append("; ".join(errs))
            else:
                self.envelopes.append(env)
        return errs

    def wait_envelopes(self, n, timeout=15.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.envelopes) + len(self.errors) >= n:
                    return list(self.envelopes)
            time.sleep(0.05)
        raise AssertionError("receiver got %d envelope(s), wanted %d;"
                             " errors %s" % (len(self.envelopes), n,
                                             self.errors))

    def close(self):
        self.server.shutdown()
        self.server.server_close()
