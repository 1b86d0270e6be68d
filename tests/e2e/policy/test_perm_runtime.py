"""Every permission, changed on a running instance, in both directions:
each change applies to the next call without a restart, whether it comes
from /perm set (ctrl) or from `octasip perm set` (the file, watched).
Each step is proved by what the call does, not by what /perm list says:
recordings on disk, audio the far end hears, a contacts rule applied, a
call-log row written, an automatic answer."""

import os
import sys
import time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness                      # noqa: E402
from harness import Instance, octasip  # noqa: E402
import polutil                      # noqa: E402

SECOND = 48000 * 2 * 2              # opus: 48 kHz stereo s16


def set_ctrl(tc, inst, name, state):
    ok, out = inst.command("perm", "set %s %s" % (name, state))
    tc.assertTrue(ok, out)
    tc.assertRegex(out, r"(?m)^%s\s+%s" % (name, state))


def set_cli(inst, name, state, pattern):
    """octasip perm set on the profile; the running module must see the
    file change (its log says so) before the next call."""
    n = inst.log().count("permissions file changed, re-read")
    octasip("perm", "set", name, state, profile=inst.profile)
    harness.wait_for(lambda: inst.log().count(
        "permissions file changed, re-read") > n, timeout=5,
        what="the module re-reading the permissions file")
    if pattern:
        inst.wait_log(pattern)


def arrives(inst, etype, start, timeout=2.0):
    """did an event of etype arrive within timeout (from index start)?"""
    try:
        inst.wait_event(etype, timeout=timeout, start=start)
        return True
    except Exception:           # the ctrl client's timeout error
        return False


class PermRuntimeTest(harness.TestCase):

    def recorder_pair(self, bob_perms):
        """alice, and bob whose config loads the recorder (sndfile)"""
        a = Instance(self, "alice")
        rec, cfg, mods = polutil.recorder_config(a.root, "bob")
        b = Instance(self, "bob", root=a.root, config=cfg,
                     add_modules=mods, permissions=bob_perms)
        a.start()
        b.start()
        return a, b, rec

    def recorded_call(self, a, b, rec, kind="enc"):
        """one answered call a -> b; the number of b's recordings of kind
        made by it"""
        before = len(polutil.recordings(rec, kind))
        harness.call(a, b)
        b.wait_event("CALL_RTPESTAB")
        time.sleep(1.0)
        harness.hangup(a, b)
        return len(polutil.recordings(rec, kind)) - before

    def test_recording_deny_allow_deny(self):
        a, b, rec = self.recorder_pair(None)   # recording: deny
        b.wait_log(r"recording denied: unloaded sndfile\.so")
        self.assertEqual(self.recorded_call(a, b, rec), 0)

        set_cli(b, "recording", "allow",
                r"recording allowed: loaded sndfile\.so")
        self.assertEqual(self.recorded_call(a, b, rec), 1,
                         "recording allowed at run time: no recording")

        set_ctrl(self, b, "recording", "deny")
        self.assertEqual(self.recorded_call(a, b, rec), 0,
                         "recording denied at run time: still recorded")

        set_ctrl(self, b, "recording", "allow")
        self.assertEqual(self.recorded_call(a, b, rec), 1)

    def test_storage_deny_allow_with_recording(self):
        a, b, rec = self.recorder_pair({"recording": "allow",
                                        "storage": "allow"})
        self.assertEqual(self.recorded_call(a, b, rec), 1)
        harness.wait_for(lambda: len(b.calllog_rows()) == 1, timeout=5,
                         what="the first call's row")

        set_ctrl(self, b, "storage", "deny")
        self.assertEqual(self.recorded_call(a, b, rec), 0)
        time.sleep(harness.CALLLOG_COMMIT_S + 0.5)
        self.assertEqual(len(b.calllog_rows()), 1,
                         "storage denied at run time: row written")

        set_cli(b, "storage", "allow", None)
        self.assertEqual(self.recorded_call(a, b, rec), 1,
                         "storage allowed again: recorder not back")
        harness.wait_for(lambda: len(b.calllog_rows()) >= 2, timeout=5,
                         what="storage allowed again: a row on disk")

    def test_microphone_allow_deny_allow(self):
        a, b, rec = self.recorder_pair({"recording": "allow",
                                        "microphone": "allow"})

        def heard(n):
            harness.call(a, b)
            wav = polutil.wait_recording(rec, "dec", 44 + SECOND, count=n)
            harness.hangup(a, b)
            samples, rate = polutil.read_wav(wav)
            return polutil.max_abs(samples[rate // 2:])

        self.assertGreater(heard(1), 0.1)
        set_ctrl(self, a, "microphone", "deny")
        self.assertLess(heard(2), 0.002,
                        "microphone denied at run time: audio sent")
        set_cli(a, "microphone", "allow", None)
        self.assertGreater(heard(3), 0.1,
                           "microphone allowed at run time: silence")

    def test_contacts_ask_allow_deny(self):
        a = Instance(self, "alice")
        b = Instance(self, "bob", root=a.root)   # contacts: ask
        with open(b.path("contacts"), "w") as f:
            f.write('"Alice Example" <%s>;access=block\n' % a.aor)
        a.start()
        b.start()
        b.wait_log(r"contacts ask: unloaded contact\.so")

        def blocked():
            """True if bob's contacts rule refused alice's call (it
            never rang), False if it rang"""
            na, nb = len(a.ctrl.events), len(b.ctrl.events)
            a.command("dial", b.aor)
            if arrives(b, "CALL_INCOMING", nb):
                # ringing at alice too before she hangs up: re 4.10
                # drops an INVITE transaction that has no provisional
                # response yet and sends no CANCEL, so bob would ring on
                # (harness.call(answer=False) waits the same way)
                a.wait_event("CALL_RINGING", start=na)
                harness.hangup(a, b)
                return False
            a.wait_event("CALL_CLOSED", start=na)
            return True

        self.assertFalse(blocked(), "contacts ask: block rule applied")
        set_ctrl(self, b, "contacts", "allow")
        self.assertTrue(blocked(), "contacts allowed: rule not applied")
        set_cli(b, "contacts", "deny", r"contacts deny: unloaded contact")
        self.assertFalse(blocked(), "contacts denied: rule applied")
        set_ctrl(self, b, "contacts", "allow")
        self.assertTrue(blocked())

    def test_phone_state_allow_deny_allow(self):
        a = Instance(self, "alice")
        b = Instance(self, "bob", root=a.root,
                     account=";regint=0;answermode=auto",
                     permissions={"phone_state": "allow"})
        a.start()
        b.start()

        def answered_by_itself():
            na, nb = len(a.ctrl.events), len(b.ctrl.events)
            a.command("dial", b.aor)
            auto = arrives(a, "CALL_ESTABLISHED", na)
            if not auto:
                b.wait_event("CALL_INCOMING", start=nb)
                a.wait_event("CALL_RINGING", start=na)   # see blocked()
            harness.hangup(a, b)
            return auto

        self.assertTrue(answered_by_itself())
        set_cli(b, "phone_state", "deny", None)
        self.assertFalse(answered_by_itself(),
                         "phone_state denied at run time: answered")
        set_ctrl(self, b, "phone_state", "allow")
        self.assertTrue(answered_by_itself(),
                        "phone_state allowed at run time: not answered")


if __name__ == "__main__":
    harness.main()
