#!/usr/bin/env python3
"""Integrity and compaction benchmark: our `memvid verify`, `verify --deep`, `compact -o` and
`doctor --vacuum` against the original memvid CLI (Rust), in the same run, on the same corpus.

Whole processes, timed from Python; medians of --runs (default 5) after one untimed warm-up for
the read-only commands. At 1K documents both programs; at 50K ours alone (the original caps a
memory at 50 MB without an account and hangs on put-many batches of >= ~2,000 documents).
See bench/README.md, section "compare_integrity.sh — verify and vacuum".

Usage: python3 bench/compare_integrity.py [--ours PATH] [--peer PATH] [--runs N] ...
"""
import argparse
import json
import os
import re
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from compare_peer import (  # noqa: E402  (shared helpers; see compare_peer.py)
    CommandFailed, DEFAULT_CORPUS, OURS_TIMEOUT_S, PEER_TIMEOUT_S, REPO, find_peer, fmt_ratio,
    fmt_time, log, machine_info, median, prepare_corpora, run_timed, version_of)


class Tool:
    name = ""
    timeout = OURS_TIMEOUT_S

    def __init__(self, binary):
        self.binary = binary

    def run(self, args):
        return run_timed([self.binary] + args, None, self.timeout)


class Ours(Tool):
    name = "ours"

    def build(self, path, corpus):
        self.run(["create", path, "--embedding", "none"])
        wall, out = self.run(["put-many", path, "--jsonl", corpus["jsonl"], "--json"])
        j = json.loads(out)
        return wall, list(range(j["first_id"], j["last_id"] + 1))

    def verify(self, path, deep):
        return self.run(["verify", path, "--json"] + (["--deep"] if deep else []))

    def delete(self, path, fid):
        return self.run(["delete", path, "--frame", str(fid), "--json"])

    def vacuum(self, path):
        return self.run(["doctor", path, "--vacuum", "--json"])

    def compact(self, path, out):
        return self.run(["compact", path, "-o", out, "--json"])


class Peer(Tool):
    name = "original"
    timeout = PEER_TIMEOUT_S

    def build(self, path, corpus):
        # One batch: the 1K subset is below the ~2,000-document batch size at which the
        # original's put-many hangs (compare_peer.py feeds it the same way).
        self.run(["create", path])
        wall, out = self.run(["put-many", path, "--input", corpus["json_array"], "--json"])
        text = out.decode(errors="replace")
        try:
            j = json.loads(text)
            ids = next(v for v in j.values() if isinstance(v, list) and v and isinstance(v[0], int))
        except (ValueError, StopIteration, AttributeError):
            ids = [int(x) for x in re.findall(r"\d+", text.split("[", 1)[-1].split("]", 1)[0])]
        return wall, ids

    def verify(self, path, deep):
        return self.run(["verify", path, "--json"] + (["--deep"] if deep else []))

    def delete(self, path, fid):
        return self.run(["delete", path, "--frame-id", str(fid), "--yes", "--json"])

    def vacuum(self, path):
        return self.run(["doctor", path, "--vacuum", "--json"])


def first_json(out):
    """The first JSON object in a command's stdout (the original prints logs before it)."""
    text = out.decode(errors="replace")
    i = text.find("{")
    if i < 0:
        return None
    try:
        return json.JSONDecoder().raw_decode(text[i:])[0]
    except ValueError:
        return None


def summarize(samples):
    return {"wall_s": samples, "wall_s_median": median(samples), "wall_s_min": min(samples)}


def measure_verify(tool, path, runs, deep):
    _, out = tool.verify(path, deep)  # warm-up, also the recorded output
    s = summarize([tool.verify(path, deep)[0] for _ in range(runs)])
    j = first_json(out)
    s["output"] = j
    if isinstance(j, dict):
        s["checks"] = [c.get("name") for c in j.get("checks", []) if isinstance(c, dict)]
        s["ok"] = j.get("ok", j.get("overall_status"))
    s["file_bytes"] = os.path.getsize(path)
    return s


def delete_frames(tool, path, ids):
    walls = []
    for fid in ids:
        walls.append(tool.delete(path, fid)[0])
    return {"count": len(ids), "wall_s": walls, "wall_s_median": median(walls) if walls else None,
            "total_s": sum(walls)}


def measure_vacuum(tool, base, work, runs):
    """Copies the memory with deleted frames (untimed) before each `doctor --vacuum`."""
    walls, before, after, out = [], [], [], None
    for i in range(runs):
        p = os.path.join(work, f"{tool.name}_vac_{i}.mv2")
        shutil.copyfile(base, p)
        before.append(os.path.getsize(p))
        w, out = tool.vacuum(p)
        walls.append(w)
        after.append(os.path.getsize(p))
        if i < runs - 1:
            os.remove(p)
    s = summarize(walls)
    s.update({"bytes_before": before[0], "bytes_after": median(after), "bytes_after_all": after})
    s["mb_per_s"] = before[0] / 1e6 / s["wall_s_median"]
    j = first_json(out)
    s["output"] = j
    # Does the vacuumed file still verify --deep, and how many frames does it report?
    try:
        _, vout = tool.verify(p, True)
        vj = first_json(vout)
        s["verify_deep_after"] = vj.get("ok", vj.get("overall_status")) if isinstance(vj, dict) else None
    except CommandFailed as e:
        s["verify_deep_after"] = f"failed: {e}"
    os.remove(p)
    return s


def measure_compact(tool, path, work, runs):
    walls, sizes = [], []
    for i in range(runs):
        o = os.path.join(work, f"{tool.name}_compact_{i}.mv2")
        walls.append(tool.compact(path, o)[0])
        sizes.append(os.path.getsize(o))
        os.remove(o)
    s = summarize(walls)
    s.update({"bytes_before": os.path.getsize(path), "bytes_after": median(sizes)})
    s["mb_per_s"] = s["bytes_before"] / 1e6 / s["wall_s_median"]
    return s


def guarded(res, key, fn):
    try:
        res[key] = fn()
    except (CommandFailed, OSError, KeyError, ValueError) as e:
        log(f"  FAILED {key}: {e}")
        res[key] = {"error": str(e)}
    return res[key]


def pick(ids, k):
    """k frame ids spread evenly over ids."""
    if k <= 0 or not ids:
        return []
    step = max(1, len(ids) // k)
    return ids[::step][:k]


def bench_side(tool, work, corpus, runs, ndel, tag, with_compact):
    res = {}
    base = os.path.join(work, f"{tool.name}_{tag}.mv2")
    log(f"{tool.name} {tag}: create + put-many")
    try:
        wall, ids = tool.build(base, corpus)
    except CommandFailed as e:
        log(f"  FAILED build: {e}")
        return {"error": str(e)}
    res["put_many_s"] = wall
    res["frames"] = len(ids)
    res["file_bytes"] = os.path.getsize(base)
    log(f"  {len(ids)} frames, {res['file_bytes']:,} bytes, put-many {wall:.2f} s")
    log(f"{tool.name} {tag}: verify x{runs}, verify --deep x{runs}")
    guarded(res, "verify", lambda: measure_verify(tool, base, runs, False))
    guarded(res, "verify_deep", lambda: measure_verify(tool, base, runs, True))
    if with_compact:
        log(f"{tool.name} {tag}: compact -o x{runs} (nothing deleted)")
        guarded(res, "compact", lambda: measure_compact(tool, base, work, runs))
    victims = pick(ids, ndel)
    log(f"{tool.name} {tag}: deleting {len(victims)} frames, one process each")
    if guarded(res, "delete", lambda: delete_frames(tool, base, victims)).get("error"):
        return res
    log(f"{tool.name} {tag}: doctor --vacuum x{runs} (fresh copy each)")
    guarded(res, "vacuum", lambda: measure_vacuum(tool, base, work, runs))
    if with_compact:
        log(f"{tool.name} {tag}: compact -o x{runs} (after the deletes)")
        guarded(res, "compact_after_delete", lambda: measure_compact(tool, base, work, runs))
    os.remove(base)
    return res


def build_report(R):
    m, runs = R["machine"], R["config"]["runs"]
    o1, p1, o50 = R["ours"].get("1k", {}), R["original"].get("1k", {}), R["ours"].get("50k", {})
    rows = []

    def t(side, key, field="wall_s_median"):
        e = side.get(key)
        return None if not isinstance(e, dict) or "error" in e else e.get(field)

    def ft(side, key):
        e = side.get(key)
        if isinstance(e, dict) and "error" in e:
            return "failed"
        v = t(side, key)
        return "—" if v is None else f"{fmt_time(v)} (min {fmt_time(e['wall_s_min'])})"

    def mb(x):
        return "—" if x is None else f"{x / 1e6:.2f} MB"

    na = "n/a"
    d_o = (o1.get("delete") or {}).get("count")
    d_p = (p1.get("delete") or {}).get("count")
    rows.append(("1K: file size", mb(o1.get("file_bytes")), mb(p1.get("file_bytes")),
                 fmt_ratio(o1.get("file_bytes"), p1.get("file_bytes"))))
    for key, label in (("verify", "verify"), ("verify_deep", "verify --deep")):
        rows.append((f"1K: `{label}`", ft(o1, key), ft(p1, key), fmt_ratio(t(o1, key), t(p1, key))))
    rows.append((f"1K: one `delete` process (median; ours {d_o}, original {d_p} frames)",
                 fmt_time(t(o1, "delete")), fmt_time(t(p1, "delete")),
                 fmt_ratio(t(o1, "delete"), t(p1, "delete"))))
    rows.append(("1K: `doctor --vacuum` after the deletes", ft(o1, "vacuum"), ft(p1, "vacuum"),
                 fmt_ratio(t(o1, "vacuum"), t(p1, "vacuum"))))
    rows.append(("1K: vacuum: size before → after",
                 f"{mb(t(o1, 'vacuum', 'bytes_before'))} → {mb(t(o1, 'vacuum', 'bytes_after'))}",
                 f"{mb(t(p1, 'vacuum', 'bytes_before'))} → {mb(t(p1, 'vacuum', 'bytes_after'))}", "—"))
    mo, mp = t(o1, "vacuum", "mb_per_s"), t(p1, "vacuum", "mb_per_s")
    rows.append(("1K: vacuum throughput (MB/s of input file)",
                 "—" if mo is None else f"{mo:.1f}", "—" if mp is None else f"{mp:.1f}",
                 fmt_ratio(mo, mp)))
    rows.append(("1K: `verify --deep` passes after vacuum", str(t(o1, "vacuum", "verify_deep_after")),
                 str(t(p1, "vacuum", "verify_deep_after")), "—"))
    rows.append(("1K: `compact -o` (nothing deleted)", ft(o1, "compact"), "n/a (no such command)", "—"))
    if o50 and "error" not in o50:
        na = "n/a (50 MB cap)"
        fb = o50.get("file_bytes")
        rows.append(("50K: file size", mb(fb), na, "—"))
        for key, label in (("verify", "verify"), ("verify_deep", "verify --deep"),
                           ("compact", "compact -o (nothing deleted)")):
            v = t(o50, key)
            rows.append((f"50K: `{label}`", ft(o50, key) + ("" if v is None else f"; {fb / 1e6 / v:,.0f} MB/s"),
                         na, "—"))
        d50 = (o50.get("delete") or {}).get("count")
        rows.append((f"50K: one `delete` process (median of {d50})", fmt_time(t(o50, "delete")), na, "—"))
        for key, label in (("vacuum", f"doctor --vacuum after {d50} deletes"),
                           ("compact_after_delete", f"compact -o after {d50} deletes")):
            e = o50.get(key) or {}
            if "error" in e:
                rows.append((f"50K: `{label}`", "failed", na, "—"))
                continue
            rows.append((f"50K: `{label}`",
                         f"{ft(o50, key)}; {e.get('mb_per_s', 0):,.0f} MB/s; "
                         f"{mb(e.get('bytes_before'))} → {mb(e.get('bytes_after'))}", na, "—"))
    out = [f"Machine: {m['nproc']} CPUs, {m['cpu_model']}, Linux {m['kernel']}, load average at "
           f"start {tuple(round(x, 2) for x in m['loadavg_at_start'])}, end "
           f"{tuple(round(x, 2) for x in m.get('loadavg_at_end', ()))}; date {m['date']}.",
           f"Ours: `{R['config']['ours']}` ({R['versions']['ours']}); original: "
           f"`{R['config']['peer']}` ({R['versions']['original']}).",
           f"Whole processes; median of {runs} (min in parentheses), one untimed warm-up before "
           "verify; page cache warm; each vacuum on a fresh copy (copy untimed). Ratio = ours ÷ "
           "original (time: lower is better for ours; MB/s: higher).", "",
           "| metric | ours | original memvid | ratio |", "|---|---:|---:|---:|"]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ours", default=os.environ.get("MEMVID_BIN", os.path.join(REPO, "build", "dev", "memvid")))
    ap.add_argument("--peer", default=None, help="default: $MEMVID_PEER_BIN or install_peer.sh")
    ap.add_argument("--corpus", default=os.environ.get("MEMVID_BENCH_CORPUS", DEFAULT_CORPUS))
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--deletes-1k", type=int, default=100, help="frames ours deletes at 1K (10%%)")
    ap.add_argument("--peer-deletes", type=int, default=20,
                    help="frames the original deletes at 1K (each of its delete processes takes ~1 s)")
    ap.add_argument("--deletes-50k", type=int, default=500,
                    help="frames ours deletes at 50K, one process each (there is no batch delete)")
    ap.add_argument("--skip-peer", action="store_true")
    ap.add_argument("--skip-50k", action="store_true")
    ap.add_argument("--out", default=os.path.join(REPO, "bench", "results", "integrity_latest.json"))
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()

    ours_bin = os.path.abspath(args.ours)
    if not os.access(ours_bin, os.X_OK):
        raise SystemExit(f"our memvid binary not found: {ours_bin} (set MEMVID_BIN / --ours)")
    peer_bin = None if args.skip_peer else find_peer(args.peer)
    work = tempfile.mkdtemp(prefix="memvid_integrity.", dir=os.environ.get("TMPDIR") or None)
    log(f"work dir: {work}")
    R = {"machine": machine_info(),
         "config": {"ours": ours_bin, "peer": peer_bin, "corpus": args.corpus, "runs": args.runs,
                    "deletes_1k": args.deletes_1k, "peer_deletes": args.peer_deletes,
                    "deletes_50k": args.deletes_50k, "peer_timeout_s": PEER_TIMEOUT_S},
         "versions": {"ours": version_of(ours_bin), "original": version_of(peer_bin) if peer_bin else None},
         "ours": {}, "original": {}}
    try:
        sizes = [1000] + ([] if args.skip_50k else [50000])
        corpora, _ = prepare_corpora(args.corpus, work, sizes)
        R["corpora"] = {str(n): {"docs": c["docs"], "raw_text_bytes": c["raw_text_bytes"]}
                        for n, c in corpora.items()}
        ours = Ours(ours_bin)
        R["ours"]["1k"] = bench_side(ours, work, corpora[1000], args.runs, args.deletes_1k, "1k", True)
        if peer_bin:
            R["original"]["1k"] = bench_side(Peer(peer_bin), work, corpora[1000], args.runs,
                                             args.peer_deletes, "1k", False)
        if not args.skip_50k:
            R["ours"]["50k"] = bench_side(ours, work, corpora[50000], args.runs, args.deletes_50k,
                                          "50k", True)
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
