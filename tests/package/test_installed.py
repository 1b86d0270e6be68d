"""Smoke test of the INSTALLED octasip package (scripts/package-test).

Runs from a temporary directory with PATH=/usr/bin:/bin and no build
tree: /usr/bin/octasip, /usr/lib/baresip/modules/octasip_*.so and
/usr/share/octasip only.  scripts/package-test also runs test_call.py and
tests/e2e/packaging/test_*.py this way (OCTASIP_INSTALLED=1).

Where the other areas add their installed checks: the call log rows of
the demo call in test_demo_call_and_call_log; a registration whose
password comes from the vault as a new test method in this class (see
docs/packaging.md).
"""

import glob
import os
import re
import shutil
import subprocess
import tempfile
import unittest

import harness

MODDIR = "/usr/lib/baresip/modules"
MODULES = ("octasip_crash", "octasip_policy", "octasip_credstore",
           "octasip_calllog", "octasip_ctrl")


def dpkg_version():
    return subprocess.run(["dpkg-query", "-W", "-f=${Version}", "octasip"],
                          capture_output=True, text=True,
                          check=True).stdout


class InstalledTest(unittest.TestCase):

    def setUp(self):
        self.assertEqual(harness.OCTASIP, "/usr/bin/octasip")
        self.tmp = tempfile.mkdtemp(prefix="octasip-installed-")
        self.addCleanup(shutil.rmtree, self.tmp, True)

    def test_files_in_place(self):
        for mod in MODULES:
            self.assertTrue(os.path.isfile(os.path.join(MODDIR,
                                                        mod + ".so")), mod)
        for t in ("config.in", "accounts", "contacts"):
            self.assertTrue(os.path.isfile("/usr/share/octasip/" + t), t)
        for p in ("/usr/share/man/man1/octasip.1.gz",
                  "/usr/share/man/man7/octasip-modules.7.gz",
                  "/usr/share/bash-completion/completions/octasip",
                  "/usr/lib/systemd/user/octasip.service",
                  "/usr/share/doc/octasip/copyright"):
            self.assertTrue(os.path.isfile(p), p)
        # nothing installed points into a build or source tree
        for f in [harness.OCTASIP] + glob.glob(MODDIR + "/octasip_*.so"):
            with open(f, "rb") as fh:
                data = fh.read()
            self.assertNotIn(b"/build/modules-out", data, f)

    def test_version_is_the_package_version(self):
        p = harness.octasip("--version")
        self.assertEqual(p.stdout.strip(), "octasip " + dpkg_version())

    def test_init_seeds_from_installed_templates(self):
        prof = os.path.join(self.tmp, "p")
        harness.octasip("init", profile=prof)
        with open("/usr/share/octasip/config.in") as f:
            tpl = f.read()
        with open(os.path.join(prof, "config")) as f:
            self.assertEqual(f.read(), tpl)

    def test_demo_call_and_call_log(self):
        p = harness.octasip("demo", timeout=120, env={"TMPDIR": self.tmp})
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        # alice's call log, as the demo prints it: one outgoing call to
        # bob, answered, lasting the talk time (2 s) or a second more
        log = p.stdout.split("alice's call log:", 1)
        self.assertEqual(len(log), 2, p.stdout)
        rows = [l for l in log[1].splitlines() if re.match(r"\d+ ", l)]
        self.assertEqual(len(rows), 1, log[1])
        self.assertRegex(rows[0], r" out +answered +0:0[23] +"
                         r"sip:bob@127\.0\.0\.1:\d+ ")

    def test_modules_load_from_installed_path(self):
        a = harness.Instance(self, "alice",
                             permissions={"microphone": "allow"},
                             root=self.tmp)
        a.start()
        self.assertRegex(a.config_text(),
                         r"(?m)^module_path\s+%s\s*$" % MODDIR)
        log = a.log()
        for mod in MODULES:
            self.assertRegex(log, r"%s: OctaSIP \S+ loaded" % mod, log)
        self.assertEqual(a.stop(), 0)


if __name__ == "__main__":
    harness.main()
