"""The systemd user unit octasip.service.

It passes `systemd-analyze --user verify` with no message at all, takes
the vault key as the encrypted credential octasip-vault-key, and its own
command line (ExecStart: run --headless --init) seeds a profile and runs
baresip headless: no stdio.so, nothing on the terminal UI path that fails
on /dev/null.  Exit status 77 (a locked keyring) does not restart it.  Build tree: the configured unit with the octasip path pointed
at the built tool.  OCTASIP_INSTALLED=1: the installed unit as it is.
"""

import os
import re
import shlex
import shutil
import subprocess
import tempfile
import unittest

import harness

INSTALLED = os.environ.get("OCTASIP_INSTALLED") == "1"
UNIT_INSTALLED = "/usr/lib/systemd/user/octasip.service"


def unit_text():
    if INSTALLED:
        with open(UNIT_INSTALLED) as f:
            return f.read()
    with open(os.path.join(os.environ["OCTASIP_BUILD"], "packaging",
                           "octasip.service")) as f:
        text = f.read()
    # the configured unit names the install path; point it at the build
    return re.sub(r"(?m)^(Exec\w+=)\S*/octasip\b",
                  lambda m: m.group(1) + harness.OCTASIP, text)


def unit_values(text, key):
    return [m.group(1) for m in
            re.finditer(r"(?m)^%s=(.*)$" % re.escape(key), text)]


class SystemdUnitTest(unittest.TestCase):

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="octasip-unit-")
        self.addCleanup(shutil.rmtree, self.tmp, True)

    def write_unit(self, text):
        """(unit file path, environment with a runtime directory)"""
        unit = os.path.join(self.tmp, "octasip.service")
        with open(unit, "w") as f:
            f.write(text)
        rt = os.path.join(self.tmp, "rt")
        os.makedirs(rt, mode=0o700, exist_ok=True)
        return unit, dict(os.environ, XDG_RUNTIME_DIR=rt)

    def verify(self, text):
        unit, env = self.write_unit(text)
        if not INSTALLED:
            # Documentation=man:... is checked too: find the pages
            man = os.path.join(self.tmp, "man")
            src = os.path.join(harness.SRC, "packaging", "man")
            for page in ("octasip.1", "octasip-modules.7"):
                d = os.path.join(man, "man" + page[-1])
                os.makedirs(d, exist_ok=True)
                os.symlink(os.path.join(src, page), os.path.join(d, page))
            env["MANPATH"] = man + ":/usr/share/man"
        return subprocess.run(["systemd-analyze", "--user", "verify", unit],
                              capture_output=True, text=True, env=env,
                              timeout=60)

    def test_verify_clean(self):
        p = self.verify(unit_text())
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stdout + p.stderr, "")

    def test_verify_catches_a_bad_unit(self):
        # the check above can fail: an unknown key is only a warning
        # (exit 0), so it must be the empty output that passes
        bad = unit_text().replace("[Service]", "[Service]\nExecStrat=x")
        p = self.verify(bad)
        self.assertIn("ExecStrat", p.stderr)

    def security(self, text):
        unit, env = self.write_unit(text)
        p = subprocess.run(["systemd-analyze", "security", "--offline=true",
                            "--user", unit], capture_output=True, text=True,
                           timeout=60, env=env)
        m = re.search(r"Overall exposure level for octasip\.service:"
                      r" (\d+\.\d+)", p.stdout)
        self.assertTrue(m, p.stdout + p.stderr)
        return float(m.group(1)), p.stdout

    def test_security_score_ok(self):
        """systemd-analyze security: 4.0 or lower ("OK"); the unit as
        it was (no confinement) scored 9.4 UNSAFE"""
        score, out = self.security(unit_text())
        self.assertLessEqual(score, 4.0, out)
        # and the check can fail: without the confinement block it does
        bare = re.sub(r"(?ms)^# Confinement.*?(?=^\[Install\])", "",
                      unit_text())
        self.assertNotEqual(bare, unit_text())
        score, out = self.security(bare)
        self.assertGreater(score, 4.0, out)

    def test_confinement_keeps_profile_and_runtime_dir_writable(self):
        text = unit_text()
        self.assertEqual(unit_values(text, "ProtectSystem"), ["strict"])
        # the profile, ${XDG_CONFIG_HOME:-~/.config}/octasip, 0700
        self.assertEqual(unit_values(text, "ConfigurationDirectory"),
                         ["octasip"])
        self.assertEqual(unit_values(text, "ConfigurationDirectoryMode"),
                         ["0700"])
        # $XDG_RUNTIME_DIR: PulseAudio/PipeWire and D-Bus sockets
        self.assertIn("%t", " ".join(unit_values(text, "ReadWritePaths")))
        # sockets for SIP, the audio server, D-Bus, interface lookup
        fams = unit_values(text, "RestrictAddressFamilies")[0].split()
        for fam in ("AF_UNIX", "AF_INET", "AF_INET6", "AF_NETLINK"):
            self.assertIn(fam, fams)
        # setrlimit (core dumps off) is in @resources: not filtered out
        self.assertNotIn("@resources",
                         " ".join(unit_values(text, "SystemCallFilter")))
        # directives a user manager does not support are not used
        self.assertEqual(unit_values(text, "ProtectProc"), [])

    @unittest.skipIf(INSTALLED, "source check")
    def test_every_directive_is_documented(self):
        with open(os.path.join(harness.SRC, "docs", "packaging.md")) as f:
            doc = f.read()
        block = re.search(r"(?ms)^# Confinement.*?(?=^\[Install\])",
                          unit_text()).group(0)
        for key in re.findall(r"(?m)^(\w+)=", block):
            self.assertTrue("`%s=" % key in doc, key)

    def test_unit_shape(self):
        text = unit_text()
        self.assertEqual(unit_values(text, "Type"), ["simple"])
        self.assertEqual(unit_values(text, "LoadCredentialEncrypted"),
                         ["octasip-vault-key"])
        self.assertEqual(unit_values(text, "StandardInput"), ["null"])
        self.assertEqual(unit_values(text, "UMask"), ["0077"])
        # init inside the main process: RestartPreventExitStatus does not
        # apply to ExecStartPre=, so a locked keyring there would loop
        self.assertEqual(unit_values(text, "ExecStartPre"), [])
        start = unit_values(text, "ExecStart")
        self.assertEqual(len(start), 1)
        self.assertTrue(start[0].endswith("octasip run --headless --init"),
                        start)
        self.assertEqual(unit_values(text, "Restart"), ["on-failure"])
        self.assertEqual(unit_values(text, "RestartPreventExitStatus"),
                         ["77"])

    def test_unit_commands_run_headless(self):
        """ExecStart as systemd runs it (stdin /dev/null, UMask 0077),
        on a fresh profile: seeded by a first start (the ports are set
        before the second), then run."""
        text = unit_text()
        home = os.path.join(self.tmp, "home")
        os.makedirs(home)
        # a user manager gives its services XDG_RUNTIME_DIR (0700): the
        # control socket goes there (a profile deep in a temporary
        # folder could be too long a path for a Unix socket)
        rt = tempfile.mkdtemp(prefix="octasip-rt-")
        self.addCleanup(shutil.rmtree, rt, True)
        env = {"PATH": "/usr/bin:/bin", "HOME": home,
               "XDG_CONFIG_HOME": os.path.join(home, ".config"),
               "XDG_RUNTIME_DIR": rt}
        prof = os.path.join(home, ".config", "octasip")
        first = shlex.split(unit_values(text, "ExecStart")[0])
        p = subprocess.run(first + ["--", "-t", "1"], env=env,
                           stdin=subprocess.DEVNULL, capture_output=True,
                           text=True, timeout=60)
        self.assertIn("profile ready", p.stdout)
        self.assertTrue(os.path.exists(os.path.join(prof, "config")))
        # loopback ports only, never the defaults another program may use
        cfg = os.path.join(prof, "config")
        with open(cfg) as f:
            c = f.read()
        c = re.sub(r"(?m)^#?sip_listen\s.*$",
                   "sip_listen\t127.0.0.1:%d" % harness.free_port(), c)
        with open(cfg, "w") as f:
            f.write(c)

        log = os.path.join(self.tmp, "service.log")
        start = shlex.split(unit_values(text, "ExecStart")[0])
        with open(log, "wb") as lf:
            proc = subprocess.Popen(start, env=env,
                                    stdin=subprocess.DEVNULL, stdout=lf,
                                    stderr=subprocess.STDOUT,
                                    start_new_session=True,
                                    preexec_fn=lambda: os.umask(0o077))

        def stop():
            if proc.poll() is None:
                os.killpg(proc.pid, 9)
                proc.wait()
        self.addCleanup(stop)

        ctl = harness.Ctrl(harness.ctrl_socket_path(prof, env), 15.0)
        self.addCleanup(ctl.close)
        ok, _ = ctl.command("reginfo")
        self.assertTrue(ok)
        ctl.command("quit")
        self.assertEqual(proc.wait(15), 0)
        with open(log, "rb") as f:
            out = f.read().decode("utf-8", "replace")
        self.assertIn("baresip is ready", out)
        self.assertNotIn("stdio", out)
        with open(cfg) as f:
            c = f.read()
        block = c.split("# >>> octasip managed", 1)[1].split(
            "# <<< octasip managed", 1)[0]
        self.assertNotRegex(block, r"(?m)^module\s+stdio\.so")


if __name__ == "__main__":
    harness.main()
