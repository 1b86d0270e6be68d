"""account import of a file that is reached through a link.

A symlink (a dotfiles repository): the link is followed, the target is
rewritten (that is where the passwords are) and the link stays a link.
A hard link: the tool warns that the file has other names; every name
ends up without the password, and the old blocks were overwritten in
place: a descriptor held open on the original inode since before the
import reads no byte of the password.  Each time the vault has the
secret and the message says so truthfully."""

import os
import tempfile
import shutil

import harness
from harness import octasip

PW = "LinkedPwCanary73"
LINE = "<sip:dave@127.0.0.1:9>;auth_user=dave;auth_pass=%s;regint=0\n"


class ImportLinksTest(harness.TestCase):

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="octasip-imp-")
        self.addCleanup(shutil.rmtree, self.tmp, True)
        self.prof = os.path.join(self.tmp, "p")
        octasip("init", profile=self.prof)
        self.dots = os.path.join(self.tmp, "dotfiles")
        os.mkdir(self.dots)
        self.real = os.path.join(self.dots, "accounts")
        with open(self.real, "w") as f:
            f.write("# my accounts\n" + LINE % PW)

    def in_vault(self):
        out = octasip("account", "list", profile=self.prof).stdout
        self.assertRegex(out, r"sip:dave@127\.0\.0\.1:9\S*\tauth user:"
                         r" dave\tsecret: in vault")

    def test_symlink_is_followed(self):
        link = os.path.join(self.tmp, "accounts-link")
        os.symlink(self.real, link)
        p = octasip("account", "import", link, profile=self.prof)
        self.assertIn("symbolic link", p.stderr)
        self.assertIn(self.real, p.stderr)
        self.assertTrue(os.path.islink(link))
        with open(self.real) as f:
            text = f.read()
        self.assertNotIn(PW, text)
        self.assertIn("# my accounts", text)
        self.assertIn("<sip:dave@127.0.0.1:9>", text)
        self.assertIn("no longer holds any", p.stdout)
        self.in_vault()

    def test_hard_link_warned_and_every_name_clean(self):
        other = os.path.join(self.tmp, "backup-of-accounts")
        os.link(self.real, other)
        fd = os.open(self.real, os.O_RDONLY)     # the original inode
        try:
            p = octasip("account", "import", self.real, profile=self.prof)
            os.lseek(fd, 0, os.SEEK_SET)
            old = b""
            while True:
                chunk = os.read(fd, 65536)
                if not chunk:
                    break
                old += chunk
        finally:
            os.close(fd)
        self.assertRegex(p.stderr, r"2 (hard )?links")
        self.assertNotIn(PW.encode(), old, "the plaintext blocks stay")
        for name in (self.real, other):
            with open(name) as f:
                text = f.read()
            self.assertNotIn(PW, text, name)
            self.assertIn("<sip:dave@127.0.0.1:9>", text, name)
        self.in_vault()

    def test_single_link_old_blocks_overwritten(self):
        fd = os.open(self.real, os.O_RDONLY)
        try:
            octasip("account", "import", self.real, profile=self.prof)
            old = os.pread(fd, 4096, 0)
        finally:
            os.close(fd)
        self.assertNotIn(PW.encode(), old)
        with open(self.real) as f:
            self.assertNotIn(PW, f.read())
        self.in_vault()


if __name__ == "__main__":
    harness.main()
