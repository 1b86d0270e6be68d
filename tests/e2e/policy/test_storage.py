"""storage permission: deny means OctaSIP writes nothing to disk but the
permissions file and the vault: no recordings even with recording
allowed, no audit file, and the call log (when its module is built) runs
in memory only."""

import os
import sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness                      # noqa: E402
from harness import Instance        # noqa: E402
import polutil                      # noqa: E402


class StorageTest(harness.TestCase):

    def test_denied_writes_no_recording_no_audit(self):
        a = Instance(self, "alice")
        rec, cfg, mods = polutil.recorder_config(a.root, "bob")
        b = Instance(self, "bob", root=a.root, config=cfg,
                     add_modules=mods,
                     permissions={"recording": "allow",
                                  "storage": "deny"})
        before = set(os.listdir(b.profile))
        a.start()
        b.start()
        b.wait_log(r"octasip_policy: storage denied: unloaded "
                   r"sndfile\.so")
        harness.call(a, b)
        b.wait_event("CALL_RTPESTAB")
        harness.hangup(a, b)
        self.assertEqual(b.stop(), 0)

        self.assertEqual(os.listdir(rec), [])
        self.assertNotIn("permissions.audit", os.listdir(b.profile))
        new = set(os.listdir(b.profile)) - before
        # uuid: baresip's install id (uuid.so); .modules: the launcher's
        # links to the module files; sip-tls.pem: the launcher's new
        # certificate for the SIP/TLS listener.  None holds personal data.
        new -= {"uuid", ".modules", "sip-tls.pem"}
        self.assertEqual(new, set())
        # `octasip init` created an empty call log; the call went to memory
        # only and left no row in it
        self.assertEqual(b.calllog_rows(), [])

    def once_call(self, storage):
        """bob, recording "once", takes one call from alice; then a
        console /perm set.  Returns bob, stopped."""
        a = Instance(self, "alice")
        b = Instance(self, "bob", root=a.root,
                     permissions={"recording": "once",
                                  "storage": storage})
        a.start()
        b.start()
        harness.call(a, b)
        b.wait_event("CALL_ESTABLISHED")
        harness.hangup(a, b)
        ok, _ = b.command("perm", "set microphone deny")
        self.assertTrue(ok)
        with open(b.path("permissions")) as f:
            # the grant was this call's: "ask" again
            self.assertRegex(f.read(), r"(?m)^recording\s+ask$")
        return b

    def test_denied_once_grant_and_console_change_write_no_audit(self):
        """Storage denied: a "once" grant used by a call and a /perm set
        on the console change the permissions file, but neither writes a
        line to permissions.audit (storage deny wins, P-PERM-2)."""
        b = self.once_call("deny")
        self.assertEqual(b.stop(), 0)    # a quit writes what is pending
        self.assertNotIn("permissions.audit", os.listdir(b.profile))

    def test_allowed_once_grant_is_audited(self):
        """The same with storage allowed: the grant's use and the change
        are both in the audit log."""
        b = self.once_call("allow")
        b.audit(r"recording\tonce-used\tgranted for this call only")
        b.audit(r"microphone\tset-deny\tchanged by console")
        self.assertEqual(b.stop(), 0)


if __name__ == "__main__":
    harness.main()
