#!/usr/bin/env bash
# Retrieval quality of Memvid::find on BEIR SciFact (nDCG@10, Recall@10/100, MRR@10), and the
# SQLite FTS5 reference on the same collection, in the same run.
#   bash bench/eval_scifact.sh [memvid_eval options, e.g. --title-weight 1.5]
# Builds memvid_eval in $MEMVID_BUILD_DIR (default build/release; configured as a Release
# build if it does not exist). Run files go to $MEMVID_EVAL_OUT (default a fresh directory
# under $TMPDIR). MEMVID_EVAL_SKIP_FTS5=1 skips the FTS5 reference.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$here")"
build="${MEMVID_BUILD_DIR:-$repo/build/release}"
scifact="${MEMVID_EVAL_CORPUS:-$(cd "$repo/.." && pwd)/shared/eval/scifact}"
if [ ! -f "$build/build.ninja" ] && [ ! -f "$build/Makefile" ]; then
  cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release
fi
cmake --build "$build" --target memvid_eval >&2
out="${MEMVID_EVAL_OUT:-$(mktemp -d "${TMPDIR:-/tmp}/memvid_eval_runs.XXXXXX")}"
mkdir -p "$out"
echo "== memvid (Memvid::find) =="
"$build/bench/memvid_eval" --corpus "$scifact" --out "$out/memvid.run" "$@"
if [ "${MEMVID_EVAL_SKIP_FTS5:-0}" != "1" ]; then
  echo
  echo "== SQLite FTS5 reference (porter unicode61, words OR-ed) =="
  python3 "$here/fts5_reference.py" --scifact "$scifact" --out "$out/fts5.run"
fi
echo
echo "run files: $out"
