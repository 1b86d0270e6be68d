"""octasip_ctrl, the private control channel, attacked as issue 15 did.

- The owner drives baresip over the socket (the channel works: several
  clients at once, events to each), a ninth client and an oversize frame
  are cut off while the others keep working.
- /insmod with a path (../, absolute, in the command field, odd case)
  is refused and logged, and a real evil.so whose constructor writes a
  marker file never runs (the same library run directly does write it);
  a plain module name still loads.
- A socket left by kill -9 is replaced at the next start; a second
  OctaSIP on the same profile refuses, through `octasip run` and through
  plain baresip (the module ends the process), and the first keeps its
  socket.
- A socket directory in $XDG_RUNTIME_DIR made by another user, or open
  to others, is refused with a clear message; a private one is used.
- `octasip run` starts while another user holds 127.0.0.1:4444, and the
  running baresip has no TCP listener but SIP.
- Scripts move over by changing the address: with ctrl_tcp loaded next
  to it (as a user may add it), the same request gets the same reply
  and a call the same events on both channels.
"""

import os
import shutil
import socket
import subprocess
import sys
import tempfile

import harness
import localuser
from harness import Instance


def raw_client(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(5)
    s.connect(path)
    return s


def closed_by_server(s, timeout=5.0):
    s.settimeout(timeout)
    try:
        return s.recv(4096) == b""
    except ConnectionResetError:
        return True
    except socket.timeout:
        return False


class TcpCtrl(harness.Ctrl):
    """The harness's client, on stock ctrl_tcp's TCP port."""

    def __init__(self, port, timeout=10.0):
        self.sock = socket.create_connection(("127.0.0.1", port),
                                             timeout=timeout)
        self.sock.settimeout(1.0)
        self.buf = b""
        self.events = []
        self.responses = []
        self._token = 0


class CtrlChannelTest(harness.TestCase):

    def test_same_json_as_ctrl_tcp(self):
        port = harness.free_port()
        a = Instance(self, "alice", add_modules=[("module", "ctrl_tcp.so")],
                     config={"ctrl_tcp_listen": "127.0.0.1:%d" % port})
        b = Instance(self, "bob", permissions={"microphone": "allow"})
        a.start()
        b.start()
        tcp = TcpCtrl(port)
        self.addCleanup(tcp.close)
        for cmd, prm in (("reginfo", None), ("nosuchcommand", "x"),
                         ("dial", None)):
            self.assertEqual(tcp.command(cmd, prm),
                             a.ctrl.command(cmd, prm), cmd)
        harness.call(a, b)
        a.command("hangup")
        for etype in ("CALL_ESTABLISHED", "CALL_CLOSED"):
            self.assertEqual(tcp.wait_event(etype),
                             a.ctrl.wait_event(etype), etype)
        self.assertEqual(a.stop(), 0)

    def test_owner_clients_and_bounds(self):
        a = Instance(self, "alice")
        b = Instance(self, "bob", permissions={"microphone": "allow"})
        a.start()
        b.start()
        # a second and third client of alice's, next to the harness's
        c2 = a.connect()
        c3 = a.connect()
        self.addCleanup(c2.close)
        self.addCleanup(c3.close)
        ok, data = c2.command("help")
        self.assertTrue(ok)
        self.assertIn("insmod", data)
        harness.call(a, b)
        for c in (a.ctrl, c2, c3):
            c.wait_event("CALL_ESTABLISHED")
        ev = c3.wait_event("CALL_ESTABLISHED")
        self.assertEqual(ev.get("peeruri"), b.aor)
        a.command("hangup")
        c2.wait_event("CALL_CLOSED")

        # clients 4..8 fit, a ninth is closed at once
        more = [raw_client(a.ctrl_sock()) for _ in range(5)]
        self.addCleanup(lambda: [s.close() for s in more])
        ninth = raw_client(a.ctrl_sock())
        self.addCleanup(ninth.close)
        self.assertTrue(closed_by_server(ninth))
        a.wait_log(r"octasip_ctrl: 8 clients already; refused one more")

        # an oversize frame closes that client only
        for s in more:
            s.close()
        big = raw_client(a.ctrl_sock())
        self.addCleanup(big.close)
        big.sendall(b"99999999:")
        self.assertTrue(closed_by_server(big))
        junk = raw_client(a.ctrl_sock())
        self.addCleanup(junk.close)
        junk.sendall(b"10:not json!!,")
        self.assertTrue(closed_by_server(junk))
        ok, _ = c2.command("reginfo")
        self.assertTrue(ok)
        self.assertEqual(a.stop(), 0)
        self.assertFalse(os.path.exists(a.ctrl_sock()),
                         "socket left behind after a clean stop")

    def test_insmod_path_refused_evil_never_runs(self):
        tmp = tempfile.mkdtemp(prefix="octasip-evil-")
        self.addCleanup(shutil.rmtree, tmp, True)
        marker = os.path.join(tmp, "PWNED")
        src = os.path.join(tmp, "evil.c")
        with open(src, "w") as f:
            f.write('#include <stdio.h>\n'
                    '__attribute__((constructor)) static void evil(void)\n'
                    '{ FILE *f = fopen("%s", "w");\n'
                    '  if (f) { fputs("vault copied", f); fclose(f); } }\n'
                    % marker)
        evil = os.path.join(tmp, "evil.so")
        subprocess.run(["cc", "-shared", "-fPIC", "-o", evil, src],
                       check=True)
        # the library does what it says when it is loaded
        subprocess.run([sys.executable, "-c", "import ctypes, sys;"
                        " ctypes.CDLL(sys.argv[1])", evil], check=True)
        self.assertTrue(os.path.exists(marker))
        os.unlink(marker)

        a = Instance(self, "alice")
        a.start()
        up = "../" * 12 + evil.lstrip("/")
        attacks = [("insmod", up[:-3]), ("insmod", up), ("insmod", evil),
                   ("insmod", "../x.so"), ("INSMOD", up),
                   ("insmod " + up, None), ("rmmod", "../" + up),
                   ("insmod", "evil\n"), ("play", "../../etc/passwd")]
        for cmd, prm in attacks:
            ok, data = a.command(cmd, prm)
            self.assertFalse(ok, (cmd, prm, data))
            self.assertIn("refused", data, (cmd, prm))
        a.wait_log(r'octasip_ctrl: refused "insmod \.\./')
        self.assertFalse(os.path.exists(marker), "evil.so ran")
        # still a working channel that loads plain module names
        ok, data = a.command("insmod", "debug_cmd")
        self.assertTrue(ok, data)
        ok, data = a.command("rmmod", "debug_cmd")
        self.assertTrue(ok, data)
        ok, data = a.command("rmmod", "octasip_ctrl")
        self.assertFalse(ok)
        self.assertEqual(a.stop(), 0)
        self.assertFalse(os.path.exists(marker), "evil.so ran")

    def test_stale_socket_and_second_instance(self):
        a = Instance(self, "alice")
        a.start()
        sock = a.ctrl_sock()
        a.kill()
        self.assertTrue(os.path.exists(sock), "kill -9 left no socket?")
        a.start()
        a.wait_log(r"octasip_ctrl: replaced a stale socket")
        self.assertTrue(a.command("reginfo")[0])

        # a second OctaSIP on the profile: the launcher refuses
        p = harness.octasip("run", "--tone", "--", "-t", "5",
                            profile=a.profile, check=False, timeout=30)
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        self.assertIn("another OctaSIP is already running", p.stderr)

        # and so does the module under plain baresip (on another SIP port,
        # or the SIP bind would stop it before the modules load)
        a.edit_config({"sip_listen": "127.0.0.1:%d" % harness.free_port()})
        p = subprocess.run([harness.BARESIP, "-f", a.profile, "-t", "5"],
                           stdin=subprocess.DEVNULL, capture_output=True,
                           text=True, timeout=30)
        self.assertEqual(p.returncode, 1, p.stdout[-2000:])
        self.assertIn("octasip_ctrl: another OctaSIP is already running",
                      p.stdout)
        self.assertNotIn("baresip is ready", p.stdout)
        # the first one still owns its socket and answers
        self.assertTrue(os.path.exists(sock))
        c = a.connect()
        self.addCleanup(c.close)
        self.assertTrue(c.command("reginfo")[0])
        self.assertEqual(a.stop(), 0)

    def test_socket_dir_planted_by_another_user(self):
        other = localuser.LocalUser(self)
        rt = tempfile.mkdtemp(prefix="octasip-rt-")
        self.addCleanup(shutil.rmtree, rt, True)
        env = {"XDG_RUNTIME_DIR": rt}
        planted = os.path.join(rt, "octasip")
        os.mkdir(planted, 0o700)
        os.chown(planted, other.uid, other.gid)
        a = Instance(self, "alice")

        def refused(why):
            a.start(wait_ready=False, env=env)
            self.assertEqual(a.proc.wait(30), 1, a.log())
            a._forget()
            self.assertIn("octasip_ctrl: %s is not a private directory"
                          % planted, a.log())
            self.assertNotIn("baresip is ready", a.log(), why)
            self.assertEqual(os.listdir(planted), [], why)

        refused("owned by another user")
        os.chown(planted, 0, 0)
        os.chmod(planted, 0o755)
        refused("mode 0755")
        os.chmod(planted, 0o700)
        a.start(env=env)
        self.assertTrue(a.ctrl_sock(env).startswith(planted + "/"))
        self.assertEqual(os.stat(a.ctrl_sock(env)).st_mode & 0o777, 0o600)
        self.assertEqual(a.stop(), 0)

    def test_starts_while_other_user_holds_4444(self):
        other = localuser.LocalUser(self)
        # (if someone else holds it already, that proves the same)
        localuser.bind_as(other, 4444)
        a = Instance(self, "alice")
        a.start()
        self.assertTrue(a.command("reginfo")[0])
        tcp = [s for s in localuser.sockets_of(a.proc.pid)
               if s[0].startswith("tcp")]
        listening = {(s[1], s[2]) for s in tcp
                     if s[3] == localuser.TCP_LISTEN}
        self.assertTrue(listening)
        for ip, port in listening:
            self.assertIn(port, (a.sip_port, a.sip_port + 1),
                          "a TCP listener that is not SIP: %s" % tcp)
            self.assertEqual(ip, "127.0.0.1")
        self.assertEqual(a.stop(), 0)


if __name__ == "__main__":
    harness.main()
