"""P-LOCAL-1: personal data is written only inside the profile directory;
none to $HOME, /tmp or elsewhere, and none reaches baresip's command line
or environment.

Canary sweep (see privutil): after the scenario, files written during
the test outside the profile (under the test's $HOME, $TMPDIR and /tmp)
and /proc/PID/cmdline and environ of baresip hold no canary."""

import harness
import privutil


class TestPLocal1(harness.TestCase):

    def test_P_LOCAL_1(self):
        c, places, a, b = privutil.canary_scenario(self)
        for key in c:
            self.assertEqual(privutil.hits(
                places, c[key], lambda k: k.startswith(("outside:",
                                                        "proc:"))), [],
                "%s written outside the profile" % key)
        # and inside it they are (the sweep is not vacuous)
        self.assertIn("log:alice", privutil.hits(places, c["number"]))
        self.assertTrue(privutil.hits(
            places, c["number"], lambda k: k.startswith("profile:")))


if __name__ == "__main__":
    harness.main()
