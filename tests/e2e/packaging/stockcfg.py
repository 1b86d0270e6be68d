"""The existing-baresip path: OctaSIP modules in a stock baresip config.

A user who keeps their own ~/.baresip adds five lines to it (README,
docs/packaging.md, octasip-modules(7)):

    module      octasip_crash.so       \\
    module      octasip_policy.so       | before the first "module" line
    module      octasip_credstore.so    |
    module      octasip_ctrl.so        /  (the private control channel)
    module_app  octasip_calllog.so     after the last "module_app" line

add_octasip_lines() does exactly that to Debian's example config.
StockBaresip runs plain /usr/bin/baresip -f DIR on the result, without the
octasip launcher.  With OCTASIP_INSTALLED=1 it uses the installed modules
(module_path left as the stock default, /usr/lib/baresip/modules);
otherwise a directory of links to the stock and the freshly built ones.

Two stock configs: Debian's example (/usr/share/doc/baresip-core/examples)
and the one baresip writes itself into an empty config directory, which
is what a ~/.baresip/config usually is.  Debian 12's example has no
module_path line, and baresip 1.0.0 then loads modules from the current
directory; Debian 13's names /usr/local/lib/baresip/modules, where Debian
installs nothing: in neither do even baresip's own modules load, so
module_path is set for it as it would be for any use of that file.
"""

import os
import re
import subprocess
import tempfile

import harness

STOCK_CONFIG = "/usr/share/doc/baresip-core/examples/config"
INSTALLED = os.environ.get("OCTASIP_INSTALLED") == "1"
STOCK_MODDIR = "/usr/lib/baresip/modules"
if harness.FAMILY == "4":
    # upstream 4.x built into a prefix (scripts/upstream-baresip installs
    # the example config of the tarball's docs there)
    _PREFIX = os.path.dirname(os.path.dirname(harness.BARESIP))
    STOCK_CONFIG = os.path.join(_PREFIX, "share", "doc", "baresip",
                                "examples", "config")
    STOCK_MODDIR = os.path.join(_PREFIX, "lib", "baresip", "modules")

# Where account.so sits: 1.x loads it for the start only (module_tmp),
# 4.x has no module_tmp and loads it as an application (module_app)
ACCOUNT_LINE = (("module_app" if harness.FAMILY == "4" else "module_tmp"),
                "account.so")

OCTASIP_MODULE_LINES = [
    ("module", "octasip_crash.so"),
    ("module", "octasip_policy.so"),
    ("module", "octasip_credstore.so"),
    ("module", "octasip_ctrl.so"),
]
OCTASIP_APP_LINES = [
    ("module_app", "octasip_calllog.so"),
]

# Modules of the stock config that need a sound card, a camera, a display
# or a terminal: a test machine has none.  Not an OctaSIP change.
HARDWARE = ("stdio.so", "alsa.so", "avcodec.so", "v4l2.so", "x11.so",
            "vidloop.so", "pulse.so", "pipewire.so")

_MOD_RE = re.compile(r"^(module|module_tmp|module_app)\s+(\S+)")


def add_octasip_lines(text):
    """The documented edit: OctaSIP lines into a baresip config text."""
    lines = text.splitlines(True)
    first_mod = next(i for i, l in enumerate(lines)
                     if re.match(r"module\s", l))
    ins = ["%s\t\t\t%s\n" % m for m in OCTASIP_MODULE_LINES]
    lines[first_mod:first_mod] = ins
    last_app = max(i for i, l in enumerate(lines)
                   if re.match(r"module_app\s", l))
    lines[last_app + 1:last_app + 1] = ["%s\t\t%s\n" % m
                                        for m in OCTASIP_APP_LINES]
    return "".join(lines)


def module_lines(text):
    """[(slot, module)] in file order, comments skipped."""
    return [m.groups() for m in map(_MOD_RE.match, text.splitlines()) if m]


def set_key(text, key, value):
    line = "%s\t\t%s" % (key, value)
    if re.search(r"(?m)^%s\s" % re.escape(key), text):
        return re.sub(r"(?m)^%s\s.*$" % re.escape(key),
                      lambda m: line, text, count=1)
    return text + line + "\n"


def drop_key(text, key):
    return re.sub(r"(?m)^%s\s.*\n" % re.escape(key), "", text)


def module_farm(root):
    """Build-tree runs: links to the stock modules and the built ones."""
    farm = os.path.join(root, "modules")
    os.makedirs(farm, exist_ok=True)
    built = os.path.join(os.environ["OCTASIP_BUILD"], "modules-out")
    for src in (STOCK_MODDIR, built):
        for n in os.listdir(src):
            if n.endswith(".so"):
                dst = os.path.join(farm, n)
                if os.path.lexists(dst):
                    os.unlink(dst)
                os.symlink(os.path.join(src, n), dst)
    return farm


class StockBaresip(harness.Process):
    """/usr/bin/baresip -f DIR on the stock config plus OctaSIP's lines."""

    def __init__(self, testcase, name, root, permissions=None,
                 source="example"):
        self.name = name
        self.dir = os.path.join(root, name)
        os.makedirs(self.dir, mode=0o700)
        self.sip_port = harness.free_port()
        self.aor = "sip:%s@127.0.0.1:%d" % (name, self.sip_port)
        self.log_path = os.path.join(root, name + ".log")
        self.proc = None
        self.ctrl = None
        testcase.addCleanup(self.kill)

        text = add_octasip_lines(stock_config(source, root))
        # test settings only: loopback ports, a tone instead of a sound
        # card (the control socket is octasip_ctrl's, one of our lines)
        for mod in HARDWARE:
            text = re.sub(r"(?m)^module(_app|_tmp)?\s+%s.*\n" %
                          re.escape(mod), "", text)
        if harness.FAMILY == "4":
            text = re.sub(r"(?m)^(module\s+uuid\.so)",
                          "module\t\t\tausine.so\n\\1", text, count=1)
            # 4.x leaves loopback out of its local addresses unless
            # net_interface names it
            text = set_key(text, "net_interface", "127.0.0.1")
        else:
            text = text.replace("module_tmp\t\tuuid.so",
                                "module\t\t\tausine.so"
                                "\nmodule_tmp\t\tuuid.so", 1)
        text = set_key(text, "sip_listen", "127.0.0.1:%d" % self.sip_port)
        text = drop_key(text, "audio_player")
        text = set_key(text, "audio_source", "ausine,440")
        text = set_key(text, "audio_alert", "ausine,440")
        # ausine makes 48 kHz stereo only; the generated config has no Opus
        # and G.711 is 8 kHz mono: let baresip resample
        text = set_key(text, "ausrc_srate", "48000")
        text = set_key(text, "ausrc_channels", "2")
        if not INSTALLED:
            text = set_key(text, "module_path", module_farm(root))
        else:
            m = re.search(r"(?m)^module_path\s+(\S+)", text)
            if not m or not os.path.isdir(m.group(1)):
                text = set_key(text, "module_path", STOCK_MODDIR)
        self.config = text
        self._write("config", text)
        self._write("accounts", "<%s>;regint=0\n" % self.aor)
        if permissions:
            self._write("permissions", "".join(
                "%s %s\n" % kv for kv in permissions.items()))

    def _write(self, name, text):
        p = os.path.join(self.dir, name)
        fd = os.open(p, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(text)

    def start(self, timeout=15.0):
        logf = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [harness.BARESIP, "-f", self.dir, "-t", "300"],
            stdin=subprocess.DEVNULL, stdout=logf, stderr=subprocess.STDOUT,
            start_new_session=True)
        logf.close()
        try:
            self.ctrl = harness.Ctrl(
                harness.ctrl_socket_path(self.dir), timeout)
        except harness.CtrlError:
            raise AssertionError("baresip did not start:\n" + self.log())
        self.wait_log(r"baresip is ready", timeout)
        return self


def stock_config(source, root):
    """Text of a stock baresip config: "example" or "generated"."""
    if source == "example":
        with open(STOCK_CONFIG) as f:
            return f.read()
    gen = os.path.join(root, "generated")
    os.makedirs(gen, exist_ok=True)
    # baresip writes its template first; on the loopback interface only
    # (-n lo) it then quits at once, or fails to bind there and exits
    subprocess.run([harness.BARESIP, "-f", gen, "-n", "lo", "-e", "/quit",
                    "-t", "5"],
                   stdin=subprocess.DEVNULL, capture_output=True,
                   timeout=30)
    with open(os.path.join(gen, "config")) as f:
        return f.read()


def tmproot():
    return tempfile.mkdtemp(prefix="octasip-stock-")
