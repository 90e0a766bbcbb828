#!/usr/bin/env python3
"""Directory ingestion and `ask`: our `memvid put --input DIR` / `memvid ask` against the
original memvid CLI (Rust), on the same tree of files, on the same machine, in the same run.

Builds nothing. The tree: the first --docs corpus documents written as files in 10
subdirectories (s00..s09, document i in s{i % 10}), named docNNNNN.{md,txt,html} by i % 3:
  .md    "# TITLE\\n\\nTEXT\\n"
  .txt   "TEXT\\n"                          (no title in the file)
  .html  <html><head><title>TITLE</title></head><body>\\n<p>PARAGRAPH</p>\\n...</body></html>
         (paragraphs = the text split at blank lines, HTML-escaped)
Every file gets a fixed mtime, so the tree is byte- and time-identical between runs. Basenames
are unique (the original names a document mv2://BASENAME, not by its relative path).

Ingest (each run a fresh memory; create + put are timed as two processes and added):
  ours (builtin model):   memvid create F;                  memvid put F --input TREE --json
  ours (embedding none):  memvid create F --embedding none; memvid put F --input TREE --json
  original (lexical):     memvid create F --no-vector
                          memvid put F --input TREE --json --no-embedding --no-auto-tag
                              --no-extract-dates --no-extract-triplets --no-enrich
  original (defaults):    memvid create F; memvid put F --input TREE --json   (once, small tree)
  then ours again over the same tree with --dedupe (every document a duplicate), and what the
  original does with `put --dedup` (and `--dedup --allow-duplicate`) over the same tree.

Ask (whole processes; the memories of the last 1K run; --questions questions built from the
titles and sentences of the tree's documents, --ask-reps processes each, interleaved):
  ours:     memvid ask F -q Q --mode lex --json     (builtin-model memory, and the none memory)
            memvid ask F -q Q --json                (default mode auto: lexical + the model)
  original: memvid ask F --question Q --no-llm --mode lex --json
            memvid ask F --question Q --json        (its defaults: hybrid, lexical offline)
Both default to 8 passages. "target" = the document the question was made from is among the
sources returned.

The original is slow (about 0.1-0.4 s per document, growing with the memory) and caps a
memory at 50 MB without an account: it runs --peer-runs times on the --docs tree and --runs
times on the --small-docs tree; ours runs --runs times on every tree, including --large-docs
(ours alone unless --peer-large). Every original command runs under a timeout.

Usage: python3 bench/compare_ingest.py [--ours PATH] [--peer PATH] [--docs N] [--runs N] ...
       (bench/compare_ingest.sh is a thin wrapper)
"""
import argparse
import datetime
import html
import json
import os
import platform
import re
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
INSTALL_PEER = os.path.join(SHARED, "bench", "install_peer.sh")
OURS_TIMEOUT_S = 300
ASK_TIMEOUT_S = 120
FIXED_MTIME = 1_700_000_000  # 2023-11-14; document i gets FIXED_MTIME + i
PEER_LEX_PUT = ["--no-embedding", "--no-auto-tag", "--no-extract-dates", "--no-extract-triplets", "--no-enrich"]
DOC_RE = re.compile(r"doc(\d{5})")


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def run(argv, timeout):
    """Runs argv once: dict(wall, rc (None on timeout), out, err). Never raises."""
    t0 = time.perf_counter()
    try:
        p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                           timeout=timeout)
        rc, out, err = p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired as e:
        rc, out, err = None, e.stdout or b"", e.stderr or b""
    return {"wall": time.perf_counter() - t0, "rc": rc, "out": out.decode(errors="replace"),
            "err": err.decode(errors="replace")}


def json_or_none(s):
    try:
        return json.loads(s)
    except ValueError:
        return None


def notable_stderr(err):
    """The distinct ERROR/WARN lines of a stderr (first line of each, trimmed)."""
    out = []
    for line in err.splitlines():
        line = line.strip()
        if ("ERROR" in line or "WARN" in line or "error" in line.lower()) and line[:160] not in out:
            out.append(line[:160])
    return out


def median(xs):
    return statistics.median(xs) if xs else None


def percentile(xs, p):
    if not xs:
        return None
    s = sorted(xs)
    return s[max(1, min(len(s), int(p / 100.0 * len(s) + 0.999999))) - 1]


def machine_info():
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return {"nproc": os.cpu_count(), "cpu_model": cpu, "kernel": platform.release(),
            "loadavg_at_start": os.getloadavg()}


def find_peer(explicit):
    if explicit:
        return explicit
    if os.environ.get("MEMVID_PEER_BIN"):
        return os.environ["MEMVID_PEER_BIN"]
    out = subprocess.run(["bash", INSTALL_PEER], stdout=subprocess.PIPE, check=True, timeout=600)
    return out.stdout.decode().strip().splitlines()[-1]


def version_of(binary):
    r = run([binary, "version"], 30)
    return (r["out"] or r["err"]).strip().splitlines()[0] if (r["out"] or r["err"]).strip() else "unknown"


# ---------------------------------------------------------------------------------------------
# Corpus, tree and questions

def load_docs(src, n):
    if src.endswith(".zst"):
        p = subprocess.Popen(["zstd", "-dc", "--", src], stdout=subprocess.PIPE)
        stream = p.stdout
    else:
        p, stream = None, open(src, "rb")
    docs = []
    for line in stream:
        if len(docs) >= n:
            break
        if line.strip():
            d = json.loads(line)
            docs.append({"title": d["title"], "text": d["text"], "uri": d["uri"]})
    stream.close()
    if p:
        p.kill()
        p.wait()
    return docs


def write_tree(root, docs):
    """Writes docs as files; returns {raw_bytes, files, ext counts, html paths}."""
    info = {"files": 0, "raw_bytes": 0, "text_bytes": 0, "ext": {"md": 0, "txt": 0, "html": 0}}
    for i, d in enumerate(docs):
        sub = os.path.join(root, f"s{i % 10:02d}")
        os.makedirs(sub, exist_ok=True)
        ext = ("md", "txt", "html")[i % 3]
        if ext == "md":
            body = f"# {d['title']}\n\n{d['text']}\n"
        elif ext == "txt":
            body = d["text"] + "\n"
        else:
            paras = "".join(f"<p>{html.escape(p.strip())}</p>\n" for p in d["text"].split("\n\n") if p.strip())
            body = (f"<html><head><title>{html.escape(d['title'])}</title></head><body>\n"
                    f"{paras}</body></html>\n")
        path = os.path.join(sub, f"doc{i:05d}.{ext}")
        data = body.encode()
        with open(path, "wb") as f:
            f.write(data)
        os.utime(path, (FIXED_MTIME + i, FIXED_MTIME + i))
        info["files"] += 1
        info["raw_bytes"] += len(data)
        info["text_bytes"] += len(d["text"].encode())
        info["ext"][ext] += 1
    return info


def make_questions(docs, n):
    """n questions spread over docs: even ones from a title, odd ones from a sentence of the text."""
    qs = []
    for j in range(n):
        i = int((j + 0.5) * len(docs) / n)
        d = docs[i]
        q = None
        if j % 2 == 1:
            for s in re.split(r"(?<=[.!?])\s+|\n+", d["text"]):
                words = s.split()
                letters = sum(c.isalpha() for c in s)
                if 8 <= len(words) <= 40 and letters >= 0.7 * len(s.replace(" ", "")):
                    q = "Where does it say that " + " ".join(words[:12]).rstrip(".,;:") + "?"
                    break
        if q is None:
            t = d["title"]
            subj = t.split(": ", 1)[1] if ": " in t else t
            words = subj.split()
            # Titles are cut at ~80 characters, often mid-word: drop a last word the text lacks.
            if len(t) >= 75 and len(words) > 3 and words[-1] not in d["text"].split():
                subj = " ".join(words[:-1])
            q = "What is " + re.sub(r"\s+", " ", subj).strip(" .:-") + "?"
        qs.append({"doc": i, "question": q, "kind": "sentence" if q.startswith("Where") else "title"})
    return qs


# ---------------------------------------------------------------------------------------------
# Programs

class Config:
    def __init__(self, name, program, create_argv, put_argv, timeout):
        self.name, self.program = name, program
        self.create_argv, self.put_argv, self.timeout = create_argv, put_argv, timeout


def ingest_once(cfg, binary, tree, path):
    """create + put into a fresh file. Returns a record (wall times, size, counts, errors)."""
    for suffix in ("", ".manifest.wal"):  # the original keeps a .manifest.wal beside the file while it writes
        if os.path.exists(path + suffix):
            os.remove(path + suffix)
    rec = {"ok": False}
    c = run([binary, "create", path] + cfg.create_argv, cfg.timeout)
    rec["create_s"] = c["wall"]
    if c["rc"] != 0:
        rec["error"] = f"create: exit {c['rc']}: {c['err'].strip()[-300:]}"
        return rec
    p = run([binary, "put", path, "--input", tree, "--json"] + cfg.put_argv, cfg.timeout)
    rec["put_s"] = p["wall"]
    rec["total_s"] = c["wall"] + p["wall"]
    rec["file_bytes"] = os.path.getsize(path) if os.path.exists(path) else None
    rec["stderr"] = notable_stderr(p["err"])
    d = json_or_none(p["out"])
    if p["rc"] is None:
        rec["error"] = f"put timed out after {cfg.timeout} s"
    elif p["rc"] != 0:
        rec["error"] = f"put: exit {p['rc']}: {(p['err'] or p['out']).strip()[-300:]}"
    else:
        rec["ok"] = True
    if os.path.exists(path):  # what the memory holds afterwards, by the program's own stats (untimed)
        st = json_or_none(run([binary, "stats", path, "--json"], 120)["out"]) or {}
        rec["stats_frames"] = st.get("frames") if cfg.program == "ours" else (st.get("raw") or {}).get("frame_count")
    if d is not None:
        rec["ingested"] = d.get("ingested")
        if cfg.program == "ours":
            rec["frames"] = d.get("frames")
            rec["duplicates"] = d.get("duplicates")
            rec["skipped"] = len(d.get("skipped", []))
            rec["titles"] = {x["path"]: x.get("title") for x in d.get("items", [])}
            rec["frame_of"] = {x["path"]: x.get("frame") for x in d.get("items", [])}
        else:
            rec["frames"] = (d.get("memory") or {}).get("frame_count")
            rec["skipped"] = d.get("skipped")
            rec["capacity_reached"] = d.get("capacity_reached")
            rec["warnings"] = d.get("warnings")
            rec["titles"] = {x.get("source"): x.get("title") for x in d.get("reports", [])}
            rec["readers"] = sorted({(x.get("mime"), (x.get("extraction") or {}).get("reader"))
                                     for x in d.get("reports", [])}, key=str)
    return rec


def title_check(rec, tree, docs):
    """How many files got the document's title (HTML <title>, Markdown heading), per extension."""
    out = {}
    for src, title in (rec.get("titles") or {}).items():
        m = DOC_RE.search(src or "")
        if not m:
            continue
        i = int(m.group(1))
        ext = os.path.splitext(src)[1].lstrip(".")
        good = " ".join((title or "").split()) == " ".join(docs[i]["title"].split())  # HTML collapses spaces
        o = out.setdefault(ext, [0, 0])
        o[0] += good
        o[1] += 1
        if not good and ext != "txt" and len(out.setdefault("mismatches", [])) < 3:
            out["mismatches"].append({"file": os.path.basename(src), "corpus": docs[i]["title"], "got": title})
    return out


def ingest_summary(recs, ndocs):
    ok = [r for r in recs if r.get("ok")]
    walls = [r["total_s"] for r in ok]
    last = recs[-1] if recs else {}
    return {"runs": len(recs), "ok_runs": len(ok), "median_s": median(walls),
            "min_s": min(walls) if walls else None, "max_s": max(walls) if walls else None,
            # documents actually stored per second (the original may stop early at its 50 MB cap)
            "docs_per_s": min(ndocs, last.get("stats_frames") or ndocs) / median(walls) if walls else None,
            "file_bytes": median([r["file_bytes"] for r in ok if r.get("file_bytes")]) if ok else last.get("file_bytes"),
            "ingested": last.get("ingested"), "frames": last.get("frames"), "stats_frames": last.get("stats_frames"),
            "capacity_reached": last.get("capacity_reached"), "warnings": last.get("warnings"),
            "errors": [r["error"] for r in recs if r.get("error")],
            "stderr": sorted({s for r in recs for s in r.get("stderr", [])})}


# ---------------------------------------------------------------------------------------------
# Ask

def parse_ask(program, out):
    """(number of sources, their doc indexes in order, answer non-empty)."""
    d = json_or_none(out)
    if d is None:
        return None
    if program == "ours":
        src = d.get("sources") or []
        answer = bool((d.get("answer") or "").strip()) and d.get("found", True)
    else:
        src = d.get("evidence") or d.get("results") or d.get("citations") or []
        answer = bool((d.get("answer") or "").strip()) if "answer" in d else None
    docs = []
    for s in src:
        m = DOC_RE.search(str(s.get("uri") or "")) if isinstance(s, dict) else None
        docs.append(int(m.group(1)) if m else None)
    return len(src), docs, answer


def measure_asks(cmds, questions, reps):
    """cmds: {name: (program, fn(question) -> argv)}. Interleaved: question, rep, command."""
    res = {n: {"wall_s": [], "per_q": [None] * len(questions), "errors": [], "stderr": set()} for n in cmds}
    for n, (prog, mk) in cmds.items():  # one untimed warm-up each
        run(mk(questions[0]["question"]), ASK_TIMEOUT_S)
    for qi, q in enumerate(questions):
        for _ in range(reps):
            for n, (prog, mk) in cmds.items():
                r = run(mk(q["question"]), ASK_TIMEOUT_S)
                res[n]["stderr"].update(notable_stderr(r["err"]))
                parsed = parse_ask(prog, r["out"]) if r["rc"] == 0 else None
                if parsed is None:
                    if len(res[n]["errors"]) < 5:
                        res[n]["errors"].append(f"{q['question']}: exit {r['rc']}: {(r['err'] or r['out']).strip()[-200:]}")
                    continue
                res[n]["wall_s"].append(r["wall"])
                nsrc, docs, answer = parsed
                res[n]["per_q"][qi] = {"sources": nsrc, "target_rank": (docs.index(q["doc"]) + 1) if q["doc"] in docs else None,
                                       "answer": answer}
    for n, r in res.items():
        pq = [x for x in r["per_q"] if x is not None]
        r["median_s"] = median(r["wall_s"])
        r["p90_s"] = percentile(r["wall_s"], 90)
        r["min_s"] = min(r["wall_s"]) if r["wall_s"] else None
        r["answered_q"] = len(pq)
        r["with_sources"] = sum(1 for x in pq if x["sources"] > 0)
        r["mean_sources"] = statistics.fmean([x["sources"] for x in pq]) if pq else None
        r["target_found"] = sum(1 for x in pq if x["target_rank"])
        r["target_top1"] = sum(1 for x in pq if x["target_rank"] == 1)
        r["with_answer"] = sum(1 for x in pq if x["answer"]) if pq and all(x["answer"] is not None for x in pq) else None
        r["stderr"] = sorted(r["stderr"])
    return res


# ---------------------------------------------------------------------------------------------
# Report helpers

def fmt_s(s):
    if s is None:
        return "—"
    return f"{s:.2f} s" if s >= 1 else f"{s * 1e3:.0f} ms"


def fmt_ms(s):
    return "—" if s is None else f"{s * 1e3:.1f} ms"


def fmt_ratio(a, b):
    if a is None or b is None or a == 0 or b == 0:
        return "—"
    r = a / b
    return f"{r:.2f}×" if r >= 0.1 else f"1/{1 / r:,.0f}"


def fmt_mb(b):
    return "—" if b is None else f"{b / 1e6:.2f} MB"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ours", default=os.environ.get("MEMVID_BIN", os.path.join(REPO, "build", "release", "memvid")),
                    help="our memvid binary (default $MEMVID_BIN or build/release/memvid)")
    ap.add_argument("--peer", default=None, help="the original memvid (default $MEMVID_PEER_BIN or install_peer.sh)")
    ap.add_argument("--corpus", default=os.environ.get("MEMVID_BENCH_CORPUS", DEFAULT_CORPUS))
    ap.add_argument("--docs", type=int, default=1000, help="documents in the main tree (default 1000)")
    ap.add_argument("--small-docs", type=int, default=200,
                    help="documents in the small tree, where the original also gets --runs runs (default 200; 0: none)")
    ap.add_argument("--large-docs", type=int, default=5000, help="documents in the large tree, ours alone (default 5000; 0: none)")
    ap.add_argument("--runs", type=int, default=3, help="ingest runs per configuration (default 3)")
    ap.add_argument("--peer-runs", type=int, default=1,
                    help="the original's runs on the --docs tree (default 1: about 4-7 minutes each)")
    ap.add_argument("--peer-timeout", type=int, default=900, help="timeout of one original put, s (default 900)")
    ap.add_argument("--peer-large", action="store_true",
                    help="also run the original once on the large tree, at the end (expect the 50 MB cap or the timeout)")
    ap.add_argument("--no-peer-defaults", action="store_true",
                    help="skip the original with its default put settings (once, on the small tree)")
    ap.add_argument("--questions", type=int, default=20, help="ask questions (default 20)")
    ap.add_argument("--ask-reps", type=int, default=3, help="processes per question and command (default 3)")
    ap.add_argument("--skip-peer", action="store_true")
    ap.add_argument("--out", default=None, help="raw results as JSON")
    ap.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = ap.parse_args()

    ours_bin = os.path.abspath(args.ours)
    if not os.access(ours_bin, os.X_OK):
        raise SystemExit(f"our memvid binary not found: {ours_bin} (set --ours or MEMVID_BIN)")
    if run([ours_bin, "ask", "--help"], 30)["rc"] != 0:
        raise SystemExit(f"{ours_bin} has no `ask` command: rebuild it")
    peer_bin = None if args.skip_peer else os.path.abspath(find_peer(args.peer))
    t_start = time.perf_counter()
    R = {"date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
         "machine": machine_info(), "config": vars(args) | {"ours": ours_bin, "peer": peer_bin},
         "versions": {"ours": version_of(ours_bin), "original": version_of(peer_bin) if peer_bin else None}}
    work = tempfile.mkdtemp(prefix="memvid_cmpingest.", dir=os.environ.get("TMPDIR") or None)
    log(f"work dir: {work}")
    try:
        nmax = max(args.docs, args.small_docs, args.large_docs)
        log(f"reading {nmax} documents from {args.corpus} ...")
        docs = load_docs(args.corpus, nmax)
        trees = {}
        for label, n in (("small", args.small_docs), ("main", args.docs), ("large", args.large_docs)):
            if n and n <= len(docs):
                same = next((t for t in trees.values() if t["n"] == n), None)
                root = os.path.join(work, f"tree{n}")
                trees[label] = dict(same) if same else {"n": n, "root": root} | write_tree(root, docs[:n])
        R["trees"] = {k: {kk: vv for kk, vv in v.items() if kk != "root"} for k, v in trees.items()}

        true_bin = shutil.which("true") or "/bin/true"
        R["spawn_true_s"] = median([run([true_bin], 10)["wall"] for _ in range(10)])
        R["start_s"] = {"ours": median([run([ours_bin, "version"], 30)["wall"] for _ in range(10)])}
        if peer_bin:
            R["start_s"]["original"] = median([run([peer_bin, "version"], 30)["wall"] for _ in range(10)])

        ours_cfgs = [Config("ours (builtin model)", "ours", [], [], OURS_TIMEOUT_S),
                     Config("ours (--embedding none)", "ours", ["--embedding", "none"], [], OURS_TIMEOUT_S)]
        peer_lex = Config("original (lexical, enrichment off)", "original", ["--no-vector"], PEER_LEX_PUT,
                          args.peer_timeout)
        peer_def = Config("original (defaults)", "original", [], [], args.peer_timeout)
        binary = {"ours": ours_bin, "original": peer_bin}

        ING, DEDUPE, LAST = {}, {}, {}

        def one(label, cfg, r):
            t = trees[label]
            slug = re.sub(r"[^a-z0-9]+", "_", cfg.name.lower()).strip("_")
            path = os.path.join(work, f"{label}_{slug}.mv2")
            log(f"  {label} tree ({t['n']} docs), run {r + 1}: {cfg.name} ...")
            rec = ingest_once(cfg, binary[cfg.program], t["root"], path)
            ING.setdefault((label, cfg.name), []).append(rec)
            LAST[(label, cfg.name)] = (path, rec)
            if not rec.get("ok"):
                log(f"    failed: {rec.get('error')}")
            if cfg.program == "ours" and rec.get("ok"):
                # The same tree again with --dedupe: every document is already there.
                size0 = os.path.getsize(path)
                d = run([ours_bin, "put", path, "--input", t["root"], "--dedupe", "--json"], OURS_TIMEOUT_S)
                dj = json_or_none(d["out"]) or {}
                DEDUPE.setdefault((label, cfg.name), []).append(
                    {"wall_s": d["wall"], "rc": d["rc"], "ingested": dj.get("ingested"),
                     "duplicates": dj.get("duplicates"), "growth_bytes": os.path.getsize(path) - size0})

        # Interleaved ingest runs: small tree, main tree, large tree (ours alone).
        for label in ("small", "main", "large"):
            if label not in trees:
                continue
            nruns = args.runs if label != "main" or not peer_bin else max(args.runs, args.peer_runs)
            for r in range(nruns):
                for cfg in ours_cfgs:
                    if r < args.runs:
                        one(label, cfg, r)
                if peer_bin and label == "small":
                    one(label, peer_lex, r)
                    if r == 0 and not args.no_peer_defaults:
                        one(label, peer_def, r)
                if peer_bin and label == "main" and r < args.peer_runs:
                    one(label, peer_lex, r)
        R["ingest"] = {f"{k[0]}|{k[1]}": [{kk: vv for kk, vv in rec.items() if kk not in ("titles", "frame_of")}
                                           for rec in v] for k, v in ING.items()}
        R["ingest_summary"] = {f"{k[0]}|{k[1]}": ingest_summary(v, trees[k[0]]["n"]) for k, v in ING.items()}
        R["dedupe"] = {f"{k[0]}|{k[1]}": v for k, v in DEDUPE.items()}
        R["titles"] = {f"{k[0]}|{k[1]}": title_check(v[1], trees[k[0]]["root"], docs) for k, v in LAST.items()}

        # What the original does on a second pass over the same tree, and with two files of
        # the same name in different directories; what it stores for an HTML file.
        probes = {}
        if peer_bin:
            key = ("small", peer_lex.name) if ("small", peer_lex.name) in LAST else ("main", peer_lex.name)
            if key in LAST and LAST[key][1].get("ok"):
                path, rec = LAST[key]
                tree = trees[key[0]]["root"]
                r1 = run([peer_bin, "put", path, "--input", tree, "--json", "--dedup"] + PEER_LEX_PUT, args.peer_timeout)
                probes["put --dedup, same tree again"] = {"rc": r1["rc"], "wall_s": r1["wall"],
                                                          "output": (r1["err"] or r1["out"]).strip()[:300]}
                cp = path + ".dup.mv2"
                shutil.copyfile(path, cp)
                r2 = run([peer_bin, "put", cp, "--input", tree, "--json", "--dedup", "--allow-duplicate"] + PEER_LEX_PUT,
                         args.peer_timeout)
                d2 = json_or_none(r2["out"]) or {}
                probes["put --dedup --allow-duplicate, same tree again"] = {
                    "rc": r2["rc"], "wall_s": r2["wall"], "tree_docs": trees[key[0]]["n"],
                    "ingested": d2.get("ingested"), "skipped": d2.get("skipped"),
                    "frames_after": (d2.get("memory") or {}).get("frame_count"),
                    "growth_bytes": os.path.getsize(cp) - os.path.getsize(path)}
            coll = os.path.join(work, "collide")
            for sub, name, text in (("a", "readme.md", "alpha first file"), ("b", "readme.md", "beta second file"),
                                    ("b", "zeta.txt", "gamma third file")):
                os.makedirs(os.path.join(coll, sub), exist_ok=True)
                with open(os.path.join(coll, sub, name), "w") as f:
                    f.write(text + "\n")
            for prog in ("ours", "original"):
                cpath = os.path.join(work, f"collide_{prog}.mv2")
                run([binary[prog], "create", cpath], 60)
                r3 = run([binary[prog], "put", cpath, "--input", coll, "--json"], 120)
                st = run([binary[prog], "stats", cpath, "--json"], 60)
                sj = json_or_none(st["out"]) or {}
                frames = sj.get("frames") if prog == "ours" else (sj.get("raw") or {}).get("frame_count")
                probes[f"{prog}: a/readme.md + b/readme.md + b/zeta.txt"] = {
                    "rc": r3["rc"], "frames_after": frames,
                    "output": "" if r3["rc"] == 0 else (r3["err"] or r3["out"]).strip()[:300]}
            # HTML: what each stored for the first .html document of the main tree.
            hidx = next((i for i in range(min(args.docs, len(docs))) if i % 3 == 2), None)
            mk = ("main", peer_lex.name)
            if hidx is not None and mk in LAST and LAST[mk][1].get("frames"):
                v = run([peer_bin, "view", LAST[mk][0], "--uri", f"mv2://doc{hidx:05d}.html", "--json"], 60)
                vj = json_or_none(v["out"]) or {}
                fr = vj.get("frame") or {}
                st = fr.get("search_text") or ""
                probes["original: stored HTML"] = {"uri": fr.get("uri"), "title": fr.get("title"),
                                                   "payload_length": fr.get("payload_length"),
                                                   "has_tags": "<p>" in st, "has_entities": "&gt;" in st or "&lt;" in st or "&amp;" in st,
                                                   "search_text_start": st[:200]}
            ok_ = ("main", ours_cfgs[0].name)
            if hidx is not None and ok_ in LAST:
                rel = f"s{hidx % 10:02d}/doc{hidx:05d}.html"
                fid = (LAST[ok_][1].get("frame_of") or {}).get(os.path.join(trees["main"]["root"], rel))
                if fid is None:
                    fid = next((v for k, v in (LAST[ok_][1].get("frame_of") or {}).items() if k.endswith(rel)), None)
                if fid is not None:
                    v = run([ours_bin, "view", LAST[ok_][0], "--frame", str(fid), "--raw"], 60)
                    probes["ours: stored HTML"] = {"frame": fid, "has_tags": "<p>" in v["out"],
                                                   "has_entities": "&gt;" in v["out"] or "&lt;" in v["out"] or "&amp;" in v["out"],
                                                   "text_start": v["out"][:200]}
        R["probes"] = probes

        # Ask on the memories of the last main-tree run.
        questions = make_questions(docs[:args.docs], args.questions)
        R["questions"] = questions
        ob = LAST.get(("main", ours_cfgs[0].name), (None, {}))[0]
        on = LAST.get(("main", ours_cfgs[1].name), (None, {}))[0]
        pm = LAST.get(("main", peer_lex.name))
        cmds = {}
        if ob:
            cmds["ours ask --mode lex"] = ("ours", lambda q: [ours_bin, "ask", ob, "-q", q, "--mode", "lex", "--json"])
            cmds["ours ask (default: auto)"] = ("ours", lambda q: [ours_bin, "ask", ob, "-q", q, "--json"])
        if on:
            cmds["ours ask --mode lex, embedding-none memory"] = (
                "ours", lambda q: [ours_bin, "ask", on, "-q", q, "--mode", "lex", "--json"])
        if pm and pm[1].get("frames"):
            pp = pm[0]
            cmds["original ask --no-llm --mode lex"] = ("original", lambda q: [peer_bin, "ask", pp, "--question", q,
                                                                                "--no-llm", "--mode", "lex", "--json"])
            cmds["original ask (defaults)"] = ("original", lambda q: [peer_bin, "ask", pp, "--question", q, "--json"])
        log(f"ask: {len(cmds)} commands x {len(questions)} questions x {args.ask_reps} on the {args.docs}-doc memories ...")
        R["ask_main"] = measure_asks(cmds, questions, args.ask_reps)
        if "large" in trees:
            lb = LAST.get(("large", ours_cfgs[0].name), (None, {}))[0]
            lq = make_questions(docs[:args.large_docs], args.questions)
            lcmds = {"ours ask --mode lex": ("ours", lambda q: [ours_bin, "ask", lb, "-q", q, "--mode", "lex", "--json"]),
                     "ours ask (default: auto)": ("ours", lambda q: [ours_bin, "ask", lb, "-q", q, "--json"])}
            log(f"ask: ours on the {args.large_docs}-doc memory ...")
            R["ask_large"] = measure_asks(lcmds, lq, args.ask_reps)

        if peer_bin and args.peer_large and "large" in trees:
            one("large", peer_lex, 0)
            R["ingest_summary"][f"large|{peer_lex.name}"] = ingest_summary(ING[("large", peer_lex.name)], trees["large"]["n"])
            R["ingest"][f"large|{peer_lex.name}"] = [{kk: vv for kk, vv in rec.items() if kk not in ("titles", "frame_of")}
                                                     for rec in ING[("large", peer_lex.name)]]
        R["machine"]["loadavg_at_end"] = os.getloadavg()
        R["elapsed_s"] = time.perf_counter() - t_start

        # ---------------------------------------------------------------------------------
        # Report
        m = R["machine"]
        L = []
        L.append(f"Date {R['date']}; {m['nproc']} CPUs ({m['cpu_model']}), Linux {m['kernel']}; load "
                 f"{tuple(round(x, 2) for x in m['loadavg_at_start'])} at start, "
                 f"{tuple(round(x, 2) for x in m['loadavg_at_end'])} at end; the script took {R['elapsed_s'] / 60:.1f} min.")
        L.append(f"Ours: {ours_bin} ({R['versions']['ours']}); original: "
                 + (f"{peer_bin} ({R['versions']['original']})." if peer_bin else "skipped."))
        L.append("Trees: " + "; ".join(f"{t['n']:,} docs = {t['ext']['md']} .md + {t['ext']['txt']} .txt + "
                                        f"{t['ext']['html']} .html, {t['raw_bytes'] / 1e6:.2f} MB of files"
                                        for t in trees.values()) + ".")
        L.append(f"Process start (`version`, median of 10): ours {fmt_ms(R['start_s']['ours'])}, original "
                 f"{fmt_ms(R['start_s'].get('original'))}; spawning `true` {fmt_ms(R['spawn_true_s'])}.")
        L.append("")
        L.append("| tree | program, settings | runs | create + put, median (min–max) | docs/s | file size | "
                 "file ÷ raw files | frames (put / stats) | ours ÷ original |")
        L.append("|---|---|---:|---:|---:|---:|---:|---:|---:|")
        for label in ("small", "main", "large"):
            if label not in trees:
                continue
            n = trees[label]["n"]
            ref = R["ingest_summary"].get(f"{label}|{peer_lex.name}")
            for cfg in ours_cfgs + [peer_lex, peer_def]:
                s = R["ingest_summary"].get(f"{label}|{cfg.name}")
                if s is None:
                    continue
                if not s["ok_runs"]:
                    why = " ".join("; ".join(s["errors"]).split()).replace("|", "/")[:160]
                    L.append(f"| {n:,} | {cfg.name} | {s['runs']} | failed: {why} | | "
                             f"{fmt_mb(s['file_bytes'])} | | {s['frames']} / {s['stats_frames']} | |")
                    continue
                rng = f"{fmt_s(s['median_s'])} ({fmt_s(s['min_s'])}–{fmt_s(s['max_s'])})" if s["runs"] > 1 else fmt_s(s["median_s"])
                if s["capacity_reached"]:
                    rng += f", stopped at its capacity cap after {s['stats_frames']:,} of {n:,} docs (exit 0)"
                ratio = (fmt_ratio(s["median_s"], ref["median_s"])
                         if cfg.program == "ours" and ref and ref["ok_runs"] and not ref["capacity_reached"] else "")
                L.append(f"| {n:,} | {cfg.name} | {s['ok_runs']}/{s['runs']} | {rng} | {s['docs_per_s']:,.0f} | "
                         f"{fmt_mb(s['file_bytes'])} | {s['file_bytes'] / trees[label]['raw_bytes']:.2f} | "
                         f"{s['frames']} / {s['stats_frames']} | {ratio} |")
        L.append("")
        L.append("| ours, `put --input TREE --dedupe` again over the same tree | median | ingested | duplicates | file growth |")
        L.append("|---|---:|---:|---:|---:|")
        for k, v in R["dedupe"].items():
            label, name = k.split("|", 1)
            L.append(f"| {trees[label]['n']:,} docs, {name} | {fmt_s(median([x['wall_s'] for x in v]))} | "
                     f"{v[-1]['ingested']} | {v[-1]['duplicates']} | {v[-1]['growth_bytes']:,} B |")
        L.append("")
        ref = R["ask_main"].get("original ask --no-llm --mode lex")
        L.append(f"| ask on the {args.docs:,}-doc memory ({len(questions)} questions × {args.ask_reps}) | median | p90 | min | "
                 "returned sources | mean sources | target doc in sources (top 1) | ours ÷ original lex |")
        L.append("|---|---:|---:|---:|---:|---:|---:|---:|")
        for n_, r in R["ask_main"].items():
            ratio = fmt_ratio(r["median_s"], ref["median_s"]) if ref and n_.startswith("ours") else ""
            L.append(f"| {n_} | {fmt_ms(r['median_s'])} | {fmt_ms(r['p90_s'])} | {fmt_ms(r['min_s'])} | "
                     f"{r['with_sources']}/{len(questions)} | {r['mean_sources'] or 0:.1f} | "
                     f"{r['target_found']} ({r['target_top1']}) | {ratio} |")
        for n_, r in R.get("ask_large", {}).items():
            L.append(f"| {n_}, {args.large_docs:,}-doc memory | {fmt_ms(r['median_s'])} | {fmt_ms(r['p90_s'])} | "
                     f"{fmt_ms(r['min_s'])} | {r['with_sources']}/{len(questions)} | {r['mean_sources'] or 0:.1f} | "
                     f"{r['target_found']} ({r['target_top1']}) | |")
        L.append("")
        L.append("Titles taken from the file (Markdown heading / HTML <title>), matched to the corpus title, last run:")
        for k, v in R["titles"].items():
            label, name = k.split("|", 1)
            L.append(f"- {trees[label]['n']:,} docs, {name}: " +
                     ", ".join(f".{e} {gt[0]}/{gt[1]}" for e, gt in sorted(v.items()) if e != "mismatches") +
                     "".join(f"; {x['file']}: got {x['got']!r}" for x in v.get("mismatches", [])[:2]))
        notes = []
        for k, s in R["ingest_summary"].items():
            if s["errors"] or s["stderr"] or s["capacity_reached"] or s["warnings"]:
                notes.append(f"- ingest {k}: errors {s['errors'][:3]}; stderr {s['stderr'][:3]}; "
                             f"capacity_reached {s['capacity_reached']}; warnings {str(s['warnings'])[:200]}")
        for sect in ("ask_main", "ask_large"):
            for n_, r in R.get(sect, {}).items():
                if r["errors"] or r["stderr"]:
                    notes.append(f"- {sect} {n_}: errors {r['errors'][:2]}; stderr {r['stderr'][:3]}")
        for n_, p in probes.items():
            notes.append(f"- probe {n_}: {json.dumps(p, ensure_ascii=False)[:400]}")
        if notes:
            L.append("")
            L.append("Notes:")
            L.extend(notes)
        report = "\n".join(L)
        print(report)
        R["report_markdown"] = report
        if args.out:
            with open(args.out, "w") as f:
                json.dump(R, f, indent=2, default=list)
                f.write("\n")
            log(f"raw results: {args.out}")
    finally:
        if args.keep:
            log(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
