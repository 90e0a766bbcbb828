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


class MentionsTest(unittest.TestCase):
    """Dates mentioned inside texts: find_time_mentions, when(mentions=True), mentions: in find."""

    def test_find_time_mentions(self):
        found = memvid_sdk.find_time_mentions(
            "We shipped it yesterday; the outage on March 5, 2024 lasted an hour. Version 2.4.1.",
            written="2025-06-15")
        self.assertEqual([m.text for m in found], ["yesterday", "March 5, 2024"])
        self.assertIsInstance(found[0], memvid_sdk.TimeMention)
        self.assertEqual((found[0].first_day, found[0].last_day, found[0].relative), ("2025-06-14", "2025-06-14", True))
        self.assertEqual(found[1].granularity, "day")
        text = "Réunion le 5 March 2024"
        m = memvid_sdk.find_time_mentions(text, written="2025-06-15")[0]
        self.assertEqual(text.encode()[m.begin:m.end].decode(), "5 March 2024")  # UTF-8 byte offsets
        with self.assertRaises(TypeError):
            memvid_sdk.find_time_mentions(42)

    def test_when_mentions_and_query_filter(self):
        with tempfile.TemporaryDirectory() as d:
            with memvid_sdk.create(os.path.join(d, "m.mv2"), embedding_model="none") as mem:
                a = mem.put("The audit of Q1 2024 found two issues.", timestamp="2025-06-01T00:00:00Z")
                mem.put("Release notes for version 2024.1.", timestamp="2024-02-01T00:00:00Z")
                r = mem.when("february 2024", mentions=True)
                self.assertEqual([f.id for f in r.frames], [a])
                self.assertEqual(r.mentions[0].text, "Q1 2024")
                self.assertEqual((r.mentions[0].first_day, r.mentions[0].last_day), ("2024-01-01", "2024-03-31"))
                self.assertEqual(mem.when("february 2024").frames[0].id, a + 1)  # written then
                self.assertEqual(mem.when("february 2024", mentions=True, within=True).frames, [])
                self.assertEqual(len(mem.when("2024", mentions=True, within=True).frames), 1)
                with self.assertRaises(InvalidArgumentError):
                    mem.when("2024", within=True)
                hits = mem.find('mentions:"march 2024"').hits
                self.assertEqual([h.id for h in hits], [a])
            with memvid_sdk.create(os.path.join(d, "plain.mv2"), embedding_model="none",
                                   index_time_mentions=False) as mem:
                mem.put("On March 5, 2024 we met.")
                with self.assertRaises(InvalidArgumentError):
                    mem.when("march 2024", mentions=True)


if __name__ == "__main__":
    unittest.main()
