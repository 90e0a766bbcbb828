"""verify and doctor."""

import json
import unittest

import memvid_sdk as mv
from mvtest_util import TempDirCase


class IntegrityTest(TempDirCase):
    def test_verify(self):
        mem, ids = self.filled_memory()
        mem.commit()
        r = mem.verify()
        self.assertIsInstance(r, mv.VerifyReport)
        self.assertTrue(r.ok, r.failed)
        self.assertEqual(r.path, self.path())
        self.assertFalse(r.deep)
        self.assertEqual(r.frames, 5)
        self.assertEqual(r.damaged_frames, [])
        self.assertGreater(r.file_bytes, 0)
        names = {c.name for c in r.checks}
        self.assertIn("HeaderChecksum", names)
        self.assertEqual(r.check("HeaderChecksum").status, "passed")
        self.assertIsNone(r.check("NoSuchCheck"))
        deep = mv.Memvid.verify(self.path(), deep=True)
        self.assertTrue(deep.deep)
        self.assertTrue(deep.ok)
        self.assertIn("FramePayloadChecksums", {c.name for c in deep.checks})
        self.assertEqual(mv.verify(self.path(), True).ok, True)
        json.dumps(deep.to_dict())
        self.assertEqual(set(r.to_dict()), {"path", "deep", "ok", "checks", "damaged_frames",
                                             "frames", "file_bytes", "elapsed_ms"})

    def test_doctor(self):
        mem, ids = self.filled_memory()
        mem.delete(ids[0])
        plan = mem.doctor(plan_only=True)
        self.assertIsInstance(plan, mv.DoctorReport)
        self.assertFalse(plan.changed)
        self.assertIsNone(plan.after)
        self.assertIsInstance(plan.before, mv.VerifyReport)
        mem.close()
        rep = mv.Memvid.doctor(self.path(), vacuum=True, rebuild_lex_index=True)
        self.assertTrue(rep.ok)
        self.assertTrue(rep.changed)
        self.assertTrue(rep.actions)
        self.assertTrue(all(isinstance(a, mv.DoctorAction) for a in rep.actions))
        self.assertTrue(any(a.name == "Vacuum" and a.status == "done" for a in rep.actions), rep.actions)
        self.assertIsInstance(rep.after, mv.VerifyReport)
        d = rep.to_dict()
        json.dumps(d)
        self.assertEqual(set(d), {"path", "findings", "actions", "changed", "ok", "error", "error_code", "output_path",
                                  "backup_path", "frames_recovered", "lost_frames",
                                  "bytes_before", "bytes_after", "before", "after"})
        self.assertEqual(rep.output_path, self.path())
        self.assertIsNone(rep.backup_path)  # rebuilds drop nothing that cannot be regenerated
        for f in rep.findings:
            self.assertIn(f.severity, ("info", "warn", "error"))
        with mv.use("basic", self.path(), read_only=True) as ro:
            self.assertEqual(len(ro.find("raft", mode="lex")), 1)
            self.assertEqual(len(ro.find("ownership", mode="lex")), 0)
        self.assertTrue(mv.doctor(self.path()).ok)


if __name__ == "__main__":
    unittest.main()
