"""libcurl is loaded only for an upload (issue #9: RSS overhead).

Proves, from a real baresip's /proc/PID/maps: octasip_crash.so does not
link libcurl; an idle baresip with the module loaded and no DSN maps no
libcurl, nor with a DSN and a pending report but no consent; with consent
the worker loads it, sends the report, and only then is it mapped (so
the maps check can see libcurl when it is there)."""

import glob
import os
import signal
import subprocess
import time
import harness
from harness import Instance, octasip
from sentry_receiver import Receiver

BUILD = os.environ.get("OCTASIP_BUILD",
                       os.path.join(harness.SRC, "build"))
CRASH_SO = os.path.join(BUILD, "modules-out", "octasip_crash.so")


def maps(inst):
    # `octasip run` execs baresip: the launcher's pid is baresip's
    with open("/proc/%d/maps" % inst.proc.pid) as f:
        return f.read()


def status(inst):
    ok, data = inst.command("octasip_crash")
    assert ok, data
    return data


wait_for = harness.wait_for


class LazyCurlTest(harness.TestCase):

    def test_module_does_not_link_libcurl(self):
        out = subprocess.run(["readelf", "-d", CRASH_SO], check=True,
                             capture_output=True, text=True).stdout
        self.assertIn("NEEDED", out)
        self.assertNotIn("libcurl", out)

    def test_idle_without_dsn_maps_no_libcurl(self):
        a = Instance(self, "alice")
        a.start()
        # an answered command: init is done and the first tick was due
        st = status(a)
        m = maps(a)
        self.assertIn("octasip_crash.so", m)
        self.assertNotIn("libcurl", m)
        self.assertRegex(st, r"upload off \(no DSN\), libcurl not loaded")
        self.assertEqual(a.stop(), 0)

    def test_loaded_only_with_consent_and_a_report(self):
        rx = Receiver(harness.free_port())
        self.addCleanup(rx.close)
        a = Instance(self, "alice", config={"octasip_crash_dsn": rx.dsn})
        a.start()
        a.signal(signal.SIGSEGV)
        self.assertEqual(a.proc.wait(10), -signal.SIGSEGV)
        a._forget()

        # a report pending and a DSN, but no consent: still no libcurl
        a.start()
        a.wait_log(r"1 crash report\(s\) from earlier runs")
        st = status(a)
        self.assertNotIn("libcurl", maps(a))
        self.assertRegex(st, r"1 report\(s\) pending, .*upload"
                         r" configured, libcurl not loaded")
        self.assertEqual(a.stop(), 0)
        self.assertEqual(rx.requests, 0)

        # consent: the worker loads libcurl and sends the report
        octasip("crash", "consent", "give", profile=a.profile)
        a.start()
        rx.wait_envelopes(1)
        wait_for(lambda: not glob.glob(a.path("crash", "*.json")),
                 what="sent report deleted")
        self.assertIn("libcurl", maps(a))
        self.assertRegex(status(a), r"libcurl loaded")
        self.assertEqual(rx.errors, [])
        self.assertEqual(a.stop(), 0)


if __name__ == "__main__":
    harness.main()
