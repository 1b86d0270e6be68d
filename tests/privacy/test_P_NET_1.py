"""P-NET-1: during a call OctaSIP talks only to the SIP and RTP peers of
that call.

Network audit: tcpdump captures every interface while alice calls bob
(answered, RTP flowing both ways); `ss` lists the sockets of both baresip
processes during the call.  Every captured packet to or from one of
alice's sockets must have bob's sockets
at the other end, and alice's TCP peers must be local too.  The audit is
not vacuous: packets flowed alice -> bob on SIP and on RTP."""

import os
import re
import shutil
import signal
import subprocess
import time
import unittest

import harness
from harness import Instance

PKT = re.compile(r"\bIP6? (\S+)\.(\d+) > (\S+)\.(\d+):")


def sockets(pid):
    """[(proto, local_ip, local_port, peer_ip, peer_port)] of pid."""
    out = subprocess.run(["ss", "-tunapH"], capture_output=True,
                         text=True).stdout
    res = []
    for line in out.splitlines():
        if "pid=%d," % pid not in line:
            continue
        f = line.split()
        lip, lport = f[4].rsplit(":", 1)
        pip, pport = f[5].rsplit(":", 1)
        res.append((f[0], lip.strip("[]"), int(lport), pip.strip("[]"),
                    pport))
    return res


def read_pcap(path):
    return subprocess.run(["tcpdump", "-nn", "-r", path],
                          capture_output=True, text=True).stdout


@unittest.skipUnless(shutil.which("tcpdump") and os.geteuid() == 0,
                     "needs tcpdump and root (scripts/packages.txt)")
class TestPNet1(harness.TestCase):

    def capture(self, path):
        # --immediate-mode: packets are written as they come, so the
        # capture is complete when tcpdump exits on SIGINT
        p = subprocess.Popen(["tcpdump", "-i", "any", "-nn", "-U",
                              "--immediate-mode", "-Z", "root", "-w",
                              path], stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, text=True)
        self.addCleanup(lambda: p.poll() is None and p.kill())
        # tcpdump says "listening on" once the capture is armed
        seen = []
        for _ in range(5):
            seen.append(p.stderr.readline())
            if "listening on" in seen[-1]:
                return p
        self.fail("tcpdump did not start: %s" % seen)

    def test_P_NET_1(self):
        a = Instance(self, "alice", permissions={"microphone": "allow"})
        b = Instance(self, "bob", root=a.root,
                     permissions={"microphone": "allow"})
        a.start()
        b.start()
        pcap = os.path.join(a.root, "call.pcap")
        cap = self.capture(pcap)

        harness.call(a, b)
        a.wait_event("CALL_RTPESTAB")
        b.wait_event("CALL_RTPESTAB")
        socks_a = sockets(a.proc.pid)
        socks_b = sockets(b.proc.pid)
        ports_a = {s[2] for s in socks_a}
        ports_b = {s[2] for s in socks_b}

        # let media flow: wait (with a deadline) until the capture holds
        # at least 25 RTP packets alice -> bob
        def rtp_seen():
            n = 0
            for line in read_pcap(pcap).splitlines():
                m = PKT.search(line)
                if (m and int(m.group(2)) in ports_a and
                        int(m.group(4)) in ports_b and
                        int(m.group(4)) != b.sip_port):
                    n += 1
            return n
        deadline = time.monotonic() + 10
        while rtp_seen() < 25 and time.monotonic() < deadline:
            time.sleep(0.1)
        a.command("hangup")
        b.wait_event("CALL_CLOSED")
        self.assertEqual(a.stop(), 0)
        self.assertEqual(b.stop(), 0)
        cap.send_signal(signal.SIGINT)
        self.assertEqual(cap.wait(10), 0)
        cap.stderr.close()

        self.assertIn(a.sip_port, ports_a)
        self.assertGreaterEqual(len(ports_a), 3, socks_a)  # SIP+RTP+RTCP
        local = {"127.0.0.1", "::1", "0.0.0.0", "*", "::"}
        local |= {s[1] for s in socks_a + socks_b}
        # alice has no TCP peers but local ones (control is a Unix socket)
        for proto, lip, lport, pip, pport in socks_a:
            if pip not in ("0.0.0.0", "*", "::"):
                self.assertIn(pip, local, (proto, lip, lport, pip))

        text = read_pcap(pcap)
        to_b_sip = to_b_other = 0
        for line in text.splitlines():
            m = PKT.search(line)
            if not m:
                continue
            sip, sport, dip, dport = (m.group(1), int(m.group(2)),
                                      m.group(3), int(m.group(4)))
            for mine, myport, other, oport in ((sip, sport, dip, dport),
                                               (dip, dport, sip, sport)):
                if myport not in ports_a or mine not in local:
                    continue
                self.assertIn(other, local, line)
                self.assertIn(oport, ports_b,
                              "alice talked to a non-peer: %s" % line)
            if sport in ports_a and dport == b.sip_port:
                to_b_sip += 1
            elif sport in ports_a and dport in ports_b:
                to_b_other += 1
        self.assertGreater(to_b_sip, 0, "no SIP seen: capture empty?")
        self.assertGreater(to_b_other, 10, "no RTP seen")


if __name__ == "__main__":
    harness.main()
