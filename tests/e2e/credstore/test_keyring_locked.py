"""A locked desktop keyring (gnome-keyring on a private D-Bus session, its
login collection locked over the Secret Service API) is named as locked,
never as a deleted key, with what to do; the tool exits 77 (the systemd
unit's RestartPreventExitStatus) and changes nothing; the unlock prompt
is raised (here gcr-prompter has no display, so it is dismissed);
`init` leaves nothing half-made; a baresip started while it is locked
says why its accounts have no secret, and one started before keeps its
secrets when the keyring is locked during the session."""

import hashlib
import os
import subprocess
import time

import harness
import csutil

LOCKED = "the desktop keyring is locked"
REKEY = "octasip vault rekey --to keyfile"
EXIT_LOCKED = 77


def digest(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def lock(ks):
    """Lock the default collection (no prompt needed to lock)"""
    env = ks.full_env()
    p = subprocess.run(
        ["dbus-send", "--session", "--print-reply",
         "--dest=org.freedesktop.secrets", "/org/freedesktop/secrets",
         "org.freedesktop.Secret.Service.ReadAlias", "string:default"],
        env=env, capture_output=True, text=True, check=True)
    path = p.stdout.split('object path "', 1)[1].split('"', 1)[0]
    subprocess.run(
        ["dbus-send", "--session", "--print-reply",
         "--dest=org.freedesktop.secrets", "/org/freedesktop/secrets",
         "org.freedesktop.Secret.Service.Lock",
         "array:objpath:" + path], env=env, capture_output=True,
        check=True)
    p = subprocess.run(
        ["dbus-send", "--session", "--print-reply",
         "--dest=org.freedesktop.secrets", path,
         "org.freedesktop.DBus.Properties.Get",
         "string:org.freedesktop.Secret.Collection", "string:Locked"],
        env=env, capture_output=True, text=True, check=True)
    assert "boolean true" in p.stdout, p.stdout


def unlock(ks):
    """The daemon unlocks the login collection with the password it is
    started with; its keyring file (and the item) stays on disk"""
    ks.stop_keyring()
    ks.start_keyring()


class KeyringLocked(harness.TestCase):

    def keyring_profile(self, ks, name="alice"):
        inst = harness.Instance(self, name)
        for n in ("vault", "vault.bak", "vault.key"):
            if os.path.exists(inst.path(n)):
                os.unlink(inst.path(n))
        out = harness.octasip("init", profile=inst.profile,
                              env=ks.env).stdout
        self.assertIn("key source: keyring", out)
        return inst

    def assertLocked(self, p):
        self.assertEqual(p.returncode, EXIT_LOCKED, p.stdout + p.stderr)
        lines = [l for l in p.stderr.splitlines() if l.strip()]
        self.assertEqual(len(lines), 1, p.stderr)
        self.assertIn(LOCKED, lines[0])
        self.assertIn(REKEY, lines[0])
        self.assertNotIn("deleted", lines[0])

    def test_locked_at_start_cli(self):
        ks = csutil.KeyringSession(self)
        inst = self.keyring_profile(ks)
        csutil.add_account(inst, "sip:carol@example.com", "c-pw",
                           env=ks.env)
        lock(ks)
        files = {n: digest(inst.path(n)) for n in ("vault", "accounts")}

        for args, stdin in ((["vault", "status"], None),
                            (["account", "list"], None),
                            (["account", "add", "sip:dave@example.com",
                              "--password-stdin"], "d-pw\n"),
                            (["account", "remove", "sip:carol@example.com"],
                             None)):
            p = harness.octasip(*args, profile=inst.profile, env=ks.env,
                                stdin=stdin, check=False)
            self.assertLocked(p)
            for n, d in files.items():
                self.assertEqual(digest(inst.path(n)), d, args)

        unlock(ks)
        out = harness.octasip("vault", "status", profile=inst.profile,
                              env=ks.env).stdout
        self.assertIn("integrity: ok", out)
        out = harness.octasip("account", "list", profile=inst.profile,
                              env=ks.env).stdout
        self.assertIn("sip:carol@example.com", out)

    def test_prompt_raised_and_dismissed(self):
        ks = csutil.KeyringSession(self)
        inst = self.keyring_profile(ks)
        lock(ks)
        mon_path = os.path.join(ks.home, "monitor.txt")
        with open(mon_path, "w") as mf:
            mon = subprocess.Popen(["dbus-monitor", "--session"],
                                   env=ks.full_env(), stdout=mf,
                                   stderr=subprocess.STDOUT)
        self.addCleanup(lambda: (mon.kill(), mon.wait()))
        harness.wait_for(lambda: os.path.getsize(mon_path) > 0, 10,
                         "dbus-monitor")
        p = harness.octasip("vault", "status", profile=inst.profile,
                            env=ks.env, check=False)
        self.assertLocked(p)

        def seen():
            with open(mon_path) as f:
                t = f.read()
            return ("interface=org.freedesktop.Secret.Prompt; member=Prompt"
                    in t and "member=Completed" in t)
        # the unlock prompt was asked for, and came back dismissed
        harness.wait_for(seen, 10, "the unlock prompt on the bus")

    def test_init_all_or_nothing(self):
        ks = csutil.KeyringSession(self)
        lock(ks)
        root = os.path.join(ks.home, "profiles")
        os.makedirs(root)
        fresh = os.path.join(root, "fresh")
        p = harness.octasip("init", profile=fresh, env=ks.env, check=False)
        self.assertLocked(p)
        self.assertFalse(os.path.exists(fresh), os.listdir(root))

        # run creates the profile itself: same answer, nothing left
        p = harness.octasip("run", "--tone", "--", "-t", "1", profile=fresh,
                            env=ks.env, check=False, timeout=30)
        self.assertLocked(p)
        self.assertFalse(os.path.exists(fresh))

        # a directory that was there keeps what it had, and only that
        mine = os.path.join(root, "mine")
        os.makedirs(mine, mode=0o700)
        with open(os.path.join(mine, "notes"), "w") as f:
            f.write("mine\n")
        p = harness.octasip("init", profile=mine, env=ks.env, check=False)
        self.assertLocked(p)
        self.assertEqual(os.listdir(mine), ["notes"])

        unlock(ks)
        harness.octasip("init", profile=fresh, env=ks.env)
        for n in ("config", "accounts", "vault", "permissions"):
            self.assertTrue(os.path.exists(os.path.join(fresh, n)), n)

    def with_account(self):
        """(keyring session, keyring profile with carol's secret, aor)"""
        ks = csutil.KeyringSession(self)
        inst = self.keyring_profile(ks)
        aor = "sip:carol@example.com"
        csutil.add_account(inst, aor, "c-pw", env=ks.env,
                           extra=";regint=0")
        return ks, inst, aor

    def test_baresip_started_while_locked(self):
        ks, inst, aor = self.with_account()
        lock(ks)
        inst.start(env=ks.env)
        inst.wait_log(LOCKED)
        inst.wait_log(r"no secret for %s: the vault is not open" % aor)
        log = inst.log()
        self.assertNotIn("was the item deleted", log)
        self.assertNotIn("Add one with: octasip account add", log)
        self.assertEqual(inst.stop(), 0)

    def test_locked_during_a_session(self):
        ks, inst, aor = self.with_account()
        inst.start(env=ks.env)
        ok, st = inst.command("credstore_status")
        self.assertIn("%s: secret from vault" % aor, st)
        vault = digest(inst.path("vault"))

        lock(ks)
        time.sleep(0.2)
        # the running softphone keeps the key it read at start
        ok, data = inst.command("credstore_reload")
        self.assertTrue(ok, data)
        ok, st = inst.command("credstore_status")
        self.assertIn("%s: secret from vault" % aor, st)
        # the tool says locked and changes nothing
        p = harness.octasip("account", "add", "sip:dave@example.com",
                            "--password-stdin", stdin="d\n",
                            profile=inst.profile, env=ks.env, check=False)
        self.assertLocked(p)
        self.assertEqual(digest(inst.path("vault")), vault)
        self.assertEqual(inst.stop(), 0)


if __name__ == "__main__":
    harness.main()
