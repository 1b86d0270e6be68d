"""Key sources with the real services: gnome-keyring on a private D-Bus
session (and the same vault when the daemon is gone), a systemd
credential in a temporary $CREDENTIALS_DIRECTORY, a passphrase given on a
file descriptor (right and wrong), and a corrupt vault.  Every failure is
one clear log line, baresip keeps running, and the vault is untouched."""

import hashlib
import os
import subprocess

import harness
from csutil import Registrar, KeyringSession, add_account, clear_accounts


def digest(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def fresh_vault(inst, env=None):
    """Drop the vault init made and make a new one with env's services."""
    for name in ("vault", "vault.bak", "vault.key"):
        try:
            os.unlink(inst.path(name))
        except FileNotFoundError:
            pass
    return harness.octasip("init", profile=inst.profile, env=env).stdout


def new_ports(inst):
    """A restarted instance gets a fresh SIP port."""
    inst.sip_port = harness.free_port()
    inst.edit_config({"sip_listen": "127.0.0.1:%d" % inst.sip_port})


def start_with_fd(inst, env, data):
    """inst.start(), with data readable on an inherited pipe whose number
    is in OCTASIP_PASSPHRASE_FD."""
    new_ports(inst)
    r, w = os.pipe()
    os.write(w, data)
    os.close(w)
    e = dict(env)
    e["OCTASIP_PASSPHRASE_FD"] = str(r)
    logf = open(inst.log_path, "ab")
    inst.proc = subprocess.Popen(
        [harness.OCTASIP, "-d", inst.profile, "run", "--tone", "--",
         "-t", "300"], stdin=subprocess.DEVNULL, stdout=logf,
        stderr=subprocess.STDOUT, env=e, start_new_session=True,
        pass_fds=(r,))
    logf.close()
    os.close(r)
    harness._live.append(inst)
    inst.ctrl = harness.Ctrl(inst.ctrl_sock(e), 30)
    inst.wait_log(r"baresip is ready", 30)


class TestKeySources(harness.TestCase):

    def setUp(self):
        self.reg = Registrar(self, {"alice": "kr-S3cret"})
        self.aor = "sip:alice@127.0.0.1:%d" % self.reg.port

    def account(self, inst, env=None):
        clear_accounts(inst)
        add_account(inst, self.aor, "kr-S3cret", env=env,
                    extra=";regint=60")

    def test_keyring(self):
        ks = KeyringSession(self)
        inst = harness.Instance(self, "alice")
        out = fresh_vault(inst, ks.env)
        self.assertIn("key source: keyring", out)
        self.account(inst, ks.env)
        self.assertFalse(os.path.exists(inst.path("vault.key")))
        st = harness.octasip("vault", "status", profile=inst.profile,
                             env=ks.env).stdout
        self.assertIn("key source: keyring", st)
        self.assertIn("records: 1", st)

        inst.start(env=ks.env)
        self.reg.wait_log(r"AUTH-OK user=alice ")
        inst.stop()

        # the daemon is gone: clear errors, nothing lost, baresip runs
        before = digest(inst.path("vault"))
        ks.stop_keyring()
        new_ports(inst)
        p = harness.octasip("vault", "status", profile=inst.profile,
                            env=ks.env, check=False)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("no Secret Service answers", p.stderr)
        inst.start(env=ks.env)
        inst.wait_log(r"octasip_credstore: the vault key is in the"
                      r" desktop keyring, but no Secret Service")
        ok, data = inst.command("credstore_status")
        self.assertIn("no vault open", data)
        self.assertEqual(inst.stop(), 0)
        self.assertEqual(digest(inst.path("vault")), before)

        # init without a Secret Service picks the key file
        ks2 = KeyringSession(self, with_keyring=False)
        other = harness.Instance(self, "bob")
        self.assertIn("key source: keyfile", fresh_vault(other, ks2.env))

    def test_systemd_credential(self):
        inst = harness.Instance(self, "alice")
        self.account(inst)
        creds = os.path.join(inst.root, "creds")
        os.mkdir(creds, 0o700)
        cred = os.path.join(creds, "octasip-vault-key")
        with open(cred, "wb") as f:
            f.write(os.urandom(32))
        os.chmod(cred, 0o600)
        env = {"CREDENTIALS_DIRECTORY": creds}
        out = harness.octasip("vault", "rekey", "--to", "systemd",
                              profile=inst.profile, env=env).stdout
        self.assertIn("key source systemd", out)
        self.assertFalse(os.path.exists(inst.path("vault.key")))

        inst.start(env=env)
        self.reg.wait_log(r"AUTH-OK user=alice ")
        inst.stop()

        # a group-readable credential is refused, with the fix
        os.chmod(cred, 0o640)
        new_ports(inst)
        inst.start(env=env)
        inst.wait_log(r"credential %s is accessible by other users.*"
                      r"chmod 600" % cred)
        ok, data = inst.command("credstore_status")
        self.assertIn("no vault open", data)
        self.assertEqual(inst.stop(), 0)

    def test_passphrase_fd_right_and_wrong(self):
        inst = harness.Instance(self, "alice")
        self.account(inst)
        r, w = os.pipe()
        os.write(w, b"long test passphrase\n")
        os.close(w)
        p = subprocess.run(
            [harness.OCTASIP, "-d", inst.profile, "vault", "rekey", "--to",
             "passphrase", "--new-passphrase-fd", str(r)], pass_fds=(r,),
            capture_output=True, text=True)
        os.close(r)
        self.assertEqual(p.returncode, 0, p.stderr)
        st = subprocess.run(
            [harness.OCTASIP, "-d", inst.profile, "vault", "status"],
            capture_output=True, text=True, stdin=subprocess.DEVNULL)
        self.assertNotEqual(st.returncode, 0)
        self.assertIn("--passphrase-fd", st.stderr)

        before = digest(inst.path("vault"))
        start_with_fd(inst, os.environ, b"not the passphrase\n")
        inst.wait_log(r"cannot open .*vault: wrong passphrase")
        self.assertEqual(inst.stop(), 0)
        self.assertEqual(digest(inst.path("vault")), before)

        start_with_fd(inst, os.environ, b"long test passphrase\n")
        self.reg.wait_log(r"AUTH-OK user=alice ")
        inst.wait_log(r"vault open \(passphrase key, 1 records, KDF \d+")
        self.assertEqual(inst.stop(), 0)

    def test_corrupt_vault(self):
        inst = harness.Instance(self, "alice")
        self.account(inst)
        with open(inst.path("vault"), "r+b") as f:
            f.seek(-5, 2)
            b = f.read(1)
            f.seek(-5, 2)
            f.write(bytes([b[0] ^ 0xff]))
        before = digest(inst.path("vault"))
        inst.start()
        inst.wait_log(r"cannot open .*vault: it was modified or damaged")
        inst.wait_log(r"no secret for %s in the vault" % self.aor)
        self.reg.wait_log(r"AUTH-FAIL user=alice ")
        p = harness.octasip("account", "list", profile=inst.profile,
                            check=False)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("vault.bak", p.stderr)
        self.assertEqual(inst.stop(), 0)
        self.assertEqual(digest(inst.path("vault")), before)


if __name__ == "__main__":
    harness.main()
