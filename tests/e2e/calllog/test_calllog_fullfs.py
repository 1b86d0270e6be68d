"""Call log E2E on a really full file system (a small tmpfs holding the
profile, filled up): calls go on; "cannot write" is logged once when the
trouble starts and "writable again" once when space returns, even while
SQLite finds a free page now and then in between; rows held meanwhile
survive a kill -9 and are all written, each call once, after space
returns and the next start."""

import os
import re
import sys
import time

import harness
from harness import Instance
import clutil

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(
    __file__)), "..", "hardening"))
import faults  # noqa: E402

PERMS = {"microphone": "allow", "storage": "allow"}
CALLS = 12


def short_call(a, b):
    na, nb = len(a.ctrl.events), len(b.ctrl.events)
    harness.call(a, b)
    # the caller's side too, or its hangup is a cancel
    a.wait_event("CALL_ESTABLISHED", start=na)
    a.command("hangup")
    clutil.closed(a, na)
    clutil.closed(b, nb)


class FullFsTest(harness.TestCase):

    def test_full_fs_logged_once_rows_survive_kill(self):
        caps = {"octasip_policy_max_calls_per_minute": "0",
                "octasip_policy_max_incoming_per_source": "0"}
        a = Instance(self, "alice", permissions=PERMS, config=caps)
        b = Instance(self, "bob", root=a.root, permissions=PERMS,
                     config=caps)
        with faults.small_fs(a.profile, 8192):
            a.start()
            b.start()
            clutil.wait_rows(a, lambda rs: True)
            short_call(a, b)
            clutil.wait_rows(a, lambda rs: clutil.done(rs, 1))
            filler = faults.fill(a.profile)
            for i in range(CALLS):
                short_call(a, b)
                # some room now and then, as other files shrink
                if i % 4 == 1:
                    with open(filler, "r+b") as f:
                        f.truncate(max(0, os.path.getsize(filler) - 4096))
                    time.sleep(1.2)
                    faults.fill(a.profile, ".filler%d" % i)
            time.sleep(1.5)
            log = a.log()
            self.assertEqual(len(re.findall(r"cannot write .*calllog.db",
                                            log)), 1, log)
            self.assertNotRegex(log, r"writable again")
            a.kill()
            for n in os.listdir(a.profile):
                if n.startswith(".filler"):
                    os.unlink(os.path.join(a.profile, n))
            a.ctrl_port = harness.free_port()
            a.edit_config({"ctrl_tcp_listen": "127.0.0.1:%d" %
                           a.ctrl_port})
            a.start()
            rows = clutil.wait_rows(a, lambda rs: clutil.done(rs,
                                                              CALLS + 1))
            self.assertEqual(len({r["call_id"] for r in rows}), CALLS + 1)
            self.assertEqual({r["status"] for r in rows}, {"answered"})
            self.assertEqual(a.stop(), 0)
            b.kill()


if __name__ == "__main__":
    harness.main()
