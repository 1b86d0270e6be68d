"""The policy keeps the call log's API (calllog_api.h) once found, with a
reference that keeps octasip_calllog.so mapped.  Unloading the call log
at run time (/rmmod) must not leave the policy calling into
freed state: a blocked call then goes unrecorded (ENOENT) and baresip
carries on; after /insmod the same kept API records again."""

import harness
import polutil


class CalllogLinkTest(harness.TestCase):

    def blocked_call(self, a, b):
        self.assertRegex(polutil.dial_closed_param(a, b.aor), r"^503")

    def test_unload_and_reload_call_log(self):
        # call 1: rings, caller gives up; the policy finds the API
        a, b = polutil.flood_capped_pair(self)
        # written by the call log's thread: wait for it, do not race it
        harness.wait_for(lambda: len(b.calllog_rows()) == 1, timeout=10,
                         what="call 1's row")

        ok, out = b.command("rmmod", "octasip_calllog")
        self.assertTrue(ok, out)
        b.wait_log(r"unloading module: octasip_calllog\.so", timeout=5)

        # call 2: blocked while no call log is loaded
        self.blocked_call(a, b)
        b.wait_log(r"blocked incoming call: incoming calls per source")
        ok, out = b.command("perm")
        self.assertTrue(ok, out)

        ok, out = b.command("insmod", "octasip_calllog")
        self.assertTrue(ok, out)
        ok, out = b.command("calllog_stats")
        self.assertTrue(ok, out)

        # call 3: blocked and recorded through the kept API
        self.blocked_call(a, b)
        harness.wait_for(
            lambda: [r["status"] for r in b.calllog_rows()] ==
            ["missed", "blocked"], timeout=10,
            what="the reloaded call log's blocked row")
        row = b.calllog_rows()[-1]
        self.assertIn("incoming calls per source", row["reason"])
        self.assertEqual(b.stop(), 0)


if __name__ == "__main__":
    harness.main()
