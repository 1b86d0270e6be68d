"""P-CRED-1: SIP passwords are stored only in the encrypted vault; no
password appears in plaintext in any profile file, baresip's output, a
crash report, the statistics, an export, or baresip's command line or
environment.

Canary sweep: two unique passwords go in through `account add`
(--password-stdin) and `account import` (;auth_pass= in a file); then a
call with a hostile display name, permission changes, a crash and an
export.  Every byte of every file under the profile (the vault is
encrypted, so its raw bytes must not hold them either), both logs, the
export, baresip's /proc/PID/cmdline and environ, and every file written
under $HOME or /tmp during the test are searched: zero hits."""

import harness
import privutil


class TestPCred1(harness.TestCase):

    def test_P_CRED_1(self):
        c, places, a, b = privutil.canary_scenario(self)
        # the sweep looked where it says it did
        self.assertTrue(any(k.startswith("proc:") for k in places))
        self.assertIn("profile:vault", places)
        self.assertIn("profile:accounts", places)
        for key in ("password", "import_password"):
            self.assertEqual(privutil.hits(places, c[key]), [],
                             "secret %s leaked" % key)
        # the accounts exist (the secrets went somewhere: the vault)
        p = harness.octasip("account", "list", profile=a.profile)
        self.assertRegex(p.stdout, r"carol@127\.0\.0\.1:9.*in vault")
        self.assertRegex(p.stdout, r"dave@127\.0\.0\.1:9.*in vault")


if __name__ == "__main__":
    harness.main()
