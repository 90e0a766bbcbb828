"""Opening, writing and reading a memory through memvid_sdk."""

import datetime as dt
import os
import pickle
import unittest

import memvid_sdk as mv
from mvtest_util import DOCS, TempDirCase


class OpenTest(TempDirCase):
    def test_use_auto_creates_then_opens(self):
        p = self.path()
        with mv.use("basic", p, embedding_model="none") as mem:
            self.assertFalse(mem.read_only)
            self.assertEqual(mem.path, p)
            fid = mem.put("hello world", title="greeting")
        self.assertTrue(mem.closed)
        self.assertTrue(os.path.exists(p))
        with mv.use("basic", p) as mem:
            self.assertEqual(mem.view(fid).text, "hello world")
            self.assertEqual(len(mem), 1)
            self.assertEqual(mem.frame_count, 1)

    def test_create_shorthand_and_modes(self):
        p = self.path()
        mem = self.track(mv.create(p, embedding_model="none", chunk_size=1000, chunk_overlap=100,
                                   language="english", wal_bytes=1 << 20, sync="normal"))
        mem.put("x")
        mem.close()
        with mv.use("basic", p, mode="open") as mem:
            self.assertEqual(mem.frame_count, 1)
        with mv.use("basic", p, mode="read_only") as ro:
            self.assertTrue(ro.read_only)
        with mv.use("basic", p, read_only=True) as ro:
            self.assertTrue(ro.read_only)
        with mv.open_memory(p, read_only=True) as ro:
            self.assertIn("read-only", repr(ro))

    def test_pathlike(self):
        import pathlib
        p = pathlib.Path(self.path())
        with mv.use("basic", p, embedding_model="none") as mem:
            self.assertEqual(mem.path, str(p))

    def test_bad_arguments(self):
        with self.assertRaises(mv.InvalidArgumentError) as cm:
            mv.use("fancy", self.path())
        self.assertIn("basic", str(cm.exception))
        self.assertEqual(cm.exception.code, "InvalidArgument")
        with self.assertRaises(TypeError):
            mv.use("basic", self.path(), no_such_option=1)
        with self.assertRaises(ValueError):
            mv.use("basic", self.path(), mode="sideways")
        with self.assertRaises(mv.InvalidArgumentError):
            mv.use("basic", self.path(), sync="sometimes")
        with self.assertRaises(mv.InvalidArgumentError):
            mv.use("basic", self.path(), recovery="maybe")
        with self.assertRaises(TypeError):
            mv.use("basic", self.path(), lock_timeout_ms="soon")
        self.assertFalse(os.path.exists(self.path()))


class WriteReadTest(TempDirCase):
    def test_put_view_round_trip(self):
        mem = self.new_memory()
        meta = {"author": "ada", "n": 3, "nested": {"ok": True, "list": [1, 2.5, None]}, "ü": "ß"}
        fid = mem.put("Alpha beta gamma", title="Greek", uri="mv2://greek", tags=["a", "b"],
                      labels=["x"], label="y", metadata=meta, timestamp=1700000000123)
        self.assertIsInstance(fid, int)
        f = mem.view(fid)
        self.assertIsInstance(f, mv.Frame)
        self.assertEqual(f.id, fid)
        self.assertEqual(f.text, "Alpha beta gamma")
        self.assertEqual(f.data, b"Alpha beta gamma")
        self.assertEqual(f.title, "Greek")
        self.assertEqual(f.uri, "mv2://greek")
        self.assertEqual(f.tags, ["a", "b"])
        self.assertEqual(f.labels, ["x", "y"])
        self.assertEqual(f.metadata, meta)
        self.assertEqual(f.timestamp_ms, 1700000000123)
        self.assertEqual(f.timestamp, dt.datetime(2023, 11, 14, 22, 13, 20, 123000, tzinfo=dt.timezone.utc))
        self.assertEqual(f.kind, "text")
        self.assertEqual(f.status, "active")
        self.assertIsNone(f.parent)
        self.assertIsNone(f.supersedes)
        self.assertIsNone(f.superseded_by)
        self.assertEqual(len(f.content_hash), 64)
        self.assertEqual(f.payload_bytes, 16)
        self.assertFalse(f.removed)
        self.assertFalse(f.has_vector)
        self.assertIsNone(f.chunk_size)
        d = f.to_dict()
        self.assertEqual(d["metadata"], meta)
        self.assertEqual(d["title"], "Greek")
        self.assertEqual(f, mem.view(fid))
        self.assertIn("Greek", repr(f))
        info = mem.view(fid, payload=False)
        self.assertIsNone(info.text)
        self.assertIsNone(info.data)
        self.assertEqual(info.title, "Greek")
        self.assertEqual(pickle.loads(pickle.dumps(f)), f)

    def test_no_metadata_is_empty_dict(self):
        mem = self.new_memory()
        fid = mem.put("plain")
        self.assertEqual(mem.view(fid).metadata, {})

    def test_timestamps(self):
        mem = self.new_memory()
        a = mem.put("a", timestamp=1700000000000)
        b = mem.put("b", timestamp=dt.datetime(2024, 1, 31, 12, 34, 56, 789000, tzinfo=dt.timezone.utc))
        c = mem.put("c", timestamp="2024-01-31T12:34:56.789Z")
        d = mem.put("d", timestamp="2024-01-31T14:34:56.789+02:00")
        e = mem.put("e", timestamp=dt.datetime(2024, 1, 31, 12, 34, 56, 789000))  # naive: UTC
        f = mem.put("f", timestamp=dt.date(2024, 1, 31))
        tz = dt.timezone(dt.timedelta(hours=-5))
        g = mem.put("g", timestamp=dt.datetime(2024, 1, 31, 7, 34, 56, 789000, tzinfo=tz))
        self.assertEqual(mem.view(a).timestamp_ms, 1700000000000)
        expected = 1706704496789
        for fid in (b, c, d, e, g):
            self.assertEqual(mem.view(fid).timestamp_ms, expected)
        self.assertEqual(mem.view(f).timestamp_ms, 1706659200000)
        with self.assertRaises(mv.InvalidArgumentError):
            mem.put("x", timestamp="2023-02-29")
        with self.assertRaises(mv.InvalidArgumentError):
            mem.put("x", timestamp="yesterday")
        with self.assertRaises(TypeError):
            mem.put("x", timestamp=[1])
        self.assertEqual(mv.parse_timestamp("2024-01-31"), 1706659200000)

    def test_default_timestamp_is_now(self):
        mem = self.new_memory()
        now = dt.datetime.now(dt.timezone.utc)
        f = mem.view(mem.put("now"))
        self.assertLess(abs((f.timestamp - now).total_seconds()), 60)

    def test_binary_data(self):
        mem = self.new_memory()
        blob = bytes(range(256)) * 4
        fid = mem.put(data=blob, title="blob")
        f = mem.view(fid)
        self.assertEqual(f.data, blob)
        self.assertIsNone(f.text)
        self.assertEqual(f.kind, "binary")
        fid2 = mem.put(data=bytearray(b"abc"), kind="document")
        self.assertEqual(mem.view(fid2).kind, "document")
        self.assertEqual(mem.view(fid2).text, "abc")
        with self.assertRaises(ValueError):
            mem.put("t", data=b"d")
        with self.assertRaises(ValueError):
            mem.put()
        with self.assertRaises(TypeError):
            mem.put(b"bytes as text")
        with self.assertRaises(TypeError):
            mem.put(data="str as data")

    def test_put_argument_errors(self):
        mem = self.new_memory()
        with self.assertRaises(TypeError):
            mem.put("x", colour="red")
        with self.assertRaises(TypeError):
            mem.put("x", tags=[1, 2])
        with self.assertRaises(TypeError):
            mem.put("x", metadata=[1])
        with self.assertRaises(mv.InvalidArgumentError):
            mem.put("x", metadata="[1, 2]")
        with self.assertRaises(mv.InvalidArgumentError):
            mem.put("x", kind="video")
        self.assertEqual(mem.view(mem.put("x", tags="single")).tags, ["single"])

    def test_put_many(self):
        mem = self.new_memory()
        ids = mem.put_many([{"text": f"document number {i}", "title": f"t{i}", "tags": ["bulk"],
                             "metadata": {"i": i}} for i in range(50)]
                           + [{"data": b"\x00\xff", "title": "bin"}])
        self.assertEqual(len(ids), 51)
        self.assertEqual(ids, sorted(ids))
        self.assertEqual(len(set(ids)), 51)
        self.assertEqual(mem.view(ids[7]).metadata, {"i": 7})
        self.assertEqual(mem.view(ids[7]).title, "t7")
        self.assertEqual(mem.view(ids[-1]).data, b"\x00\xff")
        self.assertEqual(mem.put_many([]), [])
        with self.assertRaises(TypeError):
            mem.put_many(["not a dict"])
        with self.assertRaises(TypeError):
            mem.put_many([{"text": "a", "bogus": 1}])
        # One bad document: nothing of the batch is written.
        before = mem.frame_count
        with self.assertRaises(mv.InvalidArgumentError):
            mem.put_many([{"text": "good"}, {"text": "bad", "metadata": "not json"}])
        self.assertEqual(mem.frame_count, before)

    def test_update_delete_timeline(self):
        mem, ids = self.filled_memory()
        new = mem.update(ids[0], "Rust ownership, revised.", title="Rust ownership v2")
        self.assertGreater(new, ids[-1])
        old = mem.view(ids[0])
        self.assertEqual(old.status, "superseded")
        self.assertEqual(old.superseded_by, new)
        self.assertEqual(mem.view(new).supersedes, ids[0])
        mem.delete(ids[1])
        self.assertEqual(mem.view(ids[1]).status, "deleted")
        active = mem.timeline()
        self.assertTrue(all(isinstance(e, mv.TimelineEntry) for e in active))
        self.assertEqual([e.id for e in active], [ids[2], ids[3], ids[4], new])
        everything = mem.timeline(include_inactive=True)
        self.assertEqual({e.id for e in everything}, set(ids) | {new})
        statuses = {e.id: e.status for e in everything}
        self.assertEqual(statuses[ids[0]], "superseded")
        self.assertEqual(statuses[ids[1]], "deleted")
        rev = mem.timeline(reverse=True, limit=2)
        self.assertEqual([e.id for e in rev], [new, ids[4]])
        window = mem.timeline(since=1700000002000, until=dt.datetime(2023, 11, 14, 22, 13, 23, tzinfo=dt.timezone.utc))
        self.assertEqual([e.id for e in window], [ids[2], ids[3]])
        self.assertEqual(window[0].title, "SQLite WAL")
        self.assertTrue(window[0].preview.startswith("A write-ahead log"))
        self.assertEqual(window[0].timestamp.year, 2023)
        self.assertEqual(window[0].to_dict()["id"], ids[2])
        s = mem.stats()
        self.assertEqual(s.frames, 6)
        self.assertEqual(s.active_frames, 4)
        self.assertEqual(s.deleted_frames, 1)
        self.assertEqual(s.superseded_frames, 1)
        with self.assertRaises(mv.NotFoundError):
            mem.delete(999)
        with self.assertRaises(mv.NotFoundError):
            mem.update(999, "x")
        with self.assertRaises(ValueError):
            mem.view(-1)
        with self.assertRaises(TypeError):
            mem.view("1")

    def test_stats_fields(self):
        mem, ids = self.filled_memory()
        s = mem.stats()
        self.assertIsInstance(s, mv.Stats)
        expected = {"frames", "active_frames", "deleted_frames", "superseded_frames",
                    "payload_bytes", "stored_bytes", "file_bytes", "wal_bytes", "wal_used_bytes",
                    "wal_pending_transactions", "toc_segments", "generation", "embedding_model",
                    "embedding_dimension", "vector_compression", "vectors",
                    "semantic_unavailable"}
        self.assertEqual(set(s.to_dict()), expected)
        self.assertEqual(s.frames, 5)
        self.assertEqual(s.embedding_model, "")
        self.assertGreater(s.file_bytes, 0)

    def test_transactions(self):
        mem = self.new_memory()
        with mem.transaction():
            a = mem.put("one")
            self.assertTrue(mem.in_transaction)
            b = mem.put("two")
        self.assertFalse(mem.in_transaction)
        self.assertEqual(mem.frame_count, 2)
        with self.assertRaises(RuntimeError):
            with mem.transaction():
                mem.put("three")
                raise RuntimeError("boom")
        self.assertFalse(mem.in_transaction)
        self.assertEqual(mem.frame_count, 2)
        self.assertEqual(mem.view(a).text, "one")
        self.assertEqual(mem.view(b).text, "two")
        mem.begin()
        mem.put("four")
        mem.rollback()
        self.assertEqual(mem.frame_count, 2)
        mem.begin()
        mem.put("five")
        mem.commit()
        self.assertEqual(mem.frame_count, 3)
        with self.assertRaises(mv.TransactionStateError):
            mem.rollback()
        mem.begin()
        with self.assertRaises(mv.TransactionStateError):
            mem.begin()
        mem.rollback()
        mem.commit()  # outside a transaction: just a checkpoint

    def test_seal_close_idempotent_and_use_after_close(self):
        mem, ids = self.filled_memory()
        mem.close()
        mem.close()
        self.assertTrue(mem.closed)
        self.assertIn("closed", repr(mem))
        with self.assertRaises(mv.ReadOnlyError):
            mem.put("late")
        with self.assertRaises(mv.ReadOnlyError):
            mem.find("rust")
        with self.assertRaises(mv.ReadOnlyError):
            mem.view(ids[0])
        mem2 = self.track(mv.use("basic", self.path()))
        mem2.seal()
        self.assertTrue(mem2.closed)
        mem2.close()
        with self.assertRaises(mv.ReadOnlyError):
            mem2.stats()
        with mv.use("basic", self.path(), read_only=True) as ro:
            self.assertEqual(ro.frame_count, 5)

    def test_context_manager_closes_on_exception(self):
        p = self.path()
        with self.assertRaises(KeyError):
            with mv.use("basic", p, embedding_model="none") as mem:
                mem.put("kept")
                raise KeyError("x")
        self.assertTrue(mem.closed)
        with mv.use("basic", p) as again:  # the lock was released
            self.assertEqual(again.frame_count, 1)

    def test_read_only_refresh(self):
        mem, ids = self.filled_memory()
        ro = self.track(mv.use("basic", self.path(), mode="read_only"))
        self.assertEqual(ro.frame_count, 5)
        mem.put("A sixth document about zebras.", title="zebra")
        ro.refresh()
        self.assertEqual(ro.frame_count, 6)
        self.assertEqual(len(ro.find("zebras")), 1)
        self.assertIsInstance(ro.recovery_info, mv.RecoveryInfo)


class ExtrasTest(TempDirCase):
    def test_ingest_compact_export_who(self):
        src = os.path.join(self.dir, "src")
        os.makedirs(src)
        with open(os.path.join(src, "a.md"), "w") as f:
            f.write("# Heading A\n\nMarkdown text about kangaroos.\n")
        with open(os.path.join(src, "b.txt"), "w") as f:
            f.write("Plain text about wombats.\n")
        mem = self.new_memory()
        report = mem.ingest(src)
        self.assertIsInstance(report, mv.IngestReport)
        self.assertEqual(report.ingested, 2)
        self.assertEqual(len(mem.find("kangaroos")), 1)
        fid = mem.put("temporary")
        mem.delete(fid)
        mem.commit()
        owner = mv.who(self.path())
        self.assertIsInstance(owner, mv.OwnerInfo)
        self.assertEqual(owner.pid, os.getpid())
        self.assertTrue(owner.alive)
        compacted = self.path("compact.mv2")
        mem.compact(compacted)
        backup = self.path("backup.mv2")
        mem.export(backup)
        with self.assertRaises(mv.AlreadyExistsError):
            mem.compact(backup)
        before = os.path.getsize(self.path())
        mem.compact()  # in place
        self.assertEqual(len(mem.find("kangaroos")), 1)
        self.assertLessEqual(os.path.getsize(self.path()), before)
        mem.close()
        with mv.use("basic", compacted, read_only=True) as c:
            self.assertEqual(c.stats().active_frames, 2)
            self.assertLess(c.stats().file_bytes, os.path.getsize(backup) + 1)
        with mv.use("basic", backup, read_only=True) as b:
            self.assertEqual(b.stats().deleted_frames, 1)
        restored = self.path("restored.mv2")
        mv.Memvid.restore(backup, restored)
        with mv.use("basic", restored, read_only=True) as r:
            self.assertEqual(len(r.find("wombats")), 1)
        with self.assertRaises(mv.NotFoundError):
            with mv.use("basic", self.path()) as m2:
                m2.ingest(os.path.join(self.dir, "missing"))


if __name__ == "__main__":
    unittest.main()
