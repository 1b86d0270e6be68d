"""contacts permission: deny (or ask, the default) means no contact data
is read or used: a contacts entry that would block the caller has no
effect; allow means the contacts file is used (its block rule applies,
and its names label calls)."""

import os
import harness
from harness import Instance


def pair(tc, perms, entry):
    a = Instance(tc, "alice")
    b = Instance(tc, "bob", root=a.root, permissions=perms)
    with open(b.path("contacts"), "w") as f:
        f.write('"Alice Example" <%s>%s\n' % (a.aor, entry))
    a.start()
    b.start()
    return a, b


class ContactsTest(harness.TestCase):

    def test_not_allowed_contacts_are_not_used(self):
        a, b = pair(self, None, ";access=block")
        b.wait_log(r"contacts ask: unloaded contact\.so")
        harness.call(a, b, answer=False)
        self.assertNotIn("Alice Example", b.log())

    def test_allowed_contacts_block_rule_applies(self):
        a, b = pair(self, {"contacts": "allow"}, ";access=block")
        n = len(b.ctrl.events)
        ok, _ = a.command("dial", b.aor)
        self.assertTrue(ok)
        ev = a.wait_event("CALL_CLOSED")
        self.assertRegex(ev.get("param", ""), r"486")
        self.assertNotIn("CALL_INCOMING",
                         [e.get("type") for e in b.ctrl.events[n:]])

    def test_allowed_contact_names_label_calls(self):
        a, b = pair(self, {"contacts": "allow"}, "")
        harness.call(a, b, answer=False)
        b.wait_log(r'octasip_policy: call with contact "Alice Example"')


if __name__ == "__main__":
    harness.main()
