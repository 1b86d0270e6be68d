"""P-AUDIO-1: call audio is never recorded unless you allow `recording`
(denied by default).

bob keeps the permissions `octasip init` wrote (recording deny) and has
baresip's recorder (sndfile.so) in his config with snd_path set.  alice
has the same recorder and allows recording: her recording, in the same
call, proves the recorder works here and that audio flowed for a second
(the control).  After the call bob's snd_path is empty, no audio file
(dump-*, *.wav, or any file starting with a RIFF header) appeared in his
profile, in the test's directory tree or in baresip's working directory,
and bob's policy said it unloaded the recorder (and audited the denial)."""

import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))), "e2e", "policy"))
import harness                      # noqa: E402
import polutil                      # noqa: E402
import privutil                     # noqa: E402
from harness import Instance        # noqa: E402

SECOND = 48000 * 2 * 2              # opus: 48 kHz stereo s16


def audio_files(root, since):
    out = []
    for p in privutil.new_files(root, since):
        n = os.path.basename(p)
        if n.startswith("dump-") or n.lower().endswith(".wav") or \
                privutil.read_bytes(p)[:4] == b"RIFF":
            out.append(p)
    return out


class TestPAudio1(harness.TestCase):

    def test_P_AUDIO_1(self):
        start = time.time() - 1
        a = Instance(self, "alice", permissions={"microphone": "allow",
                                                 "recording": "allow"})
        arec, acfg, mods = polutil.recorder_config(a.root, "alice")
        a.edit_config(acfg, add_modules=mods)
        brec, bcfg, mods = polutil.recorder_config(a.root, "bob")
        b = Instance(self, "bob", root=a.root, config=bcfg,
                     add_modules=mods)          # init's permissions
        with open(b.path("permissions")) as f:
            self.assertRegex(f.read(), r"(?m)^recording\s+deny$")
        self.assertIn("sndfile.so", b.config_text())

        a.start()
        b.start()
        b.wait_log(r"octasip_policy: recording denied: unloaded "
                   r"sndfile\.so")
        harness.call(a, b)
        b.wait_event("CALL_RTPESTAB")
        # control: one second of this call's audio reached alice's disk
        polutil.wait_recording(arec, "dec", 44 + SECOND)
        polutil.wait_recording(arec, "enc", 44 + SECOND)
        na, nb = len(a.ctrl.events), len(b.ctrl.events)
        a.command("hangup")
        a.wait_event("CALL_CLOSED", start=na)
        b.wait_event("CALL_CLOSED", start=nb)
        self.assertEqual(b.stop(), 0)
        self.assertEqual(a.stop(), 0)

        self.assertEqual(os.listdir(brec), [])
        self.assertEqual(audio_files(b.profile, start), [])
        self.assertEqual([p for p in audio_files(a.root, start)
                          if not p.startswith(arec + os.sep)], [])
        self.assertEqual(audio_files(os.getcwd(), start), [])
        self.assertRegex(b.audit(r"\trecording\tdeny\t"),
                         r"\trecording\tdeny\t")


if __name__ == "__main__":
    harness.main()
