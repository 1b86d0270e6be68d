"""P-FILE-1: nothing in the profile is readable by other users: after
init, account add, a call, permission changes, a crash and its report,
an export and a wipe, every file is 0600 and every directory 0700 (the
export file too)."""

import os
import signal
import stat

import harness
from harness import Instance, octasip


class TestPFile1(harness.TestCase):

    def check_modes(self, root, extra=()):
        seen = 0
        for dirpath, dirnames, filenames in os.walk(root):
            for n in dirnames + filenames:
                p = os.path.join(dirpath, n)
                st = os.lstat(p)
                if stat.S_ISLNK(st.st_mode):
                    continue
                want = 0o700 if stat.S_ISDIR(st.st_mode) else 0o600
                self.assertEqual(st.st_mode & 0o777, want,
                                 "%s is %o" % (p, st.st_mode & 0o777))
                seen += 1
        for p in extra:
            self.assertEqual(os.stat(p).st_mode & 0o777, 0o600, p)
        self.assertEqual(os.stat(root).st_mode & 0o777, 0o700)
        return seen

    def test_P_FILE_1(self):
        # a permissive umask must not matter
        os.umask(0o022)
        a = Instance(self, "alice", permissions={"microphone": "allow"})
        b = Instance(self, "bob", root=a.root)
        octasip("account", "add", "sip:carol@example.org",
                "--password-stdin", profile=a.profile, stdin="pw\n")
        octasip("perm", "set", "contacts", "allow", profile=a.profile)
        a.start()
        b.start()
        harness.call(b, a)
        a.wait_event("CALL_ESTABLISHED")
        a.signal(signal.SIGSEGV)
        a.proc.wait(15)
        a._forget()
        b.kill()
        a.start()
        a.wait_log(r"crash report\(s\) from earlier runs")
        self.assertEqual(a.stop(), 0)
        exp = os.path.join(a.root, "export.json")
        octasip("data", "export", exp, profile=a.profile)
        n = self.check_modes(a.profile, [exp])
        self.assertGreaterEqual(n, 10)
        self.assertTrue(any(f.endswith(".json") for f in
                            os.listdir(a.path("crash"))))

        octasip("data", "wipe", "--yes", profile=a.profile)
        self.check_modes(a.profile)


if __name__ == "__main__":
    harness.main()
