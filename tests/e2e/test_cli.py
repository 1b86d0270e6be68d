"""The octasip tool: init/run/demo and what bad input gets."""

import os
import re
import signal
import socket
import stat
import subprocess
import tempfile
import time
import shutil
import harness
from harness import octasip


class CliTest(harness.TestCase):

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="octasip-cli-")
        self.addCleanup(shutil.rmtree, self.tmp, True)
        self.prof = os.path.join(self.tmp, "p")

    def assertOneLineError(self, p):
        self.assertNotEqual(p.returncode, 0)
        lines = [l for l in p.stderr.splitlines() if l.strip()]
        self.assertEqual(len(lines), 1, p.stderr)
        self.assertTrue(lines[0].startswith("octasip: "), p.stderr)

    def test_unknown_subcommand(self):
        p = octasip("frobnicate", check=False)
        self.assertUsageError(p, "unknown subcommand", sub="")

    def test_unknown_option(self):
        p = octasip("init", "--bogus", profile=self.prof, check=False)
        self.assertUsageError(p, "unknown option --bogus", "init")
        p = octasip("run", "--bogus", profile=self.prof, check=False)
        self.assertUsageError(p, "unknown option --bogus", "run")
        # no prefixes: an abbreviation is not the option
        p = octasip("demo", "--kee", check=False)
        self.assertUsageError(p, "unknown option --kee", "demo")

    def test_no_subcommand_prints_usage(self):
        p = octasip(check=False)
        self.assertEqual(p.returncode, 2)
        self.assertIn("usage: octasip", p.stderr)

    def test_d_without_dir(self):
        p = octasip("init", "-d", check=False)
        self.assertUsageError(p, "option -d needs a value", "init")

    def test_missing_value_and_numbers(self):
        p = octasip("demo", "--seconds", check=False)
        self.assertUsageError(p, "option --seconds needs a value", "demo")
        for bad in ("abc", "-1", "61", "2x", ""):
            p = octasip("demo", "--seconds", bad, check=False)
            self.assertUsageError(p, "needs a number", "demo")
            p = octasip("demo", "--seconds=" + bad, check=False)
            self.assertUsageError(p, "needs a number", "demo")
        p = octasip("calllog", "list", "--limit", "ten", check=False,
                    profile=self.prof)
        self.assertUsageError(p, "--limit", "calllog")
        p = octasip("calllog", "list", "--json=yes", check=False,
                    profile=self.prof)
        self.assertUsageError(p, "option --json takes no value", "calllog")

    def test_passphrase_fd_without_value(self):
        # a missing value is said as such, not as a password on the
        # command line; a password option still is refused
        for sub in (["account", "import"], ["vault", "rekey"],
                    ["data", "export"]):
            p = octasip(*sub, "--passphrase-fd", check=False,
                        profile=self.prof)
            self.assertUsageError(p, "option --passphrase-fd needs a value",
                                  sub[0])
            self.assertNotIn("never taken", p.stderr)
        for bad in (["--password", "x"], ["--password=x"], ["--pass", "x"],
                    ["-p", "x"]):
            p = octasip("account", "add", "sip:a@b", *bad, check=False,
                        profile=self.prof)
            self.assertUsageError(p, "passwords are never taken from the"
                                  " command line", "account")

    def test_opt_equals_value(self):
        octasip("init", profile=self.prof)
        p = octasip("calllog", "list", "--limit=5", "--json",
                    profile=self.prof)
        self.assertEqual(p.stdout.strip(), "[]")
        p = octasip("calllog", "export", "--format=csv",
                    "--since=2020-01-01", profile=self.prof)
        self.assertTrue(p.stdout.startswith("id,call_id"), p.stdout)
        # options after operands, as git and systemctl take them
        p = octasip("perm", "set", "microphone", "deny", profile=self.prof)
        p = octasip("calllog", "purge", "--older-than=30",
                    profile=self.prof)
        self.assertEqual(p.returncode, 0)

    def test_subcommand_help(self):
        # no profile needed: -d points at nothing
        nowhere = os.path.join(self.tmp, "none")
        subs = ["init", "run", "demo", "account", "vault", "calllog",
                "perm", "crash", "stats", "data", "support"]
        for sub in subs:
            for args in ([sub, "--help"], [sub, "-h"], ["help", sub]):
                p = octasip(*args, profile=nowhere, check=False)
                self.assertEqual(p.returncode, 0, (args, p.stderr))
                self.assertEqual(p.stderr, "", args)
                self.assertTrue(p.stdout.startswith("usage: octasip"),
                                (args, p.stdout))
                self.assertIn(" %s" % sub, p.stdout.splitlines()[0])
            self.assertFalse(os.path.exists(nowhere))
        # an action's --help is its subcommand's
        p = octasip("calllog", "list", "--help", profile=nowhere)
        self.assertIn("--missed", p.stdout)
        p = octasip("account", "add", "sip:a@b", "--help",
                    profile=nowhere)
        self.assertIn("--realm", p.stdout)
        # the overview
        for args in (["help"], ["--help"], ["-h"]):
            p = octasip(*args)
            self.assertIn("account", p.stdout)
        p = octasip("help", "frobnicate", check=False)
        self.assertUsageError(p, "frobnicate", sub="")
        # after "--", --help is baresip's
        p = octasip("run", "--", "--help", profile=nowhere, check=False,
                    env={"OCTASIP_BARESIP": "/nonexistent/baresip"})
        self.assertNotEqual(p.returncode, 0)
        self.assertEqual(p.stdout, "")

    def test_usage_errors_exit_2(self):
        cases = [
            ["account"], ["account", "frob"], ["account", "add"],
            ["account", "list", "extra"], ["vault"],
            ["vault", "status", "--realm", "x"], ["calllog"],
            ["calllog", "purge"], ["calllog", "purge", "--all", "--peer",
                                   "x"],
            ["perm"], ["perm", "set", "microphone"], ["crash"],
            ["crash", "show"], ["crash", "delete", "--all", "x"],
            ["crash", "list", "--all"], ["stats"], ["stats", "show", "x"],
            ["data"], ["data", "export", "a", "b"], ["data", "wipe", "x"],
            ["support"], ["support", "bundle", "a", "b"], ["init", "x"],
            ["run", "x"], ["run", "x", "--", "-t", "1"], ["demo", "x"],
        ]
        for args in cases:
            p = octasip(*args, profile=self.prof, check=False)
            self.assertUsageError(p, sub=args[0])
        self.assertFalse(os.path.exists(self.prof))

    def test_init_creates_private_profile(self):
        octasip("init", profile=self.prof)
        st = os.stat(self.prof)
        self.assertEqual(stat.S_IMODE(st.st_mode), 0o700)
        for n in ("config", "accounts", "contacts"):
            st = os.stat(os.path.join(self.prof, n))
            self.assertEqual(stat.S_IMODE(st.st_mode), 0o600, n)
        acc = open(os.path.join(self.prof, "accounts")).read()
        lines = [l for l in acc.splitlines()
                 if l.strip() and not l.startswith("#")]
        self.assertEqual(lines, [])
        self.assertNotIn("auth_pass=", "\n".join(lines))

    def test_init_is_idempotent_and_keeps_user_changes(self):
        octasip("init", profile=self.prof)
        cfg = os.path.join(self.prof, "config")
        with open(cfg, "a") as f:
            f.write("# my own line\n")
        before = open(cfg).read()
        p = octasip("init", profile=self.prof)
        self.assertIn("kept", p.stdout)
        self.assertEqual(open(cfg).read(), before)
        acc = os.path.join(self.prof, "accounts")
        a1 = open(acc).read()
        octasip("init", profile=self.prof)
        self.assertEqual(open(acc).read(), a1)

    def test_env_profile_resolution(self):
        home = os.path.join(self.tmp, "oh")
        p = octasip("init", env={"OCTASIP_HOME": home})
        self.assertTrue(os.path.exists(os.path.join(home, "config")))
        xdg = os.path.join(self.tmp, "xdg")
        env = {"OCTASIP_HOME": "", "XDG_CONFIG_HOME": xdg}
        octasip("init", env=env)
        self.assertTrue(os.path.exists(os.path.join(xdg, "octasip",
                                                    "config")))

    def test_missing_parent_directory(self):
        p = octasip("init", profile=os.path.join(self.tmp, "no", "such"),
                    check=False)
        self.assertOneLineError(p)
        self.assertIn("does not exist", p.stderr)

    def test_unwritable_profile(self):
        if os.geteuid() == 0:
            # root ignores modes: use a path under a file instead
            f = os.path.join(self.tmp, "file")
            open(f, "w").close()
            p = octasip("init", profile=os.path.join(f, "p"), check=False)
        else:
            os.mkdir(self.prof, 0o500)
            p = octasip("init", profile=self.prof, check=False)
        self.assertOneLineError(p)

    def test_run_on_missing_profile_dir_errors(self):
        p = octasip("calllog", "list",
                    profile=os.path.join(self.tmp, "none"), check=False)
        self.assertNotEqual(p.returncode, 0)

    def test_baresip_not_installed(self):
        octasip("init", profile=self.prof)
        for sub in (["run"], ["demo"]):
            p = octasip(*sub, profile=self.prof, check=False,
                        env={"OCTASIP_BARESIP": "/nonexistent/baresip"})
            self.assertOneLineError(p)
            self.assertIn("baresip is not installed", p.stderr)

    def test_port_in_use(self):
        octasip("init", profile=self.prof)
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        s.listen(1)
        port = s.getsockname()[1]
        self.addCleanup(s.close)
        cfg = os.path.join(self.prof, "config")
        text = open(cfg).read()
        text += "cons_listen\t127.0.0.1:%d\n" % port
        open(cfg, "w").write(text)
        p = octasip("run", profile=self.prof, check=False, timeout=20)
        self.assertOneLineError(p)
        self.assertIn("already in use", p.stderr)
        self.assertIn(str(port), p.stderr)

    def test_restart_on_same_ports(self):
        # a stopped instance leaves its socket lock free and its SIP port
        # in TIME_WAIT; the launcher must not mistake either for a
        # conflict
        from harness import Instance
        a = Instance(self, "alice")
        a.start()
        self.assertEqual(a.stop(), 0)
        a.start()
        self.assertEqual(a.stop(), 0)

    def test_run_managed_block_rewritten_user_lines_kept(self):
        octasip("init", profile=self.prof)
        cfg = os.path.join(self.prof, "config")
        text = open(cfg).read().replace("module\t\t\tturn.so",
                                        "#module turn.so")
        text += "my_key\tmy_value\n"
        open(cfg, "w").write(text)
        p = octasip("run", "--tone", "--", "-t", "1", profile=self.prof,
                    check=False, timeout=30)
        self.assertEqual(p.returncode, 0, p.stderr)
        text = open(cfg).read()
        self.assertIn("my_key\tmy_value", text)
        self.assertIn("#module turn.so", text)
        self.assertRegex(text, r"(?m)^audio_source\s+ausine,440")
        self.assertRegex(text, r"(?m)^module_path\s+/")

    def test_demo_completes_a_call(self):
        p = octasip("demo", check=False, timeout=120,
                    env={"TMPDIR": self.tmp})
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertIn("answered", p.stdout)
        self.assertIn("RTP audio flowing", p.stdout)

    def wrapper(self, body):
        """An OCTASIP_BARESIP that runs body (Python) with the profile
        directory in `prof` and the real baresip in `real`."""
        path = os.path.join(self.tmp, "baresip-wrapper")
        with open(path, "w") as f:
            f.write("#!/usr/bin/python3\nimport os, sys, socket, time\n"
                    "prof = sys.argv[sys.argv.index('-f') + 1]\n"
                    "real = %r\n%s\n" % (harness.BARESIP, body))
        os.chmod(path, 0o700)
        return {"TMPDIR": self.tmp, "OCTASIP_BARESIP": path}

    def test_demo_sip_port_taken_before_baresip_binds(self):
        # Between the demo's port check and bob's bind, another program
        # takes bob's TLS port (SIP port + 1).  Bob's real baresip fails
        # with "Address already in use"; the demo starts him again on a
        # new port and the call still completes.
        env = self.wrapper(
            "marker = os.path.join(%r, 'taken')\n"
            "if prof.endswith('/bob') and not os.path.exists(marker):\n"
            "    open(marker, 'w').close()\n"
            "    cfg = open(os.path.join(prof, 'config')).read()\n"
            "    port = int([l.split()[1] for l in cfg.splitlines()\n"
            "                if l.startswith('sip_listen')][0]"
            ".rsplit(':', 1)[1])\n"
            "    s = socket.socket()\n"
            "    s.bind(('127.0.0.1', port + 1))\n"
            "    s.listen(1)\n"
            "    if os.fork() == 0:\n"
            "        time.sleep(20)\n"
            "        os._exit(0)\n"
            "    s.close()\n"
            "os.execv(real, [real] + sys.argv[1:])" % self.tmp)
        p = octasip("demo", check=False, timeout=120, env=env)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertTrue(os.path.exists(os.path.join(self.tmp, "taken")))
        self.assertRegex(p.stdout, r"bob +port taken, starting again on "
                         r"\d+")
        self.assertIn("result: call answered and completed", p.stdout)

    def test_demo_baresip_exits_at_start(self):
        # a baresip that dies before its control socket opens: the demo
        # says so at once (not after the 30 s wait), with the end of the
        # log that says why, and leaves no process behind
        env = self.wrapper("print('ua: init failed: something broke')\n"
                           "sys.exit(3)")
        t0 = time.monotonic()
        p = octasip("demo", check=False, timeout=60, env=env)
        self.assertLess(time.monotonic() - t0, 15)
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        self.assertIn("octasip: alice's baresip exited (status 3) before"
                      " it opened its control socket", p.stderr)
        self.assertIn("ua: init failed: something broke", p.stderr)
        self.assertNotIn("starting again", p.stdout)
        m = re.search(r"on loopback \((/[^)]+)\)", p.stdout)
        self.assertTrue(m, p.stdout)
        self.addCleanup(shutil.rmtree, m.group(1), True)
        self.assertIn("kept in " + m.group(1), p.stdout)
        self.assertEqual(self.processes_under(m.group(1)), [])

    def test_demo_stopped_by_signal(self):
        # SIGINT, SIGTERM, SIGPIPE: both baresips stop, the temporary
        # profiles go, octasip exits 128+signal
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGPIPE):
            proc = subprocess.Popen([harness.OCTASIP, "demo", "--seconds",
                                     "60"], stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, text=True)
            self.addCleanup(proc.kill)
            root = None
            for line in proc.stdout:
                m = re.search(r"on loopback \((/[^)]+)\)", line)
                if m:
                    root = m.group(1)
                if "RTP audio flowing" in line:
                    break
            self.assertTrue(root and os.path.isdir(root), root)
            pids = self.processes_under(root)
            self.assertEqual(len(pids), 2, pids)
            proc.send_signal(sig)
            rc = proc.wait(timeout=30)
            err = proc.stderr.read()
            proc.stdout.close()
            proc.stderr.close()
            self.assertEqual(rc, 128 + sig, err)
            self.assertIn("stopped by a signal", err)
            self.assertFalse(os.path.exists(root), sig)
            self.assertEqual(self.processes_under(root), [], sig)

    @staticmethod
    def processes_under(root):
        """Pids of processes whose command line names root."""
        pids = []
        for d in os.listdir("/proc"):
            if not d.isdigit():
                continue
            try:
                with open("/proc/%s/cmdline" % d, "rb") as f:
                    if root.encode() in f.read():
                        pids.append(int(d))
            except OSError:
                pass
        return pids


if __name__ == "__main__":
    harness.main()
