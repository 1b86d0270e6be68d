#!/usr/bin/env python3
"""Idle RSS of baresip with only octasip_credstore.so (keyfile vault)
against stock baresip (no octasip_* module), interleaved rounds.

Both variants use the same OctaSIP profile config (menu.so dropped, as in
sipp_compare.py); "stock" drops the four octasip_* module lines,
"credstore" keeps only octasip_credstore.so.  RSS is VmRSS from
/proc/PID/status once baresip logs "baresip is ready" and ctrl_tcp
answers.  Also says whether libsecret/glib are mapped (/proc/PID/maps).

    python3 tests/bench/rss_credstore.py [--rounds N]
"""

import argparse
import os
import statistics
import sys
import tempfile
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "e2e"))
import harness  # noqa: E402
from sipp_compare import proc_rss_kib  # noqa: E402

OTHERS = ("octasip_crash.so", "octasip_policy.so", "octasip_calllog.so")
VARIANTS = {
    "stock": OTHERS + ("octasip_credstore.so", "menu.so"),
    "credstore": OTHERS + ("menu.so",),
}
NO_BUS = {"DBUS_SESSION_BUS_ADDRESS": ""}


def rss_kib(pid):
    return proc_rss_kib(pid)[0]


def mapped(pid, needle):
    with open("/proc/%d/maps" % pid) as f:
        return any(needle in line for line in f)


def one(variant, root):
    inst = harness.Instance(None, "rss", root=root,
                            drop_modules=VARIANTS[variant])
    try:
        # keyfile vault whatever session bus this shell has
        for name in ("vault", "vault.bak", "vault.key"):
            try:
                os.unlink(inst.path(name))
            except FileNotFoundError:
                pass
        harness.octasip("init", profile=inst.profile, env=NO_BUS)
        inst.start(env=NO_BUS)
        inst.command("uastat")
        pid = inst.proc.pid
        return (rss_kib(pid), mapped(pid, "libsecret-1"),
                mapped(pid, "libgio-2.0"))
    finally:
        inst.cleanup()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=5)
    a = ap.parse_args()
    res = {v: [] for v in VARIANTS}
    maps = {}
    root = tempfile.mkdtemp(prefix="octasip-rss-")
    try:
        for i in range(a.rounds):
            order = list(VARIANTS) if i % 2 == 0 else list(VARIANTS)[::-1]
            for v in order:
                sub = os.path.join(root, "%s%d" % (v, i))
                os.mkdir(sub)
                kib, secret, gio = one(v, sub)
                res[v].append(kib)
                maps[v] = (secret, gio)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    med = {v: statistics.median(x) for v, x in res.items()}
    for v in VARIANTS:
        print("%-10s idle RSS median %.1f MiB (min %.1f, max %.1f, n=%d);"
              " libsecret mapped: %s, libgio mapped: %s" %
              (v, med[v] / 1024, min(res[v]) / 1024, max(res[v]) / 1024,
               len(res[v]), maps[v][0], maps[v][1]))
    print("credstore over stock: %+.2f MiB" %
          ((med["credstore"] - med["stock"]) / 1024))


if __name__ == "__main__":
    main()
