#!/usr/bin/env python3
"""An agent's loop through the Python SDK: put one document, then search, over and over.

Issue 20 measured find after 200 puts at 0.55 ms and after 2,000 at 1.7 ms, with a sawtooth
at checkpoints. This bench repeats that loop on a fresh memory and reports, per window of
rounds, the median and p90 of the find that follows each put, so that growth with the
session and spikes after checkpoints both show. The documents are the shared corpus's
(../shared/bench/corpus50k.jsonl.zst, in order); each round's query is a word pair from the
query mix (bench/queries/mix.txt), cycled.

    PYTHONPATH=build/release/python python3 bench/agent_loop.py [--rounds 5000] \
        [--window 500] [--embedding none,builtin] [--mode lex] [--sync normal] [--json out.json]
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import memvid_sdk as mv

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "..", "..", "shared", "bench", "corpus50k.jsonl.zst")


def load_docs(n):
    out = subprocess.run(["zstdcat", CORPUS], check=True, capture_output=True).stdout
    docs = []
    for line in out.splitlines():
        rec = json.loads(line)
        docs.append({"text": rec["text"], "title": rec["title"], "uri": "mv2://" + rec["id"]})
        if len(docs) == n:
            break
    return docs


def load_queries():
    queries = []
    with open(os.path.join(HERE, "queries", "mix.txt"), encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or "\t" not in line:
                continue
            queries.append(line.rstrip("\n").split("\t", 1)[1])
    return queries


def pct(values, q):
    s = sorted(values)
    return s[min(len(s) - 1, int(q * len(s)))]


def run(docs, queries, embedding, mode, sync, window):
    with tempfile.TemporaryDirectory() as tmp:
        mem = mv.use("basic", os.path.join(tmp, "agent.mv2"), mode="create", embedding_model=embedding,
                     sync=sync)
        finds, puts, generations = [], [], []
        for i, doc in enumerate(docs):
            t0 = time.perf_counter()
            mem.put(**doc)
            t1 = time.perf_counter()
            mem.find(queries[i % len(queries)], k=10, mode=mode)
            t2 = time.perf_counter()
            puts.append(t1 - t0)
            finds.append(t2 - t1)
            generations.append(mem.stats().generation if (i + 1) % window == 0 else None)
        mem.close()
    rows = []
    for start in range(0, len(docs), window):
        f = finds[start:start + window]
        p = puts[start:start + window]
        rows.append({"rounds": f"{start}-{start + len(f)}", "find_p50_ms": statistics.median(f) * 1e3,
                     "find_p90_ms": pct(f, 0.9) * 1e3, "find_max_ms": max(f) * 1e3,
                     "put_p50_ms": statistics.median(p) * 1e3,
                     "checkpoints": generations[start + len(f) - 1]})
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rounds", type=int, default=5000)
    ap.add_argument("--window", type=int, default=500)
    ap.add_argument("--embedding", default="none,builtin")
    ap.add_argument("--mode", default="auto", help="find mode (auto, lex, sem)")
    ap.add_argument("--sync", default="normal")
    ap.add_argument("--json", help="write the tables here too")
    args = ap.parse_args()
    docs = load_docs(args.rounds)
    queries = load_queries()
    results = {}
    for embedding in args.embedding.split(","):
        mode = args.mode if embedding != "none" else "lex"
        rows = run(docs, queries, embedding, mode, args.sync, args.window)
        results[embedding] = rows
        first, last = rows[0]["find_p50_ms"], rows[-1]["find_p50_ms"]
        print(f"\nembedding {embedding}, find --mode {mode}, sync {args.sync}: "
              f"last window / first window find p50 = {last / first:.2f}x")
        print(f"{'rounds':>12} {'find p50':>9} {'p90':>8} {'max':>8} {'put p50':>8} {'checkpoints':>11}")
        for r in rows:
            print(f"{r['rounds']:>12} {r['find_p50_ms']:8.3f}m {r['find_p90_ms']:7.3f}m "
                  f"{r['find_max_ms']:7.2f}m {r['put_p50_ms']:7.3f}m {r['checkpoints']:>11}")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump({"args": vars(args), "results": results}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
