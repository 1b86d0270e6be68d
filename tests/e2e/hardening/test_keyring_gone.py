"""Keyring daemon gone mid-run: baresip runs with a vault whose key is in
the desktop keyring (gnome-keyring on a private D-Bus session), then the
daemon is killed.  The running softphone keeps its accounts and secrets
(the key was read at start) and takes calls; /credstore_reload still
works; the tool gives one clear line and changes nothing; once the daemon
is back, the same vault opens with the same records.

(test_keysources.py in tests/e2e/credstore covers a start while the
daemon is already gone.)"""

import os
import sys

import harness
import faults

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))), "credstore"))
import csutil  # noqa: E402
from test_faults import callee, sipp_calls  # noqa: E402


class KeyringGone(harness.TestCase):

    def test_keyring_killed_mid_run(self):
        ks = csutil.KeyringSession(self)
        b = callee(self)
        for n in ("vault", "vault.bak", "vault.key"):
            os.unlink(b.path(n))
        out = harness.octasip("init", profile=b.profile, env=ks.env).stdout
        self.assertIn("key source: keyring", out)
        csutil.add_account(b, "sip:carol@example.com", "kr-S3cret",
                           env=ks.env, extra=";regint=0")
        b.start(env=ks.env)
        ok, st = b.command("credstore_status")
        self.assertIn("records: 1", st)
        self.assertIn("sip:carol@example.com: secret from vault", st)
        vault = faults.digest(b.path("vault"))

        ks.stop_keyring()                        # the daemon dies

        self.assertEqual(sipp_calls(b, 2), (2, 0))
        ok, data = b.command("credstore_reload")
        self.assertTrue(ok, data)
        b.wait_log("vault reloaded, 1 records")
        ok, st = b.command("credstore_status")
        self.assertIn("records: 1", st)
        self.assertIn("sip:carol@example.com: secret from vault", st)

        p = harness.octasip("account", "add", "sip:dave@example.com",
                            "--password-stdin", stdin="x\n",
                            profile=b.profile, env=ks.env, check=False)
        self.assertNotEqual(p.returncode, 0)
        lines = [l for l in p.stderr.splitlines() if l.strip()]
        self.assertEqual(len(lines), 1, p.stderr)
        self.assertIn("no Secret Service answers", lines[0])
        self.assertEqual(faults.digest(b.path("vault")), vault)
        self.assertEqual(b.stop(), 0)
        self.assertNotRegex(b.log(), r"(?i)segmentation|abort")

        ks.start_keyring()                       # back: same records
        st = harness.octasip("vault", "status", profile=b.profile,
                             env=ks.env).stdout
        self.assertIn("records: 1", st)


if __name__ == "__main__":
    harness.main()
