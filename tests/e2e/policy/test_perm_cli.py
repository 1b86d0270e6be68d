"""octasip perm and /perm: list, set, reset; atomic private writes; the
audit log; a malformed permissions file gives an error naming the line,
safe defaults (everything denied) and is never overwritten."""

import os
import shutil
import stat
import tempfile
import harness
from harness import Instance, octasip


class PermCliTest(harness.TestCase):

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="octasip-perm-")
        self.addCleanup(shutil.rmtree, self.tmp, True)
        self.prof = os.path.join(self.tmp, "p")
        octasip("init", profile=self.prof)
        self.file = os.path.join(self.prof, "permissions")

    def read(self):
        with open(self.file) as f:
            return f.read()

    def assertOneLineError(self, p, needle):
        self.assertNotEqual(p.returncode, 0)
        lines = [l for l in p.stderr.splitlines() if l.strip()]
        self.assertEqual(len(lines), 1, p.stderr)
        self.assertIn(needle, lines[0])

    def test_init_writes_defaults_private(self):
        self.assertEqual(stat.S_IMODE(os.stat(self.file).st_mode), 0o600)
        body = [l for l in self.read().splitlines()
                if l and not l.startswith("#")]
        self.assertEqual(body, ["microphone allow", "contacts ask",
                                "storage allow", "phone_state allow",
                                "recording deny"])
        out = octasip("perm", "list", profile=self.prof).stdout
        self.assertRegex(out, r"(?m)^recording\s+deny\s+never")

    def test_set_list_reset_audited(self):
        p = octasip("perm", "set", "microphone", "deny", profile=self.prof)
        self.assertIn("next call", p.stdout)
        self.assertIn("microphone deny", self.read())
        self.assertEqual(stat.S_IMODE(os.stat(self.file).st_mode), 0o600)
        octasip("perm", "set", "contacts", "once", profile=self.prof)
        out = octasip("perm", "list", profile=self.prof).stdout
        self.assertRegex(out, r"(?m)^microphone\s+deny\b")
        self.assertRegex(out, r"(?m)^contacts\s+once\b")
        with open(os.path.join(self.prof, "permissions.audit")) as f:
            audit = f.read().splitlines()
        self.assertRegex(audit[0], r"^\d+\t\d{4}-\d\d-\d\dT[\d:]+Z\t"
                         r"microphone\tset-deny\tchanged by cli$")
        self.assertIn("contacts\tset-once", audit[1])
        octasip("perm", "reset", profile=self.prof)
        self.assertIn("microphone allow", self.read())
        self.assertIn("contacts ask", self.read())
        # no temp files left behind by the atomic writes
        self.assertEqual(sorted(n for n in os.listdir(self.prof)
                                if "tmp" in n), [])

    def test_storage_denied_changes_not_audited(self):
        """Storage deny wins (P-PERM-2): while it is denied no change
        goes to the audit log; allowing storage again is audited."""
        audit = os.path.join(self.prof, "permissions.audit")
        octasip("perm", "set", "storage", "deny", profile=self.prof)
        octasip("perm", "set", "microphone", "deny", profile=self.prof)
        self.assertFalse(os.path.exists(audit))
        self.assertIn("microphone deny", self.read())
        octasip("perm", "set", "storage", "allow", profile=self.prof)
        with open(audit) as f:
            lines = f.read().splitlines()
        self.assertEqual([l.split("\t")[2:4] for l in lines],
                         [["storage", "set-allow"]])

    def test_bad_arguments(self):
        p = octasip("perm", "set", "camera", "allow", profile=self.prof,
                    check=False)
        self.assertOneLineError(p, "unknown permission 'camera'")
        p = octasip("perm", "set", "microphone", "maybe",
                    profile=self.prof, check=False)
        self.assertOneLineError(p, "unknown state 'maybe'")
        p = octasip("perm", "frob", profile=self.prof, check=False)
        self.assertUsageError(p, "unknown perm action 'frob'", "perm")

    def test_malformed_file_never_overwritten(self):
        bad = "microphone allow\nmicrophone sometimes\nrecording allow\n"
        with open(self.file, "w") as f:
            f.write(bad)
        p = octasip("perm", "set", "storage", "deny", profile=self.prof,
                    check=False)
        self.assertOneLineError(p, "line 2")
        self.assertIn("nothing changed", p.stderr)
        self.assertEqual(self.read(), bad)
        p = octasip("perm", "list", profile=self.prof, check=False)
        self.assertOneLineError(p, "line 2")
        self.assertEqual(self.read(), bad)

    def test_malformed_file_in_running_module(self):
        a = Instance(self, "alice")
        bad = "microphone allow\n\x01garbage\n"
        with open(a.path("permissions"), "w") as f:
            f.write(bad)
        a.start()
        a.wait_log(r"octasip_policy: \S+/permissions: line 2: expected")
        ok, out = a.command("perm", "list")
        self.assertIn("line 2", out)
        for name in ("microphone", "contacts", "storage", "phone_state",
                     "recording"):
            self.assertRegex(out, r"(?m)^%s\s+deny" % name)
        ok, out = a.command("perm", "set recording allow")
        self.assertIn("line 2", out)
        self.assertEqual(a.stop(), 0)
        with open(a.path("permissions")) as f:
            self.assertEqual(f.read(), bad)

    def test_truncated_audit_file_tolerated(self):
        audit = os.path.join(self.prof, "permissions.audit")
        with open(audit, "w") as f:
            f.write("1700000000\t2023-11-14T22:13:20Z\tmicrophone\tuse\tx\n"
                    "17000\tbroken")
        out = octasip("perm", "list", profile=self.prof).stdout
        self.assertRegex(out, r"(?m)^microphone\s+allow\s+2023-11-1")


if __name__ == "__main__":
    harness.main()
