#!/usr/bin/env python3
"""Soak: mixed calls against baresip with the four OctaSIP modules, with
kill -9 and restart of baresip every --kill-every seconds.

Traffic, all at once for --minutes:
  incoming answered   sipp uac -> bob (auto answer), hold 300 ms
  incoming missed     sipp uac_cancel.xml -> carol (rings; the caller
                      CANCELs after 180)
  outgoing busy       baresip dials a sipp uas answering 486
  outgoing failed     baresip dials a sipp uas answering 404
  outgoing cancelled  baresip dials a sipp uas that rings; baresip hangs
                      up on 180
Checks at the end (exit status 1 and the reason if one fails):
  - every call that reached baresip (sipp saw a message from it, or
    received its INVITE) has a row in calllog.db with its Call-ID;
  - no row is left in_progress; every status above was seen;
  - PRAGMA integrity_check is ok;
  - sampled fd count and RSS of each baresip run do not grow (last third
    of the samples against the middle third; for fds the floor, the
    fewest seen, since every call in progress holds RTP and RTCP sockets
    for a moment and the peak moves by 2 per call: a leak raises the
    floor: with one socket close in ten skipped by an LD_PRELOAD shim,
    every run's floor rose 8 to 10 between the thirds; unmodified, 0);
  - in an ASan build (scripts/test-asan) the RSS bound means nothing, as
    ASan holds freed memory in quarantine (RSS 45 -> 64 MiB in a clean
    run), so there LeakSanitizer judges leaks instead: the last baresip
    run quits normally and no leak it reports passes through OctaSIP
    code.  Positive control: octasip_leakprobe.so, preloaded into every
    run, loses a block that the analysis must blame on OctaSIP.
Results go to stdout and --out.

  tests/soak/soak.py [--minutes 30] [--kill-every 60] [--out FILE]
"""

import argparse
import datetime
import glob
import json
import os
import random
import re
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "e2e"))
import harness  # noqa: E402

PERMS = {"microphone": "allow", "storage": "allow", "phone_state": "allow"}
CONFIG = {"audio_alert": None, "call_max_calls": "64",
          "octasip_policy_max_incoming_per_source": "0",
          "octasip_policy_max_incoming_per_address": "0",
          "octasip_policy_max_calls_per_minute": "0",
          "octasip_policy_max_calls_per_day": "0",
          "octasip_policy_max_concurrent": "0"}
SEP = "-" * 47 + " "
KILL_WINDOW = 1.0
# a LeakSanitizer stack frame in OctaSIP code: one of our objects, or a
# source file of ours (symbolised frames name the file, not the object);
# the leak probe stands for OctaSIP code
OURS = re.compile(r"octasip_\w+\.so|/modules/(octasip_\w+|common|cli|"
                  r"privacy)/\w+\.c|/leakprobe\.c")
LEAK = re.compile(r"^(Direct|Indirect) leak of .*$", re.M)


def leak_reports(paths):
    """LeakSanitizer's leak stacks in the report files: (ours, theirs),
    each a list of stack texts.  A stack is ours when a frame is."""
    ours, theirs = [], []
    for path in paths:
        with open(path, errors="replace") as f:
            text = f.read()
        starts = [m.start() for m in LEAK.finditer(text)]
        for i, at in enumerate(starts):
            end = starts[i + 1] if i + 1 < len(starts) else len(text)
            stack = text[at:end].split("\n\n")[0]
            (ours if OURS.search(stack) else theirs).append(stack)
    return ours, theirs


def sipp(args, workdir, name):
    msg = os.path.join(workdir, name + ".msg")
    cmd = ["sipp"] + args + ["-i", "127.0.0.1", "-nostdin",
                             "-trace_msg", "-message_file", msg,
                             "-trace_err", "-error_file",
                             os.path.join(workdir, name + ".err")]
    out = open(os.path.join(workdir, name + ".out"), "w")
    p = subprocess.Popen(cmd, cwd=workdir, stdout=out,
                         stderr=subprocess.STDOUT, start_new_session=True)
    out.close()
    return p, msg


def trace_ids(msgfile, direction, first_line=None):
    """Call-IDs of messages 'sent' or 'received' in a sipp trace (whose
    first line starts with first_line, if given): {id: first time}."""
    ids = {}
    if not os.path.exists(msgfile):
        return ids
    with open(msgfile, errors="replace") as fh:
        blocks = fh.read().split(SEP)
    for b in blocks[1:]:
        lines = [l.strip() for l in b.splitlines()[1:] if l.strip()]
        if len(lines) < 2 or ("message " + direction) not in lines[0]:
            continue
        if first_line and not lines[1].startswith(first_line):
            continue
        for l in lines:
            if l.lower().startswith("call-id:"):
                cid = l.split(":", 1)[1].strip()
                if cid not in ids:
                    ts = datetime.datetime.strptime(
                        b.splitlines()[0].strip(),
                        "%Y-%m-%d %H:%M:%S.%f").timestamp()
                    ids[cid] = ts
                break
    return ids


def proc_sample(pid):
    try:
        fds = len(os.listdir("/proc/%d/fd" % pid))
        with open("/proc/%d/status" % pid) as f:
            rss = next(int(l.split()[1]) for l in f
                       if l.startswith("VmRSS:"))
        return fds, rss
    except (OSError, StopIteration):
        return None


class Soak:

    def __init__(self, a):
        self.a = a
        self.root = tempfile.mkdtemp(prefix="octasip-soak-")
        self.work = os.path.join(self.root, "sipp")
        os.makedirs(self.work)
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.samples = []          # per run: [(t, fds, rss)]
        self.kills = 0
        self.kill_times = []
        self.dials = {"busy": 0, "failed": 0, "cancelled": 0}
        self.errors = []
        self.env = self.leak_check_env()
        self.inst = harness.Instance(
            None, "bob", account=";regint=0;answermode=auto",
            root=self.root, permissions=PERMS, config=CONFIG)
        self.inst.write_accounts([
            "<sip:bob@127.0.0.1:%d>;regint=0;answermode=auto" %
            self.inst.sip_port,
            "<sip:carol@127.0.0.1:%d>;regint=0" % self.inst.sip_port])

    def leak_check_env(self):
        """In an ASan build: LeakSanitizer on for baresip, its reports in
        the soak's folder (judged in check(), so exitcode=0), and the
        leak probe preloaded as the positive control."""
        san = harness.sanitizer_env()
        if not san:
            return None
        probe = os.environ.get("OCTASIP_LEAKPROBE")
        if not probe:
            raise SystemExit("soak: an ASan run needs OCTASIP_LEAKPROBE"
                             " (the built octasip_leakprobe.so)")
        opts = san["ASAN_OPTIONS"].replace("detect_leaks=0",
                                           "detect_leaks=1")
        return {"ASAN_OPTIONS": opts + ":exitcode=0:log_path=" +
                os.path.join(self.root, "asan"),
                "LD_PRELOAD": san["LD_PRELOAD"] + " " + probe}

    def start_baresip(self):
        self.inst.start(env=self.env)
        # nobody would read its events: a full socket would stall it
        self.inst.ctrl.close()
        self.inst.ctrl = None
        with self.lock:
            self.samples.append([])

    # -- traffic ------------------------------------------------------------
    def start_sipp(self):
        secs = int(self.a.minutes * 60)
        port = self.inst.sip_port
        self.uas = {}
        for kind, args in (
                ("busy", ["-sf", os.path.join(HERE, "uas_busy.xml")]),
                ("failed", ["-sf", os.path.join(HERE, "uas_404.xml")]),
                ("cancelled", ["-sf", os.path.join(HERE, "uas_ring.xml")])):
            p_port = harness.free_port()
            p, msg = sipp(args + ["-p", str(p_port)], self.work,
                          "uas_" + kind)
            self.uas[kind] = (p, msg, p_port)
        common = ["127.0.0.1:%d" % port, "-recv_timeout", "20000",
                  "-timeout", "%ds" % (secs + 60)]
        self.uac_ans, self.msg_ans = sipp(
            ["-sn", "uac", "-s", "bob", "-d", "300", "-r", "1",
             "-m", str(secs), "-p", str(harness.free_port())] + common,
            self.work, "uac_answered")
        self.uac_miss, self.msg_miss = sipp(
            ["-sf", os.path.join(HERE, "uac_cancel.xml"), "-s", "carol",
             "-r", "1", "-rp", "2000", "-m", str(secs // 2),
             "-p", str(harness.free_port())] + common,
            self.work, "uac_missed")

    def dialer(self):
        """Outgoing calls through the control socket, one at a time."""
        rng = random.Random(7)
        ctrl = None
        while not self.stop.is_set():
            try:
                if ctrl is None:
                    ctrl = self.inst.connect(timeout=30)
                kind = rng.choice(("busy", "failed", "cancelled"))
                n = len(ctrl.events)
                ok, data = ctrl.command(
                    "dial", "sip:%s@127.0.0.1:%d" % (kind,
                                                     self.uas[kind][2]))
                if not ok:
                    time.sleep(0.2)
                    continue
                with self.lock:
                    self.dials[kind] += 1
                if kind == "cancelled":
                    ctrl.wait_event("CALL_RINGING", 10, start=n)
                    ctrl.command("hangup")
                ctrl.wait_event("CALL_CLOSED", 10, start=n)
                time.sleep(0.3)
            except (harness.CtrlError, OSError):
                if ctrl:
                    ctrl.close()
                ctrl = None
                time.sleep(0.2)      # baresip is being restarted
        if ctrl:
            ctrl.close()

    def sampler(self):
        while not self.stop.wait(1.0):
            p = self.inst.proc
            s = proc_sample(p.pid) if p and p.poll() is None else None
            if s:
                with self.lock:
                    self.samples[-1].append((time.monotonic(),) + s)

    # -- the run ------------------------------------------------------------
    def run(self):
        self.start_baresip()
        self.start_sipp()
        threads = [threading.Thread(target=self.dialer),
                   threading.Thread(target=self.sampler)]
        for t in threads:
            t.start()
        end = time.monotonic() + self.a.minutes * 60
        next_kill = time.monotonic() + self.a.kill_every
        try:
            while time.monotonic() < end:
                time.sleep(min(0.5, max(0, end - time.monotonic())))
                if time.monotonic() >= next_kill and \
                        end - time.monotonic() > 10:
                    self.kill_times.append(time.time())
                    self.inst.kill()                 # kill -9
                    self.kills += 1
                    self.start_baresip()
                    next_kill = time.monotonic() + self.a.kill_every
            # traffic stops; calls in flight finish
            for p in (self.uac_ans, self.uac_miss):
                p.send_signal(signal.SIGUSR1)        # sipp: stop calls
            for p in (self.uac_ans, self.uac_miss):
                try:
                    p.wait(40)
                except subprocess.TimeoutExpired:
                    p.kill()
            self.stop.set()
            for t in threads:
                t.join()
            time.sleep(0.5)
            c = self.inst.connect()
            try:
                c.command("quit", timeout=5)
            except (harness.CtrlError, OSError):
                pass
            c.close()
            try:
                rc = self.inst.proc.wait(60)
            except subprocess.TimeoutExpired:
                rc = "no exit within 60 s of quit"
            if rc != 0:
                self.errors.append("baresip exit status %r" % rc)
        finally:
            self.stop.set()
            for p, _, _ in self.uas.values():
                p.kill()
            for p in (self.uac_ans, self.uac_miss):
                if p.poll() is None:
                    p.kill()
            self.inst.kill()
        return self.check()

    # -- checks -------------------------------------------------------------
    def check_leaks(self, report):
        ours, theirs = leak_reports(
            glob.glob(os.path.join(self.root, "asan.*")))
        probe = [s for s in ours if "leakprobe" in s]
        ours = [s for s in ours if "leakprobe" not in s]
        report["leaks"] = {"octasip": len(ours), "probe": len(probe),
                           "others": len(theirs)}
        if not probe:
            self.errors.append("LeakSanitizer did not report the leak"
                               " probe: the leak check did not run")
        for s in ours:
            self.errors.append("leak through OctaSIP code:\n" + s)

    def check(self):
        db = self.inst.path("calllog.db")
        con = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
        rows = con.execute("SELECT call_id, direction, status FROM calls"
                           ).fetchall()
        integrity = con.execute("PRAGMA integrity_check").fetchone()[0]
        con.close()
        logged = {r[0] for r in rows}
        statuses = {}
        for r in rows:
            statuses[r[2]] = statuses.get(r[2], 0) + 1

        reached = {
            "incoming answered": trace_ids(self.msg_ans, "received"),
            "incoming missed": trace_ids(self.msg_miss, "received"),
        }
        sent_in = set(trace_ids(self.msg_ans, "sent", "INVITE")) | \
            set(trace_ids(self.msg_miss, "sent", "INVITE"))
        for kind, (_, msg, _) in self.uas.items():
            reached["outgoing " + kind] = trace_ids(msg, "received",
                                                    "INVITE")
        report = {"minutes": self.a.minutes, "kills": self.kills,
                  "rows": len(rows), "statuses": statuses,
                  "integrity_check": integrity, "dials": self.dials,
                  "sipp_invites_sent": len(sent_in),
                  "never_reached": len(sent_in - reached[
                      "incoming answered"].keys() -
                      reached["incoming missed"].keys())}
        # A call that reached baresip less than KILL_WINDOW s before a
        # kill -9 may not be in the log: the call log writes from a
        # thread, in batches.  Counted and reported, not a failure.
        missing, in_window = {}, []
        for k, ids in reached.items():
            report["reached " + k] = len(ids)
            miss = []
            for cid in sorted(set(ids) - logged):
                t = ids[cid]
                if any(0 <= kt - t <= KILL_WINDOW
                       for kt in self.kill_times):
                    in_window.append(cid)
                else:
                    miss.append(cid)
            if miss:
                missing[k] = miss[:5]
        report["lost_at_kill"] = len(in_window)
        if missing:
            self.errors.append("calls not in the call log: %r" % missing)
        if integrity != "ok":
            self.errors.append("integrity_check: %s" % integrity)
        if statuses.get("in_progress"):
            self.errors.append("%d rows in_progress" %
                               statuses["in_progress"])
        for st in ("answered", "missed", "busy", "failed", "cancelled"):
            if not statuses.get(st):
                self.errors.append("no %s call in the log" % st)

        growth = []
        for i, run in enumerate(self.samples):
            if len(run) < 9:
                continue
            third = len(run) // 3
            mid, last = run[third:2 * third], run[2 * third:]
            fd_mid = min(s[1] for s in mid)
            fd_last = min(s[1] for s in last)
            rss_mid = statistics.median(s[2] for s in mid)
            rss_last = statistics.median(s[2] for s in last)
            growth.append({"run": i, "samples": len(run),
                           "fd_mid": fd_mid, "fd_last": fd_last,
                           "fd_peak": max(s[1] for s in run),
                           "rss_mid_kib": rss_mid,
                           "rss_last_kib": rss_last})
            if fd_last > fd_mid + 2:
                self.errors.append("run %d: fd floor grew %d -> %d" %
                                   (i, fd_mid, fd_last))
            if rss_last > rss_mid * 1.10 + 2048 and not self.env:
                self.errors.append("run %d: RSS grew %d -> %d KiB" %
                                   (i, rss_mid, rss_last))
        if not growth:
            self.errors.append("no baresip run long enough to sample")
        report["resources"] = growth
        if self.env:
            self.check_leaks(report)
        report["errors"] = self.errors
        text = json.dumps(report, indent=1, sort_keys=True)
        print(text)
        if self.a.out:
            with open(self.a.out, "w") as f:
                f.write(text + "\n")
        if self.errors:
            print("SOAK FAILED:\n  " + "\n  ".join(self.errors) +
                  "\nlogs: " + self.root, file=sys.stderr)
            return 1
        print("soak ok: %d calls logged, %d kill -9, %s" %
              (len(rows), self.kills, statuses))
        if not os.environ.get("OCTASIP_KEEP"):
            import shutil
            shutil.rmtree(self.root, ignore_errors=True)
        return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--minutes", type=float, default=30)
    ap.add_argument("--kill-every", type=float, default=60,
                    help="seconds between kill -9 of baresip")
    ap.add_argument("--out", default=None)
    a = ap.parse_args()
    sys.exit(Soak(a).run())


if __name__ == "__main__":
    main()
