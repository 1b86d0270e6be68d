"""Every fallback and enforcement that changes what the user hears says so
once, in one plain line: `octasip run` without a PulseAudio server names
the socket it looked for and says callers get a tone; a call whose
microphone is muted by the permission (deny or ask) names the state and
the command that allows it, once per call, on both the calling and the
called side; an allowed microphone and an explicit --tone say nothing."""

import os
import re
import shutil
import subprocess
import tempfile

import harness
from harness import Instance

NO_DEVICE = re.compile(r"(?m)^octasip: no audio device: (.*)$")
MUTED = re.compile(r"(?m)^octasip_policy: microphone (\w+): this call is"
                   r" muted.*octasip perm set microphone allow.*$")


class FallbackNotices(harness.TestCase):

    def run_no_tone(self, inst, env):
        e = dict(os.environ)
        e.pop("PULSE_SERVER", None)
        e.update(env)
        e.update(harness.sanitizer_env())
        return subprocess.run(
            [harness.OCTASIP, "-d", inst.profile, "run", "--", "-t", "1"],
            stdin=subprocess.DEVNULL, capture_output=True, text=True,
            env=e, timeout=60)

    def test_no_audio_device_is_one_line(self):
        a = Instance(self, "alice")
        rt = tempfile.mkdtemp(prefix="octasip-rt-")
        # octasip_ctrl keeps its socket directory there
        self.addCleanup(shutil.rmtree, rt, True)
        p = self.run_no_tone(a, {"XDG_RUNTIME_DIR": rt})
        self.assertEqual(p.returncode, 0, p.stderr)
        lines = NO_DEVICE.findall(p.stderr + p.stdout)
        self.assertEqual(len(lines), 1, p.stderr)
        self.assertIn(os.path.join(rt, "pulse", "native"), lines[0])
        self.assertIn("440 Hz tone", p.stderr)
        self.assertIn("ausine", a.config_text())

        # PULSE_SERVER names the socket it looks for instead
        p = self.run_no_tone(a, {"XDG_RUNTIME_DIR": rt,
                                 "PULSE_SERVER": "unix:/nonexistent/sock"})
        self.assertEqual(len(NO_DEVICE.findall(p.stderr)), 1, p.stderr)
        self.assertIn("/nonexistent/sock", p.stderr)

        # chosen with --tone: nothing to say
        p = subprocess.run(
            [harness.OCTASIP, "-d", a.profile, "run", "--tone", "--", "-t",
             "1"], stdin=subprocess.DEVNULL, capture_output=True,
            text=True, timeout=60,
            env=dict(os.environ, XDG_RUNTIME_DIR=rt,
                     **harness.sanitizer_env()))
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertNotIn("no audio device", p.stderr + p.stdout)

    def call_once(self, a, b):
        harness.call(a, b)
        b.wait_event("CALL_RTPESTAB")
        a.command("hangup")
        a.wait_event("CALL_CLOSED")
        b.wait_event("CALL_CLOSED")

    def test_muted_microphone_is_one_line_per_call(self):
        a = Instance(self, "alice", permissions={"microphone": "deny"})
        b = Instance(self, "bob", root=a.root,
                     permissions={"microphone": "ask"})
        c = Instance(self, "carol", root=a.root,
                     permissions={"microphone": "allow"})
        for i in (a, b, c):
            i.start()
        self.call_once(a, b)          # both sides muted
        self.call_once(a, b)
        self.call_once(c, a)          # carol allowed, alice muted
        for i in (a, b, c):
            self.assertEqual(i.stop(), 0)

        self.assertEqual(MUTED.findall(a.log()), ["deny"] * 3, a.log())
        self.assertEqual(MUTED.findall(b.log()), ["ask"] * 2, b.log())
        self.assertEqual(MUTED.findall(c.log()), [], c.log())


if __name__ == "__main__":
    harness.main()
