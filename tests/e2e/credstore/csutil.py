"""Helpers for the credstore E2E tests: a Kamailio registrar that checks
digest authentication, OctaSIP profiles with vault accounts, and a private
D-Bus session with gnome-keyring."""

import os
import re
import signal
import socket
import subprocess
import tempfile
import time

import harness

HERE = os.path.dirname(os.path.abspath(__file__))
KAMAILIO = "/usr/sbin/kamailio"


def _udp_bound(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.bind(("127.0.0.1", port))
        return False
    except OSError:
        return True
    finally:
        s.close()


def _tcp_open(port):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
        return True
    except OSError:
        return False


class Registrar:
    """Kamailio on 127.0.0.1: REGISTER and INVITE need digest auth with
    the given {user: password}; it logs AUTH-OK/AUTH-FAIL user=..."""

    def __init__(self, testcase, creds, tls=False, tls_cert="ca",
                 tls_host=None):
        self.dir = tempfile.mkdtemp(prefix="octasip-kam-")
        self.port = harness.free_port()
        self.tls_port = harness.free_port() if tls else None
        self.log_path = os.path.join(self.dir, "kamailio.log")
        with open(os.path.join(HERE, "kamailio.cfg.in")) as f:
            cfg = f.read()
        lines = []
        for user, pw in creds.items():
            lines.append('\tif ($au == "%s") $var(pw) = "%s";' % (user, pw))
        tls_listen = tls_module = tls_params = ""
        if tls:
            key, crt = make_cert(self.dir, tls_cert, tls_host)
            self.ca = os.path.join(self.dir, "ca.pem")
            self.cert = crt
            tls_listen = "listen=tls:127.0.0.1:%d" % self.tls_port
            tls_module = 'loadmodule "tls.so"'
            tls_params = "\n".join([
                'modparam("tls", "private_key", "%s")' % key,
                'modparam("tls", "certificate", "%s")' % crt,
                'modparam("tls", "verify_certificate", 0)',
                'modparam("tls", "require_certificate", 0)',
                'modparam("tls", "tls_method", "TLSv1.2+")'])
        cfg = (cfg.replace("@UDP_PORT@", str(self.port))
               .replace("@NOTCP@", "no" if tls else "yes")
               .replace("@ENABLE_TLS@", "yes" if tls else "no")
               .replace("@TLS_LISTEN@", tls_listen)
               .replace("@TLS_MODULE@", tls_module)
               .replace("@TLS_PARAMS@", tls_params)
               .replace("@CREDENTIALS@", "\n".join(lines)))
        self.cfg = os.path.join(self.dir, "kamailio.cfg")
        with open(self.cfg, "w") as f:
            f.write(cfg)
        logf = open(self.log_path, "wb")
        self.proc = subprocess.Popen(
            [KAMAILIO, "-f", self.cfg, "-DD", "-E", "-m", "16", "-M", "4",
             "-Y", self.dir, "-P", os.path.join(self.dir, "k.pid")],
            stdout=logf, stderr=subprocess.STDOUT, start_new_session=True)
        logf.close()
        testcase.addCleanup(self.stop)
        deadline = time.monotonic() + 15
        while not (_udp_bound(self.port) and
                   (not tls or _tcp_open(self.tls_port))):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError("kamailio did not start:\n" +
                                     self.log())
            time.sleep(0.05)

    def log(self):
        with open(self.log_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def wait_log(self, pattern, timeout=10.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if re.search(pattern, self.log()):
                return
            time.sleep(0.05)
        raise AssertionError("registrar log never matched %r:\n%s" %
                             (pattern, self.log()))

    def stop(self):
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except OSError:
                pass
            self.proc.wait()
        subprocess.run(["rm", "-rf", self.dir])


def _openssl(*args):
    subprocess.run(["openssl"] + list(args), check=True,
                   capture_output=True)


def make_cert(d, kind="ca", host=None):
    """A server key and certificate in d: kind "ca" is for 127.0.0.1
    (or the DNS name host), signed by a test CA (d/ca.pem, for
    sip_cafile); "wronghost" the same but for evil.invalid; "self" is
    self-signed for 127.0.0.1.  Returns (key, cert)."""
    key = os.path.join(d, "key.pem")
    crt = os.path.join(d, "cert.pem")
    if kind == "self":
        _openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes",
                 "-keyout", key, "-out", crt, "-days", "1",
                 "-subj", "/CN=127.0.0.1")
        return key, crt
    cakey = os.path.join(d, "ca.key")
    ca = os.path.join(d, "ca.pem")
    _openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
             cakey, "-out", ca, "-days", "2", "-subj", "/CN=OctaSIP test CA")
    csr = os.path.join(d, "server.csr")
    cn, san = ("evil.invalid", "DNS:evil.invalid") \
        if kind == "wronghost" else (host, "DNS:" + host) if host \
        else ("127.0.0.1", "IP:127.0.0.1")
    _openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", key,
             "-out", csr, "-subj", "/CN=" + cn)
    ext = os.path.join(d, "ext.cnf")
    with open(ext, "w") as f:
        f.write("subjectAltName=%s\n" % san)
    _openssl("x509", "-req", "-in", csr, "-CA", ca, "-CAkey", cakey,
             "-CAcreateserial", "-out", crt, "-days", "1",
             "-extfile", ext)
    return key, crt


def add_account(inst, aor, password, auth_user=None, env=None, extra="",
                realm=None):
    """octasip account add with the password on stdin; extra params are
    put into the accounts line afterwards, right after its <URI> (account
    add may have added ;mediaenc= there)."""
    args = ["account", "add", aor, "--password-stdin"]
    if auth_user:
        args += ["--auth-user", auth_user]
    if realm:
        args += ["--realm", realm]
    p = harness.octasip(*args, profile=inst.profile, stdin=password + "\n",
                        env=env)
    if extra:
        path = inst.path("accounts")
        with open(path) as f:
            text = f.read()
        text = text.replace("<%s>" % aor, "<%s>%s" % (aor, extra), 1)
        with open(path, "w") as f:
            f.write(text)
    return p


def clear_accounts(inst):
    with open(inst.path("accounts"), "w") as f:
        f.write("# accounts\n")


class KeyringSession:
    """A private D-Bus session bus with gnome-keyring-daemon (secrets
    component, unlocked with a test password) on it."""

    def __init__(self, testcase, with_keyring=True):
        self.home = tempfile.mkdtemp(prefix="octasip-kr-")
        self.env = {"HOME": self.home,
                    "XDG_RUNTIME_DIR": self.home,
                    "XDG_DATA_HOME": os.path.join(self.home, "data"),
                    "XDG_CONFIG_HOME": os.path.join(self.home, "cfg")}
        self.bus = subprocess.Popen(
            ["dbus-daemon", "--session", "--nofork", "--print-address=1",
             "--nopidfile"], stdout=subprocess.PIPE, text=True,
            start_new_session=True)
        testcase.addCleanup(self.stop)
        addr = self.bus.stdout.readline().strip()
        if not addr:
            raise AssertionError("dbus-daemon gave no address")
        self.env["DBUS_SESSION_BUS_ADDRESS"] = addr
        self.keyring = None
        if with_keyring:
            self.start_keyring()

    def full_env(self):
        e = dict(os.environ)
        e.update(self.env)
        return e

    def start_keyring(self):
        self.keyring = subprocess.Popen(
            ["gnome-keyring-daemon", "--foreground", "--unlock",
             "--components=secrets"], stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            env=self.full_env(), start_new_session=True)
        self.keyring.stdin.write(b"test-keyring-password")
        self.keyring.stdin.close()
        deadline = time.monotonic() + 15
        while not self.has_secrets():
            if (self.keyring.poll() is not None or
                    time.monotonic() > deadline):
                raise AssertionError("gnome-keyring-daemon did not start")
            time.sleep(0.1)

    def has_secrets(self):
        p = subprocess.run(
            ["dbus-send", "--session", "--print-reply",
             "--dest=org.freedesktop.DBus", "/org/freedesktop/DBus",
             "org.freedesktop.DBus.NameHasOwner",
             "string:org.freedesktop.secrets"], env=self.full_env(),
            capture_output=True, text=True)
        return "boolean true" in p.stdout

    def stop_keyring(self):
        if self.keyring and self.keyring.poll() is None:
            os.killpg(self.keyring.pid, signal.SIGKILL)
            self.keyring.wait()
        deadline = time.monotonic() + 10
        while self.has_secrets() and time.monotonic() < deadline:
            time.sleep(0.05)

    def stop(self):
        self.stop_keyring()
        if self.bus.poll() is None:
            os.killpg(self.bus.pid, signal.SIGKILL)
            self.bus.wait()
        subprocess.run(["rm", "-rf", self.home])
