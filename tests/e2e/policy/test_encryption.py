"""Encryption policy: with octasip_policy_encryption required a call that
would run without SRTP is refused (incoming with 488, outgoing ended
before any media) and logged as blocked; accounts without TLS signalling
or media encryption are reported at start; mandatory SRTP calls work."""

import time
import harness
from harness import Instance, octasip

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
        line = r"\tencryption\tdeny\tincoming"
        self.assertRegex(b.audit(line), line)

    def test_mandatory_srtp_call_allowed(self):
        acc = ";regint=0;mediaenc=srtp-mand"
        a = Instance(self, "alice", account=acc, config=REQ)
        b = Instance(self, "bob", root=a.root, account=acc, config=REQ)
        a.start()
        b.start()
        harness.call(a, b)
        b.wait_event("CALL_RTPESTAB")

    def test_plain_offer_to_mandatory_srtp_logged_blocked(self):
        """baresip itself refuses a plain offer to a srtp-mand account
        (488, no call ever rings): the call log says blocked, with the
        Call-ID and the reason, never missed."""
        a = Instance(self, "alice")
        b = Instance(self, "bob", root=a.root, config=REQ,
                     account=";regint=0;mediaenc=srtp-mand")
        a.start()
        b.start()
        n = len(b.ctrl.events)
        a.command("dial", b.aor)
        ev = a.wait_event("CALL_CLOSED")
        self.assertRegex(ev.get("param", ""), r"^488")
        self.assertNotIn("CALL_INCOMING",
                         [e.get("type") for e in b.ctrl.events[n:]])
        harness.wait_for(lambda: len(b.calllog_rows()) == 1 and
                         b.calllog_rows()[0]["status"] != "in_progress",
                         timeout=5, what="bob's call-log row")
        row = b.calllog_rows()[0]
        self.assertEqual(row["status"], "blocked", row)
        self.assertEqual(row["direction"], "incoming")
        harness.wait_for(lambda: len(a.calllog_rows()) == 1 and
                         a.calllog_rows()[0]["status"] != "in_progress",
                         timeout=5, what="alice's call-log row")
        # the INVITE's own Call-ID, as the caller logged it
        self.assertEqual(row["call_id"], a.calllog_rows()[0]["call_id"])
        self.assertTrue(row["call_id"], row)
        self.assertRegex(row["reason"] or "", r"encryption", row)
        self.assertEqual(row["sip_code"], 488, row)
        self.assertEqual(b.stop(), 0)
        out = octasip("calllog", "list", "--missed",
                      profile=b.profile).stdout
        self.assertNotIn(a.aor, out)
        out = octasip("calllog", "list", profile=b.profile).stdout
        self.assertRegex(out, r"blocked")


if __name__ == "__main__":
    harness.main()
