"""The ABI stamp (issue 17): a module built for another baresip ABI
family than the running core's refuses to load, with one clear line,
instead of misreading the core.

octasip_crash is built again, alone, for the other 1.x family
(-DOCTASIP_ABI_FAMILY) into a temporary build tree and put in place of
the normal one in the module directory of a plain baresip with our
module lines; the other modules of the normal build load as usual.

On 4.x no 1.x module can be built (1.x's declarations do not compile
against re 4.x): the Debian 12 build's module (build/, which CI makes
first) is loaded instead, and baresip's loader refuses it before its
init runs, naming the symbol 4.x lacks."""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import harness

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(
    __file__)), "packaging"))
import stockcfg                        # noqa: E402
from stockcfg import StockBaresip      # noqa: E402

BUILD = os.environ.get("OCTASIP_BUILD", os.path.join(harness.SRC, "build"))
# the family a module is built for when it must not load here
OTHER = {"1.0": "1.1", "1.1": "1.0", "4": "1.0"}
MOD = "octasip_crash"


def family():
    with open(os.path.join(BUILD, "generated", "bsip_abi.h")) as f:
        return re.search(r"baresip-([0-9.]+)\.h", f.read()).group(1)


def cache(key):
    with open(os.path.join(BUILD, "CMakeCache.txt")) as f:
        m = re.search(r"(?m)^%s:[A-Z]+=(.*)$" % re.escape(key), f.read())
    return m.group(1) if m else ""


def build_for(fam, tmp):
    """octasip_crash.so built for ABI family fam; its path."""
    args = ["cmake", "-S", harness.SRC, "-B", tmp,
            "-DOCTASIP_ABI_FAMILY=" + fam, "-DBUILD_TESTING=OFF",
            "-DCMAKE_BUILD_TYPE=RelWithDebInfo"]
    for key in ("BARESIP_BINARY", "BARESIP_MODULE_DIR",
                "CMAKE_PREFIX_PATH"):
        if cache(key):
            args.append("-D%s=%s" % (key, cache(key)))
    for cmd in (args, ["cmake", "--build", tmp, "--target", MOD, "-j2"]):
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode:
            raise AssertionError("%s failed:\n%s%s" % (cmd, r.stdout,
                                                       r.stderr))
    return os.path.join(tmp, "modules-out", MOD + ".so")


class AbiStampTest(harness.TestCase):

    def setUp(self):
        self.root = stockcfg.tmproot()
        self.addCleanup(shutil.rmtree, self.root, True)

    def test_other_family_refused_with_one_line(self):
        here = family()
        other = OTHER[here]
        if here == "4":
            wrong = os.path.join(harness.SRC, "build", "modules-out",
                                 MOD + ".so")
            if not os.path.exists(wrong):
                self.skipTest("no Debian 12 (1.0) build of %s in build/ to"
                              " load into 4.x (scripts/build makes it)"
                              % MOD)
        else:
            tmp = tempfile.mkdtemp(prefix="octasip-abi-")
            self.addCleanup(shutil.rmtree, tmp, True)
            wrong = build_for(other, tmp)

        # the normal build loads
        a = StockBaresip(self, "alice", self.root, {"microphone": "allow"})
        a.start()
        self.assertRegex(a.log(), MOD + r": OctaSIP \S+ loaded")
        self.assertEqual(a.stop(), 0)

        # the other family's build does not (bob's config links the
        # module directory anew: swap the link after it)
        b = StockBaresip(self, "bob", self.root, {"microphone": "allow"})
        link = os.path.join(self.root, "modules", MOD + ".so")
        os.unlink(link)
        os.symlink(wrong, link)
        b.start()
        log = b.log()
        if here == "4":
            # 4.x lacks 1.x's event API: the loader stops at the symbol
            refusals = re.findall(r"(?m)^.*%s.*undefined symbol.*$" % MOD,
                                  log)
            self.assertEqual(len(refusals), 1, log)
        else:
            refusals = re.findall(r"(?m)^.*%s:.*not loading.*$" % MOD,
                                  log)
            self.assertEqual(len(refusals), 1, log)
            self.assertIn("(ABI %s)" % other, refusals[0])
            self.assertIn("this baresip is ABI %s" % here, refusals[0])
        self.assertNotRegex(log, MOD + r": OctaSIP \S+ loaded")
        # not loaded: not mapped into baresip, whose other modules run
        with open("/proc/%d/maps" % b.proc.pid) as f:
            self.assertNotIn(wrong, f.read())
        self.assertRegex(log, r"octasip_policy: OctaSIP \S+ loaded")
        ok, data = b.ctrl.command("credstore_status")
        self.assertTrue(ok, data)
        self.assertEqual(b.stop(), 0)


if __name__ == "__main__":
    harness.main()
