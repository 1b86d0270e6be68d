"""Fraud and misuse guard: a deny-listed destination is ended in the same
event-loop turn as its INVITE, so a real callee (sipp) never gets to
200 OK, ACK or media; the allow-list wins over the deny-list; outgoing
caps per minute and on concurrent calls, and an incoming flood cap per
source, end calls before answer with the rule named; the cap also holds
for an auto-answer account that baresip answers by itself (the policy's
fast path)."""

import os
import subprocess
import sys
import time
import harness
import polutil
from harness import Instance

HERE = os.path.dirname(os.path.abspath(__file__))
BLOCKED = "octasip blocked: "


def closed_param(inst, start=0):
    return inst.wait_event("CALL_CLOSED", start=start).get("param", "")


class FraudTest(harness.TestCase):

    def test_blocked_destination_never_answered_sipp(self):
        port = harness.free_port()
        a = Instance(self, "alice", config={
            "octasip_policy_deny_prefixes": "+1900,+44909"})
        trace = os.path.join(a.root, "sipp.msg")
        sipp = subprocess.Popen(
            ["sipp", "-sf", os.path.join(HERE, "uas_expect_cancel.xml"),
             "-i", "127.0.0.1", "-p", str(port), "-m", "1",
             "-timeout", "20s", "-nostdin", "-trace_msg",
             "-message_file", trace, "-mp", str(harness.free_port())],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, cwd=a.root)
        self.addCleanup(lambda: sipp.poll() is None and sipp.kill())
        a.start()
        ok, _ = a.command("dial", "sip:+19005550100@127.0.0.1:%d" %
                          port)
        self.assertTrue(ok)
        prm = closed_param(a)
        self.assertEqual(prm, BLOCKED + "deny-list prefix +1900")
        rc, msgs = harness.sipp_after_block(sipp, trace, 25)
        self.assertInviteStopped(rc, msgs)
        self.assertNotIn("m=audio 0", msgs)
        self.assertNotRegex(msgs, r"SIP/2.0 200 OK[^-]*CSeq: \d+ INVITE")
        self.assertNotIn("CALL_ESTABLISHED",
                         [e.get("type") for e in a.ctrl.events])
        a.wait_log(r"blocked outgoing call: deny-list prefix \+1900")
        line = (r"\tfraud_guard\tdeny\toutgoing call blocked: deny-list"
                r" prefix \+1900")
        self.assertRegex(a.audit(line), line)

    def test_peer_transfer_to_denied_number_is_blocked(self):
        """A hostile peer in a call sends REFER (call transfer) to a
        premium number: baresip follows it by dialling the target
        itself, and that call meets the same fraud guard as one the user
        dials (check_outgoing at its offer), so it never rings."""
        a = Instance(self, "alice")
        c = Instance(self, "+19005550100", root=a.root)
        b = Instance(self, "bob", root=a.root, config={
            "octasip_policy_deny_prefixes": "+1900"})
        for i in (a, b, c):
            i.start()
        harness.call(a, b)
        nc = len(c.ctrl.events)
        ok, _ = a.command("transfer", c.aor)
        self.assertTrue(ok)
        b.wait_log(r"blocked outgoing call: deny-list prefix \+1900")
        line = (r"\tfraud_guard\tdeny\toutgoing call blocked: deny-list"
                r" prefix \+1900")
        self.assertRegex(b.audit(line), line)
        time.sleep(1.0)
        self.assertNotIn("CALL_ESTABLISHED",
                         [e.get("type") for e in c.ctrl.events[nc:]])

    def test_allow_list_wins_over_deny_list(self):
        a = Instance(self, "alice", config={
            "octasip_policy_deny_prefixes": "+1",
            "octasip_policy_allow_numbers": "112"})
        b = Instance(self, "112", root=a.root)
        c = Instance(self, "1555", root=a.root)
        a.start()
        b.start()
        c.start()
        harness.call(a, b, answer=False)       # 112: allowed
        n = len(a.ctrl.events)
        a.command("hangup")
        a.wait_event("CALL_CLOSED", start=n)
        n = len(a.ctrl.events)
        a.command("dial", c.aor)               # 1555: deny-listed
        self.assertEqual(closed_param(a, n), BLOCKED +
                         "deny-list prefix +1")

    def test_outgoing_caps(self):
        a = Instance(self, "alice", config={
            "octasip_policy_max_calls_per_minute": "2",
            "octasip_policy_max_concurrent": "1"})
        b = Instance(self, "bob", root=a.root)
        a.start()
        b.start()
        harness.call(a, b)                     # attempt 1, established
        n = len(a.ctrl.events)
        a.command("dial", b.aor)               # concurrent cap
        self.assertEqual(closed_param(a, n), BLOCKED +
                         "concurrent calls cap 1")
        n = len(a.ctrl.events)
        a.command("hangup")
        a.wait_event("CALL_CLOSED", start=n)
        n = len(a.ctrl.events)
        a.command("dial", b.aor)               # attempt 2: allowed
        b.wait_event("CALL_INCOMING")
        # 1.1.0's menu hangs up the call it selected, which it does at
        # the call's first provisional response (1.0.0: the newest call)
        a.wait_event("CALL_RINGING", start=n)
        a.command("hangup")
        a.wait_event("CALL_CLOSED", start=n)
        n = len(a.ctrl.events)
        a.command("dial", b.aor)               # attempt 3: per minute
        self.assertEqual(closed_param(a, n), BLOCKED +
                         "outgoing calls per minute cap 2")

    def test_incoming_flood_per_source(self):
        a, b = polutil.flood_capped_pair(self)
        self.assertRegex(polutil.dial_closed_param(a, b.aor), r"^503")
        b.wait_log(r"blocked incoming call: incoming calls per source"
                   r" cap 1/min")

    def test_incoming_cap_on_the_fast_path(self):
        """An auto-answer account is answered by baresip itself (no
        CALL_INCOMING) until a source has used its calls of the minute;
        that source's next call is refused (503) before any answer, and
        another source's call is still answered automatically."""
        a = Instance(self, "alice")
        c = Instance(self, "carol", root=a.root)
        b = Instance(self, "bob", root=a.root,
                     account=";regint=0;answermode=auto",
                     permissions={"phone_state": "allow"},
                     config={"octasip_policy_max_incoming_per_source": "2"})
        for inst in (a, b, c):
            inst.start()

        for _ in range(2):
            n, nb = len(a.ctrl.events), len(b.ctrl.events)
            a.command("dial", b.aor)
            a.wait_event("CALL_ESTABLISHED", start=n)
            a.command("hangup")
            a.wait_event("CALL_CLOSED", start=n)
            b.wait_event("CALL_CLOSED", start=nb)
            if harness.FAMILY != "4":
                # 4.x broadcasts CALL_INCOMING before every automatic
                # answer (sent from a timer after it)
                self.assertNotIn("CALL_INCOMING",
                                 [e.get("type") for e in
                                  b.ctrl.events[nb:]])

        n = len(a.ctrl.events)
        self.assertRegex(polutil.dial_closed_param(a, b.aor), r"^503")
        self.assertNotIn("CALL_ESTABLISHED",
                         [e.get("type") for e in a.ctrl.events[n:]])
        b.wait_log(r"blocked incoming call: incoming calls per source"
                   r" cap 2/min")

        n = len(c.ctrl.events)
        c.command("dial", b.aor)
        c.wait_event("CALL_ESTABLISHED", start=n)


if __name__ == "__main__":
    harness.main()
