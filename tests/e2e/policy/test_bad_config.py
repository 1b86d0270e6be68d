"""A policy config value baresip cannot use makes octasip_policy refuse
to load with a line naming the key; baresip calls the module's close
after the failed init, which must not close descriptors it never opened
(the watch and the profile directory fd start as -1, not 0: stdin)."""

import os

import harness
from harness import Instance


class BadConfigTest(harness.TestCase):

    def test_failed_init_keeps_stdin(self):
        a = Instance(self, "alice",
                     config={"octasip_policy_encryption": "bogus"})
        a.start(wait_ready=False)
        a.wait_log(r"octasip_policy_encryption \"bogus\": expected"
                   r" required, preferred or off")
        a.wait_log(r"module octasip_policy.so: Invalid argument")
        a.wait_log(r"baresip is ready")
        self.assertEqual(os.readlink("/proc/%d/fd/0" % a.proc.pid),
                         "/dev/null")
        a.kill()


if __name__ == "__main__":
    harness.main()
