"""Threads: the GIL is released inside the library, so searches overlap and stay correct."""

import os
import threading
import time
import unittest

import memvid_sdk as mv
from mvtest_util import TempDirCase

WORDS = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel"]


class ThreadTest(TempDirCase):
    def _memory(self):
        mem = self.new_memory()
        docs = []
        for i in range(400):
            w = WORDS[i % len(WORDS)]
            docs.append({"text": f"{w} document {i} " + " ".join(WORDS[(i + j) % 8] for j in range(20)),
                         "title": f"{w}-{i}"})
        mem.put_many(docs)
        mem.commit()
        expected = {w: [h.id for h in mem.find(f"title:{w}", k=100, mode="lex")] for w in WORDS}
        for w in WORDS:
            self.assertEqual(len(expected[w]), 50)
        return mem, expected

    def _run(self, worker, n):
        errors = []

        def wrap(i):
            try:
                worker(i)
            except BaseException as e:  # reported to the main thread
                errors.append(e)

        threads = [threading.Thread(target=wrap, args=(i,)) for i in range(n)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        self.assertFalse(any(t.is_alive() for t in threads), "a thread did not finish within 120 s")
        if errors:
            raise errors[0]

    def test_shared_handle(self):
        mem, expected = self._memory()

        def worker(i):
            for j in range(30):
                w = WORDS[(i + j) % len(WORDS)]
                self.assertEqual([h.id for h in mem.find(f"title:{w}", k=100, mode="lex")], expected[w])

        self._run(worker, 6)

    def test_read_only_handle_per_thread(self):
        mem, expected = self._memory()

        def worker(i):
            with mv.use("basic", self.path(), read_only=True) as ro:
                for j in range(30):
                    w = WORDS[(i * 3 + j) % len(WORDS)]
                    self.assertEqual([h.id for h in ro.find(f"title:{w}", k=100, mode="lex")], expected[w])
                    self.assertEqual(ro.view(expected[w][0]).title.split("-")[0], w)

        self._run(worker, 6)

    def test_writer_and_readers(self):
        mem, expected = self._memory()
        stop = threading.Event()

        def reader(i):
            with mv.use("basic", self.path(), read_only=True) as ro:
                while not stop.is_set():
                    self.assertEqual([h.id for h in ro.find("title:alpha", k=100, mode="lex")], expected["alpha"])
                    ro.refresh()

        readers = threading.Thread(target=lambda: self._run(reader, 3))
        readers.start()
        for i in range(20):
            mem.put(f"zulu extra {i}", title=f"zulu-{i}")
        stop.set()
        readers.join(timeout=120)
        self.assertEqual(len(mem.find("title:zulu", k=100, mode="lex")), 20)

    def test_close_while_searching(self):
        """Closing a handle that other threads are searching: they get ReadOnlyError, no crash."""
        mem, expected = self._memory()
        outcomes = []
        started = threading.Barrier(5)

        def worker(i):
            started.wait()
            try:
                while True:
                    self.assertEqual([h.id for h in mem.find("title:alpha", k=100, mode="lex")], expected["alpha"])
            except mv.ReadOnlyError as e:
                outcomes.append(e.code)

        threads = [threading.Thread(target=worker, args=(i,)) for i in range(4)]
        for t in threads:
            t.start()
        started.wait()
        time.sleep(0.2)
        mem.close()
        for t in threads:
            t.join(timeout=60)
        self.assertEqual(outcomes, ["Closed"] * 4)

    def test_gil_released_while_waiting_for_lock(self):
        """A call blocked inside the library (waiting 2 s for a writer lock) leaves the GIL free:
        the main thread's loop never stalls for long meanwhile. Every call into the library goes
        through the same GIL-releasing wrapper (module.cpp run()), searches included."""
        mem, _ = self._memory()  # holds the writer lock
        result = []

        def blocked():
            try:
                mv.use("basic", self.path(), lock_timeout_ms=2000)
            except mv.LockedError as e:
                result.append(e)

        t = threading.Thread(target=blocked)
        start = time.perf_counter()
        t.start()
        last = time.perf_counter()
        longest = 0.0
        while t.is_alive():
            now = time.perf_counter()
            longest = max(longest, now - last)
            last = now
        elapsed = time.perf_counter() - start
        t.join()
        self.assertEqual(len(result), 1)
        self.assertEqual(result[0].pid, os.getpid())
        self.assertGreaterEqual(elapsed, 1.9)
        self.assertLess(longest, 1.0)  # held GIL: one ~2 s stall


if __name__ == "__main__":
    unittest.main()
