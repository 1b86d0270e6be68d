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
from harness import Instance


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


if __name__ == "__main__":
    harness.main()
