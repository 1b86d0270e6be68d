"""Crash reporter E2E: a real baresip crashes with a call up.

Proves: the exit status is the original signal; the report's contents
(signal, module-relative frames with build ids that symbolise, versions,
OS, active calls); planted canaries (unique AOR user, IP, a password in a
display name) are absent; nothing is sent without consent and a valid
Sentry envelope is sent with it; storage denied writes nothing; the
interrupted call-log row (when the call log module is built)."""

import getpass
import glob
import json
import os
import re
import signal
import socket
import subprocess
import time
import harness
from harness import Instance, octasip
from sentry_receiver import Receiver

BUILD = os.environ.get("OCTASIP_BUILD",
                       os.path.join(harness.SRC, "build"))
CRASH_SO = os.path.join(BUILD, "modules-out", "octasip_crash.so")

CANARY_USER = "canaryuser7731"
CANARY_PW = "CanaryPw99x"


def build_id(path):
    out = subprocess.run(["readelf", "-n", path], capture_output=True,
                         text=True, check=True).stdout
    return re.search(r"Build ID: ([0-9a-f]+)", out).group(1)


def reports(inst):
    return sorted(glob.glob(inst.path("crash", "*.json")))


wait_for = harness.wait_for


def restart(inst):
    """Start again after a crash (octasip_ctrl replaces the dead
    process's socket)."""
    inst.start()


def crash_dir_text(inst):
    text = ""
    for p in glob.glob(inst.path("crash", "*")):
        with open(p, "rb") as f:
            text += f.read().decode("utf-8", "replace")
    return text


class CrashTest(harness.TestCase):

    def setUp(self):
        self.rx = Receiver(harness.free_port())
        self.addCleanup(self.rx.close)

    def caller_and_callee(self, callee_config=None, callee_perms=None):
        """alice (display name with a password canary) calls the callee,
        whose AOR user is a canary too; the callee is the one to crash."""
        a = Instance(self, "alice", permissions={"microphone": "allow"})
        a.write_accounts(['"password=%s" <%s>;regint=0' %
                          (CANARY_PW, a.aor)])
        perms = {"microphone": "allow"}
        perms.update(callee_perms or {})
        cfg = {"octasip_crash_dsn": self.rx.dsn}
        cfg.update(callee_config or {})
        b = Instance(self, CANARY_USER, root=a.root, permissions=perms,
                     config=cfg)
        a.start()
        b.start()
        harness.call(a, b)
        b.wait_event("CALL_ESTABLISHED")
        return a, b

    def assert_no_canaries(self, text):
        for c in (CANARY_USER, CANARY_PW, "127.0.0.1", "alice",
                  socket.gethostname()):
            self.assertNotIn(c, text)
        user = getpass.getuser()
        if len(user) >= 4:
            self.assertNotRegex(text, r"\b%s\b" % re.escape(user))

    def test_crash_with_call_report_consent_and_envelope(self):
        a, b = self.caller_and_callee()

        b.signal(signal.SIGSEGV)
        self.assertEqual(b.proc.wait(10), -signal.SIGSEGV)
        b._forget()
        self.assertEqual(len(glob.glob(b.path("crash", "raw-*.raw"))), 1)

        # next start: the record becomes a report; no consent, no upload
        restart(b)
        b.wait_log(r"1 crash report\(s\) from earlier runs")
        self.assertEqual(b.stop(), 0)
        self.assertEqual(glob.glob(b.path("crash", "*.raw")), [])
        files = reports(b)
        self.assertEqual(len(files), 1)
        self.assertEqual(os.stat(files[0]).st_mode & 0o777, 0o600)
        self.assertEqual(os.stat(b.path("crash")).st_mode & 0o777, 0o700)
        self.assertEqual(self.rx.requests, 0)

        with open(files[0]) as f:
            text = f.read()
        ev = json.loads(text)
        rid = os.path.basename(files[0])[:-5]
        self.assertEqual(ev["event_id"], rid)
        exc = ev["exception"]["values"][0]
        self.assertEqual(exc["type"], "SIGSEGV")
        sig = exc["mechanism"]["meta"]["signal"]
        self.assertEqual(sig["number"], signal.SIGSEGV)
        self.assertEqual(sig["code_name"], "SI_USER")
        self.assertEqual(ev["extra"]["active_calls"], 1)
        self.assertGreater(ev["extra"]["uptime_ms"], 0)
        self.assertFalse(ev["extra"]["truncated"])
        self.assertEqual(ev["contexts"]["os"]["name"], "Linux")
        # the reporter's own field, intact (not "[email]")
        self.assertRegex(ev["release"], r"^octasip@\d+\.\d+\.\d+")
        self.assertEqual(ev["contexts"]["os"]["kernel_version"],
                         os.uname().release)
        self.assertEqual(ev["contexts"]["runtime"],
                         {"name": "baresip",
                          "version": harness.baresip_version()})
        images = ev["debug_meta"]["images"]
        names = [i["code_file"] for i in images]
        # Debian's libre is libre.so.0 (1.1.x) or libre.so.1 (2.0.x);
        # re 4.x's soname has the minor in it (libre.so.44 for 4.10) and
        # the core is libbaresip.so.N
        libs = ([r"libre\.so\.\d+$", r"libbaresip\.so\.\d+"]
                if harness.FAMILY == "4" else [r"libre\.so\.\d+$"])
        for n in ["baresip", "octasip_crash.so", "octasip_calllog.so",
                  "octasip_ctrl.so"]:
            self.assertIn(n, names)
        for lib in libs:
            self.assertTrue([m for m in names if re.match(lib, m)],
                            (lib, names))
        mine = images[names.index("octasip_crash.so")]
        self.assertEqual(mine["code_id"], build_id(CRASH_SO))
        frames = exc["stacktrace"]["frames"]
        # 4.x runs 4 async worker threads (re_thread_async_init()): the
        # kernel may hand this process-wide SIGSEGV to one of them, whose
        # stack is a wait and the thread's start
        self.assertGreater(len(frames), 1 if harness.FAMILY == "4" else 2)
        for fr in frames:
            if "addr_mode" in fr:
                idx = int(fr["addr_mode"].split(":")[1])
                self.assertEqual(fr["package"], names[idx])
        self.assert_no_canaries(text)
        self.assert_no_canaries(crash_dir_text(b))

        # the tool lists it and shows exactly the envelope it would send
        p = octasip("crash", "list", profile=b.profile)
        self.assertIn(rid, p.stdout)
        self.assertIn("SIGSEGV", p.stdout)
        p = octasip("crash", "show", rid, profile=b.profile)
        self.assertIn("consent is not given", p.stderr)
        lines = p.stdout.split("\n")
        self.assertEqual(json.loads(lines[0])["dsn"], self.rx.dsn)
        self.assertEqual(lines[2], text)

        # without consent the tool sends nothing either
        p = octasip("crash", "send", profile=b.profile, check=False)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("consent is not given", p.stderr)
        self.assertEqual(self.rx.requests, 0)

        # consent given: the module's worker sends it at the next start
        octasip("crash", "consent", "give", profile=b.profile)
        restart(b)
        envs = self.rx.wait_envelopes(1)
        self.assertEqual(self.rx.errors, [])
        self.assertEqual(envs[0].header["event_id"], rid)
        self.assertEqual(envs[0].payload, ev)
        wait_for(lambda: not reports(b), what="sent report deleted")
        self.assertEqual(b.stop(), 0)
        self.assertEqual(self.rx.requests, 1)
        a.kill()    # its peer died mid-call: no clean BYE to wait for

    def test_interrupted_call_row(self):
        a, b = self.caller_and_callee()
        # the call log writes from its own thread: crash once the row is
        # on disk (the control socket answers fast enough to beat it)
        wait_for(lambda: [r["status"] for r in b.calllog_rows()] ==
                 ["in_progress"], 10, "b's in_progress row")
        b.signal(signal.SIGSEGV)
        self.assertEqual(b.proc.wait(10), -signal.SIGSEGV)
        b._forget()
        restart(b)
        self.assertEqual(b.stop(), 0)
        rows = b.calllog_rows()
        self.assertEqual([r["status"] for r in rows], ["interrupted"])
        a.kill()    # its peer died mid-call: no clean BYE to wait for

    def test_real_fault_symbolises(self):
        a = Instance(self, "alice",
                     config={"octasip_crash_test_trigger": "yes"})
        a.start()
        ok, data = a.command("octasip_crash")
        self.assertTrue(ok)
        self.assertRegex(data, r"handler on, storage allowed, consent"
                         r" unknown .* 0 report\(s\) pending, \d+ modules")
        try:
            a.command("octasip_crash_test", timeout=2.0)
        except (harness.CtrlError, OSError):
            pass
        self.assertEqual(a.proc.wait(10), -signal.SIGSEGV)
        a._forget()

        octasip("crash", "list", profile=a.profile)
        files = reports(a)
        self.assertEqual(len(files), 1)
        with open(files[0]) as f:
            ev = json.load(f)
        exc = ev["exception"]["values"][0]
        sig = exc["mechanism"]["meta"]["signal"]
        self.assertEqual(sig["code_name"], "SEGV_MAPERR")
        self.assertEqual(ev["extra"]["fault_address"], "0x0")
        self.assertEqual(ev["extra"]["active_calls"], 0)

        # the innermost frame is the trigger in octasip_crash.so, and its
        # module-relative offset symbolises with the build's own file
        top = exc["stacktrace"]["frames"][-1]
        self.assertEqual(top["package"], "octasip_crash.so")
        sym = subprocess.run(["addr2line", "-f", "-e", CRASH_SO,
                              top["instruction_addr"]],
                             capture_output=True, text=True).stdout
        self.assertEqual(sym.split("\n")[0], "cmd_crash_test")

        # not in the shipped config
        with open(os.path.join(harness.SRC, "config", "config.in")) as f:
            self.assertNotRegex(f.read(),
                                r"(?m)^octasip_crash_test_trigger")

    def test_storage_denied_writes_no_report(self):
        a = Instance(self, "alice", permissions={"storage": "deny"})
        a.start()
        a.wait_log(r"storage permission denied: no crash reports")
        ok, data = a.command("octasip_crash")
        self.assertIn("storage denied", data)
        # the test trigger is off by default
        ok, data = a.command("octasip_crash_test")
        self.assertIsNone(a.proc.poll())
        a.signal(signal.SIGSEGV)
        self.assertEqual(a.proc.wait(10), -signal.SIGSEGV)
        a._forget()
        self.assertEqual(glob.glob(a.path("crash", "raw-*")), [])
        self.assertEqual(reports(a), [])

    def test_stats_only_with_consent(self):
        a = Instance(self, "alice", permissions={"microphone": "allow"})
        b = Instance(self, "bob", root=a.root,
                     permissions={"microphone": "allow"})
        octasip("crash", "consent", "give", profile=a.profile)
        a.start()
        b.start()
        harness.call(a, b)
        a.command("hangup")
        a.wait_event("CALL_CLOSED")
        b.wait_event("CALL_CLOSED")
        self.assertEqual(a.stop(), 0)
        self.assertEqual(b.stop(), 0)

        with open(a.path("crash", "stats.json")) as f:
            st = json.load(f)
        self.assertEqual(st["calls"]["answered"], 1)
        self.assertEqual(sum(st["calls"].values()), 1)
        self.assertEqual(st["duration"]["under_10s"], 1)
        self.assertEqual(st["encryption"], {"none": 1})
        self.assertEqual(sum(st["codecs"].values()), 1)
        self.assertEqual(os.stat(a.path("crash", "stats.json")).st_mode &
                         0o777, 0o600)

        p = octasip("stats", "show", profile=a.profile)
        shown = json.loads(p.stdout)
        self.assertEqual(shown["extra"]["usage"], st)
        for c in ("alice", "bob", "127.0.0.1", socket.gethostname()):
            self.assertNotIn(c, p.stdout)

        # bob never consented: nothing counted, nothing kept
        self.assertFalse(os.path.exists(b.path("crash", "stats.json")))
        p = octasip("stats", "show", profile=b.profile)
        self.assertIn("consent is not given", p.stderr)
        self.assertEqual(json.loads(p.stdout)["extra"]["usage"]["calls"]
                         ["answered"], 0)


    def test_stats_many_concurrent_calls(self):
        """40 answered calls up at once (sipp) count as 40 answered: the
        module's table of calls grows (it held 32, and the calls past it
        were counted as rejected)."""
        n = 40
        b = Instance(self, "bob", account=";regint=0;answermode=auto",
                     permissions={"microphone": "allow",
                                  "phone_state": "allow"},
                     config={"octasip_policy_max_incoming_per_source":
                             "0",
                             "octasip_policy_max_incoming_per_address":
                             "0", "call_max_calls": "100"})
        octasip("crash", "consent", "give", profile=b.profile)
        b.start()
        p = subprocess.run(
            ["sipp", "-sn", "uac", "127.0.0.1:%d" % b.sip_port,
             "-s", "bob", "-i", "127.0.0.1", "-p", str(harness.free_port()),
             "-m", str(n), "-l", str(n), "-r", "40", "-d", "4000",
             "-timeout", "40", "-timeout_error", "-nostdin"],
            cwd=b.root, stdin=subprocess.DEVNULL, capture_output=True,
            text=True, timeout=60)
        self.assertEqual(p.returncode, 0, p.stdout[-2000:])
        self.assertEqual(b.stop(), 0)

        with open(b.path("crash", "stats.json")) as f:
            st = json.load(f)
        self.assertEqual(st["calls"]["answered"], n, st["calls"])
        self.assertEqual(sum(st["calls"].values()), n)


if __name__ == "__main__":
    harness.main()
