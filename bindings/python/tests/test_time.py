"""Time phrases through the Python SDK: resolve_time, Memvid.when and date: phrases in find,
with the same windows as the CLI (MEMORY.md acceptance cases 14 and 15)."""

import os
import tempfile
import unittest

import memvid_sdk
from memvid_sdk import InvalidArgumentError, TimelineEntry, TimeWindow, WhenResult

ANCHOR = "2025-11-21T12:00:00Z"


class TimeTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.path = os.path.join(self.dir.name, "m.mv2")
        self.mem = memvid_sdk.use("basic", self.path, embedding_model="none")
        self.mem.put("first", timestamp="2025-11-17T15:00:00Z")
        self.mem.put("second", timestamp="2025-11-19T23:30:00Z")

    def tearDown(self):
        self.mem.close()
        self.dir.cleanup()

    def test_when_last_monday(self):
        r = self.mem.when("last monday", tz="UTC", anchor=ANCHOR)
        self.assertIsInstance(r, WhenResult)
        self.assertIsInstance(r.window, TimeWindow)
        self.assertEqual(r.window.start_local, "2025-11-17T00:00:00Z")
        self.assertEqual(r.window.end_local, "2025-11-18T00:00:00Z")
        self.assertEqual([f.preview for f in r.frames], ["first"])
        self.assertIsInstance(r.frames[0], TimelineEntry)
        self.assertEqual(r.to_dict()["window"]["granularity"], "day")
        tokyo = self.mem.when("thursday", tz="Asia/Tokyo", anchor=ANCHOR)
        self.assertEqual([f.preview for f in tokyo.frames], ["second"])

    def test_resolve_time(self):
        w = memvid_sdk.resolve_time("2025-10-26", tz="Europe/Berlin")
        self.assertEqual(w.end_ms - w.start_ms, 25 * 3600 * 1000)  # the day clocks went back
        self.assertEqual(w.zone, "Europe/Berlin")
        w = memvid_sdk.resolve_time("since last monday", anchor=ANCHOR)
        self.assertIsNone(w.end_ms)
        self.assertEqual(w.start_local, "2025-11-17T00:00:00Z")
        amb = memvid_sdk.resolve_time("03/04/2025")
        self.assertTrue(amb.ambiguous)
        self.assertIn("month first", amb.note)
        with self.assertRaises(InvalidArgumentError) as e:
            memvid_sdk.resolve_time("in 9999999 days")
        self.assertIn("outside years 0001-9999", str(e.exception))
        with self.assertRaises(InvalidArgumentError):
            memvid_sdk.resolve_time("today", tz="Not/AZone")
        with self.assertRaises(InvalidArgumentError):
            self.mem.when("the twelfth of never")

    def test_date_phrases_in_find(self):
        hits = self.mem.find('date:"last week" OR date:2025-11-17', mode="lex", time_anchor=ANCHOR).hits
        self.assertEqual([h.id for h in hits], [0])
        hits = self.mem.find("date:wednesday", mode="lex", time_anchor=ANCHOR, time_zone="UTC").hits
        self.assertEqual([h.id for h in hits], [1])
        # In Tokyo the second frame falls on Thursday.
        hits = self.mem.find("date:wednesday", mode="lex", time_anchor=ANCHOR, time_zone="Asia/Tokyo").hits
        self.assertEqual(hits, [])
        with self.assertRaises(InvalidArgumentError):
            self.mem.find("date:today", time_zone="Mars/Olympus")


if __name__ == "__main__":
    unittest.main()
