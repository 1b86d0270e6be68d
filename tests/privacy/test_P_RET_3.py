"""P-RET-3: refused calls never push the user's history out of the call
log (issue 16 item 4).

bob: octasip_calllog_max_rows 20, octasip_policy_max_incoming_per_address
5.  His history: a call from alice he answered, one he missed and one he
made to alice.  Then a scanner floods him from 127.0.0.2 with 300
INVITEs, a new From user on each (sipp, sipp_uac_flood.xml): 5 ring and
are cancelled, 295 are refused by the per-address cap and logged
`blocked`.  bob restarts (the call log prunes at start): every one of his
three calls with alice is still there, and only the newest 2 (= 20/10)
blocked rows are kept.  Before, the newest 20 rows of any status were
kept, so the flood pushed the history out.

A flood of refused calls also crashes the call-log writer thread now and
then (SIGSEGV in cl_writer.c writer_main/opq_bound, about 1 run in 8,
on main too): this test then fails with bob's log ending mid-flood.

(The issue's 20,000-INVITE flood is too slow for a shared 2-core test
machine end to end; the pruning rule is tested with 20,000 rows at the
database level in tests/unit/calllog/test_calllog_db.c,
test_retention_flood.)"""

import os
import subprocess

import harness
from harness import Instance

E2E = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(
    __file__))), "e2e")
FLOOD = os.path.join(E2E, "policy", "sipp_uac_flood.xml")
PERMS = {"microphone": "allow", "storage": "allow"}


def closed(inst, n):
    inst.wait_event("CALL_CLOSED", start=n)


class TestPRet3(harness.TestCase):

    def test_P_RET_3(self):
        a = Instance(self, "alice", permissions=PERMS)
        b = Instance(self, "bob", root=a.root, permissions=PERMS, config={
            "octasip_calllog_max_rows": "20",
            "octasip_policy_max_incoming_per_address": "5"})
        a.start()
        b.start()

        # answered, missed, outgoing
        na, nb = len(a.ctrl.events), len(b.ctrl.events)
        harness.call(a, b)
        a.command("hangup")
        closed(a, na)
        closed(b, nb)
        na, nb = len(a.ctrl.events), len(b.ctrl.events)
        harness.call(a, b, answer=False)
        a.command("hangup")
        closed(a, na)
        closed(b, nb)
        na, nb = len(a.ctrl.events), len(b.ctrl.events)
        harness.call(b, a)
        b.command("hangup")
        closed(a, na)
        closed(b, nb)

        err = os.path.join(b.root, "sipp.err")
        p = subprocess.run(
            ["sipp", "127.0.0.1:%d" % b.sip_port, "-sf", FLOOD,
             "-s", "bob", "-i", "127.0.0.2",
             "-p", str(harness.free_port()),
             "-mp", str(harness.free_port()), "-m", "300", "-r", "100",
             "-l", "2", "-timeout", "40", "-timeout_error", "-nostdin",
             "-trace_err", "-error_file", err],
            stdin=subprocess.DEVNULL, capture_output=True, timeout=120)
        if p.returncode:
            with open(err, errors="replace") as f:
                self.fail("sipp: %s\n%s\nbob: %s" % (
                    p.stdout[-1000:], f.read()[-2000:], b.log()[-1500:]))
        harness.wait_for(
            lambda: sum(r["status"] == "blocked"
                        for r in b.calllog_rows()) == 295,
            what="295 blocked rows")
        ok, out = b.command("fraud")
        self.assertIn("incoming 295 (per address 295", out)

        self.assertEqual(b.stop(), 0)
        b.start()
        b.wait_log(r"baresip is ready")
        self.assertEqual(b.stop(), 0)

        rows = b.calllog_rows()
        mine = [(r["direction"], r["status"]) for r in rows
                if r["peer_uri"].startswith("sip:alice@")]
        self.assertEqual(mine, [("incoming", "answered"),
                                ("incoming", "missed"),
                                ("outgoing", "answered")])
        self.assertEqual(sum(r["status"] == "blocked" for r in rows), 2)
        self.assertLessEqual(len(rows), 20 + 2)


if __name__ == "__main__":
    harness.main()
