#!/usr/bin/env bash
# Builds and runs every test: the full suite (C++, the Python and Node.js SDKs, the
# cross-language test) in an optimized build with assertions, the same suite under
# AddressSanitizer + UBSan (python3 and node with the sanitizer runtime preloaded), and a
# bounded libFuzzer run over the reader and the query parser.
# Environment: MEMVID_FUZZ_SECONDS (default 60), MEMVID_READER_FUZZ_SECONDS (30),
# MEMVID_QUERY_FUZZ_SECONDS (20), MEMVID_TIME_FUZZ_SECONDS (15), MEMVID_SKIP_SANITIZE=1, MEMVID_SKIP_FUZZ=1.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
jobs="$(nproc)"

echo "== build and test (RelWithDebInfo), with the Python and Node.js SDKs"
# node-addon-api (headers only) for the Node.js addon, from the npm registry.
./scripts/install-node-deps.sh
cmake -S . -B build/test -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMEMVID_BUILD_BENCH=ON \
  -DPython_EXECUTABLE="$(command -v python3)" >/dev/null
cmake --build build/test -j "$jobs"
# The built-in embedding model: the tests that need it find it where this installs it.
./scripts/install-model.sh build/test/tools/model/memvid-model-convert
ctest --test-dir build/test --output-on-failure -j "$jobs"

if [ "${MEMVID_SKIP_SANITIZE:-0}" != 1 ]; then
  echo "== build and test under AddressSanitizer + UBSan"
  cmake -S . -B build/asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DMEMVID_SANITIZE=ON -DMEMVID_BUILD_BENCH=OFF \
    -DPython_EXECUTABLE="$(command -v python3)" >/dev/null
  cmake --build build/asan -j "$jobs"
  # MEMVID_SHORT_LOOPS=1: the kill loops that rewrite or re-enrich a whole memory per round,
  # and the sweeps that flip a byte or fail a write at many places of a file, run at a
  # smaller sample (every process and every open is several times slower here); the store's
  # own crash loop is cheap and keeps its 200 rounds.
  # intercept_tls_get_addr=0: with glibc 2.36, LeakSanitizer's bookkeeping of the dynamic TLS
  # of dlopen()ed libraries (the PDF plugin and poppler) can record a bogus block, and its
  # tracer then segfaults at exit ("Tracer caught signal 11", seen after a passing ingest test,
  # depending on the build path); not intercepting __tls_get_addr avoids that bookkeeping.
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:intercept_tls_get_addr=0 \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    MEMVID_CRASH_ROUNDS=200 MEMVID_SHORT_LOOPS=1 ctest --test-dir build/asan --output-on-failure -j "$jobs"
fi

if [ "${MEMVID_SKIP_FUZZ:-0}" != 1 ]; then
  echo "== libFuzzer: open arbitrary bytes as a memory (${MEMVID_FUZZ_SECONDS:-60} s)"
  CXX=clang++ CC=clang cmake -S . -B build/fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMEMVID_FUZZ=ON \
    -DMEMVID_BUILD_TESTS=OFF -DMEMVID_BUILD_BENCH=OFF >/dev/null
  cmake --build build/fuzz -j "$jobs" --target memvid_open_fuzzer memvid_reader_fuzzer memvid_query_fuzzer memvid_time_fuzzer \
    memvid_fuzz_seeds memvid_faiss  # the seeds include IVF-PQ memories, built by the vector-index plugin
  corpus="$(mktemp -d)"
  build/fuzz/fuzz/memvid_fuzz_seeds "$corpus"
  find fuzz/regressions -maxdepth 1 -type f ! -name README.md -exec cp {} "$corpus"/ \; 2>/dev/null || true
  # A crashing input is written to fuzz/regressions/: commit it with the fix, and every later
  # run replays it (below).
  mkdir -p fuzz/regressions
  build/fuzz/fuzz/memvid_open_fuzzer -max_total_time="${MEMVID_FUZZ_SECONDS:-60}" -max_len=262144 \
    -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 -artifact_prefix=fuzz/regressions/ "$corpus" 2>&1 | tail -n 15
  rm -rf "$corpus"
  # Crashes found earlier, kept as regression inputs, must stay fixed.
  inputs=(); for f in fuzz/regressions/*; do if [ -f "$f" ] && [ "${f##*/}" != README.md ]; then inputs+=("$f"); fi; done
  if [ ${#inputs[@]} -gt 0 ] && [ -e "${inputs[0]}" ]; then build/fuzz/fuzz/memvid_open_fuzzer "${inputs[@]}"; fi

  # A bounded run of harness NAME from the seeds in SEEDS, crashes kept in fuzz/regressions/KEEP/
  # (commit them with the fix), then a replay of every input kept there, which must stay fixed.
  fuzz_from_seeds() {
    local name="$1" seeds="$2" keep="$3" seconds="$4" max_len="$5" dir
    dir="$(mktemp -d)"
    cp "$seeds"/* "$dir"/
    mkdir -p "fuzz/regressions/$keep"
    "build/fuzz/fuzz/$name" -max_total_time="$seconds" -max_len="$max_len" -rss_limit_mb=2048 -timeout=10 \
      -print_final_stats=1 -artifact_prefix="fuzz/regressions/$keep/" "$dir" 2>&1 | tail -n 15
    rm -rf "$dir"
    local kept=() f
    for f in "fuzz/regressions/$keep"/*; do if [ -f "$f" ] && [ "${f##*/}" != README.md ]; then kept+=("$f"); fi; done
    if [ ${#kept[@]} -gt 0 ]; then "build/fuzz/fuzz/$name" "${kept[@]}"; fi
  }

  echo "== libFuzzer: ingestion readers and ask helpers on arbitrary bytes (${MEMVID_READER_FUZZ_SECONDS:-30} s)"
  # Seeds: one of each reader's happy path (the first byte picks the reader).
  fuzz_from_seeds memvid_reader_fuzzer fuzz/seeds/readers readers "${MEMVID_READER_FUZZ_SECONDS:-30}" 65536

  echo "== libFuzzer: any text as a search query, lenient and strict (${MEMVID_QUERY_FUZZ_SECONDS:-20} s)"
  # Seeds: plain queries, well-formed and not, one per file; -max_len a little past the
  # parser's size limit, so that the cut at the limit is reached.
  fuzz_from_seeds memvid_query_fuzzer fuzz/seeds/queries queries "${MEMVID_QUERY_FUZZ_SECONDS:-20}" 12000

  echo "== libFuzzer: any text as a time phrase, any bytes as a zone file (${MEMVID_TIME_FUZZ_SECONDS:-15} s)"
  # Seeds: phrases (first byte picks zone and anchor) and two real TZif files.
  fuzz_from_seeds memvid_time_fuzzer fuzz/seeds/time time "${MEMVID_TIME_FUZZ_SECONDS:-15}" 8192
fi
echo "all tests passed"
