"""The baresip interface OctaSIP declares for the ABI family it is built
for (modules/common/abi/baresip-<family>.h, named by the generated
bsip_abi.h) matches the installed baresip: every declared function is
exported, and every event the modules rely on has the name they expect.

Family 4 declares nothing itself (baresip-4.h includes the installed
baresip.h, which declares far more than 4.x exports to modules): there
every symbol our modules leave undefined must be exported by the baresip
executable, the libraries it runs with (libbaresip, libre) or a library
the module itself links."""

import os
import re
import subprocess
import harness
from harness import Instance

BUILD = os.environ.get("OCTASIP_BUILD", os.path.join(harness.SRC, "build"))


def family_header():
    with open(os.path.join(BUILD, "generated", "bsip_abi.h")) as f:
        m = re.search(r'#include "([^"]+)"', f.read())
    return os.path.join(harness.SRC, "modules", m.group(1))


HEADER = family_header()


def header_text(path):
    # the family header and the headers of ours it includes
    # ("common/abi/baresip-1.h": what 1.0 and 1.1 declare alike)
    with open(path) as f:
        text = f.read()
    for inc in re.findall(r'#include "(common/abi/[^"]+)"', text):
        text += header_text(os.path.join(harness.SRC, "modules", inc))
    return text


def declared_functions():
    text = header_text(HEADER)
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    text = re.sub(r"^#.*$", "", text, flags=re.M)
    text = re.sub(r"typedef[^;]*;", "", text)
    text = re.sub(r"struct\s+\w+\s*\{.*?\};", "", text, flags=re.S)
    text = re.sub(r"enum\s+\w*\s*\{.*?\};", "", text, flags=re.S)
    names = set()
    for m in re.finditer(r"\b([a-z_][a-z0-9_]*)\s*\(", text):
        name = m.group(1)
        if name in ("if", "sizeof", "defined", "format", "__attribute__"):
            continue
        names.add(name)
    return names


def undefined(path):
    """The symbols a shared object needs from elsewhere (not weak ones)"""
    out = subprocess.run(["nm", "-D", "--undefined-only", path],
                         capture_output=True, text=True, check=True).stdout
    return {l.split()[-1].split("@")[0] for l in out.splitlines()
            if l.split() and l.split()[0] == "U"}


def libraries(path):
    """The shared libraries path runs with (ldd)"""
    out = subprocess.run(["ldd", path], capture_output=True, text=True,
                         check=True).stdout
    return re.findall(r"=>\s+(/\S+)", out)


def exported(path):
    out = subprocess.run(["nm", "-D", "--defined-only", path],
                         capture_output=True, text=True, check=True).stdout
    return {l.split()[-1] for l in out.splitlines() if l.strip()}


class AbiTest(harness.TestCase):

    def test_every_declared_function_is_exported(self):
        if harness.FAMILY == "4":
            return self.check_module_references()
        names = declared_functions()
        own = {n for n in names if n.startswith("bsip_")}
        core = names - own
        self.assertGreater(len(core), 30)
        have = exported(harness.BARESIP)
        missing = sorted(core - have)
        self.assertEqual(missing, [], "declared in bsip.h but not exported"
                         " by %s" % harness.BARESIP)

    def check_module_references(self):
        # 4.x: what our modules reference, not what baresip.h declares
        def plain(path):   # "calloc@@GLIBC_2.2.5" -> "calloc"
            return {n.split("@")[0] for n in exported(path)}
        have = plain(harness.BARESIP)
        for lib in libraries(harness.BARESIP):
            have |= plain(lib)
        self.assertIn("bevent_register", have)
        outdir = os.path.join(BUILD, "modules-out")
        mods = sorted(f for f in os.listdir(outdir) if f.endswith(".so"))
        self.assertGreaterEqual(len(mods), 4)
        for m in mods:
            path = os.path.join(outdir, m)
            own = set(have)
            for lib in libraries(path):
                own |= plain(lib)
            missing = sorted(undefined(path) - own)
            self.assertEqual(missing, [], "%s references symbols that %s"
                             " does not export" % (m, harness.BARESIP))

    def test_modules_export_only_their_entry_points(self):
        # -fvisibility=hidden: a helper of ours named like a future libre
        # or baresip function must not take theirs over (or the reverse)
        outdir = os.path.join(BUILD, "modules-out")
        mods = sorted(f for f in os.listdir(outdir) if f.endswith(".so"))
        self.assertGreaterEqual(len(mods), 4)
        for m in mods:
            want = {"exports"}
            if m == "octasip_calllog.so":
                want.add("octasip_calllog_api_v1")
            if m == "octasip_policy.so":
                want.add("octasip_siptrace_api_v1")
            if m == "octasip_credstore.so":
                want.add("octasip_credstore_api_v1")
            # an ASan build adds its own ODR markers (__odr_asan.NAME)
            have = {s for s in exported(os.path.join(outdir, m))
                    if not s.startswith("__odr_asan")}
            self.assertEqual(have, want, m)

    def test_no_function_removed_after_1_0(self):
        # ua_aor() is gone from 1.1.0: dlopen(RTLD_NOW) would fail there
        self.assertNotIn("ua_aor", declared_functions())

    def test_event_names_match_running_core(self):
        # every module checks its ABI stamp and maps every event it needs
        # by name at init, and refuses to load on a mismatch; a clean
        # load proves both
        a = Instance(self, "alice")
        a.start()
        log = a.log()
        self.assertEqual(a.stop(), 0)
        for mod in ("octasip_crash", "octasip_policy", "octasip_credstore",
                    "octasip_calllog"):
            self.assertRegex(log, mod + r": OctaSIP \S+ loaded")
        self.assertNotIn("not loading", log)

    def test_event_numbers_seen_on_the_wire(self):
        # ctrl_tcp reports event names; a call must produce the names our
        # enum expects, in the order the core emits them
        a = Instance(self, "alice")
        b = Instance(self, "bob", root=a.root)
        a.start()
        b.start()
        harness.call(a, b)
        a.command("hangup")
        a.wait_event("CALL_CLOSED")
        b.wait_event("CALL_CLOSED")
        names = {e["type"] for e in a.ctrl.events + b.ctrl.events}
        for n in ("CALL_INCOMING", "CALL_ESTABLISHED", "CALL_CLOSED",
                  "CALL_LOCAL_SDP", "CALL_REMOTE_SDP"):
            self.assertIn(n, names)
        self.assertEqual(a.stop(), 0)
        self.assertEqual(b.stop(), 0)


if __name__ == "__main__":
    harness.main()
