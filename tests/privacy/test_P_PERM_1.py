"""P-PERM-1: a permission in state ask or deny is not used, and every
change of a permission is recorded in the audit log with its time, never
with a number or address.

bob's contacts permission is "ask" (the default) and his contacts file
would block alice: the contact module is unloaded and alice's call
rings through (the contacts were not used); the refusal is audited.
Then `octasip perm set` changes are audited, each with a time, and the
audit log holds no SIP address, IP address or number of the call."""

import re
import time

import harness
from harness import Instance, octasip


class TestPPerm1(harness.TestCase):

    def test_P_PERM_1(self):
        t0 = int(time.time())
        a = Instance(self, "alice")
        b = Instance(self, "bob", root=a.root)
        with open(b.path("contacts"), "w") as f:
            f.write('"Alice Example" <%s>;access=block\n' % a.aor)
        a.start()
        b.start()
        b.wait_log(r"contacts ask: unloaded contact\.so")
        harness.call(a, b, answer=False)     # not blocked: not used
        self.assertNotIn("Alice Example", b.log())
        a.command("hangup")
        b.wait_event("CALL_CLOSED")
        self.assertEqual(a.stop(), 0)
        self.assertEqual(b.stop(), 0)

        for state in ("allow", "deny", "once", "ask"):
            octasip("perm", "set", "contacts", state, profile=b.profile)
        with open(b.path("permissions.audit")) as f:
            audit = f.read()
        lines = [ln.split("\t") for ln in audit.splitlines()]
        self.assertTrue(any(f[2] == "contacts" and f[3] == "deny"
                            for f in lines), audit)
        changes = [f[3] for f in lines if f[2] == "contacts" and
                   f[3].startswith("set-")]
        self.assertEqual(changes, ["set-allow", "set-deny", "set-once",
                                   "set-ask"])
        for f in lines:
            self.assertEqual(len(f), 5, f)
            self.assertGreaterEqual(int(f[0]), t0)
            self.assertRegex(f[1], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        self.assertNotRegex(audit, r"sip:|127\.0\.0\.1|alice|%d" %
                            b.sip_port)


if __name__ == "__main__":
    harness.main()
