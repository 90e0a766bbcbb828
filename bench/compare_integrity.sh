#!/usr/bin/env bash
# verify / verify --deep / compact / doctor --vacuum: our memvid against the original memvid CLI.
#   bash bench/compare_integrity.sh [--runs N] [--peer-deletes N] [--deletes-50k N] [--skip-peer] [--skip-50k]
# Our binary: $MEMVID_BIN or --ours (default build/dev/memvid); the original: $MEMVID_PEER_BIN or
# --peer (default ../shared/bench/install_peer.sh). Prints a Markdown table of medians and writes
# bench/results/integrity_latest.json. See bench/README.md and `python3 bench/compare_integrity.py --help`.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
exec python3 "$here/compare_integrity.py" "$@"
