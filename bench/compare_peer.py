#!/usr/bin/env python3
"""Side-by-side CLI benchmark: our `memvid` against the original memvid CLI (Rust).

Builds nothing. Runs both programs in the same run, on the same machine and the same
documents, repeats every measurement and reports medians. See bench/README.md.

Usage: python3 bench/compare_peer.py [--ours PATH] [--peer PATH] [--runs N] ...
       (bench/compare_peer.sh is a thin wrapper around this script)
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

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared"))
DEFAULT_CORPUS = os.path.join(SHARED, "bench", "corpus50k.jsonl.zst")
INSTALL_PEER = os.path.join(SHARED, "bench", "install_peer.sh")
PEER_TIMEOUT_S = 300  # the peer hangs on large batches: never run it without a timeout
OURS_TIMEOUT_S = 300


class CommandFailed(Exception):
    pass


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def run_timed(argv, stdin_bytes=None, timeout=OURS_TIMEOUT_S):
    """Runs argv once; returns (wall seconds, stdout bytes). Raises CommandFailed."""
    start = time.perf_counter()
    try:
        proc = subprocess.run(argv, input=stdin_bytes, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, timeout=timeout,
                              stdin=None if stdin_bytes is not None else subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        raise CommandFailed(f"timed out after {timeout} s: {' '.join(argv)}")
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        err = proc.stderr.decode(errors="replace").strip()[-500:]
        raise CommandFailed(f"exit {proc.returncode}: {' '.join(argv)}: {err}")
    return wall, proc.stdout


def median(xs):
    return statistics.median(xs) if xs else None


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
    try:
        load = os.getloadavg()
    except OSError:
        load = None
    return {
        "nproc": os.cpu_count(),
        "cpu_model": cpu,
        "kernel": platform.release(),
        "loadavg_at_start": load,
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    }


def find_peer(explicit):
    if explicit:
        return explicit
    if os.environ.get("MEMVID_PEER_BIN"):
        return os.environ["MEMVID_PEER_BIN"]
    out = subprocess.run(["bash", INSTALL_PEER], stdout=subprocess.PIPE, check=True, timeout=600)
    return out.stdout.decode().strip().splitlines()[-1]


def version_of(binary):
    try:
        out = subprocess.run([binary, "version"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             timeout=30)
        return out.stdout.decode(errors="replace").strip().splitlines()[0]
    except Exception as e:  # noqa: BLE001 - informational only
        return f"unknown ({e})"


class Program:
    """How to drive one CLI. Subclasses spell each operation."""
    name = ""
    timeout = OURS_TIMEOUT_S

    def __init__(self, binary):
        self.binary = binary

    def run(self, args, stdin_bytes=None):
        return run_timed([self.binary] + args, stdin_bytes, self.timeout)


class Ours(Program):
    name = "ours"

    def create(self, path):
        return self.run(["create", path])

    def put_many(self, path, corpus):
        return self.run(["put-many", path, "--jsonl", corpus["jsonl"], "--json"])

    def put(self, path, doc):
        return self.run(["put", path, "--text=" + doc["text"], "--title=" + doc["title"],
                         "--uri=" + doc["uri"], "--json"])

    def read(self, path):
        return self.run(["stats", path, "--json"])

    def start(self):
        return self.run(["version"])

    def frames(self, path):
        _, out = self.read(path)
        return json.loads(out)["frames"]


class Peer(Program):
    name = "original"
    timeout = PEER_TIMEOUT_S

    def create(self, path):
        return self.run(["create", path])

    def put_many(self, path, corpus):
        return self.run(["put-many", path, "--input", corpus["json_array"], "--json"])

    def put(self, path, doc):
        # The peer's put reads the payload from stdin (or --input FILE).
        return self.run(["put", path, "--title", doc["title"], "--uri", doc["uri"], "--json"],
                        stdin_bytes=doc["text"].encode())

    def read(self, path):
        return self.run(["stats", path, "--json"])

    def start(self):
        return self.run(["version"])


def prepare_corpora(src, work, sizes):
    """Unpacks the corpus; writes, per size, our JSONL and the peer's JSON array (title, text,
    uri only, for both), and a few extra documents (not in any subset) for single puts."""
    log(f"unpacking {src} ...")
    if src.endswith(".zst"):
        data = subprocess.run(["zstd", "-dc", "--", src], stdout=subprocess.PIPE, check=True).stdout
    else:
        with open(src, "rb") as f:
            data = f.read()
    lines = data.decode().splitlines()
    docs = []
    for line in lines:
        if line.strip():
            d = json.loads(line)
            docs.append({"title": d["title"], "text": d["text"], "uri": d["uri"]})
    corpora = {}
    for n in sizes:
        if n > len(docs):
            raise SystemExit(f"corpus has {len(docs)} documents, need {n}")
        subset = docs[:n]
        jsonl = os.path.join(work, f"c{n}.jsonl")
        with open(jsonl, "w") as f:
            for d in subset:
                f.write(json.dumps(d, ensure_ascii=False) + "\n")
        arr = os.path.join(work, f"c{n}.json")
        with open(arr, "w") as f:
            json.dump(subset, f, ensure_ascii=False)
        corpora[n] = {
            "docs": n,
            "jsonl": jsonl,
            "json_array": arr,
            "raw_text_bytes": sum(len(d["text"].encode()) for d in subset),
        }
    # Single-put payloads: documents of 600-800 bytes (~700) from the end of the corpus, so
    # none of them is already in the 1K memory.
    singles = [d for d in reversed(docs) if 600 <= len(d["text"].encode()) <= 800][:64]
    if not singles:
        singles = docs[-64:]
    return corpora, singles


def fresh(work, tag):
    fresh.counter += 1
    return os.path.join(work, f"{tag}_{fresh.counter}.mv2")


fresh.counter = 0


def measure_put_many(prog, work, corpus, runs):
    """Fresh memory per run (create not timed); returns samples and the path of the last file."""
    walls, sizes, last = [], [], None
    for i in range(runs):
        path = fresh(work, f"{prog.name}_pm{corpus['docs']}")
        prog.create(path)
        wall, _ = prog.put_many(path, corpus)
        walls.append(wall)
        sizes.append(os.path.getsize(path))
        log(f"  {prog.name} put-many {corpus['docs']} run {i + 1}/{runs}: {wall:.3f} s, "
            f"{sizes[-1]} bytes")
        if last is not None:
            os.remove(last)
        last = path
    return {"wall_s": walls, "file_bytes": sizes}, last


def measure_puts(prog, path, singles, count, offset=0):
    walls, growth = [], []
    for i in range(count):
        before = os.path.getsize(path)
        wall, _ = prog.put(path, singles[(offset + i) % len(singles)])
        walls.append(wall)
        growth.append(os.path.getsize(path) - before)
    return {"wall_s": walls, "growth_bytes": growth}


def measure_puts_into_empty(prog, work, singles, count):
    """A fresh empty memory before each put (create not timed)."""
    walls, growth = [], []
    for i in range(count):
        path = fresh(work, f"{prog.name}_empty")
        prog.create(path)
        before = os.path.getsize(path)
        wall, _ = prog.put(path, singles[i % len(singles)])
        walls.append(wall)
        growth.append(os.path.getsize(path) - before)
        os.remove(path)
    return {"wall_s": walls, "growth_bytes": growth}


def measure_reads(prog, path, count):
    prog.read(path)  # one untimed warm-up: the file is in the page cache for every sample
    return {"wall_s": [prog.read(path)[0] for _ in range(count)]}


def measure_start(prog, count):
    prog.start()
    return {"wall_s": [prog.start()[0] for _ in range(count)]}


def guarded(results, key, fn):
    """Runs fn(); stores its result, or the error, under results[key]."""
    try:
        results[key] = fn()
    except (CommandFailed, OSError) as e:
        log(f"  FAILED {key}: {e}")
        results[key] = {"error": str(e)}
    return results[key]


# ----------------------------------------------------------------------------------------------
# Report

def fmt_time(s):
    if s is None:
        return "—"
    if s < 1:
        return f"{s * 1e3:.1f} ms"
    return f"{s:.2f} s"


def fmt_lat(entry):
    """Median, with the minimum in parentheses (a steadier figure on a noisy machine)."""
    m = med(entry)
    if m is None:
        return "failed" if entry and "error" in entry else "—"
    return f"{fmt_time(m)} (min {fmt_time(min(entry['wall_s']))})"


def fmt_num(x, digits=0):
    return "—" if x is None else f"{x:,.{digits}f}"


def fmt_ratio(a, b):
    if a is None or b is None or b == 0 or a == 0:
        return "—"
    r = a / b
    if r >= 100:
        return f"{r:,.0f}×"
    if r >= 0.1:
        return f"{r:.2f}×"
    return f"{r:.2g}× (1/{1 / r:,.0f})"


def med(entry, key="wall_s"):
    if not entry or "error" in entry or not entry.get(key):
        return None
    return median(entry[key])


def build_report(R):
    m = R["machine"]
    ours, peer = R["ours"], R["original"]
    c1k = R["corpora"]["1000"]
    rows = []

    def row(metric, a, b, fa):
        rows.append((metric, fa(a), fa(b), fmt_ratio(a, b)))

    pm_o, pm_p = ours.get("put_many_1k"), peer.get("put_many_1k")
    t_o, t_p = med(pm_o), med(pm_p)
    row(f"put-many 1K docs: wall time (median of {R['config']['runs']})", t_o, t_p, fmt_time)
    row("put-many 1K docs: docs/s", 1000 / t_o if t_o else None, 1000 / t_p if t_p else None,
        lambda x: fmt_num(x))
    s_o, s_p = med(pm_o, "file_bytes"), med(pm_p, "file_bytes")
    row("file size after 1K put-many", s_o, s_p, lambda x: "—" if x is None else f"{x / 1e6:.2f} MB")
    raw = c1k["raw_text_bytes"]
    row(f"file size / raw text bytes ({raw / 1e6:.3f} MB raw)",
        s_o / raw if s_o else None, s_p / raw if s_p else None, lambda x: fmt_num(x, 2))
    n_put = R["config"]["puts"]
    n_open = R["config"]["opens"]

    def lat_row(metric, key):
        a, b = ours.get(key), peer.get(key)
        rows.append((metric, fmt_lat(a), fmt_lat(b), fmt_ratio(med(a), med(b))))

    lat_row(f"one `put` process into the 1K memory (median of {n_put})", "put_into_1k")
    row("file growth per `put` (~700-byte doc, median)",
        med(ours.get("put_into_1k"), "growth_bytes"), med(peer.get("put_into_1k"), "growth_bytes"),
        lambda x: "—" if x is None else f"{x:,.0f} B")
    lat_row(f"one `put` process into an empty memory (median of {n_put})", "put_into_empty")
    lat_row(f"open + read on the 1K memory: `stats --json`, both (median of {n_open})", "stats_1k")
    lat_row(f"process start only: `version`, both (median of {n_open})", "start")

    # Ours alone at 50K.
    pm50 = ours.get("put_many_50k") if "put_many_50k" in ours else None
    t50 = med(pm50)
    s50 = med(pm50, "file_bytes")
    raw50 = R["corpora"].get("50000", {}).get("raw_text_bytes")
    p50, p0 = med(ours.get("put_into_50k")), med(ours.get("put_into_empty"))
    if pm50 is not None:
        na = "n/a (50 MB cap; hangs on ≥2K-doc batches)"
        rows.append((f"put-many 50K docs: wall time (median of {R['config']['runs']})", fmt_time(t50), na, "—"))
        rows.append(("put-many 50K docs: docs/s", fmt_num(50000 / t50 if t50 else None), na, "—"))
        rows.append((f"file size / raw text bytes at 50K ({raw50 / 1e6:.1f} MB raw)" if raw50 else
                     "file size / raw text bytes at 50K",
                     fmt_num(s50 / raw50 if s50 and raw50 else None, 3), na, "—"))
        rows.append((f"one `put` process into the 50K memory (median of {n_put})",
                     fmt_lat(ours.get("put_into_50k")), na, "—"))
        rows.append(("  … ÷ one `put` process into an empty memory (ours)", fmt_ratio(p50, p0), na, "—"))
        rows.append(("file growth per `put` into the 50K memory (median)",
                     "—" if med(ours.get("put_into_50k"), "growth_bytes") is None else
                     f"{med(ours.get('put_into_50k'), 'growth_bytes'):,.0f} B", na, "—"))
        rows.append((f"open + read on the 50K memory: `stats --json` (median of {n_open})",
                     fmt_lat(ours.get("stats_50k")), na, "—"))

    out = []
    out.append(f"Machine: {m['nproc']} CPUs, {m['cpu_model']}, Linux {m['kernel']}, "
               f"load average at start {m['loadavg_at_start']}; date {m['date']}.")
    out.append(f"Ours: `{R['config']['ours']}` ({R['versions']['ours']}); original: "
               f"`{R['config']['peer']}` ({R['versions']['original']}).")
    spawn = R.get("harness_spawn_s")
    out.append("Wall times are whole CLI processes (fork/exec included), timed from Python; "
               "medians (minimum in parentheses); page cache warm. Ratio = ours ÷ original "
               "(times and sizes: lower is better for ours; docs/s: higher is better)."
               + (f" Harness spawn cost (`true`): median {fmt_time(median(spawn))}, "
                  f"min {fmt_time(min(spawn))}." if spawn else ""))
    out.append("")
    out.append("| metric | ours | original memvid | ratio |")
    out.append("|---|---:|---:|---:|")
    for r in rows:
        out.append("| " + " | ".join(r) + " |")
    out.append("")
    targets = []
    if t50 is not None:
        targets.append(("put-many 50K < 3 s", t50 < 3.0, fmt_time(t50)))
    if s50 and raw50:
        targets.append(("file size / raw ≤ 1.2 at 50K", s50 / raw50 <= 1.2, f"{s50 / raw50:.3f}"))
    if p50 is not None:
        targets.append(("one put into 50K < 10 ms", p50 < 0.010, fmt_time(p50)))
    if p50 is not None and p0:
        targets.append(("put into 50K within 2× of put into empty", p50 <= 2 * p0,
                        f"{p50 / p0:.2f}×"))
    if targets:
        out.append("Targets (ours): " + "; ".join(
            f"{name}: {'PASS' if ok else 'FAIL'} ({val})" for name, ok, val in targets) + ".")
    R["targets"] = [{"target": n, "pass": ok, "value": v} for n, ok, v in targets]
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ours", default=os.environ.get("MEMVID_BIN", os.path.join(REPO, "build", "release", "memvid")),
                    help="our memvid binary (default: $MEMVID_BIN or build/release/memvid, which scripts/setup.sh builds)")
    ap.add_argument("--peer", default=None,
                    help="the original memvid binary (default: $MEMVID_PEER_BIN or install_peer.sh)")
    ap.add_argument("--corpus", default=os.environ.get("MEMVID_BENCH_CORPUS", DEFAULT_CORPUS))
    ap.add_argument("--runs", type=int, default=3, help="repetitions of each put-many (default 3)")
    ap.add_argument("--puts", type=int, default=10, help="single puts per measurement (default 10)")
    ap.add_argument("--opens", type=int, default=10, help="read commands per measurement (default 10)")
    ap.add_argument("--skip-peer", action="store_true", help="measure ours only")
    ap.add_argument("--skip-50k", action="store_true", help="skip our 50K measurements")
    ap.add_argument("--out", default=os.path.join(REPO, "bench", "results", "latest.json"),
                    help="raw results (JSON); default bench/results/latest.json")
    ap.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = ap.parse_args()

    ours_bin = os.path.abspath(args.ours)
    if not os.access(ours_bin, os.X_OK):
        raise SystemExit(f"our memvid binary not found: {ours_bin} (build target memvid_cli, "
                         f"or set MEMVID_BIN / --ours)")
    peer_bin = None if args.skip_peer else find_peer(args.peer)

    work = tempfile.mkdtemp(prefix="memvid_compare.", dir=os.environ.get("TMPDIR") or None)
    log(f"work dir: {work}")
    R = {
        "machine": machine_info(),
        "config": {"ours": ours_bin, "peer": peer_bin, "corpus": args.corpus, "runs": args.runs,
                   "puts": args.puts, "opens": args.opens, "work_dir": work,
                   "peer_timeout_s": PEER_TIMEOUT_S},
        "versions": {"ours": version_of(ours_bin),
                     "original": version_of(peer_bin) if peer_bin else None},
        "ours": {}, "original": {},
    }
    try:
        sizes = [1000] + ([] if args.skip_50k else [50000])
        corpora, singles = prepare_corpora(args.corpus, work, sizes)
        R["corpora"] = {str(n): {"docs": c["docs"], "raw_text_bytes": c["raw_text_bytes"]}
                        for n, c in corpora.items()}
        progs = [Ours(ours_bin)] + ([Peer(peer_bin)] if peer_bin else [])

        # The harness's own cost of starting a process (fork/exec + wait), for reference.
        true_bin = shutil.which("true") or "/bin/true"
        R["harness_spawn_s"] = [run_timed([true_bin])[0] for _ in range(args.opens)]
        # Same run, interleaved per metric, so both programs see the same machine conditions.
        for prog in progs:
            res = R[prog.name]
            log(f"{prog.name}: process start")
            guarded(res, "start", lambda: measure_start(prog, args.opens))
        last = {}
        for prog in progs:
            res = R[prog.name]
            log(f"{prog.name}: put-many 1K x{args.runs}")
            try:
                res["put_many_1k"], last[prog.name] = measure_put_many(prog, work, corpora[1000], args.runs)
            except (CommandFailed, OSError) as e:
                log(f"  FAILED put_many_1k: {e}")
                res["put_many_1k"] = {"error": str(e)}
        if "ours" in last:  # our own breakdown of the 1K file (payload, WAL, ...)
            R["ours"]["put_many_1k"]["stats_json"] = json.loads(progs[0].read(last["ours"])[1])
        for prog in progs:
            res = R[prog.name]
            if prog.name in last:
                log(f"{prog.name}: stats on the 1K memory x{args.opens}")
                guarded(res, "stats_1k", lambda: measure_reads(prog, last[prog.name], args.opens))
                log(f"{prog.name}: put into the 1K memory x{args.puts}")
                guarded(res, "put_into_1k", lambda: measure_puts(prog, last[prog.name], singles, args.puts))
            log(f"{prog.name}: put into an empty memory x{args.puts}")
            guarded(res, "put_into_empty", lambda: measure_puts_into_empty(prog, work, singles, args.puts))

        if not args.skip_50k:
            ours = progs[0]
            res = R["ours"]
            log(f"ours: put-many 50K x{args.runs}")
            try:
                res["put_many_50k"], p50 = measure_put_many(ours, work, corpora[50000], args.runs)
                res["put_many_50k"]["frames"] = ours.frames(p50)
                res["put_many_50k"]["stats_json"] = json.loads(ours.read(p50)[1])
                log(f"ours: stats on the 50K memory x{args.opens}")
                guarded(res, "stats_50k", lambda: measure_reads(ours, p50, args.opens))
                log(f"ours: put into the 50K memory x{args.puts}")
                guarded(res, "put_into_50k", lambda: measure_puts(ours, p50, singles, args.puts))
            except (CommandFailed, OSError) as e:
                log(f"  FAILED put_many_50k: {e}")
                res["put_many_50k"] = {"error": str(e)}

        # Medians, next to the raw samples.
        for side in ("ours", "original"):
            for entry in R[side].values():
                if isinstance(entry, dict) and "error" not in entry:
                    for k in list(entry.keys()):
                        if isinstance(entry[k], list) and entry[k]:
                            entry[k + "_median"] = median(entry[k])
                            entry[k + "_min"] = min(entry[k])
        R["machine"]["loadavg_at_end"] = os.getloadavg()
        report = build_report(R)
        R["report_markdown"] = report
        print(report)
        os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
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
