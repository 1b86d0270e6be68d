"""Call-setup path: between an incoming INVITE and its 200 OK (automatic
answer) OctaSIP does no audit-file I/O, menu.so opens no ring tone (as
with stock baresip's auto answer), and the call is answered in the
loop turn the INVITE arrived in (before the 0 ms timers of that turn run:
the audit queue's timer is started first, so a timer-run answer would
come after the audit write).  The audit lines are still written.  The
permissions file is looked at once before the 200 OK (the policy's
decision); the call log checks the storage permission after it.

Runs the callee under strace (file and socket calls only)."""

import os
import re
import shutil
import subprocess
import time
import unittest

import harness
from harness import Instance

STRACE = shutil.which("strace")
# a stat of the permissions file: by path, or from the profile directory
PERM_STAT = re.compile(r'stat(at|x)?\(.*["/]permissions"')


def attach_strace(pid, out):
    p = subprocess.Popen([STRACE, "-f", "-o", out, "-s", "64",
                          "-e", "trace=recvfrom,sendto,openat,write,"
                          "newfstatat,stat,statx",
                          "-p", str(pid)],
                         stderr=subprocess.PIPE, text=True)
    # strace prints "attached" for each thread once it traces them
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        line = p.stderr.readline()
        if "attached" in line:
            return p
        if not line and p.poll() is not None:
            break
    p.kill()
    raise AssertionError("strace did not attach")


@unittest.skipUnless(STRACE, "strace not installed")
class SetupPathTest(harness.TestCase):

    def test_no_audit_io_before_200_ok(self):
        perms = {"microphone": "allow", "storage": "allow",
                 "phone_state": "allow"}
        a = Instance(self, "alice", permissions=perms)
        b = Instance(self, "bob", root=a.root, permissions=perms,
                     account=";regint=0;answermode=auto")
        a.start()
        b.start()
        out = os.path.join(a.root, "bob.strace")
        st = attach_strace(b.proc.pid, out)
        try:
            a.command("dial", b.aor)
            a.wait_event("CALL_ESTABLISHED")
            b.wait_event("CALL_ESTABLISHED")
            # the audit lines of this call are on disk (timer flush)
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline:
                try:
                    with open(b.path("permissions.audit")) as f:
                        audit = f.read()
                except FileNotFoundError:
                    audit = ""
                if "automatic answer" in audit:
                    break
                time.sleep(0.05)
        finally:
            st.terminate()
            st.communicate(timeout=10)
        a.command("hangup")
        a.wait_event("CALL_CLOSED")

        self.assertIn("phone_state\tuse\tautomatic answer", audit)
        self.assertIn("microphone\tuse\tcall audio", audit)

        with open(out) as f:
            trace = f.read().splitlines()
        inv = next((i for i, l in enumerate(trace)
                    if "recvfrom(" in l and '"INVITE ' in l), None)
        self.assertIsNotNone(inv, "no INVITE in the trace")
        ok = next((i for i, l in enumerate(trace)
                   if i > inv and "sendto(" in l and
                   '"SIP/2.0 200 ' in l), None)
        self.assertIsNotNone(ok, "no 200 OK after the INVITE")
        between = [l for l in trace[inv:ok] if "permissions.audit" in l]
        self.assertEqual(between, [], "audit I/O between INVITE and 200"
                         " OK:\n" + "\n".join(trace[inv:ok + 1]))
        after = [l for l in trace[ok:] if "permissions.audit" in l]
        self.assertTrue(after, "the audit file was never opened after"
                        " the 200 OK")
        # one look at the permissions file decides the call (policy); the
        # call log's storage check waits until the 200 OK is sent
        looks = [l for l in trace[inv:ok] if PERM_STAT.search(l)]
        self.assertEqual(len(looks), 1, "permissions file looked at %d"
                         " times before the 200 OK:\n%s" %
                         (len(looks), "\n".join(trace[inv:ok + 1])))
        after = [l for l in trace[ok:] if PERM_STAT.search(l)]
        self.assertTrue(after, "the call log never checked the storage"
                        " permission")
        # menu.so (loaded, as in the default profile) rings for a manual
        # account; the policy's own automatic answer must not ring
        self.assertIn("menu.so", b.config_text())
        ring = [l for l in trace[inv:ok] if ".wav" in l]
        self.assertEqual(ring, [], "a ring tone opened before the 200"
                         " OK:\n" + "\n".join(ring))


if __name__ == "__main__":
    harness.main()
