#!/usr/bin/env bash
# Fetches the Node.js SDK's build dependency (node-addon-api, headers only) from the npm
# registry into bindings/node/node_modules, as pinned by its package-lock.json. The addon
# itself is built by CMake against the machine's Node headers; nothing else is downloaded.
set -euo pipefail
cd "$(dirname "$0")/../bindings/node"
if [ -f node_modules/node-addon-api/napi.h ]; then exit 0; fi
for attempt in 1 2 3; do
  if npm ci --ignore-scripts --no-audit --no-fund --loglevel=error; then exit 0; fi
  echo "npm ci failed (attempt $attempt); retrying" >&2
  sleep $((attempt * 5))
done
exit 1
