"""microphone permission: deny means no microphone audio reaches the
network (a recorder on the far end hears silence); allow carries the tone;
a change at run time (/perm set over the control socket) applies from the next call
without restart."""

import os
import sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness                      # noqa: E402
from harness import Instance        # noqa: E402
import polutil                      # noqa: E402

SECOND = 48000 * 2 * 2              # opus: 48 kHz stereo s16


class MicrophoneTest(harness.TestCase):

    def one_call(self, a, b, rec, n):
        harness.call(a, b)
        wav = polutil.wait_recording(rec, "dec", 44 + SECOND, count=n)
        na, nb = len(a.ctrl.events), len(b.ctrl.events)
        a.command("hangup")
        a.wait_event("CALL_CLOSED", start=na)
        b.wait_event("CALL_CLOSED", start=nb)
        samples, rate = polutil.read_wav(wav)
        self.assertGreater(len(samples), rate // 2)
        return samples, rate

    def test_denied_is_silent_then_allowed_at_run_time(self):
        a = Instance(self, "alice", permissions={"microphone": "deny"})
        rec, cfg, mods = polutil.recorder_config(a.root, "bob")
        b = Instance(self, "bob", root=a.root, config=cfg,
                     add_modules=mods,
                     permissions={"recording": "allow",
                                  "microphone": "allow"})
        a.start()
        b.start()

        samples, rate = self.one_call(a, b, rec, 1)
        self.assertLess(polutil.max_abs(samples), 0.002,
                        "denied microphone reached the far end")

        ok, out = a.command("perm", "set microphone allow")
        self.assertTrue(ok, out)
        self.assertRegex(out, r"microphone\s+allow")

        samples, rate = self.one_call(a, b, rec, 2)
        self.assertGreater(polutil.max_abs(samples), 0.1,
                           "allowed microphone did not reach the far end")
        self.assertGreater(polutil.tone_power(samples[rate // 2:],
                                              rate, 440), 0.01)

        with open(a.path("permissions")) as f:
            self.assertIn("microphone allow", f.read())
        with open(a.path("permissions.audit")) as f:
            self.assertRegex(f.read(), r"microphone\tset-allow\t")
        self.assertEqual(a.stop(), 0)
        self.assertEqual(b.stop(), 0)


if __name__ == "__main__":
    harness.main()
