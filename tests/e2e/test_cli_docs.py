"""The octasip tool's options, its help, its man page and its bash
completion agree.

Every long option a subcommand's getopt table accepts (the tables
opts_SUBCOMMAND[_ACTION] in modules/cli/cli_*.c, read from the source)
must appear in "octasip SUBCOMMAND --help", in that subcommand's entries
of octasip(1), and among the completions bash offers for it
(packaging/completion/octasip.bash).  octasip(1) also names the global
options and every file the profile may hold (modules/common/profile.c).
"""

import glob
import os
import re
import subprocess

import harness
from harness import octasip

SRC = harness.SRC
MAN = os.path.join(SRC, "packaging", "man", "octasip.1")
COMPLETION = os.path.join(SRC, "packaging", "completion", "octasip.bash")


def option_tables(text):
    """{table suffix: [(name, short or None)]} of the getopt tables."""
    tables = {}
    for m in re.finditer(r"static const struct option opts_(\w+)\[\]"
                         r"\s*=\s*\{(.*?)\};", text, re.S):
        opts = re.findall(r"\{\"([a-z][a-z0-9-]*)\",\s*"
                          r"(?:no|required)_argument,\s*NULL,\s*"
                          r"(?:'([a-z])'|\w+)\}", m.group(2))
        tables[m.group(1)] = [(n, s or None) for n, s in opts]
    return tables


def all_tables():
    tables = {}
    for f in sorted(glob.glob(os.path.join(SRC, "modules", "cli",
                                           "cli_*.c"))):
        with open(f) as fh:
            tables.update(option_tables(fh.read()))
    return tables


def subcommands():
    with open(os.path.join(SRC, "modules", "cli", "main.c")) as f:
        return re.findall(r'\{"([a-z]+)",\s+cli_', f.read())


def man_text():
    with open(MAN) as f:
        text = f.read()
    text = "\n".join(l for l in text.splitlines()
                     if not l.startswith('.\\"'))
    text = re.sub(r"\\f[BIRP]", "", text)
    return text.replace("\\-", "-").replace("\\&", "")


def man_section(text, name):
    return text.split(".SH %s" % name, 1)[1].split("\n.SH ", 1)[0]


def man_entries(text, sub):
    """The .TP entries of SUBCOMMANDS whose tag names sub."""
    sect = man_section(text, "SUBCOMMANDS")
    return "\n".join(e for e in sect.split("\n.TP\n")
                     if re.match(r'\.B[RI]? "?%s\b' % sub, e))


def complete(*words):
    """What the completion offers for the last word of words."""
    script = ("source %s\nCOMP_WORDS=(%s)\nCOMP_CWORD=%d\n_octasip\n"
              "printf '%%s\\n' \"${COMPREPLY[@]}\"\n" %
              (COMPLETION, " ".join("'%s'" % w for w in words),
               len(words) - 1))
    p = subprocess.run(["bash", "--norc", "--noprofile", "-c", script],
                       capture_output=True, text=True, check=True)
    return set(p.stdout.split())


class CliDocsTest(harness.TestCase):

    def test_extractor(self):
        t = option_tables(
            'static const struct option opts_calllog_list[] = {\n'
            '\t{"limit",  required_argument, NULL, OPT_LIMIT},\n'
            '\t{"yes", no_argument, NULL, \'y\'},\n'
            '\t{NULL, 0, NULL, 0},\n};\n')
        self.assertEqual(t, {"calllog_list": [("limit", None),
                                              ("yes", "y")]})

    def test_every_subcommand_has_a_table(self):
        tables = all_tables()
        subs = subcommands()
        self.assertGreaterEqual(len(subs), 11)
        for sub in subs:
            self.assertTrue(any(k == sub or k.startswith(sub + "_")
                                for k in tables), sub)
        for k in tables:
            self.assertIn(k.split("_")[0], subs, k)

    def test_options_in_help_and_man_page(self):
        man = man_text()
        missing = []
        for key, opts in sorted(all_tables().items()):
            sub = key.split("_")[0]
            hlp = octasip(sub, "--help").stdout
            entries = man_entries(man, sub)
            self.assertTrue(entries, "octasip(1) has no entry for " + sub)
            for name, short in opts:
                for text, where in ((hlp, "octasip %s --help" % sub),
                                    (entries, "octasip(1)")):
                    if not re.search(r"--%s\b" % name, text):
                        missing.append("%s: --%s not in %s" %
                                       (key, name, where))
                    if short and not re.search(r"(?<![-\w])-%s\b" % short,
                                               text):
                        missing.append("%s: -%s not in %s" %
                                       (key, short, where))
        self.assertEqual(missing, [])

    def test_global_options_in_man_page(self):
        man = man_text()
        opts = man_section(man, "OPTIONS")
        for o in ("-d", "-v", "--verbose", "-h", "--help", "--version"):
            self.assertRegex(opts, r"(?<![-\w])%s\b" % o)
        syn = man_section(man, "SYNOPSIS")
        self.assertIn("help", syn)
        self.assertIn("-v", syn)
        # the overview names them too
        p = octasip("--help")
        for o in ("-d DIR", "-v", "SUBCOMMAND --help"):
            self.assertIn(o, p.stdout)

    def test_profile_files_in_man_page(self):
        with open(os.path.join(SRC, "modules", "common", "profile.h")) as f:
            macros = dict(re.findall(r'#define (PROFILE_\w+)\s+"([^"]+)"',
                                     f.read()))
        with open(os.path.join(SRC, "modules", "common", "profile.c")) as f:
            text = f.read()
        body = text.split("entries[] = {", 1)[1].split("};", 1)[0]
        names = []
        for m in re.finditer(r'\{\s*(?:"([^"]+)"|(PROFILE_\w+))', body):
            names.append(m.group(1) or macros[m.group(2)])
        with open(os.path.join(SRC, "modules", "octasip_credstore",
                               "keysrc.h")) as f:
            names += re.findall(r'#define KEYFILE_NAME\s+"([^"]+)"',
                                f.read())
        names += ["baresip.log"]
        self.assertGreaterEqual(len(names), 14)
        sect = man_section(man_text(), "PROFILE DIRECTORY")
        missing = [n for n in names if n not in sect]
        self.assertEqual(missing, [], "profile files not in octasip(1)")

    def test_completion_of_subcommands(self):
        subs = set(subcommands())
        self.assertEqual(complete("octasip", ""), subs | {"help"})
        self.assertEqual(complete("octasip", "ca"), {"calllog"})
        self.assertEqual(complete("octasip", "-d", "/tmp", "cr"), {"crash"})
        self.assertEqual(complete("octasip", "help", ""), subs)
        self.assertEqual(complete("octasip", "calllog", ""),
                         {"list", "export", "purge"})
        self.assertEqual(complete("octasip", "calllog", "export",
                                  "--format", ""), {"csv", "json"})
        self.assertEqual(complete("octasip", "calllog", "export",
                                  "--format", "=", ""), {"csv", "json"})
        self.assertEqual(complete("octasip", "perm", "set", ""),
                         {"microphone", "contacts", "storage",
                          "phone_state", "recording"})

    def test_completion_of_options(self):
        actions = {}
        for key in all_tables():
            sub = key.split("_")[0]
            acts = complete("octasip", sub, "")
            # a table of the whole subcommand serves each of its actions:
            # together they must offer all of it
            if "_" in key:
                acts = {key.split("_", 1)[1]}
            elif not acts or sub in ("run", "demo", "init"):
                acts = {None}
            actions[key] = acts
        missing = []
        for key, opts in sorted(all_tables().items()):
            sub = key.split("_")[0]
            offered = set()
            for act in actions[key]:
                words = ["octasip", sub] + ([act] if act else []) + ["--"]
                offered |= complete(*words)
            self.assertIn("--help", offered, key)
            for name, short in opts:
                if "--" + name not in offered:
                    missing.append("%s: --%s" % (key, name))
        self.assertEqual(missing, [], "not offered by the completion")


if __name__ == "__main__":
    harness.main()
