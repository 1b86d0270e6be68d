"""`octasip account add` takes account parameters as options and writes
them after the '>' where baresip reads them (a real baresip then
auto-answers with --answermode auto); `account set` changes one on an
existing account; a parameter inside the URI, an unknown parameter, a
secret or a malformed value is refused and changes nothing."""

import hashlib
import re

import harness
from harness import Instance


def digest(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def account_lines(inst):
    with open(inst.path("accounts")) as f:
        return [l.rstrip("\n") for l in f
                if l.strip() and not l.startswith("#")]


class AccountParams(harness.TestCase):

    def add(self, inst, *args, check=True):
        return harness.octasip("account", "add", inst.aor, "--password-stdin",
                               *args, profile=inst.profile, stdin="pw\n",
                               check=check)

    def test_add_with_options_reaches_baresip(self):
        a = Instance(self, "alice", permissions={"microphone": "allow"})
        b = Instance(self, "bob", root=a.root,
                     permissions={"microphone": "allow"})
        b.write_accounts([])
        self.add(b, "--regint", "0", "--answermode", "auto",
                 "--mediaenc", "srtp", "--param", "ptime=20")
        self.assertEqual(account_lines(b),
                         ["<%s>;regint=0;answermode=auto;mediaenc=srtp;"
                          "ptime=20" % b.aor])
        a.start()
        b.start()
        # bob never accepts: his account answers by itself
        ok, data = a.command("dial", b.aor)
        self.assertTrue(ok, data)
        a.wait_event("CALL_ESTABLISHED")
        a.command("hangup")
        a.wait_event("CALL_CLOSED")
        self.assertEqual(a.stop(), 0)
        self.assertEqual(b.stop(), 0)

    def test_set_changes_one_parameter(self):
        a = Instance(self, "alice")
        self.add(a, "--regint", "0", "--answermode", "auto")
        before = account_lines(a)
        self.assertEqual(len(before), 1, before)
        p = harness.octasip("account", "set", a.aor, "--param",
                            "answermode=manual", "--transport", "tcp",
                            "--param", "regint=", "--outbound",
                            "sip:proxy.example.org:5060",
                            profile=a.profile)
        self.assertIn("updated", p.stdout)
        self.assertNotIn("restart it", p.stdout)    # nothing running
        user_host = a.aor[len("sip:"):]
        self.assertEqual(account_lines(a),
                         ["<sip:%s;transport=tcp>;answermode=manual;"
                          "outbound=sip:proxy.example.org:5060" %
                          user_host])
        # the account still has its secret (set touches only the line)
        out = harness.octasip("account", "list", profile=a.profile).stdout
        self.assertIn("secret: in vault", out)
        # and baresip still reads the file
        a.start()
        ok, data = a.command("credstore_status")
        self.assertTrue(ok)
        self.assertIn("secret from vault", data)
        # a change while it runs: the tool says it needs a restart
        p = harness.octasip("account", "set", a.aor, "--param",
                            "answermode=auto", profile=a.profile)
        self.assertIn("running baresip: restart it to use the new"
                      " parameters", p.stdout)
        self.assertEqual(a.stop(), 0)

    def test_lines_read_as_baresip_reads_them(self):
        # a bare URI's parameters are the account's (baresip, libre's
        # sip_addr_decode): `set` keeps them after the '>', not in the
        # URI; a display name with '<' in it does not hide the URI from
        # `account list`
        a = Instance(self, "alice")
        a.write_accounts(["%s;regint=0;answermode=manual" % a.aor,
                          '"Al <home>" <sip:al@127.0.0.1;transport=tls>'
                          ';mediaenc=srtp-mand'])
        harness.octasip("account", "set", a.aor, "--transport", "tcp",
                        profile=a.profile)
        user_host = a.aor[len("sip:"):]
        self.assertEqual(account_lines(a)[0],
                         "<sip:%s;transport=tcp>;regint=0;"
                         "answermode=manual" % user_host)
        out = harness.octasip("account", "list", profile=a.profile).stdout
        self.assertRegex(out, r"(?m)^sip:al@127\.0\.0\.1\S*\t.*"
                         r"\ttransport: tls\tmedia: srtp-mand$")
        self.assertRegex(out, r"(?m)^%s\S*\t.*\ttransport: tcp\t"
                         r"media: none$" % re.escape(a.aor))

    def test_set_finds_parameters_as_baresip_does(self):
        # baresip reads the first ;name=value libre's msg_param_decode()
        # finds, blanks around '=' and any case of the name included:
        # `set` replaces that one where it stands and drops the copies
        # baresip would never read (before, "; regint = 5" was kept and
        # a second regint appended behind it, so baresip kept reading 5)
        a = Instance(self, "alice")
        a.write_accounts(['<%s>; regint = 5;answermode=manual;REGINT=6;'
                          'x-note="a;b"' % a.aor])
        harness.octasip("account", "set", a.aor, "--regint", "7",
                        profile=a.profile)
        self.assertEqual(account_lines(a),
                         ['<%s>;regint=7;answermode=manual;x-note="a;b"'
                          % a.aor])
        # a quoted value is replaced whole, quotes included
        a.write_accounts(['<%s>;outbound="sip:old.example.org";regint=0'
                          % a.aor])
        harness.octasip("account", "set", a.aor, "--outbound",
                        "sip:proxy.example.org", profile=a.profile)
        self.assertEqual(account_lines(a),
                         ['<%s>;outbound=sip:proxy.example.org;regint=0'
                          % a.aor])

    def test_bad_input_changes_nothing(self):
        a = Instance(self, "alice")
        self.add(a, "--regint", "0")
        acc = digest(a.path("accounts"))
        vault = digest(a.path("vault"))
        bad = [
            # a parameter inside the URI goes to the registrar
            ["add", "sip:carol@127.0.0.1:5;regint=0"],
            ["add", a.aor, "--regint", "soon"],
            ["add", a.aor, "--answermode", "always"],
            ["add", a.aor, "--transport", "sctp"],
            ["add", a.aor, "--mediaenc", "rot13"],
            ["add", a.aor, "--outbound", "http://proxy"],
            ["add", a.aor, "--param", "nosuchparam=1"],
            ["add", a.aor, "--param", "auth_pass=leak"],
            ["add", a.aor, "--param", "extra=a;auth_pass=leak"],
            ["add", a.aor, "--param", "extra=a b"],
            ["add", a.aor, "--param", "extra=a>\n<sip:x@y>"],
            ["add", a.aor, "--regint", "1", "--regint", "2"],
            ["set", a.aor],
            ["set", "sip:nobody@127.0.0.1", "--regint", "5"],
            ["set", a.aor, "--param", "stunpass=leak"],
            ["list", "--regint", "5"],
        ]
        for args in bad:
            extra = ["--password-stdin"] if args[0] == "add" else []
            p = harness.octasip("account", *(args + extra),
                                profile=a.profile, stdin="pw\n",
                                check=False)
            self.assertNotEqual(p.returncode, 0, args)
            self.assertTrue(p.stderr.strip(), args)
            self.assertNotIn("leak", p.stdout, args)
            self.assertEqual(digest(a.path("accounts")), acc, args)
            self.assertEqual(digest(a.path("vault")), vault, args)
        p = harness.octasip("account", "add", "sip:c@127.0.0.1:5;regint=0",
                            "--password-stdin", profile=a.profile,
                            stdin="pw\n", check=False)
        self.assertIn("--regint", p.stderr)


if __name__ == "__main__":
    harness.main()
