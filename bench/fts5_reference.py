#!/usr/bin/env python3
"""SQLite FTS5 reference for the search benchmarks (see bench/README.md).

Two modes, Python 3 standard library only (sqlite3 with FTS5) plus `zstd` for the corpus:

1. Latency (default): for each --sizes N, puts the first N documents of the 50K corpus
   (200K = the corpus four times, uris suffixed "#copyC" for copies 2-4, as in
   memvid_find_bench) into a fresh FTS5 table `docs(title, text, uri UNINDEXED)` with
   tokenize='porter unicode61', in one transaction; reports ingest time, docs/s and file size
   / raw text bytes (raw = title + text UTF-8 bytes). Then runs the query mix
   (bench/queries/mix.txt) as `MATCH` with every word OR-ed and every quoted phrase an FTS5
   phrase, `ORDER BY bm25(docs) LIMIT k`: one untimed warm-up pass, then --reps timed passes;
   p50 / p99 / mean ms per query class, without and (unless --no-snippet) with FTS5's
   snippet() of the text column (~32 tokens, close to memvid's 200-character snippets).

2. SciFact (--scifact DIR --out RUN): indexes the collection, runs the claims (every ASCII
   character that is not a letter or digit becomes a space, every word OR-ed, LIMIT --k 100),
   writes a TREC run file and prints `python3 score.py RUN DIR/qrels.tsv`.

Usage: python3 bench/fts5_reference.py [--sizes 1000,10000,50000,200000] [--reps 3] [--json OUT]
       python3 bench/fts5_reference.py --scifact ../shared/eval/scifact --out /tmp/fts5.run
"""
import argparse
import json
import os
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = os.path.normpath(os.path.join(HERE, "..", "..", "shared"))
DEFAULT_CORPUS = os.path.join(SHARED, "bench", "corpus50k.jsonl.zst")
DEFAULT_QUERIES = os.path.join(HERE, "queries", "mix.txt")
DEFAULT_SCIFACT = os.path.join(SHARED, "eval", "scifact")
CLASSES = ("term", "multi", "phrase")


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def percentile(xs, p):
    """Nearest-rank percentile, as memvid_find_bench computes it."""
    if not xs:
        return 0.0
    s = sorted(xs)
    rank = max(1, min(len(s), int(p / 100.0 * len(s) + 0.999999)))
    return s[rank - 1]


def read_jsonl(path):
    if path.endswith(".zst"):
        data = subprocess.run(["zstd", "-dc", "--", path], stdout=subprocess.PIPE, check=True).stdout
    else:
        with open(path, "rb") as f:
            data = f.read()
    return [json.loads(line) for line in data.decode("utf-8").splitlines() if line.strip()]


def plain_words(text):
    """The same reduction as bench_common.hpp plain_words(): ASCII non-alphanumerics become
    spaces, non-ASCII characters are kept, AND/OR/NOT/NEAR are lowercased."""
    out = []
    for w in re.sub(r"[\x00-\x2f\x3a-\x40\x5b-\x60\x7b-\x7f]", " ", text).split():
        out.append(w.lower() if w in ("AND", "OR", "NOT", "NEAR") else w)
    return out


def to_fts5(query):
    """A query of the mix (words and "quoted phrases") -> FTS5: every word a quoted string,
    every phrase an FTS5 phrase, all OR-ed. None if nothing is left."""
    parts = []
    for i, seg in enumerate(query.split('"')):
        words = plain_words(seg)
        if not words:
            continue
        if i % 2 == 1:  # inside quotes: one phrase
            parts.append('"' + " ".join(words) + '"')
        else:
            parts.extend('"' + w + '"' for w in words)
    return " OR ".join(parts) if parts else None


def read_mix(path):
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            cls, _, q = line.partition("\t")
            out.append((cls, q))
    return out


def create_db(path):
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("CREATE VIRTUAL TABLE docs USING fts5(title, text, uri UNINDEXED, "
               "tokenize='porter unicode61')")
    return db


def ingest(db, rows):
    """rows: (rowid, title, text, uri). One transaction; returns seconds."""
    t0 = time.perf_counter()
    db.execute("BEGIN")
    db.executemany("INSERT INTO docs(rowid, title, text, uri) VALUES (?, ?, ?, ?)", rows)
    db.execute("COMMIT")
    return time.perf_counter() - t0


def docs_for_size(corpus, n):
    rows, raw = [], 0
    for i in range(n):
        d = corpus[i % len(corpus)]
        copy = i // len(corpus)
        uri = d["uri"] if copy == 0 else f"{d['uri']}#copy{copy + 1}"
        rows.append((i + 1, d["title"], d["text"], uri))
        raw += len(d["title"].encode()) + len(d["text"].encode())
    return rows, raw


def measure_size(args, corpus, queries, n, work):
    rows, raw = docs_for_size(corpus, n)
    path = os.path.join(work, f"fts5_{n}.db")
    db = create_db(path)
    log(f"[{n}] ingest ...")
    secs = ingest(db, rows)
    del rows
    size = os.path.getsize(path)
    res = {"docs": n, "raw_bytes": raw, "file_bytes": size, "ingest_s": secs,
           "docs_per_s": n / secs, "file_per_raw": size / raw, "bytes_per_doc": size / n}
    log(f"[{n}] ingest {secs:.2f} s, file {size / 1e6:.1f} MB; queries ...")
    variants = {"plain": f"SELECT rowid, title, uri FROM docs WHERE docs MATCH ? "
                         f"ORDER BY bm25(docs) LIMIT {args.k}"}
    if not args.no_snippet:
        variants["snippet"] = (f"SELECT rowid, title, uri, snippet(docs, 1, '', '', '…', 32) FROM docs "
                               f"WHERE docs MATCH ? ORDER BY bm25(docs) LIMIT {args.k}")
    fts_queries = [(cls, q, to_fts5(q)) for cls, q in queries]
    res["variants"] = {}
    for vname, sql in variants.items():
        stats = {c: {"ms": [], "queries": 0, "zero_hit": 0, "errors": 0, "hits": 0}
                 for c in CLASSES + ("all",)}
        errors = []
        for rep in range(args.reps + 1):  # pass 0 warms up and counts hits
            for cls, q, fq in fts_queries:
                t0 = time.perf_counter()
                try:
                    hits = len(db.execute(sql, (fq,)).fetchall()) if fq else 0
                    err = None
                except sqlite3.Error as e:
                    hits, err = 0, str(e)
                ms = (time.perf_counter() - t0) * 1e3
                for c in (cls, "all"):
                    s = stats[c]
                    if rep == 0:
                        s["queries"] += 1
                        s["hits"] += hits
                        if err:
                            s["errors"] += 1
                        elif hits == 0:
                            s["zero_hit"] += 1
                    else:
                        s["ms"].append(ms)
                if rep == 0 and err and len(errors) < 10:
                    errors.append(f"{q} -> {fq}: {err}")
        for s in stats.values():
            s["p50_ms"] = percentile(s["ms"], 50)
            s["p90_ms"] = percentile(s["ms"], 90)
            s["p99_ms"] = percentile(s["ms"], 99)
            s["mean_ms"] = statistics.fmean(s["ms"]) if s["ms"] else 0.0
            s["max_ms"] = max(s["ms"]) if s["ms"] else 0.0
            s["mean_hits"] = s["hits"] / s["queries"] if s["queries"] else 0.0
        res["variants"][vname] = {"classes": stats, "errors_sample": errors}
    db.close()
    if not args.keep:
        os.remove(path)
    return res


def print_tables(args, results, nq):
    print("\nSQLite FTS5 ingest (porter unicode61; columns title, text, uri UNINDEXED; one transaction):\n")
    print("| docs | ingest | docs/s | file | bytes/doc | file / raw (title+text) |")
    print("|---:|---:|---:|---:|---:|---:|")
    for r in results:
        print(f"| {r['docs']} | {r['ingest_s']:.3f} s | {r['docs_per_s']:,.0f} | {r['file_bytes'] / 1e6:.1f} MB "
              f"| {r['bytes_per_doc']:,.0f} | {r['file_per_raw']:.3f} |")
    print(f"\nSQLite FTS5 MATCH (words OR-ed, phrases as FTS5 phrases) ORDER BY bm25 LIMIT {args.k}, warm, "
          f"{nq} queries x {args.reps} passes; sqlite {sqlite3.sqlite_version}, from Python:\n")
    print("| docs | variant | class | p50 ms | p90 ms | p99 ms | mean ms | max ms | mean hits | zero-hit | errors |")
    print("|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        for vname, v in r["variants"].items():
            for c in CLASSES + ("all",):
                s = v["classes"][c]
                print(f"| {r['docs']} | {vname} | {c} | {s['p50_ms']:.3f} | {s['p90_ms']:.3f} | {s['p99_ms']:.3f} | {s['mean_ms']:.3f} "
                      f"| {s['max_ms']:.3f} | {s['mean_hits']:.1f} | {s['zero_hit']} | {s['errors']} |")
            if v["errors_sample"]:
                print(f"[{r['docs']} {vname}] failed queries: " + "; ".join(v["errors_sample"]))


def run_scifact(args, work):
    d = args.scifact
    corpus = read_jsonl(os.path.join(d, "corpus.jsonl"))
    queries = read_jsonl(os.path.join(d, "queries.jsonl"))
    path = os.path.join(work, "scifact_fts5.db")
    db = create_db(path)
    rows = [(i + 1, c.get("title", ""), c.get("text", ""), "scifact:" + c["id"]) for i, c in enumerate(corpus)]
    raw = sum(len(r[1].encode()) + len(r[2].encode()) for r in rows)
    secs = ingest(db, rows)
    size = os.path.getsize(path)
    print(f"SciFact FTS5: {len(rows)} documents, ingest {secs * 1e3:.0f} ms ({len(rows) / secs:,.0f} docs/s), "
          f"file {size / 1e6:.2f} MB, file / raw text {size / raw:.3f}; title weight {args.title_weight}")
    rowid_to_doc = {r[0]: c["id"] for r, c in zip(rows, corpus)}
    sql = (f"SELECT rowid, bm25(docs, {args.title_weight}, 1.0) AS s FROM docs WHERE docs MATCH ? "
           f"ORDER BY s LIMIT {args.k}")
    lat, zero = [], 0
    with open(args.out, "w") as out:
        for q in queries:
            words = plain_words(q["text"])
            fq = " OR ".join('"' + w + '"' for w in words)
            t0 = time.perf_counter()
            hits = db.execute(sql, (fq,)).fetchall() if fq else []
            lat.append((time.perf_counter() - t0) * 1e3)
            if not hits:
                zero += 1
            for rank, (rowid, score) in enumerate(hits, 1):
                # bm25() is negative, better first; the run file wants higher = better.
                out.write(f"{q['id']} Q0 {rowid_to_doc[rowid]} {rank} {-score:.6f} fts5\n")
    db.close()
    print(f"queries: {len(lat)}, p50 {percentile(lat, 50):.3f} ms, p99 {percentile(lat, 99):.3f} ms, "
          f"mean {statistics.fmean(lat):.3f} ms; zero-hit {zero}")
    print(f"run file: {args.out}", flush=True)
    score = args.score or os.path.join(os.path.dirname(os.path.abspath(d)), "score.py")
    return subprocess.run([sys.executable, score, args.out, os.path.join(d, "qrels.tsv")]).returncode


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", default=os.environ.get("MEMVID_BENCH_CORPUS", DEFAULT_CORPUS))
    ap.add_argument("--queries", default=DEFAULT_QUERIES, help="query-mix file (default bench/queries/mix.txt)")
    ap.add_argument("--sizes", default="50000", help="comma-separated document counts (default 50000)")
    ap.add_argument("--reps", type=int, default=3, help="timed passes over the queries (default 3)")
    ap.add_argument("--k", type=int, default=None, help="LIMIT (default 10; 100 with --scifact)")
    ap.add_argument("--no-snippet", action="store_true", help="skip the snippet() variant")
    ap.add_argument("--json", default=None, help="also write every figure as JSON")
    ap.add_argument("--keep", action="store_true", help="keep the database files")
    ap.add_argument("--scifact", default=None, nargs="?", const=DEFAULT_SCIFACT,
                    help=f"SciFact mode: the collection directory (default {DEFAULT_SCIFACT})")
    ap.add_argument("--out", default=None, help="SciFact mode: the TREC run file to write")
    ap.add_argument("--title-weight", type=float, default=1.0, help="SciFact mode: bm25() weight of title")
    ap.add_argument("--score", default=None, help="SciFact mode: scorer (default DIR/../score.py)")
    args = ap.parse_args()

    work = tempfile.mkdtemp(prefix="memvid_fts5.", dir=os.environ.get("TMPDIR") or None)
    try:
        if args.scifact:
            if args.k is None:
                args.k = 100
            if not args.out:
                args.out = os.path.join(work, "fts5.run")
                args.keep = True
                log(f"run file in {work}")
            return run_scifact(args, work)
        if args.k is None:
            args.k = 10
        if not os.path.exists(args.queries):
            raise SystemExit(f"no query mix at {args.queries}: run `memvid_find_bench --gen-queries-only`")
        queries = read_mix(args.queries)
        log(f"loading {args.corpus} ...")
        corpus = read_jsonl(args.corpus)
        sizes = [int(s[:-1]) * 1000 if s.lower().endswith("k") else int(s) for s in args.sizes.split(",") if s]
        results = [measure_size(args, corpus, queries, n, work) for n in sizes]
        print_tables(args, results, len(queries))
        if args.json:
            with open(args.json, "w") as f:
                json.dump({"sqlite_version": sqlite3.sqlite_version, "k": args.k, "reps": args.reps,
                           "queries": args.queries, "loadavg_at_end": os.getloadavg(), "sizes": results},
                          f, indent=2)
                f.write("\n")
            log(f"wrote {args.json}")
        return 0
    finally:
        if args.keep:
            log(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
