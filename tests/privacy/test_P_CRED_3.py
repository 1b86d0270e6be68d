"""P-CRED-3: the password's digest goes only to the account's own realm
(issue 16 item 2).

test_P_CRED_3: bob's account (password in the vault, no realm in its
record) registers with a sipp registrar of realm "home" that checks the
digest against the real password (sipp verifyauth): 200 only if it is
right, so the own realm still gets real credentials and the realm is
pinned.  Then bob calls a hostile sipp callee that challenges the INVITE
with realm "evil" (407): no INVITE with a Proxy-Authorization header
comes back (not even the user name goes out), the call fails, and bob's
log names the realm.  On the code before, the digest was the real one
(an offline wordlist attack recovers the password).

test_record_realm: `account add --realm good`, and a registrar that
challenges the REGISTER with realm "evil" and would accept any answer:
no REGISTER with an Authorization header comes back, the registration
fails, the log names "evil" and the account, and the record keeps
"good".  Before, the record's realm was not used at all.

test_pinned_realm_survives_restart: no --realm; one registration under
realm "good" pins it in the vault record (`octasip account list`);
after a restart, before any registration, a 407 of realm "evil" to an
INVITE gets no credentials; after another restart the own realm still
registers and calls (sipp verifies both digests).  Before, the pin was
in memory only and lost with the process.

On every baresip (1.0.0, 1.1.0, 4.x) the foreign challenge is blanked in
libre's receive buffer before libre's auth handler reads it
(realmpin.c); before that change, 1.0.0 still sent the header with the
user name and a digest of a throw-away password."""

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


def digests(path, header):
    """The Digest parameters of every header of that name in a sipp
    -trace_msg file."""
    with open(path) as f:
        msgs = f.read()
    return msgs, [dict(re.findall(r'(\w+)="?([^",]*)"?', m)) for m in
                  re.findall(r"(?mi)^%s:\s*Digest (.*)$" % header, msgs)]


def scenario(root, name, out, **subst):
    """A scenario of tests/e2e/policy with @KEY@ replaced, in root."""
    with open(os.path.join(POLICY, name)) as f:
        xml = f.read()
    for k, v in subst.items():
        xml = xml.replace("@%s@" % k, v)
    path = os.path.join(root, out)
    with open(path, "w") as f:
        f.write(xml)
    return path


def vault_realm(inst, aor):
    """The realm `octasip account list` shows for aor ("" if none)."""
    out = harness.octasip("account", "list", profile=inst.profile).stdout
    for line in out.splitlines():
        if line.startswith(aor + "\t"):
            m = re.search(r"\trealm: (\S+)", line)
            return m.group(1) if m else ""
    raise AssertionError("no %s in account list:\n%s" % (aor, out))


def sipp(tc, args, cwd):
    p = subprocess.Popen(["sipp"] + args + ["-nostdin"],
                         stdin=subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL, cwd=cwd)
    tc.addCleanup(lambda: p.poll() is None and p.kill())
    return p


class TestPCred3(harness.TestCase):

    def bob(self, reg_port, realm=None):
        """bob, with his password (and realm) in the vault, registering
        at 127.0.0.1:reg_port; not started"""
        b = Instance(self, "bob")
        aor = "sip:bob@127.0.0.1:%d" % reg_port
        clear_accounts(b)
        add_account(b, aor, PASSWORD, extra=";regint=600", realm=realm)
        return b, aor

    def registrar(self, b, port, realm):
        """a registrar of realm that checks bob's digest (200 only if it
        is right); its sipp arguments"""
        return ["-sf", scenario(b.root, "sipp_uas_register_auth.xml",
                                "registrar-%s.xml" % realm, REALM=realm,
                                USER="bob", PASSWORD=PASSWORD),
                "-i", "127.0.0.1", "-p", str(port), "-m", "1",
                "-timeout", "30s"]

    def evil_callee(self, b, port):
        """a callee that challenges the INVITE with realm "evil"; the
        sipp process and its message trace"""
        trace = os.path.join(b.root, "evil.msg")
        evil = sipp(self, ["-sf", os.path.join(
            POLICY, "sipp_uas_foreign_realm.xml"), "-i", "127.0.0.1",
            "-p", str(port), "-m", "1", "-trace_msg",
            "-message_file", trace, "-timeout", "30s"], b.root)
        return evil, trace

    def test_P_CRED_3(self):
        reg_port, evil_port = harness.free_port(), harness.free_port()
        b, aor = self.bob(reg_port)
        reg = sipp(self, self.registrar(b, reg_port, "home") + [
            "-trace_err", "-error_file", os.path.join(b.root, "reg.err")],
            b.root)
        evil, trace = self.evil_callee(b, evil_port)
        b.start()

        # the own realm gets the real digest (sipp checked it)
        self.assertEqual(reg.wait(10), 0)
        b.wait_log(r'realm "home" pinned')

        n = len(b.ctrl.events)
        b.command("dial", "sip:carol@127.0.0.1:%d" % evil_port)
        b.wait_event("CALL_CLOSED", start=n, timeout=15)
        evil.wait(15)
        b.wait_log(r'credentials withheld from realm "evil"')

        self.assertNoCredentials(trace, "INVITE")

    def assertNoCredentials(self, trace, method):
        """Nothing of bob's credentials in what the peer received: no
        (Proxy-)Authorization header, no digest, no password; and bob's
        first request did arrive (the trace is not just empty)."""
        msgs, prms = digests(trace, "(?:Proxy-)?Authorization")
        self.assertIn(method + " sip:", msgs)
        self.assertEqual(prms, [], "a digest went to the foreign realm")
        self.assertNotRegex(msgs, r"(?mi)^(proxy-)?authorization:")
        self.assertNotIn(PASSWORD, msgs)
        for line in msgs.splitlines():
            self.assertNotIn("response=", line)

    def test_record_realm(self):
        # the vault record's realm holds from the first challenge on, and
        # a registration that succeeds under another realm does not
        # change it
        reg_port = harness.free_port()
        b, aor = self.bob(reg_port, realm="good")
        self.assertEqual(vault_realm(b, aor), "good")
        trace = os.path.join(b.root, "reg.msg")
        reg = sipp(self, ["-sf", scenario(
            b.root, "sipp_uas_register_any.xml", "registrar.xml",
            REALM="evil"), "-i", "127.0.0.1", "-p", str(reg_port),
            "-m", "1", "-trace_msg", "-message_file", trace,
            "-timeout", "30s"], b.root)
        b.start()

        b.wait_log(r'%s: credentials withheld from realm "evil"' %
                   re.escape(aor))
        # the registrar waits 5 s for a second REGISTER that never
        # comes (its recv timeout counts as a failed call in sipp)
        reg.wait(15)
        self.assertNoCredentials(trace, "REGISTER")
        self.assertNotIn("REGISTER_OK", [e["type"] for e in
                                         b.ctrl.events])

        # the record keeps its realm
        b.settle_log()
        self.assertEqual(vault_realm(b, aor), "good")
        self.assertNotRegex(b.log(), r'realm "evil" pinned')
        # (quit would un-REGISTER, and wait for the registrar: gone)
        b.kill()
        self.assertEqual(vault_realm(b, aor), "good")

    def test_pinned_realm_survives_restart(self):
        reg_port, evil_port = harness.free_port(), harness.free_port()
        b, aor = self.bob(reg_port)
        self.assertEqual(vault_realm(b, aor), "")
        reg_args = self.registrar(b, reg_port, "good")

        # one registration under "good" pins it in the vault record
        reg = sipp(self, reg_args, b.root)
        b.start()
        self.assertEqual(reg.wait(15), 0)
        b.wait_log(r'%s: realm "good" pinned in the vault' %
                   re.escape(aor))
        b.kill()    # quit would un-REGISTER, to a registrar now gone
        self.assertEqual(vault_realm(b, aor), "good")
        st = os.stat(b.path("vault"))
        self.assertEqual(st.st_mode & 0o777, 0o600)

        # restarted, and no registration: a 407 of "evil" gets nothing
        with open(b.path("accounts")) as f:
            accounts = f.read()
        with open(b.path("accounts"), "w") as f:
            f.write(accounts.replace(";regint=600", ";regint=0"))
        evil, trace = self.evil_callee(b, evil_port)
        b.start()
        n = len(b.ctrl.events)
        b.command("dial", "sip:carol@127.0.0.1:%d" % evil_port)
        b.wait_event("CALL_CLOSED", start=n, timeout=15)
        evil.wait(15)
        b.wait_log(r'%s: credentials withheld from realm "evil"' %
                   re.escape(aor))
        self.assertNotIn("REGISTER_OK", [e["type"] for e in
                                         b.ctrl.events])
        self.assertNoCredentials(trace, "INVITE")
        self.assertEqual(b.stop(), 0)

        # restarted again: the own realm still registers and calls
        with open(b.path("accounts"), "w") as f:
            f.write(accounts)
        call_port = harness.free_port()
        reg = sipp(self, reg_args, b.root)
        callee = sipp(self, ["-sf", scenario(
            b.root, "sipp_uas_invite_auth.xml", "callee.xml",
            REALM="good", USER="bob", PASSWORD=PASSWORD),
            "-i", "127.0.0.1", "-p", str(call_port), "-m", "1",
            "-timeout", "30s"], b.root)
        b.start()
        self.assertEqual(reg.wait(15), 0)
        b.wait_registered()
        n = len(b.ctrl.events)
        b.command("dial", "sip:carol@127.0.0.1:%d" % call_port)
        b.wait_event("CALL_ESTABLISHED", start=n, timeout=15)
        b.command("hangup")
        b.wait_event("CALL_CLOSED", start=n, timeout=15)
        self.assertEqual(callee.wait(15), 0)
        self.assertNotRegex(b.log(), r"credentials withheld from realm"
                            r' "good"')
        self.assertEqual(vault_realm(b, aor), "good")


if __name__ == "__main__":
    harness.main()
