"""octasip crash / octasip stats: consent, delivery (429, backoff,
refusals), revocation, retention and bad input, against a local Sentry
receiver."""

import glob
import json
import os
import shutil
import stat
import tempfile
import time
import harness
from harness import octasip
from sentry_receiver import Receiver

RAW = ("OCTASIP-CRASH-RAW 1\nsignal 11\ncode 1\naddr 0x0\nsender fault\n"
       "time 1764331200\nuptime_ms 1234\ncalls 1\noctasip 0.1.0\n"
       "baresip 1.0.0\nos Linux 6.1.0 x86_64\n"
       "module 0 0x5000 0123456789abcdef0123456789abcdef01234567 baresip\n"
       "pc 0 0x1234\nframe 0 0x1234\nframe 0 0x2000\nend\n")


class CrashCliTest(harness.TestCase):

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="octasip-crashcli-")
        self.addCleanup(shutil.rmtree, self.tmp, True)
        self.prof = os.path.join(self.tmp, "p")
        self.rx = Receiver(harness.free_port())
        self.addCleanup(self.rx.close)
        octasip("init", profile=self.prof)
        self.crash = os.path.join(self.prof, "crash")
        with open(os.path.join(self.prof, "config"), "a") as f:
            f.write("octasip_crash_dsn\t%s\n" % self.rx.dsn)

    def run_(self, *args, check=True):
        return octasip(*args, profile=self.prof, check=check)

    def plant(self, n=1):
        for i in range(n):
            p = os.path.join(self.crash, "raw-%d-%d.raw" % (i + 1, i + 1))
            with open(p, "w") as f:
                f.write(RAW)
            os.chmod(p, 0o600)

    def reports(self):
        return sorted(p for p in glob.glob(os.path.join(self.crash,
                                                        "*.json"))
                      if not p.endswith("stats.json"))

    def assertOneLineError(self, p, text=None):
        self.assertNotEqual(p.returncode, 0)
        lines = [l for l in p.stderr.splitlines() if l.strip()]
        self.assertEqual(len(lines), 1, p.stderr)
        self.assertTrue(lines[0].startswith("octasip: "), p.stderr)
        if text:
            self.assertIn(text, lines[0])

    def test_init_creates_private_dir_and_unknown_consent(self):
        st = os.stat(self.crash)
        self.assertEqual(stat.S_IMODE(st.st_mode), 0o700)
        with open(os.path.join(self.crash, "consent")) as f:
            self.assertTrue(f.read().startswith("unknown 1 "))
        p = self.run_("crash", "consent", "status")
        self.assertIn("consent unknown", p.stdout)
        self.assertIn("nothing is sent", p.stdout)
        # init again keeps a decision
        self.run_("crash", "consent", "give")
        octasip("init", profile=self.prof)
        p = self.run_("crash", "consent", "status")
        self.assertIn("consent given", p.stdout)

    def test_list_show_delete(self):
        p = self.run_("crash", "list")
        self.assertIn("no crash reports", p.stdout)
        self.plant(2)
        p = self.run_("crash", "list")
        ids = [l.split()[0] for l in p.stdout.splitlines()]
        self.assertEqual(len(ids), 2)
        self.assertIn("SIGSEGV", p.stdout)
        p = self.run_("crash", "show", ids[0])
        env = p.stdout.split("\n")
        self.assertEqual(json.loads(env[0])["event_id"], ids[0])
        self.assertEqual(json.loads(env[1])["length"], len(env[2]))
        self.run_("crash", "delete", ids[0])
        self.assertEqual(len(self.reports()), 1)
        p = self.run_("crash", "delete", "--all")
        self.assertIn("deleted 1", p.stdout)
        self.assertEqual(self.reports(), [])

    def test_send_needs_consent_then_sends_envelopes(self):
        self.plant(2)
        p = self.run_("crash", "send", check=False)
        self.assertOneLineError(p, "consent is not given")
        self.assertEqual(self.rx.requests, 0)

        self.run_("crash", "consent", "give")
        self.plant(1)      # converted with consent: counted as a crash
        p = self.run_("crash", "send")
        self.assertIn("sent 3 crash report(s) and the usage statistics",
                      p.stdout)
        envs = self.rx.wait_envelopes(4)
        self.assertEqual(self.rx.errors, [])
        self.assertEqual(self.reports(), [])
        stats = [e for e in envs if e.payload.get("logger") ==
                 "octasip_stats"]
        self.assertEqual(len(stats), 1)
        self.assertEqual(stats[0].payload["extra"]["usage"]["crashes"], 1)
        self.assertFalse(os.path.exists(os.path.join(self.crash,
                                                     "stats.json")))

    def test_429_retry_after_is_honoured(self):
        self.run_("crash", "consent", "give")
        self.plant(2)
        self.rx.responses.append((429, {"Retry-After": "120"}))
        t0 = time.time()
        p = self.run_("crash", "send", check=False)
        self.assertOneLineError(p, "HTTP 429")
        self.assertEqual(self.rx.requests, 1)
        with open(os.path.join(self.crash, "send-state")) as f:
            nxt, fails = f.read().split()
        self.assertTrue(t0 + 119 <= int(nxt) <= time.time() + 121)

        # until then, nothing is even tried
        p = self.run_("crash", "send", check=False)
        self.assertOneLineError(p, "deferred")
        self.assertEqual(self.rx.requests, 1)
        self.assertEqual(len(self.reports()), 2)

        # after the wait (clock moved on): everything goes
        with open(os.path.join(self.crash, "send-state"), "w") as f:
            f.write("%d 0\n" % (time.time() - 1))
        self.run_("crash", "send")
        self.assertEqual(self.rx.requests, 4)   # 2 reports + stats
        self.assertEqual(self.reports(), [])

    def test_retry_after_capped_at_a_day(self):
        self.run_("crash", "consent", "give")
        self.plant(1)
        self.rx.responses.append((429, {"Retry-After": "99999999"}))
        self.run_("crash", "send", check=False)
        with open(os.path.join(self.crash, "send-state")) as f:
            nxt = int(f.read().split()[0])
        self.assertLessEqual(nxt, time.time() + 24 * 3600 + 1)

    def test_server_error_backs_off_and_keeps_reports(self):
        self.run_("crash", "consent", "give")
        self.plant(1)
        self.rx.responses.append((503, {}))
        p = self.run_("crash", "send", check=False)
        self.assertOneLineError(p, "HTTP 503")
        with open(os.path.join(self.crash, "send-state")) as f:
            nxt, fails = f.read().split()
        self.assertEqual(fails, "1")
        self.assertGreaterEqual(int(nxt), time.time() + 55)
        self.assertEqual(len(self.reports()), 1)

    def test_refused_report_kept_not_resent(self):
        self.run_("crash", "consent", "give")
        self.plant(1)
        self.rx.responses.append((400, {}))
        self.run_("crash", "send")
        self.assertEqual(self.reports(), [])
        self.assertEqual(len(glob.glob(os.path.join(self.crash,
                                                    "*.rejected"))), 1)
        self.assertEqual(self.rx.requests, 2)       # report + stats
        self.run_("crash", "send")
        self.assertEqual(self.rx.requests, 2)       # never resent

    def test_revoke_deletes_pending_and_stats(self):
        self.run_("crash", "consent", "give")
        self.plant(2)
        self.run_("crash", "list")
        self.assertTrue(os.path.exists(os.path.join(self.crash,
                                                    "stats.json")))
        p = self.run_("crash", "consent", "revoke")
        self.assertIn("deleted 2 pending report(s)", p.stdout)
        self.assertEqual(self.reports(), [])
        self.assertFalse(os.path.exists(os.path.join(self.crash,
                                                     "stats.json")))
        p = self.run_("crash", "send", check=False)
        self.assertOneLineError(p, "consent is not given")
        self.assertEqual(self.rx.requests, 0)

    def test_bad_input(self):
        p = self.run_("crash", "show", "../../etc/passwd", check=False)
        self.assertOneLineError(p, "not a report id")
        p = self.run_("crash", "show", "0" * 32, check=False)
        self.assertOneLineError(p, "no crash report")
        p = self.run_("crash", "delete", "0" * 32, check=False)
        self.assertOneLineError(p, "no crash report")
        # usage errors: exit 2, the message and a hint
        p = self.run_("crash", "bogus", check=False)
        self.assertUsageError(p, "unknown crash action 'bogus'", "crash")
        p = self.run_("crash", "consent", "maybe", check=False)
        self.assertUsageError(p, "give, revoke or status", "crash")
        p = self.run_("stats", "dump", check=False)
        self.assertUsageError(p, "unknown stats action 'dump'", "stats")

        # a damaged report: shown as damaged, never sent
        bad = os.path.join(self.crash, "a" * 32 + ".json")
        with open(bad, "w") as f:
            f.write('{"event_id": "aaaa')
        p = self.run_("crash", "list")
        self.assertIn("damaged", p.stdout)
        p = self.run_("crash", "show", "a" * 32, check=False)
        self.assertOneLineError(p, "damaged")
        self.run_("crash", "consent", "give")
        self.run_("crash", "send")
        self.assertEqual(self.rx.requests, 0)
        self.assertTrue(os.path.exists(bad[:-5] + ".bad"))

        # a garbage raw record: kept aside, not a report
        with open(os.path.join(self.crash, "raw-9-9.raw"), "w") as f:
            f.write("\x00\x01garbage")
        p = self.run_("crash", "list")
        self.assertIn("no crash reports", p.stdout)
        self.assertTrue(os.path.exists(os.path.join(self.crash,
                                                    "raw-9-9.bad")))

        # a damaged consent file: nothing is sent, status says so
        with open(os.path.join(self.crash, "consent"), "w") as f:
            f.write("given\n")
        self.plant(1)
        p = self.run_("crash", "consent", "status")
        self.assertIn("damaged", p.stdout)
        p = self.run_("crash", "send", check=False)
        self.assertOneLineError(p, "consent is not given")
        self.assertEqual(self.rx.requests, 0)

        # a damaged stats file: a clear error
        with open(os.path.join(self.crash, "stats.json"), "w") as f:
            f.write("[[[")
        p = self.run_("stats", "show", check=False)
        self.assertOneLineError(p, "damaged")

    def test_storage_denied_makes_no_report(self):
        # "once" is for one call, which the CLI is not (the module
        # writes no record under it either); allow is the control
        for state, made in (("ask", 0), ("once", 0), ("allow", 1)):
            self.plant(1)
            with open(os.path.join(self.prof, "permissions"), "w") as f:
                f.write("storage %s\n" % state)
            p = self.run_("crash", "list")
            self.assertEqual(len(self.reports()), made, state)
            if not made:
                self.assertIn("no crash reports", p.stdout)

    def test_no_dsn_and_plain_http_elsewhere(self):
        cfg = os.path.join(self.prof, "config")
        with open(cfg) as f:
            text = f.read()
        self.run_("crash", "consent", "give")
        self.plant(1)
        with open(cfg, "w") as f:
            f.write(text.replace(self.rx.dsn, "none"))
        p = self.run_("crash", "send", check=False)
        self.assertOneLineError(p, "no octasip_crash_dsn")
        with open(cfg, "w") as f:
            f.write(text.replace(self.rx.dsn, "http://k@192.0.2.1/1"))
        p = self.run_("crash", "send", check=False)
        self.assertOneLineError(p, "use https")
        self.assertEqual(len(self.reports()), 1)


if __name__ == "__main__":
    harness.main()
