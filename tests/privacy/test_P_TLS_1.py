"""P-TLS-1: SIP over TLS authenticates the server (issue 16 item 1).

A Kamailio TLS registrar (tests/e2e/credstore/kamailio.cfg.in):
- with a certificate from a test CA given as sip_cafile: the account
  registers over TLS;
- with a self-signed certificate: the handshake is refused, Kamailio
  never sees a REGISTER (no SIP byte after the handshake), and the log
  names the peer and the reason; on the code before it registered;
- with a certificate from the same test CA for another host
  (evil.invalid): refused, the log says no host name matched;
- the same self-signed certificate pinned by its SHA-256 fingerprint
  (octasip_policy_tls_pins): it registers.
Not covered: an expired certificate (OpenSSL's own chain check; the
openssl 3.0 command line cannot date one in the past)."""

import os
import shutil
import subprocess
import sys
import tempfile
import time

import harness

E2E = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(
    __file__))), "e2e")
sys.path.insert(0, os.path.join(E2E, "credstore"))
from csutil import (Registrar, add_account, clear_accounts,  # noqa: E402
                    make_cert)

PW = "tls-S3cret"


def fingerprint(cert):
    out = subprocess.run(["openssl", "x509", "-in", cert, "-noout",
                          "-fingerprint", "-sha256"], check=True,
                         capture_output=True, text=True).stdout
    return out.strip().split("=", 1)[1]


class TestPTls1(harness.TestCase):

    def alice(self, reg, config):
        inst = harness.Instance(self, "alice", config=config)
        clear_accounts(inst)
        add_account(inst, "sip:alice@127.0.0.1:%d;transport=tls" %
                    reg.tls_port, PW, extra=";regint=60")
        inst.start()
        return inst

    def test_test_ca_registers(self):
        reg = Registrar(self, {"alice": PW}, tls=True)
        self.alice(reg, {"sip_cafile": reg.ca})
        reg.wait_log(r"AUTH-OK user=alice ")

    def test_P_TLS_1(self):
        reg = Registrar(self, {"alice": PW}, tls=True, tls_cert="self")
        inst = self.alice(reg, {})
        inst.wait_log(r"TLS server certificate /CN=127\.0\.0\.1 refused: "
                      r"self[- ]signed certificate")
        # 1.1.0 and 4.x write "(prio N)" after the account
        inst.wait_log(r"sip:alice@127\.0\.0\.1:%d( \(prio \d+\))?: "
                      r"Register: " % reg.tls_port)
        time.sleep(1)
        self.assertNotIn("REGISTER", reg.log())
        self.assertNotIn("AUTH-OK", reg.log())

    def test_wrong_host_refused(self):
        reg = Registrar(self, {"alice": PW}, tls=True,
                        tls_cert="wronghost")
        inst = self.alice(reg, {"sip_cafile": reg.ca})
        inst.wait_log(r"TLS server certificate /CN=evil\.invalid refused:"
                      r" no host name of the accounts or calls")
        time.sleep(1)
        self.assertNotIn("AUTH-OK", reg.log())

    def test_pinned_self_signed_registers(self):
        reg = Registrar(self, {"alice": PW}, tls=True, tls_cert="self")
        self.alice(reg, {"octasip_policy_tls_pins": fingerprint(reg.cert)})
        reg.wait_log(r"AUTH-OK user=alice ")

    def test_pinned_self_signed_registers_with_a_cafile(self):
        """with sip_cafile set, baresip 1.1.0 has libre verify each
        connection with a callback of its own: the pin still counts"""
        reg = Registrar(self, {"alice": PW}, tls=True, tls_cert="self")
        d = tempfile.mkdtemp(prefix="octasip-ca-")
        self.addCleanup(shutil.rmtree, d, True)
        make_cert(d, "ca")             # a test CA that did not sign it
        self.alice(reg, {"octasip_policy_tls_pins": fingerprint(reg.cert),
                         "sip_cafile": os.path.join(d, "ca.pem")})
        reg.wait_log(r"AUTH-OK user=alice ")


if __name__ == "__main__":
    harness.main()
