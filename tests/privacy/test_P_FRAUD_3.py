"""P-FRAUD-3: flood limits by network address (issue 16 item 4): a
scanner that puts a new From user on every INVITE (sip:flood<n>@...)
from one address is capped by octasip_policy_max_incoming_per_address,
as Kamailio's pike counts the transport peer, while a caller from
another address still gets through; calls from the address of the
registrar/outbound proxy an account registers with are not capped as one
source; refused calls are counted (/fraud) and logged `blocked`.

Addresses: bob listens on 127.0.0.1; the flood comes from 127.0.0.2 and
the registrar is 127.0.0.3 (all loopback)."""

import os
import re
import socket
import subprocess
import time
import uuid

import harness
from harness import Instance

HERE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(
    __file__))), "e2e", "policy")
FLOOD = os.path.join(HERE, "sipp_uac_flood.xml")
RULE = "incoming calls per address cap %d/min"


def flood(b, src_ip, calls, rate=20):
    """sipp from src_ip sends calls INVITEs to b, From rotating."""
    p = subprocess.run(
        ["sipp", "127.0.0.1:%d" % b.sip_port, "-sf", FLOOD, "-s", "bob",
         "-i", src_ip, "-p", str(harness.free_port()),
         "-mp", str(harness.free_port()),
         "-m", str(calls), "-r", str(rate), "-l", "2",
         "-timeout", "60", "-timeout_error", "-nostdin"],
        stdin=subprocess.DEVNULL, capture_output=True, timeout=90)
    return p


def blocked_rows(b, rule):
    return [r for r in b.calllog_rows()
            if r["status"] == "blocked" and r["reason"] == rule]


class TestPFraud3(harness.TestCase):

    def test_P_FRAUD_3(self):
        a = Instance(self, "alice")
        b = Instance(self, "bob", root=a.root, config={
            "octasip_policy_max_incoming_per_address": "3"})
        a.start()
        b.start()

        p = flood(b, "127.0.0.2", 40)
        self.assertEqual(p.returncode, 0, p.stdout[-2000:])
        harness.wait_for(lambda: len(blocked_rows(b, RULE % 3)) == 37,
                         what="37 blocked rows")
        self.assertEqual(len(re.findall(r"blocked incoming call: " +
                                        RULE % 3, b.log())), 37)
        ok, out = b.command("fraud")
        self.assertTrue(ok)
        self.assertIn("incoming 37 (per address 37, per source 0)", out)
        self.assertIn("at their cap now: 1 addresses", out)

        # another address (alice, 127.0.0.1) is still answered
        harness.call(a, b)

    def test_cap_counts_invites_left_to_libre(self):
        """The Call-ID of each INVITE is read in the trace hook without
        libre's parse (sipcallid.h); a scanner that folds a header line
        (which that reader leaves to libre) is still counted by its
        address: 5 INVITEs from 127.0.0.2 against a cap of 3."""
        b = Instance(self, "bob", config={
            "octasip_policy_max_incoming_per_address": "3"})
        b.start()

        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.addCleanup(s.close)
        s.bind(("127.0.0.2", 0))
        lport = s.getsockname()[1]
        for n in range(5):
            ruri = "sip:bob@127.0.0.1:%d" % b.sip_port
            sdp = ("v=0\r\no=- 1 1 IN IP4 127.0.0.2\r\ns=-\r\n"
                   "c=IN IP4 127.0.0.2\r\nt=0 0\r\n"
                   "m=audio %d RTP/AVP 0\r\n" % (lport + 2))
            msg = "\r\n".join([
                "INVITE %s SIP/2.0" % ruri,
                "Via: SIP/2.0/UDP 127.0.0.2:%d;rport;branch=z9hG4bK%s" %
                (lport, uuid.uuid4().hex[:12]),
                "Max-Forwards: 70",
                "From: <sip:fold%d@127.0.0.2:%d>;tag=%d" % (n, lport, n),
                "To: <%s>" % ruri,
                "Call-ID: %s@fold.test" % uuid.uuid4().hex,
                "CSeq: 1 INVITE",
                "Subject: port",
                " scan",
                "Contact: <sip:fold%d@127.0.0.2:%d>" % (n, lport),
                "Content-Type: application/sdp",
                "Content-Length: %d" % len(sdp), "", sdp])
            s.sendto(msg.encode(), ("127.0.0.1", b.sip_port))
            time.sleep(0.2)

        harness.wait_for(lambda: len(blocked_rows(b, RULE % 3)) == 2,
                         what="2 blocked rows")
        ok, out = b.command("fraud")
        self.assertTrue(ok)
        self.assertIn("incoming 2 (per address 2, per source 0)", out)

    def test_cap_zero_is_off(self):
        """0 switches the cap off: the policy then keeps no INVITE (no
        copy, no parse per call, issue 21), and a flood from one
        address with a new From user each time is not refused as one
        address; the per-source cap still counts each From user."""
        b = Instance(self, "bob", config={
            "octasip_policy_max_incoming_per_address": "0"})
        b.start()

        p = flood(b, "127.0.0.2", 30)
        self.assertEqual(p.returncode, 0, p.stdout[-2000:])
        time.sleep(harness.CALLLOG_COMMIT_S + 0.5)
        self.assertEqual(blocked_rows(b, RULE % 0), [])
        self.assertNotIn("per address cap", b.log())
        ok, out = b.command("fraud")
        self.assertTrue(ok)
        self.assertIn("incoming 0 (per address 0, per source 0)", out)
        harness.wait_for(lambda: len([
            r for r in b.calllog_rows() if r["status"] != "blocked"]) >= 30,
            timeout=10, what="30 rows")
        rows = [r for r in b.calllog_rows() if r["status"] != "blocked"]
        self.assertEqual(len(rows), 30, rows[-3:])

    def test_registrar_address_not_capped(self):
        reg_port = harness.free_port()
        reg = subprocess.Popen(
            ["sipp", "-sf", os.path.join(HERE, "sipp_uas_register.xml"),
             "-i", "127.0.0.3", "-p", str(reg_port), "-m", "1",
             "-timeout", "30s", "-nostdin"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
        self.addCleanup(lambda: reg.poll() is None and reg.kill())
        # the registrar listens before bob's first REGISTER: one sent to a
        # closed port fails at once and is retried only after a back-off
        harness.wait_for(lambda: subprocess.run(
            ["ss", "-ulnH", "src", "127.0.0.3:%d" % reg_port],
            capture_output=True, text=True).stdout.strip() != "",
            what="the sipp registrar's port")
        b = Instance(self, "bob", config={
            "octasip_policy_max_incoming_per_address": "3"})
        b.write_accounts(['<%s>;regint=600;outbound="sip:127.0.0.3:%d"'
                          % (b.aor, reg_port)])
        b.start()
        b.wait_registered()

        p = flood(b, "127.0.0.3", 8)
        self.assertEqual(p.returncode, 0, p.stdout[-2000:])
        time.sleep(0.5)
        self.assertEqual(blocked_rows(b, RULE % 3), [])
        ok, out = b.command("fraud")
        self.assertIn("incoming 0 (", out)
        self.assertIn("registrar addresses exempt: 1", out)


if __name__ == "__main__":
    harness.main()
