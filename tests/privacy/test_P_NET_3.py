"""P-NET-3: nothing on the wire names the product, its version or the
OS, or gives away a memory address (issue 16 item 3).

The peer is a plain UDP socket on loopback that acts as bob's registrar,
as the callee of his call and as a scanner sending OPTIONS; it records
every byte bob sends: the REGISTER, the INVITE (with its SDP offer), the
ACK, and bob's answer to the OPTIONS, SDP body included (over UDP, when
retransmitted, and over TCP); and a second bob's SDP answer to an
incoming call.  None holds "baresip", "1.0.0",
"linux" or a pointer ("0x" and 6+ hex digits, e.g. the Contact user
"bob-0x55c06b01e880" baresip 1.0.0 makes).  With
octasip_policy_user_agent set, that token is the User-Agent and Server.
On the code before, the REGISTER carried "User-Agent: baresip v1.0.0
(x86_64/linux)", the Contact user the struct's address and the SDP
"a=tool:baresip 1.0.0", also in the answer to a scanner's OPTIONS."""

import re
import socket
import time

import harness
from harness import Instance

# the product, the version of the baresip under test, the OS, an address
VERSION = harness.baresip_version()
FORBIDDEN = re.compile(rb"(?i)baresip|" + re.escape(VERSION).encode() +
                       rb"|linux|0x[0-9a-f]{6,}")


def header(msg, name):
    m = re.search(rb"(?mi)^%s:[ \t]*(.*?)\r?$" % name.encode(), msg)
    return m.group(1) if m else None


class Peer:
    """A UDP SIP peer: 200 to REGISTER, 486 to INVITE, records all."""

    def __init__(self):
        self.s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.s.bind(("127.0.0.1", 0))
        self.port = self.s.getsockname()[1]
        self.s.settimeout(0.2)
        self.got = []

    def close(self):
        self.s.close()

    def reply(self, req, addr, code, extra=b""):
        lines = [b"SIP/2.0 " + code]
        for h in (b"Via", b"From", b"To", b"Call-ID", b"CSeq"):
            v = header(req, h.decode())
            if h == b"To":
                v += b";tag=peer1"
            lines.append(h + b": " + v)
        self.s.sendto(b"\r\n".join(lines) + b"\r\n" + extra +
                      b"Content-Length: 0\r\n\r\n", addr)

    def pump(self, until, timeout=10.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                data, addr = self.s.recvfrom(65535)
            except socket.timeout:
                continue
            self.got.append(data)
            if data.startswith(b"REGISTER "):
                self.reply(data, addr, b"200 OK", b"Contact: " +
                           header(data, "Contact") +
                           b";expires=600\r\n")
            elif data.startswith(b"INVITE "):
                self.reply(data, addr, b"486 Busy Here")
            if until(data):
                return data
        raise AssertionError("peer: nothing matched; got %r" % self.got)

    def invite(self, port):
        """an INVITE with an SDP offer to bob; returns his 200 OK"""
        sdp = (b"v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\n"
               b"c=IN IP4 127.0.0.1\r\nt=0 0\r\n"
               b"m=audio 40000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n")
        head = ("INVITE sip:bob@127.0.0.1:%d SIP/2.0\r\n"
                "Via: SIP/2.0/UDP 127.0.0.1:%d;branch=z9hG4bKinv1\r\n"
                "From: <sip:carol@127.0.0.1:%d>;tag=c1\r\n"
                "To: <sip:bob@127.0.0.1:%d>\r\n"
                "Call-ID: inv-1@127.0.0.1\r\nCSeq: 1 INVITE\r\n"
                "Contact: <sip:carol@127.0.0.1:%d>\r\n"
                "Max-Forwards: 70\r\nContent-Type: application/sdp\r\n"
                "Content-Length: %d\r\n\r\n" %
                (port, self.port, self.port, port, self.port, len(sdp)))
        self.s.sendto(head.encode() + sdp, ("127.0.0.1", port))
        return self.pump(lambda d: d.startswith(b"SIP/2.0 200"))

    def options(self, port):
        msg = ("OPTIONS sip:bob@127.0.0.1:%d SIP/2.0\r\n"
               "Via: SIP/2.0/UDP 127.0.0.1:%d;branch=z9hG4bKscan1\r\n"
               "From: <sip:scanner@127.0.0.1:%d>;tag=s1\r\n"
               "To: <sip:bob@127.0.0.1:%d>\r\n"
               "Call-ID: scan-1@127.0.0.1\r\nCSeq: 1 OPTIONS\r\n"
               "Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n" %
               (port, self.port, self.port, port)).encode()
        self.s.sendto(msg, ("127.0.0.1", port))
        return self.pump(lambda d: d.startswith(b"SIP/2.0 ") and
                         b"OPTIONS" in (header(d, "CSeq") or b""))


class TestPNet3(harness.TestCase):

    def run_bob(self, config):
        peer = Peer()
        self.addCleanup(peer.close)
        b = Instance(self, "bob", config=config)
        b.write_accounts(["<sip:bob@127.0.0.1:%d>;regint=600" % peer.port])
        b.start()
        reg = peer.pump(lambda d: d.startswith(b"REGISTER "))
        b.wait_registered()
        n = len(b.ctrl.events)
        b.command("dial", "sip:carol@127.0.0.1:%d" % peer.port)
        inv = peer.pump(lambda d: d.startswith(b"INVITE "))
        peer.pump(lambda d: d.startswith(b"ACK "))
        b.wait_event("CALL_CLOSED", start=n)
        self.bob = b
        opt = peer.options(b.sip_port)
        return peer, reg, inv, opt

    def test_P_NET_3(self):
        peer, reg, inv, opt = self.run_bob({})
        self.assertIn(b"\r\n\r\nv=0", inv)          # the SDP offer
        for msg in peer.got:
            self.assertIsNone(FORBIDDEN.search(msg), msg.decode())
        self.assertIsNone(header(reg, "User-Agent"))
        self.assertIsNone(header(opt, "Server"))
        # 1.x: "bob-" and a random hex; 4.x: the AOR's user
        self.assertRegex(header(reg, "Contact").decode(),
                         r"^<sip:bob@" if harness.FAMILY == "4" else
                         r"^<sip:bob-[0-9a-f]+@")
        self.assertEqual(header(inv, "Contact").split(b">")[0],
                         header(reg, "Contact").split(b">")[0])

    def test_answer_sdp(self):
        """an incoming call's SDP answer (bob answers automatically)"""
        peer = Peer()
        self.addCleanup(peer.close)
        b = Instance(self, "bob", account=";regint=0;answermode=auto",
                     permissions={"phone_state": "allow",
                                  "microphone": "allow"})
        b.start()
        ok = peer.invite(b.sip_port)
        self.assertIn(b"\r\n\r\nv=0", ok)
        self.assertIsNone(FORBIDDEN.search(ok), ok.decode())

    def assertCleanAnswer(self, ans):
        """an answer to OPTIONS: no fingerprint, and a body exactly as
        long as its Content-Length that is an SDP session"""
        self.assertTrue(ans.startswith(b"SIP/2.0 200 "), ans)
        self.assertIsNone(FORBIDDEN.search(ans), ans.decode())
        head, body = ans.split(b"\r\n\r\n", 1)
        clen = int(header(head, "Content-Length"))
        if clen:
            self.assertTrue(body.startswith(b"v=0\r\n"), body)
            self.assertIn(b"\r\nm=audio ", body[:clen])
            self.assertTrue(body[:clen].endswith(b"\r\n"), body)
            # what lies beyond it (UDP: discarded) is CRLFs only
            self.assertEqual(body[clen:].strip(b"\r\n"), b"")
        return clen

    def test_options_answer_sdp(self):
        """baresip 1.0.0 builds this SDP from a call object it allocates
        and encodes inside its OPTIONS handler, "a=tool:baresip 1.0.0"
        included; fp_options.c takes the line out as libre sends it.
        1.1.0 and 4.x write no a=tool.  A retransmitted OPTIONS gets the
        same clean answer (libre's transaction resends its bytes)."""
        peer, reg, inv, opt = self.run_bob({})
        self.assertGreater(self.assertCleanAnswer(opt), 0)
        n = len(peer.got)
        again = peer.options(self.bob.sip_port)   # same branch: resent
        self.assertEqual(again, opt)
        self.assertEqual(len(peer.got), n + 1)

    def test_options_answer_over_tcp(self):
        """over TCP the answer's padding must not break the stream: two
        OPTIONS on one connection get two clean answers, in order"""
        b = Instance(self, "bob")
        b.start()
        self.bob = b
        c = socket.create_connection(("127.0.0.1", b.sip_port), 5)
        self.addCleanup(c.close)
        port = c.getsockname()[1]
        for i in (1, 2):
            c.sendall(("OPTIONS sip:bob@127.0.0.1:%d;transport=tcp "
                       "SIP/2.0\r\n"
                       "Via: SIP/2.0/TCP 127.0.0.1:%d;branch=z9hG4bKt%d\r\n"
                       "From: <sip:scanner@127.0.0.1:%d>;tag=t%d\r\n"
                       "To: <sip:bob@127.0.0.1:%d>\r\n"
                       "Call-ID: tcp-%d@127.0.0.1\r\nCSeq: %d OPTIONS\r\n"
                       "Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n" %
                       (b.sip_port, port, i, port, i, b.sip_port, i,
                        i)).encode())
        data = b""
        deadline = time.monotonic() + 10
        while not self.complete(data, 2):
            left = deadline - time.monotonic()
            self.assertGreater(left, 0, data)
            c.settimeout(left)
            chunk = c.recv(65536)
            self.assertTrue(chunk, "bob closed the connection: %r" % data)
            data += chunk
        first, second = data.split(b"SIP/2.0 200 ")[1:]
        for i, ans in ((1, first), (2, second)):
            ans = b"SIP/2.0 200 " + ans
            self.assertEqual(header(ans, "Call-ID"),
                             b"tcp-%d@127.0.0.1" % i)
            self.assertCleanAnswer(ans)
        self.assertEqual(b.stop(), 0)

    @staticmethod
    def complete(data, n):
        """whether data holds n answers, the last with its whole body"""
        start = [m.start() for m in re.finditer(b"SIP/2.0 200 ", data)]
        if len(start) < n or b"\r\n\r\n" not in data[start[-1]:]:
            return False
        head, body = data[start[-1]:].split(b"\r\n\r\n", 1)
        return len(body) >= int(header(head, "Content-Length"))

    def test_user_agent_for_providers_that_insist(self):
        peer, reg, inv, opt = self.run_bob(
            {"octasip_policy_user_agent": "Acme/2"})
        self.assertEqual(header(reg, "User-Agent"), b"Acme/2")
        self.assertEqual(header(inv, "User-Agent"), b"Acme/2")
        self.assertEqual(header(opt, "Server"), b"Acme/2")


if __name__ == "__main__":
    harness.main()
