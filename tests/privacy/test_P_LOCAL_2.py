"""P-LOCAL-2: no other local user can control, read or change a running
OctaSIP.

A second local user (useradd, removed afterwards) attacks alice's
running baresip:
- control: its only control channel is octasip_ctrl's Unix socket; the
  attacker cannot reach it (0700 directory, 0600 socket), and when the
  test opens the directories and the socket to everyone (0777), the
  connection is closed unanswered because SO_PEERCRED shows another uid:
  `/perm set microphone allow` and `/quit` change nothing, one log line
  names the attacker's uid.  baresip listens on nothing else: its TCP
  listeners are SIP only and its one listening Unix socket is the
  control socket (its sockets from /proc/PID/fd mapped to /proc/net).
- read: an OctaSIP started by a non-root user is non-dumpable once its
  vault is open: another process of that same user can read neither its
  /proc/PID/environ nor its /proc/PID/mem, while it can read an ordinary
  process of that user; the owner itself still drives the socket.
"""

import os
import re
import subprocess
import tempfile

import harness
import localuser
from harness import Instance


def slurp(path):
    with open(path) as f:
        return f.read()


def open_to_all(path, stop):
    """chmod 0777 path and every directory above it up to stop"""
    os.chmod(path, 0o777)
    d = os.path.dirname(path)
    while d.startswith(stop):
        os.chmod(d, 0o777)
        d = os.path.dirname(d)


class TestPLocal2(harness.TestCase):

    def test_other_user_cannot_control(self):
        other = localuser.LocalUser(self)
        a = Instance(self, "alice", permissions={"microphone": "deny"})
        a.start()
        sock = a.ctrl_sock()
        perms = slurp(a.path("permissions"))

        out = other.probe(sock, "perm", "set microphone allow")
        self.assertIn("connect-failed PermissionError", out)

        # the file modes out of the way: the peer check alone decides
        rt = os.environ["XDG_RUNTIME_DIR"]
        self.assertTrue(sock.startswith(rt + "/"))
        self.addCleanup(os.chmod, rt, 0o700)
        self.addCleanup(os.chmod, os.path.dirname(sock), 0o700)
        open_to_all(sock, rt)
        for cmd, prm in (("perm", "set microphone allow"), ("quit", ""),
                         ("insmod", "debug_cmd")):
            out = other.probe(sock, cmd, prm)
            self.assertIn("connected", out)
            self.assertNotIn("response", out, (cmd, out))
        a.wait_log(r"octasip_ctrl: refused a connection from uid %d "
                   % other.uid)
        self.assertIsNone(a.proc.poll(), "the attacker's /quit worked")
        self.assertEqual(slurp(a.path("permissions")), perms)
        ok, data = a.command("perm", "list")
        self.assertTrue(ok)
        self.assertRegex(data, r"microphone\s+deny")
        ok, data = a.command("modules")
        self.assertNotIn("debug_cmd", data)

        # nothing else to connect to
        socks = localuser.sockets_of(a.proc.pid)
        tcp_listen = {s[2] for s in socks if s[0].startswith("tcp") and
                      s[3] == localuser.TCP_LISTEN}
        self.assertTrue(tcp_listen <= {a.sip_port, a.sip_port + 1},
                        socks)
        unix_listen = [s[1] for s in socks if s[0] == "unix" and
                       s[2] & localuser.UNIX_ACCEPTCON]
        self.assertEqual(unix_listen, [sock])
        self.assertEqual(a.stop(), 0)

    def test_other_process_of_the_user_cannot_read(self):
        user = localuser.LocalUser(self)
        root = tempfile.mkdtemp(prefix="octasip-p-local-2-")
        self.addCleanup(lambda: user.run(["rm", "-rf", root]))
        os.chown(root, user.uid, user.gid)
        os.chmod(root, 0o700)
        prof = os.path.join(root, "p")
        p = user.run([harness.OCTASIP, "-d", prof, "init"], home=root)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertTrue(os.path.exists(os.path.join(prof, "vault")))
        port = harness.free_port()
        cfg = os.path.join(prof, "config")
        text = slurp(cfg)
        text = re.sub(r"(?m)^#?sip_listen\s.*$",
                      "sip_listen\t127.0.0.1:%d" % port, text)
        with open(cfg, "w") as f:
            f.write(text)
        log = os.path.join(root, "log")
        with open(log, "wb") as lf:
            os.fchown(lf.fileno(), user.uid, user.gid)
            proc = user.popen([harness.OCTASIP, "-d", prof, "run",
                               "--tone", "--", "-t", "300"], home=root,
                              env=harness.sanitizer_env(),
                              stdin=subprocess.DEVNULL, stdout=lf,
                              stderr=lf, start_new_session=True)
        plain = user.popen(["sleep", "300"], home=root,
                           start_new_session=True)

        def ready():
            with open(log, "rb") as f:
                return b"baresip is ready" in f.read()
        harness.wait_for(ready, 20, "baresip is ready")

        read = ("import sys\n"
                "for what in ('environ', 'mem'):\n"
                "    try:\n"
                "        open('/proc/%s/%s' % (sys.argv[1], what),"
                " 'rb').read(1)\n"
                "        print(what, 'readable')\n"
                "    except OSError as e:\n"
                "        print(what, type(e).__name__)\n")
        out = user.python(read, str(proc.pid)).stdout
        self.assertIn("environ PermissionError", out)
        self.assertIn("mem PermissionError", out)
        # the same reader, on an ordinary process of that user
        out = user.python(read, str(plain.pid)).stdout
        self.assertIn("environ readable", out)

        # the owner controls it through the socket
        sock = harness.ctrl_socket_path(prof, {})
        out = user.probe(sock, "quit")
        self.assertIn('"response":true', out)
        self.assertEqual(proc.wait(20), 0)


if __name__ == "__main__":
    harness.main()
