"""P-RET-2: crash reports beyond the retention caps are deleted, oldest
first.

With octasip_crash_max_reports 2 and octasip_crash_max_age_days 30:
five reports (one 40 days old) are in crash/; at start the 40-day-old
one goes (age) and then the oldest until two are left (count); the two
newest stay."""

import json
import os
import secrets
import time

import harness
from harness import Instance


class TestPRet2(harness.TestCase):

    def test_P_RET_2(self):
        a = Instance(self, "alice", config={
            "octasip_crash_max_reports": "2",
            "octasip_crash_max_age_days": "30"})
        now = time.time()
        ids = []
        for age_days in (40, 3, 2, 1, 0.5):
            rid = secrets.token_hex(16)
            p = a.path("crash", rid + ".json")
            with open(p, "w") as f:
                json.dump({"event_id": rid, "level": "fatal"}, f)
            os.chmod(p, 0o600)
            t = now - age_days * 86400
            os.utime(p, (t, t))
            ids.append(rid)
        a.start()
        a.wait_log(r"retention removed 3 old report\(s\)")
        self.assertEqual(a.stop(), 0)
        left = sorted(n[:-5] for n in os.listdir(a.path("crash"))
                      if n.endswith(".json") and n != "stats.json")
        self.assertEqual(left, sorted(ids[3:]))


if __name__ == "__main__":
    harness.main()
