#!/usr/bin/env python3
"""Cold start and scale (issue 20): every CLI command as a user runs it, against SQLite FTS5
and the original memvid in the same run.

Builds nothing: our binary from --ours, $MEMVID_BIN or build/release/memvid; the original from
--peer, $MEMVID_PEER_BIN or ../shared/bench/install_peer.sh (skipped with --skip-peer).

For each --sizes N (default 1000,50000; 1000000 for the scale run) it puts the first N
documents of the shared corpus (beyond 50K the corpus again, copy c's ids, uris and the first
word of each text suffixed "-c", so that no two documents are the same) into:
  ours, default     memvid create F; memvid put-many F --jsonl docs.jsonl   (built-in model)
  ours, lexical     memvid create F --embedding none; the same put-many
  SQLite FTS5       one transaction into docs(title, text, uri UNINDEXED), porter unicode61
  original (N <= --peer-max, default 1000) memvid create F; memvid put-many F --input batch.json
and then times, as whole processes (fork/exec included), interleaved, --reps times each after
one untimed warm-up, with the peak RSS of each process (wait4):
  memvid version
  memvid find F --query Q -k 10 --mode lex     (on the default memory)
  memvid find F --query Q -k 10                (auto: lexical + semantic, the default mode)
  sqlite3 F.db "SELECT rowid ... MATCH 'w1 AND w2 ...' ORDER BY bm25(docs) LIMIT 10"
  original: memvid find F --query Q --top-k 10 --mode lex
Queries cycle through the multi-word lines of bench/queries/mix.txt.

--big-mb M (default 100; 0 skips) also puts one text of M MB (Debian's /usr/share/doc and man
pages, concatenated until M MB, not our corpus) with `memvid put --input` into a default
memory: time and peak RSS.

Reports medians (p90 in the JSON) and ratios; these machines are shared and noisy.

Usage: python3 bench/cold_start.py [--sizes 1000,50000] [--reps 11] [--big-mb 100] [--json OUT]
"""
import argparse
import glob
import gzip
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
SHARED = os.path.normpath(os.path.join(HERE, "..", "..", "shared"))
DEFAULT_CORPUS = os.path.join(SHARED, "bench", "corpus50k.jsonl.zst")
DEFAULT_QUERIES = os.path.join(HERE, "queries", "mix.txt")
INSTALL_PEER = os.path.join(SHARED, "bench", "install_peer.sh")


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def run(argv, timeout=3600):
    """Runs a setup command; raises on a non-zero exit."""
    p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, timeout=timeout)
    if p.returncode != 0:
        raise RuntimeError(f"exit {p.returncode}: {' '.join(argv)}: {p.stderr.decode(errors='replace')[-400:]}")
    return p.stdout


def run_timed(argv, timeout=3600):
    """Wall seconds of one process (spawned with vfork by subprocess: the parent's size does
    not slow the start down)."""
    t0 = time.perf_counter()
    p = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, timeout=timeout)
    wall = time.perf_counter() - t0
    if p.returncode != 0:
        raise RuntimeError(f"exit {p.returncode}: {' '.join(argv)}: {p.stderr.decode(errors='replace')[-400:]}")
    return wall


def peak_rss_mb(argv, timeout=3600):
    """Peak RSS of one process in MB, from GNU time (a small parent: the child's peak is its own)."""
    p = subprocess.run(["/usr/bin/time", "-f", "%M"] + argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                       stdin=subprocess.DEVNULL, timeout=timeout)
    if p.returncode != 0:
        raise RuntimeError(f"exit {p.returncode}: {' '.join(argv)}: {p.stderr.decode(errors='replace')[-400:]}")
    return int(p.stderr.decode().strip().splitlines()[-1]) / 1024.0


def run_rss(argv, timeout=3600):
    """(wall seconds, peak RSS MB) of one long-running process (ingest): GNU time's own start
    is noise against seconds."""
    t0 = time.perf_counter()
    peak = peak_rss_mb(argv, timeout)
    return time.perf_counter() - t0, peak


def corpus_docs(path, n):
    p = subprocess.Popen(["zstd", "-dc", path], stdout=subprocess.PIPE)
    base = [json.loads(line) for line in p.stdout]
    p.wait()
    out = []
    copy = 0
    while len(out) < n:
        for d in base:
            if len(out) >= n:
                break
            if copy == 0:
                out.append(d)
                continue
            e = dict(d)
            e["id"] = f"{d['id']}-{copy}"
            e["uri"] = f"{d.get('uri', d['id'])}-{copy}"
            words = d["text"].split(" ", 1)
            e["text"] = f"{words[0]}-{copy} " + (words[1] if len(words) > 1 else "")
            out.append(e)
        copy += 1
    return out


def write_jsonl(docs, path):
    with open(path, "w") as f:
        for d in docs:
            f.write(json.dumps({"title": d.get("title", ""), "text": d["text"], "uri": d.get("uri", "")}) + "\n")


def fts5_build(docs, path):
    t0 = time.perf_counter()
    db = sqlite3.connect(path)
    db.execute("CREATE VIRTUAL TABLE docs USING fts5(title, text, uri UNINDEXED, tokenize='porter unicode61')")
    with db:
        db.executemany("INSERT INTO docs(title, text, uri) VALUES (?, ?, ?)",
                       ((d.get("title", ""), d["text"], d.get("uri", "")) for d in docs))
    db.close()
    return time.perf_counter() - t0


def multi_word_queries(path, count):
    qs = []
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            q = line.split("\t", 1)[-1]  # "class<TAB>query"
            if '"' in q or len(q.split()) < 2:
                continue
            qs.append(q)
    return qs[:count]


def fts5_and(q):
    words = ["".join(ch for ch in w if ch.isalnum()) for w in q.split()]
    return " AND ".join(f'"{w}"' for w in words if w)


def median(xs):
    return statistics.median(xs) if xs else float("nan")


def p90(xs):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(0.9 * len(xs)))] if xs else float("nan")


def big_text(mb, path):
    """At least mb MB of Debian's own text: /usr/share/doc files (gz decompressed) and man pages."""
    want = mb * 1_000_000
    got = 0
    with open(path, "w", encoding="utf-8") as out:
        while got < want:
            before = got
            for f in sorted(glob.glob("/usr/share/doc/**/*", recursive=True)) + \
                    sorted(glob.glob("/usr/share/man/man1/*.gz")):
                if got >= want:
                    break
                if not os.path.isfile(f):
                    continue
                try:
                    raw = gzip.open(f).read() if f.endswith(".gz") else open(f, "rb").read()
                    text = raw.decode("utf-8")
                except (OSError, UnicodeDecodeError, EOFError):
                    continue
                if "\0" in text:
                    continue
                out.write(text + "\n\n")
                got += len(text.encode()) + 2
            if got == before:
                break
    return got


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ours", default=os.environ.get("MEMVID_BIN", os.path.join(REPO, "build", "release", "memvid")))
    ap.add_argument("--peer", default=os.environ.get("MEMVID_PEER_BIN"))
    ap.add_argument("--skip-peer", action="store_true")
    ap.add_argument("--peer-max", type=int, default=1000)
    ap.add_argument("--corpus", default=DEFAULT_CORPUS)
    ap.add_argument("--queries", default=DEFAULT_QUERIES)
    ap.add_argument("--queries-count", type=int, default=20)
    ap.add_argument("--sizes", default="1000,50000")
    ap.add_argument("--reps", type=int, default=11)
    ap.add_argument("--big-mb", type=int, default=100)
    ap.add_argument("--batch", type=int, default=0, help="put-many batches of this many documents (0: one batch)")
    ap.add_argument("--reuse", action="store_true",
                    help="with --work: time the queries on the memories and databases a previous run left there "
                         "(no ingest figures; rebuild after a format change)")
    ap.add_argument("--verify", action="store_true", help="also time `memvid verify` and `compact` of the default memory")
    ap.add_argument("--work", default=None, help="directory for the memories (default: a temporary one)")
    ap.add_argument("--json", default=None)
    a = ap.parse_args()

    ours = os.path.abspath(a.ours)
    peer = None
    if not a.skip_peer:
        peer = a.peer or subprocess.run(["bash", INSTALL_PEER], capture_output=True, text=True).stdout.strip().splitlines()[-1]
    sizes = [int(s) for s in a.sizes.split(",") if s]
    queries = multi_word_queries(a.queries, a.queries_count)
    work = a.work or tempfile.mkdtemp(prefix="memvid-cold-")
    os.makedirs(work, exist_ok=True)
    results = {"sizes": {}, "reps": a.reps, "queries": len(queries), "ours": ours, "peer": peer}
    log(f"work directory {work}; {len(queries)} queries; reps {a.reps}")

    docs_all = corpus_docs(a.corpus, max(sizes))
    for n in sizes:
        r = results["sizes"].setdefault(str(n), {})
        docs = docs_all[:n]
        # put-many in batches of --batch documents (one transaction each), as a user would
        # feed a large collection; the wall time is their sum, the peak the largest.
        step = a.batch or n
        batches = []
        for b in range(0, n, step):
            part = os.path.join(work, f"docs{n}_{b // step}.jsonl")
            if not (a.reuse and os.path.exists(part)):
                write_jsonl(docs[b:b + step], part)
            batches.append(part)
        raw = sum(len(d["text"].encode()) + len(d.get("title", "").encode()) for d in docs)
        r["raw_text_mb"] = raw / 1e6
        mem = {}
        for kind, extra in (("default", []), ("lexical", ["--embedding", "none"])):
            f = os.path.join(work, f"{kind}{n}.mv2")
            if a.reuse and os.path.exists(f):
                mem[kind] = f
                r[f"file_{kind}_mb"] = os.path.getsize(f) / 1e6
                continue
            if os.path.exists(f):
                os.remove(f)
            run([ours, "create", f] + extra)
            wall, rss = 0.0, 0.0
            for part in batches:
                w, p = run_rss([ours, "put-many", f, "--jsonl", part])
                wall, rss = wall + w, max(rss, p)
            r[f"ingest_{kind}_s"] = wall
            r[f"ingest_{kind}_peak_mb"] = rss
            r[f"file_{kind}_mb"] = os.path.getsize(f) / 1e6
            mem[kind] = f
            log(f"{n}: put-many {kind}: {wall:.2f} s, peak {rss:.0f} MB, file {os.path.getsize(f) / 1e6:.1f} MB")
        if a.verify:
            wall, peak = run_rss([ours, "verify", mem["default"]])
            r["verify_s"], r["verify_peak_mb"] = wall, peak
            wall, peak = run_rss([ours, "verify", mem["default"], "--deep"])
            r["verify_deep_s"], r["verify_deep_peak_mb"] = wall, peak
            log(f"{n}: verify {r['verify_s']:.1f} s, --deep {r['verify_deep_s']:.1f} s")
        db = os.path.join(work, f"fts{n}.db")
        if not (a.reuse and os.path.exists(db)):
            if os.path.exists(db):
                os.remove(db)
            r["ingest_fts5_s"] = fts5_build(docs, db)
            log(f"{n}: FTS5 ingest {r['ingest_fts5_s']:.2f} s")
        r["file_fts5_mb"] = os.path.getsize(db) / 1e6
        peer_mem = None
        if peer and n <= a.peer_max:
            peer_mem = os.path.join(work, f"peer{n}.mv2")
        if peer_mem and not (a.reuse and os.path.exists(peer_mem)):
            if os.path.exists(peer_mem):
                os.remove(peer_mem)
            run([peer, "create", peer_mem])
            batch = os.path.join(work, f"peer{n}.json")
            with open(batch, "w") as f:
                json.dump([{"title": d.get("title", ""), "text": d["text"], "uri": d.get("uri", "")} for d in docs], f)
            t0 = time.perf_counter()
            run([peer, "put-many", peer_mem, "--input", batch])
            r["ingest_peer_s"] = time.perf_counter() - t0

        cases = {
            "version": lambda q: [ours, "version"],
            "find_lex": lambda q: [ours, "find", mem["default"], "--query", q, "-k", "10", "--mode", "lex"],
            "find_auto": lambda q: [ours, "find", mem["default"], "--query", q, "-k", "10"],
            "fts5_cli": lambda q: ["sqlite3", db, f"SELECT rowid FROM docs WHERE docs MATCH '{fts5_and(q)}' "
                                               "ORDER BY bm25(docs) LIMIT 10"],
        }
        if peer_mem:
            cases["peer_find_lex"] = lambda q: [peer, "find", peer_mem, "--query", q, "--top-k", "10", "--mode", "lex"]
        times = {k: [] for k in cases}
        rss = {k: [] for k in cases}
        for name, make in cases.items():
            run_timed(make(queries[0]))  # warm-up
            rss[name].append(peak_rss_mb(make(queries[0])))
        for rep in range(a.reps):
            q = queries[rep % len(queries)]
            for name, make in cases.items():
                times[name].append(run_timed(make(q)) * 1000)
        for name in cases:
            r[name] = {"p50_ms": median(times[name]), "p90_ms": p90(times[name]), "peak_mb": median(rss[name])}
            log(f"{n}: {name}: p50 {median(times[name]):.1f} ms, peak {median(rss[name]):.0f} MB")

    if a.big_mb > 0:
        text = os.path.join(work, "big.txt")
        size = big_text(a.big_mb, text)
        f = os.path.join(work, "big.mv2")
        if os.path.exists(f):
            os.remove(f)
        run([ours, "create", f])
        wall, peak = run_rss([ours, "put", f, "--input", text])
        results["big"] = {"mb": size / 1e6, "s": wall, "peak_mb": peak}
        log(f"one {size / 1e6:.0f} MB text: put --input {wall:.1f} s, peak {peak:.0f} MB")

    print(f"\n| measure | " + " | ".join(f"{int(n):,} docs" for n in sizes) + " |")
    print("|---|" + "---|" * len(sizes))
    def row(label, fn):
        cells = []
        for n in sizes:
            try:
                cells.append(fn(results["sizes"][str(n)]))
            except KeyError:
                cells.append("-")
        print(f"| {label} | " + " | ".join(cells) + " |")
    row("`memvid version`", lambda r: f"{r['version']['p50_ms']:.1f} ms")
    row("`find --mode lex` (peak RSS)", lambda r: f"{r['find_lex']['p50_ms']:.1f} ms ({r['find_lex']['peak_mb']:.0f} MB)")
    row("`find` auto, default memory (peak RSS)", lambda r: f"{r['find_auto']['p50_ms']:.1f} ms ({r['find_auto']['peak_mb']:.0f} MB)")
    row("`sqlite3` FTS5 AND query", lambda r: f"{r['fts5_cli']['p50_ms']:.1f} ms")
    row("original memvid `find --mode lex`", lambda r: f"{r['peer_find_lex']['p50_ms']:.1f} ms (ours {r['peer_find_lex']['p50_ms'] / r['find_lex']['p50_ms']:.1f}x faster)")
    row("`put-many` default / lexical-only", lambda r: f"{r['ingest_default_s']:.2f} / {r['ingest_lexical_s']:.2f} s (x{r['ingest_default_s'] / r['ingest_lexical_s']:.2f})")
    row("`put-many` peak RSS default / lexical-only", lambda r: f"{r['ingest_default_peak_mb']:.0f} / {r['ingest_lexical_peak_mb']:.0f} MB")
    row("SQLite FTS5 ingest (in-process)", lambda r: f"{r['ingest_fts5_s']:.2f} s")
    row("`verify` / `verify --deep`", lambda r: f"{r['verify_s']:.1f} / {r['verify_deep_s']:.1f} s")
    row("file / raw text: default, lexical, FTS5", lambda r: f"{r['file_default_mb'] / r['raw_text_mb']:.2f}, {r['file_lexical_mb'] / r['raw_text_mb']:.2f}, {r['file_fts5_mb'] / r['raw_text_mb']:.2f}")
    if "big" in results:
        b = results["big"]
        print(f"\nOne {b['mb']:.0f} MB text, `put --input`: {b['s']:.1f} s, peak RSS {b['peak_mb']:.0f} MB")
    if a.json:
        with open(a.json, "w") as f:
            json.dump(results, f, indent=2)
    if not a.work:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
