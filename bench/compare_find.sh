#!/usr/bin/env bash
# CLI search comparison of our `memvid find` with the original memvid CLI's lexical find, on
# the same 1K documents and the same queries (bench/queries/mix.txt); ours alone at 50K.
# Builds nothing: our binary from --ours, $MEMVID_BIN or build/release/memvid; the original
# from --peer, $MEMVID_PEER_BIN or ../shared/bench/install_peer.sh.
#   bash bench/compare_find.sh [--reps N] [--queries-count N] [--skip-peer] [--skip-50k] [--out FILE]
# See bench/README.md and `python3 bench/compare_find.py --help`.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
exec python3 "$here/compare_find.py" "$@"
