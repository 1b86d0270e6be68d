"""The call log's journal (calllog.db.journal) holds nothing calllog.db
would not, and nothing once calllog.db has it; a purge is not undone by
the journal.

- hash mode: the peer's URI never appears in the journal, not even while
  the call runs (the journal stores the hash, as calllog.db does);
- full mode: while the call runs the journal holds the URI (so the test
  reads the right file); once the row is in calllog.db the journal's
  copy is zeroed;
- a baresip killed with a call only in the journal, then `octasip
  calllog purge --all`: the next start brings no row back (the purge
  wrote the journal's calls into calllog.db before purging)."""

import os
import time

import harness
from harness import Instance, octasip
import clutil

PERMS = {"microphone": "allow", "storage": "allow"}


def journal(inst):
    with open(inst.path("calllog.db.journal"), "rb") as f:
        return f.read()


class JournalTest(harness.TestCase):

    def pair(self, mode):
        a = Instance(self, "alice", permissions=PERMS)
        b = Instance(self, "bob", root=a.root, permissions=PERMS,
                     config={"octasip_calllog_peer": mode})
        a.start()
        b.start()
        clutil.wait_rows(b, lambda rs: True)
        return a, b

    def test_hash_mode_no_uri_in_journal(self):
        a, b = self.pair("hash")
        time.sleep(0.2)
        harness.call(a, b)
        user = a.aor.split(":")[1].split("@")[0].encode()
        host = a.aor.split("@")[1].encode()
        j = journal(b)
        self.assertIn(b"h:", j)
        self.assertNotIn(b"sip:" + user, j)
        self.assertNotIn(user + b"@" + host, j)
        na, nb = len(a.ctrl.events), len(b.ctrl.events)
        a.command("hangup")
        clutil.closed(b, nb)
        clutil.wait_rows(b, lambda rs: clutil.done(rs, 1))
        self.assertNotIn(user + b"@" + host, journal(b))
        self.assertEqual(b.stop(), 0)
        self.assertNotIn(user + b"@" + host, journal(b))

    def test_full_mode_zeroed_after_commit(self):
        a, b = self.pair("full")
        harness.call(a, b)
        uri = a.aor.split(":", 1)[1].encode()
        self.assertIn(uri, journal(b))
        nb = len(b.ctrl.events)
        a.command("hangup")
        clutil.closed(b, nb)
        clutil.wait_rows(b, lambda rs: clutil.done(rs, 1))
        harness.wait_for(lambda: uri not in journal(b), timeout=5,
                         what="the journal's copy zeroed")
        self.assertEqual(b.stop(), 0)
        self.assertNotIn(uri, journal(b))

    def test_purge_after_kill_stays_purged(self):
        a, b = self.pair("full")
        harness.call(a, b)
        b.kill()
        a.kill()
        # the call was only in the journal (batches every 2 s)
        self.assertEqual(clutil.rows(b), [])
        out = octasip("calllog", "list", profile=b.profile)
        self.assertIn(a.aor.split(":", 1)[1], str(out))
        octasip("calllog", "purge", "--all", profile=b.profile)
        self.assertEqual(clutil.rows(b), [])
        b.ctrl_port = harness.free_port()
        b.edit_config({"ctrl_tcp_listen": "127.0.0.1:%d" % b.ctrl_port})
        b.start()
        time.sleep(0.5)
        clutil.wait_rows(b, lambda rs: True)
        self.assertEqual(b.stop(), 0)
        self.assertEqual(clutil.rows(b), [])


if __name__ == "__main__":
    harness.main()
