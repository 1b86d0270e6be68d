"""Call log E2E: kill -9 at the worst moment loses no call.

A raw SIP caller on loopback (so it can act the instant a reply arrives)
calls an auto-answering baresip and kills it with SIGKILL the moment
(1) the 200 OK to its INVITE arrives, ten times, and (2) the 200 OK to
its BYE arrives, ten times, restarting baresip in between.  After the
next start every call has its one row, with the status it had reached:
(1) interrupted (it was running), (2) answered with its end time (it had
ended: not interrupted).  Before the journal (calllog.db.journal), (1)
left no row at all and (2) rows interrupted with duration 0."""

import os
import signal
import socket
import stat
import time
import uuid

import harness
from harness import Instance
import clutil

PERMS = {"microphone": "allow", "storage": "allow", "phone_state": "allow"}
ROUNDS = 10


class Caller:
    """Just enough of a UAC: INVITE with SDP, ACK, BYE."""

    def __init__(self, port):
        self.s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.s.bind(("127.0.0.1", 0))
        self.s.settimeout(10)
        self.lport = self.s.getsockname()[1]
        self.port = port
        self.cid = uuid.uuid4().hex + "@kill.test"
        self.tag = uuid.uuid4().hex[:10]
        self.to_tag = None
        self.cseq = 1

    def send(self, method, body=b"", headers=()):
        ruri = "sip:bob@127.0.0.1:%d" % self.port
        to = "<%s>" % ruri + (";tag=%s" % self.to_tag if self.to_tag
                              else "")
        cseq = 1 if method == "ACK" else self.cseq
        lines = ["%s %s SIP/2.0" % (method, ruri),
                 "Via: SIP/2.0/UDP 127.0.0.1:%d;rport;branch=z9hG4bK%s" %
                 (self.lport, uuid.uuid4().hex[:12]),
                 "Max-Forwards: 70",
                 "From: <sip:killer@127.0.0.1:%d>;tag=%s" % (self.lport,
                                                             self.tag),
                 "To: " + to, "Call-ID: " + self.cid,
                 "CSeq: %d %s" % (cseq, method),
                 "Contact: <sip:killer@127.0.0.1:%d>" % self.lport]
        lines += list(headers)
        lines.append("Content-Length: %d" % len(body))
        msg = ("\r\n".join(lines) + "\r\n\r\n").encode() + body
        self.s.sendto(msg, ("127.0.0.1", self.port))

    def invite(self):
        sdp = ("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\n"
               "c=IN IP4 127.0.0.1\r\nt=0 0\r\n"
               "m=audio %d RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n"
               "a=sendrecv\r\n" % (self.lport + 2)).encode()
        self.send("INVITE", sdp, ("Content-Type: application/sdp",))

    def wait_final(self, method):
        """The first final response to method; returns its status."""
        while True:
            data = self.s.recv(65536).decode(errors="replace")
            head = data.split("\r\n\r\n", 1)[0].split("\r\n")
            if not head[0].startswith("SIP/2.0 "):
                continue
            code = int(head[0].split()[1])
            hdrs = {}
            for h in head[1:]:
                k, _, v = h.partition(":")
                hdrs[k.strip().lower()] = v.strip()
            if not hdrs.get("cseq", "").endswith(method) or code < 200:
                continue
            to = hdrs.get("to", "")
            if ";tag=" in to:
                self.to_tag = to.split(";tag=", 1)[1].split(";")[0]
            return code

    def close(self):
        self.s.close()


def restart(b):
    # the killed process's control port lingers in TIME_WAIT
    b.ctrl_port = harness.free_port()
    b.edit_config({"ctrl_tcp_listen": "127.0.0.1:%d" % b.ctrl_port})
    b.start()


class KillTest(harness.TestCase):

    def callee(self):
        b = Instance(self, "bob", account=";regint=0;answermode=auto",
                     permissions=PERMS)
        return b

    def kill_now(self, b):
        os.kill(b.proc.pid, signal.SIGKILL)
        b.kill()

    def check_journal(self, b):
        j = b.path("calllog.db.journal")
        st = os.stat(j)
        self.assertEqual(stat.S_IMODE(st.st_mode), 0o600)   # P-FILE-1

    def established(self, b, c):
        """c calls b, b answers, c ACKs; returns once b has the call"""
        n = len(b.ctrl.events)
        c.invite()
        self.assertEqual(c.wait_final("INVITE"), 200)
        c.send("ACK")
        b.wait_event("CALL_ESTABLISHED", start=n)

    def bye(self, c):
        """c hangs up; returns when (ms) the BYE left, once answered"""
        c.cseq = 2
        t = int(time.time() * 1000)
        c.send("BYE")
        self.assertEqual(c.wait_final("BYE"), 200)
        return t

    def rounds(self, b, one_call):
        """ROUNDS times: start b, one_call(b, caller), kill -9 b at
        once; then start b again.  Returns the Call-IDs."""
        cids = []
        for i in range(ROUNDS):
            if i:
                restart(b)
            else:
                b.start()
            c = Caller(b.sip_port)
            one_call(b, c)
            self.kill_now(b)
            cids.append(c.cid)
            c.close()
        restart(b)
        return cids

    def test_kill_at_200_ok_of_invite(self):
        b = self.callee()

        def one_call(b, c):
            c.invite()
            self.assertEqual(c.wait_final("INVITE"), 200)

        cids = self.rounds(b, one_call)
        rows = clutil.wait_rows(b, lambda rs: len(rs) >= ROUNDS and
                                all(r["status"] != "in_progress"
                                    for r in rs))
        self.assertEqual(b.stop(), 0)
        self.check_journal(b)
        self.assertEqual(sorted(r["call_id"] for r in rows), sorted(cids))
        for r in rows:
            # running at the kill, never ACKed: interrupted
            self.assertEqual(r["status"], "interrupted", r)
            self.assertEqual(r["direction"], "incoming")
            self.assertIsNotNone(r["ended_at"])

    # baresip 1.0 answers the BYE, then stops the call's audio (joining
    # its threads) before CALL_CLOSED: the call log journals the end
    # when the BYE arrives (its SIP trace handler)
    def test_kill_at_200_ok_of_bye(self):
        b = self.callee()
        t_bye = {}

        def one_call(b, c):
            self.established(b, c)
            time.sleep(0.05)
            t_bye[c.cid] = self.bye(c)

        cids = self.rounds(b, one_call)
        rows = clutil.wait_rows(b, lambda rs: len(rs) >= ROUNDS)
        self.assertEqual(b.stop(), 0)
        self.assertEqual(sorted(r["call_id"] for r in rows), sorted(cids))
        for r in rows:
            # the call had ended: answered, with its real end
            self.assertEqual(r["status"], "answered", r)
            self.assertIsNotNone(r["answered_at"])
            self.assertGreaterEqual(r["ended_at"], t_bye[r["call_id"]] - 5)
            self.assertGreaterEqual(r["duration_ms"], 40)

    def test_kill_at_200_ok_of_bye_among_open_calls(self):
        """Three calls up, their Call-IDs in one bucket of the module's
        Call-ID hash; the BYE of the middle one finds its own record:
        after the kill it alone has ended, the other two were running."""
        b = self.callee()
        b.start()
        callers = []
        for cid in colliding_callids(3):
            c = Caller(b.sip_port)
            c.cid = cid
            callers.append(c)
        self.addCleanup(lambda: [c.close() for c in callers])
        for c in callers:
            self.established(b, c)
        time.sleep(0.05)
        mid = callers[1]
        t_bye = self.bye(mid)
        self.kill_now(b)
        restart(b)

        rows = clutil.wait_rows(b, lambda rs: len(rs) >= 3 and
                                all(r["status"] != "in_progress"
                                    for r in rs))
        self.assertEqual(b.stop(), 0)
        by = {r["call_id"]: r for r in rows}
        self.assertEqual(sorted(by), sorted(c.cid for c in callers))
        self.assertEqual(by[mid.cid]["status"], "answered", by[mid.cid])
        self.assertGreaterEqual(by[mid.cid]["ended_at"], t_bye - 5)
        for c in (callers[0], callers[2]):
            self.assertEqual(by[c.cid]["status"], "interrupted",
                             by[c.cid])


def joaat(s):
    """libre's hash_joaat_str() (Jenkins one-at-a-time)"""
    h = 0
    for ch in s.encode():
        h = (h + ch) & 0xffffffff
        h = (h + (h << 10)) & 0xffffffff
        h ^= h >> 6
    h = (h + (h << 3)) & 0xffffffff
    h ^= h >> 11
    return (h + (h << 15)) & 0xffffffff


def colliding_callids(n, buckets=64):
    """n Call-IDs in one bucket of a libre hash of `buckets` (the call
    log's CALL_BUCKETS), so that a lookup walks past the others"""
    out, want = [], None
    while len(out) < n:
        cid = uuid.uuid4().hex + "@kill.test"
        b = joaat(cid) & (buckets - 1)
        if want is None:
            want = b
        if b == want:
            out.append(cid)
    return out


if __name__ == "__main__":
    harness.main()
