"""The vault's lock (vault.c: vault_lock()): the octasip tool and a
running baresip's credstore (which writes an account's first realm into
the vault, P-CRED-3) never write the vault from a stale read.

the tool waits while the lock is held, then does its change.  (The
credstore's side, a pin retried every 100 ms while the lock is busy, has
no test of its own yet.)"""

import fcntl
import os
import subprocess

import harness
from harness import Instance, octasip


def hold_lock(inst):
    fd = os.open(inst.path("vault.lock"), os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX)
    return fd


class TestVaultLock(harness.TestCase):

    def test_tool_waits_for_the_lock(self):
        a = Instance(self, "alice")
        aor = "sip:dave@127.0.0.1:%d" % a.sip_port
        fd = hold_lock(a)
        try:
            # a change while someone else holds the lock must wait
            with self.assertRaises(subprocess.TimeoutExpired):
                octasip("account", "add", aor, "--password-stdin",
                        profile=a.profile, stdin="Dave-pw-1\n",
                        timeout=2)
        finally:
            os.close(fd)
        octasip("account", "add", aor, "--password-stdin",
                profile=a.profile, stdin="Dave-pw-1\n")
        out = octasip("account", "list", profile=a.profile).stdout
        self.assertIn("dave@", out)
        self.assertEqual(os.stat(a.path("vault.lock")).st_mode & 0o777,
                         0o600)


if __name__ == "__main__":
    harness.main()
