"""Helpers for the privacy conformance suite (tests/privacy/test_P_*.py).

canary_scenario() pushes unique canaries through every input path:
account add (password on stdin), account import (a file with ;auth_pass=),
a call from a caller with a hostile display name and a number as its user
part, permission changes, a crash (SIGSEGV, then a restart that turns the
record into a report) and an export.  It returns the places to search:
every file under the profile, the baresip logs, the export, baresip's
/proc/PID/cmdline and environ, and files written outside the profile.
"""

import os
import secrets
import signal
import stat
import time

import harness
from harness import Instance, octasip


def canaries():
    tag = secrets.token_hex(4).upper()
    return {
        # secrets: zero hits anywhere
        "password": "PwCanary%sXq" % tag,
        "import_password": "ImpCanary%sZk" % tag,
        # identities: allowed only in the call log, accounts, contacts,
        # the export and the console output
        "number": "4915550%06d" % secrets.randbelow(10 ** 6),
        "name": "Zed%sCanary" % tag,
    }


def read_bytes(path):
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError:
        return b""


def proc_strings(pid):
    """baresip's command line and environment, as bytes."""
    out = {}
    for what in ("cmdline", "environ"):
        out["/proc/%d/%s" % (pid, what)] = read_bytes(
            "/proc/%d/%s" % (pid, what))
    return out


def files_under(root, skip=None):
    for dirpath, dirnames, filenames in os.walk(root):
        if skip and os.path.abspath(dirpath).startswith(skip):
            continue
        for n in filenames:
            p = os.path.join(dirpath, n)
            if skip and os.path.abspath(p).startswith(skip + os.sep):
                continue
            try:
                if stat.S_ISREG(os.lstat(p).st_mode):
                    yield p
            except OSError:
                pass


def new_files(root, since):
    """Regular files under root modified since `since` (Unix time)."""
    for p in files_under(root):
        try:
            if os.lstat(p).st_mtime >= since:
                yield p
        except OSError:
            pass


def canary_scenario(tc):
    """Runs the canary scenario; returns (canaries, places, alice, bob).

    places: dict name -> bytes, keys prefixed "profile:", "log:",
    "export:", "proc:", "outside:"."""
    c = canaries()
    start = time.time() - 1
    a = Instance(tc, "alice", permissions={"microphone": "allow",
                                           "storage": "allow"})
    home = os.path.join(a.root, "home")
    os.makedirs(home)
    env = {"HOME": home, "TMPDIR": os.path.join(home, "tmp"),
           "XDG_CONFIG_HOME": os.path.join(home, ".config"),
           "XDG_CACHE_HOME": os.path.join(home, ".cache"),
           "XDG_DATA_HOME": os.path.join(home, ".local", "share")}
    os.makedirs(env["TMPDIR"])
    b = Instance(tc, "bob", root=a.root, permissions={"microphone": "allow"})
    # bob calls with a hostile display name and a number as its user part
    b.aor = "sip:%s@127.0.0.1:%d" % (c["number"], b.sip_port)
    b.write_accounts(['"%s <b>&\'; DROP TABLE calls;--" <%s>;regint=0' %
                      (c["name"], b.aor)])

    # secrets in through account add and account import
    octasip("account", "add", "sip:carol@127.0.0.1:9",
            "--auth-user", "carol", "--password-stdin",
            profile=a.profile, stdin=c["password"] + "\n", env=env)
    # no REGISTER to a registrar that is not there
    with open(a.path("accounts")) as f:
        text = f.read()
    with open(a.path("accounts"), "w") as f:
        f.write(text.replace("<sip:carol@127.0.0.1:9>",
                             "<sip:carol@127.0.0.1:9>;regint=0"))
    imp = os.path.join(a.root, "import-accounts")
    with open(imp, "w") as f:
        f.write("<sip:dave@127.0.0.1:9>;auth_user=dave;auth_pass=%s;"
                "regint=0\n" % c["import_password"])
    octasip("account", "import", imp, profile=a.profile, env=env)
    os.unlink(imp)

    # permission changes
    octasip("perm", "set", "contacts", "deny", profile=a.profile, env=env)
    octasip("perm", "set", "contacts", "allow", profile=a.profile, env=env)
    octasip("crash", "consent", "give", profile=a.profile, env=env)

    a.start(env=env)
    b.start(env=env)
    places = {}
    places.update({"proc:" + k: v for k, v in
                   proc_strings(a.proc.pid).items()})

    # a call from bob (number, hostile name) to alice, answered
    n = len(a.ctrl.events)
    ok, data = b.command("dial", a.aor)
    tc.assertTrue(ok, data)
    a.wait_event("CALL_INCOMING", start=n)
    a.command("accept")
    b.wait_event("CALL_ESTABLISHED")
    a.wait_event("CALL_ESTABLISHED")
    # the call log writes from its own thread: crash once the row is
    # there (over the control socket the test can beat that write)
    harness.wait_for(lambda: len(a.calllog_rows()) == 1, 10,
                     "alice's call log row")

    # a crash with the call up, then a restart that makes the report
    a.signal(signal.SIGSEGV)
    a.proc.wait(15)
    a._forget()
    b.kill()   # its BYE to the dead alice would keep it 32 s
    a.start(env=env)
    places.update({"proc:" + k: v for k, v in
                   proc_strings(a.proc.pid).items()})
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not any(
            n.endswith(".json") and len(n) == 37
            for n in os.listdir(a.path("crash"))):
        time.sleep(0.05)
    tc.assertEqual(a.stop(), 0)

    # the export
    exp = os.path.join(a.root, "export.json")
    octasip("data", "export", exp, profile=a.profile, env=env)

    for p in files_under(a.profile):
        places["profile:" + os.path.relpath(p, a.profile)] = read_bytes(p)
    places["log:alice"] = a.log().encode()
    places["log:bob"] = b.log().encode()
    places["export:" + exp] = read_bytes(exp)
    for p in new_files(home, start):
        places["outside:" + p] = read_bytes(p)
    for p in new_files("/tmp", start):
        if not os.path.abspath(p).startswith(a.root + os.sep):
            places["outside:" + p] = read_bytes(p)
    return c, places, a, b


def hits(places, needle, where=lambda k: True):
    """Names of places (filtered by where) whose bytes contain needle."""
    n = needle.encode()
    return sorted(k for k, v in places.items() if where(k) and n in v)


def restart(inst, env=None):
    """Start again after a crash (octasip_ctrl replaces the dead
    process's socket)."""
    inst.start(env=env)


def crash(inst):
    """SIGSEGV the running baresip and reap it."""
    inst.signal(signal.SIGSEGV)
    inst.proc.wait(15)
    inst._forget()


class Receiver:
    """A local HTTP endpoint standing in for the crash endpoint: counts
    every request, whatever it is."""

    def __init__(self, tc):
        import threading
        from http.server import BaseHTTPRequestHandler, HTTPServer
        rx = self
        self.requests = []

        class H(BaseHTTPRequestHandler):
            def do_POST(self):
                n = int(self.headers.get("Content-Length") or 0)
                rx.requests.append((self.path, self.rfile.read(n)))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_GET = do_POST

            def log_message(self, *a):
                pass

        self.srv = HTTPServer(("127.0.0.1", 0), H)
        self.port = self.srv.server_address[1]
        self.dsn = "http://0123456789abcdef0123456789abcdef@127.0.0.1:%d/7" \
            % self.port
        t = threading.Thread(target=self.srv.serve_forever, daemon=True)
        t.start()
        tc.addCleanup(self.srv.shutdown)

    def wait(self, n, timeout=10.0):
        deadline = time.monotonic() + timeout
        while len(self.requests) < n and time.monotonic() < deadline:
            time.sleep(0.05)
        return len(self.requests)
