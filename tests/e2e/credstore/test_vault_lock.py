"""The vault's lock (vault.c: vault_lock()): the octasip tool and a
running baresip's credstore (which writes an account's first realm into
the vault, P-CRED-3) never write the vault from a stale read.

the tool waits while the lock is held, then does its change.

test_credstore_pin_waits_for_the_lock: bob registers for the first time
(a sipp registrar of realm "home" that checks his digest) while the test
holds the lock, as `octasip account add` would: the credstore does not
write the vault meanwhile (its pin is retried every 100 ms, and it does
not give up), and writes the realm within a second of the lock's
release."""

import fcntl
import os
import re
import subprocess
import time

import harness
from harness import Instance, octasip
from csutil import add_account, clear_accounts

POLICY = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(
    __file__))), "policy")


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

    def test_credstore_pin_waits_for_the_lock(self):
        b = Instance(self, "bob")
        port = harness.free_port()
        aor = "sip:bob@127.0.0.1:%d" % port
        clear_accounts(b)
        add_account(b, aor, "Bob-pw-1", extra=";regint=600")
        with open(os.path.join(POLICY, "sipp_uas_register_auth.xml")) as f:
            xml = f.read()
        for k, v in (("REALM", "home"), ("USER", "bob"),
                     ("PASSWORD", "Bob-pw-1")):
            xml = xml.replace("@%s@" % k, v)
        scen = os.path.join(b.root, "registrar.xml")
        with open(scen, "w") as f:
            f.write(xml)
        reg = subprocess.Popen(
            ["sipp", "-sf", scen, "-i", "127.0.0.1", "-p", str(port),
             "-m", "1", "-timeout", "30s", "-nostdin"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, cwd=b.root)
        self.addCleanup(lambda: reg.poll() is None and reg.kill())

        vault = b.path("vault")
        fd = hold_lock(b)
        try:
            before = os.stat(vault).st_mtime_ns
            b.start()
            self.assertEqual(reg.wait(15), 0)
            b.wait_registered()
            # the pin is waiting: nothing written for a while
            time.sleep(1.0)
            self.assertEqual(os.stat(vault).st_mtime_ns, before)
            self.assertNotRegex(b.log(), r"pinned in the vault")
            # and it has not given up
            self.assertIsNone(re.search(r"not pinned", b.log()))
        finally:
            os.close(fd)
        t0 = time.monotonic()
        b.wait_log(r'%s: realm "home" pinned in the vault' %
                   re.escape(aor), timeout=5)
        self.assertLess(time.monotonic() - t0, 1.5)
        out = octasip("account", "list", profile=b.profile).stdout
        self.assertRegex(out, r"(?m)^%s\t.*\trealm: home" % re.escape(aor))
        b.kill()    # quit would un-REGISTER, to a registrar now gone


if __name__ == "__main__":
    harness.main()
