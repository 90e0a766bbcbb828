#!/usr/bin/env bash
# Side-by-side CLI benchmark of our memvid against the original memvid CLI; builds nothing.
#   bash bench/compare_peer.sh [--runs N] [--puts N] [--opens N] [--skip-peer] [--skip-50k] ...
# Our binary: $MEMVID_BIN or --ours (default build/release/memvid); the peer: $MEMVID_PEER_BIN or
# --peer (default: ../shared/bench/install_peer.sh). Prints a Markdown table of medians and
# writes the raw numbers to bench/results/latest.json. See bench/README.md and
# `python3 bench/compare_peer.py --help`.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
exec python3 "$here/compare_peer.py" "$@"
