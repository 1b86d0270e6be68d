"""Fault injection helpers for the hardening tests: a read-only profile,
a small (full) file system, file digests and leftover temp files.

As root (CI) they use real mounts: a read-only bind mount, a size-limited
tmpfs; root ignores file modes, so chmod would prove nothing.  As another
user they fall back to taking write permission away (read-only) or skip
(disk full needs a mount)."""

import contextlib
import glob
import hashlib
import os
import shutil
import stat
import subprocess
import unittest


def is_root():
    return os.geteuid() == 0


def _mount(*args):
    p = subprocess.run(["mount"] + list(args), capture_output=True,
                       text=True)
    if p.returncode != 0:
        raise unittest.SkipTest("mount %s: %s" % (" ".join(args),
                                                   p.stderr.strip()))


def _umount(path):
    subprocess.run(["umount", "-l", path], capture_output=True)


@contextlib.contextmanager
def read_only(path):
    """path (a directory) and everything below it cannot be written."""
    if is_root():
        _mount("--bind", path, path)
        try:
            _mount("-o", "remount,bind,ro", path)
            yield
        finally:
            _umount(path)
        return
    modes = {}
    for d, dirs, files in os.walk(path):
        for n in [d] + [os.path.join(d, f) for f in files]:
            modes[n] = stat.S_IMODE(os.lstat(n).st_mode)
            os.chmod(n, modes[n] & ~0o222)
    try:
        yield
    finally:
        for n, m in modes.items():
            os.chmod(n, m)


@contextlib.contextmanager
def small_fs(path, size_kib):
    """A tmpfs of size_kib KiB mounted on path (which is emptied first and
    its previous content copied in)."""
    if not is_root():
        raise unittest.SkipTest("a full file system needs root (mount)")
    keep = path + ".keep"
    shutil.copytree(path, keep)
    _mount("-t", "tmpfs", "-o", "size=%dk,mode=0700" % size_kib, "tmpfs",
           path)
    try:
        for n in os.listdir(keep):
            src = os.path.join(keep, n)
            if os.path.isdir(src):
                shutil.copytree(src, os.path.join(path, n))
            else:
                shutil.copy2(src, os.path.join(path, n))
        yield
    finally:
        saved = path + ".saved"
        shutil.copytree(path, saved)
        _umount(path)
        shutil.rmtree(path, ignore_errors=True)
        os.rename(saved, path)
        shutil.rmtree(keep, ignore_errors=True)


def fill(path, name=".filler"):
    """Fill the file system holding directory path; returns the filler."""
    f = os.path.join(path, name)
    fd = os.open(f, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        for size in (65536, 4096, 512, 1):
            while True:
                try:
                    if os.write(fd, b"\0" * size) < size:
                        break
                except OSError:
                    break
    finally:
        os.close(fd)
    return f


def digest(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def digests(directory):
    out = {}
    for d, _, files in os.walk(directory):
        for f in files:
            p = os.path.join(d, f)
            out[os.path.relpath(p, directory)] = digest(p)
    return out


def temp_leftovers(directory):
    return sorted(glob.glob(os.path.join(directory, "**", "*.tmp.*"),
                            recursive=True))
