"""Call log E2E with sipp: callers whose display names are SQL-looking,
a spreadsheet formula, binary or huge are stored exactly as received (up
to the 1024-byte cap) and exported safely; a callee answering 404 makes
the caller's row "failed" with code 404."""

import csv
import io
import json
import os
import subprocess
import harness
from harness import Instance
import clutil

HERE = os.path.dirname(os.path.abspath(__file__))
PERMS = {"microphone": "allow", "storage": "allow"}

NAMES = [
    b"Robert') OR 1=1 -- DROP TABLE calls",  # no ';': sipp's separator
    b"=HYPERLINK(\"http://evil\")",
    bytes([0x01, 0x02, 0x7f, 0xff, 0xfe, 0x80]) + b"bin\xc3\xa9",
    b"A" * 1500,
]


def sipp(args, timeout=30):
    p = subprocess.run(["sipp"] + args, stdin=subprocess.DEVNULL,
                       capture_output=True, timeout=timeout)
    return p


class SippTest(harness.TestCase):

    def test_hostile_display_names(self):
        b = Instance(self, "bob", account=";regint=0;answermode=auto",
                     permissions=PERMS)
        b.start()
        inf = os.path.join(b.root, "names.csv")
        with open(inf, "wb") as f:
            f.write(b"SEQUENTIAL\n")
            for n in NAMES:
                f.write(n + b";\n")
        port = harness.free_port()
        p = sipp(["127.0.0.1:%d" % b.sip_port, "-sf",
                  os.path.join(HERE, "sipp_uac_name.xml"), "-inf", inf,
                  "-s", "bob", "-i", "127.0.0.1", "-p", str(port),
                  "-m", str(len(NAMES)), "-l", "1", "-r", "5",
                  "-timeout", "25", "-timeout_error"])
        self.assertEqual(p.returncode, 0, p.stdout[-2000:])

        rb = clutil.wait_rows(b, lambda rs: clutil.done(rs, len(NAMES)),
                              raw=True)
        for row, name in zip(rb, NAMES):
            self.assertEqual(row["status"], b"answered")
            self.assertEqual(row["peer_name"], name[:1024])
        self.assertEqual(b.stop(), 0)

        # CSV: parsed back, formula neutralised, bytes as stored
        out = subprocess.run([harness.OCTASIP, "-d", b.profile, "calllog",
                              "export", "--format", "csv"],
                             capture_output=True, check=True).stdout
        got = list(csv.DictReader(io.StringIO(
            out.decode("utf-8", "surrogateescape"), newline="")))
        self.assertEqual(got[2]["peer_name"].encode("utf-8",
                                                     "surrogateescape"),
                         NAMES[2])
        self.assertEqual(len(got), len(NAMES))
        self.assertEqual(got[0]["peer_name"].encode(), NAMES[0])
        self.assertEqual(got[1]["peer_name"].encode(), b"'" + NAMES[1])
        self.assertEqual(got[3]["peer_name"], "A" * 1024)

        # JSON: valid, bad bytes replaced, text kept
        js = json.loads(harness.octasip("calllog", "export", "--format",
                                        "json", profile=b.profile).stdout)
        self.assertEqual(js[0]["peer_name"], NAMES[0].decode())
        self.assertEqual(js[2]["peer_name"],
                         "\x01\x02\x7f\ufffd\ufffd\ufffdbin\xe9")
        # list: one line per row, no raw control characters
        out = harness.octasip("calllog", "list", profile=b.profile).stdout
        self.assertEqual(len(out.splitlines()), 1 + len(NAMES))
        self.assertNotIn("\x01", out)

    def test_404(self):
        a = Instance(self, "alice", permissions=PERMS)
        a.start()
        port, uas = clutil.uas_404(self)
        n = len(a.ctrl.events)
        a.command("dial", "sip:ghost@127.0.0.1:%d" % port)
        clutil.closed(a, n)
        ra = clutil.wait_rows(a, lambda rs: clutil.done(rs, 1))
        self.assertEqual(ra[0]["status"], "failed")
        self.assertEqual(ra[0]["sip_code"], 404)
        self.assertEqual(ra[0]["reason"], "404 Not Found")
        self.assertEqual(uas.wait(20), 0)
        self.assertEqual(a.stop(), 0)


if __name__ == "__main__":
    harness.main()
