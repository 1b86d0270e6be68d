"""`octasip account add` encrypts where the provider supports it (issue 16
item 6, P-ENC-2).

A local DNS server (dnsmasq, unprivileged, on a loopback port of its own)
is the profile's `dns_server`, as baresip reads it:

- tls.test: SRV _sips._tcp -> a Kamailio TLS registrar whose certificate
  (for tls.test) comes from a test CA in `sip_cafile`.  account add writes
  `<sip:alice@tls.test;transport=tls>;mediaenc=srtp` and says why; baresip
  registers through it (Kamailio authenticates alice); `account list`
  shows transport tls, media srtp.  Under `required` the media is
  srtp-mand.
- naptr.test: only a NAPTR SIPS+D2T record, its replacement an SRV name
  baresip would not look up itself: that server becomes the outbound
  proxy, and the account registers through it.
- plain.test: no record, nothing on port 5061: UDP with the line naming
  both; media srtp.
- mitm.test (port 5061) and evil.test (SRV _sips._tcp): a self-signed
  certificate for the very name.  Not taken as TLS: account add falls
  back to UDP and names the certificate and the reason.  Falling back,
  not refusing: the DNS answers that point at TLS are no more
  authenticated than the certificate (an attacker who can answer on
  5061 can as well drop the SRV record), so refusing would not stop a
  downgrade; the line says what happened, and a pinned certificate
  (octasip_policy_tls_pins) is how a self-signed PBX is taken.  No byte
  of SIP reaches the fake server.
- --transport udp --mediaenc none win: no look-up at all (dnsmasq sees
  no query) and the line is written as asked.
- a dns_server that never answers, and a TLS server that accepts the
  connection but never answers the handshake: the probe gives up after
  its 2 s (DNS) or 3 s (TLS), adds the account on UDP with SRTP and
  says why.

On the code before, account add wrote `<sip:alice@tls.test>` with no
look-up, `--mediaenc none` was refused and `account list` showed no
transport."""

import os
import random
import re
import shutil
import socket
import ssl
import subprocess
import tempfile
import threading
import time

import harness
from csutil import Registrar

DNSMASQ = "/usr/sbin/dnsmasq"
PW = "enc-S3cret"


def loopback_addr():
    """A loopback address of this test's own, where nothing listens."""
    return "127.%d.%d.%d" % (random.randint(64, 250), random.randint(1, 250),
                             random.randint(1, 250))


class Dns:
    """dnsmasq answering only from its command line; --log-queries."""

    def __init__(self, tc, records):
        self.dir = tempfile.mkdtemp(prefix="octasip-dns-")
        tc.addCleanup(shutil.rmtree, self.dir, True)
        self.port = harness.free_port()
        self.log_path = os.path.join(self.dir, "dnsmasq.log")
        args = [DNSMASQ, "-k", "-C", "/dev/null", "--no-resolv",
                "--no-hosts", "--bind-interfaces",
                "--listen-address=127.0.0.1", "--port=%d" % self.port,
                "--pid-file", "--log-queries",
                "--log-facility=" + self.log_path] + records
        # not under the ASan suite's preloaded runtime (scripts/test-asan):
        # dnsmasq never starts with it
        env = {k: v for k, v in os.environ.items()
               if k not in ("LD_PRELOAD", "ASAN_OPTIONS")}
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.STDOUT,
                                     start_new_session=True, env=env)
        tc.addCleanup(self.stop)
        harness.wait_for(lambda: "started" in self.log(), timeout=10,
                         what="dnsmasq")

    def log(self):
        try:
            with open(self.log_path, errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def stop(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


class FakeTls:
    """A TLS server with a self-signed certificate for name: what a man in
    the middle can present.  Counts the bytes it gets after handshakes."""

    def __init__(self, tc, addr, port, name):
        d = tempfile.mkdtemp(prefix="octasip-mitm-")
        tc.addCleanup(shutil.rmtree, d, True)
        self.key = os.path.join(d, "k.pem")
        self.crt = os.path.join(d, "c.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048",
                        "-nodes", "-keyout", self.key, "-out", self.crt,
                        "-days", "1", "-subj", "/CN=" + name,
                        "-addext", "subjectAltName=DNS:" + name],
                       check=True, capture_output=True)
        self.ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.ctx.load_cert_chain(self.crt, self.key)
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((addr, port))
        self.port = self.sock.getsockname()[1]
        self.sock.listen(4)
        self.handshakes = 0
        self.data = b""
        tc.addCleanup(self.sock.close)
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self):
        while True:
            try:
                c, _ = self.sock.accept()
            except OSError:
                return
            try:
                c.settimeout(5)
                s = self.ctx.wrap_socket(c, server_side=True)
                self.handshakes += 1
                while True:
                    b = s.recv(4096)
                    if not b:
                        break
                    self.data += b
            except (OSError, ssl.SSLError):
                pass
            finally:
                c.close()


class Profile(harness.Instance):

    def __init__(self, tc, dns, config=None, name="alice"):
        cfg = {"dns_server": "127.0.0.1:%d" % dns.port}
        cfg.update(config or {})
        super().__init__(tc, name, config=cfg)
        with open(self.path("accounts"), "w") as f:
            f.write("# accounts\n")

    def add(self, aor, *opts):
        p = harness.octasip("account", "add", aor, "--password-stdin",
                            *opts, profile=self.profile, stdin=PW + "\n")
        with open(self.path("accounts")) as f:
            lines = [l for l in f.read().split("\n")
                     if l and not l.startswith("#")]
        return p.stdout + p.stderr, lines[-1]

    def listing(self):
        return harness.octasip("account", "list",
                               profile=self.profile).stdout


class AccountEncryptionTest(harness.TestCase):

    def registrar(self, host):
        return Registrar(self, {"alice": PW}, tls=True, tls_host=host)

    def test_srv_tls_chosen_and_registers(self):
        reg = self.registrar("tls.test")
        dns = Dns(self, ["--srv-host=_sips._tcp.tls.test,sip.tls.test,%d,0,0"
                         % reg.tls_port,
                         "--host-record=sip.tls.test,127.0.0.1",
                         "--host-record=tls.test,127.0.0.1"])
        a = Profile(self, dns, {"sip_cafile": reg.ca})
        out, line = a.add("sip:alice@tls.test", "--regint", "60")
        self.assertEqual(line, "<sip:alice@tls.test;transport=tls>"
                         ";regint=60;mediaenc=srtp", out)
        self.assertRegex(out, r"encryption: signalling TLS: tls\.test offers"
                         r" it \(SRV _sips\._tcp sip\.tls\.test:%d,"
                         r" certificate verified, \d+ ms\); media srtp"
                         % reg.tls_port)
        self.assertRegex(a.listing(), r"(?m)^sip:alice@tls\.test\S*\t.*"
                         r"\ttransport: tls\tmedia: srtp$")
        a.start()
        reg.wait_log(r"AUTH-OK user=alice ")
        self.assertEqual(a.stop(), 0)

        # required: mandatory SRTP
        b = Profile(self, dns, {"sip_cafile": reg.ca,
                                "octasip_policy_encryption": "required"},
                    name="bob")
        out, line = b.add("sip:bob@tls.test")
        self.assertEqual(line, "<sip:bob@tls.test;transport=tls>"
                         ";mediaenc=srtp-mand", out)

    def test_naptr_server_becomes_outbound(self):
        reg = self.registrar("naptr.test")
        dns = Dns(self, [
            "--naptr-record=naptr.test,10,10,S,SIPS+D2T,,"
            "_tls._srv.naptr.test",
            "--srv-host=_tls._srv.naptr.test,edge.naptr.test,%d,0,0"
            % reg.tls_port,
            "--host-record=edge.naptr.test,127.0.0.1",
            "--host-record=naptr.test,127.0.0.1"])
        a = Profile(self, dns, {"sip_cafile": reg.ca})
        out, line = a.add("sip:alice@naptr.test", "--regint", "60")
        self.assertEqual(line, "<sip:alice@naptr.test;transport=tls>"
                         ";regint=60;mediaenc=srtp;outbound=\"sip:"
                         "edge.naptr.test:%d;transport=tls\"" % reg.tls_port,
                         out)
        self.assertIn("NAPTR SIPS+D2T edge.naptr.test", out)
        a.start()
        reg.wait_log(r"AUTH-OK user=alice ")
        self.assertEqual(a.stop(), 0)

    def test_no_tls_falls_back_to_udp(self):
        addr = loopback_addr()
        dns = Dns(self, ["--host-record=plain.test," + addr])
        a = Profile(self, dns)
        out, line = a.add("sip:alice@plain.test")
        self.assertEqual(line, "<sip:alice@plain.test>;mediaenc=srtp")
        self.assertEqual(len(re.findall(r"(?m)^encryption: ", out)), 1,
                         out)
        self.assertRegex(out, r"encryption: signalling UDP \(baresip's"
                         r" default\), not TLS: no SRV _sips\._tcp, NAPTR"
                         r" SIPS\+D2T or SRV _sip\._tls record;"
                         r" plain\.test:5061: Connection refused")
        self.assertRegex(a.listing(), r"\ttransport: udp \(default\)"
                         r"\tmedia: srtp\n")
        # the look-ups went to the profile's dns_server
        self.assertIn("_sips._tcp.plain.test", dns.log())

    def test_silent_dns_times_out(self):
        # a dns_server that never answers: the probe gives up after its
        # 2 s, adds the account on UDP with SRTP and says why
        silent = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        silent.bind(("127.0.0.1", 0))
        self.addCleanup(silent.close)
        a = harness.Instance(self, "alice", config={
            "dns_server": "127.0.0.1:%d" % silent.getsockname()[1]})
        with open(a.path("accounts"), "w") as f:
            f.write("# accounts\n")
        t0 = time.monotonic()
        out, line = Profile.add(a, "sip:alice@silent.test")
        took = time.monotonic() - t0
        self.assertEqual(line, "<sip:alice@silent.test>;mediaenc=srtp")
        self.assertRegex(out, r"encryption: signalling UDP \(baresip's"
                         r" default\), not TLS: no DNS answer within 2 s")
        self.assertGreater(took, 1.5)
        self.assertLess(took, 6.0)
        # the queries did reach it
        silent.settimeout(0)
        self.assertTrue(silent.recv(512))

    def test_silent_tls_server_times_out(self):
        # SRV _sips._tcp points at a server that accepts the connection
        # and never answers the handshake: given up after its 3 s
        srv = socket.socket()
        srv.bind(("127.0.0.1", 0))
        srv.listen(4)
        self.addCleanup(srv.close)
        port = srv.getsockname()[1]
        dns = Dns(self, ["--srv-host=_sips._tcp.mute.test,sip.mute.test,"
                         "%d,0,0" % port,
                         "--host-record=sip.mute.test,127.0.0.1",
                         "--host-record=mute.test,127.0.0.1"])
        a = Profile(self, dns)
        t0 = time.monotonic()
        out, line = a.add("sip:alice@mute.test")
        took = time.monotonic() - t0
        self.assertEqual(line, "<sip:alice@mute.test>;mediaenc=srtp")
        self.assertRegex(out, r"not TLS: sip\.mute\.test:%d: no TLS"
                         r" handshake within 3 s \(\d+ ms\)" % port)
        self.assertGreater(took, 2.5)
        self.assertLess(took, 8.0)
        conn, _ = srv.accept()     # the probe did connect
        conn.close()

    def check_mitm(self, fake, out, line, aor, target):
        self.assertEqual(line, "<%s>;mediaenc=srtp" % aor, out)
        self.assertRegex(out, r"signalling UDP \(baresip's default\), not"
                         r" TLS: .*%s: certificate /CN=\S+ not accepted:"
                         r" self[- ]signed certificate" % re.escape(target))
        self.assertGreaterEqual(fake.handshakes, 1)
        self.assertEqual(fake.data, b"")      # not one byte of SIP

    def test_self_signed_on_5061_not_taken(self):
        addr = loopback_addr()
        fake = FakeTls(self, addr, 5061, "mitm.test")
        dns = Dns(self, ["--host-record=mitm.test," + addr])
        a = Profile(self, dns)
        out, line = a.add("sip:alice@mitm.test")
        self.check_mitm(fake, out, line, "sip:alice@mitm.test",
                        "mitm.test:5061")

    def test_self_signed_behind_srv_not_taken(self):
        addr = loopback_addr()
        fake = FakeTls(self, addr, 0, "evil.test")
        dns = Dns(self, ["--srv-host=_sips._tcp.evil.test,sip.evil.test,"
                         "%d,0,0" % fake.port,
                         "--host-record=sip.evil.test," + addr])
        a = Profile(self, dns)
        out, line = a.add("sip:alice@evil.test")
        self.check_mitm(fake, out, line, "sip:alice@evil.test",
                        "sip.evil.test:%d" % fake.port)

    def test_overrides_win(self):
        reg = self.registrar("tls.test")
        dns = Dns(self, ["--srv-host=_sips._tcp.tls.test,sip.tls.test,%d,0,0"
                         % reg.tls_port,
                         "--host-record=sip.tls.test,127.0.0.1"])
        a = Profile(self, dns, {"sip_cafile": reg.ca})
        out, line = a.add("sip:alice@tls.test", "--transport", "udp",
                          "--mediaenc", "none")
        self.assertEqual(line, "<sip:alice@tls.test;transport=udp>", out)
        self.assertIn("signalling udp (--transport); media not encrypted"
                      " (--mediaenc none)", out)
        self.assertNotIn("tls.test", dns.log())     # no look-up at all
        out, line = a.add("sip:bob@tls.test", "--mediaenc", "srtp-mand")
        self.assertEqual(line, "<sip:bob@tls.test;transport=tls>"
                         ";mediaenc=srtp-mand", out)
        self.assertRegex(a.listing(), r"(?m)^sip:alice@tls\.test\S*\t.*"
                         r"\ttransport: udp\tmedia: none$")


if __name__ == "__main__":
    harness.main()
