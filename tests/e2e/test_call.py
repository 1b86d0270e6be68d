"""Foundation E2E: two OctaSIP instances with all four modules place,
answer and hang up a call; no module load error; both exit 0."""

import re
import harness
from harness import Instance

MODULES = ("octasip_crash", "octasip_policy", "octasip_credstore",
           "octasip_calllog")


class CallTest(harness.TestCase):

    def test_call_answered_and_clean_exit(self):
        a = Instance(self, "alice", permissions={"microphone": "allow"})
        b = Instance(self, "bob", root=a.root,
                     permissions={"microphone": "allow"})
        a.start()
        b.start()

        harness.call(a, b)
        b.wait_event("CALL_RTPESTAB")
        a.command("hangup")
        a.wait_event("CALL_CLOSED")
        b.wait_event("CALL_CLOSED")

        self.assertEqual(a.stop(), 0)
        self.assertEqual(b.stop(), 0)

        for inst in (a, b):
            log = inst.log()
            for mod in MODULES:
                self.assertRegex(log, r"%s: OctaSIP \S+ loaded" % mod,
                                 "module %s not loaded:\n%s" % (mod, log))
            self.assertNotRegex(log, r"(?i)(module|mod_load).*(error|"
                                r"fail|cannot|no such)", log)
            self.assertNotIn("not loading", log)

    def test_profile_files_private(self):
        a = Instance(self, "alice")
        a.start()
        self.assertEqual(a.stop(), 0)
        import os
        import stat
        for dirpath, dirnames, filenames in os.walk(a.profile):
            for n in dirnames + filenames:
                p = os.path.join(dirpath, n)
                st = os.lstat(p)
                if stat.S_ISLNK(st.st_mode):
                    continue
                self.assertEqual(st.st_mode & 0o077, 0,
                                 "%s is group/world accessible (%o)" %
                                 (p, st.st_mode & 0o777))


if __name__ == "__main__":
    harness.main()
