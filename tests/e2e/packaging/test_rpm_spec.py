"""packaging/rpm/octasip.spec: rpmlint clean, parses, and builds.

Debian's rpm lacks Fedora's %cmake family of macros; fedora-macros next
to this file stands in for them.  The build (rpmbuild -bb --nodeps, as
BuildRequires name Fedora packages) proves the %files list matches what
"cmake --install" puts in the buildroot: a file missing from either side
fails it.
"""

import os
import re
import shutil
import subprocess
import tarfile
import tempfile
import unittest

import harness

SRC = harness.SRC
SPEC = os.path.join(SRC, "packaging", "rpm", "octasip.spec")
RC = os.path.join(SRC, "packaging", "rpm", "octasip.rpmlintrc")
MACROS = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                      "fedora-macros")


def baresip_upstream():
    v = subprocess.run(["dpkg-query", "-W", "-f=${Version}",
                        "baresip-core"], capture_output=True, text=True,
                       check=True).stdout
    return v.rsplit("-", 1)[0]


def cmake_version():
    with open(os.path.join(SRC, "CMakeLists.txt")) as f:
        return re.search(r"project\(octasip VERSION ([0-9.]+)",
                         f.read()).group(1)


def rpmspec(*args, define=True):
    cmd = ["rpmspec", "--load", MACROS]
    if define:
        cmd += ["--define", "baresip_version %s" % baresip_upstream()]
    return subprocess.run(cmd + list(args) + [SPEC], capture_output=True,
                          text=True, timeout=60)


class RpmSpecTest(unittest.TestCase):

    def test_rpmlint_clean(self):
        # rpmlint parses the spec with rpm, which reads ~/.rpmmacros: the
        # stand-in macros and the baresip version go there
        home = tempfile.mkdtemp(prefix="octasip-rpmlint-")
        self.addCleanup(shutil.rmtree, home, True)
        with open(MACROS) as f, \
                open(os.path.join(home, ".rpmmacros"), "w") as o:
            o.write(f.read())
            o.write("%%baresip_version %s\n" % baresip_upstream())
        p = subprocess.run(["rpmlint", "-r", RC, SPEC],
                           capture_output=True, text=True, timeout=120,
                           env=dict(os.environ, HOME=home))
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertIn("0 errors, 0 warnings", p.stdout)

    def test_version_and_requires(self):
        p = rpmspec("-q", "--srpm", "--qf", "%{VERSION}\n")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stdout.strip(), cmake_version())
        deb = subprocess.run(["dpkg-parsechangelog", "-l", os.path.join(
            SRC, "packaging", "debian", "changelog"), "-SVersion"],
            capture_output=True, text=True, check=True).stdout.strip()
        self.assertEqual(deb, cmake_version())
        p = rpmspec("-q", "--requires")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertRegex(p.stdout, r"(?m)^baresip\(\S+\) = %s$" %
                         re.escape(baresip_upstream()))

    def test_no_baresip_no_spec(self):
        # no baresip in the rpm database and no --define: the spec must
        # not produce a package with an empty or made-up pin
        if subprocess.run(["rpm", "-q", "baresip"],
                          capture_output=True).returncode == 0:
            self.skipTest("baresip is an rpm here")
        p = rpmspec("-q", "--requires", define=False)
        self.assertNotEqual(p.returncode, 0, p.stdout)

    def test_rpmbuild_files(self):
        top = tempfile.mkdtemp(prefix="octasip-rpm-")
        self.addCleanup(shutil.rmtree, top, True)
        ver = cmake_version()
        os.makedirs(os.path.join(top, "SOURCES"))
        files = subprocess.run(
            ["git", "-C", SRC, "ls-files", "-z", "--cached", "--others",
             "--exclude-standard"], capture_output=True, check=True
        ).stdout.decode().split("\0")
        tgz = os.path.join(top, "SOURCES", "octasip-%s.tar.gz" % ver)
        with tarfile.open(tgz, "w:gz") as t:
            for f in files:
                if f and os.path.exists(os.path.join(SRC, f)):
                    t.add(os.path.join(SRC, f), "octasip-%s/%s" % (ver, f),
                          recursive=False)
        p = subprocess.run(
            ["rpmbuild", "-bb", "--nodeps", "--load", MACROS,
             "--define", "_topdir %s" % top,
             "--define", "baresip_version %s" % baresip_upstream(), SPEC],
            capture_output=True, text=True, timeout=600)
        self.assertEqual(p.returncode, 0, p.stdout[-3000:] + p.stderr)
        rpms = [os.path.join(d, f) for d, _, fs in
                os.walk(os.path.join(top, "RPMS")) for f in fs]
        self.assertEqual(len(rpms), 1, rpms)
        q = subprocess.run(["rpm", "-qlp", rpms[0]], capture_output=True,
                           text=True, check=True).stdout.split()
        libdir = subprocess.run(["rpm", "--eval", "%{_libdir}"],
                                capture_output=True, text=True,
                                check=True).stdout.strip()
        for mod in ("crash", "policy", "credstore", "calllog"):
            self.assertIn("%s/baresip/modules/octasip_%s.so" %
                          (libdir, mod), q)
        for f in ("/usr/bin/octasip", "/usr/share/octasip/config.in",
                  "/usr/share/man/man1/octasip.1",
                  "/usr/share/man/man7/octasip-modules.7",
                  "/usr/share/bash-completion/completions/octasip",
                  "/usr/lib/systemd/user/octasip.service",
                  "/usr/share/doc/octasip/README.md"):
            self.assertTrue(any(x == f or x.startswith(f + ".")
                                for x in q), "%s not in %s" % (f, q))
        self.assertTrue(any(x.endswith("/LICENSE") for x in q), q)


if __name__ == "__main__":
    harness.main()
