"""P-ENC-1: calls are encrypted where the accounts ask for it, the call
log says so, and with octasip_policy_encryption required an unencrypted
call is refused and logged as blocked.

Encrypted: alice (encryption required) and bob, both ;mediaenc=srtp-mand.
alice runs with baresip's SIP trace (-s): the offer and the answer each
carry m=audio RTP/SAVP with an a=crypto key and no plain RTP/AVP line;
both sides report SRTP secure (CALL_MENC); both call-log rows are
`answered` with encryption `srtp-mand`.

Refused: carol (encryption required, plain account) dials dave (plain):
the call ends before any response (dave sees it CANCELled) with
`octasip blocked: encryption required (account mediaenc=none)`; dave
dials carol: 488; neither gets to an established call.  carol's call log
holds both calls as `blocked` with that rule, exactly one row per call;
carol reported at start that her account is neither TLS nor
encrypted."""

import re
import time

import harness
from harness import Instance

REQ = {"octasip_policy_encryption": "required"}
SRTP = ";regint=0;mediaenc=srtp-mand"
RULE = "encryption required (account mediaenc=none)"


class TestPEnc1(harness.TestCase):

    def test_P_ENC_1(self):
        a = Instance(self, "alice", account=SRTP, config=REQ)
        b = Instance(self, "bob", root=a.root, account=SRTP)
        c = Instance(self, "carol", root=a.root, config=REQ)
        d = Instance(self, "dave", root=a.root)
        for i in (a, b, c, d):
            i.start(args=("-s",) if i is a else ())

        # encrypted call
        harness.call(a, b)
        for i in (a, b):
            ev = i.wait_event("CALL_MENC")
            self.assertRegex(ev.get("param", ""), r"^0,audio,\S+")
        harness.hangup(a, b)
        log = a.log()
        mlines = re.findall(r"(?m)^m=audio .*$", log)
        self.assertGreaterEqual(len(mlines), 2, log[-3000:])
        for m in mlines:
            self.assertRegex(m, r"^m=audio \d+ RTP/SAVP ")
        self.assertGreaterEqual(len(re.findall(
            r"(?m)^a=crypto:\d+ \S+ inline:", log)), 2)

        # unencrypted calls under "required"
        c.wait_log(r"account sip:carol@\S+: SIP signalling is not over"
                   r" TLS")
        c.wait_log(r"account sip:carol@\S+: media encryption none: its"
                   r" calls are refused")
        n = len(c.ctrl.events)
        ok, _ = c.command("dial", d.aor)
        self.assertTrue(ok)
        ev = c.wait_event("CALL_CLOSED", start=n)
        self.assertEqual(ev.get("param"), "octasip blocked: " + RULE)
        if harness.FAMILY == "4":
            # 4.x: the INVITE never left (bsip_call_hold_invite())
            time.sleep(1.0)
            self.assertNotIn("CALL_INCOMING",
                             [e.get("type") for e in d.ctrl.events])
        else:
            d.wait_event("CALL_CLOSED")     # the INVITE was CANCELled
        n = len(d.ctrl.events)
        ok, _ = d.command("dial", c.aor)
        self.assertTrue(ok)
        ev = d.wait_event("CALL_CLOSED", start=n)
        self.assertRegex(ev.get("param", ""), r"^488")
        self.assertNotIn("CALL_ESTABLISHED",
                         [e.get("type") for e in c.ctrl.events +
                          d.ctrl.events])

        for i in (a, b, c, d):
            self.assertEqual(i.stop(), 0)
        for i in (a, b):
            rows = i.calllog_rows()
            self.assertEqual([(r["status"], r["encryption"])
                              for r in rows], [("answered", "srtp-mand")])
        # one row per call (docs/calllog.md), each blocked with the rule
        rows = c.calllog_rows()
        self.assertEqual(sorted((r["direction"], r["status"], r["reason"])
                                for r in rows),
                         [("incoming", "blocked", RULE),
                          ("outgoing", "blocked", RULE)],
                         "carol's call log: %r" % [
                             (r["call_id"], r["direction"], r["status"],
                              r["reason"]) for r in rows])
        self.assertEqual([r["encryption"] for r in rows
                          if r["encryption"] not in (None, "")], [])


if __name__ == "__main__":
    harness.main()
