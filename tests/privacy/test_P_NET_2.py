"""P-NET-2: without consent given, nothing is ever sent to the crash
endpoint, even when one is configured.

A local endpoint is configured as the DSN.  Consent unknown (the
default): a crash, a restart that turns it into a report, `octasip crash
send`: the endpoint gets no request.  Revoked, with a new crash: the same.  Then consent
given: the report arrives (so the endpoint and DSN did work)."""

import harness
import privutil
from harness import Instance, octasip


class TestPNet2(harness.TestCase):

    def test_P_NET_2(self):
        rx = privutil.Receiver(self)
        a = Instance(self, "alice", config={"octasip_crash_dsn": rx.dsn})
        a.start()
        privutil.crash(a)
        privutil.restart(a)
        a.wait_log(r"1 crash report\(s\) from earlier runs")
        p = octasip("crash", "send", profile=a.profile, check=False)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("consent is not given", p.stderr)
        self.assertEqual(a.stop(), 0)
        self.assertEqual(rx.requests, [])

        octasip("crash", "consent", "revoke", profile=a.profile)
        privutil.restart(a)
        privutil.crash(a)
        privutil.restart(a)
        a.wait_log(r"crash report\(s\) from earlier runs")
        p = octasip("crash", "send", profile=a.profile, check=False)
        self.assertNotEqual(p.returncode, 0)
        self.assertEqual(a.stop(), 0)
        self.assertEqual(rx.requests, [])

        # consent given: now, and only now, it is sent
        octasip("crash", "consent", "give", profile=a.profile)
        privutil.restart(a)
        self.assertGreaterEqual(rx.wait(1), 1, a.log())
        self.assertEqual(a.stop(), 0)


if __name__ == "__main__":
    harness.main()
