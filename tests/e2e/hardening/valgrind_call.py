"""valgrind memcheck of baresip with the four OctaSIP modules during
calls: baresip runs under valgrind (OCTASIP_BARESIP points `octasip run`
at a wrapper), takes sipp calls, answers every module's commands, and
quits.  Fails on any memcheck error (invalid access, uninitialised value,
bad free) and on any leak whose stack passes through OctaSIP code
(octasip_*.so).  baresip's and libre's own leaks are listed, not failed.

Positive control: the same analysis of a baresip run with
octasip_leakprobe.so preloaded (leakprobe.c: a lost block and a branch on
an uninitialised byte) must report both as OctaSIP's.

Not a test_*.py: ctest runs it as valgrind.call (label valgrind)."""

import os
import shutil
import stat
import subprocess
import sys
import tempfile
import unittest
import xml.etree.ElementTree as ET

import harness
from test_faults import callee, sipp_calls, wait_rows

WRAPPER = """#!/bin/sh
exec valgrind --tool=memcheck --leak-check=full --show-leak-kinds=all \\
    --num-callers=30 --keep-debuginfo=yes --xml=yes --xml-file=%s %s "$@"
"""
LEAKS = ("Leak_DefinitelyLost", "Leak_IndirectlyLost",
         "Leak_PossiblyLost")


def frames(err):
    return [(f.findtext("obj") or "", f.findtext("fn") or "")
            for f in err.iter("frame")]


def ours(err):
    return any("octasip_" in os.path.basename(obj)
               for obj, _ in frames(err))


def analyse(xmlf):
    """(bad, theirs): memcheck errors and OctaSIP leaks as (kind, text);
    leak texts outside OctaSIP (baresip, libre)."""
    bad, theirs = [], []
    for e in ET.parse(xmlf).getroot().findall("error"):
        kind = e.findtext("kind")
        text = (e.findtext("what") or
                e.findtext("xwhat/text") or "") + "\n  " + \
            "\n  ".join("%s %s" % (fn, os.path.basename(o))
                        for o, fn in frames(e)[:12])
        if kind in LEAKS and not ours(e):
            theirs.append(text)
        elif kind in LEAKS or kind != "Leak_StillReachable":
            bad.append((kind, text))
    return bad, theirs


class Valgrind(harness.TestCase):

    def test_call_under_memcheck(self):
        if os.environ.get("OCTASIP_TEST_PRELOAD"):
            raise unittest.SkipTest("not in the ASan build")
        # one call per caller a minute: the second and third are refused
        # by the policy (its hang-up path, where a freed op was once
        # dereferenced again)
        b = callee(self, config={
            "octasip_policy_max_incoming_per_source": "1"})
        xmlf = os.path.join(b.root, "memcheck.xml")
        wrap = os.path.join(b.root, "baresip-vg")
        with open(wrap, "w") as f:
            f.write(WRAPPER % (xmlf, harness.BARESIP))
        os.chmod(wrap, stat.S_IRWXU)
        b.start(env={"OCTASIP_BARESIP": wrap}, timeout=120)
        self.assertEqual(sipp_calls(b, 3, hold_ms=500, timeout=120),
                         (1, 2))
        wait_rows(b, 3, timeout=60)
        for cmd in ("calllog", "calllog_stats", "perm", "credstore_status",
                    "credstore_reload", "octasip_crash"):
            ok, data = b.command(cmd, timeout=30)
        self.assertEqual(b.stop(timeout=120), 0)

        bad, theirs = analyse(xmlf)
        if theirs:
            sys.stderr.write("%d leak record(s) outside OctaSIP (baresip,"
                             " libre)\n" % len(theirs))
        self.assertEqual(bad, [], "\n\n".join("%s: %s" % b for b in bad))

    def test_positive_control(self):
        """The analysis fails a leak and an uninitialised read that
        OctaSIP code (octasip_leakprobe.so) makes."""
        if os.environ.get("OCTASIP_TEST_PRELOAD"):
            raise unittest.SkipTest("not in the ASan build")
        probe = os.environ.get("OCTASIP_LEAKPROBE")
        if not probe or not os.path.exists(probe):
            self.fail("OCTASIP_LEAKPROBE (the built octasip_leakprobe.so)"
                      " is not set: run through ctest")
        root = tempfile.mkdtemp(prefix="octasip-vg-")
        self.addCleanup(shutil.rmtree, root, True)
        xmlf = os.path.join(root, "memcheck.xml")
        env = dict(os.environ, LD_PRELOAD=probe)
        subprocess.run(["valgrind", "--tool=memcheck", "--leak-check=full",
                        "--num-callers=30", "--xml=yes",
                        "--xml-file=" + xmlf, harness.BARESIP, "-h"],
                       env=env, stdin=subprocess.DEVNULL,
                       capture_output=True, timeout=120)
        kinds = sorted({k for k, _ in analyse(xmlf)[0]})
        self.assertIn("Leak_DefinitelyLost", kinds)
        self.assertIn("UninitCondition", kinds)


if __name__ == "__main__":
    harness.main()
