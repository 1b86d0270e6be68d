#!/usr/bin/env python3
"""Real CPU per call: stock baresip, a second stock (the control) and
baresip with the OctaSIP modules, interleaved in rounds.

Each callee runs in its own cpuacct cgroup (cgroup v1
/sys/fs/cgroup/cpuacct, or v2 cpu.stat), which counts every thread's
user + kernel time, also threads that exited (the per-call audio
threads).  The per-thread split comes from /proc/PID/task/TID/schedstat
(nanoseconds on the CPU, not 10 ms ticks): the main thread (event loop),
the call log's writer (thread name "oc-calllog", or in older builds the
thread alive through the whole run), and the rest (audio
and other threads, live or exited: the cgroup total minus the two).

Workload (issue 21): sipp -sn uac places --calls calls at --rate cps,
each held --holds ms, against an auto-answering callee with the fraud
caps off so that every call succeeds.  For each hold the figures are
pooled over all rounds: CPU per call of each variant, the ratio to
stock, and the stock-control/stock ratio, which says how far two
identical runs differ on this machine: trust a ratio only as far as the
control sits near 1.00.

--capacity STEPS: then, per variant, the highest rate (cps) in STEPS
at which 100 % of calls succeed with setup p95 under 500 ms
(--capacity-seconds of calls per step, hold --capacity-hold ms).

Needs root (cgroups).  Prints everything; --out writes it with JSON.
"""

import argparse
import json
import os
import statistics
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import sipp_compare as sc  # noqa: E402

# every fraud cap off: sipp is one caller placing many calls at once
CAPS_OFF = {"octasip_policy_max_incoming_per_source": "0",
            "octasip_policy_max_concurrent": "0",
            "octasip_policy_max_calls_per_minute": "0",
            "octasip_policy_max_calls_per_day": "0"}
WRITER_COMM = "oc-calllog"


class Cgroup:
    """One child cpuacct group for one process (v1, or v2 cpu.stat)."""

    def __init__(self, name):
        v1 = "/sys/fs/cgroup/cpuacct"
        v2 = "/sys/fs/cgroup"
        if os.path.exists(os.path.join(v1, "cpuacct.usage")):
            self.v1, base = True, v1
        elif os.path.exists(os.path.join(v2, "cgroup.controllers")):
            self.v1, base = False, v2
        else:
            raise SystemExit("no cpuacct cgroup (v1) or cgroup v2 here")
        self.path = os.path.join(base, name)
        os.mkdir(self.path)

    def add(self, pid):
        with open(os.path.join(self.path, "cgroup.procs"), "w") as f:
            f.write(str(pid))

    def usage(self):
        """(total, user, system) CPU in microseconds."""
        if self.v1:
            def rd(n):
                with open(os.path.join(self.path, n)) as f:
                    return int(f.read().split()[0]) / 1000.0
            return (rd("cpuacct.usage"), rd("cpuacct.usage_user"),
                    rd("cpuacct.usage_sys"))
        st = {}
        with open(os.path.join(self.path, "cpu.stat")) as f:
            for line in f:
                k, v = line.split()
                st[k] = int(v)
        return (st["usage_usec"], st["user_usec"], st["system_usec"])

    def remove(self):
        # a killed callee may take a moment to leave the group
        for _ in range(50):
            try:
                os.rmdir(self.path)
                return
            except OSError:
                time.sleep(0.1)
        sys.stderr.write("cgroup %s left behind\n" % self.path)


def threads(pid):
    """{tid: (comm, ns on the CPU)} of the live threads of pid."""
    out = {}
    for tid in os.listdir("/proc/%d/task" % pid):
        try:
            with open("/proc/%d/task/%s/comm" % (pid, tid)) as f:
                comm = f.read().strip()
            with open("/proc/%d/task/%s/schedstat" % (pid, tid)) as f:
                ns = int(f.read().split()[0])
        except OSError:
            continue
        out[int(tid)] = (comm, ns)
    return out


def split(pid, t0, t1, total_us):
    """CPU (µs) of main, writer and the rest between snapshots t0/t1."""
    def delta(tid):
        return (t1[tid][1] - t0.get(tid, ("", 0))[1]) / 1000.0
    main = delta(pid) if pid in t1 else 0.0
    # the call log's writer: the thread named so, or (older builds)
    # any other thread alive through the whole run (audio threads live
    # as long as their call)
    named = [t for t in t1 if t1[t][0] == WRITER_COMM]
    writer = sum(delta(t) for t in (named or [t for t in t1 if t in t0
                                              and t != pid]))
    return {"main": main, "writer": writer,
            "rest": max(0.0, total_us - main - writer)}


def variant_of(v):
    """stock-control is a second stock: the machine's own spread."""
    return "stock" if v == "stock-control" else v


SEQ = [0]


def measure(variant, rate, calls, hold_ms, workdir):
    root = tempfile.mkdtemp(prefix="octasip-cpu-")
    sc.EXTRA_CONFIG = CAPS_OFF
    inst = sc.start_callee(variant_of(variant), root)
    SEQ[0] += 1
    m = None
    cg = Cgroup("octasip-bench-%d-%d" % (os.getpid(), SEQ[0]))
    try:
        pid = sc.baresip_pid(inst)
        sc.pin_callee(pid)
        cg.add(pid)
        sc.detach(inst)
        time.sleep(0.5)
        u0, t0 = cg.usage(), threads(pid)
        ok, failed, rtts = sc.run_sipp(inst.sip_port, rate, calls,
                                       hold_ms, workdir,
                                       timeout=calls // rate + 60)
        # the last BYEs' work: call log commits (batched over up to
        # 1 s), audio threads ending
        time.sleep(1.5)
        u1, t1 = cg.usage(), threads(pid)
        total = u1[0] - u0[0]
        m = {"variant": variant, "rate": rate, "calls": calls,
             "hold_ms": hold_ms, "ok": ok, "failed": failed,
             "cpu_us": total, "user_us": u1[1] - u0[1],
             "sys_us": u1[2] - u0[2], "p95": sc.pct(rtts, 95),
             "p50": sc.pct(rtts, 50), "rtts": rtts}
        m.update(split(pid, t0, t1, total))
    finally:
        try:
            sc.reattach(inst)
            inst.stop()
        except (AssertionError, OSError, harness_errors()) as e:
            # an overloaded callee that does not quit in time (the top
            # capacity steps): killed, the step counts as failed
            sys.stderr.write("callee did not stop cleanly: %s\n" % e)
            if m is not None:
                m["stop_failed"] = True
        inst.cleanup()
        cg.remove()
        import shutil
        shutil.rmtree(root, ignore_errors=True)
    return m


def harness_errors():
    return sc.harness.CtrlError


def per_call(runs, key="cpu_us"):
    calls = sum(m["ok"] for m in runs)
    return sum(m[key] for m in runs) / max(1, calls)


def report(hold, variants, res):
    base = variants[0]
    lines = ["hold %d ms: %d round(s), pooled; CPU per answered call in"
             " microseconds (cgroup: user+kernel of all threads)" %
             (hold, len(res[base]))]
    lines.append("%-22s %9s %9s %9s %9s %9s %9s %8s %8s %7s" %
                 ("variant", "cpu/call", "user", "sys", "main", "writer",
                  "rest", "ratio", "p95 ms", "p95 r"))
    b = per_call(res[base])
    bp95 = sc.pct([t for m in res[base] for t in m["rtts"]], 95)
    for v in variants:
        c = per_call(res[v])
        p95 = sc.pct([t for m in res[v] for t in m["rtts"]], 95)
        lines.append("%-22s %9.1f %9.1f %9.1f %9.1f %9.1f %9.1f %8.3f"
                     " %8.3f %7.3f" %
                     (v, c, per_call(res[v], "user_us"),
                      per_call(res[v], "sys_us"), per_call(res[v], "main"),
                      per_call(res[v], "writer"), per_call(res[v], "rest"),
                      c / b, p95, p95 / bp95))
    for v in variants[1:]:
        r = [o["cpu_us"] / max(1, o["ok"]) / (s["cpu_us"] / max(1, s["ok"]))
             for s, o in zip(res[base], res[v])]
        lines.append("  %s/%s per round: median %.3f (min %.3f, max %.3f);"
                     " extra %.1f us per call; failed calls %d" %
                     (v, base, statistics.median(r), min(r), max(r),
                      per_call(res[v]) - b,
                      sum(m["failed"] for m in res[v])))
    return lines


def capacity(variant, steps, seconds, hold_ms, workdir):
    """Highest step with every call answered and p95 < 500 ms."""
    best, seen = 0, []
    for r in steps:
        m = measure(variant, r, r * seconds, hold_ms, workdir)
        good = m["failed"] == 0 and m["ok"] == r * seconds and \
            m["p95"] < 500 and not m.get("stop_failed")
        seen.append("%d cps: %d/%d ok, p95 %.1f ms, %s" %
                    (r, m["ok"], r * seconds, m["p95"],
                     "ok" if good else "FAIL"))
        print("  capacity %-10s %s" % (variant, seen[-1]), flush=True)
        if not good:
            break
        best = r
    return best, seen


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rounds", type=int, default=6)
    ap.add_argument("--calls", type=int, default=150)
    ap.add_argument("--rate", type=int, default=25)
    ap.add_argument("--holds", default="200,1000,5000",
                    help="call lengths in ms, comma list")
    ap.add_argument("--variants", default="stock,stock-control,octasip",
                    help="first is the baseline; stock-control is a"
                    " second stock; only:/without:/keep: module sets"
                    " (sipp_compare.py); NAME@/path/to/octasip another"
                    " build")
    ap.add_argument("--capacity", default="",
                    help="rate steps (cps) for the capacity search, e.g."
                    " 120,160,200,250,300,400; \"\" skips it")
    ap.add_argument("--capacity-seconds", type=int, default=6)
    ap.add_argument("--capacity-hold", type=int, default=1000)
    ap.add_argument("--pin", action="store_true",
                    help="the callee's threads on the last CPU, sipp on"
                    " the others (sipp_compare.py --pin)")
    ap.add_argument("--out", default=None)
    a = ap.parse_args()
    sc.PIN = a.pin
    variants = [v.strip() for v in a.variants.split(",") if v.strip()]
    for v in variants:
        sc.variant_drops(variant_of(v))
    holds = [int(h) for h in a.holds.split(",") if h.strip()]
    workdir = tempfile.mkdtemp(prefix="octasip-cpu-sipp-")
    res = {h: {v: [] for v in variants} for h in holds}
    print("cpu_per_call: %d rounds x %s ms holds, %d calls at %d cps;"
          " load average %s" % (a.rounds, a.holds, a.calls, a.rate,
                                os.getloadavg()), flush=True)
    for rnd in range(a.rounds):
        for h in holds:
            k = rnd % len(variants)
            order = variants[k:] + variants[:k]
            if rnd % 2:
                order.reverse()
            for v in order:
                m = measure(v, a.rate, a.calls, h, workdir)
                res[h][v].append(m)
                print("round %d hold %5d %-16s ok=%d failed=%d"
                      " cpu/call=%.1fus main=%.1f writer=%.1f rest=%.1f"
                      " p95=%.3fms" %
                      (rnd + 1, h, v, m["ok"], m["failed"],
                       m["cpu_us"] / max(1, m["ok"]),
                       m["main"] / max(1, m["ok"]),
                       m["writer"] / max(1, m["ok"]),
                       m["rest"] / max(1, m["ok"]), m["p95"]), flush=True)
    lines = []
    for h in holds:
        lines += report(h, variants, res[h])
    print("\n".join(lines), flush=True)
    cap = {}
    if a.capacity.strip():
        steps = [int(x) for x in a.capacity.split(",")]
        for v in variants:
            if v == "stock-control":
                continue
            cap[v] = capacity(v, steps, a.capacity_seconds,
                              a.capacity_hold, workdir)
        lines.append("capacity (%d s of calls per step, hold %d ms):" %
                     (a.capacity_seconds, a.capacity_hold))
        for v, (best, seen) in cap.items():
            lines.append("  %-10s highest good step %d cps; %s" %
                         (v, best, " | ".join(seen)))
    lines.append("load average at the end: %s" % (os.getloadavg(),))
    print("\n".join(lines[len(lines) - len(cap) - 2:] if cap else
                    lines[-1:]))
    if a.out:
        with open(a.out, "w") as f:
            f.write("\n".join(lines) + "\n")
            for h in holds:
                for v in variants:
                    for m in res[h][v]:
                        m.pop("rtts", None)
            json.dump({"runs": {str(h): res[h] for h in holds},
                       "capacity": cap}, f, indent=1)
            f.write("\n")


if __name__ == "__main__":
    main()
