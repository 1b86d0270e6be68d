#!/usr/bin/env python3
"""sipp against stock baresip and against baresip with the four OctaSIP
modules, on this machine, in one run, interleaved.

Prints and writes (--out) per variant: call success rate, setup latency
(INVITE -> 200 OK) p50/p95/p99, CPU time per call, RSS, and the highest
sustainable calls per second; then the OctaSIP/stock ratio of each figure.

Both variants use the same OctaSIP profile config; "stock" only drops the
four octasip_* module lines.  The callee auto-answers (phone_state
allowed), plays a tone, and sipp hangs up after --hold ms.
"""

import argparse
import glob
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "e2e"))
import harness  # noqa: E402

DEFAULT_BIN = harness.OCTASIP
OCTA_MODS = ("octasip_crash.so", "octasip_policy.so",
             "octasip_credstore.so", "octasip_calllog.so")


def clk_tck():
    return os.sysconf("SC_CLK_TCK")


def proc_cpu(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / clk_tck()


def proc_rss_kib(pid):
    rss = hwm = 0
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1])
            elif line.startswith("VmHWM:"):
                hwm = int(line.split()[1])
    return rss, hwm


def baresip_pid(inst):
    # `octasip run` execs baresip: the launcher's pid is baresip's
    return inst.proc.pid


def variant_bin(variant):
    """"VARIANT@/path/to/octasip": that octasip binary (another build
    tree, e.g. the code before a change) for this variant."""
    if "@" in variant:
        return variant.split("@", 1)
    return variant, DEFAULT_BIN


def module_set(variant, names, one):
    """"octasip_a+octasip_b" (".so" optional) as module file names; a
    name that is not an OctaSIP module, or more than one where one is
    asked for, ends the run"""
    mods = {m if m.endswith(".so") else m + ".so" for m in names.split("+")}
    if not mods <= set(OCTA_MODS) or (one and len(mods) != 1):
        raise SystemExit("unknown module in variant %r" % variant)
    return mods


def variant_drops(variant):
    """Module lines a variant drops: "stock" all four, "octasip" none,
    "only:octasip_<area>" the other three (that module alone),
    "without:octasip_<area>" that one module (the other three),
    "keep:octasip_<a>+octasip_<b>" those modules only; any
    other name with "@" (another build) keeps all four."""
    variant, binary = variant_bin(variant)
    if binary != DEFAULT_BIN and variant not in ("stock", "manual") and \
            not variant.startswith(("only:", "without:", "keep:")):
        return ()
    if variant in ("stock", "manual"):
        return OCTA_MODS
    if variant == "octasip":
        return ()
    for prefix in ("only:", "keep:", "without:"):
        if variant.startswith(prefix):
            named = module_set(variant, variant[len(prefix):],
                               prefix != "keep:")
            if prefix == "without:":
                return tuple(m for m in OCTA_MODS if m in named)
            return tuple(m for m in OCTA_MODS if m not in named)
    raise SystemExit("unknown variant %r" % variant)


# "manual": stock baresip with a manual-answer account and setup_answer.so
# (built next to setup_probe.so) answering in its CALL_INCOMING handler:
# what baresip's manual-answer path costs on its own, which any module
# deciding before the answer (OctaSIP's policy) has to pay
ANSWER_MODULE = None

# more config keys for every callee (cpu_per_call.py: all fraud caps off)
EXTRA_CONFIG = {}


def start_callee(variant, root, env=None, timeout=15.0):
    drop = variant_drops(variant)
    harness.OCTASIP = variant_bin(variant)[1]
    manual = variant_bin(variant)[0] == "manual"
    if manual and not ANSWER_MODULE:
        raise SystemExit("variant manual needs --answer-module "
                         "(build/tests/unit/latency/setup_answer.so)")
    inst = harness.Instance(
        None, "bob",
        account=";regint=0;answermode=%s" % ("manual" if manual else
                                             "auto"), root=root,
        permissions={"microphone": "allow", "storage": "allow",
                     "phone_state": "allow"},
        # sipp is one caller placing many calls: lift the fraud guard's
        # flood caps (10/min per caller, 20/min per address by default)
        # so it measures cost, not the guard (stock baresip has no guard)
        config=dict({"call_max_calls": "4000", "audio_alert": None,
                     "octasip_policy_max_incoming_per_source": "0",
                     "octasip_policy_max_incoming_per_address": "0"},
                    **EXTRA_CONFIG),
        drop_modules=drop + ("menu.so",),
        add_modules=(("module", "setup_answer.so"),) if manual else ())
    if manual:
        # `octasip run` links the module directory and keeps other links
        mods = inst.path(".modules")
        os.makedirs(mods, mode=0o700, exist_ok=True)
        os.symlink(ANSWER_MODULE, os.path.join(mods, "setup_answer.so"))
    inst.start(env=env, timeout=timeout)
    return inst


CTRL_CLIENT = False


def detach(inst):
    """Close the harness's ctrl_tcp connection for the measured calls, as
    a softphone runs (ctrl_tcp listening, nobody connected): every event
    baresip sends to a client is JSON-encoded on the main thread and wakes
    the client, so a connected harness would weigh on the variant with
    more events (OctaSIP's policy makes baresip emit CALL_INCOMING for
    calls it auto-answers).  --ctrl-client keeps it."""
    if not CTRL_CLIENT and inst.ctrl:
        inst.ctrl.close()
        inst.ctrl = None


def reattach(inst):
    if inst.ctrl is None:
        inst.ctrl = inst.connect(30)


# --pin: the callee's threads on the last CPU, sipp on the others
PIN = False


def pin_cpus():
    """(callee CPUs, sipp CPUs) for --pin, or (None, None)."""
    cpus = sorted(os.sched_getaffinity(0))
    if not PIN or len(cpus) < 2:
        return None, None
    return {cpus[-1]}, set(cpus[:-1])


def pin_callee(pid):
    """Every thread baresip has now; threads it starts later (audio,
    the call log's writer) inherit the affinity of the main thread."""
    cpus = pin_cpus()[0]
    if not cpus:
        return
    for tid in os.listdir("/proc/%d/task" % pid):
        os.sched_setaffinity(int(tid), cpus)


def run_sipp(port, rate, calls, hold_ms, workdir, timeout):
    """Returns (successful, failed, [rtt ms...])."""
    msgfile = os.path.join(workdir, "messages.log")
    if os.path.exists(msgfile):
        os.unlink(msgfile)
    cmd = ["sipp", "-sn", "uac", "127.0.0.1:%d" % port, "-s", "bob",
           "-i", "127.0.0.1", "-p", str(harness.free_port()),
           "-r", str(rate), "-m", str(calls), "-d", str(hold_ms),
           "-l", str(max(10, rate * (hold_ms // 1000 + 3))),
           "-trace_msg", "-message_file", msgfile, "-nostdin",
           "-timeout", "%ds" % timeout,
           "-recv_timeout", "10000", "-trace_stat", "-fd", "1"]
    cpus = pin_cpus()[1]
    p = subprocess.run(cmd, cwd=workdir, capture_output=True, text=True,
                       preexec_fn=(lambda: os.sched_setaffinity(0, cpus))
                       if cpus else None,
                       timeout=timeout + 30)
    ok = failed = 0
    for f in glob.glob(os.path.join(workdir, "*_.csv")):
        with open(f) as fh:
            rows = [l.strip().split(";") for l in fh if l.strip()]
        if len(rows) >= 2:
            hdr = rows[0]
            last = rows[-1]
            ok = int(last[hdr.index("SuccessfulCall(C)")])
            failed = int(last[hdr.index("FailedCall(C)")])
        os.unlink(f)
    rtts = setup_times(msgfile)
    if ok + failed == 0:
        failed = calls
        sys.stderr.write("sipp: %s\n" % p.stderr[-2000:])
    return ok, failed, rtts


def setup_times(msgfile):
    """INVITE sent -> 200 OK received per Call-ID, in ms (us precision),
    from sipp's -trace_msg log."""
    import datetime
    sent, rtts = {}, []
    if not os.path.exists(msgfile):
        return rtts
    with open(msgfile, errors="replace") as fh:
        blocks = fh.read().split("-" * 47 + " ")
    for b in blocks[1:]:
        lines = b.splitlines()
        try:
            ts = datetime.datetime.strptime(lines[0].strip(),
                                            "%Y-%m-%d %H:%M:%S.%f")
        except (ValueError, IndexError):
            continue
        body = [l.strip() for l in lines[1:] if l.strip()]
        if len(body) < 2:
            continue
        first = body[1]
        cid = next((l.split(":", 1)[1].strip() for l in body
                    if l.lower().startswith("call-id:")), None)
        cseq = next((l for l in body if l.lower().startswith("cseq:")), "")
        if not cid:
            continue
        if first.startswith("INVITE ") and "message sent" in body[0]:
            sent.setdefault(cid, ts)
        elif (first.startswith("SIP/2.0 200") and "INVITE" in cseq and
              cid in sent):
            rtts.append((ts - sent.pop(cid)).total_seconds() * 1000.0)
    return rtts


def pct(values, q):
    if not values:
        return float("nan")
    s = sorted(values)
    k = max(0, min(len(s) - 1, int(round(q / 100.0 * (len(s) - 1)))))
    return s[k]


PROBE = None


def probe_times(path):
    """INVITE -> 200 OK inside the callee (ms), from setup_probe.so."""
    try:
        with open(path) as f:
            return [int(l) / 1e6 for l in f if l.strip()]
    except OSError:
        return []


def measure(variant, rate, calls, hold_ms, workdir):
    root = tempfile.mkdtemp(prefix="octasip-bench-")
    probe_out = os.path.join(root, "probe.txt")
    env = ({"LD_PRELOAD": PROBE, "SETUP_PROBE_OUT": probe_out}
           if PROBE else None)
    inst = start_callee(variant, root, env)
    m = None
    try:
        pid = baresip_pid(inst)
        detach(inst)
        pin_callee(pid)
        cpu0 = proc_cpu(pid)
        ok, failed, rtts = run_sipp(inst.sip_port, rate, calls, hold_ms,
                                    workdir, timeout=calls // rate + 60)
        cpu1 = proc_cpu(pid)
        reattach(inst)
        rss, hwm = proc_rss_kib(pid)
        m = {"variant": variant, "rate": rate, "calls": calls,
                "ok": ok, "failed": failed,
                "success": ok / float(calls),
                "p50": pct(rtts, 50), "p95": pct(rtts, 95),
                "p99": pct(rtts, 99),
                "cpu_ms_per_call": 1000.0 * (cpu1 - cpu0) / max(1, ok),
                "rss_kib": rss, "hwm_kib": hwm, "rtts": rtts}
    finally:
        inst.stop()
        if m is not None and PROBE:
            t = probe_times(probe_out)
            if m["ok"] and not t:
                # a probe that interposes nothing (e.g. built with hidden
                # visibility) must not pass for "no figures"
                raise SystemExit("setup probe %s recorded no call: does it"
                                 " export recvfrom/sendto?" % PROBE)
            m.update({"in_p50": pct(t, 50), "in_p95": pct(t, 95),
                      "in_p99": pct(t, 99)})
        inst.cleanup()
        import shutil
        shutil.rmtree(root, ignore_errors=True)
    return m


def pooled_lines(results, base, v):
    """Setup latency over every call of every round (not the median of
    rounds), and the OctaSIP/stock p95 ratio per round: both variants of
    a round ran back to back, so the ratio of a round is paired; its
    median and a 95 % bootstrap interval over rounds say whether a
    difference is larger than the machine's own swing."""
    import random
    out = []
    for q in (50, 95, 99):
        sb = pct([t for m in results[base] for t in m["rtts"]], q)
        so = pct([t for m in results[v] for t in m["rtts"]], q)
        out.append("pooled p%-2d %10.3f ms %19.3f ms %8.3f" %
                   (q, sb, so, so / sb if sb else float("nan")))
    ratios = [o["p95"] / b["p95"] for b, o in
              zip(results[base], results[v]) if b["p95"] > 0]
    if len(ratios) >= 3:
        rng = random.Random(1)
        boot = sorted(statistics.median(rng.choice(ratios)
                                        for _ in ratios)
                      for _ in range(2000))
        out.append("p95 ratio per round: median %.3f, 95%% interval"
                   " %.3f-%.3f over %d rounds" %
                   (statistics.median(ratios), boot[50], boot[1949],
                    len(ratios)))
    return out


def sustainable(variant, rates, calls_per_step, hold_ms, workdir):
    best = 0
    for r in rates:
        m = measure(variant, r, calls_per_step, hold_ms, workdir)
        if m["success"] < 0.999 or m["p95"] > 500:
            break
        best = r
    return best


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--rate", type=int, default=20)
    ap.add_argument("--calls", type=int, default=200)
    ap.add_argument("--hold", type=int, default=1000, help="ms")
    ap.add_argument("--rates", default="10,20,40,60,80,120",
                    help="sustainable-rate search steps; \"\" skips it")
    ap.add_argument("--quick", action="store_true",
                    help="1 round, 60 calls, no sustainable-rate search")
    ap.add_argument("--out", default=None)
    ap.add_argument("--variants", default="stock,octasip",
                    help="comma list, first is the baseline: stock, "
                    "octasip, only:octasip_<area> (that module alone), "
                    "without:octasip_<area> (the other three), "
                    "keep:octasip_<a>+octasip_<b> (those modules), "
                    "manual (stock with a manual-answer account answered "
                    "by setup_answer.so: baresip's own cost of answering "
                    "from an event handler); "
                    "NAME@/path/to/octasip runs another build tree's "
                    "modules; the order rotates each round")
    ap.add_argument("--probe", default=None,
                    help="setup_probe.so (build/tests/unit/latency): "
                    "also time INVITE -> 200 OK inside the callee "
                    "(in_p50/in_p95/in_p99)")
    ap.add_argument("--answer-module", default=None,
                    help="setup_answer.so (build/tests/unit/latency) for "
                    "the manual variant")
    ap.add_argument("--pin", action="store_true",
                    help="run the callee on the last CPU and sipp on the "
                    "others, so the load generator does not preempt the "
                    "callee it measures")
    ap.add_argument("--ctrl-client", action="store_true",
                    help="keep the harness's ctrl_tcp client connected"
                    " during the calls")
    a = ap.parse_args()
    global PROBE, CTRL_CLIENT, ANSWER_MODULE, PIN
    PIN = a.pin
    PROBE = os.path.abspath(a.probe) if a.probe else None
    ANSWER_MODULE = (os.path.abspath(a.answer_module) if a.answer_module
                    else None)
    CTRL_CLIENT = a.ctrl_client
    if a.quick:
        a.rounds, a.calls = 1, 60
    variants = [v.strip() for v in a.variants.split(",") if v.strip()]
    for v in variants:
        variant_drops(v)
    base = variants[0]
    workdir = tempfile.mkdtemp(prefix="octasip-sipp-")
    results = {v: [] for v in variants}
    for rnd in range(a.rounds):
        k = rnd % len(variants)
        order = variants[k:] + variants[:k]
        if rnd % 2:
            order.reverse()
        for variant in order:
            m = measure(variant, a.rate, a.calls, a.hold, workdir)
            results[variant].append(m)
            print("round %d %-22s ok=%d failed=%d p50=%.3fms "
                  "p95=%.3fms cpu/call=%.2fms rss=%dKiB%s" %
                  (rnd + 1, variant, m["ok"], m["failed"], m["p50"],
                   m["p95"], m["cpu_ms_per_call"], m["rss_kib"],
                   " inside: p50=%.3fms p95=%.3fms" %
                   (m["in_p50"], m["in_p95"]) if PROBE else ""),
                  flush=True)

    def agg(variant, key, fn=statistics.median):
        return fn([m[key] for m in results[variant]])

    summary = {}
    for v in variants:
        summary[v] = {k: agg(v, k) for k in
                      ("success", "p50", "p95", "p99", "cpu_ms_per_call",
                       "rss_kib") + (("in_p50", "in_p95", "in_p99")
                                     if PROBE else ())}
    if not a.quick and a.rates.strip():
        rates = [int(x) for x in a.rates.split(",")]
        for v in variants:
            summary[v]["max_cps"] = sustainable(v, rates, 150, a.hold,
                                                workdir)

    lines = ["sipp vs baresip, %d round(s) of %d calls at %d cps, hold %d"
             " ms (median of rounds), ctrl_tcp client %s" %
             (a.rounds, a.calls, a.rate, a.hold,
              "connected" if CTRL_CLIENT else "not connected")]
    for v in variants[1:]:
        lines.append("%-18s %12s %22s %8s" % ("figure", base, v, "ratio"))
        for k in summary[base]:
            s, o = summary[base][k], summary[v][k]
            ratio = (o / s) if s else float("nan")
            lines.append("%-18s %12.3f %22.3f %8.3f" % (k, s, o, ratio))
        rss_over = (summary[v]["rss_kib"] -
                    summary[base]["rss_kib"]) / 1024.0
        lines.append("rss overhead: %.2f MiB" % rss_over)
        lines.extend(pooled_lines(results, base, v))
    print("\n".join(lines))
    if a.out:
        with open(a.out, "w") as f:
            f.write("\n".join(lines) + "\n")
            json.dump({"summary": summary, "runs": results}, f, indent=1)
            f.write("\n")


if __name__ == "__main__":
    main()
