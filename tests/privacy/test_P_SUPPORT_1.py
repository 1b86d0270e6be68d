"""P-SUPPORT-1: `octasip support bundle` puts no secret and nothing that
identifies the user, their contacts or this machine into the bundle; an
account's address only with --include-addresses.  Every line goes through
the crash reporter's redactor, after this profile's own identities
(paths, user and host names, account addresses, display names) are
replaced.

A profile under a home directory named after a canary user (HOME, USER
and LOGNAME set to it) holds: a password in the vault, a plaintext
;auth_pass= line, accounts with IPv4 and IPv6 hosts and a display name,
a contact, config values with addresses, a number and a home path, an
older run log with a password, a tel: URI, an e-mail address and
addresses, a real call from a caller whose user part is a phone number
and who has a display name, and a crash report.  baresip runs (with
--log) when the bundle is made, so the live sections are filled too.

Each section's source holds a canary, and the test checks both that the
canary is gone and that its section is there with the redactor's marks
([secret], [uri], [email], [ip], [account N], [removed]): a bundle that
bypassed the scrubber or the redactor fails."""

import os
import re
import secrets
import shutil
import signal
import socket
import sqlite3
import tempfile
import time

import harness
from harness import Instance, octasip


def section(text, title):
    m = re.search(r"(?ms)^## %s.*?(?=^## |\Z)" % re.escape(title), text)
    return m.group(0) if m else ""


class TestPSupport1(harness.TestCase):

    def setUp(self):
        self.tag = tag = secrets.token_hex(3)
        digits = "%06d" % secrets.randbelow(10 ** 6)
        self.c = c = {
            "user": "zq%suser" % tag,
            "password": "PwCanary%sXq" % tag,
            "plain_password": "PlainCanary%sZk" % tag,
            "log_password": "LogPwCanary%s" % tag,
            "caller_number": "4915550" + digits,
            "caller_name": "CallerCanary%s" % tag,
            "own_name": "OwnNameCanary%s" % tag,
            "stranger": "Strange Caller%s" % tag,
            # the oldest of 300 call-log names: the last one learnt
            "old_name": "Old000Name" + tag,
            "contact_name": "ContactCanary%s" % tag,
            "contact_ip": "203.0.113.9",
            "config_ip": "203.0.113.53",
            "config_ip6": "2001:db8::beef:%s" % tag[:4],
            "config_number": "+4915551" + digits,
            "config_digits": "4915553" + digits,
            "log_ip": "203.0.113.77",
            "log_ip6": "2001:db8::77:%s" % tag[:4],
            "log_tel": "+4915552" + digits,
            "log_mail": "mail%s@example.net" % tag,
            "loopback": "127.0.0.1",
        }
        self.root = tempfile.mkdtemp(prefix="octasip-p-support-")
        self.addCleanup(shutil.rmtree, self.root, True)
        self.home = os.path.join(self.root, "home", c["user"])
        os.makedirs(self.home)
        self.env = {"HOME": self.home, "USER": c["user"],
                    "LOGNAME": c["user"]}
        # the addresses of the accounts: allowed with --include-addresses
        self.addr = {
            "carol": "sip:carol%s@198.51.100.23" % tag,
            "erin": "sip:erin%s@[2001:db8::5eed]:5070" % tag,
        }

    def seed(self):
        c, env = self.c, self.env
        a = Instance(self, "alice", root=self.home,
                     permissions={"microphone": "allow",
                                  "storage": "allow"})
        os.makedirs(os.path.join(self.root, "b"))
        b = Instance(self, "bob", root=os.path.join(self.root, "b"))
        b.aor = "sip:%s@127.0.0.1:%d" % (c["caller_number"], b.sip_port)
        b.write_accounts(['"%s" <%s>;regint=0' % (c["caller_name"],
                                                  b.aor)])
        octasip("account", "add", self.addr["carol"], "--auth-user",
                "carol", "--password-stdin", profile=a.profile,
                stdin=c["password"] + "\n", env=env)
        a.write_accounts([
            '"%s" <%s>;regint=0' % (c["own_name"], a.aor),
            "<%s>;regint=0" % self.addr["carol"],
            "<%s>;auth_user=erin;auth_pass=%s;regint=0" % (
                self.addr["erin"], c["plain_password"]),
        ])
        self.addr["alice"] = a.aor
        with open(a.path("contacts"), "a") as f:
            f.write('"%s" <sip:frank@%s>\n' % (c["contact_name"],
                                               c["contact_ip"]))
        # keys baresip ignores (no DNS server of the test's, no CA file)
        # and one it uses
        a.edit_config({"x_dns_server": c["config_ip"] + ":53",
                       "x_cafile": os.path.join(self.home, "ca.pem"),
                       "octasip_policy_allow_numbers": c["config_number"],
                       "my_note": c["config_ip6"],
                       "my_phone": c["config_digits"]})
        with open(a.path("config"), "a") as f:
            f.write("# call %s at %s\n" % (c["user"], c["config_number"]))
        with open(a.path("baresip.log.1"), "w") as f:
            f.write("older run: auth_pass=%s\n" % c["log_password"])
            f.write("call tel:%s from %s:5060 and [%s]\n" % (
                c["log_tel"], c["log_ip"], c["log_ip6"]))
            f.write("mail %s in %s as %s\n" % (c["log_mail"], self.home,
                                                c["user"]))
            # names the profile knows (accounts, contacts), and a caller
            # it does not (call log peer mode hash or none)
            f.write("names %s, %s, %s\n" % (
                c["own_name"], c["contact_name"], c["old_name"]))
            f.write("[account 9]: Incoming call from: %s sip:x@%s - (press"
                    " 'a' to accept)\n" % (c["stranger"], c["log_ip"]))

        a.start(env=env, run_args=("--log",))
        b.start()
        harness.call(b, a)
        a.wait_event("CALL_ESTABLISHED")
        a.command("hangup")
        a.wait_event("CALL_CLOSED")
        b.kill()

        # a crash report, then baresip runs again (new ctrl port: the old
        # one may sit in TIME_WAIT)
        a.signal(signal.SIGSEGV)
        a.proc.wait(15)
        a._forget()
        # 300 calls of 40 days ago (real rows in the real file): their
        # names are known too, and they are outside the figures' window
        old = int((time.time() - 40 * 86400) * 1000)
        con = sqlite3.connect(a.path("calllog.db"))
        with con:
            for i in range(300):
                con.execute(
                    "INSERT INTO calls (ukey, account, direction, status,"
                    " peer_uri, peer_name, started_at, ended_at,"
                    " duration_ms, sip_code) VALUES (?, ?, 'incoming',"
                    " 'missed', ?, ?, ?, ?, 0, 487)",
                    (secrets.token_hex(16), a.aor,
                     "sip:+4915554%06d@198.51.100.1" % i,
                     "Old%03dName%s" % (i, self.tag), old + i,
                     old + i + 1000))
        con.close()
        a.start(env=env, run_args=("--log",))
        harness.wait_for(lambda: any(
            n.endswith(".json") and len(n) == 37
            for n in os.listdir(a.path("crash"))), what="crash report")
        # the bundle does not take a connected client's connection over:
        # the harness lets go for the live sections
        a.ctrl.close()
        a.ctrl = None
        harness.wait_for(lambda: "### /reginfo" in octasip(
            "support", "bundle", "-", profile=a.profile,
            env=self.env).stdout, what="live state")
        return a

    def make(self, a, *flags):
        out = os.path.join(self.root, "bundle-%d.md" % len(os.listdir(
            self.root)))
        octasip("support", "bundle", out, *flags, profile=a.profile,
                env=self.env)
        with open(out) as f:
            return f.read()

    def assert_none(self, text, names, flags):
        host = socket.gethostname()
        for k in names:
            self.assertNotIn(self.c[k], text, "%s in the bundle (%s)" %
                             (k, flags))
        self.assertNotIn(self.home, text)
        self.assertNotIn(os.path.realpath(self.home), text)
        if len(host) >= 4 and host != "localhost":
            self.assertNotIn(host, text)

    def assert_sections(self, text):
        """Each section is there and shows the redactor at work."""
        cfg = section(text, "Config")
        self.assertRegex(cfg, r"(?m)^x_dns_server\s+\[removed\]$")
        self.assertRegex(cfg, r"(?m)^x_cafile\s+\[removed\]$")
        self.assertRegex(cfg, r"(?m)^my_note\s+\[removed\]$")
        self.assertRegex(cfg, r"(?m)^my_phone\s+\[removed\]$")
        self.assertRegex(cfg, r"(?m)^octasip_policy_allow_numbers\s+"
                         r"\[removed\]$")
        self.assertRegex(cfg, r"(?m)^module\s+octasip_crash\.so$")

        acc = section(text, "Accounts")
        for n in (1, 2, 3):
            self.assertIn("### [account %d]" % n, acc)
        self.assertIn("in the vault", acc)
        self.assertIn("PLAINTEXT", acc)

        vault = section(text, "Vault")
        self.assertIn("integrity: ok, 1 record(s)", vault)

        cl = section(text, "Call log")
        self.assertIn("- calls: 1", cl)
        self.assertIn("- status answered: 1", cl)
        self.assertNotIn("missed", cl)
        self.assertNotIn("487", cl)

        crash = section(text, "Crash reports")
        self.assertRegex(crash, r"(?m)^- [0-9a-f]{32}  \d{4}-\d\d-\d\d  "
                         r"SIGSEGV$")

        live = section(text, "Live state")
        # /reginfo: 1.0.0 marks the current UA "> "; 1.1.0 and 4.x (no
        # current UA) number every UA "0 - "
        self.assertRegex(live, r"(?m)^> \[account 1\]"
                         if harness.FAMILY == "1.0" else
                         r"(?m)^\d+ - \[account 1\]")
        self.assertIn("[account 2]: secret from vault", live)

        out = section(text, "Recent baresip output")
        self.assertIn("auth_pass=[secret]", out)
        self.assertIn("call [uri] from [ip] and [[ip]]", out)
        self.assertIn("mail [email] in ~ as [user]", out)
        self.assertIn("names [name], [name], [name]", out)
        self.assertIn("Incoming call from: [name] [uri]", out)
        # 1.x: "Local network address:", 4.x: "... addresses:"
        self.assertRegex(out, r"Local network address(es)?:")
        # times finer than a day: none (the made: line is the day)
        self.assertNotRegex(text, r"\b\d\d:\d\d:\d\d\b")

    def test_P_SUPPORT_1(self):
        a = self.seed()
        everything = [k for k in self.c]

        text = self.make(a)
        self.assert_none(text, everything, "no flags")
        for v in self.addr.values():
            self.assertNotIn(v, text)
        self.assertNotIn("carol", text)
        self.assert_sections(text)
        self.assertIn("opt-ins: none", text)

        # --include-addresses: the accounts' addresses, and nothing else
        text = self.make(a, "--include-addresses")
        shown = re.findall(r"(?m)^- address \(--include-addresses\): "
                           r"(\S+)$", text)
        self.assertEqual(sorted(shown), sorted(self.addr.values()))
        rest = re.sub(r"(?m)^- address \(--include-addresses\): .*$", "",
                      text)
        self.assert_none(rest, everything, "--include-addresses")
        for v in self.addr.values():
            self.assertNotIn(v, rest)
        self.assert_none(text, [k for k in everything if k != "loopback"],
                         "--include-addresses")
        self.assert_sections(text)


if __name__ == "__main__":
    harness.main()
