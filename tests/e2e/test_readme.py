"""README.md stays true: it names every config key and command a module
documents (header comment, config/config.in), every octasip subcommand,
and the two commands it promises (scripts/run, scripts/test) exist."""

import os
import re
import sys

import harness

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(
    __file__)), "packaging"))
from test_manpages import (config_keys, documented_names,  # noqa: E402
                           header_comment, modules)

SRC = harness.SRC


def readme():
    with open(os.path.join(SRC, "README.md")) as f:
        return f.read()


class ReadmeTest(harness.TestCase):

    def test_names_every_key_and_command(self):
        text = readme()
        mods = modules()
        missing = []
        for mod in mods:
            self.assertIn(mod + ".so", text)
            keys, cmds = documented_names(header_comment(os.path.join(
                SRC, "modules", mod, mod + ".c")), mods)
            missing += [n for n in sorted(keys | cmds) if n not in text]
        with open(os.path.join(SRC, "config", "config.in")) as f:
            missing += [k for k in sorted(config_keys(f.read()))
                        if k not in text]
        self.assertEqual(missing, [], "not in README.md")

    def test_names_every_subcommand(self):
        with open(os.path.join(SRC, "modules", "cli", "main.c")) as f:
            subs = re.findall(r'\{"([a-z]+)",\s+cli_', f.read())
        self.assertGreaterEqual(len(subs), 10)
        text = readme()
        for s in subs:
            self.assertRegex(text, r"\| `%s\b" % s,
                             "README lacks subcommand %s" % s)

    def test_two_commands_exist(self):
        text = readme()
        for cmd in ("scripts/run", "scripts/test"):
            self.assertIn("    " + cmd, text)
            self.assertTrue(os.access(os.path.join(SRC, cmd), os.X_OK))
        with open(os.path.join(SRC, ".ci", "run")) as f:
            self.assertIn("scripts/test", f.read())


if __name__ == "__main__":
    harness.main()
