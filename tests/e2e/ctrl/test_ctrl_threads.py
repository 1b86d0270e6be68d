"""octasip_ctrl and the event adapter, with events the core emits on
another thread.

baresip 1.1 and 4.x call every event handler on the thread that calls
module_event(): 4.10's sndfile does so from the audio threads when it
opens a recording.  A handler that touched the control channel's clients
there raced the main thread (which serves commands on the same clients):
bob's baresip died now and then in a recorded call on 4.10.

evthread.so (tests/unit/evthread/evthread.c) emits N events from a
thread of its own while two clients hammer the main thread with
commands.  Both clients
get every event, in order, as well-formed frames, every command gets its
answer, and baresip is alive at the end.  baresip 1.0.0 has no
module_event(): skipped there.
"""

import os
import threading

import harness
from harness import Instance

MODULE = os.path.join(os.environ.get("OCTASIP_BUILD", ""), "tests", "unit",
                      "evthread", "evthread.so")
RUNS = 5
TICKS = 2000


def is_done(n):
    """pred: the "done" event of a run of n ticks"""
    return lambda e: str(e.get("param", "")) == "evthread,done,%d" % n


def ticks(client):
    """The evthread tick numbers the client saw, in order, and whether it
    saw the "done" of a run of TICKS"""
    seen, done = [], False
    for ev in client.events:
        prm = str(ev.get("param", ""))
        if prm.startswith("evthread,tick,"):
            seen.append(int(prm.split(",")[2]))
        elif prm == "evthread,done,%d" % TICKS:
            done = True
    return seen, done


class CtrlThreadsTest(harness.TestCase):

    def start(self):
        a = Instance(self, "alice",
                     add_modules=(("module", "evthread.so"),))
        mods = a.path(".modules")
        os.makedirs(mods, mode=0o700, exist_ok=True)
        os.symlink(MODULE, os.path.join(mods, "evthread.so"))
        a.start()
        return a

    def test_events_from_another_thread(self):
        a = self.start()
        c1, c2 = a.ctrl, a.connect()
        self.addCleanup(c2.close)
        ok, data = c1.command("evthread", "0")
        if "no module_event" in data:
            self.skipTest("this baresip has no module_event()")
        self.assertTrue(ok, data)
        for c in (c1, c2):
            c.wait_event("MODULE", pred=is_done(0))

        for run in range(RUNS):
            c1.events, c2.events = [], []
            stop = threading.Event()
            errors = []

            def hammer():
                # the main thread answers these on c2 while the module's
                # thread emits its events to both clients
                try:
                    while not stop.is_set():
                        ok, data = c2.command("about")
                        if not ok:
                            errors.append(data)
                except Exception as e:      # noqa: BLE001 (reported)
                    errors.append(repr(e))

            t = threading.Thread(target=hammer)
            t.start()
            try:
                ok, data = c1.command("evthread", str(TICKS))
                self.assertTrue(ok, data)
                c1.wait_event("MODULE", timeout=30, pred=is_done(TICKS))
            finally:
                stop.set()
                t.join(30)
            self.assertEqual(errors, [], "run %d: a command failed" % run)
            c2.wait_event("MODULE", timeout=30, pred=is_done(TICKS))
            for name, c in (("first", c1), ("second", c2)):
                seen, done = ticks(c)
                self.assertTrue(done, "run %d: %s client" % (run, name))
                self.assertEqual(seen, list(range(TICKS)),
                                 "run %d: the %s client's events" %
                                 (run, name))

        self.assertIsNone(a.proc.poll(), "baresip ended")
        ok, _ = c1.command("about")
        self.assertTrue(ok)


if __name__ == "__main__":
    harness.main()
