#!/usr/bin/env python3
"""Enrichment of 1,000 fact-bearing documents: ours against the original memvid, same run.

The documents are the texts of bench/facts/labelled.jsonl (chat lines, bios, meeting notes,
CRM records), cycled to N documents, each with its number appended so that no two are equal.
Both memories are made without extraction at put (ours: create --no-enrich; the original:
put-many, which reads nothing the rules engine would not read again), then `enrich --engine
rules` reads every frame. Each enrich runs on a fresh copy of the memory; medians of RUNS.

  usage: compare_enrich.py MEMVID_CLI [--peer MEMVID_PEER_CLI] [--docs N] [--runs R]
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def documents(n):
    cases = [json.loads(line) for line in open(os.path.join(HERE, "facts", "labelled.jsonl"), encoding="utf-8")]
    return [{"title": "doc %d" % i, "text": "%s (note %d)" % (cases[i % len(cases)]["text"], i)} for i in range(n)]


def timed(argv, timeout=900):
    start = time.perf_counter()
    r = subprocess.run(argv, capture_output=True, text=True, timeout=timeout)
    elapsed = time.perf_counter() - start
    if r.returncode != 0:
        raise SystemExit("failed (%d): %s\n%s%s" % (r.returncode, " ".join(argv), r.stdout[-2000:], r.stderr[-2000:]))
    return elapsed, r.stdout


def enrich_runs(cli, base, argv_tail, runs, work):
    times, out = [], None
    for i in range(runs):
        path = os.path.join(work, "run%d.mv2" % i)
        shutil.copyfile(base, path)
        t, out = timed([cli, "enrich", path] + argv_tail)
        times.append(t)
        os.remove(path)
    return statistics.median(times), out


def ours(cli, docs, runs, work):
    base = os.path.join(work, "ours.mv2")
    jsonl = os.path.join(work, "docs.jsonl")
    with open(jsonl, "w", encoding="utf-8") as f:
        for d in docs:
            f.write(json.dumps(d) + "\n")
    # Ingest with extraction at put (the default), each run into a new memory.
    ingest = []
    for i in range(runs):
        path = os.path.join(work, "ingest%d.mv2" % i)
        timed([cli, "create", path, "--embedding", "none"])
        ingest.append(timed([cli, "put-many", path, "--jsonl", jsonl])[0])
        facts = len(json.loads(timed([cli, "facts", path, "--history", "--json"])[1]))
        os.remove(path)
    timed([cli, "create", base, "--embedding", "none", "--no-enrich"])
    timed([cli, "put-many", base, "--jsonl", jsonl])
    median, out = enrich_runs(cli, base, ["--json"], runs, work)
    r = json.loads(out)
    return (statistics.median(ingest), facts), (median, r["processed"], r["facts"])


def peer(cli, docs, runs, work):
    base = os.path.join(work, "peer.mv2")
    timed([cli, "create", base])
    # Its put-many extracts as it ingests. In batches of 100: one put-many of the 1,000
    # documents did not finish in 5 minutes here (MEMORY.md records the same hang).
    ingest = 0.0
    for i in range(0, len(docs), 100):
        batch = os.path.join(work, "batch.json")
        with open(batch, "w", encoding="utf-8") as f:
            json.dump(docs[i:i + 100], f)
        ingest += timed([cli, "put-many", base, "--input", batch])[0]
    cards = len(json.loads(timed([cli, "memories", base, "--json"])[1]))
    median, out = enrich_runs(cli, base, ["--engine", "rules", "--force", "--json"], runs, work)
    r = json.loads(out)
    return (ingest, cards), (median, r.get("frames_processed"), r.get("cards_extracted"))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("cli")
    ap.add_argument("--peer")
    ap.add_argument("--docs", type=int, default=1000)
    ap.add_argument("--runs", type=int, default=5)
    a = ap.parse_args()
    docs = documents(a.docs)
    rows, ingest = [], []
    with tempfile.TemporaryDirectory() as work:
        (it, ifacts), (t, frames, facts) = ours(a.cli, docs, a.runs, work)
        ingest.append(("memvid-cpp `put-many` (one call, extraction on)", it, ifacts))
        rows.append(("memvid-cpp `enrich` (rules/1)", t, frames, facts))
        if a.peer:
            (it, ifacts), (t, frames, facts) = peer(a.peer, docs, a.runs, work)
            ingest.append(("original `put-many` (10 calls of 100; it extracts at put)", it, ifacts))
            rows.append(("original `enrich --engine rules --force`", t, frames, facts))
    print("%d fact-bearing documents; CLI processes; medians of %d runs (the original's ingest: one run)\n" %
          (a.docs, a.runs))
    print("| ingest with extraction | time | facts recorded | per document |")
    print("|---|---:|---:|---:|")
    for name, t, facts in ingest:
        print("| %s | %.3f s | %s | %.3f ms |" % (name, t, facts, t * 1000 / a.docs))
    print("\n| enrich of a memory put without extraction | time | frames read | facts recorded | per document |")
    print("|---|---:|---:|---:|---:|")
    for name, t, frames, facts in rows:
        print("| %s | %.3f s | %s | %s | %.3f ms |" % (name, t, frames, facts, t * 1000 / a.docs))
    if len(rows) == 2:
        print("\ningest with extraction: the original takes %.0fx as long; enrich alone: %.1fx" %
              (ingest[1][1] / ingest[0][1], rows[1][1] / rows[0][1]))


if __name__ == "__main__":
    main()
