"""Call log E2E, durability and privacy: clean shutdown with a call up,
kill -9 during a call, a corrupt calllog.db, storage permission denied
(memory-only), a full disk, hashed peers, retention and migration at
start, contacts blocking."""

import os
import re
import resource
import sqlite3
import threading
import subprocess
import time
from unittest import mock
import harness
from harness import Instance
import clutil

PERMS = {"microphone": "allow", "storage": "allow"}


def answered_call(a, b):
    na, nb = len(a.ctrl.events), len(b.ctrl.events)
    harness.call(a, b)
    return na, nb


def start_fsize_limitable(a):
    """Start a so that RLIMIT_FSIZE (prlimit) acts as a full disk:
    python ignores SIGXFSZ; keep it so in baresip, so a write past the
    limit fails with EFBIG like a full disk.  The log goes through a
    pipe: the limit must not eat it."""
    popen = subprocess.Popen

    def keep_sigxfsz_ignored(*args, **kw):
        kw["restore_signals"] = False
        r, w = os.pipe()
        kw["stdout"] = w
        p = popen(*args, **kw)
        os.close(w)

        def pump():
            with open(a.log_path, "ab", buffering=0) as f:
                while True:
                    chunk = os.read(r, 65536)
                    if not chunk:
                        break
                    f.write(chunk)
            os.close(r)
        threading.Thread(target=pump, daemon=True).start()
        return p

    with mock.patch.object(harness.subprocess, "Popen",
                           keep_sigxfsz_ignored):
        a.start()


def disk_full_calls(test, a, b, n):
    """Fill alice's disk (RLIMIT_FSIZE 1 byte), place n answered calls;
    returns when the writer holds them."""
    a.wait_log(r"octasip_calllog: OctaSIP")
    clutil.wait_rows(a, lambda rs: True)
    _, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.prlimit(a.proc.pid, resource.RLIMIT_FSIZE, (1, hard))
    for _ in range(n):
        na, nb = answered_call(a, b)
        # the caller's side too, or its hangup is a cancel
        a.wait_event("CALL_ESTABLISHED", start=na)
        a.command("hangup")
        clutil.closed(a, na)
        clutil.closed(b, nb)
    deadline = time.monotonic() + 10
    while True:
        ok, out = a.command("calllog_stats")
        if "failing=1" in out and "held=%d" % n in out:
            break
        test.assertLess(time.monotonic(), deadline, out)
        time.sleep(0.05)
    test.assertEqual(clutil.rows(a), [])
    return hard


class DurabilityTest(harness.TestCase):

    def test_shutdown_and_kill(self):
        a = Instance(self, "alice", permissions=PERMS)
        b = Instance(self, "bob", root=a.root, permissions=PERMS)
        a.start()
        b.start()

        # alice quits cleanly with a call up: answered, "shutdown"
        answered_call(a, b)
        nb = len(b.ctrl.events)
        self.assertEqual(a.stop(), 0)
        ra = clutil.rows(a)
        self.assertEqual(len(ra), 1)
        self.assertEqual(ra[0]["status"], "answered")
        self.assertEqual(ra[0]["reason"], "shutdown")
        self.assertIsNotNone(ra[0]["ended_at"])
        clutil.closed(b, nb)

        # bob is killed during a call
        a.start()
        answered_call(a, b)
        clutil.wait_rows(b, lambda rs: len(rs) == 2 and
                         rs[1]["answered_at"] is not None)
        t_kill = int(time.time() * 1000)
        b.kill()
        a.kill()
        rb = clutil.rows(b)
        self.assertEqual(rb[1]["status"], "in_progress")

        # at the next start the row becomes interrupted
        b.start()
        rb = clutil.wait_rows(b, lambda rs: len(rs) == 2 and
                              rs[1]["status"] == "interrupted")
        r = rb[1]
        self.assertGreaterEqual(r["ended_at"], r["answered_at"])
        self.assertLessEqual(r["ended_at"], t_kill)
        self.assertEqual(r["duration_ms"], r["ended_at"] - r["answered_at"])
        self.assertEqual(rb[0]["status"], "answered")
        self.assertEqual(b.stop(), 0)
        self.assertRegex(b.log(), r"1 call\(s\) left open .* interrupted")

    def test_kill_before_the_ten_second_heartbeat(self):
        """kill -9 3.5 s into an answered call: the interrupted row's
        duration is the best known, a lower bound short by at most half
        the call (docs/calllog.md), not 0."""
        a = Instance(self, "alice", permissions=PERMS)
        b = Instance(self, "bob", root=a.root, permissions=PERMS)
        a.start()
        b.start()
        answered_call(a, b)
        rb = clutil.wait_rows(b, lambda rs: len(rs) == 1 and
                              rs[0]["answered_at"] is not None)
        time.sleep(3.5)
        t_kill = int(time.time() * 1000)
        b.kill()
        a.kill()
        true_ms = t_kill - rb[0]["answered_at"]

        b.ctrl_port = harness.free_port()
        b.edit_config({"ctrl_tcp_listen": "127.0.0.1:%d" % b.ctrl_port})
        b.start()
        r = clutil.wait_rows(b, lambda rs: len(rs) == 1 and
                             rs[0]["status"] == "interrupted")[0]
        self.assertLessEqual(r["ended_at"], t_kill)
        self.assertEqual(r["duration_ms"], r["ended_at"] - r["answered_at"])
        self.assertLessEqual(r["duration_ms"], true_ms)
        # the bound: short by less than half the call (or 1 s), 10 s max
        self.assertGreater(r["duration_ms"],
                           true_ms - max(1000, true_ms // 2) - 200, r)
        self.assertGreater(r["duration_ms"], 0, r)
        self.assertEqual(b.stop(), 0)

    def test_corrupt_file_and_memory_only(self):
        junk = b"\x00garbage, not SQLite\n" * 50
        a = Instance(self, "alice", permissions=PERMS)
        with open(a.path("calllog.db"), "wb") as f:
            f.write(junk)
        # bob denied storage: calls are kept in memory only
        b = Instance(self, "bob", root=a.root,
                     permissions={"microphone": "allow",
                                  "storage": "deny"})
        a.start()
        b.start()
        a.wait_log(r"not a valid database: moved aside to (\S+)")
        aside = [n for n in os.listdir(a.profile)
                 if n.startswith("calllog.db.corrupt-")]
        self.assertEqual(len(aside), 1)
        with open(a.path(aside[0]), "rb") as f:
            self.assertEqual(f.read(), junk)
        self.assertIn(aside[0], a.log())

        na, nb = answered_call(a, b)
        a.command("hangup")
        clutil.closed(a, na)
        clutil.closed(b, nb)

        ra = clutil.wait_rows(a, lambda rs: clutil.done(rs, 1))
        self.assertEqual(ra[0]["status"], "answered")
        self.assertEqual(os.stat(a.path("calllog.db")).st_mode & 0o777,
                         0o600)

        ok, out = b.command("calllog")
        self.assertIn("memory-only", out)
        self.assertIn(a.aor, out)
        self.assertEqual(b.stop(), 0)
        self.assertEqual(a.stop(), 0)
        self.assertEqual(clutil.rows(b), [])
        self.assertIn("memory-only", b.log())

    def test_disk_full(self):
        a = Instance(self, "alice", permissions=PERMS)
        b = Instance(self, "bob", root=a.root, permissions=PERMS)
        start_fsize_limitable(a)
        b.start()
        # the calls went through; their rows wait in memory
        hard = disk_full_calls(self, a, b, 2)
        # the disk has room again: the held rows are written
        resource.prlimit(a.proc.pid, resource.RLIMIT_FSIZE, (hard, hard))
        ra = clutil.wait_rows(a, lambda rs: clutil.done(rs, 2))
        self.assertEqual([r["status"] for r in ra], ["answered"] * 2)
        self.assertEqual(a.stop(), 0)
        log = a.log()
        # reported once, recovery reported once
        self.assertEqual(len(re.findall(r"cannot write .*calllog.db",
                                        log)), 1, log)
        self.assertEqual(len(re.findall(r"writable again: 2 held",
                                        log)), 1, log)

    def test_disk_full_then_quit_or_kill(self):
        # rows held while the disk is full survive baresip quitting or
        # being killed before space returns: the journal keeps them and
        # the next start writes them
        for how in ("quit", "kill"):
            a = Instance(self, "alice", permissions=PERMS)
            b = Instance(self, "bob", root=a.root, permissions=PERMS)
            start_fsize_limitable(a)
            b.start()
            disk_full_calls(self, a, b, 3)
            if how == "quit":
                self.assertEqual(a.stop(), 0)
            else:
                a.kill()
            b.kill()
            self.assertEqual(clutil.rows(a), [], how)
            a.ctrl_port = harness.free_port()
            a.edit_config({"ctrl_tcp_listen": "127.0.0.1:%d" %
                           a.ctrl_port})
            a.start()
            ra = clutil.wait_rows(a, lambda rs: clutil.done(rs, 3))
            self.assertEqual([r["status"] for r in ra], ["answered"] * 3,
                             how)
            self.assertEqual(len({r["ukey"] for r in ra}), 3)
            self.assertEqual(a.stop(), 0)
            log = a.log()
            self.assertEqual(len(re.findall(r"cannot write .*calllog.db",
                                            log)), 1, log)
            if how == "quit":
                self.assertRegex(log, r"exiting with 3 record\(s\) not"
                                 r" written .*journal")
                self.assertRegex(log, r"octasip_policy: exiting with 3"
                                 r" audit line\(s\) not written .*"
                                 r"permissions\.audit\.pending")
            # the calls' audit lines, held the same way (the policy's
            # pending file), are in the audit log once
            with open(a.path("permissions.audit")) as f:
                self.assertEqual(f.read().count("\tcall audio"), 3, how)

    def test_hash_retention_migration_contacts(self):
        a = Instance(self, "alice", permissions=PERMS,
                     config={"octasip_calllog_peer": "hash",
                             "octasip_calllog_retention_days": "30",
                             "octasip_calllog_max_rows": "5"})
        # bob lets OctaSIP read his contacts (the policy unloads them
        # otherwise), so contact.so's access=block applies
        b = Instance(self, "bob", root=a.root,
                     permissions=dict(PERMS, contacts="allow"))
        # alice's call log from an older OctaSIP (schema 1): 3 calls
        # older than 30 days, 6 recent ones
        os.remove(a.path("calllog.db"))
        con = sqlite3.connect(a.path("calllog.db"))
        con.executescript(
            "CREATE TABLE calls (id INTEGER PRIMARY KEY, call_id TEXT,"
            " account TEXT NOT NULL, direction TEXT NOT NULL,"
            " status TEXT NOT NULL, peer_uri TEXT, peer_name TEXT,"
            " started_at INTEGER NOT NULL, answered_at INTEGER,"
            " ended_at INTEGER, duration_ms INTEGER, sip_code INTEGER,"
            " reason TEXT, encryption TEXT); PRAGMA user_version = 1;")
        now = int(time.time() * 1000)
        for i in range(9):
            t = now - (40 if i < 3 else 1) * 86400000 + i
            con.execute("INSERT INTO calls (call_id, account, direction,"
                        " status, started_at, ended_at, duration_ms)"
                        " VALUES (?, 'x', 'incoming', 'missed', ?, ?, 0)",
                        ("old-%d" % i, t, t))
        con.commit()
        con.close()
        os.chmod(a.path("calllog.db"), 0o600)
        # bob blocks alice in his contacts file
        with open(b.path("contacts"), "w") as f:
            f.write('"Alice" <%s>;access=block\n' % a.aor)

        a.start()
        b.start()
        a.wait_log(r"retention removed 4 old call")
        ra = clutil.rows(a)
        self.assertEqual([r["call_id"] for r in ra],
                         ["old-%d" % i for i in range(4, 9)])
        con = sqlite3.connect(a.path("calllog.db"))
        self.assertEqual(con.execute("PRAGMA user_version").fetchone()[0],
                         2)
        con.close()

        # bob calls alice twice: one hashed peer, grouped, no name
        for _ in range(2):
            na, nb = answered_call(b, a)
            b.command("hangup")
            clutil.closed(a, na)
            clutil.closed(b, nb)
        ra = clutil.wait_rows(a, lambda rs: sum(
            1 for r in rs if r["status"] == "answered") == 2)
        new = [r for r in ra if r["status"] == "answered"]
        self.assertRegex(new[0]["peer_uri"], r"^h:[0-9a-f]{32}$")
        self.assertEqual(new[0]["peer_uri"], new[1]["peer_uri"])
        self.assertIsNone(new[0]["peer_name"])
        with open(a.path("calllog.db"), "rb") as f:
            self.assertNotIn(b"bob@", f.read())

        # alice calls bob, whose contacts block her: blocked at bob
        nb = len(b.ctrl.events)
        a.command("dial", b.aor)
        clutil.closed(b, nb)
        rb = clutil.wait_rows(b, lambda rs: len(rs) == 3 and
                              clutil.done(rs, 3))
        self.assertEqual(rb[2]["status"], "blocked")
        self.assertEqual(rb[2]["reason"], "blocked by contacts")
        self.assertEqual(a.stop(), 0)
        self.assertEqual(b.stop(), 0)


if __name__ == "__main__":
    harness.main()
