#!/usr/bin/env bash
# clang-tidy over the given source files, skipping a file whose exact input already passed on
# this machine. The input is the file as clang sees it (preprocessed by clang with the build's
# flags, both branches of every compiler #if as clang takes them), the flags, .clang-tidy and
# the clang-tidy version: any change to the file, a header it includes, a generated header or
# the checks runs it again. Only clean results are remembered, so a finding shows every time.
#
#   clang-tidy-cached.sh BUILD_DIR FILE...
#
# Cache: ${RA2CERT_CACHE:-~/.cache/ra2cert}/clang-tidy (one empty file per passing input).
set -euo pipefail
BUILD=${1:?usage: clang-tidy-cached.sh BUILD_DIR FILE...}
shift
ROOT=$(pwd)
BUILD=$(cd "$BUILD" && pwd)
CACHE=${RA2CERT_CACHE:-$HOME/.cache/ra2cert}/clang-tidy
mkdir -p "$CACHE"
[[ -f "$BUILD/compile_commands.json" ]] || { echo "clang-tidy-cached: no $BUILD/compile_commands.json; configure the build first" >&2; exit 2; }
SALT=$( (clang-tidy --version; cat .clang-tidy) | sha256sum | cut -d' ' -f1)
export ROOT BUILD CACHE SALT

tidy_one() {
  local file=$1 cmd key
  cmd=$(jq -r --arg f "$ROOT/$file" '.[] | select(.file == $f) | .command' "$BUILD/compile_commands.json" | head -n 1)
  [[ -n "$cmd" ]] || { echo "clang-tidy-cached: $file is not in $BUILD/compile_commands.json" >&2; return 1; }
  # The compile command without its compiler, output and input, paths made clone-independent.
  local args=() out=() skip=0 a
  eval "args=($cmd)"
  for a in "${args[@]:1}"; do
    if ((skip)); then skip=0; continue; fi
    case "$a" in -o | -c) skip=1 ;; *) out+=("$a") ;; esac
  done
  key=$( {
    echo "$SALT"
    printf '%s\n' "${out[@]}" | sed "s|$BUILD|<build>|g; s|$ROOT|<src>|g"
    clang++-14 "${out[@]}" -E -P -fmacro-prefix-map="$ROOT/=" -fmacro-prefix-map="$BUILD/=" "$ROOT/$file"
  } | sha256sum | cut -d' ' -f1) || { echo "clang-tidy-cached: could not preprocess $file" >&2; return 1; }
  [[ -f "$CACHE/$key" ]] && return 0
  clang-tidy -p "$BUILD" --quiet "$file" || return 1
  touch "$CACHE/$key"
  echo "clang-tidy: $file checked" >&2
}
export -f tidy_one

printf '%s\n' "$@" | xargs -P2 -I{} bash -c 'tidy_one "$1"' _ {}
