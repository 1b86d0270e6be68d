"""The project's C style (libre/baresip conventions, as baresip's ccheck
enforces them): tab indentation, at most 79 columns with tabs at 8, no
trailing white space, no C++ comments, no cuddled else, and every module's
main file opens with a header comment that lists its config keys and
commands."""

import os
import re

import harness

SRC = harness.SRC
C_DIRS = ("modules", os.path.join("tests", "unit"),
          os.path.join("tests", "bench"), os.path.join("tests", "fuzz"))


def c_files():
    for d in C_DIRS:
        for root, _, files in os.walk(os.path.join(SRC, d)):
            for f in files:
                if f.endswith((".c", ".h")):
                    yield os.path.join(root, f)


def problems(path):
    out = []
    with open(path, encoding="utf-8", errors="replace") as f:
        lines = f.read().split("\n")
    for n, line in enumerate(lines, 1):
        where = "%s:%d" % (os.path.relpath(path, SRC), n)
        if len(line.expandtabs(8)) > 79:
            out.append(where + ": longer than 79 columns")
        if line.rstrip() != line:
            out.append(where + ": trailing white space")
        if re.match(r"^ {2,}\S", line) and not line.lstrip().startswith(
                "*"):
            out.append(where + ": indented with spaces")
        if re.search(r"\}\s*else\b", line):
            out.append(where + ": cuddled else")
        code = re.sub(r'"(\\.|[^"\\])*"', '""', line)
        if re.search(r"(?<![:\\])//", code):
            out.append(where + ": C++ comment")
    return out


class StyleTest(harness.TestCase):

    def test_checker_finds_violations(self):
        import tempfile
        with tempfile.NamedTemporaryFile("w", suffix=".c",
                                         delete=False) as f:
            f.write("int a; // x\n    int b;\n} else {\n" + "x" * 80 +
                    "\nint c; \n")
        try:
            self.assertEqual(len(problems(f.name)), 5)
        finally:
            os.unlink(f.name)

    def test_c_sources(self):
        bad = []
        files = list(c_files())
        self.assertGreater(len(files), 40)
        for p in files:
            bad += problems(p)
        self.assertEqual(bad, [])

    def test_module_headers_list_keys_and_commands(self):
        mods = [d for d in os.listdir(os.path.join(SRC, "modules"))
                if d.startswith("octasip_")]
        self.assertEqual(len(mods), 5)
        for m in mods:
            with open(os.path.join(SRC, "modules", m, m + ".c")) as f:
                head = re.match(r"\s*/\*(.*?)\*/", f.read(), re.S)
            self.assertTrue(head, m)
            self.assertRegex(head.group(1), r"(?i)config", m)
            self.assertRegex(head.group(1), r"(?i)commands?:", m)


    def test_every_fuzz_harness_is_built(self):
        # scripts/fuzz runs every tests/fuzz/fuzz_*.c; each needs its
        # octasip_fuzz() line, or CI's fuzz step fails to build it
        d = os.path.join(SRC, "tests", "fuzz")
        with open(os.path.join(d, "CMakeLists.txt")) as f:
            built = set(re.findall(r"octasip_fuzz\((\w+)", f.read()))
        harnesses = {f[5:-2] for f in os.listdir(d)
                     if f.startswith("fuzz_") and f.endswith(".c")}
        self.assertGreaterEqual(len(harnesses), 6)
        self.assertEqual(harnesses - built, set())


if __name__ == "__main__":
    harness.main()
