"""Encryption policy: with octasip_policy_encryption required a call that
would run without SRTP is refused (incoming with 488, outgoing ended
before any media) and logged as blocked; accounts without TLS signalling
or media encryption are reported at start; mandatory SRTP calls work."""

import harness
from harness import Instance

REQ = {"octasip_policy_encryption": "required"}


class EncryptionTest(harness.TestCase):

    def test_outgoing_without_srtp_refused(self):
        a = Instance(self, "alice", config=REQ)
        b = Instance(self, "bob", root=a.root)
        a.start()
        b.start()
        a.wait_log(r"account sip:alice@\S+: SIP signalling is not over"
                   r" TLS")
        a.wait_log(r"account sip:alice@\S+: media encryption none: its"
                   r" calls are refused")
        a.command("dial", b.aor)
        ev = a.wait_event("CALL_CLOSED")
        self.assertEqual(ev.get("param"), "octasip blocked: encryption"
                         " required (account mediaenc=none)")
        self.assertNotIn("CALL_ESTABLISHED",
                         [e.get("type") for e in b.ctrl.events])

    def test_incoming_without_srtp_refused_488(self):
        a = Instance(self, "alice")
        b = Instance(self, "bob", root=a.root, config=REQ)
        a.start()
        b.start()
        a.command("dial", b.aor)
        ev = a.wait_event("CALL_CLOSED")
        self.assertRegex(ev.get("param", ""), r"^488")
        b.wait_log(r"blocked incoming call: encryption required")
        with open(b.path("permissions.audit")) as f:
            self.assertRegex(f.read(), r"\tencryption\tdeny\tincoming")

    def test_mandatory_srtp_call_allowed(self):
        acc = ";regint=0;mediaenc=srtp-mand"
        a = Instance(self, "alice", account=acc, config=REQ)
        b = Instance(self, "bob", root=a.root, account=acc, config=REQ)
        a.start()
        b.start()
        harness.call(a, b)
        b.wait_event("CALL_RTPESTAB")


if __name__ == "__main__":
    harness.main()
