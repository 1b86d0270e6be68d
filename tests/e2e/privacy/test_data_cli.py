"""octasip data export / wipe: bad input and hostile conditions.

- export to a missing directory: one-line error, nothing written;
- export onto a full disk (RLIMIT_FSIZE): error, the previous export is
  untouched and no temp file is left;
- a corrupt calllog.db and a malformed accounts line: the export is
  still valid JSON, says what is incomplete, exits 1, and never holds the
  malformed line (it carries a password);
- wipe on a terminal: anything but "wipe" deletes nothing; "wipe" wipes;
- unknown arguments, missing profile: usage errors."""

import json
import os
import resource
import signal
import subprocess

import harness
from harness import Instance, octasip


def limit_fsize():
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (300, 300))


class DataCliTest(harness.TestCase):

    def test_export_missing_dir_and_full_disk(self):
        a = Instance(self, "alice")
        bad = os.path.join(a.root, "no", "such", "export.json")
        p = octasip("data", "export", bad, profile=a.profile, check=False)
        self.assertEqual(p.returncode, 1)
        self.assertRegex(p.stderr, r"^octasip: cannot write the export to"
                         r" .*No such file or directory\n$")

        out = os.path.join(a.root, "export.json")
        with open(out, "w") as f:
            f.write("previous export\n")
        for i in range(40):
            with open(a.path("permissions.audit"), "a") as f:
                f.write("1700000000\t2023-11-14T22:13:20Z\tcontacts\t"
                        "set-allow\tchanged by cli %d\n" % i)
        p = subprocess.run([harness.OCTASIP, "-d", a.profile, "data",
                            "export", out], capture_output=True, text=True,
                           preexec_fn=limit_fsize)
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertIn("cannot write the export", p.stderr)
        with open(out) as f:
            self.assertEqual(f.read(), "previous export\n")
        self.assertEqual([n for n in os.listdir(a.root)
                          if n.startswith("export.json.tmp")], [])

    def test_export_damaged_sources(self):
        a = Instance(self, "alice")
        with open(a.path("calllog.db"), "wb") as f:
            f.write(b"SQLite format 3\x00" + b"\xff" * 200)
        with open(a.path("accounts"), "a") as f:
            f.write("<sip:x@example.org;auth_pass=MalformedPw99\n")
        p = octasip("data", "export", profile=a.profile, check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn("the export is incomplete", p.stderr)
        doc = json.loads(p.stdout)
        self.assertIn("error", doc["call_log"])
        self.assertNotIn("MalformedPw99", p.stdout)
        self.assertTrue(any("error" in x for x in doc["accounts"]))
        self.assertIn(a.aor, [x.get("aor") for x in doc["accounts"]])

    def wipe_on_tty(self, profile, answer):
        return harness.octasip_on_tty("data", "wipe", profile=profile,
                                      prompt="to go on: ",
                                      answer=answer + "\n")

    def test_wipe_confirmation(self):
        a = Instance(self, "alice")
        octasip("perm", "set", "contacts", "allow", profile=a.profile)
        rc, out = self.wipe_on_tty(a.profile, "yes")
        self.assertEqual(rc, 1)
        self.assertIn("not confirmed: nothing was deleted", out)
        self.assertTrue(os.path.exists(a.path("permissions.audit")))

        rc, out = self.wipe_on_tty(a.profile, "wipe")
        self.assertEqual(rc, 0, out)
        self.assertFalse(os.path.exists(a.path("permissions.audit")))
        self.assertIn("profile is empty and ready", out)

    def test_usage_errors(self):
        a = Instance(self, "alice")
        for args in (["data"], ["data", "shred"], ["data", "wipe", "-f"],
                     ["data", "export", "a", "b"],
                     ["data", "export", "--bogus"]):
            p = octasip(*args, profile=a.profile, check=False)
            self.assertUsageError(p, sub="data")
        p = octasip("data", "wipe", "--yes",
                    profile=os.path.join(a.root, "nothing"), check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn("no profile at", p.stderr)


if __name__ == "__main__":
    harness.main()
