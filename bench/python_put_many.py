#!/usr/bin/env python3
"""put_many vs single put() through the Python SDK (memvid_sdk).

Builds N small documents (default 10,000) and times, into fresh memories in a temporary
directory:
  * put_many(all N): one transaction, one commit;
  * N single put() calls: each its own transaction and commit.
With the default sync='full' every commit is fsynced, which is what makes single puts slow;
the run is repeated with sync='normal' (checkpoints fsynced only) to show the ratio without
the per-commit fsync. Medians over --reps repetitions. Each time runs from the first put to
the end of close(), so the index work a checkpoint does (BM25 segments; with a model, the
vector index) counts for both. Lexical-only memories (--embedding none, the default) measure
the write path; --embedding builtin adds the built-in model's embedding and the vector index.

    PYTHONPATH=build/release/python python3 bench/python_put_many.py [--docs 10000] [--reps 3] [--embedding none,builtin]
"""

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time

import memvid_sdk as mv

WORDS = ("memory index frame search vector lexical commit journal checksum segment "
         "table content header footer token passage snippet ranking query answer").split()


def make_docs(n):
    docs = []
    for i in range(n):
        body = " ".join(WORDS[(i * 7 + j * 3) % len(WORDS)] for j in range(24))
        docs.append({"text": f"Document {i}: {body}.", "title": f"doc {i}",
                     "tags": ["bench"], "timestamp": 1700000000000 + i})
    return docs


def time_put_many(path, docs, sync, embedding):
    mem = mv.use("basic", path, mode="create", embedding_model=embedding, sync=sync)
    t0 = time.perf_counter()
    ids = mem.put_many(docs)
    mem.close()
    elapsed = time.perf_counter() - t0
    assert len(ids) == len(docs)
    return elapsed


def time_single_puts(path, docs, sync, embedding):
    mem = mv.use("basic", path, mode="create", embedding_model=embedding, sync=sync)
    t0 = time.perf_counter()
    for d in docs:
        mem.put(**d)
    mem.close()
    return time.perf_counter() - t0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=10000, help="documents per run (default 10000)")
    ap.add_argument("--reps", type=int, default=3, help="repetitions; medians are reported (default 3)")
    ap.add_argument("--syncs", default="full,normal", help="sync modes to run (default full,normal)")
    ap.add_argument("--embedding", default="none",
                    help="embedding models to run, comma-separated: none, builtin (default none)")
    ap.add_argument("--dir", default=None,
                    help="where to make the temporary directory (default: the system temp dir); "
                         "fsync cost, and so the sync='full' ratio, depends on this disk")
    args = ap.parse_args()

    docs = make_docs(args.docs)
    tmp = tempfile.mkdtemp(prefix="memvid_bench_", dir=args.dir)
    print(f"memvid_sdk put_many vs single put: {args.docs} docs, {args.reps} reps (medians), "
          f"python {sys.version.split()[0]}, temp dir {tmp}")
    print(f"{'sync':<7} {'method':<12} {'docs':>7} {'seconds':>9} {'docs/s':>11} {'ratio':>8}")
    try:
        run = 0
        for embedding, sync in [(e, s) for e in args.embedding.split(",") for s in args.syncs.split(",")]:
            print(f"-- embedding_model={embedding}, sync={sync}")
            many, single = [], []
            for _ in range(args.reps):
                run += 1
                many.append(time_put_many(os.path.join(tmp, f"many{run}.mv2"), docs, sync, embedding))
                single.append(time_single_puts(os.path.join(tmp, f"single{run}.mv2"), docs, sync, embedding))
                for name in (f"many{run}.mv2", f"single{run}.mv2"):
                    os.remove(os.path.join(tmp, name))
            m, s = statistics.median(many), statistics.median(single)
            print(f"{sync:<7} {'put_many':<12} {args.docs:>7} {m:>9.3f} {args.docs / m:>11.0f} {'1.0x':>8}")
            print(f"{sync:<7} {'single put':<12} {args.docs:>7} {s:>9.3f} {args.docs / s:>11.0f} "
                  f"{s / m:>7.1f}x")
            print(f"{sync:<7} per document: put_many {m / args.docs * 1e6:.1f} us, "
                  f"single put {s / args.docs * 1e6:.1f} us (its own commit"
                  f"{', fsynced' if sync == 'full' else ''})")
            print(f"{sync:<7} put_many is {s / m:.1f}x faster than single puts "
                  f"(runs: put_many {', '.join(f'{x:.3f}' for x in many)} s; "
                  f"single {', '.join(f'{x:.3f}' for x in single)} s)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
