"""Canary: unique passwords go in through `account add`, `account import`
and survive a rekey; baresip registers with them; afterwards no file under
the profile (the vault included), no log, no CLI output and neither
baresip's argv nor its environment holds any of them.  Also: the CLI's
bad-input paths (password on argv, no tty, malformed import) change
nothing."""

import hashlib
import os
import subprocess
import uuid

import harness
from csutil import Registrar, add_account, clear_accounts


def tree_hits(root, needles):
    hits = []
    for d, _, files in os.walk(root):
        for name in files:
            p = os.path.join(d, name)
            if os.path.islink(p):
                continue
            with open(p, "rb") as f:
                data = f.read()
            for n in needles:
                if n.encode() in data:
                    hits.append((p, n))
    return hits


def digest(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


class TestCanary(harness.TestCase):

    def test_canary_nowhere_but_encrypted(self):
        c1 = "canary-add-" + uuid.uuid4().hex
        c2 = "canary-imp-" + uuid.uuid4().hex
        reg = Registrar(self, {"alice": c1, "bob": c2})
        host = "127.0.0.1:%d" % reg.port
        inst = harness.Instance(self, "alice")
        clear_accounts(inst)
        out = [add_account(inst, "sip:alice@" + host, c1,
                           extra=";regint=60")]

        legacy = os.path.join(inst.root, "legacy-accounts")
        with open(legacy, "w") as f:
            f.write("# old baresip file\n<sip:bob@%s>;auth_user=bob;"
                    "auth_pass=%s;regint=60\n" % (host, c2))
        out.append(harness.octasip("account", "import", legacy,
                                   profile=inst.profile))
        with open(legacy) as f:
            rewritten = f.read()
        self.assertNotIn(c2, rewritten)
        self.assertIn("<sip:bob@%s>;regint=60" % host, rewritten)

        out.append(harness.octasip("vault", "rekey", "--to", "keyfile",
                                   profile=inst.profile))
        out.append(harness.octasip("account", "list",
                                   profile=inst.profile))
        out.append(harness.octasip("vault", "status",
                                   profile=inst.profile))
        self.assertIn("sip:bob@%s\tauth user: bob\tsecret: in vault" %
                      host, out[-2].stdout)

        inst.start()
        reg.wait_log(r"AUTH-OK user=alice ")
        reg.wait_log(r"AUTH-OK user=bob ")
        ok, data = inst.command("credstore_status")
        pid = inst.proc.pid
        with open("/proc/%d/cmdline" % pid, "rb") as f:
            cmdline = f.read()
        with open("/proc/%d/environ" % pid, "rb") as f:
            environ = f.read()
        with open("/proc/%d/limits" % pid) as f:
            limits = f.read()
        self.assertEqual(inst.stop(), 0)

        self.assertIn(b"baresip", cmdline)
        for c in (c1, c2):
            self.assertNotIn(c.encode(), cmdline)
            self.assertNotIn(c.encode(), environ)
            self.assertNotIn(c, data)
            self.assertNotIn(c, inst.log())
            for p in out:
                self.assertNotIn(c, p.stdout + p.stderr)
        # everything under the profile: vault, vault.bak, key file,
        # accounts, config, call log, crash reports ...
        self.assertEqual(tree_hits(inst.profile, (c1, c2)), [])
        self.assertEqual(tree_hits(legacy, (c1, c2)), [])
        for name in ("vault", "vault.bak", "vault.key", "accounts"):
            st = os.stat(inst.path(name))
            self.assertEqual(st.st_mode & 0o077, 0, name)
        # no core dump can carry baresip's copy of the secrets
        core = [l for l in limits.splitlines()
                if l.startswith("Max core file size")][0]
        self.assertEqual(core.split()[4], "0", core)

    def test_cli_bad_input_changes_nothing(self):
        inst = harness.Instance(self, "alice")
        clear_accounts(inst)
        add_account(inst, "sip:alice@example.com", "first-secret")
        files = ("vault", "vault.bak", "accounts")
        before = {n: digest(inst.path(n)) for n in files}

        # a password on the command line is refused
        p = harness.octasip("account", "add", "sip:x@example.com",
                            "--password=oops", profile=inst.profile,
                            check=False)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("never taken from the command line", p.stderr)
        # no terminal and no --password-stdin: a clear error, no prompt
        p = subprocess.run([harness.OCTASIP, "-d", inst.profile, "account",
                            "add", "sip:x@example.com"],
                           stdin=subprocess.DEVNULL, capture_output=True,
                           text=True, timeout=30)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("--password-stdin", p.stderr)

        # malformed accounts lines: nothing imported, nothing rewritten
        bad = os.path.join(inst.root, "bad-accounts")
        text = ("<sip:good@example.com>;auth_pass=fine\n"
                "<sip:broken@example.com;auth_pass=lost\n")
        with open(bad, "w") as f:
            f.write(text)
        p = harness.octasip("account", "import", bad, profile=inst.profile,
                            check=False)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("bad-accounts:2:", p.stderr)
        self.assertIn("nothing was imported", p.stderr)
        with open(bad) as f:
            self.assertEqual(f.read(), text)
        self.assertEqual({n: digest(inst.path(n)) for n in files}, before)

        # removing both the line and the record
        harness.octasip("account", "remove", "sip:alice@example.com",
                        profile=inst.profile)
        lst = harness.octasip("account", "list", profile=inst.profile)
        self.assertNotIn("sip:alice@example.com", lst.stdout)
        p = harness.octasip("account", "remove", "sip:alice@example.com",
                            profile=inst.profile, check=False)
        self.assertIn("no account sip:alice@example.com", p.stderr)


if __name__ == "__main__":
    harness.main()
