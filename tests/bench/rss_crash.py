#!/usr/bin/env python3
"""Idle RSS of baresip with only octasip_crash.so against stock baresip.

Same OctaSIP profile for both; "stock" drops the four octasip_* module
lines, "crash" drops the other three.  Each round starts one of each
(interleaved, the order alternating), waits for "baresip is ready" and
--settle seconds (the module's first tick has run by then), and reads
VmRSS from /proc/PID/status and whether libcurl is mapped
(/proc/PID/maps).  Prints every round and the medians.

    tests/bench/rss_crash.py [--rounds 5] [--settle 1.5] [--dsn]

--dsn sets octasip_crash_dsn (consent stays "unknown"): the configured
but not consented case, which must not load libcurl either.  --all keeps
all four octasip_* modules in the "crash" variant (the whole overhead).
"""

import argparse
import os
import statistics
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "e2e"))
import harness  # noqa: E402
from sipp_compare import OCTA_MODS, proc_rss_kib  # noqa: E402


def rss_kib(pid):
    return proc_rss_kib(pid)[0]


def curl_mapped(pid):
    with open("/proc/%d/maps" % pid) as f:
        return "libcurl" in f.read()


def measure(variant, root, settle, dsn, all_mods):
    drop = OCTA_MODS if variant == "stock" else (
        () if all_mods else OCTA_MODS[1:])
    cfg = {"octasip_crash_dsn": "https://k@127.0.0.1:9/1"} if dsn else {}
    os.makedirs(root)
    inst = harness.Instance(None, name=variant, root=root,
                            drop_modules=drop, config=cfg)
    try:
        inst.start()
        time.sleep(settle)   # measuring idle memory, not synchronising
        pid = inst.proc.pid  # `octasip run` execs baresip
        return rss_kib(pid), curl_mapped(pid)
    finally:
        inst.kill()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--settle", type=float, default=1.5)
    ap.add_argument("--dsn", action="store_true")
    ap.add_argument("--all", action="store_true")
    a = ap.parse_args()

    res = {"stock": [], "crash": []}
    curl = False
    with tempfile.TemporaryDirectory(prefix="octasip-rss-") as root:
        for r in range(a.rounds):
            order = ("stock", "crash") if r % 2 == 0 else ("crash",
                                                           "stock")
            for i, v in enumerate(order):
                rss, mapped = measure(v, os.path.join(root, "%d%d" %
                                                      (r, i)),
                                      a.settle, a.dsn, a.all)
                res[v].append(rss)
                if v == "crash":
                    curl = curl or mapped
                print("round %d %-5s rss=%d KiB libcurl=%s" %
                      (r, v, rss, "mapped" if mapped else "no"))
    st = statistics.median(res["stock"])
    cr = statistics.median(res["crash"])
    what = "all four octasip modules" if a.all else "octasip_crash"
    print("median stock %.0f KiB, with %s %.0f KiB: +%.2f MiB;"
          " libcurl mapped: %s" %
          (st, what, cr, (cr - st) / 1024.0, "yes" if curl else "no"))


if __name__ == "__main__":
    main()
