"""P-CRED-2: OctaSIP never takes a secret from the command line: every
--password... / -p form is refused before anything is written, and
without a terminal a password must come from --password-stdin."""

import os

import harness
from harness import octasip


class TestPCred2(harness.TestCase):

    def test_P_CRED_2(self):
        a = harness.Instance(self, "alice")
        before = {n: os.stat(a.path(n)).st_mtime_ns
                  for n in ("vault", "accounts")}
        for args in (["--password", "Sekr1t"], ["--password=Sekr1t"],
                     ["--pass", "Sekr1t"], ["-p", "Sekr1t"],
                     ["--passphrase", "Sekr1t"]):
            p = octasip("account", "add", "sip:x@example.org", *args,
                        profile=a.profile, check=False)
            self.assertNotEqual(p.returncode, 0, args)
            self.assertIn("never taken from the command line", p.stderr)
        # no terminal, no --password-stdin: refused, not read from argv
        p = octasip("account", "add", "sip:x@example.org",
                    profile=a.profile, stdin="", check=False)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("--password-stdin", p.stderr)
        after = {n: os.stat(a.path(n)).st_mtime_ns
                 for n in ("vault", "accounts")}
        self.assertEqual(before, after)
        with open(a.path("accounts")) as f:
            self.assertNotIn("x@example.org", f.read())


if __name__ == "__main__":
    harness.main()
