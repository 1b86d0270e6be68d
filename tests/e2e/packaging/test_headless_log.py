"""A headless `octasip run` writes a log a journal can hold: during a 5 s
call no "\\r" call-status updates and no ANSI escapes (baresip colours every
warning), while a terminal keeps the menu's call-status line."""

import os
import pty
import re
import select
import subprocess
import time

import harness
from harness import Instance

# a status update is text that a bare "\r" overwrites (no "\n" after it)
STATUS = re.compile(rb"\r(?!\n)")
ESC = b"\x1b"
def raw_log(inst):
    with open(inst.log_path, "rb") as f:
        return f.read()


# baresip warns (in red) when a module is loaded twice: 1.0.0, 1.1.0 and
# 4.x alike (1.1.0's uafind no longer warns about an unknown account,
# 4.x answers it over the control socket only)
WARN_CMD = "/insmod g711"
WARNING = b"module g711.so: "


def provoke_warning(inst):
    inst.command("insmod", "g711")


class HeadlessLogTest(harness.TestCase):

    def call_for(self, a, b, seconds):
        harness.call(a, b)
        b.wait_event("CALL_RTPESTAB")
        provoke_warning(a)
        provoke_warning(b)
        time.sleep(seconds)
        a.command("hangup")
        a.wait_event("CALL_CLOSED")
        b.wait_event("CALL_CLOSED")

    def test_no_status_lines_no_escapes_in_a_5s_call(self):
        a = Instance(self, "alice", permissions={"microphone": "allow"})
        b = Instance(self, "bob", root=a.root,
                     permissions={"microphone": "allow"})
        a.start()
        b.start()
        self.call_for(a, b, 5.0)
        self.assertEqual(a.stop(), 0)
        self.assertEqual(b.stop(), 0)

        for inst in (a, b):
            log = raw_log(inst)
            # the warning and the call are in the log, as plain text
            self.assertIn(WARNING, log)
            self.assertIn(b"Call established", log)
            self.assertEqual(len(STATUS.findall(log)), 0,
                             "status updates in %s's log" % inst.name)
            self.assertEqual(log.count(ESC), 0,
                             "ANSI escapes in %s's log:\n%r" %
                             (inst.name, log[-2000:]))
            self.assertRegex(inst.config_text(),
                             r"(?m)^statmode_default\s+off$")

    def test_pipe_and_journal_style_stderr_are_filtered_too(self):
        """stdout and stderr as separate pipes (not one file)"""
        a = Instance(self, "alice")
        p = subprocess.run(
            [harness.OCTASIP, "-d", a.profile, "run", "--tone", "--",
             "-t", "2", "-e", WARN_CMD],
            stdin=subprocess.DEVNULL, capture_output=True, timeout=60,
            env=dict(os.environ, **harness.sanitizer_env()))
        self.assertEqual(p.returncode, 0, p.stderr)
        out = p.stdout + p.stderr
        self.assertIn(WARNING, out)
        self.assertNotIn(ESC, out)
        self.assertIn(b"baresip is ready", p.stdout)

    def test_run_log_keeps_the_filtered_output(self):
        """run --log (support bundle): its baresip.log and what it passes
        on are plain too"""
        a = Instance(self, "alice")
        p = subprocess.run(
            [harness.OCTASIP, "-d", a.profile, "run", "--tone", "--log",
             "--", "-t", "2", "-e", WARN_CMD],
            stdin=subprocess.DEVNULL, capture_output=True, timeout=60,
            env=dict(os.environ, **harness.sanitizer_env()))
        self.assertEqual(p.returncode, 0, p.stderr)
        with open(a.path("baresip.log"), "rb") as f:
            kept = f.read()
        for out in (p.stdout + p.stderr, kept):
            self.assertIn(WARNING, out)
            self.assertNotIn(ESC, out)
            self.assertEqual(len(STATUS.findall(out)), 0)

    def test_terminal_keeps_the_status_line(self):
        """alice on a terminal (pty), answering by herself; bob calls"""
        a = Instance(self, "alice", account=";regint=0;answermode=auto",
                     permissions={"microphone": "allow"})
        b = Instance(self, "bob", root=a.root,
                     permissions={"microphone": "allow"})
        b.start()
        master, slave = pty.openpty()
        proc = subprocess.Popen(
            [harness.OCTASIP, "-d", a.profile, "run", "--tone", "--",
             "-t", "60"],
            stdin=slave, stdout=slave, stderr=slave,
            env=dict(os.environ, **harness.sanitizer_env()),
            start_new_session=True)
        os.close(slave)
        self.addCleanup(lambda: proc.poll() is None and (
            os.killpg(proc.pid, 9), proc.wait()))
        out = bytearray()

        def drain(until, pattern=None):
            while time.monotonic() < until:
                if pattern and re.search(pattern, bytes(out)):
                    return
                r, _, _ = select.select([master], [], [], 0.1)
                if r:
                    try:
                        out.extend(os.read(master, 65536))
                    except OSError:
                        return

        drain(time.monotonic() + 15, rb"baresip is ready")
        ok, data = b.command("dial", a.aor)
        self.assertTrue(ok, data)
        b.wait_event("CALL_ESTABLISHED")
        drain(time.monotonic() + 2.0)
        b.command("hangup")
        b.wait_event("CALL_CLOSED")
        proc.send_signal(15)
        drain(time.monotonic() + 5)
        proc.wait(15)
        os.close(master)
        self.assertEqual(b.stop(), 0)
        self.assertNotRegex(a.config_text(), r"statmode_default")
        self.assertGreater(len(STATUS.findall(bytes(out))), 3,
                           bytes(out)[-2000:])

if __name__ == "__main__":
    harness.main()
