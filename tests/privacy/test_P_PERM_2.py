"""P-PERM-2: with storage denied, calls leave no trace on disk: no
call-log row, no audit line, no crash report.

alice (storage deny) answers a call from bob, then crashes during a
second call and starts again.  Her calllog.db has no row, her audit log
did not grow and crash/ holds no report or record.  bob (storage allowed)
logged the same call (the call did happen and is loggable)."""

import glob
import os
import sqlite3

import harness
import privutil
from harness import Instance, octasip


def rows(path):
    if not os.path.exists(path):
        return 0
    con = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
    try:
        return con.execute("SELECT count(*) FROM calls").fetchone()[0]
    except sqlite3.OperationalError:
        return 0
    finally:
        con.close()


class TestPPerm2(harness.TestCase):

    def test_P_PERM_2(self):
        a = Instance(self, "alice", permissions={"microphone": "allow",
                                                 "storage": "deny"})
        b = Instance(self, "bob", root=a.root,
                     permissions={"microphone": "allow"})
        audit = a.path("permissions.audit")
        size0 = os.path.getsize(audit) if os.path.exists(audit) else 0
        a.start()
        b.start()
        harness.call(b, a)
        a.wait_event("CALL_ESTABLISHED")
        b.command("hangup")
        a.wait_event("CALL_CLOSED")
        b.wait_event("CALL_CLOSED")

        harness.call(b, a)
        a.wait_event("CALL_ESTABLISHED", start=len(a.ctrl.events) - 1)
        # bob's rows reach calllog.db in batches: his first call's is
        # there before he is killed (docs/calllog.md)
        harness.wait_for(lambda: rows(b.path("calllog.db")) >= 1,
                         timeout=5, what="bob's first row")
        privutil.crash(a)
        b.kill()
        privutil.restart(a)
        self.assertEqual(a.stop(), 0)

        self.assertEqual(rows(a.path("calllog.db")), 0)
        size1 = os.path.getsize(audit) if os.path.exists(audit) else 0
        self.assertEqual(size1, size0)
        self.assertEqual([n for n in os.listdir(a.path("crash"))
                          if n != "consent"], [])
        self.assertEqual(glob.glob(a.path("*.wav")), [])
        self.assertGreaterEqual(rows(b.path("calllog.db")), 1)

    def test_denied_at_runtime_crash_writes_nothing(self):
        """Storage denied on a running instance (octasip perm set, as a
        user would): a crash a moment later leaves no crash record.  The
        crash reporter used to re-read the permission every 10 s only."""
        a = Instance(self, "alice")
        a.start()
        octasip("perm", "set", "storage", "deny", profile=a.profile)
        a.wait_log(r"octasip_crash: storage permission denied: crash"
                   r" reports off", timeout=2)
        privutil.crash(a)
        self.assertEqual([n for n in os.listdir(a.path("crash"))
                          if n != "consent"], [])

    def test_allowed_again_at_runtime_crash_is_recorded(self):
        """The other direction, so that the test above cannot pass by a
        crash reporter that writes nothing at all."""
        a = Instance(self, "alice", permissions={"storage": "deny"})
        os.makedirs(a.path("crash"), mode=0o700, exist_ok=True)
        a.start()
        octasip("perm", "set", "storage", "allow", profile=a.profile)
        a.wait_log(r"octasip_crash: storage permission allowed: crash"
                   r" reports on", timeout=2)
        privutil.crash(a)
        self.assertTrue([n for n in os.listdir(a.path("crash"))
                         if n.startswith("raw-")])


if __name__ == "__main__":
    harness.main()
