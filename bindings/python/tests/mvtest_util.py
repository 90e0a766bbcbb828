"""Shared helpers of the memvid_sdk tests (not a test module itself)."""

import os
import shutil
import tempfile
import unittest

import memvid_sdk as mv

DOCS = [
    ("Rust ownership", "The borrow checker enforces ownership and lifetimes in Rust programs.",
     ["lang", "rust"]),
    ("Python GIL", "The global interpreter lock lets one thread run Python bytecode at a time.",
     ["lang", "python"]),
    ("SQLite WAL", "A write-ahead log lets readers continue while a writer appends pages.",
     ["db"]),
    ("Bloom filters", "A Bloom filter answers set membership with false positives but no false negatives.",
     ["ds"]),
    ("Raft consensus", "Raft elects a leader that replicates a log to followers for consensus.",
     ["distributed"]),
]


class TempDirCase(unittest.TestCase):
    """A test case with a fresh temporary directory (self.dir) removed afterwards."""

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="memvid_py_")
        self._handles = []

    def tearDown(self):
        for h in self._handles:
            try:
                h.close()
            except mv.MemvidError:
                pass
        shutil.rmtree(self.dir, ignore_errors=True)

    def path(self, name="m.mv2"):
        return os.path.join(self.dir, name)

    def track(self, mem):
        self._handles.append(mem)
        return mem

    def new_memory(self, name="m.mv2", **options):
        """A fresh lexical-only memory (no embedding model needed) unless options say otherwise."""
        options.setdefault("embedding_model", "none")
        options.setdefault("sync", "off")
        return self.track(mv.use("basic", self.path(name), mode="create", **options))

    def filled_memory(self, name="m.mv2", **options):
        mem = self.new_memory(name, **options)
        ids = mem.put_many([{"text": t, "title": title, "tags": tags,
                             "uri": f"mv2://docs/{i}", "timestamp": 1700000000000 + i * 1000}
                            for i, (title, t, tags) in enumerate(DOCS)])
        return mem, ids
