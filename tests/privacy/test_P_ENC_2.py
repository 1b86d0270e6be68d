"""P-ENC-2: a new account is encrypted where its provider supports it.

With a local DNS server as the profile's dns_server (dnsmasq, see
tests/e2e/credstore/test_account_encryption.py, which also covers NAPTR,
overrides and a self-signed certificate behind SRV):
- SRV _sips._tcp.tls.test -> Kamailio TLS with a test-CA certificate for
  tls.test: `account add sip:alice@tls.test` writes ;transport=tls and
  ;mediaenc=srtp (srtp-mand under `required`), and alice registers over
  TLS;
- a self-signed certificate for mitm.test on mitm.test:5061 is not taken:
  UDP, with one line naming the certificate and the reason, and not one
  SIP byte to that server."""

import os
import sys

import harness

E2E = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(
    __file__))), "e2e")
sys.path.insert(0, os.path.join(E2E, "credstore"))
import test_account_encryption as enc  # noqa: E402


class TestPEnc2(enc.AccountEncryptionTest):

    def test_P_ENC_2(self):
        self.test_srv_tls_chosen_and_registers()
        self.test_self_signed_on_5061_not_taken()


del enc.AccountEncryptionTest     # run here only through test_P_ENC_2


def load_tests(loader, tests, pattern):
    return loader.loadTestsFromName("test_P_ENC_2", TestPEnc2)


if __name__ == "__main__":
    harness.main()
