"""P-FRAUD-1: a call to a deny-listed destination is stopped before it is
answered and logged as `blocked` with the rule; an allow-listed
emergency number is never blocked.

alice: octasip_policy_deny_prefixes "+1900,+1" (so +1 covers 112 too),
the default allow-list (`emergency`) and octasip_policy_encryption
required on a plain account (every other call would be refused).

- alice dials +19005550100 at sipp (uas_expect_cancel.xml: 100 Trying,
  then 200 OK after 2 s unless a CANCEL comes first): sipp passes only
  if CANCEL came first, so the callee never answered, got no ACK and no
  media; the call log row is `blocked`, reason "deny-list prefix +1900".
- alice dials 1555 (a number under +1): blocked by "deny-list prefix +1".
- alice dials 112 (a baresip that answers): the call is established
  despite the deny-list and the encryption policy; its row is
  `answered`."""

import os
import subprocess

import harness
from harness import Instance

HERE = os.path.dirname(os.path.abspath(__file__))
UAS = os.path.join(os.path.dirname(HERE), "e2e", "policy",
                   "uas_expect_cancel.xml")
BLOCKED = "octasip blocked: "


class TestPFraud1(harness.TestCase):

    def closed(self, inst, n):
        return inst.wait_event("CALL_CLOSED", start=n).get("param", "")

    def test_P_FRAUD_1(self):
        a = Instance(self, "alice", config={
            "octasip_policy_deny_prefixes": "+1900,+1",
            "octasip_policy_encryption": "required"})
        e = Instance(self, "112", root=a.root)
        port = harness.free_port()
        trace = os.path.join(a.root, "sipp.msg")
        sipp = subprocess.Popen(
            ["sipp", "-sf", UAS, "-i", "127.0.0.1", "-p", str(port),
             "-m", "1", "-timeout", "20s", "-nostdin", "-trace_msg",
             "-message_file", trace, "-mp", str(harness.free_port())],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, cwd=a.root)
        self.addCleanup(lambda: sipp.poll() is None and sipp.kill())
        a.start()
        e.start()

        # deny-listed: stopped before the callee could answer
        n = len(a.ctrl.events)
        ok, _ = a.command("dial", "sip:+19005550100@127.0.0.1:%d" % port)
        self.assertTrue(ok)
        self.assertEqual(self.closed(a, n),
                         BLOCKED + "deny-list prefix +1900")
        rc, msgs = harness.sipp_after_block(sipp, trace, 25)
        self.assertInviteStopped(rc, msgs)
        self.assertNotRegex(msgs, r"SIP/2.0 200 OK[^-]*CSeq: \d+ INVITE")

        # the prefix +1 covers 1555 (and 112); the INVITE goes to the
        # 112 instance, which answers 404 (no such user), so no SIP
        # transaction outlives the test
        n = len(a.ctrl.events)
        ok, _ = a.command("dial", "sip:1555@127.0.0.1:%d" % e.sip_port)
        self.assertTrue(ok)
        self.assertEqual(self.closed(a, n), BLOCKED +
                         "deny-list prefix +1")

        # emergency number: allowed over the deny-list and encryption
        harness.call(a, e)
        e.wait_event("CALL_ESTABLISHED")
        n, m = len(a.ctrl.events), len(e.ctrl.events)
        a.command("hangup")
        a.wait_event("CALL_CLOSED", start=n)
        e.wait_event("CALL_CLOSED", start=m)
        a.wait_log(r"blocked outgoing call: deny-list prefix \+1900")

        self.assertEqual(a.stop(), 0)
        self.assertEqual(e.stop(), 0)
        rows = a.calllog_rows()
        self.assertEqual([(r["peer_uri"].split("@")[0], r["status"],
                           r["reason"]) for r in rows],
                         [("sip:+19005550100", "blocked",
                           "deny-list prefix +1900"),
                          ("sip:1555", "blocked", "deny-list prefix +1"),
                          ("sip:112", "answered", rows[2]["reason"])])
        self.assertIsNone(rows[0]["answered_at"])
        self.assertIsNotNone(rows[2]["answered_at"])
        line = (r"\tfraud_guard\tdeny\toutgoing call blocked: deny-list"
                r" prefix \+1900")
        self.assertRegex(a.audit(line), line)


if __name__ == "__main__":
    harness.main()
