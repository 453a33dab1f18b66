#!/usr/bin/env bash
# Builds crictl (cri-tools, pinned in critools/go.mod) from its Go module into the cache, cgo
# off as upstream. It is the peer the CRI benchmark (bench/cri_bench) measures ra2cert's CRI
# client against. Does nothing when the binary is there. Prints the bin directory on its last line.
# Usage: build-critools.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib-gobuild.sh"
moddir="$here/critools"
version=$(gomod_version "$moddir" sigs.k8s.io/cri-tools)
# As upstream's Makefile: the release version, else `crictl --version` says "unknown".
ldflags="-s -w -X sigs.k8s.io/cri-tools/pkg/version.Version=$version"
CGO_ENABLED=0 gobuild critools "$version" "$moddir" "$ldflags" "" crictl=sigs.k8s.io/cri-tools/cmd/crictl
