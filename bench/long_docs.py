#!/usr/bin/env python3
"""Passage-level retrieval test on long documents built from BEIR SciFact.

SciFact's abstracts are short (median ~1.4 KB), so on the plain collection a document hit is
also a passage hit. Here 20 abstracts are concatenated into one long document (~30 KB, several
of memvid's ~4 KB chunks), and a query counts as answered at passage level only when the hit's
chunk ([chunk_begin, chunk_end), UTF-8 byte offsets into the document text) covers the judged
abstract. That is what tells "one vector per document" apart from "one vector per chunk".

    python3 bench/long_docs.py make OUTDIR [--scifact DIR] [--per-doc 20]
    python3 bench/long_docs.py run OUTDIR [--memvid PATH] [--modes lex,sem,auto] [--k 10]
                                          [--collapse both|yes|no] [--reuse] [--scifact DIR]

make writes
  OUTDIR/long_corpus.jsonl  {"id": "long0000", "title": "Collection 0", "text": ...}
  OUTDIR/long_qrels.tsv     query_id <TAB> long_doc_id <TAB> byte_begin <TAB> byte_end
                            <TAB> scifact_doc_id  (one line per judged (query, abstract); the
                            byte range is the abstract's title line + text, end exclusive)
run builds OUTDIR/long.mv2 (built-in embedding model, default chunking), runs every judged
query through `memvid find --json` in each mode (and with --no-collapse, which lists every
matching chunk rather than one hit per document), and writes OUTDIR/results.md plus the raw
hits in OUTDIR/hits_<config>.jsonl. Standard library only; Python 3.11.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DEFAULT_SCIFACT = REPO.parent / "shared" / "eval" / "scifact"
DEFAULT_MEMVID = REPO / "build" / "test" / "memvid"

# Separator between abstracts inside a long document. A blank line, so that a paragraph-aware
# chunker has a natural place to cut, as it would in a real multi-section document.
SEP = "\n\n"


# --------------------------------------------------------------------------------------------
# make
# --------------------------------------------------------------------------------------------

def read_jsonl(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def read_qrels(path: Path) -> list[tuple[str, str]]:
    """(query_id, doc_id) pairs with a positive judgment (SciFact's are all 1)."""
    pairs = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 3 and parts[0] != "query-id" and int(parts[2]) > 0:
                pairs.append((parts[0], parts[1]))
    return pairs


def cmd_make(args: argparse.Namespace) -> None:
    scifact = Path(args.scifact)
    out = Path(args.outdir)
    out.mkdir(parents=True, exist_ok=True)

    docs = read_jsonl(scifact / "corpus.jsonl")
    # Deterministic order that does not depend on the file's line order: numeric doc id (all
    # SciFact ids are integers). S2ORC ids carry no topical order, so neighbours are unrelated
    # abstracts, i.e. a long document mixes topics like a real long report would not; that is
    # the hard case for a single document vector, which is what we want to expose.
    docs.sort(key=lambda d: int(d["id"]))

    where: dict[str, tuple[str, int, int]] = {}  # scifact id -> (long id, byte_begin, byte_end)
    n_long = 0
    with open(out / "long_corpus.jsonl", "w", encoding="utf-8") as f:
        for start in range(0, len(docs), args.per_doc):
            group = docs[start:start + args.per_doc]
            long_id = f"long{n_long:04d}"
            pieces: list[str] = []
            pos = 0  # byte offset in the UTF-8 text (the CLI reports chunk ranges in bytes)
            for i, d in enumerate(group):
                if i:
                    pieces.append(SEP)
                    pos += len(SEP.encode("utf-8"))
                abstract = d["title"].strip() + "\n" + d["text"].strip()
                size = len(abstract.encode("utf-8"))
                where[d["id"]] = (long_id, pos, pos + size)
                pieces.append(abstract)
                pos += size
            text = "".join(pieces)
            assert len(text.encode("utf-8")) == pos
            f.write(json.dumps({"id": long_id, "title": f"Collection {n_long}", "text": text},
                               ensure_ascii=False) + "\n")
            n_long += 1

    queries = {q["id"] for q in read_jsonl(scifact / "queries.jsonl")}
    n_qrels = 0
    with open(out / "long_qrels.tsv", "w", encoding="utf-8") as f:
        for qid, did in read_qrels(scifact / "qrels.tsv"):
            if qid not in queries or did not in where:
                continue
            long_id, b, e = where[did]
            f.write(f"{qid}\t{long_id}\t{b}\t{e}\t{did}\n")
            n_qrels += 1

    # Self-check: the recorded byte ranges must slice back to the original abstracts.
    longs = {d["id"]: d["text"].encode("utf-8") for d in read_jsonl(out / "long_corpus.jsonl")}
    by_id = {d["id"]: d for d in docs}
    for did, (long_id, b, e) in where.items():
        assert longs[long_id][b:e].decode("utf-8").startswith(by_id[did]["title"].strip())
    sizes = sorted(len(t) for t in longs.values())
    # Recorded for `run`'s report, so results.md says what collection it measured.
    (out / "long_meta.json").write_text(json.dumps(
        {"abstracts": len(docs), "per_doc": args.per_doc, "long_docs": n_long,
         "order": "numeric SciFact id", "separator": SEP}) + "\n", encoding="utf-8")
    print(f"{len(docs)} abstracts -> {n_long} long documents of up to {args.per_doc} "
          f"(bytes min {sizes[0]}, median {sizes[len(sizes) // 2]}, max {sizes[-1]}); "
          f"{n_qrels} judged (query, abstract) pairs -> {out}")


# --------------------------------------------------------------------------------------------
# run
# --------------------------------------------------------------------------------------------

def plain_words(text: str) -> str:
    """Claim -> a query of plain words, as bench/bench_common.hpp's plain_words() does for
    memvid_eval: every ASCII non-alphanumeric becomes a space (so quotes, '-', ':' and
    parentheses are not read as query operators), non-ASCII is kept, and the operator words
    AND/OR/NOT/NEAR are lowercased. Same text for every mode, so the modes are comparable."""
    words, cur = [], []
    for ch in text:
        if ord(ch) >= 0x80 or (ch.isascii() and ch.isalnum()):
            cur.append(ch)
        elif cur:
            words.append("".join(cur))
            cur = []
    if cur:
        words.append("".join(cur))
    return " ".join(w.lower() if w in ("AND", "OR", "NOT", "NEAR") else w for w in words)


def run_cli(cmd: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True)


def build_memory(memvid: str, out: Path, reuse: bool) -> float | None:
    """create + put-many of the long documents; returns the wall time in seconds (None when
    an existing memory is reused)."""
    mem = out / "long.mv2"
    if reuse and mem.exists():
        print(f"reusing {mem}", file=sys.stderr)
        return None
    if mem.exists():
        mem.unlink()
    # put-many takes {"text", "title", "uri"} records: uri = the long document's id, which is
    # what find reports back and what the qrels name.
    records = out / "long_put.jsonl"
    with open(out / "long_corpus.jsonl", encoding="utf-8") as fin, \
            open(records, "w", encoding="utf-8") as fout:
        for line in fin:
            d = json.loads(line)
            fout.write(json.dumps({"text": d["text"], "title": d["title"], "uri": d["id"]},
                                  ensure_ascii=False) + "\n")
    t0 = time.perf_counter()
    # Default options throughout (chunking, built-in model, fact reading), deliberately: the
    # figures must describe what a user gets out of the box, before and after a change.
    for cmd in ([memvid, "create", str(mem), "--json"],
                [memvid, "put-many", str(mem), "--jsonl", str(records), "--json"]):
        p = run_cli(cmd)
        if p.returncode != 0:
            sys.exit(f"{' '.join(cmd)} failed ({p.returncode}): {p.stderr.strip()}")
    elapsed = time.perf_counter() - t0
    records.unlink()
    return elapsed


def overlaps_enough(cb: int, ce: int, ab: int, ae: int) -> bool:
    """The chunk [cb, ce) covers the abstract [ab, ae) well enough: their intersection is at
    least half of the smaller of the two. Half of the smaller one, so that a 4 KB chunk holding
    a whole 1 KB abstract counts, and so does a chunk lying entirely inside a 10 KB abstract."""
    inter = min(ce, ae) - max(cb, ab)
    return inter > 0 and 2 * inter >= min(ce - cb, ae - ab)


def score(hits: list[dict], rel: list[tuple[str, int, int]]) -> dict[str, float]:
    """Metrics of one query. rel: (long id, byte_begin, byte_end) of every judged abstract;
    any of them counts."""
    rel_docs = {r[0] for r in rel}

    def passage_ok(h: dict) -> bool:
        cb, ce = h.get("chunk_begin"), h.get("chunk_end")
        if cb is None or ce is None:  # no chunk named: it cannot be credited with a passage
            return False
        return any(h.get("uri") == d and overlaps_enough(cb, ce, b, e) for d, b, e in rel)

    ok = [passage_ok(h) for h in hits[:10]]
    first = next((i for i, x in enumerate(ok) if x), None)
    doc_first = next((i for i, h in enumerate(hits[:10]) if h.get("uri") in rel_docs), None)
    return {
        "doc@1": float(bool(hits) and hits[0].get("uri") in rel_docs),
        "passage@1": float(bool(ok) and ok[0]),
        "passage@5": float(any(ok[:5])),
        "MRR@10": 0.0 if first is None else 1.0 / (first + 1),
        "docMRR@10": 0.0 if doc_first is None else 1.0 / (doc_first + 1),
    }


METRICS = ["doc@1", "passage@1", "passage@5", "MRR@10", "docMRR@10"]


def cmd_run(args: argparse.Namespace) -> None:
    out = Path(args.outdir)
    memvid = args.memvid
    if not (out / "long_corpus.jsonl").exists() or not (out / "long_qrels.tsv").exists():
        sys.exit(f"{out} has no long_corpus.jsonl / long_qrels.tsv: run `make {out}` first")

    rel: dict[str, list[tuple[str, int, int]]] = {}
    with open(out / "long_qrels.tsv", encoding="utf-8") as f:
        for line in f:
            qid, long_id, b, e = line.rstrip("\n").split("\t")[:4]
            rel.setdefault(qid, []).append((long_id, int(b), int(e)))
    queries = [q for q in read_jsonl(Path(args.scifact) / "queries.jsonl") if q["id"] in rel]

    build_s = build_memory(memvid, out, args.reuse)
    mem = str(out / "long.mv2")
    stats = run_cli([memvid, "stats", mem, "--json"])
    mem_bytes = os.path.getsize(mem)

    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    collapse = {"both": [True, False], "yes": [True], "no": [False]}[args.collapse]
    configs = [(m, c) for m in modes for c in collapse]
    rows = []
    total_query_s = 0.0
    for mode, collapsed in configs:
        name = mode if collapsed else f"{mode} --no-collapse"
        sums = dict.fromkeys(METRICS, 0.0)
        lat = []
        errors = 0
        repeated = 0  # queries whose hits name one document twice: did --no-collapse apply?
        with open(out / f"hits_{mode}{'' if collapsed else '_nocollapse'}.jsonl", "w",
                  encoding="utf-8") as raw:
            # One process per query: the CLI takes one query per call. Sequential on purpose
            # (shared 2-core machine; also keeps latencies undisturbed).
            for q in queries:
                cmd = [memvid, "find", mem, "-q", plain_words(q["text"]), "--mode", mode,
                       "-k", str(args.k), "--snippet-chars", "0", "--json"]
                if not collapsed:
                    cmd.append("--no-collapse")
                t0 = time.perf_counter()
                p = run_cli(cmd)
                lat.append(time.perf_counter() - t0)
                hits = []
                if p.returncode == 0:
                    hits = json.loads(p.stdout).get("hits", [])
                else:
                    errors += 1
                    print(f"query {q['id']}: exit {p.returncode}: {p.stderr.strip()}",
                          file=sys.stderr)
                s = score(hits, rel[q["id"]])
                repeated += len({h.get("uri") for h in hits}) < len(hits)
                for k_, v in s.items():
                    sums[k_] += v
                raw.write(json.dumps({"qid": q["id"], "rel": rel[q["id"]], **s, "hits": [
                    {k_: h.get(k_) for k_ in ("uri", "chunk", "chunk_begin", "chunk_end",
                                              "score", "retrievers")} for h in hits]}) + "\n")
        total_query_s += sum(lat)
        n = len(queries)
        row = {"config": name, **{k_: sums[k_] / n for k_ in METRICS},
               "p50_ms": 1000 * statistics.median(lat), "total_s": sum(lat), "errors": errors, "repeated": repeated}
        rows.append(row)
        print(f"{name}: " + " ".join(f"{k_}={row[k_]:.3f}" for k_ in METRICS)
              + f" (p50 {row['p50_ms']:.0f} ms/query process, {row['total_s']:.0f} s)",
              file=sys.stderr)

    meta_path = out / "long_meta.json"
    meta = json.loads(meta_path.read_text()) if meta_path.exists() else {}
    n_docs = sum(1 for _ in open(out / "long_corpus.jsonl", encoding="utf-8"))
    # doc@1 of a ranker that picks a document at random: a floor to read the table against.
    chance = statistics.mean(len({r[0] for r in rel[q["id"]]}) / n_docs for q in queries)
    version = run_cli([memvid, "version"]).stdout.strip()
    lines = [
        f"# Long-document passage retrieval (SciFact, {n_docs} documents of "
        f"up to {meta.get('per_doc', '?')} abstracts)",
        "",
        f"{version}; {len(queries)} queries, k={args.k}; {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; "
        f"{os.cpu_count()} CPUs, load {' '.join(open('/proc/loadavg').read().split()[:3])}",
        "",
        f"Build (create + put-many): {'reused' if build_s is None else f'{build_s:.1f} s'}; "
        f"memory {mem_bytes / 1e6:.1f} MB. Queries: one `memvid find` process each, "
        f"{total_query_s:.0f} s in all.",
        "",
        "| config | doc@1 | passage@1 | passage@5 | MRR@10 (passage) | MRR@10 (doc) "
        "| queries with >1 chunk of a doc | p50 ms/query | errors |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(f"| {r['config']} | {r['doc@1']:.3f} | {r['passage@1']:.3f} | "
                     f"{r['passage@5']:.3f} | {r['MRR@10']:.3f} | {r['docMRR@10']:.3f} | "
                     f"{r['repeated']} | {r['p50_ms']:.0f} | {r['errors']} |")
    lines += [
        "",
        "doc@1: the first hit is a long document holding a judged abstract. passage@1: it is, "
        "and its chunk [chunk_begin, chunk_end) overlaps that abstract's byte range by at least "
        "half of the smaller of the two. passage@5: any of the first 5 hits does. MRR@10: "
        "reciprocal rank of the first such passage hit (doc: of the first right document). "
        "With collapsing (the default) a document appears once, under its best chunk; "
        "`--no-collapse` lists chunks (the >1-chunk column shows whether it took effect). "
        f"Chance level of doc@1: {chance:.3f}.",
    ]
    if stats.returncode == 0:
        try:
            st = json.loads(stats.stdout)
            lines += ["", "memvid stats: `" + json.dumps(st, separators=(",", ":"))[:600] + "`"]
        except json.JSONDecodeError:
            pass
    text = "\n".join(lines) + "\n"
    (out / "results.md").write_text(text, encoding="utf-8")
    print(text)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    mk = sub.add_parser("make", help="build the long documents and their byte-range qrels")
    mk.add_argument("outdir")
    mk.add_argument("--scifact", default=str(DEFAULT_SCIFACT))
    mk.add_argument("--per-doc", type=int, default=20, help="abstracts per long document")
    rn = sub.add_parser("run", help="build the memory, run the queries, score, write results.md")
    rn.add_argument("outdir")
    rn.add_argument("--scifact", default=str(DEFAULT_SCIFACT))
    rn.add_argument("--memvid", default=str(DEFAULT_MEMVID), help="path of the memvid CLI")
    rn.add_argument("--modes", default="lex,sem,auto")
    rn.add_argument("--k", type=int, default=10)
    rn.add_argument("--collapse", choices=["both", "yes", "no"], default="both",
                    help="score the default (one hit per document), --no-collapse, or both")
    rn.add_argument("--reuse", action="store_true", help="keep an existing OUTDIR/long.mv2")
    args = ap.parse_args()
    if args.cmd == "make":
        cmd_make(args)
    else:
        cmd_run(args)


if __name__ == "__main__":
    main()
