#!/usr/bin/env python3
"""How often search and ask say "nothing relevant" when the memory holds nothing relevant.

The queries of bench/queries/unanswerable.txt ask about things the shared 50K corpus does
not contain (bench/check_unanswerable.py checks that). For each search configuration this
prints the share of queries that return no hit at all, the median hit count, and for ask the
share answered "nothing relevant" (found = false). A perfect system scores 100% everywhere;
an unfloored nearest-neighbour search scores 0% in sem mode, since neighbours always exist.

    PYTHONPATH=build/test/python python3 bench/eval_unanswerable.py \\
        --memvid build/test/memvid [--memory /tmp/corpus50k.mv2] [--configs sem,sem~off,auto,...]

The memory is built once from ../shared/bench/corpus50k.jsonl.zst with the built-in model
(`memvid create` + `put-many --jsonl`) and reused when it exists. Configurations: lex, sem,
auto, each optionally ~Z (FindOptions.semantic_floor in standard deviations) or ~off.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

import memvid_sdk

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
CORPUS = os.path.join(os.path.dirname(REPO), "shared", "bench", "corpus50k.jsonl.zst")


def build_memory(cli, path):
    """The 50K corpus in a memory of the built-in model, uri = the document's id."""
    started = time.time()
    subprocess.run([cli, "create", path, "--no-enrich"], check=True, stdout=subprocess.DEVNULL)
    records = subprocess.run(["zstd", "-dc", CORPUS], check=True, stdout=subprocess.PIPE).stdout.decode("utf-8")
    lines = []
    for line in records.splitlines():
        if line.strip():
            d = json.loads(line)
            lines.append(json.dumps({"text": d["text"], "title": d.get("title", ""), "uri": d["id"]}))
    subprocess.run([cli, "put-many", path, "--jsonl", "-"], input="\n".join(lines).encode("utf-8"), check=True,
                   stdout=subprocess.DEVNULL)
    print(f"built {path} in {time.time() - started:.1f} s", file=sys.stderr)


def parse_config(spec):
    mode, _, floor = spec.partition("~")
    options = {"mode": mode}
    if floor == "off":
        options["semantic_floor"] = False
    elif floor:
        options["semantic_floor"] = float(floor)
    return options


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--memvid", required=True, help="the memvid CLI (to build the memory)")
    ap.add_argument("--memory", default=os.path.join(os.environ.get("TMPDIR", "/tmp"), "corpus50k-builtin.mv2"))
    ap.add_argument("--queries", default=os.path.join(HERE, "queries", "unanswerable.txt"))
    ap.add_argument("--configs", default="lex,sem~off,sem,auto~off,auto")
    ap.add_argument("--k", type=int, default=10)
    ap.add_argument("--no-ask", action="store_true")
    args = ap.parse_args()

    if not os.path.exists(args.memory):
        build_memory(args.memvid, args.memory)
    queries = [line.strip() for line in open(args.queries, encoding="utf-8")
               if line.strip() and not line.lstrip().startswith("#")]
    print(f"{len(queries)} unanswerable queries; memory {args.memory}")
    rows = []
    with memvid_sdk.use("basic", args.memory, mode="open", read_only=True) as mem:
        for spec in args.configs.split(","):
            options = parse_config(spec)
            empty, counts, floors, lat = 0, [], [], []
            for q in queries:
                t = time.perf_counter()
                r = mem.find(q, k=args.k, snippet_chars=0, **options)
                lat.append((time.perf_counter() - t) * 1000)
                counts.append(len(r.hits))
                empty += not r.hits
                if r.semantic_floor is not None:
                    floors.append(r.semantic_floor)
            rows.append((spec, 100.0 * empty / len(queries), statistics.median(counts),
                         statistics.median(floors) if floors else None, statistics.median(lat)))
        ask_rows = []
        if not args.no_ask:
            for mode in ("lex", "auto"):
                nothing = 0
                for q in queries:
                    nothing += not mem.ask(q, mode=mode, context_only=True).found
                ask_rows.append((mode, 100.0 * nothing / len(queries)))

    print("\n| find config | no hit at all | median hits (k=%d) | median floor cosine | p50 ms |" % args.k)
    print("|---|---:|---:|---:|---:|")
    for spec, share, median_hits, floor, ms in rows:
        print(f"| {spec} | {share:.1f}% | {median_hits:g} | {'' if floor is None else f'{floor:.3f}'} | {ms:.2f} |")
    if ask_rows:
        print("\n| ask mode | answered 'nothing relevant' |")
        print("|---|---:|")
        for mode, share in ask_rows:
            print(f"| {mode} | {share:.1f}% |")


if __name__ == "__main__":
    main()
