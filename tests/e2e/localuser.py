"""A second local user for attacker tests (P-LOCAL-2).

LocalUser(testcase) creates a real account with `useradd` under a unique
name and removes it in the test's cleanup, also when the test fails (its
processes that the test started are killed first, by pid).  run() and
popen() start programs as that user (subprocess's user/group switch: a
fork, then setgroups/setgid/setuid in the child).  Needs root; the test
is skipped otherwise.
"""

import os
import pwd
import secrets
import socket
import subprocess

# The system's python: a test runner's own (pyenv under /root) may be
# out of the other user's reach
PYTHON = "/usr/bin/python3"

# Run as the other user: try the control socket, send one command, say
# what happened.  argv: socket path, command, params.
PROBE = r"""
import json, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout(5)
try:
    s.connect(sys.argv[1])
except OSError as e:
    print("connect-failed %s" % type(e).__name__)
    sys.exit(0)
print("connected")
raw = json.dumps({"command": sys.argv[2], "params": sys.argv[3],
                  "token": "evil"}).encode()
data = b""
try:
    s.sendall(b"%d:%s," % (len(raw), raw))
    while True:
        d = s.recv(65536)
        if not d:
            break
        data += d
except OSError as e:
    print("io-ended %s" % type(e).__name__)
print("reply %r" % data)
"""


class LocalUser:

    def __init__(self, testcase, prefix="osq"):
        if os.geteuid() != 0:
            testcase.skipTest("needs root to create a second local user")
        self.name = "%s%d%s" % (prefix, os.getpid() % 100000,
                                secrets.token_hex(3))
        self.procs = []
        subprocess.run(["useradd", "--no-create-home", "--home-dir",
                        "/nonexistent", "--shell", "/usr/sbin/nologin",
                        "--user-group", self.name], check=True,
                       capture_output=True)
        testcase.addCleanup(self.remove)
        pw = pwd.getpwnam(self.name)
        self.uid = pw.pw_uid
        self.gid = pw.pw_gid

    def env(self, home):
        return {"PATH": "/usr/bin:/bin", "HOME": home, "USER": self.name,
                "LANG": "C.UTF-8"}

    def run(self, argv, home="/tmp", env=None, **kw):
        e = self.env(home)
        e.update(env or {})
        kw.setdefault("capture_output", True)
        kw.setdefault("text", True)
        kw.setdefault("timeout", 60)
        return subprocess.run(argv, user=self.uid, group=self.gid,
                              extra_groups=[], env=e, cwd="/", **kw)

    def popen(self, argv, home="/tmp", env=None, **kw):
        e = self.env(home)
        e.update(env or {})
        p = subprocess.Popen(argv, user=self.uid, group=self.gid,
                             extra_groups=[], env=e, cwd="/", **kw)
        self.procs.append(p)
        return p

    def python(self, code, *args, **kw):
        return self.run([PYTHON, "-c", code] + list(args), **kw)

    def probe(self, sock_path, command, params=""):
        """Connect to a control socket as this user and send a command:
        'connect-failed X', or 'connected' plus what came back."""
        return self.python(PROBE, sock_path, command, params).stdout

    def remove(self):
        for p in self.procs:
            if p.poll() is None:
                try:
                    os.killpg(p.pid, 9)
                except OSError:
                    p.kill()
                p.wait()
            for f in (p.stdin, p.stdout, p.stderr):
                if f:
                    f.close()
        subprocess.run(["userdel", "--force", self.name],
                       capture_output=True)


def bind_as(user, port):
    """user listens on 127.0.0.1:port (TCP) until killed; returns the
    Popen, or None if the port is taken already."""
    code = ("import socket, sys, time\n"
            "s = socket.socket()\n"
            "try:\n"
            "    s.bind(('127.0.0.1', %d))\n"
            "except OSError:\n"
            "    print('taken', flush=True); sys.exit(0)\n"
            "s.listen(5)\n"
            "print('listening', flush=True)\n"
            "time.sleep(300)\n" % port)
    p = user.popen([PYTHON, "-c", code], stdout=subprocess.PIPE,
                   text=True, start_new_session=True)
    line = p.stdout.readline().strip()
    return p if line == "listening" else None


def _inodes(pid):
    out = set()
    for fd in os.listdir("/proc/%d/fd" % pid):
        try:
            t = os.readlink("/proc/%d/fd/%s" % (pid, fd))
        except OSError:
            continue
        if t.startswith("socket:["):
            out.add(int(t[8:-1]))
    return out


def _hexaddr(h, v6):
    ip, port = h.split(":")
    raw = bytes.fromhex(ip)
    if v6:
        raw = b"".join(raw[i:i + 4][::-1] for i in range(0, 16, 4))
        return socket.inet_ntop(socket.AF_INET6, raw), int(port, 16)
    return socket.inet_ntop(socket.AF_INET, raw[::-1]), int(port, 16)


def sockets_of(pid):
    """Every socket of a process, from /proc/PID/fd mapped to
    /proc/net/{tcp,tcp6,udp,udp6,unix}: a list of
    (proto, local ip, local port, state) and ("unix", path, flags, state)
    tuples.  Unknown inodes come back as ("?", inode, 0, 0)."""
    inodes = _inodes(pid)
    found = []
    seen = set()
    for proto in ("tcp", "tcp6", "udp", "udp6"):
        with open("/proc/%d/net/%s" % (pid, proto)) as f:
            next(f)
            for line in f:
                parts = line.split()
                ino = int(parts[9])
                if ino in inodes:
                    ip, port = _hexaddr(parts[1], proto.endswith("6"))
                    found.append((proto, ip, port, int(parts[3], 16)))
                    seen.add(ino)
    with open("/proc/%d/net/unix" % pid) as f:
        next(f)
        for line in f:
            parts = line.split()
            ino = int(parts[6])
            if ino in inodes:
                path = parts[7] if len(parts) > 7 else ""
                found.append(("unix", path, int(parts[3], 16),
                              int(parts[5], 16)))
                seen.add(ino)
    found += [("?", i, 0, 0) for i in inodes - seen]
    return found


TCP_LISTEN = 0x0A
UNIX_ACCEPTCON = 0x10000     # __SO_ACCEPTCON: a listening Unix socket
