#!/usr/bin/env bash
# Builds kwok (sigs.k8s.io/kwok, the fake-node controller; pinned in kwok/go.mod) from its Go
# module into the cache, cgo off as upstream's release script.
# Does nothing when the binary is there. Prints the bin directory on its last line.
# Usage: build-kwok.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib-gobuild.sh"
moddir="$here/kwok"
version=$(gomod_version "$moddir" sigs.k8s.io/kwok)
# pkg/consts.Version is what `kwok --version` prints (upstream stamps it from the git tag).
ldflags="-s -w -X sigs.k8s.io/kwok/pkg/consts.Version=${version#v}"
CGO_ENABLED=0 gobuild kwok "$version" "$moddir" "$ldflags" "" kwok=sigs.k8s.io/kwok/cmd/kwok
