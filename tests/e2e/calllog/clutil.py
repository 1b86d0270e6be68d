"""Helpers for the call-log E2E tests: read calllog.db (bytes-exact),
wait for rows with a deadline."""

import os
import sqlite3
import subprocess
import time

import harness


def rows(inst, raw=False):
    """All rows of inst's calllog.db (dicts), [] if there is none."""
    db = inst.path("calllog.db")
    if not os.path.exists(db):
        return []
    con = sqlite3.connect("file:%s?mode=ro" % db, uri=True, timeout=5)
    if raw:
        con.text_factory = bytes
    con.row_factory = sqlite3.Row
    try:
        try:
            return [dict(r) for r in con.execute(
                "SELECT * FROM calls ORDER BY id")]
        except sqlite3.OperationalError as e:
            if "no such table" in str(e):
                return []
            raise
    finally:
        con.close()


def wait_rows(inst, pred, timeout=10.0, raw=False):
    """Poll inst's call log until pred(rows) holds; returns the rows."""
    deadline = time.monotonic() + timeout
    last = []
    while time.monotonic() < deadline:
        try:
            last = rows(inst, raw)
        except sqlite3.OperationalError:
            last = []
        if pred(last):
            return last
        time.sleep(0.05)
    raise AssertionError("call log of %s never matched; rows: %r" %
                         (inst.name, last))


def closed(inst, start, timeout=10.0):
    """Wait for CALL_CLOSED on inst from event index start."""
    return inst.wait_event("CALL_CLOSED", timeout, start=start)


def done(rs, n):
    """n rows, none in progress."""
    return len(rs) == n and all(r["status"] not in ("in_progress",
                                                    b"in_progress")
                                for r in rs)


def uas_404(testcase):
    """A sipp UAS on a free loopback port that answers one INVITE 404
    Not Found; returns (port, its Popen)."""
    port = harness.free_port()
    uas = subprocess.Popen(
        ["sipp", "-sf", os.path.join(os.path.dirname(os.path.abspath(
            __file__)), "sipp_uas_404.xml"),
         "-i", "127.0.0.1", "-p", str(port), "-m", "1",
         "-timeout", "20"], stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    testcase.addCleanup(lambda: uas.poll() is None and uas.kill())
    return port, uas
