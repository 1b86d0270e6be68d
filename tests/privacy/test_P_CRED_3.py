"""P-CRED-3: the password's digest goes only to the account's own realm
(issue 16 item 2).

bob's account (password in the vault) registers with a sipp registrar of
realm "home" that checks the digest against the real password (sipp
verifyauth): 200 only if it is right, so the own realm still gets real
credentials and the realm is pinned.  Then bob calls a hostile sipp
callee that challenges the INVITE with realm "evil" (407): the digest in
the INVITE that comes back is not made from bob's password (checked by
computing the real one), the call fails, and bob's log names the realm.
On the code before, the digest was the real one (an offline wordlist
attack recovers the password from it).

Limit on baresip 1.0.0 (docs/policy.md): the Proxy-Authorization header
still goes out, with the user name and a digest of a random throw-away
password."""

import hashlib
import os
import re
import subprocess
import sys

import harness
from harness import Instance

E2E = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(
    __file__))), "e2e")
sys.path.insert(0, os.path.join(E2E, "credstore"))
from csutil import add_account, clear_accounts  # noqa: E402

POLICY = os.path.join(E2E, "policy")
PASSWORD = "bob-S3cret-pw"


def md5(s):
    return hashlib.md5(s.encode()).hexdigest()


def sipp(tc, args, cwd):
    p = subprocess.Popen(["sipp"] + args + ["-nostdin"],
                         stdin=subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL, cwd=cwd)
    tc.addCleanup(lambda: p.poll() is None and p.kill())
    return p


class TestPCred3(harness.TestCase):

    def test_P_CRED_3(self):
        reg_port, evil_port = harness.free_port(), harness.free_port()
        b = Instance(self, "bob")
        aor = "sip:bob@127.0.0.1:%d" % reg_port
        clear_accounts(b)
        add_account(b, aor, PASSWORD, extra=";regint=600")
        with open(os.path.join(POLICY, "sipp_uas_register_auth.xml")) as f:
            xml = f.read().replace("@USER@", "bob").replace("@PASSWORD@",
                                                            PASSWORD)
        regxml = os.path.join(b.root, "registrar.xml")
        with open(regxml, "w") as f:
            f.write(xml)
        reg = sipp(self, ["-sf", regxml, "-i", "127.0.0.1",
            "-p", str(reg_port), "-m", "1",
            "-timeout", "30s", "-trace_err", "-error_file",
            os.path.join(b.root, "reg.err")], b.root)
        trace = os.path.join(b.root, "evil.msg")
        evil = sipp(self, ["-sf", os.path.join(
            POLICY, "sipp_uas_foreign_realm.xml"), "-i", "127.0.0.1",
            "-p", str(evil_port), "-m", "1", "-trace_msg",
            "-message_file", trace, "-timeout", "30s"], b.root)
        b.start()

        # the own realm gets the real digest (sipp checked it)
        self.assertEqual(reg.wait(10), 0)
        b.wait_log(r'realm "home" pinned')

        n = len(b.ctrl.events)
        b.command("dial", "sip:carol@127.0.0.1:%d" % evil_port)
        b.wait_event("CALL_CLOSED", start=n, timeout=15)
        evil.wait(15)
        b.wait_log(r'credentials withheld from realm "evil"')

        with open(trace) as f:
            msgs = f.read()
        auth = re.search(r"(?mi)^Proxy-Authorization:\s*Digest (.*)$",
                         msgs)
        if auth:
            prm = dict(re.findall(r'(\w+)="?([^",]*)"?', auth.group(1)))
            real = md5("%s:%s:%s" % (md5("%s:evil:%s" % (
                prm["username"], PASSWORD)), prm["nonce"],
                md5("INVITE:%s" % prm["uri"])))
            self.assertEqual(prm["realm"], "evil")
            self.assertNotEqual(prm["response"], real,
                                "the password's digest went to realm evil")
        self.assertNotIn(PASSWORD, msgs)


if __name__ == "__main__":
    harness.main()
