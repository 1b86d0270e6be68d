"""The octasip tool: init/run/demo and what bad input gets."""

import os
import re
import socket
import stat
import subprocess
import tempfile
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
        self.assertOneLineError(p)
        self.assertIn("unknown subcommand", p.stderr)

    def test_unknown_option(self):
        p = octasip("init", "--bogus", profile=self.prof, check=False)
        self.assertOneLineError(p)
        p = octasip("run", "--bogus", profile=self.prof, check=False)
        self.assertOneLineError(p)

    def test_no_subcommand_prints_usage(self):
        p = octasip(check=False)
        self.assertEqual(p.returncode, 2)
        self.assertIn("usage: octasip", p.stderr)

    def test_d_without_dir(self):
        p = octasip("init", "-d", check=False)
        self.assertOneLineError(p)

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


if __name__ == "__main__":
    harness.main()
