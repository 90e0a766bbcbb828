#!/usr/bin/env python3
"""Dates mentioned inside documents (issue 19): the extractor's precision and recall on the two
labelled sets of tests/data/time_mentions, beside the original memvid's content-date
extraction on the same sentences, and what indexing mentions costs at ingest. See
bench/README.md.

  quality: every sentence of labelled.txt (the set the extractor was tuned on) and heldout.txt
           (written apart by another author, not tuned on) through memvid_sdk.find_time_mentions
           with the sentence's anchor. A found mention counts when its byte span overlaps a
           labelled one (span P/R), and also when its days equal the label's (resolved P/R).
           The original stores `content_dates` strings per frame (no spans, no resolved days):
           each sentence is put with `--timestamp` = its anchor and read back with `view
           --json`; a string counts when it lies inside a labelled mention's words (the most
           favourable reading it allows), and its resolved P/R cannot be computed.
  ingest:  --docs documents of the shared corpus, put-many into a memory created with and
           without --no-date-mentions, alternated --reps times: median seconds and file sizes.

  usage: compare_time_mentions.py --ours build/test/memvid --pythonpath build/test/python
                                  [--peer PATH] [--docs 50000] [--reps 3]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

from compare_time_sessions import load_docs  # the shared corpus's first n documents

HERE = os.path.dirname(os.path.abspath(__file__))
SETS = os.path.normpath(os.path.join(HERE, "..", "tests", "data", "time_mentions"))


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def read_set(name):
    out, anchor = [], None
    for line in open(os.path.join(SETS, name), encoding="utf-8"):
        line = line.rstrip("\n")
        if not line or line.startswith("#"):
            continue
        if line.startswith("@anchor "):
            anchor = line.split()[1]
            continue
        text, gold, i = "", [], 0
        while i < len(line):
            if line[i] != "[":
                text += line[i]
                i += 1
                continue
            bar, close = line.index("|", i), line.index("]", i)
            surface = line[i + 1:bar]
            first, last = line[bar + 1:close].split("..")
            b = len(text.encode())
            text += surface
            gold.append((b, len(text.encode()), first, last, surface))
            i = close + 1
        out.append((anchor, text, gold))
    return out


def score(predicted_total, gold_total, span_hits, resolved_hits):
    p = span_hits / predicted_total if predicted_total else 0.0
    r = span_hits / gold_total if gold_total else 0.0
    rp = resolved_hits / predicted_total if predicted_total and resolved_hits is not None else None
    rr = resolved_hits / gold_total if gold_total and resolved_hits is not None else None
    return p, r, rp, rr


def ours_quality(sdk, sentences):
    pred = gold_n = span = resolved = 0
    for anchor, text, gold in sentences:
        found = sdk.find_time_mentions(text, written=anchor + "T12:00:00Z")
        pred += len(found)
        gold_n += len(gold)
        used = [False] * len(gold)
        for m in found:
            for k, (b, e, first, last, _) in enumerate(gold):
                if used[k] or m.end <= b or m.begin >= e:
                    continue
                used[k] = True
                span += 1
                resolved += (m.first_day, m.last_day) == (first, last)
                break
    return score(pred, gold_n, span, resolved), pred, gold_n


def peer_quality(peer, sentences, work):
    path = os.path.join(work, "peer.mv2")
    subprocess.run([peer, "create", path], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    pred = gold_n = span = 0
    for n, (anchor, text, gold) in enumerate(sentences):
        src = os.path.join(work, f"s{n}.txt")  # its uri comes from the name: one per sentence
        with open(src, "w", encoding="utf-8") as f:
            f.write(text)
        subprocess.run([peer, "put", path, "--input", src, "--timestamp", anchor, "--temporal-enrich"],
                       stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120)
        v = subprocess.run([peer, "view", path, "--frame-id", str(n), "--json"], stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, timeout=120)
        try:
            dates = json.loads(v.stdout)["frame"].get("content_dates") or []
        except (ValueError, KeyError, TypeError):
            dates = []
        pred += len(dates)
        gold_n += len(gold)
        used = [False] * len(gold)
        for d in dates:
            for k, g in enumerate(gold):
                if not used[k] and d.lower() in g[4].lower():
                    used[k] = True
                    span += 1
                    break
    return score(pred, gold_n, span, None), pred, gold_n


def ingest(args, work):
    docs = load_docs(args.docs)
    jsonl = os.path.join(work, "docs.jsonl")
    with open(jsonl, "w") as f:
        for d in docs:
            f.write(json.dumps(d) + "\n")
    times = {"with": [], "without": []}
    sizes = {}
    for _ in range(args.reps):
        for label, extra in (("with", []), ("without", ["--no-date-mentions"])):
            path = os.path.join(work, label + ".mv2")
            if os.path.exists(path):
                os.remove(path)
            subprocess.run([args.ours, "create", path, "--embedding", "none"] + extra, check=True,
                           stdout=subprocess.DEVNULL)
            t = time.perf_counter()
            subprocess.run([args.ours, "put-many", path, "--jsonl", jsonl], check=True, stdout=subprocess.DEVNULL)
            times[label].append(time.perf_counter() - t)
            sizes[label] = os.path.getsize(path)
    probe = subprocess.run([args.ours, "when", os.path.join(work, "with.mv2"), "--on", "2019", "--mentions",
                            "--json"], stdout=subprocess.PIPE, check=True)
    return times, sizes, len(docs), json.loads(probe.stdout)["count"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ours", required=True)
    ap.add_argument("--pythonpath", required=True)
    ap.add_argument("--peer")
    ap.add_argument("--docs", type=int, default=50000)
    ap.add_argument("--reps", type=int, default=3)
    args = ap.parse_args()
    sys.path.insert(0, os.path.abspath(args.pythonpath))
    import memvid_sdk  # noqa: E402

    def pct(x):
        return "-" if x is None else f"{100 * x:.1f} %"

    print("| set | system | mentions labelled | found | span precision | span recall | resolved precision | resolved recall |")
    print("|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as work:
        for name in ("labelled.txt", "heldout.txt"):
            sentences = read_set(name)
            (p, r, rp, rr), found, gold = ours_quality(memvid_sdk, sentences)
            print(f"| {name} ({len(sentences)} sentences) | memvid-cpp | {gold} | {found} | {pct(p)} | {pct(r)} | {pct(rp)} | {pct(rr)} |")
            if args.peer:
                log(f"original on {name} ...")
                (p, r, rp, rr), found, gold = peer_quality(args.peer, sentences, work)
                print(f"| {name} | original (content_dates) | {gold} | {found} | {pct(p)} | {pct(r)} | - | - |")
        if args.docs > 0:
            log(f"ingest of {args.docs} documents ...")
            times, sizes, n, probe = ingest(args, work)
            w, wo = statistics.median(times["with"]), statistics.median(times["without"])
            print()
            print(f"| put-many {n} documents (--embedding none) | median s | file bytes |")
            print("|---|---|---|")
            print(f"| with date mentions (default) | {w:.2f} | {sizes['with']:,} |")
            print(f"| --no-date-mentions | {wo:.2f} | {sizes['without']:,} |")
            print(f"| ratio | {w / wo:.3f} | {sizes['with'] / sizes['without']:.3f} |")
            print(f"\nframes that mention 2019: {probe}")


if __name__ == "__main__":
    main()
