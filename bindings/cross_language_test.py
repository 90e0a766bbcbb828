"""A memory written from Python reads identically from Node.js and from the CLI.

Python writes a memory (text in several scripts, metadata, tags and labels, explicit
timestamps, a binary payload, an update and a delete), then each of the three readers
reports every frame, the timeline, and the hits of several queries; the reports must agree
field for field, scores included (all three run the same C++ search).

Environment: PYTHONPATH finds memvid_sdk; MEMVID_NODE_PACKAGE is the Node.js package folder
(bindings/node); MEMVID_NODE_ADDON the built addon; MEMVID_CLI the memvid binary.
"""
import base64
import json
import os
import re
import subprocess
import tempfile
import unittest

import memvid_sdk

QUERIES = [
    ("crash safety", "lex"),
    ('"single file" OR tag:intro', "lex"),
    ("façade Ünïcödé", "lex"),
    ("how do I back up my notes", "auto"),
    ("restore", "lex"),
]

DOCS = [
    dict(text="memvid keeps an AI agent's memory in one single file.", title="What memvid is",
         uri="mv2://notes/intro", tags=["intro", "overview"], labels=["docs"],
         metadata={"author": "Ada", "nested": {"n": 1, "list": [1, 2.5, "x"]}},
         timestamp="2024-01-15T08:30:00Z"),
    dict(text="Every commit is crash-safe: a killed writer loses nothing it acknowledged. " * 40,
         title="Crash safety", uri="mv2://notes/crash", tags=["durability"], timestamp=1706745600000),
    dict(text="Copy the .mv2 file to back it up; there are no sidecar files. To restore, copy it back.",
         title="Backups", labels=["ops"], timestamp="2024-03-10"),
    dict(text="Ünïcödé façade — 東京の天気は晴れ. Emoji 🎉 and combining e\u0301 too.",
         title="Unicode ✓", tags=["ünïcödé"], timestamp="2024-04-01T00:00:00+02:00"),
    dict(text="This draft will be deleted.", title="Draft", timestamp="2024-05-01"),
]


def snake(name):
    return re.sub(r"(?<=[a-z0-9])([A-Z])", lambda m: "_" + m.group(1).lower(), name)


def snake_keys(value):
    if isinstance(value, dict):
        return {snake(k): snake_keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [snake_keys(v) for v in value]
    return value


def without(d, *keys):
    return {k: v for k, v in d.items() if k not in keys}


# The Node.js reader prints the same report as python_report(), with camelCase keys: every
# field of every frame, timeline entry, find result and the stats.
NODE_READER = r"""
const { use } = require(process.env.MEMVID_NODE_PACKAGE);
const [path, queriesJson] = process.argv.slice(1);
(async () => {
  const mem = await use('basic', path, { mode: 'read_only' });
  const timeline = await mem.timeline({ includeInactive: true });
  const frames = [];
  for (const e of timeline) {
    const f = await mem.view(e.id);
    frames.push({ ...f, data: f.data ? Buffer.from(f.data).toString('base64') : null });
  }
  const finds = [];
  for (const [q, mode] of JSON.parse(queriesJson)) {
    const { elapsedMs, ...r } = await mem.find(q, { k: 5, mode });
    // Highlights count UTF-16 units here, code points in Python, bytes in the CLI: compare
    // the words they pick out. Chunk offsets likewise: compare them as bytes.
    const hits = [];
    for (const h of r.hits) {
      const text = (await mem.view(h.id)).text;
      hits.push({ ...h, highlights: h.highlights.map(([b, e]) => h.snippet.slice(b, e)),
                  chunkBegin: Buffer.byteLength(text.slice(0, h.chunkBegin)),
                  chunkEnd: Buffer.byteLength(text.slice(0, h.chunkEnd)) });
    }
    r.hits = hits;
    finds.push(r);
  }
  const stats = await mem.stats();
  await mem.close();
  process.stdout.write(JSON.stringify({ timeline, frames, finds, stats }));
})().catch(e => { console.error(e); process.exit(1); });
"""


def highlighted(find_result, cut):
    """find_result with each hit's highlight spans replaced by the words they pick out."""
    for h in find_result["hits"]:
        h["highlights"] = [cut(h["snippet"], b, e) for b, e in h["highlights"]]
    return find_result


def python_report(path):
    with memvid_sdk.use("basic", path, mode="read_only") as mem:
        timeline = mem.timeline(include_inactive=True)
        frames = []
        for e in timeline:
            f = mem.view(e.id).to_dict()
            f["data"] = base64.b64encode(f["data"]).decode() if f["data"] is not None else None
            frames.append(f)
        finds = [highlighted(without(mem.find(q, k=5, mode=mode).to_dict(), "elapsed_ms"), lambda s, b, e: s[b:e])
                 for q, mode in QUERIES]
        # Chunk offsets count code points here, UTF-16 units in Node, bytes in the CLI: compare
        # them as bytes.
        for r in finds:
            for h in r["hits"]:
                text = mem.view(h["id"]).text
                h["chunk_begin"] = len(text[:h["chunk_begin"]].encode())
                h["chunk_end"] = len(text[:h["chunk_end"]].encode())
        return dict(timeline=[e.to_dict() for e in timeline], frames=frames, finds=finds,
                    stats=mem.stats().to_dict())


def cli_json(*args):
    out = subprocess.run([os.environ["MEMVID_CLI"], *args, "--json"], check=True, capture_output=True,
                         text=True, encoding="utf-8")
    return json.loads(out.stdout)


@unittest.skipUnless(os.environ.get("MEMVID_NODE_PACKAGE") and os.environ.get("MEMVID_CLI"),
                     "needs MEMVID_NODE_PACKAGE and MEMVID_CLI")
class CrossLanguageTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.TemporaryDirectory()
        cls.path = os.path.join(cls.dir.name, "shared.mv2")
        with memvid_sdk.use("basic", cls.path, mode="create") as mem:
            ids = mem.put_many(DOCS)
            cls.binary_id = mem.put(data=bytes(range(256)) * 4, title="Blob", kind="binary",
                                    timestamp="2024-06-01")
            cls.updated_id = mem.update(ids[2], text="Copy the .mv2 file to back it up. To restore a "
                                        "backup, copy the saved file back in place.", title="Backups v2",
                                        labels=["ops"], timestamp="2024-03-11")
            mem.delete(ids[4])
        cls.python = python_report(cls.path)
        node = subprocess.run(["node", "-e", NODE_READER, cls.path, json.dumps(QUERIES)], check=True,
                              capture_output=True, text=True, encoding="utf-8")
        cls.node = snake_keys(json.loads(node.stdout))

    @classmethod
    def tearDownClass(cls):
        cls.dir.cleanup()

    def test_the_memory_holds_what_python_wrote(self):
        statuses = {f["title"]: f["status"] for f in self.python["frames"]}
        self.assertEqual(statuses["Backups"], "superseded")
        self.assertEqual(statuses["Backups v2"], "active")
        self.assertEqual(statuses["Draft"], "deleted")
        blob = next(f for f in self.python["frames"] if f["id"] == self.binary_id)
        self.assertIsNone(blob["text"])
        self.assertEqual(base64.b64decode(blob["data"]), bytes(range(256)) * 4)
        self.assertTrue(all(r["hits"] for r in self.python["finds"][:3]))

    def test_node_reads_what_python_wrote_identically(self):
        self.assertEqual(self.node["timeline"], self.python["timeline"])
        self.assertEqual(self.node["frames"], self.python["frames"])
        self.assertEqual(self.node["finds"], self.python["finds"])
        self.assertEqual(self.node["stats"], self.python["stats"])

    def test_the_cli_reads_what_python_wrote_identically(self):
        for frame in self.python["frames"]:
            view = without(cli_json("view", self.path, "--frame", str(frame["id"])), "time", "warnings")
            # JSON holds text only: data is base64 there when the payload is not text, else null.
            if frame["text"] is None:
                self.assertEqual(base64.b64decode(view["data"]), base64.b64decode(frame["data"]))
            else:
                self.assertIsNone(view["data"])
            self.assertEqual(without(view, "data"), without(frame, "data"), f"frame {frame['id']}")
        timeline = cli_json("timeline", self.path, "--all")
        self.assertEqual([without(e, "time") for e in timeline], self.python["timeline"])
        for (query, mode), ours in zip(QUERIES, self.python["finds"]):
            cli = cli_json("find", self.path, "--query", query, "--mode", mode, "-k", "5")
            cli["hits"] = [without(h, "time", "retrievers") for h in cli["hits"]]
            cli = highlighted(cli, lambda s, b, e: s.encode()[b:e].decode())
            self.assertEqual(without(cli, "query", "warnings", "elapsed_ms"), ours, query)
        stats = cli_json("stats", self.path)
        self.assertEqual(without(stats, "path", "warnings"), self.python["stats"])


if __name__ == "__main__":
    unittest.main()
