#!/usr/bin/env bash
# Side-by-side benchmark of the two Node.js SDKs: memvid-cpp (bindings/node) against the original
# memvid's @memvid/sdk, in process, on the same documents and queries; builds nothing.
#   bash bench/compare_sdk.sh [--docs 1000] [--reps 3] [--queries N] [--puts N] [--peer-puts N] ...
# Installs @memvid/sdk (outside the repository) on first use into
# ${MEMVID_PEER_SDK_DIR:-${XDG_CACHE_HOME:-~/.cache}/memvid/peer-sdk}, then runs
# `node bench/compare_sdk.js "$@"`, which prints a Markdown table of medians and writes
# bench/results/sdk_latest.json. See bench/README.md and `node bench/compare_sdk.js --help`.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
peer_version="${MEMVID_PEER_SDK_VERSION:-2.0.159}"
peer_dir="${MEMVID_PEER_SDK_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/memvid/peer-sdk}"
skip_peer=0
for a in "$@"; do [ "$a" = "--skip-peer" ] && skip_peer=1; done

installed_version() {
  node -e 'try{console.log(require(process.argv[1]+"/node_modules/@memvid/sdk/package.json").version)}catch(e){}' "$peer_dir"
}
if [ "$skip_peer" = 0 ] && [ -z "${MEMVID_PEER_SDK:-}" ] && [ "$(installed_version)" != "$peer_version" ]; then
  echo "installing @memvid/sdk@$peer_version into $peer_dir" >&2
  mkdir -p "$peer_dir"
  [ -f "$peer_dir/package.json" ] || echo '{"name":"memvid-peer-sdk","private":true}' > "$peer_dir/package.json"
  # --legacy-peer-deps: its optional peers (langchain, openai, zod@3, ...) conflict with each other
  #   (ERESOLVE on zod) and are not needed for put/find/timeline.
  # --ignore-scripts: onnxruntime-node's install script downloads from api.nuget.org; the SDK
  #   itself has no install script and its native part is the prebuilt @memvid/sdk-linux-x64-gnu.
  (cd "$peer_dir" && timeout 900 npm install --no-audit --no-fund --legacy-peer-deps --ignore-scripts \
     "@memvid/sdk@$peer_version") >&2
  [ "$(installed_version)" = "$peer_version" ] || { echo "could not install @memvid/sdk@$peer_version" >&2; exit 1; }
fi
export MEMVID_PEER_SDK="${MEMVID_PEER_SDK:-$peer_dir/node_modules/@memvid/sdk}"
exec node "$here/compare_sdk.js" "$@"
