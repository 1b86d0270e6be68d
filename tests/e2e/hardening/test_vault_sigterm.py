"""SIGTERM during a vault write: `octasip account add` on a big vault is
sent SIGTERM at random moments.  Every time the vault opens with the old
or the new content, no temp file is left, and a stopped run says so in
one line.

The writes take a few ms of the run; to land the signal inside them, the
tool runs under strace with every fsync() delayed by FSYNC_DELAY_MS (the
file system is just slow), and the moments are spread over the writes.
"""

import os
import random
import shutil
import signal
import subprocess
import time

import harness
import faults

N_OLD = 1200
ROUNDS = 16
FSYNC_DELAY_MS = 60
STRACE = shutil.which("strace")
STOP_LINE = ("octasip: stopped by a signal; every file it wrote is"
             " complete (old or new content)")


class VaultSigterm(harness.TestCase):

    def vault_aors(self, prof):
        p = harness.octasip("account", "list", profile=prof, check=False)
        self.assertEqual(p.returncode, 0, "vault does not open:\n" +
                         p.stderr)
        return {l.split("\t")[0] for l in p.stdout.splitlines()
                if "in vault" in l or "vault only" in l}

    def add(self, prof, aor):
        """Starts account add; returns (Popen, pid of octasip)."""
        cmd = [harness.OCTASIP, "-d", prof, "account", "add", aor,
               "--password-stdin"]
        if STRACE:
            cmd = [STRACE, "-f", "-qq", "-o", "/dev/null", "-e",
                   "trace=fsync", "-e", "inject=fsync:delay_enter=%d" %
                   (FSYNC_DELAY_MS * 1000)] + cmd
        env = dict(os.environ)
        if STRACE:
            # LeakSanitizer cannot run under ptrace (ASan build)
            env["ASAN_OPTIONS"] = "detect_leaks=0:halt_on_error=1"
        p = subprocess.Popen(cmd, stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, env=env)
        if not STRACE:
            return p, p.pid
        kids = "/proc/%d/task/%d/children" % (p.pid, p.pid)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with open(kids) as f:
                pids = f.read().split()
            if pids:
                return p, int(pids[0])
            time.sleep(0.001)
        raise AssertionError("strace started no octasip")

    def test_sigterm_at_random_points(self):
        inst = harness.Instance(self, "alice")
        prof = inst.profile
        imp = os.path.join(inst.root, "import")
        with open(imp, "w") as f:
            for i in range(N_OLD):
                f.write("<sip:u%d@example.com>;auth_pass=%s;regint=0\n" %
                        (i, "p%d" % i * 12))
        harness.octasip("account", "import", imp, profile=prof)
        expect = self.vault_aors(prof)
        self.assertEqual(len(expect), N_OLD)

        # how long one add takes, start to exit
        t0 = time.monotonic()
        p, _ = self.add(prof, "sip:first@example.com")
        p.communicate("pw\n", timeout=30)
        full = time.monotonic() - t0
        self.assertEqual(p.returncode, 0)
        expect.add("sip:first@example.com")
        self.assertEqual(self.vault_aors(prof), expect)

        rng = random.Random(int(os.environ.get("OCTASIP_SEED", "9")))
        stopped = 0
        # ROUNDS random moments; on a busy machine all of them may fall
        # before the handler or after the end: then up to 2 x ROUNDS
        # more, until one run was stopped in the middle
        for i in range(ROUNDS * 3):
            if i >= ROUNDS and stopped:
                break
            aor = "sip:new%d@example.com" % i
            p, pid = self.add(prof, aor)
            p.stdin.write("secret-%d\n" % i)
            p.stdin.flush()
            time.sleep(rng.uniform(0.0, full))   # a random moment
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass                             # it had finished
            out, err = p.communicate(timeout=30)
            got = self.vault_aors(prof)
            if p.returncode == 0:
                self.assertEqual(got, expect | {aor})
            elif p.returncode == -signal.SIGTERM:
                # stopped before main() set up its handler: nothing
                # was written yet
                self.assertEqual(got, expect)
            else:
                self.assertEqual(p.returncode, 128 + signal.SIGTERM,
                                 err)
                self.assertEqual(err.strip(), STOP_LINE)
                self.assertIn(got, (expect, expect | {aor}))
                stopped += 1
            expect = got
            self.assertEqual(faults.temp_leftovers(prof), [])
            for n in ("vault", "vault.bak"):
                mode = os.stat(os.path.join(prof, n)).st_mode & 0o777
                self.assertEqual(mode, 0o600, n)
        self.assertGreater(stopped, 0, "no run was stopped: timing?")
        # the old secrets are all still there
        st = harness.octasip("vault", "status", profile=prof).stdout
        self.assertRegex(st, r"records: %d\b" % len(expect))


if __name__ == "__main__":
    harness.main()
