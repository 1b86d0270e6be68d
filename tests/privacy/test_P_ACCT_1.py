"""P-ACCT-1: you can add and remove accounts at any time, also while
baresip runs; a removed account's line and vault record (with its
password) are deleted at once, from the vault and from its backup, and a
running baresip drops the account; removing an unknown account is a
one-line error that changes nothing.

With alice's baresip running:
- `account add carol --password-stdin`: the running baresip (its
  credential store watches the profile; the CLI does not connect to it)
  reloads the vault and creates carol's account (`/credstore_status` on
  the test's own ctrl_tcp connection: secret from vault); `account list`
  and the export show carol.
- `account remove carol`: the running baresip reloads the vault (0
  records) and deletes carol's account; carol's accounts line
  is gone; the vault, read through the CLI (`account list`, `vault
  status`, `data export`), has no record of carol, and neither has
  vault.bak (read through the CLI in a copy of the profile where it
  takes the vault's place); baresip keeps running.
- `account remove` of an unknown AOR: exit 1, one line on stderr, no
  output, accounts, vault and vault.bak unchanged byte for byte.
"""

import json
import os
import re
import shutil

import harness
from harness import Instance, octasip


def read(path):
    with open(path, "rb") as f:
        return f.read()


class TestPAcct1(harness.TestCase):

    def vault_aors(self, profile):
        """AORs in the vault and in the accounts file, read by the CLI."""
        lst = octasip("account", "list", profile=profile).stdout
        st = octasip("vault", "status", profile=profile).stdout
        doc = json.loads(octasip("data", "export",
                                 profile=profile).stdout)
        n = int(re.search(r"(?m)^records: (\d+)$", st).group(1))
        recs = [r["aor"] for r in doc["vault"]["records"]]
        self.assertEqual(n, len(recs))
        return lst, recs, [x["aor"] for x in doc["accounts"]]

    def status(self, a):
        # the same ctrl_tcp connection: the CLI never takes it over
        ok, out = a.command("credstore_status")
        self.assertTrue(ok, out)
        return out

    def test_P_ACCT_1(self):
        # a keyfile vault: a copy of the profile can open vault.bak
        os.environ.pop("DBUS_SESSION_BUS_ADDRESS", None)
        a = Instance(self, "alice")
        carol = "sip:carol@127.0.0.1:%d" % a.sip_port   # REGISTER: 4xx
        a.start()

        out = octasip("account", "add", carol, "--auth-user", "cauth",
                      "--password-stdin", profile=a.profile,
                      stdin="CarolSecret-x91\n").stdout
        self.assertIn("running baresip: octasip_credstore applies", out)
        a.wait_log(r"account %s added" % re.escape(carol))
        self.assertRegex(self.status(a), r"carol@\S+: secret from vault")
        lst, recs, accts = self.vault_aors(a.profile)
        self.assertRegex(lst, r"(?m)^%s\tauth user: cauth\tsecret: in"
                         r" vault\ttransport: udp \(default\)\tmedia:"
                         r" srtp$" % re.escape(carol))
        self.assertEqual(recs, [carol])
        self.assertIn(carol, accts)

        out = octasip("account", "remove", carol,
                      profile=a.profile).stdout
        self.assertIn("removed %s" % carol, out)
        self.assertIn("running baresip: octasip_credstore applies", out)
        a.wait_log(r"account %s deleted" % re.escape(carol))
        st = self.status(a)
        self.assertRegex(st, r"(?m)^records: 0$")
        self.assertNotIn("carol@", st)
        self.assertNotIn("carol", read(a.path("accounts")).decode())
        lst, recs, accts = self.vault_aors(a.profile)
        self.assertNotIn("carol", lst)
        self.assertEqual(recs, [])
        self.assertNotIn(carol, accts)
        self.assertIn(a.aor, accts)
        self.assertEqual(self.bak_aors(a), ([], ""))

        # unknown AOR: one clear line, nothing changed
        before = {n: read(a.path(n)) for n in ("accounts", "vault",
                                                "vault.bak")}
        p = octasip("account", "remove", "sip:nobody@127.0.0.1:9",
                    profile=a.profile, check=False)
        self.assertEqual(p.returncode, 1)
        self.assertEqual(p.stdout, "")
        self.assertRegex(p.stderr, r"\Aoctasip: no account "
                         r"sip:nobody@127\.0\.0\.1:9\b[^\n]*\n\Z")
        self.assertEqual({n: read(a.path(n)) for n in before}, before)
        self.assertEqual(a.stop(), 0)

    def bak_aors(self, inst):
        """Records and "carol" mentions of vault.bak, read by the CLI in a
        copy of the profile where the backup takes the vault's place."""
        copy = os.path.join(inst.root, "bak-copy")
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(inst.profile, copy,
                        ignore=shutil.ignore_patterns(".modules"))
        os.replace(os.path.join(copy, "vault.bak"),
                   os.path.join(copy, "vault"))
        lst, recs, accts = self.vault_aors(copy)
        shutil.rmtree(copy, ignore_errors=True)
        return recs, "carol" if "carol" in lst else ""


if __name__ == "__main__":
    harness.main()
