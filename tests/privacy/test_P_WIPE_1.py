"""P-WIPE-1: `octasip data wipe` deletes all personal data: vault, its
backup and key file are overwritten with random bytes before unlink, the
call log is emptied (secure_delete, VACUUM) and overwritten, and the
profile is left empty and working; config is kept.

A full profile is wiped.  Hard links made beforehand to the vault,
vault.bak, vault.key, calllog.db, the audit log and a crash report show
the same inodes afterwards: same size, no canary, not the old bytes.
The export after the wipe holds nothing; baresip starts on the profile
and a new account can be added.  Without --yes and without a terminal,
and while baresip runs, wipe refuses and deletes nothing."""

import glob
import json
import os

import harness
import privutil
from harness import Instance, octasip

PW = "WipePwCanary31"


class TestPWipe1(harness.TestCase):

    def test_P_WIPE_1(self):
        a = Instance(self, "alice", permissions={"microphone": "allow"})
        b = Instance(self, "bob", root=a.root)
        octasip("account", "add", "sip:carol@example.org",
                "--password-stdin", profile=a.profile, stdin=PW + "\n")
        octasip("account", "add", "sip:carol@example.org",
                "--password-stdin", profile=a.profile, stdin=PW + "2\n")
        octasip("perm", "set", "contacts", "allow", profile=a.profile)
        octasip("crash", "consent", "give", profile=a.profile)
        a.start()
        b.start()
        harness.call(b, a)
        a.wait_event("CALL_ESTABLISHED")

        # refused while baresip runs
        p = octasip("data", "wipe", "--yes", profile=a.profile,
                    check=False)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("quit it first", p.stderr)

        privutil.crash(a)
        b.kill()
        privutil.restart(a)
        a.wait_log(r"crash report\(s\) from earlier runs")
        self.assertEqual(a.stop(), 0)

        # refused without a terminal and without --yes
        p = octasip("data", "wipe", profile=a.profile, stdin="",
                    check=False)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("--yes", p.stderr)
        self.assertTrue(os.path.exists(a.path("vault")))

        report = glob.glob(a.path("crash", "*.json"))
        report = [r for r in report if not r.endswith("stats.json")]
        self.assertEqual(len(report), 1)
        keep = os.path.join(a.root, "links")
        os.mkdir(keep)
        victims = {"vault": a.path("vault"), "vault.bak":
                   a.path("vault.bak"), "vault.key": a.path("vault.key"),
                   "audit": a.path("permissions.audit"),
                   "report": report[0]}
        victims["calllog.db"] = a.path("calllog.db")
        before = {}
        for k, p in victims.items():
            with open(p, "rb") as f:
                before[k] = f.read()
            os.link(p, os.path.join(keep, k))

        with open(a.path("config")) as f:
            config = f.read()
        p = octasip("data", "wipe", "--yes", profile=a.profile)
        self.assertIn("profile is empty and ready", p.stdout)

        for k in victims:
            with open(os.path.join(keep, k), "rb") as f:
                now = f.read()
            if k != "calllog.db":
                self.assertEqual(len(now), len(before[k]), k)
            self.assertNotEqual(now, before[k], k)
            # not even a 16-byte run of the old content survives
            old = before[k]
            for i in range(0, max(len(old) - 16, 0), 16):
                self.assertNotIn(old[i:i + 16], now, k)
            for needle in (PW.encode(), b"carol", b"contacts"):
                self.assertNotIn(needle, now, k)

        # empty and working
        with open(a.path("config")) as f:
            self.assertEqual(f.read(), config)
        with open(os.path.join(harness.SRC, "config", "accounts")) as f:
            tpl = f.read()
        with open(a.path("accounts")) as f:
            self.assertEqual(f.read(), tpl)
        self.assertFalse(os.path.exists(a.path("permissions.audit")))
        self.assertFalse(os.path.exists(a.path("uuid")))
        doc = json.loads(octasip("data", "export",
                                 profile=a.profile).stdout)
        self.assertEqual(doc["accounts"], [])
        self.assertEqual(doc["vault"]["records"], [])
        self.assertEqual(doc["permissions"]["audit"], [])
        self.assertEqual(doc["permissions"]["states"]["contacts"], "ask")
        self.assertEqual(doc["crash"]["reports"], [])
        self.assertEqual(doc["crash"]["consent"]["state"], "unknown")
        self.assertIsNone(doc["crash"]["statistics"])
        self.assertEqual(doc["call_log"].get("calls", []), [])

        octasip("account", "add", "sip:new@example.org",
                "--password-stdin", profile=a.profile, stdin="x\n")
        a.write_accounts(["<%s>;regint=0" % a.aor])
        privutil.restart(a)
        self.assertEqual(a.stop(), 0)

    def test_refused_under_a_baresip_without_ctrl(self):
        """The modules added to a baresip of one's own, without
        octasip_ctrl: no control socket answers, yet the call log and the
        policy run and would write again after the wipe.  Their locks
        tell: wipe refuses and deletes nothing."""
        a = Instance(self, "alice", drop_modules=("octasip_ctrl.so",))
        a.start(wait_ready=False)
        a.wait_log(r"baresip is ready")
        p = octasip("data", "wipe", "--yes", profile=a.profile,
                    check=False)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("quit it first", p.stderr)
        self.assertTrue(os.path.exists(a.path("vault")))
        a.kill()
        p = octasip("data", "wipe", "--yes", profile=a.profile)
        self.assertIn("profile is empty and ready", p.stdout)


if __name__ == "__main__":
    harness.main()
