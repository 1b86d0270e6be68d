"""libsecret (and glib/gio) are loaded only when the keyring is used.

An idle baresip with a keyfile vault has neither libsecret nor gio in
/proc/PID/maps (the module used to link them: +2.8 MiB RSS); with a
keyring vault they are loaded and the account registers; with a keyring
vault and a broken libsecret (an empty file bind-mounted over it in a
private mount namespace) the module and the CLI give one error naming the
package libsecret-1-0, baresip runs and the vault is untouched."""

import glob
import hashlib
import os
import subprocess

import harness
from csutil import Registrar, KeyringSession, add_account, clear_accounts

OTHERS = ("octasip_crash.so", "octasip_policy.so", "octasip_calllog.so")


def maps(pid):
    with open("/proc/%d/maps" % pid) as f:
        return f.read()


def digest(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def libsecret_path():
    for pat in ("/usr/lib/*/libsecret-1.so.0", "/usr/lib64/libsecret-1.so.0",
                "/usr/lib/libsecret-1.so.0"):
        hits = glob.glob(pat)
        if hits:
            return os.path.realpath(hits[0])
    return None


class TestLazyLibsecret(harness.TestCase):

    def setUp(self):
        self.reg = Registrar(self, {"alice": "lz-S3cret"})
        self.aor = "sip:alice@127.0.0.1:%d" % self.reg.port

    def instance(self, env, source):
        """baresip with only octasip_credstore; a fresh vault made by
        init with env's session bus; one account in it."""
        inst = harness.Instance(self, "alice", drop_modules=OTHERS)
        for name in ("vault", "vault.bak", "vault.key"):
            if os.path.exists(inst.path(name)):
                os.unlink(inst.path(name))
        out = harness.octasip("init", profile=inst.profile,
                              env=env).stdout
        self.assertIn("key source: " + source, out)
        clear_accounts(inst)
        add_account(inst, self.aor, "lz-S3cret", env=env,
                    extra=";regint=60")
        return inst

    def test_keyfile_vault_maps_no_libsecret(self):
        # a Secret Service on the bus must not matter to a keyfile vault
        ks = KeyringSession(self)
        inst = self.instance({"DBUS_SESSION_BUS_ADDRESS": ""}, "keyfile")
        st = harness.octasip("vault", "status", profile=inst.profile,
                             env=ks.env).stdout
        self.assertIn("key source: keyfile", st)
        inst.start(env=ks.env)
        self.reg.wait_log(r"AUTH-OK user=alice ")
        m = maps(inst.proc.pid)
        self.assertIn("octasip_credstore.so", m)
        self.assertFalse("libsecret-1" in m, "libsecret is mapped")
        self.assertFalse("libgio-2.0" in m, "gio is mapped")
        self.assertEqual(inst.stop(), 0)

    def test_keyring_vault_loads_libsecret(self):
        ks = KeyringSession(self)
        inst = self.instance(ks.env, "keyring")
        inst.start(env=ks.env)
        self.reg.wait_log(r"AUTH-OK user=alice ")
        m = maps(inst.proc.pid)
        self.assertTrue("libsecret-1" in m, "libsecret is not mapped")
        self.assertTrue("libgio-2.0" in m, "gio is not mapped")
        self.assertEqual(inst.stop(), 0)

    def test_broken_libsecret_clear_error(self):
        lib = libsecret_path()
        if not lib:
            self.skipTest("libsecret-1.so.0 not found")
        ks = KeyringSession(self)
        inst = self.instance(ks.env, "keyring")
        empty = os.path.join(inst.root, "empty.so")
        open(empty, "wb").close()
        wrap = ["unshare", "-m", "sh", "-c",
                'mount --bind "$1" "$2" || exit 97; shift 2; exec "$@"',
                "sh", empty, lib]
        probe = subprocess.run(wrap + ["true"], capture_output=True)
        if probe.returncode != 0:
            self.skipTest("no private mount namespace here: %s" %
                          probe.stderr.decode(errors="replace"))
        env = ks.full_env()
        before = digest(inst.path("vault"))

        p = subprocess.run(wrap + [harness.OCTASIP, "-d", inst.profile,
                                   "vault", "status"],
                           capture_output=True, text=True, env=env,
                           timeout=30)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("install the package libsecret-1-0", p.stderr)
        self.assertEqual(len(p.stderr.strip().splitlines()), 1, p.stderr)

        env.update(harness.sanitizer_env())
        logf = open(inst.log_path, "ab")
        inst.proc = subprocess.Popen(
            wrap + [harness.OCTASIP, "-d", inst.profile, "run", "--tone",
                    "--", "-t", "300"],
            stdin=subprocess.DEVNULL, stdout=logf,
            stderr=subprocess.STDOUT, env=env, start_new_session=True)
        logf.close()
        harness._live.append(inst)
        inst.ctrl = harness.Ctrl(inst.ctrl_sock(env), 30)
        inst.wait_log(r"baresip is ready", 30)
        inst.wait_log(r"octasip_credstore: .*libsecret-1\.so\.0.*"
                      r"install the package libsecret-1-0")
        ok, data = inst.command("credstore_status")
        self.assertIn("no vault open", data)
        self.assertEqual(inst.stop(), 0)
        self.assertEqual(digest(inst.path("vault")), before)


if __name__ == "__main__":
    harness.main()
