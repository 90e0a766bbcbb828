#!/usr/bin/env bash
# Vector index benchmark: Flat / HNSW / IVF-PQ segments at 50K and 200K real embeddings (the
# built-in model), recall@10 against exact search, and semantic / hybrid find end to end at 50K.
#   bash bench/vector_bench.sh [memvid_vector_bench options, e.g. --sizes 50000 --reps 5]
# Builds memvid_vector_bench in $MEMVID_BUILD_DIR (default build/release; configured as a
# Release build if it does not exist). Needs the built-in model (scripts/install-model.sh).
# Adds a sweep of HNSW build parameters ($MEMVID_HNSW_VARIANTS, default 16:40,32:100,32:200;
# empty for none) and writes every figure to $MEMVID_VECTOR_JSON (default a file under $TMPDIR).
# Takes about 8-12 minutes on 2 CPUs.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$here")"
build="${MEMVID_BUILD_DIR:-$repo/build/release}"
variants="${MEMVID_HNSW_VARIANTS-16:40,32:100,32:200}"
json="${MEMVID_VECTOR_JSON:-$(mktemp "${TMPDIR:-/tmp}/memvid_vector_bench.XXXXXX.json")}"
if [ ! -f "$build/build.ninja" ] && [ ! -f "$build/Makefile" ]; then
  cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release
fi
cmake --build "$build" --target memvid_vector_bench >&2
echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'); commit $(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$repo" diff --quiet 2>/dev/null || echo ' (plus uncommitted changes)')"
extra=()
if [ -n "$variants" ]; then extra+=(--hnsw-variants "$variants"); fi
"$build/bench/memvid_vector_bench" --json "$json" "${extra[@]}" "$@"
