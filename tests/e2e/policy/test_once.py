"""A "once" grant is for one call (P-PERM-1, docs/policy.md).  The
permissions are process-wide: a loaded recorder records every call, an
open microphone gate serves every call.  So a call that would run while
another call holds a grant is refused (incoming: 486; outgoing: ended
before it rings), and a grant written while calls run waits for a call
that starts alone.  The attack: bob grants recording for alice's call;
carol calls in meanwhile (or bob dials her) and would be recorded too."""

import os
import sys
import time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness                      # noqa: E402
from harness import Instance, octasip   # noqa: E402
import polutil                      # noqa: E402


class OnceTest(harness.TestCase):

    def three(self, bob_perms):
        a = Instance(self, "alice")
        c = Instance(self, "carol", root=a.root)
        rec, cfg, mods = polutil.recorder_config(a.root, "bob")
        b = Instance(self, "bob", root=a.root, config=cfg,
                     add_modules=mods, permissions=bob_perms)
        for i in (a, b, c):
            i.start()
        return a, b, c, rec

    def hangup_all(self, *insts):
        for i in insts:
            n = len(i.ctrl.events)
            i.command("hangup")
            i.wait_event("CALL_CLOSED", start=n)

    def assertRecordedOnce(self, rec):
        # sndfile names its files by the second: wait past it, so that a
        # second recording cannot hide under the first one's name
        time.sleep(1.2)
        self.assertEqual(len(polutil.recordings(rec, "enc")), 1,
                         os.listdir(rec))

    def test_incoming_call_during_a_granted_call_is_refused(self):
        a, b, c, rec = self.three({"recording": "once"})
        harness.call(a, b)
        polutil.wait_recording(rec, "enc", 1000)
        time.sleep(1.1)
        nc = len(c.ctrl.events)
        ok, _ = c.command("dial", b.aor)
        self.assertTrue(ok)
        e = c.wait_event("CALL_CLOSED", start=nc)
        self.assertIn("486", e.get("param", ""), e)
        self.assertNotIn("CALL_ESTABLISHED",
                         [x.get("type") for x in c.ctrl.events[nc:]])
        b.wait_log(r"blocked incoming call: a \"once\" grant is in use"
                   r" by another call: recording")
        b.audit(r"recording\tdeny\tincoming call blocked: a \"once\""
                r" grant is in use by another call: recording")
        self.assertRecordedOnce(rec)
        self.hangup_all(a)
        self.assertEqual(b.stop(), 0)
        self.assertEqual([(r["direction"], r["status"], r["sip_code"])
                          for r in b.calllog_rows()],
                         [("incoming", "answered", None),
                          ("incoming", "blocked", 486)])

    def test_outgoing_call_during_a_granted_call_is_blocked(self):
        a, b, c, rec = self.three({"recording": "once"})
        harness.call(a, b)
        polutil.wait_recording(rec, "enc", 1000)
        time.sleep(1.1)
        nb, nc = len(b.ctrl.events), len(c.ctrl.events)
        ok, _ = b.command("dial", c.aor)
        self.assertTrue(ok)
        b.wait_log(r"blocked outgoing call: a \"once\" grant is in use"
                   r" by another call: recording")
        time.sleep(1.0)
        self.assertNotIn("CALL_ESTABLISHED",
                         [x.get("type") for x in c.ctrl.events[nc:]])
        self.assertRecordedOnce(rec)
        # alice's call, the one the grant was for, goes on
        ok, _ = a.command("hangup")
        a.wait_event("CALL_CLOSED")
        self.assertEqual(b.stop(), 0)
        self.assertEqual([(r["direction"], r["status"])
                          for r in b.calllog_rows()],
                         [("incoming", "answered"),
                          ("outgoing", "blocked")])

    def test_grant_written_during_a_call_waits_for_a_call_alone(self):
        a, b, c, rec = self.three(None)
        harness.call(a, b)
        octasip("perm", "set", "recording", "once", profile=b.profile)
        time.sleep(0.3)
        harness.call(c, b)               # runs, but not under the grant
        time.sleep(1.0)
        self.assertEqual(polutil.recordings(rec, "enc"), [])
        nb = len(b.ctrl.events)
        self.hangup_all(a, c)
        for peer in (a, c):
            b.wait_event("CALL_CLOSED", start=nb,
                         pred=lambda e, p=peer: e.get("peeruri") ==
                         p.aor)
        with open(b.path("permissions")) as f:
            self.assertRegex(f.read(), r"(?m)^recording\s+once$")
        harness.call(a, b)               # alone: it takes the grant
        polutil.wait_recording(rec, "enc", 1000)
        self.hangup_all(a)
        with open(b.path("permissions")) as f:
            self.assertRegex(f.read(), r"(?m)^recording\s+ask$")
        self.assertEqual(b.stop(), 0)

    def test_refused_calls_leave_the_grant_waiting(self):
        """A call the fraud guard refuses takes no grant: the user's
        "once" is for the call that runs.  Outgoing (deny-list) and
        incoming (per-source cap) refusals both used to consume it."""
        a = Instance(self, "alice")
        c = Instance(self, "carol", root=a.root)
        rec, cfg, mods = polutil.recorder_config(a.root, "bob")
        cfg.update({"octasip_policy_deny_prefixes": "+1900",
                    "octasip_policy_max_incoming_per_source": "1"})
        b = Instance(self, "bob", root=a.root, config=cfg,
                     add_modules=mods)
        for i in (a, b, c):
            i.start()
        harness.call(a, b)               # alice's one call this minute
        self.hangup_all(a)
        octasip("perm", "set", "recording", "once", profile=b.profile)
        b.wait_log(r"permissions file changed")

        def waiting():
            with open(b.path("permissions")) as f:
                self.assertRegex(f.read(), r"(?m)^recording\s+once$")
            self.assertEqual(polutil.recordings(rec, "enc"), [])

        nb = len(b.ctrl.events)
        # at carol's address: an INVITE that got out is answered there
        # (404), not retransmitted until quit
        ok, _ = b.command("dial", "sip:+19005550100@" +
                          c.aor.split("@", 1)[1])
        self.assertTrue(ok)
        b.wait_event("CALL_CLOSED", start=nb)
        b.wait_log(r"blocked outgoing call: deny-list prefix \+1900")
        waiting()
        na, nb = len(a.ctrl.events), len(b.ctrl.events)
        ok, _ = a.command("dial", b.aor)
        self.assertTrue(ok)
        e = a.wait_event("CALL_CLOSED", start=na)
        self.assertIn("503", e.get("param", ""), e)
        # bob's events of it are in: harness.call() must not take its
        # CALL_INCOMING for carol's
        b.wait_event("CALL_CLOSED", start=nb)
        waiting()
        harness.call(c, b)               # let through: it takes the grant
        polutil.wait_recording(rec, "enc", 1000)
        self.hangup_all(c)
        with open(b.path("permissions")) as f:
            self.assertRegex(f.read(), r"(?m)^recording\s+ask$")
        self.assertEqual(b.stop(), 0)

    def test_storage_once_logs_that_call_only(self):
        """storage once: the call that takes it is in the call log, the
        next one (storage back to ask) is not.  The call log used to read
        the file itself, which says "ask" once the grant is taken, and
        logged neither."""
        a = Instance(self, "alice")
        b = Instance(self, "bob", root=a.root,
                     permissions={"storage": "once"})
        a.start()
        b.start()
        for _ in range(2):
            nb = len(b.ctrl.events)
            harness.call(a, b)
            a.command("hangup")
            b.wait_event("CALL_CLOSED", start=nb)
        self.assertEqual(b.stop(), 0)
        rows = b.calllog_rows()
        self.assertEqual([(r["direction"], r["status"]) for r in rows],
                         [("incoming", "answered")])
        self.assertRegex(b.audit(), r"storage\tonce-used")


if __name__ == "__main__":
    harness.main()
