#!/usr/bin/env python3
"""Scores fact extractors on the labelled set (bench/facts/labelled.jsonl): ours (the rules
engine, through memvid_facts_extract) and, when its CLI is given, the original memvid's
`enrich --engine rules`, on the same cases in the same run. Prints precision and recall per
category and overall, and how often a found fact carries the right valid_from.

A found fact matches a labelled one when entity, slot, value (case-folded, white space and a
leading article ignored) and polarity agree; each labelled fact matches at most once.

  usage: compare_facts.py EXTRACT_BINARY [--peer MEMVID_PEER_CLI] [--set FILE] [--misses N]
"""
import argparse
import collections
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))


def norm(v):
    v = unicodedata.normalize("NFKC", str(v)).casefold().strip().rstrip(".")
    v = re.sub(r"\s+", " ", v)
    for a in ("the ", "a ", "an "):
        if v.startswith(a):
            v = v[len(a):]
    return v


def key(f):
    return (norm(f["entity"]), f["slot"], norm(f["value"]), f.get("polarity", "positive"))


def score(cases, predictions):
    per = collections.defaultdict(lambda: [0, 0, 0, 0, 0])  # tp, found, labelled, dated_ok, dated_total
    misses = []
    for c in cases:
        want = collections.Counter(key(f) for f in c["facts"])
        dates = {key(f): f.get("valid_from") for f in c["facts"]}
        got = predictions.get(c["id"], [])
        row = per[c["category"]]
        row[1] += len(got)
        row[2] += len(c["facts"])
        matched = set()
        for g in got:
            k = key(g)
            if want[k] > 0:
                want[k] -= 1
                row[0] += 1
                matched.add(k)
                if dates.get(k) is not None or g.get("valid_from") is not None:
                    row[4] += 1
                    row[3] += dates.get(k) == g.get("valid_from")
            else:
                misses.append((c["id"], "extra", k, c["text"]))
        for k, n in want.items():
            for _ in range(n):
                misses.append((c["id"], "missed", k, c["text"]))
    return per, misses


def ours(binary, path):
    out = subprocess.run([binary, path], check=True, capture_output=True, text=True)
    preds = {}
    for line in out.stdout.splitlines():
        d = json.loads(line)
        preds[d["id"]] = d["facts"]
    return preds, out.stderr.strip()


def peer(cli, cases):
    """The original memvid: one memory per case, put with the case's time, enrich --engine rules."""
    preds = {}
    start = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp:
        for c in cases:
            path = os.path.join(tmp, c["id"] + ".mv2")
            src = os.path.join(tmp, c["id"] + ".txt")
            with open(src, "w") as f:
                f.write(c["text"])
            subprocess.run([cli, "create", path], check=True, capture_output=True)
            subprocess.run([cli, "put", path, "--input", src], capture_output=True)
            subprocess.run([cli, "enrich", path, "--engine", "rules"], capture_output=True)
            r = subprocess.run([cli, "memories", path, "--json"], capture_output=True, text=True)
            facts = []
            try:
                data = json.loads(r.stdout)
            except json.JSONDecodeError:
                data = {}
            if isinstance(data, list):
                cards = data
            else:
                cards = data.get("cards") or data.get("memories") or []
            seen = set()
            for card in cards:
                pol = str(card.get("polarity") or "positive").lower()
                f = {"entity": card.get("entity", ""), "slot": card.get("slot", ""), "value": card.get("value", ""),
                     "polarity": "negative" if pol.startswith("neg") else "positive"}
                k = key(f)
                if k not in seen:  # the original stores each card several times
                    seen.add(k)
                    facts.append(f)
            preds[c["id"]] = facts
    return preds, "%.1f s for %d cases (4 CLI processes each)" % (time.monotonic() - start, len(cases))


def table(name, per):
    print("\n%s" % name)
    print("| category | labelled | found | correct | precision | recall | valid_from right |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    tot = [0, 0, 0, 0, 0]
    for cat in sorted(per):
        tp, found, lab, dok, dtot = per[cat]
        tot = [a + b for a, b in zip(tot, per[cat])]
        print("| %s | %d | %d | %d | %s | %s | %s |" % (
            cat, lab, found, tp, pct(tp, found), pct(tp, lab), "%d/%d" % (dok, dtot) if dtot else "-"))
    tp, found, lab, dok, dtot = tot
    print("| **all** | %d | %d | %d | **%s** | **%s** | %d/%d |" % (lab, found, tp, pct(tp, found), pct(tp, lab), dok, dtot))


def pct(a, b):
    return "%.1f%%" % (100.0 * a / b) if b else "-"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("extract")
    ap.add_argument("--peer")
    ap.add_argument("--set", default=os.path.join(HERE, "facts", "labelled.jsonl"))
    ap.add_argument("--misses", type=int, default=0, help="print this many misses of ours")
    a = ap.parse_args()
    cases = [json.loads(l) for l in open(a.set, encoding="utf-8") if l.strip()]
    print("labelled set: %s (%d cases, %d facts)" % (a.set, len(cases), sum(len(c["facts"]) for c in cases)))
    preds, timing = ours(a.extract, a.set)
    per, misses = score(cases, preds)
    table("memvid-cpp rules engine (%s)" % timing, per)
    if a.peer:
        ppreds, ptiming = peer(a.peer, cases)
        pper, _ = score(cases, ppreds)
        table("original memvid `enrich --engine rules` (%s)" % ptiming, pper)
    for m in misses[: a.misses]:
        print(m[0], m[1], m[2], "|", m[3][:160].replace("\n", " "), file=sys.stderr)


if __name__ == "__main__":
    main()
