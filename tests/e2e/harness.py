"""OctaSIP end-to-end test harness: real baresip processes on loopback.

Every instance gets a fresh profile made by `octasip init`, free ports, a
tone source instead of a sound card, and is driven over its private control
socket (octasip_ctrl: a Unix socket, ctrl_tcp's netstring JSON).  Waits are
on events with deadlines, never on sleeps.  Processes are
always killed and profiles deleted, also when a test fails (addCleanup /
atexit).

Environment (set by ctest): OCTASIP_BIN (the octasip tool), OCTASIP_SRC.
"""

import atexit
import json
import os
import re
import select
import shutil
import signal
import socket
import sqlite3
import subprocess
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.environ.get("OCTASIP_SRC", os.path.dirname(os.path.dirname(HERE)))
OCTASIP = os.environ.get("OCTASIP_BIN",
                         os.path.join(SRC, "build", "modules", "cli",
                                      "octasip"))


def _built_for():
    """The baresip the build is for (BARESIP_BINARY in the build's
    CMakeCache.txt), so that ctest in a build for another baresip (4.x
    under a prefix) runs that one; OCTASIP_BARESIP still overrides."""
    cache = os.path.join(os.environ.get("OCTASIP_BUILD", ""),
                         "CMakeCache.txt")
    try:
        with open(cache) as f:
            for line in f:
                if line.startswith("BARESIP_BINARY:"):
                    return line.split("=", 1)[1].strip()
    except OSError:
        pass
    return "/usr/bin/baresip"


def _installed_version():
    """Without a build tree (the installed package's smoke tests): the
    version the baresip to run prints ("1.1.0"), or "1.0.0" """
    exe = os.environ.get("OCTASIP_BARESIP") or "/usr/bin/baresip"
    try:
        out = subprocess.run([exe, "-h"], capture_output=True, text=True,
                             timeout=10)
    except OSError:
        return "1.0.0"
    m = re.search(r"baresip v(\d+\.\d+\.\d+)", out.stdout + out.stderr)
    return m.group(1) if m else "1.0.0"


def _build_define(name):
    """A string #define of the build's generated/octasip_version.h
    (cmake/BaresipAbi.cmake), or None without a build."""
    ver = os.path.join(os.environ.get("OCTASIP_BUILD", ""), "generated",
                       "octasip_version.h")
    try:
        with open(ver) as f:
            m = re.search(r'(?m)^#define %s "([^"]*)"' % name, f.read())
            return m.group(1) if m else None
    except OSError:
        return None


def _abi_family():
    """The ABI family the build is for: "1.0", "1.1" or "4" (or,
    without a build, as the installed baresip's version says)."""
    fam = _build_define("BSIP_ABI_FAMILY")
    if fam:
        return fam
    v = _installed_version()
    return "4" if v.startswith("4.") else ".".join(v.split(".")[:2])


FAMILY = _abi_family()


def _built_for_version():
    """The baresip version the build is for ("1.0.0", "4.10.0")"""
    return _build_define("BSIP_API_VERSION") or _installed_version()


BARESIP_VERSION = _built_for_version()
BARESIP = os.environ.get("OCTASIP_BARESIP") or _built_for()
# the octasip tool and everything it starts run the same one
os.environ["OCTASIP_BARESIP"] = BARESIP

# the call log's group-commit window (CLW_BATCH_JOURNAL_MS): a row reaches
# calllog.db up to this long after its event; a check that nothing was
# written must wait past it
CALLLOG_COMMIT_S = 2.0


def baresip_version():
    """The version the baresip under test prints ("1.1.0"): tests that
    check a fact of one release compare with it, never skip silently."""
    out = subprocess.run([BARESIP, "-h"], capture_output=True, text=True,
                         timeout=10)
    m = re.search(r"baresip v(\d+\.\d+\.\d+)", out.stdout + out.stderr)
    return m.group(1) if m else "?"

_live = []


def _reap():
    for inst in list(_live):
        inst.kill()


atexit.register(_reap)


def _runtime_dir():
    """A login session has a private $XDG_RUNTIME_DIR, and octasip_ctrl
    puts its socket there; a test runner (CI, ctest as root) often has
    none, and the socket would go to <profile>/run instead, into every
    test that looks at the profile's files.  Give the tests and every
    process they start one of their own, as logind would."""
    rt = os.environ.get("XDG_RUNTIME_DIR", "")
    try:
        st = os.stat(rt)
        if (rt.startswith("/") and st.st_uid == os.geteuid() and
                not st.st_mode & 0o077):
            return
    except OSError:
        pass
    rt = tempfile.mkdtemp(prefix="octasip-xdg-")
    os.environ["XDG_RUNTIME_DIR"] = rt
    atexit.register(shutil.rmtree, rt, True)


_runtime_dir()


_handed_out = set()


def _bindable(port):
    for kind in (socket.SOCK_STREAM, socket.SOCK_DGRAM):
        s = socket.socket(socket.AF_INET, kind)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        finally:
            s.close()
    return True


# how a start that lost its port to another process ends (cli_profile.c's
# check before baresip starts; baresip's own bind error after it)
PORT_TAKEN = re.compile(r"is already in use;|Address already in use")


def free_port():
    """A loopback port P free for TCP and UDP right now, with P+1 free too
    (baresip binds SIP/TLS on the SIP port + 1), never handed out twice
    by this process."""
    for _ in range(200):
        t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        t.bind(("127.0.0.1", 0))
        port = t.getsockname()[1]
        t.close()
        if port >= 65535 or {port, port + 1} & _handed_out:
            continue
        if _bindable(port) and _bindable(port + 1):
            _handed_out.update((port, port + 1))
            return port
    raise RuntimeError("no free port")


def octasip(*args, profile=None, stdin=None, env=None, check=True,
            timeout=60):
    """Run the octasip tool; returns CompletedProcess (text)."""
    cmd = [OCTASIP]
    if profile:
        cmd += ["-d", profile]
    cmd += list(args)
    e = dict(os.environ)
    if env:
        e.update(env)
    p = subprocess.run(cmd, input=stdin, capture_output=True, text=True,
                       env=e, timeout=timeout)
    if check and p.returncode != 0:
        raise AssertionError("octasip %s failed (%d): %s%s" %
                             (" ".join(args), p.returncode, p.stdout,
                              p.stderr))
    return p


def octasip_on_tty(*args, profile=None, prompt, answer, env=None,
                   timeout=60):
    """Run the octasip tool on a terminal (a pty on stdin, stdout and
    stderr) and type answer once prompt has been printed.  Returns
    (exit code, everything the terminal showed).

    This side keeps the terminal open until the child has exited and its
    output is drained: the last thing a child writes before it exits (a
    refusal's message) must not race the terminal's close, which reads
    as EIO on this side and once lost that message in CI."""
    cmd = [OCTASIP] + (["-d", profile] if profile else []) + list(args)
    e = dict(os.environ)
    if env:
        e.update(env)
    master, slave = os.openpty()
    out = b""
    try:
        proc = subprocess.Popen(cmd, stdin=slave, stdout=slave,
                                stderr=slave, env=e)
        sent = False
        quiet_since = None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            r, _, _ = select.select([master], [], [], 0.05)
            if r:
                out += os.read(master, 65536)
                quiet_since = None
            elif proc.poll() is not None:
                quiet_since = quiet_since or time.monotonic()
                if time.monotonic() - quiet_since > 0.3:
                    break
            if not sent and prompt.encode() in out:
                os.write(master, answer.encode())
                sent = True
        else:
            proc.kill()
        rc = proc.wait(timeout=10)
    finally:
        os.close(slave)
        os.close(master)
    return rc, out.decode("utf-8", "replace")


def sanitizer_env():
    """For an ASan+UBSan build (scripts/test-asan): the modules baresip
    loads need the ASan runtime, preloaded from OCTASIP_TEST_PRELOAD;
    baresip's and libre's own leaks are not ours (detect_leaks=0); fatal
    signals are left to octasip_crash's handler (handle_segv=0 ...), and
    an ASan report aborts, which that handler then reports too."""
    pre = os.environ.get("OCTASIP_TEST_PRELOAD")
    if not pre:
        return {}
    return {"LD_PRELOAD": pre,
            "ASAN_OPTIONS": "detect_leaks=0:halt_on_error=1:"
                            "abort_on_error=1:handle_segv=0:"
                            "handle_sigbus=0:handle_sigfpe=0:"
                            "handle_sigill=0",
            "UBSAN_OPTIONS": "halt_on_error=1:print_stacktrace=1"}


def wait_for(pred, timeout=10.0, what="condition"):
    """Poll pred() until it is true; AssertionError after timeout s."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pred():
            return
        time.sleep(0.05)
    raise AssertionError("timed out waiting for " + what)


class CtrlError(Exception):
    pass


def _fnv1a64(data):
    h = 0xcbf29ce484222325
    for b in data:
        h = ((h ^ b) * 0x100000001b3) & 0xffffffffffffffff
    return h


def ctrl_socket_path(profile, env=None, override=None):
    """Where octasip_ctrl puts a profile's socket (as ctrlpath.c does):
    $XDG_RUNTIME_DIR/octasip/<base>-<fnv1a64(realpath)>.sock, or
    <profile>/run/... without a private XDG_RUNTIME_DIR of ours."""
    if override:
        return override
    e = os.environ if env is None else env
    real = os.path.realpath(profile)
    base = re.sub(r"[^A-Za-z0-9._-]", "_",
                  os.path.basename(real) or real)[:24]
    name = "%s-%016x.sock" % (base, _fnv1a64(real.encode()))
    rt = e.get("XDG_RUNTIME_DIR", "")
    ok = False
    if rt.startswith("/"):
        try:
            st = os.stat(rt)
            ok = (os.path.isdir(rt) and st.st_uid == os.geteuid() and
                  not st.st_mode & 0o077)
        except OSError:
            pass
    d = os.path.join(rt, "octasip") if ok else os.path.join(real, "run")
    return os.path.join(d, name)


class Ctrl:
    """Client of octasip_ctrl's Unix socket: netstring framed JSON, as
    ctrl_tcp speaks it.  path: the socket file (ctrl_socket_path());
    alive: if given, waiting ends as soon as it returns False (the
    process that would open the socket has exited)."""

    def __init__(self, path, timeout=10.0, alive=None):
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.sock = socket.socket(socket.AF_UNIX,
                                          socket.SOCK_STREAM)
                self.sock.settimeout(1.0)
                self.sock.connect(path)
                break
            except OSError:
                self.sock.close()
                if alive is not None and not alive():
                    raise CtrlError("control socket %s never opened:"
                                    " the process exited" % path)
                if time.monotonic() > deadline:
                    raise CtrlError("control socket %s never opened" %
                                    path)
                time.sleep(0.05)
        self.buf = b""
        self.events = []       # every event seen, in order
        self.responses = []
        self._token = 0

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def _read_one(self, deadline):
        while True:
            m = re.match(rb"(\d+):", self.buf)
            if m:
                n = int(m.group(1))
                start = m.end()
                if len(self.buf) >= start + n + 1:
                    msg = self.buf[start:start + n]
                    self.buf = self.buf[start + n + 1:]
                    return json.loads(msg.decode("utf-8", "replace"))
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            self.sock.settimeout(min(left, 0.5))
            try:
                data = self.sock.recv(65536)
            except socket.timeout:
                continue
            if not data:
                raise CtrlError("control connection closed")
            self.buf += data

    def _pump(self, deadline):
        msg = self._read_one(deadline)
        if msg is None:
            return False
        if msg.get("event"):
            self.events.append(msg)
        elif msg.get("response"):
            self.responses.append(msg)
        return True

    def command(self, command, params=None, timeout=10.0):
        """Send a command; return (ok, data) of its response."""
        self._token += 1
        tok = "t%d" % self._token
        body = {"command": command, "token": tok}
        if params is not None:
            body["params"] = params
        raw = json.dumps(body).encode()
        self.sock.sendall(b"%d:%s," % (len(raw), raw))
        deadline = time.monotonic() + timeout
        while True:
            for r in self.responses:
                if r.get("token") == tok:
                    self.responses.remove(r)
                    return r.get("ok"), r.get("data", "")
            if not self._pump(deadline):
                raise CtrlError("no response to %r" % command)

    def wait_event(self, etype, timeout=10.0, pred=None, start=0):
        """Wait for an event of type etype (a tuple: any of them) and
        pred(ev); returns it.

        Events already received from index `start` on count too."""
        deadline = time.monotonic() + timeout
        types = etype if isinstance(etype, tuple) else (etype,)
        i = start
        while True:
            while i < len(self.events):
                ev = self.events[i]
                i += 1
                if ev.get("type") in types and (pred is None or pred(ev)):
                    return ev
            if not self._pump(deadline):
                raise CtrlError("no %s event within %.1fs; saw %s" %
                                (etype, timeout,
                                 [e.get("type") for e in self.events]))


class Process:
    """A running baresip: its log, its control socket, stopping it.

    Subclasses set self.proc (Popen), self.ctrl (Ctrl) and self.log_path.
    """

    proc = None
    ctrl = None
    log_path = None

    def log(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def settle_log(self, quiet=0.15, limit=3.0):
        """Off a terminal, baresip's output reaches the log through the
        output filter of `octasip run`, a process of its own: lines land
        a little after baresip wrote them, also after it exited.  Wait
        until the log stops growing."""
        size = -1
        end = time.monotonic() + limit
        while time.monotonic() < end:
            try:
                now = os.path.getsize(self.log_path)
            except OSError:
                return
            if now == size:
                return
            size = now
            time.sleep(quiet)

    def wait_registered(self, timeout=10.0):
        """A registration of this run succeeded.  baresip registers as
        soon as it is ready, and a registrar on loopback answers within
        a millisecond, often before the test's control client is
        connected (always on 4.x, now and then on 1.x): the REGISTER_OK
        event is gone by then, so the log line of the registration's
        200 OK ("{0/UDP/v4} 200 OK (...) [1 binding]") counts as well."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(e.get("type") == "REGISTER_OK" for e in
                   self.ctrl.events) or re.search(
                       r"\} 200 OK .*\[\d+ bindings?\]",
                       self.log()[getattr(self, "log_mark", 0):]):
                return True
            try:
                self.ctrl.wait_event("REGISTER_OK", 0.05,
                                     start=len(self.ctrl.events))
                return True
            except CtrlError:
                pass
        raise AssertionError("no registration:\n" + self.log()[-3000:])

    def wait_log(self, pattern, timeout=10.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if re.search(pattern, self.log()):
                return True
            if self.proc and self.proc.poll() is not None:
                self.settle_log()
                if re.search(pattern, self.log()):
                    return True
                break
            time.sleep(0.05)
        raise AssertionError("log never matched %r:\n%s" %
                             (pattern, self.log()))

    def command(self, command, params=None, timeout=10.0):
        return self.ctrl.command(command, params, timeout)

    def wait_event(self, etype, timeout=10.0, pred=None, start=0):
        return self.ctrl.wait_event(etype, timeout, pred, start)

    def stop(self, timeout=15.0):
        """Quit cleanly; returns the exit status."""
        if not self.proc:
            return None
        if self.proc.poll() is None and self.ctrl:
            try:
                self.ctrl.command("quit", timeout=2.0)
            except (CtrlError, OSError):
                pass
        try:
            rc = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError("baresip did not exit on quit")
        self._forget()
        self.settle_log()
        return rc

    def signal(self, sig):
        if self.proc and self.proc.poll() is None:
            os.kill(self.proc.pid, sig)

    def kill(self):
        if self.proc and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except OSError:
                pass
            self.proc.wait()
        self._forget()

    def _forget(self):
        if self.ctrl:
            self.ctrl.close()
            self.ctrl = None
        if self in _live:
            _live.remove(self)



class Instance(Process):
    """One baresip with an OctaSIP profile.

    name: user part of the local AOR; account: extra account params;
    permissions: dict written to the permissions file (None: leave as
    init made it); config: dict of config keys to set; drop_modules:
    module lines to remove."""

    def __init__(self, testcase, name="alice", account=";regint=0",
                 permissions=None, config=None, drop_modules=(),
                 add_modules=(), root=None):
        self.name = name
        self.root = root or tempfile.mkdtemp(prefix="octasip-e2e-")
        self.own_root = root is None
        self.profile = os.path.join(self.root, name)
        self.sip_port = free_port()
        self.proc = None
        self.ctrl = None
        self.log_path = os.path.join(self.root, name + ".log")
        if testcase is not None:
            testcase.addCleanup(self.cleanup)
        octasip("init", profile=self.profile)
        if permissions is not None:
            self.write_permissions(permissions)
        cfg = {"sip_listen": "127.0.0.1:%d" % self.sip_port}
        if FAMILY == "4":
            # 4.x leaves loopback addresses out of its local addresses
            # (net_ifaddr_filter()) unless net_interface names one: no
            # call between two instances on 127.0.0.1 without it
            cfg["net_interface"] = "127.0.0.1"
        cfg.update(config or {})
        self.edit_config(cfg, drop_modules=("stdio.so",) + tuple(
            drop_modules), add_modules=add_modules)
        self.aor = "sip:%s@127.0.0.1:%d" % (name, self.sip_port)
        self.write_accounts(["<%s>%s" % (self.aor, account)])

    # -- profile files --------------------------------------------------
    def path(self, *parts):
        return os.path.join(self.profile, *parts)

    def audit(self, pattern=None, timeout=5.0):
        """permissions.audit's text ("" if there is none).  With
        pattern (a regex): waits until the text matches it.  The policy
        writes a line up to a second after it stored it (at most one
        write a second: docs/policy.md, "Audit log")."""
        def text():
            try:
                with open(self.path("permissions.audit")) as f:
                    return f.read()
            except FileNotFoundError:
                return ""
        if pattern is None:
            return text()
        deadline = time.monotonic() + timeout
        while True:
            t = text()
            if re.search(pattern, t) or time.monotonic() > deadline:
                return t
            time.sleep(0.05)

    def write_permissions(self, perms):
        with open(self.path("permissions"), "w") as f:
            for k, v in perms.items():
                f.write("%s %s\n" % (k, v))
        os.chmod(self.path("permissions"), 0o600)

    def write_accounts(self, lines):
        with open(self.path("accounts"), "w") as f:
            f.write("\n".join(lines) + "\n")
        os.chmod(self.path("accounts"), 0o600)

    def edit_config(self, keys, drop_modules=(), add_modules=()):
        p = self.path("config")
        with open(p) as f:
            text = f.read()
        for mod in drop_modules:
            text = re.sub(r"(?m)^module(_app|_tmp)?\s+%s\b.*\n" %
                          re.escape(mod), "", text)
        for k, v in keys.items():
            line = "%s\t%s" % (k, v)
            if v is None:
                text = re.sub(r"(?m)^%s\s.*\n" % re.escape(k), "", text)
            elif re.search(r"(?m)^%s\s" % re.escape(k), text):
                text = re.sub(r"(?m)^%s\s.*$" % re.escape(k),
                              lambda m: line, text, count=1)
            else:
                text += line + "\n"
        for slot, mod in add_modules:
            text += "%s\t%s\n" % (slot, mod)
        with open(p, "w") as f:
            f.write(text)

    def ctrl_sock(self, env=None):
        """This instance's control socket path."""
        m = re.search(r"(?m)^octasip_ctrl_socket\s+(\S+)",
                      self.config_text())
        return ctrl_socket_path(self.profile, env,
                                m.group(1) if m else None)

    def connect(self, timeout=10.0):
        """A new control connection (octasip_ctrl serves several)."""
        return Ctrl(self.ctrl_sock(), timeout)

    def config_text(self):
        with open(self.path("config")) as f:
            return f.read()

    # -- process ----------------------------------------------------------
    def start(self, args=(), timeout=15.0, wait_ready=True, env=None,
              run_args=()):
        """Start baresip through `octasip run --tone` (run_args: more
        options of `octasip run`, e.g. ("--log",)).

        free_port() can only say a port was free when it looked: if another
        process took it before this one, `octasip run` refuses to start
        ("port ... is already in use") or baresip fails to bind ("Address
        already in use"); then the instance moves to new ports and starts
        again (twice at most)."""
        for attempt in range(3):
            try:
                return self._start(args, timeout, wait_ready, env,
                                   run_args)
            except AssertionError:
                if (attempt == 2 or self.proc.poll() is None or
                        not PORT_TAKEN.search(self.log()[self.log_mark:])):
                    raise
                self._forget()
                self._move_ports()

    def _move_ports(self):
        old = self.aor
        self.sip_port = free_port()
        self.aor = "sip:%s@127.0.0.1:%d" % (self.name, self.sip_port)
        self.edit_config({"sip_listen": "127.0.0.1:%d" % self.sip_port})
        with open(self.path("accounts")) as f:
            text = f.read()
        with open(self.path("accounts"), "w") as f:
            f.write(text.replace(old, self.aor))
        with open(self.log_path, "ab") as f:
            f.write(b"\n[harness: port taken by another process;"
                    b" restarting on new ports]\n")

    def _start(self, args, timeout, wait_ready, env, run_args=()):
        e = dict(os.environ)
        e.update(sanitizer_env())
        e.update(env or {})        # a test may refine the sanitizer's
        self.log_mark = len(self.log())    # where this run's lines start
        logf = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [OCTASIP, "-d", self.profile, "run", "--tone"] +
            list(run_args) + ["--", "-t", "300"] + list(args),
            stdin=subprocess.DEVNULL, stdout=logf, stderr=subprocess.STDOUT,
            env=e, start_new_session=True)
        logf.close()
        _live.append(self)
        if wait_ready:
            try:
                self.ctrl = Ctrl(self.ctrl_sock(e), timeout,
                                 alive=lambda: self.proc.poll() is None)
            except CtrlError:
                raise AssertionError("baresip did not start:\n" + self.log())
            self.wait_log(r"baresip is ready", timeout)
        return self

    def cleanup(self):
        self.kill()
        if self.own_root and not os.environ.get("OCTASIP_KEEP"):
            shutil.rmtree(self.root, ignore_errors=True)

    # -- data ---------------------------------------------------------------
    def calllog_rows(self):
        db = self.path("calllog.db")
        con = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
        con.row_factory = sqlite3.Row
        try:
            return [dict(r) for r in con.execute(
                "SELECT * FROM calls ORDER BY id")]
        finally:
            con.close()


def sipp_after_block(sipp, trace, timeout):
    """(exit status, message trace) of a sipp callee once the policy has
    blocked the call to it.  1.x sends the INVITE and CANCELs it, and a
    uas_expect_cancel scenario ends by itself.  4.x never sends it
    (bsip_call_hold_invite() in modules/common/bsip.h): sipp is stopped
    2 s later, past the INVITE's first retransmission (500 ms), and the
    status is None."""
    if FAMILY == "4":
        time.sleep(2.0)
        sipp.kill()
        sipp.wait()
        rc = None
    else:
        rc = sipp.wait(timeout)
    try:
        with open(trace) as f:
            return rc, f.read()
    except FileNotFoundError:
        return rc, ""


def call(caller, callee, answer=True, timeout=10.0):
    """caller dials callee; if answer, callee accepts; returns when the
    call is established (or ringing, if not answer)."""
    n = len(callee.ctrl.events)
    m = len(caller.ctrl.events)
    ok, data = caller.command("dial", callee.aor)
    if not ok:
        raise AssertionError("dial failed: %s" % data)
    # this call's CALL_INCOMING, not a late one of an earlier call (a
    # call the callee's policy refused emits one too): the same SIP
    # Call-ID as the caller's first answer to this dial (its call id is
    # set once the INVITE is sent)
    first = caller.wait_event(("CALL_RINGING", "CALL_PROGRESS",
                               "CALL_ESTABLISHED"), timeout, start=m)
    cid = first.get("id")
    callee.wait_event("CALL_INCOMING", timeout, start=n,
                      pred=lambda e: not cid or e.get("id") == cid)
    if not answer:
        # ringing at the caller too: 1.1.0's menu hangs up the call it
        # selected, which it does at the first provisional response; re
        # 4.10 drops an INVITE transaction without a provisional response
        # and sends no CANCEL (the callee would ring on)
        caller.wait_event("CALL_RINGING", timeout, start=m)
    if answer:
        callee.command("accept")
        # this call's, not an earlier call's (a hangup right after must
        # find the call established on both sides)
        caller.wait_event("CALL_ESTABLISHED", timeout, start=m)


def hangup(caller, callee):
    """caller hangs up its call with callee; returns when both saw it
    closed (callee: only while it runs)."""
    na, nb = len(caller.ctrl.events), len(callee.ctrl.events)
    caller.command("hangup")
    caller.wait_event("CALL_CLOSED", start=na)
    if callee.ctrl:
        callee.wait_event("CALL_CLOSED", start=nb)


class TestCase(unittest.TestCase):
    """Base class: dumps instance logs when a test fails."""

    maxDiff = None

    def assertInviteStopped(self, rc, msgs, cancels=None):
        """(rc, msgs) of sipp_after_block() for a blocked outgoing call:
        on 4.x no INVITE left; on 1.x the callee's scenario ended by
        itself (nothing answered it) and the INVITE was CANCELled:
        `cancels` CANCELs if given, else at least one."""
        if FAMILY == "4":
            self.assertNotIn("INVITE sip:", msgs)
            return
        self.assertEqual(rc, 0, "sipp: the callee answered:\n" +
                         msgs[-3000:])
        if cancels is None:
            self.assertIn("CANCEL sip:", msgs)
        else:
            self.assertEqual(len(re.findall(r"^CANCEL (?i:sip):", msgs,
                                            re.M)), cancels)

    def assertUsageError(self, p, needle=None, sub=None):
        """A usage error of the octasip tool: exit 2, on stderr one line
        "octasip: MESSAGE" and the hint "Try 'octasip [SUB ]--help'."."""
        self.assertEqual(p.returncode, 2, p.stderr)
        lines = p.stderr.splitlines()
        self.assertEqual(len(lines), 2, p.stderr)
        self.assertTrue(lines[0].startswith("octasip: "), p.stderr)
        self.assertNotIn("usage:", lines[0])
        self.assertRegex(lines[1], r"^Try 'octasip (%s )?--help'\.$" %
                         (sub or "[a-z]+"))
        if needle:
            self.assertIn(needle, lines[0])


def main():
    import warnings
    warnings.simplefilter("ignore", ResourceWarning)
    unittest.main(verbosity=2)
