"""P-EXPORT-1: `octasip data export` writes every piece of personal data
OctaSIP holds as one JSON document (docs/privacy.md), mode 0600, and
never a secret.

A profile with an account (password in the vault), a plaintext
;auth_pass= line not yet imported, a contact, calls, permission changes,
a crash report, consent and statistics is exported to a file and to
stdout.  Each category is in the document and matches its source (call
rows = calllog.db rows, audit entries = audit lines, report = the file);
no password is anywhere in it."""

import json
import os
import sqlite3

import harness
import privutil
from harness import Instance, octasip

PW = "ExportPwCanary77"
PLAIN = "PlainPwCanary88"


class TestPExport1(harness.TestCase):

    def test_P_EXPORT_1(self):
        a = Instance(self, "alice", permissions={"microphone": "allow"})
        b = Instance(self, "bob", root=a.root)
        octasip("account", "add", "sip:carol@example.org", "--auth-user",
                "caroluser", "--password-stdin", profile=a.profile,
                stdin=PW + "\n")
        with open(a.path("accounts"), "a") as f:
            f.write("<sip:dave@example.org>;auth_user=dave;auth_pass=%s;"
                    "regint=0\n" % PLAIN)
        with open(a.path("contacts"), "a") as f:
            f.write('"Erin \\"E\\" Example" <sip:erin@example.org>\n')
        octasip("perm", "set", "contacts", "allow", profile=a.profile)
        octasip("crash", "consent", "give", profile=a.profile)
        a.start()
        b.start()
        harness.call(b, a)
        a.wait_event("CALL_ESTABLISHED")
        # the row is written from the call log's thread: do not race it
        harness.wait_for(lambda: len(a.calllog_rows()) == 1, 10,
                         "alice's call log row")
        privutil.crash(a)
        b.kill()
        privutil.restart(a)
        a.wait_log(r"crash report\(s\) from earlier runs")
        self.assertEqual(a.stop(), 0)

        out = os.path.join(a.root, "export.json")
        p = octasip("data", "export", out, profile=a.profile, check=False)
        with open(out, "rb") as f:
            raw = f.read()
        self.assertEqual(os.stat(out).st_mode & 0o777, 0o600)
        for secret in (PW, PLAIN):
            self.assertNotIn(secret.encode(), raw)
        doc = json.loads(raw)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(doc["format"], "octasip-data-export")
        self.assertEqual(doc["version"], 1)

        recs = doc["vault"]["records"]
        self.assertEqual([(r["aor"], r["auth_user"]) for r in recs],
                         [("sip:carol@example.org", "caroluser")])
        accts = {x["aor"]: x for x in doc["accounts"]}
        self.assertEqual(accts["sip:carol@example.org"]["secret"],
                         "in vault")
        self.assertIn("plaintext", accts["sip:dave@example.org"]["secret"])
        self.assertNotIn("auth_pass", accts["sip:dave@example.org"]["line"])
        self.assertIn(a.aor, accts)
        self.assertTrue(any("erin@example.org" in c
                            for c in doc["contacts"]))

        con = sqlite3.connect("file:%s?mode=ro" %
                              a.path("calllog.db"), uri=True)
        n = con.execute("SELECT count(*) FROM calls").fetchone()[0]
        con.close()
        self.assertGreaterEqual(n, 1)
        self.assertEqual(len(doc["call_log"]["calls"]), n)
        self.assertEqual(doc["call_log"]["calls"][0]["peer_uri"],
                         b.aor)

        with open(a.path("permissions.audit")) as f:
            audit = [ln for ln in f.read().splitlines() if ln]
        self.assertEqual(len(doc["permissions"]["audit"]), len(audit))
        self.assertEqual(doc["permissions"]["states"]["contacts"], "allow")

        crash = doc["crash"]
        self.assertEqual(crash["consent"]["state"], "given")
        self.assertIsNotNone(crash["statistics"])
        self.assertEqual(len(crash["reports"]), 1)
        rid = crash["reports"][0]["id"]
        with open(a.path("crash", rid + ".json")) as f:
            self.assertEqual(crash["reports"][0]["report"], json.load(f))
        with open(a.path("uuid")) as f:
            self.assertEqual(doc["device"]["uuid"], f.read().strip())

        # stdout gives the same document
        p = octasip("data", "export", profile=a.profile)
        doc2 = json.loads(p.stdout)
        doc2["created_at"] = doc["created_at"]
        self.assertEqual(doc2, doc)


if __name__ == "__main__":
    harness.main()
