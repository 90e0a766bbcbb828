"""A memory written from Python reads the same through the CLI (env MEMVID_CLI)."""

import json
import os
import shutil
import subprocess
import unittest

import memvid_sdk as mv
from mvtest_util import DOCS, TempDirCase

CLI = os.environ.get("MEMVID_CLI") or shutil.which("memvid")


@unittest.skipUnless(CLI and os.path.exists(CLI), "MEMVID_CLI not set (the memvid CLI binary)")
def without(d, *keys):
    return {k: v for k, v in d.items() if k not in keys}


class CliTest(TempDirCase):
    def cli(self, *args):
        out = subprocess.run([CLI, *args], capture_output=True, text=True, timeout=60)
        self.assertEqual(out.returncode, 0, out.stderr)
        return json.loads(out.stdout)

    def test_find_and_view_match(self):
        mem, ids = self.filled_memory()
        fid = mem.put("The ownership of memory in Rust is checked at compile time.",
                      title="More Rust", tags=["rust"], metadata={"k": [1, "two"]},
                      timestamp="2024-05-01T00:00:00Z")
        mem.close()
        p = self.path()
        with mv.use("basic", p, read_only=True) as ro:
            for query in ("ownership", "log", "title:raft", "rust OR python"):
                sdk = ro.find(query, mode="lex")
                cli = self.cli("find", p, "--query", query, "--mode", "lex", "--json")
                # The same fields and values: the CLI adds only the query, each hit's ISO time
                # and retrievers, and the warnings.
                ours = sdk.to_dict()
                self.assertEqual([without(h, "time", "retrievers") for h in cli["hits"]], ours["hits"])
                self.assertEqual(without(cli, "query", "warnings", "hits", "elapsed_ms"),
                                 without(ours, "hits", "elapsed_ms"))
            for i in ids + [fid]:
                frame = ro.view(i)
                cli = self.cli("view", p, "--frame", str(i), "--json")
                # data: bytes here, and in JSON (which holds text only) null when text holds it.
                self.assertIsNone(cli["data"])
                self.assertEqual(without(cli, "time", "warnings", "data"), without(frame.to_dict(), "data"))
                self.assertEqual(frame.data, frame.text.encode())

    def test_semantic_find_matches(self):
        mem = self.new_memory(embedding_model="builtin")
        reason = mem.stats().semantic_unavailable
        if reason:
            self.skipTest(f"semantic search unavailable: {reason}")
        mem.put_many([{"text": t, "title": title} for title, t, _ in DOCS])
        mem.close()
        p = self.path()
        with mv.use("basic", p, read_only=True) as ro:
            for mode in ("sem", "auto"):
                sdk = ro.find("leader of a replicated log", mode=mode, k=5)
                cli = self.cli("find", p, "--query", "leader of a replicated log", "--mode", mode,
                               "-k", "5", "--json")
                self.assertEqual(cli["mode"], sdk.mode)
                self.assertEqual([h["id"] for h in cli["hits"]], [h.id for h in sdk])
                self.assertEqual([h["score"] for h in cli["hits"]], [h.score for h in sdk])
                self.assertEqual([h.get("semantic_score") for h in cli["hits"]],
                                 [h.semantic_score for h in sdk])

    def test_cli_written_memory_reads_in_python(self):
        p = self.path()
        mem = self.new_memory()
        mem.close()
        out = subprocess.run([CLI, "put", p, "--title", "From CLI", "--text", "cli wrote this text"],
                             capture_output=True, text=True, timeout=60)
        if out.returncode != 0:
            self.skipTest(f"CLI put usage differs: {out.stderr.strip()[:200]}")
        with mv.use("basic", p, read_only=True) as ro:
            r = ro.find("cli wrote", mode="lex")
            self.assertEqual(len(r), 1)
            self.assertEqual(r[0].title, "From CLI")
            self.assertEqual(ro.view(r[0].id).text, "cli wrote this text")


if __name__ == "__main__":
    unittest.main()
