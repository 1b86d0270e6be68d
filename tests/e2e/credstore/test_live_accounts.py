"""Accounts changed while baresip runs, picked up by octasip_credstore's
watch of the profile (the CLI does not connect to baresip):

- an account removed while it has a call up is kept until that call
  ends, then deleted; the call ends normally (CALL_CLOSED, one call-log
  row) and baresip keeps running;
- an accounts file replaced with a malformed line next to a new good
  one: the good account is created, one warning names the file and the
  count of skipped lines, the other accounts stay."""

import os
import re

import harness
from harness import Instance, octasip


def replace_accounts(inst, text):
    """Write the accounts file as octasip and editors do: a new file
    renamed over the old one."""
    tmp = inst.path("accounts.new")
    with open(tmp, "w") as f:
        f.write(text)
    os.chmod(tmp, 0o600)
    os.replace(tmp, inst.path("accounts"))


class TestLiveAccounts(harness.TestCase):

    def test_removed_during_a_call(self):
        a = Instance(self, "alice")
        b = Instance(self, "bob", root=a.root)
        a.start()
        b.start()
        carol = "sip:carol@127.0.0.1:%d" % a.sip_port
        octasip("account", "add", carol, "--password-stdin",
                profile=a.profile, stdin="Carol-pw-1\n")
        a.wait_log(r"account %s added" % re.escape(carol))

        # bob calls carol; the call rings (manual answer)
        n = len(a.ctrl.events)
        ok, data = b.command("dial", carol)
        self.assertTrue(ok, data)
        a.wait_event("CALL_INCOMING", start=n,
                     pred=lambda ev: "carol" in ev.get("accountaor", ""))

        octasip("account", "remove", carol, profile=a.profile)
        a.wait_log(r"account %s left the accounts file; it is deleted"
                   r" when its calls end" % re.escape(carol))
        ok, _ = a.command("uafind", carol)
        self.assertTrue(ok, "carol deleted with a call up")

        b.command("hangup")
        a.wait_event("CALL_CLOSED", start=n)
        a.wait_log(r"account %s deleted" % re.escape(carol))
        ok, _ = a.command("uafind", carol)
        self.assertFalse(ok)
        ok, _ = a.command("uafind", a.aor)
        self.assertTrue(ok)

        harness.wait_for(lambda: [
            r["status"] for r in a.calllog_rows()
            if "carol" in r["account"]] not in ([], ["in_progress"]),
            timeout=10, what="carol's call's row")
        rows = [r for r in a.calllog_rows() if "carol" in r["account"]]
        self.assertEqual(len(rows), 1, rows)
        self.assertNotEqual(rows[0]["status"], "in_progress")
        self.assertEqual(a.stop(), 0)
        self.assertEqual(b.stop(), 0)

    def test_malformed_line_skipped(self):
        a = Instance(self, "alice")
        a.start()
        dan = "sip:dan@127.0.0.1:%d" % a.sip_port
        with open(a.path("accounts")) as f:
            text = f.read()
        replace_accounts(a, text + "<sip:broken@\n<%s>;regint=0\n" % dan)

        a.wait_log(r"account %s added" % re.escape(dan))
        a.wait_log(r"%s: 1 malformed line\(s\) skipped" %
                   re.escape(a.path("accounts")))
        ok, _ = a.command("uafind", dan)
        self.assertTrue(ok)
        ok, _ = a.command("uafind", a.aor)
        self.assertTrue(ok)
        self.assertNotIn("broken", a.log().replace(
            "malformed line", ""))
        self.assertEqual(a.stop(), 0)


if __name__ == "__main__":
    harness.main()
