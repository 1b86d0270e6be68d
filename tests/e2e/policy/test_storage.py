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
        na, nb = len(a.ctrl.events), len(b.ctrl.events)
        a.command("hangup")
        a.wait_event("CALL_CLOSED", start=na)
        b.wait_event("CALL_CLOSED", start=nb)
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


if __name__ == "__main__":
    harness.main()
