"""`octasip support bundle`: what it holds, how it is written, and that it
sends nothing.

Real baresip instances on loopback: alice registers at bob (bob answers
REGISTER with 501), runs with `octasip run --log`; the bundle then holds
the live module and registration state and the last SIP status taken from
the redacted log.  Also: 0600 and atomic, an existing file is never
replaced, "-" is stdout, the terminal flow (shown through the pager, then
written only after "y"), the log's bound and mode, `data wipe` removing
the log, and (strace) no connection to anything but the profile's own
control socket."""

import os
import re
import shutil
import subprocess
import unittest

import harness
from harness import Instance, octasip


def bundle(profile, *args, env=None, check=True):
    p = octasip("support", "bundle", *args, profile=profile, env=env,
                check=check)
    return p


def read(path):
    with open(path) as f:
        return f.read()


def section(text, title):
    m = re.search(r"(?ms)^## %s.*?(?=^## |\Z)" % re.escape(title), text)
    return m.group(0) if m else ""


class SupportBundleTest(harness.TestCase):

    def live_pair(self, run_args=("--log",)):
        b = Instance(self, "bob")
        b.start()
        a = Instance(self, "alice", root=b.root)
        a.write_accounts(["<sip:alice@127.0.0.1:%d>;regint=60" % b.sip_port,
                          "<sip:carol@127.0.0.1:9;transport=tcp>;regint=0;"
                          "mediaenc=srtp"])
        a.start(run_args=run_args)
        a.wait_log(r"501 Not Implemented")
        return a, b

    def test_connected_client_keeps_its_connection(self):
        """octasip_ctrl serves several clients: with a front end (here
        the harness) connected, the bundle asks for the live state and
        the front end keeps its connection (ctrl_tcp in baresip 1.0.0
        would have handed it over to the bundle)."""
        a, b = self.live_pair(run_args=())
        p = bundle(a.profile, "-")
        self.assertIn("### /reginfo", section(p.stdout, "Live state"))
        self.assertNotIn("did not answer", section(p.stdout, "Accounts"))
        self.assertRegex(section(p.stdout, "Modules"),
                         r"\| octasip_crash\.so \| yes \|")
        ok, data = a.command("reginfo")
        self.assertTrue(ok)
        self.assertIn("sip:alice@", data)

    def test_live_state_and_last_status(self):
        a, b = self.live_pair()
        a.ctrl.close()
        a.ctrl = None
        out = os.path.join(a.root, "bundle.md")
        p = bundle(a.profile, out)
        self.assertIn("Nothing was sent anywhere", p.stdout)
        self.assertIn(out, p.stdout)
        text = read(out)

        mods = section(text, "Modules")
        self.assertIn("baresip runs on this profile", mods)
        for m in ("octasip_crash.so", "octasip_policy.so",
                  "octasip_credstore.so", "octasip_calllog.so", "opus.so"):
            self.assertRegex(mods, r"\| %s \| yes \|" % re.escape(m))
        # module_tmp modules are unloaded after start
        if harness.FAMILY == "4":
            # 4.x has no module_tmp: account.so stays, as a module_app
            self.assertRegex(mods, r"\| module_app \| account.so \| yes \|")
        else:
            self.assertRegex(mods, r"\| module_tmp \| account.so \| no \|")

        acc = section(text, "Accounts")
        a1 = acc.split("### [account 2]")[0]
        a2 = acc.split("### [account 2]")[1]
        self.assertIn("registration state: failed (ERR)", a1)
        self.assertIn("last SIP status: 501 Not Implemented", a1)
        self.assertIn("registration interval: 60", a1)
        self.assertIn("transport: udp", a1)
        self.assertIn("transport: tcp", a2)
        self.assertIn("media encryption: srtp", a2)
        self.assertIn("does not register", a2)
        self.assertIn("registration state: not registering", a2)

        live = section(text, "Live state")
        self.assertIn("### /reginfo", live)
        self.assertIn("[account 1]", live)
        self.assertIn("octasip_crash: handler on", live)
        self.assertIn("credstore:", live)
        self.assertIn("calllog: open_calls=", live)

        out_sec = section(text, "Recent baresip output")
        self.assertIn("octasip run --log", out_sec)
        self.assertIn("baresip is ready", out_sec)
        # 1.1.0 and 4.x write "(prio N)" after the account
        self.assertRegex(out_sec, r"reg: \[account 1\]( \(prio \d+\))?:"
                         r" 501 Not Implemented")
        # no address of this machine or of the accounts anywhere
        self.assertNotIn("127.0.0.1", text)
        self.assertNotIn("192.0.2.", text)
        self.assertNotIn(a.profile, text)

        # the versions section
        ver = section(text, "Versions")
        self.assertIn("baresip: %s" % harness.BARESIP_VERSION, ver)
        self.assertRegex(ver, r"libre: \d+\.\d+")
        self.assertIn("module ABI in use: baresip %s" %
                      harness.BARESIP_VERSION, ver)
        self.assertIn("kernel: Linux", ver)
        with open("/etc/os-release") as f:
            pretty = re.search(r'PRETTY_NAME="?([^"\n]*)', f.read()).group(1)
        self.assertIn("distribution: " + pretty, ver)

        # the log itself: private, redacted as it was written
        log = a.path("baresip.log")
        self.assertEqual(os.stat(log).st_mode & 0o777, 0o600)
        raw = read(log)
        self.assertIn("baresip is ready", raw)
        self.assertNotIn("127.0.0.1", raw)
        self.assertIn("[account 1]", raw)
        # while the terminal (here: the harness's log) got it unchanged
        self.assertIn("sip:alice@127.0.0.1:%d" % b.sip_port, a.log())

        # stopped: no live state, the log stays
        a.kill()
        out2 = os.path.join(a.root, "bundle2.md")
        bundle(a.profile, out2)
        text2 = read(out2)
        self.assertIn("baresip does not run on this profile",
                      section(text2, "Live state"))
        self.assertIn("last SIP status: 501 Not Implemented",
                      section(text2, "Accounts"))

    def test_file_handling(self):
        a = Instance(self, "alice")
        out = os.path.join(a.root, "b.md")
        bundle(a.profile, out)
        st = os.stat(out)
        self.assertEqual(st.st_mode & 0o777, 0o600)
        self.assertEqual([n for n in os.listdir(a.root) if ".tmp" in n],
                         [])
        before = read(out)
        # an existing file is never replaced
        with open(out, "w") as f:
            f.write("mine")
        p = bundle(a.profile, out, check=False)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("exists", p.stderr)
        self.assertEqual(read(out), "mine")
        # -o FILE is the same as FILE
        out2 = os.path.join(a.root, "c.md")
        bundle(a.profile, "-o", out2)
        self.assertIn("## Versions", read(out2))
        # "-": stdout, and says so on stderr
        p = bundle(a.profile, "-")
        self.assertTrue(p.stdout.startswith("# OctaSIP support bundle"))
        self.assertIn("nothing was sent anywhere", p.stderr)
        self.assertEqual(section(p.stdout, "Config"),
                         section(before, "Config"))
        # the default name, in the working directory, never replaced
        cwd = os.path.join(a.root, "wd")
        os.mkdir(cwd)
        for n in range(2):
            subprocess.run([harness.OCTASIP, "-d", a.profile, "support",
                            "bundle"], cwd=cwd, check=True,
                           capture_output=True)
        names = sorted(os.listdir(cwd))
        self.assertEqual(len(names), 2, names)
        self.assertTrue(all(re.match(
            r"octasip-support-\d{4}-\d\d-\d\d(-2)?\.md$", n) for n in names))
        # bad input: a clear error, nothing written
        for args in (["--bogus"], ["x", "y"], ["--review", "--yes"]):
            p = bundle(a.profile, *args, check=False)
            self.assertNotEqual(p.returncode, 0)
            self.assertIn("octasip:", p.stderr)
        p = octasip("support", "bundle", os.path.join(a.root, "n.md"),
                    profile=os.path.join(a.root, "nope"), check=False)
        self.assertNotEqual(p.returncode, 0)
        self.assertFalse(os.path.exists(os.path.join(a.root, "n.md")))

    def run_tty(self, profile, out, answer, env):
        """The bundle on a terminal; returns (terminal output, rc)."""
        rc, term = harness.octasip_on_tty("support", "bundle", out,
                                          profile=profile, prompt="[y/N]",
                                          answer=answer.decode(), env=env)
        return term, rc

    def test_terminal_shows_before_writing(self):
        a = Instance(self, "alice")
        env = {"PAGER": "cat"}
        out = os.path.join(a.root, "t.md")
        term, rc = self.run_tty(a.profile, out, b"n\n", env)
        self.assertNotEqual(rc, 0)
        self.assertFalse(os.path.exists(out))
        # shown through the pager before the question
        self.assertLess(term.index("## Versions"), term.index("[y/N]"))
        self.assertIn("not written; nothing was sent anywhere", term)

        term, rc = self.run_tty(a.profile, out, b"y\n", env)
        self.assertEqual(rc, 0, term)
        self.assertTrue(os.path.exists(out))
        self.assertIn("Nothing was sent anywhere", term)
        self.assertIn(out, term)

        # --review without a terminal: shown on stdout, written on "y"
        out2 = os.path.join(a.root, "r.md")
        p = octasip("support", "bundle", out2, "--review", profile=a.profile,
                    stdin="n\n", check=False)
        self.assertIn("## Versions", p.stdout)
        self.assertFalse(os.path.exists(out2))
        p = octasip("support", "bundle", out2, "--review", profile=a.profile,
                    stdin="y\n")
        self.assertTrue(os.path.exists(out2))

    def test_log_is_bounded_and_wiped(self):
        a = Instance(self, "alice")
        # an old log just under the bound: the first lines rotate it
        with open(a.path("baresip.log"), "w") as f:
            f.write(("old line\n") * (256 * 1024 // 9))
        os.chmod(a.path("baresip.log"), 0o644)
        a.start(run_args=("--log",))
        harness.wait_for(lambda: "baresip is ready" in read(
            a.path("baresip.log")), what="the log")
        self.assertEqual(os.stat(a.path("baresip.log")).st_mode & 0o777,
                         0o600)
        self.assertTrue(read(a.path("baresip.log.1")).startswith("old"))
        self.assertNotIn("old line", read(a.path("baresip.log")))
        for n in ("baresip.log", "baresip.log.1"):
            self.assertLessEqual(os.path.getsize(a.path(n)), 256 * 1024)
        self.assertEqual(a.stop(), 0)
        octasip("data", "wipe", "--yes", profile=a.profile)
        self.assertFalse(os.path.exists(a.path("baresip.log")))
        self.assertFalse(os.path.exists(a.path("baresip.log.1")))

    @unittest.skipUnless(shutil.which("strace"), "strace not installed")
    def test_sends_nothing(self):
        a, b = self.live_pair(run_args=())
        a.ctrl.close()
        a.ctrl = None
        harness.wait_for(lambda: "### /reginfo" in bundle(
            a.profile, "-").stdout, what="live state")
        trace = os.path.join(a.root, "strace.txt")
        out = os.path.join(a.root, "s.md")
        subprocess.run(["strace", "-f", "-qq", "-e",
                        "trace=connect,sendto,sendmsg", "-o", trace,
                        harness.OCTASIP, "-d", a.profile, "support",
                        "bundle", out, "--yes"], check=True,
                       capture_output=True, timeout=120)
        self.assertIn("## Live state", read(out))
        conns = [ln for ln in read(trace).splitlines()
                 if "connect(" in ln or "sendto(" in ln or
                 "sendmsg(" in ln]
        # and only read-only status commands over it
        cmds = re.findall(r'command\\":\\"(\w+)', read(trace))
        self.assertTrue(cmds)
        self.assertLessEqual(set(cmds), {"reginfo", "octasip_crash",
                                         "credstore_status",
                                         "calllog_stats"})
        # no network at all: the live state came over the profile's own
        # control socket
        for ln in conns:
            self.assertNotIn("AF_INET", ln)
        sock = harness.ctrl_socket_path(a.profile)
        self.assertTrue(any("connect(" in ln and sock in ln
                            for ln in conns))


if __name__ == "__main__":
    harness.main()
