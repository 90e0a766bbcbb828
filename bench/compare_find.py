#!/usr/bin/env python3
"""CLI search comparison: `memvid find` (ours) against the original memvid CLI's lexical find.

Builds nothing. Same documents (the first 1,000 lines of the corpus: title, text, uri), same
queries (the first --queries-count lines of bench/queries/mix.txt, whose classes are
interleaved: one term / 2-4 terms / a quoted phrase), same machine, same run. See
bench/README.md.

  ours:     memvid create F; memvid put-many F --jsonl 1k.jsonl
            memvid find F --query Q -k 10 --mode lex --json
  original: memvid create F; memvid put-many F --input batchN.json (JSON arrays of 500 docs)
            memvid find F --query Q --top-k 10 --mode lex --json
  ours alone at 50K: put-many of the whole corpus, then the same finds.

Every find is a whole process timed from Python around subprocess.run (fork/exec included);
one untimed warm-up call per memory, then --reps calls per query, interleaved between the two
programs. Reports medians (and p90) of wall time, the ratio ours / original, and how many
queries return zero hits (a recall sanity check), plus how much the two top-10s overlap.

--mode sem compares vector search instead (see main_sem below and bench/README.md): both
programs get the same 1,000 documents with the same pre-computed vectors (our built-in model's,
exported by memvid_vector_bench --export), and the same query vectors:
  ours:     memvid create F; memvid put-many F --jsonl docs.jsonl   (with "embedding")
            memvid vec-search F --vector JSON -k 10 --json
            memvid find F --mode sem|auto --query Q -k 10 --json     (ours embeds Q itself)
  original: memvid create F; memvid put-many F --input batchN.json  (with "embedding")
            memvid vec-search F --vector=CSV --limit 10 --json
            memvid find F --mode auto --query Q --top-k 10 --json  (what it does offline)
It first records what the original prints for `find --mode sem`, `find --mode auto` and
`put --embedding` offline (its models download at run time).

Usage: python3 bench/compare_find.py [--ours PATH] [--peer PATH] [--reps N] [--skip-peer] ...
       python3 bench/compare_find.py --mode sem [--vector-bench PATH] ...
       (bench/compare_find.sh is a thin wrapper)
"""
import argparse
import datetime
import json
import os
import platform
import shutil
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
TIMEOUT_S = 300  # the original hangs on large batches: never run it without a timeout
CLASSES = ("term", "multi", "phrase")


class CommandFailed(Exception):
    pass


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def run_timed(argv, timeout=TIMEOUT_S):
    """(wall seconds, stdout bytes); raises CommandFailed on a non-zero exit or a timeout."""
    t0 = time.perf_counter()
    try:
        p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                           timeout=timeout)
    except subprocess.TimeoutExpired:
        raise CommandFailed(f"timed out after {timeout} s: {' '.join(argv)}")
    wall = time.perf_counter() - t0
    if p.returncode != 0:
        raise CommandFailed(f"exit {p.returncode}: {' '.join(argv)}: "
                            f"{p.stderr.decode(errors='replace').strip()[-400:]}")
    return wall, p.stdout


def percentile(xs, p):
    if not xs:
        return None
    s = sorted(xs)
    rank = max(1, min(len(s), int(p / 100.0 * len(s) + 0.999999)))
    return s[rank - 1]


def find_peer(explicit):
    if explicit:
        return explicit
    if os.environ.get("MEMVID_PEER_BIN"):
        return os.environ["MEMVID_PEER_BIN"]
    out = subprocess.run(["bash", INSTALL_PEER], stdout=subprocess.PIPE, check=True, timeout=600)
    return out.stdout.decode().strip().splitlines()[-1]


def version_of(binary):
    try:
        out = subprocess.run([binary, "version"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=30)
        return out.stdout.decode(errors="replace").strip().splitlines()[0]
    except Exception as e:  # noqa: BLE001 - informational only
        return f"unknown ({e})"


def read_mix(path, count):
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line and not line.startswith("#"):
                cls, _, q = line.partition("\t")
                out.append((cls, q))
    return out[:count]


class Ours:
    name = "ours"

    def __init__(self, binary):
        self.binary = binary

    def create(self, path):
        return run_timed([self.binary, "create", path])[0]

    def put_many(self, path, corpus):
        return run_timed([self.binary, "put-many", path, "--jsonl", corpus["jsonl"], "--json"])[0]

    def find(self, path, q, k):
        # --mode lex: like the original's; our default (auto) also loads the embedding model.
        wall, out = run_timed([self.binary, "find", path, "--query", q, "-k", str(k), "--mode", "lex", "--json"])
        return wall, [h.get("uri") for h in json.loads(out)["hits"]]


class Peer:
    name = "original"

    def __init__(self, binary, extra):
        self.binary = binary
        self.extra = extra

    def create(self, path):
        return run_timed([self.binary, "create", path])[0]

    def put_many(self, path, corpus):
        return sum(run_timed([self.binary, "put-many", path, "--input", b, "--json"])[0] for b in corpus["batches"])

    def find(self, path, q, k):
        wall, out = run_timed([self.binary, "find", path, "--query", q, "--top-k", str(k), "--mode", "lex",
                               "--json"] + self.extra)
        return wall, [h.get("uri") for h in json.loads(out)["hits"]]


def prepare(src, work, sizes, batch):
    log(f"unpacking {src} ...")
    if src.endswith(".zst"):
        data = subprocess.run(["zstd", "-dc", "--", src], stdout=subprocess.PIPE, check=True).stdout
    else:
        with open(src, "rb") as f:
            data = f.read()
    docs = []
    for line in data.decode().splitlines():
        if line.strip():
            d = json.loads(line)
            docs.append({"title": d["title"], "text": d["text"], "uri": d["uri"]})
    corpora = {}
    for n in sizes:
        subset = docs[:n]
        c = {"docs": len(subset), "jsonl": os.path.join(work, f"c{n}.jsonl"), "batches": []}
        with open(c["jsonl"], "w") as f:
            for d in subset:
                f.write(json.dumps(d, ensure_ascii=False) + "\n")
        if n <= 3000:  # the original only at small sizes
            for i in range(0, len(subset), batch):
                b = os.path.join(work, f"c{n}_batch{i // batch}.json")
                with open(b, "w") as f:
                    json.dump(subset[i:i + batch], f, ensure_ascii=False)
                c["batches"].append(b)
        corpora[n] = c
    return corpora


def measure_finds(progs, paths, queries, k, reps):
    """Per program: per-query samples, hits. Interleaves programs within each repetition."""
    res = {p.name: {"wall_s": [], "per_query": [], "errors": []} for p in progs}
    for p in progs:  # one untimed warm-up per memory
        try:
            p.find(paths[p.name], queries[0][1], k)
        except CommandFailed as e:
            log(f"  warm-up failed for {p.name}: {e}")
    for qi, (cls, q) in enumerate(queries):
        for p in progs:
            res[p.name]["per_query"].append({"class": cls, "query": q, "wall_s": [], "uris": None, "error": None})
        for _ in range(reps):
            for p in progs:
                entry = res[p.name]["per_query"][qi]
                try:
                    wall, uris = p.find(paths[p.name], q, k)
                except (CommandFailed, ValueError, KeyError) as e:
                    if entry["error"] is None:
                        entry["error"] = str(e)
                        res[p.name]["errors"].append(f"{q}: {e}")
                    continue
                entry["wall_s"].append(wall)
                entry["uris"] = uris
                res[p.name]["wall_s"].append(wall)
    for p in progs:
        r = res[p.name]
        pq = r["per_query"]
        r["zero_hit"] = {c: sum(1 for e in pq if e["error"] is None and not e["uris"] and (c == "all" or e["class"] == c))
                         for c in CLASSES + ("all",)}
        r["zero_hit_queries"] = [e["query"] for e in pq if e["error"] is None and not e["uris"]]
        r["mean_hits"] = statistics.fmean([len(e["uris"] or []) for e in pq]) if pq else 0
        r["median_s"] = statistics.median(r["wall_s"]) if r["wall_s"] else None
        r["p90_s"] = percentile(r["wall_s"], 90)
        r["min_s"] = min(r["wall_s"]) if r["wall_s"] else None
        for c in CLASSES:
            ws = [w for e in pq if e["class"] == c for w in e["wall_s"]]
            r[f"median_s_{c}"] = statistics.median(ws) if ws else None
    return res


def overlap(res_a, res_b):
    """Mean |top(a) ∩ top(b)| / min(|a|, |b|) by uri, over queries where both returned hits."""
    vals = []
    for ea, eb in zip(res_a["per_query"], res_b["per_query"]):
        a, b = set(ea["uris"] or []), set(eb["uris"] or [])
        if a and b:
            vals.append(len(a & b) / min(len(a), len(b)))
    return statistics.fmean(vals) if vals else None


def fmt_ms(s):
    return "—" if s is None else f"{s * 1e3:.1f} ms"


def fmt_ratio(a, b):
    if a is None or b is None or b == 0 or a == 0:
        return "—"
    r = a / b
    if r >= 0.1:
        return f"{r:.2f}×"
    return f"{r:.2g}× (1/{1 / r:,.0f})"


def run_probe(argv, timeout=120):
    """Runs a command that may fail; returns exit code, wall seconds and its output (trimmed)."""
    t0 = time.perf_counter()
    try:
        p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                           timeout=timeout)
        rc, out = p.returncode, p.stdout.decode(errors="replace")
    except subprocess.TimeoutExpired:
        rc, out = None, f"timed out after {timeout} s"
    return {"argv": argv, "rc": rc, "wall_s": time.perf_counter() - t0, "output": out.strip()[:3000]}


def dot(a, b):
    return sum(x * y for x, y in zip(a, b))


def exact_top(qv, vecs, k):
    scores = sorted(((dot(qv, v), i) for i, v in enumerate(vecs)), key=lambda t: (-t[0], t[1]))
    return scores[:k]


def recall_ties(got, qv, vecs, truth, k):
    """Share of the first k hits (doc indexes) whose exact score reaches the exact k-th score."""
    if not truth:
        return None
    kth = truth[-1][0]
    seen, n = set(), 0
    for i in got[:k]:
        if i is None or i in seen:
            continue
        seen.add(i)
        if dot(qv, vecs[i]) >= kth - 1e-6:
            n += 1
    return min(n, len(truth)) / len(truth)


def main_sem(args, ours_bin):
    """--mode sem: vector search, ours against the original (see the module docstring)."""
    peer_bin = None if args.skip_peer else find_peer(args.peer)
    vb = args.vector_bench or os.path.join(os.path.dirname(ours_bin), "bench", "memvid_vector_bench")
    if not os.access(vb, os.X_OK):
        raise SystemExit(f"memvid_vector_bench not found: {vb} (build it, or pass --vector-bench)")
    work = tempfile.mkdtemp(prefix="memvid_cmpsem.", dir=os.environ.get("TMPDIR") or None)
    log(f"work dir: {work}")
    R = {"mode": "sem", "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
         "machine": {"nproc": os.cpu_count(), "kernel": platform.release(), "loadavg_at_start": os.getloadavg()},
         "config": vars(args) | {"ours": ours_bin, "peer": peer_bin, "vector_bench": vb},
         "versions": {"ours": version_of(ours_bin), "original": version_of(peer_bin) if peer_bin else None}}
    try:
        vdir = os.path.join(work, "vectors")
        log("exporting vectors (memvid_vector_bench --export) ...")
        subprocess.run([vb, "--export", vdir, "--export-docs", "1000", "--corpus", args.corpus], check=True,
                       stdout=subprocess.DEVNULL, timeout=600)
        with open(os.path.join(vdir, "docs.jsonl"), encoding="utf-8") as f:
            docs = [json.loads(line) for line in f if line.strip()]
        with open(os.path.join(vdir, "queries.jsonl"), encoding="utf-8") as f:
            allq = [json.loads(line) for line in f if line.strip()]
        sets = ["held-out passage", "mix.txt", "SciFact claim"]
        per = max(1, args.queries_count // len(sets))
        queries = [q for s_ in sets for q in [x for x in allq if x["set"] == s_][:per]]
        vecs = [d["embedding"] for d in docs]
        uri_index = {d["uri"]: i for i, d in enumerate(docs)}
        truth = [exact_top(q["vector"], vecs, args.k) for q in queries]

        ours_vec = os.path.join(work, "ours_vec.jsonl")
        ours_plain = os.path.join(work, "ours_plain.jsonl")
        with open(ours_vec, "w") as f1, open(ours_plain, "w") as f2:
            for d in docs:
                f1.write(json.dumps(d, ensure_ascii=False) + "\n")
                f2.write(json.dumps({k: d[k] for k in ("title", "text", "uri")}, ensure_ascii=False) + "\n")
        peer_vec, peer_plain = [], []
        for i in range(0, len(docs), args.batch):
            chunk = docs[i:i + args.batch]
            b = os.path.join(work, f"peer_vec{i // args.batch}.json")
            with open(b, "w") as f:
                json.dump([{k: d[k] for k in ("title", "text", "uri", "embedding")} for d in chunk], f)
            peer_vec.append(b)
            b = os.path.join(work, f"peer_plain{i // args.batch}.json")
            with open(b, "w") as f:
                json.dump([{k: d[k] for k in ("title", "text", "uri")} for d in chunk], f)
            peer_plain.append(b)
        raw = sum(len(d["title"].encode()) + len(d["text"].encode()) for d in docs)
        R["docs"], R["raw_bytes"], R["queries"] = len(docs), raw, len(queries)

        # What the original does offline with its own models.
        probes = {}
        if peer_bin:
            pp = os.path.join(work, "peer_plain.mv2")
            run_timed([peer_bin, "create", pp])
            for b in peer_plain:
                run_timed([peer_bin, "put-many", pp, "--input", b, "--json"])
            q0 = queries[0]["find_text"]
            probes["find --mode sem"] = run_probe([peer_bin, "find", pp, "--query", q0, "--mode", "sem", "--json"])
            probes["find --mode auto"] = run_probe([peer_bin, "find", pp, "--query", q0, "--mode", "auto", "--json"])
            tfile = os.path.join(work, "one.txt")
            with open(tfile, "w") as f:
                f.write(docs[0]["text"])
            probes["put --embedding"] = run_probe([peer_bin, "put", pp, "--embedding", "--input", tfile])
            probes["vec-search --vector (no vectors stored)"] = run_probe(
                [peer_bin, "vec-search", pp, "--vector=" + ",".join(repr(x) for x in queries[0]["vector"]),
                 "--json"])
        R["peer_probes"] = probes

        # Ingest with vectors, --ingest-runs times each (interleaved).
        ing = {"ours (vectors given)": [], "ours (built-in model embeds)": [], "original (vectors given)": []}
        sizes, paths = {}, {}
        for r in range(args.ingest_runs):
            for ni, name in enumerate(ing):
                if name.startswith("original") and not peer_bin:
                    continue
                path = os.path.join(work, f"ingest{r}_{ni}.mv2")
                try:
                    if name.startswith("ours"):
                        run_timed([ours_bin, "create", path])
                        src = ours_vec if "given" in name else ours_plain
                        wall = run_timed([ours_bin, "put-many", path, "--jsonl", src, "--json"])[0]
                    else:
                        run_timed([peer_bin, "create", path])
                        wall = sum(run_timed([peer_bin, "put-many", path, "--input", b, "--json"])[0] for b in peer_vec)
                except CommandFailed as e:
                    log(f"  {name}: {e}")
                    continue
                ing[name].append(wall)
                sizes[name] = os.path.getsize(path)
                paths[name] = path
        R["ingest_s"], R["file_bytes"] = ing, sizes

        # Queries.
        ours_mem = paths.get("ours (vectors given)")
        peer_mem = paths.get("original (vectors given)")
        cmds = {
            "ours vec-search --vector": lambda q: [ours_bin, "vec-search", ours_mem, "--vector", json.dumps(q["vector"]),
                                                   "-k", str(args.k), "--json"],
            "ours find --mode sem": lambda q: [ours_bin, "find", ours_mem, "--mode", "sem", "--query", q["find_text"],
                                               "-k", str(args.k), "--json"],
            "ours find --mode auto": lambda q: [ours_bin, "find", ours_mem, "--mode", "auto", "--query",
                                                q["find_text"], "-k", str(args.k), "--json"],
            "ours find --mode lex": lambda q: [ours_bin, "find", ours_mem, "--mode", "lex", "--query", q["find_text"],
                                               "-k", str(args.k), "--json"],
        }
        if peer_mem:
            cmds["original vec-search --vector"] = lambda q: [
                peer_bin, "vec-search", peer_mem, "--vector=" + ",".join(repr(x) for x in q["vector"]),
                "--limit", str(args.k), "--json"]
            cmds["original find --mode auto (lexical offline)"] = lambda q: [
                peer_bin, "find", peer_mem, "--query", q["find_text"], "--mode", "auto", "--top-k", str(args.k),
                "--json"]

        # The original's vec-search names frames by id; find how ids map to documents with
        # documents' own vectors (distance 0), by majority: it may not hold every vector.
        peer_offset = None
        if peer_mem:
            offs = []
            for i in (len(docs) // 4, len(docs) // 2, 3 * len(docs) // 4, len(docs) - 1):
                try:
                    _, out = run_timed([peer_bin, "vec-search", peer_mem,
                                        "--vector=" + ",".join(repr(x) for x in vecs[i]), "--limit", "1", "--json"])
                    h = json.loads(out)[0]
                    if h["distance"] < 1e-4:
                        offs.append(h["frame_id"] - i)
                except (CommandFailed, ValueError, KeyError, IndexError) as e:
                    log(f"  original self-query failed: {e}")
            if offs:
                best = max(set(offs), key=offs.count)
                peer_offset = best if offs.count(best) >= 3 else None
        R["peer_frame_offset"] = peer_offset
        # Which documents' vectors the original can find again: 50 evenly spread self-queries.
        if peer_mem and peer_offset is not None:
            found = []
            for i in range(0, len(docs), max(1, len(docs) // 50)):
                try:
                    _, out = run_timed([peer_bin, "vec-search", peer_mem,
                                        "--vector=" + ",".join(repr(x) for x in vecs[i]), "--limit", "1", "--json"])
                    h = json.loads(out)[0]
                    found.append((i, h["distance"] < 1e-4 and h["frame_id"] - peer_offset == i))
                except (CommandFailed, ValueError, KeyError, IndexError):
                    found.append((i, False))
            R["peer_self_query"] = found

        # How many vectors each memory holds (stats).
        R["vectors_held"] = {}
        for n, path in paths.items():
            try:
                if n.startswith("ours"):
                    R["vectors_held"][n] = json.loads(run_timed([ours_bin, "stats", path, "--json"])[1])["vectors"]
                else:
                    st = json.loads(run_timed([peer_bin, "stats", path, "--json"])[1])
                    R["vectors_held"][n] = (st.get("embedding_quality") or {}).get("vector_count")
            except (CommandFailed, ValueError, KeyError) as e:
                log(f"  stats of {n}: {e}")

        def parse(name, out):
            d = json.loads(out)
            if name.startswith("original vec-search"):
                if peer_offset is None:
                    return [None for _ in d]
                return [h["frame_id"] - peer_offset if 0 <= h["frame_id"] - peer_offset < len(docs) else None for h in d]
            hits = d["hits"]
            return [uri_index.get(h.get("uri")) for h in hits]

        res = {n: {"wall_s": [], "got": [None] * len(queries), "errors": []} for n in cmds}
        for n in cmds:  # untimed warm-up
            try:
                run_timed(cmds[n](queries[0]))
            except CommandFailed as e:
                log(f"  warm-up {n}: {e}")
        log(f"{len(cmds)} commands x {len(queries)} queries x {args.reps} ...")
        for qi, q in enumerate(queries):
            for _ in range(args.reps):
                for n, mk in cmds.items():
                    try:
                        wall, out = run_timed(mk(q))
                        got = parse(n, out)
                    except (CommandFailed, ValueError, KeyError) as e:
                        if len(res[n]["errors"]) < 5:
                            res[n]["errors"].append(str(e)[:300])
                        continue
                    res[n]["wall_s"].append(wall)
                    res[n]["got"][qi] = got
        for n, r in res.items():
            r["median_s"] = statistics.median(r["wall_s"]) if r["wall_s"] else None
            r["p90_s"] = percentile(r["wall_s"], 90)
            rec = [recall_ties(g, q["vector"], vecs, t, args.k) for g, q, t in zip(r["got"], queries, truth) if g is not None]
            r["recall_exact"] = statistics.fmean([x for x in rec if x is not None]) if rec else None
            r["mean_hits"] = statistics.fmean([len(g) for g in r["got"] if g is not None]) if any(r["got"]) else 0
            del r["got"][:]  # not worth keeping in the JSON
        R["queries_result"] = res

        # Ours alone at 50K (the model embeds): CLI put-many and the same queries.
        if not args.skip_50k:
            corp = prepare(args.corpus, work, [50000], args.batch)[50000]
            p50k = os.path.join(work, "ours_50k.mv2")
            run_timed([ours_bin, "create", p50k])
            log("ours: put-many 50K (built-in model) ...")
            R["put_many_50k_s"] = run_timed([ours_bin, "put-many", p50k, "--jsonl", corp["jsonl"], "--json"])[0]
            R["file_50k_bytes"] = os.path.getsize(p50k)
            r50 = {}
            for n in ("ours vec-search --vector", "ours find --mode sem", "ours find --mode auto", "ours find --mode lex"):
                ws = []
                for q in queries:
                    argv = cmds[n](q)
                    argv[argv.index(ours_mem)] = p50k
                    try:
                        ws.append(run_timed(argv)[0])
                    except CommandFailed as e:
                        log(f"  {n} on 50K: {e}")
                r50[n] = {"median_s": statistics.median(ws) if ws else None, "p90_s": percentile(ws, 90)}
            R["find_50k"] = r50
        R["machine"]["loadavg_at_end"] = os.getloadavg()

        # Report.
        L = []
        L.append(f"Date {R['date']}; {R['machine']['nproc']} CPUs, Linux {R['machine']['kernel']}, load "
                 f"{tuple(round(x, 2) for x in R['machine']['loadavg_at_start'])} at start, "
                 f"{tuple(round(x, 2) for x in R['machine']['loadavg_at_end'])} at end.")
        L.append(f"Ours: {ours_bin} ({R['versions']['ours']}); original: {peer_bin} ({R['versions']['original']}).")
        L.append(f"{len(docs)} documents ({raw:,} bytes of title + text) with the built-in model's unit vectors "
                 f"(100-d); {len(queries)} queries ({per} held-out passages, {per} mix.txt, {per} SciFact claims), "
                 f"{args.reps} timed processes each, k={args.k}; whole-process wall time.")
        if R.get("peer_self_query"):
            sq = R["peer_self_query"]
            missing = [i for i, ok in sq if not ok]
            L.append(f"The original finds {len(sq) - len(missing)} of {len(sq)} sampled documents from their own vector "
                     f"(distance 0); not found: documents {missing if missing else 'none'}.")
        if probes:
            L.append("")
            L.append("What the original prints offline:")
            L.append("")
            for n, p in probes.items():
                first = " / ".join(x.strip() for x in p["output"].splitlines() if x.strip())[:400]
                L.append(f"- `{n}`: exit {p['rc']}: {first}")
        L.append("")
        L.append("| ingest of 1K with vectors | median s | runs | file bytes | file / raw text | vectors held (stats) |")
        L.append("|---|---:|---|---:|---:|---:|")
        for n, ws in ing.items():
            if not ws:
                L.append(f"| {n} | failed or skipped | | | | |")
                continue
            L.append(f"| {n} | {statistics.median(ws):.2f} | {', '.join(f'{w:.2f}' for w in ws)} | "
                     f"{sizes[n]:,} | {sizes[n] / raw:.2f} | {R['vectors_held'].get(n, '?')} |")
        L.append("")
        L.append("| query command (1K) | median | p90 | recall@10 vs exact | mean hits | errors |")
        L.append("|---|---:|---:|---:|---:|---:|")
        for n, r in res.items():
            rc = r["recall_exact"]
            L.append(f"| {n} | {fmt_ms(r['median_s'])} | {fmt_ms(r['p90_s'])} | "
                     f"{'—' if rc is None or 'lex' in n or 'auto' in n else f'{rc:.3f}'} | {r['mean_hits']:.1f} | "
                     f"{len(r['errors'])} |")
        if "find_50k" in R:
            L.append("")
            L.append(f"Ours alone at 50K: CLI put-many (built-in model embeds) {R['put_many_50k_s']:.2f} s, file "
                     f"{R['file_50k_bytes'] / 1e6:.1f} MB; medians over the same queries (one process each):")
            L.append("")
            L.append("| query command (50K, ours) | median | p90 |")
            L.append("|---|---:|---:|")
            for n, r in R["find_50k"].items():
                L.append(f"| {n} | {fmt_ms(r['median_s'])} | {fmt_ms(r['p90_s'])} |")
        report = "\n".join(L)
        print(report)
        for n, r in res.items():
            if r["errors"]:
                print(f"\n{n}: errors:\n  " + "\n  ".join(r["errors"]))
        R["report_markdown"] = report
        if args.out:
            with open(args.out, "w") as f:
                json.dump(R, f, indent=2)
                f.write("\n")
            log(f"raw results: {args.out}")
    finally:
        if args.keep:
            log(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ours", default=os.environ.get("MEMVID_BIN", os.path.join(REPO, "build", "release", "memvid")),
                    help="our memvid binary (default $MEMVID_BIN or build/release/memvid)")
    ap.add_argument("--peer", default=None, help="the original memvid (default $MEMVID_PEER_BIN or install_peer.sh)")
    ap.add_argument("--corpus", default=os.environ.get("MEMVID_BENCH_CORPUS", DEFAULT_CORPUS))
    ap.add_argument("--queries", default=DEFAULT_QUERIES, help="query-mix file (default bench/queries/mix.txt)")
    ap.add_argument("--queries-count", type=int, default=51, help="first N queries of the mix (default 51)")
    ap.add_argument("--reps", type=int, default=3, help="timed find processes per query and program (default 3)")
    ap.add_argument("--k", type=int, default=10)
    ap.add_argument("--batch", type=int, default=500, help="the original's put-many batch size (default 500)")
    ap.add_argument("--peer-no-adaptive", action="store_true",
                    help="pass --no-adaptive to the original's find (its default cuts hits below 50%% of the top score)")
    ap.add_argument("--skip-peer", action="store_true")
    ap.add_argument("--skip-50k", action="store_true")
    ap.add_argument("--out", default=None, help="raw results as JSON")
    ap.add_argument("--keep", action="store_true", help="keep the temporary directory")
    ap.add_argument("--mode", choices=["lex", "sem"], default="lex",
                    help="lex: lexical find (default); sem: vector search with the same vectors in both programs")
    ap.add_argument("--vector-bench", default=None,
                    help="--mode sem: memvid_vector_bench, which exports the vectors "
                         "(default: bench/memvid_vector_bench beside --ours)")
    ap.add_argument("--ingest-runs", type=int, default=3, help="--mode sem: put-many runs per program (default 3)")
    args = ap.parse_args()

    ours_bin = os.path.abspath(args.ours)
    if not os.access(ours_bin, os.X_OK):
        raise SystemExit(f"our memvid binary not found: {ours_bin} (set --ours or MEMVID_BIN)")
    if subprocess.run([ours_bin, "find", "--help"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode:
        raise SystemExit(f"{ours_bin} has no `find` command: rebuild it")
    if args.mode == "sem":
        return main_sem(args, ours_bin)
    peer_bin = None if args.skip_peer else find_peer(args.peer)
    if not os.path.exists(args.queries):
        raise SystemExit(f"no query mix at {args.queries}: run `memvid_find_bench --gen-queries-only`")
    queries = read_mix(args.queries, args.queries_count)

    work = tempfile.mkdtemp(prefix="memvid_cmpfind.", dir=os.environ.get("TMPDIR") or None)
    log(f"work dir: {work}")
    R = {"date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
         "machine": {"nproc": os.cpu_count(), "kernel": platform.release(), "loadavg_at_start": os.getloadavg()},
         "config": vars(args) | {"ours": ours_bin, "peer": peer_bin},
         "versions": {"ours": version_of(ours_bin), "original": version_of(peer_bin) if peer_bin else None}}
    try:
        sizes = [1000] + ([] if args.skip_50k else [50000])
        corpora = prepare(args.corpus, work, sizes, args.batch)
        progs = [Ours(ours_bin)]
        if peer_bin:
            progs.append(Peer(peer_bin, ["--no-adaptive"] if args.peer_no_adaptive else []))
        true_bin = shutil.which("true") or "/bin/true"
        R["spawn_true_s"] = statistics.median([run_timed([true_bin])[0] for _ in range(10)])
        R["start_s"] = {}
        for p in progs:
            run_timed([p.binary, "version"])
            R["start_s"][p.name] = statistics.median([run_timed([p.binary, "version"])[0] for _ in range(10)])

        paths, R["put_many_1k_s"] = {}, {}
        for p in progs:
            path = os.path.join(work, f"{p.name}_1k.mv2")
            p.create(path)
            log(f"{p.name}: put-many 1K ...")
            R["put_many_1k_s"][p.name] = p.put_many(path, corpora[1000])
            paths[p.name] = path
        log(f"find x {len(queries)} queries x {args.reps} on 1K ...")
        R["find_1k"] = measure_finds(progs, paths, queries, args.k, args.reps)
        if peer_bin:
            R["overlap_top_k_1k"] = overlap(R["find_1k"]["ours"], R["find_1k"]["original"])

        if not args.skip_50k:
            path = os.path.join(work, "ours_50k.mv2")
            progs[0].create(path)
            log("ours: put-many 50K ...")
            R["put_many_50k_s"] = progs[0].put_many(path, corpora[50000])
            log(f"find x {len(queries)} queries x {args.reps} on 50K (ours) ...")
            R["find_50k"] = measure_finds(progs[:1], {"ours": path}, queries, args.k, args.reps)
        R["machine"]["loadavg_at_end"] = os.getloadavg()

        # Report
        f1 = R["find_1k"]
        o, pr = f1["ours"], f1.get("original")
        lines = []
        lines.append(f"Date {R['date']}; {R['machine']['nproc']} CPUs, Linux {R['machine']['kernel']}, load "
                     f"{tuple(round(x, 2) for x in R['machine']['loadavg_at_start'])} at start, "
                     f"{tuple(round(x, 2) for x in R['machine']['loadavg_at_end'])} at end.")
        lines.append(f"Ours: {ours_bin} ({R['versions']['ours']}); original: {peer_bin} ({R['versions']['original']}).")
        lines.append(f"{len(queries)} queries (first lines of {os.path.relpath(args.queries, REPO)}), "
                     f"{args.reps} timed processes each, k={args.k}; whole-process wall time; "
                     f"spawning `true` costs {fmt_ms(R['spawn_true_s'])} (median).")
        lines.append("")
        lines.append("| metric | ours | original memvid | ratio ours/original |")
        lines.append("|---|---:|---:|---:|")

        def row(metric, a, b, fmt=fmt_ms, ratio=True):
            lines.append(f"| {metric} | {fmt(a)} | {fmt(b) if pr is not None else 'skipped'} | "
                         f"{fmt_ratio(a, b) if ratio and pr is not None else '—'} |")

        get = (lambda key: pr.get(key)) if pr else (lambda key: None)
        row("process start (`version`), median", R["start_s"]["ours"], R["start_s"].get("original"))
        row("put-many 1K (ours one JSONL; original 2 x 500-doc JSON arrays)", R["put_many_1k_s"]["ours"],
            R["put_many_1k_s"].get("original"), fmt=lambda s: "—" if s is None else f"{s:.2f} s")
        row("find on 1K, all queries: median", o["median_s"], get("median_s"))
        row("find on 1K, all queries: p90", o["p90_s"], get("p90_s"))
        row("find on 1K, all queries: min", o["min_s"], get("min_s"))
        for c in CLASSES:
            row(f"find on 1K, {c} queries: median", o[f"median_s_{c}"], get(f"median_s_{c}"))
        row("find on 1K: mean hits returned", o["mean_hits"], get("mean_hits"), fmt=lambda x: "—" if x is None else f"{x:.1f}", ratio=False)
        zh = lambda r: None if r is None else r["zero_hit"]  # noqa: E731
        fz = lambda z: "—" if z is None else (f"{z['all']} (term {z['term']}, multi {z['multi']}, phrase {z['phrase']})")  # noqa: E731
        row(f"find on 1K: queries with zero hits (of {len(queries)})", zh(o), zh(pr), fmt=fz, ratio=False)
        row("find on 1K: errors", len(o["errors"]), len(pr["errors"]) if pr else None, fmt=lambda x: "—" if x is None else str(x), ratio=False)
        if pr is not None:
            ov = R.get("overlap_top_k_1k")
            lines.append(f"| top-{args.k} overlap ours vs original (by uri, ÷ the shorter list) | "
                         f"{'—' if ov is None else f'{ov:.2f}'} | | |")
        if "find_50k" in R:
            f5 = R["find_50k"]["ours"]
            na = "n/a"
            lines.append(f"| put-many 50K (ours) | {R['put_many_50k_s']:.2f} s | {na} | — |")
            lines.append(f"| find on 50K, all queries: median (ours) | {fmt_ms(f5['median_s'])} | {na} | — |")
            lines.append(f"| find on 50K, all queries: p90 (ours) | {fmt_ms(f5['p90_s'])} | {na} | — |")
            for c in CLASSES:
                lines.append(f"| find on 50K, {c} queries: median (ours) | {fmt_ms(f5[f'median_s_{c}'])} | {na} | — |")
            lines.append(f"| find on 50K: queries with zero hits (ours) | {fz(f5['zero_hit'])} | {na} | — |")
            lines.append(f"| find on 50K: errors (ours) | {len(f5['errors'])} | {na} | — |")
            lines.append(f"| find 50K ÷ find 1K (ours, medians) | {fmt_ratio(f5['median_s'], o['median_s'])} | | |")
        report = "\n".join(lines)
        print(report)
        for name, r in [("ours 1K", o), ("original 1K", pr), ("ours 50K", R.get("find_50k", {}).get("ours"))]:
            if r is None:
                continue
            if r["zero_hit_queries"]:
                print(f"\n{name}: zero-hit queries: " + "; ".join(r["zero_hit_queries"]))
            if r["errors"]:
                print(f"\n{name}: errors:\n  " + "\n  ".join(r["errors"][:10]))
        R["report_markdown"] = report
        if args.out:
            with open(args.out, "w") as f:
                json.dump(R, f, indent=2)
                f.write("\n")
            log(f"raw results: {args.out}")
    finally:
        if args.keep:
            log(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
