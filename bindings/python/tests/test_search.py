"""find and ask through memvid_sdk."""

import json
import os
import unittest

import memvid_sdk as mv
from mvtest_util import DOCS, TempDirCase

HIT_FIELDS = {"id", "score", "rank", "kind", "timestamp_ms", "title", "uri", "tags", "labels",
              "chunk", "chunk_count", "chunk_begin", "chunk_end", "page", "snippet",
              "highlights", "lexical_match", "semantic_match", "lexical_score",
              "semantic_score", "duplicates", "duplicate_ids"}


class FindTest(TempDirCase):
    def test_find_hits(self):
        mem, ids = self.filled_memory()
        r = mem.find("ownership", mode="lex")
        self.assertIsInstance(r, mv.FindResult)
        self.assertEqual(len(r), 1)
        self.assertTrue(r)
        hit = r.hits[0]
        self.assertIs(r[0], hit)
        self.assertEqual([h.id for h in r], [ids[0]])
        self.assertIsInstance(hit, mv.Hit)
        self.assertEqual(hit.id, ids[0])
        self.assertEqual(hit.title, "Rust ownership")
        self.assertEqual(hit.rank, 1)
        self.assertEqual(hit.uri, "mv2://docs/0")
        self.assertEqual(hit.tags, ["lang", "rust"])
        self.assertEqual(hit.kind, "text")
        self.assertEqual(hit.timestamp_ms, 1700000000000)
        self.assertGreater(hit.score, 0)
        self.assertTrue(hit.lexical_match)
        self.assertIn("ownership", hit.snippet)
        self.assertTrue(hit.highlights)
        b, e = hit.highlights[0]
        self.assertEqual(hit.snippet[b:e].lower(), "ownership")  # code points, as str indexes
        self.assertEqual(r.mode, "lex")
        self.assertIsNone(r.next_cursor)
        self.assertIsInstance(r.elapsed_ms, float)
        d = r.to_dict()
        self.assertEqual(set(d), {"hits", "next_cursor", "mode", "note", "total_hits", "total_hits_exact",
                                  "semantic_floor", "elapsed_ms"})
        self.assertEqual((r.total_hits, r.total_hits_exact), (1, True))
        self.assertIsNone(hit.semantic_score)  # lex mode: no cosine
        self.assertEqual(set(d["hits"][0]), HIT_FIELDS)
        json.dumps(d)  # plain JSON-able values
        self.assertEqual(hit, mv.Hit(**hit.to_dict()))
        self.assertEqual(r, mem.find("ownership", mode="lex"))  # timings aside
        self.assertNotEqual(r, mem.find("log", mode="lex"))
        self.assertIn("Rust ownership", repr(hit))

    def test_find_options(self):
        mem, ids = self.filled_memory()
        self.assertEqual(len(mem.find("log", mode="lex")), 2)
        self.assertEqual([h.id for h in mem.find("log", scope="mv2://docs/4", mode="lex")], [ids[4]])
        self.assertEqual([h.id for h in mem.find("log", as_of_frame=ids[3], mode="lex")], [ids[2]])
        self.assertEqual([h.id for h in mem.find("log", as_of=1700000002500, mode="lex")], [ids[2]])
        self.assertEqual([h.id for h in mem.find("log", as_of="2023-11-14T22:13:22.500Z", mode="lex")], [ids[2]])
        self.assertEqual(mem.find("log", snippet_chars=0, mode="lex")[0].snippet, "")
        self.assertEqual([h.id for h in mem.find("tag:db", mode="lex")], [ids[2]])
        self.assertEqual([h.id for h in mem.find('title:"python gil"', mode="lex")], [ids[1]])
        self.assertEqual(len(mem.find("nothingmatchesthis")), 0)
        self.assertFalse(mem.find("nothingmatchesthis"))
        with self.assertRaises(mv.InvalidArgumentError):
            mem.find("log", mode="psychic")
        with self.assertRaises(mv.InvalidArgumentError):
            mem.find("log", fusion="average")
        with self.assertRaises(ValueError):
            mem.find("log", k=-1)
        with self.assertRaises(TypeError):
            mem.find(b"log")
        with self.assertRaises(TypeError):
            mem.find("log", bogus=1)

    def test_vector_graph_min_rows_builds_graphs_for_smaller_parts(self):
        # The default scans a part this small; a threshold of one row gives it an HNSW graph,
        # which takes room in the file, and search finds the same nearest frames.
        docs = [{"text": f"note {i}: rivers, mountains and the sea; item {i * 7919 % 1000}"} for i in range(300)]
        sizes, hits = {}, {}
        for rows in (None, 1):
            p = self.path(f"graph_{rows}.mv2")
            opts = {} if rows is None else {"vector_graph_min_rows": rows}
            with mv.use("basic", p, mode="create", **opts) as m:
                m.put_many(docs)
            sizes[rows] = os.path.getsize(p)
            with mv.use("basic", p, mode="read_only") as m:
                hits[rows] = [h.id for h in m.find("rivers and the sea", k=5, mode="sem").hits]
        self.assertGreater(sizes[1], sizes[None])
        self.assertEqual(len(hits[1]), 5)
        self.assertEqual(hits[1], hits[None])
        with self.assertRaises(mv.InvalidArgumentError):
            mv.use("basic", self.path("bad.mv2"), mode="create", vector_graph_min_rows=-1)

    def test_pagination(self):
        mem = self.new_memory()
        ids = mem.put_many([{"text": f"apple number {i} " + "apple " * (i % 7), "title": f"a{i}"}
                            for i in range(25)])
        seen = []
        cursor = None
        pages = 0
        while True:
            r = mem.find("apple", k=10, cursor=cursor, mode="lex")
            seen.extend(h.id for h in r)
            self.assertEqual([h.rank for h in r], list(range(len(seen) - len(r) + 1, len(seen) + 1)))
            pages += 1
            cursor = r.next_cursor
            if cursor is None:
                break
        self.assertEqual(pages, 3)
        self.assertEqual(sorted(seen), sorted(ids))
        first = mem.find("apple", k=25, mode="lex")
        self.assertEqual([h.id for h in first], seen)
        off = mem.find("apple", k=5, offset=10, mode="lex")
        self.assertEqual([h.id for h in off], seen[10:15])

    def test_chunks(self):
        mem = self.new_memory()
        paragraphs = [f"Paragraph {i} talks about subject{i} in some detail. " * 4 for i in range(12)]
        text = "\n\n".join(paragraphs)
        fid = mem.put(text, title="long", chunk_size=256, chunk_overlap=32)
        f = mem.view(fid)
        self.assertEqual((f.chunk_size, f.chunk_overlap), (256, 32))
        hit = mem.find("subject7", mode="lex")[0]
        self.assertEqual(hit.id, fid)
        self.assertGreater(hit.chunk_count, 1)
        self.assertIn("subject7", text.encode()[hit.chunk_begin:hit.chunk_end].decode())
        many = mem.find("paragraph", mode="lex", collapse_chunks=False, k=50)
        self.assertGreater(len(many), 1)
        self.assertEqual({h.id for h in many}, {fid})

    def test_query_errors(self):
        mem, _ = self.filled_memory()
        for bad in ("title:", '"unclosed', "()", "foo:bar"):
            # Read as plain words by default, with a note...
            self.assertIn("plain text", mem.find(bad, mode="lex").note, bad)
            # ...and an error when asked to be strict.
            with self.assertRaises(mv.QueryError, msg=bad) as cm:
                mem.find(bad, mode="lex", strict=True)
            self.assertEqual(cm.exception.code, "InvalidQuery")
            self.assertIsInstance(cm.exception, ValueError)
            self.assertIsInstance(cm.exception, mv.MemvidError)

    def test_highlights_index_the_snippet_by_code_point(self):
        mem = mv.use("basic", self.path("u.mv2"), embedding_model="none")
        mem.put("Ünïcödé façade — naïve café 𝄞 and the naïve façade again, “quoted” façade.", title="u")
        mem.put("façade façade", title="copy", uri="mv2://a")
        mem.put("façade façade", title="copy", uri="mv2://b")
        r = mem.find("façade naïve", mode="lex", snippet_chars=40)
        spans = [(h.snippet, b, e) for h in r for b, e in h.highlights]
        self.assertTrue(spans)
        for snippet, b, e in spans:
            self.assertIn(snippet[b:e].lower(), ("façade", "naïve"), snippet)
        # The two copies fold into one hit; keeping them gives both.
        copies = [h for h in r if h.title == "copy"]
        self.assertEqual(len(copies), 1)
        self.assertEqual(copies[0].duplicates, 1)
        self.assertEqual(len(mem.find("façade", mode="lex", collapse_duplicates=False)), 3)
        with self.assertRaises(mv.InvalidArgumentError):
            mem.find("façade", semantic_floor=True)
        mem.close()

    def test_chunk_offsets_index_the_text_by_code_point(self):
        mem = mv.use("basic", self.path("c.mv2"), embedding_model="none")
        paragraphs = ["Ünïcödé paragraph %d: naïve café façade 𝄞 déjà vu, über straße." % i for i in range(12)]
        paragraphs[9] = "The quokka lives on Rottnest Island — naïve visitors photograph it 𝄞."
        text = "\n\n".join(paragraphs)
        fid = mem.put(text, title="long", chunk_size=200, chunk_overlap=0)
        stored = mem.view(fid).text
        r = mem.find("quokka", mode="lex", collapse_chunks=False)
        self.assertEqual(len(r), 1)
        h = r[0]
        self.assertGreater(h.chunk, 0)  # a later passage: its offsets count the characters before it
        self.assertIn("quokka", stored[h.chunk_begin:h.chunk_end])
        self.assertLess(h.chunk_end - h.chunk_begin, 260)
        a = mem.ask("Where does the quokka live?", context_only=True, mode="lex")
        self.assertTrue(a.sources)
        s = a.sources[0]
        self.assertEqual(stored[s.chunk_begin:s.chunk_end], s.text)
        mem.close()

    def test_where_filters_by_metadata_in_find_ask_and_timeline(self):
        mem = mv.use("basic", self.path("w.mv2"), embedding_model="none")
        for i in range(9):
            mem.put(f"session note {i} about the deploy", metadata={"user": ["ann", "ben", "cy"][i % 3], "n": i})
        ann = {h.id for h in mem.find("deploy", k=20, where={"user": "ann"})}
        self.assertEqual(len(ann), 3)
        self.assertEqual(ann, {h.id for h in mem.find("meta.user:ann", k=20)})
        self.assertEqual(len(mem.find("deploy", k=20, where='{"n": {"$gte": 6}}')), 3)
        self.assertTrue(all(s.id in ann for s in mem.ask("the deploy?", mode="lex", where={"user": "ann"}).sources))
        self.assertEqual(len(mem.timeline(where={"n": {"$in": [0, 1]}})), 2)
        with self.assertRaises(mv.InvalidArgumentError):
            mem.find("deploy", where={"n": {"$near": 1}})
        with self.assertRaises(TypeError):
            mem.find("deploy", where=[1])
        mem.close()

    def test_ask_extractive(self):
        mem, ids = self.filled_memory()
        a = mem.ask("What does the borrow checker enforce?", mode="lex")
        self.assertIsInstance(a, mv.AskResult)
        self.assertTrue(a.found)
        self.assertFalse(a.used_model)
        self.assertTrue(a.note)
        self.assertIn("ownership", a.answer)
        self.assertTrue(a.sources)
        src = a.sources[0]
        self.assertIsInstance(src, mv.AskSource)
        self.assertEqual(src.number, 1)
        self.assertEqual(src.id, ids[0])
        self.assertEqual(src.title, "Rust ownership")
        self.assertIn(1, a.citations)
        self.assertIn("[1]", a.context)
        self.assertEqual(a.mode, "lex")
        self.assertEqual(a.question, "What does the borrow checker enforce?")
        d = a.to_dict()
        json.dumps(d)
        self.assertEqual(set(d["sources"][0]), {"number", "id", "title", "uri", "timestamp_ms",
                                                "page", "chunk_begin", "chunk_end", "score",
                                                "snippet", "text"})
        ctx = mem.ask("borrow checker", context_only=True, mode="lex")
        self.assertEqual(ctx.answer, "")
        self.assertTrue(ctx.context)
        none = mem.ask("zzzqqq xyzzy", mode="lex")
        self.assertFalse(none.found)
        with self.assertRaises(mv.QueryError):
            mem.ask("   ", mode="lex")


class SemanticTest(TempDirCase):
    """Runs with the built-in embedding model (skipped when it is not installed)."""

    def _memory(self):
        mem = self.new_memory(embedding_model="builtin")
        reason = mem.stats().semantic_unavailable
        if reason:
            self.skipTest(f"semantic search unavailable: {reason}")
        return mem

    def test_semantic_and_hybrid(self):
        mem = self._memory()
        ids = mem.put_many([{"text": t, "title": title} for title, t, _ in DOCS])
        self.assertEqual(mem.stats().vectors, len(DOCS))
        self.assertTrue(mem.view(ids[0]).has_vector)
        r = mem.find("Raft elects a leader and replicates the log", mode="sem", k=3)
        self.assertEqual(r.mode, "sem")
        self.assertIn(ids[4], [h.id for h in r])
        self.assertTrue(r.hits[0].semantic_match)
        self.assertGreater(r.hits[0].semantic_score, 0)
        h = mem.find("Raft leader", mode="auto", k=3)
        self.assertEqual(h.mode, "auto")
        self.assertEqual(h.hits[0].id, ids[4])
        rrf = mem.find("Raft leader", mode="auto", fusion="rrf", k=3)
        self.assertEqual(rrf.hits[0].id, ids[4])


class CustomVectorTest(TempDirCase):
    def test_caller_vectors(self):
        mem = self.new_memory(embedding_model="custom:test", embedding_dimension=3)
        a = mem.put("first", vector=[1.0, 0.0, 0.0])
        b = mem.put("second", vector=(0.0, 1.0, 0.0))
        self.assertTrue(mem.view(a).has_vector)
        r = mem.find("", vector=[0.1, 0.9, 0.0], mode="sem", k=2)
        self.assertEqual(r.hits[0].id, b)
        with self.assertRaises(mv.ModelMismatchError):
            mem.put("third", vector=[1.0, 0.0])
        with self.assertRaises(TypeError):
            mem.put("fourth", vector="abc")


if __name__ == "__main__":
    unittest.main()
