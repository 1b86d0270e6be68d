"""The man pages: clean roff, and true to the code.

octasip-modules(7) must name every config key and command that
config/config.in or a module's header comment names; octasip(1) every
subcommand main.c dispatches.  So a key added without its man page entry
fails here (adding it is one entry in packaging/man/octasip-modules.7).
With OCTASIP_INSTALLED=1 the installed, compressed pages are checked.
"""

import glob
import gzip
import os
import re
import subprocess
import unittest

import harness

SRC = harness.SRC
INSTALLED = os.environ.get("OCTASIP_INSTALLED") == "1"
PAGES = {
    "octasip.1": "/usr/share/man/man1/octasip.1.gz",
    "octasip-modules.7": "/usr/share/man/man7/octasip-modules.7.gz",
}


def man_env():
    """The environment for man/groff: never with the sanitizer runtime
    that scripts/test-asan preloads for baresip (groff is not ours)."""
    env = dict(os.environ, MANWIDTH="80")
    env.pop("LD_PRELOAD", None)
    return env


def page_path(name):
    if INSTALLED:
        return PAGES[name]
    return os.path.join(SRC, "packaging", "man", name)


def page_text(name):
    p = page_path(name)
    opener = gzip.open if p.endswith(".gz") else open
    with opener(p, "rt") as f:
        text = f.read()
    # roff comments do not count as documentation
    text = "\n".join(l for l in text.splitlines()
                     if not l.startswith('.\\"'))
    return text.replace("\\-", "-").replace("\\&", "")


def header_comment(path):
    with open(path) as f:
        m = re.match(r"\s*/\*(.*?)\*/", f.read(), re.S)
    return m.group(1) if m else ""


def documented_names(header, modules):
    """Config keys and /commands a module header comment names."""
    keys = set(re.findall(r"\b(octasip_[a-z0-9]+_[a-z0-9_]+)\b", header))
    keys -= set(modules)
    keys = {k for k in keys if not k.endswith("_core")}
    cmds = set()
    m = re.search(r"Commands?:(.*)", header, re.S)
    if m:
        cmds = set(re.findall(r"(?m)^\s*\*?\s*(/[a-z][a-z0-9_]*)\b",
                              m.group(1)))
    return keys, cmds


def config_keys(text):
    return set(re.findall(r"(?m)^#?\s*(octasip_[a-z0-9]+_[a-z0-9_]+)\s",
                          text))


def modules():
    return sorted(os.path.basename(d) for d in
                  glob.glob(os.path.join(SRC, "modules", "octasip_*")))


class ManPageTest(unittest.TestCase):

    def test_roff_clean(self):
        for name in PAGES:
            p = subprocess.run(["man", "--warnings", "-E", "UTF-8", "-l",
                                page_path(name)], capture_output=True,
                               text=True, env=man_env())
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertEqual(p.stderr, "", "%s: %s" % (name, p.stderr))
            self.assertIn("NAME", p.stdout)

    def test_extractors_see_keys_and_commands(self):
        # the parsers below must find what an area writes, or the
        # completeness checks would pass on nothing
        hdr = ("*\n * @file octasip_calllog.c  x\n *\n * Configuration"
               " keys:\n *   octasip_calllog_retention_days 365  days\n"
               " *\n * Commands:\n *   /calllog [N]   list calls\n"
               " *   /calllog_purge  purge\n *\n ")
        keys, cmds = documented_names(hdr, modules())
        self.assertEqual(keys, {"octasip_calllog_retention_days"})
        self.assertEqual(cmds, {"/calllog", "/calllog_purge"})
        self.assertEqual(config_keys("#octasip_crash_dsn\thttps://x\n"
                                     "octasip_policy_max_calls 4\n"),
                         {"octasip_crash_dsn", "octasip_policy_max_calls"})

    def test_modules_page_names_every_key_and_command(self):
        text = page_text("octasip-modules.7")
        mods = modules()
        self.assertEqual(len(mods), 5, mods)
        missing = []
        for mod in mods:
            self.assertIn(".SS %s.so" % mod, text)
            keys, cmds = documented_names(header_comment(os.path.join(
                SRC, "modules", mod, mod + ".c")), mods)
            missing += [n for n in sorted(keys | cmds) if n not in text]
        with open(os.path.join(SRC, "config", "config.in")) as f:
            missing += [k for k in sorted(config_keys(f.read()))
                        if k not in text]
        self.assertEqual(missing, [], "not in octasip-modules(7); add an"
                         " entry in packaging/man/octasip-modules.7")

    def test_octasip_page_names_every_subcommand(self):
        with open(os.path.join(SRC, "modules", "cli", "main.c")) as f:
            subs = re.findall(r'\{"([a-z]+)",\s+cli_', f.read())
        self.assertGreaterEqual(len(subs), 10)
        text = page_text("octasip.1")
        sect = text.split(".SH SUBCOMMANDS", 1)[1].split(".SH ", 1)[0]
        for s in subs:
            self.assertRegex(sect, r"(?m)^\.B[RI]? \"?%s\b" % s,
                             "octasip(1) lacks subcommand %s" % s)


if __name__ == "__main__":
    harness.main()
