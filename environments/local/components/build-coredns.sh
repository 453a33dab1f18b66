#!/usr/bin/env bash
# Builds CoreDNS (pinned in coredns/go.mod at the version Kubernetes 1.33 ships, v1.12.0) from
# its Go module into the cache, statically (cgo off, as upstream's Makefile does), with the
# default plugin set (core/plugin/zplugin.go, which includes kubernetes).
# Does nothing when the binary is there. Prints the bin directory on its last line.
# Usage: build-coredns.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib-gobuild.sh"
moddir="$here/coredns"
version=$(gomod_version "$moddir" github.com/coredns/coredns)
# The version number is a constant (coremain.CoreVersion); upstream stamps only the commit.
ldflags="-s -w"
if [[ ! -x "${RA2CERT_CACHE:-$HOME/.cache/ra2cert}/coredns-$version/bin/coredns" ]]; then
  commit=$(gomod_commit "$moddir" github.com/coredns/coredns "$version")
  [[ -n "$commit" ]] && ldflags+=" -X github.com/coredns/coredns/coremain.GitCommit=${commit:0:7}"
fi
CGO_ENABLED=0 gobuild coredns "$version" "$moddir" "$ldflags" "" coredns=github.com/coredns/coredns
