"""Helpers for the policy E2E tests: recordings made by baresip's sndfile
module (dump-<time>-enc.wav = what an instance sends, -dec.wav = what it
receives), read with the wave module; waits poll with deadlines."""

import array
import glob
import math
import os
import time
import wave

import harness


def recorder_config(inst_root, name):
    """config keys + module line for an instance that records calls."""
    rec = os.path.join(inst_root, name + "-rec")
    os.makedirs(rec, mode=0o700, exist_ok=True)
    return rec, {"snd_path": rec}, (("module", "sndfile.so"),)


def recordings(rec_dir, kind):
    return sorted(glob.glob(os.path.join(rec_dir, "dump-*-%s.wav" % kind)),
                  key=os.path.getmtime)


def wait_recording(rec_dir, kind, min_bytes, timeout=10.0, count=1):
    """Wait until the count-th recording of this kind holds min_bytes."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        files = recordings(rec_dir, kind)
        if len(files) >= count and \
                os.path.getsize(files[count - 1]) >= min_bytes:
            return files[count - 1]
        time.sleep(0.05)
    raise AssertionError("no %s recording of %d bytes in %s: %s" %
                         (kind, min_bytes, rec_dir,
                          [(f, os.path.getsize(f))
                           for f in recordings(rec_dir, kind)]))


def read_wav(path, timeout=5.0):
    """(samples of channel 0 as floats in -1..1, sample rate).  The
    recorder writes the WAV header's sizes when it closes the file, as
    the call is freed: 1.x before it reports CALL_CLOSED, 4.x after."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return _read_wav(path)
        except (wave.Error, EOFError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _read_wav(path):
    with wave.open(path, "rb") as w:
        assert w.getsampwidth() == 2, path
        ch = w.getnchannels()
        rate = w.getframerate()
        data = array.array("h", w.readframes(w.getnframes()))
    return [s / 32768.0 for s in data[::ch]], rate


def max_abs(samples):
    return max((abs(s) for s in samples), default=0.0)


def tone_power(samples, rate, freq):
    """Goertzel: normalised power of one frequency (1.0 = full scale)."""
    n = len(samples)
    if not n:
        return 0.0
    k = 2.0 * math.cos(2.0 * math.pi * freq / rate)
    s1 = s2 = 0.0
    for x in samples:
        s0 = x + k * s1 - s2
        s2, s1 = s1, s0
    p = s1 * s1 + s2 * s2 - k * s1 * s2
    return 4.0 * p / (n * n)


def flood_capped_pair(tc):
    """alice and bob, bob's fraud guard allowing one incoming call per
    source per minute, and that one call made: it rang, alice gave up.
    alice's next call to bob is refused (503)."""
    a = harness.Instance(tc, "alice")
    b = harness.Instance(tc, "bob", root=a.root, config={
        "octasip_policy_max_incoming_per_source": "1"})
    a.start()
    b.start()
    harness.call(a, b, answer=False)
    n = len(a.ctrl.events)
    a.command("hangup")
    a.wait_event("CALL_CLOSED", start=n)
    return a, b


def dial_closed_param(a, uri):
    """a dials uri; the param of the CALL_CLOSED that ends it."""
    n = len(a.ctrl.events)
    a.command("dial", uri)
    return a.wait_event("CALL_CLOSED", start=n).get("param", "")
