"""A private sound server for the audio tests: PulseAudio, or PipeWire with
pipewire-pulse (and WirePlumber to link streams), in a runtime directory
of its own, with two null sinks: "speaker" (the default sink; what is
played there is read back from speaker.monitor) and "micsink" (whose
monitor is the default source: what is played into micsink is what a
client records).  Raw tones in and out with pacat/parec."""

import array
import glob
import math
import os
import shutil
import signal
import subprocess
import tempfile
import time
import wave

import harness

RATE = 48000


def have(*progs):
    return all(shutil.which(p) for p in progs)


class SoundServer(harness.Process):
    """log() and wait_log() come from harness.Process (its log_path)"""

    def __init__(self, testcase, kind="pulseaudio"):
        self.kind = kind
        self.dir = tempfile.mkdtemp(prefix="octasip-snd-")
        self.rt = os.path.join(self.dir, "rt")
        os.makedirs(self.rt, mode=0o700)
        self.env = {"XDG_RUNTIME_DIR": self.rt,
                    "HOME": self.dir,
                    "XDG_CONFIG_HOME": os.path.join(self.dir, "cfg"),
                    "XDG_STATE_HOME": os.path.join(self.dir, "state"),
                    "PIPEWIRE_RUNTIME_DIR": self.rt,
                    "PULSE_RUNTIME_PATH": os.path.join(self.rt, "pulse")}
        self.procs = []
        self.log_path = os.path.join(self.dir, "server.log")
        testcase.addCleanup(self.stop)
        if kind == "pulseaudio":
            self._start_pulseaudio()
        else:
            self._start_pipewire()
        self._wait_ready()
        if kind != "pulseaudio":
            for name in ("speaker", "micsink"):
                self.pactl("load-module", "module-null-sink",
                           "sink_name=" + name, "rate=%d" % RATE,
                           "channels=1")
            self.pactl("set-default-sink", "speaker")
            self.pactl("set-default-source", "micsink.monitor")

    def full_env(self):
        e = dict(os.environ)
        # the ASan run preloads its runtime into everything: not into
        # the sound server and its tools (the harness adds it back for
        # baresip)
        for k in ("PULSE_SERVER", "DBUS_SESSION_BUS_ADDRESS", "DISPLAY",
                  "LD_PRELOAD", "ASAN_OPTIONS", "UBSAN_OPTIONS"):
            e.pop(k, None)
        e.update(self.env)
        return e

    def _spawn(self, args):
        logf = open(self.log_path, "ab")
        p = subprocess.Popen(args, env=self.full_env(),
                             stdin=subprocess.DEVNULL, stdout=logf,
                             stderr=subprocess.STDOUT,
                             start_new_session=True)
        logf.close()
        self.procs.append(p)
        return p

    def _start_pulseaudio(self):
        pa = os.path.join(self.dir, "default.pa")
        with open(pa, "w") as f:
            f.write("load-module module-native-protocol-unix\n")
            for name in ("speaker", "micsink"):
                f.write("load-module module-null-sink sink_name=%s"
                        " rate=%d channels=1\n" % (name, RATE))
            f.write("set-default-sink speaker\n"
                    "set-default-source micsink.monitor\n")
        self._spawn(["pulseaudio", "-n", "-F", pa, "--daemonize=no",
                     "--exit-idle-time=-1", "--use-pid-file=no",
                     "--log-target=stderr"])

    def _start_pipewire(self):
        # WirePlumber (which links streams to devices) needs a session bus
        bus = subprocess.Popen(["dbus-daemon", "--session", "--nofork",
                                "--print-address=1", "--nopidfile"],
                               stdout=subprocess.PIPE, text=True,
                               env=self.full_env(), start_new_session=True)
        self.procs.append(bus)
        addr = bus.stdout.readline().strip()
        if not addr:
            raise AssertionError("dbus-daemon gave no address")
        self.env["DBUS_SESSION_BUS_ADDRESS"] = addr
        self._spawn(["pipewire"])
        time.sleep(0.3)
        self._spawn(["wireplumber"])
        self._spawn(["pipewire-pulse"])

    def pactl(self, *args, check=True):
        return subprocess.run(["pactl"] + list(args), env=self.full_env(),
                              capture_output=True, text=True, timeout=20,
                              check=check)

    def _wait_ready(self):
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            for p in self.procs:
                if p.poll() is not None:
                    raise AssertionError("%s exited:\n%s" %
                                         (p.args[0], self.log()))
            if os.path.exists(os.path.join(self.rt, "pulse", "native")):
                p = self.pactl("info", check=False)
                if p.returncode == 0:
                    return
            time.sleep(0.1)
        raise AssertionError("sound server never answered:\n" + self.log())

    def record(self, device, path):
        """parec from device into path (raw s16le mono); returns Popen"""
        f = open(path, "wb")
        p = subprocess.Popen(["parec", "--device=" + device, "--raw",
                              "--format=s16le", "--rate=%d" % RATE,
                              "--channels=1", "--latency-msec=20"],
                             stdout=f, stderr=subprocess.DEVNULL,
                             env=self.full_env(), start_new_session=True)
        f.close()
        self.procs.append(p)
        return p

    def play_tone(self, device, freq, seconds):
        """pacat a sine of freq Hz into device; returns Popen"""
        raw = os.path.join(self.dir, "tone-%d.raw" % freq)
        n = int(RATE * seconds)
        data = array.array("h", (int(12000 * math.sin(
            2 * math.pi * freq * i / RATE)) for i in range(n)))
        with open(raw, "wb") as f:
            f.write(data.tobytes())
        p = subprocess.Popen(["pacat", "--playback", "--device=" + device,
                              "--raw", "--format=s16le",
                              "--rate=%d" % RATE, "--channels=1", raw],
                             stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL,
                             env=self.full_env(), start_new_session=True)
        self.procs.append(p)
        return p

    def stop(self):
        for p in reversed(self.procs):
            if p.poll() is None:
                try:
                    os.killpg(p.pid, signal.SIGKILL)
                except OSError:
                    pass
                p.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


def read_raw(path):
    with open(path, "rb") as f:
        data = array.array("h", f.read())
    return [s / 32768.0 for s in data]


def wait_received(rec_dir, min_seconds, timeout=20.0):
    """The path of baresip's sndfile recording of what it received
    (dump-*-dec.wav in snd_path) once it holds about min_seconds of
    48 kHz stereo; read it with read_wav() after the call"""
    want = 44 + 4 * RATE * min_seconds
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for path in glob.glob(os.path.join(rec_dir, "dump-*-dec.wav")):
            if os.path.getsize(path) >= want:
                return path
        time.sleep(0.1)
    raise AssertionError("no recording of %s s in %s: %s" %
                         (min_seconds, rec_dir, os.listdir(rec_dir)))


def read_wav(path):
    """(first channel as floats, sample rate) of a finished recording"""
    with wave.open(path, "rb") as w:
        rate, ch = w.getframerate(), w.getnchannels()
        data = array.array("h", w.readframes(w.getnframes()))
    return [x / 32768.0 for x in data[::ch]], rate


def dominant(samples, rate, lo=100, hi=3000, step=10):
    """(frequency, power) of the strongest sine between lo and hi Hz
    (Goertzel; power 1.0 = a full-scale sine)"""
    best = (0, 0.0)
    n = len(samples)
    if not n:
        return best
    for freq in range(lo, hi + 1, step):
        k = 2.0 * math.cos(2.0 * math.pi * freq / rate)
        s1 = s2 = 0.0
        for x in samples:
            s0 = x + k * s1 - s2
            s2, s1 = s1, s0
        p = 4.0 * (s1 * s1 + s2 * s2 - k * s1 * s2) / (n * n)
        if p > best[1]:
            best = (freq, p)
    return best
