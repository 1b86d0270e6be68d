"""recording permission: denied (the default) means the recorder module
is unloaded and no call audio reaches the disk; allowed means calls are
recorded with an audible notice (1400 Hz, 0.5 s at the start) mixed into
what the other party hears, unless configured off.  Recordings go to the
profile's private recordings/ directory (not baresip's working
directory) unless snd_path is set, so export lists and wipe removes
them."""

import json
import os
import shutil
import sys
import tempfile
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness                      # noqa: E402
from harness import Instance        # noqa: E402
import polutil                      # noqa: E402


def pair(tc, bob_perms, bob_config=None):
    a = Instance(tc, "alice")
    rec, cfg, mods = polutil.recorder_config(a.root, "bob")
    cfg.update(bob_config or {})
    b = Instance(tc, "bob", root=a.root, config=cfg, add_modules=mods,
                 permissions=bob_perms)
    a.start()
    b.start()
    return a, b, rec


class RecordingTest(harness.TestCase):

    def test_denied_by_default_unloads_recorder(self):
        a, b, rec = pair(self, None)
        b.wait_log(r"octasip_policy: recording denied: unloaded "
                   r"sndfile\.so")
        harness.call(a, b)
        b.wait_event("CALL_RTPESTAB")
        harness.hangup(a, b)
        self.assertEqual(os.listdir(rec), [])
        self.assertRegex(b.audit(r"\trecording\tdeny\t"),
                         r"\trecording\tdeny\t")

    def test_allowed_records_with_notice_tone(self):
        a, b, rec = pair(self, {"recording": "allow"})
        harness.call(a, b)
        wav = polutil.wait_recording(rec, "enc", 44 + 192000)
        harness.hangup(a, b)
        samples, rate = polutil.read_wav(wav)
        burst = samples[int(0.05 * rate):int(0.45 * rate)]
        after = samples[int(0.6 * rate):int(0.95 * rate)]
        self.assertGreater(len(after), rate // 4)
        self.assertGreater(polutil.tone_power(burst, rate, 1400), 0.01,
                           "no 1400 Hz notice at the start")
        self.assertLess(polutil.tone_power(after, rate, 1400), 1e-4,
                        "notice tone longer than 0.5 s")
        self.assertTrue(polutil.recordings(rec, "dec"))

    def test_notice_can_be_configured_off(self):
        a, b, rec = pair(self, {"recording": "allow"},
                         {"octasip_policy_recording_notice": "no"})
        harness.call(a, b)
        wav = polutil.wait_recording(rec, "enc", 44 + 192000)
        harness.hangup(a, b)
        samples, rate = polutil.read_wav(wav)
        burst = samples[int(0.05 * rate):int(0.45 * rate)]
        self.assertLess(polutil.tone_power(burst, rate, 1400), 1e-4)

    def test_recordings_stay_in_the_profile(self):
        a = Instance(self, "alice")
        b = Instance(self, "bob", root=a.root,
                     add_modules=(("module", "sndfile.so"),),
                     permissions={"recording": "allow"})
        cwd = tempfile.mkdtemp(prefix="octasip-cwd-")
        self.addCleanup(shutil.rmtree, cwd, True)
        a.start()
        here = os.getcwd()
        os.chdir(cwd)               # baresip's working directory
        try:
            b.start()
        finally:
            os.chdir(here)
        rec = b.path("recordings")
        harness.call(a, b)
        wav = polutil.wait_recording(rec, "enc", 44 + 16000)
        harness.hangup(a, b)
        self.assertEqual(os.stat(rec).st_mode & 0o777, 0o700)
        self.assertEqual(os.listdir(cwd), [])
        self.assertEqual(b.stop(), 0)

        doc = json.loads(harness.octasip("data", "export",
                                         profile=b.profile).stdout)
        names = [os.path.basename(r["path"])
                 for r in doc["recordings"]["files"]]
        self.assertIn(os.path.basename(wav), names)
        self.assertEqual(doc["recordings"]["directory"], rec)

        harness.octasip("data", "wipe", "--yes", profile=b.profile)
        self.assertEqual(os.listdir(rec), [])


if __name__ == "__main__":
    harness.main()
