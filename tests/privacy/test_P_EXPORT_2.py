"""P-EXPORT-2: every file in the profile is either in `octasip data
export` or declared settings only (config, .octasip-seed, .modules/), and
after `octasip data wipe` only the files of a fresh profile remain.

A real session touches every feature: an account with its password in
the vault and a vault rekey, contacts (contact.so writes current_contact),
calls in and out, a recording, statistics and a crash with its report.
Then the whole profile is walked, not a list of known names: each
top-level name must be in the export's profile_files index with a
section that holds data (or be settings only), nothing may be left in
other_files, and every file is private.  After the wipe, the profile
holds the names a fresh `octasip init` makes and no byte of the
session's personal data.  baresip started directly (not through
`octasip run`) with umask 022 still writes current_contact 0600."""

import json
import os
import stat
import subprocess

import harness
import privutil
from harness import Instance, octasip

PW = "ProfileWalkPw51"
NAME = "Walker Contact"


def top_names(profile):
    return sorted(os.listdir(profile))


def walk(profile):
    """every path under the profile, relative, with its lstat"""
    out = {}
    for dirpath, dirnames, filenames in os.walk(profile):
        for n in dirnames + filenames:
            p = os.path.join(dirpath, n)
            out[os.path.relpath(p, profile)] = os.lstat(p)
    return out


class TestPExport2(harness.TestCase):

    def test_P_EXPORT_2(self):
        # a fresh profile: what init makes, and what one run adds
        fresh = Instance(self, "fresh")
        fresh_init = set(top_names(fresh.profile))
        fresh.start()
        self.assertEqual(fresh.stop(), 0)
        fresh_run = set(top_names(fresh.profile))
        a = Instance(self, "alice", permissions={
            "microphone": "allow", "contacts": "allow",
            "recording": "allow", "storage": "allow"},
            add_modules=(("module", "sndfile.so"),))
        b = Instance(self, "bob", root=a.root,
                     permissions={"microphone": "allow"})
        octasip("account", "add", "sip:carol@127.0.0.1:9", "--auth-user",
                "carol", "--password-stdin", profile=a.profile,
                stdin=PW + "\n")
        with open(a.path("accounts")) as f:
            text = f.read()
        with open(a.path("accounts"), "w") as f:
            f.write(text.replace("<sip:carol@127.0.0.1:9>",
                                 "<sip:carol@127.0.0.1:9>;regint=0"))
        octasip("vault", "rekey", "--to", "keyfile", profile=a.profile)
        with open(a.path("contacts"), "a") as f:
            f.write('"%s" <%s>\n' % (NAME, b.aor))
        octasip("crash", "consent", "give", profile=a.profile)
        a.start()
        b.start()

        harness.call(a, b)                   # out, recorded
        b.wait_event("CALL_RTPESTAB")
        n = len(b.ctrl.events)
        a.command("hangup")
        b.wait_event("CALL_CLOSED", start=n)
        n = len(a.ctrl.events)
        harness.call(b, a)                   # in
        b.command("hangup")
        a.wait_event("CALL_CLOSED", start=n)
        self.assertEqual(a.stop(), 0)        # statistics written
        privutil.restart(a)
        harness.call(b, a)
        privutil.crash(a)
        b.kill()
        privutil.restart(a)
        a.wait_log(r"crash report\(s\) from earlier runs")
        self.assertEqual(a.stop(), 0)

        # every file a session makes, found by walking the profile
        exp = os.path.join(a.root, "export.json")
        octasip("data", "export", exp, profile=a.profile)
        with open(exp) as f:
            doc = json.load(f)
        names = top_names(a.profile)
        for want in ("current_contact", "recordings", "crash", "uuid",
                     "calllog.db", "vault", "permissions.audit"):
            self.assertIn(want, names)
        index = {e["name"]: e["section"] for e in doc["profile_files"]}
        self.assertEqual(sorted(index), names)
        settings = {"config", ".octasip-seed", ".modules", "sip-tls.pem"}
        for name in names:
            sec = index[name]
            if name in settings:
                self.assertIsNone(sec, name)
                continue
            self.assertIsNotNone(sec, "%s is neither exported nor"
                                 " settings only" % name)
            self.assertNotEqual(sec, "other_files", name)
            self.assertIn(sec, doc)
        self.assertEqual(doc["other_files"], [])
        self.assertEqual(len(doc["current_contact"]), 1)
        self.assertIn(b.aor, doc["current_contact"][0])
        self.assertTrue(doc["recordings"]["files"])
        self.assertTrue(doc["crash"]["reports"])
        self.assertIsNotNone(doc["crash"]["statistics"])
        for rel, st in walk(a.profile).items():
            if stat.S_ISLNK(st.st_mode):
                continue
            want = 0o700 if stat.S_ISDIR(st.st_mode) else 0o600
            self.assertEqual(st.st_mode & 0o777, want, rel)

        # a file nobody declared is still exported (by name) and wiped
        with open(a.path("stray_module_state"), "w") as f:
            f.write("%s\n" % b.aor)
        out = octasip("data", "export", profile=a.profile).stdout
        self.assertIn({"name": "stray_module_state",
                       "bytes": len(b.aor) + 1},
                      json.loads(out)["other_files"])

        octasip("data", "wipe", "--yes", profile=a.profile)
        wiped = set(top_names(a.profile))
        self.assertLessEqual(fresh_init, wiped)
        self.assertLessEqual(wiped, fresh_run)
        for rel, st in walk(a.profile).items():
            if not stat.S_ISREG(st.st_mode) or rel == "config":
                continue
            with open(a.path(rel), "rb") as f:
                data = f.read()
            for needle in (PW, NAME, b.aor, "carol@127.0.0.1"):
                self.assertNotIn(needle.encode(), data, rel)
        self.assertEqual(os.listdir(a.path("recordings")), [])

        # baresip on its own (no `octasip run` and its umask 077)
        with open(a.path("contacts"), "a") as f:
            f.write('"%s" <%s>\n' % (NAME, b.aor))
        old = os.umask(0o022)
        try:
            subprocess.run([harness.BARESIP, "-f", a.profile, "-t",
                            "1"], stdin=subprocess.DEVNULL,
                           stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, timeout=30,
                           env=dict(os.environ, **harness.sanitizer_env()))
        finally:
            os.umask(old)
        st = os.stat(a.path("current_contact"))
        self.assertEqual(st.st_mode & 0o777, 0o600)


if __name__ == "__main__":
    harness.main()
