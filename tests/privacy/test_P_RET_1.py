"""P-RET-1: calls older than the call-log retention period are deleted
from the call log at the next start.

With the default retention (365 days): two calls 400 days old and two
10 days old are in calllog.db; after a start the old ones are gone (from
the database and from the export), the recent ones are kept."""

import json
import os
import sqlite3
import time

import harness
from harness import Instance, octasip


class TestPRet1(harness.TestCase):

    def test_P_RET_1(self):
        a = Instance(self, "alice")
        db = a.path("calllog.db")
        self.assertTrue(os.path.exists(db), "octasip init made no call log")
        con = sqlite3.connect(db)
        now = int(time.time() * 1000)
        for i, days in enumerate((400, 400, 10, 10)):
            t = now - days * 86400000 + i
            con.execute("INSERT INTO calls (call_id, account, direction,"
                        " status, peer_uri, started_at, ended_at,"
                        " duration_ms) VALUES (?, ?, 'incoming', 'missed',"
                        " 'sip:old@example.org', ?, ?, 0)",
                        ("ret-%d" % i, a.aor, t, t))
        con.commit()
        con.close()

        a.start()
        a.wait_log(r"retention removed 2 old call")
        self.assertEqual(a.stop(), 0)
        self.assertEqual([r["call_id"] for r in a.calllog_rows()],
                         ["ret-2", "ret-3"])
        doc = json.loads(octasip("data", "export",
                                 profile=a.profile).stdout)
        self.assertEqual([c["call_id"] for c in doc["call_log"]["calls"]],
                         ["ret-2", "ret-3"])


if __name__ == "__main__":
    harness.main()
