"""audit through the Python SDK: every source's provenance, corrections marked, the facts of
the passage, and the Markdown a reviewer files."""

import os
import tempfile
import unittest

import memvid_sdk
from memvid_sdk import AuditReport, AuditSource


class AuditTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.path = os.path.join(self.dir.name, "m.mv2")
        self.mem = memvid_sdk.use("basic", self.path, embedding_model="none")
        self.mem.put("Ben Koenig reports to Chloe Nguyen.", uri="mv2://hr/ben", title="Org notes",
                     timestamp="2024-01-01")
        self.mem.facts.correct("Ben Koenig reports to Dana Reyes since 2025")
        self.mem.put("The cafeteria opens at nine.", timestamp="2024-02-01")

    def tearDown(self):
        self.mem.close()
        self.dir.cleanup()

    def test_report(self):
        r = self.mem.audit("Who does Ben Koenig report to?", mode="lex")
        self.assertIsInstance(r, AuditReport)
        self.assertFalse(r.used_model)
        self.assertEqual(len(r.sources), 2)
        self.assertIsInstance(r.sources[0], AuditSource)
        by_frame = {s.frame: s for s in r.sources}
        self.assertTrue(by_frame[1].correction)
        self.assertFalse(by_frame[0].correction)
        self.assertEqual(by_frame[0].uri, "mv2://hr/ben")
        self.assertEqual((by_frame[0].byte_begin, by_frame[0].byte_end), (0, 35))
        self.assertEqual([(f.slot, f.value) for f in by_frame[0].facts], [("manager", "Chloe Nguyen")])
        self.assertFalse(by_frame[0].facts[0].current)  # superseded by the correction
        self.assertEqual(by_frame[0].timestamp.year, 2024)

    def test_markdown_and_time_range(self):
        md = self.mem.audit("Who does Ben Koenig report to?", mode="lex", format="markdown")
        self.assertTrue(md.startswith("# Audit: Who does Ben Koenig report to?"))
        self.assertIn("| correction | yes |", md)
        self.assertIn("`mv2://hr/ben`", md)
        only_2024 = self.mem.audit("Ben Koenig", mode="lex", start="2024-01-01", end="2024-12-31")
        self.assertEqual([s.frame for s in only_2024.sources], [0])


if __name__ == "__main__":
    unittest.main()
