"""Facts through the Python SDK: the same answers as the CLI, typed results with the CLI's
JSON names, and the extraction switches on create and on each put."""

import json
import os
import tempfile
import threading
import unittest
from http.server import BaseHTTPRequestHandler, HTTPServer

import memvid_sdk
from memvid_sdk import EnrichReport, EntityInfo, FactRecord, FollowResult


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

    def test_enrich_rules(self):
        fid = self.mem.put("Carol works at Hooli.", extract_facts=False)
        self.assertEqual(self.mem.facts.state("carol"), [])
        r = self.mem.facts.enrich()
        self.assertIsInstance(r, EnrichReport)
        self.assertEqual((r.engine, r.processed, r.facts), ("rules/1", 1, 1))
        self.assertEqual(list(r.to_dict()), [n for n, _ in memvid_sdk.results.SCHEMA["EnrichReport"]])
        (f,) = self.mem.facts.state("carol")
        self.assertEqual((f.value, f.frame, f.recorded_in), ("Hooli", fid, r.enrichment_frames[0]))
        again = self.mem.facts.enrich()
        self.assertEqual((again.processed, again.already), (0, 1))
        self.assertEqual(self.mem.facts.enrich(force=True).duplicates, 1)
        with self.assertRaises(memvid_sdk.InvalidArgumentError):
            self.mem.facts.enrich(engine="no-provider")
        with self.assertRaises(memvid_sdk.InvalidArgumentError):
            self.mem.facts.enrich(workers=0)

    def test_enrich_with_a_model_endpoint(self):
        seen = []

        class Chat(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                seen.append(body)
                facts = [{"entity": "Zoë", "slot": "location", "value": "Zürich"}]
                reply = {"choices": [{"message": {"role": "assistant", "content": json.dumps({"facts": facts})},
                                      "finish_reason": "stop"}]}
                data = json.dumps(reply).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        server = HTTPServer(("127.0.0.1", 0), Chat)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            self.mem.put("Zoë lives in Zürich.", extract_facts=False)
            r = self.mem.facts.enrich(engine="local:tiny", base_url=f"http://127.0.0.1:{server.server_port}/v1",
                                      workers=2)
            self.assertEqual((r.engine, r.facts), ("local:tiny/1", 1))
            self.assertEqual(seen[0]["model"], "tiny")
            (f,) = self.mem.facts.state("zoë")
            self.assertEqual((f.value, f.engine), ("Zürich", "local:tiny/1"))
            self.assertEqual("Zoë lives in Zürich.".encode()[f.value_begin:f.value_begin + f.value_length].decode(),
                             "Zürich")
        finally:
            server.shutdown()
            server.server_close()

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

    def test_correction_boost_in_find_and_ask(self):
        note = self.mem.put("Ben Koenig reports to Chloe Nguyen.")
        c = self.mem.facts.correct("Ben Koenig reports to Dana Reyes since 2025, after the reorganisation of the platform and infrastructure groups moved the whole team under a new director.", boost=5)
        self.assertEqual([h.id for h in self.mem.find("Ben Koenig reports", mode="lex").hits], [c.frame, note])
        plain = self.mem.find("Ben Koenig reports", mode="lex", correction_boost=False)
        self.assertEqual([h.id for h in plain.hits], [note, c.frame])
        self.assertEqual(self.mem.ask("Who does Ben Koenig report to?", mode="lex").sources[0].id, c.frame)
        self.assertEqual(self.mem.find("Chloe Nguyen", mode="lex").hits[0].id, note)

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
