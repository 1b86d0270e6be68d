"""phone_state permission: deny means no automatic call handling (an
auto-answer account waits for the user); allow applies the account's
answer mode, and with octasip_policy_busy_second_call a second incoming
call gets 486 Busy."""

import time
import harness
from harness import Instance


class PhoneStateTest(harness.TestCase):

    def pair(self, perms, config=None):
        a = Instance(self, "alice")
        b = Instance(self, "bob", root=a.root,
                     account=";regint=0;answermode=auto",
                     permissions=perms, config=config)
        a.start()
        b.start()
        return a, b

    def test_denied_auto_answer_waits_for_user(self):
        a, b = self.pair({"phone_state": "deny"})
        ok, _ = a.command("dial", b.aor)
        self.assertTrue(ok)
        b.wait_event("CALL_INCOMING")
        b.wait_log(r"phone_state deny: not answering automatically")
        # auto answer takes milliseconds; give it a generous window
        deadline = time.monotonic() + 1.5
        while time.monotonic() < deadline:
            a.ctrl._pump(deadline)
        self.assertNotIn("CALL_ESTABLISHED",
                         [e.get("type") for e in a.ctrl.events])
        b.command("accept")
        a.wait_event("CALL_ESTABLISHED")

    def test_allowed_auto_answer_applies(self):
        a, b = self.pair({"phone_state": "allow"})
        ok, _ = a.command("dial", b.aor)
        self.assertTrue(ok)
        a.wait_event("CALL_ESTABLISHED", timeout=5)
        with open(b.path("permissions.audit")) as f:
            self.assertRegex(f.read(), r"\tphone_state\tuse\tautomatic")

    def test_second_call_busy(self):
        a, b = self.pair({"phone_state": "allow"},
                         {"octasip_policy_busy_second_call": "yes"})
        c = Instance(self, "carol", root=a.root)
        c.start()
        a.command("dial", b.aor)
        a.wait_event("CALL_ESTABLISHED", timeout=5)
        c.command("dial", b.aor)
        ev = c.wait_event("CALL_CLOSED")
        self.assertRegex(ev.get("param", ""), r"^486")
        self.assertNotIn("CALL_CLOSED",
                         [e.get("type") for e in a.ctrl.events])


if __name__ == "__main__":
    harness.main()
