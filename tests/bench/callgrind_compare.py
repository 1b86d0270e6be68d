#!/usr/bin/env python3
"""CPU per call as instruction counts: stock baresip against baresip with
the four OctaSIP modules, each run under `valgrind --tool=callgrind`.

/proc CPU time comes in 10 ms clock ticks and moves with whatever else
the machine does; callgrind counts the instructions the process executes,
which repeat run to run.  Each run: baresip starts under callgrind
(start-up is not counted: its TLS key generation alone varies by 10^9
instructions), takes --warm calls, its counters are zeroed
(callgrind_control --zero), takes --calls calls, and its counters are
dumped (--dump).  Instructions per call = the dump / --calls.  Figures
per thread too: "main" is baresip's event loop (SIP, the modules' event
handlers), "other" the audio source/encoder and the call log's writer
threads.

Calls are placed one after another (--rate, default 2 cps) with --hold
ms of media each (default 0: the setup/teardown path where the modules
hook in; media costs per 20 ms frame are in bench_policy's gate figure).

  tests/bench/callgrind_compare.py [--warm 3] [--calls 30] [--reps 3]
"""

import argparse
import glob
import json
import os
import shutil
import statistics
import stat
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import sipp_compare  # noqa: E402

WRAPPER = """#!/bin/sh
exec valgrind --tool=callgrind --separate-threads=yes \\
    --callgrind-out-file=%s/cg.out.%%p /usr/bin/baresip "$@"
"""


def thread_totals(root, dump):
    """{thread number: Ir} from callgrind's per-thread files of one dump
    (callgrind_control --dump numbers them .1, .2, ...)."""
    out = {}
    for f in glob.glob(os.path.join(root, "cg.out.*.%d-*" % dump)):
        tid = int(f.rsplit("-", 1)[1])
        with open(f) as fh:
            for line in fh:
                if line.startswith(("totals:", "summary:")):
                    out[tid] = int(line.split()[1])
                    break
    return out


def control(pid, what):
    subprocess.run(["callgrind_control", what, str(pid)], check=True,
                   capture_output=True, timeout=120)


def run(variant, warm, calls, rate, hold_ms, workdir):
    """One baresip under callgrind: warm calls, counters zeroed, calls
    measured, counters dumped.  Returns Ir of the measured calls."""
    root = tempfile.mkdtemp(prefix="octasip-cg-")
    wrap = os.path.join(root, "baresip-cg")
    with open(wrap, "w") as f:
        f.write(WRAPPER % root)
    os.chmod(wrap, stat.S_IRWXU)
    inst = sipp_compare.start_callee(
        variant, root, env={"OCTASIP_BARESIP": wrap}, timeout=180)
    try:
        # `octasip run` execs the wrapper, which execs valgrind
        pid = inst.proc.pid
        sipp_compare.detach(inst)
        for n, what in ((warm, "--zero"), (calls, "--dump")):
            ok, failed, _ = sipp_compare.run_sipp(
                inst.sip_port, rate, n, hold_ms, workdir,
                timeout=n // rate + 120)
            if ok != n:
                raise SystemExit("%s: %d of %d calls failed" %
                                 (variant, n - ok, n))
            control(pid, what)
        per = thread_totals(root, 1)
        sipp_compare.reattach(inst)
        if inst.stop(timeout=180) != 0:
            raise SystemExit("%s: baresip did not exit cleanly:\n%s" %
                             (variant, inst.log()[-2000:]))
        if not per:
            raise SystemExit("%s: no callgrind dump" % variant)
    finally:
        inst.cleanup()
        shutil.rmtree(root, ignore_errors=True)
    return {"total": sum(per.values()), "main": per.get(1, 0),
            "other": sum(v for k, v in per.items() if k != 1),
            "threads": len(per)}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--warm", type=int, default=3,
                    help="calls before counting (first-call set-up)")
    ap.add_argument("--calls", type=int, default=30,
                    help="calls counted")
    ap.add_argument("--rate", type=int, default=2)
    ap.add_argument("--hold", type=int, default=0, help="ms")
    ap.add_argument("--reps", type=int, default=3,
                    help="runs of each variant (the spread is shown)")
    ap.add_argument("--variants", default="stock,octasip")
    ap.add_argument("--ctrl-client", action="store_true",
                    help="keep the harness's ctrl_tcp client connected")
    ap.add_argument("--out", default=None)
    a = ap.parse_args()
    sipp_compare.CTRL_CLIENT = a.ctrl_client
    if a.warm < 1 or a.calls < 1:
        raise SystemExit("--warm and --calls must be at least 1")
    variants = [v.strip() for v in a.variants.split(",") if v.strip()]
    for v in variants:
        sipp_compare.variant_drops(v)
    workdir = tempfile.mkdtemp(prefix="octasip-cg-sipp-")
    keys = ("total", "main", "other")
    runs = {v: [] for v in variants}
    for rep in range(a.reps):
        for v in (variants if rep % 2 == 0 else variants[::-1]):
            r = run(v, a.warm, a.calls, a.rate, a.hold, workdir)
            per = {k: r[k] / float(a.calls) for k in keys}
            runs[v].append({"ir": r, "per": per})
            print("run %d %-10s Ir/call total=%.0f main=%.0f other=%.0f"
                  " (%d threads)" % (rep + 1, v, per["total"],
                                     per["main"], per["other"],
                                     r["threads"]), flush=True)
    shutil.rmtree(workdir, ignore_errors=True)

    base = variants[0]
    med = {v: {k: statistics.median(r["per"][k] for r in runs[v])
               for k in keys} for v in variants}
    spread = {v: {k: (max(r["per"][k] for r in runs[v]) -
                      min(r["per"][k] for r in runs[v])) /
                  max(1.0, med[v][k]) for k in keys} for v in variants}
    lines = ["callgrind: instructions per call (%d counted after %d warm,"
             " %d cps, hold %d ms, ctrl_tcp client %s), median of %d"
             " runs" % (a.calls, a.warm, a.rate, a.hold,
                        "connected" if a.ctrl_client else
                        "not connected", a.reps)]
    for v in variants[1:]:
        lines.append("%-7s %13s %13s %7s %16s" %
                     ("Ir/call", base, v, "ratio", "spread b / v"))
        for k in keys:
            s, o = med[base][k], med[v][k]
            lines.append("%-7s %13.0f %13.0f %7.3f %7.1f%% / %5.1f%%" %
                         (k, s, o, o / s if s else float("nan"),
                          100 * spread[base][k], 100 * spread[v][k]))
    print("\n".join(lines))
    if a.out:
        with open(a.out, "w") as f:
            f.write("\n".join(lines) + "\n")
            json.dump({"median": med, "runs": runs}, f, indent=1)
            f.write("\n")


if __name__ == "__main__":
    main()
