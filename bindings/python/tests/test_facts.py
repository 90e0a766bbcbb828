"""Facts through the Python SDK: the same answers as the CLI, typed results with the CLI's
JSON names, and the extraction switches on create and on each put."""

import os
import tempfile
import unittest

import memvid_sdk
from memvid_sdk import EntityInfo, FactRecord, FollowResult


class FactsTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.path = os.path.join(self.dir.name, "m.mv2")
        self.mem = memvid_sdk.use("basic", self.path, embedding_model="none")

    def tearDown(self):
        self.mem.close()
        self.dir.cleanup()

    def test_state_history_and_time(self):
        self.mem.put("Alice works at Acme Corp.", timestamp="2023-01-01", uri="mv2://a")
        self.mem.put("Alice joined Globex.", timestamp="2025-01-01")
        now = self.mem.facts.state("Alice")
        self.assertEqual([(f.slot, f.value) for f in now], [("employer", "Globex")])
        self.assertIsInstance(now[0], FactRecord)
        self.assertTrue(now[0].current)
        self.assertIsNone(now[0].valid_to)
        self.assertEqual(now[0].valid_from.year, 2025)
        then = self.mem.facts.state("alice", "employer", at="2024-06-01")
        self.assertEqual([f.value for f in then], ["Acme Corp"])
        self.assertEqual(self.mem.facts.state("alice", at=1600000000000), [])
        history = self.mem.facts.list(entity="alice", history=True)
        self.assertEqual([f.value for f in history], ["Acme Corp", "Globex"])
        self.assertEqual(history[0].superseded_by, history[1].id)
        self.assertEqual(history[0].uri, "mv2://a")
        self.assertEqual(history[0].to_dict()["valid_to_ms"], history[1].valid_from_ms)
        self.assertEqual(list(history[0].to_dict()), [n for n, _ in memvid_sdk.results.SCHEMA["FactRecord"]])

    def test_delete_retracts(self):
        fid = self.mem.put("Bob lives in Oslo.")
        self.mem.delete(fid)
        self.assertEqual(self.mem.facts.state("bob"), [])
        (f,) = self.mem.facts.list(entity="bob", history=True)
        self.assertEqual(f.retracted, "frame_deleted")

    def test_extraction_switches(self):
        self.mem.put("Carol works at Hooli.", extract_facts=False)
        self.assertEqual(self.mem.facts.list(history=True), [])
        quiet = memvid_sdk.use("basic", os.path.join(self.dir.name, "q.mv2"), embedding_model="none",
                               extract_facts=False)
        try:
            quiet.put("Dan works at Umbrella.")
            quiet.put_many([{"text": "Erin works at Initech.", "extract_facts": True}])
            self.assertEqual([f.value for f in quiet.facts.list()], ["Initech"])
        finally:
            quiet.close()
        with self.assertRaises(TypeError):
            self.mem.put("x", extract_facts="yes")

    def test_entities_and_follow(self):
        self.mem.put("Bob is married to Carol. Carol works at Initech.")
        kinds = {e.entity: e.kind for e in self.mem.facts.entities()}
        self.assertEqual(kinds["initech"], "organization")
        self.assertEqual(kinds["carol"], "person")
        self.assertTrue(all(isinstance(e, EntityInfo) for e in self.mem.facts.entities()))
        r = self.mem.facts.follow("bob", hops=2)
        self.assertIsInstance(r, FollowResult)
        self.assertEqual(r.reached, ["carol", "initech"])
        self.assertEqual([(e.source, e.slot, e.target) for e in r.edges],
                         [("bob", "spouse", "carol"), ("carol", "employer", "initech")])
        with self.assertRaises(memvid_sdk.InvalidArgumentError):
            self.mem.facts.follow("bob", direction="sideways")

    def test_correct(self):
        self.mem.put("Ben Koenig reports to Chloe Nguyen.", timestamp="2026-03-01")
        c = self.mem.facts.correct("Ben Koenig reports to Dana Reyes since 2025", topics=["org"], source="HR")
        self.assertIsInstance(c, memvid_sdk.Correction)
        self.assertEqual(c.frame, 1)
        self.assertEqual([(f.slot, f.value, f.correction) for f in c.facts], [("manager", "Dana Reyes", True)])
        self.assertEqual([f.value for f in self.mem.facts.state("Ben Koenig", "manager")], ["Dana Reyes"])
        with self.assertRaises(memvid_sdk.InvalidArgumentError):
            self.mem.facts.correct(" ")

    def test_schema(self):
        self.mem.put("Alice's favorite number is 7. Bob lives in Oslo.")
        inferred = {s.slot: s for s in self.mem.facts.infer_schema()}
        self.assertEqual(inferred["favorite_number"].value_type, "number")
        self.assertEqual(inferred["location"].source, "builtin")
        done = self.mem.facts.register_schema(inferred.values())
        self.assertEqual([s.slot for s in done], ["favorite_number"])
        self.assertIn(("favorite_number", "registered"), [(s.slot, s.source) for s in self.mem.facts.schema()])


if __name__ == "__main__":
    unittest.main()
