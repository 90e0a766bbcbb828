"""Sessions through the Python SDK: the context manager records what the block does, inside
the memory file; replay as of each action and against today's state; the same records the
CLI lists."""

import json
import os
import subprocess
import tempfile
import unittest

import memvid_sdk
from memvid_sdk import InvalidArgumentError, ReplayReport, SessionInfo, SessionView


class SessionsTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.path = os.path.join(self.dir.name, "m.mv2")
        self.mem = memvid_sdk.use("basic", self.path, embedding_model="none")

    def tearDown(self):
        self.mem.close()
        self.dir.cleanup()

    def test_context_manager_records_the_block(self):
        self.mem.put("tea with bob")
        with self.mem.session("agent") as s:
            self.assertIsInstance(s, SessionInfo)
            self.assertTrue(s.open)
            alice = self.mem.put("Alice works at Acme Corp.")
            hits = self.mem.find("alice OR tea", mode="lex").hits
            self.mem.ask("Where does Alice work?", mode="lex")
            self.mem.sessions.checkpoint("done")
            self.assertEqual(os.listdir(self.dir.name), ["m.mv2"])
        self.assertIsNone(self.mem.sessions.active())
        v = self.mem.sessions.view("agent")
        self.assertIsInstance(v, SessionView)
        self.assertEqual([a.action for a in v.actions], ["put", "find", "ask", "checkpoint"])
        self.assertEqual(v.actions[0].frames, [alice])
        self.assertEqual(v.actions[1].hits, [h.id for h in hits])
        self.assertFalse(v.session.open)
        # The session's frames are hidden from find and the timeline.
        self.assertEqual(len(self.mem.timeline()), 2)
        self.assertEqual(self.mem.find('label:"memvid:session"', mode="lex").hits, [])

    def test_block_that_raises_still_ends_the_session(self):
        with self.assertRaises(ValueError):
            with self.mem.session("boom"):
                self.mem.put("x")
                raise ValueError("agent failed")
        self.assertIsNone(self.mem.sessions.active())
        self.assertEqual(self.mem.sessions.view("boom").session.actions, 1)

    def test_replay_and_compare(self):
        self.mem.put("the cat sat")
        with self.mem.session("r"):
            self.mem.find("cat", mode="lex")
        self.mem.put("another cat")
        report = self.mem.sessions.replay("r")
        self.assertIsInstance(report, ReplayReport)
        self.assertTrue(report.ok)
        now = self.mem.sessions.replay("r", current=True)
        self.assertFalse(now.ok)
        self.assertEqual(len(now.details[0].added), 1)
        self.assertTrue(self.mem.sessions.compare("r", "r").same)
        with self.assertRaises(InvalidArgumentError):
            self.mem.sessions.end()
        self.mem.sessions.delete("r")
        self.assertEqual(self.mem.sessions.list(), [])

    def test_the_cli_lists_what_the_sdk_recorded(self):
        with self.mem.session("shared"):
            self.mem.put("hello")
        self.mem.close()
        cli = os.environ.get("MEMVID_CLI")
        if not cli:
            self.skipTest("MEMVID_CLI not set")
        out = subprocess.run([cli, "session", "list", self.path, "--json"], check=True, capture_output=True, text=True)
        listed = json.loads(out.stdout)
        self.assertEqual([(s["name"], s["actions"]) for s in listed], [("shared", 1)])
        self.mem = memvid_sdk.use("basic", self.path)


if __name__ == "__main__":
    unittest.main()
