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

test_flood_of_20000: the issue's flood end to end, 20,000 INVITEs
(about 45 s on a 2-core machine) against octasip_calllog_max_rows
10000: the three calls with alice survive, 1,000 blocked rows are kept,
and the call-log journal, if the flood fills it, says so when that starts
and ends (not once per batch the writer commits).  Skipped in the
sanitizer build, where the 300-INVITE flood covers the same code.  The pruning rule is also tested
with 20,000 rows at the database level (tests/unit/calllog/
test_calllog_db.c, test_retention_flood)."""

import os
import re
import subprocess
import threading
import time
import unittest

import harness
from harness import Instance

E2E = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(
    __file__))), "e2e")
FLOOD = os.path.join(E2E, "policy", "sipp_uac_flood.xml")
PERMS = {"microphone": "allow", "storage": "allow"}


def journal_lines(path, stop, seen):
    """(state, time first seen) of each call-log journal full/room line
    in the log at path, read as it grows, until stop is set"""
    pat = re.compile(rb"journal (is full of records|has room again)")
    pos, tail = 0, b""
    while True:
        done = stop.is_set()
        with open(path, "rb") as f:
            f.seek(pos)
            data = f.read()
        pos += len(data)
        lines = (tail + data).split(b"\n")
        tail = lines.pop()
        now = time.monotonic()
        for line in lines:
            m = pat.search(line)
            if m:
                seen.append((m.group(1).decode(), now))
        if done:
            return
        time.sleep(0.1)


def closed(inst, n):
    inst.wait_event("CALL_CLOSED", start=n)


class TestPRet3(harness.TestCase):

    def history(self, max_rows):
        """alice and bob (bob's call log capped at max_rows, 5 incoming
        calls per minute from one address); bob's three calls with alice:
        answered, missed, outgoing"""
        a = Instance(self, "alice", permissions=PERMS)
        b = Instance(self, "bob", root=a.root, permissions=PERMS, config={
            "octasip_calllog_max_rows": str(max_rows),
            "octasip_policy_max_incoming_per_address": "5"})
        a.start()
        b.start()

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
        return a, b

    def flood(self, b, calls, rate):
        """a scanner at 127.0.0.2: calls INVITEs at rate per second, a
        new From user on each, at most 2 at a time (more ringing at once
        would meet baresip's own max_calls, 486, before the policy); 5
        ring and are cancelled, the rest must be refused and logged
        blocked"""
        err = os.path.join(b.root, "sipp.err")
        # this client reads nothing while sipp runs: octasip_ctrl would
        # close it as too slow ("it reads too slowly"); a new one after
        b.ctrl.close()
        t0 = time.monotonic()
        p = subprocess.run(
            ["sipp", "127.0.0.1:%d" % b.sip_port, "-sf", FLOOD,
             "-s", "bob", "-i", "127.0.0.2",
             "-p", str(harness.free_port()),
             "-mp", str(harness.free_port()), "-m", str(calls),
             "-r", str(rate), "-l", "2", "-timeout", "%ds" % (
                 40 + calls // rate * 3),
             "-timeout_error", "-nostdin",
             "-trace_err", "-error_file", err],
            stdin=subprocess.DEVNULL, capture_output=True,
            timeout=120 + calls // rate * 3)
        if p.returncode:
            with open(err, errors="replace") as f:
                self.fail("sipp: %s\n%s\nbob: %s" % (
                    p.stdout[-1000:], f.read()[-2000:], b.log()[-1500:]))
        # the cap is 5 per sliding minute: a flood that the machine
        # stretched past a minute lets 5 more ring per minute begun
        lo = calls - 5 * (int((time.monotonic() - t0) // 60) + 1)
        b.ctrl = b.connect()
        last = []

        def counted():
            out = b.command("fraud")[1]
            last[:] = [out]
            m = re.search(r"incoming (\d+) \(per address (\d+)", out)
            return m and m.group(1) == m.group(2) and \
                lo <= int(m.group(1)) <= calls - 5

        try:
            harness.wait_for(counted, timeout=60, what="%d-%d refused"
                             " calls counted" % (lo, calls - 5))
        except AssertionError as e:
            raise AssertionError("%s; /fraud said: %s" % (e, last))

    def assertHistoryKept(self, b, max_rows):
        """after a restart (the call log prunes at start): bob's three
        calls with alice, the newest max_rows/10 blocked rows, no more"""
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
        self.assertEqual(sum(r["status"] == "blocked" for r in rows),
                         max_rows // 10)
        self.assertLessEqual(len(rows), max_rows + max_rows // 10)
        return rows

    def test_P_RET_3(self):
        a, b = self.history(20)
        self.flood(b, 300, 100)
        harness.wait_for(
            lambda: sum(r["status"] == "blocked"
                        for r in b.calllog_rows()) == 295,
            what="295 blocked rows")
        self.assertHistoryKept(b, 20)

    @unittest.skipIf(os.environ.get("OCTASIP_TEST_PRELOAD"),
                     "the 300-INVITE flood covers the sanitizer build")
    def test_flood_of_20000(self):
        """the issue's flood: 20,000 INVITEs against max_rows 10000"""
        a, b = self.history(10000)
        seen, stop = [], threading.Event()
        watch = threading.Thread(target=journal_lines,
                                 args=(b.log_path, stop, seen))
        watch.start()
        t0 = time.monotonic()
        try:
            self.flood(b, 20000, 1000)
        finally:
            stop.set()
            watch.join()
        print("20,000 INVITEs refused in %.1f s; journal lines: %s" % (
            time.monotonic() - t0,
            ", ".join("%s at %.1f s" % (st, t - t0) for st, t in seen)))
        # the journal may fill while the writer catches up: said when it
        # starts, and "room again" only after 10 s in which it was never
        # found full, not per batch the writer commits (the code before
        # alternated 5 times within one flood); how often a real
        # recovery happens mid-flood depends on the machine's load
        log = b.log()
        states = [st for st, _ in seen]
        self.assertEqual(states, ["is full of records", "has room again"]
                         * (len(states) // 2) + ["is full of records"]
                         * (len(states) % 2), states)
        for (_, full), (_, room) in zip(seen[0::2], seen[1::2]):
            self.assertGreaterEqual(room - full, 9.5, seen)
        self.assertNotIn("memory bound reached", log)
        self.assertHistoryKept(b, 10000)


if __name__ == "__main__":
    harness.main()
