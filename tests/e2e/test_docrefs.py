"""Comments and docs point at things that exist: every repository path
and every `function()` named in the docs (Markdown, man pages) and in the
comments of C and Python sources is in the tree, in the code, or exported
by a library OctaSIP uses.  A renamed file or function then fails here
instead of leaving a reader looking for it."""

import glob
import os
import re
import subprocess

import harness

SRC = harness.SRC
PATH = re.compile(r"(?<![\w/.-])((?:modules|tests|scripts|packaging|docs|"
                  r"config|\.ci)/[\w./<>*{},-]*[\w/])")
FUNC = re.compile(r"(?<![\w.>-])([a-z_][a-z0-9_]{2,})\(\)")
# names of the newer baresip API that docs contrast with 1.0.0's
UPSTREAM = {"bevent_register", "bevent_odict_encode",
            # 4.x's, named in docs/abi-4.md and abi/baresip-4.h: checked
            # against libbaresip when the build is for 4.x
            "_info", "_warning", "_debug", "call_start_answtmr",
            "bevent_set_error"}
LIBS = ("libre.so", "librem.so", "libc.so.6", "libsqlite3.so.0",
        "libsodium.so", "libcurl.so.4", "libsecret-1.so.0")


def tracked():
    out = subprocess.run(["git", "ls-files"], cwd=SRC, capture_output=True,
                         text=True, check=True).stdout
    return [f for f in out.split("\n") if f]


def read(f):
    with open(os.path.join(SRC, f), errors="replace") as fh:
        return fh.read()


def prose(files):
    """(file, text) of the docs and of the comments in the code."""
    for f in files:
        if f.endswith((".md", ".1", ".7")):
            yield f, read(f)
        elif f.endswith((".c", ".h")):
            yield f, "\n".join(re.findall(r"/\*.*?\*/", read(f), re.S))
        elif f.endswith(".py"):
            t = read(f)
            yield f, "\n".join(re.findall(r'"""(.*?)"""', t, re.S) +
                               re.findall(r"#.*", t))


def code_names(files):
    names = set()
    for f in files:
        if f.endswith((".c", ".h", ".py", ".in", ".txt")) or \
                f.startswith("scripts/"):
            t = read(f)
            if f.endswith((".c", ".h")):
                t = re.sub(r"/\*.*?\*/", "", t, flags=re.S)
            names.update(re.findall(r"\b[A-Za-z_]\w*\b", t))
    return names


def library_names():
    objs = [harness.BARESIP]
    # 4.x under a prefix: the core is libbaresip and re's libre beside
    # it; the docs name 1.0.0's functions too (Debian 12's, when there)
    out = subprocess.run(["ldd", harness.BARESIP], capture_output=True,
                         text=True).stdout
    objs += re.findall(r"=>\s+(/\S*lib(?:baresip|re)\.so\S*)", out)
    if harness.BARESIP != "/usr/bin/baresip" and \
            os.path.exists("/usr/bin/baresip"):
        objs.append("/usr/bin/baresip")
    for lib in LIBS:
        objs += glob.glob("/usr/lib/x86_64-linux-gnu/" + lib + "*")[:1]
        objs += glob.glob("/lib/x86_64-linux-gnu/" + lib + "*")[:1]
    names = set()
    for o in objs:
        out = subprocess.run(["nm", "-D", "--defined-only", o],
                             capture_output=True, text=True).stdout
        names.update(l.split()[-1].split("@")[0]
                     for l in out.splitlines() if l.strip())
    return names


def dangling(files):
    have = set(files)
    for f in files:
        p = os.path.dirname(f)
        while p:
            have.add(p)
            p = os.path.dirname(p)
    names = code_names(files) | library_names() | UPSTREAM
    out = []
    for f, text in prose(files):
        for m in PATH.finditer(text):
            p = m.group(1).rstrip("./,")
            if any(c in p for c in "<>*{}") or p.endswith(("NAME", "_")):
                continue           # a pattern, not a path
            if p not in have:
                out.append("%s: no path %s" % (f, p))
        for m in FUNC.finditer(text):
            if m.group(1) not in names:
                out.append("%s: no function %s()" % (f, m.group(1)))
    return out


class DocRefsTest(harness.TestCase):

    def test_checker_finds_dangling_names(self):
        files = tracked()
        fake = "docs/zz_docrefs_probe.md"
        path = os.path.join(SRC, fake)
        fn = "nosuch" + "_fn"      # spelled apart: this file is code too
        with open(path, "w") as f:
            f.write("See `modules/common/nosuch.c` and `%s()`;"
                    " `modules/common/bsip.h`, `bsip_module_init()`.\n"
                    % fn)
        try:
            found = [l for l in dangling(files + [fake])
                     if l.startswith(fake)]
        finally:
            os.unlink(path)
        self.assertEqual(sorted(found),
                         [fake + ": no function %s()" % fn,
                          fake + ": no path modules/common/nosuch.c"])

    def test_every_named_path_and_function_exists(self):
        self.assertEqual(dangling(tracked()), [])

    def test_every_promise_is_tagged_at_its_enforcement_point(self):
        # `git grep P-PERM-2` lands on the code that keeps the promise
        # as well as on its test (scripts/privacy-report prints both)
        with open(os.path.join(SRC, "PRIVACY.md")) as f:
            ids = sorted(set(re.findall(r"\*\*(P-[A-Z]+-\d+)\*\*",
                                        f.read())))
        self.assertGreater(len(ids), 15)
        code = "".join(read(f) for f in tracked()
                       if f.startswith(("modules/", "packaging/")))
        untagged = [i for i in ids
                    if not re.search(r"\b%s\b" % re.escape(i), code)]
        self.assertEqual(untagged, [])


if __name__ == "__main__":
    harness.main()
