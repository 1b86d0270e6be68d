"""`octasip run` checks every SIP port baresip will bind before it starts
it: sip_listen's port over UDP and TCP and the next port (SIP over TLS).
A taken one gets one line naming the port, what it is for and the key to
change (sip_listen), instead of baresip's "tcp: sock_bind ... Address
already in use" and "ua: init failed"; a second instance on the same
profile ports is refused the same way and the first keeps running."""

import socket
import time

import harness
from harness import Instance


class SipPorts(harness.TestCase):

    def run_tool(self, inst):
        return harness.octasip("run", "--tone", "--", "-t", "3",
                               profile=inst.profile, check=False,
                               timeout=30)

    def assertOneLine(self, p, *words):
        self.assertNotEqual(p.returncode, 0)
        lines = [l for l in p.stderr.splitlines() if l.strip()]
        self.assertEqual(len(lines), 1, p.stderr + p.stdout)
        self.assertTrue(lines[0].startswith("octasip: "), lines)
        for w in words:
            self.assertIn(w, lines[0])
        self.assertNotIn("baresip is ready", p.stdout)

    def test_udp_tcp_and_tls_port_taken(self):
        for kind, off, what in ((socket.SOCK_DGRAM, 0, "UDP"),
                                (socket.SOCK_STREAM, 0, "TCP"),
                                (socket.SOCK_STREAM, 1, "TLS")):
            a = Instance(self, "alice")
            s = socket.socket(socket.AF_INET, kind)
            s.bind(("127.0.0.1", a.sip_port + off))
            if kind == socket.SOCK_STREAM:
                s.listen(1)
            try:
                p = self.run_tool(a)
            finally:
                s.close()
            self.assertOneLine(p, "sip_listen", what,
                               "port %d " % (a.sip_port + off))

    def test_second_instance_on_same_ports(self):
        a = Instance(self, "alice")
        a.start()
        b = Instance(self, "bob", root=a.root)
        b.edit_config({"sip_listen": "127.0.0.1:%d" % a.sip_port})
        p = self.run_tool(b)
        self.assertOneLine(p, "sip_listen", "port %d " % a.sip_port)
        # the first one is untouched
        ok, _ = a.command("reginfo")
        self.assertTrue(ok)
        self.assertEqual(a.stop(), 0)

    def test_malformed_sip_listen(self):
        a = Instance(self, "alice")
        a.edit_config({"sip_listen": "localhost5060"})
        p = self.run_tool(a)
        self.assertOneLine(p, "sip_listen", "localhost5060")

    def test_harness_moves_off_a_taken_port(self):
        """The suite runs tests in parallel: a port free_port() saw free
        can be taken before baresip starts.  The harness must see the
        refusal above and start again on new ports, without waiting out
        its control socket timeout (CI stop 27 lost test_fraud to this)."""
        a = Instance(self, "alice")
        old = a.sip_port
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(("127.0.0.1", old))
        try:
            t0 = time.monotonic()
            a.start()
            took = time.monotonic() - t0
        finally:
            s.close()
        self.assertNotEqual(a.sip_port, old)
        self.assertIn("restarting on new ports", a.log())
        self.assertLess(took, 10.0)
        ok, _ = a.command("reginfo")
        self.assertTrue(ok)

    def test_free_ports_start(self):
        a = Instance(self, "alice")
        p = self.run_tool(a)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("baresip is ready", p.stdout)


if __name__ == "__main__":
    harness.main()
