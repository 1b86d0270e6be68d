"""P-AUDIO-2: with `microphone` denied, no microphone audio leaves the
device: the other party hears silence.

alice (microphone deny) and bob (microphone allow) both send a 440 Hz
tone as their microphone.  bob records the call (recording allowed): what
he received from alice is silent (max |sample| < 0.002 over a second),
while what he sent in the same call carries the tone (the control: the
tone source, the codec and the recorder all work).  alice's policy audits
the muted call."""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))), "e2e", "policy"))
import harness                      # noqa: E402
import polutil                      # noqa: E402
from harness import Instance        # noqa: E402

SECOND = 48000 * 2 * 2              # opus: 48 kHz stereo s16


class TestPAudio2(harness.TestCase):

    def test_P_AUDIO_2(self):
        a = Instance(self, "alice", permissions={"microphone": "deny"})
        rec, cfg, mods = polutil.recorder_config(a.root, "bob")
        b = Instance(self, "bob", root=a.root, config=cfg,
                     add_modules=mods,
                     permissions={"recording": "allow",
                                  "microphone": "allow"})
        a.start()
        b.start()
        harness.call(a, b)
        got = polutil.wait_recording(rec, "dec", 44 + SECOND)
        sent = polutil.wait_recording(rec, "enc", 44 + SECOND)
        na, nb = len(a.ctrl.events), len(b.ctrl.events)
        a.command("hangup")
        a.wait_event("CALL_CLOSED", start=na)
        b.wait_event("CALL_CLOSED", start=nb)

        samples, rate = polutil.read_wav(got)
        self.assertGreater(len(samples), rate // 2)
        self.assertLess(polutil.max_abs(samples), 0.002,
                        "denied microphone reached the far end")

        samples, rate = polutil.read_wav(sent)
        tail = samples[rate // 2:]
        self.assertGreater(len(tail), rate // 4)
        self.assertGreater(polutil.tone_power(tail, rate, 440), 0.01,
                           "control: no tone in bob's own audio")

        self.assertEqual(a.stop(), 0)
        with open(a.path("permissions.audit")) as f:
            self.assertRegex(f.read(), r"\tmicrophone\tdeny\t")


if __name__ == "__main__":
    harness.main()
