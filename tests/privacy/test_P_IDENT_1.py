"""P-IDENT-1: crash reports, statistics and the audit log never hold a
SIP address, phone number, peer display name, IP address or password.

Same canary sweep as P-CRED-1 (a call from a number with a hostile
display name, a crash during that call): the number and the name must be
absent from everything under crash/ and from permissions.audit; the
call log and the export must hold them (the sweep reached them)."""

import re

import harness
import privutil


class TestPIdent1(harness.TestCase):

    def test_P_IDENT_1(self):
        c, places, a, b = privutil.canary_scenario(self)

        def guarded(k):
            return (k.startswith("profile:crash/") or
                    k == "profile:permissions.audit")

        for key in ("number", "name", "password", "import_password"):
            self.assertEqual(privutil.hits(places, c[key], guarded), [],
                             "%s in a crash report, statistics or audit"
                             " log" % key)
        for k, v in places.items():
            if guarded(k):
                self.assertNotRegex(v, rb"127\.0\.0\.1|sip:",
                                    "address in %s" % k)
        # the canaries did reach baresip (and the call log and export)
        for key in ("number", "name"):
            self.assertIn("log:alice", privutil.hits(places, c[key]))
            self.assertTrue(privutil.hits(
                places, c[key], lambda k: k.startswith("export:")))
        self.assertIn("profile:permissions.audit", places)
        self.assertTrue([k for k in places
                         if re.match(r"profile:crash/[0-9a-f]{32}"
                                     r"\.json$", k)],
                        "the crash left no report: %s" %
                        sorted(places))


if __name__ == "__main__":
    harness.main()
