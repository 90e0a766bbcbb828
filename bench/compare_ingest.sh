#!/usr/bin/env bash
# Directory ingestion (`put --input DIR`) and `ask`, ours against the original memvid CLI, on the
# same tree of .md / .txt / .html files (the first --docs corpus documents); ours alone at 5K.
# Builds nothing: our binary from --ours, $MEMVID_BIN or build/release/memvid; the original
# from --peer, $MEMVID_PEER_BIN or ../shared/bench/install_peer.sh.
#   bash bench/compare_ingest.sh [--docs N] [--runs N] [--peer-runs N] [--skip-peer] [--out FILE]
# About 10 minutes by default, most of it the original's put. See bench/README.md and
# `python3 bench/compare_ingest.py --help`.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
exec python3 "$here/compare_ingest.py" "$@"
