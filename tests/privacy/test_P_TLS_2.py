"""P-TLS-2: with TLS signalling, the network between the phone and its
server sees no SIP: not who calls whom, not the SDP, not the SDES keys
of SRTP.  What it still sees: addresses, ports, timing and sizes.

alice's account is `;transport=tls` with `;mediaenc=srtp` to a Kamailio
TLS registrar (test-CA certificate, tests/e2e/credstore/kamailio.cfg.in)
behind a TCP relay: the relay is the network observer and keeps every
byte.  alice registers and calls bob@ through it (Kamailio challenges the
INVITE and answers 480).  alice's own SIP trace (-s) shows the INVITE
with its `a=crypto ... inline:KEY`; the relay's bytes hold TLS records
(they start with a handshake record) and none of: the SDES key, `INVITE`,
`REGISTER`, `a=crypto`, `sip:bob`, `alice`.  The relay did see the
addresses and ports (it had to: they are what it connected)."""

import os
import re
import socket
import sys
import threading

import harness

E2E = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(
    __file__))), "e2e")
sys.path.insert(0, os.path.join(E2E, "credstore"))
from csutil import Registrar, add_account, clear_accounts  # noqa: E402

PW = "tls2-S3cret"


class Relay:
    """TCP relay 127.0.0.1:port -> 127.0.0.1:dst, keeping both
    directions' bytes."""

    def __init__(self, tc, dst):
        self.dst = dst
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.sock.listen(8)
        self.seen = bytearray()
        self.lock = threading.Lock()
        tc.addCleanup(self.sock.close)
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self):
        while True:
            try:
                c, _ = self.sock.accept()
            except OSError:
                return
            s = socket.create_connection(("127.0.0.1", self.dst))
            for a, b in ((c, s), (s, c)):
                threading.Thread(target=self.pump, args=(a, b),
                                 daemon=True).start()

    def pump(self, a, b):
        try:
            while True:
                d = a.recv(65536)
                if not d:
                    break
                with self.lock:
                    self.seen += d
                b.sendall(d)
        except OSError:
            pass
        finally:
            for x in (a, b):
                try:
                    x.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


class TestPTls2(harness.TestCase):

    def test_P_TLS_2(self):
        reg = Registrar(self, {"alice": PW}, tls=True)
        relay = Relay(self, reg.tls_port)
        a = harness.Instance(self, "alice", config={"sip_cafile": reg.ca})
        clear_accounts(a)
        aor = "sip:alice@127.0.0.1:%d;transport=tls" % relay.port
        add_account(a, aor, PW, extra=";regint=60;mediaenc=srtp")
        a.start(args=("-s",))
        reg.wait_log(r"AUTH-OK user=alice ")
        ok, out = a.command("dial", "sip:bob@127.0.0.1:%d;transport=tls"
                            % relay.port)
        self.assertTrue(ok, out)
        a.wait_event("CALL_CLOSED", timeout=15)
        self.assertEqual(a.stop(), 0)

        keys = re.findall(r"(?m)^a=crypto:\d+ \S+ inline:([A-Za-z0-9+/=]+)",
                          a.log())
        self.assertTrue(keys, "no SDES key in alice's own trace:\n" +
                        a.log()[-3000:])
        seen = bytes(relay.seen)
        self.assertGreater(len(seen), 1000)
        self.assertEqual(seen[:2], b"\x16\x03")   # a TLS handshake record
        for secret in [k.encode() for k in keys] + [
                b"INVITE", b"REGISTER", b"a=crypto", b"sip:bob", b"alice",
                b"SIP/2.0"]:
            self.assertNotIn(secret, seen)


if __name__ == "__main__":
    harness.main()
