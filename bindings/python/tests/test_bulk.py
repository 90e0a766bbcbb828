"""put_many at scale (timing is reported by bench/python_put_many.py, not asserted here)."""

import unittest

import memvid_sdk as mv
from mvtest_util import TempDirCase


class BulkTest(TempDirCase):
    def test_put_many_10k(self):
        mem = self.new_memory()
        docs = [{"text": f"bulk document {i} about topic{i % 10}", "title": f"doc {i}",
                 "timestamp": 1700000000000 + i} for i in range(10000)]
        ids = mem.put_many(docs)
        self.assertEqual(len(ids), 10000)
        self.assertEqual(len(set(ids)), 10000)
        self.assertEqual(mem.frame_count, 10000)
        self.assertEqual(mem.view(ids[1234]).title, "doc 1234")
        r = mem.find("topic7", k=2000, mode="lex")
        self.assertEqual(len(r), 1000)
        self.assertEqual(len(mem.timeline(limit=10)), 10)
        mem.close()
        with mv.use("basic", self.path(), read_only=True) as ro:
            self.assertEqual(ro.stats().active_frames, 10000)

    def test_who_and_nudge(self):
        mem = self.new_memory(nudge_poll_ms=20)
        mem.put("x")
        owner = mv.Memvid.who(self.path())
        self.assertTrue(owner.present)
        self.assertTrue(owner.alive)
        self.assertEqual(set(owner.to_dict()), {"present", "alive", "pid", "host", "command",
                                                "started_ms", "heartbeat_ms", "nudge_requested"})
        mv.nudge(self.path())
        # The nudged writer lets go of its lock; a new writer can open the file.
        import time
        deadline = time.time() + 10
        while True:
            try:
                other = mv.use("basic", self.path(), lock_timeout_ms=200)
                break
            except mv.LockedError:
                if time.time() > deadline:
                    raise
        other.put("y")
        other.close()

    def test_instance_doctor_plan(self):
        mem = self.new_memory()
        mem.put("x")
        report = mem.doctor(plan_only=True)
        self.assertTrue(report.ok)
        self.assertFalse(report.changed)


if __name__ == "__main__":
    unittest.main()
