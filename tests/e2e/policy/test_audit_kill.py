"""Audit lines and kill -9: a line the policy stored is in
permissions.audit after the next start, exactly once, also when baresip
was killed before the line was written; and a burst of calls costs one
audit write() a second, not one per call.

bob answers alice's calls.  The first call's line is written in the loop
turn it was stored in (nothing was written in the last second); a second
call at once finds the last write less than a second old, so its line
waits in permissions.audit.pending, and bob is killed (SIGKILL) right
then.  The octasip tool writes what the killed baresip left (here:
perm list), and a restart then adds nothing twice.  Then, under strace,
a run of calls: the policy's write()s to the audit log are counted."""

import os
import re
import shutil
import subprocess
import time

import harness
from harness import Instance

PERMS = {"microphone": "allow", "storage": "allow", "phone_state": "allow"}
LINE = "microphone\tuse\tcall audio"
STRACE = shutil.which("strace")


def uses(inst):
    return inst.audit().count(LINE)


class AuditKillTest(harness.TestCase):

    def start_pair(self):
        a = Instance(self, "alice", permissions=PERMS)
        b = Instance(self, "bob", root=a.root, permissions=PERMS)
        a.start()
        b.start()
        return a, b

    def kill_with_a_line_pending(self, a, b):
        """Two calls; bob killed while the second call's line waits.
        Returns the count of lines bob had written before the calls.
        (A slow machine may take a second between the two: then the
        second line was written, and it is tried again.)"""
        for _ in range(5):
            if b.proc is None or b.proc.poll() is not None:
                b.start()
            n0 = uses(b)
            harness.call(a, b)
            harness.wait_for(lambda: uses(b) > n0,
                             what="the first call's line")
            t0 = time.monotonic()
            harness.hangup(a, b)
            harness.call(a, b)
            b.kill()
            killed = time.monotonic() - t0
            na = len(a.ctrl.events)
            a.command("hangup")
            a.wait_event("CALL_CLOSED", start=na)
            if uses(b) == n0 + 1:
                return n0
            self.assertLess(0.9, killed, "the second call's line was"
                            " written at once, %.2f s after the first" %
                            killed)
        self.fail("no second call within a second of the first")

    def test_kill_loses_no_line_and_repeats_none(self):
        a, b = self.start_pair()
        pend = b.path("permissions.audit.pending")
        self.assertEqual(os.stat(pend).st_mode & 0o777, 0o600)

        n0 = self.kill_with_a_line_pending(a, b)

        # the tool writes what the killed baresip left, once
        harness.octasip("perm", "list", profile=b.profile)
        self.assertEqual(uses(b), n0 + 2, b.audit())
        harness.octasip("perm", "list", profile=b.profile)
        self.assertEqual(uses(b), n0 + 2, b.audit())

        # killed again, and this time the next start writes it
        n1 = self.kill_with_a_line_pending(a, b)
        b.start()
        self.assertEqual(uses(b), n1 + 2, b.audit())
        self.assertEqual(b.stop(), 0)
        self.assertEqual(uses(b), n1 + 2, b.audit())
        # every line whole: nothing torn, nothing doubled by a replay
        for line in b.audit().splitlines():
            self.assertRegex(line, r"^\d+\t\S+Z\t[a-z_]+\t[a-z-]+\t")
        # (alice is not asked to quit: her BYEs to the killed bob are
        # still being retransmitted, and baresip waits for them)

    def test_export_writes_what_a_kill_left(self):
        a, b = self.start_pair()
        n0 = self.kill_with_a_line_pending(a, b)
        p = harness.octasip("data", "export", profile=b.profile)
        self.assertEqual(p.stdout.count("call audio"), n0 + 2)
        self.assertEqual(uses(b), n0 + 2)

    def test_symlink_in_its_place_is_not_followed(self):
        a = Instance(self, "alice", permissions=PERMS)
        b = Instance(self, "bob", root=a.root, permissions=PERMS)
        victim = os.path.join(a.root, "victim")
        with open(victim, "w") as f:
            f.write("not an audit file\n")
        os.symlink(victim, b.path("permissions.audit.pending"))
        a.start()
        b.start()
        b.wait_log(r"permissions\.audit\.pending: .*audit lines wait in"
                   r" memory")
        harness.call(a, b)
        harness.wait_for(lambda: uses(b) == 1, what="the call's line")
        harness.hangup(a, b)
        with open(victim) as f:
            self.assertEqual(f.read(), "not an audit file\n")
        self.assertTrue(os.path.islink(b.path("permissions.audit.pending")))
        self.assertEqual(b.stop(), 0)
        self.assertEqual(a.stop(), 0)

    @harness.unittest.skipUnless(STRACE, "strace not installed")
    def test_a_burst_writes_once_a_second(self):
        a, b = self.start_pair()
        out = os.path.join(a.root, "bob.strace")
        st = subprocess.Popen([STRACE, "-f", "-y", "-o", out,
                               "-e", "trace=write,writev,openat",
                               "-p", str(b.proc.pid)],
                              stderr=subprocess.PIPE, text=True)
        try:
            harness.wait_for(lambda: "attached" in st.stderr.readline(),
                             what="strace")
            calls = 8
            n0 = uses(b)
            t0 = time.monotonic()
            for _ in range(calls):
                harness.call(a, b)
                harness.hangup(a, b)
            elapsed = time.monotonic() - t0
            harness.wait_for(lambda: uses(b) == n0 + calls,
                             what="every call's line")
        finally:
            st.terminate()
            st.communicate(timeout=10)
        with open(out) as f:
            trace = f.read()
        writes = re.findall(r"^\d+\s+writev?\(\d+<[^>]*/permissions\.audit>",
                            trace, re.M)
        # one at once, then at most one a second, and one more for the
        # line of the last second
        self.assertLessEqual(len(writes), int(elapsed) + 2,
                             "%d calls in %.2f s" % (calls, elapsed))
        self.assertLess(len(writes), calls,
                        "%d calls in %.2f s: too slow to tell" %
                        (calls, elapsed))
        self.assertEqual(b.stop(), 0)
        self.assertEqual(a.stop(), 0)


if __name__ == "__main__":
    harness.main()
