#!/usr/bin/env bash
# Retrieval quality of Memvid::find on BEIR SciFact (nDCG@10, Recall@10/100, MRR@10) in every
# search mode, and the SQLite FTS5 reference on the same collection, in the same run.
#   bash bench/eval_scifact.sh [memvid_eval options, e.g. --title-weight 1.5 --reps 5]
# One memory (built-in embedding model), then these configurations of find() on it:
#   lex, sem, auto (linear fusion, semantic_weight 0.2: the library default), auto-rrf
#   (reciprocal rank fusion, k = 60), and auto@W for a sweep of semantic_weight W.
# MEMVID_EVAL_CONFIGS overrides that list (memvid_eval --configs syntax). Builds memvid_eval
# in $MEMVID_BUILD_DIR (default build/release; configured as a Release build if it does not
# exist). Run files go to $MEMVID_EVAL_OUT (default a fresh directory under $TMPDIR).
# MEMVID_EVAL_SKIP_FTS5=1 skips the FTS5 reference. Prints one Markdown table at the end.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$here")"
build="${MEMVID_BUILD_DIR:-$repo/build/release}"
scifact="${MEMVID_EVAL_CORPUS:-$(cd "$repo/.." && pwd)/shared/eval/scifact}"
configs="${MEMVID_EVAL_CONFIGS:-lex,sem,auto,auto-rrf,auto@0.05,auto@0.1,auto@0.15,auto@0.25,auto@0.3}"
if [ ! -f "$build/build.ninja" ] && [ ! -f "$build/Makefile" ]; then
  cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release
fi
cmake --build "$build" --target memvid_eval >&2
out="${MEMVID_EVAL_OUT:-$(mktemp -d "${TMPDIR:-/tmp}/memvid_eval_runs.XXXXXX")}"
mkdir -p "$out"
echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "== memvid (Memvid::find), configurations: $configs =="
"$build/bench/memvid_eval" --corpus "$scifact" --out "$out" --configs "$configs" --reps 3 "$@" | tee "$out/memvid.txt"
if [ "${MEMVID_EVAL_SKIP_FTS5:-0}" != "1" ]; then
  echo
  echo "== SQLite FTS5 reference (porter unicode61, words OR-ed) =="
  python3 "$here/fts5_reference.py" --scifact "$scifact" --out "$out/fts5.run" | tee "$out/fts5.txt"
fi
echo
echo "== summary (load at end: $(cut -d' ' -f1-3 /proc/loadavg)) =="
sed -n '/^| memvid config/,$p' "$out/memvid.txt"
if [ -f "$out/fts5.txt" ]; then
  awk '
    /^queries:/ { for (i = 1; i <= NF; ++i) { if ($i == "p50") p50 = $(i + 1); if ($i == "p99") p99 = $(i + 1) } }
    /nDCG@10=/ { for (i = 1; i <= NF; ++i) { split($i, kv, "="); m[kv[1]] = kv[2] } }
    END { printf "| FTS5 reference (bm25, OR) | %s | %s | %s | %s | %s | %s | | |\n",
                 m["nDCG@10"], m["Recall@10"], m["Recall@100"], m["MRR@10"], p50, p99 }' "$out/fts5.txt"
fi
echo
echo "run files: $out"
