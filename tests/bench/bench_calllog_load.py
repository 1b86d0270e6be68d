"""Call-log load benchmark (not a CI test): sipp places calls at RATE
calls/s for SECONDS against a baresip that auto-answers, once with
octasip_calllog and once without it (stock); prints the success rates,
whether every call was logged, and the module's own main-thread timing.

Usage (from the build tree, as ctest sets the environment):
  OCTASIP_BIN=build/modules/cli/octasip OCTASIP_SRC=. \
  PYTHONPATH=tests/e2e python3 tests/bench/bench_calllog_load.py [RATE]
  [SECONDS]
"""

import os
import re
import subprocess
import sys
import tempfile
import harness
from harness import Instance

HERE = os.path.dirname(os.path.abspath(__file__))
SCEN = os.path.join(HERE, "..", "e2e", "calllog", "sipp_uac_name.xml")


def run(rate, secs, with_calllog):
    # the policy's fraud guard would (rightly) block one caller placing
    # 25 calls/s: leave it out of both runs to measure the call log
    drop = ("octasip_policy.so",) + (
        () if with_calllog else ("octasip_calllog.so",))
    b = Instance(None, "bob", account=";regint=0;answermode=auto",
                 permissions={"microphone": "allow", "storage": "allow"},
                 config={"call_max_calls": "200"}, drop_modules=drop)
    try:
        b.start()
        inf = os.path.join(b.root, "names.csv")
        with open(inf, "w") as f:
            f.write("SEQUENTIAL\nLoad Caller;\n")
        total = rate * secs
        p = subprocess.run(
            ["sipp", "127.0.0.1:%d" % b.sip_port, "-sf", SCEN, "-inf", inf,
             "-s", "bob", "-i", "127.0.0.1", "-p",
             str(harness.free_port()), "-r", str(rate), "-m", str(total),
             "-l", "200", "-timeout", str(secs + 60)],
            stdin=subprocess.DEVNULL, capture_output=True, text=True)
        ok = int(re.findall(r"Successful call\s+\|\s+\d+\s+\|\s+(\d+)",
                            p.stdout)[-1])
        failed = int(re.findall(r"Failed call\s+\|\s+\d+\s+\|\s+(\d+)",
                                p.stdout)[-1])
        stats = ""
        logged = None
        if with_calllog:
            _, stats = b.command("calllog_stats")
            b.stop(timeout=60)
            import sqlite3
            con = sqlite3.connect(b.path("calllog.db"))
            logged = con.execute("SELECT count(*) FROM calls WHERE"
                                 " status = 'answered'").fetchone()[0]
            con.close()
        else:
            b.stop(timeout=60)
        return total, ok, failed, logged, stats.strip()
    finally:
        b.cleanup()


def main():
    rate = int(sys.argv[1]) if len(sys.argv) > 1 else 25
    secs = int(sys.argv[2]) if len(sys.argv) > 2 else 60
    for with_cl in (False, True):
        total, ok, failed, logged, stats = run(rate, secs, with_cl)
        print("%-16s %d calls at %d/s: %d ok, %d failed (%.2f%%)%s" %
              ("with calllog" if with_cl else "stock baresip", total,
               rate, ok, failed, 100.0 * ok / total,
               "; %d answered rows logged" % logged if with_cl else ""))
        if stats:
            print("  " + stats)


if __name__ == "__main__":
    main()
