#!/usr/bin/env bash
# Builds runc (pinned in runc/go.mod) from its Go module into the cache, with cgo and Debian's
# libseccomp-dev like upstream's default build. Upstream's default tags also name libpathrs, a Rust
# library Debian does not ship; without it runc uses its Go path-safety code.
# Does nothing when the binary is there. Prints the bin directory on its last line.
# Usage: build-runc.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib-gobuild.sh"
moddir="$here/runc"
version=$(gomod_version "$moddir" github.com/opencontainers/runc)
[[ -f /usr/include/seccomp.h ]] || { echo "build-runc: libseccomp-dev is missing (environments/setup/install-debian-packages.sh installs it)" >&2; exit 1; }
# As upstream's Makefile: `runc --version` reports the version and the commit.
ldflags="-s -w -X main.version=${version#v}"
if [[ ! -x "${RA2CERT_CACHE:-$HOME/.cache/ra2cert}/runc-$version/bin/runc" ]]; then
  commit=$(gomod_commit "$moddir" github.com/opencontainers/runc "$version")
  [[ -n "$commit" ]] && ldflags+=" -X main.gitCommit=$commit"
fi
CGO_ENABLED=1 gobuild runc "$version" "$moddir" "$ldflags" "seccomp urfave_cli_no_docs" \
  runc=github.com/opencontainers/runc
