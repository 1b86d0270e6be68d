"""Call log E2E: every status from the situation it names, with real
baresip instances on loopback; one row per call on each side; CLI list
and exports read back by real parsers."""

import csv
import io
import json
import harness
from harness import Instance
import clutil

PERMS = {"microphone": "allow", "storage": "allow"}


class StatusTest(harness.TestCase):

    def test_statuses_and_cli(self):
        a = Instance(self, "alice", permissions=PERMS,
                     config={"call_local_timeout": "3"})
        b = Instance(self, "bob", root=a.root, permissions=PERMS,
                     config={"call_local_timeout": "3"})
        a.start()
        b.start()

        # 1. answered, both directions of the same call
        na, nb = len(a.ctrl.events), len(b.ctrl.events)
        harness.call(a, b)
        a.command("hangup")
        clutil.closed(a, na)
        clutil.closed(b, nb)

        # 2. alice hangs up while bob's phone rings: cancelled / missed
        na, nb = len(a.ctrl.events), len(b.ctrl.events)
        harness.call(a, b, answer=False)
        a.command("hangup")
        clutil.closed(a, na)
        clutil.closed(b, nb)

        # 3. bob declines: rejected here, busy (486) at alice
        na, nb = len(a.ctrl.events), len(b.ctrl.events)
        harness.call(a, b, answer=False)
        b.command("hangup")
        clutil.closed(a, na)
        clutil.closed(b, nb)

        # 4. nobody picks up: bob's ring timeout (3 s) -> missed
        na, nb = len(a.ctrl.events), len(b.ctrl.events)
        harness.call(a, b, answer=False)
        clutil.closed(b, nb, timeout=10)
        clutil.closed(a, na, timeout=10)

        # 5. no such user: 404 -> failed.  A peer answering 404 itself
        # (sipp): baresip 1.1.0 gives a call to any user at a local
        # address to a regint=0 account, where 1.0.0 answered 404
        port, uas = clutil.uas_404(self)
        na = len(a.ctrl.events)
        ok, _ = a.command("dial", "sip:nobody@127.0.0.1:%d" % port)
        self.assertTrue(ok)
        clutil.closed(a, na)
        self.assertEqual(uas.wait(20), 0)

        ra = clutil.wait_rows(a, lambda rs: clutil.done(rs, 5))
        rb = clutil.wait_rows(b, lambda rs: clutil.done(rs, 4))

        self.assertEqual([r["status"] for r in ra],
                         ["answered", "cancelled", "busy", "busy",
                          "failed"])
        # (4: baresip ends a call that rang out with 486 to the caller)
        self.assertEqual([r["status"] for r in rb],
                         ["answered", "missed", "rejected", "missed"])
        self.assertEqual(rb[3]["reason"], "Local timeout")
        self.assertEqual(ra[2]["sip_code"], 486)
        self.assertEqual(ra[4]["sip_code"], 404)
        self.assertEqual(ra[4]["reason"], "404 Not Found")

        for r in ra:
            self.assertEqual(r["direction"], "outgoing")
            self.assertEqual(r["account"], a.aor)
            self.assertIsNotNone(r["call_id"])
            self.assertIsNotNone(r["ended_at"])
        for r in rb:
            self.assertEqual(r["direction"], "incoming")
            self.assertEqual(r["account"], b.aor)
            self.assertEqual(r["peer_uri"], a.aor)
        # the same calls on both sides, matched by SIP Call-ID
        self.assertEqual([r["call_id"] for r in ra[:4]],
                         [r["call_id"] for r in rb])
        # timing: answered call has both stamps and a duration
        self.assertIsNotNone(ra[0]["answered_at"])
        self.assertEqual(ra[0]["duration_ms"],
                         ra[0]["ended_at"] - ra[0]["answered_at"])
        for r in ra[1:] + rb[1:]:
            self.assertIsNone(r["answered_at"])
            self.assertEqual(r["duration_ms"], 0)

        # /calllog inside baresip lists them; "missed" filters
        ok, out = b.command("calllog", "missed")
        self.assertTrue(ok)
        self.assertEqual(out.count("missed"), 2, out)
        self.assertNotIn("rejected", out)

        self.assertEqual(a.stop(), 0)
        self.assertEqual(b.stop(), 0)
        self.assertEqual(len(clutil.rows(a)), 5)

        # CLI: list, list --json, export csv/json read back by parsers
        p = harness.octasip("calllog", "list", "--limit", "2",
                            profile=b.profile)
        self.assertEqual(len(p.stdout.strip().splitlines()), 3, p.stdout)
        self.assertIn("missed", p.stdout)
        js = json.loads(harness.octasip("calllog", "list", "--json",
                                        "--missed",
                                        profile=b.profile).stdout)
        self.assertEqual([r["id"] for r in js], [4, 2])

        out = harness.octasip("calllog", "export", "--format", "csv",
                              profile=a.profile).stdout
        got = list(csv.DictReader(io.StringIO(out, newline="")))
        self.assertEqual(len(got), 5)
        for db, ex in zip(ra, got):
            for k in ("id", "call_id", "status", "peer_uri", "sip_code",
                      "started_at", "duration_ms", "reason"):
                want = "" if db[k] is None else str(db[k])
                self.assertEqual(ex[k], want, k)

        js = json.loads(harness.octasip("calllog", "export", "--format",
                                        "json", profile=a.profile).stdout)
        self.assertEqual([r["status"] for r in js],
                         [r["status"] for r in ra])
        self.assertEqual(js[0]["answered_at"], ra[0]["answered_at"])

        p = harness.octasip("calllog", "purge", "--all", profile=a.profile)
        self.assertIn("purged 5", p.stdout)
        self.assertEqual(clutil.rows(a), [])

        # bad usage: a usage error (exit 2, one line and the hint)
        p = harness.octasip("calllog", "export", "--format", "xml",
                            profile=a.profile, check=False)
        self.assertUsageError(p, "--format", "calllog")


if __name__ == "__main__":
    harness.main()
