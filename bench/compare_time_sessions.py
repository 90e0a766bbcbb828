#!/usr/bin/env python3
"""Time phrases and sessions (issue 19): `when` per CLI process, the cost of recording a
session in an agent loop, and the time to replay a recorded session. See bench/README.md.

  when:    N documents of the shared corpus, their timestamps spread evenly over 2024-2025
           (put-many --jsonl), then `memvid when F --on PHRASE --anchor 2025-12-31T12:00:00Z
           --limit 20 --json`, each phrase --reps times, median wall time per process (fork and
           exec included). The original memvid's `when` on a 1,000-document memory of the same
           corpus (its put-many; it cannot set timestamps) in the same run, when --peer is given.
  loop:    the Python SDK, --rounds rounds of put + find (lexical) on a fresh memory, without
           and with `with mem.session(...)`, alternated --loop-reps times; medians.
  replay:  the recorded loop's session (2 x rounds actions) replayed as of each action.

  usage: compare_time_sessions.py --ours build/test/memvid --pythonpath build/test/python
                                  [--peer PATH] [--docs 50000] [--reps 11] [--rounds 2000]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = os.path.normpath(os.path.join(HERE, "..", "..", "shared"))
ANCHOR = "2025-12-31T12:00:00Z"
PHRASES = ["yesterday", "last week", "2024-06", "Q1 2025", "in the last 24 hours", "last monday", "2025"]
START_MS = 1704067200000  # 2024-01-01
SPAN_MS = 731 * 86400000  # through 2025


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def timed(cmd):
    t = time.perf_counter()
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=600)
    return time.perf_counter() - t, r


def load_docs(n):
    data = subprocess.run(["zstd", "-dc", "--", os.path.join(SHARED, "bench", "corpus50k.jsonl.zst")],
                          stdout=subprocess.PIPE, check=True).stdout
    docs = []
    for line in data.decode().splitlines():
        if line.strip():
            d = json.loads(line)
            docs.append({"title": d["title"], "text": d["text"], "uri": d["uri"]})
        if len(docs) == n:
            break
    return docs


def bench_when(args, work, docs):
    path = os.path.join(work, "when.mv2")
    jsonl = os.path.join(work, "when.jsonl")
    with open(jsonl, "w") as f:
        for i, d in enumerate(docs):
            d = dict(d, timestamp=START_MS + i * SPAN_MS // len(docs))
            f.write(json.dumps(d, ensure_ascii=False) + "\n")
    subprocess.run([args.ours, "create", path], check=True, stdout=subprocess.DEVNULL)
    wall, r = timed([args.ours, "put-many", path, "--jsonl", jsonl, "--json"])
    if r.returncode:
        raise SystemExit(r.stderr.decode())
    log(f"ingested {len(docs)} documents in {wall:.1f} s")
    rows = []
    for phrase in PHRASES:
        cmd = [args.ours, "when", path, "--on", phrase, "--anchor", ANCHOR, "--limit", "20", "--json"]
        timed(cmd)  # warm-up
        times = []
        for _ in range(args.reps):
            t, r = timed(cmd)
            if r.returncode:
                raise SystemExit(r.stderr.decode())
            times.append(t)
        frames = json.loads(r.stdout)["count"]
        rows.append((phrase, statistics.median(times) * 1000, frames))
    print(f"\n`when` per CLI process, {len(docs)} frames (median of {args.reps}; --limit 20)")
    print(f"{'phrase':<24}{'ours ms':>10}{'frames':>8}")
    for phrase, ms, frames in rows:
        print(f"{phrase:<24}{ms:>10.2f}{frames:>8}")
    if args.peer:
        ppath = os.path.join(work, "peer.mv2")
        subprocess.run([args.peer, "create", ppath], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        batch = os.path.join(work, "peer_batch.json")
        for i in range(0, 1000, 500):
            with open(batch, "w") as f:
                json.dump(docs[i:i + 500], f, ensure_ascii=False)
            subprocess.run([args.peer, "put-many", ppath, "--input", batch, "--json"], stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, timeout=600)
        print(f"\nthe original's `when` on 1,000 frames (median of {args.reps})")
        print(f"{'phrase':<24}{'original ms':>12}{'exit':>6}")
        for phrase in PHRASES:
            cmd = [args.peer, "when", ppath, "--on", phrase, "--anchor", ANCHOR, "--tz", "UTC", "--limit", "20", "--json"]
            timed(cmd)
            times, code = [], 0
            for _ in range(args.reps):
                t, r = timed(cmd)
                times.append(t)
                code = r.returncode
            print(f"{phrase:<24}{statistics.median(times) * 1000:>12.2f}{code:>6}")


LOOP = r"""
import sys, time, memvid_sdk
path, rounds, record = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "1"
mem = memvid_sdk.use("basic", path, embedding_model="none")
words = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel"]
def loop():
    for i in range(rounds):
        mem.put(f"note {i}: {words[i % 8]} met {words[(i * 3) % 8]} about item {i % 97}")
        mem.find(f"{words[i % 8]} item", mode="lex", k=10)
t = time.perf_counter()
if record:
    with mem.session("loop"):
        loop()
else:
    loop()
elapsed = time.perf_counter() - t
t = time.perf_counter()
ok = mem.sessions.replay("loop").ok if record else True
replay = time.perf_counter() - t
mem.close()
print(f"{elapsed} {replay} {ok}")
"""


def bench_loop(args, work):
    env = dict(os.environ, PYTHONPATH=args.pythonpath)
    plain, recorded, replays = [], [], []
    for rep in range(args.loop_reps):
        for record in (False, True):
            path = os.path.join(work, f"loop{rep}{int(record)}.mv2")
            out = subprocess.run([sys.executable, "-c", LOOP, path, str(args.rounds), "1" if record else "0"], env=env,
                                 stdout=subprocess.PIPE, check=True, timeout=1200).stdout.decode().split()
            elapsed, replay, ok = float(out[0]), float(out[1]), out[2] == "True"
            (recorded if record else plain).append(elapsed)
            if record:
                replays.append(replay)
                if not ok:
                    raise SystemExit("the replay of the loop's session did not match")
    p, r = statistics.median(plain), statistics.median(recorded)
    print(f"\nagent loop: {args.rounds} rounds of put + find through the Python SDK (median of {args.loop_reps})")
    print(f"{'':<28}{'seconds':>10}")
    print(f"{'without a session':<28}{p:>10.3f}")
    print(f"{'recording a session':<28}{r:>10.3f}")
    print(f"{'overhead':<28}{(r / p - 1) * 100:>9.1f}%")
    print(f"\nreplay of the recorded session ({2 * args.rounds} actions, as of each): "
          f"median {statistics.median(replays):.3f} s, every step matched")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ours", required=True)
    ap.add_argument("--pythonpath", required=True)
    ap.add_argument("--peer")
    ap.add_argument("--docs", type=int, default=50000)
    ap.add_argument("--reps", type=int, default=11)
    ap.add_argument("--rounds", type=int, default=2000)
    ap.add_argument("--loop-reps", type=int, default=3)
    ap.add_argument("--skip-when", action="store_true")
    ap.add_argument("--skip-loop", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as work:
        if not args.skip_when:
            bench_when(args, work, load_docs(args.docs))
        if not args.skip_loop:
            bench_loop(args, work)


if __name__ == "__main__":
    main()
