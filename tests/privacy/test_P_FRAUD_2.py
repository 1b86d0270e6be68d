"""P-FRAUD-2: the deny-list cannot be spelled around.  Every number rule
reads the number through one normaliser (numnorm.c): the scheme in any
case, %XX escapes decoded, RFC 3966 visual separators dropped, a global
phone-context put in front of a local number (issue 16 item 5).

alice: octasip_policy_deny_prefixes +1900.  She dials +1 900 555 0100 at
a real callee (sipp, uas_expect_cancel.xml: 100 Trying, then 200 OK
after 2 s unless a CANCEL comes first) spelt four ways; each call is
ended before it is answered (sipp passes only if every INVITE was
CANCELled), none reaches CALL_ESTABLISHED, and each call-log row is
`blocked` with the rule.  On the code before the normaliser the
upper-case scheme was answered."""

import os
import subprocess

import harness
from harness import Instance

HERE = os.path.dirname(os.path.abspath(__file__))
UAS = os.path.join(os.path.dirname(HERE), "e2e", "policy",
                   "uas_expect_cancel.xml")
BLOCKED = "octasip blocked: "
SPELLINGS = [
    "SIP:+19005550100@127.0.0.1:%d",
    "sip:%%2B19005550100@127.0.0.1:%d",
    "sip:+1-900-555.0100@127.0.0.1:%d",
    "sip:5550100;phone-context=+1900@127.0.0.1:%d;user=phone",
]


class TestPFraud2(harness.TestCase):

    def test_P_FRAUD_2(self):
        port = harness.free_port()
        a = Instance(self, "alice", config={
            "octasip_policy_deny_prefixes": "+1900",
            "octasip_policy_max_calls_per_minute": "0"})
        trace = os.path.join(a.root, "sipp.msg")
        sipp = subprocess.Popen(
            ["sipp", "-sf", UAS, "-i", "127.0.0.1", "-p", str(port),
             "-m", str(len(SPELLINGS)), "-timeout", "40s", "-nostdin",
             "-trace_msg", "-message_file", trace,
             "-mp", str(harness.free_port())],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, cwd=a.root)
        self.addCleanup(lambda: sipp.poll() is None and sipp.kill())
        a.start()
        for uri in SPELLINGS:
            n = len(a.ctrl.events)
            ok, _ = a.command("dial", uri % port)
            self.assertTrue(ok, uri)
            param = a.wait_event("CALL_CLOSED", start=n).get("param", "")
            self.assertEqual(param, BLOCKED + "deny-list prefix +1900",
                             uri)
        rc, msgs = harness.sipp_after_block(sipp, trace, 45)
        self.assertInviteStopped(rc, msgs, cancels=len(SPELLINGS))
        self.assertNotIn("CALL_ESTABLISHED",
                         [e.get("type") for e in a.ctrl.events])

        self.assertEqual(a.stop(), 0)
        rows = a.calllog_rows()
        self.assertEqual([(r["status"], r["reason"]) for r in rows],
                         [("blocked", "deny-list prefix +1900")] *
                         len(SPELLINGS))


if __name__ == "__main__":
    harness.main()
