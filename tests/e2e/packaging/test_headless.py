"""octasip run --headless: no terminal UI (stdio.so) in the managed
block, even with a terminal on stdin; without the flag a terminal gets
stdio.so and anything else (/dev/null, as under systemd) does not."""

import os
import pty
import re
import shutil
import subprocess
import tempfile
import unittest

import harness


def managed_block(cfg):
    with open(cfg) as f:
        c = f.read()
    return c.split("# >>> octasip managed", 1)[1].split(
        "# <<< octasip managed", 1)[0]


class HeadlessTest(unittest.TestCase):

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="octasip-headless-")
        self.addCleanup(shutil.rmtree, self.tmp, True)
        self.prof = os.path.join(self.tmp, "p")
        harness.octasip("init", profile=self.prof)
        self.cfg = os.path.join(self.prof, "config")
        with open(self.cfg) as f:
            c = f.read()
        c = re.sub(r"(?m)^#?sip_listen\s.*$",
                   "sip_listen\t127.0.0.1:%d" % harness.free_port(), c)
        with open(self.cfg, "w") as f:
            f.write(c)

    def run_with(self, flags, tty):
        args = [harness.OCTASIP, "-d", self.prof, "run", "--tone"] + flags
        args += ["--", "-t", "1"]
        if tty:
            master, slave = pty.openpty()
            self.addCleanup(os.close, master)
            try:
                p = subprocess.run(args, stdin=slave, capture_output=True,
                                   timeout=30)
            finally:
                os.close(slave)
        else:
            p = subprocess.run(args, stdin=subprocess.DEVNULL,
                               capture_output=True, timeout=30)
        out = (p.stdout + p.stderr).decode("utf-8", "replace")
        self.assertEqual(p.returncode, 0, out)
        return out

    def test_terminal_gets_stdio(self):
        self.run_with([], tty=True)
        self.assertRegex(managed_block(self.cfg), r"(?m)^module\s+stdio\.so")

    def test_headless_flag_drops_stdio_on_a_terminal(self):
        out = self.run_with(["--headless"], tty=True)
        self.assertNotRegex(managed_block(self.cfg), r"stdio\.so")
        self.assertNotIn("stdio", out)

    def test_no_terminal_is_headless(self):
        out = self.run_with([], tty=False)
        self.assertNotRegex(managed_block(self.cfg), r"stdio\.so")
        self.assertNotIn("stdio", out)


if __name__ == "__main__":
    harness.main()
